// Loading places with their scope. How much of a person each caller may see is decided by the visibility policy
// alone (./visibility.ts); its household and member views are re-exported here for the callers that render them.
import type { Scope } from '../../typings/api'
import type { BuildingDoc, CommunityDoc, GroupDoc, HouseholdDoc } from '../community/model'
import { AppError, type ActionContext } from '../kernel'
import { data } from './cloud'

export { fieldsFor, householdTarget, householdView, memberView } from './visibility'

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

export const iso = (d: Date | string | undefined) => (d ? new Date(d).toISOString() : '')
