// The lead's building roster, 代管 households, special-population flags, and a resident's own household.
import type { HouseholdView, Roster } from '../../../typings/api'
import type { HouseholdDoc, JoinRequestDoc, RoleDoc } from '../../../server/community/model'
import { action, AppError, defineActions, hasRole, now, nowDate, z } from '../../../server/kernel'
import { naturalCompare } from '../../../server/community/structure'
import { withDerivedFlags } from '../../../server/community/flags'
import { data } from '../../../server/platform/cloud'
import {
  buildingScope,
  householdScope,
  householdView,
  loadBuilding,
  loadHousehold,
  visibilityFor,
} from '../../../server/platform/places'
import type { Grant } from '../../../server/platform/grants'
import { joinRequestView } from './views'

const id = (label: string) => z.string().min(1).max(64).describe(label)
const FLAG = z.enum(['elderly', 'alone', 'mobility', 'chronic', 'pregnant', 'infant'])

const byRoom = (a: HouseholdDoc, b: HouseholdDoc) => a.floor - b.floor || naturalCompare(a.room, b.room)

/** Scope of a household for the permission check (the household and its building are memoised for the handler). */
async function householdTarget(ctx: Parameters<typeof loadHousehold>[0], householdId: string) {
  const household = await loadHousehold(ctx, householdId)
  return householdScope(household, await loadBuilding(ctx, household.buildingId))
}

/**
 * Functions that erase what other features keep about a household (antigen results, orders…). Each feature
 * registers its own so that deleting a household's data reaches everything.
 */
export const householdErasers: ((householdId: string) => Promise<number>)[] = []

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
      const scope = buildingScope(building)
      // A floor lead holds a narrower grant: the roster shows only the floors they lead.
      const wholeBuilding = hasRole(ctx.grants, ['buildingLead', 'committee'], scope)
      const floors = (ctx.grants as Grant[])
        .filter((g) => g.role === 'floorLead' && g.scope.buildingId === building._id)
        .map((g) => g.scope.floor)
      const [households, pending] = await Promise.all([
        data.findAll<HouseholdDoc>('households', { buildingId: building._id }),
        data.find<JoinRequestDoc>(
          'joinRequests',
          { buildingId: building._id, status: 'pending' },
          { limit: 200, orderBy: [['createdAt', 'asc']] },
        ),
      ])
      const visible = households.filter((h) => wholeBuilding || floors.includes(h.floor)).sort(byRoom)
      const views = visible.map((h) =>
        householdView(h, building.name, visibilityFor(ctx.grants, { ...scope, floor: h.floor, householdId: h._id })),
      )
      const requests = pending.filter((r) => wholeBuilding || visible.some((h) => h._id === r.householdId))
      return {
        building: {
          id: building._id,
          name: building.name,
          communityId: building.communityId,
          groupId: building.groupId,
        },
        households: views,
        pending: requests.map((r) => joinRequestView(r, building.name, true)),
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
        visibilityFor(ctx.grants, householdScope(household, building)),
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
      return householdView(next, building.name, visibilityFor(ctx.grants, householdScope(household, building)))
    },
  }),

  myHousehold: action({
    input: z.object({ householdId: id('住户') }).strict(),
    access: { roles: ['resident'], scope: (i, ctx) => householdTarget(ctx, i.householdId) },
    handler: async (input, ctx): Promise<HouseholdView> => {
      const household = await loadHousehold(ctx, input.householdId)
      const building = await loadBuilding(ctx, household.buildingId)
      return householdView(household, building.name, 'self')
    },
  }),

  deleteMyData: action({
    input: z.object({ householdId: id('住户'), confirm: z.literal('删除').describe('确认') }).strict(),
    access: { roles: ['resident'], scope: (i, ctx) => householdTarget(ctx, i.householdId) },
    handler: async (input, ctx) => {
      const household = await loadHousehold(ctx, input.householdId)
      const members = household.members.length
      // The room stays in the structure (the building still has it); the people in it are erased.
      await data.update('households', household._id, {
        members: [],
        linkedOpenids: [],
        proxy: false,
        erasedAt: nowDate(),
        updatedAt: nowDate(),
      })
      const grants = await data.find<RoleDoc>('roles', { role: 'resident', householdId: household._id }, { limit: 100 })
      await Promise.all(grants.map((g) => data.remove('roles', g._id)))
      await data.removeWhere('joinRequests', { householdId: household._id })
      for (const erase of householdErasers) await erase(household._id)
      return { householdId: household._id, members, roles: grants.length }
    },
  }),
})
