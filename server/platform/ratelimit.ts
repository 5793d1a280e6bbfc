// Limits on guessing: attempts counted per subject (an openid, an openid and an invite …) and fixed time window,
// atomically, in the `rateLimits` collection. One document per (kind, subject, window) with a deterministic id, so
// concurrent first attempts land on the same document; the housekeeping timer removes windows that have ended.
import { createHash } from 'node:crypto'
import { AppError, formatShanghai, isAppError, nowMs } from '../kernel'
import { data } from './cloud'

/** Windows are aligned to Shanghai time: a day window runs from midnight to midnight there. */
const SHANGHAI_OFFSET_MS = 8 * 3600_000

export interface RateLimit {
  /** Names the counter; stored, and part of each window's id. */
  kind: string
  /** Attempts that count (failures) allowed per window; the next one is refused until the window ends. */
  max: number
  windowMs: number
  /** What the refused caller is told, given when the window ends (「11月24日 11:00」). */
  message: (retryAt: string) => string
  /** The input field the refusal belongs to, for the page. */
  field?: string
}

/** One window of one counter. No openid or code is stored: the subject only enters the id's hash. */
export interface RateLimitDoc {
  _id: string
  kind: string
  /** Attempts counted (reserved and not given back) in this window. */
  count: number
  windowStart: Date
  /** The window's end: the document is useless afterwards and housekeeping removes it. */
  expiresAt: Date
}

/** The fixed window `at` falls in, as [start, end) in ms. */
export function rateWindow(windowMs: number, at: number = nowMs()): { start: number; end: number } {
  const start = at - ((((at + SHANGHAI_OFFSET_MS) % windowMs) + windowMs) % windowMs)
  return { start, end: start + windowMs }
}

export const rateLimitId = (kind: string, subject: string, windowStart: number) =>
  `rl_${createHash('sha256').update(`${kind}\u0000${subject}\u0000${windowStart}`).digest('hex').slice(0, 32)}`

/** Take one attempt of the window, or refuse with RATE_LIMITED when `max` are taken. Atomic under concurrency. */
async function reserve(limit: RateLimit, subject: string): Promise<string> {
  const { start, end } = rateWindow(limit.windowMs)
  const id = rateLimitId(limit.kind, subject, start)
  const take = () => data.updateWhere('rateLimits', { _id: id, count: data._.lt(limit.max) }, { count: data._.inc(1) })
  // A few rounds at most: each one that fails saw the window change under it (created, or an attempt given back).
  for (let round = 0; round < 5; round++) {
    if ((await take()) === 1) return id
    const existing = await data.get<RateLimitDoc>('rateLimits', id)
    if (existing) {
      if (existing.count >= limit.max) break
      continue
    }
    const doc: RateLimitDoc = {
      _id: id,
      kind: limit.kind,
      count: 1,
      windowStart: new Date(start),
      expiresAt: new Date(end),
    }
    try {
      await data.insert('rateLimits', doc)
      return id
    } catch (err) {
      // Another attempt created the window first (duplicate id): count this one on it in the next round.
      if (!(await data.get<RateLimitDoc>('rateLimits', id))) throw err
    }
  }
  throw new AppError('RATE_LIMITED', limit.message(formatShanghai(end, 'M月D日 HH:mm')), limit.field)
}

/** Give back an attempt that turned out not to count. Best effort: failing to do so only counts it. */
async function release(id: string): Promise<void> {
  await data.update('rateLimits', id, { count: data._.inc(-1) }).catch(() => 0)
}

/**
 * Run `attempt` under `limit` for `subject`: it holds one of the window's attempts while it runs (so a burst of
 * concurrent attempts cannot exceed the limit), keeps it when it fails with an error `counts` accepts, and gives it
 * back otherwise (success, or an error that is not a guess).
 */
export async function limited<T>(
  limit: RateLimit,
  subject: string,
  attempt: () => Promise<T>,
  counts: (err: AppError) => boolean,
): Promise<T> {
  const id = await reserve(limit, subject)
  try {
    const result = await attempt()
    await release(id)
    return result
  } catch (err) {
    if (!(isAppError(err) && counts(err))) await release(id)
    throw err
  }
}

/**
 * Run `write` under `limit` for `subject` where what counts is a write that succeeded (an application, a complaint:
 * what someone could repeat to flood others): it holds one of the window's attempts and keeps it on success, a
 * failure gives it back. Call it around the write alone, after every check, so that a refused call writes nothing.
 */
export async function counted<T>(limit: RateLimit, subject: string, write: () => Promise<T>): Promise<T> {
  const id = await reserve(limit, subject)
  try {
    return await write()
  } catch (err) {
    await release(id)
    throw err
  }
}

/** Remove windows that have ended (housekeeping); returns how many went. */
export async function deleteExpiredRateLimits(now: number = nowMs()): Promise<number> {
  return data.removeWhere('rateLimits', { expiresAt: data._.lte(new Date(now)) })
}
