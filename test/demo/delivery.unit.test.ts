// The demo's delivery relay (scripts/demo/delivery.ts): yesterday's delivery of 钟楼新村 planned, at the gate at
// 16:00, at the entrances and doors by about 18:30, one problem handled, done; every document consistent with the
// others as the delivery function keeps them (a stop per order, counters equal to the stops, stages from
// buildingStage, trips as planTrips cuts them, door teams as doorTeam picks them), and nothing left for the timer
// to do at the instant it is dated from, whatever the hour.
import type { RoleDoc } from '../../server/community/model'
import type { BuyDoc, OrderDoc } from '../../server/groupbuy/model'
import type {
  DeliveryBuildingDoc,
  DeliveryProblemDoc,
  DeliveryStopDoc,
  DeliveryTripDoc,
  RelayDeliveryDoc,
} from '../../server/delivery/model'
import { generateDemo, SECOND_DEMO_COMMUNITY, type DemoData } from '../../scripts/demo/generate'
import {
  bagItems,
  buildingStage,
  deliveryAlerts,
  DEFAULT_SETTINGS,
  planTrips,
  resolveSettings,
} from '../../server/delivery/rules'
import { formatShanghai, shanghaiDay } from '../../server/kernel/time'

const NOW = Date.parse('2026-11-24T02:00:00Z')
const MINUTE = 60_000
const HOUR = 60 * MINUTE
let main: DemoData

beforeAll(() => {
  main = generateDemo({ now: NOW })
})

interface Relay {
  delivery: RelayDeliveryDoc
  buy: BuyDoc
  orders: OrderDoc[]
  stops: DeliveryStopDoc[]
  parts: DeliveryBuildingDoc[]
  trips: DeliveryTripDoc[]
  problems: DeliveryProblemDoc[]
}

const relayOf = (d: DemoData): Relay => {
  const c = d.collections
  const delivery = c.deliveries[0] as RelayDeliveryDoc
  const buy = c.buys.find((b) => b._id === delivery.buyId) as BuyDoc
  return {
    delivery,
    buy,
    orders: c.orders.filter((o) => o.buyId === buy._id && o.status === 'active'),
    stops: c.deliveryStops,
    parts: c.deliveryBuildings,
    trips: c.deliveryTrips,
    problems: c.deliveryProblems,
  }
}
const t = (v: Date | string | undefined) => new Date(v as Date).getTime()
const hhmm = (v: Date | undefined) => formatShanghai(v as Date, 'HH:mm')
const roleOf = (d: DemoData, role: RoleDoc['role'], f: (r: RoleDoc) => boolean = () => true) =>
  d.collections.roles.filter((r) => r.role === role && f(r))

describe('yesterday’s delivery of 钟楼新村', () => {
  it('was planned by the committee after the close, with the defaults but the hours of automatic receipt', () => {
    const { delivery: d, buy } = relayOf(main)
    expect(main.collections.deliveries).toHaveLength(1)
    expect(d).toMatchObject({ _id: buy._id, status: 'done', deliveryAt: buy.deliveryAt })
    expect(d.settings).toEqual(
      resolveSettings({ autoReceiveHours: d.settings?.autoReceiveHours }, undefined, new Date(d.deliveryAt)),
    )
    expect(d.settings).toMatchObject({ ...DEFAULT_SETTINGS, autoReceiveHours: expect.any(Number) })
    expect(t(d.settings?.doorsBy)).toBe(t(d.deliveryAt) + 3 * HOUR)
    expect(d.plan).toMatchObject({ version: 1, by: 'demo-committee-1', dropped: [] })
    expect(d.plan?.requestIds).toEqual([expect.stringMatching(/^r[0-9a-z]{8,9}[0-9a-z]{10}$/)])
    expect(t(d.plan?.plannedAt)).toBeGreaterThan(t(d.createdAt))
    expect(t(d.plan?.plannedAt)).toBeLessThan(t(d.deliveryAt) - 2 * HOUR)
    expect(d.planning).toBeUndefined()
  })

  it('has a stop per active order of the closed sale, with its bag as bagItems lists it', () => {
    const { delivery: d, orders, stops } = relayOf(main)
    expect(stops.map((s) => s._id).sort()).toEqual(orders.map((o) => `${d._id}:${o.householdId}`).sort())
    for (const o of orders) {
      const s = stops.find((x) => x.householdId === o.householdId) as DeliveryStopDoc
      expect(s).toMatchObject({
        deliveryId: d._id,
        communityId: 'c-zhonglou',
        groupId: o.groupId,
        buildingId: o.buildingId,
        room: o.room,
        floor: o.floor,
        label: o.label,
        ...bagItems(o.lines),
      })
      expect([...s.notify].sort()).toEqual([...new Set(o.notify)].sort())
    }
    // The close's counts per building are the stops'.
    for (const b of d.buildings) {
      const mine = stops.filter((s) => s.buildingId === b.buildingId)
      expect([b.buildingId, mine.length, mine.reduce((n, s) => n + s.pieces, 0)]).toEqual([
        b.buildingId,
        b.households,
        b.pieces,
      ])
    }
  })

  it('counts every stop in its building part, counters equal to the stops and every stage done', () => {
    const { delivery: d, stops, parts } = relayOf(main)
    expect(parts.map((p) => p.buildingId)).toEqual(d.buildings.map((b) => b.buildingId))
    const buildings = new Map(main.collections.buildings.map((b) => [b._id, b]))
    for (const p of parts) {
      const mine = stops.filter((s) => s.buildingId === p.buildingId)
      const b = buildings.get(p.buildingId)
      expect(p).toMatchObject({
        _id: `${d._id}:${p.buildingId}`,
        deliveryId: d._id,
        groupId: b?.groupId,
        order: b?.order,
        households: mine.length,
        pieces: mine.reduce((n, s) => n + s.pieces, 0),
        delivered: mine.filter((s) => s.status === 'delivered' || s.status === 'received').length,
        received: mine.filter((s) => s.status === 'received').length,
        problems: mine.filter((s) => s.status === 'problem').length,
        stage: 'done',
      })
      expect(buildingStage(p)).toBe(p.stage)
      expect(t(p.doneAt)).toBe(Math.max(...mine.map((s) => t(s.delivered?.at))))
      expect(p.doorNames).toHaveLength(p.door.length)
      expect(t(p.updatedAt)).toBeGreaterThanOrEqual(Math.max(...mine.map((s) => t(s.updatedAt))))
    }
    expect(stops.every((s) => s.buildingId && parts.some((p) => p.buildingId === s.buildingId))).toBe(true)
    expect(t(d.doneAt)).toBe(Math.max(...parts.map((p) => t(p.doneAt))))
  })

  it('has the trips planTrips cuts from the transport volunteers’ posts, each dropped at its entrances after the rest', () => {
    const { delivery: d, parts, trips } = relayOf(main)
    const transport = roleOf(main, 'volunteer', (r) => r.volunteerType === 'transport')
    const planned = planTrips(
      parts.map((p) => ({ ...p, name: '', bags: p.households })),
      transport.map((r) => ({ openid: r.openid, name: '', posts: r.posts ?? [] })),
      { capacity: DEFAULT_SETTINGS.capacity, at: new Date(t(d.deliveryAt) + DEFAULT_SETTINGS.restMinutes * MINUTE) },
    )
    expect(
      trips.map((x) => [x._id, x.openid, x.no, x.bags, x.stops.map((s) => [s.buildingId, s.bags, s.pieces])]),
    ).toEqual(
      planned.trips.map((x, i) => [
        `${d._id}:v1t${i + 1}`,
        x.openid,
        x.no,
        x.bags,
        x.stops.map((s) => [s.buildingId, s.bags, s.pieces]),
      ]),
    )
    expect(trips.length).toBeGreaterThanOrEqual(3)
    // Buildings no transport volunteer is posted to were the plan's gaps: their door teams fetched them.
    expect(d.plan?.gaps).toEqual(planned.unassigned.map((buildingId) => ({ buildingId, missing: 'transport' })))
    const restEnd = t(d.restEndedAt)
    for (const trip of trips) {
      expect(trip).toMatchObject({ status: 'done', version: 1, deliveryId: d._id })
      expect(t(trip.seenAt)).toBeLessThan(t(d.arrival?.at))
      for (const s of trip.stops) {
        expect(t(s.dropped?.at)).toBeGreaterThan(restEnd)
        expect(s.dropped).toMatchObject({ by: trip.openid, markId: expect.stringMatching(/^e[0-9a-z]{18,19}$/) })
      }
    }
    for (const p of parts) {
      const drops = trips.flatMap((x) => x.stops.filter((s) => s.buildingId === p.buildingId))
      const carriers = [
        ...new Set(trips.filter((x) => x.stops.some((s) => s.buildingId === p.buildingId)).map((x) => x.openid)),
      ]
      expect([p.dropsTotal, p.dropsDone, p.transport]).toEqual([drops.length, drops.length, carriers])
      expect(p.transportNames).toEqual(carriers.map((o) => trips.find((x) => x.openid === o)?.volunteerName))
      if (drops.length) {
        const lastDrop = Math.max(...drops.map((s) => t(s.dropped?.at)))
        expect(t(p.atEntrance?.at)).toBe(lastDrop)
        expect(t(p.loaded?.at)).toBe(Math.min(...drops.map((s) => t(s.dropped?.at))))
        expect(p.transportSeen).toEqual(carriers)
        expect(hhmm(p.atEntrance?.at) >= '17:00' && hhmm(p.atEntrance?.at) <= '17:40').toBe(true)
      } else expect([p.loaded, p.atEntrance]).toEqual([undefined, undefined])
    }
  })

  it('gives each building its default door team: its lead and its 云上 volunteer (and a 楼栋 volunteer of its own)', () => {
    const { parts, stops } = relayOf(main)
    for (const p of parts) {
      const lead = roleOf(main, 'buildingLead', (r) => r.scope.buildingId === p.buildingId).map((r) => r.openid)
      const paired = roleOf(
        main,
        'volunteer',
        (r) => ['online', 'building'].includes(r.volunteerType ?? '') && (r.posts ?? []).includes(p.buildingId),
      ).map((r) => r.openid)
      expect(p.door).toEqual([...new Set([...lead, ...paired])])
      // Every door was marked by one of them, who had opened their list.
      for (const s of stops.filter((x) => x.buildingId === p.buildingId)) {
        expect(p.door).toContain(s.delivered?.by)
        expect(p.doorSeen).toContain(s.delivered?.by)
        expect(s.delivered?.markId).toMatch(/^m[0-9a-z]{18,19}$/)
      }
    }
  })

  it('arrived at 16:00 recorded by the committee (数量齐全), rested an hour, reached the doors by about 18:30', () => {
    const { delivery: d, stops } = relayOf(main)
    const committee = roleOf(main, 'committee', (r) => r.openid === 'demo-committee-1')[0]
    expect(d.arrival).toMatchObject({ by: 'demo-committee-1', byName: committee?.holderName, check: 'full' })
    expect(d.arrival?.photo).toBeUndefined()
    expect(hhmm(d.arrival?.at)).toBe('16:00')
    expect(shanghaiDay(d.arrival?.at as Date)).toBe(shanghaiDay(NOW - 86_400_000))
    expect(t(d.restUntil)).toBe(t(d.arrival?.at) + 60 * MINUTE)
    expect(t(d.restEndedAt)).toBe(t(d.restUntil))
    const doors = stops.map((s) => t(s.delivered?.at))
    expect(Math.min(...doors)).toBeGreaterThan(t(d.restEndedAt))
    expect(hhmm(d.doneAt) >= '18:15' && hhmm(d.doneAt) <= '18:45').toBe(true)
    expect(t(d.updatedAt)).toBeGreaterThanOrEqual(t(d.doneAt))
  })

  it('has one 无人在家 handled by the building’s lead, the bag delivered after', () => {
    const { delivery: d, buy, stops, problems } = relayOf(main)
    expect(problems).toHaveLength(1)
    const p = problems[0] as DeliveryProblemDoc
    const stop = stops.find((s) => s._id === p.stopId) as DeliveryStopDoc
    expect(p).toMatchObject({
      _id: expect.stringMatching(/^dp_[0-9a-f]{24}$/),
      deliveryId: d._id,
      buyId: buy._id,
      merchantId: buy.merchantId,
      householdId: stop.householdId,
      buildingId: stop.buildingId,
      groupId: stop.groupId,
      label: stop.label,
      kind: 'nobodyHome',
      status: 'handled',
    })
    const lead = roleOf(main, 'buildingLead', (r) => r.scope.buildingId === stop.buildingId)[0]
    expect(p.handled?.by).toBe(lead?.openid)
    expect(p.handled?.note.length).toBeGreaterThan(0)
    expect(t(p.at)).toBeGreaterThan(t(d.restEndedAt))
    expect(t(p.handled?.at)).toBeGreaterThan(t(p.at))
    expect(t(stop.delivered?.at)).toBeGreaterThan(t(p.handled?.at))
    expect(stop.problem).toBeUndefined()
    expect(stops.filter((s) => s.problem || s.status === 'problem')).toEqual([])
  })

  it('was received by most households, a few automatically after the set hours, a couple not yet; so not settled', () => {
    const { delivery: d, stops } = relayOf(main)
    const hours = d.settings?.autoReceiveHours as number
    const auto = stops.filter((s) => s.received?.auto)
    const confirmed = stops.filter((s) => s.received && !s.received.auto)
    const waiting = stops.filter((s) => s.status === 'delivered')
    expect([auto.length, waiting.length]).toEqual([3, 2])
    expect(confirmed.length).toBe(stops.length - 5)
    expect(stops.every((s) => s.status === 'received' || s.status === 'delivered')).toBe(true)
    for (const s of auto) {
      expect(s.received).toMatchObject({ by: 'timer', byName: '自动签收', auto: true })
      expect(t(s.received?.at)).toBeGreaterThanOrEqual(t(s.delivered?.at) + hours * HOUR)
    }
    for (const s of confirmed) {
      expect(t(s.received?.at)).toBeGreaterThan(t(s.delivered?.at))
      expect(t(s.received?.at)).toBeLessThan(t(s.delivered?.at) + hours * HOUR)
      expect(s.notify).toContain(s.received?.by)
    }
    // The timer has nothing to receive yet: the bags still waiting are not that old.
    for (const s of waiting) expect(t(s.delivered?.at) + hours * HOUR).toBeGreaterThan(NOW)
    expect(d.settledAt).toBeUndefined()
    // The board says so: those bags are not confirmed hours after; nothing else is wrong.
    const names = new Map(main.collections.buildings.map((b) => [b._id, b.name]))
    const alerts = deliveryAlerts({
      delivery: d,
      buildings: relayOf(main).parts.map((p) => ({ ...p, name: names.get(p.buildingId) ?? '' })),
      openProblems: 0,
      now: new Date(NOW),
      delivered: stops,
    })
    expect(alerts.map((a) => a.kind)).toEqual(waiting.map(() => 'unreceived'))
    // What the timer pushed while it ran, once each: the gaps before arrival and each building nobody carried.
    expect(d.alerted).toEqual(['gaps:1', ...(d.plan?.gaps ?? []).map((g) => `unassigned:${g.buildingId}`)])
    expect(main.collections.pushQueue).toEqual([])
  })

  it('is the same relay from any instant, dated the day before it, with nothing left for the timer', () => {
    const figures = (d: DemoData) => {
      const r = relayOf(d)
      return {
        summary: { ...d.summary.groupBuys.relay, arrivedAt: 0, doneAt: 0, autoReceiveHours: 0, deliveryId: 0 },
        times: [r.delivery.arrival?.at, r.delivery.doneAt].map((x) => formatShanghai(x as Date, 'HH:mm:ss')),
      }
    }
    const at0 = figures(main)
    for (const iso of ['2026-11-23T16:01:00Z', '2026-11-24T15:58:00Z', '2027-03-05T13:17:00Z']) {
      const at = Date.parse(iso)
      const other = generateDemo({ now: at })
      expect(figures(other)).toEqual(at0)
      const { delivery: d, stops } = relayOf(other)
      expect(shanghaiDay(d.doneAt as Date)).toBe(shanghaiDay(at - 86_400_000))
      const hours = d.settings?.autoReceiveHours as number
      expect(hours).toBeGreaterThanOrEqual(1)
      for (const s of stops) {
        if (s.status === 'delivered') expect(t(s.delivered?.at) + hours * HOUR).toBeGreaterThan(at)
        if (s.received) expect(t(s.received.at)).toBeLessThan(at)
      }
    }
  })

  it('has the figures docs/demo.md gives', () => {
    const s = main.summary.groupBuys.relay
    expect(
      s && [
        s.households,
        s.buildings,
        s.trips,
        s.carried,
        s.fromGate,
        s.confirmed,
        s.autoReceived,
        s.delivered,
        s.problems,
      ],
    ).toEqual([129, 84, 4, 11, 73, 124, 3, 2, 1])
  })

  it('is not in 示范二村', () => {
    const second = generateDemo({ ...SECOND_DEMO_COMMUNITY, now: NOW })
    const c = second.collections
    expect([c.deliveries, c.deliveryStops, c.deliveryBuildings, c.deliveryTrips, c.deliveryProblems]).toEqual([
      [],
      [],
      [],
      [],
      [],
    ])
    expect(second.summary.groupBuys.relay).toBeUndefined()
  })
})
