// Abnormal follow-ups through localcloud: a positive result opens one follow-up per household and round; the
// building's lead acknowledges it, records contacts and the outcome and closes it, while the committee sees it until
// it is closed; nobody outside the household's place may read or touch it; an unacknowledged one escalates to the
// committee once after the community's set time; and it goes with the round's results and the household's data.
import type { Envelope, FollowUpList, FollowUpView, RoundView } from '../../typings/api'
import type { FollowUpDoc } from '../../server/antigen/followups'
import type { HouseholdDoc } from '../../server/community/model'
import type { PushDoc } from '../../server/platform/pushqueue'
import { followUpId } from '../../server/antigen/followups'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C1, H, loadFixture, snapshot, WHO } from '../support/community'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())

const MINUTE = 60_000
const DAY = 86_400_000
const call = <T>(openid: string, action: string, payload: object = {}, fn = 'antigen') =>
  t.call<Envelope<T>>(fn, { action, payload }, openid)
const ok = async <T>(openid: string, action: string, payload: object = {}, fn = 'antigen'): Promise<T> => {
  const r = await call<T>(openid, action, payload, fn)
  if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message} ${r.field ?? ''}`)
  return r.data
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const runTimer = () =>
  t.admin<{ result: { ok: boolean; data: { escalated: { escalated: number; queued: number } } } }>(
    'functions/antigen/trigger',
    { body: {} },
  )

let round: RoundView

/** Until no submission of the round waits to be merged (the kicked sequencers run on their own). */
async function settled(roundId = round.id): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await t.data.count('intake', { roundId })) === 0) return
    await sleep(50)
  }
  throw new Error('submissions still waiting after 10 s')
}

async function photo(householdId: string, memberId: string): Promise<string> {
  const { fileID } = (await t.sdk.uploadFile({
    cloudPath: `antigen/${round.id}/${householdId}/${memberId}-${Math.random()}.jpg`,
    fileContent: Buffer.from('ffd8ffe000104a46494600', 'hex'),
  })) as { fileID: string }
  return fileID
}

type Result = 'negative' | 'positive'

/** The committee submits for the household (代报), one result per member in order, and waits for the merge. */
async function submit(h: HouseholdDoc, results: Result[]): Promise<void> {
  const members = await Promise.all(
    h.members.map(async (m, i) => ({
      memberId: m.id,
      result: results[i] ?? 'negative',
      photo: await photo(h._id, m.id),
      photoSize: 120_000,
    })),
  )
  await ok(WHO.committee, 'submit', { roundId: round.id, householdId: h._id, members })
  await settled()
}

const idOf = (h: HouseholdDoc) => followUpId(round.id, h._id)
const stored = (h: HouseholdDoc) => t.data.get<FollowUpDoc>('followUps', idOf(h))
const list = (openid: string, payload: object = {}) =>
  ok<FollowUpList>(openid, 'followUps', { communityId: C1, ...payload })
const escalations = (h: HouseholdDoc) =>
  t.data.findAll<PushDoc>('pushQueue', { purpose: `antigen.followUpEscalated:${idOf(h)}` })

beforeEach(async () => {
  await loadFixture(t)
  await t.setClock(Date.parse('2026-11-24T02:00:00.000Z'))
  round = await ok<RoundView>(WHO.committee, 'openRound', {
    communityId: C1,
    date: '2026-11-24',
    deadline: new Date(t.now() + 3 * 3600_000).toISOString(),
    notice: '请自测',
  })
})

describe('opening', () => {
  it('opens one follow-up for a positive household; a resubmission or a second positive opens no other', async () => {
    await submit(H.b1r102, ['negative'])
    expect(await t.data.count('followUps', { roundId: round.id })).toBe(0)

    await submit(H.b1r101, ['positive', 'negative'])
    const first = await stored(H.b1r101)
    expect(first).toMatchObject({
      roundId: round.id,
      communityId: C1,
      buildingId: 'b1',
      householdId: H.b1r101._id,
      room: '101',
      floor: 1,
      status: 'open',
      contacts: [],
      version: 0,
    })
    // Both members positive now, then a negative and a positive again: still the one follow-up, as it was.
    await submit(H.b1r101, ['positive', 'positive'])
    await submit(H.b1r101, ['negative', 'negative'])
    await submit(H.b1r101, ['negative', 'positive'])
    expect(await t.data.count('followUps', { roundId: round.id })).toBe(1)
    expect(await stored(H.b1r101)).toEqual(first)

    // Another household's positive is its own follow-up.
    await submit(H.b1r201, ['positive', 'negative'])
    expect(await t.data.count('followUps', { roundId: round.id })).toBe(2)
  })
})

describe('working a follow-up', () => {
  it('the lead acknowledges, records a contact and the outcome and closes it; the committee sees it until then', async () => {
    await submit(H.b1r101, ['positive', 'negative'])
    const open = await list(WHO.committee)
    expect(open.items).toHaveLength(1)
    expect(open.items[0]).toMatchObject({
      id: idOf(H.b1r101),
      roundId: round.id,
      roundDate: '2026-11-24',
      label: '1-101 张*',
      status: 'open',
      escalated: false,
      contacts: [],
      members: [
        { memberId: 'm-zhang', name: '张三', result: 'positive' },
        { memberId: 'm-li', name: '李四', result: 'negative' },
      ],
    })

    const acked = await ok<FollowUpView>(WHO.buildingLead, 'acknowledgeFollowUp', { id: idOf(H.b1r101) })
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedBy: '楼组长' })
    // Again, later, by someone else: the first acknowledgement stands.
    await t.advanceClock(5 * MINUTE)
    const again = await ok<FollowUpView>(WHO.committee, 'acknowledgeFollowUp', { id: idOf(H.b1r101) })
    expect(again).toMatchObject({ acknowledgedAt: acked.acknowledgedAt, acknowledgedBy: '楼组长' })

    const contacted = await ok<FollowUpView>(WHO.buildingLead, 'recordFollowUp', {
      id: idOf(H.b1r101),
      contact: { note: '电话联系张三，人在家，无明显症状' },
    })
    expect(contacted.contacts).toEqual([
      { by: '楼组长', at: expect.any(String), note: '电话联系张三，人在家，无明显症状' },
    ])
    expect(contacted.status).toBe('acknowledged')

    // Closing needs an outcome; 其他 needs a note.
    expect(await call(WHO.buildingLead, 'recordFollowUp', { id: idOf(H.b1r101), close: true })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
      field: 'outcome',
    })
    expect(
      await call(WHO.buildingLead, 'recordFollowUp', { id: idOf(H.b1r101), outcome: 'other', close: true }),
    ).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'outcomeNote' })
    // Free text is checked like every input: bounded, and saying something.
    expect(
      await call(WHO.buildingLead, 'recordFollowUp', { id: idOf(H.b1r101), contact: { note: 'x'.repeat(201) } }),
    ).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'contact.note' })
    expect(
      await call(WHO.buildingLead, 'recordFollowUp', { id: idOf(H.b1r101), contact: { note: ' 。。 ' } }),
    ).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'contact.note' })
    expect(await call(WHO.buildingLead, 'recordFollowUp', { id: idOf(H.b1r101) })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
    })
    expect((await stored(H.b1r101))?.contacts).toHaveLength(1)

    const outcome = await ok<FollowUpView>(WHO.buildingLead, 'recordFollowUp', {
      id: idOf(H.b1r101),
      outcome: 'homeIsolation',
      outcomeNote: '居家隔离，明早复测',
    })
    expect(outcome).toMatchObject({
      status: 'acknowledged',
      outcome: 'homeIsolation',
      outcomeNote: '居家隔离，明早复测',
    })
    expect((await list(WHO.committee)).items.map((i) => i.status)).toEqual(['acknowledged'])

    const closed = await ok<FollowUpView>(WHO.buildingLead, 'recordFollowUp', { id: idOf(H.b1r101), close: true })
    expect(closed).toMatchObject({ status: 'closed', outcome: 'homeIsolation', closedBy: '楼组长' })
    expect(closed.closedAt).toEqual(expect.any(String))
    // Closed: off the open list, still in 全部; a repeated close is answered as it stands, a change is refused.
    expect((await list(WHO.committee)).items).toEqual([])
    expect((await list(WHO.committee, { status: 'all' })).items.map((i) => [i.id, i.status])).toEqual([
      [idOf(H.b1r101), 'closed'],
    ])
    expect(await ok(WHO.buildingLead, 'recordFollowUp', { id: idOf(H.b1r101), close: true })).toMatchObject({
      status: 'closed',
    })
    expect(
      await call(WHO.committee, 'recordFollowUp', { id: idOf(H.b1r101), contact: { note: '再次联系' } }),
    ).toMatchObject({ ok: false, code: 'CONFLICT' })
    const doc = await stored(H.b1r101)
    expect(doc).toMatchObject({ status: 'closed', acknowledgedBy: WHO.buildingLead, closedBy: WHO.buildingLead })
    expect(doc?.contacts).toHaveLength(1)
  })

  it('records a contact as acknowledging it, and keeps every contact when two leads record at once', async () => {
    await submit(H.b1r101, ['positive', 'negative'])
    const id = idOf(H.b1r101)
    const replies = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        call<FollowUpView>(i % 2 ? WHO.committee : WHO.buildingLead, 'recordFollowUp', {
          id,
          contact: { note: `第${i + 1}次联系` },
        }),
      ),
    )
    expect(replies.filter((r) => !r.ok)).toEqual([])
    const doc = (await stored(H.b1r101)) as FollowUpDoc
    expect(doc.contacts.map((c) => c.note).sort()).toEqual(
      Array.from({ length: 6 }, (_, i) => `第${i + 1}次联系`).sort(),
    )
    expect(doc.version).toBe(6)
    expect(doc.status).toBe('acknowledged')
    expect([WHO.buildingLead, WHO.committee]).toContain(doc.acknowledgedBy)
    const view = (await list(WHO.committee)).items[0] as FollowUpView
    expect(view.contacts.map((c) => c.by).sort()).toEqual(['居委', '居委', '居委', '楼组长', '楼组长', '楼组长'])
  })

  it('refuses a 51st contact', async () => {
    await submit(H.b1r101, ['positive', 'negative'])
    const at = new Date(t.now())
    const contacts = Array.from({ length: 50 }, (_, i) => ({ by: WHO.buildingLead, at, note: `联系${i}` }))
    await t.data.update('followUps', idOf(H.b1r101), { contacts })
    expect(
      await call(WHO.buildingLead, 'recordFollowUp', { id: idOf(H.b1r101), contact: { note: '又一次' } }),
    ).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'contact' })
  })
})

describe('who sees and touches a follow-up', () => {
  beforeEach(async () => {
    await submit(H.b1r101, ['positive', 'negative']) // floor 1
    await submit(H.b1r201, ['negative', 'positive']) // floor 2, the floor lead's
    await submit(H.b2r101, ['positive']) // 2号, the 营长's 营
  })

  it('lists each lead their place, open first and oldest first, names as the policy shows them', async () => {
    const labels = async (openid: string) => (await list(openid)).items.map((i) => i.label)
    expect(await labels(WHO.committee)).toEqual(['1-101 张*', '1-201 赵*', '2-101 钱*'])
    expect(await labels(WHO.communityLead)).toEqual(['1-101 张*', '1-201 赵*', '2-101 钱*'])
    expect(await labels(WHO.groupLead)).toEqual(['1-101 张*', '1-201 赵*', '2-101 钱*'])
    expect(await labels(WHO.buildingLead)).toEqual(['1-101 张*', '1-201 赵*'])
    expect(await labels(WHO.floorLead)).toEqual(['1-201 赵*'])
    // Results to those the policy shows them to: names in full to the building lead, masked to the 营长.
    const lead = (await list(WHO.buildingLead)).items[0] as FollowUpView
    expect(lead.members?.map((m) => [m.name, m.result])).toEqual([
      ['张三', 'positive'],
      ['李四', 'negative'],
    ])
    const group = (await list(WHO.groupLead)).items[0] as FollowUpView
    expect(group.members?.map((m) => [m.name, m.result])).toEqual([
      ['张*', 'positive'],
      ['李*', 'negative'],
    ])
    expect(JSON.stringify(await list(WHO.groupLead))).not.toContain('张三')

    // A closed one goes after every open one, whatever its age.
    await ok(WHO.buildingLead, 'recordFollowUp', { id: idOf(H.b1r101), outcome: 'retestNegative', close: true })
    expect((await list(WHO.committee, { status: 'all' })).items.map((i) => i.label)).toEqual([
      '1-201 赵*',
      '2-101 钱*',
      '1-101 张*',
    ])
    // Paged: two, then the rest, with the same order.
    const first = await list(WHO.committee, { status: 'all', limit: 2 })
    expect(first.items.map((i) => i.label)).toEqual(['1-201 赵*', '2-101 钱*'])
    const second = await list(WHO.committee, { status: 'all', limit: 2, cursor: first.next })
    expect(second.items.map((i) => i.label)).toEqual(['1-101 张*'])
    expect(second.next).toBeUndefined()
    expect(await call(WHO.committee, 'followUps', { communityId: C1, cursor: 'x' })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
      field: 'cursor',
    })
    // One round only.
    expect((await list(WHO.committee, { roundId: 'r-c1' })).items).toEqual([])
  })

  it('is FORBIDDEN to a floor lead of another floor, a resident, another community and for an unknown id', async () => {
    const before = await snapshot(t)
    const id = idOf(H.b1r101)
    const refusals = [
      call(WHO.floorLead, 'acknowledgeFollowUp', { id }),
      call(WHO.floorLead, 'recordFollowUp', { id, contact: { note: '联系了' } }),
      // The household's own resident: a follow-up is the leads' work.
      call(WHO.resident, 'acknowledgeFollowUp', { id }),
      call(WHO.resident, 'followUps', { communityId: C1 }),
      call(WHO.volunteer, 'followUps', { communityId: C1 }),
      call(WHO.groupLead, 'acknowledgeFollowUp', { id }),
      call(WHO.otherCommittee, 'acknowledgeFollowUp', { id }),
      call(WHO.otherCommittee, 'recordFollowUp', { id, outcome: 'hospital', close: true }),
      call(WHO.otherCommittee, 'followUps', { communityId: C1 }),
      // An id that exists nowhere is answered alike: whether it exists would tell whether the household was abnormal.
      call(WHO.committee, 'acknowledgeFollowUp', { id: followUpId(round.id, H.b1r102._id) }),
      call(WHO.buildingLead, 'recordFollowUp', { id: followUpId(round.id, H.b1r102._id), contact: { note: '联系' } }),
    ]
    for (const r of await Promise.all(refusals))
      expect(r).toEqual({ ok: false, code: 'FORBIDDEN', message: '您没有权限进行此操作' })
    expect(await snapshot(t)).toBe(before)
    // On their own floor the floor lead may.
    expect(await ok(WHO.floorLead, 'acknowledgeFollowUp', { id: idOf(H.b1r201) })).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: '层长 赵*',
    })
  })
})

describe('escalation', () => {
  it('tells the committee once about one nobody acknowledged in 30 minutes, and never about an acknowledged one', async () => {
    await submit(H.b1r101, ['positive', 'negative'])
    await submit(H.b1r201, ['negative', 'positive'])
    await ok(WHO.floorLead, 'acknowledgeFollowUp', { id: idOf(H.b1r201) })

    await t.advanceClock(29 * MINUTE)
    expect((await runTimer()).result.data.escalated).toEqual({ escalated: 0, queued: 0 })
    expect(await escalations(H.b1r101)).toEqual([])

    await t.advanceClock(2 * MINUTE)
    expect((await runTimer()).result.data.escalated).toEqual({ escalated: 1, queued: 1 })
    const [push] = await escalations(H.b1r101)
    expect(push).toMatchObject({
      touser: WHO.committee,
      templateId: 'TPL_ABNORMAL',
      page: `packageAntigen/pages/followups?communityId=${C1}`,
      fields: { thing1: '1-101 张*', thing3: '异常结果无人跟进，请督促联系' },
    })
    const escalatedAt = (await stored(H.b1r101))?.escalatedAt
    expect(escalatedAt).toEqual(expect.any(Date))
    expect((await list(WHO.committee)).items.map((i) => [i.label, i.escalated])).toEqual([
      ['1-101 张*', true],
      ['1-201 赵*', false],
    ])

    // The next runs: nothing more, for either.
    await t.advanceClock(10 * MINUTE)
    expect((await runTimer()).result.data.escalated).toEqual({ escalated: 0, queued: 0 })
    expect(await escalations(H.b1r101)).toHaveLength(1)
    expect((await stored(H.b1r101))?.escalatedAt).toEqual(escalatedAt)
    expect(await escalations(H.b1r201)).toEqual([])
    expect((await stored(H.b1r201))?.escalatedAt).toBeUndefined()
  })

  it('waits for the community’s own time, and finishes an escalation a run left half done', async () => {
    await t.data.update('communities', C1, { 'settings.followUpEscalateMinutes': 60 })
    await submit(H.b1r101, ['positive', 'negative'])
    await t.advanceClock(45 * MINUTE)
    await runTimer()
    expect((await stored(H.b1r101))?.escalatedAt).toBeUndefined()
    await t.advanceClock(20 * MINUTE)
    await runTimer()
    expect(await escalations(H.b1r101)).toHaveLength(1)

    // A run that claimed one and stopped before queueing its notices: the next run queues them.
    await submit(H.b1r201, ['negative', 'positive'])
    await t.data.update('followUps', idOf(H.b1r201), { escalatedAt: new Date(t.now()) })
    await runTimer()
    expect(await escalations(H.b1r201)).toHaveLength(1)
    expect((await stored(H.b1r201))?.escalationQueuedAt).toEqual(expect.any(Date))
  })
})

describe('retention and deletion', () => {
  it('removes the round’s follow-ups when its results are reduced to counts', async () => {
    await submit(H.b1r101, ['positive', 'negative'])
    await ok(WHO.committee, 'closeRound', { roundId: round.id })
    await t.advanceClock(30 * DAY - MINUTE)
    await runTimer()
    expect(await t.data.count('followUps', { roundId: round.id })).toBe(1)
    await t.advanceClock(2 * MINUTE)
    await runTimer()
    expect(await t.data.count('chains', { roundId: round.id, resultsReducedAt: t.data._.exists(false) })).toBe(0)
    expect(await t.data.count('followUps', { roundId: round.id })).toBe(0)
  })

  it('removes a household’s follow-up with its last member’s data, and with the last abnormal member’s', async () => {
    await submit(H.b2r101, ['positive']) // 钱七 alone
    await submit(H.b1r101, ['positive', 'negative']) // 张三 positive, 李四 (no WeChat) negative
    await submit(H.b1r201, ['positive', 'positive']) // 赵六 and 赵小六 both positive

    await ok(WHO.residentB2, 'deleteMyData', { householdId: H.b2r101._id, confirm: '删除' }, 'community')
    expect(await stored(H.b2r101)).toBeNull()

    // 赵六 leaves; 赵小六's positive result stays, and so does the follow-up.
    await ok(WHO.floorLead, 'deleteMyData', { householdId: H.b1r201._id, confirm: '删除' }, 'community')
    expect(await stored(H.b1r201)).not.toBeNull()

    // 张三 leaves: 李四's negative is all the round keeps of 1-101, so its follow-up goes.
    await ok(WHO.resident, 'deleteMyData', { householdId: H.b1r101._id, confirm: '删除' }, 'community')
    expect(await stored(H.b1r101)).toBeNull()
    expect(await t.data.count('followUps', { roundId: round.id })).toBe(1)
  })
})
