/**
 * The API contract between the mini-program and the cloud functions.
 * Both sides import these types; nothing here exists at run time.
 */
import type { AntigenApi } from './antigen'
import type { CallupApi } from './callup'
import type { CareApi } from './care'
import type { CommunityApi } from './community'
import type { DeliveryApi } from './delivery'
import type { GroupBuyApi } from './groupbuy'
import type { RegistersApi } from './registers'
import type { NeedsApi } from './needs'
import type { SheetsApi } from './sheets'

export * from './antigen'
export * from './callup'
export * from './care'
export * from './community'
export * from './delivery'
export * from './groupbuy'
export * from './needs'
export * from './registers'
export * from './sheets'

/** Stable error codes. Clients branch on these, never on the message text. */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'UNKNOWN_ACTION'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INTERNAL'
  /** Client side only: the call never reached the function or its reply was unreadable. */
  | 'NETWORK'
  // Onboarding
  | 'INVITE_INVALID'
  | 'INVITE_EXPIRED'
  | 'INVITE_USED_UP'
  | 'ROOM_NOT_FOUND'
  | 'NAME_MISMATCH'
  | 'ALREADY_JOINED'
  | 'REQUEST_DECIDED'
  | 'CONSENT_REQUIRED'
  | 'CONSENT_OUTDATED'
  /** A join approval for a ledger member someone else is already linked to. */
  | 'MEMBER_LINKED'
  /** Too many failed attempts in a time window (invite codes, room and name checks); the message says until when. */
  | 'RATE_LIMITED'
  /** WeChat did not make the invite's 小程序码 (the typed code still works). */
  | 'QR_UNAVAILABLE'
  // Roles and structure
  | 'NOT_LINKED'
  | 'VOLUNTEER_CAP_REACHED'
  | 'ROLE_EXISTS'
  // Phones
  | 'REVEAL_LIMIT'
  // Ending the service
  /** The committee closed the community: no new rounds, joins, invites or submissions. */
  | 'COMMUNITY_CLOSED'
  // Ledger import
  | 'FILE_UNREADABLE'
  /** A file from outside the folder the action takes files from (another community's, another environment's). */
  | 'FILE_NOT_ALLOWED'
  | 'IMPORT_HAS_ERRORS'
  | 'IMPORT_STATE'
  // Antigen rounds
  | 'ROUND_CLOSED'
  | 'BUILDING_CONFIRMED'
  | 'ALREADY_CONFIRMED'
  | 'FLOORS_UNCONFIRMED'
  | 'NOT_A_MEMBER'
  | 'PHOTO_REQUIRED'
  | 'PHOTO_TOO_LARGE'
  | 'PHOTO_INVALID'
  | 'HEALTH_CONSENT_REQUIRED'
  // Group buys
  /** The caller's shop is not (or no longer) approved by the committee. */
  | 'MERCHANT_NOT_APPROVED'
  /** The buy's merchant is suspended: no new buys, no new orders. */
  | 'MERCHANT_SUSPENDED'
  /** The sale has not opened yet. */
  | 'BUY_NOT_OPEN'
  /** Past the deadline, closed, failed or cancelled: nothing changes any more. */
  | 'BUY_CLOSED'
  /** The household's building is not in the buy's scope. */
  | 'NOT_IN_SCOPE'
  /** An item that is not one of this buy's. */
  | 'ITEM_NOT_FOUND'
  /** A quantity that is not a multiple of the item's pack size (sold only by the case). */
  | 'PACK_SIZE'
  /** More than one household may order of an item. */
  | 'OVER_LIMIT'
  /** Not enough left of an item; the message says how many remain. */
  | 'SOLD_OUT'
  /** A payment or refund that does not fit the order (more than was paid, nothing to refund). */
  | 'PAYMENT_INVALID'
  /** A staged order import still has rows no person resolved. */
  | 'IMPORT_UNRESOLVED'
  // Delivery relay
  /** The delivery has no plan yet: nobody has tasks in it. */
  | 'NOT_PLANNED'
  /** The goods have not reached the gate, or are still resting: nothing goes to the buildings yet. */
  | 'DELIVERY_NOT_STARTED'
  /** Every bag of the delivery is delivered: nothing changes any more. */
  | 'DELIVERY_DONE'
  /** A trip, building or bag that is not on the caller's list. */
  | 'NOT_YOUR_TASK'
  /** Already marked by someone else (the message says who and when). */
  | 'ALREADY_MARKED'
  // Testing call-up
  /** The call-up session has ended: nothing is called or marked any more. */
  | 'SESSION_ENDED'
  /** A sampling point of the new session already has an open session (the message names it). */
  | 'POINT_BUSY'
  /** None of the buildings asked for is waiting (called by someone else, done or skipped). */
  | 'NOTHING_TO_CALL'
  // Care (关怀)
  /** A volunteer outside their shifts: no task reaches them then. */
  | 'OFF_SHIFT'
  /** The person carries no flag the caller looks after: not on the care list. */
  | 'NOT_ON_CARE_LIST'
  // Livelihood registers
  /** The register has reached its limit (types per community, fields per type). */
  | 'REGISTER_LIMIT'
  // Needs
  /** The need is done or cancelled: nothing changes any more. */
  | 'NEED_CLOSED'
  /** Someone has the need already (the message says who); only a higher level may take it over. */
  | 'NEED_TAKEN'
  /** The caller does not have this need (only its taker may finish it or call). */
  | 'NOT_YOUR_NEED'

export interface Ok<T> {
  ok: true
  data: T
}

export interface Fail {
  ok: false
  code: ErrorCode
  /** Simplified Chinese, safe to show to the user as is. */
  message: string
  /** Dotted path of the offending input field, for INVALID_INPUT. */
  field?: string
}

export type Envelope<T> = Ok<T> | Fail

/** What every cloud function receives from the mini-program. */
export interface CallEvent<A extends string = string, P = unknown> {
  action: A
  payload?: P
}

/** Every function's actions: input and output per action name. */
export interface Api {
  community: CommunityApi
  antigen: AntigenApi
  /** Group buys and supply drops: merchants, buys, orders, payments. */
  groupbuy: GroupBuyApi
  /** The delivery relay: plans, stages, marks, the live board, problems. */
  delivery: DeliveryApi
  /** Testing call-up (线上叫号): sessions, calls, each building's turn. */
  callup: CallupApi
  /** Special-population care (关怀) and volunteers' hours. */
  care: CareApi
  /** The livelihood registers (民生底账): types, entries, imports; needs of a linked type as rows. */
  registers: RegistersApi
  /** Needs (需求登记): registration, routing to 云上 volunteers, escalation, the daily roll-up. */
  needs: NeedsApi
  /** Spreadsheets: the exports and reading uploaded ledgers (kept out of the burst-path functions). */
  sheets: SheetsApi
}

export type FunctionName = keyof Api
export type ActionName<F extends FunctionName> = keyof Api[F] & string
type Spec<F extends FunctionName, A extends ActionName<F>> = Api[F][A] extends { input: unknown; output: unknown }
  ? Api[F][A]
  : never
export type ActionInput<F extends FunctionName, A extends ActionName<F>> = Spec<F, A>['input']
export type ActionOutput<F extends FunctionName, A extends ActionName<F>> = Spec<F, A>['output']
