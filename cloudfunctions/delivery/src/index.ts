// Cloud function `delivery`: the relay of a closed group buy or supply drop from the gate to every door. Planning by
// fixed posts (plan.ts), the steps with who and when (relay.ts), the live board and everyone's views (views.ts),
// problems with bags (problems.ts), and the timer (housekeeping.ts): rests that ended, bags received automatically,
// alerts pushed once, the push queue's leftovers. The printable lists are the `sheets` function's.
import { contractActions, defineFunction } from '../../../server/kernel'
import { cloud } from '../../../server/platform/cloud'
import { loadGrants } from '../../../server/platform/grants'
import { withPushDrain } from '../../../server/platform/pushqueue'
import { reportAtColdStart } from '../../../server/platform/health'
import { planActions } from './plan'
import { relayActions } from './relay'
import { viewActions } from './views'
import { problemActions } from './problems'
import { housekeeping } from './housekeeping'

reportAtColdStart('delivery')

const routed = defineFunction({
  name: 'delivery',
  identity: cloud,
  loadGrants,
  actions: contractActions('delivery', {
    ...planActions,
    ...relayActions,
    ...viewActions,
    ...problemActions,
  }),
  timers: { housekeeping },
})

/** Of the function's 60 s timeout (config.json), how long a kicked push drain keeps starting sends. */
export const DRAIN_BUDGET_MS = 40_000

export const main = withPushDrain('delivery', routed, DRAIN_BUDGET_MS)
