/** Community structure, households, roles, onboarding, consent and the household ledger. */

/** Roles are always held at a place in the community tree. */
export type Role =
  'resident' | 'floorLead' | 'buildingLead' | 'groupLead' | 'communityLead' | 'committee' | 'merchant' | 'volunteer'

/** 云上 / 核酸 / 楼栋 / 巡逻 / 运输 / 应急 */
export type VolunteerType = 'online' | 'testing' | 'building' | 'patrol' | 'transport' | 'emergency'

/**
 * A volunteer's shift (班次): daily hours in Shanghai time, 「08:00」–「12:00」; `to` earlier than `from` runs past
 * midnight. `days` (1 = Monday … 7 = Sunday) limits it to those weekdays; absent: every day. No task reaches a
 * volunteer outside their shifts (a volunteer with no shifts set is on call at any hour).
 */
export interface VolunteerShift {
  from: string
  to: string
  days?: number[]
}

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
  /** A volunteer's hours (at most 4 shifts). */
  shifts?: VolunteerShift[]
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
  /**
   * No name is registered for the holder (no member record behind the role, no name on it): the page says
   * 「未登记姓名」 and the committee can set one (setRoleHolderName). Absent with no `holder`: hidden from the caller.
   */
  unnamed?: true
  /** A volunteer's shifts in words: 「每天 08:00–12:00；周六、周日 18:00–22:00」. */
  shiftsText?: string
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
  /**
   * As the visibility policy gives it to the caller (server/platform/visibility.ts): full for the household itself,
   * the building's or floor's leads and the committee; masked (张*明) otherwise.
   */
  name: string
  /** Full for the household itself (not a 代管 holder) and the committee; masked (138****5678) for leads. */
  phone?: string
  /** Building / floor leads of the household, the committee, and the household itself. */
  birthYear?: number
  flags?: ResidentFlag[]
  /** Has a WeChat user linked to this member. */
  linked: boolean
  /** The phone is masked and the caller may reveal it to dial (revealPhone, logged). */
  revealable?: boolean
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

/**
 * An invite's 小程序码 (`wxacode.getUnlimited`): scanned with WeChat it opens `page` with the invite code as its scene
 * (`query.scene`). Made once per invite and build, kept in storage until the invite is revoked or expires.
 */
export interface InviteQr {
  code: string
  /** The code's scene: the invite code itself (6–12 of 0-9 A-Z, within WeChat's 32 characters). */
  scene: string
  /** The page it opens: `pages/join/index`. */
  page: string
  /** Which build the code opens: 正式版 (release), 体验版 (trial), 开发版 (develop). */
  envVersion: 'release' | 'trial' | 'develop'
  fileID: string
  /** Temporary URL of the PNG (2 hours), for `<image>` and `wx.previewImage`. */
  url: string
  /** The PNG itself, base64, when asked for (`image: true`): the page draws the poster with it. */
  image?: string
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

/** Why a masked number is revealed to dial it: 提醒报抗原 / 配送物资 / 健康异常跟进 / 关怀老人 / 需求回访 / 其他. */
export type RevealReason = 'remind' | 'delivery' | 'health' | 'care' | 'need' | 'other'

/** One number revealed to dial (wx.makePhoneCall); the reveal is logged for the committee. */
export interface PhoneReveal {
  householdId: string
  memberId: string
  phone: string
  /** Reveals the caller has left today (Shanghai day) under the community's daily cap. */
  remainingToday: number
}

/** One entry of the reveal log, as the committee reads it. */
export interface PhoneRevealView {
  id: string
  /** ISO instant. */
  at: string
  /** Who revealed the number (full name for the committee) and as which role. */
  by: string
  role: Role
  householdId: string
  /** 「12号-201」 */
  label: string
  /** Whose number: the member's name. */
  member: string
  reason: RevealReason
  note?: string
}

export interface MyData {
  households: (HouseholdView & { communityName: string })[]
  roles: RoleView[]
  consents: ConsentView[]
  joinRequests: JoinRequestView[]
  /** The antigen results kept for the caller's households, newest round first (rounds reduced to counts keep none). */
  antigen: MyAntigenRecord[]
}

/** One household's entry in one round's chain, as kept: every member's result, and when it goes. */
export interface MyAntigenRecord {
  householdId: string
  /** 「1号-101」 */
  label: string
  roundId: string
  /** The round's Shanghai day, 'YYYY-MM-DD'. */
  date: string
  status: 'open' | 'closed'
  /** Number in the building's chain. */
  no: number
  submittedAt: string
  /** Submitted for the household by a lead or family member (代报). */
  proxy: boolean
  members: {
    memberId: string
    name: string
    result: 'negative' | 'positive' | 'invalid' | 'untested'
    reason?: string
    /** A kit photo is kept. */
    photo: boolean
    startedAt?: string
    photoAt?: string
  }[]
  flagged?: { reason: string; at: string }
  /** When the photos are deleted, and when these results are reduced to counts (absent while the round is open). */
  photosDeleteAt?: string
  resultsDeleteAt?: string
}

// ---------- retention and ending the service ----------

/** What personal data the committee's schedule lists. */
export type RetentionKind =
  | 'kitPhotos'
  | 'results'
  | 'reminders'
  | 'phoneReveals'
  | 'exports'
  | 'ledgerUploads'
  | 'importRows'
  | 'joinRequests'
  | 'buyOrders'
  | 'buyComplaints'
  | 'merchantPhotos'
  | 'deliveries'
  | 'careChecks'
  | 'registers'
  | 'needs'

/** Deletions due on one Shanghai day. */
export interface RetentionDue {
  /** 'YYYY-MM-DD' */
  date: string
  count: number
}

export interface RetentionItem {
  kind: RetentionKind
  /** 「试剂照片」 */
  label: string
  /** When it goes, in one Chinese sentence: 「每轮检测结束 14 天后删除」. */
  rule: string
  /** The period in days. */
  days: number
  /** What `count` counts: 「户次」「个文件」「条」. */
  unit: string
  /** The next deletions, by day, soonest first (the first five). */
  due: RetentionDue[]
  /** Due already: the next timer run deletes them. */
  overdue: number
  /** Not scheduled yet: their period starts when the round (or group buy) they belong to ends. */
  waiting?: number
  /** Files whose deletion failed: retried on every timer run until they go. */
  failed: number
}

export interface RetentionSettings {
  photoRetentionDays: number
  resultRetentionDays: number
  closingDeletionDays: number
  /** An abnormal result nobody acknowledged is escalated to the committee after this many minutes (5–240). */
  followUpEscalateMinutes: number
  /** Days after a group buy ended before its orders lose who placed them, notes, imported names and phones (1–90). */
  orderRetentionDays: number
  /** Days after a need was done or cancelled before its content and the names in its steps go (1–90). */
  needRetentionDays?: number
}

export interface RetentionSchedule {
  communityId: string
  settings: RetentionSettings
  items: RetentionItem[]
  /** Set once the committee closed the community: everything goes at `deleteAfter`. */
  closing?: { closedAt: string; deleteAfter: string }
}

/**
 * open: in service. closing: closed, everyone's data is kept until `deleteAfter` for the hand-over. erasing: the
 * timers are deleting it. erased: every person's data is gone (files whose deletion failed are counted apart).
 */
export type ClosingState = 'open' | 'closing' | 'erasing' | 'erased'

/** A hand-over export of a closed community, for the committee to keep. */
export interface HandoverFile {
  kind: 'ledger' | 'antigen'
  fileName: string
  fileID: string
  /** A temporary URL to open it ('' once it is deleted). */
  tempFileURL: string
  createdAt: string
  /** Deleted with everyone's data. */
  expiresAt: string
}

export interface ClosingStatus {
  communityId: string
  communityName: string
  state: ClosingState
  closingDeletionDays: number
  closedAt?: string
  deleteAfter?: string
  handover: HandoverFile[]
  /** What is still kept. */
  remaining: {
    /** Households with people in them, and the people. */
    households: number
    people: number
    roles: number
    joinRequests: number
    invites: number
    consents: number
    /** Rounds still holding names and results (not yet reduced to counts). */
    roundsWithResults: number
    exports: number
    uploads: number
    /** Files whose deletion failed, waiting for the next timer run. */
    failedFiles: number
  }
}

// ---------- actions ----------

/** The mini-program build a person uses: 开发版 / 体验版 / 正式版. */
export type EnvVersion = 'develop' | 'trial' | 'release'

/** One configuration check of the deployment. */
export interface HealthCheckView {
  /** 'templates' | 'env' | 'pushes' */
  id: string
  ok: boolean
  /** 「订阅消息模板」 */
  title: string
  /** What is fine, or what is wrong and what to set where (Simplified Chinese). */
  message: string
}

export interface HealthView {
  /** Every check ok. */
  ok: boolean
  /** Running on localcloud (development): the placeholder template ids are fine there. */
  local: boolean
  checks: HealthCheckView[]
}

type Empty = Record<string, never>

export interface CommunityApi {
  whoami: { input: Empty; output: WhoAmI }
  consentText: { input: { kind: ConsentKind }; output: ConsentText }
  giveConsent: { input: { kind: ConsentKind; version: string }; output: ConsentView }
  withdrawConsent: { input: { kind: ConsentKind }; output: { withdrawn: boolean } }
  /**
   * The page asked for subscription messages (`templateIds`) and the user accepted `accepted`: one credit each in
   * the ledger. `credits`: the caller's count per accepted template after.
   */
  recordSubscription: {
    input: {
      templateIds: string[]
      accepted: string[]
      /**
       * The build the person uses (`wx.getAccountInfoSync().miniProgram.envVersion`): later messages open that
       * build (develop → developer, trial → trial, release or unknown → formal).
       */
      envVersion?: EnvVersion
    }
    output: { credits: Record<string, number> }
  }
  /** Whether the deployment is configured (template ids, environment, recent sends): committee only. */
  health: { input: { communityId: string }; output: HealthView }

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
  /**
   * The invite's 小程序码 for the build the lead uses (default release), made on first ask and reused after; the
   * image bytes too with `image: true`. A revoked or expired invite has none (INVITE_INVALID / INVITE_EXPIRED).
   */
  inviteQr: {
    input: { code: string; envVersion?: 'release' | 'trial' | 'develop'; image?: boolean }
    output: InviteQr
  }

  buildingRoster: { input: { buildingId: string }; output: Roster }
  setProxy: { input: { householdId: string; proxy: boolean }; output: HouseholdView }
  setFlags: { input: { householdId: string; memberId: string; flags: ResidentFlag[] }; output: HouseholdView }
  /**
   * Reveal one masked number to dial it: a household in the caller's own scope (a building or floor lead's, a
   * volunteer's posts, the committee's community), logged, at most the community's daily cap per caller.
   */
  revealPhone: {
    input: { householdId: string; memberId: string; reason: RevealReason; note?: string }
    output: PhoneReveal
  }
  /** The reveal log, newest first (committee only); `since` an ISO instant, default the last 7 days. */
  listPhoneReveals: {
    input: { communityId: string; since?: string }
    output: { reveals: PhoneRevealView[]; perDay: number }
  }

  myHousehold: { input: { householdId: string }; output: HouseholdView }
  myData: { input: Empty; output: MyData }
  /**
   * Delete the caller's data in a household: their member (name, phone, birth year, flags, link), their results
   * and photos, requests, subscription and grants; the household's own records too when they were its last member.
   * Safe to call again after a failure.
   */
  deleteMyData: {
    input: { householdId: string; confirm: '删除' }
    output: {
      householdId: string
      /** Members removed (the caller's own: 1, or 0 for a 代管 holder, who is not a member). */
      members: number
      roles: number
      /** The caller was its last member: the household's people, links and antigen entries are gone. */
      householdErased: boolean
      /** Files storage did not delete yet: the timers retry them. */
      pendingFiles: number
    }
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
      shifts?: VolunteerShift[]
    }
    output: RoleView
  }
  /**
   * Change a volunteer's post (定岗): the buildings they cover and their shifts (committee, 团长; a building lead for
   * a 楼栋 volunteer of their building).
   */
  setVolunteerPost: { input: { roleId: string; posts?: string[]; shifts?: VolunteerShift[] }; output: RoleView }
  revokeRole: { input: { roleId: string }; output: { revoked: boolean } }
  /**
   * The name shown for a role holder no member record names (a committee member made at bootstrap, a merchant):
   * committee only; a holder who is a member of a household is named by the household's record.
   */
  setRoleHolderName: { input: { roleId: string; name: string }; output: RoleView }
  setVolunteerCaps: {
    input: { communityId: string; caps: Partial<Record<VolunteerType, number | null>> }
    output: StructureView['community']
  }

  // Reading the uploaded file (importPreview) and the ledger's export are the `sheets` function's.
  importCommit: { input: { importId: string }; output: ImportProgress }
  importStatus: { input: { importId: string }; output: ImportProgress }
  importRollback: { input: { importId: string }; output: ImportProgress }

  /** What personal data is kept, for how long, the next deletions and failed ones (committee). */
  retentionSchedule: { input: { communityId: string }; output: RetentionSchedule }
  /** Change the community's periods within RETENTION_BOUNDS (committee; not once the community is closed). */
  setRetention: {
    input: {
      communityId: string
      photoRetentionDays?: number
      resultRetentionDays?: number
      closingDeletionDays?: number
      followUpEscalateMinutes?: number
      /** Group-buy orders' people after the buy ended (1–90). */
      orderRetentionDays?: number
      /** Needs' content after done or cancelled (1–90). */
      needRetentionDays?: number
    }
    output: RetentionSettings
  }
  /**
   * End the service (committee, typing the community's name): nothing new starts, the hand-over exports are made,
   * and everyone's data is deleted closingDeletionDays later. Safe to call again.
   */
  closeCommunity: { input: { communityId: string; confirm: string }; output: ClosingStatus }
  closingStatus: { input: { communityId: string }; output: ClosingStatus }
}
