/**
 * The API contract between the mini-program and the cloud functions.
 * Both sides import these types; nothing here exists at run time.
 */

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

/** Roles are always held at a place in the community tree. */
export type Role = 'resident' | 'buildingLead' | 'groupLead' | 'communityLead' | 'committee' | 'merchant' | 'volunteer'

export type VolunteerType = 'online' | 'testing' | 'building' | 'patrol' | 'transport' | 'emergency'

/** A place in the tree: the deeper the fields, the narrower the scope. */
export interface Scope {
  communityId: string
  groupId?: string
  buildingId?: string
  householdId?: string
}

export interface RoleGrant {
  role: Role
  scope: Scope
  volunteerType?: VolunteerType
}

export interface WhoAmI {
  openid: string
  roles: RoleGrant[]
}

/** Every function's actions: input and output per action name. */
export interface Api {
  community: {
    whoami: { input: Record<string, never>; output: WhoAmI }
  }
}

export type FunctionName = keyof Api
export type ActionName<F extends FunctionName> = keyof Api[F] & string
type Spec<F extends FunctionName, A extends ActionName<F>> = Api[F][A] extends { input: unknown; output: unknown }
  ? Api[F][A]
  : never
export type ActionInput<F extends FunctionName, A extends ActionName<F>> = Spec<F, A>['input']
export type ActionOutput<F extends FunctionName, A extends ActionName<F>> = Spec<F, A>['output']
