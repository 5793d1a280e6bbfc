// Cloud function `registers`: the livelihood registers (民生底账). Types and the starter set (types.ts), entries in
// each caller's subtree with the linked needs as rows (entries.ts), and the commit and rollback of an import
// (imports.ts), and a daily timer for staged import rows past their week. The spreadsheets (export, reading an import) are the `sheets` function's.
import { contractActions, defineFunction } from '../../../server/kernel'
import { cloud } from '../../../server/platform/cloud'
import { loadGrants } from '../../../server/platform/grants'
import { typeActions } from './types'
import { entryActions } from './entries'
import { importActions } from './imports'
import { Budget, steps } from '../../../server/platform/budget'
import { dropStaleImports } from '../../../server/registers/retention'

/** Of the function's 20 s timeout (config.json), how long a timer run keeps starting work. */
export const RUN_BUDGET_MS = 12_000

/** The daily timer: staged import rows past their week. */
export async function housekeeping() {
  const budget = new Budget(RUN_BUDGET_MS)
  return steps('registers.housekeeping', { staleImports: () => dropStaleImports(budget) })
}

export const main = defineFunction({
  name: 'registers',
  identity: cloud,
  loadGrants,
  actions: contractActions('registers', {
    ...typeActions,
    ...entryActions,
    ...importActions,
  }),
  timers: { housekeeping },
})
