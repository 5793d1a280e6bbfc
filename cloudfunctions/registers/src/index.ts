// Cloud function `registers`: the livelihood registers (民生底账). Types and the starter set (types.ts), entries in
// each caller's subtree with the linked needs as rows (entries.ts), and the commit and rollback of an import
// (imports.ts). The spreadsheets (export, reading an import) are the `sheets` function's.
import { contractActions, defineFunction } from '../../../server/kernel'
import { cloud } from '../../../server/platform/cloud'
import { loadGrants } from '../../../server/platform/grants'
import { typeActions } from './types'
import { entryActions } from './entries'
import { importActions } from './imports'

export const main = defineFunction({
  name: 'registers',
  identity: cloud,
  loadGrants,
  actions: contractActions('registers', {
    ...typeActions,
    ...entryActions,
    ...importActions,
  }),
})
