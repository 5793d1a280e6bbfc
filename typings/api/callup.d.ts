/**
 * Testing call-up (线上叫号): buildings are called down to a sampling point in order, 「叫到哪栋哪栋动」.
 *
 * A session (检测场次: 「12月3日全员核酸」) has one or more sampling points (采样点), each with its buildings in the
 * community's building order; a sampling point has at most one open session at a time. The committee or 团长
 * starts and ends it; they and the point's 核酸 volunteers on shift call buildings: the next one, the next N, a
 * range by position (the 3rd to the 27th) or a single building. The residents and leads of the called buildings
 * are told by push 「请 3号–27号 楼居民下楼检测」, once per call. Per building: 待叫号 → 已叫号 → 检测中 (optional) →
 * 已完成, or 已跳过 (with a reason); a skipped or called building can be called again (重新叫号: pushed again).
 * No health data: only who called and marked what, and when.
 */

/** 待叫号 / 已叫号 / 检测中 / 已完成 / 已跳过 */
export type CallupState = 'waiting' | 'called' | 'testing' | 'done' | 'skipped'

/** 进行中 / 已结束 */
export type CallupSessionStatus = 'open' | 'ended'

export interface CallupPointInput {
  /** 「1号采样点（东门）」 */
  name: string
  /** Its buildings; absent on every point: the session's buildings split in order into equal runs. */
  buildingIds?: string[]
}

export interface CallupPointView {
  id: string
  name: string
  buildings: number
}

export interface CallupSessionView {
  id: string
  communityId: string
  name: string
  status: CallupSessionStatus
  points: CallupPointView[]
  buildings: number
  startedAt: string
  /** Who started it, as the caller may see them (masked unless committee). */
  startedBy: string
  endedAt?: string
  endedBy?: string
}

/** Who did a step, and when (names masked except to the committee). */
export interface CallupMark {
  at: string
  byName: string
}

export interface CallupBuildingView {
  buildingId: string
  name: string
  /** Position in the session (1 = first), the community's building order. */
  pos: number
  pointId: string
  state: CallupState
  /** The last call (a recall replaces it); absent while waiting. */
  called?: CallupMark
  /** How many times it was called (recalls included). */
  calls: number
  started?: CallupMark
  done?: CallupMark & { tested?: number }
  skipped?: CallupMark & { reason: string }
  /** Minutes from the last call to done (or to now while not done); absent while waiting or skipped. */
  waitedMinutes?: number
}

export interface CallupCounts {
  waiting: number
  called: number
  testing: number
  done: number
  skipped: number
}

export interface CallupQueueView {
  session: CallupSessionView
  /** The caller's view: every building of the session, or a 营长's buildings only. */
  buildings: CallupBuildingView[]
  counts: CallupCounts
  /** Per sampling point, the next waiting building (by position). */
  next: { pointId: string; buildingId: string; name: string; pos: number }[]
  /**
   * What the caller may do here: end (committee, 团长); call, skip, recall and mark at `pointIds` (every point for the
   * committee and 团长, the points a 核酸 volunteer works now). A building lead marks from their turn page.
   */
  can: { end: boolean; call: boolean; pointIds: string[]; mark: boolean }
  /** Server time of the view, for the page's 「已等 N 分钟」. */
  at: string
}

export interface CallupCallResult {
  callId: string
  /** 「3号–27号」, or the names when they are not contiguous numbers. */
  label: string
  buildingIds: string[]
  /** Asked for but already called by someone else (or not waiting): their names. */
  skippedNames: string[]
  /** Messages queued for this call (residents and leads). */
  queued: number
  queue: CallupQueueView
}

/** A resident's or lead's building in an open session. */
export interface CallupTurnView {
  sessionId: string
  sessionName: string
  pointName: string
  buildingId: string
  buildingName: string
  state: CallupState
  /** Waiting buildings of the point before this one. */
  ahead: number
  /** 「还没叫到您楼，前面还有 5 栋」 / 「已叫到，请下楼」 … */
  message: string
  calledAt?: string
  /** Why it was skipped. */
  reason?: string
  /** The caller leads this building: may mark it done. */
  lead: boolean
}

export interface CallupApi {
  startSession: {
    input: { communityId: string; requestId: string; name: string; points: CallupPointInput[]; buildingIds?: string[] }
    output: CallupQueueView
  }
  endSession: { input: { sessionId: string }; output: CallupSessionView }
  /** Open sessions first, then the last ended ones. */
  listSessions: { input: { communityId: string }; output: CallupSessionView[] }
  queue: { input: { sessionId: string }; output: CallupQueueView }
  /** Exactly one of: `count` (the next N of `pointId`), `from`–`to` (positions), `buildingId`. */
  call: {
    input: {
      sessionId: string
      requestId: string
      pointId?: string
      count?: number
      from?: number
      to?: number
      buildingId?: string
    }
    output: CallupCallResult
  }
  /** Call again a building skipped or called but not done: pushed again. */
  recall: { input: { sessionId: string; requestId: string; buildingId: string }; output: CallupCallResult }
  skip: { input: { sessionId: string; buildingId: string; reason: string }; output: CallupBuildingView }
  /** 检测中 (optional) or 已完成, with the number of people tested if known. */
  mark: {
    input: { sessionId: string; buildingId: string; state: 'testing' | 'done'; tested?: number }
    output: CallupBuildingView
  }
  /** The caller's buildings (households and leads) in open sessions. */
  myTurn: { input: Record<string, never>; output: CallupTurnView[] }
}
