// The ledger import's documents as stored: one per import, one per staged household.
import type { HouseholdDoc } from '../community/model'

export interface ImportDoc {
  _id: string
  communityId: string
  createdBy: string
  createdAt: Date
  fileName: string
  status: 'previewed' | 'committing' | 'committed' | 'failed' | 'rolledBack'
  createBuildings: boolean
  rows: number
  households: number
  residents: number
  newBuildings: string[]
  errors: { row: number; reason: string }[]
  /** Households written so far by the commit (resumable). */
  done: number
  total: number
  message?: string
  committedAt?: Date
}

/** One household of an import, staged at preview; `before` is the household as it was (for rollback). */
export interface ImportRowDoc {
  _id: string
  importId: string
  seq: number
  building: string
  household: Omit<HouseholdDoc, 'groupId' | 'buildingId' | 'updatedAt' | 'linkedOpenids' | 'proxy'> & {
    buildingName: string
  }
  before?: HouseholdDoc | null
  written: boolean
}
