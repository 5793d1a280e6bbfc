// The one clock every function reads "now" from.
//
// In production it is the platform's clock. localcloud (development, tests, demos, CI) can move the clock of the
// functions it runs: its admin API sets an offset, and each invocation carries it in the worker's environment as
// LOCALCLOUD_CLOCK_OFFSET_MS, next to the caller's identity. Nothing in an event or payload reaches it, so no
// client can move it; a deployment never sets that variable (the deploy check refuses it).
export const CLOCK_OFFSET_ENV = 'LOCALCLOUD_CLOCK_OFFSET_MS'

function offsetMs(): number {
  const raw = typeof process !== 'undefined' ? process.env[CLOCK_OFFSET_ENV] : undefined
  if (!raw) return 0
  const n = Number(raw)
  return Number.isFinite(n) ? n : 0
}

/** Milliseconds since the epoch, as the platform sees it. */
export function nowMs(): number {
  // eslint-disable-next-line no-restricted-properties -- the one place that reads the machine clock
  return Date.now() + offsetMs()
}

/** The current instant as a Date (for documents' createdAt, updatedAt …). */
export function nowDate(): Date {
  return new Date(nowMs())
}
