// The relay's pure rules: settings, transport trips (capacity, splits, balance, neighbours, posts, shifts, re-plan),
// door teams, building stages, the board's alerts, a bag's contents and the notices' fields.
import type { DeliveryAlert } from '../../typings/api'
import type { OrderDoc } from '../../server/groupbuy/model'
import type { DeliveryBuildingDoc, RelayDeliveryDoc } from '../../server/delivery/model'
import { labels } from '../../server/groupbuy/lists'
import {
  alertNotice,
  arrivedNotice,
  bagItems,
  buildingStage,
  DEFAULT_SETTINGS,
  deliveredNotice,
  deliveryAlerts,
  DOORS_AFTER_HOURS,
  doorTeam,
  linearPartition,
  onShift,
  planTrips,
  problemNotice,
  replanTrips,
  resolveSettings,
  SETTING_BOUNDS,
  tasksNotice,
  type DoorCandidate,
  type PlanBuilding,
  type PlannedTrip,
  type TransportVolunteer,
} from '../../server/delivery/rules'

const HOUR = 3_600_000
/** Tuesday 2026-11-24 14:00 in Shanghai. */
const AT = new Date('2026-11-24T06:00:00Z')
const later = (hours: number, from = AT) => new Date(from.getTime() + hours * HOUR)

/** A small seeded generator (mulberry32): the same seed, the same cases, whatever the day. */
function rng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) }
}

const building = (n: number, bags: number, pieces = bags): PlanBuilding => ({
  buildingId: `b${n}`,
  name: `${n}号楼`,
  order: n,
  groupId: `g${Math.ceil(n / 20)}`,
  bags,
  pieces,
})
const volunteer = (openid: string, posts: string[] = [], extra: Partial<TransportVolunteer> = {}) => ({
  openid,
  name: `志愿者${openid}`,
  posts,
  ...extra,
})
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0)

/** Bags and pieces each building gets over all trips. */
function carried(trips: readonly PlannedTrip[]) {
  const out = new Map<string, { bags: number; pieces: number }>()
  for (const t of trips)
    for (const s of t.stops) {
      const x = out.get(s.buildingId) ?? { bags: 0, pieces: 0 }
      out.set(s.buildingId, { bags: x.bags + s.bags, pieces: x.pieces + s.pieces })
    }
  return out
}
const loadOf = (trips: readonly PlannedTrip[]) => {
  const out = new Map<string, number>()
  for (const t of trips) out.set(t.openid, (out.get(t.openid) ?? 0) + t.bags)
  return out
}
const buildingsOf = (trips: readonly PlannedTrip[], openid: string) => [
  ...new Set(trips.filter((t) => t.openid === openid).flatMap((t) => t.stops.map((s) => s.buildingId))),
]
const orderOf = (id: string) => Number(id.slice(1))

/** Every trip within capacity and adding up; every trip's `no` 1.. per volunteer; every bag carried exactly once. */
function checkPlan(buildings: readonly PlanBuilding[], trips: readonly PlannedTrip[], capacity: number) {
  for (const t of trips) {
    expect(t.bags).toBeLessThanOrEqual(capacity)
    expect(t.bags).toBe(sum(t.stops.map((s) => s.bags)))
    expect(t.stops.every((s) => s.bags > 0 && Number.isInteger(s.pieces) && s.pieces >= 0)).toBe(true)
  }
  for (const openid of new Set(trips.map((t) => t.openid)))
    expect(trips.filter((t) => t.openid === openid).map((t) => t.no)).toEqual(
      trips.filter((t) => t.openid === openid).map((_, i) => i + 1),
    )
  const got = carried(trips)
  for (const b of buildings.filter((x) => got.has(x.buildingId)))
    expect(got.get(b.buildingId)).toEqual({ bags: b.bags, pieces: b.pieces })
}

describe('settings', () => {
  const deliveryAt = new Date('2026-11-24T06:00:00Z')

  it('defaults, with the doors due three hours after the delivery', () => {
    expect(resolveSettings(undefined, undefined, deliveryAt)).toEqual({
      capacity: 40,
      restMinutes: 60,
      autoReceiveHours: 24,
      gateAlertHours: 2,
      receiptAlertHours: 6,
      doorsBy: later(DOORS_AFTER_HOURS, deliveryAt),
    })
    expect(DOORS_AFTER_HOURS).toBe(3)
  })

  it('merges what is given over the previous plan, keys given as undefined changing nothing', () => {
    const prev = resolveSettings({ capacity: 30, doorsBy: '2026-11-24T18:00:00+08:00' }, undefined, deliveryAt)
    expect(prev.capacity).toBe(30)
    expect(prev.doorsBy.toISOString()).toBe('2026-11-24T10:00:00.000Z')
    const next = resolveSettings({ restMinutes: 0, capacity: undefined }, prev, deliveryAt)
    expect(next).toEqual({ ...prev, restMinutes: 0 })
    expect(resolveSettings({ doorsBy: '2026-11-24T20:00:00+08:00' }, prev, deliveryAt).doorsBy.toISOString()).toBe(
      '2026-11-24T12:00:00.000Z',
    )
  })

  it('keeps every default within its bounds', () => {
    for (const [key, [min, max]] of Object.entries(SETTING_BOUNDS)) {
      const v = DEFAULT_SETTINGS[key as keyof typeof DEFAULT_SETTINGS]
      expect(v).toBeGreaterThanOrEqual(min)
      expect(v).toBeLessThanOrEqual(max)
    }
    expect(SETTING_BOUNDS.capacity).toEqual([1, 500])
    expect(SETTING_BOUNDS.restMinutes).toEqual([0, 600])
  })
})

describe('shifts', () => {
  // AT is Tuesday 14:00 in Shanghai (06:00 UTC).
  it('puts a volunteer with no shifts on call at any hour', () => {
    expect(onShift(undefined, AT)).toBe(true)
    expect(onShift([], AT)).toBe(true)
  })

  it('reads hours in Shanghai time, the end not included', () => {
    expect(onShift([{ from: '13:00', to: '17:00' }], AT)).toBe(true)
    expect(onShift([{ from: '08:00', to: '14:00' }], AT)).toBe(false)
    expect(onShift([{ from: '14:00', to: '15:00' }], AT)).toBe(true)
    expect(onShift([{ from: '06:00', to: '07:00' }], AT)).toBe(false)
  })

  it('limits a shift to its weekdays, and runs one past midnight into the next day', () => {
    expect(onShift([{ from: '13:00', to: '17:00', days: [2] }], AT)).toBe(true)
    expect(onShift([{ from: '13:00', to: '17:00', days: [1, 3] }], AT)).toBe(false)
    // Monday 22:00–06:00 covers Tuesday 03:00, not Wednesday 03:00.
    const tue3 = new Date('2026-11-23T19:00:00Z')
    const wed3 = new Date('2026-11-24T19:00:00Z')
    expect(onShift([{ from: '22:00', to: '06:00', days: [1] }], tue3)).toBe(true)
    expect(onShift([{ from: '22:00', to: '06:00', days: [1] }], wed3)).toBe(false)
    expect(onShift([{ from: '22:00', to: '06:00' }], AT)).toBe(false)
  })

  it('reads a shift with no length or an unreadable time as covering no time', () => {
    expect(onShift([{ from: '14:00', to: '14:00' }], AT)).toBe(false)
    expect(onShift([{ from: '1pm', to: '17:00' }], AT)).toBe(false)
    expect(
      onShift(
        [
          { from: '1pm', to: '17:00' },
          { from: '13:30', to: '14:30' },
        ],
        AT,
      ),
    ).toBe(true)
  })
})

describe('transport trips', () => {
  it('keeps every trip within the capacity, in building order', () => {
    const bs = [building(1, 15), building(2, 20), building(3, 10), building(4, 30), building(5, 5)]
    const { trips, unassigned } = planTrips(bs, [volunteer('a')], { capacity: 40, at: AT })
    expect(unassigned).toEqual([])
    checkPlan(bs, trips, 40)
    expect(trips.map((t) => t.stops.map((s) => s.buildingId))).toEqual([['b1', 'b2'], ['b3', 'b4'], ['b5']])
  })

  it('splits a building bigger than a trip, pieces in proportion and summing exactly', () => {
    const bs = [building(1, 10, 10), building(2, 95, 131), building(3, 8, 9)]
    const { trips } = planTrips(bs, [volunteer('a')], { capacity: 40, at: AT })
    checkPlan(bs, trips, 40)
    const b2 = trips.flatMap((t) => t.stops.filter((s) => s.buildingId === 'b2'))
    expect(b2.map((s) => s.bags)).toEqual([30, 40, 25])
    expect(sum(b2.map((s) => s.pieces))).toBe(131)
    for (const s of b2) expect(Math.abs(s.pieces - (131 * s.bags) / 95)).toBeLessThan(1)
    // The split building's last part leaves room for the next one on the same trip.
    expect(trips.map((t) => t.bags)).toEqual([40, 40, 33])
  })

  it('splits a building many times the capacity over whole trips', () => {
    const bs = [building(1, 130, 130)]
    const { trips } = planTrips(bs, [volunteer('a')], { capacity: 40, at: AT })
    checkPlan(bs, trips, 40)
    expect(trips.map((t) => t.bags)).toEqual([40, 40, 40, 10])
  })

  it('balances bags within one building of an even share, each volunteer a run of neighbours (random cases)', () => {
    const r = rng(20261124)
    for (let round = 0; round < 300; round++) {
      const n = r.int(1, 150)
      const k = r.int(1, 8)
      const capacity = r.int(10, 60)
      const bs = Array.from({ length: n }, (_, i) => building(i + 1, r.int(1, 80)))
      const vs = Array.from({ length: k }, (_, i) => volunteer(`v${i}`))
      const { trips, unassigned } = planTrips(bs, vs, { capacity, at: AT })
      expect(unassigned).toEqual([])
      checkPlan(bs, trips, capacity)
      const total = sum(bs.map((b) => b.bags))
      expect(sum(trips.map((t) => t.bags))).toBe(total)
      const maxLoad = Math.max(...loadOf(trips).values())
      expect(maxLoad - total / k).toBeLessThanOrEqual(Math.max(...bs.map((b) => b.bags)))
      // Neighbouring: each volunteer's buildings are consecutive in the building order.
      for (const v of vs) {
        const mine = buildingsOf(trips, v.openid).map(orderOf)
        if (mine.length) expect(Math.max(...mine) - Math.min(...mine) + 1).toBe(mine.length)
      }
      // Neighbours' runs follow each other: volunteer i's buildings all come before volunteer j's or after.
      const runs = vs.map((v) => buildingsOf(trips, v.openid).map(orderOf)).filter((x) => x.length)
      runs.sort((x, y) => Math.min(...x) - Math.min(...y))
      for (let i = 1; i < runs.length; i++)
        expect(Math.min(...(runs[i] as number[]))).toBeGreaterThan(Math.max(...(runs[i - 1] as number[])))
    }
  })

  it('finds the least largest load a contiguous split can have (checked against exhaustive search)', () => {
    const r = rng(7)
    const best = (w: number[], k: number): number => {
      if (k === 1) return sum(w)
      let out = sum(w)
      for (let i = 0; i <= w.length; i++) out = Math.min(out, Math.max(sum(w.slice(0, i)), best(w.slice(i), k - 1)))
      return out
    }
    for (let round = 0; round < 150; round++) {
      const w = Array.from({ length: r.int(1, 9) }, () => r.int(1, 50))
      const k = r.int(1, 4)
      const runs = linearPartition(w, k)
      expect(runs).toHaveLength(k)
      expect(runs[0]?.[0]).toBe(0)
      expect(runs[k - 1]?.[1]).toBe(w.length)
      for (let i = 1; i < k; i++) expect(runs[i]?.[0]).toBe(runs[i - 1]?.[1])
      expect(Math.max(...runs.map(([a, b]) => sum(w.slice(a, b))))).toBe(best(w, k))
    }
  })

  it('spreads the load over everybody rather than leaving the last volunteer with little', () => {
    const bs = Array.from({ length: 12 }, (_, i) => building(i + 1, 10))
    const { trips } = planTrips(bs, [volunteer('a'), volunteer('b'), volunteer('c')], { capacity: 40, at: AT })
    expect([...loadOf(trips).values()]).toEqual([40, 40, 40])
  })

  it('gives a volunteer with posts only buildings of their posts, and the rest to those without', () => {
    const bs = Array.from({ length: 10 }, (_, i) => building(i + 1, 10))
    const vs = [volunteer('p', ['b9', 'b10', 'b99']), volunteer('a'), volunteer('b')]
    const { trips, unassigned } = planTrips(bs, vs, { capacity: 40, at: AT })
    expect(unassigned).toEqual([])
    checkPlan(bs, trips, 40)
    expect(buildingsOf(trips, 'p').sort()).toEqual(['b10', 'b9'])
    expect(buildingsOf(trips, 'a')).toEqual(['b1', 'b2', 'b3', 'b4'])
    expect(buildingsOf(trips, 'b')).toEqual(['b5', 'b6', 'b7', 'b8'])
  })

  it('balances the buildings of a shared post among those posted to it, each a run', () => {
    const bs = Array.from({ length: 8 }, (_, i) => building(i + 1, 10))
    const posts = bs.map((b) => b.buildingId)
    const { trips } = planTrips(bs, [volunteer('p1', posts), volunteer('p2', posts)], { capacity: 40, at: AT })
    expect(buildingsOf(trips, 'p1')).toEqual(['b1', 'b2', 'b3', 'b4'])
    expect(buildingsOf(trips, 'p2')).toEqual(['b5', 'b6', 'b7', 'b8'])
  })

  it('shares overlapping posts by load, each building only to someone posted to it', () => {
    const bs = [building(1, 30), building(2, 10), building(3, 10), building(4, 10), building(5, 10)]
    const vs = [volunteer('x', ['b1', 'b2', 'b3']), volunteer('y', ['b3', 'b4', 'b5'])]
    const { trips, unassigned } = planTrips(bs, vs, { capacity: 40, at: AT })
    expect(unassigned).toEqual([])
    checkPlan(bs, trips, 40)
    expect(buildingsOf(trips, 'x')).toEqual(['b1', 'b2'])
    expect(buildingsOf(trips, 'y')).toEqual(['b3', 'b4', 'b5'])
  })

  it('honours posts and carries everything someone may take (random cases)', () => {
    const r = rng(12)
    for (let round = 0; round < 200; round++) {
      const n = r.int(1, 40)
      const bs = Array.from({ length: n }, (_, i) => building(i + 1, r.int(0, 70)))
      const vs = Array.from({ length: r.int(0, 5) }, (_, i) =>
        volunteer(
          `v${i}`,
          r.next() < 0.6 ? Array.from({ length: r.int(1, 6) }, () => `b${r.int(1, n + 2)}`) : [],
          r.next() < 0.2 ? { shifts: [{ from: '08:00', to: '12:00' }] } : {},
        ),
      )
      const capacity = r.int(5, 50)
      const { trips, unassigned } = planTrips(bs, vs, { capacity, at: AT })
      checkPlan(bs, trips, capacity)
      const onDuty = vs.filter((v) => !v.shifts)
      for (const t of trips) {
        const v = onDuty.find((x) => x.openid === t.openid) as TransportVolunteer
        expect(v).toBeDefined()
        if (v.posts.length) for (const s of t.stops) expect(v.posts).toContain(s.buildingId)
      }
      const anyone = onDuty.some((v) => v.posts.length === 0)
      const takable = (b: PlanBuilding) => anyone || onDuty.some((v) => v.posts.includes(b.buildingId))
      expect(unassigned).toEqual(bs.filter((b) => b.bags > 0 && !takable(b)).map((b) => b.buildingId))
      const got = carried(trips)
      for (const b of bs.filter((x) => x.bags > 0 && takable(x))) expect(got.get(b.buildingId)?.bags).toBe(b.bags)
    }
  })

  it('returns the buildings nobody may take, and skips buildings with no bags', () => {
    const bs = [building(1, 10), building(2, 0), building(3, 10), building(4, 5)]
    const { trips, unassigned } = planTrips(bs, [volunteer('p', ['b3'])], { capacity: 40, at: AT })
    expect(buildingsOf(trips, 'p')).toEqual(['b3'])
    expect(unassigned).toEqual(['b1', 'b4'])
    expect(planTrips(bs, [], { capacity: 40, at: AT })).toEqual({ trips: [], unassigned: ['b1', 'b3', 'b4'] })
  })

  it('leaves out volunteers off shift at the time of the relay', () => {
    const bs = Array.from({ length: 6 }, (_, i) => building(i + 1, 10))
    const vs = [volunteer('a', [], { shifts: [{ from: '08:00', to: '12:00' }] }), volunteer('b')]
    const { trips } = planTrips(bs, vs, { capacity: 40, at: AT })
    expect(buildingsOf(trips, 'a')).toEqual([])
    expect(sum(trips.map((t) => t.bags))).toBe(60)
    const evening = planTrips(bs, vs, { capacity: 40, at: new Date('2026-11-24T02:00:00Z') })
    expect(buildingsOf(evening.trips, 'a').length).toBeGreaterThan(0)
    const nobody = planTrips(bs, [vs[0] as TransportVolunteer], { capacity: 40, at: AT })
    expect(nobody.unassigned).toHaveLength(6)
  })

  it('plans the same whatever the order of its input', () => {
    const r = rng(99)
    const bs = Array.from({ length: 40 }, (_, i) => building(i + 1, r.int(1, 50)))
    const vs = [volunteer('c'), volunteer('a', ['b3', 'b4']), volunteer('b'), volunteer('d', [], { shifts: [] })]
    const one = planTrips(bs, vs, { capacity: 35, at: AT })
    const two = planTrips([...bs].reverse(), [...vs].reverse(), { capacity: 35, at: AT })
    expect(two).toEqual(one)
  })

  it('plans 135 buildings for 5 volunteers well under 50 ms', () => {
    const r = rng(1506)
    const bs = Array.from({ length: 135 }, (_, i) => building(i + 1, r.int(4, 20)))
    const vs = Array.from({ length: 5 }, (_, i) => volunteer(`v${i}`))
    planTrips(bs, vs, { capacity: 40, at: AT })
    const t0 = performance.now()
    for (let i = 0; i < 10; i++) planTrips(bs, vs, { capacity: 40, at: AT })
    expect((performance.now() - t0) / 10).toBeLessThan(50)
  })
})

describe('re-plan', () => {
  const bs = Array.from({ length: 9 }, (_, i) => building(i + 1, 20, 25))
  const vs = [volunteer('a'), volunteer('b'), volunteer('c')]
  const first = planTrips(bs, vs, { capacity: 40, at: AT })

  it('keeps what was kept untouched, gives nothing new to the dropped, and carries every bag', () => {
    // a's first trip has left the gate; a then drops out.
    const kept = first.trips.filter((t) => t.openid === 'a' && t.no === 1)
    expect(kept).toHaveLength(1)
    const keptCopy = structuredClone(kept)
    const r = replanTrips({ buildings: bs, kept, volunteers: vs, dropped: ['a'], capacity: 40, at: AT })
    expect(r.unassigned).toEqual([])
    expect(r.trips.slice(0, kept.length)).toEqual(keptCopy)
    const fresh = r.trips.slice(kept.length)
    expect(fresh.some((t) => t.openid === 'a')).toBe(false)
    const got = carried(r.trips)
    for (const b of bs) expect(got.get(b.buildingId)).toEqual({ bags: 20, pieces: 25 })
    expect(fresh.every((t) => t.bags <= 40)).toBe(true)
  })

  it('takes off a partly carried building and continues each volunteer’s trip numbers', () => {
    const kept: PlannedTrip[] = [{ openid: 'b', no: 1, stops: [{ buildingId: 'b4', bags: 5, pieces: 6 }], bags: 5 }]
    const r = replanTrips({ buildings: bs, kept, volunteers: vs, dropped: [], capacity: 40, at: AT })
    expect(carried(r.trips).get('b4')).toEqual({ bags: 20, pieces: 25 })
    const bTrips = r.trips.filter((t) => t.openid === 'b').map((t) => t.no)
    expect(bTrips[0]).toBe(1)
    expect(bTrips.slice(1)).toEqual(bTrips.slice(1).map((_, i) => i + 2))
  })

  it('returns the buildings left when everybody remaining is off shift or dropped', () => {
    const off = [volunteer('a'), volunteer('b', [], { shifts: [{ from: '06:00', to: '07:00' }] })]
    const r = replanTrips({ buildings: bs, kept: [], volunteers: off, dropped: ['a'], capacity: 40, at: AT })
    expect(r.trips).toEqual([])
    expect(r.unassigned).toEqual(bs.map((b) => b.buildingId))
  })
})

describe('door teams', () => {
  const lead: DoorCandidate = { openid: 'lead', name: '李楼长', role: 'buildingLead', posts: [], buildingId: 'b3' }
  const otherLead: DoorCandidate = { ...lead, openid: 'lead5', buildingId: 'b5' }
  const online: DoorCandidate = {
    openid: 'on',
    name: '云上志愿者',
    role: 'volunteer',
    volunteerType: 'online',
    posts: ['b3', 'b4'],
  }
  const helper: DoorCandidate = {
    openid: 'help',
    name: '楼栋志愿者',
    role: 'volunteer',
    volunteerType: 'building',
    posts: ['b3'],
    shifts: [{ from: '18:00', to: '21:00' }],
  }
  const elsewhere: DoorCandidate = { ...online, openid: 'far', posts: ['b9'] }
  const all = [online, helper, elsewhere, lead, otherLead]
  const evening = new Date('2026-11-24T11:00:00Z') // 19:00 in Shanghai

  it('is the building’s leads and paired volunteers on shift, leads first', () => {
    expect(doorTeam('b3', all, undefined, evening).map((c) => c.openid)).toEqual(['lead', 'on', 'help'])
    // At 14:00 the 楼栋 volunteer is off shift; the lead has no shifts.
    expect(doorTeam('b3', all, undefined, AT).map((c) => c.openid)).toEqual(['lead', 'on'])
    expect(doorTeam('b7', all, undefined, AT)).toEqual([])
  })

  it('keeps a configured team to those still eligible, and leaves out the dropped', () => {
    expect(doorTeam('b3', all, ['help', 'far', 'on'], evening).map((c) => c.openid)).toEqual(['help', 'on'])
    expect(doorTeam('b3', all, ['help', 'on'], AT).map((c) => c.openid)).toEqual(['on'])
    expect(doorTeam('b3', all, undefined, evening, ['on', 'lead']).map((c) => c.openid)).toEqual(['help'])
    expect(doorTeam('b3', all, ['on'], evening, ['on'])).toEqual([])
  })

  it('counts a lead who is also a paired volunteer once, as the lead', () => {
    const both: DoorCandidate = { ...online, openid: 'lead' }
    const team = doorTeam('b3', [both, lead], undefined, AT)
    expect(team).toEqual([lead])
  })
})

describe('building stages', () => {
  const b = { households: 10, delivered: 0, received: 0, problems: 0, dropsDone: 0, dropsTotal: 2 }

  it('moves gate → on trip → at the entrance → done', () => {
    expect(buildingStage(b)).toBe('gate')
    expect(buildingStage({ ...b, dropsDone: 1 })).toBe('onTrip')
    expect(buildingStage({ ...b, dropsDone: 2 })).toBe('atEntrance')
    expect(buildingStage({ ...b, dropsDone: 2, delivered: 9 })).toBe('atEntrance')
    expect(buildingStage({ ...b, dropsDone: 2, delivered: 8, problems: 2 })).toBe('done')
    expect(buildingStage({ ...b, dropsDone: 2, delivered: 10, received: 4 })).toBe('done')
  })

  it('is at the entrance when no trip carries it but its doors are being served', () => {
    expect(buildingStage({ ...b, dropsTotal: 0 })).toBe('gate')
    expect(buildingStage({ ...b, dropsTotal: 0, delivered: 1 })).toBe('atEntrance')
  })
})

describe('alerts', () => {
  const settings = resolveSettings(
    { doorsBy: '2026-11-24T17:00:00+08:00', gateAlertHours: 2, receiptAlertHours: 6, restMinutes: 60 },
    undefined,
    AT,
  )
  const delivery = (patch: Partial<RelayDeliveryDoc> = {}): RelayDeliveryDoc => ({
    _id: 'd1',
    communityId: 'c1',
    buyId: 'buy1',
    kind: 'drop',
    title: '保供大米发放',
    status: 'awaiting',
    deliveryAt: AT,
    createdAt: later(-24),
    buildings: [],
    households: 30,
    pieces: 30,
    settings,
    plan: { version: 1, plannedAt: later(-2), by: 'o-c', requestIds: [], gaps: [], dropped: [] },
    ...patch,
  })
  const part = (n: number, patch: Partial<DeliveryBuildingDoc> = {}): DeliveryBuildingDoc & { name: string } => ({
    _id: `d1:b${n}`,
    deliveryId: 'd1',
    communityId: 'c1',
    groupId: 'g1',
    buildingId: `b${n}`,
    name: `${n}号楼`,
    order: n,
    stage: 'gate',
    households: 10,
    pieces: 10,
    delivered: 0,
    received: 0,
    problems: 0,
    door: [],
    doorNames: [],
    transport: [],
    transportNames: [],
    dropsTotal: 1,
    dropsDone: 0,
    updatedAt: AT,
    ...patch,
  })
  const kinds = (a: DeliveryAlert[]) => a.map((x) => `${x.kind}:${x.buildingId ?? ''}:${x.count}`)
  const step = (at: Date) => ({ at, by: 'o-x', byName: '张三' })

  it('has none for a plan without gaps before the goods arrive', () => {
    expect(deliveryAlerts({ delivery: delivery(), buildings: [part(1)], openProblems: 0, now: later(-1) })).toEqual([])
  })

  it('flags each gap of the plan with its building until the building is done', () => {
    const d = delivery({
      plan: {
        version: 1,
        plannedAt: AT,
        by: 'o-c',
        requestIds: [],
        gaps: [
          { buildingId: 'b3', missing: 'door' },
          { buildingId: 'b1', missing: 'transport' },
          { buildingId: 'b2', missing: 'door' },
          { buildingId: 'b9', missing: 'door' },
        ],
        dropped: [],
      },
    })
    const bs = [part(1), part(2, { delivered: 10, dropsDone: 1 }), part(3)]
    const a = deliveryAlerts({ delivery: d, buildings: bs, openProblems: 0, now: later(-1) })
    expect(kinds(a)).toEqual(['unassigned:b1:10', 'unassigned:b3:10'])
    expect(a[1]?.message).toBe('3号楼 没有人负责送到门口')
    expect(a[1]?.buildingName).toBe('3号楼')
    expect(a[0]?.message).toBe('1号楼 没有人负责从大门运过去')
  })

  /** Arrived at AT, the rest until an hour later, the doors due the next day (no late alerts here). */
  const relaying = () =>
    delivery({
      status: 'relaying',
      arrival: { ...step(AT), check: 'full' },
      restUntil: later(1),
      settings: { ...settings, doorsBy: later(24) },
    })

  it('says goods wait at the gate only once they have waited longer than gateAlertHours after the rest', () => {
    const d = relaying()
    const bs = [part(1), part(2, { dropsDone: 1 })]
    const at = (h: number) => deliveryAlerts({ delivery: d, buildings: bs, openProblems: 0, now: later(h) })
    expect(at(3)).toEqual([])
    const a = at(3.01)
    expect(kinds(a)).toEqual(['stale::10'])
    expect(a[0]?.message).toBe('物资在大门已等候 2 小时，1 栋楼还没运走')
    expect(at(4.5)[0]?.message).toContain('已等候 3 小时')
    // An early end of the rest counts from then; the rest is taken as planned when neither is known.
    expect(
      kinds(
        deliveryAlerts({
          delivery: { ...d, restEndedAt: later(0.5) },
          buildings: bs,
          openProblems: 0,
          now: later(2.6),
        }),
      ),
    ).toEqual(['stale::10'])
    const { restUntil: _, ...noRest } = d
    expect(deliveryAlerts({ delivery: noRest, buildings: bs, openProblems: 0, now: later(2.9) })).toEqual([])
    expect(kinds(deliveryAlerts({ delivery: noRest, buildings: bs, openProblems: 0, now: later(3.1) }))).toEqual([
      'stale::10',
    ])
    // Nothing left at the gate, nothing to say.
    expect(at(5).length).toBe(1)
    expect(
      deliveryAlerts({ delivery: d, buildings: [part(2, { dropsDone: 1 })], openProblems: 0, now: later(5) }),
    ).toEqual([])
  })

  it('says bags wait at an entrance longer than gateAlertHours after its last drop', () => {
    const d = relaying()
    const b = part(4, { dropsDone: 1, delivered: 3, problems: 1, atEntrance: { ...step(later(1.5)), markId: 'm1' } })
    const at = (h: number) => deliveryAlerts({ delivery: d, buildings: [b], openProblems: 0, now: later(h) })
    expect(at(3.5)).toEqual([])
    const a = at(3.6)
    expect(kinds(a)).toEqual(['stale:b4:6'])
    expect(a[0]?.message).toBe('4号楼 楼门口已等候 2 小时，还有 6 户未送')
    expect(
      deliveryAlerts({ delivery: d, buildings: [{ ...b, delivered: 9 }], openProblems: 0, now: later(5) }),
    ).toEqual([])
  })

  it('says which buildings are not done at doorsBy, from doorsBy on', () => {
    const d = delivery({ status: 'relaying', arrival: { ...step(AT), check: 'full' }, restUntil: later(1) })
    const bs = [
      part(1, { dropsDone: 1, delivered: 10 }),
      part(2, { dropsDone: 1, delivered: 2, atEntrance: { ...step(later(2.5)), markId: 'm' } }),
    ]
    const at = (h: number) => deliveryAlerts({ delivery: d, buildings: bs, openProblems: 0, now: later(h) })
    expect(kinds(at(2.99))).toEqual([])
    const a = at(3)
    expect(kinds(a)).toEqual(['late:b2:8'])
    expect(a[0]?.message).toBe('2号楼 到截止时间还有 8 户未送')
  })

  it('counts bags delivered and not received for receiptAlertHours, per building', () => {
    const d = relaying()
    const bs = [
      part(1, { dropsDone: 1, delivered: 10, received: 4, doneAt: later(2) }),
      part(2, { dropsDone: 1, delivered: 10, received: 10, doneAt: later(2) }),
    ]
    const at = (h: number) => deliveryAlerts({ delivery: d, buildings: bs, openProblems: 0, now: later(h) })
    expect(kinds(at(7.9))).toEqual([])
    const a = at(8)
    expect(kinds(a)).toEqual(['unreceived:b1:6'])
    expect(a[0]?.message).toBe('1号楼 6 户送到 6 小时仍未签收')
    // From the stops when given: each bag by its own time.
    const stop = (buildingId: string, h: number, status: 'delivered' | 'received' = 'delivered') => ({
      buildingId,
      status,
      delivered: { ...step(later(h)), markId: `m${h}` },
    })
    const stops = [stop('b1', 1.5), stop('b1', 2), stop('b1', 2.5), stop('b2', 1.5, 'received'), stop('b2', 2)]
    const withStops = (h: number) =>
      deliveryAlerts({ delivery: d, buildings: bs, openProblems: 0, now: later(h), delivered: stops })
    expect(kinds(withStops(7.49))).toEqual([])
    expect(kinds(withStops(7.5))).toEqual(['unreceived:b1:1'])
    expect(kinds(withStops(8))).toEqual(['unreceived:b1:2', 'unreceived:b2:1'])
  })

  it('counts open problems in one alert, after the others', () => {
    const d = delivery({ status: 'done', doneAt: later(3) })
    expect(deliveryAlerts({ delivery: d, buildings: [], openProblems: 0, now: later(4) })).toEqual([])
    const a = deliveryAlerts({
      delivery: d,
      buildings: [part(1, { dropsDone: 1, delivered: 10, received: 1, doneAt: later(1) })],
      openProblems: 3,
      now: later(9),
    })
    expect(kinds(a)).toEqual(['unreceived:b1:9', 'problems::3'])
    expect(a[1]?.message).toBe('有 3 个问题待处理')
  })
})

describe('a bag’s contents', () => {
  type Line = OrderDoc['lines'][number]
  const line = (l: Partial<Line> & Pick<Line, 'name' | 'spec' | 'unit' | 'packSize' | 'qty'>): Line => ({
    itemId: l.name,
    price: 0,
    ...l,
  })
  const rice = line({ name: '大米', spec: '10公斤/袋', unit: '公斤', packSize: 10, qty: 10 })
  const eggs = line({ name: '鸡蛋', spec: '30个/箱', unit: '个', packSize: 30, qty: 60 })
  const pork = line({ name: '猪肉', spec: '', unit: '斤', packSize: 1, qty: 3 })
  const oranges = line({ name: '橙子', spec: '10斤/箱', unit: '箱', packSize: 1, qty: 2 })
  const potatoes = line({ name: '土豆', spec: '', unit: '个', packSize: 1, qty: 5 })
  const partEggs = line({ name: '鸡蛋', spec: '30个/箱', unit: '个', packSize: 30, qty: 45 })
  const flour = line({ name: '面粉', spec: '5公斤/袋', unit: '袋', packSize: 1, qty: 1 })

  /** The labels the group-buy lists print for the same lines. */
  const labelCount = (lines: Line[]) =>
    labels(
      { items: [], shopName: '居委', organiser: { openid: 'o', role: 'committee', name: '居委' } },
      [{ _id: 'o1', buildingId: 'b1', room: '201', status: 'active', lines } as unknown as OrderDoc],
      [{ id: 'b1', name: '1号', order: 1 }],
      () => ({ name: '', phone: '' }),
    ).length

  it.each([
    ['公斤 by the 10 kg bag', [rice], '大米 10公斤×1', 1],
    ['eggs by the 箱', [eggs], '鸡蛋 30个×2', 2],
    ['斤 measured', [pork], '猪肉 3斤×1', 1],
    ['a 箱 counted one by one', [oranges], '橙子 10斤×2', 2],
    ['counted with no spec', [potatoes], '土豆 5个', 5],
    ['a part pack', [partEggs], '鸡蛋 30个×1+15个', 2],
    ['a 袋 of 公斤', [flour], '面粉 5公斤×1', 1],
    ['several lines', [rice, eggs], '大米 10公斤×1、鸡蛋 30个×2', 3],
  ])('%s', (_, lines, items, pieces) => {
    expect(bagItems(lines)).toEqual({ items, pieces })
    expect(labelCount(lines)).toBe(pieces)
  })

  it('leaves out lines with nothing ordered', () => {
    expect(bagItems([{ ...eggs, qty: 0 }, pork])).toEqual({ items: '猪肉 3斤×1', pieces: 1 })
  })
})

describe('notices', () => {
  const TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/
  /** Every field within its template type's limit, and none empty. */
  const withinLimits = (fields: Record<string, string>) => {
    for (const [key, v] of Object.entries(fields)) {
      expect(v.length).toBeGreaterThan(0)
      const type = key.replace(/\d+$/, '')
      if (type === 'thing') expect([...v].length).toBeLessThanOrEqual(20)
      else if (type === 'phrase') expect(v).toMatch(/^[\u4e00-\u9fff]{1,5}$/)
      else if (type === 'time') expect(v).toMatch(TIME)
      else throw new Error(`unexpected field ${key}`)
    }
  }
  const longTitle = '保供物资发放：每户大米十公斤、食用油一桶、鸡蛋一箱'
  const longName = '东区一百二十八弄十二号楼二单元'

  it('tells a volunteer their trips or their doors, in Shanghai time', () => {
    const trips = [
      { bags: 40, stops: [{ buildingId: 'b1' }, { buildingId: 'b2' }] },
      { bags: 30, stops: [{ buildingId: 'b3' }, { buildingId: 'b4' }] },
      { bags: 16, stops: [{ buildingId: 'b5' }] },
    ]
    const t = tasksNotice('保供大米发放', { trips, doors: [] }, AT)
    expect(t).toEqual({
      thing1: '保供大米发放',
      thing2: '3趟 5栋楼 共86份',
      time3: '2026-11-24 14:00',
      thing4: '物资到大门后，按趟运到楼门口',
    })
    const d = tasksNotice(
      '保供大米发放',
      { trips: [], doors: [{ buildingName: '3号楼', households: 24 }] },
      AT,
      '请戴好口罩',
    )
    expect(d.thing2).toBe('3号楼 送到门口 24户')
    expect(d.thing4).toBe('请戴好口罩')
    const both = tasksNotice('x', { trips, doors: [{ buildingName: '3号楼', households: 24 }] }, AT)
    expect(both.thing2).toBe('3趟 5栋楼 共86份，另送1栋楼门口')
    for (const f of [t, d, both]) withinLimits(f)
  })

  it('keeps every notice within its fields’ limits, long names cut first', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ bags: 40, stops: [{ buildingId: `b${i}` }] }))
    const doors = [
      { buildingName: longName, households: 124 },
      { buildingName: '2号楼', households: 30 },
    ]
    const fields = [
      tasksNotice(longTitle, { trips: many, doors }, AT, '注意：今天下午两点在小区东门集合，带好手套和口罩'),
      tasksNotice('', { trips: [], doors: [{ buildingName: longName, households: 124 }] }, AT),
      arrivedNotice(longTitle, { name: longName, bags: 124 }, AT),
      deliveredNotice('东区128弄12号2单元-1201', longTitle, AT),
      alertNotice(longTitle, { message: `${longName} 到截止时间还有 124 户未送`, buildingName: longName }, AT),
      alertNotice(longTitle, { message: '物资在大门已等候 13 小时，128 栋楼还没运走' }, AT),
      problemNotice(longTitle, '东区128弄12号2单元-1201', 'nobodyHome', '敲门无人应答，电话也打不通，已把物资放在门口'),
      problemNotice('配送', '3号-201', 'damaged', ''),
    ]
    for (const f of fields) withinLimits(f)
    expect(fields[1]?.thing2).toMatch(/ 送到门口 124户$/)
    expect(fields[3]?.thing2).toMatch(/ 的物资已送到门口$/)
    expect(fields[4]?.thing2).toMatch(/ 到截止时间还有 124 户未送$/)
  })

  it('says the household’s bag is at its door, the arrival at a building and a problem', () => {
    expect(deliveredNotice('3号-201', '保供大米发放', AT)).toEqual({
      thing1: '保供大米发放',
      thing2: '3号-201 的物资已送到门口',
      time3: '2026-11-24 14:00',
    })
    expect(arrivedNotice('保供大米发放', { name: '3号楼', bags: 24 }, AT)).toMatchObject({ thing2: '3号楼 24份' })
    expect(alertNotice('保供大米发放', { message: '3号楼 没有人负责送到门口', buildingName: '3号楼' }, AT).thing2).toBe(
      '3号楼 没有人负责送到门口',
    )
    expect(problemNotice('保供大米发放', '3号-201', 'wrong', '发成了鸡蛋')).toEqual({
      thing1: '保供大米发放',
      thing2: '3号-201',
      phrase3: '发错',
      thing4: '发成了鸡蛋',
    })
    expect(problemNotice('配送', '3号-201', 'nobodyHome', '').phrase3).toBe('无人在家')
  })
})
