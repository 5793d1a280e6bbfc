// The community function's retention through localcloud, with the clock moved: ledger files the import read are
// recorded once and deleted a day later, decided join requests a month after the decision, an import's record
// forgets the people it named with its staged rows, and an export storage fails to delete is retried by the timer.
import type { Envelope, RetentionSchedule } from '../../typings/api'
import type { JoinRequestDoc } from '../../server/community/model'
import type { LedgerImportDoc } from '../../server/ledger'
import type { ExportDoc } from '../../server/platform/exports'
import type { UploadDoc } from '../../server/platform/uploads'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C1, C2, fileIdOf, LEDGER_FILES, loadFixture, WHO } from '../support/community'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())

const DAY = 86_400_000
const MINUTE = 60_000
const LEDGER = fileIdOf(LEDGER_FILES.c1 as string)

/** The ledger's file reading and export are the `sheets` function's; every other action here is the community's. */
const SHEETS = new Set(['importPreview', 'exportLedger'])
async function ok<T>(openid: string, action: string, payload: object = {}): Promise<T> {
  const r = await t.call<Envelope<T>>(SHEETS.has(action) ? 'sheets' : 'community', { action, payload }, openid)
  if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message} ${r.field ?? ''}`)
  return r.data
}
async function housekeeping(): Promise<Record<string, unknown>> {
  const { result } = await t.admin<{ result: Envelope<Record<string, unknown>> }>('functions/community/trigger', {
    body: {},
  })
  if (!result.ok) throw new Error(result.message)
  return result.data
}
async function stored(fileID: string): Promise<boolean> {
  const res = (await t.sdk.getTempFileURL({ fileList: [fileID] })) as { fileList: { tempFileURL: string }[] }
  return res.fileList[0]?.tempFileURL !== ''
}
const item = async (kind: string) =>
  (await ok<RetentionSchedule>(WHO.committee, 'retentionSchedule', { communityId: C1 })).items.find(
    (i) => i.kind === kind,
  )

beforeEach(async () => {
  await loadFixture(t)
  await t.admin('faults', { method: 'DELETE' })
  await t.setClock(Date.parse('2026-11-24T02:00:00.000Z'))
})

describe('uploaded ledger files', () => {
  it('are recorded when the import first reads them and deleted a day later (a minute before: kept)', async () => {
    await ok(WHO.committee, 'importPreview', { communityId: C1, fileID: LEDGER })
    const [first] = await t.data.find<UploadDoc>('uploads')
    expect(first).toMatchObject({ communityId: C1, kind: 'ledger', fileID: LEDGER, by: WHO.committee })
    // 「重新检查」 reads it again an hour later: one record, the first date.
    await t.advanceClock(60 * MINUTE)
    await ok(WHO.committee, 'importPreview', { communityId: C1, fileID: LEDGER })
    expect(await t.data.find<UploadDoc>('uploads')).toEqual([first])
    expect(await item('ledgerUploads')).toMatchObject({ due: [{ date: '2026-11-25', count: 1 }] })

    await t.setClock((first?.createdAt.getTime() as number) + DAY - MINUTE)
    expect(await housekeeping()).toMatchObject({ uploads: 0 })
    expect(await stored(LEDGER)).toBe(true)
    await t.advanceClock(2 * MINUTE)
    expect(await housekeeping()).toMatchObject({ uploads: 1 })
    expect(await stored(LEDGER)).toBe(false)
    expect(await t.data.count('uploads')).toBe(0)
  })

  it('are not recorded when the file cannot be read, and nothing is written', async () => {
    const missing = `${LEDGER}-gone`
    expect(
      await t.call<Envelope<unknown>>(
        'sheets',
        { action: 'importPreview', payload: { communityId: C1, fileID: missing } },
        WHO.committee,
      ),
    ).toMatchObject({ ok: false, code: 'FILE_UNREADABLE' })
    expect(await t.data.count('uploads')).toBe(0)
  })
})

describe('join requests', () => {
  it('once decided are deleted a month after the decision; pending ones stay', async () => {
    await ok(WHO.buildingLead, 'decideJoin', { requestId: 'jr-b1', approve: false, reason: '不是本户' })
    const decided = (await t.data.get<JoinRequestDoc>('joinRequests', 'jr-b1')) as JoinRequestDoc
    expect(await item('joinRequests')).toMatchObject({ days: 30, due: [{ date: '2026-12-24', count: 1 }] })
    await t.setClock((decided.decidedAt as Date).getTime() + 30 * DAY - MINUTE)
    expect(await housekeeping()).toMatchObject({ joinRequests: 0 })
    await t.advanceClock(2 * MINUTE)
    expect(await housekeeping()).toMatchObject({ joinRequests: 1 })
    expect((await t.data.find<JoinRequestDoc>('joinRequests')).map((r) => r._id).sort()).toEqual(['jr-b3', 'jr-x1'])
  })
})

describe('imports', () => {
  it('forget the people they named with their staged rows, a week after the import', async () => {
    await t.data.update('imports', 'imp-c1', {
      errors: [{ row: 3, reason: '与第 2 行重复：第 2 行和第 3 行都是 1号 101 的「张三」' }],
      keptMembers: [{ building: '1号', room: '101', name: '张三' }],
      status: 'committed',
    })
    await t.setClock(Date.parse('2026-11-01T00:00:00.000Z') + 7 * DAY + MINUTE)
    await housekeeping()
    const imp = (await t.data.get<LedgerImportDoc>('imports', 'imp-c1')) as LedgerImportDoc
    expect(imp).toMatchObject({ errors: [], keptMembers: [], status: 'committed', rows: 0 })
    expect(JSON.stringify(imp)).not.toContain('张三')
  })
  it('many due at once: 20 a run, the oldest first, each once; recent imports and their rows untouched', async () => {
    const HOUR = 3_600_000
    const base = t.now()
    const imports = (prefix: string, n: number, from: number) =>
      Array.from({ length: n }, (_, i) => ({
        _id: `${prefix}-${String(i).padStart(2, '0')}`,
        communityId: i % 2 ? C1 : C2,
        createdBy: 'o-committee',
        createdAt: new Date(from - i * HOUR),
        fileName: 'ledger.csv',
        status: 'committed',
        total: 1,
        errors: [{ row: 2, reason: '「赵六」的电话号码不对' }],
        keptMembers: [],
      }))
    // 25 a week old and more (plus the fixture's two from 1 November, older still), 10 from the last week.
    const stale = imports('old', 25, base - 8 * DAY)
    const fresh = imports('new', 10, base - 6 * DAY)
    await t.data.insertMany('imports', [...stale, ...fresh])
    await t.data.insertMany(
      'importRows',
      [...stale, ...fresh].flatMap((imp) =>
        [0, 1].map((seq) => ({ _id: `${imp._id}-${seq}`, importId: imp._id, seq })),
      ),
    )
    const order = ['imp-c1', 'imp-c2', ...[...stale].reverse().map((i) => i._id)]
    const rowsDeleted = async () =>
      new Map(
        (
          await t.data.findAll<{ _id: string; rowsDeletedAt: Date }>(
            'imports',
            { rowsDeletedAt: t.data._.exists(true) },
            { fields: { rowsDeletedAt: true } },
          )
        ).map((i) => [i._id, new Date(i.rowsDeletedAt).getTime()]),
      )

    await t.advanceClock(MINUTE)
    expect(await housekeeping()).toMatchObject({ importRows: 18 * 2 })
    const first = await rowsDeleted()
    expect([...first.keys()].sort()).toEqual(order.slice(0, 20).sort())
    await t.advanceClock(MINUTE)
    expect(await housekeeping()).toMatchObject({ importRows: 7 * 2 })
    const second = await rowsDeleted()
    expect([...second.keys()].sort()).toEqual([...order].sort())
    for (const [id, at] of first) expect(second.get(id)).toBe(at)
    expect(await housekeeping()).toMatchObject({ importRows: 0 })

    expect(await t.data.count('importRows', { importId: t.data._.in(order) })).toBe(0)
    const left = await t.data.find<{ importId: string }>('importRows', {}, { limit: 100 })
    expect(left.map((r) => r.importId).sort()).toEqual(fresh.flatMap((i) => [i._id, i._id]).sort())
    for (const imp of fresh)
      expect(await t.data.get('imports', imp._id)).toMatchObject({ errors: imp.errors, createdAt: imp.createdAt })
  })
})

describe('exports', () => {
  it('that storage fails to delete are queued, shown to the committee and retried by the timer', async () => {
    const out = await ok<{ fileID: string }>(WHO.committee, 'exportLedger', { communityId: C1 })
    const [record] = await t.data.find<ExportDoc>('exports')
    await t.setClock((record?.createdAt.getTime() as number) + DAY + MINUTE)
    await t.admin('faults', { body: { errorRate: 1, actions: ['storage.batchDeleteFile'] } })
    expect(await housekeeping()).toMatchObject({ exports: 1, files: { deleted: 0, failed: 1 } })
    expect(await t.data.count('exports')).toBe(0)
    expect(await stored(out.fileID)).toBe(true)
    expect(await item('exports')).toMatchObject({ failed: 1 })
    await t.admin('faults', { method: 'DELETE' })
    expect(await housekeeping()).toMatchObject({ files: { deleted: 1, failed: 0 } })
    expect(await stored(out.fileID)).toBe(false)
    expect(await item('exports')).toMatchObject({ failed: 0 })
  })
})
