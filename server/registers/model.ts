// Documents of the livelihood registers (民生底账) as stored; views sent to clients are in typings/api/registers.d.ts.
import type { NeedType, RegisterField, RegisterImportStatus, RegisterValue } from '../../typings/api'

/** Who did something and when (the name as the ledger or the grant knew them then). */
export interface RegisterStampDoc {
  at: Date
  openid: string
  name: string
}

/** A register type (one ledger): its fields in order; removed fields stay, marked, so old values stay readable. */
export interface RegisterTypeDoc {
  _id: string
  communityId: string
  name: string
  description: string
  order: number
  needType?: NeedType
  /** Key in the starter set (server/registers/starter.ts) when installed from it. */
  starter?: string
  fields: RegisterField[]
  /** The number the next new field's id gets (f1, f2 …): ids are never reused, so old values never change meaning. */
  nextField: number
  created: RegisterStampDoc
  updated: RegisterStampDoc
}

/** One entry of a register: about one household of the community (and members of it), placed in its subtree. */
export interface RegisterEntryDoc {
  _id: string
  communityId: string
  typeId: string
  groupId: string
  buildingId: string
  floor: number
  householdId: string
  room: string
  /** The building's place in the community's order when written (lists sort by it). */
  buildingOrder: number
  /** Members the member fields name (erasure finds a person's entries by it). */
  memberIds: string[]
  values: Record<string, RegisterValue>
  created: RegisterStampDoc
  updated?: RegisterStampDoc
  /** Deleted by a person: the values and members are gone, who and when stay; no list or export shows it. */
  deleted?: RegisterStampDoc
  /** Written by this import (a rollback removes exactly these). */
  importId?: string
}

/** An uploaded sheet of a register's rows, checked and staged (sheets registerImportPreview). */
export interface RegisterImportDoc {
  _id: string
  communityId: string
  typeId: string
  fileName: string
  status: RegisterImportStatus
  rows: number
  good: number
  errors: { row: number; reason: string }[]
  ignoredColumns: string[]
  /** Entries written by the commit. */
  written: number
  createdBy: string
  createdAt: Date
  committedAt?: Date
  rolledBackAt?: Date
  /** Its staged rows were removed by the timer, a week after the preview (server/registers/retention.ts). */
  stagedRemovedAt?: Date
}

/** An entry an import will write, as staged. */
export interface PlannedEntry {
  row: number
  householdId: string
  groupId: string
  buildingId: string
  floor: number
  room: string
  buildingOrder: number
  memberIds: string[]
  values: Record<string, RegisterValue>
}

/** A chunk of an import's good rows (STAGE_CHUNK a document). */
export interface RegisterImportRowDoc {
  _id: string
  importId: string
  communityId: string
  seq: number
  entries: PlannedEntry[]
}
