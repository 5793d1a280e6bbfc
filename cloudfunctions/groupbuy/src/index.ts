// Cloud function `groupbuy`: merchants' vetting and complaints, sales and supply drops, orders by 接龙 (numbered by
// the buy's order sequencer, server/groupbuy/sequencer.ts), payments and refunds, order imports. Spreadsheets (the
// lists and labels of a closed buy, reading a 快团团 / 群接龙 export) are the `sheets` function's.
import { contractActions, defineFunction } from '../../../server/kernel'
import { cloud } from '../../../server/platform/cloud'
import { loadGrants } from '../../../server/platform/grants'
import { withPushDrain } from '../../../server/platform/pushqueue'
import { reportAtColdStart } from '../../../server/platform/health'
import { merchantActions } from './merchants'
import { complaintActions } from './complaints'
import { buyActions } from './buys'
import { orderActions } from './orders'
import { paymentActions } from './payments'
import { importActions } from './imports'
import { housekeeping } from './housekeeping'

reportAtColdStart('groupbuy')

const routed = defineFunction({
  name: 'groupbuy',
  identity: cloud,
  loadGrants,
  actions: contractActions('groupbuy', {
    ...merchantActions,
    ...complaintActions,
    ...buyActions,
    ...orderActions,
    ...paymentActions,
    ...importActions,
  }),
  // Sales that opened (notices) and reached their deadline (closing), orders a failed kick left waiting, the push
  // queue's leftovers.
  timers: { housekeeping },
})

/** Of the function's 60 s timeout (config.json), how long a kicked push drain keeps starting sends. */
export const DRAIN_BUDGET_MS = 40_000

export const main = withPushDrain('groupbuy', routed, DRAIN_BUDGET_MS)
