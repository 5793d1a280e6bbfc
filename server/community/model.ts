// The community's documents as stored in the database (structure, households, roles, invites, join requests,
// consents). Views sent to clients are in typings/api; these never leave the server.
import type { ConsentKind, JoinStatus, ResidentFlag, Role, Scope, VolunteerType } from '../../typings/api'

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
