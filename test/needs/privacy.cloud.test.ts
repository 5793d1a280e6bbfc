// Needs' personal content goes on the schedule the consent text states, in a person's own deletion and with a
// closed community: what goes (detail, drugs and their photo, reasons, notes, names in the steps) and what stays
// (type, status, building, household, times) for the counts and the ledgers.
import type { NeedDoc } from '../../server/needs/model'
import type { RetentionSchedule } from '../../typings/api'
import { CONSENTS } from '../../server/community/consent'
import { DEFAULT_NEED_RETENTION_DAYS, NEED_RETENTION_BOUNDS } from '../../server/needs/rules'
import { startTestCloud, TEST_NOW, type TestCloud } from '../support/localcloud'
import { C1, H, WHO } from '../support/community'
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

const DAY = 86_400_000
const JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
)
const stored = (id: string) => t.data.get<NeedDoc>('needs', id) as Promise<NeedDoc>
const exists = async (fileID: string) => {
  const res = (await t.sdk.getTempFileURL({ fileList: [fileID] })) as { fileList: { status: number }[] }
  return res.fileList[0]?.status === 0
}

/** A medicine need with a photo, taken and finished by 1号's 云上 volunteer. */
async function doneMedicine(): Promise<{ id: string; photo: string }> {
  const { fileID: photo } = (await t.sdk.uploadFile({
    cloudPath: `needs/${C1}/${H.b1r101._id}/${freshId('box')}.jpg`,
    fileContent: JPEG,
  })) as { fileID: string }
  const need = await n.raise(WHO.resident, {
    memberId: 'm-li',
    type: 'medicine',
    detail: '降压药吃完了',
    medicine: { names: ['氨氯地平'], photo },
  })
  await n.ok(P.online1, 'takeNeed', { needId: need.id })
  await n.ok(P.online1, 'finishNeed', { needId: need.id, note: '已送到门口' })
  return { id: need.id, photo }
}

function expectReduced(doc: NeedDoc): void {
  expect(doc.reducedAt).toBeInstanceOf(Date)
  expect(doc.detail).toBe('')
  expect(doc.medicine).toEqual({ names: [] })
  expect(JSON.stringify(doc)).not.toMatch(/张三|云上甲|氨氯地平|降压药|已送到门口|o-zhang|o-online1/)
  // What the counts, the ledgers and the care list read stays.
  expect(doc).toMatchObject({ buildingId: 'b1', householdId: H.b1r101._id, memberId: 'm-li', type: 'medicine' })
}

describe('the consent text', () => {
  it('states what needs keep, who sees them and the period the code enforces', () => {
    const text = CONSENTS.personal.text
    expect(CONSENTS.personal.version).toBe('2026-12-v5')
    expect(text).toContain('需求登记：')
    expect(text).toContain('药盒或处方照片只给楼组长以上看到')
    expect(text).toContain(
      `需求办结或取消 ${DEFAULT_NEED_RETENTION_DAYS} 天后（居委可设为 ${NEED_RETENTION_BOUNDS.min} 至 ${NEED_RETENTION_BOUNDS.max} 天）`,
    )
    expect(text).toContain('为您或由您登记的需求的内容')
  })
})

describe('the period after a need is done', () => {
  it('removes the content and the photo 30 days after, and leaves open needs alone', async () => {
    const done = await doneMedicine()
    const open = await n.raise(WHO.resident, { detail: '买菜' })
    await t.setClock(Date.parse(TEST_NOW) + (DEFAULT_NEED_RETENTION_DAYS * DAY - 60_000))
    await n.timer()
    expect((await stored(done.id)).reducedAt).toBeUndefined()
    expect(await exists(done.photo)).toBe(true)
    await t.advanceClock(2 * 60_000)
    await n.timer()
    expectReduced(await stored(done.id))
    expect(await exists(done.photo)).toBe(false)
    const still = await stored(open.id)
    expect(still.reducedAt).toBeUndefined()
    expect(still.detail).toBe('买菜')
    // The household still sees it in its list, without the content.
    const list = await n.ok<{ needs: { id: string; detail: string; status: string }[] }>(
      WHO.resident,
      'householdNeeds',
      {
        householdId: H.b1r101._id,
      },
    )
    expect(list.needs.find((x) => x.id === done.id)).toMatchObject({ detail: '', status: 'done' })
  })

  it('follows the committee’s period, and lists the needs in the schedule', async () => {
    const done = await doneMedicine()
    const set = await t.call<{ ok: boolean; data: { needRetentionDays: number } }>(
      'community',
      { action: 'setRetention', payload: { communityId: C1, needRetentionDays: 7 } },
      WHO.committee,
    )
    expect(set).toMatchObject({ ok: true, data: { needRetentionDays: 7 } })
    expect(
      await t.call(
        'community',
        { action: 'setRetention', payload: { communityId: C1, needRetentionDays: 91 } },
        WHO.committee,
      ),
    ).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'needRetentionDays' })
    const schedule = await t.call<{ ok: true; data: RetentionSchedule }>(
      'community',
      { action: 'retentionSchedule', payload: { communityId: C1 } },
      WHO.committee,
    )
    const item = schedule.data.items.find((i) => i.kind === 'needs')
    expect(item).toMatchObject({ label: '需求登记的内容', days: 7, due: [{ date: '2026-12-01', count: 1 }] })
    await t.setClock(Date.parse(TEST_NOW) + 7 * DAY + 60_000)
    await n.timer()
    expectReduced(await stored(done.id))
  })
})

describe('a person’s deletion and a closed community', () => {
  it('「我的数据」 removes the content of needs raised by or for them, and their name on needs they took', async () => {
    const done = await doneMedicine()
    // o-sun (3号-301) raised one for their own household and took none; o-zhang's goes, o-sun's stays.
    const other = await n.raise('o-sun', { householdId: H.b3r301._id, detail: '睡不着', type: 'psych' })
    const reply = await t.call<{ ok: boolean }>(
      'community',
      { action: 'deleteMyData', payload: { householdId: H.b1r101._id, confirm: '删除' } },
      WHO.resident,
    )
    expect(reply.ok).toBe(true)
    const doc = await stored(done.id)
    expect(doc.reducedAt).toBeInstanceOf(Date)
    expect(doc.detail).toBe('')
    expect(JSON.stringify(doc)).not.toMatch(/张三|o-zhang|氨氯地平/)
    expect((await stored(other.id)).detail).toBe('睡不着')
  })

  it('removes a volunteer’s name from the needs they took when they delete their own data', async () => {
    const done = await doneMedicine()
    // 1号's 云上 volunteer is a resident of 1号-201 here (their own household's deletion).
    await t.data.insertMany('roles', [
      {
        _id: 'r-online1-res',
        openid: P.online1,
        communityId: C1,
        role: 'resident',
        scope: { communityId: C1, buildingId: 'b1', householdId: H.b1r201._id },
        householdId: H.b1r201._id,
        memberId: 'm-zhao2',
        grantedBy: 'fixture',
        grantedAt: new Date(TEST_NOW),
      },
    ])
    const reply = await t.call<{ ok: boolean }>(
      'community',
      { action: 'deleteMyData', payload: { householdId: H.b1r201._id, confirm: '删除' } },
      P.online1,
    )
    expect(reply.ok).toBe(true)
    const doc = await stored(done.id)
    expect(JSON.stringify(doc)).not.toContain(P.online1)
    expect(doc.done?.name).toBe('')
    // The household's own content stays: it was not theirs.
    expect(doc.detail).toBe('降压药吃完了')
  })

  it('deletes every need and photo of a closed community once its period is over', async () => {
    const done = await doneMedicine()
    const closed = await t.call<{ ok: true; data: { deleteAfter: string } }>(
      'community',
      { action: 'closeCommunity', payload: { communityId: C1, confirm: '测试小区' } },
      WHO.committee,
    )
    expect(closed.ok).toBe(true)
    await t.setClock(Date.parse(closed.data.deleteAfter) + 60_000)
    for (let i = 0; i < 3; i++) {
      await t.admin('functions/community/trigger', { body: {} })
      await t.admin('functions/antigen/trigger', { body: {} })
    }
    expect(await t.data.count('needs', { communityId: C1 })).toBe(0)
    expect(await exists(done.photo)).toBe(false)
  })
})
