// Cloud function `antigen`: rounds by 接龙, household submissions, building chains, roll-up tables, reminders.
import { contractActions, defineFunction } from '../../../server/kernel'
import { cloud } from '../../../server/platform/cloud'
import { loadGrants } from '../../../server/platform/grants'
import { chainActions } from './chain'
import { followUpActions } from './followups'
import { housekeeping } from './housekeeping'
import { roundActions } from './rounds'
import { submitActions } from './submit'
import { tableActions } from './table'
import { withPushDrain } from '../../../server/platform/pushqueue'
import { reportAtColdStart } from '../../../server/platform/health'

// A deployment without its template ids or environment says so in the log of every new instance.
reportAtColdStart('antigen')

const routed = defineFunction({
  name: 'antigen',
  identity: cloud,
  loadGrants,
  actions: contractActions('antigen', {
    ...roundActions,
    ...submitActions,
    ...chainActions,
    ...tableActions,
    ...followUpActions,
  }),
  // Rounds past their deadline, retention (photos, results reduced to counts), a closed community's deletion, and
  // the push queue's leftovers.
  timers: { housekeeping },
})

/** Of the function's 60 s timeout (config.json), how long a kicked push drain keeps starting sends. */
export const DRAIN_BUDGET_MS = 40_000

// Push drains kicked by this function's own calls (server/platform/pushqueue.ts); every other event is routed.
// Submissions are merged by the `sequencer` function (server/antigen/sequencer.ts).
export const main = withPushDrain('antigen', routed, DRAIN_BUDGET_MS)
