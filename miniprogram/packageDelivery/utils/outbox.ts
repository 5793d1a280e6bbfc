// Door marks waiting for the server: kept in the phone's storage (one key per delivery) from the tap until the
// function answered each, so a lost connection, a closed page or a restarted app loses none. Sent with markStops in
// batches; each mark carries the markId made at the tap, so a batch sent twice counts once.
import type { StopMarkInput, StopMarkResult } from '../../../typings/api'

export interface QueuedMark {
  stopId: string
  markId: string
  /** When the button was pressed (ISO). */
  at: string
}

/** Marks one markStops call carries at most (the function's limit). */
export const MARKS_PER_BATCH = 100

export const outboxKey = (deliveryId: string) => `delivery.outbox.${deliveryId}`

/** Where the queue lives: wx storage on a phone (`wxStorage` in ./storage), anything alike in a test. */
export interface KeyValue {
  get(key: string): unknown
  set(key: string, value: unknown): void
  remove(key: string): void
}

export type SendMarks = (marks: StopMarkInput[]) => Promise<StopMarkResult[]>

export interface SyncOutcome {
  /** Marks the server answered marked or already. */
  done: StopMarkResult[]
  /** Marks the server refused (the message says why): taken off the queue. */
  refused: StopMarkResult[]
  /** Marks still waiting. */
  left: number
  /** A batch did not reach the server (no network): the rest waits for the next sync. */
  failed: boolean
}

const isMark = (m: unknown): m is QueuedMark => {
  const v = m as Partial<QueuedMark> | null
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.stopId === 'string' &&
    typeof v.markId === 'string' &&
    typeof v.at === 'string'
  )
}

export class Outbox {
  /** The queue as last read or written: what the page counts even when storage refuses a write. */
  private marks: QueuedMark[]
  private running: Promise<SyncOutcome> | null = null
  private again = false

  constructor(
    readonly deliveryId: string,
    private readonly storage: KeyValue,
  ) {
    this.marks = this.read()
  }

  private read(): QueuedMark[] {
    try {
      const stored = this.storage.get(outboxKey(this.deliveryId))
      return Array.isArray(stored) ? stored.filter(isMark) : []
    } catch {
      return []
    }
  }

  private write(marks: QueuedMark[]): void {
    this.marks = marks
    try {
      if (marks.length) this.storage.set(outboxKey(this.deliveryId), marks)
      else this.storage.remove(outboxKey(this.deliveryId))
    } catch {
      // Storage full: the marks stay in memory and are sent while the page lives.
    }
  }

  /** The marks waiting, oldest first (read again: another page may have changed them). */
  list(): QueuedMark[] {
    const stored = this.read()
    const known = new Set(stored.map((m) => m.markId))
    // A mark storage could not keep stays while this page lives.
    this.marks = [...stored, ...this.marks.filter((m) => !known.has(m.markId))]
    return [...this.marks]
  }

  get size(): number {
    return this.list().length
  }

  /** Queue a mark; a stop already waiting keeps its first mark (a second tap changes nothing). */
  add(mark: QueuedMark): boolean {
    const marks = this.list()
    if (marks.some((m) => m.stopId === mark.stopId)) return false
    this.write([...marks, mark])
    return true
  }

  /** Take the answered marks off the queue. */
  apply(results: StopMarkResult[]): void {
    const answered = new Set(results.map((r) => `${r.stopId}\n${r.markId}`))
    this.write(this.list().filter((m) => !answered.has(`${m.stopId}\n${m.markId}`)))
  }

  /** Send every waiting mark, a batch at a time; a sync asked for while one runs runs again after it. */
  sync(send: SendMarks): Promise<SyncOutcome> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      const total: SyncOutcome = { done: [], refused: [], left: 0, failed: false }
      do {
        this.again = false
        const pass = await this.pass(send)
        total.done.push(...pass.done)
        total.refused.push(...pass.refused)
        total.failed = pass.failed
      } while (this.again && !total.failed)
      total.left = this.size
      return total
    })().finally(() => {
      this.running = null
    })
    return this.running
  }

  private async pass(send: SendMarks): Promise<Omit<SyncOutcome, 'left'>> {
    const out: Omit<SyncOutcome, 'left'> = { done: [], refused: [], failed: false }
    const marks = this.list()
    for (let i = 0; i < marks.length; i += MARKS_PER_BATCH) {
      const batch = marks.slice(i, i + MARKS_PER_BATCH)
      let results: StopMarkResult[]
      try {
        results = await send(batch.map((m) => ({ stopId: m.stopId, markId: m.markId, at: m.at })))
      } catch {
        out.failed = true
        break
      }
      const sent = new Set(batch.map((m) => `${m.stopId}\n${m.markId}`))
      const mine = results.filter((r) => sent.has(`${r.stopId}\n${r.markId}`))
      this.apply(mine)
      for (const r of mine) (r.result === 'refused' ? out.refused : out.done).push(r)
    }
    return out
  }
}
