// Scheduled deletion of personal data that only existed for a task: exported spreadsheets after a day, staged
// import rows a week after the import (when it can no longer be rolled back).
import type { Envelope } from '../../typings/api'
import type { ExportDoc } from '../../server/platform/exports'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C1, loadFixture, WHO } from '../support/community'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())
beforeEach(() => loadFixture(t))

const DAY = 86_400_000
const trigger = () =>
  t.admin<{ result: Envelope<{ exports: number; importRows: number; phoneReveals: number }> }>(
    'functions/community/trigger',
    { body: {} },
  )

describe('community housekeeping timer', () => {
  it('records every export and deletes it (file and record) a day later', async () => {
    // Made by the `sheets` function, deleted by this function's timer.
    const out = await t.call<Envelope<{ fileID: string }>>(
      'sheets',
      { action: 'exportLedger', payload: { communityId: C1 } },
      WHO.committee,
    )
    if (!out.ok) throw new Error(out.message)
    const [record] = await t.data.find<ExportDoc>('exports', { fileID: out.data.fileID })
    expect(record).toMatchObject({ communityId: C1, kind: 'ledger', by: WHO.committee })

    expect((await trigger()).result).toMatchObject({ ok: true, data: { exports: 0, importRows: 0, phoneReveals: 0 } })
    expect(record?.expiresAt?.getTime()).toBe(record?.createdAt.getTime() + DAY)
    await t.setClock((record?.createdAt.getTime() as number) + DAY - 60_000)
    expect((await trigger()).result).toMatchObject({ ok: true, data: { exports: 0 } })
    await t.advanceClock(120_000)
    expect((await trigger()).result).toMatchObject({ ok: true, data: { exports: 1, importRows: 0, phoneReveals: 0 } })
    expect(await t.data.count('exports')).toBe(0)
    const urls = (await t.sdk.getTempFileURL({ fileList: [out.data.fileID] })) as {
      fileList: { tempFileURL: string }[]
    }
    expect(urls.fileList[0]?.tempFileURL).toBe('')
  })

  it('deletes the staged rows of imports older than a week, once', async () => {
    await t.data.insertMany('importRows', [
      { _id: 'row-old-1', importId: 'imp-c1', seq: 0 },
      { _id: 'row-old-2', importId: 'imp-c1', seq: 1 },
      { _id: 'row-new', importId: 'imp-c2', seq: 0 },
    ])
    await t.data.update('imports', 'imp-c1', { createdAt: new Date(t.now() - 8 * DAY), status: 'committed' })
    await t.data.update('imports', 'imp-c2', { createdAt: new Date(t.now()) })
    expect((await trigger()).result).toMatchObject({ ok: true, data: { exports: 0, importRows: 2, phoneReveals: 0 } })
    expect((await t.data.find<{ _id: string }>('importRows')).map((r) => r._id)).toEqual(['row-new'])
    expect((await trigger()).result).toMatchObject({ ok: true, data: { exports: 0, importRows: 0, phoneReveals: 0 } })
  })

  it('records antigen exports too', async () => {
    const out = await t.call<Envelope<{ fileID: string }>>(
      'sheets',
      { action: 'exportTable', payload: { roundId: 'r-c1' } },
      WHO.committee,
    )
    if (!out.ok) throw new Error(out.message)
    expect(await t.data.count('exports', { kind: 'antigen', fileID: out.data.fileID })).toBe(1)
  })
})
