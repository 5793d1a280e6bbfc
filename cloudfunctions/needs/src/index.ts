// Cloud function `needs`: a household's requests (买药, 就医, 买菜 …) routed to its building's 云上 volunteers on shift
// and escalated 班长 → 营长 → 团长 → 居委 when nobody answers in time. Registering, the household's list and
// cancelling (raise.ts), the answering side: queue, take, finish, call (work.ts), the day's roll-up (rollup.ts) and
// the timer (housekeeping.ts). The roll-up's .xlsx is the `sheets` function's.
import { contractActions, defineFunction } from '../../../server/kernel'
import { cloud } from '../../../server/platform/cloud'
import { loadGrants } from '../../../server/platform/grants'
import { withPushDrain } from '../../../server/platform/pushqueue'
import { reportAtColdStart } from '../../../server/platform/health'
import { raiseActions } from './raise'
import { workActions } from './work'
import { rollupActions } from './rollup'
import { housekeeping } from './housekeeping'

reportAtColdStart('needs')

const routed = defineFunction({
  name: 'needs',
  identity: cloud,
  loadGrants,
  actions: contractActions('needs', { ...raiseActions, ...workActions, ...rollupActions }),
  timers: { housekeeping },
})

/** Of the function's 60 s timeout (config.json), how long a kicked push drain keeps starting sends. */
export const DRAIN_BUDGET_MS = 40_000

export const main = withPushDrain('needs', routed, DRAIN_BUDGET_MS)
