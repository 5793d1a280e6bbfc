// The tasks page's queue of door marks: kept in storage until the server answered each, sent in batches of 100.
import type { StopMarkInput, StopMarkResult } from '../../typings/api'
import {
  MARKS_PER_BATCH,
  Outbox,
  outboxKey,
  type KeyValue,
  type QueuedMark,
} from '../../miniprogram/packageDelivery/utils/outbox'

/** Storage as wx keeps it: values copied in and out. */
function memory(): KeyValue & { map: Map<string, string>; failWrites: boolean } {
  const map = new Map<string, string>()
  const store = {
    map,
    failWrites: false,
    get: (key: string) => (map.has(key) ? JSON.parse(map.get(key) as string) : ''),
    set: (key: string, value: unknown) => {
      if (store.failWrites) throw new Error('setStorageSync:fail exceed storage max size 10Mb')
      map.set(key, JSON.stringify(value))
    },
    remove: (key: string) => void map.delete(key),
  }
  return store
}

const mark = (n: number): QueuedMark => ({
  stopId: `d1:hh_${n}`,
  markId: `m_${String(n).padStart(8, '0')}`,
  at: `2026-11-24T07:${String(n % 60).padStart(2, '0')}:00.000Z`,
})

const answer =
  (result: StopMarkResult['result'] = 'marked') =>
  (marks: StopMarkInput[]): Promise<StopMarkResult[]> =>
    Promise.resolve(marks.map((m) => ({ stopId: m.stopId, markId: m.markId, result })))

describe('delivery outbox', () => {
  it('keeps queued marks in storage under the delivery’s key, for a new outbox (a reopened page) to find', () => {
    const storage = memory()
    const box = new Outbox('d1', storage)
    expect(box.add(mark(1))).toBe(true)
    expect(box.add(mark(2))).toBe(true)
    expect(JSON.parse(storage.map.get(outboxKey('d1')) as string)).toEqual([mark(1), mark(2)])
    expect(new Outbox('d1', storage).list()).toEqual([mark(1), mark(2)])
    expect(new Outbox('d2', storage).list()).toEqual([])
  })

  it('keeps the first mark of a stop tapped twice', () => {
    const box = new Outbox('d1', memory())
    box.add(mark(1))
    expect(box.add({ ...mark(1), markId: 'm_other000' })).toBe(false)
    expect(box.list()).toEqual([mark(1)])
  })

  it('removes marks the server answered marked, already or refused, and empties the key when none is left', async () => {
    const storage = memory()
    const box = new Outbox('d1', storage)
    for (const n of [1, 2, 3]) box.add(mark(n))
    const send = jest.fn((marks: StopMarkInput[]) =>
      Promise.resolve<StopMarkResult[]>([
        { stopId: marks[0]!.stopId, markId: marks[0]!.markId, result: 'marked' },
        { stopId: marks[1]!.stopId, markId: marks[1]!.markId, result: 'already' },
        {
          stopId: marks[2]!.stopId,
          markId: marks[2]!.markId,
          result: 'refused',
          code: 'ALREADY_MARKED',
          message: '12-301 已由 李*华 在 15:02 标记送到',
        },
      ]),
    )
    const out = await box.sync(send)
    expect(send).toHaveBeenCalledWith([mark(1), mark(2), mark(3)])
    expect(out.done.map((r) => r.result)).toEqual(['marked', 'already'])
    expect(out.refused).toEqual([expect.objectContaining({ stopId: 'd1:hh_3', code: 'ALREADY_MARKED' })])
    expect(out).toMatchObject({ left: 0, failed: false })
    expect(storage.map.has(outboxKey('d1'))).toBe(false)
  })

  it('keeps a mark the server did not answer about, and everything when the network fails', async () => {
    const box = new Outbox('d1', memory())
    box.add(mark(1))
    box.add(mark(2))
    const partial = await box.sync((marks) =>
      Promise.resolve([{ stopId: marks[0]!.stopId, markId: marks[0]!.markId, result: 'marked' as const }]),
    )
    expect(partial.left).toBe(1)
    expect(box.list()).toEqual([mark(2)])
    const offline = await box.sync(() => Promise.reject(new Error('network')))
    expect(offline).toMatchObject({ failed: true, left: 1, done: [], refused: [] })
    expect(box.list()).toEqual([mark(2)])
    const later = await box.sync(answer())
    expect(later).toMatchObject({ failed: false, left: 0 })
  })

  it('sends in batches of at most 100 and stops at the first batch that fails', async () => {
    const box = new Outbox('d1', memory())
    for (let n = 1; n <= 250; n++) box.add(mark(n))
    const sizes: number[] = []
    let calls = 0
    const out = await box.sync((marks) => {
      sizes.push(marks.length)
      return ++calls === 2 ? Promise.reject(new Error('network')) : answer()(marks)
    })
    expect(sizes).toEqual([MARKS_PER_BATCH, MARKS_PER_BATCH])
    expect(out).toMatchObject({ failed: true, left: 150 })
    expect(box.list()[0]).toEqual(mark(101))
    sizes.length = 0
    await box.sync((marks) => (sizes.push(marks.length), answer()(marks)))
    expect(sizes).toEqual([100, 50])
    expect(box.size).toBe(0)
  })

  it('runs one sync at a time: a mark queued while a batch is in flight goes in a second pass', async () => {
    const box = new Outbox('d1', memory())
    box.add(mark(1))
    const batches: string[][] = []
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (release = resolve))
    const send = async (marks: StopMarkInput[]) => {
      batches.push(marks.map((m) => m.stopId))
      if (batches.length === 1) await gate
      return answer()(marks)
    }
    const first = box.sync(send)
    box.add(mark(2))
    const second = box.sync(send)
    release()
    const [a, b] = await Promise.all([first, second])
    expect(a).toBe(b)
    expect(batches).toEqual([['d1:hh_1'], ['d1:hh_2']])
    expect(a.left).toBe(0)
  })

  it('ignores what is not a mark in storage, and keeps marks in memory when storage is full', () => {
    const storage = memory()
    storage.set(outboxKey('d1'), [mark(1), { stopId: 'x' }, 'junk'])
    const box = new Outbox('d1', storage)
    expect(box.list()).toEqual([mark(1)])
    storage.failWrites = true
    box.add(mark(2))
    expect(box.list()).toEqual([mark(1), mark(2)])
  })
})
