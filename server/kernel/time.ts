import dayjs, { type Dayjs } from 'dayjs'
import utc from 'dayjs/plugin/utc'
import timezone from 'dayjs/plugin/timezone'
import { nowMs } from './clock'

dayjs.extend(utc)
dayjs.extend(timezone)

/** Cloud functions run in UTC; every date our users see or choose is in this zone. */
export const TIME_ZONE = 'Asia/Shanghai'

/** Now in Shanghai, from the kernel clock (`./clock`). */
export function now(): Dayjs {
  return dayjs(nowMs()).tz(TIME_ZONE)
}

export function inShanghai(value: Date | number | string): Dayjs {
  return dayjs(value).tz(TIME_ZONE)
}

/** Calendar day in Shanghai, e.g. '2026-11-24'. */
export function shanghaiDay(value: Date | number | string = nowMs()): string {
  return inShanghai(value).format('YYYY-MM-DD')
}

/** Start of a Shanghai calendar day given as 'YYYY-MM-DD', as an absolute instant. */
export function startOfShanghaiDay(day: string): Date {
  return dayjs.tz(day, TIME_ZONE).toDate()
}

export function formatShanghai(value: Date | number | string, pattern = 'YYYY-MM-DD HH:mm'): string {
  return inShanghai(value).format(pattern)
}

export { dayjs }
export type { Dayjs }
