/**
 * Special-population care (关怀) and volunteers' hours (定岗定责).
 *
 * Leads and volunteers check on the flagged residents of their scope (60岁以上, 独居, 行动不便 …): a daily list with
 * who was contacted today, who is overdue (no successful contact within the person's interval: 24 h for 独居 or
 * 行动不便, 48 h for the others, server/care/rules.ts), their open needs and last contact; a check records how (电话 /
 * 上门 / 微信) and the result (平安 / 有需要 / 联系不上), once per `requestId`. The committee sees the community's
 * overview per building and the volunteers' hours per day.
 */
import type { NeedStatus, NeedType } from './needs'
import type { ResidentFlag, VolunteerType } from './community'

/** 电话 / 上门 / 微信 */
export type CareHow = 'phone' | 'visit' | 'wechat'

/** 平安 / 有需要 / 联系不上 */
export type CareResult = 'safe' | 'needs' | 'unreachable'

/** On the list: 今日已联系 / 未联系 / 逾期 (no successful contact within the person's interval). */
export type CareState = 'done' | 'pending' | 'overdue'

/** One check as its reader may see it. */
export interface CareCheckView {
  id: string
  /** ISO instant. */
  at: string
  how: CareHow
  result: CareResult
  /** Who made it, as the reader may see them (masked outside the committee). */
  byName: string
  /** The note: to leads and above, and to its author. */
  note?: string
}

export interface CarePersonView {
  householdId: string
  memberId: string
  buildingId: string
  buildingName: string
  room: string
  /** 「3号-201」 */
  label: string
  /** As the visibility policy lets the caller see it. */
  name: string
  /** The flags the caller may see (volunteers: 60岁以上, 独居, 行动不便 only). */
  flags: ResidentFlag[]
  state: CareState
  /** A successful contact (平安 / 有需要) today, Shanghai day. */
  contactedToday: boolean
  /** Hours between successful contacts this person needs. */
  intervalHours: number
  /** ISO instant the next contact is due by (past when overdue). */
  dueAt: string
  last?: CareCheckView
  /** 联系不上 results in a row since the last successful contact. */
  unreachableStreak: number
  /** Open needs (待接单 / 已接单 / 已上报) of the person or their household. */
  openNeeds: { id: string; type: NeedType; status: NeedStatus }[]
  /** A masked number the caller may reveal to dial (community revealPhone, reason care). */
  revealable: boolean
}

export interface CareCounts {
  people: number
  checkedToday: number
  overdue: number
  /** Whose last check was 联系不上. */
  unreachable: number
}

export interface CareListView {
  communityId: string
  /** Shanghai day 'YYYY-MM-DD' the list is for. */
  day: string
  /** Overdue first, then not yet contacted, then done; each in building and room order. */
  people: CarePersonView[]
  counts: CareCounts
  /**
   * A volunteer outside their shifts sees nobody (no task reaches a volunteer outside their hours): the page says so
   * with their shifts.
   */
  offShift?: { shifts: string }
  /** More people than one answer carries: the page asks for one building at a time. */
  truncated?: boolean
}

export interface CareOverviewBuilding extends CareCounts {
  buildingId: string
  name: string
}

export interface CareOverviewView {
  communityId: string
  day: string
  /** In the community's building order; buildings without flagged residents are left out. */
  buildings: CareOverviewBuilding[]
  totals: CareCounts
}

export interface CareHistoryView {
  person: Omit<CarePersonView, 'openNeeds'>
  /** Newest first. */
  checks: CareCheckView[]
  /** ISO instant to pass as `before` for older checks; absent at the end. */
  more?: string
}

export interface CareRecordResult {
  check: CareCheckView
  /** The person as the list now shows them. */
  person: CarePersonView
  /** This check made a second 联系不上 in a row: the building lead and the committee were told. */
  alerted: boolean
}

/** A volunteer's day: scheduled hours from their shifts, and what the records say they did. */
export interface VolunteerHoursView {
  roleId: string
  name: string
  volunteerType: VolunteerType
  /** Posts' buildings in the community's order, 「3号、4号、5号」. */
  posts: string
  /** 「每天 08:00–12:00」; '' without shifts. */
  shifts: string
  /** Scheduled hours on each weekday, Monday first (7 numbers); null without shifts (on call at any hour). */
  weekdayHours: number[] | null
  /** Scheduled hours today (Shanghai day, overnight shifts counted on the days their hours fall on). */
  todayHours: number | null
  /** Today's records: bags delivered, care checks made, needs taken or done. */
  today: { deliveries: number; careChecks: number; needs: number; firstAt?: string; lastAt?: string }
  /** Scheduled over the threshold on some day (or today's records span longer). */
  over: boolean
}

export interface VolunteerHoursPage {
  communityId: string
  day: string
  /** Hours a day above which a volunteer is highlighted. */
  thresholdHours: number
  /** Over the threshold first, then by type and name. */
  volunteers: VolunteerHoursView[]
}

export interface CareApi {
  /**
   * The caller's check list: a floor lead's floor, a building lead's building, a 楼栋 / 云上 volunteer's posts
   * (only on shift); with `buildingId`, one building the caller's scope covers (营长, 团长, committee too).
   */
  careList: { input: { communityId: string; buildingId?: string }; output: CareListView }
  /** Record one check; the same `requestId` again returns the first and writes nothing. */
  recordCheck: {
    input: {
      householdId: string
      memberId: string
      how: CareHow
      result: CareResult
      note?: string
      requestId: string
    }
    output: CareRecordResult
  }
  /** A person's checks, newest first, 30 at a time (`before`: an ISO instant from `more`). */
  careHistory: { input: { householdId: string; memberId: string; before?: string }; output: CareHistoryView }
  /** Per building: flagged people, checked today, overdue, 联系不上 (committee and 团长: all; 营长: their 营). */
  careOverview: { input: { communityId: string }; output: CareOverviewView }
  /** Every volunteer's hours per day (committee and 团长). */
  volunteerHours: { input: { communityId: string }; output: VolunteerHoursPage }
}
