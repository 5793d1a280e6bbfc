// Problems with a bag (发错、缺少、破损、无人在家): reported by the door team or the household, they wait in a queue
// until someone marks them handled, and go at once to the building's leads and to the buy's merchant. While a bag has
// an open problem it counts as a problem in its building (so the building can finish); handling it puts the bag back
// to where it was (delivered, or still to deliver).
import { createHash } from 'node:crypto'
import type { ProblemView } from '../../../typings/api'
import type { BuyDoc, MerchantDoc } from '../../../server/groupbuy/model'
import type { DeliveryBuildingDoc, DeliveryProblemDoc, DeliveryStopDoc } from '../../../server/delivery/model'
import { action, AppError, defineActions, hasRole, nowDate, z, type ActionContext } from '../../../server/kernel'
import { data } from '../../../server/platform/cloud'
import { iso } from '../../../server/platform/places'
import { checkPhotos, fileIdSchema, photoUrls } from '../../../server/platform/photos'
import { notify, type PushMessage } from '../../../server/platform/notify'
import { counted, type RateLimit } from '../../../server/platform/ratelimit'
import { isLeadOrAbove } from '../../../server/platform/visibility'
import { merchantId } from '../../../server/groupbuy/ids'
import { TEMPLATES } from '../../../server/templates'
import { problemNotice } from '../../../server/delivery/rules'
import {
  buildingLeads,
  communityManagers,
  buildingPartId,
  callerName,
  finishIfDone,
  id,
  inTransaction,
  loadDelivery,
  managesBuilding,
  nameFor,
  PROBLEMS_PAGE,
  runsCommunity,
  txGet,
} from './common'
import { deliveryFolder, moveCounters } from './relay'

/** Problems one WeChat user may report per Shanghai day. */
export const PROBLEM_LIMIT: RateLimit = {
  kind: 'deliveryProblem',
  max: 30,
  windowMs: 86_400_000,
  message: (at) => `今天报告的问题太多了，请在 ${at} 以后再试，或直接联系楼长`,
}

/** Problems a list answers at most (newest first). */
export const PROBLEMS_LISTED = 300

const problemId = (requestId: string, stopId: string) =>
  `dp_${createHash('sha256').update(`${requestId}\u0000${stopId}`).digest('hex').slice(0, 24)}`

async function problemViews(ctx: ActionContext, docs: readonly DeliveryProblemDoc[]): Promise<ProblemView[]> {
  const deliveries = await data.byIds<{ _id: string; title: string }>(
    'deliveries',
    docs.map((p) => p.deliveryId),
  )
  const leads = docs.filter((p) => isLeadOrAbove(ctx.grants, p.communityId))
  const urls = await photoUrls(leads.flatMap((p) => (p.photo ? [p.photo] : [])))
  return docs.map((p) => {
    const show = (n: string) => nameFor(ctx.grants, p.communityId, n)
    const v: ProblemView = {
      id: p._id,
      deliveryId: p.deliveryId,
      title: deliveries.get(p.deliveryId)?.title ?? '',
      stopId: p.stopId,
      householdId: p.householdId,
      buildingId: p.buildingId,
      label: p.label,
      kind: p.kind,
      note: p.note,
      at: iso(p.at),
      byName: show(p.byName),
      status: p.status,
    }
    const url = p.photo && urls.get(p.photo)
    if (url) v.photo = url
    if (p.handled) v.handled = { at: iso(p.handled.at), byName: show(p.handled.byName), note: p.handled.note }
    return v
  })
}

/** Who may report on a bag: its door team, its building's leads and managers, the household and its orderer. */
function mayReport(ctx: ActionContext, stop: DeliveryStopDoc, part: DeliveryBuildingDoc): boolean {
  return (
    part.door.includes(ctx.caller.openid) ||
    managesBuilding(ctx.grants, part) ||
    stop.notify.includes(ctx.caller.openid) ||
    hasRole(ctx.grants, ['resident'], {
      communityId: stop.communityId,
      groupId: stop.groupId,
      buildingId: stop.buildingId,
      floor: stop.floor,
      householdId: stop.householdId,
    })
  )
}

async function problemNotices(p: DeliveryProblemDoc, title: string): Promise<PushMessage[]> {
  // The building's leads; a building without one, its 营长, 团长 and the committee.
  const leads = await buildingLeads(p.communityId, p.buildingId)
  const to = new Set(leads.length ? leads : await communityManagers(p.communityId, p.groupId))
  if (p.merchantId) {
    const merchant = await data.get<MerchantDoc>('merchants', p.merchantId)
    if (merchant?.status === 'approved') to.add(merchant.openid)
  }
  to.delete(p.by)
  return [...to].map((touser) => ({
    purpose: `delivery.problem:${p._id}`,
    touser,
    templateId: TEMPLATES.relayProblem,
    page: `${PROBLEMS_PAGE}?id=${encodeURIComponent(p.deliveryId)}`,
    fields: problemNotice(title, p.label, p.kind, p.note),
  }))
}

export const problemActions = defineActions('delivery', {
  reportProblem: action({
    input: z
      .object({
        deliveryId: id('配送'),
        stopId: id('住户'),
        kind: z.enum(['wrong', 'missing', 'damaged', 'nobodyHome', 'other']).describe('问题'),
        note: z.string().trim().max(200).describe('说明'),
        photo: fileIdSchema('照片').optional(),
        requestId: z.string().min(8).max(64).describe('请求编号'),
      })
      .strict(),
    access: { signedIn: true },
    handler: async (input, ctx): Promise<ProblemView> => {
      const openid = ctx.caller.openid
      const stop = await data.get<DeliveryStopDoc>('deliveryStops', input.stopId)
      if (!stop || stop.deliveryId !== input.deliveryId) throw new AppError('FORBIDDEN')
      const partId = buildingPartId(stop.deliveryId, stop.buildingId)
      const part = await data.get<DeliveryBuildingDoc>('deliveryBuildings', partId)
      if (!part || !mayReport(ctx, stop, part)) throw new AppError('FORBIDDEN')
      const _id = problemId(input.requestId, input.stopId)
      const earlier = await data.get<DeliveryProblemDoc>('deliveryProblems', _id)
      if (earlier) return (await problemViews(ctx, [earlier]))[0] as ProblemView
      const d = await loadDelivery(ctx, input.deliveryId)
      if (d.status === 'awaiting') throw new AppError('DELIVERY_NOT_STARTED', '物资还没有到，到了以后再报告问题')
      // Past its period the delivery keeps no notes or photos (server/delivery/retention.ts).
      if (d.reducedAt) throw new AppError('DELIVERY_DONE')
      if (input.kind === 'other' && !input.note) throw new AppError('INVALID_INPUT', '请写明是什么问题', 'note')
      if (stop.status === 'problem')
        throw new AppError('CONFLICT', '这一户已经有一个问题在处理了，请等处理后再报告', 'stopId')
      if (input.photo) await checkPhotos([['photo', [input.photo]]], deliveryFolder(d.communityId, openid))
      const buy = await data.get<Pick<BuyDoc, 'merchantId'>>('buys', d.buyId)
      const now = nowDate()
      const doc: DeliveryProblemDoc = {
        _id,
        deliveryId: d._id,
        communityId: d.communityId,
        buyId: d.buyId,
        stopId: stop._id,
        householdId: stop.householdId,
        buildingId: stop.buildingId,
        groupId: stop.groupId,
        label: stop.label,
        kind: input.kind,
        note: input.note,
        at: now,
        by: openid,
        byName: await callerName(ctx, d.communityId),
        status: 'open',
      }
      if (buy?.merchantId) doc.merchantId = buy.merchantId
      if (input.photo) doc.photo = input.photo
      const stored = await counted(PROBLEM_LIMIT, openid, () =>
        inTransaction(async (tx): Promise<DeliveryProblemDoc> => {
          const again = await txGet<DeliveryProblemDoc>(tx, 'deliveryProblems', _id)
          if (again) return { ...again, _id }
          const s = await txGet<DeliveryStopDoc>(tx, 'deliveryStops', stop._id)
          const p = await txGet<DeliveryBuildingDoc>(tx, 'deliveryBuildings', partId)
          if (!s || !p) throw new AppError('NOT_FOUND', '找不到这一户的物资')
          if (s.status === 'problem')
            throw new AppError('CONFLICT', '这一户已经有一个问题在处理了，请等处理后再报告', 'stopId')
          const { _id: _skip, ...rest } = doc
          await tx.collection('deliveryProblems').doc(_id).set({ data: rest })
          await tx
            .collection('deliveryStops')
            .doc(stop._id)
            .update({
              data: {
                status: 'problem',
                problem: { id: _id, kind: input.kind, note: input.note },
                updatedAt: now,
              },
            })
          await moveCounters(tx, { ...p, _id: partId }, [[s.status, 'problem']], now)
          return doc
        }),
      )
      if (stored === doc) {
        await notify('delivery', await problemNotices(doc, d.title))
        await finishIfDone(d._id, now)
      }
      return (await problemViews(ctx, [stored]))[0] as ProblemView
    },
  }),

  listProblems: action({
    input: z
      .object({
        communityId: id('小区'),
        deliveryId: id('配送').optional(),
        status: z.enum(['open', 'handled']).optional().describe('状态'),
      })
      .strict(),
    access: { signedIn: true },
    handler: async (input, ctx): Promise<ProblemView[]> => {
      const where: Record<string, unknown> = { communityId: input.communityId }
      if (input.deliveryId) where.deliveryId = input.deliveryId
      if (input.status) where.status = input.status
      const whole = runsCommunity(ctx.grants, input.communityId)
      const merchant = hasRole(ctx.grants, ['merchant'], { communityId: input.communityId })
      if (!whole && !isLeadOrAbove(ctx.grants, input.communityId)) {
        if (!merchant) throw new AppError('FORBIDDEN')
        // A merchant sees the problems with its own buys' bags, the household as 「楼-室」 only.
        where.merchantId = merchantId(input.communityId, ctx.caller.openid)
      }
      const docs = await data.find<DeliveryProblemDoc>('deliveryProblems', where, {
        limit: PROBLEMS_LISTED,
        orderBy: [['at', 'desc']],
      })
      const visible = whole || merchant ? docs : docs.filter((p) => managesBuilding(ctx.grants, p))
      // Open ones first, then newest first.
      visible.sort((a, b) => (a.status === b.status ? 0 : a.status === 'open' ? -1 : 1))
      return problemViews(ctx, visible)
    },
  }),

  handleProblem: action({
    input: z
      .object({
        problemId: id('问题'),
        note: z.string().trim().min(1, '请写明怎么处理的').max(200).describe('处理说明'),
      })
      .strict(),
    access: { signedIn: true },
    handler: async (input, ctx): Promise<ProblemView> => {
      const p = await data.get<DeliveryProblemDoc>('deliveryProblems', input.problemId)
      if (!p || !managesBuilding(ctx.grants, p)) throw new AppError('FORBIDDEN')
      const by = ctx.caller.openid
      if (p.status === 'handled') {
        if (p.handled?.by === by && p.handled.note === input.note)
          return (await problemViews(ctx, [p]))[0] as ProblemView
        throw new AppError('CONFLICT', '这个问题已经处理过了', 'problemId')
      }
      const now = nowDate()
      const byName = await callerName(ctx, p.communityId)
      const partId = buildingPartId(p.deliveryId, p.buildingId)
      const handled = await inTransaction(async (tx): Promise<DeliveryProblemDoc> => {
        const doc = await txGet<DeliveryProblemDoc>(tx, 'deliveryProblems', p._id)
        if (!doc) throw new AppError('NOT_FOUND', '找不到这个问题')
        if (doc.status === 'handled') throw new AppError('CONFLICT', '这个问题已经处理过了', 'problemId')
        const patch = { status: 'handled' as const, handled: { at: now, by, byName, note: input.note } }
        await tx.collection('deliveryProblems').doc(p._id).update({ data: patch })
        const s = await txGet<DeliveryStopDoc>(tx, 'deliveryStops', p.stopId)
        const delivery = await txGet<{ status: string }>(tx, 'deliveries', p.deliveryId)
        const part = await txGet<DeliveryBuildingDoc>(tx, 'deliveryBuildings', partId)
        if (s && part && s.status === 'problem' && s.problem?.id === p._id) {
          const back: DeliveryStopDoc['status'] = s.delivered ? (s.received ? 'received' : 'delivered') : 'pending'
          await tx
            .collection('deliveryStops')
            .doc(p.stopId)
            .update({ data: { status: back, problem: data._.remove(), updatedAt: now } })
          const after = await moveCounters(tx, { ...part, _id: partId }, [['problem', back]], now)
          // A bag back to deliver reopens a finished delivery: the door team has it on their list again.
          if (after.stage !== 'done' && delivery?.status === 'done')
            await tx
              .collection('deliveries')
              .doc(p.deliveryId)
              .update({ data: { status: 'relaying', doneAt: data._.remove(), updatedAt: now } })
        }
        return { ...doc, ...patch, _id: p._id }
      })
      await finishIfDone(p.deliveryId, now)
      return (await problemViews(ctx, [handled]))[0] as ProblemView
    },
  }),
})
