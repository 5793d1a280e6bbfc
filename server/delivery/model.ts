// Documents of the delivery relay as stored (views sent to clients are in typings/api/delivery.d.ts).
//
// A delivery (`deliveries`, made by the buy's close: server/groupbuy/model.ts DeliveryDoc) is planned into one
// `deliveryStops` document per household (its bag), one `deliveryBuildings` document per building (stage, counters,
// door team) and `deliveryTrips` (transport loads). Marks change a stop and its building's counters in one
// transaction: 140 volunteers marking at once touch 135 building documents, never one hot document per delivery.
import type {
  ArrivalCheck,
  BuildingStage,
  DeliveryAlertKind,
  DeliverySettings,
  ProblemKind,
  StopStatus,
} from '../../typings/api'
import type { DeliveryDoc } from '../groupbuy/model'

/** Who did a step and when (the name as the ledger or grant knew it then). */
export interface StepDoc {
  at: Date
  by: string
  byName: string
}

/** The settings as stored (doorsBy as a Date). */
export interface DeliverySettingsDoc extends Omit<DeliverySettings, 'doorsBy'> {
  doorsBy: Date
}

/**
 * The relay's part of a `deliveries` document (fields added to DeliveryDoc once it is planned). `status` moves
 * awaiting → resting → relaying → done.
 */
export interface DeliveryRelayFields {
  status: 'awaiting' | 'resting' | 'relaying' | 'done'
  settings?: DeliverySettingsDoc
  plan?: {
    version: number
    plannedAt: Date
    by: string
    /** requestIds of the planDelivery calls applied (the last few). */
    requestIds: string[]
    /** Buildings nobody takes (transport) or carries to the doors: flagged before arrival. */
    gaps: { buildingId: string; missing: 'transport' | 'door' }[]
    /** Transport volunteers who dropped out of this delivery. */
    dropped: { openid: string; reason: string; at: Date; by: string }[]
  }
  /** The lease of a planning under way (one planning of a delivery at a time). */
  planning?: { token: string; until: Date }
  arrival?: StepDoc & { check: ArrivalCheck; note?: string; photo?: string }
  restUntil?: Date
  restEndedAt?: Date
  doneAt?: Date
  /** Done and every bag confirmed (or received automatically): the timer looks at it no more. */
  settledAt?: Date
  /** Alerts already pushed (kind:buildingId), so each is pushed once. */
  alerted?: string[]
  /** Community-wide counts kept by the timer from the building documents (the list reads these). */
  totals?: { delivered: number; received: number; problems: number }
  /** Its people removed at the end of the period (server/delivery/retention.ts): rooms, items, counts, times stay. */
  reducedAt?: Date
  updatedAt?: Date
}

/** A `deliveries` document as the relay reads and writes it. */
export type RelayDeliveryDoc = Omit<DeliveryDoc, 'status'> & DeliveryRelayFields

/** A household's bag in a delivery (`_id` = `${deliveryId}:${householdId}`). */
export interface DeliveryStopDoc {
  _id: string
  deliveryId: string
  communityId: string
  groupId: string
  buildingId: string
  householdId: string
  room: string
  floor: number
  /** 「3号-201」 */
  label: string
  /** 「大米 10公斤×1、鸡蛋 30个×2」 */
  items: string
  pieces: number
  /** Who is told when the bag is at the door: the household's linked members and whoever ordered for it. */
  notify: string[]
  status: StopStatus
  delivered?: StepDoc & { markId: string; photo?: string }
  received?: StepDoc & { auto: boolean }
  /** The open problem, while status is `problem`. */
  problem?: { id: string; kind: ProblemKind; note: string }
  updatedAt: Date
}

/** A building's part of a delivery (`_id` = `${deliveryId}:${buildingId}`). Counters move with _.inc. */
export interface DeliveryBuildingDoc {
  _id: string
  deliveryId: string
  communityId: string
  groupId: string
  buildingId: string
  /** The community's building order (the board and the trips follow it). */
  order: number
  stage: BuildingStage
  households: number
  pieces: number
  /** Bags at the door (delivered or received: received ones count here too), received, and bags left with a problem. */
  delivered: number
  received: number
  problems: number
  /** The door team's openids at planning (re-read from doorTeams / grants on a re-plan). */
  door: string[]
  doorNames: string[]
  /** Who takes it from the gate (the volunteers of its trips' stops; a big building can be on several trips). */
  transport: string[]
  transportNames: string[]
  /** Trip stops that carry its bags, and how many of them were dropped at its entrance (its stage follows). */
  dropsTotal: number
  dropsDone: number
  /** Door team members who opened their task list (myTasks). */
  doorSeen?: string[]
  /** Transport volunteers carrying it who opened theirs. */
  transportSeen?: string[]
  loaded?: StepDoc
  atEntrance?: StepDoc & { markId: string }
  doneAt?: Date
  updatedAt: Date
}

/** A transport trip (`_id` = `${deliveryId}:t${n}`). */
export interface DeliveryTripDoc {
  _id: string
  deliveryId: string
  communityId: string
  openid: string
  volunteerName: string
  /** 第几趟 of this volunteer. */
  no: number
  stops: { buildingId: string; bags: number; pieces: number; dropped?: StepDoc & { markId: string } }[]
  bags: number
  status: 'planned' | 'done'
  /** When its volunteer first opened their task list (myTasks). */
  seenAt?: Date
  /** The plan version that made it; a re-plan replaces the trips not started. */
  version: number
  updatedAt: Date
}

/** A building's door team as configured (`_id` = buildingId). Absent: every eligible person. */
export interface DoorTeamDoc {
  _id: string
  communityId: string
  buildingId: string
  openids: string[]
  by: string
  at: Date
}

/** A problem with a bag (`_id` from the requestId). */
export interface DeliveryProblemDoc {
  _id: string
  deliveryId: string
  communityId: string
  buyId: string
  /** The buy's merchant, for the merchant's queue. */
  merchantId?: string
  stopId: string
  householdId: string
  buildingId: string
  groupId: string
  label: string
  kind: ProblemKind
  note: string
  photo?: string
  at: Date
  by: string
  byName: string
  status: 'open' | 'handled'
  handled?: StepDoc & { note: string }
}

export type { DeliveryAlertKind }
