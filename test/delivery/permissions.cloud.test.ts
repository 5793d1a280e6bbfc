// Who sees and does what in the relay, bad input, races and the notices' fields: a volunteer sees and marks only
// their own tasks, everything refused writes nothing, two people marking one building at once leave exact counters.
import type { BoardView, MyTasksView, PlanView, StopMarkResult } from '../../typings/api'
import type { DeliveryBuildingDoc } from '../../server/delivery/model'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { H, snapshot, WHO } from '../support/community'
import { settledOutbox } from '../support/pushes'
import { DELIVERY, freshId, loadRelay, PEOPLE, relay, volunteer } from '../support/relay'

let t: TestCloud
let r: ReturnType<typeof relay>
beforeAll(async () => {
  t = await startTestCloud()
  r = relay(t)
})
afterAll(() => t.stop())

const stopOf = (householdId: string) => `${DELIVERY}:${householdId}`

async function relaying(): Promise<PlanView> {
  const p = await r.ok<PlanView>(WHO.committee, 'planDelivery', { deliveryId: DELIVERY, requestId: freshId() })
  await r.ok<BoardView>(WHO.committee, 'recordArrival', { deliveryId: DELIVERY, check: 'full' })
  await r.ok<BoardView>(WHO.committee, 'endRest', { deliveryId: DELIVERY })
  return p
}

/** The call is refused with `code` and the database is exactly as it was. */
async function refusedWith(code: string, who: string, action: string, payload: object): Promise<void> {
  const before = await snapshot(t)
  expect(await r.call(who, action, payload)).toMatchObject({ ok: false, code })
  expect(await snapshot(t)).toBe(before)
}

describe('a volunteer’s own tasks', () => {
  beforeEach(async () => {
    await loadRelay(t)
    await relaying()
  })

  it('shows each door person their building only, and nothing to someone without tasks', async () => {
    const b2 = await r.ok<MyTasksView>(PEOPLE.building2, 'myTasks', { deliveryId: DELIVERY })
    expect(b2.trips).toEqual([])
    expect(b2.doors.map((d) => d.buildingId)).toEqual(['b2'])
    // Rooms and items only: no names or phones on a volunteer's list.
    expect(JSON.stringify(b2)).not.toMatch(/钱七|138/)
    expect(await r.ok(WHO.resident, 'myTasks', { deliveryId: DELIVERY })).toBeNull()
    // The board says who has opened their list: 2号's door team has, 1号's has not (nor its transport).
    const board = await r.ok<BoardView>(WHO.committee, 'board', { deliveryId: DELIVERY })
    const seen = Object.fromEntries(board.buildings.map((b) => [b.buildingId, [b.doorSeen, b.transportSeen]]))
    expect(seen).toEqual({ b1: [false, false], b2: [true, false], b3: [false, false] })
    const plan = await r.ok<PlanView>(WHO.committee, 'getPlan', { deliveryId: DELIVERY })
    const trip = plan.trips.find((x) => x.stops.some((st) => st.buildingId === 'b1')) as PlanView['trips'][number]
    expect(trip.seenAt).toBeUndefined()
    await r.ok<MyTasksView>(trip.openid, 'myTasks', { deliveryId: DELIVERY })
    const after = await r.ok<BoardView>(WHO.committee, 'board', { deliveryId: DELIVERY })
    expect(after.buildings.find((b) => b.buildingId === 'b1')?.transportSeen).toBe(true)
    expect(
      (await r.ok<PlanView>(WHO.committee, 'getPlan', { deliveryId: DELIVERY })).trips.find((x) => x.id === trip.id)
        ?.seenAt,
    ).toBeTruthy()
    expect(await r.call(WHO.otherCommittee, 'myTasks', { deliveryId: DELIVERY })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
  })

  it('refuses a stop not on the caller’s list, and writes nothing for it', async () => {
    const before = await t.data.get<DeliveryBuildingDoc>('deliveryBuildings', `${DELIVERY}:b1`)
    const res = await r.ok<StopMarkResult[]>(PEOPLE.building2, 'markStops', {
      deliveryId: DELIVERY,
      marks: [{ stopId: stopOf(H.b1r101._id), markId: freshId('mark') }],
    })
    expect(res).toEqual([expect.objectContaining({ result: 'refused', code: 'NOT_YOUR_TASK' })])
    expect(await t.data.get<DeliveryBuildingDoc>('deliveryBuildings', `${DELIVERY}:b1`)).toEqual(before)
    // A resident cannot mark at all; neither can another community's committee.
    await refusedWith('FORBIDDEN', WHO.resident, 'markStops', {
      deliveryId: DELIVERY,
      marks: [{ stopId: stopOf(H.b1r101._id), markId: freshId('mark') }],
    })
    await refusedWith('FORBIDDEN', WHO.otherCommittee, 'markStops', {
      deliveryId: DELIVERY,
      marks: [{ stopId: stopOf(H.b1r101._id), markId: freshId('mark') }],
    })
  })

  it('lets a transport volunteer mark only their own trips', async () => {
    const p = await r.ok<PlanView>(WHO.committee, 'getPlan', { deliveryId: DELIVERY })
    const trip = p.trips.find((x) => x.openid === PEOPLE.transport1) as PlanView['trips'][number]
    const other = p.trips.find((x) => x.openid !== PEOPLE.transport1) as PlanView['trips'][number]
    await refusedWith('NOT_YOUR_TASK', PEOPLE.transport1, 'markEntrance', {
      deliveryId: DELIVERY,
      tripId: other.id,
      buildingId: other.stops[0]?.buildingId,
      markId: freshId('mark'),
    })
    await refusedWith('NOT_YOUR_TASK', PEOPLE.transport1, 'markEntrance', {
      deliveryId: DELIVERY,
      tripId: trip.id,
      buildingId: 'b3',
      markId: freshId('mark'),
    })
  })

  it('shows the board to leads (their buildings) and not to volunteers or residents', async () => {
    const lead = await r.ok<BoardView>(WHO.buildingLead, 'board', { deliveryId: DELIVERY })
    expect(lead.buildings.map((b) => b.buildingId)).toEqual(['b1'])
    const ying = await r.ok<BoardView>(WHO.groupLead, 'board', { deliveryId: DELIVERY })
    expect(ying.buildings.map((b) => b.buildingId)).toEqual(['b1', 'b2'])
    const all = await r.ok<BoardView>(WHO.committee, 'board', { deliveryId: DELIVERY })
    expect(all.buildings.map((b) => b.buildingId)).toEqual(['b1', 'b2', 'b3'])
    // Names are masked for everyone but the committee.
    expect(ying.buildings.find((b) => b.buildingId === 'b2')?.doorTeam).not.toContain('志愿者bv2')
    expect(all.buildings.find((b) => b.buildingId === 'b2')?.doorTeam).toContain('志愿者bv2')
    for (const who of [PEOPLE.building2, WHO.resident, WHO.otherCommittee, WHO.stranger])
      expect(await r.call(who, 'board', { deliveryId: DELIVERY })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })

  it('lets a building’s lead choose its door team among its own people only', async () => {
    await refusedWith('INVALID_INPUT', WHO.buildingLead, 'setDoorTeam', {
      buildingId: 'b1',
      openids: [PEOPLE.building2],
    })
    await refusedWith('FORBIDDEN', WHO.buildingLead, 'setDoorTeam', { buildingId: 'b2', openids: [PEOPLE.building2] })
    const team = await r.ok<{ members: { openid: string }[]; isDefault: boolean }>(WHO.buildingLead, 'setDoorTeam', {
      buildingId: 'b1',
      openids: [PEOPLE.lead1],
    })
    expect(team).toMatchObject({ isDefault: false, members: [{ openid: PEOPLE.lead1 }] })
  })

  it('hands a building’s bags to its new door team at once, and tells the newcomer', async () => {
    await t.data.insertMany('roles', [volunteer('o-bv1', 'building', ['b1'])])
    await t.admin('outbox', { method: 'DELETE' })
    await r.ok(WHO.buildingLead, 'setDoorTeam', { buildingId: 'b1', openids: ['o-bv1'] })
    expect(await t.data.get<DeliveryBuildingDoc>('deliveryBuildings', `${DELIVERY}:b1`)).toMatchObject({
      door: ['o-bv1'],
    })
    const told = (await settledOutbox(t)).filter((m) => m.touser === 'o-bv1')
    expect(told.map((m) => m.data.thing2?.value)).toEqual(['1号 送到门口 3户'])
    expect(await r.ok(PEOPLE.lead1, 'myTasks', { deliveryId: DELIVERY })).toBeNull()
  })
})

describe('bad input', () => {
  beforeEach(async () => {
    await loadRelay(t)
    await relaying()
  })

  it.each([
    ['no marks', { marks: [] }],
    [
      'more than 100 marks',
      { marks: Array.from({ length: 101 }, (_, i) => ({ stopId: `s${i}`, markId: `mark-000${i}` })) },
    ],
    ['a short markId', { marks: [{ stopId: stopOf(H.b1r101._id), markId: 'x' }] }],
    ['a time that is not a time', { marks: [{ stopId: stopOf(H.b1r101._id), markId: freshId('m'), at: '昨天' }] }],
    ['a stray field', { marks: [{ stopId: stopOf(H.b1r101._id), markId: freshId('m'), status: 'received' }] }],
  ])('markStops with %s is refused and writes nothing', async (_what, extra) => {
    await refusedWith('INVALID_INPUT', PEOPLE.lead1, 'markStops', { deliveryId: DELIVERY, ...extra })
  })

  it('refuses a mark timed in the future, alone in its batch', async () => {
    const res = await r.ok<StopMarkResult[]>(PEOPLE.lead1, 'markStops', {
      deliveryId: DELIVERY,
      marks: [
        { stopId: stopOf(H.b1r101._id), markId: freshId('m'), at: new Date(t.now() + 3_600_000).toISOString() },
        { stopId: stopOf(H.b1r102._id), markId: freshId('m') },
      ],
    })
    expect(res.map((x) => x.result)).toEqual(['refused', 'marked'])
    expect(res[0]).toMatchObject({ code: 'INVALID_INPUT' })
  })

  it('refuses an arrival recorded twice and a short count without a note', async () => {
    await refusedWith('ALREADY_MARKED', PEOPLE.transport1, 'recordArrival', {
      deliveryId: DELIVERY,
      check: 'short',
      note: '少了',
    })
  })

  it('refuses an unknown delivery as forbidden, not as missing', async () => {
    await refusedWith('FORBIDDEN', WHO.committee, 'planDelivery', { deliveryId: 'nope', requestId: freshId() })
    await refusedWith('FORBIDDEN', PEOPLE.lead1, 'markStops', {
      deliveryId: 'nope',
      marks: [{ stopId: 'nope:x', markId: freshId('m') }],
    })
  })
})

describe('bad input before arrival', () => {
  beforeEach(async () => {
    await loadRelay(t)
    await r.ok<PlanView>(WHO.committee, 'planDelivery', { deliveryId: DELIVERY, requestId: freshId() })
  })

  it('refuses a short count without a note', async () => {
    await refusedWith('INVALID_INPUT', WHO.committee, 'recordArrival', { deliveryId: DELIVERY, check: 'short' })
  })

  it('refuses an arrival by someone not in the plan', async () => {
    await t.data.insertMany('roles', [volunteer('o-patrol', 'patrol', [])])
    await refusedWith('NOT_YOUR_TASK', 'o-patrol', 'recordArrival', { deliveryId: DELIVERY, check: 'full' })
  })
})

describe('races', () => {
  beforeEach(async () => {
    await loadRelay(t)
    await relaying()
  })

  it('two people marking one building at once leave exact counters and each bag marked once', async () => {
    // Both the lead and a 楼栋 volunteer of 1号 carry its bags.
    await t.data.insertMany('roles', [volunteer('o-bv1', 'building', ['b1'])])
    await r.ok<PlanView>(WHO.committee, 'planDelivery', { deliveryId: DELIVERY, requestId: freshId() })
    const stops = [H.b1r101._id, H.b1r102._id, H.b1r201._id].map(stopOf)
    const results = await Promise.all(
      [PEOPLE.lead1, 'o-bv1', PEOPLE.lead1, 'o-bv1'].map((who, i) =>
        r.ok<StopMarkResult[]>(who, 'markStops', {
          deliveryId: DELIVERY,
          marks: (i % 2 === 0 ? stops : [...stops].reverse()).map((stopId) => ({ stopId, markId: freshId('m') })),
        }),
      ),
    )
    const marked = results.flat().filter((x) => x.result === 'marked')
    expect(marked.map((x) => x.stopId).sort()).toEqual([...stops].sort())
    expect(
      results
        .flat()
        .filter((x) => x.result === 'refused')
        .every((x) => x.code === 'ALREADY_MARKED'),
    ).toBe(true)
    expect(await t.data.get<DeliveryBuildingDoc>('deliveryBuildings', `${DELIVERY}:b1`)).toMatchObject({
      delivered: 3,
      stage: 'done',
    })
    const told = (await settledOutbox(t)).filter((m) => m.page?.includes('packageDelivery/pages/mine'))
    const keys = told.map((m) => `${m.touser}|${m.data.thing2?.value}`)
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('two plannings at once: one plans, the other is told to wait; the plan is whole', async () => {
    await loadRelay(t)
    const replies = await Promise.all(
      [0, 1].map(() => r.call<PlanView>(WHO.committee, 'planDelivery', { deliveryId: DELIVERY, requestId: freshId() })),
    )
    expect(replies.filter((x) => x.ok).length).toBeGreaterThanOrEqual(1)
    for (const x of replies) if (!x.ok) expect(x.code).toBe('CONFLICT')
    const p = await r.ok<PlanView>(WHO.committee, 'getPlan', { deliveryId: DELIVERY })
    expect(p.trips.reduce((n, x) => n + x.bags, 0)).toBe(5)
  })
})

describe('notices', () => {
  it('keeps every field of every relay notice within its template’s limit', async () => {
    await loadRelay(t)
    await t.admin('outbox', { method: 'DELETE' })
    const p = await relaying()
    for (const trip of p.trips)
      for (const s of trip.stops)
        await r.ok(trip.openid, 'markEntrance', {
          deliveryId: DELIVERY,
          tripId: trip.id,
          buildingId: s.buildingId,
          markId: freshId('mark'),
        })
    await r.ok(PEOPLE.lead1, 'markStops', {
      deliveryId: DELIVERY,
      marks: [H.b1r101._id, H.b1r102._id].map((h) => ({ stopId: stopOf(h), markId: freshId('m') })),
    })
    await r.ok(PEOPLE.lead1, 'reportProblem', {
      deliveryId: DELIVERY,
      stopId: stopOf(H.b1r201._id),
      kind: 'damaged',
      note: '袋子破了，土豆撒了一地，鸡蛋也碎了好几个，需要商家补发一箱',
      requestId: freshId(),
    })
    const outbox = await settledOutbox(t)
    expect(new Set(outbox.map((m) => m.templateId)).size).toBeGreaterThanOrEqual(4)
    const limits: Record<string, number> = { thing: 20, phrase: 5, time: 40 }
    for (const m of outbox)
      for (const [key, v] of Object.entries(m.data)) {
        const kind = key.replace(/\d+$/, '')
        expect(v.value.length).toBeGreaterThan(0)
        if (limits[kind]) expect([...v.value].length).toBeLessThanOrEqual(limits[kind] as number)
        if (kind === 'time') expect(v.value).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/)
      }
  })
})
