// The pure parts of retention: a community's periods, grouping due deletions by Shanghai day, which numbers of a
// chain were deleted, and reading storage's per-file status (the SDK faked: localcloud can only fail a whole call).
import { dueByDay } from '../../server/community/retention'
import { retentionOf } from '../../server/community/settings'
import { deletedNumbers } from '../../server/antigen/erase'
import { tryDelete } from '../../server/platform/deletions'

const deleteFile = jest.fn()
jest.mock('../../server/platform/cloud', () => ({
  cloud: { deleteFile: (...args: unknown[]) => deleteFile(...args) },
  data: {},
}))

describe('periods', () => {
  it('fills in the defaults and never keeps photos longer than the results', () => {
    expect(retentionOf(undefined)).toEqual({ photoDays: 14, resultDays: 30, closingDays: 30 })
    expect(retentionOf({ resultRetentionDays: 7 })).toEqual({ photoDays: 7, resultDays: 7, closingDays: 30 })
    expect(retentionOf({ photoRetentionDays: 3, closingDeletionDays: 60 })).toEqual({
      photoDays: 3,
      resultDays: 30,
      closingDays: 60,
    })
  })
})

describe('due deletions', () => {
  const now = Date.parse('2026-11-24T02:00:00.000Z') // 10:00 in Shanghai
  it('groups by Shanghai day, soonest first, at most five, and counts what is due already apart', () => {
    const at = (iso: string, count = 1) => ({ at: new Date(iso), count })
    const { due, overdue } = dueByDay(
      [
        at('2026-11-24T01:59:00.000Z', 2), // a minute ago: due now
        at('2026-11-24T02:00:00.000Z', 3), // this instant: due now
        at('2026-11-24T15:59:00.000Z'), // 23:59 the 24th
        at('2026-11-24T16:00:00.000Z'), // 00:00 the 25th
        at('2026-11-25T03:00:00.000Z', 4),
        at('2026-11-27T00:00:00.000Z'),
        at('2026-11-28T00:00:00.000Z'),
        at('2026-11-29T00:00:00.000Z'),
        at('2026-11-30T00:00:00.000Z'),
        at('2026-12-01T00:00:00.000Z', 0),
      ],
      now,
    )
    expect(overdue).toBe(5)
    expect(due).toEqual([
      { date: '2026-11-24', count: 1 },
      { date: '2026-11-25', count: 5 },
      { date: '2026-11-27', count: 1 },
      { date: '2026-11-28', count: 1 },
      { date: '2026-11-29', count: 1 },
    ])
  })
})

describe('deleted chain numbers', () => {
  const entry = (no: number) => ({ no }) as never
  it('are the numbers up to seq that no entry holds', () => {
    expect(deletedNumbers({ seq: 4, entries: { a: entry(1), c: entry(3) } })).toEqual([2, 4])
    expect(deletedNumbers({ seq: 2, entries: {} })).toEqual([1, 2])
    expect(deletedNumbers({ seq: 0, entries: {} })).toEqual([])
  })
})

describe('storage’s answer to a deletion', () => {
  beforeEach(() => deleteFile.mockReset())

  it('reads each file’s status: deleted, already gone, or failed (to be queued)', async () => {
    deleteFile.mockResolvedValue({
      fileList: [
        { fileID: 'a', status: 0, errMsg: 'ok' },
        { fileID: 'b', status: -503003, errMsg: 'storage file not exists' },
        { fileID: 'c', status: -501001, errMsg: 'system error' },
      ],
    })
    expect(await tryDelete(['a', 'b', 'c', 'd'])).toEqual({
      deleted: ['a', 'b'],
      failed: [
        { fileID: 'c', error: '-501001 system error' },
        { fileID: 'd', error: 'no status' },
      ],
    })
  })

  it('fails every file of a call that throws', async () => {
    deleteFile.mockRejectedValue(new Error('deleteFile:fail injected fault'))
    expect(await tryDelete(['a', 'b'])).toEqual({
      deleted: [],
      failed: [
        { fileID: 'a', error: 'deleteFile:fail injected fault' },
        { fileID: 'b', error: 'deleteFile:fail injected fault' },
      ],
    })
  })
})
