// Granting and revoking roles. A role is held by a WeChat user at a place; the committee grants them to residents
// who have joined their household.
import type { RoleGrant, RoleView, Scope, VolunteerShift, VolunteerType } from '../../../typings/api'
import type { BuildingDoc, CommunityDoc, GroupDoc, HouseholdDoc, RoleDoc } from '../../../server/community/model'
import {
  action,
  AppError,
  defineActions,
  hasRole,
  isAppError,
  isDuplicateKey,
  nameText,
  nowDate,
  z,
  type ActionContext,
} from '../../../server/kernel'
import { roleId } from '../../../server/community/ids'
import { normalShifts, postRunProblem, shiftsSchema } from '../../../server/community/shifts'
import { VOLUNTEER_LABELS } from '../../../miniprogram/shared/constants'
import { data } from '../../../server/platform/cloud'
import { buildingScope, loadBuilding, loadCommunity, loadGroup, loadHousehold } from '../../../server/platform/places'
import { toGrant, trusted } from '../../../server/platform/grants'
import { fieldsFor, fieldsForCommunityPerson, householdTarget, showName } from '../../../server/platform/visibility'
import { communityView, DEFAULT_CAPS } from './structure'
import { roleViews } from './views'

const id = (label: string) => z.string().min(1).max(64).describe(label)
const VOLUNTEER = z.enum(['online', 'testing', 'building', 'patrol', 'transport', 'emergency']).describe('志愿者类型')
const communityScope = (i: { communityId: string }) => ({ communityId: i.communityId })
const POSTS = z.array(id('岗位楼栋')).max(50).describe('负责楼栋')

/**
 * The place a volunteer grant or post change targets: a 楼栋 volunteer's one building (so that building's lead is
 * covered as well as the committee and 团长), else the community. A building that cannot be found, or is another
 * community's, leaves the community: the committee then hears why from the handler, a building lead is refused.
 */
async function postTarget(ctx: ActionContext, communityId: string, building: string | undefined): Promise<Scope> {
  if (building === undefined) return { communityId }
  try {
    const b = await loadBuilding(ctx, building)
    if (b.communityId === communityId) return buildingScope(b)
  } catch (err) {
    if (!isAppError(err) || err.code !== 'NOT_FOUND') throw err
  }
  return { communityId }
}

/** The one building of a 楼栋 volunteer's posts, when the posts are exactly one building. */
const onlyPost = (type: VolunteerType | undefined, posts: readonly string[] | undefined): string | undefined =>
  type === 'building' && posts?.length === 1 ? posts[0] : undefined

/** Kinds with exactly one building: a 楼栋 volunteer helps one building's doors, a 云上 volunteer is its building's one. */
const ONE_BUILDING: readonly VolunteerType[] = ['building', 'online']

/**
 * A volunteer's posts checked: each a building of the community, duplicates dropped; a 楼栋 or 云上 volunteer has
 * exactly one building; the others a run of neighbouring buildings in the community's order (postRunProblem).
 * Returns the buildings found.
 */
async function checkPosts(
  communityId: string,
  type: VolunteerType,
  given: readonly string[],
): Promise<{ posts: string[]; buildings: Map<string, BuildingDoc> }> {
  const posts = [...new Set(given)]
  if (type === 'building' && posts.length !== 1)
    throw new AppError('INVALID_INPUT', '楼栋志愿者只负责一栋楼：请选且只选一栋', 'posts')
  if (type === 'online' && posts.length !== 1)
    throw new AppError('INVALID_INPUT', '云上志愿者每栋楼一位，只负责一栋楼：请选且只选一栋', 'posts')
  const buildings = posts.length ? await data.byIds<BuildingDoc>('buildings', posts) : new Map<string, BuildingDoc>()
  if (posts.some((p) => buildings.get(p)?.communityId !== communityId))
    throw new AppError('NOT_FOUND', '负责楼栋中有不属于本小区的楼栋', 'posts')
  if (posts.length > 1) {
    const inOrder = (
      await data.findAll<BuildingDoc>('buildings', { communityId }, { orderBy: [['order', 'asc']] })
    ).sort((a, b) => a.order - b.order)
    const problem = postRunProblem(posts, inOrder)
    if (problem) throw new AppError('INVALID_INPUT', problem, 'posts')
  }
  return { posts, buildings }
}

/**
 * A volunteer type's cap and where its slots are. The community-wide kinds count across the community; 楼栋
 * volunteers are counted per building, each building having up to `cap` of its own.
 */
function capOf(
  community: CommunityDoc,
  type: VolunteerType,
  posts: readonly string[],
  names: Map<string, BuildingDoc>,
) {
  const where: Record<string, unknown> = { communityId: community._id, role: 'volunteer', volunteerType: type }
  // 云上: one per building, whatever the community-wide cap says (the building's residents' one contact).
  if (type === 'online') {
    const building = posts[0] as string
    where.posts = building
    return {
      cap: 1,
      where,
      slot: () => `vol_${community._id}_online_${building}`,
      full: `${names.get(building)?.name ?? '这栋楼'}已有云上志愿者（每栋楼一位）`,
    }
  }
  const cap = { ...DEFAULT_CAPS, ...community.settings.volunteerCaps }[type] ?? null
  if (cap === null) return null
  if (type === 'building') {
    const building = posts[0] as string
    where.posts = building
    return {
      cap,
      where,
      slot: (n: number) => `vol_${community._id}_building_${building}_${n}`,
      full: `${names.get(building)?.name ?? '这栋楼'}的楼栋志愿者已满 ${cap} 人`,
    }
  }
  return {
    cap,
    where,
    slot: (n: number) => `vol_${community._id}_${type}_${n}`,
    full: `${VOLUNTEER_LABELS[type]}志愿者已满 ${cap} 人`,
  }
}

/**
 * Writes a capped volunteer grant into the first free slot 1..cap: an insert on a taken slot fails atomically, so
 * two grants at the same moment can never exceed the cap. Grants from before the cap was set sit outside the
 * slots: a count after the insert sees them, and a grant that finds the cap exceeded takes itself back. (The last
 * grant to count sees every other that stayed, so the cap holds however they interleave.) Returns the slot's id.
 */
async function insertInSlot(doc: RoleDoc, capped: NonNullable<ReturnType<typeof capOf>>): Promise<string> {
  if ((await data.count('roles', capped.where)) >= capped.cap) throw new AppError('VOLUNTEER_CAP_REACHED', capped.full)
  for (let n = 1; n <= capped.cap; n++) {
    const slot = capped.slot(n)
    try {
      await data.insert('roles', { ...doc, _id: slot })
    } catch (err) {
      if (isDuplicateKey(err)) continue
      throw err
    }
    if ((await data.count('roles', capped.where)) > capped.cap) {
      await data.remove('roles', slot)
      break
    }
    return slot
  }
  throw new AppError('VOLUNTEER_CAP_REACHED', capped.full)
}

/** The member of a household a role is for, when there is one still: their record names them. */
function memberOf(d: RoleDoc, households: ReadonlyMap<string, HouseholdDoc>) {
  const household = d.householdId ? households.get(d.householdId) : undefined
  const member = household?.members.find((m) => m.id === d.memberId || m.openid === d.openid)
  return household && member ? { household, member } : undefined
}

/**
 * Role views with their holders' names as the visibility policy shows them to the caller: a holder living in the
 * community as a member of their household by the member record (full for the committee, masked for a 团长), one
 * without (a committee member made at bootstrap, a merchant) by the name on the role, as a person of the community
 * (full for the committee only). A holder named nowhere is `unnamed`: the committee can set a name.
 */
async function namedViews(docs: RoleDoc[], grants: readonly RoleGrant[]): Promise<RoleView[]> {
  const households = await data.byIds<HouseholdDoc>(
    'households',
    docs.flatMap((d) => (d.householdId ? [d.householdId] : [])),
  )
  const names = new Map<string, string>()
  const unnamed = new Set<string>()
  for (const d of docs) {
    const person = memberOf(d, households)
    const name = person?.member.name ?? d.holderName
    if (!name) {
      unnamed.add(d._id)
      continue
    }
    const fields = person
      ? fieldsFor(grants, householdTarget(person.household))
      : fieldsForCommunityPerson(grants, d.communityId)
    names.set(d._id, showName(fields.name, name))
  }
  const views = await roleViews(docs.map(toGrant), names)
  return views.map((v) => (unnamed.has(v.id) ? { ...v, unnamed: true } : v))
}

export const rolesActions = defineActions('community', {
  listRoles: action({
    input: z
      .object({
        communityId: id('小区'),
        role: z
          .enum([
            'resident',
            'floorLead',
            'buildingLead',
            'groupLead',
            'communityLead',
            'committee',
            'merchant',
            'volunteer',
          ])
          .optional()
          .describe('角色'),
      })
      .strict(),
    access: { roles: ['committee', 'communityLead'], scope: communityScope },
    handler: async (input, ctx): Promise<RoleView[]> => {
      const where: Record<string, unknown> = { communityId: input.communityId }
      where.role = input.role ?? data._.neq('resident')
      const docs = trusted(await data.findAll<RoleDoc>('roles', where))
      return namedViews(docs, ctx.grants)
    },
  }),

  grantRole: action({
    input: z
      .object({
        communityId: id('小区'),
        householdId: id('住户'),
        memberId: id('成员'),
        role: z
          .enum(['floorLead', 'buildingLead', 'groupLead', 'communityLead', 'committee', 'merchant', 'volunteer'])
          .describe('角色'),
        groupId: id('营').optional(),
        buildingId: id('楼栋').optional(),
        floor: z.number().int().min(-5).max(200).optional().describe('楼层'),
        volunteerType: VOLUNTEER.optional(),
        posts: POSTS.optional(),
        shifts: shiftsSchema.optional(),
      })
      .strict(),
    // A building lead may make a 楼栋 volunteer for their own building, that building as the post.
    access: {
      roles: ['committee', 'communityLead', 'buildingLead'],
      scope: (i, ctx) =>
        postTarget(ctx, i.communityId, i.role === 'volunteer' ? onlyPost(i.volunteerType, i.posts) : undefined),
    },
    handler: async (input, ctx): Promise<RoleView> => {
      const community = await loadCommunity(ctx, input.communityId)
      // Only the committee makes committee members and 团长.
      if (
        (input.role === 'committee' || input.role === 'communityLead') &&
        !hasRole(ctx.grants, ['committee'], communityScope(input))
      ) {
        throw new AppError('FORBIDDEN')
      }
      const household = await loadHousehold(ctx, input.householdId)
      if (household.communityId !== community._id) throw new AppError('NOT_FOUND', '找不到这一户', 'householdId')
      const member = household.members.find((m) => m.id === input.memberId)
      if (!member) throw new AppError('NOT_FOUND', '这一户没有这位成员', 'memberId')
      if (!member.openid) throw new AppError('NOT_LINKED')

      const scope: RoleDoc['scope'] = { communityId: community._id }
      let place = community._id
      const needBuilding = async (): Promise<BuildingDoc> => {
        if (!input.buildingId) throw new AppError('INVALID_INPUT', '请选择楼栋', 'buildingId')
        const b = await loadBuilding(ctx, input.buildingId)
        if (b.communityId !== community._id) throw new AppError('NOT_FOUND', '找不到这栋楼', 'buildingId')
        return b
      }
      if (input.role === 'buildingLead') {
        scope.buildingId = (await needBuilding())._id
        place = scope.buildingId
      } else if (input.role === 'floorLead') {
        scope.buildingId = (await needBuilding())._id
        if (input.floor === undefined) throw new AppError('INVALID_INPUT', '请填写楼层', 'floor')
        scope.floor = input.floor
        place = `${scope.buildingId}/${input.floor}`
      } else if (input.role === 'groupLead') {
        if (!input.groupId) throw new AppError('INVALID_INPUT', '请选择营', 'groupId')
        const g: GroupDoc = await loadGroup(ctx, input.groupId)
        if (g.communityId !== community._id) throw new AppError('NOT_FOUND', '找不到这个营', 'groupId')
        scope.groupId = g._id
        place = g._id
      }
      let posts: string[] | undefined
      let postBuildings = new Map<string, BuildingDoc>()
      let shifts: VolunteerShift[] | undefined
      const type: VolunteerType | undefined = input.volunteerType
      if (input.role === 'volunteer') {
        if (!type) throw new AppError('INVALID_INPUT', '请选择志愿者类型', 'volunteerType')
        const checked = await checkPosts(community._id, type, input.posts ?? [])
        posts = checked.posts
        postBuildings = checked.buildings
        if (input.shifts?.length) shifts = normalShifts(input.shifts)
        place = type
      } else if (type || input.posts || input.shifts) {
        const field = type ? 'volunteerType' : input.posts ? 'posts' : 'shifts'
        throw new AppError('INVALID_INPUT', '只有志愿者需要类型、负责楼栋和班次', field)
      }

      const doc: RoleDoc = {
        _id: roleId(member.openid, input.role, place),
        openid: member.openid,
        communityId: community._id,
        role: input.role,
        scope,
        householdId: household._id,
        memberId: member.id,
        grantedBy: ctx.caller.openid,
        grantedAt: nowDate(),
      }
      if (type) doc.volunteerType = type
      if (posts) doc.posts = posts
      if (shifts) doc.shifts = shifts
      const same = type
        ? await data.count('roles', {
            communityId: community._id,
            openid: member.openid,
            role: 'volunteer',
            volunteerType: type,
          })
        : (await data.get<RoleDoc>('roles', doc._id))
          ? 1
          : 0
      if (same > 0) throw new AppError('ROLE_EXISTS')

      const capped = type ? capOf(community, type, posts ?? [], postBuildings) : null
      if (capped) doc._id = await insertInSlot(doc, capped)
      else await data.set('roles', doc)
      const [view] = await namedViews([doc], ctx.grants)
      return view as RoleView
    },
  }),

  setVolunteerPost: action({
    input: z
      .object({ roleId: id('角色'), posts: POSTS.optional(), shifts: shiftsSchema.optional() })
      .strict()
      .refine((i) => i.posts !== undefined || i.shifts !== undefined, {
        message: '请修改负责楼栋或班次',
        path: ['posts'],
      }),
    // A building lead: only a 楼栋 volunteer of their building, who stays there.
    access: {
      roles: ['committee', 'communityLead', 'buildingLead'],
      scope: async (i, ctx) => {
        const role = await ctx.memo('role', () => data.get<RoleDoc>('roles', i.roleId))
        if (!role || trusted([role]).length === 0) throw new AppError('NOT_FOUND', '找不到这个角色', 'roleId')
        const own = role.role === 'volunteer' ? onlyPost(role.volunteerType, role.posts) : undefined
        const stays = i.posts === undefined || (i.posts.length > 0 && i.posts.every((p) => p === own))
        return postTarget(ctx, role.communityId, stays ? own : undefined)
      },
    },
    handler: async (input, ctx): Promise<RoleView> => {
      const role = (await ctx.memo('role', () => data.get<RoleDoc>('roles', input.roleId))) as RoleDoc
      const type = role.volunteerType
      if (role.role !== 'volunteer' || !type)
        throw new AppError('INVALID_INPUT', '只有志愿者有负责楼栋和班次', 'roleId')
      const community = await loadCommunity(ctx, role.communityId)
      const next: RoleDoc = { ...role }
      let buildings = new Map<string, BuildingDoc>()
      if (input.posts !== undefined) {
        const checked = await checkPosts(community._id, type, input.posts)
        buildings = checked.buildings
        next.posts = checked.posts
      }
      if (input.shifts !== undefined) {
        if (input.shifts.length) next.shifts = normalShifts(input.shifts)
        else delete next.shifts
      }

      // A 楼栋 or 云上 volunteer moving to another building takes a slot of that building, within its cap.
      const moved = ONE_BUILDING.includes(type) && role.posts?.[0] !== next.posts?.[0]
      const capped = moved ? capOf(community, type, next.posts ?? [], buildings) : null
      if (capped) {
        const oldId = role._id
        const newId = await insertInSlot(next, capped)
        // Someone else moved or revoked it meanwhile: undo ours rather than leave the volunteer twice.
        if ((await data.remove('roles', oldId)) === 0) {
          await data.remove('roles', newId)
          throw new AppError('CONFLICT', '这位志愿者刚被别人修改过，请刷新后再试', 'roleId')
        }
        next._id = newId
      } else {
        const patch: Record<string, unknown> = {}
        if (input.posts !== undefined) patch.posts = next.posts
        if (input.shifts !== undefined) patch.shifts = next.shifts ?? data._.remove()
        if ((await data.update('roles', role._id, patch)) === 0 && !(await data.get<RoleDoc>('roles', role._id)))
          throw new AppError('NOT_FOUND', '找不到这个角色', 'roleId')
      }
      const [view] = await namedViews([next], ctx.grants)
      return view as RoleView
    },
  }),

  revokeRole: action({
    input: z.object({ roleId: id('角色') }).strict(),
    access: {
      roles: ['committee', 'communityLead'],
      scope: async (i, ctx) => {
        const role = await ctx.memo('role', () => data.get<RoleDoc>('roles', i.roleId))
        if (!role) throw new AppError('NOT_FOUND', '找不到这个角色')
        return { communityId: role.communityId }
      },
    },
    handler: async (input, ctx) => {
      const role = (await ctx.memo('role', () => data.get<RoleDoc>('roles', input.roleId))) as RoleDoc
      if (
        (role.role === 'committee' || role.role === 'communityLead') &&
        !hasRole(ctx.grants, ['committee'], { communityId: role.communityId })
      ) {
        throw new AppError('FORBIDDEN')
      }
      if (role.role === 'resident') throw new AppError('FORBIDDEN', '居民身份由本人在「我的数据」中解除')
      if (role.role === 'committee') {
        const others = trusted(
          await data.find<RoleDoc>('roles', { communityId: role.communityId, role: 'committee' }, { limit: 1000 }),
        ).filter((r) => r._id !== role._id)
        if (others.length === 0) throw new AppError('CONFLICT', '社区至少要保留一名居委管理员')
      }
      return { revoked: (await data.remove('roles', role._id)) > 0 }
    },
  }),

  setRoleHolderName: action({
    input: z.object({ roleId: id('角色'), name: nameText('姓名') }).strict(),
    access: {
      roles: ['committee'],
      scope: async (i, ctx) => {
        const role = await ctx.memo('role', () => data.get<RoleDoc>('roles', i.roleId))
        if (!role || trusted([role]).length === 0) throw new AppError('NOT_FOUND', '找不到这个角色', 'roleId')
        return { communityId: role.communityId }
      },
    },
    handler: async (input, ctx): Promise<RoleView> => {
      const role = (await ctx.memo('role', () => data.get<RoleDoc>('roles', input.roleId))) as RoleDoc
      const households = await data.byIds<HouseholdDoc>('households', role.householdId ? [role.householdId] : [])
      if (memberOf(role, households))
        throw new AppError('CONFLICT', '这位是住户的成员，姓名按住户登记显示，不用另外填写', 'roleId')
      // Stored as the join form and bootstrap store names: without spaces.
      const holderName = input.name.replace(/\s+/g, '')
      await data.update('roles', role._id, { holderName })
      const [view] = await namedViews([{ ...role, holderName }], ctx.grants)
      return view as RoleView
    },
  }),

  setVolunteerCaps: action({
    input: z
      .object({
        communityId: id('小区'),
        caps: z.record(VOLUNTEER, z.number().int().min(0).max(1000).nullable()).describe('志愿者人数上限'),
      })
      .strict(),
    access: { roles: ['committee'], scope: communityScope },
    handler: async (input, ctx) => {
      const community = await loadCommunity(ctx, input.communityId)
      const caps = { ...DEFAULT_CAPS, ...community.settings.volunteerCaps, ...input.caps }
      await data.update('communities', community._id, { 'settings.volunteerCaps': caps })
      return communityView({ ...community, settings: { ...community.settings, volunteerCaps: caps } })
    },
  }),
})
