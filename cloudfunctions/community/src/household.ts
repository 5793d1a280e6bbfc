// The lead's building roster, 代管 households, special-population flags, and a resident's own household.
import type { HouseholdView, Roster } from '../../../typings/api'
import type { HouseholdDoc, JoinRequestDoc } from '../../../server/community/model'
import { action, AppError, defineActions, hasRole, now, nowDate, z } from '../../../server/kernel'
import { naturalCompare } from '../../../server/community/structure'
import { withDerivedFlags } from '../../../server/community/flags'
import { data } from '../../../server/platform/cloud'
import { buildingScope, householdScope, loadBuilding, loadHousehold } from '../../../server/platform/places'
import { fieldsFor, householdTarget as targetOf, householdView } from '../../../server/platform/visibility'
import { joinRequestView } from './views'
import { eraseMyData } from './erasure'

const id = (label: string) => z.string().min(1).max(64).describe(label)
const FLAG = z.enum(['elderly', 'alone', 'mobility', 'chronic', 'pregnant', 'infant'])

const byRoom = (a: HouseholdDoc, b: HouseholdDoc) => a.floor - b.floor || naturalCompare(a.room, b.room)

/** Scope of a household for the permission check (the household and its building are memoised for the handler). */
async function householdTarget(ctx: Parameters<typeof loadHousehold>[0], householdId: string) {
  const household = await loadHousehold(ctx, householdId)
  return householdScope(household, await loadBuilding(ctx, household.buildingId))
}

export const householdActions = defineActions('community', {
  buildingRoster: action({
    input: z.object({ buildingId: id('楼栋') }).strict(),
    access: {
      roles: ['buildingLead', 'floorLead', 'committee'],
      // A floor lead's grant names a floor: ask for the building as seen from their floor (the roster then shows only it).
      scope: async (i, ctx) => {
        const scope = buildingScope(await loadBuilding(ctx, i.buildingId))
        const floorLead = ctx.grants.find((g) => g.role === 'floorLead' && g.scope.buildingId === i.buildingId)
        return floorLead ? { ...scope, floor: floorLead.scope.floor } : scope
      },
    },
    handler: async (input, ctx): Promise<Roster> => {
      const building = await loadBuilding(ctx, input.buildingId)
      const [households, pending] = await Promise.all([
        data.findAll<HouseholdDoc>('households', { buildingId: building._id }),
        data.find<JoinRequestDoc>(
          'joinRequests',
          { buildingId: building._id, status: 'pending' },
          { limit: 200, orderBy: [['createdAt', 'asc']] },
        ),
      ])
      // The households the caller leads: the whole building, or a floor lead's floor (their grant names it).
      const visible = households
        .filter((h) => hasRole(ctx.grants, ['buildingLead', 'floorLead', 'committee'], targetOf(h)))
        .sort(byRoom)
        .map((h) => ({ h, fields: fieldsFor(ctx.grants, targetOf(h)) }))
      const views = visible.map(({ h, fields }) => householdView(h, building.name, fields))
      const nameLevel = new Map(visible.map(({ h, fields }) => [h._id, fields.name] as const))
      const requests = pending.filter((r) => nameLevel.has(r.householdId))
      return {
        building: {
          id: building._id,
          name: building.name,
          communityId: building.communityId,
          groupId: building.groupId,
        },
        households: views,
        pending: requests.map((r) => joinRequestView(r, building.name, nameLevel.get(r.householdId) ?? 'masked')),
        unlinked: views.filter((h) => h.linkedCount === 0 && h.members.length > 0),
        counts: {
          households: views.length,
          residents: views.reduce((n, h) => n + h.members.length, 0),
          linkedHouseholds: views.filter((h) => h.linkedCount > 0).length,
          special: views.filter((h) => h.special).length,
        },
      }
    },
  }),

  setProxy: action({
    input: z.object({ householdId: id('住户'), proxy: z.boolean().describe('代管') }).strict(),
    access: { roles: ['buildingLead', 'committee'], scope: (i, ctx) => householdTarget(ctx, i.householdId) },
    handler: async (input, ctx): Promise<HouseholdView> => {
      const household = await loadHousehold(ctx, input.householdId)
      const building = await loadBuilding(ctx, household.buildingId)
      await data.update('households', household._id, { proxy: input.proxy, updatedAt: nowDate() })
      return householdView(
        { ...household, proxy: input.proxy },
        building.name,
        fieldsFor(ctx.grants, targetOf(household)),
      )
    },
  }),

  setFlags: action({
    input: z
      .object({ householdId: id('住户'), memberId: id('成员'), flags: z.array(FLAG).max(6).describe('特殊人群标记') })
      .strict(),
    access: {
      roles: ['buildingLead', 'floorLead', 'committee'],
      scope: (i, ctx) => householdTarget(ctx, i.householdId),
    },
    handler: async (input, ctx): Promise<HouseholdView> => {
      const household = await loadHousehold(ctx, input.householdId)
      const building = await loadBuilding(ctx, household.buildingId)
      const member = household.members.find((m) => m.id === input.memberId)
      if (!member) throw new AppError('NOT_FOUND', '这一户没有这位成员', 'memberId')
      const flags = withDerivedFlags(input.flags, member.birthYear, now().year())
      await data.updateWhere(
        'households',
        { _id: household._id, 'members.id': member.id },
        { 'members.$.flags': flags, updatedAt: nowDate() },
      )
      const next = { ...household, members: household.members.map((m) => (m.id === member.id ? { ...m, flags } : m)) }
      return householdView(next, building.name, fieldsFor(ctx.grants, targetOf(household)))
    },
  }),

  myHousehold: action({
    input: z.object({ householdId: id('住户') }).strict(),
    access: { roles: ['resident'], scope: (i, ctx) => householdTarget(ctx, i.householdId) },
    handler: async (input, ctx): Promise<HouseholdView> => {
      const household = await loadHousehold(ctx, input.householdId)
      const building = await loadBuilding(ctx, household.buildingId)
      // The caller's own household in full; a 代管 holder's phones masked (the policy decides).
      return householdView(household, building.name, fieldsFor(ctx.grants, targetOf(household)))
    },
  }),

  deleteMyData: action({
    input: z.object({ householdId: id('住户'), confirm: z.literal('删除').describe('确认') }).strict(),
    access: { roles: ['resident'], scope: (i, ctx) => householdTarget(ctx, i.householdId) },
    // The caller's member and what depends on it, step by step and safe to repeat (./erasure.ts).
    handler: (input, ctx) => eraseMyData(input.householdId, ctx),
  }),
})
