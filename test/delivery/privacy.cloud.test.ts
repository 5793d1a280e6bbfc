// The delivery relay keeps and deletes personal data as the consent text says (docs/privacy.md), through localcloud:
// settings.orderRetentionDays after a delivery ended (or, never finished, after its deliveryAt) the delivery
// function's timer removes who delivered, dropped, loaded and received each bag and their names, the photos, the
// problems' notes and photos, the notify lists and the trips' and teams' names, keeping rooms, items, the
// buildings' counts and times (a minute before: nothing); a person's data deletion removes theirs only; a closed
// community's deletion removes every delivery document and photo, the other community untouched.
import type { BoardView, PlanView, RetentionSchedule, StopMarkResult, TripView } from '../../typings/api'
import type {
  DeliveryBuildingDoc,
  DeliveryProblemDoc,
  DeliveryStopDoc,
  DeliveryTripDoc,
  DoorTeamDoc,
  RelayDeliveryDoc,
} from '../../server/delivery/model'
import { CONSENTS } from '../../server/community/consent'
import { DEFAULT_ORDER_RETENTION_DAYS } from '../../server/community/settings'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C1, C2, H, WHO } from '../support/community'
import { pushesSettled } from '../support/pushes'
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
})

const DAY = 86_400_000
const MINUTE = 60_000
const PERIOD = DEFAULT_ORDER_RETENTION_DAYS * DAY

const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex')
let seq = 0
const photo = async (openid: string) =>
  (await t.sdk.uploadFile({ cloudPath: `delivery/${C1}/${openid}/p${++seq}.jpg`, fileContent: JPEG })).fileID
async function stored(fileIds: readonly string[]): Promise<boolean[]> {
  const res = (await t.sdk.getTempFileURL({ fileList: [...fileIds] })) as { fileList: { status: number }[] }
  return res.fileList.map((f) => f.status === 0)
}

const stopOf = (householdId: string) => `${DELIVERY}:${householdId}`
const stop = async (householdId: string) =>
  (await t.data.get<DeliveryStopDoc>('deliveryStops', stopOf(householdId))) as DeliveryStopDoc
const delivery = async () => (await t.data.get<RelayDeliveryDoc>('deliveries', DELIVERY)) as RelayDeliveryDoc
const all = async () => ({
  stops: await t.data.find<DeliveryStopDoc>('deliveryStops', { deliveryId: DELIVERY }, { orderBy: [['_id', 'asc']] }),
  parts: await t.data.find<DeliveryBuildingDoc>(
    'deliveryBuildings',
    { deliveryId: DELIVERY },
    { orderBy: [['_id', 'asc']] },
  ),
  trips: await t.data.find<DeliveryTripDoc>('deliveryTrips', { deliveryId: DELIVERY }, { orderBy: [['_id', 'asc']] }),
  problems: await t.data.find<DeliveryProblemDoc>('deliveryProblems', { deliveryId: DELIVERY }),
})

interface Relayed {
  files: { arrival: string; doors: string[]; problem: string }
  problemId: string
}

/**
 * The relay with every kind of personal data in it: the committee records the arrival with a photo, every trip is
 * dropped (o-sun's at 1号), 1号's lead marks its three bags with door photos, o-zhang confirms 1-101's, 2号's
 * volunteer reports 2-101 nobody home with a photo; with `finish`, 3号's bag too, so the delivery is done.
 */
async function relayed(finish: boolean): Promise<Relayed> {
  await r.ok<PlanView>(WHO.committee, 'planDelivery', { deliveryId: DELIVERY, requestId: freshId() })
  const arrival = await photo(WHO.committee)
  await r.ok<BoardView>(WHO.committee, 'recordArrival', {
    deliveryId: DELIVERY,
    check: 'short',
    note: '少了两箱鸡蛋',
    photo: arrival,
  })
  await t.advanceClock(61 * MINUTE)
  const p = await r.ok<PlanView>(WHO.committee, 'getPlan', { deliveryId: DELIVERY })
  for (const trip of p.trips)
    for (const s of trip.stops)
      await r.ok<TripView>(trip.openid, 'markEntrance', {
        deliveryId: DELIVERY,
        tripId: trip.id,
        buildingId: s.buildingId,
        markId: freshId('mark'),
      })
  const doors = [await photo(PEOPLE.lead1), await photo(PEOPLE.lead1), await photo(PEOPLE.lead1)]
  const marked = await r.ok<StopMarkResult[]>(PEOPLE.lead1, 'markStops', {
    deliveryId: DELIVERY,
    marks: [H.b1r101, H.b1r102, H.b1r201].map((h, i) => ({
      stopId: stopOf(h._id),
      markId: freshId('mark'),
      photo: doors[i],
    })),
  })
  expect(marked.map((m) => m.result)).toEqual(['marked', 'marked', 'marked'])
  await r.ok('o-zhang', 'confirmReceived', { deliveryId: DELIVERY, householdId: H.b1r101._id })
  const problem = await photo(PEOPLE.building2)
  const reported = await r.ok<{ id: string }>(PEOPLE.building2, 'reportProblem', {
    deliveryId: DELIVERY,
    stopId: stopOf(H.b2r101._id),
    kind: 'nobodyHome',
    note: '敲门无人应答，邻居说钱七住院了',
    photo: problem,
    requestId: freshId(),
  })
  if (finish)
    await r.ok<StopMarkResult[]>(PEOPLE.online3, 'markStops', {
      deliveryId: DELIVERY,
      marks: [{ stopId: stopOf(H.b3r301._id), markId: freshId('mark') }],
    })
  await pushesSettled(t)
  return { files: { arrival, doors, problem }, problemId: reported.id }
}

/** What a reduced delivery keeps, read from its documents: rooms, items, counts and times. */
const kept = (x: Awaited<ReturnType<typeof all>>) => ({
  stops: x.stops.map((s) => [s.label, s.room, s.items, s.pieces, s.status, s.delivered?.at, s.received?.at]),
  parts: x.parts.map((p) => [
    p.buildingId,
    p.stage,
    p.households,
    p.pieces,
    p.delivered,
    p.received,
    p.problems,
    p.dropsDone,
    p.atEntrance?.at,
    p.doneAt,
  ]),
  trips: x.trips.map((tr) => [tr.no, tr.bags, tr.stops.map((s) => [s.buildingId, s.bags, s.dropped?.at])]),
  problems: x.problems.map((p) => [p.label, p.kind, p.status, p.at]),
})

describe('the period after a delivery', () => {
  it('says in the consent text what is kept and for how long', () => {
    const text = CONSENTS.personal.text
    expect(CONSENTS.personal.version).toBe('2026-12-v5')
    expect(text).toContain('物资配送：每户一袋，记在本户的房号上')
    expect(text).toContain('送货的志愿者只看到房号和物资，看不到姓名和电话')
    expect(text).toContain('照片只给楼组长以上看到')
    expect(text).toContain('商家只看到「楼-室」')
    expect(text).toContain(`配送结束 ${DEFAULT_ORDER_RETENTION_DAYS} 天后`)
    expect(text).toContain('只保留房号、物资和各楼的数量与时间')
    expect(text).toContain('物资配送中您登记到货、送到和签收时留下的姓名和照片')
  })

  it('reduces a finished delivery to rooms, items, counts and times, not a minute early', async () => {
    const { files } = await relayed(true)
    const done = await delivery()
    expect(done.status).toBe('done')
    const doneAt = new Date(done.doneAt as Date).getTime()
    const photos = [files.arrival, ...files.doors, files.problem]

    // A minute before the period ends: everything is still there (bags not confirmed were received automatically).
    await t.setClock(doneAt + PERIOD - MINUTE)
    await r.timer()
    const before = await all()
    expect((await delivery()).reducedAt).toBeUndefined()
    expect((await delivery()).arrival).toMatchObject({ by: WHO.committee, note: '少了两箱鸡蛋', photo: files.arrival })
    expect(before.stops.find((s) => s.householdId === H.b1r101._id)).toMatchObject({
      notify: ['o-zhang'],
      delivered: { by: PEOPLE.lead1, photo: files.doors[0] },
      received: { by: 'o-zhang', auto: false },
    })
    expect(before.problems[0]).toMatchObject({ by: PEOPLE.building2, note: expect.stringContaining('住院') })
    expect(before.trips.every((x) => x.openid && x.volunteerName)).toBe(true)
    expect(await stored(photos)).toEqual(photos.map(() => true))
    const items = (
      await t.call<{ ok: true; data: RetentionSchedule }>(
        'community',
        { action: 'retentionSchedule', payload: { communityId: C1 } },
        WHO.committee,
      )
    ).data.items
    expect(items.find((i) => i.kind === 'deliveries')).toMatchObject({
      label: '物资配送记录',
      days: DEFAULT_ORDER_RETENTION_DAYS,
      unit: '户',
      overdue: 0,
      due: [{ count: 5 }],
      failed: 0,
    })

    await t.advanceClock(2 * MINUTE)
    await r.timer()
    const after = await all()
    const d = await delivery()
    expect(d.reducedAt).toBeDefined()
    expect(d.arrival).toEqual({ at: done.arrival?.at, by: '', byName: '', check: 'short' })
    expect(d.plan?.by).toBe('')
    for (const s of after.stops) {
      expect(s.notify).toEqual([])
      if (s.delivered) {
        expect(s.delivered).toMatchObject({ by: '', byName: '' })
        expect(s.delivered.photo).toBeUndefined()
      }
      if (s.received) expect(s.received).toMatchObject({ by: '', byName: '' })
      if (s.problem) expect(s.problem.note).toBe('')
    }
    expect(after.stops.find((s) => s.householdId === H.b2r101._id)?.problem).toMatchObject({ kind: 'nobodyHome' })
    for (const p of after.problems) {
      expect(p).toMatchObject({ note: '', by: '', byName: '' })
      expect(p.photo).toBeUndefined()
    }
    for (const tr of after.trips) {
      expect(tr).toMatchObject({ openid: '', volunteerName: '' })
      for (const s of tr.stops) if (s.dropped) expect(s.dropped).toMatchObject({ by: '', byName: '' })
    }
    for (const p of after.parts) {
      expect(p).toMatchObject({ door: [], doorNames: [], transport: [], transportNames: [] })
      if (p.atEntrance) expect(p.atEntrance).toMatchObject({ by: '', byName: '' })
    }
    // No name or openid of anyone is left in the relay's documents.
    const text = JSON.stringify([after, d])
    for (const who of ['o-zhang', 'o-qian', PEOPLE.lead1, PEOPLE.building2, PEOPLE.transport1, WHO.committee])
      expect([who, text.includes(who)]).toEqual([who, false])
    expect(text).not.toContain('住院')
    expect(text).not.toContain('志愿者')
    // What it adds up to stays, and the photos are gone from storage.
    expect(kept(after)).toEqual(kept(before))
    expect(after.parts.reduce((n, p) => n + p.delivered, 0)).toBe(4)
    expect(await stored(photos)).toEqual(photos.map(() => false))
    const reduced = (
      await t.call<{ ok: true; data: RetentionSchedule }>(
        'community',
        { action: 'retentionSchedule', payload: { communityId: C1 } },
        WHO.committee,
      )
    ).data.items
    expect(reduced.find((i) => i.kind === 'deliveries')).toMatchObject({ due: [], overdue: 0 })

    // Again: nothing more changes.
    await r.timer()
    expect(await all()).toEqual(after)
  })

  it('counts the period of a delivery never finished from its expected day, and takes no marks after', async () => {
    await relayed(false)
    const d = await delivery()
    expect(d.status).toBe('relaying')
    const expected = new Date(d.deliveryAt).getTime()
    await t.setClock(expected + PERIOD - MINUTE)
    await r.timer()
    expect((await delivery()).reducedAt).toBeUndefined()
    expect((await stop(H.b1r101._id)).notify).toEqual(['o-zhang'])

    await t.advanceClock(2 * MINUTE)
    await r.timer()
    expect((await delivery()).reducedAt).toBeDefined()
    expect((await stop(H.b1r101._id)).delivered).toMatchObject({ by: '', byName: '' })
    expect((await stop(H.b3r301._id)).notify).toEqual([])
    // A mark or a problem now would write names the period already removed.
    expect(
      await r.call(PEOPLE.online3, 'markStops', {
        deliveryId: DELIVERY,
        marks: [{ stopId: stopOf(H.b3r301._id), markId: freshId('mark') }],
      }),
    ).toMatchObject({ ok: false, code: 'DELIVERY_DONE' })
    expect(
      await r.call('o-sun', 'reportProblem', {
        deliveryId: DELIVERY,
        stopId: stopOf(H.b3r301._id),
        kind: 'missing',
        note: '没收到',
        requestId: freshId(),
      }),
    ).toMatchObject({ ok: false, code: 'DELIVERY_DONE' })
    expect((await stop(H.b3r301._id)).status).toBe('pending')
  })
})

describe('a person’s data deletion', () => {
  it('removes their marks’ names and photos, their problems’ notes and photos, notices and team places only', async () => {
    const { files } = await relayed(false)
    // o-sun (transport, dropped 1号's bags; lives alone in 3-301) reports their own bag missing, with a photo: the
    // last bag accounted for, the delivery is done.
    const own = await photo('o-sun')
    const mine = await r.ok<{ id: string }>('o-sun', 'reportProblem', {
      deliveryId: DELIVERY,
      stopId: stopOf(H.b3r301._id),
      kind: 'missing',
      note: '孙八家门口没有',
      photo: own,
      requestId: freshId(),
    })
    expect((await delivery()).status).toBe('done')
    const teams: DoorTeamDoc[] = [
      {
        _id: 'b1',
        communityId: C1,
        buildingId: 'b1',
        openids: [PEOPLE.lead1, 'o-sun'],
        by: WHO.committee,
        at: new Date(),
      },
      { _id: 'b3', communityId: C1, buildingId: 'b3', openids: ['o-sun'], by: 'o-sun', at: new Date() },
    ]
    for (const team of teams) await t.data.set('doorTeams', team)
    const sunTrip = (await all()).trips.find((x) => x.openid === 'o-sun') as DeliveryTripDoc
    expect(sunTrip.stops.find((s) => s.buildingId === 'b1')?.dropped?.by).toBe('o-sun')
    const b1Before = (await t.data.get<DeliveryBuildingDoc>(
      'deliveryBuildings',
      `${DELIVERY}:b1`,
    )) as DeliveryBuildingDoc
    expect(b1Before.transport).toContain('o-sun')
    const othersBefore = {
      b1r101: await stop(H.b1r101._id),
      b2r101: await stop(H.b2r101._id),
      problem: await t.data.find<DeliveryProblemDoc>('deliveryProblems', { by: PEOPLE.building2 }),
    }

    const res = await t.call<{ ok: boolean }>(
      'community',
      { action: 'deleteMyData', payload: { householdId: H.b3r301._id, confirm: '删除' } },
      'o-sun',
    )
    expect(res.ok).toBe(true)

    const after = await all()
    const trip = after.trips.find((x) => x._id === sunTrip._id) as DeliveryTripDoc
    // The delivery is done: their openid leaves the trip too.
    expect(trip).toMatchObject({ openid: '', volunteerName: '' })
    expect(trip.stops.find((s) => s.buildingId === 'b1')?.dropped).toMatchObject({ by: '', byName: '' })
    const b1 = (await t.data.get<DeliveryBuildingDoc>('deliveryBuildings', `${DELIVERY}:b1`)) as DeliveryBuildingDoc
    expect(b1.transport).not.toContain('o-sun')
    expect(b1.transportNames).not.toContain(sunTrip.volunteerName)
    expect(b1.door).toEqual(b1Before.door)
    const problem = (await t.data.get<DeliveryProblemDoc>('deliveryProblems', mine.id)) as DeliveryProblemDoc
    expect(problem).toMatchObject({ note: '', by: '', byName: '', kind: 'missing', status: 'open' })
    expect(problem.photo).toBeUndefined()
    expect(await stored([own])).toEqual([false])
    expect((await stop(H.b3r301._id)).problem).toMatchObject({ note: '', kind: 'missing' })
    expect((await stop(H.b3r301._id)).notify).toEqual([])
    expect(await t.data.get<DoorTeamDoc>('doorTeams', 'b1')).toMatchObject({ openids: [PEOPLE.lead1] })
    expect(await t.data.get('doorTeams', 'b3')).toBeNull()
    expect(JSON.stringify([after, await delivery()])).not.toContain('o-sun')

    // Everyone else's data is as it was.
    expect(await stop(H.b1r101._id)).toEqual(othersBefore.b1r101)
    expect(await stop(H.b2r101._id)).toEqual(othersBefore.b2r101)
    expect(await t.data.find('deliveryProblems', { by: PEOPLE.building2 })).toEqual(othersBefore.problem)
    expect(await stored([files.arrival, ...files.doors, files.problem])).toEqual([true, true, true, true, true])
    expect((await delivery()).arrival).toMatchObject({ by: WHO.committee, photo: files.arrival })
  })

  it('takes a member who is not the last off the notices and their receipt, and leaves the household’s bag', async () => {
    await relayed(true)
    const before = await stop(H.b1r101._id)
    expect(before).toMatchObject({ notify: ['o-zhang'], received: { by: 'o-zhang' } })
    const others = (await all()).stops.filter((s) => s.householdId !== H.b1r101._id)
    const res = await t.call<{ ok: boolean }>(
      'community',
      { action: 'deleteMyData', payload: { householdId: H.b1r101._id, confirm: '删除' } },
      'o-zhang',
    )
    expect(res.ok).toBe(true)
    const after = await stop(H.b1r101._id)
    expect(after.notify).toEqual([])
    expect(after.received).toMatchObject({ by: '', byName: '', auto: false, at: before.received?.at })
    // The bag, who delivered it and the door photo stay: they are the volunteer's, not theirs.
    expect(after.delivered).toEqual(before.delivered)
    expect(after).toMatchObject({ label: before.label, items: before.items, status: before.status })
    expect((await all()).stops.filter((s) => s.householdId !== H.b1r101._id)).toEqual(others)
  })
})

describe('a closed community’s deletion', () => {
  it('deletes every delivery document and photo of the community; the other community keeps its own', async () => {
    const { files } = await relayed(true)
    await t.data.set('doorTeams', {
      _id: 'b2',
      communityId: C1,
      buildingId: 'b2',
      openids: [PEOPLE.building2],
      by: WHO.committee,
      at: new Date(),
    } satisfies DoorTeamDoc)
    const theirs: DoorTeamDoc = {
      _id: 'x1',
      communityId: C2,
      buildingId: 'x1',
      openids: ['o-other'],
      by: WHO.otherCommittee,
      at: new Date(),
    }
    await t.data.set('doorTeams', theirs)
    const otherDelivery = { ...(await delivery()), _id: 'd-c2', communityId: C2 }
    await t.data.set('deliveries', otherDelivery)
    const theirStop = { ...(await stop(H.b1r101._id)), _id: 'd-c2:h', deliveryId: 'd-c2', communityId: C2 }
    await t.data.set('deliveryStops', theirStop)
    const theirDocs = JSON.stringify([
      await t.data.get('deliveries', 'd-c2'),
      await t.data.get('deliveryStops', 'd-c2:h'),
    ])

    const closed = await t.call<{ ok: true; data: { deleteAfter: string } }>(
      'community',
      { action: 'closeCommunity', payload: { communityId: C1, confirm: '测试小区' } },
      WHO.committee,
    )
    expect(closed.ok).toBe(true)
    const timers = async () => {
      await t.admin('functions/community/trigger', { body: {} })
      await t.admin('functions/antigen/trigger', { body: {} })
    }
    await t.setClock(Date.parse(closed.data.deleteAfter) - MINUTE)
    await timers()
    expect(await t.data.count('deliveryStops', { deliveryId: DELIVERY })).toBe(5)

    await t.advanceClock(2 * MINUTE)
    await timers()
    for (const [coll, where] of [
      ['deliveries', { communityId: C1 }],
      ['deliveryStops', { communityId: C1 }],
      ['deliveryBuildings', { communityId: C1 }],
      ['deliveryTrips', { communityId: C1 }],
      ['deliveryProblems', { communityId: C1 }],
      ['doorTeams', { communityId: C1 }],
    ] as const)
      expect([coll, await t.data.count(coll, where)]).toEqual([coll, 0])
    const photos = [files.arrival, ...files.doors, files.problem]
    expect(await stored(photos)).toEqual(photos.map(() => false))
    expect(await t.data.get('doorTeams', 'x1')).toEqual(theirs)
    expect(JSON.stringify([await t.data.get('deliveries', 'd-c2'), await t.data.get('deliveryStops', 'd-c2:h')])).toBe(
      theirDocs,
    )
  })
})
