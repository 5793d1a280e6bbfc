// The delivery relay through the client gateway, against a localcloud running the built functions, over 钟楼新村 (the
// demo generator's community: 1,506 households in 135 buildings, 3,400 residents): a free drop of 10 kg of rice to
// every household, as the street's truck brings it.
//
// 1. Planning: 5 transport volunteers (community-wide) and one door person per building (its 云上 volunteer, or a
//    楼栋 volunteer where it has none: 135), time and DB round trips of planDelivery, then of a re-plan after a
//    transport volunteer drops out.
// 2. The afternoon, on the platform clock: the truck at the gate at 14:00 (recordArrival), an hour's rest, the
//    transport volunteers' trips dropped at the entrances from 15:00 (each volunteer's trips one after another,
//    minutesPerTrip each; the marks synced at 20:00 with their own times), the doors from each building's entrance
//    time on, minutesPerDoor a door.
// 3. The doors, in real time: 140 volunteers at once (the 135 door people, and 5 building leads helping in the
//    biggest buildings), one call per button press, a tenth of them sent twice (a reply lost on a weak signal). Then
//    the checks: every bag marked exactly once (none lost), each household's 已送到 notice sent once to each person it
//    is for, the delivery done; and the board's stage times.
import { freePort, spawnLocalCloud, useLocalCloudSdk } from '../localcloud/spawn'
import { bundleFunctions } from '../scripts/lib/functions'
import { FUNCTIONS_ROOT } from '../scripts/lib/paths'
import { DEMO_COMMUNITY, demoDataset } from '../scripts/demo/generate'
import { loadCollections } from '../scripts/demo/load'
import { householdLabel } from '../server/community/structure'
import { roleId, rolePlace } from '../server/community/ids'
import { formatShanghai } from '../server/kernel'
import { TEMPLATES } from '../server/templates'
import type { BuildingDoc, HouseholdDoc, RoleDoc } from '../server/community/model'
import type { BuyDoc, DeliveryDoc, OrderDoc } from '../server/groupbuy/model'
import type { DeliveryStopDoc, DoorTeamDoc } from '../server/delivery/model'
import type { BoardView, Envelope, MyTasksView, PlanView, StopMarkResult, TripView } from '../typings/api'
import { defineBench, percentile, type Figure } from './lib'

import type * as WxServerSdkModule from 'wx-server-sdk'

interface CallRecord {
  function: string
  source: string
  action?: string | null
  durationMs: number
  ok: boolean
  db: { calls: number }
}

interface OutboxMessage {
  touser: string
  templateId: string
  page: string | null
  data: Record<string, { value: string }>
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const MIN = 60_000
/** A fixed afternoon in Shanghai: the truck at 14:00. */
const DAY = '2026-12-05'
const shanghai = (hm: string) => new Date(`${DAY}T${hm}:00+08:00`)

export default defineBench({
  description:
    'a 1,506-household drop over 135 buildings: planning (5 transport, 135 door people), 140 volunteers marking every bag at once (lost marks, notices once), stage times gate → door',
  defaults: { maxInstances: 16, helpers: 5, resend: 0.1, minutesPerTrip: 8, minutesPerDoor: 2 },
  async run(params, log) {
    const figures: Figure[] = []
    const maxInstances = Number(params.maxInstances)
    log('bundling cloud functions')
    await bundleFunctions()
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    useLocalCloudSdk(url)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cloud = require('wx-server-sdk') as typeof WxServerSdkModule
    cloud.init({ env: 'local' })
    const db = cloud.database()
    const server = await spawnLocalCloud(port, [
      '--memory',
      '--functions',
      FUNCTIONS_ROOT,
      '--no-timers',
      '--max-instances',
      String(maxInstances),
    ])
    const admin = async <T>(route: string, method = 'GET', body?: unknown): Promise<T> => {
      const res = await fetch(`${url}/__admin/${route}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      })
      const text = await res.text()
      if (!res.ok) throw new Error(`admin ${route} failed (${res.status}): ${text.slice(0, 300)}`)
      return JSON.parse(text) as T
    }
    const setClock = (at: Date) => admin('clock', 'POST', { at: at.toISOString() })
    const callsOf = async () => (await admin<{ calls: CallRecord[] }>('calls?function=delivery')).calls
    const call = async <T>(openid: string, action: string, payload: object): Promise<Envelope<T>> => {
      const res = await fetch(`${url}/functions/delivery`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
        body: JSON.stringify({ action, payload }),
      })
      const text = await res.text()
      try {
        return JSON.parse(text) as Envelope<T>
      } catch {
        return { ok: false, code: 'INTERNAL', message: `HTTP ${res.status}: ${text.slice(0, 200)}` }
      }
    }
    const ok = async <T>(openid: string, action: string, payload: object): Promise<T> => {
      const r = await call<T>(openid, action, payload)
      if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message}`)
      return r.data
    }
    const count = async (coll: string, where: object) =>
      ((await db.collection(coll).where(where).count()) as { total: number }).total
    const findAll = async <T>(coll: string, where: object): Promise<T[]> => {
      const out: T[] = []
      for (let skip = 0; ; skip += 1000) {
        const page = (await db.collection(coll).where(where).skip(skip).limit(1000).get()) as unknown as { data: T[] }
        out.push(...page.data)
        if (page.data.length < 1000) return out
      }
    }
    /** One call's own round trips and time, from the emulator's call log (the last client call). */
    const lastCall = async () => {
      const calls = (await callsOf()).filter((c) => c.source === 'wx_client')
      return calls.at(-1) as CallRecord
    }
    const pushesSettled = async () => {
      const _ = db.command
      for (let i = 0; i < 2400; i++) {
        const busy = await count('pushQueue', _.or([{ status: 'sending' }, { status: 'queued' }]))
        if (busy === 0) return
        await sleep(50)
      }
      throw new Error('pushes not settled after 120 s')
    }

    try {
      await setClock(shanghai('12:00'))
      const { collections } = demoDataset({ now: shanghai('12:00').getTime() })
      const communityId = DEMO_COMMUNITY.communityId
      const inCommunity = <T extends { communityId?: string }>(xs: readonly T[]) =>
        xs.filter((x) => x.communityId === communityId)
      const buildings = (inCommunity(collections.buildings as BuildingDoc[]) as BuildingDoc[]).sort(
        (a, b) => a.order - b.order,
      )
      const households = inCommunity(collections.households as HouseholdDoc[]) as HouseholdDoc[]
      const roles = collections.roles as RoleDoc[]
      const committee = roles.find((r) => r.communityId === communityId && r.role === 'committee')?.openid as string
      const names = new Map(buildings.map((b) => [b._id, b.name]))

      // The relay's people: 5 community-wide transport volunteers instead of the demo's posted ones, one door person
      // per building, and building leads helping in the 5 biggest buildings.
      const grantedAt = shanghai('09:00')
      const volunteer = (openid: string, type: 'transport' | 'building', posts: string[]): RoleDoc => ({
        _id: roleId(openid, 'volunteer', rolePlace({ role: 'volunteer', scope: { communityId }, volunteerType: type })),
        openid,
        communityId,
        role: 'volunteer',
        scope: { communityId },
        volunteerType: type,
        posts,
        holderName: type === 'transport' ? `运输${openid.slice(-1)}` : '楼栋志愿者',
        grantedBy: committee,
        grantedAt,
      })
      const kept = roles.filter(
        (r) => !(r.communityId === communityId && r.role === 'volunteer' && r.volunteerType === 'transport'),
      )
      const transport = Array.from({ length: 5 }, (_, i) => volunteer(`bench-transport-${i + 1}`, 'transport', []))
      const online = new Map(
        kept
          .filter((r) => r.communityId === communityId && r.role === 'volunteer' && r.volunteerType === 'online')
          .map((r) => [r.posts?.[0] as string, r.openid]),
      )
      const extraDoor: RoleDoc[] = []
      const doorOf = new Map<string, string[]>()
      for (const b of buildings) {
        let person = online.get(b._id)
        if (!person) {
          person = `bench-door-${b._id}`
          extraDoor.push(volunteer(person, 'building', [b._id]))
        }
        doorOf.set(b._id, [person])
      }
      const perBuilding = new Map<string, HouseholdDoc[]>()
      for (const h of households) perBuilding.set(h.buildingId, [...(perBuilding.get(h.buildingId) ?? []), h])
      const leadOf = new Map(
        kept
          .filter((r) => r.communityId === communityId && r.role === 'buildingLead')
          .map((r) => [r.scope.buildingId as string, r.openid]),
      )
      const biggest = [...perBuilding.entries()]
        .filter(([b]) => leadOf.has(b))
        .sort((a, b) => b[1].length - a[1].length)
        .slice(0, Number(params.helpers))
      for (const [b] of biggest) doorOf.get(b)?.push(leadOf.get(b) as string)
      const doorTeams: DoorTeamDoc[] = [...doorOf.entries()].map(([buildingId, openids]) => ({
        _id: buildingId,
        communityId,
        buildingId,
        openids,
        by: committee,
        at: grantedAt,
      }))

      // The drop, closed: one bag of rice per household, and the delivery its close wrote.
      const buyId = 'buy_bench_rice'
      const deliveryAt = shanghai('14:00')
      const buy: BuyDoc = {
        _id: buyId,
        communityId,
        kind: 'drop',
        status: 'closed',
        title: '大米发放',
        note: '每户10公斤',
        organiser: { openid: committee, role: 'committee', name: '居委' },
        items: [{ id: 'rice', name: '大米', spec: '10公斤/袋', unit: '袋', packSize: 1, price: 0, stock: 5000 }],
        allBuildings: true,
        buildingIds: buildings.map((b) => b._id),
        opensAt: shanghai('08:00'),
        closesAt: shanghai('11:00'),
        deliveryAt,
        createdAt: shanghai('08:00'),
        updatedAt: shanghai('11:00'),
        requestId: `req-${buyId}`,
        closedAt: shanghai('11:00'),
      }
      const orders: OrderDoc[] = households.map((h, i) => ({
        _id: `${buyId}:${h._id}`,
        buyId,
        communityId,
        groupId: h.groupId,
        buildingId: h.buildingId,
        householdId: h._id,
        room: h.room,
        floor: h.floor,
        label: householdLabel(names.get(h.buildingId) ?? '', h.room),
        no: i + 1,
        status: 'active',
        lines: [{ itemId: 'rice', qty: 1, name: '大米', spec: '10公斤/袋', unit: '袋', packSize: 1, price: 0 }],
        total: 0,
        by: committee,
        byName: '居委',
        proxy: false,
        notify: [...h.linkedOpenids],
        placedAt: shanghai('11:00'),
        updatedAt: shanghai('11:00'),
        nonce: `n${i}`,
        requestIds: [],
        payment: { status: 'unpaid', paid: 0, refunds: [] },
      }))
      const delivery: DeliveryDoc = {
        _id: buyId,
        communityId,
        buyId,
        kind: 'drop',
        title: buy.title,
        status: 'awaiting',
        deliveryAt,
        createdAt: shanghai('11:00'),
        buildings: buildings.map((b) => ({
          buildingId: b._id,
          households: perBuilding.get(b._id)?.length ?? 0,
          pieces: perBuilding.get(b._id)?.length ?? 0,
        })),
        households: households.length,
        pieces: households.length,
      }
      const loaded = await loadCollections(url, {
        ...collections,
        roles: [...kept, ...transport, ...extraDoor],
        buys: [buy],
        orders,
        deliveries: [delivery],
        doorTeams,
      } as never)
      log(
        `imported ${loaded.documents} documents in ${loaded.ms} ms: ${households.length} households, ${buildings.length} buildings`,
      )

      // ---------- 1. planning ----------
      // A first call warms the instance (its cold start is not planning).
      await call(committee, 'listDeliveries', { communityId })
      await admin('calls', 'DELETE')
      await setClock(shanghai('12:30'))
      const t0 = performance.now()
      const plan = await ok<PlanView>(committee, 'planDelivery', {
        deliveryId: buyId,
        requestId: 'bench-plan-00000001',
        settings: { capacity: 40, restMinutes: 60, doorsBy: shanghai('17:00').toISOString() },
      })
      const planMs = performance.now() - t0
      const planCall = await lastCall()
      const loads = plan.transport.map((v) => v.bags)
      const doorPeople = new Set(plan.doorTeams.flatMap((d) => d.members.map((m) => m.openid))).size
      log(
        `  plan: ${plan.trips.length} trips, bags per transport volunteer ${loads.join('/')}, ${doorPeople} door people, ${plan.gaps.length} gaps`,
      )
      if (plan.gaps.length) throw new Error(`unexpected gaps: ${JSON.stringify(plan.gaps.slice(0, 3))}`)
      if (loads.reduce((a, b) => a + b, 0) !== households.length) throw new Error('trips do not carry every bag')
      const overCapacity = plan.trips.filter((t) => t.bags > 40).length
      figures.push(
        { name: 'plan.ms', value: planMs, unit: 'ms', params: { inFunction: planCall.durationMs } },
        { name: 'plan.dbTrips', value: planCall.db.calls, unit: 'round trips' },
        { name: 'plan.trips', value: plan.trips.length, unit: 'trips', params: { capacity: 40, overCapacity } },
        {
          name: 'plan.balance',
          value: Math.max(...loads) - Math.min(...loads),
          unit: 'bags (largest − smallest load)',
          params: { loads: loads.join('/') },
        },
        { name: 'plan.doorPeople', value: doorPeople, unit: 'people' },
      )

      // A transport volunteer drops out before the truck comes: their trips go to the other four.
      await admin('calls', 'DELETE')
      const dropped = transport[4]?.openid as string
      const t1 = performance.now()
      const replan = await ok<PlanView>(committee, 'dropVolunteer', {
        deliveryId: buyId,
        openid: dropped,
        reason: '临时隔离',
      })
      const replanMs = performance.now() - t1
      const replanCall = await lastCall()
      const left = replan.transport.map((v) => v.bags)
      if (replan.transport.some((v) => v.openid === dropped)) throw new Error('the dropped volunteer kept trips')
      log(`  re-plan without ${dropped}: bags per volunteer ${left.join('/')}`)
      figures.push(
        { name: 'replan.ms', value: replanMs, unit: 'ms', params: { inFunction: replanCall.durationMs } },
        { name: 'replan.dbTrips', value: replanCall.db.calls, unit: 'round trips' },
      )

      // ---------- 2. gate and entrances, on the platform clock ----------
      await setClock(shanghai('14:00'))
      await ok<BoardView>(committee, 'recordArrival', { deliveryId: buyId, check: 'full' })
      // The trips, each volunteer's one after another from 15:00, minutesPerTrip each (loading, the stops in
      // order, the way back); the marks are sent later with their own times.
      await setClock(shanghai('20:00'))
      const entranceAt = new Map<string, Date>()
      const byVolunteer = new Map<string, TripView[]>()
      for (const t of replan.trips) byVolunteer.set(t.openid, [...(byVolunteer.get(t.openid) ?? []), t])
      let entranceMarks = 0
      await Promise.all(
        [...byVolunteer.entries()].map(async ([openid, trips]) => {
          let at = shanghai('15:00').getTime()
          const perTrip = Number(params.minutesPerTrip) * MIN
          for (const trip of trips.sort((a, b) => a.no - b.no)) {
            const start = at
            for (const [i, s] of trip.stops.entries()) {
              at = start + Math.round((perTrip * (i + 1)) / (trip.stops.length + 1))
              await ok<TripView>(openid, 'markEntrance', {
                deliveryId: buyId,
                tripId: trip.id,
                buildingId: s.buildingId,
                markId: `entrance-${trip.id}-${s.buildingId}`.slice(0, 64),
                at: new Date(at).toISOString(),
              })
              entranceMarks++
              const prev = entranceAt.get(s.buildingId)?.getTime() ?? 0
              entranceAt.set(s.buildingId, new Date(Math.max(prev, at)))
            }
            at = start + perTrip
          }
        }),
      )
      log(`  ${entranceMarks} entrance marks by ${byVolunteer.size} transport volunteers`)

      // ---------- 3. doors: 140 volunteers at once ----------
      await pushesSettled()
      await admin('outbox', 'DELETE')
      await admin('calls', 'DELETE')
      const workers: { openid: string; stops: { id: string; at: Date }[] }[] = []
      for (const [buildingId, team] of doorOf) {
        const tasks = await ok<MyTasksView>(team[0] as string, 'myTasks', { deliveryId: buyId })
        const stops = tasks.doors.find((d) => d.buildingId === buildingId)?.stops ?? []
        const from = entranceAt.get(buildingId)?.getTime() ?? shanghai('15:00').getTime()
        const perDoor = Number(params.minutesPerDoor) * MIN
        // Two people split the building: each from the entrance time on, one door every few minutes.
        const share = Math.ceil(stops.length / team.length)
        team.forEach((openid, k) =>
          workers.push({
            openid,
            stops: stops
              .slice(k * share, (k + 1) * share)
              .map((s, i) => ({ id: s.id, at: new Date(from + (i + 1) * perDoor) })),
          }),
        )
      }
      const latencies: number[] = []
      const outcome = { marked: 0, already: 0, refused: 0, failed: 0 }
      let resent = 0
      let seq = 0
      const t2 = performance.now()
      await Promise.all(
        workers.map(async (w) => {
          for (const s of w.stops) {
            const mark = { stopId: s.id, markId: `door-${String(++seq).padStart(8, '0')}`, at: s.at.toISOString() }
            const sends = Math.random() < Number(params.resend) ? 2 : 1
            if (sends === 2) resent++
            for (let k = 0; k < sends; k++) {
              const started = performance.now()
              const r = await call<StopMarkResult[]>(w.openid, 'markStops', { deliveryId: buyId, marks: [mark] })
              latencies.push(performance.now() - started)
              if (!r.ok) outcome.failed++
              else for (const x of r.data) outcome[x.result]++
            }
          }
        }),
      )
      const markSeconds = (performance.now() - t2) / 1000
      await pushesSettled()
      const markCalls = (await callsOf()).filter((c) => c.source === 'wx_client')
      const trips = markCalls.map((c) => c.db.calls)
      const stops = await findAll<DeliveryStopDoc>('deliveryStops', { deliveryId: buyId })
      const delivered = stops.filter((s) => s.status === 'delivered').length
      const lost = stops.length - delivered
      const outbox = (await admin<OutboxMessage[]>('outbox')).filter((m) => m.templateId === TEMPLATES.delivered)
      const expected = stops.reduce((n, s) => n + s.notify.length, 0)
      const keys = outbox.map((m) => `${m.touser}|${m.data.thing2?.value}`)
      const duplicates = keys.length - new Set(keys).size
      const deliveryDoc = (
        (await db.collection('deliveries').doc(buyId).get()) as unknown as { data: { status: string } }
      ).data
      log(
        `  ${workers.length} volunteers, ${latencies.length} calls (${resent} marks sent twice): ${JSON.stringify(outcome)}; ${delivered}/${stops.length} bags delivered; ${outbox.length} 已送到 notices for ${expected} expected, ${duplicates} duplicates; delivery ${deliveryDoc.status}`,
      )
      const problems: string[] = []
      if (lost) problems.push(`${lost} bags not marked`)
      if (outcome.marked !== stops.length) problems.push(`${outcome.marked} marked for ${stops.length} bags`)
      if (outcome.already !== resent) problems.push(`${outcome.already} answered already for ${resent} resent`)
      if (outcome.refused || outcome.failed) problems.push(`${outcome.refused} refused, ${outcome.failed} failed`)
      if (outbox.length !== expected || duplicates) problems.push(`${outbox.length} notices for ${expected}`)
      if (deliveryDoc.status !== 'done') problems.push(`delivery ${deliveryDoc.status}`)
      if (problems.length) throw new Error(`checks failed: ${problems.join('; ')}`)
      figures.push(
        { name: 'doors.volunteers', value: workers.length, unit: 'concurrent' },
        { name: 'doors.lostMarks', value: lost, unit: 'marks', params: { bags: stops.length, resent } },
        {
          name: 'doors.noticesSentOnce',
          value: outbox.length,
          unit: 'notices',
          params: { expected, duplicates },
        },
        {
          name: 'doors.throughput',
          value: latencies.length / markSeconds,
          unit: 'marks/s',
          params: { seconds: Number(markSeconds.toFixed(1)) },
        },
        {
          name: 'doors.p50',
          value: percentile(latencies, 50),
          unit: 'ms',
          params: { p95: percentile(latencies, 95), note: 'client side, waiting for one of maxInstances included' },
        },
        {
          name: 'doors.invocation.p50',
          value: percentile(
            markCalls.map((c) => c.durationMs),
            50,
          ),
          unit: 'ms',
          params: {
            p95: percentile(
              markCalls.map((c) => c.durationMs),
              95,
            ),
            note: 'inside the function',
          },
        },
        {
          name: 'doors.dbTrips',
          value: trips.reduce((a, b) => a + b, 0) / Math.max(1, trips.length),
          unit: 'round trips/mark',
          params: { p50: percentile(trips, 50), max: Math.max(...trips) },
        },
      )

      // ---------- the board's stage times ----------
      const board = await ok<BoardView>(committee, 'board', { deliveryId: buyId })
      const hm = (iso?: string) => (iso ? formatShanghai(iso, 'HH:mm') : '—')
      const minutes = (a?: string, b?: string) => (a && b ? (Date.parse(b) - Date.parse(a)) / MIN : NaN)
      const t = board.times
      log(
        `  board: 到达 ${hm(t.arrivedAt)} → 静置结束 ${hm(t.restEndedAt)} → 首栋到楼门口 ${hm(t.firstEntranceAt)} → 全部到楼门口 ${hm(t.lastEntranceAt)} → 最后一户 ${hm(t.lastDoorAt)}；完成 ${hm(t.doneAt)}；提醒 ${board.alerts.length} 条`,
      )
      figures.push(
        { name: 'stages.rest', value: minutes(t.arrivedAt, t.restEndedAt), unit: 'min' },
        { name: 'stages.gateToEntrances', value: minutes(t.restEndedAt, t.lastEntranceAt), unit: 'min' },
        { name: 'stages.entrancesToDoors', value: minutes(t.lastEntranceAt, t.lastDoorAt), unit: 'min' },
        {
          name: 'stages.total',
          value: minutes(t.arrivedAt, t.doneAt),
          unit: 'min',
          params: { arrived: hm(t.arrivedAt), done: hm(t.doneAt), doorsBy: '17:00' },
        },
        {
          name: 'board.lateBuildings',
          value: board.buildings.filter((b) => b.doneAt && Date.parse(b.doneAt) > shanghai('17:00').getTime()).length,
          unit: 'buildings',
        },
      )
      return figures
    } finally {
      await server.stop()
    }
  },
})
