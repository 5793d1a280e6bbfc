// Documents as stored in the database. Views sent to clients are in typings/api; these never leave the server.
import type { AntigenResult, ConsentKind, JoinStatus, ResidentFlag, Role, Scope, VolunteerType } from '../typings/api'

export interface CommunityDoc {
  _id: string
  name: string
  /** District or street the community belongs to (for a deployment serving many communities). */
  district?: string
  settings: {
    /** Buildings per 营 when groups are formed automatically. */
    groupSize: number
    /** Days after a round closes before its kit photos are deleted (default 14). */
    photoRetentionDays?: number
    /** People per volunteer type; null = unlimited. */
    volunteerCaps: Record<VolunteerType, number | null>
  }
  createdAt: Date
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

export interface ImportDoc {
  _id: string
  communityId: string
  createdBy: string
  createdAt: Date
  fileName: string
  status: 'previewed' | 'committing' | 'committed' | 'failed' | 'rolledBack'
  createBuildings: boolean
  rows: number
  households: number
  residents: number
  newBuildings: string[]
  errors: { row: number; reason: string }[]
  /** Households written so far by the commit (resumable). */
  done: number
  total: number
  message?: string
  committedAt?: Date
}

/** One household of an import, staged at preview; `before` is the household as it was (for rollback). */
export interface ImportRowDoc {
  _id: string
  importId: string
  seq: number
  building: string
  household: Omit<HouseholdDoc, 'groupId' | 'buildingId' | 'updatedAt' | 'linkedOpenids' | 'proxy'> & {
    buildingName: string
  }
  before?: HouseholdDoc | null
  written: boolean
}

// ---------- antigen rounds ----------

export interface RoundDoc {
  _id: string
  communityId: string
  /** Shanghai calendar day 'YYYY-MM-DD'. */
  date: string
  deadline: Date
  notice: string
  status: 'open' | 'closed'
  allBuildings: boolean
  buildingIds: string[]
  buildingCount?: number
  openedBy: string
  openedAt: Date
  closedAt?: Date
  /** Set once the retention timer deleted the kit photos. */
  photosDeletedAt?: Date
}

export interface MemberResultDoc {
  memberId: string
  name: string
  result: AntigenResult
  reason?: string
  photo?: string
  photoSize?: number
  startedAt?: string
  photoAt?: string
}

export interface ResultCounts {
  people: number
  negative: number
  positive: number
  invalid: number
  untested: number
}

export interface ChainEntryDoc {
  no: number
  householdId: string
  room: string
  submittedAt: Date
  updatedAt: Date
  by: string
  /** Submitted by a lead or family member for the household (代报). */
  proxy: boolean
  members: MemberResultDoc[]
  counts: ResultCounts
  flagged?: { by: string; reason: string; at: Date }
}

/**
 * One building's 接龙 in one round: its entries and running counts in one document, so a submission is one
 * read and one compare-and-set update, and contention stays within a building (never one hot document per
 * community).
 */
export interface ChainDoc extends ResultCounts {
  _id: string
  roundId: string
  communityId: string
  groupId: string
  groupName: string
  /** The building's 片区 (团), if the community has zones. */
  zoneId?: string
  zoneName?: string
  buildingId: string
  buildingName: string
  order: number
  status: 'open' | 'closed'
  date: string
  deadline: Date
  notice: string
  /** The round's scope and opening, copied so a chain alone can describe its round. */
  allBuildings: boolean
  buildingCount: number
  openedAt: Date
  /**
   * Who gets this building's abnormal and reopened pushes: its leads and the committee when the round opened.
   * Copied so a submission needs no extra read to tell them; role changes apply from the next round.
   */
  notify?: { leads: string[]; committee: string[] }
  /** 应报户数 when the round opened. */
  expected: number
  /** Last chain number given. */
  seq: number
  submitted: number
  confirmed: boolean
  confirmedAt?: Date
  confirmedBy?: string
  /** Compare-and-set counter. */
  version: number
  entries: Record<string, ChainEntryDoc>
}

/** A resident who asked to be told when a round opens (one subscription message per credit). */
export interface RoundSubscriberDoc {
  _id: string
  openid: string
  communityId: string
  credits: number
}

/** Who reminded which building's non-submitters, and how many phone numbers they were shown. */
export interface ReminderDoc {
  _id: string
  roundId: string
  buildingId: string
  by: string
  at: Date
  pushed: number
  called: number
}

/** An exported spreadsheet (personal data): deleted by the housekeeping timer a day after it was made. */
export interface ExportDoc {
  _id: string
  communityId: string
  kind: 'ledger' | 'antigen'
  fileID: string
  by: string
  createdAt: Date
}
