// The community's documents as stored in the database (structure, households, roles, invites, join requests,
// consents). Views sent to clients are in typings/api; these never leave the server.
import type {
  ConsentKind,
  JoinStatus,
  ResidentFlag,
  RevealReason,
  Role,
  Scope,
  VolunteerShift,
  VolunteerType,
} from '../../typings/api'

export interface CommunityDoc {
  _id: string
  name: string
  /** District or street the community belongs to (for a deployment serving many communities). */
  district?: string
  settings: {
    /** Buildings per 营 when groups are formed automatically. */
    groupSize: number
    /** Days after a round closes before its kit photos are deleted (default 14; never after the results). */
    photoRetentionDays?: number
    /**
     * Days after a round closes before its per-member results (names, results, timer times, flags' reasons) are
     * reduced to the building's counts (default 30). See server/community/settings.ts.
     */
    resultRetentionDays?: number
    /** Days after the committee closes the community before every person's data is deleted (default 30). */
    closingDeletionDays?: number
    /**
     * Days after a group buy ends (closed, failed or cancelled) before its orders' personal fields go: who placed
     * each and their note, imported rows' names and phones (default 30, 1–90; server/community/settings.ts).
     */
    orderRetentionDays?: number
    /**
     * Days after a need is done or cancelled before its personal content goes: detail, drugs and photo, notes, the
     * names in its steps (default 30, 1–90; server/needs/rules.ts).
     */
    needRetentionDays?: number
    /** People per volunteer type; null = unlimited. */
    volunteerCaps: Record<VolunteerType, number | null>
    /** Masked numbers one person may reveal to dial per Shanghai day (default PHONE_REVEALS_PER_DAY, 30). */
    phoneRevealsPerDay?: number
    /**
     * Minutes after an abnormal result before an unacknowledged follow-up escalates to the committee (default 30,
     * 5–240; server/community/settings.ts).
     */
    followUpEscalateMinutes?: number
  }
  createdAt: Date
  /** Set when the committee ended the service (closeCommunity): nothing new starts, and everyone's data goes. */
  closing?: ClosingDoc
}

/** A community the committee closed, and how far the deletion of everyone's data has come. */
export interface ClosingDoc {
  closedAt: Date
  closedBy: string
  /** Every person's data is deleted from this instant on: closedAt + settings.closingDeletionDays. */
  deleteAfter: Date
  /** The hand-over exports (ledger, rounds' tables) were made. */
  handoverAt?: Date
  /** The community function's part is done: households' people, roles, requests, invites, consents, files. */
  communityErasedAt?: Date
  /** The antigen function's part is done: every round reduced to counts, photos and subscriptions deleted. */
  antigenErasedAt?: Date
}

export interface ZoneDoc {
  _id: string
  communityId: string
  name: string
  order: number
}

/** 营: about 20 buildings. */
export interface GroupDoc {
  _id: string
  communityId: string
  zoneId?: string
  name: string
  order: number
}

/** 楼栋 / 楼道 / 单元. */
export interface BuildingDoc {
  _id: string
  communityId: string
  zoneId?: string
  groupId: string
  name: string
  /** Natural order of names (2号 before 10号); used for grouping and every list. */
  order: number
}

export interface MemberDoc {
  id: string
  name: string
  phone?: string
  birthYear?: number
  flags: ResidentFlag[]
  /** The WeChat user linked to this member, once a join request was approved. */
  openid?: string
}

/** A room and the people living in it. Building and room are always structured fields. */
export interface HouseholdDoc {
  _id: string
  communityId: string
  groupId: string
  buildingId: string
  room: string
  floor: number
  members: MemberDoc[]
  /** Managed for its members by a lead or family member (代管): no smartphone user of its own. */
  proxy: boolean
  /** Openids with a resident grant on this household (members and proxies), for quick lookups. */
  linkedOpenids: string[]
  /** Set when the household's personal data was erased at its request. */
  erasedAt?: Date
  importId?: string
  updatedAt: Date
}

export interface RoleDoc {
  _id: string
  openid: string
  communityId: string
  role: Role
  scope: Scope
  volunteerType?: VolunteerType
  posts?: string[]
  /** A volunteer's shifts (server/community/shifts.ts); absent: on call at any hour. */
  shifts?: VolunteerShift[]
  proxy?: boolean
  /** Who this grant is for, when it came from a household member. */
  householdId?: string
  memberId?: string
  /** The holder's name when no household member stands behind the grant (a first committee member, bootstrap). */
  holderName?: string
  /** Resident grants: the version of the health-data consent the holder accepted (read with the grants). */
  healthConsent?: string
  grantedBy: string
  grantedAt: Date
}

export interface InviteDoc {
  _id: string
  communityId: string
  buildingId: string
  /** An invite for one room is single-use by default. */
  room?: string
  maxUses: number
  uses: number
  createdBy: string
  createdAt: Date
  expiresAt: Date
  revoked: boolean
  /**
   * Its 小程序码 in storage, per build the code opens (`server/community/invitecodes.ts`): made on a lead's first ask,
   * deleted by the community timer once the invite is revoked or expired.
   */
  qrFiles?: Partial<Record<'release' | 'trial' | 'develop', string>>
}

export interface JoinRequestDoc {
  _id: string
  openid: string
  communityId: string
  groupId: string
  buildingId: string
  householdId: string
  room: string
  name: string
  /** The ledger member the name matched, if any. */
  memberId?: string
  asProxy: boolean
  inviteCode: string
  status: JoinStatus
  reason?: string
  createdAt: Date
  decidedAt?: Date
  decidedBy?: string
}

/** One masked number revealed to dial (revealPhone): who, whose, when and why. The number itself is not kept. */
export interface PhoneRevealDoc {
  _id: string
  communityId: string
  /** The caller: openid, name as the ledger or grant knows them, and the role that allowed the reveal. */
  openid: string
  byName: string
  role: Role
  householdId: string
  buildingId: string
  room: string
  memberId: string
  reason: RevealReason
  note?: string
  at: Date
  /** Shanghai day 'YYYY-MM-DD' the reveal counts against. */
  day: string
}

/** Reveals per (community, caller, Shanghai day), counted atomically against the daily cap. */
export interface PhoneRevealCountDoc {
  _id: string
  communityId: string
  openid: string
  day: string
  count: number
}

export interface ConsentDoc {
  _id: string
  openid: string
  kind: ConsentKind
  version: string
  /** sha256 of the exact text shown. */
  textHash: string
  acceptedAt: Date
  withdrawnAt?: Date
}
