// Documents of needs (需求登记) as stored; views sent to clients are in typings/api/needs.d.ts.
//
// One `needs` document per need. Other features read it (the 民生底账 show the needs of their matching type, the care
// check list shows a flagged resident's open needs): the fields below are the shared shape; a field may be added,
// none renamed or removed without those readers.
import type { NeedLevel, NeedStatus, NeedType, NeedUrgency, Role } from '../../typings/api'

/** Who did something and when (the name as the ledger or grant knew it then). */
export interface NeedStepDoc {
  at: Date
  openid: string
  role: Role
  name: string
}

/** One step of a need's history (views mask the names). */
export interface NeedHistoryDoc {
  kind: 'raised' | 'taken' | 'takenOver' | 'escalated' | 'overdue' | 'done' | 'cancelled'
  at: Date
  level?: NeedLevel
  /** Who, for people's steps (absent for the timer's). */
  openid?: string
  name?: string
  note?: string
}

export interface NeedDoc {
  /** `nd_` + hash of (household, requestId): a retried registration finds it. */
  _id: string
  communityId: string
  groupId?: string
  buildingId: string
  householdId: string
  /** 「1号-101」, as the building and room were named when it was raised (for notices and lists). */
  label: string
  /** For whom, when a member of the household (absent: the household as a whole). */
  memberId?: string
  type: NeedType
  urgency: NeedUrgency
  status: NeedStatus
  /** Who must answer it now. */
  level: NeedLevel
  /** What is needed, in the resident's words. */
  detail: string
  /** 买药: the drugs' names and a photo of the box or prescription (a file id in the community's folder). */
  medicine?: { names: string[]; photo?: string }
  /** 外出: why and when. */
  outing?: { reason: string; at: Date }
  /** Who registered it: the resident, a lead or a family member for them. */
  raised: NeedStepDoc
  taken?: NeedStepDoc
  done?: NeedStepDoc & { note?: string }
  cancelled?: NeedStepDoc & { reason?: string }
  /** When the current level's time limit runs out (escalation timer). */
  dueAt: Date
  escalations: { level: NeedLevel; at: Date }[]
  createdAt: Date
  updatedAt: Date
  /** The page's id of the registration (idempotent retries). */
  requestId: string
  /** Every step, oldest first: raised, taken, escalated, overdue, done, cancelled. */
  history: NeedHistoryDoc[]
  /** When it was done or cancelled: its retention period counts from here. */
  closedAt?: Date
  /** Taken and not done within its limit: flagged (and the level above told) once. */
  overdueAt?: Date
  /**
   * Set when the need's personal content went (server/needs/retention.ts: settings.needRetentionDays after it was
   * done or cancelled; a person's or the community's deletion): detail, drugs and photo, the outing's reason, notes
   * and the names in its steps. Type, status, building, household and dates stay for the counts and the ledgers.
   */
  reducedAt?: Date
}
