// Cloud function `sheets`: every spreadsheet job. Reading an uploaded ledger (.xlsx or .csv) and writing the
// exports (a round's table, the household ledger, a closed community's hand-over, a closed buy's lists and labels,
// a delivery's lists per building and per volunteer, a livelihood register and reading its rows, the needs' day
// roll-up)
// and reading a 快团团 / 群接龙 export load exceljs, most of a bundle:
// here alone, so the functions on the burst path (`antigen`: hundreds of submissions in minutes; `community`:
// whoami on every launch) start cold without it. The exports are recorded in the same `exports` collection, and the
// community function's hourly timer deletes them as before (server/platform/exports.ts).
import { contractActions, defineFunction } from '../../../server/kernel'
import { cloud } from '../../../server/platform/cloud'
import { loadGrants } from '../../../server/platform/grants'
import { deliveryActions } from './delivery'
import { groupbuyActions } from './groupbuy'
import { handoverActions } from './handover'
import { ledgerActions } from './ledger'
import { registerActions } from './registers'
import { needsActions } from './needs'
import { tableActions } from './table'

export const main = defineFunction({
  name: 'sheets',
  identity: cloud,
  loadGrants,
  actions: contractActions('sheets', {
    ...tableActions,
    ...ledgerActions,
    ...handoverActions,
    ...groupbuyActions,
    ...deliveryActions,
    ...registerActions,
    ...needsActions,
  }),
})
