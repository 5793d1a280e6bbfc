// Granting and revoking roles. A role is held by a WeChat user at a place; the committee grants them to residents
// who have joined their household.
import type { RoleGrant, RoleView, VolunteerType } from '../../../typings/api'
import type { BuildingDoc, GroupDoc, HouseholdDoc, RoleDoc } from '../../../server/community/model'
import { action, AppError, defineActions, hasRole, isDuplicateKey, nameText, nowDate, z } from '../../../server/kernel'
import { roleId } from '../../../server/community/ids'
import { VOLUNTEER_LABELS } from '../../../miniprogram/shared/constants'
import { data } from '../../../server/platform/cloud'
import { loadBuilding, loadCommunity, loadGroup, loadHousehold } from '../../../server/platform/places'
import { toGrant, trusted } from '../../../server/platform/grants'
import { fieldsFor, fieldsForCommunityPerson, householdTarget, showName } from '../../../server/platform/visibility'
import { communityView, DEFAULT_CAPS } from './structure'
import { roleViews } from './views'

const id = (label: string) => z.string().min(1).max(64).describe(label)
const VOLUNTEER = z.enum(['online', 'testing', 'building', 'patrol', 'transport', 'emergency']).describe('志愿者类型')
const communityScope = (i: { communityId: string }) => ({ communityId: i.communityId })

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
        posts: z.array(id('岗位楼栋')).max(50).optional().describe('负责楼栋'),
      })
      .strict(),
    access: {
      roles: ['committee', 'communityLead'],
      scope: communityScope,
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
      const type: VolunteerType | undefined = input.volunteerType
      if (input.role === 'volunteer') {
        if (!type) throw new AppError('INVALID_INPUT', '请选择志愿者类型', 'volunteerType')
        posts = [...new Set(input.posts ?? [])]
        if (posts.length) {
          const found = await data.byIds<BuildingDoc>('buildings', posts)
          if (posts.some((p) => found.get(p)?.communityId !== community._id))
            throw new AppError('NOT_FOUND', '负责楼栋中有不属于本小区的楼栋', 'posts')
        }
        place = type
      } else if (type || input.posts) {
        throw new AppError('INVALID_INPUT', '只有志愿者需要类型和负责楼栋', type ? 'volunteerType' : 'posts')
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

      const cap = type ? ({ ...DEFAULT_CAPS, ...community.settings.volunteerCaps }[type] ?? null) : null
      if (
        cap !== null &&
        (await data.count('roles', { communityId: community._id, role: 'volunteer', volunteerType: type })) >= cap
      ) {
        throw new AppError('VOLUNTEER_CAP_REACHED', `${VOLUNTEER_LABELS[type as VolunteerType]}志愿者已满 ${cap} 人`)
      }
      if (cap === null) {
        await data.set('roles', doc)
      } else {
        // Capped types use slot ids 1..cap: an insert on a taken slot fails atomically, so two committee members
        // granting at the same moment can never exceed the cap.
        let placed = false
        for (let slot = 1; slot <= cap && !placed; slot++) {
          try {
            await data.insert('roles', { ...doc, _id: `vol_${community._id}_${type}_${slot}` })
            doc._id = `vol_${community._id}_${type}_${slot}`
            placed = true
          } catch (err) {
            if (!isDuplicateKey(err)) throw err
          }
        }
        if (!placed)
          throw new AppError('VOLUNTEER_CAP_REACHED', `${VOLUNTEER_LABELS[type as VolunteerType]}志愿者已满 ${cap} 人`)
      }
      const [view] = await namedViews([doc], ctx.grants)
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
