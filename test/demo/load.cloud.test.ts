// The demo data set loaded into localcloud by its loader, read back through the SDK and used through the functions:
// its people, and its live antigen round tried as a newcomer would (the committee's table, the lead's chain with
// photos, a resident's submission, the lead's confirmation, the close at the deadline).
import path from 'node:path'
import type {
  ChainView,
  Envelope,
  FollowUpList,
  MySubmissionView,
  RoleView,
  Roster,
  RoundTable,
  RoundView,
  StructureView,
  WhoAmI,
} from '../../typings/api'
import { COLLECTIONS } from '../../server/collections'
import { demoDataset, type DemoDataset, type DemoRoundSummary } from '../../scripts/demo/generate'
import { isEmpty, loadDataset, storageEnv, type LoadResult } from '../../scripts/demo/load'
import { kitPhotoFile } from '../../scripts/demo/photos'
import type { HouseholdDoc } from '../../server/community/model'
import type { ChainDoc, RoundDoc } from '../../server/antigen/model'
import type { FollowUpDoc } from '../../server/antigen/followups'
import { imageKind } from '../../server/platform/files'
import { loadRulesDir } from '../../localcloud'
import { ROOT, startTestCloud, type TestCloud } from '../support/localcloud'

let t: TestCloud
let dataset: DemoDataset
let loaded: LoadResult

beforeAll(async () => {
  // The repository's security rules, so that the client routes (a phone's upload and temporary URLs) work as deployed.
  t = await startTestCloud({ rules: loadRulesDir(path.join(ROOT, 'rules')) })
  dataset = demoDataset({ now: t.now(), storageEnv: await storageEnv(t.cloud.url) })
})
afterAll(() => t.stop())

const call = <T>(openid: string, action: string, payload: object = {}) =>
  t.call<Envelope<T>>('community', { action, payload }, openid)
const antigen = <T>(openid: string, action: string, payload: object = {}) =>
  t.call<Envelope<T>>('antigen', { action, payload }, openid)
const ok = <T>(r: Envelope<T>): T => {
  if (!r.ok) throw new Error(`${r.code}: ${r.message}`)
  return r.data
}

/** A route of localcloud's client API as the mini-program's SDK uses it (security rules apply). */
async function client<T>(route: string, openid: string, body: object): Promise<{ status: number; body: T }> {
  const res = await fetch(`${t.cloud.url}/client/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as T }
}

describe('demo loader', () => {
  it('loads both communities into an empty localcloud', async () => {
    expect(await isEmpty(t.cloud.url)).toBe(true)
    loaded = await loadDataset(t.cloud.url, dataset)
    const documents = COLLECTIONS.reduce((n, name) => n + dataset.collections[name].length, 0)
    console.log(`demo data set: ${documents} documents and ${loaded.files} photos loaded in ${loaded.ms} ms`)
    expect(loaded).toMatchObject({ collections: COLLECTIONS.length, documents, files: dataset.files.length })
    expect(await isEmpty(t.cloud.url)).toBe(false)
  })

  it('reads back the counts through the SDK', async () => {
    const db = t.sdk.database()
    const total = async (name: string, where?: object) => {
      const c = db.collection(name)
      return ((await (where ? c.where(where) : c).count()) as { total: number }).total
    }
    for (const name of COLLECTIONS) expect([name, await total(name)]).toEqual([name, dataset.collections[name].length])
    for (const s of dataset.summaries) {
      const { communityId } = s
      expect(await total('buildings', { communityId })).toBe(s.buildings)
      expect(await total('groups', { communityId })).toBe(s.groups)
      expect(await total('households', { communityId })).toBe(s.households)
      expect(await total('roles', { communityId, role: 'buildingLead' })).toBe(s.buildings)
    }
    expect(await total('households', { communityId: 'c-zhonglou' })).toBe(1506)
    const { data } = (await db
      .collection('households')
      .where({ communityId: 'c-zhonglou' })
      .limit(1)
      .get()) as unknown as {
      data: HouseholdDoc[]
    }
    expect(data[0]?.updatedAt).toBeInstanceOf(Date)
  })

  it('gives the community function 钟楼新村 as it is: 135 / 1,506 / 3,400 / 670', async () => {
    const r = await call<StructureView>('demo-committee-1', 'structure', { communityId: 'c-zhonglou' })
    expect(r.ok && r.data.totals).toEqual({ buildings: 135, households: 1506, residents: 3400, elderly: 670 })
    expect(r.ok && r.data.groups.map((g) => g.buildings.length)).toEqual([20, 20, 20, 20, 20, 20, 15])
  })

  it('names every role holder on the committee’s roles page: none 「未登记姓名」', async () => {
    for (const [committee, communityId] of [
      ['demo-committee-1', 'c-zhonglou'],
      ['demo2-committee-1', 'c-demo-2'],
    ] as const) {
      const roles = ok(await call<RoleView[]>(committee, 'listRoles', { communityId }))
      expect(roles.length).toBeGreaterThan(0)
      expect(roles.filter((r) => !r.holder || r.unnamed).map((r) => r.id)).toEqual([])
    }
  })

  it('answers every identity’s example call', async () => {
    for (const who of dataset.identities) {
      const r = await call<unknown>(who.openid, who.example.action, who.example.payload)
      expect([who.openid, r.ok]).toEqual([who.openid, true])
    }
  })

  it('keeps each community to itself', async () => {
    const me = await call<WhoAmI>('demo-lead-1', 'whoami')
    expect(me.ok && [...new Set(me.data.roles.map((r) => r.scope.communityId))]).toEqual(['c-zhonglou'])
    const other = await call<StructureView>('demo2-committee-1', 'structure', { communityId: 'c-zhonglou' })
    expect(other).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    const roster = await call<Roster>('demo-lead-1', 'buildingRoster', { buildingId: 'c-demo-2-b1' })
    expect(roster).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })
})

describe('the demo’s antigen rounds', () => {
  const communityId = 'c-zhonglou'
  const b1 = 'c-zhonglou-b1'
  let live: DemoRoundSummary
  let closed: DemoRoundSummary
  let liveRound: RoundDoc
  const chainDoc = (buildingId: string) =>
    dataset.collections.chains.find((c) => c.roundId === live.roundId && c.buildingId === buildingId) as ChainDoc
  const resident = () => dataset.identities.find((i) => i.openid === 'demo-resident-1')
  const household = (id: string) => dataset.collections.households.find((h) => h._id === id) as HouseholdDoc

  beforeAll(() => {
    ;[live, closed] = dataset.summaries[0]?.rounds as [DemoRoundSummary, DemoRoundSummary]
    liveRound = dataset.collections.rounds.find((r) => r._id === live.roundId) as RoundDoc
  })

  it('lists today’s round open and yesterday’s closed, newest first', async () => {
    const rounds = ok(await antigen<RoundView[]>('demo-committee-1', 'listRounds', { communityId }))
    expect(rounds.map((r) => [r.id, r.status])).toEqual([
      [live.roundId, 'open'],
      [closed.roundId, 'closed'],
    ])
    expect(rounds[0]).toMatchObject({ allBuildings: true, buildingCount: 135, deadline: live.deadline })
    expect(rounds[1]).toMatchObject({ allBuildings: false, buildingCount: 20, closedAt: closed.closedAt })
    // 示范二村 has none, and sees none of 钟楼新村's.
    expect(ok(await antigen<RoundView[]>('demo2-committee-1', 'listRounds', { communityId: 'c-demo-2' }))).toEqual([])
    expect(await antigen('demo2-committee-1', 'table', { roundId: live.roundId })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
  })

  it('is the round openRound gives for the same request: opening it again opens nothing new', async () => {
    // What the rounds page sent (its request id kept across retries): the id is derived from it.
    const again = ok(
      await antigen<RoundView>('demo-committee-1', 'openRound', {
        communityId,
        date: liveRound.date,
        deadline: liveRound.deadline.toISOString(),
        notice: liveRound.notice,
        requestId: live.requestId,
      }),
    )
    expect([again.id, again.status, again.openedAt]).toEqual([live.roundId, 'open', live.openedAt])
    expect(await t.data.count('rounds')).toBe(2)
    expect(await t.data.count('chains')).toBe(135 + 20)
    const stored = await t.data.get<ChainDoc>('chains', chainDoc(b1)._id)
    expect(stored?.version).toBe(chainDoc(b1).version)
  })

  it('shows the committee the live round’s table: the counts generated, the abnormal building first', async () => {
    const table = ok(await antigen<RoundTable>('demo-committee-1', 'table', { roundId: live.roundId }))
    expect(table.total).toMatchObject({
      buildings: 135,
      expected: 1506,
      submitted: live.submitted,
      missing: 1506 - live.submitted,
      confirmed: live.confirmed,
      positive: 1,
      negative: live.results.negative,
      invalid: live.results.invalid,
      untested: live.results.untested,
    })
    expect(table.rows[0]).toMatchObject({ buildingId: 'c-zhonglou-b2', name: '2号', positive: 1, confirmed: false })
    expect(table.rows.filter((r) => r.positive > 0)).toHaveLength(1)
    expect(table.rows.find((r) => r.buildingId === b1)).toMatchObject({ confirmed: false, positive: 0 })
    const [abnormal] = live.abnormal
    const list = ok(await antigen<FollowUpList>('demo-committee-1', 'followUps', { communityId }))
    expect(list.items).toHaveLength(1)
    expect(list.items[0]).toMatchObject({
      id: abnormal?.followUpId,
      roundId: live.roundId,
      buildingId: 'c-zhonglou-b2',
      householdId: abnormal?.householdId,
      status: 'open',
      escalated: false,
    })
    expect(list.items[0]?.label).toMatch(new RegExp(`^2-${abnormal?.room} `))
    expect(list.items[0]?.members?.filter((m) => m.result === 'positive')).toHaveLength(1)
    // The 营长 of 第1营 sees it too; yesterday's round is in their 营's history.
    const group = ok(await antigen<RoundTable>('demo-group-lead-1', 'table', { roundId: closed.roundId }))
    expect(group.total).toMatchObject({ buildings: 20, submitted: closed.submitted, confirmed: closed.confirmed })
  })

  it('shows demo-lead-1 the partly submitted chain of 1号 with the kit photos', async () => {
    const doc = chainDoc(b1)
    const chain = ok(await antigen<ChainView>('demo-lead-1', 'chain', { roundId: live.roundId, buildingId: b1 }))
    expect(chain).toMatchObject({ confirmed: false, detailed: true, round: { id: live.roundId, status: 'open' } })
    expect(chain.entries.map((e) => e.no).sort((a, b) => a - b)).toEqual(
      Object.values(doc.entries).map((_, i) => i + 1),
    )
    expect(chain.entries.length).toBeGreaterThan(0)
    expect(chain.missing.length).toBe(doc.expected - doc.submitted)
    expect(chain.missing.map((m) => m.householdId)).toContain(resident()?.householdId)
    const tested = chain.entries.flatMap((e) => e.members ?? []).filter((m) => m.result && m.result !== 'untested')
    expect(tested.length).toBeGreaterThan(0)
    expect(tested.every((m) => m.photoUrl)).toBe(true)
    const res = await fetch(tested[0]?.photoUrl as string)
    const bytes = Buffer.from(await res.arrayBuffer())
    expect([res.status, res.headers.get('content-type'), imageKind(bytes.subarray(0, 32))]).toEqual([
      200,
      'image/png',
      'png',
    ])
    // A neighbour sees the labels, never the results or photos.
    const neighbour = ok(
      await antigen<ChainView>('demo-resident-1', 'chain', { roundId: live.roundId, buildingId: b1 }),
    )
    expect(neighbour.entries.every((e) => e.members === undefined)).toBe(true)
  })

  it('keeps each photo its uploader’s, as a phone’s upload: only they get its temporary URL from the client', async () => {
    const entry = Object.values(chainDoc(b1).entries).find((e) => e.members.some((m) => m.photo))
    const photo = entry?.members.find((m) => m.photo)?.photo as string
    const own = await client<{ fileList: { tempFileURL: string; status?: number; code?: string }[] }>(
      'storage/tempUrl',
      entry?.by as string,
      { fileList: [photo] },
    )
    expect(own.body.fileList[0]?.tempFileURL).toMatch(/^http/)
    const other = await client<{ fileList: { tempFileURL: string; errMsg?: string }[] }>(
      'storage/tempUrl',
      'demo-merchant-1',
      { fileList: [photo] },
    )
    expect(other.body.fileList[0]).toMatchObject({ tempFileURL: '' })
    expect(other.body.fileList[0]?.errMsg).toMatch(/^STORAGE_EXCEED_AUTHORITY/)
    const files = await t.admin<{ path: string; openid: string | null }[]>('files')
    expect(files).toHaveLength(dataset.files.length)
    expect(files.every((f) => f.openid !== null)).toBe(true)
  })

  it('lets demo-resident-1 report their household: it takes the next number in 1号', async () => {
    const me = resident()
    const householdId = me?.householdId as string
    const mine = ok(await antigen<MySubmissionView[]>('demo-resident-1', 'myRounds'))
    expect(mine.map((r) => [r.round.id, r.householdId, r.submitted, r.locked])).toEqual([
      [live.roundId, householdId, false, false],
    ])
    const h = household(householdId)
    const now = t.now()
    const photo = kitPhotoFile('negative')
    const members = []
    for (const m of h.members) {
      // The page: camera, 15 minutes, upload to antigen/<roundId>/<householdId>/ as the phone's user.
      const cloudPath = `antigen/${live.roundId}/${householdId}/${m.id}-${now}.png`
      const up = await client<{ fileID: string }>('storage/upload', 'demo-resident-1', {
        cloudPath,
        base64: photo.base64,
      })
      expect(up.status).toBe(200)
      members.push({
        memberId: m.id,
        result: 'negative',
        photo: up.body.fileID,
        photoSize: photo.bytes.length,
        startedAt: new Date(now - 20 * 60_000).toISOString(),
        photoAt: new Date(now - 4 * 60_000).toISOString(),
      })
    }
    ok(await antigen<MySubmissionView>('demo-resident-1', 'submit', { roundId: live.roundId, householdId, members }))
    const after = ok(await antigen<MySubmissionView[]>('demo-resident-1', 'myRounds'))
    expect(after[0]).toMatchObject({ submitted: true, no: chainDoc(b1).seq + 1 })
  })

  it('lets demo-lead-1 confirm 1号 then (with a reason where a 层长 has not confirmed a floor)', async () => {
    const ids = { roundId: live.roundId, buildingId: b1 }
    const needsReason = (chainDoc(b1).floorsToConfirm ?? []).length > 0
    const confirmed = ok(
      await antigen<ChainView>(
        'demo-lead-1',
        'confirm',
        needsReason ? { ...ids, reason: '层长外出，已逐户核对' } : ids,
      ),
    )
    expect(confirmed.confirmed).toBe(true)
    expect(confirmed.entries.some((e) => e.householdId === resident()?.householdId)).toBe(true)
    const table = ok(await antigen<RoundTable>('demo-committee-1', 'table', { roundId: live.roundId }))
    expect(table.total).toMatchObject({ submitted: live.submitted + 1, confirmed: live.confirmed + 1 })
  })

  it('closes at its deadline through the antigen timer, as any round; the follow-up nobody acknowledged escalates', async () => {
    await t.setClock(Date.parse(live.deadline) + 60_000)
    await t.admin('functions/antigen/trigger', { body: {} })
    const rounds = ok(await antigen<RoundView[]>('demo-committee-1', 'listRounds', { communityId }))
    expect(rounds.map((r) => [r.id, r.status, r.closedAt])).toEqual([
      [live.roundId, 'closed', live.deadline],
      [closed.roundId, 'closed', closed.closedAt],
    ])
    expect(await t.data.count('chains', { roundId: liveRound._id, status: 'closed' })).toBe(135)
    expect(ok(await antigen<MySubmissionView[]>('demo-resident-1', 'myRounds'))).toEqual([])
    const followUp = await t.data.get<FollowUpDoc>('followUps', live.abnormal[0]?.followUpId as string)
    expect(followUp).toMatchObject({ status: 'open', escalatedAt: expect.any(Date) })
  })
})
