// Reading an uploaded household ledger and exporting the ledger (committee only). The import's later steps (commit,
// status, rollback) read the staged rows, not the file: they stay in the community function.
import { action, AppError, defineActions, z } from '../../../server/kernel'
import { exportLedger } from '../../../server/ledger/export'
import { MAX_FILE_BYTES } from '../../../server/ledger/parse'
import { previewImport } from '../../../server/ledger/preview'
import type { LedgerPreview } from '../../../server/ledger/types'
import { cloud, data } from '../../../server/platform/cloud'
import { uploadExport } from '../../../server/platform/exports'
import { recordUpload } from '../../../server/platform/uploads'
import { currentEnv, fileInFolder } from '../../../server/platform/files'

const communityId = z.string().min(1).max(64).describe('小区')

/**
 * A ledger is taken only from the caller's community folder, `ledger/<communityId>/<file>` of this environment's
 * bucket, where the import page uploads it: never another community's upload or export, nor a file elsewhere.
 */
function checkLedgerFile(fileID: string, communityId: string): void {
  if (fileInFolder(fileID, ['ledger', communityId], currentEnv()) === null)
    throw new AppError('FILE_NOT_ALLOWED', '只能导入在本小区「台账导入」页面上传的表格，请重新选择表格上传', 'fileID')
}

/** `read`: called once the file is known to exist, before its size and content are checked (to record it). */
export async function download(fileID: string, read?: () => Promise<void>): Promise<Uint8Array> {
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

export function fileNameOf(fileID: string): string {
  const last = fileID.split('/').pop() ?? ''
  try {
    return decodeURIComponent(last)
  } catch {
    return last
  }
}

export const ledgerActions = defineActions('sheets', {
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
