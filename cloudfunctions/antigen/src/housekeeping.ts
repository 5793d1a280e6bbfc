// The antigen function's timer (every 10 minutes, 60 s limit): close rounds past their deadline, reduce per-member
// results to counts settings.resultRetentionDays after a round closed, delete kit photos
// settings.photoRetentionDays after it, delete everything of a community whose data is due after it was closed, and
// retry file deletions that failed; first of all, send the push queue's leftovers (a drain kick that failed). Each
// step is bounded and idempotent: what a run leaves (the time budget spent, a step failing) the next one finishes. The retention steps read only due rounds, oldest due first (reducing first:
// it deletes the photos too), so rounds closed recently never hold up one closed long ago.
import type { RoundDoc } from '../../../server/antigen/model'
import {
  closeErasingRounds,
  dateClosedRounds,
  deleteDuePhotos,
  finishErasing,
  reduceDueResults,
} from '../../../server/antigen/retention'
import { DEFAULT_PHOTO_RETENTION_DAYS } from '../../../server/community/settings'
import { Budget, steps } from '../../../server/platform/budget'
import { data } from '../../../server/platform/cloud'
import { retryFileDeletions } from '../../../server/platform/deletions'
import { drainStep } from '../../../server/platform/pushqueue'
import { sequenceWaiting } from '../../../server/antigen/sequencer'
import { escalateFollowUps } from '../../../server/antigen/followups'
import { closeRoundDocs } from './common'
import { nowDate, nowMs } from '../../../server/kernel'

export { DEFAULT_PHOTO_RETENTION_DAYS }

/** Of the function's 60 s timeout (config.json), how long a run keeps starting work. */
export const RUN_BUDGET_MS = 40_000

export async function closeOverdueRounds(now = nowDate()): Promise<number> {
  const overdue = await data.find<RoundDoc>(
    'rounds',
    { status: 'open', deadline: data._.lt(now) },
    { limit: 100, orderBy: [['deadline', 'asc']], fields: { buildingIds: false } as never },
  )
  for (const r of overdue) {
    await closeRoundDocs(r._id, new Date(r.deadline))
  }
  return overdue.length
}

/** Of the run's budget, what merging waiting submissions may take first. */
export const SEQUENCE_BUDGET_MS = 10_000

/** Of the run's budget, what the push queue's safety-net drain may take first (a kick that failed leaves it all). */
export const PUSH_BUDGET_MS = 15_000

export async function housekeeping() {
  const budget = new Budget(RUN_BUDGET_MS)
  const now = nowMs()
  const run = await steps('antigen.housekeeping', {
    // First: notices are what people wait for; retention can wait ten minutes more.
    // Submissions a failed kick left waiting: merged before rounds close or anything is reduced.
    merged: () => sequenceWaiting(SEQUENCE_BUDGET_MS),
    // Abnormal results nobody acknowledged in time, to the committee: queued here, sent by the drain below.
    escalated: () => escalateFollowUps(budget, now),
    pushes: () => drainStep(PUSH_BUDGET_MS),
    closed: () => closeOverdueRounds(),
    closedForErasure: () => closeErasingRounds(now),
    dated: () => dateClosedRounds(now),
    reduced: () => reduceDueResults(budget, now),
    photos: () => deleteDuePhotos(budget, now),
    erased: () => finishErasing(now),
    files: () => retryFileDeletions(),
  })
  const { photos, ...rest } = run
  // `rounds` / `photos`: rounds whose photos were all deleted in this run, and how many photos went.
  return {
    ...rest,
    rounds: photos?.rounds ?? 0,
    photos: photos?.photos ?? 0,
    photoFailures: photos?.failedFiles ?? 0,
    photoRoundFailures: photos?.failedRounds ?? 0,
  }
}
