// Joining a household with the building's invite, and the lead's approval (what stops impersonation).
import type { InvitePreview, InviteView, JoinRequestView } from '../../../typings/api'
import type {
  BuildingDoc,
  CommunityDoc,
  HouseholdDoc,
  InviteDoc,
  JoinRequestDoc,
  RoleDoc,
} from '../../../server/community/model'
import { action, AppError, defineActions, formatShanghai, nowDate, nowMs, z } from '../../../server/kernel'
import { CONSENTS } from '../../../server/community/consent'
import { inviteCode, joinRequestId, roleId } from '../../../server/community/ids'
import { householdLabel, isValidRoom, normaliseRoom } from '../../../server/community/structure'
import { maskName } from '../../../server/community/mask'
import { TEMPLATES, thing } from '../../../server/templates'
import { data } from '../../../server/platform/cloud'
import { buildingScope, loadBuilding, loadHousehold } from '../../../server/platform/places'
import { activeHealthConsent, recordConsent } from './identity'
import { sendSubscribe } from '../../../server/platform/notify'
import { joinRequestView } from './views'

const HOUR = 3600_000
export const JOIN_PAGE = 'pages/join/index'
export const ROSTER_PAGE = 'packageLead/pages/roster'

const code = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase().replace(/\s+/g, ''))
  .pipe(z.string().regex(/^[0-9A-Z]{6,12}$/, '邀请码格式不正确'))
  .describe('邀请码')
const room = z
  .string()
  .trim()
  .min(1)
  .max(12)
  .transform(normaliseRoom)
  .refine(isValidRoom, '房号格式不正确，例如 201 或 1502')
  .describe('房号')
const personName = z
  .string()
  .trim()
  .min(1)
  .max(20)
  .transform((s) => s.replace(/\s+/g, ''))
  .describe('姓名')

function inviteView(i: InviteDoc, buildingName: string): InviteView {
  const view: InviteView = {
    code: i._id,
    buildingId: i.buildingId,
    buildingName,
    expiresAt: i.expiresAt instanceof Date ? i.expiresAt.toISOString() : String(i.expiresAt),
    maxUses: i.maxUses,
    uses: i.uses,
    path: `${JOIN_PAGE}?code=${i._id}`,
  }
  if (i.room) view.room = i.room
  return view
}

/** A usable invite, or the reason it is not (nothing written either way). */
async function usableInvite(codeValue: string, communityId?: string, checkUses = true): Promise<InviteDoc> {
  const invite = await data.get<InviteDoc>('invites', codeValue)
  if (!invite || invite.revoked) throw new AppError('INVITE_INVALID', undefined, 'code')
  if (communityId && invite.communityId !== communityId)
    throw new AppError('INVITE_INVALID', '这个邀请码不属于本小区', 'code')
  if (new Date(invite.expiresAt).getTime() < nowMs()) throw new AppError('INVITE_EXPIRED', undefined, 'code')
  if (checkUses && invite.uses >= invite.maxUses) throw new AppError('INVITE_USED_UP', undefined, 'code')
  return invite
}

const sameName = (a: string, b: string) => a.replace(/\s+/g, '') === b.replace(/\s+/g, '')

async function notifyLeads(request: JoinRequestDoc, building: BuildingDoc): Promise<void> {
  const leads = await data.find<RoleDoc>(
    'roles',
    { communityId: request.communityId, role: 'buildingLead', 'scope.buildingId': building._id },
    { limit: 20 },
  )
  const fields = {
    thing1: thing(
      `${householdLabel(building.name, request.room)} ${maskName(request.name)}${request.asProxy ? '（代管）' : ''}`,
    ),
    time2: formatShanghai(request.createdAt),
    thing3: '请在「楼栋名册」中审核',
  }
  await Promise.all(
    leads.map((l) =>
      sendSubscribe(l.openid, TEMPLATES.joinRequest, `${ROSTER_PAGE}?buildingId=${building._id}&tab=pending`, fields),
    ),
  )
}

export const onboardingActions = defineActions('community', {
  previewInvite: action({
    input: z.object({ code }).strict(),
    access: { signedIn: true },
    handler: async (input): Promise<InvitePreview> => {
      const invite = await usableInvite(input.code)
      const [community, building] = await Promise.all([
        data.get<CommunityDoc>('communities', invite.communityId),
        data.get<BuildingDoc>('buildings', invite.buildingId),
      ])
      if (!community || !building) throw new AppError('INVITE_INVALID')
      const preview: InvitePreview = {
        communityName: community.name,
        buildingName: building.name,
        expiresAt: new Date(invite.expiresAt).toISOString(),
      }
      if (invite.room) preview.room = invite.room
      return preview
    },
  }),

  requestJoin: action({
    input: z
      .object({
        code,
        room,
        name: personName,
        asProxy: z.boolean().optional().describe('代管'),
        personalConsent: z.string().min(1, '请先阅读并同意个人信息授权').max(40).describe('个人信息授权'),
        healthConsent: z.string().max(40).optional().describe('健康信息授权'),
        communityId: z.string().min(1).max(64).optional().describe('小区'),
      })
      .strict(),
    access: { signedIn: true },
    handler: async (input, ctx): Promise<JoinRequestView> => {
      const openid = ctx.caller.openid
      if (input.personalConsent !== CONSENTS.personal.version) throw new AppError('CONSENT_OUTDATED')
      if (input.healthConsent !== undefined && input.healthConsent !== CONSENTS.health.version)
        throw new AppError('CONSENT_OUTDATED')
      // Uses are checked after looking for this person's own earlier request: a retry must not count as reuse.
      const invite = await usableInvite(input.code, input.communityId, false)
      if (invite.room && invite.room !== input.room)
        throw new AppError('ROOM_NOT_FOUND', `这个邀请码只能用于 ${invite.room} 室`, 'room')
      const building = await loadBuilding(ctx, invite.buildingId)
      const [household] = await data.find<HouseholdDoc>(
        'households',
        { buildingId: building._id, room: input.room },
        { limit: 1 },
      )
      if (!household) throw new AppError('ROOM_NOT_FOUND', `${building.name}没有 ${input.room} 室，请核对房号`, 'room')
      if (household.linkedOpenids.includes(openid)) throw new AppError('ALREADY_JOINED')
      const asProxy = input.asProxy === true
      const member = household.members.find((m) => sameName(m.name, input.name))
      if (!asProxy && household.members.length > 0 && !member) throw new AppError('NAME_MISMATCH', undefined, 'name')
      if (member?.openid && member.openid !== openid)
        throw new AppError('NAME_MISMATCH', '这位住户已经绑定了其他微信，如有疑问请联系楼组长', 'name')

      const id = joinRequestId(openid, household._id)
      const existing = await data.get<JoinRequestDoc>('joinRequests', id)
      if (existing?.status === 'pending') return joinRequestView(existing, building.name, true)
      if (existing?.status === 'approved') throw new AppError('ALREADY_JOINED')
      if (invite.uses >= invite.maxUses) throw new AppError('INVITE_USED_UP', undefined, 'code')

      // Every check passed: now spend one use of the invite, atomically (a concurrent join may take the last one).
      const spent = await data.updateWhere(
        'invites',
        { _id: invite._id, revoked: false, uses: data._.lt(invite.maxUses) },
        { uses: data._.inc(1) },
      )
      if (spent === 0) throw new AppError('INVITE_USED_UP', undefined, 'code')
      const request: JoinRequestDoc = {
        _id: id,
        openid,
        communityId: household.communityId,
        groupId: building.groupId,
        buildingId: building._id,
        householdId: household._id,
        room: household.room,
        name: input.name,
        asProxy,
        inviteCode: invite._id,
        status: 'pending',
        createdAt: nowDate(),
      }
      if (member && !asProxy) request.memberId = member.id
      await data.set('joinRequests', request)
      await recordConsent(openid, 'personal', input.personalConsent)
      if (input.healthConsent) await recordConsent(openid, 'health', input.healthConsent)
      await notifyLeads(request, building)
      return joinRequestView(request, building.name, true)
    },
  }),

  listJoinRequests: action({
    input: z
      .object({
        buildingId: z.string().min(1).max(64).describe('楼栋'),
        status: z.enum(['pending', 'approved', 'rejected']).optional().describe('状态'),
      })
      .strict(),
    access: {
      roles: ['buildingLead', 'committee'],
      scope: async (i, ctx) => buildingScope(await loadBuilding(ctx, i.buildingId)),
    },
    handler: async (input, ctx) => {
      const building = await loadBuilding(ctx, input.buildingId)
      const docs = await data.find<JoinRequestDoc>(
        'joinRequests',
        { buildingId: building._id, status: input.status ?? 'pending' },
        { limit: 200, orderBy: [['createdAt', 'asc']] },
      )
      return docs.map((d) => joinRequestView(d, building.name, true))
    },
  }),

  decideJoin: action({
    input: z
      .object({
        requestId: z.string().min(1).max(64).describe('申请'),
        approve: z.boolean().describe('是否通过'),
        reason: z.string().trim().max(40).optional().describe('原因'),
      })
      .strict(),
    access: {
      roles: ['buildingLead', 'committee'],
      scope: async (i, ctx) => {
        const request = await ctx.memo('request', () => data.get<JoinRequestDoc>('joinRequests', i.requestId))
        if (!request) throw new AppError('NOT_FOUND', '找不到这条申请')
        return buildingScope(await loadBuilding(ctx, request.buildingId))
      },
    },
    handler: async (input, ctx): Promise<JoinRequestView> => {
      const request = (await ctx.memo('request', () =>
        data.get<JoinRequestDoc>('joinRequests', input.requestId),
      )) as JoinRequestDoc
      const building = await loadBuilding(ctx, request.buildingId)
      const status = input.approve ? 'approved' : 'rejected'
      if (request.status !== 'pending' && !(request.status === 'approved' && input.approve))
        throw new AppError('REQUEST_DECIDED')
      const decided: Partial<JoinRequestDoc> = { status, decidedAt: nowDate(), decidedBy: ctx.caller.openid }
      if (input.reason) decided.reason = input.reason
      if (request.status === 'pending') {
        // Compare-and-set: of two leads deciding at once, one wins and the other is told it was decided.
        const won = await data.updateWhere('joinRequests', { _id: request._id, status: 'pending' }, decided)
        if (won === 0) throw new AppError('REQUEST_DECIDED')
      }
      if (input.approve) {
        // Idempotent follow-ups: a retry after a partial failure completes them.
        const household = await loadHousehold(ctx, request.householdId)
        const grant: RoleDoc = {
          _id: roleId(request.openid, 'resident', household._id),
          openid: request.openid,
          communityId: household.communityId,
          role: 'resident',
          scope: { communityId: household.communityId, buildingId: household.buildingId, householdId: household._id },
          householdId: household._id,
          grantedBy: ctx.caller.openid,
          grantedAt: nowDate(),
        }
        if (request.asProxy) grant.proxy = true
        if (request.memberId) grant.memberId = request.memberId
        const health = await activeHealthConsent(request.openid)
        if (health) grant.healthConsent = health
        await data.set('roles', grant)
        const patch: Record<string, unknown> = { linkedOpenids: data._.addToSet(request.openid), updatedAt: nowDate() }
        if (request.asProxy) patch.proxy = true
        if (request.memberId) {
          await data.updateWhere(
            'households',
            { _id: household._id, 'members.id': request.memberId },
            { ...patch, 'members.$.openid': request.openid },
          )
        } else {
          await data.update('households', household._id, patch)
        }
      }
      const view = joinRequestView({ ...request, ...decided } as JoinRequestDoc, building.name, true)
      if (request.status !== 'pending') return view // a retried approval: the applicant was told already
      await sendSubscribe(request.openid, TEMPLATES.joinResult, 'pages/index/index', {
        phrase1: input.approve ? '已通过' : '未通过',
        thing2: thing(`${view.label}${input.reason ? ` ${input.reason}` : ''}`),
        time3: formatShanghai(nowDate()),
      })
      return view
    },
  }),

  createInvite: action({
    input: z
      .object({
        buildingId: z.string().min(1).max(64).describe('楼栋'),
        room: room.optional(),
        ttlHours: z.number().int().min(1).max(720).optional().describe('有效小时数'),
        maxUses: z.number().int().min(1).max(1000).optional().describe('可用次数'),
      })
      .strict(),
    access: {
      roles: ['buildingLead', 'committee'],
      scope: async (i, ctx) => buildingScope(await loadBuilding(ctx, i.buildingId)),
    },
    handler: async (input, ctx): Promise<InviteView> => {
      const building = await loadBuilding(ctx, input.buildingId)
      if (input.room) {
        const n = await data.count('households', { buildingId: building._id, room: input.room })
        if (n === 0) throw new AppError('ROOM_NOT_FOUND', `${building.name}没有 ${input.room} 室`, 'room')
      }
      const invite: InviteDoc = {
        _id: inviteCode(),
        communityId: building.communityId,
        buildingId: building._id,
        maxUses: input.maxUses ?? (input.room ? 1 : 200),
        uses: 0,
        createdBy: ctx.caller.openid,
        createdAt: nowDate(),
        expiresAt: new Date(nowMs() + (input.ttlHours ?? 72) * HOUR),
        revoked: false,
      }
      if (input.room) invite.room = input.room
      await data.insert('invites', invite)
      return inviteView(invite, building.name)
    },
  }),

  listInvites: action({
    input: z.object({ buildingId: z.string().min(1).max(64).describe('楼栋') }).strict(),
    access: {
      roles: ['buildingLead', 'committee'],
      scope: async (i, ctx) => buildingScope(await loadBuilding(ctx, i.buildingId)),
    },
    handler: async (input, ctx) => {
      const building = await loadBuilding(ctx, input.buildingId)
      const docs = await data.find<InviteDoc>(
        'invites',
        { buildingId: building._id, revoked: false, expiresAt: data._.gt(nowDate()) },
        { limit: 100, orderBy: [['createdAt', 'desc']] },
      )
      return docs.map((d) => inviteView(d, building.name))
    },
  }),

  revokeInvite: action({
    input: z.object({ code }).strict(),
    access: {
      roles: ['buildingLead', 'committee'],
      scope: async (i, ctx) => {
        const invite = await data.get<InviteDoc>('invites', i.code)
        if (!invite) throw new AppError('INVITE_INVALID')
        return buildingScope(await loadBuilding(ctx, invite.buildingId))
      },
    },
    handler: async (input) => ({ revoked: (await data.update('invites', input.code, { revoked: true })) > 0 }),
  }),
})
