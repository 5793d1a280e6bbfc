// Per-invocation statistics for benchmarks and the inspector: DB round trips, documents read and written.
export interface DbStats {
  calls: number
  read: number
  written: number
  byAction: Record<string, number>
}

export interface CallRecord {
  id: string
  function: string
  source: string
  trigger: string | null
  openid: string | null
  parent: string | null
  startedAt: string
  durationMs: number
  coldStart: boolean
  ok: boolean
  error: string | null
  db: DbStats
  logs: string[]
}

export const emptyDbStats = (): DbStats => ({ calls: 0, read: 0, written: 0, byAction: {} })

export function addDb(stats: DbStats, action: string, read: number, written: number): void {
  stats.calls++
  stats.read += read
  stats.written += written
  stats.byAction[action] = (stats.byAction[action] ?? 0) + 1
}

/** A bounded log of finished invocations, newest last. */
export class CallLog {
  private records: CallRecord[] = []
  /** DB calls made by SDK clients outside any function (tests, scripts). */
  external: DbStats = emptyDbStats()

  constructor(private readonly capacity = 5000) {}

  add(record: CallRecord): void {
    this.records.push(record)
    if (this.records.length > this.capacity) this.records.splice(0, this.records.length - this.capacity)
  }

  list(filter: { function?: string; since?: number } = {}): CallRecord[] {
    return this.records.filter(
      (r) =>
        (!filter.function || r.function === filter.function) &&
        (!filter.since || Date.parse(r.startedAt) >= filter.since),
    )
  }

  clear(): void {
    this.records = []
    this.external = emptyDbStats()
  }
}
