// Registering a need (the household's resident, a 代管 family member, or a lead of it), the household's list, one
// need with its history, and cancelling. A new need goes at once to the building's 云上 volunteers on shift, or with
// none on shift to its 班长 (the first level with anyone at it); an urgent medical one alerts the committee too.
import type { NeedView } from '../../../typings/api'
import type { NeedDoc } from '../../../server/needs/model'
import { action, AppError, defineActions, instant, isDuplicateKey, nowDate, nowMs, z } from '../../../server/kernel'
import { data } from '../../../server/platform/cloud'
import { householdScope, loadBuilding, loadCommunity, loadHousehold } from '../../../server/platform/places'
import { checkPhotos, fileIdSchema } from '../../../server/platform/photos'
import { counted } from '../../../server/platform/ratelimit'
import { notify } from '../../../server/platform/notify'
import { householdLabel } from '../../../server/community/structure'
import {
  alertsCommittee,
  isClosed,
  LIVE_STATUSES,
  RAISES_PER_HOUR,
  responseDue,
  startLevel,
  needId,
} from '../../../server/needs/rules'
import { MAX_MEDICINE_CHARS, MAX_MEDICINES, MAX_NEED_DETAIL } from '../../../miniprogram/shared/needs'
import {
  buildingPeople,
  historyStep,
  levelNotice,
  loadNeed,
  maySee,
  needFolder,
  needView,
  needViews,
  residentOf,
  step,
} from './common'

const id = (label: string) => z.string().min(1).max(120).describe(label)
const requestId = z
  .string()
  .min(8)
  .max(40)
  .regex(/^[A-Za-z0-9_-]+$/)
  .describe('请求编号')

const TYPES = ['medicine', 'medical', 'groceries', 'gas', 'outing', 'psych', 'other'] as const
const URGENCIES = ['urgent', 'soon', 'normal'] as const

const HOUR = 3_600_000
/** An outing may be registered from a day back (said late) to a week ahead. */
const OUTING_PAST_MS = 24 * HOUR
const OUTING_AHEAD_MS = 7 * 24 * HOUR
/** A household's list shows its newest needs. */
const LISTED = 50

const RAISE_LIMIT = {
  kind: 'needs.raise',
  max: RAISES_PER_HOUR,
  windowMs: HOUR,
  message: (until: string) => `这一户一小时内登记的需求太多了，${until} 以后可以再登记；紧急情况请直接联系居委`,
}

const householdAccess = {
  roles: ['resident', 'buildingLead', 'floorLead'] as const,
  scope: async (i: { householdId: string }, ctx: Parameters<typeof loadHousehold>[0]) => {
    const household = await loadHousehold(ctx, i.householdId)
    return householdScope(household, await loadBuilding(ctx, household.buildingId))
  },
}

export const raiseActions = defineActions('needs', {
  raiseNeed: action({
    input: z
      .object({
        householdId: id('住户'),
        memberId: id('成员').optional(),
        type: z.enum(TYPES).describe('需求类型'),
        urgency: z.enum(URGENCIES).describe('紧急程度'),
        detail: z.string().trim().max(MAX_NEED_DETAIL).describe('需求说明'),
        medicine: z
          .object({
            names: z
              .array(z.string().trim().min(1).max(MAX_MEDICINE_CHARS).describe('药品名称'))
              .min(1)
              .max(MAX_MEDICINES)
              .describe('药品名称'),
            photo: fileIdSchema('药盒或处方照片').optional(),
          })
          .strict()
          .optional()
          .describe('买药'),
        outing: z
          .object({
            reason: z.string().trim().min(1).max(60).describe('外出原因'),
            at: instant('外出时间'),
          })
          .strict()
          .optional()
          .describe('外出'),
        requestId,
      })
      .strict(),
    access: householdAccess,
    handler: async (input, ctx): Promise<NeedView> => {
      // What each type needs, before anything is read or written.
      if (input.type === 'medicine' && !input.medicine)
        throw new AppError('INVALID_INPUT', '请填写要买的药品名称', 'medicine')
      if (input.type !== 'medicine' && input.medicine)
        throw new AppError('INVALID_INPUT', '只有「买药」需要填写药品', 'medicine')
      if (input.type === 'outing' && !input.outing)
        throw new AppError('INVALID_INPUT', '请填写外出的原因和时间', 'outing')
      if (input.type !== 'outing' && input.outing)
        throw new AppError('INVALID_INPUT', '只有「外出」需要填写外出时间', 'outing')
      if (input.outing) {
        const at = Date.parse(input.outing.at)
        if (at < nowMs() - OUTING_PAST_MS || at > nowMs() + OUTING_AHEAD_MS)
          throw new AppError('INVALID_INPUT', '外出时间应在昨天到七天以内', 'outing.at')
      }
      if (!input.detail && input.type !== 'medicine' && input.type !== 'outing')
        throw new AppError('INVALID_INPUT', '请写一句需要什么帮助', 'detail')

      const household = await loadHousehold(ctx, input.householdId)
      const building = await loadBuilding(ctx, household.buildingId)
      if (input.memberId && !household.members.some((m) => m.id === input.memberId))
        throw new AppError('INVALID_INPUT', '这一户没有这位成员', 'memberId')
      const _id = needId(household._id, input.requestId)
      const existing = await data.get<NeedDoc>('needs', _id)
      if (existing) return needView(ctx, existing, nowDate(), { household, building })
      const community = await loadCommunity(ctx, household.communityId)
      if (community.closing) throw new AppError('COMMUNITY_CLOSED')
      if (input.medicine?.photo)
        await checkPhotos(
          [['medicine.photo', [input.medicine.photo]]],
          needFolder(household.communityId, household._id),
        )

      const now = nowDate()
      const place = { communityId: household.communityId, groupId: building.groupId, buildingId: building._id }
      const people = await buildingPeople(place, now)
      const level = startLevel(people)
      const role = residentOf(ctx, household._id)
        ? 'resident'
        : ctx.grants.some((g) => g.role === 'buildingLead' && g.scope.buildingId === building._id)
          ? 'buildingLead'
          : 'floorLead'
      const raised = { ...(await step(ctx, household.communityId, role)), at: now }
      const doc: NeedDoc = {
        _id,
        communityId: household.communityId,
        groupId: building.groupId,
        buildingId: building._id,
        householdId: household._id,
        label: householdLabel(building.name, household.room),
        type: input.type,
        urgency: input.urgency,
        status: 'new',
        level,
        detail: input.detail,
        raised,
        dueAt: responseDue(input, now),
        escalations: [],
        createdAt: now,
        updatedAt: now,
        requestId: input.requestId,
        history: [historyStep('raised', raised, { level })],
      }
      if (input.memberId) doc.memberId = input.memberId
      if (input.medicine)
        doc.medicine = { names: input.medicine.names, ...(input.medicine.photo ? { photo: input.medicine.photo } : {}) }
      if (input.outing) doc.outing = { reason: input.outing.reason, at: new Date(input.outing.at) }

      // The write alone counts against the household's hourly limit; a retry racing this one finds it written.
      const inserted = await counted(RAISE_LIMIT, household._id, async () => {
        try {
          await data.insert('needs', doc)
          return true
        } catch (err) {
          if (isDuplicateKey(err)) return false
          throw err
        }
      })
      if (!inserted)
        return needView(ctx, (await data.get<NeedDoc>('needs', _id)) as NeedDoc, now, { household, building })

      const messages = levelNotice(doc, doc.label, people[level], `needs.new:${_id}:${level}`, '新的需求，请尽快接单')
      if (alertsCommittee(doc) && level !== 'committee')
        messages.push(...levelNotice(doc, doc.label, people.committee, `needs.alert:${_id}`, '紧急就医，请立即关注'))
      await notify('needs', messages)
      return needView(ctx, doc, now, { household, building })
    },
  }),

  householdNeeds: action({
    input: z.object({ householdId: id('住户') }).strict(),
    access: { roles: ['resident', 'buildingLead', 'floorLead', 'committee'], scope: householdAccess.scope },
    handler: async (input, ctx) => {
      const needs = await data.find<NeedDoc>(
        'needs',
        { householdId: input.householdId },
        { orderBy: [['createdAt', 'desc']], limit: LISTED },
      )
      return { needs: await needViews(ctx, needs, nowDate()) }
    },
  }),

  getNeed: action({
    input: z.object({ needId: id('需求') }).strict(),
    // Who may see it is the need's own question (its household, its leads, its levels, whoever has it): maySee.
    access: {
      roles: ['resident', 'floorLead', 'buildingLead', 'groupLead', 'communityLead', 'committee', 'volunteer'],
    },
    handler: async (input, ctx) => {
      const n = await loadNeed(ctx, input.needId).catch(() => {
        throw new AppError('FORBIDDEN')
      })
      const household = await loadHousehold(ctx, n.householdId).catch(() => null)
      const now = nowDate()
      if (!household || !maySee(ctx, n, household, now)) throw new AppError('FORBIDDEN')
      return needView(ctx, n, now, { household })
    },
  }),

  cancelNeed: action({
    input: z.object({ needId: id('需求'), reason: z.string().trim().min(1).max(60).describe('取消原因') }).strict(),
    access: {
      roles: ['resident', 'buildingLead', 'floorLead'],
      scope: async (i, ctx) => {
        const n = await loadNeed(ctx, i.needId)
        const household = await loadHousehold(ctx, n.householdId)
        return householdScope(household, await loadBuilding(ctx, household.buildingId))
      },
    },
    handler: async (input, ctx) => {
      const n = await loadNeed(ctx, input.needId)
      if (n.raised.openid !== ctx.caller.openid && !residentOf(ctx, n.householdId)) throw new AppError('FORBIDDEN')
      if (isClosed(n.status)) throw new AppError('NEED_CLOSED')
      const now = nowDate()
      const role = residentOf(ctx, n.householdId) ? 'resident' : n.raised.role
      const s = { ...(await step(ctx, n.communityId, role)), at: now }
      const changed = await data.updateWhere(
        'needs',
        { _id: n._id, status: data._.in(LIVE_STATUSES) },
        {
          status: 'cancelled',
          cancelled: { ...s, reason: input.reason },
          closedAt: now,
          updatedAt: now,
          history: data._.push([historyStep('cancelled', s, { note: input.reason })]),
        },
      )
      if (changed === 0) throw new AppError('NEED_CLOSED')
      const after = (await data.get<NeedDoc>('needs', n._id)) as NeedDoc
      return needView(ctx, after, now)
    },
  }),
})
