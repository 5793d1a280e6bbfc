// The demo's delivery relay loaded into localcloud and read through the real delivery function, as a newcomer
// would try it: the committee's list and 配送看板 of yesterday's done delivery, the problem queue, a transport
// volunteer's and a door person's 我的配送任务, a household's 我家的物资; the delivery timer finds nothing to do at
// the instant the demo is dated from, and receives the bags still waiting once their hours are past.
import path from 'node:path'
import type {
  BoardView,
  Envelope,
  HouseholdDeliveryView,
  MyTasksView,
  ProblemView,
  DeliverySummaryView,
} from '../../typings/api'
import type { DeliveryStopDoc, RelayDeliveryDoc } from '../../server/delivery/model'
import { demoDataset, type DemoDataset } from '../../scripts/demo/generate'
import { loadDataset, storageEnv } from '../../scripts/demo/load'
import { loadRulesDir } from '../../localcloud'
import { ROOT, startTestCloud, type TestCloud } from '../support/localcloud'

let t: TestCloud
let dataset: DemoDataset
let delivery: RelayDeliveryDoc

beforeAll(async () => {
  t = await startTestCloud({ rules: loadRulesDir(path.join(ROOT, 'rules')) })
  dataset = demoDataset({ now: t.now(), storageEnv: await storageEnv(t.cloud.url) })
  delivery = dataset.collections.deliveries[0] as RelayDeliveryDoc
  await loadDataset(t.cloud.url, dataset)
}, 60000)
afterAll(() => t.stop())

const COMMUNITY = 'c-zhonglou'
const ok = async <T>(openid: string, action: string, payload: object): Promise<T> => {
  const r = await t.call<Envelope<T>>('delivery', { action, payload }, openid)
  if (!r.ok) throw new Error(`${action}: ${r.code} ${r.message}`)
  return r.data
}
const stops = () => dataset.collections.deliveryStops

describe('the demo’s delivery relay', () => {
  it('lists yesterday’s delivery for the committee as done, every bag at its door', async () => {
    const list = await ok<DeliverySummaryView[]>('demo-committee-1', 'listDeliveries', { communityId: COMMUNITY })
    const received = stops().filter((s) => s.status === 'received').length
    expect(list).toEqual([
      expect.objectContaining({
        id: delivery._id,
        stage: 'done',
        planned: true,
        households: stops().length,
        delivered: stops().length,
        received,
        problems: 0,
        alerts: 0,
      }),
    ])
  })

  it('shows the committee’s board: every building done, the stage times, only the bags not yet confirmed', async () => {
    const board = await ok<BoardView>('demo-committee-1', 'board', { deliveryId: delivery._id })
    expect(board.buildings).toHaveLength(dataset.collections.deliveryBuildings.length)
    expect(board.buildings.every((b) => b.stage === 'done' && b.doorSeen)).toBe(true)
    expect(board.arrival).toMatchObject({ check: 'full' })
    // Not every building had an entrance drop (the gaps' door teams fetched from the gate): no last entrance time.
    expect(Object.keys(board.times).sort()).toEqual([
      'arrivedAt',
      'doneAt',
      'firstEntranceAt',
      'lastDoorAt',
      'restEndedAt',
    ])
    expect(board.times.lastDoorAt).toBe(board.times.doneAt)
    const waiting = stops().filter((s) => s.status === 'delivered')
    expect(board.alerts.map((a) => [a.kind, a.buildingId])).toEqual(
      [...new Set(waiting.map((s) => s.buildingId))].map((b) => ['unreceived', b]),
    )
    const problems = await ok<ProblemView[]>('demo-committee-1', 'listProblems', { communityId: COMMUNITY })
    expect(problems.map((p) => [p.kind, p.status])).toEqual([['nobodyHome', 'handled']])
  })

  it('shows demo-volunteer-transport-1 their trip dropped at each entrance, and demo-lead-1 the doors of 1号', async () => {
    const trips = dataset.collections.deliveryTrips.filter((x) => x.openid === 'demo-volunteer-transport-1')
    const transport = await ok<MyTasksView>('demo-volunteer-transport-1', 'myTasks', { deliveryId: delivery._id })
    expect(transport.trips.map((x) => [x.id, x.status, x.stops.every((s) => s.droppedAt)])).toEqual(
      trips.map((x) => [x._id, 'done', true]),
    )
    const lead = await ok<MyTasksView>('demo-lead-1', 'myTasks', { deliveryId: delivery._id })
    const mine = stops().filter((s) => s.buildingId === 'c-zhonglou-b1')
    expect(lead.doors.map((d) => [d.buildingName, d.stage, d.stops.map((s) => s.status)])).toEqual([
      ['1号', 'done', mine.map((s) => s.status)],
    ])
  })

  it('shows a household its bag: 已签收, or 已送到门口 with 我已收到 still to tap', async () => {
    const member = (s: DeliveryStopDoc) =>
      dataset.collections.households.find((h) => h._id === s.householdId)?.members.find((m) => m.openid)?.openid
    const waiting = stops().find((s) => s.status === 'delivered' && member(s)) as DeliveryStopDoc
    const done = stops().find((s) => s.received && !s.received.auto && member(s)) as DeliveryStopDoc
    for (const [s, where] of [
      [waiting, '已送到门口'],
      [done, '已签收'],
    ] as const) {
      const views = await ok<HouseholdDeliveryView[]>(member(s) as string, 'householdDeliveries', {
        householdId: s.householdId,
      })
      expect(views.map((v) => [v.deliveryId, v.status, v.where, v.label])).toEqual([
        [delivery._id, s.status, where, s.label],
      ])
    }
  })

  it('leaves the delivery timer nothing to do now, and receives the waiting bags once their hours are past', async () => {
    const before = await t.data.findAll<DeliveryStopDoc>('deliveryStops', { deliveryId: delivery._id })
    await t.admin('functions/delivery/trigger', { body: {} })
    const after = await t.data.findAll<DeliveryStopDoc>('deliveryStops', { deliveryId: delivery._id })
    const statuses = (xs: DeliveryStopDoc[]) => xs.map((s) => [s._id, s.status]).sort()
    expect(statuses(after)).toEqual(statuses(before))
    expect(await t.data.get<RelayDeliveryDoc>('deliveries', delivery._id)).toMatchObject({
      status: 'done',
      alerted: delivery.alerted,
    })
    expect((await t.data.get<RelayDeliveryDoc>('deliveries', delivery._id))?.settledAt).toBeUndefined()
    expect(await t.data.count('pushQueue')).toBe(0)

    const hours = delivery.settings?.autoReceiveHours as number
    const due = Math.max(
      ...stops()
        .filter((s) => s.status === 'delivered')
        .map((s) => new Date(s.delivered?.at as Date).getTime() + hours * 3_600_000),
    )
    await t.setClock(due + 60_000)
    await t.admin('functions/delivery/trigger', { body: {} })
    expect(await t.data.count('deliveryStops', { deliveryId: delivery._id, status: 'delivered' })).toBe(0)
    expect(await t.data.count('deliveryStops', { deliveryId: delivery._id, 'received.auto': true })).toBe(
      stops().filter((s) => s.status === 'delivered' || s.received?.auto).length,
    )
    const settled = await t.data.get<RelayDeliveryDoc>('deliveries', delivery._id)
    expect(settled?.settledAt).toBeDefined()
  })
})
