// Cloud function `callup`: the testing call-up (线上叫号). Sessions and their queue (sessions.ts), calling,
// skipping and marking buildings (calls.ts), a resident's and lead's turn (turn.ts), and the timer
// (housekeeping.ts): the push queue's leftovers, sessions left open, ended sessions past their period.
import { contractActions, defineFunction } from '../../../server/kernel'
import { cloud } from '../../../server/platform/cloud'
import { loadGrants } from '../../../server/platform/grants'
import { withPushDrain } from '../../../server/platform/pushqueue'
import { reportAtColdStart } from '../../../server/platform/health'
import { sessionActions } from './sessions'
import { callActions } from './calls'
import { turnActions } from './turn'
import { housekeeping } from './housekeeping'

reportAtColdStart('callup')

const routed = defineFunction({
  name: 'callup',
  identity: cloud,
  loadGrants,
  actions: contractActions('callup', {
    ...sessionActions,
    ...callActions,
    ...turnActions,
  }),
  timers: { housekeeping },
})

/** Of the function's 60 s timeout (config.json), how long a kicked push drain keeps starting sends. */
export const DRAIN_BUDGET_MS = 40_000

export const main = withPushDrain('callup', routed, DRAIN_BUDGET_MS)
