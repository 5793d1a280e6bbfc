// Household-ledger import and export actions of the `community` function (committee only).
import { action, type ActionContext, AppError, defineActions, z } from '../../../server/kernel'
import {
  commitImport,
  exportLedger,
  importProgress,
  loadImport,
  previewImport,
  rollbackImport,
  type LedgerImportDoc,
  type LedgerPreview,
} from '../../../server/ledger'
import { MAX_FILE_BYTES } from '../../../server/ledger/parse'
import type { ImportProgress } from '../../../typings/api'
import { cloud, data } from '../../../server/platform/cloud'
import { uploadExport } from '../../../server/platform/exports'
import { recordUpload } from '../../../server/platform/uploads'
import { currentEnv, fileInFolder } from '../../../server/platform/files'

const communityId = z.string().min(1).max(64).describe('小区')
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

/**
 * A ledger is taken only from the caller's community folder, `ledger/<communityId>/<file>` of this environment's
 * bucket, where the import page uploads it: never another community's upload or export, nor a file elsewhere.
 */
function checkLedgerFile(fileID: string, communityId: string): void {
  if (fileInFolder(fileID, ['ledger', communityId], currentEnv()) === null)
    throw new AppError('FILE_NOT_ALLOWED', '只能导入在本小区「台账导入」页面上传的表格，请重新选择表格上传', 'fileID')
}

/** `read`: called once the file is known to exist, before its size and content are checked (to record it). */
async function download(fileID: string, read?: () => Promise<void>): Promise<Uint8Array> {
  let content: unknown
  try {
    content = (await cloud.downloadFile({ fileID })).fileContent
  } catch {
    throw new AppError('FILE_UNREADABLE', '找不到上传的文件，请重新选择表格上传')
  }
  if (!Buffer.isBuffer(content)) throw new AppError('FILE_UNREADABLE', '找不到上传的文件，请重新选择表格上传')
  await read?.()
  if (content.length > MAX_FILE_BYTES)
    throw new AppError('FILE_UNREADABLE', '文件超过 10 MB，请删去照片等无关内容，或按楼栋分成几个文件导入')
  return content
}

function fileNameOf(fileID: string): string {
  const last = fileID.split('/').pop() ?? ''
  try {
    return decodeURIComponent(last)
  } catch {
    return last
  }
}

export const ledgerActions = defineActions('community', {
  importPreview: action({
    input: z
      .object({
        communityId,
        fileID: z.string().min(1).max(1024).describe('表格文件'),
        createBuildings: z.boolean().optional().describe('自动创建楼栋'),
      })
      .strict(),
    access: { roles: ['committee'], scope: (input) => ({ communityId: input.communityId }) },
    handler: async (input, ctx): Promise<LedgerPreview> => {
      checkLedgerFile(input.fileID, input.communityId)
      return previewImport(data, {
        communityId: input.communityId,
        fileName: fileNameOf(input.fileID),
        // The uploaded file is recorded so the timer deletes it a day later (server/platform/uploads.ts).
        bytes: await download(input.fileID, () =>
          recordUpload(input.communityId, 'ledger', input.fileID, ctx.caller.openid),
        ),
        createBuildings: input.createBuildings ?? false,
        createdBy: ctx.caller.openid,
      })
    },
  }),

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

  exportLedger: action({
    input: z.object({ communityId }).strict(),
    access: { roles: ['committee'], scope: (input) => ({ communityId: input.communityId }) },
    handler: async (input, ctx) => {
      let tempFileURL = ''
      // The cells are the caller's fields under the visibility policy (the committee's: everything).
      const out = await exportLedger(
        data,
        input.communityId,
        async (cloudPath, content) => {
          const file = await uploadExport(input.communityId, 'ledger', cloudPath, content, ctx.caller.openid)
          tempFileURL = file.tempFileURL
          return file.fileID
        },
        ctx.grants,
      )
      return { ...out, tempFileURL }
    },
  }),
})
