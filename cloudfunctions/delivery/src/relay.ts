// The relay's steps, each recording who and when: the goods at the gate (a count check, a photo) and their rest;
// a transport volunteer dropping a building's bags at its entrance (its door team is told); the door team hanging
// bags on door handles, in batches a phone synced after a lost connection (each mark's markId counts once), the
// household told 「3号-201 的物资已送到门口」 at once; the household confirming it has its bag.
//
// A mark changes its bag and its building's counters in one transaction (the marks of one building in one), so
// 140 volunteers marking at once touch 135 building documents and never one document of the whole delivery.
import type {
  ArrivalCheck,
  BoardView,
  HouseholdDeliveryView,
  StopMarkInput,
  StopMarkResult,
  TripView,
} from '../../../typings/api'
import type {
  DeliveryBuildingDoc,
  DeliveryStopDoc,
  DeliveryTripDoc,
  RelayDeliveryDoc,
} from '../../../server/delivery/model'
import {
  action,
  AppError,
  DEFAULT_MESSAGES,
  defineActions,
  formatShanghai,
  hasRole,
  instant,
  isAppError,
  nowDate,
  z,
  type ActionContext,
} from '../../../server/kernel'
import { data } from '../../../server/platform/cloud'
import { notify, type PushMessage } from '../../../server/platform/notify'
import { checkPhotos, fileIdSchema } from '../../../server/platform/photos'
import { TEMPLATES } from '../../../server/templates'
import {
  alertNotice,
  arrivedNotice,
  buildingStage,
  DEFAULT_SETTINGS,
  deliveredNotice,
} from '../../../server/delivery/rules'
import {
  advanceRest,
  BOARD_PAGE,
  buildingPartId,
  callerName,
  communityBuildings,
  communityManagers,
  deltas,
  finishIfDone,
  id,
  inTransaction,
  loadDelivery,
  MINE_PAGE,
  notDone,
  relaying,
  runsCommunity,
  managesBuilding,
  TASKS_PAGE,
  txGet,
} from './common'
import { boardView, householdView } from './views'
import { tripView } from './plan'

/** Marks one markStops call carries at most. */
export const MARKS_PER_CALL = 100
/** A mark's own time may be this much after the server's now (phones' clocks drift). */
const CLOCK_SKEW_MS = 120_000

/** The storage folder of a delivery's photos: `delivery/<communityId>/<openid>/<file>`. */
export const deliveryFolder = (communityId: string, openid: string) => ['delivery', communityId, openid]

const deliveryScope = async (i: { deliveryId: string }, ctx: ActionContext) => ({
  communityId: (await loadDelivery(ctx, i.deliveryId)).communityId,
})

/** When a step happened: the phone's time when given (never later than now, never before `floor`), else now. */
function stepTime(given: string | undefined, now: Date, floor?: Date): Date {
  if (!given) return now
  const t = new Date(given)
  if (t.getTime() > now.getTime() + CLOCK_SKEW_MS)
    throw new AppError('INVALID_INPUT', '时间不能晚于现在，请检查手机时间', 'at')
  if (t > now) return now
  if (floor && t < floor) return floor
  return t
}

/** The relay must be under way (the rest over) and not finished. */
function mustBeRelaying(d: RelayDeliveryDoc, now: Date): void {
  notDone(d)
  if (!relaying(d, now)) {
    if (d.status === 'resting' && d.restUntil)
      throw new AppError('DELIVERY_NOT_STARTED', `物资还在消毒静置，${formatShanghai(d.restUntil, 'HH:mm')} 以后再送`)
    throw new AppError('DELIVERY_NOT_STARTED')
  }
}

export const relayActions = defineActions('delivery', {
  recordArrival: action({
    input: z
      .object({
        deliveryId: id('配送'),
        check: z.enum(['full', 'short']).describe('数量核对'),
        note: z.string().trim().max(200).optional().describe('说明'),
        photo: fileIdSchema('照片').optional(),
        at: instant('到达时间').optional(),
      })
      .strict(),
    // The committee, 团长, or a transport volunteer of the plan (checked in the handler).
    access: { roles: ['committee', 'communityLead', 'volunteer'], scope: deliveryScope },
    handler: async (input, ctx): Promise<BoardView> => {
      const d = await loadDelivery(ctx, input.deliveryId)
      const openid = ctx.caller.openid
      if (!runsCommunity(ctx.grants, d.communityId)) {
        const mine = await data.count('deliveryTrips', { deliveryId: d._id, openid })
        if (mine === 0) throw new AppError('NOT_YOUR_TASK', '只有居委、团长和这次配送的运送志愿者可以登记到货')
      }
      notDone(d)
      if (input.check === 'short' && !input.note)
        throw new AppError('INVALID_INPUT', '数量不足时请写明少了什么', 'note')
      if (d.arrival) {
        // The same arrival again (a retry) answers the board; a second, different one is refused.
        if (d.arrival.by === openid && d.arrival.check === input.check) return boardView(ctx, d)
        throw new AppError('ALREADY_MARKED', '这次配送已经登记过到货了')
      }
      const now = nowDate()
      const at = stepTime(input.at, now, new Date(new Date(d.deliveryAt).getTime() - 86_400_000))
      if (input.photo) await checkPhotos([['photo', [input.photo]]], deliveryFolder(d.communityId, openid))
      const restMinutes = d.settings?.restMinutes ?? DEFAULT_SETTINGS.restMinutes
      const restUntil = new Date(at.getTime() + restMinutes * 60_000)
      const arrival: NonNullable<RelayDeliveryDoc['arrival']> = {
        at,
        by: openid,
        byName: await callerName(ctx, d.communityId),
        check: input.check,
      }
      if (input.note) arrival.note = input.note
      if (input.photo) arrival.photo = input.photo
      const patch: Record<string, unknown> = { arrival, restUntil, status: 'resting', updatedAt: now }
      if (restUntil <= now) Object.assign(patch, { status: 'relaying', restEndedAt: restUntil })
      const won = await data.updateWhere(
        'deliveries',
        { _id: d._id, status: 'awaiting', arrival: data._.exists(false) },
        patch,
      )
      if (won === 0) throw new AppError('ALREADY_MARKED', '这次配送已经登记过到货了')
      const after = { ...d, ...patch } as RelayDeliveryDoc
      await notify('delivery', await arrivalNotices(after, restUntil, at))
      return boardView(ctx, after)
    },
  }),

  endRest: action({
    input: z.object({ deliveryId: id('配送') }).strict(),
    access: { roles: ['committee', 'communityLead'], scope: deliveryScope },
    handler: async (input, ctx): Promise<BoardView> => {
      const d = await loadDelivery(ctx, input.deliveryId)
      notDone(d)
      if (d.status === 'relaying') return boardView(ctx, d)
      if (d.status !== 'resting') throw new AppError('DELIVERY_NOT_STARTED', '物资还没有到，不能开始配送')
      const now = nowDate()
      await data.updateWhere(
        'deliveries',
        { _id: d._id, status: 'resting' },
        { status: 'relaying', restEndedAt: now, restUntil: now, updatedAt: now },
      )
      return boardView(ctx, { ...d, status: 'relaying', restEndedAt: now, restUntil: now })
    },
  }),

  markEntrance: action({
    input: z
      .object({
        deliveryId: id('配送'),
        tripId: id('趟次'),
        buildingId: id('楼栋'),
        markId: z.string().min(8).max(64).describe('标记编号'),
        at: instant('时间').optional(),
      })
      .strict(),
    access: { roles: ['committee', 'communityLead', 'volunteer'], scope: deliveryScope },
    handler: async (input, ctx): Promise<TripView> => {
      const openid = ctx.caller.openid
      const now = nowDate()
      const d = await advanceRest(await loadDelivery(ctx, input.deliveryId), now)
      const trip = await data.get<DeliveryTripDoc>('deliveryTrips', input.tripId)
      if (!trip || trip.deliveryId !== d._id) throw new AppError('NOT_YOUR_TASK', '这一趟不在这次配送里', 'tripId')
      if (trip.openid !== openid && !runsCommunity(ctx.grants, d.communityId))
        throw new AppError('NOT_YOUR_TASK', '这一趟不是你的任务', 'tripId')
      const stop = trip.stops.find((s) => s.buildingId === input.buildingId)
      if (!stop) throw new AppError('NOT_YOUR_TASK', '这栋楼不在这一趟里', 'buildingId')
      if (stop.dropped) {
        if (stop.dropped.markId === input.markId) return tripOut(d, trip)
        throw new AppError('ALREADY_MARKED', '这栋楼的物资已经标记送到楼门口了', 'buildingId')
      }
      mustBeRelaying(d, now)
      const at = stepTime(input.at, now, d.restEndedAt ? new Date(d.restEndedAt) : undefined)
      const byName = await callerName(ctx, d.communityId)
      const partId = buildingPartId(d._id, input.buildingId)
      const result = await inTransaction(async (tx) => {
        const t = await txGet<DeliveryTripDoc>(tx, 'deliveryTrips', trip._id)
        const part = await txGet<DeliveryBuildingDoc>(tx, 'deliveryBuildings', partId)
        if (!t || !part) throw new AppError('CONFLICT', '配送安排刚刚变了，请刷新后再试')
        const s = t.stops.find((x) => x.buildingId === input.buildingId)
        if (!s) throw new AppError('CONFLICT', '配送安排刚刚变了，请刷新后再试')
        if (s.dropped) {
          if (s.dropped.markId === input.markId) return { trip: { ...t, _id: trip._id }, first: false, bags: 0 }
          throw new AppError('ALREADY_MARKED', '这栋楼的物资已经标记送到楼门口了', 'buildingId')
        }
        const mark = { at, by: openid, byName, markId: input.markId }
        const stops = t.stops.map((x) => (x.buildingId === input.buildingId ? { ...x, dropped: mark } : x))
        const status = stops.every((x) => x.dropped) ? 'done' : 'planned'
        await tx
          .collection('deliveryTrips')
          .doc(trip._id)
          .update({ data: { stops, status, updatedAt: now } })
        const dropsDone = part.dropsDone + 1
        const stage = buildingStage({ ...part, dropsDone })
        const patch: Record<string, unknown> = { dropsDone: data._.inc(1), stage, updatedAt: now }
        if (!part.loaded) patch.loaded = { at, by: openid, byName }
        if (dropsDone >= part.dropsTotal && !part.atEntrance) patch.atEntrance = mark
        await tx.collection('deliveryBuildings').doc(partId).update({ data: patch })
        return {
          trip: { ...t, _id: trip._id, stops, status } as DeliveryTripDoc,
          first: part.dropsDone === 0,
          bags: s.bags,
          door: part.door,
        }
      })
      if (result.bags > 0 && 'door' in result && result.door) {
        const names = new Map((await communityBuildings(d.communityId)).map((b) => [b._id, b.name]))
        const building = names.get(input.buildingId) ?? ''
        await notify(
          'delivery',
          result.door.map((touser): PushMessage => ({
            purpose: `delivery.entrance:${partId}:${trip._id}`,
            touser,
            templateId: TEMPLATES.relayArrived,
            page: `${TASKS_PAGE}?id=${encodeURIComponent(d._id)}`,
            fields: arrivedNotice(d.title, { name: building, bags: result.bags }, at),
          })),
        )
      }
      return tripOut(d, result.trip)
    },
  }),

  markStops: action({
    input: z
      .object({
        deliveryId: id('配送'),
        marks: z
          .array(
            z
              .object({
                stopId: id('住户'),
                markId: z.string().min(8).max(64).describe('标记编号'),
                at: instant('时间').optional(),
                photo: fileIdSchema('照片').optional(),
              })
              .strict(),
          )
          .min(1)
          .max(MARKS_PER_CALL)
          .describe('标记'),
      })
      .strict(),
    // Anyone of the community: each mark is checked against the caller's buildings (door team, leads, managers).
    access: { signedIn: true },
    handler: async (input, ctx): Promise<StopMarkResult[]> => {
      const d = await loadDelivery(ctx, input.deliveryId).catch(() => {
        throw new AppError('FORBIDDEN')
      })
      if (!ctx.grants.some((g) => g.scope.communityId === d.communityId && g.role !== 'resident'))
        throw new AppError('FORBIDDEN')
      return markStops(ctx, input.deliveryId, input.marks)
    },
  }),

  confirmReceived: action({
    input: z.object({ deliveryId: id('配送'), householdId: id('住户') }).strict(),
    access: { signedIn: true },
    handler: async (input, ctx): Promise<HouseholdDeliveryView> => {
      const sid = `${input.deliveryId}:${input.householdId}`
      const stop = await data.get<DeliveryStopDoc>('deliveryStops', sid)
      if (!stop || !mayConfirm(ctx, stop)) throw new AppError('FORBIDDEN')
      const d = await loadDelivery(ctx, input.deliveryId)
      if (stop.status === 'received') return householdView(d, stop)
      if (d.status === 'awaiting' || d.status === 'resting')
        throw new AppError('DELIVERY_NOT_STARTED', '物资还没有开始配送，收到后再确认')
      const now = nowDate()
      const byName = await callerName(ctx, stop.communityId)
      const updated = await inTransaction(async (tx) => {
        const s = await txGet<DeliveryStopDoc>(tx, 'deliveryStops', sid)
        const part = await txGet<DeliveryBuildingDoc>(tx, 'deliveryBuildings', buildingPartId(d._id, stop.buildingId))
        if (!s || !part) throw new AppError('NOT_FOUND', '找不到这一户的物资')
        if (s.status === 'received') return { ...s, _id: sid }
        const received = { at: now, by: ctx.caller.openid, byName, auto: false }
        const patch: Record<string, unknown> = { status: 'received', received, updatedAt: now }
        // Confirmed without a door mark (the volunteer forgot to tap): it was delivered too, now.
        if (!s.delivered) patch.delivered = { at: now, by: ctx.caller.openid, byName, markId: `confirm:${sid}` }
        // A bag with a problem (nobody home, then found) that the household has now: the problem waits in the queue
        // to be marked handled, the bag no longer counts as one.
        if (s.problem) patch.problem = data._.remove()
        await tx.collection('deliveryStops').doc(sid).update({ data: patch })
        await moveCounters(tx, part, [[s.status, 'received']], now)
        return { ...s, ...patch, _id: sid } as DeliveryStopDoc
      })
      await finishIfDone(d._id, now)
      return householdView(d, updated)
    },
  }),
})

/** A household's members and 代管 holders (their resident grants), and whoever ordered for it, may confirm. */
function mayConfirm(ctx: ActionContext, stop: DeliveryStopDoc): boolean {
  return (
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

async function tripOut(d: RelayDeliveryDoc, t: DeliveryTripDoc): Promise<TripView> {
  const names = new Map((await communityBuildings(d.communityId)).map((b) => [b._id, b.name]))
  return tripView(t, names, t.volunteerName)
}

/**
 * Apply counter moves to a building part inside a transaction, with its stage and done time. `part` is the part as
 * read in this transaction.
 */
export async function moveCounters(
  tx: Parameters<Parameters<typeof inTransaction>[0]>[0],
  part: DeliveryBuildingDoc,
  changes: readonly (readonly [DeliveryStopDoc['status'], DeliveryStopDoc['status']])[],
  now: Date,
  /** When the last of these changes happened (a synced mark's own time): the building's done time. */
  lastAt: Date = now,
): Promise<DeliveryBuildingDoc> {
  const d = deltas(changes)
  const next = {
    ...part,
    delivered: part.delivered + d.delivered,
    received: part.received + d.received,
    problems: part.problems + d.problems,
  }
  const stage = buildingStage(next)
  const patch: Record<string, unknown> = { stage, updatedAt: now }
  if (d.delivered) patch.delivered = data._.inc(d.delivered)
  if (d.received) patch.received = data._.inc(d.received)
  if (d.problems) patch.problems = data._.inc(d.problems)
  if (stage === 'done' && !part.doneAt) patch.doneAt = lastAt
  if (stage !== 'done' && part.doneAt) patch.doneAt = data._.remove()
  await tx.collection('deliveryBuildings').doc(part._id).update({ data: patch })
  return { ...next, stage }
}

/** The buildings the caller may mark the doors of: door team member, or a lead / manager of the building. */
function mayMark(ctx: ActionContext, part: DeliveryBuildingDoc): boolean {
  return part.door.includes(ctx.caller.openid) || managesBuilding(ctx.grants, part)
}

const refused = (m: StopMarkInput, code: string, message?: string): StopMarkResult => ({
  stopId: m.stopId,
  markId: m.markId,
  result: 'refused',
  code,
  message: message ?? DEFAULT_MESSAGES[code as keyof typeof DEFAULT_MESSAGES] ?? '标记没有成功',
})

/**
 * A batch of door marks: each answered `marked`, `already` (the same markId applied before: a resent batch) or
 * `refused` with a code (not your stop, marked before by someone else, a bad photo). The marks of one building go in
 * one transaction; the households are told once per bag.
 */
export async function markStops(
  ctx: ActionContext,
  deliveryId: string,
  marks: readonly StopMarkInput[],
): Promise<StopMarkResult[]> {
  const now = nowDate()
  const d = await advanceRest(await loadDelivery(ctx, deliveryId), now)
  mustBeRelaying(d, now)
  const openid = ctx.caller.openid
  const results = new Map<string, StopMarkResult>()
  const seen = new Set<string>()
  const valid: StopMarkInput[] = []
  for (const m of marks) {
    if (seen.has(m.stopId)) {
      results.set(`${m.stopId}\u0000${m.markId}`, refused(m, 'INVALID_INPUT', '同一户在一次提交里出现了两次'))
      continue
    }
    seen.add(m.stopId)
    if (!m.stopId.startsWith(`${deliveryId}:`)) {
      results.set(`${m.stopId}\u0000${m.markId}`, refused(m, 'NOT_YOUR_TASK', '这一户不在这次配送里'))
      continue
    }
    valid.push(m)
  }
  const stops = await data.byIds<DeliveryStopDoc>(
    'deliveryStops',
    valid.map((m) => m.stopId),
  )
  const parts = await data.byIds<DeliveryBuildingDoc>('deliveryBuildings', [
    ...new Set([...stops.values()].map((s) => buildingPartId(deliveryId, s.buildingId))),
  ])
  const byPart = new Map<string, StopMarkInput[]>()
  const floor = d.restEndedAt ? new Date(d.restEndedAt) : undefined
  for (const m of valid) {
    const key = `${m.stopId}\u0000${m.markId}`
    const stop = stops.get(m.stopId)
    const part = stop && parts.get(buildingPartId(deliveryId, stop.buildingId))
    if (!stop || !part || !mayMark(ctx, part)) {
      results.set(key, refused(m, 'NOT_YOUR_TASK', '这一户不在你的任务里'))
      continue
    }
    try {
      stepTime(m.at, now, floor)
    } catch (err) {
      results.set(key, refused(m, 'INVALID_INPUT', isAppError(err) ? err.message : undefined))
      continue
    }
    const list = byPart.get(part._id) ?? []
    list.push(m)
    byPart.set(part._id, list)
  }
  // Photos: checked before anything is written; a bad one refuses only its own mark.
  for (const list of byPart.values())
    for (const m of [...list])
      if (m.photo)
        try {
          await checkPhotos([['photo', [m.photo]]], deliveryFolder(d.communityId, openid))
        } catch (err) {
          results.set(`${m.stopId}\u0000${m.markId}`, refused(m, isAppError(err) ? err.code : 'PHOTO_INVALID'))
          list.splice(list.indexOf(m), 1)
        }

  const byName = await callerName(ctx, d.communityId)
  const told: DeliveryStopDoc[] = []
  let anyDone = false
  await Promise.all(
    [...byPart.entries()].map(async ([partId, list]) => {
      const out = await inTransaction(async (tx) => {
        const part = await txGet<DeliveryBuildingDoc>(tx, 'deliveryBuildings', partId)
        if (!part) throw new AppError('CONFLICT', '配送安排刚刚变了，请刷新后再试')
        const local = new Map<string, StopMarkResult>()
        const changes: [DeliveryStopDoc['status'], DeliveryStopDoc['status']][] = []
        const fresh: DeliveryStopDoc[] = []
        for (const m of list) {
          const s = await txGet<DeliveryStopDoc>(tx, 'deliveryStops', m.stopId)
          if (!s) {
            local.set(m.stopId, refused(m, 'NOT_YOUR_TASK', '这一户不在你的任务里'))
            continue
          }
          if (s.delivered) {
            local.set(
              m.stopId,
              s.delivered.markId === m.markId
                ? { stopId: m.stopId, markId: m.markId, result: 'already' }
                : refused(m, 'ALREADY_MARKED', `${s.label} 已经标记送到了`),
            )
            continue
          }
          if (s.status !== 'pending') {
            local.set(m.stopId, refused(m, 'ALREADY_MARKED', `${s.label} 有问题待处理，处理后再标记`))
            continue
          }
          const delivered: NonNullable<DeliveryStopDoc['delivered']> = {
            at: stepTime(m.at, now, floor),
            by: openid,
            byName,
            markId: m.markId,
          }
          if (m.photo) delivered.photo = m.photo
          await tx
            .collection('deliveryStops')
            .doc(m.stopId)
            .update({ data: { status: 'delivered', delivered, updatedAt: now } })
          changes.push([s.status, 'delivered'])
          fresh.push({ ...s, _id: m.stopId, status: 'delivered', delivered })
          local.set(m.stopId, { stopId: m.stopId, markId: m.markId, result: 'marked' })
        }
        const lastAt = new Date(Math.max(...fresh.map((f) => new Date(f.delivered?.at ?? now).getTime())))
        const after = changes.length ? await moveCounters(tx, part, changes, now, lastAt) : part
        return { local, fresh, done: after.stage === 'done' && part.stage !== 'done' }
      }).catch((err: unknown) => {
        const code = isAppError(err) ? err.code : 'INTERNAL'
        const message = isAppError(err) ? err.message : '标记没有成功，请稍后再同步'
        return {
          local: new Map(list.map((m) => [m.stopId, refused(m, code, message)])),
          fresh: [] as DeliveryStopDoc[],
          done: false,
        }
      })
      for (const m of list) {
        const r = out.local.get(m.stopId)
        if (r) results.set(`${m.stopId}\u0000${m.markId}`, r)
      }
      told.push(...out.fresh)
      if (out.done) anyDone = true
    }),
  )
  if (told.length)
    await notify(
      'delivery',
      told.flatMap((s) => deliveredNotices(d, s)),
    )
  if (anyDone) await finishIfDone(d._id, now)
  return marks.map((m) => results.get(`${m.stopId}\u0000${m.markId}`) ?? refused(m, 'INTERNAL'))
}

/** 「3号-201 的物资已送到门口」 to the household's members and whoever ordered for it: once per bag. */
export function deliveredNotices(d: RelayDeliveryDoc, s: DeliveryStopDoc): PushMessage[] {
  const at = s.delivered?.at ?? nowDate()
  return s.notify.map((touser) => ({
    purpose: `delivery.delivered:${s._id}`,
    touser,
    templateId: TEMPLATES.delivered,
    page: `${MINE_PAGE}?household=${encodeURIComponent(s.householdId)}`,
    fields: deliveredNotice(s.label, d.title, at),
  }))
}

/** The goods are at the gate: the transport volunteers (when to start), and the committee if the count was short. */
async function arrivalNotices(d: RelayDeliveryDoc, restUntil: Date, at: Date): Promise<PushMessage[]> {
  const trips = await data.findAll<Pick<DeliveryTripDoc, 'openid'>>(
    'deliveryTrips',
    { deliveryId: d._id },
    { fields: { openid: true } },
  )
  const out: PushMessage[] = [...new Set(trips.map((t) => t.openid))].map((touser) => ({
    purpose: `delivery.gate:${d._id}`,
    touser,
    templateId: TEMPLATES.relayArrived,
    page: `${TASKS_PAGE}?id=${encodeURIComponent(d._id)}`,
    fields: arrivedNotice(
      d.title,
      { name: '小区大门', bags: d.households },
      at,
      `消毒静置至${formatShanghai(restUntil, 'HH:mm')}，之后开始运送`,
    ),
  }))
  if (d.arrival?.check === 'short' || !d.plan) {
    const text = !d.plan ? '物资已到大门，还没有安排配送' : `数量不足：${d.arrival?.note ?? ''}`
    for (const touser of await communityManagers(d.communityId))
      out.push({
        purpose: `delivery.arrival:${d._id}`,
        touser,
        templateId: TEMPLATES.relayAlert,
        page: `${BOARD_PAGE}?id=${encodeURIComponent(d._id)}`,
        fields: alertNotice(d.title, { message: text }, at),
      })
  }
  return out
}

export type { ArrivalCheck }
