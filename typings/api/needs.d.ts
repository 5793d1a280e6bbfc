/**
 * Needs (需求登记): a resident's request, routed to their building's 云上 volunteer and escalated 班长 → 营长 → 团长 →
 * 居委 when nobody answers in time. The shared vocabulary is here; the actions (NeedsApi) are added below it.
 */

import type { ExportFile } from './sheets'

/** 买药 / 就医 / 买菜 / 燃气充值 / 外出 / 心理疏导 / 其他 */
export type NeedType = 'medicine' | 'medical' | 'groceries' | 'gas' | 'outing' | 'psych' | 'other'

/** 紧急 / 较急 / 一般 */
export type NeedUrgency = 'urgent' | 'soon' | 'normal'

/**
 * 待接单 / 已接单 / 已办结 / 已上报 (escalated: nobody answered in time, it moved up a level and is still open) /
 * 已取消
 */
export type NeedStatus = 'new' | 'taken' | 'done' | 'escalated' | 'cancelled'

/** Who must answer it now: the building's 云上 volunteer, then 班长 (building lead), 营长, 团长, 居委. */
export type NeedLevel = 'online' | 'building' | 'group' | 'community' | 'committee'

// ---------- views ----------

/** One step of a need's history, as the caller may see it (names masked outside the committee). */
export interface NeedStepView {
  /** raised 登记 / taken 接单 / takenOver 转由上级处理 / escalated 超时上报 / overdue 办理超时 / done 办结 / cancelled 取消 */
  kind: 'raised' | 'taken' | 'takenOver' | 'escalated' | 'overdue' | 'done' | 'cancelled'
  /** ISO instant. */
  at: string
  /** The level the step put the need at (escalated, taken). */
  level?: NeedLevel
  /** Who (masked outside the committee); absent for the timer's steps. */
  by?: string
  /** A note (done) or reason (cancelled). */
  note?: string
}

export interface NeedView {
  id: string
  communityId: string
  buildingId: string
  householdId: string
  /** 「1号-101」 */
  label: string
  /** For whom: the member's name as the caller may see it; absent for the household as a whole. */
  member?: string
  memberId?: string
  type: NeedType
  urgency: NeedUrgency
  status: NeedStatus
  level: NeedLevel
  detail: string
  medicine?: { names: string[]; hasPhoto: boolean; photoUrl?: string }
  outing?: { reason: string; at: string }
  /** ISO instants. */
  createdAt: string
  /** When the current level's limit runs out (open), or when the taker should be done (taken). */
  dueAt: string
  /** Taken and past its time to be done. */
  overdue: boolean
  /** Who has it now (masked outside the committee) and as which role. */
  takenBy?: string
  /** The caller is the one who has it. */
  mine: boolean
  /** The caller may take it (or take it over, above the current level). */
  canTake: boolean
  /** The caller may cancel it (who raised it, or the household). */
  canCancel: boolean
  /** The caller has it and may reveal the household's number to call (logged). */
  canCall: boolean
  history: NeedStepView[]
}

export interface NeedQueueView {
  /** The caller's levels in the community, lowest first (a 云上 volunteer on shift: online). */
  levels: NeedLevel[]
  /** Open needs waiting at the caller's levels in their scope, most urgent and oldest first. */
  waiting: NeedView[]
  /** Needs the caller has taken and not finished. */
  mine: NeedView[]
  /** The caller is a 云上 volunteer whose shift is not now (the queue is empty until it starts). */
  offShift: boolean
}

/** Counts of one building (or the total) for a Shanghai day's needs. */
export interface NeedRollupRow {
  buildingId: string
  /** 「12号」; 「合计」 for the total. */
  name: string
  groupName: string
  byType: Record<NeedType, number>
  byStatus: Record<NeedStatus, number>
  /** Taken and past its time to be done, now. */
  overdue: number
  total: number
}

export interface NeedRollupView {
  communityId: string
  /** 'YYYY-MM-DD' (Shanghai). */
  day: string
  /** The buildings the caller rolls up, in the community's building order. */
  rows: NeedRollupRow[]
  total: NeedRollupRow
  /** The caller may export the community's table (团长, committee). */
  canExport: boolean
}

export interface RaiseNeedInput {
  householdId: string
  memberId?: string
  type: NeedType
  urgency: NeedUrgency
  detail: string
  medicine?: { names: string[]; photo?: string }
  outing?: { reason: string; at: string }
  /** The page's id for this registration: a retry returns the same need. */
  requestId: string
}

export interface NeedsApi {
  /**
   * Register a need for a household or one of its members: the household's resident, a 代管 family member, or a lead
   * of it (building or floor lead). Routed to the building's 云上 volunteers on shift, else to its 班长.
   */
  raiseNeed: { input: RaiseNeedInput; output: NeedView }
  /** A household's needs, newest first (its residents, 代管, its leads). */
  householdNeeds: { input: { householdId: string }; output: { needs: NeedView[] } }
  /** One need with its history (the household, and whoever may take or has it). */
  getNeed: { input: { needId: string }; output: NeedView }
  /** Cancel an open or taken need, with a reason (who raised it, or the household). */
  cancelNeed: { input: { needId: string; reason: string }; output: NeedView }
  /** The caller's queue: open needs at their levels and scope, and those they have. */
  needQueue: { input: { communityId: string }; output: NeedQueueView }
  /** Take a need (at or above its level), or take it over from someone below. */
  takeNeed: { input: { needId: string }; output: NeedView }
  /** The one who has it marks it done, with a note. */
  finishNeed: { input: { needId: string; note?: string }; output: NeedView }
  /** The one who has it reveals the household's number to call (the logged reveal-to-dial, reason 需求回访). */
  callNeed: {
    input: { needId: string; memberId?: string }
    output: { phone: string; remainingToday: number }
  }
  /** A Shanghai day's needs counted by building, type and status: 营长 their 营, 团长 and the committee all. */
  needRollup: { input: { communityId: string; day: string }; output: NeedRollupView }
}

/** The `sheets` function's part: the roll-up as an .xlsx (团长, committee). */
export interface NeedsSheetsApi {
  exportNeeds: { input: { communityId: string; day: string }; output: ExportFile }
}
