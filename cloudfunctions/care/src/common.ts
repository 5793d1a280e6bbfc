// What the care function's actions share: loading the flagged people of some buildings with their status and open
// needs, and rendering each as the caller may see them (names through the one visibility policy, flags by the care
// relation of server/care/rules.ts).
import type {
  CareCheckView,
  CarePersonView,
  NeedStatus,
  ResidentFlag,
  Role,
  RoleGrant,
  Scope,
} from '../../../typings/api'
import type { BuildingDoc, HouseholdDoc, MemberDoc } from '../../../server/community/model'
import type { CareCheckDoc, CareStatusDoc } from '../../../server/care/model'
import type { NeedDoc } from '../../../server/needs/model'
import type { Grant } from '../../../server/platform/grants'
import { z, type ActionContext } from '../../../server/kernel'
import { ROLE_LABELS } from '../../../miniprogram/shared/constants'
import { data } from '../../../server/platform/cloud'
import { iso } from '../../../server/platform/places'
import { fieldsFor, fieldsForCommunityPerson, householdTarget, showName } from '../../../server/platform/visibility'
import { householdLabel } from '../../../server/community/structure'
import { careRelation, flagsFor, standing, type CareRelation } from '../../../server/care/rules'

export const id = (label: string) => z.string().min(1).max(120).describe(label)

/**
 * The scope of a community-wide action for a caller holding one of `roles` somewhere in it (a building lead's list,
 * a 营长's overview): their own grant's place there, which the kernel's check then finds covered. Without one, the
 * community itself, which only a community-wide grant covers.
 */
export const ownPlaceIn =
  (roles: readonly Role[]) =>
  (input: { communityId: string }, ctx: ActionContext): Scope =>
    ctx.grants.find((g) => roles.includes(g.role) && g.scope.communityId === input.communityId)?.scope ?? {
      communityId: input.communityId,
    }

/** The pages a notice opens. */
export const LIST_PAGE = 'packageCare/pages/list'
export const PERSON_PAGE = 'packageCare/pages/person'

export const statusId = (householdId: string, memberId: string) => `${householdId}:${memberId}`

/** Needs still waiting for an answer. */
export const OPEN_NEEDS: readonly NeedStatus[] = ['new', 'taken', 'escalated']

/** The community's buildings in its order. */
export async function communityBuildings(communityId: string): Promise<BuildingDoc[]> {
  return (await data.findAll<BuildingDoc>('buildings', { communityId }, { orderBy: [['order', 'asc']] })).sort(
    (a, b) => a.order - b.order,
  )
}

/** A flagged member of a household, with what the list needs to render them. */
export interface Subject {
  household: HouseholdDoc
  member: MemberDoc
  building: BuildingDoc
  status?: CareStatusDoc
}

/** Members with at least one flag, of households in these buildings (one round trip per 1,000 households). */
export async function householdsOf(communityId: string, buildingIds?: readonly string[]): Promise<HouseholdDoc[]> {
  if (buildingIds && buildingIds.length === 0) return []
  const rows = buildingIds
    ? await data.findAll<HouseholdDoc>('households', { buildingId: data._.in([...buildingIds]), communityId })
    : await data.findAll<HouseholdDoc>('households', { communityId })
  return rows.filter((h) => !h.erasedAt && h.members.some((m) => m.flags.length > 0))
}

/** Status documents of these buildings (one round trip per 1,000 people), by person. */
export async function statusesOf(
  communityId: string,
  buildingIds?: readonly string[],
): Promise<Map<string, CareStatusDoc>> {
  const rows = buildingIds
    ? buildingIds.length
      ? await data.findAll<CareStatusDoc>('careStatus', { communityId, buildingId: data._.in([...buildingIds]) })
      : []
    : await data.findAll<CareStatusDoc>('careStatus', { communityId })
  return new Map(rows.map((s) => [s._id, s]))
}

/** Open needs of these households, by household (one round trip per 100 households). */
export async function openNeedsOf(householdIds: readonly string[]): Promise<Map<string, NeedDoc[]>> {
  const out = new Map<string, NeedDoc[]>()
  const ids = [...new Set(householdIds)]
  for (let i = 0; i < ids.length; i += 100) {
    const rows = await data.find<NeedDoc>(
      'needs',
      { householdId: data._.in(ids.slice(i, i + 100)), status: data._.in([...OPEN_NEEDS]) },
      { limit: 1000 },
    )
    for (const n of rows) out.set(n.householdId, [...(out.get(n.householdId) ?? []), n])
  }
  return out
}

/** A name of a role holder or checker as this caller may see it: full to the committee, masked to everyone else. */
export const nameFor = (grants: readonly RoleGrant[], communityId: string, name: string): string =>
  showName(fieldsForCommunityPerson(grants, communityId).name, name)

/** The caller's name in the community: the household member behind one of their grants, else a grant's name. */
export async function callerName(ctx: ActionContext, communityId: string): Promise<string> {
  const grants = (ctx.grants as unknown as readonly Grant[]).filter((g) => g.scope.communityId === communityId)
  const withMember = grants.find((g) => g.householdId && g.memberId)
  if (withMember?.householdId) {
    const h = await data.get<HouseholdDoc>('households', withMember.householdId)
    const m = h?.members.find((x) => x.id === withMember.memberId)
    if (m) return m.name
  }
  return (
    grants.find((g) => g.holderName)?.holderName ??
    ROLE_LABELS[grants.find((g) => g.role !== 'resident')?.role ?? 'volunteer']
  )
}

export function checkView(
  c: Pick<CareCheckDoc, '_id' | 'at' | 'how' | 'result' | 'by' | 'byName' | 'note' | 'communityId'>,
  ctx: ActionContext,
  relation: CareRelation,
): CareCheckView {
  const v: CareCheckView = {
    id: c._id,
    at: iso(c.at),
    how: c.how,
    result: c.result,
    byName: nameFor(ctx.grants, c.communityId, c.byName),
  }
  // Notes are about health and home: leads and above read them, and whoever wrote them.
  if (c.note && (relation !== 'volunteer' || c.by === ctx.caller.openid)) v.note = c.note
  return v
}

/** The last check as stored on the status document. */
const lastOf = (s: CareStatusDoc) => ({
  _id: s.lastCheckId,
  at: s.lastAt,
  how: s.lastHow,
  result: s.lastResult,
  by: s.lastBy,
  byName: s.lastByName,
  note: s.lastNote,
  communityId: s.communityId,
})

/** One person as the caller may see them, or undefined when nothing of them is the caller's to look after. */
export function personView(
  ctx: ActionContext,
  s: Subject,
  relation: CareRelation,
  now: Date,
  needs: readonly NeedDoc[] = [],
): (CarePersonView & { buildingOrder: number }) | undefined {
  const flags: ResidentFlag[] = flagsFor(relation, s.member.flags)
  if (flags.length === 0) return undefined
  const st = standing(s.member.flags, s.status, now)
  const fields = fieldsFor(ctx.grants, householdTarget(s.household))
  const v: CarePersonView & { buildingOrder: number } = {
    householdId: s.household._id,
    memberId: s.member.id,
    buildingId: s.building._id,
    buildingName: s.building.name,
    buildingOrder: s.building.order,
    room: s.household.room,
    label: householdLabel(s.building.name, s.household.room),
    name: showName(fields.name, s.member.name),
    flags,
    state: st.state,
    contactedToday: st.contactedToday,
    intervalHours: st.intervalHours,
    dueAt: iso(st.dueAt),
    unreachableStreak: s.status?.unreachableStreak ?? 0,
    openNeeds: needs
      .filter((n) => !n.memberId || n.memberId === s.member.id)
      .map((n) => ({ id: n._id, type: n.type, status: n.status })),
    revealable: fields.reveal && !!s.member.phone,
  }
  if (s.status) v.last = checkView(lastOf(s.status), ctx, relation)
  return v
}

/** The relation of the caller to a household now (see careRelation). */
export const relationTo = (ctx: ActionContext, h: HouseholdDoc, now: Date) =>
  careRelation(ctx.grants, householdTarget(h), now)

/** Drop the field only the server sorts by. */
export function bare<T extends { buildingOrder: number }>(v: T): Omit<T, 'buildingOrder'> {
  const { buildingOrder: _order, ...rest } = v
  void _order
  return rest
}
