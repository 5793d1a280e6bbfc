// Documents of the testing call-up as stored (views sent to clients are in typings/api/callup.d.ts).
//
// A session (`callupSessions`) is written once when it starts and once when it ends; its progress is on one
// `callupBuildings` document per building (state, who called and marked it, when), so two volunteers calling at
// once touch building documents, never one hot document. Each call (`callupCalls`, its id from the session and the
// caller's requestId) records which buildings it won, so a retried call answers the same and pushes nobody twice.
// A sampling point's lock (`callupPoints`) holds the one open session of that point.
import type { CallupSessionStatus, CallupState } from '../../typings/api'

/** Who did a step and when (the name as the ledger or grant knew it then). */
export interface CallupStepDoc {
  at: Date
  by: string
  byName: string
}

export interface CallupPointDoc {
  id: string
  name: string
  buildings: number
}

export interface CallupSessionDoc {
  _id: string
  communityId: string
  name: string
  status: CallupSessionStatus
  points: CallupPointDoc[]
  buildings: number
  requestId: string
  started: CallupStepDoc
  ended?: CallupStepDoc
  /** When an ended session and its buildings and calls are deleted (server/callup/retention.ts). */
  deleteAfter?: Date
  updatedAt: Date
}

/** `${communityId}:${key}` of the point's name: the one open session of a sampling point. */
export interface CallupPointLockDoc {
  _id: string
  communityId: string
  name: string
  sessionId: string
  at: Date
}

/** `${sessionId}:${buildingId}` */
export interface CallupBuildingDoc {
  _id: string
  sessionId: string
  communityId: string
  groupId: string
  buildingId: string
  name: string
  /** Position in the session, 1 = first (the community's building order). */
  pos: number
  pointId: string
  state: CallupState
  /** The call that called it last (its `callupCalls` id). */
  callId?: string
  calls: number
  firstCalledAt?: Date
  called?: CallupStepDoc
  started?: CallupStepDoc
  done?: CallupStepDoc & { tested?: number }
  skipped?: CallupStepDoc & { reason: string }
  updatedAt: Date
}

/** `${sessionId}:${requestId}`: one call or recall, what it won and who it told. */
export interface CallupCallDoc {
  _id: string
  sessionId: string
  communityId: string
  kind: 'call' | 'recall'
  buildingIds: string[]
  label: string
  skippedNames: string[]
  queued: number
  at: Date
  by: string
  byName: string
}
