// Retention of antigen data through localcloud, with the platform clock moved: kit photos go
// settings.photoRetentionDays after a round closed, per-member results are reduced to the building's counts
// settings.resultRetentionDays after it (a minute before: still there), failed storage deletions are retried by the
// next run, a run cut short by faults is finished by the next ones, and nothing else is touched. Due rounds are read
// in the query, oldest due first and 20 a run, so rounds closed recently never hold up one past its period.
import type { ChainView, Envelope, RetentionSchedule, RoundTable, RoundView } from '../../typings/api'
import type { ChainDoc, RoundDoc } from '../../server/antigen/model'
import type { FileDeletionDoc } from '../../server/platform/deletions'
import { CONSENTS } from '../../server/community/consent'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { B, C1, C2, H, loadFixture, WHO } from '../support/community'
import { followUpId } from '../../server/antigen/followups'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())

const DAY = 86_400_000
const MINUTE = 60_000
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex')

const call = <T>(fn: string, openid: string, action: string, payload: object = {}) =>
  t.call<Envelope<T>>(fn, { action, payload }, openid)
async function ok<T>(fn: string, openid: string, action: string, payload: object = {}): Promise<T> {
  const r = await call<T>(fn, openid, action, payload)
  if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message} ${r.field ?? ''}`)
  return r.data
}
const antigen = <T>(openid: string, action: string, payload: object = {}) => ok<T>('antigen', openid, action, payload)

interface TimerRun {
  rounds: number
  photos: number
  reduced: { rounds: number; chains: number } | null
  files: { deleted: number; failed: number } | null
  failed?: string[]
}
async function housekeeping(): Promise<TimerRun> {
  const { result } = await t.admin<{ result: Envelope<TimerRun> }>('functions/antigen/trigger', { body: {} })
  if (!result.ok) throw new Error(result.message)
  return result.data
}

let round: RoundView
let closedAt: number
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

const chainB1 = async () => (await t.data.get<ChainDoc>('chains', `${round.id}:${B.b1._id}`)) as ChainDoc
const photosOf = (c: ChainDoc) =>
  Object.values(c.entries).flatMap((e) => e.members.flatMap((m) => (m.photo ? [m.photo] : [])))
async function stored(fileIds: string[]): Promise<boolean[]> {
  const res = (await t.sdk.getTempFileURL({ fileList: fileIds })) as { fileList: { tempFileURL: string }[] }
  return res.fileList.map((f) => f.tempFileURL !== '')
}
/** Everything the retention must not touch: the other collections, and the fixture's other rounds. */
async function untouched(): Promise<string> {
  const { collections } = await t.admin<{ collections: Record<string, { _id: string; roundId?: string }[]> }>('export')
  // The push queue keeps send results for its own time (server/platform/pushqueue.ts), and drains after the calls.
  const { chains, rounds, reminders, followUps, fileDeletions, pushQueue, ...rest } = collections
  void fileDeletions
  void pushQueue
  return JSON.stringify({
    ...rest,
    chains: (chains ?? []).filter((c) => c.roundId !== round.id),
    rounds: (rounds ?? []).filter((r) => r._id !== round.id),
    reminders: (reminders ?? []).filter((r) => r.roundId !== round.id),
    // Reducing the round removes its follow-ups (王五's) with the entries.
    followUps: (followUps ?? []).filter((f) => f.roundId !== round.id),
  })
}
const counters = ({ seq: s, submitted, expected, people, negative: n, positive, invalid, untested }: ChainDoc) => ({
  seq: s,
  submitted,
  expected,
  people,
  negative: n,
  positive,
  invalid,
  untested,
})

beforeEach(async () => {
  await loadFixture(t)
  await t.admin('faults', { method: 'DELETE' })
  await t.setClock(Date.parse('2026-11-24T02:00:00.000Z'))
  await ok('community', WHO.resident, 'giveConsent', { kind: 'health', version: CONSENTS.health.version })
  round = await antigen<RoundView>(WHO.committee, 'openRound', {
    communityId: C1,
    date: '2026-11-24',
    deadline: new Date(t.now() + 3600_000).toISOString(),
    notice: '请自测',
  })
  // 张三's household (two photos), and 王五's by the building lead (代报), flagged naming him; a reminder logged.
  await antigen(WHO.resident, 'submit', {
    roundId: round.id,
    householdId: H.b1r101._id,
    members: [await negative(H.b1r101._id, 'm-zhang'), await negative(H.b1r101._id, 'm-li')],
  })
  await antigen(WHO.buildingLead, 'submit', {
    roundId: round.id,
    householdId: H.b1r102._id,
    members: [{ ...(await negative(H.b1r102._id, 'm-wang')), result: 'positive' }],
  })
  await antigen(WHO.buildingLead, 'flag', { roundId: round.id, householdId: H.b1r102._id, reason: '王五的照片模糊' })
  // Acknowledged, so the timer's escalation step leaves it alone however far the clock moves.
  await antigen(WHO.buildingLead, 'acknowledgeFollowUp', { id: followUpId(round.id, H.b1r102._id) })
  await antigen(WHO.buildingLead, 'remind', { roundId: round.id, buildingId: B.b1._id })
  await antigen(WHO.committee, 'closeRound', { roundId: round.id })
  closedAt = new Date(((await t.data.get<RoundDoc>('rounds', round.id)) as RoundDoc).closedAt as Date).getTime()
})

describe('kit photos', () => {
  it('are deleted photoRetentionDays after the round closed (a minute before: kept); results stay', async () => {
    const before = await chainB1()
    const files = photosOf(before)
    expect(files).toHaveLength(3)
    const others = await untouched()

    await t.setClock(closedAt + 14 * DAY - MINUTE)
    expect(await housekeeping()).toMatchObject({ rounds: 0, photos: 0 })
    expect(await stored(files)).toEqual([true, true, true])
    expect(photosOf(await chainB1())).toHaveLength(3)

    await t.advanceClock(2 * MINUTE)
    expect(await housekeeping()).toMatchObject({ rounds: 1, photos: 3 })
    expect(await stored(files)).toEqual([false, false, false])
    const after = await chainB1()
    expect(photosOf(after)).toEqual([])
    expect(after.entries[H.b1r101._id]?.members.map((m) => [m.name, m.result])).toEqual([
      ['张三', 'negative'],
      ['李四', 'negative'],
    ])
    expect(after.entries[H.b1r102._id]?.flagged?.reason).toBe('王五的照片模糊')
    expect(counters(after)).toEqual(counters(before))
    expect(await t.data.get<RoundDoc>('rounds', round.id)).toMatchObject({ photosDeletedAt: expect.any(Date) })
    expect(await untouched()).toBe(others)
    // Once: the next run finds nothing more to do.
    expect(await housekeeping()).toMatchObject({ rounds: 0, photos: 0 })
  })

  it('that storage fails to delete are queued and deleted by a later run, never forgotten', async () => {
    const files = photosOf(await chainB1())
    await t.setClock(closedAt + 14 * DAY + MINUTE)
    await t.admin('faults', { body: { errorRate: 1, actions: ['storage.batchDeleteFile'] } })
    // Queued by the photo step, and already tried again by the same run's retry step.
    expect(await housekeeping()).toMatchObject({ rounds: 1, photos: 3, files: { deleted: 0, failed: 3 } })
    expect(await stored(files)).toEqual([true, true, true])
    const queued = await t.data.find<FileDeletionDoc>('fileDeletions', {}, { orderBy: [['fileID', 'asc']] })
    expect(queued.map((q) => [q.fileID, q.kind, q.communityId])).toEqual([...files].sort().map((f) => [f, 'photo', C1]))
    // The committee sees what waits.
    const schedule = await ok<RetentionSchedule>('community', WHO.committee, 'retentionSchedule', { communityId: C1 })
    expect(schedule.items.find((i) => i.kind === 'kitPhotos')?.failed).toBe(3)

    // Still failing: retried, still queued, one more attempt counted.
    await t.advanceClock(10 * MINUTE)
    expect((await housekeeping()).files).toEqual({ deleted: 0, failed: 3 })
    expect((await t.data.find<FileDeletionDoc>('fileDeletions')).map((q) => q.attempts)).toEqual([3, 3, 3])

    await t.admin('faults', { method: 'DELETE' })
    expect((await housekeeping()).files).toEqual({ deleted: 3, failed: 0 })
    expect(await stored(files)).toEqual([false, false, false])
    expect(await t.data.count('fileDeletions')).toBe(0)
  })
})

describe('per-member results', () => {
  it('are reduced to counts resultRetentionDays after the round closed (a minute before: kept)', async () => {
    const before = await chainB1()
    const files = photosOf(before)
    const table = await antigen<RoundTable>(WHO.committee, 'table', { roundId: round.id })
    const others = await untouched()
    expect(await t.data.count('reminders', { roundId: round.id })).toBe(1)

    await t.setClock(closedAt + 30 * DAY - MINUTE)
    await housekeeping() // the photos went long ago (14 days); the names stay until the 30th day
    expect(Object.keys((await chainB1()).entries)).toHaveLength(2)
    expect(await t.data.count('reminders', { roundId: round.id })).toBe(1)

    await t.advanceClock(2 * MINUTE)
    expect((await housekeeping()).reduced).toMatchObject({ rounds: 1, chains: 3 })
    const after = await chainB1()
    expect(after.entries).toEqual({})
    expect(after.notify).toBeUndefined()
    expect(after.resultsReducedAt).toEqual(expect.any(Date))
    // The building's counts and numbers stay exactly as they were: the table still adds up.
    expect(counters(after)).toEqual(counters(before))
    expect(await antigen<RoundTable>(WHO.committee, 'table', { roundId: round.id })).toEqual(table)
    expect(await stored(files)).toEqual([false, false, false])
    expect(await t.data.count('reminders', { roundId: round.id })).toBe(0)
    expect(await t.data.get<RoundDoc>('rounds', round.id)).toMatchObject({
      resultsReducedAt: expect.any(Date),
      openedBy: '',
    })
    // Nothing in the chain names anyone any more.
    expect(JSON.stringify(after)).not.toMatch(/张三|李四|王五|o-zhang|o-lead1/)
    expect(await untouched()).toBe(others)

    // The chain shows its numbers as deleted, and lists no one as missing.
    const view = await antigen<ChainView>(WHO.buildingLead, 'chain', { roundId: round.id, buildingId: B.b1._id })
    expect(view).toMatchObject({ entries: [], missing: [], deleted: [1, 2], reduced: true })
    // And a resident's data no longer lists the round (the fixture's open round still does).
    const mine = await ok<{ antigen: { roundId: string }[] }>('community', WHO.resident, 'myData')
    expect(mine.antigen.map((r) => r.roundId)).toEqual(['r-c1'])
  })

  it('follow the community’s own periods, and photos never outlive the results', async () => {
    const files = photosOf(await chainB1())
    await ok('community', WHO.committee, 'setRetention', { communityId: C1, resultRetentionDays: 3 })
    await t.setClock(closedAt + 3 * DAY - MINUTE)
    await housekeeping()
    expect(await stored(files)).toEqual([true, true, true])
    await t.advanceClock(2 * MINUTE)
    const run = await housekeeping()
    expect(run.reduced).toMatchObject({ rounds: 1 })
    expect(await stored(files)).toEqual([false, false, false])
    expect((await chainB1()).entries).toEqual({})
  })

  it('a run cut short by database faults is finished by the next ones, and the counts stay exact', async () => {
    const before = await chainB1()
    const files = photosOf(before)
    await t.setClock(closedAt + 30 * DAY + MINUTE)
    await t.admin('faults', { body: { errorRate: 0.3, actions: ['database.'], seed: 11 } })
    for (let i = 0; i < 6; i++) await t.admin('functions/antigen/trigger', { body: {} })
    const { injected } = await t.admin<{ injected: number }>('faults')
    expect(injected).toBeGreaterThan(0)
    await t.admin('faults', { method: 'DELETE' })
    await housekeeping()
    await housekeeping()
    const after = await chainB1()
    expect(after.entries).toEqual({})
    expect(counters(after)).toEqual(counters(before))
    expect(await stored(files)).toEqual([false, false, false])
    expect(await t.data.count('rounds', { _id: round.id, resultsReducedAt: t.data._.exists(true) })).toBe(1)
    expect(await t.data.count('chains', { roundId: round.id, resultsReducedAt: t.data._.exists(false) })).toBe(0)
    expect(await t.data.count('reminders', { roundId: round.id })).toBe(0)
    expect(await t.data.count('fileDeletions')).toBe(0)
  })
})

describe('the committee’s schedule', () => {
  it('lists each kind of data with its period and the next deletions, and only for the committee', async () => {
    const schedule = await ok<RetentionSchedule>('community', WHO.committee, 'retentionSchedule', { communityId: C1 })
    expect(schedule.settings).toEqual({
      photoRetentionDays: 14,
      resultRetentionDays: 30,
      closingDeletionDays: 30,
      followUpEscalateMinutes: 30,
      orderRetentionDays: 30,
      needRetentionDays: 30,
    })
    const item = (kind: string) => schedule.items.find((i) => i.kind === kind)
    expect(schedule.items.map((i) => i.kind)).toEqual([
      'kitPhotos',
      'results',
      'reminders',
      'phoneReveals',
      'exports',
      'ledgerUploads',
      'importRows',
      'joinRequests',
      'buyOrders',
      'buyComplaints',
      'merchantPhotos',
      'deliveries',
      'careChecks',
      'registers',
      'needs',
    ])
    // Closed on 24 November (Shanghai): photos on 8 December, names on 24 December; 2 households submitted.
    expect(item('kitPhotos')).toMatchObject({ days: 14, due: [{ date: '2026-12-08', count: 2 }], overdue: 0 })
    expect(item('results')).toMatchObject({ days: 30, due: [{ date: '2026-12-24', count: 2 }] })
    expect(item('reminders')).toMatchObject({ due: [{ date: '2026-12-24', count: 1 }] })
    // The fixture's round is still open: its submissions are counted as not yet scheduled.
    expect(item('results')?.waiting).toBe(2)
    expect(item('kitPhotos')?.rule).toBe('每轮检测结束 14 天后删除，检测结果仍保留')

    await t.setClock(closedAt + 14 * DAY + MINUTE)
    const later = await ok<RetentionSchedule>('community', WHO.committee, 'retentionSchedule', { communityId: C1 })
    expect(later.items.find((i) => i.kind === 'kitPhotos')).toMatchObject({ due: [], overdue: 2 })

    for (const who of [WHO.communityLead, WHO.buildingLead, WHO.otherCommittee])
      expect(await call('community', who, 'retentionSchedule', { communityId: C1 })).toMatchObject({
        ok: false,
        code: 'FORBIDDEN',
      })
  })

  it('refuses periods out of bounds, photos kept longer than results, and writes nothing', async () => {
    const bad = [
      [{ photoRetentionDays: 0 }, 'photoRetentionDays'],
      [{ resultRetentionDays: 91 }, 'resultRetentionDays'],
      [{ closingDeletionDays: 1.5 }, 'closingDeletionDays'],
      [{ photoRetentionDays: 20, resultRetentionDays: 10 }, 'photoRetentionDays'],
      [{ followUpEscalateMinutes: 4 }, 'followUpEscalateMinutes'],
      [{ followUpEscalateMinutes: 241 }, 'followUpEscalateMinutes'],
    ] as const
    const before = JSON.stringify(await t.data.get('communities', C1))
    for (const [patch, field] of bad)
      expect(await call('community', WHO.committee, 'setRetention', { communityId: C1, ...patch })).toMatchObject({
        ok: false,
        code: 'INVALID_INPUT',
        field,
      })
    expect(JSON.stringify(await t.data.get('communities', C1))).toBe(before)
    expect(await ok('community', WHO.committee, 'setRetention', { communityId: C1, photoRetentionDays: 7 })).toEqual({
      photoRetentionDays: 7,
      resultRetentionDays: 30,
      closingDeletionDays: 30,
      followUpEscalateMinutes: 30,
      orderRetentionDays: 30,
      needRetentionDays: 30,
    })
    expect(
      await ok('community', WHO.committee, 'setRetention', { communityId: C1, followUpEscalateMinutes: 15 }),
    ).toMatchObject({ photoRetentionDays: 7, followUpEscalateMinutes: 15 })
    expect(await t.data.get('communities', C1)).toMatchObject({ settings: { followUpEscalateMinutes: 15 } })
  })
})

describe('due rounds, oldest due first', () => {
  const HOUR = 3_600_000
  /** ROUND_BATCH in server/antigen/retention.ts: rounds a step takes per run. */
  const BATCH = 20

  /**
   * A closed round inserted directly, with one building's chain: one household's entry with a photo (a file never
   * stored: storage answers 「no such file」, which counts as deleted) and a reminder log.
   */
  function closedRound(id: string, communityId: string, closed: number) {
    const at = new Date(closed - HOUR)
    const counts = { people: 1, negative: 1, positive: 0, invalid: 0, untested: 0 }
    return {
      round: {
        _id: id,
        communityId,
        date: '2026-11-01',
        deadline: new Date(closed),
        notice: '请自测',
        status: 'closed',
        allBuildings: true,
        buildingIds: ['bx'],
        buildingCount: 1,
        openedBy: 'o-opener',
        openedAt: at,
        closedAt: new Date(closed),
      },
      chain: {
        _id: `${id}:bx`,
        roundId: id,
        communityId,
        buildingId: 'bx',
        status: 'closed',
        version: 1,
        seq: 1,
        submitted: 1,
        expected: 1,
        ...counts,
        entries: {
          'h-x': {
            no: 1,
            householdId: 'h-x',
            room: '101',
            submittedAt: at,
            updatedAt: at,
            by: 'o-x',
            proxy: false,
            members: [
              { memberId: 'm-x', name: '赵六', result: 'negative', photo: `cloud://none/${id}.jpg`, photoSize: 1 },
            ],
            counts,
          },
        },
      },
      reminder: { _id: `rem-${id}`, roundId: id, buildingId: 'bx', by: 'o-lead', at, pushed: 0, called: 1 },
    }
  }
  async function insert(rounds: ReturnType<typeof closedRound>[]) {
    await t.data.insertMany(
      'rounds',
      rounds.map((r) => r.round),
    )
    await t.data.insertMany(
      'chains',
      rounds.map((r) => r.chain),
    )
    await t.data.insertMany(
      'reminders',
      rounds.map((r) => r.reminder),
    )
  }
  /** The whole database but the given rounds, their chains and their reminder logs. */
  async function allBut(ids: string[]): Promise<string> {
    const skip = new Set(ids)
    const { collections } = await t.admin<{ collections: Record<string, { _id: string; roundId?: string }[]> }>(
      'export',
    )
    const rest = Object.fromEntries(
      Object.entries(collections).map(([name, docs]) => [
        name,
        docs.filter((d) => !(name === 'rounds' ? skip.has(d._id) : d.roundId !== undefined && skip.has(d.roundId))),
      ]),
    )
    return JSON.stringify(rest)
  }
  const markers = async (marker: 'photosDeletedAt' | 'resultsReducedAt') =>
    new Map(
      (
        await t.data.findAll<RoundDoc>('rounds', { [marker]: t.data._.exists(true) }, { fields: { [marker]: true } })
      ).map((r) => [r._id, new Date(r[marker] as Date).getTime()]),
    )

  it('a round closed 30 days ago goes in one run, with 120 rounds closed since ahead of it', async () => {
    await t.setClock(closedAt + 30 * DAY + MINUTE)
    const recent = Array.from({ length: 120 }, (_, i) =>
      closedRound(`recent-${i}`, i % 2 ? C1 : C2, t.now() - (i + 1) * HOUR),
    )
    await insert(recent)
    const files = photosOf(await chainB1())
    const others = await untouched()

    const run = await housekeeping()
    expect(run.reduced).toMatchObject({ rounds: 1, chains: 3, photos: 3 })
    expect(await stored(files)).toEqual([false, false, false])
    expect((await chainB1()).entries).toEqual({})
    expect(await t.data.get<RoundDoc>('rounds', round.id)).toMatchObject({
      resultsReducedAt: expect.any(Date),
      photosDeletedAt: expect.any(Date),
    })
    expect(await t.data.count('reminders', { roundId: round.id })).toBe(0)
    // The 120 recent rounds (photos 14 days, names 30 days) and everything else: as they were.
    expect(await untouched()).toBe(others)
    expect(await housekeeping()).toMatchObject({ rounds: 0, reduced: { rounds: 0 } })
  })

  it('a closed round without closedAt is dated by its deadline and then goes on schedule', async () => {
    await t.setClock(closedAt + 40 * DAY)
    const old = closedRound('undated', C1, t.now() - 35 * DAY)
    const { closedAt: _none, ...undated } = old.round
    await insert([{ ...old, round: undated as typeof old.round }])
    const run = await housekeeping()
    expect(run).toMatchObject({ dated: 1 })
    expect(await t.data.get<RoundDoc>('rounds', 'undated')).toMatchObject({
      closedAt: old.round.deadline,
      resultsReducedAt: expect.any(Date),
    })
    expect((await t.data.get<ChainDoc>('chains', 'undated:bx'))?.entries).toEqual({})
    expect(await housekeeping()).toMatchObject({ dated: 0 })
  })

  it('many photos due at once: 20 rounds a run, the oldest due first across communities, none twice', async () => {
    // 别的小区 keeps photos 7 days, 测试小区 14: its rounds closed 8–13 days ago are due before ours closed 13 days ago.
    await t.data.update('communities', C2, { 'settings.photoRetentionDays': 7 })
    const base = t.now()
    const due = [
      ...Array.from({ length: 25 }, (_, i) => ({
        ...closedRound(`p1-${i}`, C1, base - 15 * DAY - i * 5 * HOUR),
        days: 14,
      })),
      ...Array.from({ length: 20 }, (_, i) => ({
        ...closedRound(`p2-${i}`, C2, base - 8 * DAY - i * 7 * HOUR - 30 * MINUTE),
        days: 7,
      })),
    ]
    const notDue = [
      ...Array.from({ length: 15 }, (_, i) => closedRound(`n1-${i}`, C1, base - 13 * DAY - i * HOUR)),
      ...Array.from({ length: 15 }, (_, i) => closedRound(`n2-${i}`, C2, base - 6 * DAY - i * HOUR)),
    ]
    await insert([...due, ...notDue])
    const order = [...due]
      .sort((a, b) => a.round.closedAt.getTime() + a.days * DAY - (b.round.closedAt.getTime() + b.days * DAY))
      .map((r) => r.round._id)
    // The order interleaves the two communities, so per-community batches would not give it.
    expect(order.slice(0, BATCH).some((id) => id.startsWith('p1-'))).toBe(true)
    expect(order.slice(0, BATCH).some((id) => id.startsWith('p2-'))).toBe(true)
    const rest = await allBut(order)

    const firstSeen = new Map<string, number>()
    for (const [n, expected] of [BATCH, BATCH, 5, 0].entries()) {
      await t.advanceClock(10 * MINUTE)
      const run = await housekeeping()
      expect(run).toMatchObject({ rounds: expected, photos: expected, photoFailures: 0, reduced: { rounds: 0 } })
      const done = await markers('photosDeletedAt')
      const fresh = [...done.keys()].filter((id) => !firstSeen.has(id))
      expect(fresh.sort()).toEqual(order.slice(n * BATCH, n * BATCH + expected).sort())
      for (const id of fresh) firstSeen.set(id, done.get(id) as number)
      // Once: a round done by an earlier run keeps that run's marker.
      for (const [id, at] of firstSeen) expect(done.get(id)).toBe(at)
    }
    expect(firstSeen.size).toBe(due.length)
    for (const { round: r } of due) {
      const chain = (await t.data.get<ChainDoc>('chains', `${r._id}:bx`)) as ChainDoc
      expect(chain).toMatchObject({ version: 2, photosDeletedAt: expect.any(Date) })
      expect(photosOf(chain)).toEqual([])
      expect(chain.entries['h-x']?.members[0]).toMatchObject({ name: '赵六', result: 'negative' })
    }
    // The rounds not due yet, their chains, the first round of this file, everything else: untouched.
    expect(await allBut(order)).toBe(rest)
  })

  it('many results due at once: 20 rounds a run, the oldest due first, each reduced once', async () => {
    await t.data.update('communities', C2, { 'settings.resultRetentionDays': 10 })
    const base = t.now()
    const due = [
      ...Array.from({ length: 15 }, (_, i) => ({
        ...closedRound(`r1-${i}`, C1, base - 31 * DAY - i * 3 * HOUR),
        days: 30,
      })),
      ...Array.from({ length: 15 }, (_, i) => ({
        ...closedRound(`r2-${i}`, C2, base - 11 * DAY - i * 4 * HOUR - 30 * MINUTE),
        days: 10,
      })),
    ]
    const notDue = Array.from({ length: 20 }, (_, i) =>
      closedRound(`rn-${i}`, i % 2 ? C1 : C2, base - 2 * DAY - i * HOUR),
    )
    await insert([...due, ...notDue])
    const order = [...due]
      .sort((a, b) => a.round.closedAt.getTime() + a.days * DAY - (b.round.closedAt.getTime() + b.days * DAY))
      .map((r) => r.round._id)
    const rest = await allBut(order)

    await t.advanceClock(10 * MINUTE)
    const first = await housekeeping()
    expect(first.reduced).toMatchObject({ rounds: BATCH, chains: BATCH })
    // The ten not reduced yet are past their photo period too: the photo step takes them meanwhile.
    expect(first).toMatchObject({ rounds: 10, photos: 10 })
    const afterFirst = await markers('resultsReducedAt')
    expect([...afterFirst.keys()].sort()).toEqual(order.slice(0, BATCH).sort())

    await t.advanceClock(10 * MINUTE)
    expect((await housekeeping()).reduced).toMatchObject({ rounds: 10, chains: 10, photos: 0 })
    const afterSecond = await markers('resultsReducedAt')
    expect([...afterSecond.keys()].sort()).toEqual([...order].sort())
    for (const [id, at] of afterFirst) expect(afterSecond.get(id)).toBe(at)
    expect(await housekeeping()).toMatchObject({ rounds: 0, reduced: { rounds: 0 } })

    for (const { round: r } of due) {
      const chain = (await t.data.get<ChainDoc>('chains', `${r._id}:bx`)) as ChainDoc
      expect(chain).toMatchObject({ entries: {}, submitted: 1, negative: 1, resultsReducedAt: expect.any(Date) })
      expect(await t.data.get<RoundDoc>('rounds', r._id)).toMatchObject({ openedBy: '' })
    }
    expect(await t.data.count('reminders', { roundId: t.data._.in(order) })).toBe(0)
    expect(await allBut(order)).toBe(rest)
  })
})
