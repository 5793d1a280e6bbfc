// Antigen rounds' documents as stored: rounds, one chain per (round, building) with its entries, subscribers,
// reminders. Views sent to clients are in typings/api; these never leave the server.
import type { AntigenResult } from '../../typings/api'

export interface RoundDoc {
  _id: string
  communityId: string
  /** Shanghai calendar day 'YYYY-MM-DD'. */
  date: string
  deadline: Date
  notice: string
  status: 'open' | 'closed'
  allBuildings: boolean
  buildingIds: string[]
  buildingCount?: number
  openedBy: string
  openedAt: Date
  closedAt?: Date
  /** Set once the retention timer deleted the kit photos (of every chain of the round). */
  photosDeletedAt?: Date
  /**
   * Set once every chain of the round was reduced to counts (settings.resultRetentionDays after it closed, or when
   * its community's data was deleted): no names, results or timer times remain, and its reminder logs are gone.
   */
  resultsReducedAt?: Date
}

export interface MemberResultDoc {
  memberId: string
  name: string
  result: AntigenResult
  reason?: string
  photo?: string
  photoSize?: number
  startedAt?: string
  photoAt?: string
}

export interface ResultCounts {
  people: number
  negative: number
  positive: number
  invalid: number
  untested: number
}

export interface ChainEntryDoc {
  no: number
  householdId: string
  room: string
  submittedAt: Date
  updatedAt: Date
  by: string
  /** Submitted by a lead or family member for the household (代报). */
  proxy: boolean
  members: MemberResultDoc[]
  counts: ResultCounts
  flagged?: { by: string; reason: string; at: Date }
  /** The household's floor (from the household when submitted). */
  floor?: number
  /** The intake document this entry was merged from (its nonce): a merge repeated after a crash is skipped. */
  nonce?: string
}

/**
 * One building's 接龙 in one round: its entries and running counts in one document, so a submission is one
 * read and one compare-and-set update, and contention stays within a building (never one hot document per
 * community).
 */
export interface ChainDoc extends ResultCounts {
  _id: string
  roundId: string
  communityId: string
  groupId: string
  groupName: string
  /** The building's 片区 (团), if the community has zones. */
  zoneId?: string
  zoneName?: string
  buildingId: string
  buildingName: string
  order: number
  /** `opening` until the round document is written: no submissions, not in anyone's list. */
  status: 'opening' | 'open' | 'closed'
  closedAt?: Date
  date: string
  deadline: Date
  notice: string
  /** The round's scope and opening, copied so a chain alone can describe its round. */
  allBuildings: boolean
  buildingCount: number
  openedAt: Date
  /**
   * Who gets this building's abnormal and reopened pushes: its leads and the committee when the round opened.
   * Copied so a submission needs no extra read to tell them; role changes apply from the next round.
   */
  notify?: { leads: string[]; committee: string[] }
  /** 应报户数 when the round opened. */
  expected: number
  /** Last chain number given. */
  seq: number
  submitted: number
  confirmed: boolean
  confirmedAt?: Date
  confirmedBy?: string
  /** The building was confirmed while floors in `floorsToConfirm` were not: the lead's reason. */
  confirmReason?: string
  /** Floors that had a 层长 when the round opened: each is confirmed by its 层长 (or the lead) before the building. */
  floorsToConfirm?: number[]
  /** Confirmed floors (keyed by floor number); a late change on a floor removes its key. */
  floors?: Record<string, { confirmedAt: Date; confirmedBy: string }>
  /** Compare-and-set counter. */
  version: number
  /**
   * Keyed by household. A household's data deletion removes its entry (or, when others of the household stay, the
   * deleted member's result in it); the counters and `seq` keep counting it, so numbers 1..seq missing here are
   * deleted entries.
   */
  entries: Record<string, ChainEntryDoc>
  /**
   * When a household's data was erased: a submission made before then and merged after it is dropped, so an
   * in-flight submission cannot bring erased results back.
   */
  erased?: Record<string, { at: Date; members?: string[] }>
  /** The sequencer's lease: one invocation at a time merges this chain's intake (sequencer.ts). */
  seqLease?: Date
  seqToken?: string
  /** The retention timer deleted this chain's kit photos. */
  photosDeletedAt?: Date
  /**
   * Reduced to counts: `entries` is empty, and the counters, `seq` and `submitted` (numbers 1..seq were given)
   * are all that is left of the round's submissions. `notify` and `confirmedBy` are gone too.
   */
  resultsReducedAt?: Date
}

/**
 * A submission waiting to be merged into its building's chain: one document per (round, household), overwritten by
 * a resubmission, removed once merged. Submissions write here, never to the chain, so residents of one building
 * never contend; the sequencer (sequencer.ts) merges them in the order they were made.
 */
export interface IntakeDoc {
  /** intakeId(roundId, householdId) */
  _id: string
  roundId: string
  chainId: string
  communityId: string
  buildingId: string
  householdId: string
  room: string
  floor: number
  /** When the submission was made: merge order, and the entry's time. */
  at: Date
  by: string
  proxy: boolean
  members: MemberResultDoc[]
  /** This write; the merge removes the document only while it still holds this nonce. */
  nonce: string
}

/** A resident who asked to be told when a round opens (one subscription message per credit). */
export interface RoundSubscriberDoc {
  _id: string
  openid: string
  communityId: string
  credits: number
}

/** Who reminded which building's non-submitters, and how many phone numbers they were shown. */
export interface ReminderDoc {
  _id: string
  roundId: string
  buildingId: string
  by: string
  at: Date
  pushed: number
  called: number
}
