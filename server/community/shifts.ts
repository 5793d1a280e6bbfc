// Volunteers' shifts (班次): daily hours in Shanghai time, optionally on some weekdays only. Posts (定岗: the
// buildings a volunteer covers) and shifts are stored together on the volunteer's role (RoleDoc); whoever plans
// work for volunteers asks `onShift` whether one can be reached at a given moment.
import { z } from 'zod'
import type { VolunteerShift } from '../../typings/api'
import { inShanghai } from '../kernel/time'

/** A volunteer has at most this many shifts. */
export const MAX_SHIFTS = 4

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/
const DAY_NAMES = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'] as const

/** Minutes after midnight of an 'HH:mm' time 00:00–23:59, or NaN. */
export function minutesOf(hhmm: string): number {
  const m = HHMM.exec(hhmm)
  return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN
}

/** The first thing wrong with a shift, in words a committee member reads; undefined when it is a valid shift. */
export function shiftProblem(s: VolunteerShift): string | undefined {
  if (Number.isNaN(minutesOf(s.from)) || Number.isNaN(minutesOf(s.to)))
    return '班次时间应写成 08:00 这样的时、分（00:00 到 23:59）'
  if (s.from === s.to) return '班次的开始和结束时间不能相同'
  if (s.days !== undefined) {
    if (s.days.length === 0) return '请至少选一天，每天都上班请不选星期'
    if (s.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) return '星期应为 1（周一）到 7（周日）'
    if (new Set(s.days).size !== s.days.length) return '同一天不能选两次'
  }
  return undefined
}

export const validShift = (s: VolunteerShift): boolean => shiftProblem(s) === undefined

/** Input schema for a volunteer's shifts: at most MAX_SHIFTS, each valid. */
export const shiftsSchema = z
  .array(
    z
      .object({
        from: z.string().max(5).describe('开始时间'),
        to: z.string().max(5).describe('结束时间'),
        days: z.array(z.number().int()).max(7).optional().describe('星期'),
      })
      .strict()
      .superRefine((s, ctx) => {
        const problem = shiftProblem(s)
        if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem })
      })
      .describe('班次'),
  )
  .max(MAX_SHIFTS)
  .describe('班次')

/** ISO weekday in Shanghai: 1 = Monday … 7 = Sunday. */
const weekday = (d: { day(): number }) => (d.day() === 0 ? 7 : d.day())

/**
 * Whether a volunteer is on shift at `at` (Shanghai time, which keeps no daylight saving). No shifts: on call at
 * any hour. `from` is inclusive, `to` exclusive. A shift whose `to` is earlier than its `from` runs past midnight,
 * its hours after midnight belonging to the day it started on: a Monday 22:00–06:00 shift covers Monday 23:00 and
 * Tuesday 03:00, not Monday 03:00.
 */
export function onShift(shifts: readonly VolunteerShift[] | undefined, at: Date): boolean {
  if (!shifts || shifts.length === 0) return true
  const t = inShanghai(at)
  const now = t.hour() * 60 + t.minute()
  const day = weekday(t)
  const dayBefore = day === 1 ? 7 : day - 1
  return shifts.some((s) => {
    const from = minutesOf(s.from)
    const to = minutesOf(s.to)
    if (Number.isNaN(from) || Number.isNaN(to) || from === to) return false
    const works = (d: number) => !s.days || s.days.length === 0 || s.days.includes(d)
    if (from < to) return works(day) && now >= from && now < to
    return (now >= from && works(day)) || (now < to && works(dayBefore))
  })
}

/** 「周一、周三」 for days, 「每天」 without; days in week order. */
function daysText(days: readonly number[] | undefined): string {
  if (!days || days.length === 0 || new Set(days).size === 7) return '每天'
  return [...new Set(days)]
    .sort((a, b) => a - b)
    .map((d) => DAY_NAMES[d] ?? '')
    .join('、')
}

/** One shift for a view: 「每天 08:00–12:00」, 「周一、周三 18:00–22:00」, 「每天 22:00–次日06:00」. */
export function shiftLine(s: VolunteerShift): string {
  const overnight = minutesOf(s.to) < minutesOf(s.from)
  return `${daysText(s.days)} ${s.from}–${overnight ? '次日' : ''}${s.to}`
}

/** A volunteer's shifts for a view, joined by 「；」; '' when none are set (on call at any hour). */
export function shiftText(shifts: readonly VolunteerShift[] | undefined): string {
  return (shifts ?? []).map(shiftLine).join('；')
}

/** Shifts as stored: days sorted, an every-day list dropped (absent means every day). */
export function normalShifts(shifts: readonly VolunteerShift[]): VolunteerShift[] {
  return shifts.map((s) => {
    const out: VolunteerShift = { from: s.from, to: s.to }
    if (s.days && s.days.length > 0 && s.days.length < 7) out.days = [...s.days].sort((a, b) => a - b)
    return out
  })
}

const DAY_MINUTES = 24 * 60

/**
 * Scheduled minutes on each weekday (index 0 = Monday … 6 = Sunday) from a volunteer's shifts, each minute counted
 * once however many shifts cover it. An overnight shift's hours fall on the days they are worked: a Monday
 * 22:00–06:00 shift is 2 h on Monday and 6 h on Tuesday (and a Sunday one runs into Monday). Undefined without
 * shifts: on call at any hour, no schedule to count.
 */
export function weekdayMinutes(shifts: readonly VolunteerShift[] | undefined): number[] | undefined {
  if (!shifts || shifts.length === 0) return undefined
  const covered = Array.from({ length: 7 }, () => new Uint8Array(DAY_MINUTES))
  for (const s of shifts) {
    const from = minutesOf(s.from)
    const to = minutesOf(s.to)
    if (Number.isNaN(from) || Number.isNaN(to) || from === to) continue
    const days = s.days && s.days.length ? s.days : [1, 2, 3, 4, 5, 6, 7]
    for (const d of days) {
      const day = covered[d - 1]
      const next = covered[d % 7]
      if (!day || !next) continue
      if (from < to) day.fill(1, from, to)
      else {
        day.fill(1, from, DAY_MINUTES)
        next.fill(1, 0, to)
      }
    }
  }
  return covered.map((day) => day.reduce((n, m) => n + m, 0))
}

/** Scheduled minutes on the Shanghai day of `at`; undefined without shifts. */
export function minutesOnDay(shifts: readonly VolunteerShift[] | undefined, at: Date): number | undefined {
  const week = weekdayMinutes(shifts)
  return week ? week[weekday(inShanghai(at)) - 1] : undefined
}

/** Hours a day above which a volunteer's load is highlighted (the brief: 8–9 hours fell to 1–2). */
export const HEAVY_DAY_HOURS = 8

// ---------- posts: a run of neighbouring buildings ----------

/** A building as posts are read against: its id, name and place in the community's building order. */
export interface PostBuilding {
  _id: string
  name: string
  order: number
}

/**
 * Why these posts are not a run of neighbouring buildings in the community's order (e.g. 3号–6号, each building
 * between the first and the last included), or undefined when they are. A volunteer covers a few buildings within a
 * short walk (定岗: about 20 m): the community's building order is how neighbours are told.
 */
export function postRunProblem(posts: readonly string[], inOrder: readonly PostBuilding[]): string | undefined {
  if (posts.length <= 1) return undefined
  const index = new Map(inOrder.map((b, i) => [b._id, i]))
  const at = posts.map((p) => index.get(p)).filter((i): i is number => i !== undefined)
  if (at.length !== posts.length) return undefined
  const lo = Math.min(...at)
  const hi = Math.max(...at)
  if (hi - lo + 1 === new Set(at).size) return undefined
  const missing = inOrder.slice(lo, hi + 1).filter((b) => !posts.includes(b._id))
  return `负责楼栋应是相邻的几栋楼（按小区的楼栋顺序），如 ${inOrder[lo]?.name ?? ''}–${inOrder[hi]?.name ?? ''}；中间缺了 ${missing
    .slice(0, 3)
    .map((b) => b.name)
    .join('、')}`
}

/** The buildings from one to another (either way round), inclusive, in the community's order. */
export function runBetween<T extends { id: string }>(inOrder: readonly T[], fromId: string, toId: string): T[] {
  const a = inOrder.findIndex((b) => b.id === fromId)
  const b = inOrder.findIndex((x) => x.id === toId)
  if (a < 0 || b < 0) return []
  return inOrder.slice(Math.min(a, b), Math.max(a, b) + 1)
}

/**
 * Posts for a view, in building order: 「3号–6号」 for a run of three or more neighbours (orders consecutive),
 * 「3号、4号」 otherwise.
 */
export function postsText(posts: readonly PostBuilding[]): string {
  const sorted = [...posts].sort((a, b) => a.order - b.order)
  const first = sorted[0]
  const last = sorted[sorted.length - 1]
  if (first && last && sorted.length >= 3 && last.order - first.order === sorted.length - 1)
    return `${first.name}–${last.name}`
  return sorted.map((b) => b.name).join('、')
}
