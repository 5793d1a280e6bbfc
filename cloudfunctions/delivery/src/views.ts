// What the relay shows: the deliveries list, the live board (per stage and per building, alerts first), a
// volunteer's tasks, a household's bags. Every name goes through the one visibility policy (server/platform/
// visibility.ts): full to the committee, masked to everyone else; households appear as 「楼-室」 only.
import type {
  BoardBuildingView,
  BoardView,
  DeliveryStage,
  DeliverySummaryView,
  HouseholdDeliveryView,
  MyTasksView,
  StopView,
} from '../../../typings/api'
import type { BuildingDoc } from '../../../server/community/model'
import type {
  DeliveryBuildingDoc,
  DeliveryStopDoc,
  DeliveryTripDoc,
  RelayDeliveryDoc,
} from '../../../server/delivery/model'
import { action, AppError, defineActions, hasRole, nowDate, z, type ActionContext } from '../../../server/kernel'
import { roomOrder } from '../../../server/groupbuy/lists'
import { data } from '../../../server/platform/cloud'
import { iso } from '../../../server/platform/places'
import { photoUrls } from '../../../server/platform/photos'
import { isLeadOrAbove } from '../../../server/platform/visibility'
import { deliveryAlerts } from '../../../server/delivery/rules'
import {
  advanceRest,
  communityBuildings,
  deliveryBuildings,
  id,
  loadDelivery,
  managesBuilding,
  nameFor,
  runsCommunity,
} from './common'
import { settingsView, tripView } from './plan'

/** Deliveries a list answers at most (newest expected delivery first). */
export const DELIVERIES_LISTED = 30

const stageOf = (d: RelayDeliveryDoc): DeliveryStage => d.status

const visibleParts = (ctx: ActionContext, d: RelayDeliveryDoc, parts: readonly DeliveryBuildingDoc[]) =>
  runsCommunity(ctx.grants, d.communityId) ? [...parts] : parts.filter((p) => managesBuilding(ctx.grants, p))

async function openProblems(deliveryId: string, buildingIds?: readonly string[]): Promise<number> {
  const where: Record<string, unknown> = { deliveryId, status: 'open' }
  if (buildingIds) where.buildingId = data._.in([...buildingIds])
  return data.count('deliveryProblems', where)
}

function summary(
  d: RelayDeliveryDoc,
  parts: readonly DeliveryBuildingDoc[],
  alerts: number,
  whole: boolean,
): DeliverySummaryView {
  const sum = (k: 'households' | 'pieces' | 'delivered' | 'received' | 'problems') =>
    parts.reduce((n, p) => n + p[k], 0)
  const planned = !!d.plan
  return {
    id: d._id,
    communityId: d.communityId,
    buyId: d.buyId,
    kind: d.kind,
    title: d.title,
    stage: stageOf(d),
    planned,
    deliveryAt: iso(d.deliveryAt),
    // Before planning the parts do not exist yet: the close's counts.
    households: planned ? sum('households') : whole ? d.households : 0,
    pieces: planned ? sum('pieces') : whole ? d.pieces : 0,
    delivered: sum('delivered'),
    received: sum('received'),
    problems: sum('problems'),
    alerts,
  }
}

async function namesOf(communityId: string): Promise<Map<string, BuildingDoc>> {
  return new Map((await communityBuildings(communityId)).map((b) => [b._id, b]))
}

export async function boardView(ctx: ActionContext, given: RelayDeliveryDoc): Promise<BoardView> {
  const now = nowDate()
  const d = await advanceRest(given, now)
  const [buildings, all] = await Promise.all([namesOf(d.communityId), deliveryBuildings(d._id)])
  const parts = visibleParts(ctx, d, all)
  const whole = runsCommunity(ctx.grants, d.communityId)
  if (!whole && parts.length === 0) throw new AppError('FORBIDDEN')
  const problems = await openProblems(d._id, whole ? undefined : parts.map((p) => p.buildingId))
  const named = parts.map((p) => ({ ...p, name: buildings.get(p.buildingId)?.name ?? '' }))
  const alerts = deliveryAlerts({ delivery: d, buildings: named, openProblems: problems, now }).filter(
    (a) => whole || !a.buildingId || parts.some((p) => p.buildingId === a.buildingId),
  )
  const show = (n: string) => nameFor(ctx.grants, d.communityId, n)
  const rows: BoardBuildingView[] = named.map((p) => {
    const v: BoardBuildingView = {
      buildingId: p.buildingId,
      buildingName: p.name,
      groupId: p.groupId,
      stage: p.stage,
      households: p.households,
      pieces: p.pieces,
      delivered: p.delivered,
      received: p.received,
      problems: p.problems,
      doorTeam: p.doorNames.map(show),
      doorSeen: p.door.some((o) => p.doorSeen?.includes(o)),
      transportSeen: p.transport.every((o) => p.transportSeen?.includes(o)),
    }
    if (p.transportNames.length) v.transport = p.transportNames.map(show).join('、')
    if (p.loaded) v.loadedAt = iso(p.loaded.at)
    if (p.atEntrance) v.atEntranceAt = iso(p.atEntrance.at)
    if (p.doneAt) v.doneAt = iso(p.doneAt)
    return v
  })
  const entrances = all.flatMap((p) => (p.atEntrance ? [new Date(p.atEntrance.at).getTime()] : []))
  const doors = all.flatMap((p) => (p.doneAt ? [new Date(p.doneAt).getTime()] : []))
  const times: BoardView['times'] = {}
  if (d.arrival) times.arrivedAt = iso(d.arrival.at)
  if (d.restEndedAt) times.restEndedAt = iso(d.restEndedAt)
  if (entrances.length) times.firstEntranceAt = iso(new Date(Math.min(...entrances)))
  if (entrances.length === all.length && all.length) times.lastEntranceAt = iso(new Date(Math.max(...entrances)))
  if (doors.length === all.length && all.length) times.lastDoorAt = iso(new Date(Math.max(...doors)))
  if (d.doneAt) times.doneAt = iso(d.doneAt)
  const view: BoardView = {
    delivery: summary(d, parts, alerts.length, whole),
    settings: d.settings ? settingsView(d.settings) : null,
    times,
    buildings: rows,
    alerts,
  }
  if (d.arrival) {
    const arrival: NonNullable<BoardView['arrival']> = {
      at: iso(d.arrival.at),
      byName: show(d.arrival.byName),
      check: d.arrival.check,
    }
    if (d.arrival.note) arrival.note = d.arrival.note
    // Photos to leads and above only (the board is theirs; the policy says so).
    if (d.arrival.photo && isLeadOrAbove(ctx.grants, d.communityId)) {
      const url = (await photoUrls([d.arrival.photo])).get(d.arrival.photo)
      if (url) arrival.photo = url
    }
    view.arrival = arrival
  }
  if (d.restUntil) view.restUntil = iso(d.restUntil)
  return view
}

/** Where a household's bag is now, in words a resident understands. */
export function whereText(d: RelayDeliveryDoc, s: DeliveryStopDoc, part?: DeliveryBuildingDoc): string {
  if (s.status === 'received') return '已签收'
  if (s.status === 'delivered') return '已送到门口'
  if (s.status === 'problem') return '有问题，正在处理'
  if (d.status === 'awaiting') return d.arrival ? '在小区大门' : '等待物资到达小区'
  if (d.status === 'resting') return '在小区大门消毒静置'
  if (part?.stage === 'atEntrance') return '已到楼门口，正在送到各户'
  if (part?.stage === 'onTrip') return '正在运往楼门口'
  return '在小区大门，等待运到楼门口'
}

export function householdView(
  d: RelayDeliveryDoc,
  s: DeliveryStopDoc,
  part?: DeliveryBuildingDoc,
): HouseholdDeliveryView {
  const v: HouseholdDeliveryView = {
    deliveryId: d._id,
    title: d.title,
    stage: stageOf(d),
    label: s.label,
    items: s.items,
    status: s.status,
    where: whereText(d, s, part),
    deliveryAt: iso(d.deliveryAt),
  }
  // The household sees when, not who: a volunteer's name is not theirs to keep.
  if (s.delivered) v.delivered = { at: iso(s.delivered.at), byName: '志愿者' }
  if (s.received)
    v.received = { at: iso(s.received.at), byName: s.received.auto ? '自动签收' : '本户', auto: s.received.auto }
  return v
}

function stopView(s: DeliveryStopDoc, show: (n: string) => string): StopView {
  const v: StopView = {
    id: s._id,
    householdId: s.householdId,
    buildingId: s.buildingId,
    room: s.room,
    floor: s.floor,
    label: s.label,
    items: s.items,
    pieces: s.pieces,
    status: s.status,
  }
  if (s.delivered) v.delivered = { at: iso(s.delivered.at), byName: show(s.delivered.byName) }
  if (s.received)
    v.received = { at: iso(s.received.at), byName: s.received.auto ? '自动签收' : '住户', auto: s.received.auto }
  if (s.problem) v.problem = { kind: s.problem.kind, note: s.problem.note }
  return v
}

const ACTIVE: RelayDeliveryDoc['status'][] = ['awaiting', 'resting', 'relaying']

/**
 * The caller opened their task list: their trips and the buildings they carry (or take from the gate) say so, for the
 * board's 「未查看任务」. Written once per person and building; a read of a list already seen writes nothing.
 */
async function markSeen(
  deliveryId: string,
  openid: string,
  trips: DeliveryTripDoc[],
  doors: DeliveryBuildingDoc[],
  now: Date,
): Promise<void> {
  const unseenTrips = trips.filter((t) => !t.seenAt)
  const writes: Promise<unknown>[] = []
  if (unseenTrips.length) {
    writes.push(
      data.updateWhere('deliveryTrips', { deliveryId, openid, seenAt: data._.exists(false) }, { seenAt: now }),
    )
    const carried = [...new Set(unseenTrips.flatMap((t) => t.stops.map((s) => s.buildingId)))]
    writes.push(
      data.updateWhere(
        'deliveryBuildings',
        { _id: data._.in(carried.map((b) => `${deliveryId}:${b}`)) },
        { transportSeen: data._.addToSet(openid) },
      ),
    )
    for (const t of unseenTrips) t.seenAt = now
  }
  const unseenDoors = doors.filter((p) => !p.doorSeen?.includes(openid))
  if (unseenDoors.length) {
    writes.push(
      data.updateWhere(
        'deliveryBuildings',
        { _id: data._.in(unseenDoors.map((p) => p._id)) },
        { doorSeen: data._.addToSet(openid) },
      ),
    )
    for (const p of unseenDoors) p.doorSeen = [...(p.doorSeen ?? []), openid]
  }
  await Promise.all(writes)
}

export const viewActions = defineActions('delivery', {
  listDeliveries: action({
    input: z.object({ communityId: id('小区') }).strict(),
    access: { signedIn: true },
    handler: async (input, ctx): Promise<DeliverySummaryView[]> => {
      const whole = runsCommunity(ctx.grants, input.communityId)
      if (!whole && !isLeadOrAbove(ctx.grants, input.communityId)) throw new AppError('FORBIDDEN')
      const deliveries = await data.find<RelayDeliveryDoc>(
        'deliveries',
        { communityId: input.communityId },
        { limit: DELIVERIES_LISTED, orderBy: [['deliveryAt', 'desc']] },
      )
      if (deliveries.length === 0) return []
      const now = nowDate()
      const [parts, buildings] = await Promise.all([
        data.findAll<DeliveryBuildingDoc>('deliveryBuildings', { deliveryId: data._.in(deliveries.map((d) => d._id)) }),
        namesOf(input.communityId),
      ])
      const out: DeliverySummaryView[] = []
      for (const d of deliveries) {
        const mine = visibleParts(
          ctx,
          d,
          parts.filter((p) => p.deliveryId === d._id),
        )
        // A lead sees the deliveries that reach their buildings (before planning: every delivery of the community).
        if (!whole && d.plan && mine.length === 0) continue
        const alerts = ACTIVE.includes(d.status)
          ? deliveryAlerts({
              delivery: d,
              buildings: mine.map((p) => ({ ...p, name: buildings.get(p.buildingId)?.name ?? '' })),
              openProblems: mine.reduce((n, p) => n + p.problems, 0),
              now,
            }).length
          : 0
        out.push(summary(d, mine, alerts, whole))
      }
      return out
    },
  }),

  board: action({
    input: z.object({ deliveryId: id('配送') }).strict(),
    access: { signedIn: true },
    handler: async (input, ctx): Promise<BoardView> => {
      const d = await loadDelivery(ctx, input.deliveryId).catch(() => {
        throw new AppError('FORBIDDEN')
      })
      if (!isLeadOrAbove(ctx.grants, d.communityId)) throw new AppError('FORBIDDEN')
      return boardView(ctx, d)
    },
  }),

  myTasks: action({
    input: z.object({ deliveryId: id('配送') }).strict(),
    access: { signedIn: true },
    handler: async (input, ctx): Promise<MyTasksView | null> => {
      const openid = ctx.caller.openid
      const d = await loadDelivery(ctx, input.deliveryId).catch(() => {
        throw new AppError('FORBIDDEN')
      })
      if (!ctx.grants.some((g) => g.scope.communityId === d.communityId)) throw new AppError('FORBIDDEN')
      const now = nowDate()
      const live = await advanceRest(d, now)
      const [trips, doorParts] = await Promise.all([
        data.findAll<DeliveryTripDoc>('deliveryTrips', { deliveryId: d._id, openid }),
        data.findAll<DeliveryBuildingDoc>('deliveryBuildings', { deliveryId: d._id, door: openid }),
      ])
      if (trips.length === 0 && doorParts.length === 0) return null
      await markSeen(d._id, openid, trips, doorParts, now)
      const buildings = await namesOf(d.communityId)
      const names = new Map([...buildings.values()].map((b) => [b._id, b.name]))
      const stops = doorParts.length
        ? await data.findAll<DeliveryStopDoc>('deliveryStops', {
            deliveryId: d._id,
            buildingId: data._.in(doorParts.map((p) => p.buildingId)),
          })
        : []
      const show = (n: string) => nameFor(ctx.grants, d.communityId, n)
      trips.sort((a, b) => a.no - b.no)
      doorParts.sort((a, b) => a.order - b.order)
      const view: MyTasksView = {
        delivery: summary(live, doorParts, 0, false),
        trips: trips.map((t) => tripView(t, names, show(t.volunteerName))),
        doors: doorParts.map((p) => ({
          buildingId: p.buildingId,
          buildingName: names.get(p.buildingId) ?? '',
          stage: p.stage,
          stops: stops
            .filter((s) => s.buildingId === p.buildingId)
            .sort((a, b) => roomOrder(a.room, b.room))
            .map((s) => stopView(s, show)),
        })),
      }
      if (live.restUntil) view.restUntil = iso(live.restUntil)
      return view
    },
  }),

  myDeliveries: action({
    input: z.object({ communityId: id('小区') }).strict(),
    access: { signedIn: true },
    handler: async (input, ctx): Promise<DeliverySummaryView[]> => {
      const openid = ctx.caller.openid
      if (!ctx.grants.some((g) => g.scope.communityId === input.communityId)) throw new AppError('FORBIDDEN')
      const active = await data.find<RelayDeliveryDoc>(
        'deliveries',
        { communityId: input.communityId, status: data._.in(ACTIVE) },
        { limit: DELIVERIES_LISTED, orderBy: [['deliveryAt', 'desc']] },
      )
      if (active.length === 0) return []
      const ids = active.map((d) => d._id)
      const [trips, doors] = await Promise.all([
        data.findAll<Pick<DeliveryTripDoc, 'deliveryId'>>(
          'deliveryTrips',
          { deliveryId: data._.in(ids), openid },
          { fields: { deliveryId: true } },
        ),
        data.findAll<DeliveryBuildingDoc>('deliveryBuildings', { deliveryId: data._.in(ids), door: openid }),
      ])
      const mine = new Set([...trips.map((t) => t.deliveryId), ...doors.map((p) => p.deliveryId)])
      return active
        .filter((d) => mine.has(d._id))
        .map((d) =>
          summary(
            d,
            doors.filter((p) => p.deliveryId === d._id),
            0,
            false,
          ),
        )
    },
  }),

  householdDeliveries: action({
    input: z.object({ householdId: id('住户') }).strict(),
    access: { signedIn: true },
    handler: async (input, ctx): Promise<HouseholdDeliveryView[]> => {
      const stops = await data.find<DeliveryStopDoc>(
        'deliveryStops',
        { householdId: input.householdId },
        { limit: 50, orderBy: [['updatedAt', 'desc']] },
      )
      const first = stops[0]
      const member =
        first &&
        hasRole(ctx.grants, ['resident'], {
          communityId: first.communityId,
          groupId: first.groupId,
          buildingId: first.buildingId,
          floor: first.floor,
          householdId: first.householdId,
        })
      // Its members and 代管 holders see all of its bags; whoever ordered for it, those they are told of.
      const visible = member ? stops : stops.filter((s) => s.notify.includes(ctx.caller.openid))
      if (stops.length > 0 && visible.length === 0) throw new AppError('FORBIDDEN')
      if (stops.length === 0) {
        const h = await data.get<{ communityId: string; groupId: string; buildingId: string; floor: number }>(
          'households',
          input.householdId,
        )
        if (!h || !hasRole(ctx.grants, ['resident'], { ...h, householdId: input.householdId }))
          throw new AppError('FORBIDDEN')
        return []
      }
      const deliveries = await data.byIds<RelayDeliveryDoc>(
        'deliveries',
        visible.map((s) => s.deliveryId),
      )
      const parts = await data.byIds<DeliveryBuildingDoc>(
        'deliveryBuildings',
        visible.map((s) => `${s.deliveryId}:${s.buildingId}`),
      )
      const now = nowDate()
      return visible.flatMap((s) => {
        const d = deliveries.get(s.deliveryId)
        if (!d) return []
        const live =
          d.status === 'resting' && d.restUntil && new Date(d.restUntil) <= now
            ? { ...d, status: 'relaying' as const }
            : d
        return [householdView(live, s, parts.get(`${s.deliveryId}:${s.buildingId}`))]
      })
    },
  }),
})
