// Delivery answers shaped exactly like typings/api/delivery.d.ts, and a router that answers `delivery` calls.
import type {
  BoardBuildingView,
  BoardView,
  DeliveryApi,
  DeliverySummaryView,
  DoorTeamView,
  Envelope,
  HouseholdDeliveryView,
  MyTasksView,
  PlanView,
  ProblemView,
  StopView,
  TripView,
} from '../../../typings/api'
import { COMMUNITY, fail } from './fixtures'
import { fakeCloud } from './harness'

type Action = keyof DeliveryApi
type Input<A extends Action> = DeliveryApi[A]['input']
type Output<A extends Action> = DeliveryApi[A]['output']
export type DeliveryHandlers = {
  [A in Action]?: (payload: Input<A>) => Envelope<Output<A>> | Promise<Envelope<Output<A>>>
}

/** Answer `delivery` calls per action; an action without a handler fails the way the function would. */
export function delivery(handlers: DeliveryHandlers): void {
  fakeCloud.on('delivery', (data) => {
    const action = data.action as Action
    const handler = handlers[action] as ((payload: unknown) => unknown) | undefined
    if (!handler) return fail('UNKNOWN_ACTION', '不支持的操作，请更新小程序后再试')
    return handler(data.payload)
  })
}

/** Payloads sent for one delivery action, in order. */
export function sentDelivery<A extends Action>(action: A): Input<A>[] {
  return fakeCloud.calls
    .filter((c) => c.name === 'delivery' && c.data.action === action)
    .map((c) => c.data.payload as Input<A>)
}

export const DELIVERY_ID = 'dl_1'

export function summary(partial: Partial<DeliverySummaryView> = {}): DeliverySummaryView {
  return {
    id: DELIVERY_ID,
    communityId: COMMUNITY.id,
    buyId: 'buy_1',
    kind: 'drop',
    title: '大米发放（每户10公斤）',
    stage: 'relaying',
    planned: true,
    deliveryAt: '2026-11-24T06:00:00.000Z', // 14:00 in Shanghai
    households: 1506,
    pieces: 1506,
    delivered: 812,
    received: 640,
    problems: 2,
    alerts: 1,
    ...partial,
  }
}

export const SETTINGS = {
  capacity: 40,
  restMinutes: 60,
  doorsBy: '2026-11-24T09:00:00.000Z', // 17:00
  autoReceiveHours: 24,
  gateAlertHours: 2,
  receiptAlertHours: 6,
}

export function boardBuilding(partial: Partial<BoardBuildingView> = {}): BoardBuildingView {
  return {
    buildingId: 'b_12',
    buildingName: '12号',
    groupId: 'g_1',
    stage: 'atEntrance',
    doorSeen: true,
    transportSeen: true,
    households: 24,
    pieces: 24,
    delivered: 10,
    received: 6,
    problems: 1,
    loadedAt: '2026-11-24T07:10:00.000Z',
    atEntranceAt: '2026-11-24T07:25:00.000Z',
    doorTeam: ['王*明', '李*华'],
    transport: '赵*强',
    ...partial,
  }
}

export function boardView(partial: Partial<BoardView> = {}): BoardView {
  return {
    delivery: summary(),
    settings: SETTINGS,
    arrival: {
      at: '2026-11-24T06:02:00.000Z', // 14:02
      byName: '张*敏',
      check: 'full',
      photo: 'https://test-env.tcb.qcloud.la/delivery/c_sunny/o_cmt/gate.jpg?sign=a',
    },
    restUntil: '2026-11-24T07:02:00.000Z', // 15:02
    times: { arrivedAt: '2026-11-24T06:02:00.000Z', restEndedAt: '2026-11-24T07:02:00.000Z' },
    buildings: [
      boardBuilding(),
      boardBuilding({
        buildingId: 'b_5',
        buildingName: '5号',
        stage: 'gate',
        delivered: 0,
        received: 0,
        problems: 0,
        doorTeam: [],
        loadedAt: undefined,
        atEntranceAt: undefined,
        transport: undefined,
      }),
    ],
    alerts: [{ kind: 'unassigned', buildingId: 'b_5', buildingName: '5号', message: '5号楼 没有人送到门口', count: 1 }],
    ...partial,
  }
}

export function trip(partial: Partial<TripView> = {}): TripView {
  return {
    id: `${DELIVERY_ID}:t1`,
    no: 1,
    openid: 'o_me',
    volunteerName: '赵*强',
    stops: [
      { buildingId: 'b_11', buildingName: '11号', bags: 18, pieces: 18 },
      { buildingId: 'b_12', buildingName: '12号', bags: 20, pieces: 20 },
    ],
    bags: 38,
    status: 'planned',
    ...partial,
  }
}

export function stop(partial: Partial<StopView> & Pick<StopView, 'householdId' | 'room'>): StopView {
  return {
    id: `${DELIVERY_ID}:${partial.householdId}`,
    buildingId: 'b_12',
    floor: Number(partial.room.slice(0, -2)) || 1,
    label: `12-${partial.room}`,
    items: '大米 10公斤×1',
    pieces: 1,
    status: 'pending',
    ...partial,
  }
}

export function myTasks(partial: Partial<MyTasksView> = {}): MyTasksView {
  return {
    delivery: summary(),
    restUntil: '2026-11-24T07:02:00.000Z',
    trips: [],
    doors: [
      {
        buildingId: 'b_12',
        buildingName: '12号',
        stage: 'atEntrance',
        stops: [
          stop({ householdId: 'hh_101', room: '101' }),
          stop({ householdId: 'hh_201', room: '201' }),
          stop({ householdId: 'hh_301', room: '301' }),
        ],
      },
    ],
    ...partial,
  }
}

export function doorTeam(partial: Partial<DoorTeamView> = {}): DoorTeamView {
  return {
    buildingId: 'b_12',
    buildingName: '12号',
    members: [{ openid: 'o_lead', name: '王*明', role: 'buildingLead' }],
    isDefault: true,
    ...partial,
  }
}

export function planView(partial: Partial<PlanView> = {}): PlanView {
  return {
    deliveryId: DELIVERY_ID,
    settings: SETTINGS,
    version: 1,
    plannedAt: '2026-11-24T02:00:00.000Z',
    trips: [trip()],
    doorTeams: [doorTeam(), doorTeam({ buildingId: 'b_5', buildingName: '5号', members: [] })],
    transport: [{ openid: 'o_me', name: '赵*强', trips: 1, bags: 38 }],
    gaps: [{ buildingId: 'b_5', buildingName: '5号', missing: 'door' }],
    ...partial,
  }
}

export function problemView(partial: Partial<ProblemView> = {}): ProblemView {
  return {
    id: 'pb_1',
    deliveryId: DELIVERY_ID,
    title: '大米发放（每户10公斤）',
    stopId: `${DELIVERY_ID}:hh_201`,
    householdId: 'hh_201',
    buildingId: 'b_12',
    label: '12-201',
    kind: 'damaged',
    note: '袋子破了，撒了一些',
    at: '2026-11-24T08:00:00.000Z', // 16:00
    byName: '王*明',
    status: 'open',
    ...partial,
  }
}

export function householdDelivery(partial: Partial<HouseholdDeliveryView> = {}): HouseholdDeliveryView {
  return {
    deliveryId: DELIVERY_ID,
    title: '大米发放（每户10公斤）',
    stage: 'relaying',
    label: '12-201',
    items: '大米 10公斤×1',
    status: 'delivered',
    where: '已送到门口',
    delivered: { at: '2026-11-24T06:32:00.000Z', byName: '王*明' }, // 14:32
    deliveryAt: '2026-11-24T06:00:00.000Z',
    ...partial,
  }
}
