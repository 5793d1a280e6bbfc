// Pure rules of the delivery relay: its settings, the transport trips (neighbouring buildings per volunteer,
// balanced by bags within the tricycle's capacity) and their re-plan, a building's door team and stage, the live
// board's alerts, what a household's bag holds, and the notices' fields. No I/O: the delivery function brings the
// documents and writes what these return.
import { onShift } from '../community/shifts'
import type {
  BuildingStage,
  DeliveryAlert,
  DeliveryAlertKind,
  DeliverySettings,
  ProblemKind,
  VolunteerShift,
} from '../../typings/api'
import type { OrderDoc } from '../groupbuy/model'
import type { HouseholdDoc, RoleDoc } from '../community/model'
import type { DeliveryBuildingDoc, DeliverySettingsDoc, DeliveryStopDoc, RelayDeliveryDoc } from './model'
import { formatShanghai } from '../kernel/time'
import { measured, packsOf } from '../groupbuy/lists'

const HOUR_MS = 3_600_000
const MINUTE_MS = 60_000

// ---------- settings ----------

type NumberSetting = Exclude<keyof DeliverySettings, 'doorsBy'>

export const DEFAULT_SETTINGS: Record<NumberSetting, number> = {
  capacity: 40,
  restMinutes: 60,
  autoReceiveHours: 24,
  gateAlertHours: 2,
  receiptAlertHours: 6,
}

/** The default `doorsBy`: this many hours after the expected delivery time. */
export const DOORS_AFTER_HOURS = 3

/** Each number setting's [min, max], both allowed (the planDelivery schema uses them). */
export const SETTING_BOUNDS: Readonly<Record<NumberSetting, readonly [number, number]>> = {
  capacity: [1, 500],
  restMinutes: [0, 600],
  autoReceiveHours: [1, 168],
  gateAlertHours: [1, 48],
  receiptAlertHours: [1, 168],
}

const NUMBER_SETTINGS = Object.keys(DEFAULT_SETTINGS) as NumberSetting[]

/**
 * The settings a (re)plan stores: each given value over the previous plan's (or the default), and `doorsBy` the
 * given one, else the previous one, else `deliveryAt` + DOORS_AFTER_HOURS. Values are validated by the action's
 * schema (SETTING_BOUNDS); a key given as undefined changes nothing.
 */
export function resolveSettings(
  given: Partial<DeliverySettings> | undefined,
  prev: DeliverySettingsDoc | undefined,
  deliveryAt: Date,
): DeliverySettingsDoc {
  const out = { doorsBy: new Date(deliveryAt.getTime() + DOORS_AFTER_HOURS * HOUR_MS) } as DeliverySettingsDoc
  for (const key of NUMBER_SETTINGS) out[key] = given?.[key] ?? prev?.[key] ?? DEFAULT_SETTINGS[key]
  if (given?.doorsBy !== undefined) out.doorsBy = new Date(given.doorsBy)
  else if (prev?.doorsBy !== undefined) out.doorsBy = new Date(prev.doorsBy)
  return out
}

// ---------- shifts ----------

/** Whether a volunteer is on shift: one reading of shifts for every feature (server/community/shifts.ts). */
export { onShift }

// ---------- transport trips ----------

export interface PlanBuilding {
  buildingId: string
  name: string
  order: number
  groupId: string
  bags: number
  pieces: number
}

export interface TransportVolunteer {
  openid: string
  name: string
  posts: string[]
  shifts?: VolunteerShift[]
}

export interface PlannedTrip {
  openid: string
  no: number
  stops: { buildingId: string; bags: number; pieces: number }[]
  bags: number
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0)
const byOrder = (a: PlanBuilding, b: PlanBuilding) =>
  a.order - b.order || (a.buildingId < b.buildingId ? -1 : a.buildingId > b.buildingId ? 1 : 0)
const byOpenid = (a: { openid: string }, b: { openid: string }) =>
  a.openid < b.openid ? -1 : a.openid > b.openid ? 1 : 0

/** Whether `w[start..]` fits in at most `parts` contiguous runs of at most `limit` each. */
function fits(w: readonly number[], start: number, parts: number, limit: number): boolean {
  let used = 0
  let load = 0
  for (let i = start; i < w.length; i++) {
    const x = w[i] as number
    if (x > limit) return false
    if (used === 0 || load + x > limit) {
      used++
      load = x
      if (used > parts) return false
    } else load += x
  }
  return true
}

/**
 * Linear partition: cut `w` (in order) into `k` contiguous runs (some maybe empty) so that the largest run is as
 * small as it can be. The least largest run L is found by binary search (a greedy pass says whether L fits). The
 * runs are then cut one by one: each takes at least what leaves the rest coverable by the remaining runs at L, and
 * then more while that brings it closer to an even share of what is left, so the load is spread over everybody
 * rather than packed into the first runs. Returns the [start, end) of each run.
 */
export function linearPartition(w: readonly number[], k: number): [number, number][] {
  if (k <= 0) return []
  const n = w.length
  let lo = Math.max(0, ...w)
  let hi = sum(w)
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    if (fits(w, 0, k, mid)) hi = mid
    else lo = mid + 1
  }
  const limit = lo
  const runs: [number, number][] = []
  let start = 0
  let rest = hi
  for (let j = 0; j < k; j++) {
    const left = k - j
    if (left === 1) {
      runs.push([start, n])
      break
    }
    const share = rest / left
    let end = start
    let load = 0
    while (end < n && !fits(w, end, left - 1, limit)) load += w[end++] as number
    while (end < n) {
      const next = load + (w[end] as number)
      if (next > limit || Math.abs(next - share) >= Math.abs(load - share)) break
      load = next
      end++
    }
    runs.push([start, end])
    rest -= load
    start = end
  }
  return runs
}

/** Pieces of `parts` bags of a building of `bags` bags and `pieces` pieces: in proportion, whole, summing exactly. */
function splitPieces(pieces: number, bags: number, parts: readonly number[]): number[] {
  let before = 0
  let given = 0
  return parts.map((p) => {
    before += p
    const upTo = bags > 0 ? Math.floor((pieces * before) / bags) : 0
    const share = upTo - given
    given = upTo
    return share
  })
}

/**
 * A volunteer's buildings (in order) cut into trips of at most `capacity` bags. A building that fits in one trip
 * is never split: it goes on the current trip, or starts a new one when it does not fit. A building with more bags
 * than a trip holds fills what room the current trip has left, then whole trips, and its last part stays open for
 * the next buildings: the fewest trips.
 */
function cutTrips(
  openid: string,
  buildings: readonly PlanBuilding[],
  capacity: number,
  firstNo: number,
): PlannedTrip[] {
  const trips: PlannedTrip[] = []
  let cur: PlannedTrip | undefined
  const open = (): PlannedTrip => {
    cur = { openid, no: firstNo + trips.length, stops: [], bags: 0 }
    trips.push(cur)
    return cur
  }
  for (const b of buildings) {
    if (b.bags <= capacity) {
      const t = cur && cur.bags + b.bags <= capacity ? cur : open()
      t.stops.push({ buildingId: b.buildingId, bags: b.bags, pieces: b.pieces })
      t.bags += b.bags
      continue
    }
    const loads: { trip: PlannedTrip; bags: number }[] = []
    let left = b.bags
    if (cur && cur.bags < capacity) {
      loads.push({ trip: cur, bags: capacity - cur.bags })
      left -= capacity - cur.bags
    }
    while (left > 0) {
      const take = Math.min(capacity, left)
      loads.push({ trip: open(), bags: take })
      left -= take
    }
    const pieces = splitPieces(
      b.pieces,
      b.bags,
      loads.map((l) => l.bags),
    )
    loads.forEach((l, i) => {
      l.trip.stops.push({ buildingId: b.buildingId, bags: l.bags, pieces: pieces[i] as number })
      l.trip.bags += l.bags
    })
  }
  return trips
}

/**
 * Buildings shared by volunteers with posts whose posts differ (A covers 1–3, B covers 3–5): each building only one
 * of them covers goes to that one; the shared ones, in building order, to whoever of them carries least so far,
 * the one who has the building before it on a tie (neighbours), then by openid.
 */
function assignShared(
  buildings: readonly PlanBuilding[],
  claims: ReadonlyMap<string, readonly TransportVolunteer[]>,
  load: Map<string, number>,
  owner: Map<string, string>,
): void {
  const give = (b: PlanBuilding, openid: string) => {
    owner.set(b.buildingId, openid)
    load.set(openid, (load.get(openid) ?? 0) + b.bags)
  }
  for (const b of buildings) {
    const c = claims.get(b.buildingId) as readonly TransportVolunteer[]
    if (c.length === 1) give(b, (c[0] as TransportVolunteer).openid)
  }
  buildings.forEach((b, i) => {
    if (owner.has(b.buildingId)) return
    const prev = i > 0 ? owner.get((buildings[i - 1] as PlanBuilding).buildingId) : undefined
    const best = [...(claims.get(b.buildingId) as readonly TransportVolunteer[])].sort(
      (x, y) =>
        (load.get(x.openid) ?? 0) - (load.get(y.openid) ?? 0) ||
        Number(y.openid === prev) - Number(x.openid === prev) ||
        byOpenid(x, y),
    )[0] as TransportVolunteer
    give(b, best.openid)
  })
}

/**
 * Who takes which building: the building's owner by openid, and the buildings nobody can take.
 *
 * 1. Volunteers with posts take only their posts' buildings, and every building someone's posts cover goes to them.
 *    They fall into groups linked by shared buildings. A group whose volunteers all cover the same buildings (the
 *    usual case: two people posted to the same block) splits them by linear partition, so each gets a run of
 *    neighbours and the bags are balanced; a group with overlapping but different posts goes by `assignShared`.
 * 2. The buildings no post covers are split by linear partition among the volunteers without posts, in the
 *    community's building order: each volunteer a run of neighbouring buildings, the largest load as small as it
 *    can be without splitting a building between two people (so within one building's bags of an even share).
 * 3. Buildings left (no post covers them and nobody is without posts) are unassigned.
 */
function assign(
  buildings: readonly PlanBuilding[],
  volunteers: readonly TransportVolunteer[],
): { owner: Map<string, string>; unassigned: string[] } {
  const owner = new Map<string, string>()
  const ids = new Set(buildings.map((b) => b.buildingId))
  const posted = volunteers.filter((v) => v.posts.some((p) => ids.has(p)))
  const free = volunteers.filter((v) => v.posts.length === 0)
  const claims = new Map<string, TransportVolunteer[]>()
  for (const v of posted) for (const p of new Set(v.posts)) if (ids.has(p)) claims.set(p, [...(claims.get(p) ?? []), v])

  // Groups of posted volunteers linked by a shared building (union-find over openids).
  const parent = new Map(posted.map((v) => [v.openid, v.openid]))
  const root = (x: string): string => {
    let r = x
    while (parent.get(r) !== r) r = parent.get(r) as string
    parent.set(x, r)
    return r
  }
  for (const c of claims.values())
    for (const v of c.slice(1)) parent.set(root(v.openid), root((c[0] as TransportVolunteer).openid))
  const groups = new Map<string, { people: TransportVolunteer[]; buildings: PlanBuilding[] }>()
  const groupOf = (openid: string) => {
    const r = root(openid)
    let g = groups.get(r)
    if (!g) groups.set(r, (g = { people: [], buildings: [] }))
    return g
  }
  for (const v of posted) groupOf(v.openid).people.push(v)
  for (const b of buildings) {
    const c = claims.get(b.buildingId)
    if (c) groupOf((c[0] as TransportVolunteer).openid).buildings.push(b)
  }
  const load = new Map<string, number>()
  for (const g of groups.values()) {
    const same = g.people.every((v) => g.buildings.every((b) => v.posts.includes(b.buildingId)))
    if (same) partitionAmong(g.buildings, g.people, owner)
    else assignShared(g.buildings, claims, load, owner)
  }

  const rest = buildings.filter((b) => !claims.has(b.buildingId))
  if (free.length > 0) partitionAmong(rest, free, owner)
  return { owner, unassigned: free.length > 0 ? [] : rest.map((b) => b.buildingId) }
}

function partitionAmong(
  buildings: readonly PlanBuilding[],
  people: readonly TransportVolunteer[],
  owner: Map<string, string>,
): void {
  const runs = linearPartition(
    buildings.map((b) => b.bags),
    people.length,
  )
  runs.forEach(([from, to], j) => {
    for (let i = from; i < to; i++)
      owner.set((buildings[i] as PlanBuilding).buildingId, (people[j] as TransportVolunteer).openid)
  })
}

/** The volunteers who take part at `at`: on shift, each once (the first entry of an openid), by openid. */
function onDuty(volunteers: readonly TransportVolunteer[], at: Date, dropped: readonly string[] = []) {
  const seen = new Set(dropped)
  const out: TransportVolunteer[] = []
  for (const v of volunteers) {
    if (seen.has(v.openid)) continue
    seen.add(v.openid)
    if (onShift(v.shifts, at)) out.push(v)
  }
  return out.sort(byOpenid)
}

function planFor(
  buildings: readonly PlanBuilding[],
  volunteers: readonly TransportVolunteer[],
  capacity: number,
  firstNo: (openid: string) => number,
): { trips: PlannedTrip[]; unassigned: string[] } {
  const cap = Math.max(1, Math.floor(capacity))
  const loaded = buildings.filter((b) => b.bags > 0).sort(byOrder)
  const { owner, unassigned } = assign(loaded, volunteers)
  const trips = volunteers.flatMap((v) =>
    cutTrips(
      v.openid,
      loaded.filter((b) => owner.get(b.buildingId) === v.openid),
      cap,
      firstNo(v.openid),
    ),
  )
  return { trips, unassigned }
}

/**
 * Transport trips: each volunteer gets a run of neighbouring buildings (the community's building order), the bags
 * balanced between volunteers (minimise the largest load), cut into trips of at most `capacity` bags in building
 * order; a building with more bags than the capacity is split over several trips (pieces split in proportion,
 * integers, sums exact). A volunteer with posts takes only buildings of their posts (empty posts: any building).
 * Only volunteers on shift at `at` take part. Buildings no eligible volunteer can take are returned in
 * `unassigned`. Deterministic: the same buildings and volunteers, in whatever order, give the same plan. The
 * algorithm: `assign` (who takes which building), then `cutTrips` (each volunteer's loads).
 */
export function planTrips(
  buildings: readonly PlanBuilding[],
  volunteers: readonly TransportVolunteer[],
  opts: { capacity: number; at: Date },
): { trips: PlannedTrip[]; unassigned: string[] } {
  return planFor(buildings, onDuty(volunteers, opts.at), opts.capacity, () => 1)
}

/**
 * Re-plan after a volunteer dropped out or the plan changed: keep trips already done or partly dropped as they
 * are (given), and plan the buildings not yet taken among the remaining volunteers (excluding `dropped`).
 * `buildings` are the delivery's buildings with all their bags: what the kept trips carry is taken off here (bags
 * and pieces), and what is left is planned as planTrips does. Trips: the kept ones first, as given, then the new
 * ones, whose `no` continues after each volunteer's kept trips.
 */
export function replanTrips(input: {
  buildings: readonly PlanBuilding[]
  kept: readonly PlannedTrip[]
  volunteers: readonly TransportVolunteer[]
  dropped: readonly string[]
  capacity: number
  at: Date
}): { trips: PlannedTrip[]; unassigned: string[] } {
  const taken = new Map<string, { bags: number; pieces: number }>()
  const lastNo = new Map<string, number>()
  for (const t of input.kept) {
    lastNo.set(t.openid, Math.max(lastNo.get(t.openid) ?? 0, t.no))
    for (const s of t.stops) {
      const x = taken.get(s.buildingId) ?? { bags: 0, pieces: 0 }
      taken.set(s.buildingId, { bags: x.bags + s.bags, pieces: x.pieces + s.pieces })
    }
  }
  const left = input.buildings.map((b) => {
    const x = taken.get(b.buildingId)
    return x ? { ...b, bags: Math.max(0, b.bags - x.bags), pieces: Math.max(0, b.pieces - x.pieces) } : b
  })
  const planned = planFor(
    left,
    onDuty(input.volunteers, input.at, input.dropped),
    input.capacity,
    (openid) => (lastNo.get(openid) ?? 0) + 1,
  )
  return { trips: [...input.kept, ...planned.trips], unassigned: planned.unassigned }
}

// ---------- the people a plan uses ----------

/** A role holder with the name the ledger (or the grant) knows them by. */
export interface RolePerson {
  openid: string
  name: string
  grant: Pick<RoleDoc, 'role' | 'scope' | 'volunteerType' | 'posts' | 'shifts' | 'householdId'>
}

/** A role holder's name: the household member behind the grant, else the grant's holder name. */
export function personOf(
  r: RoleDoc,
  households: ReadonlyMap<string, Pick<HouseholdDoc, 'members'>>,
): RolePerson & { grant: RoleDoc } {
  const member = r.householdId ? households.get(r.householdId)?.members.find((m) => m.id === r.memberId) : undefined
  return { openid: r.openid, name: member?.name ?? r.holderName ?? '志愿者', grant: r }
}

/** The name a person's step is recorded with: the one behind a grant with a household first. */
export function stepName(openid: string, people: readonly RolePerson[]): string {
  const mine = people.filter((p) => p.openid === openid)
  return (mine.find((p) => p.grant.householdId) ?? mine[0])?.name ?? '志愿者'
}

/** The transport volunteers among role holders (once each). */
export function transportOf(people: readonly RolePerson[]): TransportVolunteer[] {
  const out = new Map<string, TransportVolunteer>()
  for (const p of people) {
    if (p.grant.role !== 'volunteer' || p.grant.volunteerType !== 'transport' || out.has(p.openid)) continue
    const v: TransportVolunteer = { openid: p.openid, name: p.name, posts: p.grant.posts ?? [] }
    if (p.grant.shifts) v.shifts = p.grant.shifts
    out.set(p.openid, v)
  }
  return [...out.values()]
}

/** Who may carry a building's bags to its doors: building leads, and 云上 / 楼栋 volunteers by their posts. */
export function doorCandidatesOf(people: readonly RolePerson[]): DoorCandidate[] {
  return people.flatMap((p): DoorCandidate[] => {
    const g = p.grant
    if (g.role === 'buildingLead' && g.scope.buildingId)
      return [{ openid: p.openid, name: p.name, role: 'buildingLead', posts: [], buildingId: g.scope.buildingId }]
    if (g.role === 'volunteer' && (g.volunteerType === 'online' || g.volunteerType === 'building')) {
      const c: DoorCandidate = {
        openid: p.openid,
        name: p.name,
        role: 'volunteer',
        volunteerType: g.volunteerType,
        posts: g.posts ?? [],
      }
      if (g.shifts) c.shifts = g.shifts
      return [c]
    }
    return []
  })
}

// ---------- door teams ----------

export interface DoorCandidate {
  openid: string
  name: string
  role: 'buildingLead' | 'volunteer'
  volunteerType?: 'online' | 'building'
  posts: string[]
  /** A building lead's building (the grant's scope). */
  buildingId?: string
  shifts?: VolunteerShift[]
}

/** Whether a candidate belongs to a building's door team at `at`, the hours aside for leads (they have none). */
const pairedWith = (c: DoorCandidate, buildingId: string, at: Date): boolean =>
  c.role === 'buildingLead'
    ? c.buildingId === buildingId
    : (c.volunteerType === 'online' || c.volunteerType === 'building') &&
      c.posts.includes(buildingId) &&
      onShift(c.shifts, at)

/**
 * A building's door team: its leads (grant scope = the building) and its paired volunteers (云上 'online' or 楼栋
 * 'building' volunteers whose posts include it), on shift at `at` (leads have no shifts); if `configured` (openids
 * chosen per building) is given, only those of them who are still eligible, in the configured order; dropped
 * excluded. Each person once (a lead who is also a paired volunteer counts as the lead); by default leads first.
 */
export function doorTeam(
  buildingId: string,
  candidates: readonly DoorCandidate[],
  configured: readonly string[] | undefined,
  at: Date,
  dropped: readonly string[] = [],
): DoorCandidate[] {
  const out = dropped.length ? new Set(dropped) : undefined
  const eligible = new Map<string, DoorCandidate>()
  const ordered = [
    ...candidates.filter((c) => c.role === 'buildingLead'),
    ...candidates.filter((c) => c.role !== 'buildingLead'),
  ]
  for (const c of ordered)
    if (!eligible.has(c.openid) && !out?.has(c.openid) && pairedWith(c, buildingId, at)) eligible.set(c.openid, c)
  if (!configured) return [...eligible.values()]
  return [...new Set(configured)].flatMap((o) => {
    const c = eligible.get(o)
    return c ? [c] : []
  })
}

// ---------- stages ----------

/** Bags of a building still to be handled at the doors (neither delivered, received nor left with a problem). */
export const pendingBags = (b: { households: number; delivered: number; received: number; problems: number }) =>
  Math.max(0, b.households - Math.max(b.delivered, b.received) - b.problems)

/**
 * Stage of a building from its counters and drops: gate (nothing dropped) → onTrip (some of its trips dropped,
 * not all) → atEntrance (all dropped) → done (every bag delivered, received or a problem). A building no trip
 * carries (a transport gap its door team filled from the gate) is at its entrance once a bag of it is delivered.
 */
export function buildingStage(b: {
  households: number
  delivered: number
  received: number
  problems: number
  dropsDone: number
  dropsTotal: number
}): BuildingStage {
  if (pendingBags(b) === 0) return 'done'
  if (b.dropsTotal > 0 && b.dropsDone >= b.dropsTotal) return 'atEntrance'
  if (b.dropsDone > 0) return 'onTrip'
  if (b.dropsTotal === 0 && Math.max(b.delivered, b.received) + b.problems > 0) return 'atEntrance'
  return 'gate'
}

// ---------- alerts ----------

const ALERT_ORDER: DeliveryAlertKind[] = ['unassigned', 'stale', 'late', 'unreceived', 'problems']

/** A delivered bag, as far as the unreceived alert needs it. */
export type DeliveredStop = Pick<DeliveryStopDoc, 'buildingId' | 'status' | 'delivered'>

/**
 * The board's alerts, computed from the documents at `now` (DeliveryAlertKind in the contract), for the buildings
 * given (the caller's scope: a gap or a bag of a building not given is not the caller's):
 * - unassigned: each gap of the plan (nobody to carry it to the doors, nobody to take it from the gate), until the
 *   building is done; count = its bags.
 * - stale: goods at the gate longer than gateAlertHours after the rest ended (one alert: the bags of the buildings
 *   still at the gate), and each building at its entrance longer than gateAlertHours (since its last drop) with
 *   bags still pending (count = those bags). "Longer than": exactly gateAlertHours is not yet stale.
 * - late: each building not done at doorsBy (from doorsBy on); count = its pending bags.
 * - unreceived: bags delivered at least receiptAlertHours ago and not received, one alert per building with the
 *   count. From `delivered` (the stops with status 'delivered') when given; else from the building's counters,
 *   once its last bag is that old (its `doneAt`).
 * - problems: the open problems, one alert with the count.
 * In that order, each kind's buildings in the community's order.
 */
export function deliveryAlerts(input: {
  delivery: RelayDeliveryDoc
  buildings: readonly (DeliveryBuildingDoc & { name: string })[]
  openProblems: number
  now: Date
  delivered?: readonly DeliveredStop[]
}): DeliveryAlert[] {
  const { delivery: d, now } = input
  const settings = d.settings ?? resolveSettings(undefined, undefined, new Date(d.deliveryAt))
  const t = now.getTime()
  const buildings = [...input.buildings].sort((a, b) => a.order - b.order)
  const stageOf = new Map(buildings.map((b) => [b.buildingId, buildingStage(b)]))
  const alerts: DeliveryAlert[] = []
  const push = (a: DeliveryAlert) => alerts.push(a)
  const of = (b: { buildingId: string; name: string }) => ({ buildingId: b.buildingId, buildingName: b.name })

  // unassigned
  const byId = new Map(buildings.map((b) => [b.buildingId, b]))
  const gaps = (d.plan?.gaps ?? []).filter((g) => byId.has(g.buildingId))
  gaps.sort((x, y) => (byId.get(x.buildingId)?.order ?? 0) - (byId.get(y.buildingId)?.order ?? 0))
  for (const g of gaps) {
    const b = byId.get(g.buildingId) as DeliveryBuildingDoc & { name: string }
    if (stageOf.get(b.buildingId) === 'done') continue
    const what = g.missing === 'door' ? '没有人负责送到门口' : '没有人负责从大门运过去'
    push({ kind: 'unassigned', ...of(b), message: `${b.name} ${what}`, count: b.households })
  }

  // stale: at the gate after the rest, then at entrances
  const gateMs = settings.gateAlertHours * HOUR_MS
  if (d.arrival && d.status !== 'done') {
    const restEnd =
      d.restEndedAt ?? d.restUntil ?? new Date(new Date(d.arrival.at).getTime() + settings.restMinutes * MINUTE_MS)
    const waited = t - new Date(restEnd).getTime()
    const atGate = buildings.filter((b) => stageOf.get(b.buildingId) === 'gate')
    if (waited > gateMs && atGate.length > 0)
      push({
        kind: 'stale',
        message: `物资在大门已等候 ${Math.floor(waited / HOUR_MS)} 小时，${atGate.length} 栋楼还没运走`,
        count: sum(atGate.map(pendingBags)),
      })
  }
  for (const b of buildings) {
    if (stageOf.get(b.buildingId) !== 'atEntrance' || !b.atEntrance) continue
    const waited = t - new Date(b.atEntrance.at).getTime()
    if (waited <= gateMs) continue
    const pending = pendingBags(b)
    push({
      kind: 'stale',
      ...of(b),
      message: `${b.name} 楼门口已等候 ${Math.floor(waited / HOUR_MS)} 小时，还有 ${pending} 户未送`,
      count: pending,
    })
  }

  // late
  if (t >= new Date(settings.doorsBy).getTime())
    for (const b of buildings) {
      if (stageOf.get(b.buildingId) === 'done') continue
      const pending = pendingBags(b)
      push({ kind: 'late', ...of(b), message: `${b.name} 到截止时间还有 ${pending} 户未送`, count: pending })
    }

  // unreceived
  const receiptMs = settings.receiptAlertHours * HOUR_MS
  const unreceived = new Map<string, number>()
  if (input.delivered) {
    for (const s of input.delivered)
      if (s.status === 'delivered' && s.delivered && t - new Date(s.delivered.at).getTime() >= receiptMs)
        unreceived.set(s.buildingId, (unreceived.get(s.buildingId) ?? 0) + 1)
  } else {
    for (const b of buildings)
      if (b.doneAt && t - new Date(b.doneAt).getTime() >= receiptMs && b.delivered > b.received)
        unreceived.set(b.buildingId, b.delivered - b.received)
  }
  for (const b of buildings) {
    const n = unreceived.get(b.buildingId)
    if (!n) continue
    const hours = settings.receiptAlertHours
    push({ kind: 'unreceived', ...of(b), message: `${b.name} ${n} 户送到 ${hours} 小时仍未签收`, count: n })
  }

  // problems
  if (input.openProblems > 0)
    push({ kind: 'problems', message: `有 ${input.openProblems} 个问题待处理`, count: input.openProblems })

  return alerts.sort((a, b) => ALERT_ORDER.indexOf(a.kind) - ALERT_ORDER.indexOf(b.kind))
}

// ---------- a bag's contents ----------

type Line = OrderDoc['lines'][number]

/** What one pack of a line holds as the bag says it: the spec without its 「/箱」 (「10斤/箱」→「10斤」). */
function perPack(l: Line): string {
  const spec = l.spec.trim().replace(/\s+/g, '')
  const stripped = spec.replace(/^每/, '').replace(/\/[^/]+$/, '')
  return stripped
}

/** One line as the bag lists it, and the labels it prints (lists.ts: a piece is one label). */
function lineText(l: Line): { text: string; pieces: number } {
  if (l.packSize > 1) {
    // Sold by the pack (鸡蛋 30个/箱, packSize 30): 「鸡蛋 30个×2」, a part pack after a plus.
    const whole = Math.floor(l.qty / l.packSize)
    const part = l.qty - whole * l.packSize
    const pieces = packsOf(l.qty, l.packSize)
    const head = whole > 0 ? `${l.packSize}${l.unit}×${whole}` : ''
    const tail = part > 0 ? `${part}${l.unit}` : ''
    return { text: `${l.name} ${[head, tail].filter(Boolean).join('+')}`, pieces }
  }
  // A measured amount (猪肉 3斤) is one bag handed over: one piece.
  if (measured(l.unit)) return { text: `${l.name} ${l.qty}${l.unit}×1`, pieces: 1 }
  // Counted one by one (大米 10公斤/袋 by the 袋, 橙子 10斤/箱 by the 箱): what one holds × how many.
  const one = perPack(l)
  return { text: one ? `${l.name} ${one}×${l.qty}` : `${l.name} ${l.qty}${l.unit}`, pieces: l.qty }
}

/**
 * 「大米 10公斤×1、鸡蛋 30个×2」 from an order's lines (those with a quantity, in the order's order); pieces = the
 * labels the group-buy lists print for them: one per pack, one for a measured amount.
 */
export function bagItems(lines: OrderDoc['lines']): { items: string; pieces: number } {
  const parts = lines.filter((l) => l.qty > 0).map(lineText)
  return { items: parts.map((p) => p.text).join('、'), pieces: sum(parts.map((p) => p.pieces)) }
}

// ---------- notices ----------

/** Template field values (server/templates.ts lists each template's fields). */
export type NoticeFields = Record<string, string>

const chars = (s: string) => [...s]
/** At most `n` characters, the last an ellipsis when cut. */
const clip = (s: string, n = 20) =>
  chars(s).length <= n
    ? s
    : `${chars(s)
        .slice(0, n - 1)
        .join('')}…`
/** `head` + `tail` in a thing field (20): the head (a name) is cut so that the tail is kept whole. */
function fit(head: string, tail: string, n = 20): string {
  const room = n - chars(tail).length
  if (room <= 0) return clip(`${head}${tail}`, n)
  return `${clip(head, room)}${tail}`
}
/** A thing field that cannot be empty (the push queue refuses an empty field). */
const thing = (s: string | undefined, fallback: string) => clip(s?.trim() || fallback)
/** Time fields as the other notices write them: 「2026-11-24 14:00」 in Shanghai. */
const time = (at: Date) => formatShanghai(at)

/** A volunteer's work as their notice counts it. */
export interface TaskCounts {
  /** Their transport trips, with the buildings each stops at. */
  trips: readonly { bags: number; stops: readonly { buildingId: string }[] }[]
  /** The buildings whose door team they are in, with the bags to carry to the doors. */
  doors: readonly { buildingName: string; households: number }[]
}

function doorsText(doors: TaskCounts['doors']): string {
  const households = sum(doors.map((d) => d.households))
  if (doors.length === 1)
    return fit((doors[0] as TaskCounts['doors'][number]).buildingName, ` 送到门口 ${households}户`)
  return `${doors.length}栋楼 送到门口 ${households}户`
}

/**
 * relayTasks (to a volunteer): thing1 the delivery, thing2 their tasks 「3趟 5栋楼 共86份」 or 「3号楼 送到门口
 * 24户」 (both when they have both, shortened to fit), time3 when it starts, thing4 what to do (or `note`).
 */
export function tasksNotice(title: string, work: TaskCounts, at: Date, note?: string): NoticeFields {
  const trips = work.trips.length
  const buildings = new Set(work.trips.flatMap((t) => t.stops.map((s) => s.buildingId))).size
  const bags = sum(work.trips.map((t) => t.bags))
  const tripText = `${trips}趟 ${buildings}栋楼 共${bags}份`
  let task: string
  let todo: string
  if (trips > 0 && work.doors.length > 0) {
    const households = sum(work.doors.map((d) => d.households))
    const long = `${tripText}，另送${work.doors.length}栋楼门口`
    task = chars(long).length <= 20 ? long : `${trips}趟${bags}份，另送门口${households}户`
    todo = '先运到楼门口，再送到各户门口'
  } else if (trips > 0) {
    task = tripText
    todo = '物资到大门后，按趟运到楼门口'
  } else {
    task = work.doors.length > 0 ? doorsText(work.doors) : '暂无任务'
    todo = '物资到楼门口后，送到各户门口'
  }
  return { thing1: thing(title, '物资配送'), thing2: clip(task), time3: time(at), thing4: thing(note, todo) }
}

/** relayArrived (to a building's door team): thing1 the delivery, thing2 「3号楼 24份」, time3 when, thing4 what to do. */
export function arrivedNotice(
  title: string,
  building: { name: string; bags: number },
  at: Date,
  note?: string,
): NoticeFields {
  return {
    thing1: thing(title, '物资配送'),
    thing2: fit(building.name || '楼栋', ` ${building.bags}份`),
    time3: time(at),
    thing4: thing(note, '物资已到楼门口，请送到各户门口'),
  }
}

/** delivered (to the household and whoever ordered for it): thing1 what, thing2 「3号-201 的物资已送到门口」, time3. */
export function deliveredNotice(label: string, title: string, at: Date): NoticeFields {
  return { thing1: thing(title, '物资'), thing2: fit(label, ' 的物资已送到门口'), time3: time(at) }
}

/** relayAlert (to the committee and leads): thing1 the delivery, thing2 the alert (its building name cut first), time3. */
export function alertNotice(
  title: string,
  alert: Pick<DeliveryAlert, 'message' | 'buildingName'>,
  at: Date,
): NoticeFields {
  const name = alert.buildingName
  const text =
    name && alert.message.startsWith(name) ? fit(name, alert.message.slice(name.length)) : clip(alert.message)
  return { thing1: thing(title, '物资配送'), thing2: thing(text, '请查看配送看板'), time3: time(at) }
}

/** 发错 / 缺少 / 破损 / 无人在家 / 其他 (phrase: at most 5 Chinese characters). */
export const PROBLEM_WORDS: Record<ProblemKind, string> = {
  wrong: '发错',
  missing: '缺少',
  damaged: '破损',
  nobodyHome: '无人在家',
  other: '其他',
}

/** relayProblem (to the building's leads and the merchant): thing1 the delivery, thing2 「3号-201」, phrase3, thing4. */
export function problemNotice(title: string, label: string, kind: ProblemKind, note: string): NoticeFields {
  return {
    thing1: thing(title, '物资配送'),
    thing2: thing(label, '住户'),
    phrase3: PROBLEM_WORDS[kind],
    thing4: thing(note, '请尽快处理'),
  }
}
