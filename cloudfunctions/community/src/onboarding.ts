// Joining a household with the building's invite, and the lead's approval (what stops impersonation). Guessing
// is limited (server/platform/ratelimit.ts): wrong codes per WeChat user and hour, and room and name checks per
// user and invite and day; every room-or-name failure gets one answer, so nobody learns who lives where.
import type { InvitePreview, InviteQr, InviteView, JoinRequestView, Scope } from '../../../typings/api'
import type {
  BuildingDoc,
  CommunityDoc,
  HouseholdDoc,
  InviteDoc,
  JoinRequestDoc,
  RoleDoc,
} from '../../../server/community/model'
import {
  action,
  AppError,
  defineActions,
  formatShanghai,
  isAppError,
  nowDate,
  nowMs,
  z,
  type ActionContext,
} from '../../../server/kernel'
import type { RawTransaction } from '../../../server/kernel/db'
import type { CollectionName } from '../../../server/collections'
import { CONSENTS } from '../../../server/community/consent'
import { inviteCode, joinRequestId, roleId } from '../../../server/community/ids'
import { householdLabel, isValidRoom, normaliseRoom } from '../../../server/community/structure'
import { maskName } from '../../../server/community/mask'
import { TEMPLATES } from '../../../server/templates'
import { data } from '../../../server/platform/cloud'
import { limited, type RateLimit } from '../../../server/platform/ratelimit'
import { buildingScope, loadBuilding } from '../../../server/platform/places'
import { activeHealthConsent, recordConsent } from './identity'
import { assertCommunityOpen } from '../../../server/community/closing'
import { notify } from '../../../server/platform/notify'
import { joinRequestView } from './views'
import { trusted } from '../../../server/platform/grants'
import { dropInviteCodes, inviteQrFile, inviteScene, qrBytes, QR_PAGE } from '../../../server/community/invitecodes'
import { ENV_VERSIONS, type EnvVersion } from '../../../server/platform/wxacode'

const HOUR = 3600_000
export const JOIN_PAGE = 'pages/join/index'
export const ROSTER_PAGE = 'packageLead/pages/roster'

/**
 * The one answer when the room does not exist, the name is not one of its members, or that member is already
 * linked to someone else: which of them it was would tell a stranger who lives where.
 */
export const MISMATCH = '房号或姓名与登记不一致，请核对后重试，或联系楼组长'

/** Wrong invite codes (unknown, revoked, expired, used up), previewInvite and requestJoin together: per user and hour. */
export const CODE_LIMIT: RateLimit = {
  kind: 'joinCode',
  max: 10,
  windowMs: HOUR,
  field: 'code',
  message: (at) => `邀请码输错的次数太多，请在 ${at} 以后再试，或请楼组长帮您核对邀请码`,
}
/** Room and name checks that did not match: per user and invite, and Shanghai day. */
export const NAME_LIMIT: RateLimit = {
  kind: 'joinName',
  max: 5,
  windowMs: 24 * HOUR,
  field: 'name',
  message: (at) => `房号或姓名核对不一致的次数太多，请在 ${at} 以后再试，或联系楼组长`,
}
const codeFailure = (err: AppError) => ['INVITE_INVALID', 'INVITE_EXPIRED', 'INVITE_USED_UP'].includes(err.code)
const nameFailure = (err: AppError) => err.code === 'NAME_MISMATCH' || err.code === 'ROOM_NOT_FOUND'

/** What the applicant is told, and the lead's list shows, when approval found the member linked to someone else. */
const LINKED_REASON = '核对未通过，请联系楼组长'

/** A lead's target from an id the client sent: one that does not exist is answered like one out of reach. */
async function leadTarget(resolve: () => Promise<Scope>): Promise<Scope> {
  try {
    return await resolve()
  } catch (err) {
    if (isAppError(err) && err.code === 'NOT_FOUND') throw new AppError('FORBIDDEN')
    throw err
  }
}

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
  const leads = trusted(
    await data.find<RoleDoc>(
      'roles',
      { communityId: request.communityId, role: 'buildingLead', 'scope.buildingId': building._id },
      { limit: 20 },
    ),
  )
  const fields = {
    thing1: `${householdLabel(building.name, request.room)} ${maskName(request.name)}${request.asProxy ? '（代管）' : ''}`,
    time2: formatShanghai(request.createdAt),
    thing3: '请在「楼栋名册」中审核',
  }
  await notify(
    'community',
    leads.map((l) => ({
      purpose: `community.joinRequest:${request._id}:${new Date(request.createdAt).getTime()}`,
      touser: l.openid,
      templateId: TEMPLATES.joinRequest,
      page: `${ROSTER_PAGE}?buildingId=${building._id}&tab=pending`,
      fields,
    })),
  )
}

interface JoinInput {
  room: string
  name: string
  asProxy?: boolean
  personalConsent: string
  healthConsent?: string
}

/** requestJoin once the code is known good: the room and name checks, then the request. */
async function join(input: JoinInput, ctx: ActionContext, invite: InviteDoc): Promise<JoinRequestView> {
  const openid = ctx.caller.openid
  await assertCommunityOpen(invite.communityId) // a closed community takes no one new
  // The invite's room is shown by previewInvite to whoever holds the code: naming it here tells nothing new.
  if (invite.room && invite.room !== input.room)
    throw new AppError('ROOM_NOT_FOUND', `这个邀请码只能用于 ${invite.room} 室`, 'room')
  const building = await data.get<BuildingDoc>('buildings', invite.buildingId)
  if (!building) throw new AppError('INVITE_INVALID', undefined, 'code')
  const [household] = await data.find<HouseholdDoc>(
    'households',
    { buildingId: building._id, room: input.room },
    { limit: 1 },
  )
  // From here on every failure about the room or its people is the same answer (MISMATCH).
  if (!household) throw new AppError('NAME_MISMATCH', MISMATCH, 'name')
  if (household.linkedOpenids.includes(openid)) throw new AppError('ALREADY_JOINED')
  const asProxy = input.asProxy === true
  // A proxy gives their own name: it is not matched against the members (nor tells whether one is linked).
  const member = asProxy ? undefined : household.members.find((m) => sameName(m.name, input.name))
  if (!asProxy && household.members.length > 0 && !member) throw new AppError('NAME_MISMATCH', MISMATCH, 'name')
  if (member?.openid && member.openid !== openid) throw new AppError('NAME_MISMATCH', MISMATCH, 'name')

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
  if (member) request.memberId = member.id
  await data.set('joinRequests', request)
  await recordConsent(openid, 'personal', input.personalConsent)
  if (input.healthConsent) await recordConsent(openid, 'health', input.healthConsent)
  await notifyLeads(request, building)
  return joinRequestView(request, building.name, true)
}

type Decision =
  /** This call decided the request (and, for an approval, linked and granted): the applicant is told. */
  | { outcome: 'decided'; request: JoinRequestDoc }
  /** The same lead's same decision again (a retry, a double tap): nothing written, nobody told twice. */
  | { outcome: 'repeat'; request: JoinRequestDoc }
  /** An approval for a member someone else is linked to by now: refused, and the request marked rejected. */
  | { outcome: 'linked'; request: JoinRequestDoc }

const txGet = async <T>(tx: RawTransaction, coll: CollectionName, id: string): Promise<T | null> =>
  ((await tx.collection(coll).doc(id).get()) as { data: T | null }).data
const txUpdate = (tx: RawTransaction, coll: CollectionName, id: string, patch: object) =>
  tx.collection(coll).doc(id).update({ data: patch })

/**
 * Decide a join request in one transaction: the request is still pending, the member it names is still unlinked
 * (or linked to this applicant), and the request, the household's link and the resident grant are written
 * together or not at all. Two decisions at once both write the request (and two approvals for one member both
 * write the household), so the later commit conflicts and its retry sees the winner's result.
 */
function decide(
  requestId: string,
  approve: boolean,
  reason: string | undefined,
  by: string,
  healthConsent: string | undefined,
): Promise<Decision> {
  return data.raw.runTransaction(async (tx): Promise<Decision> => {
    const request = await txGet<JoinRequestDoc>(tx, 'joinRequests', requestId)
    if (!request) throw new AppError('NOT_FOUND', '找不到这条申请')
    const status = approve ? 'approved' : 'rejected'
    if (request.status !== 'pending') {
      if (request.status === status && request.decidedBy === by) return { outcome: 'repeat', request }
      throw new AppError('REQUEST_DECIDED')
    }
    const at = nowDate()
    const decided: Partial<JoinRequestDoc> = { status, decidedAt: at, decidedBy: by }
    if (reason) decided.reason = reason
    if (!approve) {
      await txUpdate(tx, 'joinRequests', request._id, decided)
      return { outcome: 'decided', request: { ...request, ...decided } }
    }

    const household = await txGet<HouseholdDoc>(tx, 'households', request.householdId)
    if (!household) throw new AppError('NOT_FOUND', '这一户已不存在，请拒绝这条申请')
    const patch: Partial<HouseholdDoc> = {
      linkedOpenids: [...new Set([...household.linkedOpenids, request.openid])],
      updatedAt: at,
    }
    if (request.asProxy) patch.proxy = true
    if (request.memberId) {
      const member = household.members.find((m) => m.id === request.memberId)
      if (!member) throw new AppError('NOT_A_MEMBER', '申请人对应的住户已不在本户登记名单中，请核对后拒绝这条申请')
      if (member.openid && member.openid !== request.openid) {
        const refused: Partial<JoinRequestDoc> = {
          status: 'rejected',
          decidedAt: at,
          decidedBy: by,
          reason: LINKED_REASON,
        }
        await txUpdate(tx, 'joinRequests', request._id, refused)
        return { outcome: 'linked', request: { ...request, ...refused } }
      }
      patch.members = household.members.map((m) => (m.id === member.id ? { ...m, openid: request.openid } : m))
    }
    const { _id: grantId, ...grant }: RoleDoc = {
      _id: roleId(request.openid, 'resident', household._id),
      openid: request.openid,
      communityId: household.communityId,
      role: 'resident',
      scope: { communityId: household.communityId, buildingId: household.buildingId, householdId: household._id },
      householdId: household._id,
      grantedBy: by,
      grantedAt: at,
      ...(request.asProxy ? { proxy: true } : {}),
      ...(request.memberId ? { memberId: request.memberId } : {}),
      ...(healthConsent ? { healthConsent } : {}),
    }
    await txUpdate(tx, 'joinRequests', request._id, decided)
    await txUpdate(tx, 'households', household._id, patch)
    await tx.collection('roles').doc(grantId).set({ data: grant })
    return { outcome: 'decided', request: { ...request, ...decided } }
  })
}

export const onboardingActions = defineActions('community', {
  previewInvite: action({
    input: z.object({ code }).strict(),
    access: { signedIn: true },
    handler: (input, ctx): Promise<InvitePreview> =>
      limited(
        CODE_LIMIT,
        ctx.caller.openid,
        async () => {
          const invite = await usableInvite(input.code)
          const [community, building] = await Promise.all([
            data.get<CommunityDoc>('communities', invite.communityId),
            data.get<BuildingDoc>('buildings', invite.buildingId),
          ])
          if (!community || !building) throw new AppError('INVITE_INVALID', undefined, 'code')
          const preview: InvitePreview = {
            communityName: community.name,
            buildingName: building.name,
            expiresAt: new Date(invite.expiresAt).toISOString(),
          }
          if (invite.room) preview.room = invite.room
          return preview
        },
        codeFailure,
      ),
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
      const invite = await limited(
        CODE_LIMIT,
        openid,
        () => usableInvite(input.code, input.communityId, false),
        codeFailure,
      )
      return limited(NAME_LIMIT, `${openid}\u0000${invite._id}`, () => join(input, ctx, invite), nameFailure)
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
      scope: (i, ctx) => leadTarget(async () => buildingScope(await loadBuilding(ctx, i.buildingId))),
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
      // An unknown request and another building's are the same FORBIDDEN: ids cannot be probed.
      scope: (i, ctx) =>
        leadTarget(async () => {
          const request = await ctx.memo('request', () => data.get<JoinRequestDoc>('joinRequests', i.requestId))
          if (!request) throw new AppError('NOT_FOUND')
          return buildingScope(await loadBuilding(ctx, request.buildingId))
        }),
    },
    handler: async (input, ctx): Promise<JoinRequestView> => {
      const known = (await ctx.memo('request', () =>
        data.get<JoinRequestDoc>('joinRequests', input.requestId),
      )) as JoinRequestDoc
      const building = await loadBuilding(ctx, known.buildingId)
      // Read before the transaction (another collection, and the applicant's own): kept on the grant.
      const health = input.approve ? await activeHealthConsent(known.openid) : undefined
      const decision = await decide(input.requestId, input.approve, input.reason, ctx.caller.openid, health)
      const view = joinRequestView(decision.request, building.name, true)
      if (decision.outcome === 'repeat') return view // the same decision again: the applicant was told already
      await notify('community', [
        {
          purpose: `community.joinResult:${decision.request._id}:${new Date(decision.request.createdAt).getTime()}`,
          touser: decision.request.openid,
          templateId: TEMPLATES.joinResult,
          page: 'pages/index/index',
          fields: {
            phrase1: decision.request.status === 'approved' ? '已通过' : '未通过',
            thing2: `${view.label}${decision.request.reason ? ` ${decision.request.reason}` : ''}`,
            time3: formatShanghai(nowDate()),
          },
        },
      ])
      if (decision.outcome === 'linked')
        throw new AppError('MEMBER_LINKED', '这位住户已经绑定了其他微信，这条申请不能通过，已标为未通过')
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
      scope: (i, ctx) => leadTarget(async () => buildingScope(await loadBuilding(ctx, i.buildingId))),
    },
    handler: async (input, ctx): Promise<InviteView> => {
      const building = await loadBuilding(ctx, input.buildingId)
      await assertCommunityOpen(building.communityId)
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
      scope: (i, ctx) => leadTarget(async () => buildingScope(await loadBuilding(ctx, i.buildingId))),
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
      // An unknown code and another building's are the same FORBIDDEN: codes cannot be probed here either.
      scope: (i, ctx) =>
        leadTarget(async () => {
          const invite = await data.get<InviteDoc>('invites', i.code)
          if (!invite) throw new AppError('NOT_FOUND')
          return buildingScope(await loadBuilding(ctx, invite.buildingId))
        }),
    },
    handler: async (input) => {
      const revoked = (await data.update('invites', input.code, { revoked: true })) > 0
      // Its 小程序码 goes with it (files storage does not delete wait for the timers).
      const invite = await data.get<InviteDoc>('invites', input.code)
      if (invite?.qrFiles) await dropInviteCodes([invite])
      return { revoked }
    },
  }),

  inviteQr: action({
    input: z
      .object({
        code,
        envVersion: z
          .enum(ENV_VERSIONS as [EnvVersion, ...EnvVersion[]])
          .optional()
          .describe('小程序版本'),
        image: z.boolean().optional().describe('图片'),
      })
      .strict(),
    access: {
      roles: ['buildingLead', 'committee'],
      // An unknown code and another building's are the same FORBIDDEN, as for revokeInvite.
      scope: (i, ctx) =>
        leadTarget(async () => {
          const invite = await ctx.memo('invite', () => data.get<InviteDoc>('invites', i.code))
          if (!invite) throw new AppError('NOT_FOUND')
          return buildingScope(await loadBuilding(ctx, invite.buildingId))
        }),
    },
    handler: async (input, ctx): Promise<InviteQr> => {
      const invite = (await ctx.memo('invite', () => data.get<InviteDoc>('invites', input.code))) as InviteDoc
      // A code only for an invite that can still be used: a poster of a dead invite would turn people away.
      if (invite.revoked) throw new AppError('INVITE_INVALID', '这个邀请码已撤销，请生成新的邀请码', 'code')
      if (new Date(invite.expiresAt).getTime() < nowMs())
        throw new AppError('INVITE_EXPIRED', '这个邀请码已过期，请生成新的邀请码', 'code')
      await assertCommunityOpen(invite.communityId)
      const envVersion = input.envVersion ?? 'release'
      const file = await inviteQrFile(invite, envVersion)
      const qr: InviteQr = {
        code: invite._id,
        scene: inviteScene(invite._id),
        page: QR_PAGE,
        envVersion,
        fileID: file.fileID,
        url: file.url,
      }
      if (input.image) qr.image = (await qrBytes(file.fileID)).toString('base64')
      return qr
    },
  }),
})
