// The needs' rules, pure (no database, storage or SDK): the time limits per type and urgency, the levels a need
// climbs and who stands at each, where a new need starts, the order of a queue, and the day's roll-up counts.
import type {
  NeedLevel,
  NeedRollupRow,
  NeedStatus,
  NeedType,
  NeedUrgency,
  RoleGrant,
  VolunteerShift,
} from '../../typings/api'
import type { NeedDoc } from './model'
import { onShift } from '../community/shifts'
import { sha256 } from '../community/ids'
import { NEED_LEVELS, NEED_STATUSES, NEED_TYPES } from '../../miniprogram/shared/needs'

const MIN = 60_000

/** A need's id: a hash of (household, the page's requestId), so a retried registration finds it. */
export const needId = (householdId: string, requestId: string) =>
  `nd_${sha256(`${householdId}\u0000${requestId}`).slice(0, 32)}`

/**
 * Minutes the current level has to take a need before it goes up a level (counted from when it reached the level).
 * The table in docs/needs.md is this one.
 */
export const RESPONSE_MINUTES: Readonly<Record<NeedType, Readonly<Record<NeedUrgency, number>>>> = {
  medical: { urgent: 5, soon: 15, normal: 30 },
  medicine: { urgent: 10, soon: 30, normal: 60 },
  psych: { urgent: 10, soon: 30, normal: 60 },
  gas: { urgent: 15, soon: 60, normal: 180 },
  groceries: { urgent: 30, soon: 120, normal: 240 },
  outing: { urgent: 15, soon: 60, normal: 120 },
  other: { urgent: 15, soon: 60, normal: 180 },
}

/** Minutes whoever took a need has to finish it before it is flagged overdue (counted from when it was taken). */
export const DONE_MINUTES: Readonly<Record<NeedType, Readonly<Record<NeedUrgency, number>>>> = {
  medical: { urgent: 60, soon: 180, normal: 480 },
  medicine: { urgent: 120, soon: 360, normal: 720 },
  psych: { urgent: 60, soon: 180, normal: 480 },
  gas: { urgent: 120, soon: 360, normal: 1440 },
  groceries: { urgent: 240, soon: 720, normal: 1440 },
  outing: { urgent: 60, soon: 240, normal: 720 },
  other: { urgent: 120, soon: 480, normal: 1440 },
}

export const OPEN_STATUSES: readonly NeedStatus[] = ['new', 'escalated']
export const LIVE_STATUSES: readonly NeedStatus[] = ['new', 'escalated', 'taken']

export const isOpen = (s: NeedStatus) => s === 'new' || s === 'escalated'
export const isClosed = (s: NeedStatus) => s === 'done' || s === 'cancelled'

export const responseDue = (n: Pick<NeedDoc, 'type' | 'urgency'>, from: Date): Date =>
  new Date(from.getTime() + RESPONSE_MINUTES[n.type][n.urgency] * MIN)

export const doneDue = (n: Pick<NeedDoc, 'type' | 'urgency'>, from: Date): Date =>
  new Date(from.getTime() + DONE_MINUTES[n.type][n.urgency] * MIN)

/** An urgent medical need alerts the committee the moment it is raised, whoever answers first. */
export const alertsCommittee = (n: Pick<NeedDoc, 'type' | 'urgency'>) => n.type === 'medical' && n.urgency === 'urgent'

export const levelRank = (l: NeedLevel) => NEED_LEVELS.indexOf(l)

/** The places a need is at, as the level checks read them. */
export interface NeedPlace {
  communityId: string
  groupId?: string
  buildingId: string
}

/** A role holder as the routing reads them: the grant and its holder's openid. */
export interface LevelRole {
  openid: string
  role: RoleGrant['role']
  scope: RoleGrant['scope']
  volunteerType?: RoleGrant['volunteerType']
  posts?: string[]
  shifts?: VolunteerShift[]
}

/**
 * The level a grant answers needs of this place at, or undefined: a 云上 volunteer whose posts include the building
 * and who is on shift at `at`; the building's 班长 (building lead); the 营's 营长; the community's 团长; the committee.
 */
export function levelOf(g: Omit<LevelRole, 'openid'>, place: NeedPlace, at: Date): NeedLevel | undefined {
  if (g.scope.communityId !== place.communityId) return undefined
  switch (g.role) {
    case 'volunteer':
      return g.volunteerType === 'online' && (g.posts ?? []).includes(place.buildingId) && onShift(g.shifts, at)
        ? 'online'
        : undefined
    case 'buildingLead':
      return g.scope.buildingId === place.buildingId && g.scope.floor === undefined ? 'building' : undefined
    case 'groupLead':
      return place.groupId !== undefined && g.scope.groupId === place.groupId ? 'group' : undefined
    case 'communityLead':
      return g.scope.groupId === undefined && g.scope.buildingId === undefined ? 'community' : undefined
    case 'committee':
      return 'committee'
    default:
      return undefined
  }
}

/** Every level the caller's grants give them at this place, lowest first. */
export function levelsOf(grants: readonly Omit<LevelRole, 'openid'>[], place: NeedPlace, at: Date): NeedLevel[] {
  const set = new Set<NeedLevel>()
  for (const g of grants) {
    const l = levelOf(g, place, at)
    if (l) set.add(l)
  }
  return NEED_LEVELS.filter((l) => set.has(l))
}

/** The caller's highest level at this place, or undefined. */
export function topLevel(
  grants: readonly Omit<LevelRole, 'openid'>[],
  place: NeedPlace,
  at: Date,
): NeedLevel | undefined {
  return levelsOf(grants, place, at).pop()
}

/** Who stands at each level for this place at `at` (openids, each once per level). */
export function peopleAtLevels(roles: readonly LevelRole[], place: NeedPlace, at: Date): Record<NeedLevel, string[]> {
  const out: Record<NeedLevel, string[]> = { online: [], building: [], group: [], community: [], committee: [] }
  for (const r of roles) {
    const l = levelOf(r, place, at)
    if (l && !out[l].includes(r.openid)) out[l].push(r.openid)
  }
  return out
}

/**
 * Where a new need starts: its building's 云上 volunteers on shift, else the first level above with anyone at it
 * (班长 at once when no 云上 volunteer is on shift), the committee in the end.
 */
export function startLevel(people: Record<NeedLevel, string[]>): NeedLevel {
  return NEED_LEVELS.find((l) => people[l].length > 0) ?? 'committee'
}

/**
 * The level an unanswered need goes up to: the next one above `from` with anyone at it (an empty level is skipped,
 * so no need waits out a limit where nobody can see it); the committee in the end. Undefined at the committee.
 */
export function nextLevel(from: NeedLevel, people: Record<NeedLevel, string[]>): NeedLevel | undefined {
  if (from === 'committee') return undefined
  const above = NEED_LEVELS.slice(levelRank(from) + 1)
  return above.find((l) => l === 'committee' || people[l].length > 0) ?? 'committee'
}

/** The level just above `from` with anyone at it: who hears that a taken need is overdue. */
export const levelAbove = nextLevel

/**
 * Whether a caller at `callerLevel` may take a need: an open one at or above its level; a taken one only from above
 * the level it was taken at (a take-over), never from the one who has it.
 */
export function mayTake(
  n: Pick<NeedDoc, 'status' | 'level'> & { taken?: { openid: string } },
  callerLevel: NeedLevel | undefined,
  openid: string,
): boolean {
  if (!callerLevel) return false
  if (isOpen(n.status)) return levelRank(callerLevel) >= levelRank(n.level)
  if (n.status === 'taken') return n.taken?.openid !== openid && levelRank(callerLevel) > levelRank(n.level)
  return false
}

const URGENCY_RANK: Record<NeedUrgency, number> = { urgent: 0, soon: 1, normal: 2 }

/** A queue's order: the most urgent first, then the oldest. */
export function queueOrder<T extends Pick<NeedDoc, 'urgency' | 'createdAt'>>(needs: readonly T[]): T[] {
  return [...needs].sort(
    (a, b) =>
      URGENCY_RANK[a.urgency] - URGENCY_RANK[b.urgency] ||
      new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime(),
  )
}

/** Taken, and past the time it should have been done by. */
export const isOverdue = (n: Pick<NeedDoc, 'status' | 'dueAt'>, now: Date) =>
  n.status === 'taken' && new Date(n.dueAt).getTime() <= now.getTime()

// ---------- the day's roll-up ----------

export function emptyRow(buildingId: string, name: string, groupName: string): NeedRollupRow {
  return {
    buildingId,
    name,
    groupName,
    byType: Object.fromEntries(NEED_TYPES.map((t) => [t, 0])) as Record<NeedType, number>,
    byStatus: Object.fromEntries(NEED_STATUSES.map((s) => [s, 0])) as Record<NeedStatus, number>,
    overdue: 0,
    total: 0,
  }
}

/**
 * A row per building in the order given (the community's building order), counting each need by type and by its
 * status now, and the total. Needs of buildings not listed are not counted.
 */
export function rollup(
  buildings: readonly { _id: string; name: string; groupName: string }[],
  needs: readonly Pick<NeedDoc, 'buildingId' | 'type' | 'status' | 'dueAt'>[],
  now: Date,
): { rows: NeedRollupRow[]; total: NeedRollupRow } {
  const rows = buildings.map((b) => emptyRow(b._id, b.name, b.groupName))
  const byId = new Map(rows.map((r) => [r.buildingId, r]))
  const total = emptyRow('', '合计', '')
  for (const n of needs) {
    const row = byId.get(n.buildingId)
    if (!row) continue
    for (const r of [row, total]) {
      r.byType[n.type]++
      r.byStatus[n.status]++
      r.total++
      if (isOverdue(n, now)) r.overdue++
    }
  }
  return { rows, total }
}

// ---------- retention ----------

/** Days after a need was done or cancelled before its personal content goes (settings.needRetentionDays). */
export const DEFAULT_NEED_RETENTION_DAYS = 30
export const NEED_RETENTION_BOUNDS = { min: 1, max: 90 } as const

export function needRetentionDaysOf(settings: { needRetentionDays?: number } | undefined): number {
  const set = settings?.needRetentionDays
  if (typeof set !== 'number' || !Number.isInteger(set)) return DEFAULT_NEED_RETENTION_DAYS
  return Math.min(NEED_RETENTION_BOUNDS.max, Math.max(NEED_RETENTION_BOUNDS.min, set))
}

/** Registrations one household may make per hour (a flood is refused with RATE_LIMITED). */
export const RAISES_PER_HOUR = 20
