// Cloud function `antigen`: rounds by 接龙, household submissions, building chains, roll-up tables, reminders.
import { contractActions, defineFunction } from '../../../server/kernel'
import { cloud } from '../../../server/platform/cloud'
import { loadGrants } from '../../../server/platform/grants'
import { chainActions } from './chain'
import { housekeeping } from './housekeeping'
import { roundActions } from './rounds'
import { submitActions } from './submit'
import { tableActions } from './table'
import { withPushDrain } from '../../../server/platform/pushqueue'
import { withSequencer } from '../../../server/antigen/sequencer'

const routed = defineFunction({
  name: 'antigen',
  identity: cloud,
  loadGrants,
  actions: contractActions('antigen', { ...roundActions, ...submitActions, ...chainActions, ...tableActions }),
  // Rounds past their deadline, retention (photos, results reduced to counts), a closed community's deletion, and
  // the push queue's leftovers.
  timers: { housekeeping },
})

/** Of the function's 60 s timeout (config.json), how long a kicked push drain keeps starting sends. */
export const DRAIN_BUDGET_MS = 40_000

/** How long a kicked sequencer keeps merging one chain's submissions. */
export const SEQUENCE_BUDGET_MS = 20_000

// Push drains and sequencers kicked by this function's own calls (server/platform/pushqueue.ts,
// server/antigen/sequencer.ts); every other event is routed.
export const main = withSequencer(withPushDrain('antigen', routed, DRAIN_BUDGET_MS), SEQUENCE_BUDGET_MS)
