// Yesterday's delivery relay of 钟楼新村, as the product would have left it: the committee planned it early in the
// afternoon (the demo's transport volunteers by their posts, each building's default door team: its lead and its 云上
// volunteer, 楼栋 volunteers in their own building), recorded the goods at the gate at 16:00 (数量齐全), the rest
// ended an hour later, the transport volunteers dropped their buildings at the entrances from about 17:05 and the
// door teams of the other buildings fetched their bags from the gate; the doors were done by about 18:30. One bag
// was reported 无人在家, handled by the building's lead and delivered when the household was back; most households
// confirmed their bag that evening, a few unconfirmed ones were received automatically by the timer, and a couple
// are still 'delivered'. So the delivery is done but not settled, and the timer has nothing to push.
//
// Documents come from the product's own rules (server/delivery/rules.ts: `resolveSettings`, `planTrips`,
// `doorTeam`, `bagItems`, `buildingStage`) and are written field for field as cloudfunctions/delivery/src/{plan,
// relay,problems,housekeeping}.ts write them: stop ids `${deliveryId}:${householdId}`, building parts
// `${deliveryId}:${buildingId}`, trips `${deliveryId}:v1t<n>`, counters that follow the stops (received bags count
// as delivered too). The alerts the timer pushed are remembered (`alerted`), the push queue stays empty.
//
// The hours after which a bag counts as received (`autoReceiveHours`) are what the committee set when planning: the
// demo picks them so that, whatever the hour it is dated from, the earliest unconfirmed bags are past them and the
// latest are not (the timer's state at that instant: nothing left for it to do).
import { createHash } from 'node:crypto'
import type { DeliverySettings } from '../../typings/api'
import type { BuildingDoc, CommunityDoc, HouseholdDoc, RoleDoc } from '../../server/community/model'
import type { BuyDoc, DeliveryDoc, OrderDoc } from '../../server/groupbuy/model'
import type {
  DeliveryBuildingDoc,
  DeliveryProblemDoc,
  DeliveryStopDoc,
  DeliveryTripDoc,
  RelayDeliveryDoc,
  StepDoc,
} from '../../server/delivery/model'
import {
  bagItems,
  buildingStage,
  doorCandidatesOf,
  doorTeam,
  personOf,
  planTrips,
  resolveSettings,
  stepName,
  transportOf,
  type DoorCandidate,
  type PlanBuilding,
  type RolePerson,
} from '../../server/delivery/rules'
import { roomOrder } from '../../server/groupbuy/lists'
import { householdLabel } from '../../server/community/structure'
import { addDays } from '../../server/kernel/dates'
import { shanghaiDay, startOfShanghaiDay } from '../../server/kernel/time'
import type { Rng } from './random'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

export interface RelayDemoInput {
  rng: Rng
  now: number
  community: CommunityDoc
  buildings: BuildingDoc[]
  households: HouseholdDoc[]
  roles: RoleDoc[]
  /** The committee member who planned the delivery and recorded the goods at the gate. */
  committeeOpenid: string
  buy: BuyDoc
  orders: OrderDoc[]
  /** The delivery the buy's close made (status awaiting). */
  delivery: DeliveryDoc
}

export interface DemoRelaySummary {
  deliveryId: string
  status: RelayDeliveryDoc['status']
  households: number
  buildings: number
  /** Transport trips, the buildings they carried, and the buildings their door teams fetched from the gate. */
  trips: number
  carried: number
  fromGate: number
  /** Bags confirmed by the household, received automatically, still only delivered; problems (all handled). */
  confirmed: number
  autoReceived: number
  delivered: number
  problems: number
  /** ISO instants. */
  arrivedAt: string
  doneAt: string
  autoReceiveHours: number
}

export interface RelayDemo {
  /** The delivery as it was left (unchanged, awaiting, when the buy had no bags). */
  delivery: DeliveryDoc | RelayDeliveryDoc
  stops: DeliveryStopDoc[]
  parts: DeliveryBuildingDoc[]
  trips: DeliveryTripDoc[]
  problems: DeliveryProblemDoc[]
  summary?: DemoRelaySummary
}

const base36 = (rng: Rng, n: number) =>
  Array.from({ length: n }, () => '0123456789abcdefghijklmnopqrstuvwxyz'[rng.int(0, 35)]).join('')
/** The delivery pages' ids (miniprogram/packageDelivery/utils/request.ts): a prefix, the tap's time, a random tail. */
const tapId = (rng: Rng, prefix: string, at: number) => `${prefix}${at.toString(36)}${base36(rng, 10)}`
/** The server's time when a tap reached it: a moment after. */
const served = (rng: Rng, at: number) => new Date(at + rng.int(200, 1500))
/** reportProblem's id (cloudfunctions/delivery/src/problems.ts). */
const problemId = (requestId: string, stopId: string) =>
  `dp_${createHash('sha256').update(`${requestId}\u0000${stopId}`).digest('hex').slice(0, 24)}`

type Person = RolePerson & { grant: RoleDoc }

/** Role holders with their names as the delivery function's namedPeople reads them. */
const namedPeople = (roles: readonly RoleDoc[], households: ReadonlyMap<string, HouseholdDoc>): Person[] =>
  roles.map((r) => personOf(r, households))

/** A bag's life after planning: when it reached the door, a problem on the way, who confirmed it. */
interface Walk {
  stop: DeliveryStopDoc
  deliveredAt: number
  by: string
  problem?: { at: number; handledAt: number }
}

export function demoRelay(input: RelayDemoInput): RelayDemo {
  const { rng, now, community, buy } = input
  const d = input.delivery
  const deliveryId = d._id
  const yesterday = addDays(shanghaiDay(now), -1)
  const dayAt = (hours: number, minutes = 0) =>
    startOfShanghaiDay(yesterday).getTime() + (hours * 60 + minutes) * MINUTE
  const households = new Map(input.households.map((h) => [h._id, h]))
  const byId = new Map(input.buildings.map((b) => [b._id, b]))
  const buildings = [...input.buildings].sort((a, b) => a.order - b.order)
  const people = namedPeople(
    input.roles.filter((r) => r.role === 'buildingLead' || r.role === 'volunteer'),
    households,
  )
  const everyone = namedPeople(input.roles, households)
  const nameOf = (openid: string) => stepName(openid, everyone)

  // ---------- planDelivery, by the committee early in the afternoon ----------
  const plannedAt = dayAt(13, rng.int(5, 40)) + rng.int(0, 59) * SECOND
  const requestId = tapId(rng, 'r', plannedAt - rng.int(1, 3) * SECOND)
  const stops: DeliveryStopDoc[] = []
  for (const o of input.orders) {
    if (o.status !== 'active') continue
    const building = byId.get(o.buildingId)
    if (!building) continue
    const { items, pieces } = bagItems(o.lines)
    const room = households.get(o.householdId)?.room ?? o.room
    stops.push({
      _id: `${deliveryId}:${o.householdId}`,
      deliveryId,
      communityId: community._id,
      groupId: building.groupId,
      buildingId: o.buildingId,
      householdId: o.householdId,
      room,
      floor: o.floor,
      label: o.label ?? householdLabel(building.name, room),
      items,
      pieces,
      notify: [...new Set(o.notify ?? [])],
      status: 'pending',
      updatedAt: new Date(plannedAt),
    })
  }
  const parts: DeliveryBuildingDoc[] = buildings.flatMap((b) => {
    const mine = stops.filter((s) => s.buildingId === b._id)
    if (mine.length === 0) return []
    return [
      {
        _id: `${deliveryId}:${b._id}`,
        deliveryId,
        communityId: community._id,
        groupId: b.groupId,
        buildingId: b._id,
        order: b.order,
        stage: 'gate',
        households: mine.length,
        pieces: mine.reduce((n, s) => n + s.pieces, 0),
        delivered: 0,
        received: 0,
        problems: 0,
        door: [],
        doorNames: [],
        transport: [],
        transportNames: [],
        dropsTotal: 0,
        dropsDone: 0,
        updatedAt: new Date(plannedAt),
      },
    ]
  })
  // The committee kept the defaults but the hours of automatic receipt (see the header); they are set below.
  const given: Partial<DeliverySettings> = {}
  const restMinutes = resolveSettings(given, undefined, new Date(d.deliveryAt)).restMinutes
  // The relay is expected to start at the expected arrival + the rest (plan.ts relayStart).
  const at = new Date(new Date(d.deliveryAt).getTime() + restMinutes * MINUTE)
  const transport = transportOf(people)
  const planBuildings: PlanBuilding[] = parts.map((p) => ({
    buildingId: p.buildingId,
    name: byId.get(p.buildingId)?.name ?? '',
    order: p.order,
    groupId: p.groupId,
    bags: p.households,
    pieces: p.pieces,
  }))
  const capacity = resolveSettings(given, undefined, new Date(d.deliveryAt)).capacity
  const planned = planTrips(planBuildings, transport, { capacity, at })
  const names = new Map(transport.map((v) => [v.openid, v.name]))
  const trips: DeliveryTripDoc[] = planned.trips.map((t, i) => ({
    _id: `${deliveryId}:v1t${i + 1}`,
    deliveryId,
    communityId: community._id,
    openid: t.openid,
    volunteerName: names.get(t.openid) ?? '志愿者',
    no: t.no,
    stops: t.stops.map((s) => ({ buildingId: s.buildingId, bags: s.bags, pieces: s.pieces })),
    bags: t.bags,
    status: 'planned',
    version: 1,
    updatedAt: new Date(plannedAt),
  }))
  if (stops.length === 0) return { delivery: d, stops, parts, trips: [], problems: [] }
  const candidates = doorCandidatesOf(people)
  const gaps: NonNullable<RelayDeliveryDoc['plan']>['gaps'] = []
  const unassigned = new Set(planned.unassigned)
  const teams = new Map<string, DoorCandidate[]>()
  for (const p of parts) {
    const team = doorTeam(p.buildingId, candidates, undefined, at)
    teams.set(p.buildingId, team)
    const carriers = trips.filter((t) => t.stops.some((s) => s.buildingId === p.buildingId))
    if (unassigned.has(p.buildingId)) gaps.push({ buildingId: p.buildingId, missing: 'transport' })
    if (team.length === 0) gaps.push({ buildingId: p.buildingId, missing: 'door' })
    Object.assign(p, {
      door: team.map((m) => m.openid),
      doorNames: team.map((m) => m.name),
      transport: [...new Set(carriers.map((t) => t.openid))],
      transportNames: [...new Set(carriers.map((t) => t.volunteerName))],
      dropsTotal: carriers.reduce((n, t) => n + t.stops.filter((s) => s.buildingId === p.buildingId).length, 0),
      dropsDone: 0,
    })
  }
  if (gaps.some((g) => g.missing === 'door')) throw new Error('demo relay: a building has nobody for its doors')

  // Each volunteer opened their task list after the plan's notice (myTasks: markSeen).
  const seenAt = new Map<string, Date>()
  for (const t of trips) {
    if (!seenAt.has(t.openid))
      seenAt.set(t.openid, new Date(plannedAt + rng.int(2, 150) * MINUTE + rng.int(0, 59) * SECOND))
    t.seenAt = seenAt.get(t.openid) as Date
  }
  for (const p of parts) if (p.transport.length) p.transportSeen = [...p.transport]

  // ---------- recordArrival: the committee at the gate, 数量齐全; the rest ends an hour later ----------
  const arrivedAt = dayAt(16, rng.int(0, 3)) + rng.int(0, 59) * SECOND
  const restUntil = arrivedAt + restMinutes * MINUTE

  // ---------- markEntrance: each transport volunteer's trips in turn, a drop every few minutes ----------
  const partOf = new Map(parts.map((p) => [p.buildingId, p]))
  const entranceAt = new Map<string, number>()
  for (const v of [...new Set(trips.map((t) => t.openid))]) {
    let t = restUntil + rng.int(2, 6) * MINUTE
    const byName = nameOf(v)
    for (const trip of trips.filter((x) => x.openid === v).sort((a, b) => a.no - b.no)) {
      trip.stops = trip.stops.map((s) => {
        t += rng.int(3, 7) * MINUTE + rng.int(0, 59) * SECOND
        const mark = { at: new Date(t), by: v, byName, markId: tapId(rng, 'e', t) }
        const part = partOf.get(s.buildingId) as DeliveryBuildingDoc
        part.dropsDone++
        if (!part.loaded) part.loaded = { at: new Date(t), by: v, byName }
        if (part.dropsDone >= part.dropsTotal && !part.atEntrance) part.atEntrance = mark
        part.stage = buildingStage(part)
        part.updatedAt = served(rng, t)
        entranceAt.set(s.buildingId, t)
        return { ...s, dropped: mark }
      })
      trip.status = 'done'
      trip.updatedAt = served(rng, t)
      t += rng.int(6, 10) * MINUTE
    }
  }

  // ---------- markStops: the door teams, floor by floor; the teams of the other buildings fetch from the gate ----
  const fromGate = parts.filter((p) => p.dropsTotal === 0)
  // The bag reported 无人在家: in a building fetched from the gate, not its first door, whose lead handles it.
  const troubled = rng
    .shuffle(
      fromGate.filter((p) => {
        const team = teams.get(p.buildingId) ?? []
        return p.households >= 2 && team.length >= 2 && team.some((m) => m.role === 'buildingLead')
      }),
    )
    .at(0)
  const walks: Walk[] = []
  for (const p of parts) {
    const team = teams.get(p.buildingId) as DoorCandidate[]
    const lead = team.find((m) => m.role === 'buildingLead')
    // Whoever goes up the stairs: usually one of the team, sometimes two sharing the floors.
    const walkers =
      p === troubled
        ? [team.find((m) => m.role !== 'buildingLead') ?? (team[0] as DoorCandidate)]
        : team.length > 1 && rng.chance(0.2)
          ? team.slice(0, 2)
          : [rng.pick(team)]
    let t =
      p === troubled
        ? restUntil + rng.int(38, 44) * MINUTE
        : p.dropsTotal > 0
          ? (entranceAt.get(p.buildingId) as number) + rng.int(1, 4) * MINUTE
          : restUntil + Math.round(3 + 67 * Math.pow(rng.next(), 1.3)) * MINUTE
    const mine = stops.filter((s) => s.buildingId === p.buildingId).sort((a, b) => roomOrder(a.room, b.room))
    mine.forEach((stop, i) => {
      t += rng.int(1, 3) * MINUTE + rng.int(0, 59) * SECOND
      const by = (walkers[i % walkers.length] as DoorCandidate).openid
      if (p === troubled && i === 1) {
        // Nobody answered: reported, handled by the lead when the household was back, delivered then.
        const handledAt = t + rng.int(18, 24) * MINUTE
        const deliveredAt = handledAt + rng.int(14, 20) * MINUTE + rng.int(0, 59) * SECOND
        walks.push({ stop, deliveredAt, by, problem: { at: t, handledAt } })
        return
      }
      walks.push({ stop, deliveredAt: t, by })
    })
    // The walkers marked from their task list; the lead often looked at it too.
    const looked = walkers.map((w) => w.openid)
    if (lead && rng.chance(0.5)) looked.push(lead.openid)
    p.doorSeen = [...new Set(looked)]
  }
  // ---------- receipts: most households that evening; a few never, the timer's; a couple not yet ----------
  const byTime = [...walks].sort((a, b) => a.deliveredAt - b.deliveredAt)
  const problemWalk = walks.find((w) => w.problem)
  // Still only delivered: the bag of the household that was out, and the latest others (two in all).
  const left = [...(problemWalk ? [problemWalk] : []), ...byTime.filter((w) => w !== problemWalk).reverse()].slice(
    0,
    Math.min(2, walks.length - 1),
  )
  const leftFrom = Math.min(...left.map((w) => w.deliveredAt))
  // Received automatically: three of the earliest (an hour before those), a household with nobody on WeChat first.
  const early = byTime.filter((w) => w.deliveredAt <= leftFrom - HOUR - 5 * MINUTE)
  const noWechat = (w: Walk) => !households.get(w.stop.householdId)?.members.some((m) => m.openid)
  const auto = [...rng.shuffle(early.filter(noWechat)), ...rng.shuffle(early.filter((w) => !noWechat(w)))].slice(0, 3)
  // The hours after which a bag counts as received: the three are past them at `now`, the latest ones are not.
  const autoReceiveHours = auto.length
    ? Math.floor((now - Math.max(...auto.map((w) => w.deliveredAt))) / HOUR)
    : left.length
      ? Math.floor((now - leftFrom) / HOUR) + 1
      : resolveSettings(undefined, undefined, new Date(d.deliveryAt)).autoReceiveHours
  if (autoReceiveHours < 1 || (left.length && leftFrom + autoReceiveHours * HOUR <= now))
    throw new Error('demo relay: no hours of automatic receipt fit')
  given.autoReceiveHours = autoReceiveHours
  const settings = resolveSettings(given, undefined, new Date(d.deliveryAt))

  const problems: DeliveryProblemDoc[] = []
  for (const w of walks) {
    const s = w.stop
    const byName = nameOf(w.by)
    if (w.problem) {
      const lead = (teams.get(s.buildingId) ?? []).find((m) => m.role === 'buildingLead') as DoorCandidate
      const rid = tapId(rng, 'r', w.problem.at)
      problems.push({
        _id: problemId(rid, s._id),
        deliveryId,
        communityId: community._id,
        buyId: buy._id,
        ...(buy.merchantId ? { merchantId: buy.merchantId } : {}),
        stopId: s._id,
        householdId: s.householdId,
        buildingId: s.buildingId,
        groupId: s.groupId,
        label: s.label,
        kind: 'nobodyHome',
        note: '敲门没人应，电话也没人接',
        at: served(rng, w.problem.at),
        by: w.by,
        byName,
        status: 'handled',
        handled: {
          at: served(rng, w.problem.handledAt),
          by: lead.openid,
          byName: nameOf(lead.openid),
          note: '住户下班回来了，已电话联系，约好马上送上去',
        },
      })
    }
    s.status = 'delivered'
    s.delivered = { at: new Date(w.deliveredAt), by: w.by, byName, markId: tapId(rng, 'm', w.deliveredAt) }
    s.updatedAt = served(rng, w.deliveredAt)
    if (auto.includes(w)) {
      const due = w.deliveredAt + autoReceiveHours * HOUR
      const ranAt = due + rng.int(0, Math.min(5 * MINUTE, now - due))
      s.status = 'received'
      s.received = { at: new Date(ranAt), by: 'timer', byName: '自动签收', auto: true }
      s.updatedAt = new Date(ranAt)
    } else if (!left.includes(w)) {
      // Confirmed by a member (else by whoever manages or ordered for it), minutes to a few hours later.
      const h = households.get(s.householdId)
      const members = h?.members.flatMap((m) => (m.openid ? [m.openid] : [])) ?? []
      const by = rng.pick(members.length ? members : s.notify)
      const atMs = w.deliveredAt + Math.round(3 * MINUTE + 4 * HOUR * Math.pow(rng.next(), 3))
      s.status = 'received'
      s.received = { at: served(rng, atMs), by, byName: nameOf(by), auto: false }
      s.updatedAt = s.received.at
    }
  }

  // ---------- the building parts' counters and stages, as the marks left them ----------
  const problemOf = new Map(problems.map((p) => [p.buildingId, p]))
  for (const p of parts) {
    const mine = stops.filter((s) => s.buildingId === p.buildingId)
    p.delivered = mine.filter((s) => s.status === 'delivered' || s.status === 'received').length
    p.received = mine.filter((s) => s.status === 'received').length
    p.problems = mine.filter((s) => s.status === 'problem').length
    p.stage = buildingStage(p)
    // Done with its last bag at a door (a mark's own time).
    p.doneAt = new Date(Math.max(...mine.map((s) => (s.delivered as StepDoc).at.getTime())))
    const problem = problemOf.get(p.buildingId)
    p.updatedAt = new Date(
      Math.max(
        p.updatedAt.getTime(),
        ...mine.map((s) => s.updatedAt.getTime()),
        ...(problem?.handled ? [problem.handled.at.getTime()] : []),
      ),
    )
  }
  const doneAt = new Date(Math.max(...parts.map((p) => (p.doneAt as Date).getTime())))

  // The timer pushed, once each: the gaps two hours before arrival, then each building nobody carried from the gate.
  const alerted = [...(gaps.length ? ['gaps:1'] : []), ...gaps.map((g) => `unassigned:${g.buildingId}`)]
  const relay: RelayDeliveryDoc = {
    ...d,
    status: 'done',
    settings,
    plan: {
      version: 1,
      plannedAt: served(rng, plannedAt),
      by: input.committeeOpenid,
      requestIds: [requestId],
      gaps,
      dropped: [],
    },
    arrival: {
      at: new Date(arrivedAt),
      by: input.committeeOpenid,
      byName: nameOf(input.committeeOpenid),
      check: 'full',
    },
    restUntil: new Date(restUntil),
    restEndedAt: new Date(restUntil),
    doneAt,
    alerted,
    updatedAt: served(rng, doneAt.getTime()),
  }
  const count = (status: DeliveryStopDoc['status']) => stops.filter((s) => s.status === status).length
  return {
    delivery: relay,
    stops,
    parts,
    trips,
    problems,
    summary: {
      deliveryId,
      status: relay.status,
      households: stops.length,
      buildings: parts.length,
      trips: trips.length,
      carried: parts.length - fromGate.length,
      fromGate: fromGate.length,
      confirmed: stops.filter((s) => s.received && !s.received.auto).length,
      autoReceived: stops.filter((s) => s.received?.auto).length,
      delivered: count('delivered'),
      problems: problems.length,
      arrivedAt: new Date(arrivedAt).toISOString(),
      doneAt: doneAt.toISOString(),
      autoReceiveHours,
    },
  }
}
