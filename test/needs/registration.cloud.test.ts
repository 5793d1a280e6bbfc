// Registering a need through localcloud: bad input writes nothing, a medicine photo must come from the household's
// folder and is shown to leads and above only, the household's hourly limit holds under concurrency, and the day's
// roll-up and its .xlsx count what is stored.
import type { Envelope, ExportFile, NeedRollupView, NeedView } from '../../typings/api'
import type { NeedDoc } from '../../server/needs/model'
import type { ExportDoc } from '../../server/platform/exports'
import { RAISES_PER_HOUR } from '../../server/needs/rules'
import { startTestCloud, TEST_NOW, type TestCloud } from '../support/localcloud'
import { C1, H, snapshot, WHO } from '../support/community'
import { cellText, openExport } from '../support/printfiles'
import { pushesSettled } from '../support/pushes'
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
})

const JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
)
const upload = async (cloudPath: string, content = JPEG) =>
  ((await t.sdk.uploadFile({ cloudPath, fileContent: content })) as { fileID: string }).fileID

const base = () => ({
  householdId: H.b1r101._id,
  type: 'groceries',
  urgency: 'normal',
  detail: '买菜',
  requestId: freshId(),
})

async function refusedWith(code: string, who: string, payload: object, field?: string): Promise<void> {
  await pushesSettled(t)
  const before = await snapshot(t)
  const r = await n.call(who, 'raiseNeed', payload)
  expect(r).toMatchObject({ ok: false, code, ...(field ? { field } : {}) })
  expect((r as { message: string }).message).toMatch(/[\u4e00-\u9fff]/)
  expect(await snapshot(t)).toBe(before)
}

describe('bad input writes nothing', () => {
  it.each([
    ['an unknown type', { type: 'taxi' }, 'type'],
    ['an unknown urgency', { urgency: 'now' }, 'urgency'],
    ['a 201-character detail', { detail: '药'.repeat(201) }, 'detail'],
    ['no detail for 其他', { type: 'other', detail: '' }, 'detail'],
    ['买药 without drugs', { type: 'medicine' }, 'medicine'],
    ['买药 with no names', { type: 'medicine', medicine: { names: [] } }, 'medicine.names'],
    ['drugs on a grocery need', { medicine: { names: ['布洛芬'] } }, 'medicine'],
    ['外出 without reason and time', { type: 'outing' }, 'outing'],
    ['外出 next month', { type: 'outing', outing: { reason: '透析', at: '2026-12-30T09:00:00+08:00' } }, 'outing.at'],
    ['外出 at no real time', { type: 'outing', outing: { reason: '透析', at: '明天上午' } }, 'outing.at'],
    ['a short requestId', { requestId: 'x' }, 'requestId'],
    ['a stray field', { status: 'done' }, undefined],
    ['a member of another household', { memberId: 'm-wang' }, 'memberId'],
  ])('%s', async (_what, extra, field) => {
    await refusedWith('INVALID_INPUT', WHO.resident, { ...base(), ...extra }, field)
  })

  it('refuses an unknown household as forbidden, and any caller outside it', async () => {
    await refusedWith('FORBIDDEN', WHO.resident, { ...base(), householdId: 'h-nope' })
    await refusedWith('FORBIDDEN', WHO.otherCommittee, base())
    await refusedWith('FORBIDDEN', WHO.stranger, base())
  })
})

describe('medicine photos', () => {
  it('takes a photo from the household’s own folder and shows it to leads and above, not to the volunteer', async () => {
    const photo = await upload(`needs/${C1}/${H.b1r101._id}/box.jpg`)
    const need = await n.raise(WHO.resident, {
      type: 'medicine',
      urgency: 'soon',
      detail: '',
      medicine: { names: ['布洛芬', '氨氯地平'], photo },
    })
    expect(need.medicine).toMatchObject({ names: ['布洛芬', '氨氯地平'], hasPhoto: true, photoUrl: expect.any(String) })
    expect((await t.data.get<NeedDoc>('needs', need.id))?.medicine).toEqual({ names: ['布洛芬', '氨氯地平'], photo })
    const volunteer = await n.ok<NeedView>(P.online1, 'getNeed', { needId: need.id })
    expect(volunteer.medicine).toEqual({ names: ['布洛芬', '氨氯地平'], hasPhoto: true })
    const lead = await n.ok<NeedView>(WHO.buildingLead, 'getNeed', { needId: need.id })
    expect(lead.medicine?.photoUrl).toEqual(expect.any(String))
  })

  it.each([
    ['another household’s folder', `needs/${C1}/${H.b1r102._id}/box.jpg`],
    ['another community’s folder', `needs/c2/${H.b1r101._id}/box.jpg`],
    ['a delivery folder', `delivery/${C1}/o-zhang/box.jpg`],
  ])('refuses a photo from %s', async (_what, path) => {
    const photo = await upload(path)
    await refusedWith('PHOTO_INVALID', WHO.resident, {
      ...base(),
      type: 'medicine',
      medicine: { names: ['布洛芬'], photo },
    })
  })

  it('refuses a file that is not an image', async () => {
    const photo = await upload(`needs/${C1}/${H.b1r101._id}/x.jpg`, Buffer.from('not a picture at all'))
    await refusedWith('PHOTO_INVALID', WHO.resident, {
      ...base(),
      type: 'medicine',
      medicine: { names: ['布洛芬'], photo },
    })
  })
})

describe('the household’s hourly limit', () => {
  it(`accepts ${RAISES_PER_HOUR} registrations an hour, concurrent or not, and refuses the next`, async () => {
    const replies = await Promise.all(
      Array.from({ length: RAISES_PER_HOUR + 5 }, () => n.call(WHO.resident, 'raiseNeed', base())),
    )
    expect(replies.filter((r) => r.ok)).toHaveLength(RAISES_PER_HOUR)
    expect(replies.filter((r) => !r.ok)).toEqual(
      Array.from({ length: 5 }, () => expect.objectContaining({ code: 'RATE_LIMITED' })),
    )
    expect(await t.data.count('needs', { householdId: H.b1r101._id })).toBe(RAISES_PER_HOUR)
    // Another household is not held up, and the next hour is open again.
    expect((await n.call(WHO.residentB2, 'raiseNeed', { ...base(), householdId: H.b2r101._id })).ok).toBe(true)
    await t.advanceClock(3_600_000)
    expect((await n.call(WHO.resident, 'raiseNeed', base())).ok).toBe(true)
  })
})

describe('the day’s roll-up', () => {
  async function day(): Promise<void> {
    const a = await n.raise(WHO.resident, { type: 'medicine', detail: '', medicine: { names: ['布洛芬'] } })
    await n.raise(WHO.resident, { type: 'gas', detail: '燃气卡充值100元' })
    const c = await n.raise(WHO.residentB2, { householdId: H.b2r101._id, type: 'gas', detail: '充值' })
    await n.raise('o-sun', { householdId: H.b3r301._id, type: 'psych', detail: '睡不着' })
    await n.ok(P.online1, 'takeNeed', { needId: a.id })
    await n.ok(P.online1, 'finishNeed', { needId: a.id })
    await n.ok(WHO.residentB2, 'cancelNeed', { needId: c.id, reason: '自己充好了' })
  }

  it('counts by building, type and status: the 营长 their 营, the committee every building in order', async () => {
    await day()
    const all = await n.ok<NeedRollupView>(WHO.committee, 'needRollup', { communityId: C1, day: '2026-11-24' })
    expect(all.rows.map((r) => r.name)).toEqual(['1号', '2号', '3号'])
    expect(all.rows[0]).toMatchObject({ total: 2, byType: { medicine: 1, gas: 1 }, byStatus: { done: 1, new: 1 } })
    expect(all.rows[1]).toMatchObject({ total: 1, byStatus: { cancelled: 1 } })
    expect(all.rows[2]).toMatchObject({ total: 1, byType: { psych: 1 } })
    expect(all.total).toMatchObject({ total: 4, byType: { gas: 2 } })
    expect(all.canExport).toBe(true)
    const ying = await n.ok<NeedRollupView>(WHO.groupLead, 'needRollup', { communityId: C1, day: '2026-11-24' })
    expect(ying.rows.map((r) => r.buildingId)).toEqual(['b1', 'b2'])
    expect(ying.total.total).toBe(3)
    expect(ying.canExport).toBe(false)
    // Another day counts nothing.
    const other = await n.ok<NeedRollupView>(WHO.committee, 'needRollup', { communityId: C1, day: '2026-11-23' })
    expect(other.total.total).toBe(0)
    for (const who of [WHO.buildingLead, P.online1, WHO.resident, WHO.otherCommittee])
      expect(await n.call(who, 'needRollup', { communityId: C1, day: '2026-11-24' })).toMatchObject({
        ok: false,
        code: 'FORBIDDEN',
      })
    expect(await n.call(WHO.committee, 'needRollup', { communityId: C1, day: '2026-02-30' })).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'day',
    })
  })

  it('exports the table as an .xlsx recorded in exports, for 团长 and the committee only', async () => {
    await day()
    const exportNeeds = (who: string) =>
      t.call<Envelope<ExportFile>>(
        'sheets',
        { action: 'exportNeeds', payload: { communityId: C1, day: '2026-11-24' } },
        who,
      )
    const { out, wb } = await openExport(t, exportNeeds(WHO.communityLead))
    expect(out.fileName).toBe('需求汇总-2026-11-24.xlsx')
    const sheet = wb.getWorksheet('需求汇总')
    const rows = (sheet?.getSheetValues() ?? [])
      .slice(1)
      .map((r) => (r as unknown[]).slice(1).map((v) => cellText(v as never)))
    expect(rows[0]?.slice(0, 4)).toEqual(['楼道号', '营', '买药', '就医'])
    expect(rows.map((r) => r[0])).toEqual(['楼道号', '1号', '2号', '3号', '合计'])
    expect(rows[4]?.at(-1)).toBe('4')
    const recorded = await t.data.find<ExportDoc>('exports', { communityId: C1 })
    expect(recorded).toEqual([expect.objectContaining({ kind: 'needs', by: WHO.communityLead })])
    for (const who of [WHO.groupLead, WHO.buildingLead, WHO.otherCommittee])
      expect(await exportNeeds(who)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })
})
