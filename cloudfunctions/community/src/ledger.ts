// Household-ledger import actions of the `community` function (committee only): commit, status and rollback, from
// the rows the preview staged. Reading the file (importPreview) and the export are the `sheets` function's, whose
// bundle carries the spreadsheet code.
import { action, type ActionContext, defineActions, z } from '../../../server/kernel'
import { commitImport, importProgress, loadImport } from '../../../server/ledger/commit'
import { rollbackImport } from '../../../server/ledger/rollback'
import type { LedgerImportDoc } from '../../../server/ledger/types'
import type { ImportProgress } from '../../../typings/api'
import { data } from '../../../server/platform/cloud'

const importInput = z.object({ importId: z.string().min(1).max(64).describe('导入记录') }).strict()

/** The import, loaded once per call: the scope check needs its community and the handler needs the rest. */
const importDoc = (importId: string, ctx: ActionContext): Promise<LedgerImportDoc> =>
  ctx.memo(`import:${importId}`, () => loadImport(data, importId))

const committeeOfImport = {
  roles: ['committee'] as const,
  scope: async (input: { importId: string }, ctx: ActionContext) => ({
    communityId: (await importDoc(input.importId, ctx)).communityId,
  }),
}

export const ledgerActions = defineActions('community', {
  importCommit: action({
    input: importInput,
    access: committeeOfImport,
    handler: async (input, ctx): Promise<ImportProgress> =>
      commitImport(data, input.importId, { doc: await importDoc(input.importId, ctx) }),
  }),

  importStatus: action({
    input: importInput,
    access: committeeOfImport,
    handler: async (input): Promise<ImportProgress> => importProgress(data, input.importId),
  }),

  importRollback: action({
    input: importInput,
    access: committeeOfImport,
    handler: async (input, ctx): Promise<ImportProgress> =>
      rollbackImport(data, input.importId, { doc: await importDoc(input.importId, ctx) }),
  }),
})
