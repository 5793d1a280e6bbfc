// A deterministic demo community: the defaults mirror 钟楼新村 (135 楼道, 1,506 户, 3,400 居民, 670 aged 60+), with
// leads, 营长, 团长, 居委, volunteers, a merchant, linked WeChat users and 代管 households. The same seed and `now`
// give byte-identical data; nothing reads the clock except the default `now`. Every date is set back from `now`
// (join history in the two weeks before it, invites valid for a month after it, the live antigen round open for a
// few hours after it), and its Shanghai year is what ages are counted in: the year moves only birth years.
import type { ConsentKind, ResidentFlag, Role, Scope, VolunteerType } from '../../typings/api'
import { COLLECTIONS, type CollectionName } from '../../server/collections'
import { CONSENTS, consentHash } from '../../server/community/consent'
import { DEFAULT_GROUP_SIZE, DEFAULT_VOLUNTEER_CAPS } from '../../server/community/settings'
import { VOLUNTEER_LABELS as VOLUNTEER_LABEL } from '../../miniprogram/shared/constants'
import { FLAG_LABELS, withDerivedFlags } from '../../server/community/flags'
import { consentId, householdId, joinRequestId, roleId, rolePlace, sha256 } from '../../server/community/ids'
import { chunkIntoGroups, groupName, shortBuildingName } from '../../server/community/structure'
import { nowMs } from '../../server/kernel/clock'
import { inShanghai } from '../../server/kernel/time'
import type { ChainDoc, RoundDoc } from '../../server/antigen/model'
import type { FollowUpDoc } from '../../server/antigen/followups'
import type {
  BuildingDoc,
  CommunityDoc,
  ConsentDoc,
  GroupDoc,
  HouseholdDoc,
  InviteDoc,
  JoinRequestDoc,
  MemberDoc,
  RoleDoc,
  ZoneDoc,
} from '../../server/community/model'
import type {
  BuyDoc,
  BuyLedgerDoc,
  ComplaintDoc,
  DeliveryDoc,
  MerchantDoc,
  OrderDoc,
} from '../../server/groupbuy/model'
import type {
  DeliveryBuildingDoc,
  DeliveryProblemDoc,
  DeliveryStopDoc,
  DeliveryTripDoc,
  RelayDeliveryDoc,
} from '../../server/delivery/model'
import type { CareCheckDoc, CareStatusDoc } from '../../server/care/model'
import { demoCare, type CareDemo } from './care'
import { demoCallup } from './callup'
import type { RegisterEntryDoc, RegisterTypeDoc } from '../../server/registers/model'
import type { NeedDoc } from '../../server/needs/model'
import { demoNeeds } from './needs'
import { demoAntigen, type DemoFile, type DemoRoundSummary } from './antigen'
import { demoGroupBuys, type DemoGroupBuySummary } from './groupbuy'
import { demoRegisters } from './registers'
import { givenName, surname, type Sex } from './names'
import { createRng, hashInt, type Rng } from './random'

export interface DemoOptions {
  seed?: string | number
  communityId?: string
  name?: string
  district?: string
  buildings?: number
  households?: number
  residents?: number
  /** Residents aged 60 or more in `year`. */
  elderly?: number
  /**
   * The instant the demo is dated from (ms since the epoch); defaults to the kernel clock's now. Its Shanghai
   * calendar year is the one ages are counted in, as the product counts.
   */
  now?: number
  /** Start of every generated openid; defaults to `demo` for 钟楼新村, else the community id without `c-`. */
  openidPrefix?: string
  /**
   * Antigen rounds (a live one and yesterday's closed one, with kit photos); default: for 钟楼新村 only, so that
   * 示范二村 stays a community without rounds.
   */
  antigen?: boolean
  /**
   * Group buys (an open sale, yesterday's closed one with a complaint and its delivery relayed, a drop opening tomorrow, a second shop's
   * application waiting); default: for 钟楼新村 only. Every community's merchant has its approved application.
   */
  groupBuys?: boolean
  /** The livelihood registers (the starter set with the flagged households); default: for 钟楼新村 only. */
  registers?: boolean
  /** The localcloud environment the photos are stored in (their fileIDs name it); default `local`. */
  storageEnv?: string
}

export const DEMO_COMMUNITY = {
  communityId: 'c-zhonglou',
  name: '钟楼新村',
  district: '上海市金山区朱泾镇',
  buildings: 135,
  households: 1506,
  residents: 3400,
  elderly: 670,
} as const

/** A second, small community, so that tests can check nothing leaks between communities. */
export const SECOND_DEMO_COMMUNITY = {
  communityId: 'c-demo-2',
  name: '示范二村',
  buildings: 8,
  households: 80,
  residents: 180,
  elderly: 30,
  seed: 2,
} as const

/** A new community's defaults (server/community/settings.ts), which the demo keeps. */
export const GROUP_SIZE = DEFAULT_GROUP_SIZE
export const VOLUNTEER_TYPES: readonly VolunteerType[] = [
  'online',
  'testing',
  'building',
  'patrol',
  'transport',
  'emergency',
]
export const VOLUNTEER_CAPS: Record<VolunteerType, number | null> = DEFAULT_VOLUNTEER_CAPS
const ROLES: readonly Role[] = [
  'resident',
  'floorLead',
  'buildingLead',
  'groupLead',
  'communityLead',
  'committee',
  'merchant',
  'volunteer',
]
const FLAGS: readonly ResidentFlag[] = ['elderly', 'alone', 'mobility', 'chronic', 'pregnant', 'infant']
/** Share of households with no WeChat member at all (代管 candidates), and the share of those managed by someone. */
const UNLINKED_SHARE = 0.1
const PROXY_SHARE = 0.5
const COMMITTEE_STAFF = 6
/** The alphabet of `inviteCode()`: no 0/O, 1/I/L. */
const INVITE_ALPHABET = [...'23456789ABCDEFGHJKMNPQRSTUVWXYZ']

export type DemoDoc = { _id: string }

export interface DemoCollections extends Record<CollectionName, DemoDoc[]> {
  communities: CommunityDoc[]
  zones: ZoneDoc[]
  groups: GroupDoc[]
  buildings: BuildingDoc[]
  households: HouseholdDoc[]
  roles: RoleDoc[]
  invites: InviteDoc[]
  joinRequests: JoinRequestDoc[]
  consents: ConsentDoc[]
  rounds: RoundDoc[]
  chains: ChainDoc[]
  followUps: FollowUpDoc[]
  merchants: MerchantDoc[]
  complaints: ComplaintDoc[]
  buys: BuyDoc[]
  buyLedgers: BuyLedgerDoc[]
  orders: OrderDoc[]
  deliveries: (DeliveryDoc | RelayDeliveryDoc)[]
  deliveryStops: DeliveryStopDoc[]
  deliveryBuildings: DeliveryBuildingDoc[]
  deliveryTrips: DeliveryTripDoc[]
  deliveryProblems: DeliveryProblemDoc[]
  careChecks: CareCheckDoc[]
  careStatus: CareStatusDoc[]
  registerTypes: RegisterTypeDoc[]
  registerEntries: RegisterEntryDoc[]
  needs: NeedDoc[]
}

export interface DemoIdentity {
  openid: string
  communityId: string
  communityName: string
  /** `applicant`: has asked to join (or, a shop, to sell) and holds no grant yet. */
  role: Role | 'applicant'
  volunteerType?: VolunteerType
  /** 「楼组长」-style label. */
  label: string
  /** 「1号-101」, 「第1营」, 「1号–4号」… */
  place: string
  /** The resident's name, for identities who live in the community. */
  name?: string
  householdId?: string
  /** What to try as this person. */
  try: string
  /** A call to make as this person through the client gateway. */
  example: { action: string; payload: Record<string, unknown> }
}

export interface DemoSummary {
  communityId: string
  name: string
  /** The instant every date of the data was set back from (ISO). */
  datedFrom: string
  seed: string
  year: number
  buildings: number
  groups: number
  zones: number
  households: number
  residents: number
  elderly: number
  /** Households with at least one member linked to WeChat. */
  linkedHouseholds: number
  /** Households with no WeChat member; `proxyHouseholds` of them are managed by a lead or relative (代管). */
  unlinkedHouseholds: number
  proxyHouseholds: number
  linkedResidents: number
  /** A building-wide invite for 1号 that anyone may use to try joining. */
  inviteCode?: string
  flags: Record<ResidentFlag, number>
  roles: Record<Role, number>
  volunteers: Record<VolunteerType, number>
  documents: Record<CollectionName, number>
  /** Photos in storage (kits, licences and certificates, a complaint's). */
  files: number
  /** The antigen rounds: the live one first, then yesterday's closed one; empty without rounds. */
  rounds: DemoRoundSummary[]
  /** Merchants, and the buys with their orders (none but the merchant's application without group buys). */
  groupBuys: DemoGroupBuySummary
  /** Care contacts: flagged people, how many were checked, checks, overdue now, last 联系不上, alerts sent. */
  care: CareDemo['summary']
}

export interface DemoData {
  collections: DemoCollections
  /** Stored files (the kit photos), each owned by the client that uploaded it. */
  files: DemoFile[]
  identities: DemoIdentity[]
  summary: DemoSummary
}

export interface DemoDataset {
  collections: DemoCollections
  files: DemoFile[]
  identities: DemoIdentity[]
  summaries: DemoSummary[]
}

export type { DemoFile, DemoRoundSummary, DemoGroupBuySummary }

interface Person {
  sex: Sex
  surname: string
  age: number
  id: string
  name: string
  flags: ResidentFlag[]
  phone?: string
  openid?: string
}

interface Home {
  building: number
  room: string
  floor: number
  id: string
  people: Person[]
  proxy: boolean
  proxyHolder?: string
}

interface Resident {
  home: Home
  person: Person
}

type Draft = Pick<Person, 'sex' | 'age' | 'surname'>

const pad = (n: number, width: number) => String(n).padStart(width, '0')

/**
 * The place part of a role id (`roleId(openid, role, placeKey)`), as the community function's grantRole and join
 * approval compute it, so that granting the same post again finds the demo's document.
 */
export const placeKeyOf = rolePlace

/** The calendar year in Shanghai at an instant: what the product counts 60岁以上 against. */
export const shanghaiYear = (at: number) => inShanghai(at).year()

export function generateDemo(options: DemoOptions = {}): DemoData {
  const communityId = options.communityId ?? DEMO_COMMUNITY.communityId
  const isDefault = communityId === DEMO_COMMUNITY.communityId
  const name = options.name ?? (isDefault ? DEMO_COMMUNITY.name : communityId)
  const district = options.district ?? (isDefault ? DEMO_COMMUNITY.district : undefined)
  const buildingCount = options.buildings ?? DEMO_COMMUNITY.buildings
  const householdCount = options.households ?? DEMO_COMMUNITY.households
  const residentCount = options.residents ?? DEMO_COMMUNITY.residents
  const elderlyCount = options.elderly ?? DEMO_COMMUNITY.elderly
  const datedFrom = options.now ?? nowMs()
  const year = shanghaiYear(datedFrom)
  const seed = String(options.seed ?? communityId)
  const prefix =
    options.openidPrefix ?? (isDefault ? 'demo' : communityId.replace(/^c-/, '').replace(/[^a-z0-9]/gi, ''))
  validate({ buildingCount, householdCount, residentCount, elderlyCount, year })

  // Ages are drawn, birth years follow from `year`: ids, rooms and names stay the same from one year to the next.
  const root = createRng(`${seed}|${communityId}`)
  const friendly = (what: string) => `${prefix}-${what}`
  const committeeOpenid = (i: number) => friendly(`committee-${i}`)

  // ---------- structure ----------
  const buildings: BuildingDoc[] = []
  const groups: GroupDoc[] = []
  const buildingNames = Array.from({ length: buildingCount }, (_, i) => `${i + 1}号`)
  chunkIntoGroups(buildingNames, GROUP_SIZE).forEach((names, g) => {
    const groupId = `${communityId}-g${g + 1}`
    groups.push({ _id: groupId, communityId, name: groupName(g), order: g })
    for (const n of names)
      buildings.push({
        _id: `${communityId}-b${buildings.length + 1}`,
        communityId,
        groupId,
        name: n,
        order: buildings.length,
      })
  })
  const buildingOf = (home: Home) => buildings[home.building] as BuildingDoc

  // ---------- rooms and households ----------
  const homes = placeHouseholds(root.fork('layout'), buildingCount, householdCount).map(
    ({ building, floor, room }): Home => ({
      building,
      floor,
      room,
      id: householdId(communityId, (buildings[building] as BuildingDoc)._id, room),
      people: [],
      proxy: false,
    }),
  )
  const sizes = householdSizes(root.fork('sizes'), homes.length, residentCount)
  const familyRng = root.fork('families')
  homes.forEach((home, i) => {
    home.people = makeFamily(familyRng, sizes[i] as number).map((d) => ({ ...d, id: '', name: '', flags: [] }))
  })
  adjustElderly(root.fork('elderly'), homes, elderlyCount)
  ensureInfant(root.fork('infant'), homes)
  describePeople(root.fork('people'), homes, year)

  // ---------- WeChat users ----------
  const unlinked = chooseUnlinked(root.fork('unlinked'), homes, buildingCount)
  const linkRng = root.fork('link')
  for (const home of homes) {
    if (unlinked.has(home)) continue
    const short = shortBuildingName(buildingOf(home).name)
    const chosen = home.people.filter((p) => linkRng.chance(linkChance(p.age)))
    if (chosen.length === 0) chosen.push(home.people.reduce((a, b) => (linkChance(b.age) > linkChance(a.age) ? b : a)))
    let n = 0
    for (const p of home.people) if (chosen.includes(p)) p.openid = `${prefix}-r-${short}-${home.room}-${++n}`
  }
  assignPhones(root.fork('phones'), homes, isDefault ? 0 : 1 + (hashInt(communityId) % 998))

  // ---------- people with a post ----------
  const residents: Resident[] = homes.flatMap((home) =>
    home.people.filter((p) => p.openid).map((person) => ({ home, person })),
  )
  const inBuilding: Resident[][] = buildings.map(() => [])
  for (const r of residents) inBuilding[r.home.building]?.push(r)
  const taken = new Set<Person>()
  const pickRng = root.fork('posts')
  const pick = (pool: readonly Resident[], prefer: (r: Resident) => boolean = () => true): Resident | undefined => {
    const order = pickRng.shuffle(pool)
    const found =
      order.find((r) => !taken.has(r.person) && prefer(r)) ??
      order.find((r) => !taken.has(r.person)) ??
      order.find(prefer) ??
      order[0]
    if (found) taken.add(found.person)
    return found
  }
  const working = (r: Resident) => r.person.age >= 25 && r.person.age <= 68
  // A fallback pick may return someone who already has a memorable openid: they keep it.
  const rename = (r: Resident | undefined, what: string) => {
    if (r?.person.openid?.startsWith(`${prefix}-r-`)) r.person.openid = friendly(what)
  }

  const buildingLeads = buildings.map((_, b) =>
    pick(inBuilding[b] ?? [], (r) => r.person.age >= 32 && r.person.age <= 66),
  )
  const lead1 = buildingLeads[0]
  rename(lead1, 'lead-1')

  // An ordinary resident of 1号 in a household of 2+, who holds no other post.
  const resident1 = pick(
    residents,
    (r) =>
      r.home.building === 0 &&
      r.home.people.length >= 2 &&
      r.home !== lead1?.home &&
      r.person.age >= 25 &&
      r.person.age < 60,
  )
  rename(resident1, 'resident-1')

  const elderly1 = pickLivingAlone(homes, taken)
  if (elderly1) {
    unlinked.delete(elderly1.home)
    elderly1.person.openid = friendly('elderly-1')
    if (!residents.includes(elderly1)) residents.push(elderly1)
  }

  const online = buildings.map((_, b) => pick(inBuilding[b] ?? [], working))
  const online1 = online[0]
  rename(online1, 'volunteer-online-1')

  const groupLeads = groups.map((group) =>
    pick(residents, (r) => buildingOf(r.home).groupId === group._id && working(r)),
  )
  const groupLead1 = groupLeads[0]
  rename(groupLead1, 'group-lead-1')

  const communityLeads = Array.from({ length: buildingCount >= 40 ? 2 : 1 }, () =>
    pick(residents, (r) => r.person.age >= 35 && r.person.age <= 66),
  )
  const communityLead1 = communityLeads[0]
  rename(communityLead1, 'community-lead-1')

  // A few floor leads, in the taller buildings.
  const floorLeadCount = Math.max(1, Math.round(buildingCount / 15))
  const tallest = pickRng
    .shuffle(buildings.map((_, b) => b))
    .sort((a, b) => maxFloor(homes, b) - maxFloor(homes, a))
    .slice(0, floorLeadCount)
    .sort((a, b) => a - b)
  const floorLeads = tallest.map((b) => pick(inBuilding[b] ?? [], working))

  // Fixed posts (定岗): each volunteer covers a few neighbouring buildings and lives in one of them.
  const volunteers: { type: VolunteerType; resident: Resident; posts: number[] }[] = []
  online.forEach((r, b) => r && volunteers.push({ type: 'online', resident: r, posts: [b] }))
  for (const type of VOLUNTEER_TYPES) {
    if (type === 'online') continue
    const count = Math.min(pickRng.int(3, 5), VOLUNTEER_CAPS[type] ?? Infinity)
    const span = buildingCount / count
    for (let j = 0; j < count; j++) {
      const width = Math.min(buildingCount, pickRng.int(3, 5))
      const slack = Math.max(0, Math.floor(span) - width)
      const start =
        type === 'transport' && j === 0
          ? 0
          : Math.min(buildingCount - width, Math.floor(j * span) + pickRng.int(0, slack))
      const posts = Array.from({ length: width }, (_, k) => start + k)
      const resident = pick(residents, (r) => posts.includes(r.home.building) && working(r))
      if (!resident) continue
      if (type === 'transport' && j === 0) rename(resident, 'volunteer-transport-1')
      // A 楼栋 volunteer helps the doors of one building: their own.
      volunteers.push({ type, resident, posts: type === 'building' ? [resident.home.building] : posts })
    }
  }

  // 代管: the building lead manages most such households; a relative living elsewhere manages the rest.
  const proxyRng = root.fork('proxy')
  const proxyCount = Math.round(unlinked.size * PROXY_SHARE)
  const unlinkedHomes = homes.filter((h) => unlinked.has(h))
  const [firstInB1, secondInB1] = unlinkedHomes.filter((h) => h.building === 0)
  const proxied = [
    ...(firstInB1 ? [firstInB1] : []),
    ...proxyRng.shuffle(unlinkedHomes.filter((h) => h !== firstInB1 && h !== secondInB1)),
  ].slice(0, proxyCount)
  for (const home of proxied) {
    home.proxy = true
    const lead = buildingLeads[home.building]
    home.proxyHolder =
      lead?.person.openid && (home === firstInB1 || proxyRng.chance(0.6))
        ? lead.person.openid
        : `${prefix}-p-${shortBuildingName(buildingOf(home).name)}-${home.room}`
  }

  // ---------- documents ----------
  const timeRng = root.fork('time')
  // Two weeks before `now` (on a whole minute), so that demo dates are never in the future.
  const base = Math.floor(datedFrom / 60_000) * 60_000 - 14 * 24 * 3600_000 + timeRng.int(0, 8 * 60) * 60_000
  const at = (ms: number) => new Date(base + ms)
  const MINUTE = 60_000
  const DAY = 24 * 60 * MINUTE

  const community: CommunityDoc = {
    _id: communityId,
    name,
    ...(district ? { district } : {}),
    settings: { groupSize: GROUP_SIZE, volunteerCaps: { ...VOLUNTEER_CAPS } },
    createdAt: at(0),
  }

  const households: HouseholdDoc[] = homes.map((home) => {
    const b = buildingOf(home)
    const members: MemberDoc[] = home.people.map((p) => ({
      id: p.id,
      name: p.name,
      ...(p.phone ? { phone: p.phone } : {}),
      birthYear: year - p.age,
      flags: p.flags,
      ...(p.openid ? { openid: p.openid } : {}),
    }))
    const linkedOpenids = [
      ...members.flatMap((m) => (m.openid ? [m.openid] : [])),
      ...(home.proxyHolder ? [home.proxyHolder] : []),
    ]
    return {
      _id: home.id,
      communityId,
      groupId: b.groupId,
      buildingId: b._id,
      room: home.room,
      floor: home.floor,
      members,
      proxy: home.proxy,
      linkedOpenids,
      updatedAt: at(2 * 60 * MINUTE),
    }
  })

  const roles: RoleDoc[] = []
  const roleIds = new Set<string>()
  let seq = 0
  const staffAt = () => at(DAY + ++seq * MINUTE)
  type Extra = Pick<RoleDoc, 'volunteerType' | 'posts' | 'proxy' | 'householdId' | 'memberId' | 'holderName'>
  const grant = (openid: string, role: Role, scope: Scope, extra: Extra, by: string, when: Date) => {
    const _id = roleId(openid, role, placeKeyOf({ role, scope, volunteerType: extra.volunteerType }))
    if (roleIds.has(_id)) return
    roleIds.add(_id)
    roles.push({ _id, openid, communityId, role, scope, ...extra, grantedBy: by, grantedAt: when })
  }
  /** A post given by the committee to a resident, on the day after the ledger was imported. */
  const post = (r: Resident | undefined, role: Role, scope: Scope, extra: Extra = {}) => {
    if (!r?.person.openid) return
    const person = { householdId: r.home.id, memberId: r.person.id }
    grant(r.person.openid, role, scope, { ...extra, ...person }, committeeOpenid(1), staffAt())
  }

  // Committee staff and the merchant live elsewhere: no household names them, the name is on the role (as
  // bootstrap's --committee-name and the roles page's 填写姓名 write it). Their own stream: nothing else moves.
  const staffRng = root.fork('staff')
  const staffName = () => {
    const sex: Sex = staffRng.chance(0.5) ? 'm' : 'f'
    return `${surname(staffRng)}${givenName(staffRng, sex, staffRng.int(30, 56))}`
  }
  for (let i = 1; i <= COMMITTEE_STAFF; i++)
    grant(
      committeeOpenid(i),
      'committee',
      { communityId },
      { holderName: staffName() },
      committeeOpenid(1),
      at(i * MINUTE),
    )
  for (const r of communityLeads) post(r, 'communityLead', { communityId })
  groupLeads.forEach((r, g) => {
    const groupId = (groups[g] as GroupDoc)._id
    post(r, 'groupLead', { communityId, groupId })
  })
  buildingLeads.forEach((r, b) => {
    const buildingId = (buildings[b] as BuildingDoc)._id
    post(r, 'buildingLead', { communityId, buildingId })
  })
  for (const r of floorLeads) {
    if (!r) continue
    const buildingId = buildingOf(r.home)._id
    post(r, 'floorLead', { communityId, buildingId, floor: r.home.floor })
  }
  for (const v of volunteers) {
    const posts = v.posts.map((b) => (buildings[b] as BuildingDoc)._id)
    post(v.resident, 'volunteer', { communityId }, { volunteerType: v.type, posts })
  }
  grant(friendly('merchant-1'), 'merchant', { communityId }, { holderName: staffName() }, committeeOpenid(1), staffAt())

  // Residents joined over the following days; their building lead approved each request.
  const joinedAt = new Map<string, Date>()
  for (const home of homes) {
    const b = buildingOf(home)
    const leadOpenid = buildingLeads[home.building]?.person.openid
    const scope = { communityId, buildingId: b._id, householdId: home.id }
    for (const p of home.people) {
      if (!p.openid) continue
      const when = at(2 * DAY + timeRng.int(0, 10 * 24 * 60) * MINUTE)
      const by = leadOpenid && leadOpenid !== p.openid ? leadOpenid : committeeOpenid(1)
      grant(p.openid, 'resident', scope, { householdId: home.id, memberId: p.id }, by, when)
      if (!joinedAt.has(p.openid)) joinedAt.set(p.openid, when)
    }
    if (home.proxyHolder) {
      const when = at(2 * DAY + timeRng.int(0, 10 * 24 * 60) * MINUTE)
      const by = leadOpenid && leadOpenid !== home.proxyHolder ? leadOpenid : committeeOpenid(1)
      grant(home.proxyHolder, 'resident', scope, { proxy: true, householdId: home.id }, by, when)
      if (!joinedAt.has(home.proxyHolder)) joinedAt.set(home.proxyHolder, when)
    }
  }

  // Joining needs the personal-information consent; most also gave the separate health consent.
  const consents: ConsentDoc[] = []
  const consent = (openid: string, kind: ConsentKind, acceptedAt: Date) =>
    consents.push({
      _id: consentId(openid, kind, CONSENTS[kind].version),
      openid,
      kind,
      version: CONSENTS[kind].version,
      textHash: consentHash(kind),
      acceptedAt,
    })
  const transport1 = volunteers.find((v) => v.type === 'transport')
  const friendlyOpenids = new Set(
    [lead1, resident1, elderly1, online1, groupLead1, communityLead1, transport1?.resident].map(
      (r) => r?.person.openid,
    ),
  )
  const healthConsent = new Set<string>()
  for (const [openid, when] of joinedAt) {
    const acceptedAt = new Date(when.getTime() - 2 * MINUTE)
    consent(openid, 'personal', acceptedAt)
    if (friendlyOpenids.has(openid) || timeRng.chance(0.8)) {
      consent(openid, 'health', acceptedAt)
      healthConsent.add(openid)
    }
  }
  // Submissions read the health consent from the resident grants, where accepting it records it too
  // (recordConsent in cloudfunctions/community/src/identity.ts).
  for (const r of roles)
    if (r.role === 'resident' && healthConsent.has(r.openid)) r.healthConsent = CONSENTS.health.version

  // 1号 has a building-wide invite, and a relative of the household nobody manages yet waits for the lead's approval
  // to manage it (代管): the whole onboarding flow can be tried on the demo.
  const b1 = buildings[0] as BuildingDoc
  const inviteRng = root.fork('invite')
  const invite: InviteDoc = {
    _id: Array.from({ length: 8 }, () => inviteRng.pick(INVITE_ALPHABET)).join(''),
    communityId,
    buildingId: b1._id,
    maxUses: 50,
    uses: 0,
    createdBy: lead1?.person.openid ?? committeeOpenid(1),
    createdAt: at(2 * DAY),
    expiresAt: new Date(datedFrom + 30 * DAY),
    revoked: false,
  }
  const joinRequests: JoinRequestDoc[] = []
  const applicantOpenid = friendly('applicant-1')
  const eldest = secondInB1?.people.reduce((a, b) => (b.age > a.age ? b : a))
  if (secondInB1 && eldest) {
    const family = eldest.sex === 'm' ? eldest.surname : surname(inviteRng)
    joinRequests.push({
      _id: joinRequestId(applicantOpenid, secondInB1.id),
      openid: applicantOpenid,
      communityId,
      groupId: b1.groupId,
      buildingId: b1._id,
      householdId: secondInB1.id,
      room: secondInB1.room,
      name: family + givenName(inviteRng, 'f', Math.max(25, eldest.age - 30)),
      asProxy: true,
      inviteCode: invite._id,
      status: 'pending',
      createdAt: at(13 * DAY),
    })
    invite.uses = 1
    consent(applicantOpenid, 'personal', at(13 * DAY - 2 * MINUTE))
  }

  // ---------- group buys: the merchant's approval (its grant as approval writes it), and 钟楼新村's buys ----------
  const merchantOpenid = friendly('merchant-1')
  const groupBuys = demoGroupBuys({
    rng: root.fork('groupbuy'),
    now: datedFrom,
    env: options.storageEnv ?? 'local',
    community,
    buildings,
    households,
    roles,
    committeeOpenid: committeeOpenid(1),
    merchantOpenid,
    ...((options.groupBuys ?? isDefault)
      ? { full: { applicantOpenid: friendly('merchant-2'), noOrder: resident1 ? [resident1.home.id] : [] } }
      : {}),
  })
  const merchantAt = roles.findIndex((r) => r.openid === merchantOpenid && r.role === 'merchant')
  roles[merchantAt] = groupBuys.merchantRole

  const collections = emptyCollections()
  collections.communities.push(community)
  collections.groups.push(...groups)
  collections.buildings.push(...buildings)
  collections.households.push(...households)
  collections.roles.push(...roles)
  collections.invites.push(invite)
  collections.joinRequests.push(...joinRequests)
  collections.consents.push(...consents)

  // ---------- antigen rounds ----------
  const files: DemoFile[] = []
  let rounds: DemoRoundSummary[] = []
  if (options.antigen ?? isDefault) {
    const antigen = demoAntigen({
      rng: root.fork('antigen'),
      now: datedFrom,
      env: options.storageEnv ?? 'local',
      community,
      buildings,
      groups,
      zones: collections.zones,
      households,
      roles,
      openedBy: committeeOpenid(1),
      healthConsent,
      tryBuildingId: b1._id,
      unsubmitted: resident1 ? [resident1.home.id] : [],
      abnormalBuildingId: (buildings[1] ?? b1)._id,
    })
    collections.rounds.push(...antigen.rounds)
    collections.chains.push(...antigen.chains)
    collections.followUps.push(...antigen.followUps)
    files.push(...antigen.files)
    rounds = antigen.summaries
  }
  collections.merchants.push(...groupBuys.merchants)
  collections.complaints.push(...groupBuys.complaints)
  collections.buys.push(...groupBuys.buys)
  collections.buyLedgers.push(...groupBuys.buyLedgers)
  collections.orders.push(...groupBuys.orders)
  collections.deliveries.push(...groupBuys.deliveries)
  collections.deliveryStops.push(...groupBuys.deliveryStops)
  collections.deliveryBuildings.push(...groupBuys.deliveryBuildings)
  collections.deliveryTrips.push(...groupBuys.deliveryTrips)
  collections.deliveryProblems.push(...groupBuys.deliveryProblems)
  files.push(...groupBuys.files)
  // A morning's needs in the first buildings, in each state (scripts/demo/needs.ts).
  collections.needs.push(...demoNeeds({ now: datedFrom, buildings, households, roles }))

  // ---------- care: the last three days of contacts with the flagged residents (scripts/demo/care.ts) ----------
  const memberNames = new Map(households.flatMap((h) => h.members.map((m) => [`${h._id}:${m.id}`, m.name] as const)))
  const care = demoCare({
    rng: root.fork('care'),
    now: datedFrom,
    buildings,
    households,
    roles,
    nameOf: (r) => memberNames.get(`${r.householdId ?? ''}:${r.memberId ?? ''}`) ?? r.holderName ?? '志愿者',
  })
  collections.careChecks.push(...care.careChecks)
  collections.careStatus.push(...care.careStatus)
  // ---------- livelihood registers: the starter set with the flagged households (钟楼新村 only) ----------
  if (options.registers ?? isDefault) {
    const registers = demoRegisters({
      communityId,
      buildings,
      households,
      committee: {
        openid: committeeOpenid(1),
        name: roles.find((r) => r.openid === committeeOpenid(1) && r.holderName)?.holderName ?? '居委',
      },
      now: datedFrom,
    })
    collections.registerTypes.push(...registers.types)
    collections.registerEntries.push(...registers.entries)
  }

  // ---------- testing call-up: this morning's session under way (钟楼新村 only) ----------
  if (isDefault) {
    const callup = demoCallup({
      now: datedFrom,
      communityId,
      buildings: [...buildings].sort((a, b) => a.order - b.order),
      households,
      roles,
      committeeOpenid: committeeOpenid(1),
      skippedBuildingId: (buildings[1] ?? b1)._id,
    })
    collections.callupSessions.push(...callup.callupSessions)
    collections.callupBuildings.push(...callup.callupBuildings)
    collections.callupCalls.push(...callup.callupCalls)
    collections.callupPoints.push(...callup.callupPoints)
  }

  // ---------- identities ----------
  const identities: DemoIdentity[] = []
  const base1 = { communityId, communityName: name }
  const placeOf = (r: Resident) => `${buildingOf(r.home).name}-${r.home.room}`
  const personOf = (r: Resident) => ({ name: r.person.name, householdId: r.home.id })
  identities.push({
    ...base1,
    openid: committeeOpenid(1),
    role: 'committee',
    label: '居委',
    place: '全小区',
    try: `看全小区 ${groups.length} 个营、${buildings.length} 个楼道的结构和人数；listRoles 看所有岗位；sheets 函数的 exportLedger 导出台账`,
    example: { action: 'structure', payload: { communityId } },
  })
  if (communityLead1)
    identities.push({
      ...base1,
      ...personOf(communityLead1),
      openid: communityLead1.person.openid as string,
      role: 'communityLead',
      label: '团长',
      place: '全小区',
      try: '看全小区结构和各营、各楼道人数；可任命营长、楼组长、志愿者（grantRole）',
      example: { action: 'structure', payload: { communityId } },
    })
  if (groupLead1)
    identities.push({
      ...base1,
      ...personOf(groupLead1),
      openid: groupLead1.person.openid as string,
      role: 'groupLead',
      label: '营长',
      place: (groups[0] as GroupDoc).name,
      try: `营长：whoami 看岗位「${(groups[0] as GroupDoc).name}」，本人住 ${placeOf(groupLead1)}`,
      example: { action: 'whoami', payload: {} },
    })
  if (lead1)
    identities.push({
      ...base1,
      ...personOf(lead1),
      openid: lead1.person.openid as string,
      role: 'buildingLead',
      label: '楼组长',
      place: b1.name,
      try: `看${b1.name}住户名册、没有微信的代管户和待审核的加入申请；生成邀请码`,
      example: { action: 'buildingRoster', payload: { buildingId: b1._id } },
    })
  if (resident1)
    identities.push({
      ...base1,
      ...personOf(resident1),
      openid: resident1.person.openid as string,
      role: 'resident',
      label: '居民',
      place: placeOf(resident1),
      try: `看自己一户（${resident1.home.people.length} 人）；邻居在名册里只看到打码姓名`,
      example: { action: 'myHousehold', payload: { householdId: resident1.home.id } },
    })
  if (elderly1)
    identities.push({
      ...base1,
      ...personOf(elderly1),
      openid: elderly1.person.openid as string,
      role: 'resident',
      label: '独居老人',
      place: placeOf(elderly1),
      try: `${elderly1.person.age} 岁，特殊人群：${elderly1.person.flags.map((f) => FLAG_LABELS[f]).join('、')}；楼组长名册里标为特殊户`,
      example: { action: 'myHousehold', payload: { householdId: elderly1.home.id } },
    })
  if (transport1)
    identities.push({
      ...base1,
      ...personOf(transport1.resident),
      openid: transport1.resident.person.openid as string,
      role: 'volunteer',
      volunteerType: 'transport',
      label: '运输志愿者',
      place: postsLabel(transport1.posts.map((b) => (buildings[b] as BuildingDoc).name)),
      try: '定岗负责这几个楼道的接力配送；whoami 看岗位和负责楼栋',
      example: { action: 'whoami', payload: {} },
    })
  if (online1)
    identities.push({
      ...base1,
      ...personOf(online1),
      openid: online1.person.openid as string,
      role: 'volunteer',
      volunteerType: 'online',
      label: '云上志愿者',
      place: b1.name,
      try: `接${b1.name}居民的线上求助；whoami 看岗位`,
      example: { action: 'whoami', payload: {} },
    })
  // The other kinds of volunteer, one each, so every role can be tried (the preview lists them).
  for (const type of VOLUNTEER_TYPES) {
    if (type === 'transport' || type === 'online') continue
    const v = volunteers.find((x) => x.type === type)
    if (!v?.resident.person.openid) continue
    identities.push({
      ...base1,
      ...personOf(v.resident),
      openid: v.resident.person.openid,
      role: 'volunteer',
      volunteerType: type,
      label: `${VOLUNTEER_LABEL[type]}志愿者`,
      place: postsLabel(v.posts.map((b) => (buildings[b] as BuildingDoc).name)),
      try: `定岗负责这几个楼道的${VOLUNTEER_LABEL[type]}；whoami 看岗位和负责楼栋`,
      example: { action: 'whoami', payload: {} },
    })
  }
  const floorLead1 = floorLeads.find((r) => r?.person.openid)
  if (floorLead1)
    identities.push({
      ...base1,
      ...personOf(floorLead1),
      openid: floorLead1.person.openid as string,
      role: 'floorLead',
      label: '层长',
      place: `${buildingOf(floorLead1.home).name} ${floorLead1.home.floor}层`,
      try: `确认本层的抗原接龙（${buildingOf(floorLead1.home).name} ${floorLead1.home.floor}层），楼组长再确认全楼`,
      example: { action: 'whoami', payload: {} },
    })
  // A relative living elsewhere who manages (代管) an elderly household with nobody on WeChat.
  const elderlyProxied = homes.find(
    (h) => h.proxy && h.proxyHolder?.startsWith(`${prefix}-p-`) && h.people.some((p) => p.age >= 60),
  )
  if (elderlyProxied?.proxyHolder)
    identities.push({
      ...base1,
      openid: elderlyProxied.proxyHolder,
      role: 'resident',
      label: '老人的家属（代管）',
      place: `${buildingOf(elderlyProxied).name}-${elderlyProxied.room}`,
      householdId: elderlyProxied.id,
      try: `不住在本小区，替 ${buildingOf(elderlyProxied).name}-${elderlyProxied.room} 家中老人报抗原、看通知（家里没有人用微信）`,
      example: { action: 'myHousehold', payload: { householdId: elderlyProxied.id } },
    })
  const [openSale] = groupBuys.summary.buys
  identities.push({
    ...base1,
    openid: merchantOpenid,
    role: 'merchant',
    label: '商家',
    place: '全小区',
    try: `核查准入的商家（${groupBuys.merchantRole.holderName}）：whoami 看到「商家」岗位；${openSale ? `「${openSale.title}」正在接龙，` : ''}团购开团、采购单和分楼道分拣单由它发起`,
    example: { action: 'whoami', payload: {} },
  })
  const applicant = groupBuys.merchants.find((m) => m.status === 'pending')
  if (applicant)
    identities.push({
      ...base1,
      openid: applicant.openid,
      role: 'applicant',
      label: '申请入驻的商家',
      place: '全小区',
      try: `「${applicant.shopName}」已提交入驻申请（营业执照、食品经营许可证、健康证照片），等居委在「商家审核」页通过或退回`,
      example: { action: 'whoami', payload: {} },
    })
  const request = joinRequests[0]
  if (request)
    identities.push({
      ...base1,
      openid: applicantOpenid,
      role: 'applicant',
      label: '申请代管的家属',
      place: `${b1.name}-${request.room}`,
      name: request.name,
      householdId: request.householdId,
      try: `已用邀请码 ${invite._id} 申请代管 ${b1.name}-${request.room}（家中没有微信），等 ${lead1?.person.openid ?? '楼组长'} 审核（listJoinRequests / decideJoin）`,
      example: { action: 'myJoinRequests', payload: {} },
    })

  const summary = summarise(collections, {
    communityId,
    name,
    seed,
    year,
    datedFrom: new Date(datedFrom).toISOString(),
    inviteCode: invite._id,
    files: files.length,
    rounds,
    groupBuys: groupBuys.summary,
    care: care.summary,
  })
  return { collections, files, identities, summary }
}

/** Both demo communities: 钟楼新村 and the small 示范二村. */
export function demoDataset(options: { now?: number; storageEnv?: string } = {}): DemoDataset {
  const at = options.now ?? nowMs()
  const env = options.storageEnv === undefined ? {} : { storageEnv: options.storageEnv }
  const parts = [generateDemo({ now: at, ...env }), generateDemo({ ...SECOND_DEMO_COMMUNITY, now: at, ...env })]
  const collections = emptyCollections()
  for (const part of parts)
    for (const name of COLLECTIONS) (collections[name] as DemoDoc[]).push(...part.collections[name])
  return {
    collections,
    files: parts.flatMap((p) => p.files),
    identities: parts.flatMap((p) => p.identities),
    summaries: parts.map((p) => p.summary),
  }
}

export function emptyCollections(): DemoCollections {
  return Object.fromEntries(COLLECTIONS.map((name) => [name, []])) as unknown as DemoCollections
}

export function summarise(
  collections: DemoCollections,
  about: Pick<
    DemoSummary,
    'communityId' | 'name' | 'seed' | 'year' | 'datedFrom' | 'inviteCode' | 'files' | 'rounds' | 'groupBuys' | 'care'
  >,
): DemoSummary {
  const members = collections.households.flatMap((h) => h.members)
  const flags = Object.fromEntries(FLAGS.map((f) => [f, members.filter((m) => m.flags.includes(f)).length])) as Record<
    ResidentFlag,
    number
  >
  const roles = Object.fromEntries(
    ROLES.map((r) => [r, collections.roles.filter((d) => d.role === r).length]),
  ) as Record<Role, number>
  const volunteers = Object.fromEntries(
    VOLUNTEER_TYPES.map((t) => [t, collections.roles.filter((d) => d.volunteerType === t).length]),
  ) as Record<VolunteerType, number>
  const linked = collections.households.filter((h) => h.members.some((m) => m.openid))
  return {
    ...about,
    buildings: collections.buildings.length,
    groups: collections.groups.length,
    zones: collections.zones.length,
    households: collections.households.length,
    residents: members.length,
    elderly: flags.elderly,
    linkedHouseholds: linked.length,
    unlinkedHouseholds: collections.households.length - linked.length,
    proxyHouseholds: collections.households.filter((h) => h.proxy).length,
    linkedResidents: members.filter((m) => m.openid).length,
    flags,
    roles,
    volunteers,
    documents: Object.fromEntries(COLLECTIONS.map((n) => [n, collections[n].length])) as Record<CollectionName, number>,
  }
}

function validate(o: {
  buildingCount: number
  householdCount: number
  residentCount: number
  elderlyCount: number
  year: number
}): void {
  for (const [k, v] of Object.entries(o))
    if (!Number.isInteger(v) || v < 0) throw new Error(`${k} must be a whole number`)
  if (o.buildingCount < 1) throw new Error('need at least one building')
  if (o.householdCount < o.buildingCount) throw new Error('need at least one household per building')
  if (o.householdCount > o.buildingCount * 4 * 60) throw new Error('too many households per building')
  if (o.residentCount < o.householdCount || o.residentCount > o.householdCount * 5)
    throw new Error('residents must be 1–5 per household')
  if (o.elderlyCount > o.residentCount) throw new Error('more elderly than residents')
}

/**
 * Old-estate 楼道s: 5–7 storeys, mostly 2 rooms a floor, some 3 or 4; grown or shrunk until a few rooms are left
 * vacant (shops, storage), then vacancies drawn so that every building keeps most of its rooms.
 */
function placeHouseholds(
  rng: Rng,
  buildings: number,
  households: number,
): { building: number; floor: number; room: string }[] {
  const layouts: { floors: number; perFloor: number }[] = Array.from({ length: buildings }, () => ({
    floors: rng.weighted([
      [5, 5],
      [6, 4],
      [7, 1],
    ] as const),
    perFloor: rng.weighted([
      [2, 80],
      [3, 17],
      [4, 3],
    ] as const),
  }))
  let capacity = layouts.reduce((s, l) => s + l.floors * l.perFloor, 0)
  const least = Math.ceil(households * 1.04)
  const most = Math.max(least, Math.floor(households * 1.12))
  while (capacity < least) {
    const l = rng.pick(layouts)
    if (l.perFloor < 4 && (l.floors >= 7 || rng.chance(0.3))) {
      capacity += l.floors
      l.perFloor++
    } else {
      capacity += l.perFloor
      l.floors++
    }
  }
  while (capacity > most) {
    const shrinkable = layouts.filter((l) =>
      l.floors > 5 ? capacity - l.perFloor >= least : l.perFloor > 2 && capacity - l.floors >= least,
    )
    if (shrinkable.length === 0) break
    const l = rng.pick(shrinkable)
    if (l.floors > 5) {
      capacity -= l.perFloor
      l.floors--
    } else {
      capacity -= l.floors
      l.perFloor--
    }
  }

  const rooms = layouts.flatMap((l, building) =>
    Array.from({ length: l.floors * l.perFloor }, (_, k) => {
      const floor = Math.floor(k / l.perFloor) + 1
      return { building, floor, room: `${floor}${pad((k % l.perFloor) + 1, 2)}` }
    }),
  )
  const left = layouts.map((l) => l.floors * l.perFloor)
  const vacant = new Set<number>()
  const total = [...left]
  for (const keep of [(b: number) => Math.ceil((total[b] as number) * 0.7), () => 1]) {
    for (const k of rng.shuffle(rooms.map((_, k) => k))) {
      if (vacant.size === rooms.length - households) break
      const b = (rooms[k] as { building: number }).building
      if (vacant.has(k) || (left[b] as number) <= keep(b)) continue
      vacant.add(k)
      left[b] = (left[b] as number) - 1
    }
  }
  return rooms.filter((_, k) => !vacant.has(k))
}

/** 1–5 people a household, mostly 2–3, adjusted to the exact total. */
function householdSizes(rng: Rng, households: number, residents: number): number[] {
  const sizes = Array.from({ length: households }, () =>
    rng.weighted([
      [1, 22],
      [2, 40],
      [3, 24],
      [4, 9],
      [5, 5],
    ] as const),
  ) as number[]
  let diff = residents - sizes.reduce((a, b) => a + b, 0)
  while (diff !== 0) {
    const i = rng.int(0, households - 1)
    const s = sizes[i] as number
    if (diff > 0 && s < 5) {
      sizes[i] = s + 1
      diff--
    } else if (diff < 0 && s > 1) {
      sizes[i] = s - 1
      diff++
    }
  }
  return sizes
}

/** Who lives together: couples, children, an elderly parent; ages drawn to fit the relationship. */
function makeFamily(rng: Rng, size: number): Draft[] {
  const sex = (): Sex => (rng.chance(0.5) ? 'm' : 'f')
  const elderAge = () => {
    const [min, max] = rng.weighted([
      [[60, 69], 55],
      [[70, 79], 32],
      [[80, 94], 13],
    ] as const)
    return rng.int(min, max)
  }
  const minorAge = () => (rng.chance(0.1) ? rng.int(0, 2) : rng.int(3, 17))
  const person = (s: Sex, age: number, family = surname(rng)): Draft => ({ sex: s, age, surname: family })
  /** Husband and wife of about the same age, both on the same side of 60. */
  const couple = (husbandAge: number): [Draft, Draft] => {
    const elder = husbandAge >= 60
    const wifeAge = husbandAge - rng.int(-1, 4)
    return [person('m', husbandAge), person('f', elder ? Math.max(60, wifeAge) : Math.min(59, Math.max(20, wifeAge)))]
  }
  const adultCoupleFor = (childAge: number) => couple(Math.min(59, Math.max(22, childAge + rng.int(25, 36))))
  const childOf = (parent: Draft, age: number, s: Sex = sex()) =>
    person(s, age, parent.sex === 'm' || rng.chance(0.4) ? parent.surname : surname(rng))
  const elderParentOf = (c: Draft) => person(sex(), Math.min(95, Math.max(60, c.age + rng.int(24, 34))), c.surname)
  const adultChildAge = (elder: Draft) => Math.min(59, Math.max(20, elder.age - rng.int(25, 35)))

  const E = () => [person(rng.chance(0.65) ? 'f' : 'm', elderAge())]
  const A = () => [person(sex(), rng.int(25, 59))]
  const EC = () => couple(elderAge())
  const AC = () => couple(rng.int(24, 59))
  const EA = () => {
    const e = person(sex(), elderAge())
    return [e, childOf(e, adultChildAge(e))]
  }
  const AM = () => {
    const age = minorAge()
    const p = person(sex(), Math.min(59, age + rng.int(24, 38)))
    return [p, childOf(p, age)]
  }
  const AA = () => {
    const p = person(sex(), rng.int(45, 59))
    return [p, childOf(p, Math.max(18, p.age - rng.int(24, 32)))]
  }
  const ACM = (n: number) => {
    const ages = Array.from({ length: n }, minorAge).sort((a, b) => b - a)
    const [h, w] = adultCoupleFor(ages[0] as number)
    return [h, w, ...ages.map((a) => childOf(h, a))]
  }
  const ECA = () => {
    const [h, w] = EC()
    return [h, w, childOf(h, adultChildAge(h))]
  }
  const ACE = () => {
    const [h, w] = AC()
    return [h, w, elderParentOf(rng.chance(0.6) ? h : w)]
  }
  const ACA = () => {
    const [h, w] = couple(rng.int(45, 59))
    return [h, w, childOf(h, Math.max(18, w.age - rng.int(24, 32)))]
  }
  const ACME = () => {
    const [h, w, m] = ACM(1) as [Draft, Draft, Draft]
    return [h, w, m, elderParentOf(rng.chance(0.6) ? h : w)]
  }
  const ECAC = () => {
    const [h, w] = EC()
    const son = person('m', adultChildAge(h), h.surname)
    return [h, w, son, person('f', Math.max(20, son.age - rng.int(0, 4)))]
  }
  const ECAM = () => {
    const [h, w] = EC()
    const c = childOf(h, adultChildAge(h))
    return [h, w, c, childOf(c, Math.max(0, Math.min(17, c.age - rng.int(24, 34))))]
  }
  const ACAA = () => {
    const [h, w, c] = ACA() as [Draft, Draft, Draft]
    return [h, w, c, childOf(h, Math.max(18, c.age - rng.int(1, 6)))]
  }
  const ECACM = () => {
    const [h, w, son, wife] = ECAC() as [Draft, Draft, Draft, Draft]
    return [h, w, son, wife, childOf(son, Math.max(0, Math.min(17, wife.age - rng.int(24, 34))))]
  }
  const EACMM = () => {
    const [h, w, a, b] = ACM(2) as [Draft, Draft, Draft, Draft]
    return [h, w, a, b, elderParentOf(rng.chance(0.6) ? h : w)]
  }

  const options: Record<number, readonly (readonly [() => Draft[], number])[]> = {
    1: [
      [E, 38],
      [A, 62],
    ],
    2: [
      [EC, 16],
      [AC, 50],
      [EA, 13],
      [AM, 12],
      [AA, 9],
    ],
    3: [
      [() => ACM(1), 66],
      [ECA, 8],
      [ACE, 12],
      [ACA, 14],
    ],
    4: [
      [() => ACM(2), 42],
      [ACME, 28],
      [ECAC, 8],
      [ECAM, 8],
      [ACAA, 14],
    ],
    5: [
      [ECACM, 55],
      [EACMM, 30],
      [() => ACM(3), 15],
    ],
  }
  return rng.weighted(options[size] ?? [])()
}

/** Move people across 60 until exactly `target` are 60+: the nearest ages first, so families stay plausible. */
function adjustElderly(rng: Rng, homes: Home[], target: number): void {
  const people = homes.flatMap((h) => h.people.map((p) => ({ p, youngest: Math.min(...h.people.map((q) => q.age)) })))
  let elderly = people.filter(({ p }) => p.age >= 60).length
  if (elderly > target) {
    const order = rng.shuffle(people.filter(({ p }) => p.age >= 60)).sort((a, b) => a.p.age - b.p.age)
    for (const { p } of order.slice(0, elderly - target)) p.age = rng.int(52, 59)
    elderly = target
  }
  if (elderly < target) {
    const adults = rng.shuffle(people.filter(({ p }) => p.age >= 18 && p.age < 60))
    const order = [
      ...adults.filter(({ p, youngest }) => p.age >= 45 && youngest >= 12).sort((a, b) => b.p.age - a.p.age),
      ...adults.filter(({ p, youngest }) => !(p.age >= 45 && youngest >= 12)),
      ...rng.shuffle(people.filter(({ p }) => p.age < 18)),
    ]
    for (const { p } of order.slice(0, target - elderly)) p.age = rng.int(60, 67)
  }
}

/** Every demo community shows at least one 婴幼儿: a child of young parents becomes a toddler if none was drawn. */
function ensureInfant(rng: Rng, homes: Home[]): void {
  if (homes.some((h) => h.people.some((p) => p.age <= 2))) return
  const candidates = homes.flatMap((h) =>
    h.people.some((q) => q.age >= 22 && q.age <= 40) ? h.people.filter((p) => p.age < 18) : [],
  )
  if (candidates.length > 0) rng.pick(candidates).age = rng.int(0, 2)
}

/** Names, member ids and special-population flags, from final ages. */
function describePeople(rng: Rng, homes: Home[], year: number): void {
  for (const home of homes) {
    const names = new Set<string>()
    home.people.forEach((p, i) => {
      let n = ''
      for (let tries = 0; tries < 20 && (n === '' || names.has(n)); tries++)
        n = p.surname + givenName(rng, p.sex, p.age)
      names.add(n)
      p.name = n
      p.id = `m_${sha256(`${home.id}/${i}`).slice(0, 8)}`
      const flags: ResidentFlag[] = []
      if (p.age >= 60 && home.people.length === 1) flags.push('alone')
      if (rng.chance(p.age >= 80 ? 0.35 : p.age >= 70 ? 0.1 : p.age >= 60 ? 0.03 : p.age >= 18 ? 0.005 : 0))
        flags.push('mobility')
      if (rng.chance(p.age >= 60 ? 0.35 : p.age >= 45 ? 0.08 : 0)) flags.push('chronic')
      if (p.age <= 2) flags.push('infant')
      p.flags = flags
    })
  }
  // A few expectant mothers: wives of childbearing age with no baby in the house yet.
  const eligible = homes.flatMap((h) =>
    h.people.some((q) => q.age <= 2) || !h.people.some((q) => q.sex === 'm' && q.age >= 22 && q.age < 60)
      ? []
      : h.people.filter((p) => p.sex === 'f' && p.age >= 23 && p.age <= 40),
  )
  for (const p of rng.shuffle(eligible).slice(0, Math.max(1, Math.round(homes.length / 250)))) p.flags.push('pregnant')
  for (const home of homes) for (const p of home.people) p.flags = withDerivedFlags(p.flags, year - p.age, year)
}

/** Households whose members have no WeChat at all: mostly the very old, never a building's last few linked rooms. */
function chooseUnlinked(rng: Rng, homes: Home[], buildings: number): Set<Home> {
  const target = Math.round(homes.length * UNLINKED_SHARE)
  const perBuilding = Array.from({ length: buildings }, () => 0)
  for (const h of homes) perBuilding[h.building] = (perBuilding[h.building] as number) + 1
  const linkedLeft = [...perBuilding]
  const weight = (h: Home) =>
    h.people.every((p) => p.age >= 70)
      ? 10
      : h.people.every((p) => p.age >= 60)
        ? 5
        : h.people.some((p) => p.age >= 60)
          ? 1.5
          : 1
  // Weighted sampling without replacement (Efraimidis–Spirakis).
  const ranked = homes
    .map((h) => ({ h, key: Math.pow(rng.next(), 1 / weight(h)) }))
    .sort((a, b) => b.key - a.key)
    .map((x) => x.h)
  // 1号 always has two, so the demo building lead has a household they manage (代管) and one nobody manages yet.
  const elderlyFirst = ranked.filter((h) => h.building === 0).sort((a, b) => weight(b) - weight(a))
  const inB1 = (perBuilding[0] as number) >= 5 ? elderlyFirst.slice(0, 2) : []
  const order = [...inB1, ...ranked.filter((h) => !inB1.includes(h))]
  const out = new Set<Home>()
  for (const h of order) {
    if (out.size === target) break
    const minimum = Math.min(3, perBuilding[h.building] as number)
    if ((linkedLeft[h.building] as number) <= minimum) continue
    out.add(h)
    linkedLeft[h.building] = (linkedLeft[h.building] as number) - 1
  }
  return out
}

function linkChance(age: number): number {
  return age < 14 ? 0 : age < 18 ? 0.25 : age < 60 ? 0.85 : age < 75 ? 0.5 : 0.15
}

/**
 * Mobile numbers 1390-BBB-SSSS: block BBB per community (000 for 钟楼新村), serials in a scrambled but collision-free
 * order. Linked users always have one; others by age.
 */
function assignPhones(rng: Rng, homes: Home[], block: number): void {
  const step = rng.pick([7919, 3037, 6421, 1283, 9137])
  const offset = rng.int(0, 9999)
  let k = 0
  const next = () => {
    const serial = (step * (k % 10000) + offset) % 10000
    const b = (block + Math.floor(k / 10000)) % 1000
    k++
    return `1390${pad(b, 3)}${pad(serial, 4)}`
  }
  for (const home of homes)
    for (const p of home.people) {
      const chance = p.age < 14 ? 0 : p.age < 18 ? 0.4 : p.age < 60 ? 0.95 : p.age < 75 ? 0.7 : 0.35
      if (p.openid || rng.chance(chance)) p.phone = next()
    }
}

function pickLivingAlone(homes: Home[], taken: Set<Person>): Resident | undefined {
  const alone = homes.filter(
    (h) => h.people.length === 1 && (h.people[0] as Person).age >= 60 && !taken.has(h.people[0] as Person),
  )
  const home = alone.find((h) => (h.people[0] as Person).openid) ?? alone[0]
  if (!home) return undefined
  const person = home.people[0] as Person
  taken.add(person)
  return { home, person }
}

function maxFloor(homes: Home[], building: number): number {
  return homes.reduce((m, h) => (h.building === building ? Math.max(m, h.floor) : m), 0)
}

function postsLabel(names: string[]): string {
  return names.length > 1 ? `${names[0]}–${names[names.length - 1]}` : (names[0] ?? '')
}
