// The call-up function's timer (every 5 minutes, 60 s limit): send the push queue's leftovers (a call's notices
// must not wait an hour), end sessions left open past their day, and delete ended sessions past their period
// (server/callup/retention.ts). Every step is bounded and idempotent.
import { Budget, steps } from '../../../server/platform/budget'
import { drainStep } from '../../../server/platform/pushqueue'
import { callupRetention } from '../../../server/callup/retention'

/** Of the function's 60 s timeout (config.json), how long a run keeps starting work. */
export const RUN_BUDGET_MS = 40_000
/** Of the run's budget, what the push queue's safety-net drain may take first. */
export const PUSH_BUDGET_MS = 15_000

export async function housekeeping() {
  const budget = new Budget(RUN_BUDGET_MS)
  return steps('callup.housekeeping', {
    pushes: () => drainStep(PUSH_BUDGET_MS),
    retention: () => callupRetention(budget),
  })
}
