// A resident deleting their data (deleteMyData) through localcloud: that member and what depends on them go (their
// results and photos, requests, subscription, consents, grants), the household only with its last member; the
// chains keep their counts; storage statuses are checked; and a call cut short by faults at any step completes when
// made again, ending exactly where one clean call ends. myData shows the antigen entries kept.
import type { Envelope, MyData, RoundView } from '../../typings/api'
import type { ChainDoc } from '../../server/antigen/model'
import type { HouseholdDoc, JoinRequestDoc, RoleDoc } from '../../server/community/model'
import type { FileDeletionDoc } from '../../server/platform/deletions'
import { CONSENTS } from '../../server/community/consent'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { B, C1, H, loadFixture, WHO } from '../support/community'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())

const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex')
const DAY = 86_400_000

const call = <T>(fn: string, openid: string, action: string, payload: object = {}) =>
  t.call<Envelope<T>>(fn, { action, payload }, openid)
async function ok<T>(fn: string, openid: string, action: string, payload: object = {}): Promise<T> {
  const r = await call<T>(fn, openid, action, payload)
  if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message} ${r.field ?? ''}`)
  return r.data
}
type Deleted = { householdId: string; members: number; roles: number; householdErased: boolean; pendingFiles: number }
const deleteMyData = (openid: string, householdId: string) =>
  call<Deleted>('community', openid, 'deleteMyData', { householdId, confirm: '删除' })

let round: RoundView
let seq = 0
async function photo(householdId: string, memberId: string): Promise<string> {
  const cloudPath = `antigen/${round.id}/${householdId}/${memberId}-${++seq}.jpg`
  return (await t.sdk.uploadFile({ cloudPath, fileContent: JPEG })).fileID
}
const negative = async (householdId: string, memberId: string) => ({
  memberId,
  result: 'negative',
  photo: await photo(householdId, memberId),
  photoSize: 120_000,
})
async function stored(fileIds: string[]): Promise<boolean[]> {
  const res = (await t.sdk.getTempFileURL({ fileList: fileIds })) as { fileList: { tempFileURL: string }[] }
  return res.fileList.map((f) => f.tempFileURL !== '')
}
const chain = async (b: string) => (await t.data.get<ChainDoc>('chains', `${round.id}:${b}`)) as ChainDoc
const photoOf = (c: ChainDoc, householdId: string, memberId: string) =>
  c.entries[householdId]?.members.find((m) => m.memberId === memberId)?.photo as string

type Dump = Record<string, { _id: string; [k: string]: unknown }[]>
async function dump(): Promise<Dump> {
  return (await t.admin<{ collections: Dump }>('export')).collections
}
/** Every document of a collection but those `skip` picks, as JSON: what a deletion must leave alone. */
const rest = (d: Dump, coll: string, skip: (doc: Record<string, unknown>) => boolean) =>
  JSON.stringify((d[coll] ?? []).filter((doc) => !skip(doc)))

beforeEach(async () => {
  await loadFixture(t)
  await t.admin('faults', { method: 'DELETE' })
  for (const who of [WHO.resident, WHO.residentB2])
    await ok('community', who, 'giveConsent', { kind: 'health', version: CONSENTS.health.version })
  round = await ok<RoundView>('antigen', WHO.committee, 'openRound', {
    communityId: C1,
    date: '2026-11-24',
    deadline: new Date(t.now() + 3600_000).toISOString(),
    notice: '请自测',
  })
  await ok('antigen', WHO.resident, 'submit', {
    roundId: round.id,
    householdId: H.b1r101._id,
    members: [await negative(H.b1r101._id, 'm-zhang'), await negative(H.b1r101._id, 'm-li')],
  })
  await ok('antigen', WHO.buildingLead, 'flag', { roundId: round.id, householdId: H.b1r101._id, reason: '张三没拍清' })
  await ok('antigen', WHO.residentB2, 'submit', {
    roundId: round.id,
    householdId: H.b2r101._id,
    members: [await negative(H.b2r101._id, 'm-qian')],
  })
  await ok('antigen', WHO.resident, 'subscribeRounds', { communityId: C1 })
  // The request that linked 张三 once, as approval left it.
  await t.data.set<JoinRequestDoc>('joinRequests', {
    _id: 'jr-zhang',
    openid: WHO.resident,
    communityId: C1,
    groupId: 'g1',
    buildingId: B.b1._id,
    householdId: H.b1r101._id,
    room: '101',
    name: '张三',
    memberId: 'm-zhang',
    asProxy: false,
    inviteCode: 'INVB1AAA',
    status: 'approved',
    createdAt: new Date(t.now()),
    decidedAt: new Date(t.now()),
    decidedBy: WHO.buildingLead,
  })
})

describe('a member deleting their data', () => {
  it('removes that member and what depends on them; the household, the others and the counts stay', async () => {
    const before = await dump()
    const c = await chain(B.b1._id)
    const zhang = photoOf(c, H.b1r101._id, 'm-zhang')
    const li = photoOf(c, H.b1r101._id, 'm-li')

    const r = await deleteMyData(WHO.resident, H.b1r101._id)
    expect(r).toEqual({
      ok: true,
      data: { householdId: H.b1r101._id, members: 1, roles: 1, householdErased: false, pendingFiles: 0 },
    })

    const h = (await t.data.get<HouseholdDoc>('households', H.b1r101._id)) as HouseholdDoc
    expect(h.members.map((m) => m.name)).toEqual(['李四'])
    expect(h.linkedOpenids).toEqual([])
    expect(h.erasedAt).toBeUndefined()
    expect(JSON.stringify(h)).not.toMatch(/张三|13800001111|o-zhang/)
    // Their results and photo: gone; 李四's stay; the flag that named 张三 too; the counts do not move.
    const after = await chain(B.b1._id)
    expect(after.entries[H.b1r101._id]?.members.map((m) => m.memberId)).toEqual(['m-li'])
    expect(after.entries[H.b1r101._id]?.flagged).toBeUndefined()
    expect(after.entries[H.b1r101._id]?.by).toBe('')
    expect(await stored([zhang, li])).toEqual([false, true])
    const count = ({ seq: s, submitted, people, negative: n }: ChainDoc) => [s, submitted, people, n]
    expect(count(after)).toEqual(count(c))
    // Their grant, request, consents and 开轮提醒 subscription.
    expect(await t.data.count('roles', { openid: WHO.resident })).toBe(0)
    expect(await t.data.count('joinRequests', { openid: WHO.resident })).toBe(0)
    expect(await t.data.count('consents', { openid: WHO.resident })).toBe(0)
    expect(await t.data.count('roundSubscribers', { openid: WHO.resident })).toBe(0)

    // Nothing else.
    const now = await dump()
    const zhangs = (d: Record<string, unknown>) => d.openid === WHO.resident
    expect(rest(now, 'households', (d) => d._id === H.b1r101._id)).toBe(
      rest(before, 'households', (d) => d._id === H.b1r101._id),
    )
    for (const coll of ['roles', 'joinRequests', 'consents', 'roundSubscribers'])
      expect(rest(now, coll, zhangs)).toBe(rest(before, coll, zhangs))
    // Every round's chain holding the household's entry changed (the fixture's round has one too); no other chain.
    const holds = (d: Record<string, unknown>) => H.b1r101._id in ((d.entries as object | undefined) ?? {})
    expect(rest(now, 'chains', holds)).toBe(rest(before, 'chains', holds))
    expect(JSON.stringify((await chain(B.b1._id)).entries)).not.toContain('张三')
    expect(JSON.stringify(await t.data.get('chains', `r-c1:${B.b1._id}`))).not.toContain('张三')
    for (const coll of ['communities', 'buildings', 'rounds', 'invites', 'exports', 'reminders'])
      expect(JSON.stringify(now[coll])).toBe(JSON.stringify(before[coll]))
  })

  it('removes their subscription credits and the notices kept for them, and nobody else’s', async () => {
    await ok('community', WHO.resident, 'recordSubscription', {
      templateIds: ['TPL_ANTIGEN_REMINDER'],
      accepted: ['TPL_ANTIGEN_REMINDER'],
    })
    await ok('community', WHO.residentB2, 'recordSubscription', {
      templateIds: ['TPL_ANTIGEN_REMINDER'],
      accepted: ['TPL_ANTIGEN_REMINDER'],
    })
    const now = new Date(t.now())
    const notice = (touser: string) => ({
      _id: `psh_test_${touser}`,
      purpose: 'test',
      touser,
      templateId: 'TPL_ANTIGEN_REMINDER',
      page: '',
      data: { thing1: { value: '1-101 张*' } },
      status: 'sent',
      attempts: 1,
      createdAt: now,
      updatedAt: now,
    })
    await t.data.set('pushQueue', notice(WHO.resident))
    await t.data.set('pushQueue', notice(WHO.residentB2))
    expect(await t.data.count('subscriptionCredits', { openid: WHO.resident })).toBe(1)

    await ok('community', WHO.resident, 'deleteMyData', { householdId: H.b1r101._id, confirm: '删除' })
    expect(await t.data.count('subscriptionCredits', { openid: WHO.resident })).toBe(0)
    expect(await t.data.count('pushQueue', { touser: WHO.resident })).toBe(0)
    expect(await t.data.count('subscriptionCredits', { openid: WHO.residentB2 })).toBe(1)
    expect(await t.data.count('pushQueue', { touser: WHO.residentB2 })).toBe(1)
  })

  it('who is the household’s last member erases it: people, links, all its requests, its antigen entries', async () => {
    const c = await chain(B.b2._id)
    const qian = photoOf(c, H.b2r101._id, 'm-qian')
    const r = await deleteMyData(WHO.residentB2, H.b2r101._id)
    expect(r).toMatchObject({ ok: true, data: { members: 1, roles: 1, householdErased: true, pendingFiles: 0 } })
    expect(await t.data.get<HouseholdDoc>('households', H.b2r101._id)).toMatchObject({
      room: '101',
      members: [],
      linkedOpenids: [],
      proxy: false,
      erasedAt: expect.any(Date),
    })
    const after = await chain(B.b2._id)
    expect(after.entries).toEqual({})
    expect(after).toMatchObject({ seq: 1, submitted: 1, negative: 1, people: 1 })
    expect(await stored([qian])).toEqual([false])
    // The chain keeps the number as deleted.
    const view = await ok<{ deleted?: number[]; entries: unknown[] }>('antigen', WHO.committee, 'chain', {
      roundId: round.id,
      buildingId: B.b2._id,
    })
    expect(view).toMatchObject({ entries: [], deleted: [1] })
  })

  it('that is also a floor lead loses the grants held as that member, and the rounds forget them as a lead', async () => {
    await t.data.insert('reminders', {
      _id: 'rmd-zhao',
      roundId: round.id,
      buildingId: B.b1._id,
      by: WHO.floorLead,
      at: new Date(t.now()),
      pushed: 0,
      called: 1,
    })
    expect((await chain(B.b1._id)).notify?.leads).toContain(WHO.floorLead)
    const r = await deleteMyData(WHO.floorLead, H.b1r201._id)
    expect(r).toMatchObject({ ok: true, data: { members: 1, roles: 2, householdErased: false } })
    expect(await t.data.count('roles', { openid: WHO.floorLead })).toBe(0)
    const h = (await t.data.get<HouseholdDoc>('households', H.b1r201._id)) as HouseholdDoc
    expect(h.members.map((m) => m.name)).toEqual(['赵小六'])
    // No more pushes for this round's abnormal results, and the reminder log no longer names them.
    expect((await chain(B.b1._id)).notify?.leads).toEqual([WHO.buildingLead])
    expect(await t.data.get('reminders', 'rmd-zhao')).toMatchObject({ by: '', called: 1 })
  })

  it('checks storage’s answer: a photo it did not delete is queued and deleted by the timer', async () => {
    const zhang = photoOf(await chain(B.b1._id), H.b1r101._id, 'm-zhang')
    await t.admin('faults', { body: { errorRate: 1, actions: ['storage.batchDeleteFile'] } })
    const r = await deleteMyData(WHO.resident, H.b1r101._id)
    expect(r).toMatchObject({ ok: true, data: { pendingFiles: 1 } })
    expect(await stored([zhang])).toEqual([true])
    expect((await t.data.find<FileDeletionDoc>('fileDeletions')).map((q) => [q.fileID, q.kind])).toEqual([
      [zhang, 'photo'],
    ])
    // The reference is gone from the chain: only the queue remembers the file, until it is deleted.
    expect(JSON.stringify(await chain(B.b1._id))).not.toContain(zhang)
    await t.admin('faults', { method: 'DELETE' })
    await t.admin('functions/community/trigger', { body: {} })
    expect(await stored([zhang])).toEqual([false])
    expect(await t.data.count('fileDeletions')).toBe(0)
  })

  it('can be made again after a failure at any step, and ends where one clean call ends', async () => {
    const { collections, files } = await t.admin<{ collections: Dump; files: unknown[] }>('export')
    const start = { collections, files }
    // One clean call.
    expect(await deleteMyData(WHO.resident, H.b1r101._id)).toMatchObject({ ok: true })
    // The same documents, whenever it happened (dates are canonical EJSON: {"$date":{"$numberLong":"…"}}).
    const normalise = (d: Dump) => JSON.stringify(d).replace(/\{"\$date":\{"\$numberLong":"-?\d+"\}\}/g, '"<date>"')
    const clean = normalise(await dump())
    const cleanFiles = (await t.admin<{ path: string }[]>('files')).map((f) => f.path).sort()

    // The same start, with a tenth of the database calls failing: call again until it succeeds (every eraser's
    // reads run on each call: group buys', deliveries', needs', registers', care's and the call-up's too, so a higher
    // rate rarely lets one whole call through).
    await t.admin('import', { body: start })
    await t.admin('faults', { body: { errorRate: 0.1, actions: ['database.'], seed: 3 } })
    let failures = 0
    let succeeded = false
    for (let i = 0; i < 150 && !succeeded; i++) {
      const r = await deleteMyData(WHO.resident, H.b1r101._id)
      if (r.ok) succeeded = true
      else {
        expect(r).toMatchObject({ code: 'INTERNAL' })
        failures++
      }
    }
    await t.admin('faults', { method: 'DELETE' })
    expect(succeeded).toBe(true)
    expect(failures).toBeGreaterThan(2)
    // Once it went through, another call is refused (the grant is gone) and changes nothing.
    expect(await deleteMyData(WHO.resident, H.b1r101._id)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    const after = JSON.parse(normalise(await dump())) as Dump
    const expected = JSON.parse(clean) as Dump
    for (const coll of Object.keys(expected)) expect([coll, after[coll]]).toEqual([coll, expected[coll]])
    expect((await t.admin<{ path: string }[]>('files')).map((f) => f.path).sort()).toEqual(cleanFiles)
  })

  it('is refused for another household and writes nothing', async () => {
    const before = JSON.stringify(await dump())
    expect(await deleteMyData(WHO.resident, H.b2r101._id)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(JSON.stringify(await dump())).toBe(before)
  })
})

describe('myData', () => {
  it('shows the antigen entries kept for the household, per member, with the round and when they go', async () => {
    const open = await ok<MyData>('community', WHO.resident, 'myData')
    const mine = open.antigen.find((r) => r.roundId === round.id)
    expect(mine).toMatchObject({
      householdId: H.b1r101._id,
      label: '1-101',
      date: '2026-11-24',
      status: 'open',
      no: 1,
      proxy: false,
      flagged: { reason: '张三没拍清' },
      members: [
        { memberId: 'm-zhang', name: '张三', result: 'negative', photo: true },
        { memberId: 'm-li', name: '李四', result: 'negative', photo: true },
      ],
    })
    expect(mine?.resultsDeleteAt).toBeUndefined()

    await ok('antigen', WHO.committee, 'closeRound', { roundId: round.id })
    const closed = (await ok<MyData>('community', WHO.resident, 'myData')).antigen.find((r) => r.roundId === round.id)
    const closedAt = Date.parse(closed?.resultsDeleteAt ?? '') - 30 * DAY
    expect(closedAt).toBeGreaterThan(t.now() - 60_000)
    expect(Date.parse(closed?.photosDeleteAt ?? '')).toBe(closedAt + 14 * DAY)
    // Another household's entries are not the caller's.
    expect(closed && (await ok<MyData>('community', WHO.resident, 'myData')).antigen.map((r) => r.householdId)).toEqual(
      [H.b1r101._id, H.b1r101._id],
    )
  })
})

describe('roles kept', () => {
  it('keeps a 居委 grant held as the member (another committee member revokes it)', async () => {
    const committeeAsZhang: RoleDoc = {
      _id: 'role-zhang-committee',
      openid: WHO.resident,
      communityId: C1,
      role: 'committee',
      scope: { communityId: C1 },
      householdId: H.b1r101._id,
      memberId: 'm-zhang',
      grantedBy: 'test',
      grantedAt: new Date(t.now()),
    }
    await t.data.set('roles', committeeAsZhang)
    const r = await deleteMyData(WHO.resident, H.b1r101._id)
    expect(r).toMatchObject({ ok: true, data: { roles: 1 } })
    expect((await t.data.find<RoleDoc>('roles', { openid: WHO.resident })).map((g) => g.role)).toEqual(['committee'])
    // They still hold a role: their consent records stay.
    expect(await t.data.count('consents', { openid: WHO.resident })).toBeGreaterThan(0)
  })
})
