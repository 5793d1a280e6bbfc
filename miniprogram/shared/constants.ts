// Values the mini-program and the cloud functions must agree on. The one copy: pages import it at run time, and the
// function bundles import it at build time (esbuild inlines it). Plain data only: no wx APIs and no run-time
// imports, so it loads in both runtimes; the types come from the contract (erased at run time).
import type { ResidentFlag, RevealReason, Role, VolunteerType } from '../../typings/api'

/** Role names as users see them (居民, not 住户: 住户 is the household). */
export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  resident: '居民',
  floorLead: '层长',
  buildingLead: '楼组长',
  groupLead: '营长',
  communityLead: '团长',
  committee: '居委',
  merchant: '商家',
  volunteer: '志愿者',
}

export const VOLUNTEER_LABELS: Readonly<Record<VolunteerType, string>> = {
  online: '云上',
  testing: '核酸',
  building: '楼栋',
  patrol: '巡逻',
  transport: '运输',
  emergency: '应急',
}

export const VOLUNTEER_TYPES = Object.keys(VOLUNTEER_LABELS) as readonly VolunteerType[]

/** Special-population flags, as the ledger, the roster and the household page write them. */
export const FLAG_LABELS: Readonly<Record<ResidentFlag, string>> = {
  elderly: '60岁以上',
  alone: '独居',
  mobility: '行动不便',
  chronic: '慢性病',
  pregnant: '孕妇',
  infant: '婴幼儿',
}

/** Why a lead or volunteer reveals a masked number to dial it (the reveal log shows it to the committee). */
export const REVEAL_REASON_LABELS: Readonly<Record<RevealReason, string>> = {
  remind: '提醒报抗原',
  delivery: '配送物资',
  health: '健康异常跟进',
  care: '关怀老人',
  need: '需求回访',
  other: '其他',
}

/** Largest kit photo (after compression) the phone uploads and the function accepts. */
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024

/** An antigen kit cannot be read before this: a photo taken earlier may show a false negative. */
export const READ_TIME_MINUTES = 15
export const READ_TIME_MS = READ_TIME_MINUTES * 60_000

/**
 * Subscription-message templates: the ids the pages ask the user to accept are the ids the functions send with.
 * These placeholders work on localcloud; for production put the ids from the mini-program admin console
 * (订阅消息 → 我的模板) here, then build and deploy both the mini-program and the functions.
 */
export const TEMPLATE_IDS = {
  /** To building leads: a new join request waits for approval. */
  joinRequest: 'TPL_JOIN_REQUEST',
  /** To the applicant: the lead approved or rejected the request. */
  joinResult: 'TPL_JOIN_RESULT',
  /** To the building's leads, and residents who asked (开轮提醒): a new antigen round is open. */
  roundOpened: 'TPL_ROUND_OPENED',
  /** To households that have not submitted: their lead's 提醒未报. */
  antigenReminder: 'TPL_ANTIGEN_REMINDER',
  /** To the building's leads and the committee: an abnormal (positive) result was submitted. */
  abnormal: 'TPL_ABNORMAL',
  /** To the building's leads: a confirmed building changed and is open again. */
  reopened: 'TPL_REOPENED',
  /** To subscribed residents and the leads of the buildings in scope: a sale or a supply drop is coming (开团预告). */
  buyOpening: 'TPL_BUY_OPENING',
  /** To the households with an order: the buy closed (预计送达), did not go ahead (未成团) or was cancelled. */
  buyUpdate: 'TPL_BUY_UPDATE',
  /** To a household's members: a lead or family member placed or changed an order for the household. */
  orderForYou: 'TPL_ORDER_FOR_YOU',
  /** To a shop that applied: the committee approved, rejected or suspended it. */
  merchantResult: 'TPL_MERCHANT_RESULT',
  /** To a volunteer: their task list of a delivery (buildings, bags, when), and when the goods reached the gate. */
  relayTasks: 'TPL_RELAY_TASKS',
  /** To a building's door team: the building's bags are at its entrance. */
  relayArrived: 'TPL_RELAY_ARRIVED',
  /** To the household and whoever ordered for it: 「3-201 的物资已送到门口」. */
  delivered: 'TPL_DELIVERED',
  /** To the committee and the leads: goods waiting too long, a building unassigned or late, bags not received. */
  relayAlert: 'TPL_RELAY_ALERT',
  /** To the building's leads and the merchant: a problem with a bag. */
  relayProblem: 'TPL_RELAY_PROBLEM',
  /** To the residents and leads of the buildings called down for testing: 「请 3号–27号 楼居民下楼检测」. */
  callup: 'TPL_CALLUP',
  /** To each building and floor lead and care volunteer on shift, in the morning: how many of theirs are overdue. */
  careDue: 'TPL_CARE_DUE',
  /** To the building's leads and the committee: a flagged resident could not be reached twice in a row. */
  careAlert: 'TPL_CARE_ALERT',
  /** To the people who must answer a need now: a new one, one gone up to them unanswered, one taken but overdue. */
  needNew: 'TPL_NEED_NEW',
  /** To the household: its need was taken or done. */
  needUpdate: 'TPL_NEED_UPDATE',
} as const

export type TemplateKey = keyof typeof TEMPLATE_IDS
