// The community function's timer (hourly, 20 s limit): personal data that only existed for a task is deleted on
// schedule (exports a day after they were made, uploaded ledger files a day after the import read them, staged
// import rows a week after the import, decided join requests a month after the decision, expired invites' 小程序码,
// phone-reveal logs and attempt counters when their time is up), a closed community's people once its closing period is over, and file
// deletions that failed are retried; first of all, the push queue's leftovers are sent. Each step is bounded and
// idempotent; one failing does not stop the others. Each reads only what is due, in the query, the oldest first (or
// deletes every due record at once), so nothing recent can hold up what is overdue.
import { Budget, steps } from '../../../server/platform/budget'
import { eraseCommunityData, erasingCommunities } from '../../../server/community/closing'
import { deleteDecidedRequests, deleteStaleImportRows } from '../../../server/community/retention'
import { deleteExpiredInviteCodes } from '../../../server/community/invitecodes'
import { retryFileDeletions } from '../../../server/platform/deletions'
import { drainStep } from '../../../server/platform/pushqueue'
import { deleteOldExports } from '../../../server/platform/exports'
import { deleteExpiredRateLimits } from '../../../server/platform/ratelimit'
import { deleteExpiredUploads } from '../../../server/platform/uploads'
import { deleteOldPhoneReveals } from './phones'
import { nowMs } from '../../../server/kernel'

/** Of the function's 20 s timeout (config.json), how long a run keeps starting work. */
export const RUN_BUDGET_MS = 12_000
/** Of that, what the push queue's safety-net drain may take first. */
export const PUSH_BUDGET_MS = 5_000

/** Closed communities whose deletion is due: the community function's part, until done or the budget is spent. */
async function eraseClosed(budget: Budget): Promise<number> {
  let done = 0
  for (const c of await erasingCommunities()) {
    if (budget.spent) break
    if (await eraseCommunityData(c._id, budget)) done++
  }
  return done
}

export async function housekeeping() {
  const budget = new Budget(RUN_BUDGET_MS)
  const now = nowMs()
  return steps('community.housekeeping', {
    // The push queue's leftovers first (a drain kick that failed): notices are what people wait for.
    pushes: () => drainStep(PUSH_BUDGET_MS),
    closing: () => eraseClosed(budget),
    exports: () => deleteOldExports(now),
    uploads: () => deleteExpiredUploads(now),
    importRows: () => deleteStaleImportRows(now),
    joinRequests: () => deleteDecidedRequests(now),
    // 小程序码 of invites expired by now (a revoked invite's go when it is revoked)
    inviteCodes: () => deleteExpiredInviteCodes(now),
    phoneReveals: () => deleteOldPhoneReveals(now),
    // ended windows of the attempt counters (join codes, name checks)
    rateLimits: () => deleteExpiredRateLimits(),
    files: () => retryFileDeletions(),
  })
}
