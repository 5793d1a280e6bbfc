// Dates and times that actions take as input. A value must be a real day or instant (not merely the right shape:
// 2099-13-45 matches \d{4}-\d{2}-\d{2} but is no day), read in Asia/Shanghai, within years the product can mean.
import { z } from 'zod'
import { nowMs } from './clock'
import { shanghaiDay } from './time'

export const MIN_YEAR = 2000
export const MAX_YEAR = 2100

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/

/** A real calendar day written YYYY-MM-DD (leap years included) between MIN_YEAR and MAX_YEAR. */
export function isCalendarDay(value: string): boolean {
  const m = DAY_RE.exec(value)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (y < MIN_YEAR || y > MAX_YEAR || mo < 1 || mo > 12 || d < 1) return false
  const t = new Date(Date.UTC(y, mo - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d
}

/** The calendar day `n` days after `day` (both YYYY-MM-DD; calendar arithmetic, no time zone involved). */
export function addDays(day: string, n: number): string {
  const m = DAY_RE.exec(day)
  if (!m) throw new RangeError(`not a day: ${day.slice(0, 20)}`)
  const t = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + n))
  return t.toISOString().slice(0, 10)
}

/** Today in Shanghai, from the kernel clock. */
export const today = (): string => shanghaiDay(nowMs())

/** Input schema: a calendar day such as 2026-11-24. */
export function calendarDay(label: string) {
  return z
    .string()
    .max(10)
    .refine(isCalendarDay, { message: `「${label}」应为真实的日期，如 2026-11-24` })
    .describe(label)
}

/** An ISO 8601 instant with its offset (Z or +08:00) that names a real time between MIN_YEAR and MAX_YEAR. */
export function isInstant(value: string): boolean {
  if (!z.string().datetime({ offset: true }).safeParse(value).success) return false
  const year = new Date(Date.parse(value)).getUTCFullYear()
  return year >= MIN_YEAR && year <= MAX_YEAR
}

/** Input schema: an instant such as 2026-11-24T12:00:00+08:00. */
export function instant(label: string) {
  return z
    .string()
    .max(40)
    .refine(isInstant, { message: `「${label}」应为真实的时间，如 2026-11-24T12:00:00+08:00` })
    .describe(label)
}
