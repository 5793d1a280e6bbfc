// The pure rules of care (关怀): who is on whose list, each person's interval and state, the 联系不上 streak and its
// alert, and how long checks are kept. No database, storage or SDK: the function, the timer, the demo and the unit
// tests run them directly.
import type { CareCounts, CareResult, CareState, ResidentFlag, RoleGrant, VolunteerType } from '../../typings/api'
import { scopeCovers } from '../kernel/permissions'
import { inShanghai, shanghaiDay, startOfShanghaiDay } from '../kernel/time'
import { addDays } from '../kernel/dates'
import { onShift } from '../community/shifts'

/**
 * Hours between successful contacts: 24 for a person living alone (独居) or with limited mobility (行动不便), 48 for
 * anyone else on the list. A person with no successful contact within their interval is overdue.
 */
export const URGENT_HOURS = 24
export const NORMAL_HOURS = 48
export const URGENT_FLAGS: readonly ResidentFlag[] = ['alone', 'mobility']

/**
 * The flags a volunteer sees and looks after: who is old, alone or cannot get out. 慢性病 and 孕妇 are health data,
 * 婴幼儿 the family's: those people are followed by their leads (who see every flag, as the visibility policy
 * says), never shown to a volunteer.
 */
export const VOLUNTEER_FLAGS: readonly ResidentFlag[] = ['elderly', 'alone', 'mobility']

/** Volunteers who check on people: 楼栋 and 云上, for the buildings of their posts, within their shifts. */
export const CARE_VOLUNTEERS: readonly VolunteerType[] = ['building', 'online']

/** 联系不上 this many times in a row alerts the building lead and the committee (once per occurrence). */
export const UNREACHABLE_ALERT_STREAK = 2

/** Checks (with their notes) are deleted this many days after they were made (the consent text says so). */
export const CHECK_RETENTION_DAYS = 30

/** The morning push (each lead and volunteer on shift: how many of theirs are overdue) goes from this hour on. */
export const MORNING_FROM_HOUR = 8
export const MORNING_UNTIL_HOUR = 12

export const isSuccess = (r: CareResult): boolean => r === 'safe' || r === 'needs'

export function intervalHours(flags: readonly ResidentFlag[]): number {
  return flags.some((f) => URGENT_FLAGS.includes(f)) ? URGENT_HOURS : NORMAL_HOURS
}

/**
 * The Shanghai day of `now` as instants [from, to), remembered for the last `now` asked: a list or the overview asks
 * for hundreds of people at one instant, and a time-zone conversion each would be most of its time.
 */
let lastDay: { at: number; from: number; to: number } | undefined
function todayOf(now: Date): { from: number; to: number } {
  if (lastDay?.at !== now.getTime()) {
    const day = shanghaiDay(now)
    lastDay = {
      at: now.getTime(),
      from: startOfShanghaiDay(day).getTime(),
      to: startOfShanghaiDay(addDays(day, 1)).getTime(),
    }
  }
  return lastDay
}

/** What a person's status says on a day's list. */
export interface CareStanding {
  state: CareState
  contactedToday: boolean
  intervalHours: number
  dueAt: Date
}

/**
 * A person's standing at `now`: overdue when no successful contact in their interval (never contacted counts as
 * overdue: nobody knows how they are); done when successfully contacted today (Shanghai day); pending otherwise.
 */
export function standing(
  flags: readonly ResidentFlag[],
  status: { lastSuccessAt?: Date | string } | undefined,
  now: Date,
): CareStanding {
  const hours = intervalHours(flags)
  const last = status?.lastSuccessAt ? new Date(status.lastSuccessAt) : undefined
  const dueAt = last ? new Date(last.getTime() + hours * 3_600_000) : now
  const today = todayOf(now)
  const contactedToday = !!last && last.getTime() >= today.from && last.getTime() < today.to
  const overdue = !last || dueAt.getTime() <= now.getTime()
  return {
    state: overdue ? 'overdue' : contactedToday ? 'done' : 'pending',
    contactedToday,
    intervalHours: hours,
    dueAt,
  }
}

/** The streak after a check with this result. */
export const nextStreak = (streak: number, result: CareResult): number => (result === 'unreachable' ? streak + 1 : 0)

/** This check makes the streak reach the alert (a third or fourth 联系不上 does not alert again). */
export const alertsOn = (streakAfter: number): boolean => streakAfter === UNREACHABLE_ALERT_STREAK

const STATE_ORDER: Record<CareState, number> = { overdue: 0, pending: 1, done: 2 }

/** Overdue first, then not yet contacted, then done; within each by building order, then room. */
export function careOrder<T extends { state: CareState; buildingOrder: number; room: string }>(a: T, b: T): number {
  return (
    STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
    a.buildingOrder - b.buildingOrder ||
    a.room.localeCompare(b.room, 'zh-Hans-CN', { numeric: true })
  )
}

/** How the caller stands to a person on the list. `lead`: sees every flag; `volunteer`: VOLUNTEER_FLAGS only. */
export type CareRelation = 'committee' | 'lead' | 'rollup' | 'volunteer'

export interface CareTarget {
  communityId: string
  groupId: string
  buildingId: string
  floor: number
  householdId: string
}

const isCareVolunteer = (g: RoleGrant) =>
  g.role === 'volunteer' && !!g.volunteerType && CARE_VOLUNTEERS.includes(g.volunteerType)

/**
 * The widest relation the caller's grants give them to a person's household: committee; a building or floor lead
 * covering it; a 营长 or 团长 covering it; a 楼栋 / 云上 volunteer whose posts include its building and who is on
 * shift at `now` (`offShift` when only an off-shift post covers it). Undefined: not theirs.
 */
export function careRelation(
  grants: readonly RoleGrant[],
  target: CareTarget,
  now: Date,
): CareRelation | 'offShift' | undefined {
  const mine = grants.filter((g) => g.scope.communityId === target.communityId)
  if (mine.some((g) => g.role === 'committee')) return 'committee'
  if (mine.some((g) => (g.role === 'buildingLead' || g.role === 'floorLead') && scopeCovers(g.scope, target)))
    return 'lead'
  if (mine.some((g) => (g.role === 'groupLead' || g.role === 'communityLead') && scopeCovers(g.scope, target)))
    return 'rollup'
  const posted = mine.filter((g) => isCareVolunteer(g) && (g.posts ?? []).includes(target.buildingId))
  if (posted.some((g) => onShift(g.shifts, now))) return 'volunteer'
  return posted.length ? 'offShift' : undefined
}

/** The flags this relation shows, and whether the person belongs on that relation's list at all. */
export function flagsFor(relation: CareRelation, flags: readonly ResidentFlag[]): ResidentFlag[] {
  return relation === 'volunteer' ? flags.filter((f) => VOLUNTEER_FLAGS.includes(f)) : [...flags]
}

/** The buildings (and floors) a caller's own list covers: their lead grants and their on-shift care posts. */
export interface OwnScope {
  /** Whole buildings. */
  buildings: Set<string>
  /** Floors of buildings: `${buildingId}:${floor}`. */
  floors: Set<string>
  /** Care posts the caller has but is not on shift for now. */
  offShiftPosts: boolean
}

export function ownScope(grants: readonly RoleGrant[], communityId: string, now: Date): OwnScope {
  const out: OwnScope = { buildings: new Set(), floors: new Set(), offShiftPosts: false }
  for (const g of grants) {
    if (g.scope.communityId !== communityId) continue
    if (g.role === 'buildingLead' && g.scope.buildingId) out.buildings.add(g.scope.buildingId)
    else if (g.role === 'floorLead' && g.scope.buildingId && g.scope.floor !== undefined)
      out.floors.add(`${g.scope.buildingId}:${g.scope.floor}`)
    else if (isCareVolunteer(g) && g.posts?.length) {
      if (onShift(g.shifts, now)) for (const b of g.posts) out.buildings.add(b)
      else out.offShiftPosts = true
    }
  }
  return out
}

/** Counts of a set of people's standings (the overview's row, the list's header). */
export function countsOf(
  people: readonly { state: CareState; contactedToday: boolean; lastResult?: CareResult }[],
): CareCounts {
  return {
    people: people.length,
    checkedToday: people.filter((p) => p.contactedToday).length,
    overdue: people.filter((p) => p.state === 'overdue').length,
    unreachable: people.filter((p) => p.lastResult === 'unreachable').length,
  }
}

/** Whether a timer run at `now` is in the morning window of the overdue push. */
export function inMorningWindow(now: Date): boolean {
  const h = inShanghai(now).hour()
  return h >= MORNING_FROM_HOUR && h < MORNING_UNTIL_HOUR
}

/** When a check made at `at` is deleted. */
export const deleteAfterOf = (at: Date): Date => new Date(at.getTime() + CHECK_RETENTION_DAYS * 86_400_000)
