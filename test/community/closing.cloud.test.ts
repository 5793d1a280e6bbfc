// Ending the service through localcloud, end to end with the clock moved: the committee closes the community (its
// name typed), nothing new starts (COMMUNITY_CLOSED), the hand-over exports are made once, and closingDeletionDays
// later the two timers delete every person's data (a minute before: nothing), the counts stay, the neighbouring
// community is untouched, and runs cut short by faults are finished by the next ones.
import ExcelJS from 'exceljs'
import type { ClosingStatus, Envelope, RoundView } from '../../typings/api'
import type { ChainDoc, RoundDoc } from '../../server/antigen/model'
import type { CommunityDoc, HouseholdDoc, JoinRequestDoc } from '../../server/community/model'
import { CONSENTS } from '../../server/community/consent'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { B, C1, C2, fileIdOf, H, LEDGER_FILES, loadFixture, snapshot, WHO } from '../support/community'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())

const DAY = 86_400_000
const MINUTE = 60_000
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex')
const LEDGER = fileIdOf(LEDGER_FILES.c1 as string)

const call = <T>(fn: string, openid: string, action: string, payload: object = {}) =>
  t.call<Envelope<T>>(fn, { action, payload }, openid)
async function ok<T>(fn: string, openid: string, action: string, payload: object = {}): Promise<T> {
  const r = await call<T>(fn, openid, action, payload)
  if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message} ${r.field ?? ''}`)
  return r.data
}
const close = () =>
  call<ClosingStatus>('community', WHO.committee, 'closeCommunity', { communityId: C1, confirm: '测试小区' })
const timers = async () => {
  await t.admin('functions/community/trigger', { body: {} })
  await t.admin('functions/antigen/trigger', { body: {} })
}
async function stored(fileIds: string[]): Promise<boolean[]> {
  const res = (await t.sdk.getTempFileURL({ fileList: fileIds })) as { fileList: { tempFileURL: string }[] }
  return res.fileList.map((f) => f.tempFileURL !== '')
}

type Dump = Record<string, Record<string, unknown>[]>
/** Everything of the other community (c2): the closing of c1 must not touch a byte of it. */
async function otherCommunity(): Promise<string> {
  const { collections } = await t.admin<{ collections: Dump }>('export')
  const theirs = (d: Record<string, unknown>) =>
    d.communityId === C2 || d._id === C2 || d.openid === WHO.otherCommittee || d.openid === 'o-other'
  // Its own import reaching its week meanwhile is its own retention (rowsDeletedAt), not the closing's doing.
  const own = (d: Record<string, unknown>) => ({ ...d, rowsDeletedAt: undefined })
  return JSON.stringify(Object.fromEntries(Object.entries(collections).map(([k, v]) => [k, v.filter(theirs).map(own)])))
}

let round: RoundView
let photo: string
let exported: string

beforeEach(async () => {
  await loadFixture(t)
  await t.admin('faults', { method: 'DELETE' })
  await t.setClock(Date.parse('2026-11-24T02:00:00.000Z'))
  await ok('community', WHO.resident, 'giveConsent', { kind: 'health', version: CONSENTS.health.version })
  await ok('community', WHO.otherCommittee, 'giveConsent', { kind: 'personal', version: CONSENTS.personal.version })
  round = await ok<RoundView>('antigen', WHO.committee, 'openRound', {
    communityId: C1,
    date: '2026-11-24',
    deadline: new Date(t.now() + 3600_000).toISOString(),
    notice: '请自测',
  })
  const cloudPath = `antigen/${round.id}/${H.b1r101._id}/m-zhang-1.jpg`
  photo = (await t.sdk.uploadFile({ cloudPath, fileContent: JPEG })).fileID
  const li = (await t.sdk.uploadFile({ cloudPath: cloudPath.replace('zhang', 'li'), fileContent: JPEG })).fileID
  await ok('antigen', WHO.resident, 'submit', {
    roundId: round.id,
    householdId: H.b1r101._id,
    members: [
      { memberId: 'm-zhang', result: 'negative', photo, photoSize: 120_000 },
      { memberId: 'm-li', result: 'positive', photo: li, photoSize: 120_000 },
    ],
  })
  await ok('antigen', WHO.resident, 'subscribeRounds', { communityId: C1 })
  exported = (await ok<{ fileID: string }>('sheets', WHO.committee, 'exportLedger', { communityId: C1 })).fileID
  await ok('sheets', WHO.committee, 'importPreview', { communityId: C1, fileID: LEDGER })
})

describe('closing a community', () => {
  it('needs the community’s name typed, and writes nothing otherwise', async () => {
    const before = await snapshot(t)
    for (const confirm of ['别的小区', '测试', ' '])
      expect(await call('community', WHO.committee, 'closeCommunity', { communityId: C1, confirm })).toMatchObject({
        ok: false,
        code: 'INVALID_INPUT',
        field: 'confirm',
      })
    expect(
      await call('community', WHO.otherCommittee, 'closeCommunity', { communityId: C1, confirm: '测试小区' }),
    ).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await snapshot(t)).toBe(before)
  })

  it('stops everything new, answers pending requests, and hands over the ledger and the rounds’ counts', async () => {
    const closed = await close()
    if (!closed.ok) throw new Error(closed.message)
    const s = closed.data
    expect(s).toMatchObject({ state: 'closing', communityName: '测试小区', closingDeletionDays: 30 })
    expect(Date.parse(s.deleteAfter as string) - Date.parse(s.closedAt as string)).toBe(30 * DAY)
    expect(s.handover.map((f) => [f.kind, f.fileName])).toEqual([
      ['antigen', '测试小区抗原检测各轮统计-移交-20261124.xlsx'],
      ['ledger', '测试小区住户台账-移交-20261124.xlsx'],
    ])
    expect(s.handover.every((f) => f.tempFileURL && f.expiresAt === s.deleteAfter)).toBe(true)
    expect(s.remaining).toMatchObject({ households: 5, people: 7, roles: 10, roundsWithResults: 2, exports: 3 })
    // The `sheets` function made them, as the committee who closed (its call carried their identity), each once: a
    // second hand-over or closing finds them and makes nothing.
    expect(
      (await t.data.find<{ kind: string; by: string }>('exports', { handover: true })).map((e) => [e.kind, e.by]),
    ).toEqual(
      expect.arrayContaining([
        ['antigen', WHO.committee],
        ['ledger', WHO.committee],
      ]),
    )
    expect(await call('sheets', WHO.committee, 'handover', { communityId: C1 })).toEqual({
      ok: true,
      data: { kinds: ['ledger', 'antigen'] },
    })
    expect(await call('sheets', WHO.otherCommittee, 'handover', { communityId: C1 })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
    expect(await t.data.count('exports', { communityId: C1 })).toBe(3)

    // The rounds' hand-over: counts only, every round, no names.
    const book = new ExcelJS.Workbook()
    const file = (await t.sdk.downloadFile({ fileID: s.handover[0]?.fileID as string })) as { fileContent: Buffer }
    await book.xlsx.load(file.fileContent as never)
    expect(book.worksheets.map((w) => w.name)).toEqual(['各轮合计', '2026-11-24 抗原检测', '2026-11-24 抗原检测(2)'])
    const cells = book.worksheets.flatMap((w) => (w.getSheetValues() as unknown[][]).flat().map(String)).join(' ')
    expect(cells).not.toMatch(/张三|李四|赵六|138/)

    // Nothing new starts: rounds, submissions, invites, joins; pending requests were answered.
    expect(
      await call('antigen', WHO.committee, 'openRound', {
        communityId: C1,
        date: '2026-11-24',
        deadline: new Date(t.now() + 3600_000).toISOString(),
        notice: 'x',
      }),
    ).toMatchObject({ ok: false, code: 'COMMUNITY_CLOSED' })
    expect(
      await call('antigen', WHO.resident, 'submit', {
        roundId: round.id,
        householdId: H.b1r101._id,
        members: [
          { memberId: 'm-zhang', result: 'untested', reason: '外出' },
          { memberId: 'm-li', result: 'untested', reason: '外出' },
        ],
      }),
    ).toMatchObject({ ok: false, code: 'ROUND_CLOSED' })
    expect(await call('community', WHO.buildingLead, 'createInvite', { buildingId: B.b1._id })).toMatchObject({
      ok: false,
      code: 'COMMUNITY_CLOSED',
    })
    expect(
      await call('community', 'o-newcomer', 'requestJoin', {
        code: 'INVB1AAA',
        room: '102',
        name: '王五',
        personalConsent: CONSENTS.personal.version,
      }),
    ).toMatchObject({ ok: false, code: 'COMMUNITY_CLOSED' })
    expect(await t.data.get<JoinRequestDoc>('joinRequests', 'jr-b1')).toMatchObject({
      status: 'rejected',
      reason: '小区已停止使用',
    })
    expect(
      await call('community', WHO.committee, 'setRetention', { communityId: C1, photoRetentionDays: 3 }),
    ).toMatchObject({ ok: false, code: 'COMMUNITY_CLOSED' })
    // The neighbouring community goes on.
    expect(await call('community', WHO.otherCommittee, 'closingStatus', { communityId: C2 })).toMatchObject({
      ok: true,
      data: { state: 'open', handover: [] },
    })

    // Closing again keeps the first dates and makes no second hand-over.
    await t.advanceClock(DAY)
    const again = await close()
    expect(again).toMatchObject({ ok: true, data: { closedAt: s.closedAt, deleteAfter: s.deleteAfter } })
    expect(await t.data.count('exports', { communityId: C1, handover: true })).toBe(2)
  })

  it('deletes every person’s data closingDeletionDays later (a minute before: nothing), keeping the counts', async () => {
    const s = (await close()) as { ok: true; data: ClosingStatus }
    const deleteAfter = Date.parse(s.data.deleteAfter as string)
    const handover = s.data.handover.map((f) => f.fileID)
    const theirs = await otherCommunity()
    const chainBefore = (await t.data.get<ChainDoc>('chains', `${round.id}:${B.b1._id}`)) as ChainDoc

    // The hand-over files outlive the day an export normally has; the ordinary export and the upload do not.
    await t.setClock(deleteAfter - MINUTE)
    await timers()
    expect(await stored([...handover, exported, LEDGER])).toEqual([true, true, false, false])
    expect(await t.data.count('households', { communityId: C1, 'members.0': t.data._.exists(true) })).toBe(5)
    expect(await t.data.count('roles', { communityId: C1 })).toBe(10)
    expect(await ok<ClosingStatus>('community', WHO.committee, 'closingStatus', { communityId: C1 })).toMatchObject({
      state: 'closing',
    })

    await t.advanceClock(2 * MINUTE)
    await timers()
    // Everyone's data is gone but the committee's grants, kept until the rounds are reduced (they just were).
    expect(await ok<ClosingStatus>('community', WHO.committee, 'closingStatus', { communityId: C1 })).toMatchObject({
      state: 'erasing',
      remaining: { households: 0, roles: 1, roundsWithResults: 0, failedFiles: 0 },
    })
    // The community timer's next hourly run ends it.
    await t.advanceClock(60 * MINUTE)
    await timers()
    const c = (await t.data.get<CommunityDoc>('communities', C1)) as CommunityDoc
    expect(c.closing).toMatchObject({ communityErasedAt: expect.any(Date), antigenErasedAt: expect.any(Date) })
    // People, links, roles, requests, invites, consents, subscriptions, logs, imports, files: gone.
    const households = await t.data.find<HouseholdDoc>('households', { communityId: C1 })
    expect(households).toHaveLength(5)
    expect(households.every((h) => h.members.length === 0 && h.linkedOpenids.length === 0)).toBe(true)
    for (const coll of ['roles', 'joinRequests', 'invites', 'imports', 'importRows', 'exports', 'uploads'] as const)
      expect([coll, await t.data.count(coll, { communityId: C1 })]).toEqual([coll, 0])
    expect(await t.data.count('roundSubscribers', { communityId: C1 })).toBe(0)
    expect(await t.data.count('consents', { openid: WHO.resident })).toBe(0)
    expect(await stored([...handover, photo])).toEqual([false, false, false])
    // The rounds keep their counts, nothing else.
    const chainAfter = (await t.data.get<ChainDoc>('chains', `${round.id}:${B.b1._id}`)) as ChainDoc
    expect(chainAfter.entries).toEqual({})
    expect([chainAfter.seq, chainAfter.submitted, chainAfter.negative, chainAfter.positive]).toEqual([
      chainBefore.seq,
      chainBefore.submitted,
      chainBefore.negative,
      chainBefore.positive,
    ])
    expect(await t.data.count('rounds', { communityId: C1, resultsReducedAt: t.data._.exists(false) })).toBe(0)
    expect(JSON.stringify(await t.data.find<RoundDoc>('chains', { communityId: C1 }))).not.toMatch(/张三|李四|o-zhang/)
    // The other community: not a byte.
    expect(await otherCommunity()).toBe(theirs)
    // Nobody can act in the community any more: its grants are gone.
    expect(await call('community', WHO.committee, 'closingStatus', { communityId: C1 })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
  })

  it('shows the progress while the timers delete, and runs cut short by faults are finished by the next ones', async () => {
    const s = (await close()) as { ok: true; data: ClosingStatus }
    const deleteAfter = Date.parse(s.data.deleteAfter as string)
    await t.setClock(deleteAfter + MINUTE)
    // Storage refuses every deletion and a third of the database calls fail.
    await t.admin('faults', { body: { errorRate: 1, actions: ['storage.batchDeleteFile'] } })
    await timers()
    // The people are gone; the committee, kept to the end, watches what is left: the files storage refused.
    const progress = await ok<ClosingStatus>('community', WHO.committee, 'closingStatus', { communityId: C1 })
    expect(progress).toMatchObject({
      state: 'erasing',
      remaining: { households: 0, people: 0, roles: 1, joinRequests: 0, roundsWithResults: 0, exports: 0 },
    })
    expect(progress.remaining.failedFiles).toBe(await t.data.count('fileDeletions', { communityId: C1 }))
    expect(progress.remaining.failedFiles).toBeGreaterThanOrEqual(4) // two photos, two hand-over files
    await t.admin('faults', { body: { errorRate: 0.3, actions: ['database.'], seed: 5 } })
    for (let i = 0; i < 4; i++) await timers()
    await t.admin('faults', { method: 'DELETE' })
    for (let i = 0; i < 2; i++) await timers()

    const c = (await t.data.get<CommunityDoc>('communities', C1)) as CommunityDoc
    expect(c.closing).toMatchObject({ communityErasedAt: expect.any(Date), antigenErasedAt: expect.any(Date) })
    expect(await t.data.count('fileDeletions')).toBe(0)
    expect(await t.data.count('roles', { communityId: C1 })).toBe(0)
    expect(await t.data.count('households', { communityId: C1, 'members.0': t.data._.exists(true) })).toBe(0)
    expect(await stored([photo, ...s.data.handover.map((f) => f.fileID)])).toEqual([false, false, false])
  })
})
