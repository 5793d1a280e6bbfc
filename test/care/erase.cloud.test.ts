// Care data in a person's own deletion (community deleteMyData) and a community's closing: the checks about them
// go, their name on the checks they made for others is replaced, and closing deletes every check and status.
import type { Envelope } from '../../typings/api'
import type { CareCheckDoc, CareStatusDoc } from '../../server/care/model'
import type { HouseholdDoc } from '../../server/community/model'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C2, H, WHO } from '../support/community'
import { C1, care, freshRequest, loadCare, PERSON } from '../support/care'

let t: TestCloud
let c: ReturnType<typeof care>
beforeAll(async () => {
  t = await startTestCloud()
  c = care(t)
})
afterAll(() => t.stop())
beforeEach(async () => {
  await t.setClock('2026-11-24T02:00:00.000Z')
  await loadCare(t)
})

const DAY = 86_400_000
const check = (who: string, person: { householdId: string; memberId: string }) =>
  c.ok(who, 'recordCheck', { ...person, how: 'phone', result: 'safe', requestId: freshRequest() })
const community = <T>(openid: string, action: string, payload: object) =>
  t.call<Envelope<T>>('community', { action, payload }, openid)

it('deletes the checks about a resident who deletes their data, and their name on the checks they made', async () => {
  // 张三 (1号-101, o-zhang) is flagged too; 赵六 (o-zhao, the 2F floor lead) checks his own child.
  const h = (await t.data.get<HouseholdDoc>('households', H.b1r101._id)) as HouseholdDoc
  await t.data.update('households', h._id, {
    members: t.data._.set(h.members.map((m) => (m.id === 'm-zhang' ? { ...m, flags: ['chronic'] } : m))),
  })
  const zhang = { householdId: H.b1r101._id, memberId: 'm-zhang' }
  await check(WHO.buildingLead, zhang)
  await check(WHO.buildingLead, PERSON.wang)
  await check(WHO.floorLead, PERSON.zhao2)
  expect(await community(WHO.resident, 'deleteMyData', { householdId: H.b1r101._id, confirm: '删除' })).toMatchObject({
    ok: true,
  })
  expect(await t.data.count('careChecks', { householdId: H.b1r101._id })).toBe(0)
  expect(await t.data.count('careStatus', { householdId: H.b1r101._id })).toBe(0)
  expect(await t.data.count('careChecks', {})).toBe(2)

  expect(await community(WHO.floorLead, 'deleteMyData', { householdId: H.b1r201._id, confirm: '删除' })).toMatchObject({
    ok: true,
  })
  // 赵小六's check stays (赵六 was not the last member), without who made it.
  const [kept] = await t.data.find<CareCheckDoc>('careChecks', { householdId: H.b1r201._id })
  expect(kept).toMatchObject({ memberId: 'm-zhao2', by: '', byName: '已注销' })
  expect(await t.data.get<CareStatusDoc>('careStatus', `${H.b1r201._id}:m-zhao2`)).toMatchObject({
    lastBy: '',
    lastByName: '已注销',
  })
  expect(JSON.stringify(await t.admin('export'))).not.toContain('o-zhao"')
})

it('deletes every check and status of a closed community when its people go, and none of another', async () => {
  await check(WHO.committee, PERSON.wang)
  await check(WHO.committee, PERSON.qian)
  await t.data.set('careChecks', {
    _id: 'chk-c2',
    communityId: C2,
    groupId: 'gx',
    buildingId: 'x1',
    householdId: H.x1r101._id,
    memberId: 'm-other',
    how: 'phone',
    result: 'safe',
    by: WHO.otherCommittee,
    byName: '居委',
    role: 'committee',
    at: new Date(t.now()),
    day: '2026-11-24',
    deleteAfter: new Date(t.now() + 30 * DAY),
  } satisfies CareCheckDoc)
  expect(await community(WHO.committee, 'closeCommunity', { communityId: C1, confirm: '测试小区' })).toMatchObject({
    ok: true,
  })
  await t.advanceClock(30 * DAY + 60_000)
  for (let i = 0; i < 3; i++) {
    await t.admin('functions/community/trigger', { body: {} })
    await t.admin('functions/antigen/trigger', { body: {} })
  }
  expect(await t.data.count('careChecks', { communityId: C1 })).toBe(0)
  expect(await t.data.count('careStatus', { communityId: C1 })).toBe(0)
  expect(await t.data.count('careChecks', { communityId: C2 })).toBe(1)
})
