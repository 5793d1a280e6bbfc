/** Antigen rounds by 接龙: opening, household submissions, building chains, confirmation, roll-up tables. */

/** 阴性 / 异常(阳性) / 无效 / 未测 */
export type AntigenResult = 'negative' | 'positive' | 'invalid' | 'untested'

export type RoundStatus = 'open' | 'closed'

export interface RoundView {
  id: string
  communityId: string
  /** Shanghai calendar day, 'YYYY-MM-DD'. */
  date: string
  /** ISO instant. */
  deadline: string
  notice: string
  status: RoundStatus
  /** Buildings in scope; all buildings of the community when `allBuildings`. */
  allBuildings: boolean
  buildingCount: number
  openedAt: string
  closedAt?: string
}

export interface MemberResultInput {
  memberId: string
  result: AntigenResult
  /** Required for 未测 (why not tested) and allowed otherwise. */
  reason?: string
  /** Photo of the kit: required unless 未测. A cloud fileID under antigen/<roundId>/<householdId>/. */
  photo?: string
  /** Bytes of the uploaded (compressed) photo, as the client measured it. */
  photoSize?: number
  /** In-app 15-minute timer: when the test was started and when the photo was taken (ISO). */
  startedAt?: string
  photoAt?: string
}

export interface MemberResultView {
  memberId: string
  /** Full for the household and leads and above; masked otherwise. */
  name: string
  result?: AntigenResult
  reason?: string
  /** Leads and above (and the household itself): a temporary URL of the photo. */
  photoUrl?: string
  startedAt?: string
  photoAt?: string
  /** Photo taken before the 15-minute read time after the start. */
  early?: boolean
}

/** One row of a building's chain (接龙). */
export interface ChainEntryView {
  no: number
  householdId: string
  /** The household's floor (entries and missing rooms are grouped by floor in a high-rise). */
  floor: number
  /** 「3-201 张*明」 */
  label: string
  submittedAt: string
  /** Submitted for the household by a lead or family member (代报). */
  proxy: boolean
  /** Leads of this household and above, and the household itself: results per member, photos, flag. */
  members?: MemberResultView[]
  abnormal?: boolean
  flagged?: { reason: string; at: string }
}

export interface ChainView {
  round: RoundView
  building: { id: string; name: string }
  entries: ChainEntryView[]
  /** Households that have not submitted, by floor and room (masked names). */
  missing: { householdId: string; label: string; floor: number; linked: boolean }[]
  confirmed: boolean
  confirmedAt?: string
  /** Confirmed with floors not confirmed by their 层长: the lead's reason. */
  confirmReason?: string
  /**
   * Floors of the building with households, in order: whether each has a 层长 who confirms it (`toConfirm`) and
   * whether it is confirmed. A change on a confirmed floor reopens that floor and the building.
   */
  floors: ChainFloorView[]
  /**
   * Chain numbers whose entries were deleted (a household's data deletion, or the whole round's names after the
   * retention period): still counted in the building's numbers, nothing else kept. Absent when none.
   */
  deleted?: number[]
  /** The round's names and per-member results were reduced to counts after the retention period. */
  reduced?: boolean
  /**
   * The caller leads (part of) the building: entries in their scope carry results and photos (`members`), the
   * others only their label. A floor lead's scope is their floor.
   */
  detailed: boolean
}

export interface ChainFloorView {
  floor: number
  /** Households of the floor (应报) and how many have submitted. */
  expected: number
  submitted: number
  /** The floor had a 层长 when the round opened: the building waits for their confirmation. */
  toConfirm: boolean
  confirmed: boolean
  confirmedAt?: string
}

export interface TableRow {
  buildingId: string
  /** 楼道号 */
  name: string
  groupId: string
  groupName: string
  /** 应报户数 / 已报户数 / 实际人数 / 阴性 / 异常 / 无效 / 未测 / 未报 */
  expected: number
  submitted: number
  people: number
  negative: number
  positive: number
  invalid: number
  untested: number
  missing: number
  /** 已确认 */
  confirmed: boolean
  /** Floors with a 层长 (to confirm before the building) and how many of them are confirmed; absent for none. */
  floors?: { toConfirm: number; confirmed: number }
}

export type Totals = Omit<TableRow, 'buildingId' | 'name' | 'groupId' | 'groupName' | 'confirmed'> & {
  confirmed: number
  buildings: number
}

export interface RoundTable {
  round: RoundView
  /** Buildings with an abnormal result first, then in natural order. */
  rows: TableRow[]
  groups: (Totals & { groupId: string; groupName: string })[]
  /** Subtotals per 片区 (the 团 level between 营 and the community), when the community has zones. */
  zones: (Totals & { zoneId: string; zoneName: string })[]
  total: Totals
  /** What the caller's scope covers: 'building' (lead), 'group' (营长), 'community'. */
  scope: 'building' | 'group' | 'community'
}

export interface MySubmissionView {
  round: RoundView
  householdId: string
  label: string
  members: MemberResultView[]
  submitted: boolean
  no?: number
  /** The building was confirmed: changes go through the lead. */
  locked: boolean
}

/** A number to call: masked (138****5678) except for the committee; revealPhone reveals it to dial. */
export interface CallContact {
  memberId: string
  name: string
  phone: string
  /** The phone is masked and the caller may reveal it (revealPhone). */
  revealable?: boolean
}

export interface RemindResult {
  /** Households whose WeChat members got a reminder. */
  pushed: number
  /** Households to call: no WeChat member or no subscription. Members without a number are left out. */
  callList: { householdId: string; label: string; floor: number; contacts: CallContact[] }[]
  /**
   * Set when no reminder could be pushed to anyone because the deployment is not configured for it (the reminder
   * template id is not filled in): what to tell the lead. Everyone is then on the call list, not because they
   * refused.
   */
  notConfigured?: string
}

// ---------- abnormal follow-ups ----------

/** 未处理 (nobody acknowledged yet) / 已知晓 (a lead acknowledged, not closed) / 已结案. */
export type FollowUpStatus = 'open' | 'acknowledged' | 'closed'

/** 复核阴性 / 居家隔离 / 转运 / 送医 / 其他 */
export type FollowUpOutcome = 'retestNegative' | 'homeIsolation' | 'transferred' | 'hospital' | 'other'

export interface FollowUpContactView {
  /** Who recorded it: their role and masked name (「楼组长 张*明」), empty when they are no longer known. */
  by: string
  at: string
  note: string
}

/** One abnormal household of one round, from its abnormal result until a lead closes it with an outcome. */
export interface FollowUpView {
  id: string
  roundId: string
  /** The round's day, 'YYYY-MM-DD'. */
  roundDate: string
  buildingId: string
  householdId: string
  floor: number
  /** 「3-201 张*明」 */
  label: string
  status: FollowUpStatus
  /** When the abnormal result was submitted. */
  openedAt: string
  acknowledgedAt?: string
  /** Who acknowledged, as `FollowUpContactView.by`. */
  acknowledgedBy?: string
  /** Oldest first; at most 50. */
  contacts: FollowUpContactView[]
  outcome?: FollowUpOutcome
  outcomeNote?: string
  closedAt?: string
  closedBy?: string
  /** Nobody acknowledged it in the community's set time: the committee was told. */
  escalated: boolean
  escalatedAt?: string
  /** The members' results, only when the visibility policy lets the caller see the household's results. */
  members?: MemberResultView[]
}

export interface FollowUpList {
  /** Not closed first, then closed; oldest abnormal result first within each. */
  items: FollowUpView[]
  /** Pass as `cursor` for the next page; absent on the last one. */
  next?: string
}

type Empty = Record<string, never>

export interface AntigenApi {
  openRound: {
    input: {
      communityId: string
      date: string
      deadline: string
      notice: string
      buildingIds?: string[]
      /** The page's id for this request (8–40 of A–Z a–z 0–9 _ -): a retry or a second tap opens nothing new. */
      requestId?: string
    }
    output: RoundView
  }
  closeRound: { input: { roundId: string }; output: RoundView }
  listRounds: { input: { communityId: string; limit?: number }; output: RoundView[] }
  /** Open rounds for the caller's households, with their submission state. */
  myRounds: { input: Empty; output: MySubmissionView[] }
  submit: {
    input: { roundId: string; householdId: string; members: MemberResultInput[] }
    output: MySubmissionView
  }
  chain: { input: { roundId: string; buildingId: string }; output: ChainView }
  flag: { input: { roundId: string; householdId: string; reason: string }; output: ChainEntryView }
  /**
   * The building lead (or committee) confirms the building. Floors with a 层长 must be confirmed first, or `reason`
   * says why one is not (FLOORS_UNCONFIRMED otherwise).
   */
  confirm: { input: { roundId: string; buildingId: string; reason?: string }; output: ChainView }
  /** A 层长 confirms their floor (the building lead or committee may confirm any floor). */
  confirmFloor: { input: { roundId: string; buildingId: string; floor: number }; output: ChainView }
  table: { input: { roundId: string }; output: RoundTable }
  // The table as a spreadsheet: the `sheets` function's exportTable (typings/api/sheets.d.ts).
  remind: { input: { roundId: string; buildingId: string }; output: RemindResult }
  subscribeRounds: { input: { communityId: string }; output: { subscribed: boolean } }
  /**
   * Follow-ups of abnormal households in the caller's scope (building / floor lead: their building / floor, 营长
   * their 营, 团长 and the committee the community); `status` 'open' (default) leaves out the closed ones.
   */
  followUps: {
    input: { communityId: string; status?: 'open' | 'all'; roundId?: string; limit?: number; cursor?: string }
    output: FollowUpList
  }
  /** A lead of the household's building (floor lead: their floor) or the committee has seen it; safe to repeat. */
  acknowledgeFollowUp: { input: { id: string }; output: FollowUpView }
  /**
   * Record a contact (at most 50) and/or the outcome; `close` needs an outcome (given now or before). Recording
   * acknowledges it too.
   */
  recordFollowUp: {
    input: {
      id: string
      contact?: { note: string }
      outcome?: FollowUpOutcome
      outcomeNote?: string
      close?: boolean
    }
    output: FollowUpView
  }
}
