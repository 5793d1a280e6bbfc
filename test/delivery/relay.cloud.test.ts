// The relay through localcloud, step by step: plan → arrival and rest → entrances → doors → received, with the
// notices each step sends, who may do which step, and what a repeated or stray mark gets.
import type {
  BoardView,
  HouseholdDeliveryView,
  MyTasksView,
  PlanView,
  StopMarkResult,
  TripView,
} from '../../typings/api'
import type { DeliveryBuildingDoc, DeliveryStopDoc, RelayDeliveryDoc } from '../../server/delivery/model'
import { TEMPLATES } from '../../server/templates'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { H, snapshot, WHO } from '../support/community'
import { settledOutbox } from '../support/pushes'
import { SHOPS } from '../support/buys'
import { DELIVERY, freshId, loadRelay, PEOPLE, relay } from '../support/relay'

let t: TestCloud
let r: ReturnType<typeof relay>
beforeAll(async () => {
  t = await startTestCloud()
  r = relay(t)
})
afterAll(() => t.stop())
beforeEach(async () => {
  await loadRelay(t)
  await t.admin('outbox', { method: 'DELETE' })
})

const plan = (settings: object = {}, who: string = WHO.committee) =>
  r.ok<PlanView>(who, 'planDelivery', { deliveryId: DELIVERY, requestId: freshId(), settings })

const stopOf = (householdId: string) => `${DELIVERY}:${householdId}`

async function arriveAndRest(): Promise<BoardView> {
  const board = await r.ok<BoardView>(WHO.committee, 'recordArrival', { deliveryId: DELIVERY, check: 'full' })
  await t.advanceClock(61 * 60_000)
  return board
}

async function dropAll(): Promise<void> {
  const p = await r.ok<PlanView>(WHO.committee, 'getPlan', { deliveryId: DELIVERY })
  for (const trip of p.trips)
    for (const s of trip.stops)
      await r.ok<TripView>(trip.openid, 'markEntrance', {
        deliveryId: DELIVERY,
        tripId: trip.id,
        buildingId: s.buildingId,
        markId: freshId('mark'),
      })
}

describe('planning', () => {
  it('makes a bag per household, trips covering every bag, and door teams of each building’s own people', async () => {
    const p = await plan()
    expect(p.version).toBe(1)
    expect(p.gaps).toEqual([])
    const bags = new Map<string, number>()
    for (const trip of p.trips)
      for (const s of trip.stops) bags.set(s.buildingId, (bags.get(s.buildingId) ?? 0) + s.bags)
    expect(Object.fromEntries(bags)).toEqual({ b1: 3, b2: 1, b3: 1 })
    // o-sun's post is 1号: 1号 is theirs.
    expect(p.trips.filter((x) => x.stops.some((s) => s.buildingId === 'b1')).map((x) => x.openid)).toEqual([
      PEOPLE.transport1,
    ])
    const teams = Object.fromEntries(p.doorTeams.map((d) => [d.buildingId, d.members.map((m) => m.openid).sort()]))
    expect(teams).toEqual({ b1: [PEOPLE.lead1], b2: [PEOPLE.building2], b3: [PEOPLE.online3] })
    expect(await t.data.count('deliveryStops', { deliveryId: DELIVERY })).toBe(5)
    const stop = await t.data.get<DeliveryStopDoc>('deliveryStops', stopOf(H.b1r101._id))
    expect(stop).toMatchObject({ label: '1-101', status: 'pending', items: expect.stringContaining('土豆') })
    expect(stop?.notify).toContain('o-zhang')
  })

  it('pushes each person their task list once, and again only when it changed', async () => {
    await plan()
    const first = await settledOutbox(t)
    const tasks = first.filter((m) => m.templateId === TEMPLATES.relayTasks)
    const to = tasks.map((m) => m.touser).sort()
    expect(to).toEqual(expect.arrayContaining([PEOPLE.lead1, PEOPLE.building2, PEOPLE.online3, PEOPLE.transport1]))
    expect(new Set(to).size).toBe(to.length)
    for (const m of tasks) {
      expect(m.page).toContain('packageDelivery/pages/tasks')
      for (const [key, v] of Object.entries(m.data))
        if (key.startsWith('thing')) expect([...v.value].length).toBeLessThanOrEqual(20)
    }
    expect(tasks.find((m) => m.touser === PEOPLE.lead1)?.data.thing2?.value).toBe('1号 送到门口 3户')
    // The same plan again: nobody's tasks changed, nobody is told twice.
    await plan()
    expect((await settledOutbox(t)).filter((m) => m.templateId === TEMPLATES.relayTasks)).toHaveLength(tasks.length)
  })

  it('answers a retried request with the plan it made, without planning again', async () => {
    const requestId = freshId()
    const a = await r.ok<PlanView>(WHO.committee, 'planDelivery', { deliveryId: DELIVERY, requestId })
    const b = await r.ok<PlanView>(WHO.committee, 'planDelivery', { deliveryId: DELIVERY, requestId })
    expect(b.version).toBe(a.version)
    expect(b.plannedAt).toBe(a.plannedAt)
  })

  it('flags a building nobody carries to the doors, to the committee and 团长, before the goods arrive', async () => {
    await t.data.remove(
      'roles',
      (await t.data.find<{ _id: string }>('roles', { openid: PEOPLE.online3 }))[0]?._id ?? '',
    )
    const p = await plan()
    expect(p.gaps).toEqual([{ buildingId: 'b3', buildingName: '3号', missing: 'door' }])
    const alerts = (await settledOutbox(t)).filter((m) => m.templateId === TEMPLATES.relayAlert)
    expect(alerts.map((m) => m.touser).sort()).toEqual([WHO.committee, WHO.communityLead].sort())
    expect(alerts[0]?.data.thing2?.value).toContain('3号')
    const board = await r.ok<BoardView>(WHO.committee, 'board', { deliveryId: DELIVERY })
    expect(board.alerts).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'unassigned', buildingId: 'b3' })]),
    )
  })

  it('reminds the committee and 团长 once, two hours before the goods arrive, when nobody planned the delivery', async () => {
    await r.timer()
    expect((await settledOutbox(t)).filter((m) => m.templateId === TEMPLATES.relayAlert)).toEqual([])
    await t.advanceClock(3_600_000 + 60_000)
    await r.timer()
    await r.timer()
    const alerts = (await settledOutbox(t)).filter((m) => m.templateId === TEMPLATES.relayAlert)
    expect(alerts.map((m) => m.touser).sort()).toEqual([WHO.committee, WHO.communityLead].sort())
    expect(alerts[0]?.data.thing2?.value).toMatch(/还没有安排配送$/)
  })

  it('re-plans a dropped transport volunteer’s trips to the others', async () => {
    const p = await plan()
    const victim = p.trips.find((x) => x.openid !== PEOPLE.transport1)?.openid as string
    const after = await r.ok<PlanView>(WHO.committee, 'dropVolunteer', {
      deliveryId: DELIVERY,
      openid: victim,
      reason: '发烧居家',
    })
    expect(after.version).toBe(p.version + 1)
    expect(after.trips.some((x) => x.openid === victim)).toBe(false)
    const total = after.trips.reduce((n, x) => n + x.bags, 0)
    expect(total).toBe(5)
  })

  it('refuses residents, volunteers and other communities', async () => {
    for (const who of [WHO.resident, PEOPLE.transport1, WHO.buildingLead, WHO.otherCommittee, WHO.stranger]) {
      const before = await snapshot(t)
      const res = await r.call(who, 'planDelivery', { deliveryId: DELIVERY, requestId: freshId() })
      expect(res).toMatchObject({ ok: false, code: 'FORBIDDEN' })
      expect(await snapshot(t)).toBe(before)
    }
  })

  it('refuses bad settings with a clear message and writes nothing', async () => {
    const before = await snapshot(t)
    for (const settings of [
      { capacity: 0 },
      { capacity: 1.5 },
      { restMinutes: -1 },
      { capacity: 99999 },
      { doorsBy: '明天' },
    ]) {
      const res = await r.call(WHO.committee, 'planDelivery', { deliveryId: DELIVERY, requestId: freshId(), settings })
      expect(res).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    }
    expect(await snapshot(t)).toBe(before)
  })
})

describe('the relay', () => {
  it('runs gate → entrance → doors → received, each step with who and when, and the household told once', async () => {
    await plan()
    // Before the goods are there, nothing moves.
    const p = await r.ok<PlanView>(WHO.committee, 'getPlan', { deliveryId: DELIVERY })
    const trip1 = p.trips.find((x) => x.stops.some((s) => s.buildingId === 'b1')) as PlanView['trips'][number]
    expect(
      await r.call(trip1.openid, 'markEntrance', {
        deliveryId: DELIVERY,
        tripId: trip1.id,
        buildingId: 'b1',
        markId: freshId('mark'),
      }),
    ).toMatchObject({ ok: false, code: 'DELIVERY_NOT_STARTED' })

    const board = await r.ok<BoardView>(WHO.committee, 'recordArrival', { deliveryId: DELIVERY, check: 'full' })
    expect(board.delivery.stage).toBe('resting')
    expect(board.arrival).toMatchObject({ check: 'full' })
    expect(new Date(board.restUntil as string).getTime() - new Date(board.arrival?.at as string).getTime()).toBe(
      60 * 60_000,
    )
    // Still resting: the door team cannot mark yet.
    expect(
      await r.call(PEOPLE.lead1, 'markStops', {
        deliveryId: DELIVERY,
        marks: [{ stopId: stopOf(H.b1r101._id), markId: freshId('mark') }],
      }),
    ).toMatchObject({ ok: false, code: 'DELIVERY_NOT_STARTED' })
    await t.advanceClock(61 * 60_000)
    await t.admin('outbox', { method: 'DELETE' })

    // Another volunteer cannot mark o-sun's trip.
    expect(
      await r.call(PEOPLE.building2, 'markEntrance', {
        deliveryId: DELIVERY,
        tripId: trip1.id,
        buildingId: 'b1',
        markId: freshId('mark'),
      }),
    ).toMatchObject({ ok: false, code: 'NOT_YOUR_TASK' })
    const markId = freshId('mark')
    const dropped = await r.ok<TripView>(trip1.openid, 'markEntrance', {
      deliveryId: DELIVERY,
      tripId: trip1.id,
      buildingId: 'b1',
      markId,
    })
    expect(dropped.stops.find((s) => s.buildingId === 'b1')?.droppedAt).toBeTruthy()
    // The same mark again (a retry) is fine; the door team was told once.
    await r.ok(trip1.openid, 'markEntrance', { deliveryId: DELIVERY, tripId: trip1.id, buildingId: 'b1', markId })
    const arrived = (await settledOutbox(t)).filter((m) => m.templateId === TEMPLATES.relayArrived)
    expect(arrived.map((m) => m.touser)).toEqual([PEOPLE.lead1])
    expect(arrived[0]?.data.thing2?.value).toBe('1号 3份')
    const part = await t.data.get<DeliveryBuildingDoc>('deliveryBuildings', `${DELIVERY}:b1`)
    expect(part).toMatchObject({ stage: 'atEntrance', dropsDone: 1 })

    // The lead's doors.
    const tasks = await r.ok<MyTasksView>(PEOPLE.lead1, 'myTasks', { deliveryId: DELIVERY })
    expect(tasks.doors.map((d) => d.buildingId)).toEqual(['b1'])
    expect(tasks.doors[0]?.stops.map((s) => s.room)).toEqual(['101', '102', '201'])
    const m101 = { stopId: stopOf(H.b1r101._id), markId: freshId('mark') }
    const results = await r.ok<StopMarkResult[]>(PEOPLE.lead1, 'markStops', {
      deliveryId: DELIVERY,
      marks: [m101, { stopId: stopOf(H.b2r101._id), markId: freshId('mark') }],
    })
    expect(results.map((x) => x.result)).toEqual(['marked', 'refused'])
    expect(results[1]).toMatchObject({ code: 'NOT_YOUR_TASK' })
    // A resent batch counts once; someone else's mark of the same bag is refused.
    expect(
      (await r.ok<StopMarkResult[]>(PEOPLE.lead1, 'markStops', { deliveryId: DELIVERY, marks: [m101] }))[0],
    ).toMatchObject({
      result: 'already',
    })
    expect(
      (
        await r.ok<StopMarkResult[]>(PEOPLE.lead1, 'markStops', {
          deliveryId: DELIVERY,
          marks: [{ stopId: m101.stopId, markId: freshId('mark') }],
        })
      )[0],
    ).toMatchObject({ result: 'refused', code: 'ALREADY_MARKED' })
    const delivered = (await settledOutbox(t)).filter((m) => m.templateId === TEMPLATES.delivered)
    expect(delivered.map((m) => [m.touser, m.data.thing2?.value])).toEqual([['o-zhang', '1-101 的物资已送到门口']])

    const mine = await r.ok<HouseholdDeliveryView[]>('o-zhang', 'householdDeliveries', { householdId: H.b1r101._id })
    expect(mine[0]).toMatchObject({ status: 'delivered', where: '已送到门口', label: '1-101' })
    const received = await r.ok<HouseholdDeliveryView>('o-zhang', 'confirmReceived', {
      deliveryId: DELIVERY,
      householdId: H.b1r101._id,
    })
    expect(received).toMatchObject({ status: 'received', received: { auto: false } })
    // Someone else's household is not theirs to confirm.
    expect(
      await r.call('o-zhang', 'confirmReceived', { deliveryId: DELIVERY, householdId: H.b2r101._id }),
    ).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await t.data.get<DeliveryBuildingDoc>('deliveryBuildings', `${DELIVERY}:b1`)).toMatchObject({
      delivered: 1,
      received: 1,
    })
  })

  it('is done when every bag is at its door, and a finished delivery refuses more marks', async () => {
    await plan()
    await arriveAndRest()
    await dropAll()
    const teams: [string, string[]][] = [
      [PEOPLE.lead1, [H.b1r101._id, H.b1r102._id, H.b1r201._id]],
      [PEOPLE.building2, [H.b2r101._id]],
      [PEOPLE.online3, [H.b3r301._id]],
    ]
    for (const [who, households] of teams) {
      const res = await r.ok<StopMarkResult[]>(who, 'markStops', {
        deliveryId: DELIVERY,
        marks: households.map((h) => ({ stopId: stopOf(h), markId: freshId('mark') })),
      })
      expect(res.every((x) => x.result === 'marked')).toBe(true)
    }
    const d = await t.data.get<RelayDeliveryDoc>('deliveries', DELIVERY)
    expect(d?.status).toBe('done')
    const board = await r.ok<BoardView>(WHO.committee, 'board', { deliveryId: DELIVERY })
    expect(board.buildings.every((b) => b.stage === 'done')).toBe(true)
    expect(board.times).toMatchObject({
      arrivedAt: expect.any(String),
      restEndedAt: expect.any(String),
      lastDoorAt: expect.any(String),
      doneAt: expect.any(String),
    })
    expect(
      await r.call(PEOPLE.lead1, 'markStops', {
        deliveryId: DELIVERY,
        marks: [{ stopId: stopOf(H.b1r101._id), markId: freshId('mark') }],
      }),
    ).toMatchObject({ ok: false, code: 'DELIVERY_DONE' })
    // Nobody confirmed: after autoReceiveHours the timer counts them received.
    await t.advanceClock(25 * 3_600_000)
    await r.timer()
    expect(await t.data.count('deliveryStops', { deliveryId: DELIVERY, status: 'received' })).toBe(5)
    const part = await t.data.get<DeliveryBuildingDoc>('deliveryBuildings', `${DELIVERY}:b1`)
    expect(part).toMatchObject({ delivered: 3, received: 3 })
  })

  it('alerts once when the goods wait at the gate too long', async () => {
    await plan()
    await arriveAndRest()
    await t.admin('outbox', { method: 'DELETE' })
    await t.advanceClock(2 * 3_600_000 + 60_000)
    await r.timer()
    await r.timer()
    const alerts = (await settledOutbox(t)).filter((m) => m.templateId === TEMPLATES.relayAlert)
    const toCommittee = alerts.filter((m) => m.touser === WHO.committee)
    expect(toCommittee.length).toBeGreaterThan(0)
    expect(new Set(toCommittee.map((m) => m.data.thing2?.value)).size).toBe(toCommittee.length)
  })

  it('counts a bag nobody was home for as received once the household confirms it has it', async () => {
    await plan()
    await arriveAndRest()
    await dropAll()
    await r.ok(PEOPLE.building2, 'reportProblem', {
      deliveryId: DELIVERY,
      stopId: stopOf(H.b2r101._id),
      kind: 'nobodyHome',
      note: '',
      requestId: freshId(),
    })
    await r.ok('o-qian', 'confirmReceived', { deliveryId: DELIVERY, householdId: H.b2r101._id })
    const stop = await t.data.get<DeliveryStopDoc>('deliveryStops', stopOf(H.b2r101._id))
    expect(stop).toMatchObject({ status: 'received', received: { by: 'o-qian', auto: false } })
    expect(stop?.problem).toBeUndefined()
    expect(await t.data.get<DeliveryBuildingDoc>('deliveryBuildings', `${DELIVERY}:b2`)).toMatchObject({
      delivered: 1,
      received: 1,
      problems: 0,
      stage: 'done',
    })
  })

  it('queues a problem for the building’s leads and the merchant until it is handled', async () => {
    await plan()
    await arriveAndRest()
    await dropAll()
    await t.admin('outbox', { method: 'DELETE' })
    const problem = await r.ok<{ id: string; status: string }>(PEOPLE.building2, 'reportProblem', {
      deliveryId: DELIVERY,
      stopId: stopOf(H.b2r101._id),
      kind: 'nobodyHome',
      note: '敲门无人应答',
      requestId: freshId(),
    })
    expect(problem.status).toBe('open')
    const pushes = (await settledOutbox(t)).filter((m) => m.templateId === TEMPLATES.relayProblem)
    expect(pushes.map((m) => m.touser)).toContain(SHOPS.approved)
    expect(pushes.every((m) => m.data.phrase3?.value === '无人在家')).toBe(true)
    expect(await t.data.get<DeliveryBuildingDoc>('deliveryBuildings', `${DELIVERY}:b2`)).toMatchObject({
      problems: 1,
      stage: 'done',
    })
    const open = await r.ok<{ id: string }[]>(WHO.committee, 'listProblems', { communityId: 'c1', status: 'open' })
    expect(open.map((p) => p.id)).toEqual([problem.id])
    // A resident of another building may not handle it.
    expect(await r.call(WHO.resident, 'handleProblem', { problemId: problem.id, note: '已处理' })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
    await r.ok(WHO.committee, 'handleProblem', { problemId: problem.id, note: '改天再送' })
    const stop = await t.data.get<DeliveryStopDoc>('deliveryStops', stopOf(H.b2r101._id))
    expect(stop?.status).toBe('pending')
    expect(await t.data.get<DeliveryBuildingDoc>('deliveryBuildings', `${DELIVERY}:b2`)).toMatchObject({
      problems: 0,
      stage: 'atEntrance',
    })
  })
})
