/** Community structure, households, roles, onboarding, consent and the household ledger. */

/** Roles are always held at a place in the community tree. */
export type Role =
  'resident' | 'floorLead' | 'buildingLead' | 'groupLead' | 'communityLead' | 'committee' | 'merchant' | 'volunteer'

/** 云上 / 核酸 / 楼栋 / 巡逻 / 运输 / 应急 */
export type VolunteerType = 'online' | 'testing' | 'building' | 'patrol' | 'transport' | 'emergency'

/**
 * A place in the tree: the more levels named, the narrower the scope. A grant covers a target when every level
 * the grant names equals the target's; targets are always fully qualified.
 */
export interface Scope {
  communityId: string
  groupId?: string
  buildingId?: string
  floor?: number
  householdId?: string
}

export interface RoleGrant {
  role: Role
  scope: Scope
  volunteerType?: VolunteerType
  /** Buildings a volunteer covers (定岗). */
  posts?: string[]
  /** A resident grant held by someone managing a household for its members (代管). */
  proxy?: boolean
}

/** 60岁以上 / 独居 / 行动不便 / 慢性病 / 孕妇 / 婴幼儿 */
export type ResidentFlag = 'elderly' | 'alone' | 'mobility' | 'chronic' | 'pregnant' | 'infant'

export type ConsentKind = 'personal' | 'health'

// ---------- views ----------

export interface RoleView extends RoleGrant {
  id: string
  /** 「12号 楼组长」-style place label. */
  place: string
  /** The holder, as the caller may see them (masked unless committee). */
  holder?: string
}

export interface HouseholdRef {
  id: string
  communityId: string
  communityName: string
  buildingId: string
  /** 「12号-201」 */
  label: string
  proxy: boolean
}

export interface WhoAmI {
  openid: string
  roles: RoleView[]
  households: HouseholdRef[]
  consents: ConsentView[]
  pendingRequests: JoinRequestView[]
}

export interface MemberView {
  id: string
  /** Full for the household itself, leads and the committee; masked (张*明) otherwise. */
  name: string
  /** Masked (138****5678) except for the household itself and the committee. */
  phone?: string
  /** Leads and above, and the household itself. */
  birthYear?: number
  flags?: ResidentFlag[]
  /** Has a WeChat user linked to this member. */
  linked: boolean
}

export interface HouseholdView {
  id: string
  buildingId: string
  room: string
  floor: number
  label: string
  members: MemberView[]
  linkedCount: number
  /** Managed for its members by a lead or a family member (代管). */
  proxy: boolean
  /** Has at least one member with a special-population flag (leads and above only). */
  special?: boolean
}

export interface ConsentView {
  kind: ConsentKind
  version: string
  acceptedAt: string
  /** Only in `myData`, which lists withdrawn consents too. */
  withdrawnAt?: string
}

export interface ConsentText {
  kind: ConsentKind
  version: string
  title: string
  text: string
}

export type JoinStatus = 'pending' | 'approved' | 'rejected'

export interface JoinRequestView {
  id: string
  householdId: string
  label: string
  /** Name as typed by the applicant (full for leads, masked for others). */
  name: string
  asProxy: boolean
  status: JoinStatus
  createdAt: string
  decidedAt?: string
  reason?: string
}

export interface InviteView {
  code: string
  buildingId: string
  buildingName: string
  room?: string
  expiresAt: string
  maxUses: number
  uses: number
  /** Mini-program path that opens the join page with this code (for a QR code). */
  path: string
}

export interface InvitePreview {
  communityName: string
  buildingName: string
  room?: string
  expiresAt: string
}

export interface Roster {
  building: { id: string; name: string; communityId: string; groupId: string }
  households: HouseholdView[]
  pending: JoinRequestView[]
  /** Households with no WeChat member: a lead or family member submits for them. */
  unlinked: HouseholdView[]
  counts: { households: number; residents: number; linkedHouseholds: number; special: number }
}

export interface BuildingSummary {
  id: string
  name: string
  groupId: string
  zoneId?: string
  households: number
  residents: number
  linkedHouseholds: number
  lead?: string
}

export interface GroupSummary {
  id: string
  name: string
  zoneId?: string
  buildings: BuildingSummary[]
  lead?: string
}

export interface StructureView {
  community: { id: string; name: string; groupSize: number; volunteerCaps: Record<VolunteerType, number | null> }
  zones: { id: string; name: string }[]
  groups: GroupSummary[]
  totals: { buildings: number; households: number; residents: number; elderly: number }
}

export interface ImportRowError {
  /** 1-based row number in the sheet, header being row 1. */
  row: number
  reason: string
}

export interface ImportPreview {
  importId: string
  rows: number
  households: number
  residents: number
  newHouseholds: number
  updatedHouseholds: number
  newBuildings: string[]
  errors: ImportRowError[]
  /** No errors: the import can be committed. */
  ready: boolean
  /** In the file and already exactly so in the ledger: nothing to write for them. */
  unchangedHouseholds: number
  /** Members linked to WeChat who are not in the file: kept, listed so the committee knows. */
  keptMembers: { building: string; room: string; name: string }[]
  /**
   * Buildings the import creates, in the order of `newBuildings`, each with the spellings of the file folded into
   * it (「9号」 and 「9号楼」 rows are one building). Absent when no building is created.
   */
  newBuildingSpellings?: ImportBuildingSpellings[]
  /** Existing buildings the file writes another way (「9号」 for 「9号楼」): matched, names kept. Absent when none. */
  matchedSpellings?: ImportBuildingSpellings[]
  /** Buildings to be created whose names resemble another's, kept apart instead of guessed. Absent when none. */
  buildingWarnings?: ImportBuildingWarning[]
}

/** One way a file writes a building's name. */
export interface ImportBuildingSpelling {
  /** As written, full-width characters and spaces aside. */
  text: string
  /** Rows that write it so. */
  count: number
  /** Their row numbers (the first 20). */
  rows: number[]
}

/** A building and the file's spellings of it; rules in docs/ledger.md (「楼栋名称的写法」). */
export interface ImportBuildingSpellings {
  /** A new building: the name it gets (the spelling most rows use). An existing one: its name, which is kept. */
  name: string
  /**
   * Most rows first. A new building lists every spelling (the first is `name`); an existing one only those that
   * differ from its name.
   */
  spellings: ImportBuildingSpelling[]
}

/** A building the import would create whose name is close to another building's but not folded into it. */
export interface ImportBuildingWarning {
  /** The building to be created. */
  name: string
  /** Its rows (the first 20). */
  rows: number[]
  /** The name it resembles. */
  similar: string
  /** `similar` is an existing building; otherwise another building the file creates. */
  similarExists: boolean
  /** The same in one Chinese sentence, with the reason they were kept apart. */
  message: string
}

export type ImportStatus = 'previewed' | 'committing' | 'committed' | 'failed' | 'rolledBack'

/**
 * Commit and rollback run in chunks: call again while the status is `committing` (or, for a rollback, until it is
 * `rolledBack`); `done`/`total` count households written (or restored). A failed chunk keeps `committing` with a
 * `message` and can be resumed; `failed` cannot be continued, only rolled back.
 */
export interface ImportProgress {
  importId: string
  status: ImportStatus
  done: number
  total: number
  message?: string
}

export interface MyData {
  households: (HouseholdView & { communityName: string })[]
  roles: RoleView[]
  consents: ConsentView[]
  joinRequests: JoinRequestView[]
}

// ---------- actions ----------

type Empty = Record<string, never>

export interface CommunityApi {
  whoami: { input: Empty; output: WhoAmI }
  consentText: { input: { kind: ConsentKind }; output: ConsentText }
  giveConsent: { input: { kind: ConsentKind; version: string }; output: ConsentView }
  withdrawConsent: { input: { kind: ConsentKind }; output: { withdrawn: boolean } }

  previewInvite: { input: { code: string }; output: InvitePreview }
  requestJoin: {
    input: {
      code: string
      room: string
      name: string
      asProxy?: boolean
      /** Version of the personal-information consent shown on the join page. */
      personalConsent: string
      /** Version of the separate health-data consent, if the applicant accepted it. */
      healthConsent?: string
      /** Set when the page was opened for a known community: the code must belong to it. */
      communityId?: string
    }
    output: JoinRequestView
  }
  myJoinRequests: { input: Empty; output: JoinRequestView[] }
  listJoinRequests: { input: { buildingId: string; status?: JoinStatus }; output: JoinRequestView[] }
  decideJoin: { input: { requestId: string; approve: boolean; reason?: string }; output: JoinRequestView }
  createInvite: {
    input: { buildingId: string; room?: string; ttlHours?: number; maxUses?: number }
    output: InviteView
  }
  revokeInvite: { input: { code: string }; output: { revoked: boolean } }
  listInvites: { input: { buildingId: string }; output: InviteView[] }

  buildingRoster: { input: { buildingId: string }; output: Roster }
  setProxy: { input: { householdId: string; proxy: boolean }; output: HouseholdView }
  setFlags: { input: { householdId: string; memberId: string; flags: ResidentFlag[] }; output: HouseholdView }

  myHousehold: { input: { householdId: string }; output: HouseholdView }
  myData: { input: Empty; output: MyData }
  deleteMyData: {
    input: { householdId: string; confirm: '删除' }
    output: { householdId: string; members: number; roles: number }
  }

  structure: { input: { communityId: string }; output: StructureView }
  upsertZone: { input: { communityId: string; zoneId?: string; name: string }; output: { id: string } }
  upsertBuilding: {
    input: { communityId: string; buildingId?: string; name: string; groupId?: string; zoneId?: string }
    output: BuildingSummary
  }
  autoGroup: { input: { communityId: string; size?: number }; output: StructureView }
  moveBuilding: { input: { buildingId: string; groupId: string }; output: BuildingSummary }
  renameGroup: { input: { groupId: string; name: string }; output: { id: string; name: string } }

  listRoles: { input: { communityId: string; role?: Role }; output: RoleView[] }
  grantRole: {
    input: {
      communityId: string
      /** The person: a resident linked to WeChat. */
      householdId: string
      memberId: string
      role: Exclude<Role, 'resident'>
      groupId?: string
      buildingId?: string
      floor?: number
      volunteerType?: VolunteerType
      posts?: string[]
    }
    output: RoleView
  }
  revokeRole: { input: { roleId: string }; output: { revoked: boolean } }
  setVolunteerCaps: {
    input: { communityId: string; caps: Partial<Record<VolunteerType, number | null>> }
    output: StructureView['community']
  }

  importPreview: { input: { communityId: string; fileID: string; createBuildings?: boolean }; output: ImportPreview }
  importCommit: { input: { importId: string }; output: ImportProgress }
  importStatus: { input: { importId: string }; output: ImportProgress }
  importRollback: { input: { importId: string }; output: ImportProgress }
  exportLedger: {
    input: { communityId: string }
    output: { fileID: string; tempFileURL: string; fileName: string; households: number; residents: number }
  }
}
