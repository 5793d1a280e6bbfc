// Needs through localcloud: raise → route → take → done, cancel, escalation with the clock moved, the urgent
// medical alert, posts and shifts respected, take-overs only from above, overdue, the logged call, idempotent
// retries, two timers at once, and what each person sees.
import type { NeedQueueView, NeedView } from '../../typings/api'
import type { NeedDoc } from '../../server/needs/model'
import type { PhoneRevealDoc } from '../../server/community/model'
import { TEMPLATES } from '../../server/templates'
import { startTestCloud, TEST_NOW, type TestCloud } from '../support/localcloud'
import { C1, H, snapshot, WHO } from '../support/community'
import { pushesSettled, settledOutbox } from '../support/pushes'
import { freshId, loadNeeds, needs, NEEDS_PEOPLE as P } from '../support/needs'

let t: TestCloud
let n: ReturnType<typeof needs>
beforeAll(async () => {
  t = await startTestCloud()
  n = needs(t)
})
afterAll(() => t.stop())
beforeEach(async () => {
  await t.setClock(TEST_NOW)
  await loadNeeds(t)
  await t.admin('outbox', { method: 'DELETE' })
})

const MIN = 60_000
const stored = (id: string) => t.data.get<NeedDoc>('needs', id) as Promise<NeedDoc>
const told = async (templateId: string) =>
  (await settledOutbox(t)).filter((m) => m.templateId === templateId).map((m) => m.touser)

async function refusedWith(code: string, who: string, action: string, payload: object): Promise<void> {
  await pushesSettled(t)
  const before = await snapshot(t)
  expect(await n.call(who, action, payload)).toMatchObject({ ok: false, code })
  expect(await snapshot(t)).toBe(before)
}

describe('raise, route, take, finish', () => {
  it('goes to the building’s 云上 volunteers on shift only, then the resident sees it taken and done', async () => {
    const need = await n.raise(WHO.resident, { memberId: 'm-zhang' })
    expect(need).toMatchObject({ status: 'new', level: 'online', label: '1-101', member: '张三', canCancel: true })
    const doc = await stored(need.id)
    expect(doc).toMatchObject({
      communityId: C1,
      groupId: 'g1',
      buildingId: 'b1',
      householdId: H.b1r101._id,
      memberId: 'm-zhang',
      type: 'groceries',
      status: 'new',
      level: 'online',
      raised: { openid: WHO.resident, role: 'resident', name: '张三' },
    })
    // Normal groceries: four hours at the first level.
    expect(new Date(doc.dueAt).getTime() - new Date(doc.createdAt).getTime()).toBe(240 * MIN)
    // Both of 1号's 云上 volunteers are told; 2号's, the transport volunteer of 1号 and the leads are not.
    expect((await told(TEMPLATES.needNew)).sort()).toEqual([P.online1, P.online1b].sort())

    // 2号's volunteer cannot take it; 1号's can.
    await refusedWith('FORBIDDEN', P.online2, 'takeNeed', { needId: need.id })
    await refusedWith('FORBIDDEN', WHO.volunteer, 'takeNeed', { needId: need.id })
    await t.admin('outbox', { method: 'DELETE' })
    const taken = await n.ok<NeedView>(P.online1, 'takeNeed', { needId: need.id })
    expect(taken).toMatchObject({ status: 'taken', level: 'online', mine: true, canCall: true, takenBy: '云*甲' })
    expect(await told(TEMPLATES.needUpdate)).toEqual([WHO.resident])
    // The other volunteer of the same level cannot take it from them.
    await refusedWith('NEED_TAKEN', P.online1b, 'takeNeed', { needId: need.id })

    const mine = await n.ok<{ needs: NeedView[] }>(WHO.resident, 'householdNeeds', { householdId: H.b1r101._id })
    expect(mine.needs).toHaveLength(1)
    expect(mine.needs[0]).toMatchObject({ status: 'taken', takenBy: '云*甲', mine: false, canTake: false })

    await refusedWith('NOT_YOUR_NEED', P.online1b, 'finishNeed', { needId: need.id })
    const done = await n.ok<NeedView>(P.online1, 'finishNeed', { needId: need.id, note: '已送到门口' })
    expect(done.status).toBe('done')
    expect(await stored(need.id)).toMatchObject({
      status: 'done',
      done: { openid: P.online1, name: '云上甲', note: '已送到门口' },
      closedAt: expect.any(Date),
    })
    const seen = await n.ok<NeedView>(WHO.resident, 'getNeed', { needId: need.id })
    expect(seen.status).toBe('done')
    expect(seen.history.map((h) => h.kind)).toEqual(['raised', 'taken', 'done'])
    expect(seen.history[2]).toMatchObject({ by: '云*甲', note: '已送到门口' })
    // Nothing changes after it is done.
    await refusedWith('NEED_CLOSED', WHO.resident, 'cancelNeed', { needId: need.id, reason: '不用了' })
  })

  it('returns the same need for a retried registration and writes one document and one notice', async () => {
    const requestId = freshId()
    const [a, b] = await Promise.all([n.raise(WHO.resident, { requestId }), n.raise(WHO.resident, { requestId })])
    const again = await n.raise(WHO.resident, { requestId })
    expect(new Set([a.id, b.id, again.id]).size).toBe(1)
    expect(await t.data.count('needs', { householdId: H.b1r101._id })).toBe(1)
    expect((await told(TEMPLATES.needNew)).sort()).toEqual([P.online1, P.online1b].sort())
  })

  it('lets a 代管 family member and a floor lead register for the household, each recorded as who raised it', async () => {
    const byProxy = await n.raise(P.proxy, {
      householdId: H.b1r102._id,
      memberId: 'm-wang',
      type: 'medical',
      detail: '陪同去医院',
    })
    expect((await stored(byProxy.id)).raised).toMatchObject({ openid: P.proxy, role: 'resident', name: '王小五' })
    const byFloorLead = await n.raise(WHO.floorLead, { householdId: H.b1r201._id, detail: '买奶粉' })
    expect((await stored(byFloorLead.id)).raised).toMatchObject({ openid: WHO.floorLead })
    // A neighbour cannot register for another household, nor a floor lead off their floor.
    await refusedWith('FORBIDDEN', WHO.resident, 'raiseNeed', {
      householdId: H.b1r102._id,
      type: 'groceries',
      urgency: 'normal',
      detail: '买菜',
      requestId: freshId(),
    })
    await refusedWith('FORBIDDEN', WHO.floorLead, 'raiseNeed', {
      householdId: H.b1r101._id,
      type: 'groceries',
      urgency: 'normal',
      detail: '买菜',
      requestId: freshId(),
    })
  })

  it('lets the household cancel with a reason, and not a neighbour', async () => {
    const need = await n.raise(WHO.resident)
    await refusedWith('FORBIDDEN', WHO.residentB2, 'cancelNeed', { needId: need.id, reason: '不用了' })
    await refusedWith('INVALID_INPUT', WHO.resident, 'cancelNeed', { needId: need.id })
    const cancelled = await n.ok<NeedView>(WHO.resident, 'cancelNeed', { needId: need.id, reason: '家人买到了' })
    expect(cancelled).toMatchObject({ status: 'cancelled', canCancel: false })
    expect(await stored(need.id)).toMatchObject({ status: 'cancelled', cancelled: { reason: '家人买到了' } })
    await refusedWith('NEED_CLOSED', P.online1, 'takeNeed', { needId: need.id })
  })
})

describe('shifts and posts', () => {
  it('starts at 班长 at once when no 云上 volunteer of the building is on shift', async () => {
    await loadNeeds(t, [])
    const need = await n.raise(WHO.resident)
    expect(need.level).toBe('building')
    expect(await told(TEMPLATES.needNew)).toEqual([WHO.buildingLead])
  })

  it('skips an off-shift volunteer and a building without a 班长: 2号 starts at its 营长', async () => {
    const need = await n.raise(WHO.residentB2, { householdId: H.b2r101._id })
    expect(need.level).toBe('group')
    expect(await told(TEMPLATES.needNew)).toEqual([WHO.groupLead])
    const q = await n.ok<NeedQueueView>(P.online2, 'needQueue', { communityId: C1 })
    expect(q).toMatchObject({ offShift: true, waiting: [], levels: [] })
    await refusedWith('FORBIDDEN', P.online2, 'takeNeed', { needId: need.id })
  })

  it('routes to a volunteer only while on shift: at 21:00 2号’s volunteer has it, 1号’s day volunteer does not', async () => {
    await t.setClock('2026-11-24T13:00:00.000Z') // 21:00 in Shanghai
    const b2 = await n.raise(WHO.residentB2, { householdId: H.b2r101._id })
    expect(b2.level).toBe('online')
    const b1 = await n.raise(WHO.resident)
    expect(b1.level).toBe('online') // the on-call volunteer of 1号
    const told1 = await told(TEMPLATES.needNew)
    expect(told1.sort()).toEqual([P.online2, P.online1b].sort())
    const q2 = await n.ok<NeedQueueView>(P.online2, 'needQueue', { communityId: C1 })
    expect(q2.waiting.map((x) => x.id)).toEqual([b2.id])
    const q1 = await n.ok<NeedQueueView>(P.online1, 'needQueue', { communityId: C1 })
    expect(q1).toMatchObject({ offShift: true, waiting: [] })
  })
})

describe('escalation', () => {
  it('climbs online → 班长 → 营长 → 团长 → 居委 on the timer, each step told to that level', async () => {
    const need = await n.raise(WHO.resident, { type: 'groceries', urgency: 'urgent' }) // 30 minutes a level
    await t.admin('outbox', { method: 'DELETE' })
    await t.advanceClock(29 * MIN)
    await n.timer()
    expect((await stored(need.id)).level).toBe('online')
    const steps: [string, string][] = [
      ['building', WHO.buildingLead],
      ['group', WHO.groupLead],
      ['community', WHO.communityLead],
      ['committee', WHO.committee],
    ]
    for (const [level, who] of steps) {
      await t.advanceClock(31 * MIN)
      await t.admin('outbox', { method: 'DELETE' })
      await n.timer()
      const doc = await stored(need.id)
      expect(doc).toMatchObject({ status: 'escalated', level })
      expect(await told(TEMPLATES.needNew)).toEqual([who])
      const q = await n.ok<NeedQueueView>(who, 'needQueue', { communityId: C1 })
      expect(q.waiting.map((x) => x.id)).toEqual([need.id])
    }
    const doc = await stored(need.id)
    expect(doc.escalations.map((e) => e.level)).toEqual(['building', 'group', 'community', 'committee'])
    // At the committee it stays, however long.
    await t.advanceClock(120 * MIN)
    await n.timer()
    expect((await stored(need.id)).escalations).toHaveLength(4)
    const seen = await n.ok<NeedView>(WHO.resident, 'getNeed', { needId: need.id })
    expect(seen).toMatchObject({ status: 'escalated', level: 'committee' })
    expect(seen.history.filter((h) => h.kind === 'escalated')).toHaveLength(4)
  })

  it('alerts the committee the moment an urgent medical need is raised', async () => {
    const need = await n.raise(WHO.resident, { type: 'medical', urgency: 'urgent', detail: '老人胸口疼' })
    const msgs = (await settledOutbox(t)).filter((m) => m.templateId === TEMPLATES.needNew)
    expect(msgs.map((m) => m.touser).sort()).toEqual([P.online1, P.online1b, WHO.committee].sort())
    expect(msgs.find((m) => m.touser === WHO.committee)?.data.thing4?.value).toBe('紧急就医，请立即关注')
    expect(msgs[0]?.page).toBe(`packageNeeds/pages/queue?id=${encodeURIComponent(need.id)}`)
    // Five minutes later nobody took it: 班长.
    await t.advanceClock(5 * MIN + 1000)
    await n.timer()
    expect((await stored(need.id)).level).toBe('building')
  })

  it('moves each need once when two timer runs overlap', async () => {
    const ids: string[] = []
    for (let i = 0; i < 12; i++) ids.push((await n.raise(WHO.resident, { type: 'medical', urgency: 'urgent' })).id)
    await t.advanceClock(6 * MIN)
    await t.admin('outbox', { method: 'DELETE' })
    const runs = await Promise.all([n.timer(), n.timer(), n.timer()])
    const escalated = runs.map((r) => (r.result.data.escalated as { escalated: number }).escalated)
    expect(escalated.reduce((a, b) => a + b, 0)).toBe(12)
    for (const id of ids) {
      const doc = await stored(id)
      expect(doc.escalations).toHaveLength(1)
      expect(doc.history.filter((h) => h.kind === 'escalated')).toHaveLength(1)
    }
    // One notice per need to the building lead.
    expect(await told(TEMPLATES.needNew)).toEqual(ids.map(() => WHO.buildingLead))
  })
})

describe('take-overs and overdue', () => {
  it('lets only a higher level take over, and flags a taken need overdue once', async () => {
    await loadNeeds(t, [])
    const need = await n.raise(WHO.resident, { type: 'medical', urgency: 'urgent' })
    const taken = await n.ok<NeedView>(WHO.buildingLead, 'takeNeed', { needId: need.id })
    expect(taken).toMatchObject({ level: 'building', status: 'taken' })
    // Done within 60 minutes, or it is overdue.
    await t.advanceClock(61 * MIN)
    await t.admin('outbox', { method: 'DELETE' })
    await n.timer()
    await n.timer()
    const doc = await stored(need.id)
    expect(doc.overdueAt).toBeInstanceOf(Date)
    expect(doc.history.filter((h) => h.kind === 'overdue')).toHaveLength(1)
    expect(doc.status).toBe('taken')
    expect(await told(TEMPLATES.needNew)).toEqual([WHO.groupLead])
    const lead = await n.ok<NeedQueueView>(WHO.buildingLead, 'needQueue', { communityId: C1 })
    expect(lead.mine).toEqual([expect.objectContaining({ id: need.id, overdue: true })])

    const over = await n.ok<NeedView>(WHO.groupLead, 'takeNeed', { needId: need.id })
    expect(over).toMatchObject({ level: 'group', mine: true, overdue: false })
    await refusedWith('NEED_TAKEN', WHO.buildingLead, 'takeNeed', { needId: need.id })
    const after = await stored(need.id)
    expect(after.overdueAt).toBeUndefined()
    expect(after.history.map((h) => h.kind)).toEqual(['raised', 'taken', 'overdue', 'takenOver'])
    await refusedWith('NOT_YOUR_NEED', WHO.buildingLead, 'finishNeed', { needId: need.id })
  })
})

describe('calling the household', () => {
  it('reveals the number to the one who has the need, logged as 需求回访 under the daily cap', async () => {
    const need = await n.raise(WHO.resident, { memberId: 'm-li' })
    await refusedWith('NOT_YOUR_NEED', P.online1, 'callNeed', { needId: need.id })
    await n.ok(P.online1, 'takeNeed', { needId: need.id })
    await refusedWith('NOT_YOUR_NEED', P.online1b, 'callNeed', { needId: need.id })
    const call = await n.ok<{ phone: string; remainingToday: number }>(P.online1, 'callNeed', { needId: need.id })
    expect(call).toEqual({ phone: '13800002222', remainingToday: 29 })
    const logs = await t.data.find<PhoneRevealDoc>('phoneReveals', { openid: P.online1 })
    expect(logs).toEqual([
      expect.objectContaining({ householdId: H.b1r101._id, memberId: 'm-li', reason: 'need', role: 'volunteer' }),
    ])
    // The number is never stored in the log.
    expect(JSON.stringify(logs)).not.toContain('13800002222')
    // Only the need's own household.
    await refusedWith('NOT_FOUND', P.online1, 'callNeed', { needId: need.id, memberId: 'm-wang' })
    await n.ok(P.online1, 'finishNeed', { needId: need.id })
    await refusedWith('NOT_YOUR_NEED', P.online1, 'callNeed', { needId: need.id })
  })
})

describe('what each person sees', () => {
  it('masks the household’s names to volunteers and 营长, full to its leads and the committee', async () => {
    const need = await n.raise(WHO.resident, { memberId: 'm-zhang' })
    const volunteer = await n.ok<NeedView>(P.online1, 'getNeed', { needId: need.id })
    expect(volunteer.member).toBe('张*')
    const lead = await n.ok<NeedView>(WHO.buildingLead, 'getNeed', { needId: need.id })
    expect(lead.member).toBe('张三')
    const committee = await n.ok<NeedView>(WHO.committee, 'getNeed', { needId: need.id })
    expect(committee.member).toBe('张三')
    // A neighbour, a volunteer of another building, another community: nothing.
    for (const who of [WHO.residentB2, P.online2, WHO.otherCommittee, WHO.stranger])
      expect(await n.call(who, 'getNeed', { needId: need.id })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })
})
