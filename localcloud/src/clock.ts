// The emulated platform's clock. Everything localcloud dates as the platform would (server dates, signed URL
// and upload expiry, timer schedules and events, the outbox) reads it, and every function invocation carries its
// offset to the kernel clock of the function (LOCALCLOUD_CLOCK_OFFSET_MS in the worker's environment).
//
// The clock keeps ticking with the machine: `set(at)` makes now equal `at` and lets it run on from there, so
// ordering by time and timeouts behave as in production. Only the admin API moves it; nothing a client or a
// function sends does.
export const CLOCK_OFFSET_ENV = 'LOCALCLOUD_CLOCK_OFFSET_MS'

export interface ClockState {
  now: string
  offsetMs: number
}

export class Clock {
  private offset = 0

  /** Milliseconds since the epoch on the emulated platform. */
  readonly now = (): number => Date.now() + this.offset

  get offsetMs(): number {
    return this.offset
  }

  /** Make now `at` (ms since the epoch) and keep ticking from there. */
  set(at: number): ClockState {
    if (!Number.isFinite(at)) throw new RangeError('clock: not a time')
    this.offset = Math.round(at - Date.now())
    return this.state()
  }

  advance(ms: number): ClockState {
    if (!Number.isFinite(ms)) throw new RangeError('clock: not a duration')
    this.offset += Math.round(ms)
    return this.state()
  }

  setOffset(ms: number): ClockState {
    if (!Number.isFinite(ms)) throw new RangeError('clock: not a duration')
    this.offset = Math.round(ms)
    return this.state()
  }

  reset(): ClockState {
    this.offset = 0
    return this.state()
  }

  state(): ClockState {
    return { now: new Date(this.now()).toISOString(), offsetMs: this.offset }
  }
}
