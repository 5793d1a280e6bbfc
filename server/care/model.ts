// Documents of care (关怀) as stored; views sent to clients are in typings/api/care.d.ts.
//
// One `careChecks` document per check made (its id from the author and their requestId, so a retry writes nothing),
// and one `careStatus` document per flagged person (`${householdId}:${memberId}`) that the list reads instead of
// every check: the last check, the last successful contact and the 联系不上 streak. No document is shared by a
// building or a community, so checks of different people never contend.
import type { CareHow, CareResult, Role } from '../../typings/api'

export interface CareCheckDoc {
  _id: string
  communityId: string
  groupId: string
  buildingId: string
  householdId: string
  memberId: string
  how: CareHow
  result: CareResult
  note?: string
  /** Who checked: openid, their name as the ledger or their grant knew it then, and the role they checked as. */
  by: string
  byName: string
  role: Role
  at: Date
  /** Shanghai day 'YYYY-MM-DD' of `at`. */
  day: string
  /** The check made a second 联系不上 in a row and alerted the building lead and the committee. */
  alerted?: boolean
  /** Deleted by the care timer from this instant on (server/care/retention.ts). */
  deleteAfter: Date
}

export interface CareStatusDoc {
  _id: string
  communityId: string
  groupId: string
  buildingId: string
  householdId: string
  memberId: string
  lastCheckId: string
  lastAt: Date
  lastResult: CareResult
  lastHow: CareHow
  lastBy: string
  lastByName: string
  lastNote?: string
  /** The last 平安 or 有需要. */
  lastSuccessAt?: Date
  /** 联系不上 in a row since then. */
  unreachableStreak: number
  updatedAt: Date
}
