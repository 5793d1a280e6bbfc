// The people who answer needs: their queue (what waits at their levels and scope, what they have), taking a need or
// taking it over from below, finishing it with a note, and calling the household through the logged reveal-to-dial.
import type { NeedLevel, NeedQueueView, NeedView, Scope } from '../../../typings/api'
import type { NeedDoc } from '../../../server/needs/model'
import { action, AppError, defineActions, nowDate, z, type ActionContext } from '../../../server/kernel'
import { data } from '../../../server/platform/cloud'
import type { Grant } from '../../../server/platform/grants'
import { loadCommunity, loadHousehold } from '../../../server/platform/places'
import { revealAndLog } from '../../../server/community/reveals'
import { onShift } from '../../../server/community/shifts'
import { doneDue, isClosed, mayTake, OPEN_STATUSES, queueOrder, topLevel } from '../../../server/needs/rules'
import { NEED_LEVEL_LABELS, NEED_LEVELS } from '../../../miniprogram/shared/needs'
import {
  historyStep,
  householdNotice,
  LEVEL_ROLE,
  loadNeed,
  needTitle,
  needView,
  needViews,
  placeOf,
  step,
} from './common'

const id = (label: string) => z.string().min(1).max(120).describe(label)
/** Each level's part of a queue shows at most this many. */
const PER_LEVEL = 200

const WORKERS = ['volunteer', 'buildingLead', 'groupLead', 'communityLead', 'committee'] as const

/** A need's place as the kernel checks it: community, 营 and building. */
async function needScope(i: { needId: string }, ctx: ActionContext): Promise<Scope> {
  const n = await loadNeed(ctx, i.needId)
  return { communityId: n.communityId, buildingId: n.buildingId, ...(n.groupId ? { groupId: n.groupId } : {}) }
}

/** Who has it, for a refusal. */
const takenMessage = (n: NeedDoc) => `这条需求已由${NEED_LEVEL_LABELS[n.level]}接单，只有上一级可以转为自己处理`

/** The caller's queries, one per level they hold in the community. */
function queueWheres(grants: readonly Grant[], communityId: string, at: Date) {
  const _ = data._
  const mineIn = grants.filter((g) => g.scope.communityId === communityId)
  const online = mineIn.filter((g) => g.role === 'volunteer' && g.volunteerType === 'online')
  const posts = [...new Set(online.filter((g) => onShift(g.shifts, at)).flatMap((g) => g.posts ?? []))]
  const buildings = mineIn
    .filter((g) => g.role === 'buildingLead' && g.scope.buildingId && g.scope.floor === undefined)
    .map((g) => g.scope.buildingId as string)
  const groups = mineIn.filter((g) => g.role === 'groupLead' && g.scope.groupId).map((g) => g.scope.groupId as string)
  const open = _.in(OPEN_STATUSES)
  const wheres: [NeedLevel, Record<string, unknown>][] = []
  if (posts.length) wheres.push(['online', { communityId, level: 'online', status: open, buildingId: _.in(posts) }])
  if (buildings.length)
    wheres.push(['building', { communityId, level: 'building', status: open, buildingId: _.in(buildings) }])
  if (groups.length) wheres.push(['group', { communityId, level: 'group', status: open, groupId: _.in(groups) }])
  if (mineIn.some((g) => g.role === 'communityLead' && !g.scope.groupId && !g.scope.buildingId))
    wheres.push(['community', { communityId, level: 'community', status: open }])
  if (mineIn.some((g) => g.role === 'committee'))
    wheres.push(['committee', { communityId, level: 'committee', status: open }])
  return { wheres, offShift: online.length > 0 && posts.length === 0 }
}

export const workActions = defineActions('needs', {
  needQueue: action({
    input: z.object({ communityId: id('小区') }).strict(),
    // Each role's part of the community is its own (a building, a 营, posts): the handler reads the queue of each.
    access: { roles: WORKERS },
    handler: async (input, ctx): Promise<NeedQueueView> => {
      if (
        !ctx.grants.some(
          (g) => g.scope.communityId === input.communityId && (WORKERS as readonly string[]).includes(g.role),
        )
      )
        throw new AppError('FORBIDDEN')
      const now = nowDate()
      const { wheres, offShift } = queueWheres(ctx.grants as Grant[], input.communityId, now)
      const [waitingDocs, mineDocs] = await Promise.all([
        Promise.all(
          wheres.map(([, where]) =>
            data.find<NeedDoc>('needs', where, { orderBy: [['createdAt', 'asc']], limit: PER_LEVEL }),
          ),
        ),
        data.find<NeedDoc>(
          'needs',
          { communityId: input.communityId, status: 'taken', 'taken.openid': ctx.caller.openid },
          { orderBy: [['createdAt', 'asc']], limit: PER_LEVEL },
        ),
      ])
      const levels = NEED_LEVELS.filter((l) => wheres.some(([w]) => w === l))
      return {
        levels,
        waiting: await needViews(ctx, queueOrder(waitingDocs.flat()), now),
        mine: await needViews(ctx, queueOrder(mineDocs), now),
        offShift,
      }
    },
  }),

  takeNeed: action({
    input: z.object({ needId: id('需求') }).strict(),
    access: { roles: WORKERS, scope: needScope },
    handler: async (input, ctx): Promise<NeedView> => {
      const n = await loadNeed(ctx, input.needId)
      const now = nowDate()
      const level = topLevel(ctx.grants, placeOf(n), now)
      if (isClosed(n.status)) throw new AppError('NEED_CLOSED')
      if (n.status === 'taken' && n.taken?.openid === ctx.caller.openid) return needView(ctx, n, now)
      // A 云上 volunteer off shift or outside their posts is not at any level of this need.
      if (!level) throw new AppError('FORBIDDEN')
      if (!mayTake(n, level, ctx.caller.openid)) {
        if (n.status === 'taken') throw new AppError('NEED_TAKEN', takenMessage(n))
        throw new AppError('FORBIDDEN')
      }
      const s = { ...(await step(ctx, n.communityId, LEVEL_ROLE[level])), at: now }
      const over = n.status === 'taken'
      const where = over
        ? { _id: n._id, status: 'taken', 'taken.openid': n.taken?.openid ?? '' }
        : { _id: n._id, status: data._.in(OPEN_STATUSES), level: n.level }
      const changed = await data.updateWhere('needs', where, {
        status: 'taken',
        level,
        taken: s,
        dueAt: doneDue(n, now),
        overdueAt: data._.remove(),
        updatedAt: now,
        history: data._.push([historyStep(over ? 'takenOver' : 'taken', s, { level })]),
      })
      const after = (await data.get<NeedDoc>('needs', n._id)) as NeedDoc
      if (changed === 0) {
        // Someone else was first (or it went up a level meanwhile): say who has it, or that it moved.
        if (after.status === 'taken' && after.taken?.openid === ctx.caller.openid) return needView(ctx, after, now)
        if (after.status === 'taken') throw new AppError('NEED_TAKEN', takenMessage(after))
        if (isClosed(after.status)) throw new AppError('NEED_CLOSED')
        throw new AppError('CONFLICT', '这条需求刚刚上报到了上一级，请刷新后再试')
      }
      await householdNotice(
        after,
        '已接单',
        `${NEED_LEVEL_LABELS[level]}已接单`,
        `needs.taken:${n._id}:${ctx.caller.openid}`,
      )
      return needView(ctx, after, now)
    },
  }),

  finishNeed: action({
    input: z
      .object({ needId: id('需求'), note: z.string().trim().min(1).max(100).optional().describe('办理情况') })
      .strict(),
    access: { roles: WORKERS, scope: needScope },
    handler: async (input, ctx): Promise<NeedView> => {
      const n = await loadNeed(ctx, input.needId)
      const now = nowDate()
      if (n.status === 'done' && n.done?.openid === ctx.caller.openid) return needView(ctx, n, now)
      if (isClosed(n.status)) throw new AppError('NEED_CLOSED')
      if (n.status !== 'taken' || n.taken?.openid !== ctx.caller.openid) throw new AppError('NOT_YOUR_NEED')
      const s = { ...(await step(ctx, n.communityId, n.taken.role)), at: now }
      const done = { ...s, ...(input.note ? { note: input.note } : {}) }
      const changed = await data.updateWhere(
        'needs',
        { _id: n._id, status: 'taken', 'taken.openid': ctx.caller.openid },
        {
          status: 'done',
          done,
          closedAt: now,
          updatedAt: now,
          history: data._.push([historyStep('done', s, input.note ? { note: input.note } : {})]),
        },
      )
      const after = (await data.get<NeedDoc>('needs', n._id)) as NeedDoc
      if (changed === 0) throw new AppError(isClosed(after.status) ? 'NEED_CLOSED' : 'NOT_YOUR_NEED')
      await householdNotice(after, '已办结', input.note ?? '您登记的需求已办结', `needs.done:${n._id}`)
      return needView(ctx, after, now)
    },
  }),

  callNeed: action({
    input: z.object({ needId: id('需求'), memberId: id('成员').optional() }).strict(),
    access: { roles: WORKERS, scope: needScope },
    handler: async (input, ctx) => {
      const n = await loadNeed(ctx, input.needId)
      if (n.status !== 'taken' || n.taken?.openid !== ctx.caller.openid) throw new AppError('NOT_YOUR_NEED')
      const household = await loadHousehold(ctx, n.householdId)
      const wanted = input.memberId ?? n.memberId
      const member = wanted
        ? household.members.find((m) => m.id === wanted)
        : (household.members.find((m) => m.openid && m.openid === n.raised.openid && m.phone) ??
          household.members.find((m) => m.phone))
      if (!member) throw new AppError('NOT_FOUND', '这一户没有这位成员', 'memberId')
      const community = await loadCommunity(ctx, n.communityId)
      return revealAndLog({
        household,
        member,
        openid: ctx.caller.openid,
        grants: ctx.grants as Grant[],
        role: n.taken.role,
        reason: 'need',
        note: needTitle(n),
        perDay: community.settings.phoneRevealsPerDay,
      })
    },
  }),
})
