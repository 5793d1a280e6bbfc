// Documents and results of the ledger import beyond what ./model.ts and typings/api declare: the fields the
// import needs to resume, undo and report.
import type { ImportBuildingSpellings, ImportBuildingWarning, ImportPreview } from '../../typings/api'
import type { ImportDoc, ImportRowDoc } from './model'
import type { PlannedMember } from './validate'

/** A member linked to WeChat who is not in the file: kept, and listed so the committee knows. */
export interface KeptMember {
  building: string
  room: string
  name: string
}

export interface LedgerImportDoc extends ImportDoc {
  /** No errors: the import can be committed. */
  ready: boolean
  newHouseholds: number
  updatedHouseholds: number
  /** In the file and already exactly so in the ledger: nothing staged for them. */
  unchangedHouseholds: number
  keptMembers: KeptMember[]
  /**
   * How the file's spellings fold into the buildings to create, existing buildings written another way, and
   * look-alike names kept apart (as in ImportPreview); absent when empty.
   */
  newBuildingSpellings?: ImportBuildingSpellings[]
  matchedSpellings?: ImportBuildingSpellings[]
  buildingWarnings?: ImportBuildingWarning[]
  /** Previewed without staging (command line --dry-run): it cannot be committed. */
  dryRun?: boolean
  /** Set once the commit has created the new buildings and their groups. */
  structureDone?: boolean
  createdBuildingIds?: string[]
  createdGroupIds?: string[]
  /** Set while a rollback is under way: rows with seq below `cursor` are restored. */
  rollback?: { cursor: number; kept: number; skipped: number }
}

/** A staged household. `planned` is the file's members, so a commit can merge again if the ledger moved on. */
export interface LedgerImportRowDoc extends ImportRowDoc {
  communityId: string
  buildingId: string
  planned: PlannedMember[]
}

export interface LedgerPreview extends ImportPreview {
  unchangedHouseholds: number
  keptMembers: KeptMember[]
}
