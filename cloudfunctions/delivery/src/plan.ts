// Planning a delivery by fixed posts (定岗定责): each household's bag (a stop) from the closed buy's orders, each
// building's part with its door team (its leads and paired volunteers), transport trips of neighbouring buildings
// per transport volunteer balanced within the tricycle's capacity (server/delivery/rules.ts planTrips). Before the
// goods arrive the whole plan is made again on every call; after, trips that already dropped bags stay as they are
// and only what is still at the gate is planned again. A volunteer who drops out leaves their undone work to others,
// and a building left with nobody is flagged to the committee and 团长 at once.
import { createHash, randomBytes } from 'node:crypto'
import type { DeliverySettings, DoorTeamView, PlanView, TripView } from '../../../typings/api'
import type { BuildingDoc, HouseholdDoc, RoleDoc } from '../../../server/community/model'
import type { OrderDoc } from '../../../server/groupbuy/model'
import type {
  DeliveryBuildingDoc,
  DeliveryStopDoc,
  DeliveryTripDoc,
  DoorTeamDoc,
  RelayDeliveryDoc,
} from '../../../server/delivery/model'
import {
  action,
  AppError,
  defineActions,
  hasRole,
  isAppError,
  instant,
  nowDate,
  nowMs,
  z,
  type ActionContext,
} from '../../../server/kernel'
import { householdLabel } from '../../../server/community/structure'
import { isLeadOrAbove } from '../../../server/platform/visibility'
import { data } from '../../../server/platform/cloud'
import { iso, loadCommunity } from '../../../server/platform/places'
import { notify, type PushMessage } from '../../../server/platform/notify'
import { TEMPLATES } from '../../../server/templates'
import {
  alertNotice,
  bagItems,
  doorCandidatesOf,
  doorTeam,
  replanTrips,
  resolveSettings,
  SETTING_BOUNDS,
  tasksNotice,
  transportOf,
  type DoorCandidate,
  type PlanBuilding,
  type PlannedTrip,
} from '../../../server/delivery/rules'
import {
  BOARD_PAGE,
  buildingPartId,
  communityBuildings,
  communityManagers,
  deliveryBuildings,
  id,
  isCommittee,
  loadDelivery,
  nameFor,
  namedPeople,
  notDone,
  runsCommunity,
  stopId,
  TASKS_PAGE,
  type Person,
} from './common'

/** requestIds of planDelivery calls a delivery remembers (a retry of one of them answers the plan as it stands). */
const REMEMBERED_REQUESTS = 20
/** How long one planning holds its delivery: another planning of the same delivery waits for it or is refused. */
export const PLAN_LEASE_MS = 50_000
/** People one door team may have. */
export const DOOR_TEAM_MAX = 10

const settingsSchema = z
  .object({
    capacity: z.number().int().min(SETTING_BOUNDS.capacity[0]).max(SETTING_BOUNDS.capacity[1]).describe('每趟袋数'),
    restMinutes: z
      .number()
      .int()
      .min(SETTING_BOUNDS.restMinutes[0])
      .max(SETTING_BOUNDS.restMinutes[1])
      .describe('消毒静置分钟'),
    doorsBy: instant('送到门口截止时间'),
    autoReceiveHours: z
      .number()
      .int()
      .min(SETTING_BOUNDS.autoReceiveHours[0])
      .max(SETTING_BOUNDS.autoReceiveHours[1])
      .describe('自动签收小时'),
    gateAlertHours: z
      .number()
      .int()
      .min(SETTING_BOUNDS.gateAlertHours[0])
      .max(SETTING_BOUNDS.gateAlertHours[1])
      .describe('大门等候提醒小时'),
    receiptAlertHours: z
      .number()
      .int()
      .min(SETTING_BOUNDS.receiptAlertHours[0])
      .max(SETTING_BOUNDS.receiptAlertHours[1])
      .describe('未签收提醒小时'),
  })
  .partial()
  .strict()

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16)

/** The moment the relay is expected to start: the rest's end once arrived, else the expected arrival + the rest. */
export function relayStart(d: RelayDeliveryDoc, restMinutes: number): Date {
  if (d.restEndedAt) return new Date(d.restEndedAt)
  if (d.restUntil) return new Date(d.restUntil)
  return new Date(new Date(d.deliveryAt).getTime() + restMinutes * 60_000)
}

/** Everyone a plan can use in the community: building leads and volunteers, with their names. */
async function candidates(communityId: string): Promise<Person[]> {
  const roles = await data.findAll<RoleDoc>('roles', {
    communityId,
    role: data._.in(['buildingLead', 'volunteer']),
  })
  return namedPeople(roles)
}

/**
 * The households' bags from the buy's active orders (written once; a planning repeated after a crash writes only
 * what is missing) and the building parts with their counts. Returns the parts by building id.
 */
async function writeStopsAndParts(
  d: RelayDeliveryDoc,
  buildings: readonly BuildingDoc[],
): Promise<Map<string, DeliveryBuildingDoc>> {
  const existing = new Map((await deliveryBuildings(d._id)).map((b) => [b.buildingId, b]))
  if (d.plan && existing.size > 0) return existing
  const orders = (await data.findAll<OrderDoc>('orders', { buyId: d.buyId })).filter((o) => o.status === 'active')
  const households = await data.byIds<HouseholdDoc>(
    'households',
    orders.filter((o) => !o.label).map((o) => o.householdId),
  )
  const byId = new Map(buildings.map((b) => [b._id, b]))
  const now = nowDate()
  const stops: DeliveryStopDoc[] = []
  for (const o of orders) {
    const building = byId.get(o.buildingId)
    if (!building) continue
    const { items, pieces } = bagItems(o.lines)
    const room = households.get(o.householdId)?.room ?? o.room
    stops.push({
      _id: stopId(d._id, o.householdId),
      deliveryId: d._id,
      communityId: d.communityId,
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
      updatedAt: now,
    })
  }
  for (let i = 0; i < stops.length; i += 500) await data.insertNew('deliveryStops', stops.slice(i, i + 500))
  const parts: DeliveryBuildingDoc[] = []
  for (const b of buildings) {
    const mine = stops.filter((s) => s.buildingId === b._id)
    if (mine.length === 0 || existing.has(b._id)) continue
    parts.push({
      _id: buildingPartId(d._id, b._id),
      deliveryId: d._id,
      communityId: d.communityId,
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
      updatedAt: now,
    })
  }
  if (parts.length) await data.insertNew('deliveryBuildings', parts)
  return new Map((await deliveryBuildings(d._id)).map((b) => [b.buildingId, b]))
}

async function takeLease(deliveryId: string): Promise<string> {
  const token = randomBytes(8).toString('hex')
  const now = nowDate()
  const got = await data.updateWhere(
    'deliveries',
    data._.or([
      { _id: deliveryId, status: data._.neq('done'), planning: data._.exists(false) },
      { _id: deliveryId, status: data._.neq('done'), 'planning.until': data._.lt(now) },
    ]),
    { planning: { token, until: new Date(nowMs() + PLAN_LEASE_MS) } },
  )
  if (got === 0) throw new AppError('CONFLICT', '这次配送正在安排中，请稍后再试')
  return token
}

export interface ReplanOptions {
  by: string
  requestId: string
  settings?: Partial<DeliverySettings>
  drop?: { openid: string; reason: string }
}

/**
 * (Re)plan a delivery under its lease. Stops and parts are written once; trips not started are replaced; the
 * delivery's plan (version, gaps, dropped people) is written last, so a planning that died half-way is redone.
 */
export async function planDocs(deliveryId: string, opts: ReplanOptions): Promise<RelayDeliveryDoc> {
  const token = await takeLease(deliveryId)
  try {
    const d = (await data.get<RelayDeliveryDoc>('deliveries', deliveryId)) as RelayDeliveryDoc
    const settings = resolveSettings(opts.settings, d.settings, new Date(d.deliveryAt))
    const now = nowDate()
    const dropped = [...(d.plan?.dropped ?? [])]
    if (opts.drop && !dropped.some((x) => x.openid === opts.drop?.openid))
      dropped.push({ openid: opts.drop.openid, reason: opts.drop.reason, at: now, by: opts.by })
    const droppedIds = dropped.map((x) => x.openid)
    const at = relayStart(d, settings.restMinutes)

    const buildings = await communityBuildings(d.communityId)
    const names = new Map(buildings.map((b) => [b._id, b.name]))
    const parts = await writeStopsAndParts(d, buildings)
    const people = await candidates(d.communityId)

    // Trips: those that dropped bags already stay (a dropped volunteer keeps only the stops they dropped); the
    // bags still at the gate are planned again among the volunteers on shift.
    const trips = await data.findAll<DeliveryTripDoc>('deliveryTrips', { deliveryId })
    const kept: DeliveryTripDoc[] = []
    for (const t of trips) {
      const done = t.stops.filter((s) => s.dropped)
      if (done.length === 0) continue
      if (droppedIds.includes(t.openid) || done.length < t.stops.length) {
        if (droppedIds.includes(t.openid)) kept.push({ ...t, stops: done, bags: sum(done.map((s) => s.bags)) })
        else kept.push(t)
      } else kept.push(t)
    }
    const keptBags = new Map<string, number>()
    for (const t of kept)
      for (const s of t.stops) keptBags.set(s.buildingId, (keptBags.get(s.buildingId) ?? 0) + s.bags)
    const planBuildings: PlanBuilding[] = [...parts.values()]
      .sort((a, b) => a.order - b.order)
      .map((p) => ({
        buildingId: p.buildingId,
        name: names.get(p.buildingId) ?? '',
        order: p.order,
        groupId: p.groupId,
        // The building's whole load: replanTrips takes off what the kept trips carry.
        bags: p.households,
        pieces: p.pieces,
      }))
    const keptPlanned: PlannedTrip[] = kept.map((t) => ({
      openid: t.openid,
      no: t.no,
      stops: t.stops.map((s) => ({ buildingId: s.buildingId, bags: s.bags, pieces: s.pieces })),
      bags: t.bags,
    }))
    const transport = transportOf(people)
    const planned = replanTrips({
      buildings: planBuildings,
      kept: keptPlanned,
      volunteers: transport,
      dropped: droppedIds,
      capacity: settings.capacity,
      at,
    })
    const version = (d.plan?.version ?? 0) + 1
    const transportNames = new Map(transport.map((v) => [v.openid, v.name]))
    const keptIds = new Set(kept.map((t) => t._id))
    const fresh: DeliveryTripDoc[] = planned.trips.slice(keptPlanned.length).map((t, i) => ({
      _id: `${deliveryId}:v${version}t${i + 1}`,
      deliveryId,
      communityId: d.communityId,
      openid: t.openid,
      volunteerName: transportNames.get(t.openid) ?? '志愿者',
      no: t.no,
      stops: t.stops.map((s) => ({ buildingId: s.buildingId, bags: s.bags, pieces: s.pieces })),
      bags: t.bags,
      status: 'planned',
      version,
      updatedAt: now,
    }))
    // Replace: trips not kept go; a dropped volunteer's partly dropped trip keeps only what it dropped.
    const gone = trips.filter((t) => !keptIds.has(t._id)).map((t) => t._id)
    for (let i = 0; i < gone.length; i += 100)
      await data.removeWhere('deliveryTrips', { _id: data._.in(gone.slice(i, i + 100)) })
    for (const t of kept)
      if (droppedIds.includes(t.openid))
        await data.update('deliveryTrips', t._id, { stops: t.stops, bags: t.bags, status: 'done', updatedAt: now })
    if (fresh.length) await data.insertNew('deliveryTrips', fresh)
    const allTrips = [...kept, ...fresh]

    // Door teams: configured per building (doorTeams), else every eligible person; the dropped are out.
    const configured = await data.byIds<DoorTeamDoc>('doorTeams', [...parts.keys()])
    const doorCandidates = doorCandidatesOf(people)
    const gaps: NonNullable<RelayDeliveryDoc['plan']>['gaps'] = []
    const unassigned = new Set(planned.unassigned)
    const updates: Promise<unknown>[] = []
    for (const p of [...parts.values()].sort((a, b) => a.order - b.order)) {
      const team = doorTeam(p.buildingId, doorCandidates, configured.get(p.buildingId)?.openids, at, droppedIds)
      const carriers = allTrips.filter((t) => t.stops.some((s) => s.buildingId === p.buildingId))
      const drops = allTrips.flatMap((t) => t.stops.filter((s) => s.buildingId === p.buildingId))
      if (unassigned.has(p.buildingId)) gaps.push({ buildingId: p.buildingId, missing: 'transport' })
      if (team.length === 0 && p.stage !== 'done') gaps.push({ buildingId: p.buildingId, missing: 'door' })
      const patch = {
        door: team.map((m) => m.openid),
        doorNames: team.map((m) => m.name),
        transport: [...new Set(carriers.map((t) => t.openid))],
        transportNames: [...new Set(carriers.map((t) => t.volunteerName))],
        dropsTotal: drops.length,
        dropsDone: drops.filter((s) => s.dropped).length,
      }
      const changed = (Object.keys(patch) as (keyof typeof patch)[]).some(
        (k) => JSON.stringify(patch[k]) !== JSON.stringify(p[k]),
      )
      if (changed) updates.push(data.update('deliveryBuildings', p._id, { ...patch, updatedAt: now }))
      Object.assign(p, patch)
    }
    for (let i = 0; i < updates.length; i += 20) await Promise.all(updates.slice(i, i + 20))

    const plan: NonNullable<RelayDeliveryDoc['plan']> = {
      version,
      plannedAt: now,
      by: opts.by,
      requestIds: [...(d.plan?.requestIds ?? []), opts.requestId].slice(-REMEMBERED_REQUESTS),
      gaps,
      dropped,
    }
    await data.updateWhere(
      'deliveries',
      { _id: deliveryId, 'planning.token': token },
      { settings: data._.set(settings), plan: data._.set(plan), planning: data._.remove(), updatedAt: now },
    )
    const after: RelayDeliveryDoc = { ...d, settings, plan }
    await notify('delivery', [
      ...taskNotices(after, allTrips, [...parts.values()], names, at),
      ...(await gapNotices(after, names)),
    ])
    return after
  } catch (err) {
    await data.updateWhere('deliveries', { _id: deliveryId, 'planning.token': token }, { planning: data._.remove() })
    throw err
  }
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0)

/**
 * Each person's task list, once per content: a volunteer whose tasks did not change by a re-plan is not told again;
 * one whose tasks changed gets the new list.
 */
function taskNotices(
  d: RelayDeliveryDoc,
  trips: readonly DeliveryTripDoc[],
  parts: readonly DeliveryBuildingDoc[],
  names: ReadonlyMap<string, string>,
  at: Date,
): PushMessage[] {
  if (d.status === 'done') return []
  const byPerson = new Map<string, { trips: DeliveryTripDoc[]; doors: DeliveryBuildingDoc[] }>()
  const of = (openid: string) => {
    let t = byPerson.get(openid)
    if (!t) byPerson.set(openid, (t = { trips: [], doors: [] }))
    return t
  }
  for (const t of trips) if (t.status === 'planned') of(t.openid).trips.push(t)
  for (const p of parts) if (p.stage !== 'done') for (const o of p.door) of(o).doors.push(p)
  return [...byPerson.entries()].map(([openid, work]) => {
    const summary = {
      trips: work.trips.map((t) => [t.no, t.stops.map((s) => [s.buildingId, s.bags])]),
      doors: work.doors.map((p) => [p.buildingId, p.households]),
    }
    return {
      purpose: `delivery.tasks:${d._id}:${digest(summary)}`,
      touser: openid,
      templateId: TEMPLATES.relayTasks,
      page: `${TASKS_PAGE}?id=${encodeURIComponent(d._id)}`,
      fields: tasksNotice(
        d.title,
        {
          trips: work.trips,
          doors: work.doors.map((p) => ({ buildingName: names.get(p.buildingId) ?? '', households: p.households })),
        },
        at,
      ),
    }
  })
}

/** The plan's gaps to the committee and 团长, once per set of gaps. */
async function gapNotices(d: RelayDeliveryDoc, names: ReadonlyMap<string, string>): Promise<PushMessage[]> {
  const gaps = d.plan?.gaps ?? []
  if (gaps.length === 0 || d.status === 'done') return []
  const to = await communityManagers(d.communityId)
  const door = gaps.filter((g) => g.missing === 'door').map((g) => names.get(g.buildingId) ?? '')
  const transport = gaps.filter((g) => g.missing === 'transport').map((g) => names.get(g.buildingId) ?? '')
  const text = door.length
    ? `${door.slice(0, 3).join('、')}${door.length > 3 ? `等${door.length}栋` : ''}没人送到门口`
    : `${transport.slice(0, 3).join('、')}${transport.length > 3 ? `等${transport.length}栋` : ''}没人运送`
  return to.map((touser) => ({
    purpose: `delivery.gaps:${d._id}:${digest(gaps)}`,
    touser,
    templateId: TEMPLATES.relayAlert,
    page: `${BOARD_PAGE}?id=${encodeURIComponent(d._id)}`,
    fields: alertNotice(d.title, { message: text }, nowDate()),
  }))
}

// ---------- views ----------

export function tripView(t: DeliveryTripDoc, names: ReadonlyMap<string, string>, volunteerName: string): TripView {
  return {
    id: t._id,
    no: t.no,
    openid: t.openid,
    volunteerName,
    stops: t.stops.map((s) => {
      const v: TripView['stops'][number] = {
        buildingId: s.buildingId,
        buildingName: names.get(s.buildingId) ?? '',
        bags: s.bags,
        pieces: s.pieces,
      }
      if (s.dropped) v.droppedAt = iso(s.dropped.at)
      return v
    }),
    bags: t.bags,
    status: t.status,
    ...(t.seenAt ? { seenAt: iso(t.seenAt) } : {}),
  }
}

export function settingsView(s: NonNullable<RelayDeliveryDoc['settings']>): DeliverySettings {
  return { ...s, doorsBy: iso(s.doorsBy) }
}

function teamView(
  grants: ActionContext['grants'],
  communityId: string,
  buildingId: string,
  buildingName: string,
  members: readonly DoorCandidate[],
  isDefault: boolean,
): DoorTeamView {
  return {
    buildingId,
    buildingName,
    members: members.map((m) => {
      const v: DoorTeamView['members'][number] = {
        openid: m.openid,
        name: nameFor(grants, communityId, m.name),
        role: m.role,
      }
      if (m.volunteerType) v.volunteerType = m.volunteerType
      return v
    }),
    isDefault,
  }
}

export async function planView(ctx: ActionContext, d: RelayDeliveryDoc): Promise<PlanView> {
  if (!d.plan || !d.settings) throw new AppError('NOT_PLANNED')
  const [buildings, parts, trips] = await Promise.all([
    communityBuildings(d.communityId),
    deliveryBuildings(d._id),
    data.findAll<DeliveryTripDoc>('deliveryTrips', { deliveryId: d._id }),
  ])
  const names = new Map(buildings.map((b) => [b._id, b.name]))
  const show = (n: string) => nameFor(ctx.grants, d.communityId, n)
  trips.sort((a, b) => a.openid.localeCompare(b.openid) || a.no - b.no)
  const transport = new Map<string, { openid: string; name: string; trips: number; bags: number }>()
  for (const t of trips) {
    const row = transport.get(t.openid) ?? { openid: t.openid, name: show(t.volunteerName), trips: 0, bags: 0 }
    row.trips++
    row.bags += t.bags
    transport.set(t.openid, row)
  }
  const configured = await data.byIds<DoorTeamDoc>(
    'doorTeams',
    parts.map((p) => p.buildingId),
  )
  return {
    deliveryId: d._id,
    settings: settingsView(d.settings),
    version: d.plan.version,
    plannedAt: iso(d.plan.plannedAt),
    trips: trips.map((t) => tripView(t, names, show(t.volunteerName))),
    doorTeams: parts.map((p) =>
      teamView(
        ctx.grants,
        d.communityId,
        p.buildingId,
        names.get(p.buildingId) ?? '',
        p.door.map((openid, i) => ({ openid, name: p.doorNames[i] ?? '', role: 'volunteer', posts: [] })),
        !configured.has(p.buildingId),
      ),
    ),
    transport: [...transport.values()],
    gaps: d.plan.gaps.map((g) => ({ ...g, buildingName: names.get(g.buildingId) ?? '' })),
  }
}

// ---------- actions ----------

const deliveryScope = async (i: { deliveryId: string }, ctx: ActionContext) => ({
  communityId: (await loadDelivery(ctx, i.deliveryId)).communityId,
})

export const planActions = defineActions('delivery', {
  planDelivery: action({
    input: z
      .object({
        deliveryId: id('配送'),
        requestId: z.string().min(8).max(64).describe('请求编号'),
        settings: settingsSchema.optional(),
      })
      .strict(),
    access: { roles: ['committee', 'communityLead'], scope: deliveryScope },
    handler: async (input, ctx): Promise<PlanView> => {
      const d = await loadDelivery(ctx, input.deliveryId)
      if (d.plan?.requestIds.includes(input.requestId)) return planView(ctx, d)
      notDone(d)
      const community = await loadCommunity(ctx, d.communityId)
      if (community.closing) throw new AppError('COMMUNITY_CLOSED')
      if (input.settings?.doorsBy && new Date(input.settings.doorsBy) <= new Date(d.deliveryAt))
        throw new AppError('INVALID_INPUT', '送到门口的截止时间要晚于物资到达时间', 'settings.doorsBy')
      const after = await planDocs(d._id, {
        by: ctx.caller.openid,
        requestId: input.requestId,
        ...(input.settings ? { settings: input.settings } : {}),
      })
      return planView(ctx, after)
    },
  }),

  getPlan: action({
    input: z.object({ deliveryId: id('配送') }).strict(),
    access: { signedIn: true },
    handler: async (input, ctx): Promise<PlanView> => {
      const d = await loadDelivery(ctx, input.deliveryId).catch(() => {
        throw new AppError('FORBIDDEN')
      })
      if (!isLeadOrAbove(ctx.grants, d.communityId)) throw new AppError('FORBIDDEN')
      return planView(ctx, d)
    },
  }),

  dropVolunteer: action({
    input: z
      .object({
        deliveryId: id('配送'),
        openid: z.string().min(1).max(64).describe('志愿者'),
        reason: z.string().trim().min(1, '请写明原因').max(100).describe('原因'),
      })
      .strict(),
    // The volunteer themselves, or the committee / 团长 for them (checked in the handler: anyone of the community).
    access: { signedIn: true },
    handler: async (input, ctx): Promise<PlanView> => {
      const d = await loadDelivery(ctx, input.deliveryId).catch(() => {
        throw new AppError('FORBIDDEN')
      })
      if (!ctx.grants.some((g) => g.scope.communityId === d.communityId && g.role !== 'resident'))
        throw new AppError('FORBIDDEN')
      notDone(d)
      if (!d.plan) throw new AppError('NOT_PLANNED')
      if (input.openid !== ctx.caller.openid && !runsCommunity(ctx.grants, d.communityId))
        throw new AppError('FORBIDDEN')
      const inPlan =
        (await data.count('deliveryTrips', { deliveryId: d._id, openid: input.openid })) > 0 ||
        (await data.count('deliveryBuildings', { deliveryId: d._id, door: input.openid })) > 0
      if (!inPlan) throw new AppError('NOT_YOUR_TASK', '这个人在这次配送中没有任务', 'openid')
      if (d.plan.dropped.some((x) => x.openid === input.openid)) return planView(ctx, d)
      const after = await planDocs(d._id, {
        by: ctx.caller.openid,
        requestId: `drop:${input.openid}`,
        drop: { openid: input.openid, reason: input.reason },
      })
      return planView(ctx, after)
    },
  }),

  getDoorTeams: action({
    input: z.object({ communityId: id('小区') }).strict(),
    access: { signedIn: true },
    handler: async (input, ctx): Promise<DoorTeamView[]> => {
      const mine = (await communityBuildings(input.communityId)).filter((b) => managesDoors(ctx.grants, b))
      if (mine.length === 0) throw new AppError('FORBIDDEN')
      const [people, configured] = await Promise.all([
        candidates(input.communityId),
        data.byIds<DoorTeamDoc>(
          'doorTeams',
          mine.map((b) => b._id),
        ),
      ])
      const pool = doorCandidatesOf(people)
      const now = nowDate()
      return mine.map((b) => {
        const chosen = configured.get(b._id)?.openids
        return teamView(ctx.grants, input.communityId, b._id, b.name, doorTeam(b._id, pool, chosen, now), !chosen)
      })
    },
  }),

  setDoorTeam: action({
    input: z
      .object({
        buildingId: id('楼栋'),
        openids: z.array(z.string().min(1).max(64)).max(DOOR_TEAM_MAX).describe('送到门口的人'),
      })
      .strict(),
    access: { signedIn: true },
    handler: async (input, ctx): Promise<DoorTeamView> => {
      const building = await data.get<BuildingDoc>('buildings', input.buildingId)
      if (!building || !managesDoors(ctx.grants, building)) throw new AppError('FORBIDDEN')
      const pool = doorCandidatesOf(await candidates(building.communityId))
      // Only the building's own people: its leads and the volunteers paired with it.
      const eligible = new Map(pairedWith(building._id, pool).map((c) => [c.openid, c]))
      const openids = [...new Set(input.openids)]
      const stranger = openids.find((o) => !eligible.has(o))
      if (stranger) throw new AppError('INVALID_INPUT', '只能选这栋楼的楼长和负责这栋楼的志愿者', 'openids')
      const now = nowDate()
      if (openids.length === 0) await data.remove('doorTeams', building._id)
      else
        await data.set<DoorTeamDoc>('doorTeams', {
          _id: building._id,
          communityId: building.communityId,
          buildingId: building._id,
          openids,
          by: ctx.caller.openid,
          at: now,
        })
      await replanOpen(building, ctx.caller.openid, openids)
      return teamView(
        ctx.grants,
        building.communityId,
        building._id,
        building.name,
        openids.length ? openids.map((o) => eligible.get(o) as DoorCandidate) : [...eligible.values()],
        openids.length === 0,
      )
    },
  }),
})

/**
 * A door team changed: the deliveries under way that reach the building are planned again, so that its bags go to
 * the new team (who are told their tasks), and a building left with nobody is a gap at once. A planning another
 * call holds is left to finish; the next planning reads the new team.
 */
async function replanOpen(building: BuildingDoc, by: string, openids: readonly string[]): Promise<void> {
  const open = await data.find<RelayDeliveryDoc>(
    'deliveries',
    { communityId: building.communityId, status: data._.in(['awaiting', 'resting', 'relaying']) },
    { limit: 20, orderBy: [['deliveryAt', 'desc']] },
  )
  for (const d of open) {
    if (!d.plan || !d.buildings.some((b) => b.buildingId === building._id)) continue
    try {
      await planDocs(d._id, { by, requestId: `team:${building._id}:${digest(openids)}:${nowMs()}` })
    } catch (err) {
      if (isAppError(err) && err.code === 'CONFLICT') continue
      throw err
    }
  }
}

/** Who may be in a building's door team at all, whatever the hour: its leads and the volunteers paired with it. */
export const pairedWith = (buildingId: string, pool: readonly DoorCandidate[]): DoorCandidate[] =>
  pool.filter((c) => (c.role === 'buildingLead' ? c.buildingId === buildingId : c.posts.includes(buildingId)))

/** Committee, 团长, the building's 营长 and building leads may choose who carries its bags to the doors. */
export function managesDoors(
  grants: ActionContext['grants'],
  b: Pick<BuildingDoc, 'communityId' | 'groupId' | '_id'>,
): boolean {
  return (
    isCommittee(grants, b.communityId) ||
    hasRole(grants, ['communityLead'], { communityId: b.communityId }) ||
    hasRole(grants, ['groupLead'], { communityId: b.communityId, groupId: b.groupId }) ||
    hasRole(grants, ['buildingLead'], { communityId: b.communityId, groupId: b.groupId, buildingId: b._id })
  )
}
