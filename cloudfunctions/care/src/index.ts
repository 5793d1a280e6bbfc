// Cloud function `care`: special-population care (关怀): the daily check list of leads and volunteers on shift,
// checks with their history, the committee's overview (checks.ts); volunteers' hours per day (hours.ts); and the
// timer (housekeeping.ts): the morning overdue notice, deleting checks past their period, the push queue's leftovers.
import { contractActions, defineFunction } from '../../../server/kernel'
import { cloud } from '../../../server/platform/cloud'
import { loadGrants } from '../../../server/platform/grants'
import { withPushDrain } from '../../../server/platform/pushqueue'
import { reportAtColdStart } from '../../../server/platform/health'
import { checkActions } from './checks'
import { hoursActions } from './hours'
import { housekeeping } from './housekeeping'

reportAtColdStart('care')

const routed = defineFunction({
  name: 'care',
  identity: cloud,
  loadGrants,
  actions: contractActions('care', {
    ...checkActions,
    ...hoursActions,
  }),
  timers: { housekeeping },
})

/** Of the function's 60 s timeout (config.json), how long a kicked push drain keeps starting sends. */
export const DRAIN_BUDGET_MS = 40_000

export const main = withPushDrain('care', routed, DRAIN_BUDGET_MS)
