// The community tree as the committee manages it: zones, 营 of about 20 buildings, buildings.
import type { BuildingSummary, GroupSummary, StructureView, VolunteerType } from '../../../typings/api'
import type { BuildingDoc, CommunityDoc, GroupDoc, RoleDoc, ZoneDoc } from '../../../server/community/model'
import { action, type ActionContext, AppError, defineActions, nameText, z } from '../../../server/kernel'
import { DEFAULT_VOLUNTEER_CAPS } from '../../../server/community/settings'
import { randomId } from '../../../server/community/ids'
import { chunkIntoGroups, groupName, naturalCompare, normaliseBuildingName } from '../../../server/community/structure'
import { data } from '../../../server/platform/cloud'
import { loadBuilding, loadCommunity, loadGroup } from '../../../server/platform/places'
import { trusted } from '../../../server/platform/grants'

const id = (label: string) => z.string().min(1).max(64).describe(label)
const communityScope = (i: { communityId: string }) => ({ communityId: i.communityId })

interface BuildingStats {
  _id: string
  households: number
  residents: number
  linked: number
}

export const DEFAULT_CAPS: Record<VolunteerType, number | null> = DEFAULT_VOLUNTEER_CAPS

export function communityView(c: CommunityDoc): StructureView['community'] {
  return {
    id: c._id,
    name: c.name,
    groupSize: c.settings.groupSize,
    volunteerCaps: { ...DEFAULT_CAPS, ...c.settings.volunteerCaps },
  }
}

/** Per-building household counts in one aggregation round trip. */
async function buildingStats(communityId: string): Promise<Map<string, BuildingStats>> {
  const $ = data._.aggregate
  const rows = await data.runAggregate<BuildingStats>(
    data
      .aggregate('households')
      .match({ communityId })
      .group({
        _id: '$buildingId',
        households: $.sum(1),
        residents: $.sum($.size('$members')),
        linked: $.sum($.cond({ if: $.gt([$.size('$linkedOpenids'), 0]), then: 1, else: 0 })),
      })
      .limit(1000),
  )
  return new Map(rows.map((r) => [r._id, r]))
}

async function elderlyCount(communityId: string): Promise<number> {
  const $ = data._.aggregate
  const [row] = await data.runAggregate<{ n: number }>(
    data
      .aggregate('households')
      .match({ communityId })
      .project({ n: $.size($.filter({ input: '$members', as: 'm', cond: $.in(['elderly', '$$m.flags']) })) })
      .group({ _id: null, n: $.sum('$n') })
      .limit(1),
  )
  return row?.n ?? 0
}

export async function structureOf(ctx: ActionContext, communityId: string): Promise<StructureView> {
  const community = await loadCommunity(ctx, communityId)
  const [zones, groups, buildings, stats, elderly, leads] = await Promise.all([
    data.find<ZoneDoc>('zones', { communityId }, { limit: 100, orderBy: [['order', 'asc']] }),
    data.findAll<GroupDoc>('groups', { communityId }, { orderBy: [['order', 'asc']] }),
    data.findAll<BuildingDoc>('buildings', { communityId }, { orderBy: [['order', 'asc']] }),
    buildingStats(communityId),
    elderlyCount(communityId),
    data.findAll<RoleDoc>('roles', { communityId, role: data._.in(['buildingLead', 'groupLead']) }).then(trusted),
  ])
  const leadOf = (key: 'buildingId' | 'groupId', value: string) => leads.filter((l) => l.scope[key] === value).length
  const summary = (b: BuildingDoc): BuildingSummary => {
    const s = stats.get(b._id)
    const view: BuildingSummary = {
      id: b._id,
      name: b.name,
      groupId: b.groupId,
      households: s?.households ?? 0,
      residents: s?.residents ?? 0,
      linkedHouseholds: s?.linked ?? 0,
    }
    if (b.zoneId) view.zoneId = b.zoneId
    const n = leadOf('buildingId', b._id)
    if (n) view.lead = `${n} 位楼组长`
    return view
  }
  const groupViews: GroupSummary[] = groups.map((g) => {
    const view: GroupSummary = {
      id: g._id,
      name: g.name,
      buildings: buildings.filter((b) => b.groupId === g._id).map(summary),
    }
    if (g.zoneId) view.zoneId = g.zoneId
    const n = leadOf('groupId', g._id)
    if (n) view.lead = `${n} 位营长`
    return view
  })
  const orphans = buildings.filter((b) => !groups.some((g) => g._id === b.groupId))
  if (orphans.length) groupViews.push({ id: '', name: '未分营', buildings: orphans.map(summary) })
  return {
    community: communityView(community),
    zones: zones.map((z) => ({ id: z._id, name: z.name })),
    groups: groupViews,
    totals: {
      buildings: buildings.length,
      households: [...stats.values()].reduce((n, s) => n + s.households, 0),
      residents: [...stats.values()].reduce((n, s) => n + s.residents, 0),
      elderly,
    },
  }
}

/**
 * Move buildings to a group: their households and join requests carry the group for roll-ups, so they move too
 * (three round trips per call, however many buildings).
 */
async function assignGroupMany(buildingIds: string[], groupId: string): Promise<void> {
  if (buildingIds.length === 0) return
  const moving = { groupId: data._.neq(groupId) }
  await data.updateWhere('buildings', { _id: data._.in(buildingIds), ...moving }, { groupId })
  await data.updateWhere('households', { buildingId: data._.in(buildingIds), ...moving }, { groupId })
  await data.updateWhere('joinRequests', { buildingId: data._.in(buildingIds), ...moving }, { groupId })
}

export const structureActions = defineActions('community', {
  structure: action({
    input: z.object({ communityId: id('小区') }).strict(),
    access: { roles: ['committee', 'communityLead'], scope: communityScope },
    handler: async (input, ctx) => structureOf(ctx, input.communityId),
  }),

  upsertZone: action({
    input: z
      .object({
        communityId: id('小区'),
        zoneId: id('片区').optional(),
        name: nameText('片区名称'),
      })
      .strict(),
    access: { roles: ['committee'], scope: communityScope },
    handler: async (input, ctx) => {
      await loadCommunity(ctx, input.communityId)
      if (input.zoneId) {
        const zone = await data.get<ZoneDoc>('zones', input.zoneId)
        if (!zone || zone.communityId !== input.communityId) throw new AppError('NOT_FOUND', '找不到这个片区', 'zoneId')
        await data.update('zones', zone._id, { name: input.name })
        return { id: zone._id }
      }
      const order = await data.count('zones', { communityId: input.communityId })
      const zone: ZoneDoc = { _id: randomId('zone'), communityId: input.communityId, name: input.name, order }
      await data.insert('zones', zone)
      return { id: zone._id }
    },
  }),

  upsertBuilding: action({
    input: z
      .object({
        communityId: id('小区'),
        buildingId: id('楼栋').optional(),
        name: nameText('楼栋名称').transform(normaliseBuildingName),
        groupId: id('营').optional(),
        zoneId: id('片区').optional(),
      })
      .strict(),
    access: { roles: ['committee'], scope: communityScope },
    handler: async (input, ctx): Promise<BuildingSummary> => {
      const community = await loadCommunity(ctx, input.communityId)
      const all = await data.findAll<BuildingDoc>('buildings', { communityId: community._id })
      if (all.some((b) => b.name === input.name && b._id !== input.buildingId))
        throw new AppError('CONFLICT', `已经有一栋「${input.name}」`, 'name')
      if (input.groupId) {
        const g = await loadGroup(ctx, input.groupId)
        if (g.communityId !== community._id) throw new AppError('NOT_FOUND', '找不到这个营', 'groupId')
      }
      if (input.zoneId) {
        const zone = await data.get<ZoneDoc>('zones', input.zoneId)
        if (!zone || zone.communityId !== community._id) throw new AppError('NOT_FOUND', '找不到这个片区', 'zoneId')
      }
      let building: BuildingDoc
      if (input.buildingId) {
        const existing = all.find((b) => b._id === input.buildingId)
        if (!existing) throw new AppError('NOT_FOUND', '找不到这栋楼', 'buildingId')
        building = { ...existing, name: input.name, ...(input.zoneId ? { zoneId: input.zoneId } : {}) }
        await data.update('buildings', building._id, {
          name: building.name,
          ...(input.zoneId ? { zoneId: input.zoneId } : {}),
        })
        if (input.groupId) await assignGroupMany([existing._id], input.groupId)
        building.groupId = input.groupId ?? existing.groupId
      } else {
        const groups = await data.findAll<GroupDoc>(
          'groups',
          { communityId: community._id },
          { orderBy: [['order', 'asc']] },
        )
        let groupId = input.groupId
        if (!groupId) {
          // A new building joins the last 营 if it has room, else starts a new one.
          const last = groups[groups.length - 1]
          if (last && all.filter((b) => b.groupId === last._id).length < community.settings.groupSize)
            groupId = last._id
          else {
            const g: GroupDoc = {
              _id: randomId('grp'),
              communityId: community._id,
              name: groupName(groups.length),
              order: groups.length,
            }
            await data.insert('groups', g)
            groupId = g._id
          }
        }
        building = { _id: randomId('bld'), communityId: community._id, groupId, name: input.name, order: 0 }
        if (input.zoneId) building.zoneId = input.zoneId
        const sorted = [...all, building].sort((a, b) => naturalCompare(a.name, b.name))
        building.order = sorted.indexOf(building)
        await data.insert('buildings', building)
        // Keep `order` dense and natural for everything after the new one.
        await Promise.all(
          sorted
            .slice(building.order + 1)
            .map((b, i) => data.update('buildings', b._id, { order: building.order + 1 + i })),
        )
      }
      return {
        id: building._id,
        name: building.name,
        groupId: building.groupId,
        households: 0,
        residents: 0,
        linkedHouseholds: 0,
        ...(building.zoneId ? { zoneId: building.zoneId } : {}),
      }
    },
  }),

  autoGroup: action({
    input: z
      .object({ communityId: id('小区'), size: z.number().int().min(1).max(100).optional().describe('每营楼栋数') })
      .strict(),
    access: { roles: ['committee'], scope: communityScope },
    handler: async (input, ctx) => {
      const community = await loadCommunity(ctx, input.communityId)
      const size = input.size ?? community.settings.groupSize
      const [groups, buildings] = await Promise.all([
        data.findAll<GroupDoc>('groups', { communityId: community._id }, { orderBy: [['order', 'asc']] }),
        data.findAll<BuildingDoc>('buildings', { communityId: community._id }),
      ])
      const chunks = chunkIntoGroups(
        buildings.sort((a, b) => naturalCompare(a.name, b.name)),
        size,
      )
      // Reuse existing 营 in order (their leads keep their 营), create what is missing, drop the surplus.
      for (let i = 0; i < chunks.length; i++) {
        let group = groups[i]
        if (!group) {
          group = { _id: randomId('grp'), communityId: community._id, name: groupName(i), order: i }
          await data.insert('groups', group)
        } else if (group.order !== i) await data.update('groups', group._id, { order: i })
        await assignGroupMany(
          (chunks[i] ?? []).map((b) => b._id),
          group._id,
        )
      }
      for (const surplus of groups.slice(chunks.length)) await data.remove('groups', surplus._id)
      if (size !== community.settings.groupSize)
        await data.update('communities', community._id, { 'settings.groupSize': size })
      // Read the tree afresh: the memoised community and buildings are now out of date.
      return structureOf({ ...ctx, memo: (_k, load) => load() } as ActionContext, community._id)
    },
  }),

  moveBuilding: action({
    input: z.object({ buildingId: id('楼栋'), groupId: id('营') }).strict(),
    access: {
      roles: ['committee'],
      scope: async (i, ctx) => ({ communityId: (await loadBuilding(ctx, i.buildingId)).communityId }),
    },
    handler: async (input, ctx): Promise<BuildingSummary> => {
      const building = await loadBuilding(ctx, input.buildingId)
      const group = await loadGroup(ctx, input.groupId)
      if (group.communityId !== building.communityId) throw new AppError('NOT_FOUND', '找不到这个营', 'groupId')
      await assignGroupMany([building._id], group._id)
      return {
        id: building._id,
        name: building.name,
        groupId: group._id,
        households: 0,
        residents: 0,
        linkedHouseholds: 0,
      }
    },
  }),

  renameGroup: action({
    input: z.object({ groupId: id('营'), name: nameText('营名称') }).strict(),
    access: {
      roles: ['committee'],
      scope: async (i, ctx) => ({ communityId: (await loadGroup(ctx, i.groupId)).communityId }),
    },
    handler: async (input) => {
      await data.update('groups', input.groupId, { name: input.name })
      return { id: input.groupId, name: input.name }
    },
  }),
})
