// The rest of a register import (the sheets function read the file and staged the good rows): commit the good rows,
// or none while there are errors unless the committee says so, and roll a commit back. Each step can run again: the
// entries' ids are fixed by the import and the row.
import type { RegisterImportResult } from '../../../typings/api'
import type { RegisterImportDoc, RegisterImportRowDoc } from '../../../server/registers/model'
import { action, AppError, defineActions, nowDate, z, type ActionContext } from '../../../server/kernel'
import { data } from '../../../server/platform/cloud'
import { importedEntry, WRITE_CHUNK } from '../../../server/registers/imports'
import { callerStamp, id } from './common'

async function loadImport(ctx: ActionContext, importId: string): Promise<RegisterImportDoc> {
  return ctx.memo(`registerImport:${importId}`, async () => {
    const doc = await data.get<RegisterImportDoc>('registerImports', importId)
    if (!doc) throw new AppError('NOT_FOUND', '找不到这次导入', 'importId')
    return doc
  })
}

const result = (imp: RegisterImportDoc, written: number, removed: number): RegisterImportResult => ({
  importId: imp._id,
  status: imp.status,
  written,
  removed,
})

const committee = (ctx: ActionContext, importId: string) =>
  loadImport(ctx, importId).then((imp) => ({ communityId: imp.communityId }))

export const importActions = defineActions('registers', {
  commitRegisterImport: action({
    input: z.object({ importId: id('导入'), onlyGood: z.boolean().describe('只导入正确的行') }).strict(),
    access: { roles: ['committee'], scope: (i, ctx) => committee(ctx, i.importId) },
    handler: async (i, ctx) => {
      const imp = await loadImport(ctx, i.importId)
      if (imp.status === 'committed') return result(imp, imp.written, 0)
      if (imp.status !== 'previewed') throw new AppError('IMPORT_STATE')
      if (imp.stagedRemovedAt)
        throw new AppError('IMPORT_STATE', '这次导入已超过 7 天没有确认，暂存的内容已删除，请重新上传表格')
      if (imp.errors.length > 0 && !i.onlyGood) throw new AppError('IMPORT_HAS_ERRORS')
      if (!(await data.get('registerTypes', imp.typeId)))
        throw new AppError('NOT_FOUND', '这个底账已被删除', 'importId')
      const created = await callerStamp(ctx, imp.communityId)
      const chunks = await data.findAll<RegisterImportRowDoc>(
        'registerImportRows',
        { importId: imp._id },
        { orderBy: [['seq', 'asc']] },
      )
      const entries = chunks.flatMap((c) => c.entries.map((p) => importedEntry(imp, p, created)))
      let written = 0
      for (let k = 0; k < entries.length; k += WRITE_CHUNK)
        written += await data.insertNew('registerEntries', entries.slice(k, k + WRITE_CHUNK))
      await data.updateWhere(
        'registerImports',
        { _id: imp._id, status: 'previewed' },
        { status: 'committed', written: entries.length, committedAt: nowDate() },
      )
      // The staged rows have served: the entries hold them now.
      await data.removeWhere('registerImportRows', { importId: imp._id })
      return result({ ...imp, status: 'committed' }, written, 0)
    },
  }),

  rollbackRegisterImport: action({
    input: z.object({ importId: id('导入') }).strict(),
    access: { roles: ['committee'], scope: (i, ctx) => committee(ctx, i.importId) },
    handler: async (i, ctx) => {
      const imp = await loadImport(ctx, i.importId)
      if (imp.status === 'rolledBack') return result(imp, 0, 0)
      const removed = await data.removeWhere('registerEntries', { importId: imp._id })
      await data.removeWhere('registerImportRows', { importId: imp._id })
      await data.update('registerImports', imp._id, { status: 'rolledBack', rolledBackAt: nowDate() })
      return result({ ...imp, status: 'rolledBack' }, 0, removed)
    },
  }),
})
