// A small hand-made community (and a neighbouring one) whose every person and place a test can name.
import type { ChainDoc, RoundDoc } from '../../server/antigen/model'
import type {
  BuildingDoc,
  CommunityDoc,
  GroupDoc,
  HouseholdDoc,
  InviteDoc,
  JoinRequestDoc,
  MemberDoc,
  RoleDoc,
} from '../../server/community/model'
import { COLLECTIONS } from '../../server/collections'
import { householdId, roleId, rolePlace } from '../../server/community/ids'
import type { LedgerImportDoc } from '../../server/ledger'
import type { TestCloud } from './localcloud'
import { newChain, zeroCounts } from '../../server/antigen/rules'

const at = new Date('2026-11-01T00:00:00Z')
const caps = { online: null, testing: 5, building: 5, patrol: 5, transport: 5, emergency: 5 }

const community = (id: string, name: string): CommunityDoc => ({
  _id: id,
  name,
  settings: { groupSize: 20, volunteerCaps: caps },
  createdAt: at,
})
const group = (id: string, communityId: string, name: string, order: number): GroupDoc => ({
  _id: id,
  communityId,
  name,
  order,
})
const building = (id: string, communityId: string, groupId: string, name: string, order: number): BuildingDoc => ({
  _id: id,
  communityId,
  groupId,
  name,
  order,
})

function member(id: string, name: string, extra: Partial<MemberDoc> = {}): MemberDoc {
  return { id, name, flags: [], ...extra }
}

function household(
  b: BuildingDoc,
  room: string,
  members: MemberDoc[],
  extra: Partial<HouseholdDoc> = {},
): HouseholdDoc {
  return {
    _id: householdId(b.communityId, b._id, room),
    communityId: b.communityId,
    groupId: b.groupId,
    buildingId: b._id,
    room,
    floor: Number(room.slice(0, -2)),
    members,
    proxy: false,
    linkedOpenids: members.flatMap((m) => (m.openid ? [m.openid] : [])),
    updatedAt: at,
    ...extra,
  }
}

/** A grant as grantRole and join approval store it: the same id and top-level `communityId`. */
function role(openid: string, r: RoleDoc['role'], scope: RoleDoc['scope'], extra: Partial<RoleDoc> = {}): RoleDoc {
  return {
    _id: roleId(openid, r, rolePlace({ role: r, scope, volunteerType: extra.volunteerType })),
    openid,
    communityId: scope.communityId,
    role: r,
    scope,
    grantedBy: 'fixture',
    grantedAt: at,
    ...extra,
  }
}

function joinRequest(id: string, h: HouseholdDoc, openid: string, name: string): JoinRequestDoc {
  const memberId = h.members.find((m) => m.name === name)?.id
  return {
    _id: id,
    openid,
    communityId: h.communityId,
    groupId: h.groupId,
    buildingId: h.buildingId,
    householdId: h._id,
    room: h.room,
    name,
    ...(memberId ? { memberId } : {}),
    asProxy: false,
    inviteCode: 'FIXTURE',
    status: 'pending',
    createdAt: at,
  }
}

function invite(code: string, b: BuildingDoc): InviteDoc {
  return {
    _id: code,
    communityId: b.communityId,
    buildingId: b._id,
    maxUses: 50,
    uses: 0,
    createdBy: 'fixture',
    createdAt: at,
    expiresAt: new Date('2099-01-01T00:00:00Z'),
    revoked: false,
  }
}

/** An open antigen round (deadline far away) and its chains; `submitted` households have an 未测 entry each. */
function roundDoc(id: string, communityId: string, buildingIds: string[]): RoundDoc {
  return {
    _id: id,
    communityId,
    date: '2026-11-24',
    deadline: new Date('2099-01-01T00:00:00Z'),
    notice: '抗原自测',
    status: 'open',
    allBuildings: true,
    buildingIds,
    buildingCount: buildingIds.length,
    openedBy: 'fixture',
    openedAt: at,
  }
}

function chainDoc(roundId: string, b: BuildingDoc, ...submitted: HouseholdDoc[]): ChainDoc {
  const round = {
    _id: roundId,
    communityId: b.communityId,
    date: '2026-11-24',
    deadline: new Date('2099-01-01T00:00:00Z'),
    notice: '抗原自测',
    allBuildings: true,
    openedAt: at,
    buildingCount: 3,
  }
  const chain = newChain(round, b, '', 3)
  for (const [i, h] of submitted.entries()) {
    const members = h.members.map((m) => ({
      memberId: m.id,
      name: m.name,
      result: 'untested' as const,
      reason: '外出',
    }))
    chain.entries[h._id] = {
      no: i + 1,
      householdId: h._id,
      room: h.room,
      submittedAt: at,
      updatedAt: at,
      by: 'fixture',
      proxy: false,
      members,
      counts: { ...zeroCounts(), untested: members.length },
    }
    Object.assign(chain, { seq: i + 1, submitted: i + 1, untested: chain.untested + members.length })
  }
  return chain
}

/** A previewed import with nothing to write (the ledger tests cover real imports). */
function importDoc(id: string, communityId: string): LedgerImportDoc {
  return {
    _id: id,
    communityId,
    createdBy: 'fixture',
    createdAt: at,
    fileName: 'ledger.csv',
    status: 'previewed',
    createBuildings: false,
    rows: 0,
    households: 0,
    residents: 0,
    newBuildings: [],
    errors: [],
    done: 0,
    total: 0,
    ready: true,
    newHouseholds: 0,
    updatedHouseholds: 0,
    unchangedHouseholds: 0,
    keptMembers: [],
  }
}

/** One small ledger file per community in storage, as the import page uploads them. */
export const LEDGER_FILES: Record<string, string> = {
  c1: 'ledger/c1/fixture.csv',
  c2: 'ledger/c2/fixture.csv',
}
export const fileIdOf = (cloudPath: string) => `cloud://local.local-localcloud/${cloudPath}`
const LEDGER_CSV = '楼栋,房号,姓名,电话,出生年份,标记\n1号,101,张三,13800001111,1980,\n'

export const C1 = 'c1'
export const C2 = 'c2'
export const B = {
  b1: building('b1', C1, 'g1', '1号', 0),
  b2: building('b2', C1, 'g1', '2号', 1),
  b3: building('b3', C1, 'g2', '3号', 2),
  x1: building('x1', C2, 'gx', '1号', 0),
}
export const H = {
  b1r101: household(B.b1, '101', [
    member('m-zhang', '张三', { phone: '13800001111', birthYear: 1980, openid: 'o-zhang' }),
    member('m-li', '李四', { phone: '13800002222', birthYear: 1982 }),
  ]),
  b1r102: household(B.b1, '102', [
    member('m-wang', '王五', { phone: '13800003333', birthYear: 1940, flags: ['elderly', 'alone'] }),
  ]),
  b1r201: household(B.b1, '201', [
    member('m-zhao', '赵六', { phone: '13800004444', birthYear: 1990, openid: 'o-zhao' }),
    member('m-zhao2', '赵小六', { birthYear: 2020, flags: ['infant'] }),
  ]),
  b2r101: household(B.b2, '101', [
    member('m-qian', '钱七', { phone: '13800005555', birthYear: 1975, openid: 'o-qian' }),
  ]),
  b3r301: household(B.b3, '301', [member('m-sun', '孙八', { phone: '13800006666', birthYear: 1960, openid: 'o-sun' })]),
  x1r101: household(B.x1, '101', [
    member('m-other', '周九', { phone: '13800007777', birthYear: 1970, openid: 'o-other' }),
  ]),
}

const resident = (openid: string, h: HouseholdDoc, memberId: string) =>
  role(
    openid,
    'resident',
    { communityId: h.communityId, buildingId: h.buildingId, householdId: h._id },
    { householdId: h._id, memberId },
  )

/** Who is who: one caller per role, inside community c1 unless named otherwise. */
export const WHO = {
  stranger: 'o-stranger',
  resident: 'o-zhang', // 1号-101
  residentB2: 'o-qian', // 2号-101
  floorLead: 'o-zhao', // 1号 2层 (lives in 1号-201)
  buildingLead: 'o-lead1', // 1号
  groupLead: 'o-ying1', // 第1营 (1号, 2号)
  communityLead: 'o-tuan', // 团长
  committee: 'o-committee',
  volunteer: 'o-sun', // 运输, posts 1号 (lives in 3号-301)
  otherCommittee: 'o-committee2', // 居委 of c2
} as const

export const ROLES: RoleDoc[] = [
  resident('o-zhang', H.b1r101, 'm-zhang'),
  resident('o-zhao', H.b1r201, 'm-zhao'),
  resident('o-qian', H.b2r101, 'm-qian'),
  resident('o-sun', H.b3r301, 'm-sun'),
  resident('o-other', H.x1r101, 'm-other'),
  role(
    'o-zhao',
    'floorLead',
    { communityId: C1, buildingId: 'b1', floor: 2 },
    { householdId: H.b1r201._id, memberId: 'm-zhao' },
  ),
  role('o-lead1', 'buildingLead', { communityId: C1, buildingId: 'b1' }),
  role('o-ying1', 'groupLead', { communityId: C1, groupId: 'g1' }),
  role('o-tuan', 'communityLead', { communityId: C1 }),
  role('o-committee', 'committee', { communityId: C1 }),
  role(
    'o-sun',
    'volunteer',
    { communityId: C1 },
    { volunteerType: 'transport', posts: ['b1'], householdId: H.b3r301._id, memberId: 'm-sun' },
  ),
  role('o-committee2', 'committee', { communityId: C2 }),
  role(
    'o-other',
    'volunteer',
    { communityId: C2 },
    { volunteerType: 'emergency', householdId: H.x1r101._id, memberId: 'm-other' },
  ),
]

export function fixture(): Record<string, unknown[]> {
  const collections: Record<string, unknown[]> = Object.fromEntries(COLLECTIONS.map((c) => [c, []]))
  collections.communities = [community(C1, '测试小区'), community(C2, '别的小区')]
  collections.groups = [group('g1', C1, '第1营', 0), group('g2', C1, '第2营', 1), group('gx', C2, '第1营', 0)]
  collections.buildings = Object.values(B)
  collections.households = Object.values(H)
  collections.roles = ROLES
  collections.joinRequests = [
    joinRequest('jr-b1', H.b1r102, 'o-applicant1', '王五'),
    joinRequest('jr-b3', H.b3r301, 'o-applicant3', '孙八'),
    joinRequest('jr-x1', H.x1r101, 'o-applicantx', '周九'),
  ]
  collections.invites = [invite('INVB1AAA', B.b1), invite('INVB3AAA', B.b3), invite('INVX1AAA', B.x1)]
  collections.imports = [importDoc('imp-c1', C1), importDoc('imp-c2', C2)]
  collections.rounds = [roundDoc('r-c1', C1, ['b1', 'b2', 'b3']), roundDoc('r-c2', C2, ['x1'])]
  collections.chains = [
    chainDoc('r-c1', B.b1, H.b1r101, H.b1r201),
    chainDoc('r-c1', B.b2),
    chainDoc('r-c1', B.b3),
    chainDoc('r-c2', B.x1, H.x1r101),
  ]
  return collections
}

/** Replace all data in the emulator with the fixture (a few milliseconds). */
export async function loadFixture(t: TestCloud): Promise<void> {
  // Dates travel as EJSON through the admin import.
  const encoded = JSON.parse(
    JSON.stringify(fixture(), function (this: Record<string, unknown>, key: string, value: unknown) {
      const raw = this[key]
      return raw instanceof Date ? { $date: raw.toISOString() } : value
    }),
  ) as unknown
  const files = Object.values(LEDGER_FILES).map((p) => ({
    path: p,
    base64: Buffer.from(LEDGER_CSV).toString('base64'),
  }))
  await t.admin('import', { body: { collections: encoded, files } })
}

export async function snapshot(t: TestCloud): Promise<string> {
  const dump = await t.admin<{ collections: Record<string, unknown[]> }>('export')
  return JSON.stringify(dump.collections)
}

/** `n` more households in 1号楼 (rooms 1001, 1002 … eight a floor from the 10th), two members each, no WeChat. */
export function manyHouseholds(n: number): HouseholdDoc[] {
  return Array.from({ length: n }, (_, i) => {
    const room = `${10 + Math.floor(i / 8)}0${(i % 8) + 1}`
    return household(B.b1, room, [member(`m-a${i}`, `甲${i}`), member(`m-b${i}`, `乙${i}`)])
  })
}
