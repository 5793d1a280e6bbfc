// Loading places with their scope, and deciding how much of a person each caller may see.
import type { HouseholdView, MemberView, Role, RoleGrant, Scope } from '../../typings/api'
import type { BuildingDoc, CommunityDoc, GroupDoc, HouseholdDoc, MemberDoc } from '../community/model'
import { AppError, hasRole, type ActionContext } from '../kernel'
import { householdLabel } from '../community/structure'
import { maskName, maskPhone } from '../community/mask'
import { data } from './cloud'

export const LEADS: Role[] = ['buildingLead', 'committee']
export const STAFF: Role[] = ['committee']

export function loadCommunity(ctx: ActionContext, id: string): Promise<CommunityDoc> {
  return ctx.memo(`community:${id}`, async () => {
    const doc = await data.get<CommunityDoc>('communities', id)
    if (!doc) throw new AppError('NOT_FOUND', '找不到这个小区')
    return doc
  })
}

export function loadBuilding(ctx: ActionContext, id: string): Promise<BuildingDoc> {
  return ctx.memo(`building:${id}`, async () => {
    const doc = await data.get<BuildingDoc>('buildings', id)
    if (!doc) throw new AppError('NOT_FOUND', '找不到这栋楼')
    return doc
  })
}

export function loadGroup(ctx: ActionContext, id: string): Promise<GroupDoc> {
  return ctx.memo(`group:${id}`, async () => {
    const doc = await data.get<GroupDoc>('groups', id)
    if (!doc) throw new AppError('NOT_FOUND', '找不到这个营')
    return doc
  })
}

export function loadHousehold(ctx: ActionContext, id: string): Promise<HouseholdDoc> {
  return ctx.memo(`household:${id}`, async () => {
    const doc = await data.get<HouseholdDoc>('households', id)
    if (!doc) throw new AppError('NOT_FOUND', '找不到这一户')
    return doc
  })
}

export const buildingScope = (b: BuildingDoc): Scope => ({
  communityId: b.communityId,
  groupId: b.groupId,
  buildingId: b._id,
})

export const householdScope = (h: HouseholdDoc, b: BuildingDoc): Scope => ({
  communityId: h.communityId,
  groupId: b.groupId,
  buildingId: h.buildingId,
  floor: h.floor,
  householdId: h._id,
})

/** What a caller may see of the people in a household. */
export type Visibility = 'self' | 'committee' | 'lead' | 'neighbour'

export function visibilityFor(grants: readonly RoleGrant[], target: Scope): Visibility {
  if (hasRole(grants, ['committee'], target)) return 'committee'
  if (target.householdId && hasRole(grants, ['resident'], target)) return 'self'
  if (hasRole(grants, ['buildingLead', 'floorLead'], target)) return 'lead'
  return 'neighbour'
}

export function memberView(m: MemberDoc, v: Visibility): MemberView {
  const full = v !== 'neighbour'
  const view: MemberView = { id: m.id, name: full ? m.name : maskName(m.name), linked: Boolean(m.openid) }
  if (m.phone && full) view.phone = v === 'committee' || v === 'self' ? m.phone : maskPhone(m.phone)
  if (full) {
    if (m.birthYear !== undefined) view.birthYear = m.birthYear
    view.flags = m.flags
  }
  return view
}

export function householdView(h: HouseholdDoc, buildingName: string, v: Visibility): HouseholdView {
  const view: HouseholdView = {
    id: h._id,
    buildingId: h.buildingId,
    room: h.room,
    floor: h.floor,
    label: householdLabel(buildingName, h.room),
    members: h.members.map((m) => memberView(m, v)),
    linkedCount: h.linkedOpenids.length,
    proxy: h.proxy,
  }
  if (v !== 'neighbour') view.special = h.members.some((m) => m.flags.length > 0)
  return view
}

export const iso = (d: Date | string | undefined) => (d ? new Date(d).toISOString() : '')
