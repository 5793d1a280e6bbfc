// The community function's retention through localcloud, with the clock moved: ledger files the import read are
// recorded once and deleted a day later, decided join requests a month after the decision, an import's record
// forgets the people it named with its staged rows, and an export storage fails to delete is retried by the timer.
import type { Envelope, RetentionSchedule } from '../../typings/api'
import type { JoinRequestDoc } from '../../server/community/model'
import type { LedgerImportDoc } from '../../server/ledger'
import type { ExportDoc } from '../../server/platform/exports'
import type { UploadDoc } from '../../server/platform/uploads'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C1, fileIdOf, LEDGER_FILES, loadFixture, WHO } from '../support/community'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())

const DAY = 86_400_000
const MINUTE = 60_000
const LEDGER = fileIdOf(LEDGER_FILES.c1 as string)

async function ok<T>(openid: string, action: string, payload: object = {}): Promise<T> {
  const r = await t.call<Envelope<T>>('community', { action, payload }, openid)
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
        'community',
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
