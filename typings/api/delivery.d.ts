/**
 * The delivery relay (接力配送): a closed group buy or supply drop goes gate → building entrances → doors.
 *
 * Stages of a delivery: 待到货 (awaiting: planned or not) → 消毒静置 (resting: arrived at the gate, disinfection and
 * rest) → 配送中 (relaying: transport volunteers take each building's bags to its entrance, the building's door team
 * carries them to the doors) → 已完成 (done: every household's bag delivered, received or left with a problem).
 *
 * Planning by fixed posts (定岗定责): transport trips group neighbouring buildings (the community's building order)
 * per transport volunteer, balanced by bags within the tricycle capacity; door tasks of a building go to its door
 * team (its leads and paired volunteers, configurable per building). Every step records who and when. Marks carry a
 * client `markId`: the same mark sent again (a lost connection, a retry) counts once.
 */
import type { ExportFile } from './sheets'
import type { BuyKind } from './groupbuy'

/** 待到货 / 消毒静置 / 配送中 / 已完成 */
export type DeliveryStage = 'awaiting' | 'resting' | 'relaying' | 'done'

/** A building's part: 在大门 / 运输中 / 已到楼门口 / 已送完 */
export type BuildingStage = 'gate' | 'onTrip' | 'atEntrance' | 'done'

/** A household's bag: 待送 / 已送到门口 / 已签收 / 有问题 */
export type StopStatus = 'pending' | 'delivered' | 'received' | 'problem'

/** 发错 / 缺少 / 破损 / 无人在家 / 其他 */
export type ProblemKind = 'wrong' | 'missing' | 'damaged' | 'nobodyHome' | 'other'

/** The gate's quick count check: 数量齐全 / 数量不足. */
export type ArrivalCheck = 'full' | 'short'

/** Alerts of the live board (and of the pushes to the committee and leads). */
export type DeliveryAlertKind =
  /** A building nobody carries to the doors, or bags no transport volunteer takes: before the goods arrive. */
  | 'unassigned'
  /** Goods at the gate (or still at a building's entrance) longer than `gateAlertHours`. */
  | 'stale'
  /** A building not finished at the delivery's `doorsBy`. */
  | 'late'
  /** Bags marked delivered but not received after `receiptAlertHours`. */
  | 'unreceived'
  /** Problems not yet handled. */
  | 'problems'

export interface DeliveryAlert {
  kind: DeliveryAlertKind
  /** The building, for the per-building kinds. */
  buildingId?: string
  buildingName?: string
  /** 「3号楼 没有人负责送到门口」 */
  message: string
  /** How many (bags, buildings, problems) the alert is about. */
  count: number
}

/** Settings of one delivery, chosen when it is planned (defaults in brackets). */
export interface DeliverySettings {
  /** Bags one tricycle carries on a trip (40); 1–500. */
  capacity: number
  /** Minutes of disinfection and rest after arrival (60); 0–600. */
  restMinutes: number
  /** When every door should have its bag (ISO; the buy's expected delivery time + 3 hours). */
  doorsBy: string
  /** Hours after a bag is marked delivered that it counts as received when nobody confirmed (24); 1–168. */
  autoReceiveHours: number
  /** Hours goods may wait at the gate or at an entrance before the board and a push say so (2); 1–48. */
  gateAlertHours: number
  /** Hours a delivered bag may go unconfirmed before the board says so (6); 1–168. */
  receiptAlertHours: number
}

/** Who did a step, and when. Names masked except to the committee. */
export interface StepMark {
  at: string
  byName: string
}

export interface ArrivalView extends StepMark {
  check: ArrivalCheck
  /** What was short, when `check` is short. */
  note?: string
  /** A temporary URL of the photo (leads and above). */
  photo?: string
}

/** One row of the deliveries list. */
export interface DeliverySummaryView {
  id: string
  communityId: string
  buyId: string
  kind: BuyKind
  title: string
  stage: DeliveryStage
  planned: boolean
  deliveryAt: string
  households: number
  pieces: number
  delivered: number
  received: number
  problems: number
  /** Alerts now (counts only; the board has the details). */
  alerts: number
}

/** A transport trip: a volunteer's tricycle load, neighbouring buildings in the community's order. */
export interface TripView {
  id: string
  /** 第几趟 of the volunteer (1-based). */
  no: number
  openid: string
  volunteerName: string
  /** The buildings of the trip, in the order to drive them, with the bags for each. */
  stops: { buildingId: string; buildingName: string; bags: number; pieces: number; droppedAt?: string }[]
  bags: number
  status: 'planned' | 'done'
  /** When its volunteer first opened their task list (absent: not yet: the board says so). */
  seenAt?: string
}

/** The people who carry a building's bags to its doors. */
export interface DoorTeamView {
  buildingId: string
  buildingName: string
  /** The team as configured (`setDoorTeam`), or by default every eligible person. */
  members: { openid: string; name: string; role: 'buildingLead' | 'volunteer'; volunteerType?: string }[]
  /** Nobody configured: the default (leads and paired volunteers) applies. */
  isDefault: boolean
}

export interface PlanView {
  deliveryId: string
  settings: DeliverySettings
  /** Version of the plan: each (re)plan adds one. */
  version: number
  plannedAt: string
  trips: TripView[]
  doorTeams: DoorTeamView[]
  /** Per transport volunteer: trips and bags (the balance). */
  transport: { openid: string; name: string; trips: number; bags: number }[]
  /** Buildings with nobody to take them: flagged before the goods arrive. */
  gaps: { buildingId: string; buildingName: string; missing: 'transport' | 'door' }[]
}

/** One building on the live board. */
export interface BoardBuildingView {
  buildingId: string
  buildingName: string
  groupId: string
  stage: BuildingStage
  households: number
  pieces: number
  delivered: number
  received: number
  problems: number
  /** When its bags left the gate and reached the entrance; when its last bag was delivered. */
  loadedAt?: string
  atEntranceAt?: string
  doneAt?: string
  /** Who carries them to the doors (names masked except to the committee). */
  doorTeam: string[]
  /** Who takes them from the gate. */
  transport?: string
  /** Whether someone of its door team has opened their task list. */
  doorSeen: boolean
  /** Whether every transport volunteer carrying it has opened their task list. */
  transportSeen: boolean
}

export interface BoardView {
  delivery: DeliverySummaryView
  settings: DeliverySettings | null
  arrival?: ArrivalView
  /** When the rest ends (or ended) and the relay starts. */
  restUntil?: string
  /** Stage times: arrived, rest ended, first and last entrance, last door, done. */
  times: {
    arrivedAt?: string
    restEndedAt?: string
    firstEntranceAt?: string
    lastEntranceAt?: string
    lastDoorAt?: string
    doneAt?: string
  }
  /** Buildings in the caller's scope, in the community's order. */
  buildings: BoardBuildingView[]
  alerts: DeliveryAlert[]
}

/** A household's bag as its door team sees it (the household as 「楼-室」, never names or phones). */
export interface StopView {
  id: string
  householdId: string
  buildingId: string
  room: string
  floor: number
  /** 「3号-201」 */
  label: string
  /** What is in the bag: 「大米 10公斤×1」. */
  items: string
  pieces: number
  status: StopStatus
  delivered?: StepMark & { photo?: string }
  received?: StepMark & { auto: boolean }
  problem?: { kind: ProblemKind; note: string }
}

/** A volunteer's work of one delivery: their trips and the doors of their buildings. */
export interface MyTasksView {
  delivery: DeliverySummaryView
  restUntil?: string
  trips: TripView[]
  /** Buildings whose door team the caller is in, each with its stops in natural room order. */
  doors: {
    buildingId: string
    buildingName: string
    stage: BuildingStage
    stops: StopView[]
  }[]
}

/** A household's delivery as its members see it. */
export interface HouseholdDeliveryView {
  deliveryId: string
  title: string
  stage: DeliveryStage
  label: string
  items: string
  status: StopStatus
  /** Where the bag is now: 「在小区大门消毒静置」「已到楼门口」「已送到门口」… */
  where: string
  delivered?: StepMark
  received?: StepMark & { auto: boolean }
  deliveryAt: string
}

export interface ProblemView {
  id: string
  deliveryId: string
  title: string
  stopId: string
  householdId: string
  buildingId: string
  label: string
  kind: ProblemKind
  note: string
  photo?: string
  at: string
  byName: string
  status: 'open' | 'handled'
  handled?: StepMark & { note: string }
}

/** One mark of a batch (a door marking a bag, sent at once or synced after a lost connection). */
export interface StopMarkInput {
  stopId: string
  /** Made on the phone when the button was pressed: the same mark sent again counts once. */
  markId: string
  /** When it was pressed (ISO), if earlier than the call: never later than now. */
  at?: string
  /** An optional photo of the bag on the door handle, under `delivery/<communityId>/<openid>/`. */
  photo?: string
}

/** What became of one mark: applied now, applied before (the same markId), or refused with a code. */
export interface StopMarkResult {
  stopId: string
  markId: string
  result: 'marked' | 'already' | 'refused'
  code?: string
  message?: string
}

export interface DeliveryApi {
  /** Deliveries of the community the caller takes part in (committee, 团长, 营长 and leads: their buildings). */
  listDeliveries: { input: { communityId: string }; output: DeliverySummaryView[] }
  /**
   * Plan (or re-plan) a delivery (committee, 团长): the households' bags from its orders, the door teams, the
   * transport trips; each volunteer is pushed their task list. Before arrival the whole plan is made again; after,
   * only what has not left the gate. `requestId` makes a retry answer the plan it made.
   */
  planDelivery: {
    input: { deliveryId: string; requestId: string; settings?: Partial<DeliverySettings> }
    output: PlanView
  }
  getPlan: { input: { deliveryId: string }; output: PlanView }
  /**
   * A volunteer drops out of a delivery (themselves, or the committee / 团长 for them): their trips not yet done
   * go to the others, and the buildings left without a door person are flagged.
   */
  dropVolunteer: { input: { deliveryId: string; openid: string; reason: string }; output: PlanView }
  /** Who carries a building's bags to its doors (committee, 团长, the building's 营长 and leads). */
  setDoorTeam: { input: { buildingId: string; openids: string[] }; output: DoorTeamView }
  getDoorTeams: { input: { communityId: string }; output: DoorTeamView[] }
  /** The goods reached the gate (committee, 团长, transport volunteers of the plan): the rest starts. */
  recordArrival: {
    input: { deliveryId: string; check: ArrivalCheck; note?: string; photo?: string; at?: string }
    output: BoardView
  }
  /** End the rest early (committee, 团长): the relay starts now. */
  endRest: { input: { deliveryId: string }; output: BoardView }
  board: { input: { deliveryId: string }; output: BoardView }
  /** The caller's tasks in one delivery (volunteers, leads), or null when they have none. */
  myTasks: { input: { deliveryId: string }; output: MyTasksView | null }
  /** Deliveries the caller has tasks in now (not done). */
  myDeliveries: { input: { communityId: string }; output: DeliverySummaryView[] }
  /** A transport volunteer: the bags of a building of their trip are at its entrance. */
  markEntrance: {
    input: { deliveryId: string; tripId: string; buildingId: string; markId: string; at?: string }
    output: TripView
  }
  /** A door team member: bags hung on the doors (up to 100 marks; a batch synced after a lost connection). */
  markStops: { input: { deliveryId: string; marks: StopMarkInput[] }; output: StopMarkResult[] }
  /** A household confirms it has its bag (a member, its 代管 holder, the one who ordered for it). */
  confirmReceived: { input: { deliveryId: string; householdId: string }; output: HouseholdDeliveryView }
  /** A household's deliveries, newest first (its members and 代管 holders). */
  householdDeliveries: { input: { householdId: string }; output: HouseholdDeliveryView[] }
  /** A problem with a bag (door team member, or the household): it waits in the queue until handled. */
  reportProblem: {
    input: {
      deliveryId: string
      stopId: string
      kind: ProblemKind
      note: string
      photo?: string
      requestId: string
    }
    output: ProblemView
  }
  /** Problems of a delivery or of the community (committee, 团长, 营长 and leads: their buildings; the merchant). */
  listProblems: {
    input: { communityId: string; deliveryId?: string; status?: 'open' | 'handled' }
    output: ProblemView[]
  }
  handleProblem: { input: { problemId: string; note: string }; output: ProblemView }
}

export type DeliverySheet = 'buildings' | 'volunteers'

export interface DeliverySheetsApi {
  /**
   * A delivery's printable lists (A4, one building or volunteer per page): per building, its bags in natural room
   * order with a tick column; per volunteer, their trips and doors. Committee and 团长 (all), leads (their
   * buildings). `phones` (committee only) adds the households' numbers.
   */
  exportDelivery: {
    input: { deliveryId: string; sheet: DeliverySheet; buildingId?: string; phones?: boolean }
    output: ExportFile
  }
}
