// The one visibility policy: what each caller may see of the people in a household. Every view and export that
// carries a person (rosters, the caller's own household, role lists, join requests, chains, reminders' call lists,
// submissions, the ledger and antigen spreadsheets) asks `fieldsFor(grants, household)` and renders only the fields
// it answers; nothing else decides.
//
// A caller stands in one or more relations to a household (their grants, fully qualified by the kernel's
// `scopeCovers`, so a floor lead's grant covers only households on that floor). Each relation allows a set of
// fields (`POLICY`); a caller in several relations gets the widest of each field.
//
// | relation        | who                                                         | names  | phones | birth year, flags | results | photos | lead's flag | reveal |
// | --------------- | ----------------------------------------------------------- | ------ | ------ | ----------------- | ------- | ------ | ----------- | ------ |
// | committee       | 居委 of the community                                       | full   | full   | yes               | yes     | yes    | yes         | yes    |
// | self            | a member's own resident grant on the household              | full   | full   | yes               | yes     | yes    | yes         | no     |
// | proxy           | a 代管 resident grant (a family member or a lead)            | full   | masked | yes               | yes     | yes    | yes         | no     |
// | buildingLead    | 楼组长 of the household's building                          | full   | masked | yes               | yes     | yes    | yes         | yes    |
// | floorLead       | 层长 of the household's floor (their floor only)            | full   | masked | yes               | yes     | yes    | yes         | yes    |
// | groupLead       | 营长 of the household's 营                                  | masked | masked | no                | yes     | yes    | yes         | no     |
// | communityLead   | 团长 of the community                                       | masked | masked | no                | yes     | yes    | yes         | no     |
// | volunteer       | a volunteer whose posts include the building (云上 included) | masked | masked | no                | no      | no     | no          | yes    |
// | neighbour       | a resident of another household in the same building        | masked | none   | no                | no      | no     | no          | no     |
// | none            | anyone else                                                 | masked | none   | no                | no      | no     | no          | no     |
//
// "Masked" is 张*明 for a name and 138****5678 for a phone. "Reveal" is the right to reveal one masked number to
// dial it (community `revealPhone`): logged, capped per day. A resident never sees another household's results;
// photos go only to the household itself and leads and above (building / floor lead in their scope, 营长, 团长,
// committee). Exports are built from the same fields, so a spreadsheet's columns are the caller's fields.
import type { HouseholdView, MemberView, MemberResultView, Role, RoleGrant, Scope } from '../../typings/api'
import type { HouseholdDoc, MemberDoc } from '../community/model'
import type { MemberResultDoc } from '../antigen/model'
import { scopeCovers } from '../kernel/permissions'
import { householdLabel } from '../community/structure'
import { maskName, maskPhone } from '../community/mask'
import { isEarly } from '../antigen/rules'

export type Level = 'none' | 'masked' | 'full'

/** What a caller may see of one household's people. */
export interface Fields {
  /** The members' names. */
  name: Level
  /** The members' phone numbers. */
  phone: Level
  birthYear: boolean
  /** Special-population flags (60岁以上, 独居 …) and the household's `special` mark. */
  flags: boolean
  /** Antigen results per member, with their 未测 reasons and the 15-minute timer's times. */
  results: boolean
  /** Kit photos (temporary URLs). */
  photos: boolean
  /** A lead's flag on the household's chain entry, with its reason. */
  entryFlag: boolean
  /** May reveal a masked number to dial it (revealPhone, logged and capped). */
  reveal: boolean
}

export type Relation =
  | 'committee'
  | 'self'
  | 'proxy'
  | 'buildingLead'
  | 'floorLead'
  | 'groupLead'
  | 'communityLead'
  | 'volunteer'
  | 'neighbour'
  | 'none'

const NOTHING: Fields = {
  name: 'masked',
  phone: 'none',
  birthYear: false,
  flags: false,
  results: false,
  photos: false,
  entryFlag: false,
  reveal: false,
}
const EVERYTHING: Fields = {
  name: 'full',
  phone: 'full',
  birthYear: true,
  flags: true,
  results: true,
  photos: true,
  entryFlag: true,
  reveal: false,
}
const LEAD: Fields = { ...EVERYTHING, phone: 'masked', reveal: true }
const ROLL_UP: Fields = { ...NOTHING, phone: 'masked', results: true, photos: true, entryFlag: true }

/** The policy: what each relation to a household allows (the table above). */
export const POLICY: Readonly<Record<Relation, Readonly<Fields>>> = {
  committee: { ...EVERYTHING, reveal: true },
  self: EVERYTHING,
  proxy: { ...EVERYTHING, phone: 'masked' },
  buildingLead: LEAD,
  floorLead: LEAD,
  groupLead: ROLL_UP,
  communityLead: ROLL_UP,
  volunteer: { ...NOTHING, phone: 'masked', reveal: true },
  neighbour: NOTHING,
  none: NOTHING,
}

/** A household as a fully qualified place: community, 营, building, floor and the household itself. */
export interface HouseholdTarget extends Scope {
  communityId: string
  groupId: string
  buildingId: string
  floor: number
  householdId: string
}

export const householdTarget = (
  h: Pick<HouseholdDoc, '_id' | 'communityId' | 'groupId' | 'buildingId' | 'floor'>,
): HouseholdTarget => ({
  communityId: h.communityId,
  groupId: h.groupId,
  buildingId: h.buildingId,
  floor: h.floor,
  householdId: h._id,
})

const LEAD_ROLES = ['buildingLead', 'floorLead', 'groupLead', 'communityLead'] as const

/** Every relation the caller's grants give them to a household (an empty list is `none`). */
export function relationsTo(grants: readonly RoleGrant[], target: HouseholdTarget): Relation[] {
  const out = new Set<Relation>()
  for (const g of grants) {
    if (g.scope.communityId !== target.communityId) continue
    if (g.role === 'committee') out.add('committee')
    else if (g.role === 'resident') {
      if (scopeCovers(g.scope, target)) out.add(g.proxy ? 'proxy' : 'self')
      else if (g.scope.buildingId === target.buildingId) out.add('neighbour')
    } else if ((LEAD_ROLES as readonly Role[]).includes(g.role)) {
      if (scopeCovers(g.scope, target)) out.add(g.role as Relation)
    } else if (g.role === 'volunteer') {
      if ((g.posts ?? []).includes(target.buildingId)) out.add('volunteer')
    }
  }
  return [...out]
}

const LEVEL_ORDER: Level[] = ['none', 'masked', 'full']
const wider = (a: Level, b: Level): Level => (LEVEL_ORDER.indexOf(a) >= LEVEL_ORDER.indexOf(b) ? a : b)

/** The widest of each field over the given relations. */
export function fieldsOf(relations: readonly Relation[]): Fields {
  if (relations.length === 0) return { ...POLICY.none }
  return relations.reduce<Fields>(
    (acc, r) => {
      const f = POLICY[r]
      return {
        name: wider(acc.name, f.name),
        phone: wider(acc.phone, f.phone),
        birthYear: acc.birthYear || f.birthYear,
        flags: acc.flags || f.flags,
        results: acc.results || f.results,
        photos: acc.photos || f.photos,
        entryFlag: acc.entryFlag || f.entryFlag,
        reveal: acc.reveal || f.reveal,
      }
    },
    { ...NOTHING, name: 'none' },
  )
}

/** What this caller may see of the people in this household. */
export const fieldsFor = (grants: readonly RoleGrant[], target: HouseholdTarget): Fields =>
  fieldsOf(relationsTo(grants, target))

/**
 * A person not standing for a household (a role holder without one, such as a bootstrapped committee member):
 * full to the committee of the community, masked to everyone else.
 */
export function fieldsForCommunityPerson(grants: readonly RoleGrant[], communityId: string): Fields {
  return grants.some((g) => g.role === 'committee' && g.scope.communityId === communityId)
    ? { ...POLICY.committee }
    : { ...POLICY.none }
}

/**
 * Whether the caller is a lead of some part of the community, or its committee: who sees a delivery's board and its
 * photos (photos go to leads and above only).
 */
export function isLeadOrAbove(grants: readonly RoleGrant[], communityId: string): boolean {
  return grants.some(
    (g) =>
      (g.role === 'committee' || (LEAD_ROLES as readonly Role[]).includes(g.role)) &&
      g.scope.communityId === communityId &&
      g.scope.householdId === undefined,
  )
}

/**
 * Whether the caller leads some or all of a building (building or floor lead, 营长, 团长, committee): the building's
 * chain is then detailed for the households their grants cover.
 */
export function leadsPartOf(
  grants: readonly RoleGrant[],
  place: { communityId: string; groupId: string; buildingId: string },
): boolean {
  return grants.some(
    (g) =>
      (g.role === 'committee' || (LEAD_ROLES as readonly Role[]).includes(g.role)) &&
      g.scope.communityId === place.communityId &&
      (g.scope.groupId === undefined || g.scope.groupId === place.groupId) &&
      (g.scope.buildingId === undefined || g.scope.buildingId === place.buildingId) &&
      g.scope.householdId === undefined,
  )
}

/** The role a reveal is made as: the first relation that allows it, in this order. */
const REVEAL_ORDER: Relation[] = ['committee', 'buildingLead', 'floorLead', 'volunteer']

export function revealRole(grants: readonly RoleGrant[], target: HouseholdTarget): Role | undefined {
  const relations = relationsTo(grants, target)
  return REVEAL_ORDER.find((r) => relations.includes(r) && POLICY[r].reveal) as Role | undefined
}

// ---------- rendering a person by the fields ----------

export function showName(level: Level, name: string): string {
  if (level === 'full') return name
  return level === 'masked' ? maskName(name) : ''
}

export function showPhone(level: Level, phone: string | undefined): string | undefined {
  if (!phone || level === 'none') return undefined
  return level === 'full' ? phone : maskPhone(phone)
}

export function memberView(m: MemberDoc, f: Fields): MemberView {
  const view: MemberView = { id: m.id, name: showName(f.name, m.name), linked: Boolean(m.openid) }
  const phone = showPhone(f.phone, m.phone)
  if (phone !== undefined) view.phone = phone
  if (phone !== undefined && f.phone === 'masked' && f.reveal) view.revealable = true
  if (f.birthYear && m.birthYear !== undefined) view.birthYear = m.birthYear
  if (f.flags) view.flags = m.flags
  return view
}

export function householdView(h: HouseholdDoc, buildingName: string, f: Fields): HouseholdView {
  const view: HouseholdView = {
    id: h._id,
    buildingId: h.buildingId,
    room: h.room,
    floor: h.floor,
    label: householdLabel(buildingName, h.room),
    members: h.members.map((m) => memberView(m, f)),
    linkedCount: h.linkedOpenids.length,
    proxy: h.proxy,
  }
  if (f.flags) view.special = h.members.some((m) => m.flags.length > 0)
  return view
}

/** A member's antigen result as the fields allow: the name always, results and photo only when allowed. */
export function memberResultView(m: MemberResultDoc, f: Fields, photoUrl?: string): MemberResultView {
  const view: MemberResultView = { memberId: m.memberId, name: showName(f.name, m.name) }
  if (f.results) {
    view.result = m.result
    if (m.reason) view.reason = m.reason
    if (m.startedAt) view.startedAt = m.startedAt
    if (m.photoAt) view.photoAt = m.photoAt
    if (isEarly(m)) view.early = true
  }
  if (f.photos && photoUrl) view.photoUrl = photoUrl
  return view
}

/** A household's people as spreadsheet cells: names joined, and phones when the fields carry them. */
export function peopleCells(
  members: readonly Pick<MemberDoc, 'name' | 'phone'>[],
  f: Fields,
): { names: string; phones: string } {
  return {
    names: members.map((m) => showName(f.name, m.name)).join('、'),
    phones: members.flatMap((m) => showPhone(f.phone, m.phone) ?? []).join('、'),
  }
}

/** How many numbers one person may reveal per Shanghai day unless the community's settings say otherwise. */
export const PHONE_REVEALS_PER_DAY = 30
