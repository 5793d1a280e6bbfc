// Calendar days and deadlines in Asia/Shanghai whatever the phone's zone (China has no daylight saving).
import { READ_TIME_MS } from '../../shared/constants'

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000
const MINUTE = 60 * 1000

const pad = (n: number) => String(n).padStart(2, '0')

/** The Shanghai calendar day and clock time of an instant: { date: 'YYYY-MM-DD', time: 'HH:MM' }. */
export function shanghaiParts(ms: number): { date: string; time: string } {
  const d = new Date(ms + SHANGHAI_OFFSET_MS)
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
  }
}

/** The instant (ISO) of a Shanghai day and clock time. */
export function shanghaiInstant(date: string, time: string): string {
  return new Date(`${date}T${time}:00+08:00`).toISOString()
}

/** Two hours from now, rounded up to the half hour, on the same Shanghai day (23:30 at the latest). */
export function defaultDeadline(now: number): { date: string; time: string } {
  const today = shanghaiParts(now).date
  const step = 30 * MINUTE
  const later = shanghaiParts(Math.ceil((now + 120 * MINUTE) / step) * step)
  return { date: today, time: later.date === today ? later.time : '23:30' }
}

/** Whole minutes left before a kit started at `startedAt` can be read; 0 when it can. */
export function minutesLeft(startedAt: string, now: number): number {
  const left = Date.parse(startedAt) + READ_TIME_MS - now
  return left > 0 ? Math.ceil(left / MINUTE) : 0
}

/** Photo taken before the read time (what the function reports as `early`). */
export function isEarly(startedAt: string | undefined, photoAt: string | undefined): boolean {
  if (!startedAt || !photoAt) return false
  return Date.parse(photoAt) - Date.parse(startedAt) < READ_TIME_MS
}
