// The permission matrix: every action of the community function × every role × a target inside and outside the
// role's scope. A refused call answers FORBIDDEN and writes nothing; an allowed one succeeds (or gives the one
// outcome its rule names, when the caller's own situation decides it).
import type { ActionName, Envelope, ErrorCode } from '../../typings/api'
import { CONSENTS } from '../../server/community/consent'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { B, C1, C2, fileIdOf, H, LEDGER_FILES, loadFixture, ROLES, snapshot, WHO } from '../support/community'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())

/** A place a call can target: every id an action may need, all inside one subtree. */
interface Place {
  communityId: string
  groupId: string
  buildingId: string
  householdId: string
  memberId: string
  requestId: string
  invite: string
  roleId: string
  importId: string
  fileID: string
}

const ledger = (communityId: string) => ({
  importId: `imp-${communityId}`,
  fileID: fileIdOf(LEDGER_FILES[communityId] as string),
})
const volunteerRole = ROLES.find((r) => r.role === 'volunteer')?._id as string
const committeeRoleOf = (communityId: string) =>
  ROLES.find((r) => r.role === 'committee' && r.communityId === communityId)?._id as string
const place = {
  // 1号-101 (张三's household), 第1营, community c1
  b1: {
    communityId: C1,
    groupId: 'g1',
    buildingId: B.b1._id,
    householdId: H.b1r101._id,
    memberId: 'm-zhang',
    requestId: 'jr-b1',
    invite: 'INVB1AAA',
    roleId: volunteerRole,
    ...ledger(C1),
  },
  // 1号-201: the floor lead's floor
  b1f2: {
    communityId: C1,
    groupId: 'g1',
    buildingId: B.b1._id,
    householdId: H.b1r201._id,
    memberId: 'm-zhao',
    requestId: 'jr-b1',
    invite: 'INVB1AAA',
    roleId: volunteerRole,
    ...ledger(C1),
  },
  // 3号-301, 第2营
  b3: {
    communityId: C1,
    groupId: 'g2',
    buildingId: B.b3._id,
    householdId: H.b3r301._id,
    memberId: 'm-sun',
    requestId: 'jr-b3',
    invite: 'INVB3AAA',
    roleId: volunteerRole,
    ...ledger(C1),
  },
  // the other community
  c2: {
    communityId: C2,
    groupId: 'gx',
    buildingId: B.x1._id,
    householdId: H.x1r101._id,
    memberId: 'm-other',
    requestId: 'jr-x1',
    invite: 'INVX1AAA',
    // Not the other community's only committee member: revoking that one is refused whoever asks.
    roleId: ROLES.find((r) => r.communityId === C2 && r.role === 'volunteer')?._id as string,
    ...ledger(C2),
  },
} satisfies Record<string, Place>

type Caller = keyof typeof WHO
/** For each caller: a target inside its scope and one outside. */
const TARGETS: Record<Caller, { inside: Place; outside: Place }> = {
  stranger: { inside: place.b1, outside: place.c2 },
  resident: { inside: place.b1, outside: place.b3 },
  residentB2: {
    inside: { ...place.b1, householdId: H.b2r101._id, memberId: 'm-qian', buildingId: B.b2._id },
    outside: place.b1,
  },
  floorLead: { inside: place.b1f2, outside: place.b3 },
  buildingLead: { inside: place.b1, outside: place.b3 },
  groupLead: { inside: place.b1, outside: place.b3 },
  communityLead: { inside: place.b1, outside: place.c2 },
  committee: { inside: place.b1, outside: place.c2 },
  volunteer: { inside: place.b1, outside: place.c2 },
  otherCommittee: { inside: place.c2, outside: place.b1 },
}

type Role = 'resident' | 'floorLead' | 'buildingLead' | 'groupLead' | 'communityLead' | 'committee' | 'volunteer'
/** The roles each caller holds over its inside target (the floor lead lives in 1号-201, their inside target). */
const ROLES_OF: Record<Caller, Role[]> = {
  stranger: [],
  resident: ['resident'],
  residentB2: ['resident'],
  floorLead: ['floorLead', 'resident'],
  buildingLead: ['buildingLead'],
  groupLead: ['groupLead'],
  communityLead: ['communityLead'],
  committee: ['committee'],
  volunteer: ['volunteer'],
  otherCommittee: ['committee'],
}

const ANYONE = 'anyone' as const
interface Rule {
  /** The ledger's file reading and export, and the hand-over, are the `sheets` function's, with the same rules. */
  fn?: 'sheets'
  payload: (p: Place) => object
  /** Roles allowed on a target inside their scope; 'anyone' for actions about the caller alone. */
  allowed: Role[] | typeof ANYONE
  /** The one error code an allowed caller gets instead of success, when their own situation decides it. */
  outcome?: Partial<Record<Caller, ErrorCode>>
}

const consent = { personalConsent: CONSENTS.personal.version }
/**
 * Typed against the contract: leaving out an action of the community function fails the type check. The sheets
 * function's group-buy files are a buy's (test/groupbuy/sheets.cloud.test.ts), a delivery's lists a delivery's
 * (test/delivery/sheets.cloud.test.ts), a register's files a register's (test/registers/permissions.cloud.test.ts),
 * the needs' roll-up the needs' (test/needs/permissions.cloud.test.ts).
 */
const MATRIX: Record<
  | ActionName<'community'>
  | Exclude<
      ActionName<'sheets'>,
      | 'exportTable'
      | 'exportBuy'
      | 'importOrders'
      | 'exportDelivery'
      | 'exportRegister'
      | 'registerImportPreview'
      | 'exportNeeds'
    >,
  Rule
> = {
  whoami: { payload: () => ({}), allowed: ANYONE },
  consentText: { payload: () => ({ kind: 'health' }), allowed: ANYONE },
  giveConsent: { payload: () => ({ kind: 'health', version: CONSENTS.health.version }), allowed: ANYONE },
  withdrawConsent: { payload: () => ({ kind: 'health' }), allowed: ANYONE },
  recordSubscription: {
    payload: () => ({ templateIds: ['TPL_ROUND_OPENED'], accepted: ['TPL_ROUND_OPENED'] }),
    allowed: ANYONE,
  },
  myJoinRequests: { payload: () => ({}), allowed: ANYONE },
  myData: { payload: () => ({}), allowed: ANYONE },
  previewInvite: { payload: (p) => ({ code: p.invite }), allowed: ANYONE },
  // Anyone may ask to join a household: always 1号-101's unlinked 李四, which 张三 already lives in.
  requestJoin: {
    payload: () => ({ code: place.b1.invite, room: '101', name: '李四', ...consent }),
    allowed: ANYONE,
    outcome: { resident: 'ALREADY_JOINED' },
  },
  listJoinRequests: { payload: (p) => ({ buildingId: p.buildingId }), allowed: ['buildingLead', 'committee'] },
  decideJoin: { payload: (p) => ({ requestId: p.requestId, approve: false }), allowed: ['buildingLead', 'committee'] },
  createInvite: { payload: (p) => ({ buildingId: p.buildingId }), allowed: ['buildingLead', 'committee'] },
  listInvites: { payload: (p) => ({ buildingId: p.buildingId }), allowed: ['buildingLead', 'committee'] },
  revokeInvite: { payload: (p) => ({ code: p.invite }), allowed: ['buildingLead', 'committee'] },
  inviteQr: { payload: (p) => ({ code: p.invite }), allowed: ['buildingLead', 'committee'] },
  buildingRoster: {
    payload: (p) => ({ buildingId: p.buildingId }),
    allowed: ['buildingLead', 'floorLead', 'committee'],
  },
  setProxy: { payload: (p) => ({ householdId: p.householdId, proxy: true }), allowed: ['buildingLead', 'committee'] },
  setFlags: {
    payload: (p) => ({ householdId: p.householdId, memberId: p.memberId, flags: ['chronic'] }),
    allowed: ['buildingLead', 'floorLead', 'committee'],
  },
  myHousehold: { payload: (p) => ({ householdId: p.householdId }), allowed: ['resident'] },
  deleteMyData: { payload: (p) => ({ householdId: p.householdId, confirm: '删除' }), allowed: ['resident'] },
  structure: { payload: (p) => ({ communityId: p.communityId }), allowed: ['committee', 'communityLead'] },
  upsertZone: { payload: (p) => ({ communityId: p.communityId, name: '东片' }), allowed: ['committee'] },
  upsertBuilding: { payload: (p) => ({ communityId: p.communityId, name: '99号' }), allowed: ['committee'] },
  autoGroup: { payload: (p) => ({ communityId: p.communityId, size: 2 }), allowed: ['committee'] },
  moveBuilding: { payload: (p) => ({ buildingId: p.buildingId, groupId: p.groupId }), allowed: ['committee'] },
  renameGroup: { payload: (p) => ({ groupId: p.groupId, name: '一营' }), allowed: ['committee'] },
  listRoles: { payload: (p) => ({ communityId: p.communityId }), allowed: ['committee', 'communityLead'] },
  grantRole: {
    payload: (p) => ({
      communityId: p.communityId,
      householdId: p.householdId,
      memberId: p.memberId,
      role: 'volunteer',
      volunteerType: 'patrol',
    }),
    allowed: ['committee', 'communityLead'],
  },
  // The fixture's volunteers are community-wide (运输, 应急): their building's lead may not change their post.
  setVolunteerPost: {
    payload: (p) => ({ roleId: p.roleId, shifts: [{ from: '08:00', to: '12:00' }] }),
    allowed: ['committee', 'communityLead'],
  },
  revokeRole: { payload: (p) => ({ roleId: p.roleId }), allowed: ['committee', 'communityLead'] },
  // The community's committee member made without a household: named on the role.
  setRoleHolderName: {
    payload: (p) => ({ roleId: committeeRoleOf(p.communityId), name: '周主任' }),
    allowed: ['committee'],
  },
  health: { payload: (p) => ({ communityId: p.communityId }), allowed: ['committee'] },
  setVolunteerCaps: { payload: (p) => ({ communityId: p.communityId, caps: { patrol: 3 } }), allowed: ['committee'] },
  importPreview: {
    fn: 'sheets',
    payload: (p) => ({ communityId: p.communityId, fileID: p.fileID }),
    allowed: ['committee'],
  },
  importCommit: { payload: (p) => ({ importId: p.importId }), allowed: ['committee'] },
  importStatus: { payload: (p) => ({ importId: p.importId }), allowed: ['committee'] },
  importRollback: { payload: (p) => ({ importId: p.importId }), allowed: ['committee'] },
  exportLedger: { fn: 'sheets', payload: (p) => ({ communityId: p.communityId }), allowed: ['committee'] },
  // Only for a closed community: the fixture's is open, so its committee is told so (CONFLICT), nothing written.
  handover: {
    fn: 'sheets',
    payload: (p) => ({ communityId: p.communityId }),
    allowed: ['committee'],
    outcome: { committee: 'CONFLICT', otherCommittee: 'CONFLICT' },
  },
  // A number in the caller's own scope: a lead's building or floor, a volunteer's posts (o-sun is posted to 1号).
  revealPhone: {
    payload: (p) => ({ householdId: p.householdId, memberId: p.memberId, reason: 'remind' }),
    allowed: ['buildingLead', 'floorLead', 'volunteer', 'committee'],
  },
  listPhoneReveals: { payload: (p) => ({ communityId: p.communityId }), allowed: ['committee'] },
  retentionSchedule: { payload: (p) => ({ communityId: p.communityId }), allowed: ['committee'] },
  setRetention: {
    payload: (p) => ({ communityId: p.communityId, photoRetentionDays: 7, resultRetentionDays: 20 }),
    allowed: ['committee'],
  },
  // Typing the target community's own name: only its committee may close it.
  closeCommunity: {
    payload: (p) => ({ communityId: p.communityId, confirm: p.communityId === C1 ? '测试小区' : '别的小区' }),
    allowed: ['committee'],
  },
  closingStatus: { payload: (p) => ({ communityId: p.communityId }), allowed: ['committee'] },
}

const callers = Object.keys(WHO) as Caller[]
const cases = Object.entries(MATRIX).flatMap(([action, rule]) =>
  callers.flatMap((caller) =>
    (['inside', 'outside'] as const).map((where) => {
      const allowed =
        rule.allowed === ANYONE ||
        (where === 'inside' && ROLES_OF[caller].some((r) => (rule.allowed as Role[]).includes(r)))
      const expected = allowed ? (rule.outcome?.[caller] ?? 'ok') : 'FORBIDDEN'
      const fn = rule.fn ?? 'community'
      return { fn, action, caller, where, allowed, expected, payload: rule.payload(TARGETS[caller][where]) }
    }),
  ),
)

describe('permission matrix', () => {
  it.each(cases)(
    '$fn.$action as $caller on a target $where the scope → $expected',
    async ({ fn, action, caller, allowed, expected, payload }) => {
      await loadFixture(t)
      const before = allowed ? '' : await snapshot(t)
      const reply = await t.call<Envelope<unknown>>(fn, { action, payload }, WHO[caller])
      if (allowed) {
        expect(reply.ok ? 'ok' : reply.code === expected ? expected : `${reply.code} ${reply.message}`).toBe(expected)
      } else {
        expect(reply).toEqual({ ok: false, code: 'FORBIDDEN', message: '您没有权限进行此操作' })
        expect(await snapshot(t)).toBe(before)
      }
    },
  )
})
