// Rollback: put every household the import wrote back as it was, a chunk per call, then remove the buildings
// and 营 it created if nothing else uses them.
import type { ImportProgress } from '../../typings/api'
import type { Data } from '../kernel/db'
import { AppError } from '../kernel/errors'
import type { HouseholdDoc, MemberDoc } from '../community/model'
import { loadImport, mapLimit, toProgress, WRITE_CONCURRENCY } from './commit'
import { mergeMembers } from './merge'
import type { LedgerImportDoc, LedgerImportRowDoc } from './types'

export const ROLLBACK_CHUNK = 300

export interface RollbackOptions {
  chunkSize?: number
  doc?: LedgerImportDoc | null
}

const linked = (members: readonly MemberDoc[]) => members.filter((m) => m.openid)

/**
 * The household to put back, or null to remove it. Members who linked WeChat since the import stay linked:
 * the rollback undoes the file, not what residents did afterwards.
 */
export function restoreImage(before: HouseholdDoc | null, current: HouseholdDoc): HouseholdDoc | null | 'keep' {
  const known = new Set(linked(before?.members ?? []).map((m) => m.openid))
  const since = linked(current.members).filter((m) => !known.has(m.openid))
  if (!before) return since.length > 0 ? 'keep' : null
  if (since.length === 0) return before
  const planned = before.members.map((m, row) => ({
    name: m.name,
    flags: m.flags,
    row,
    ...(m.phone !== undefined ? { phone: m.phone } : {}),
    ...(m.birthYear !== undefined ? { birthYear: m.birthYear } : {}),
  }))
  const { members } = mergeMembers(planned, current.members)
  const linkedOpenids = [...new Set([...(before.linkedOpenids ?? []), ...(current.linkedOpenids ?? [])])]
  return { ...before, members, linkedOpenids }
}

function rollbackMessage(doc: LedgerImportDoc, cursor: number): string {
  return `正在撤销导入：已处理 ${Math.min(cursor, doc.total)} / ${doc.total} 户`
}

/**
 * One step of a rollback; call again until the status is `rolledBack`. While it runs the import keeps its
 * status, `done` counts households processed by the rollback and `message` says so.
 */
export async function rollbackImport(
  data: Data,
  importId: string,
  opts: RollbackOptions = {},
): Promise<ImportProgress> {
  let doc = opts.doc ?? (await loadImport(data, importId))
  if (doc.status === 'rolledBack') throw new AppError('IMPORT_STATE', '这次导入已经撤销')
  if (doc.status === 'previewed' && !doc.rollback) {
    // Nothing was written: cancelling is enough.
    const n = await data.updateWhere('imports', { _id: importId, status: 'previewed' }, { status: 'rolledBack' })
    if (n === 1) {
      await data.removeWhere('importRows', { importId })
      return toProgress(await loadImport(data, importId))
    }
    doc = await loadImport(data, importId)
  }
  if (!doc.rollback) {
    const rollback = { cursor: 0, kept: 0, skipped: 0 }
    await data.updateWhere('imports', { _id: importId, status: doc.status }, { rollback })
    doc = await loadImport(data, importId)
    if (!doc.rollback) throw new AppError('CONFLICT')
  }

  const state = doc.rollback as NonNullable<LedgerImportDoc['rollback']>
  const from = state.cursor
  const to = Math.min(from + (opts.chunkSize ?? ROLLBACK_CHUNK), doc.total)
  let { kept, skipped } = state
  if (from < to) {
    const _ = data._
    const rows = await data.find<LedgerImportRowDoc>(
      'importRows',
      { importId, seq: _.gte(from).and(_.lt(to)) },
      { orderBy: [['seq', 'asc']], limit: to - from },
    )
    const ids = rows.map((r) => r.household._id)
    const current = new Map(
      (await data.find<HouseholdDoc>('households', { _id: _.in(ids) }, { limit: ids.length })).map((h) => [h._id, h]),
    )
    await mapLimit(rows, WRITE_CONCURRENCY, async (row) => {
      const cur = current.get(row.household._id)
      if (!cur || cur.importId !== importId) {
        // Written by us and then by another import (or deleted): the later change wins.
        if (row.written) skipped++
        return
      }
      const image = restoreImage(row.before ?? null, cur)
      if (image === 'keep') kept++
      else if (image === null) await data.remove('households', cur._id)
      else await data.set('households', image)
    })
  }

  if (to < doc.total) {
    await data.updateWhere(
      'imports',
      { _id: importId, 'rollback.cursor': from },
      { rollback: { cursor: to, kept, skipped }, message: rollbackMessage(doc, to) },
    )
    return { ...toProgress(await loadImport(data, importId)), done: to }
  }

  await removeUnusedStructure(data, doc)
  const notes: string[] = []
  if (kept > 0) notes.push(`${kept} 户在导入后已有居民绑定微信，保留未删除`)
  if (skipped > 0) notes.push(`${skipped} 户在导入后又被其他导入修改，保留修改后的内容`)
  await data.update('imports', importId, {
    status: 'rolledBack',
    rollback: { cursor: to, kept, skipped },
    message: notes.length > 0 ? `已撤销。${notes.join('；')}` : data._.remove(),
  })
  // The staged copies hold personal data and are of no further use.
  await data.removeWhere('importRows', { importId })
  return { ...toProgress(await loadImport(data, importId)), done: to }
}

/** Buildings and 营 the import created, unless households or roles now use them. */
async function removeUnusedStructure(data: Data, doc: LedgerImportDoc): Promise<void> {
  for (const id of doc.createdBuildingIds ?? []) {
    const used =
      (await data.count('households', { buildingId: id })) > 0 ||
      (await data.count('roles', { 'scope.buildingId': id })) > 0
    if (!used) await data.remove('buildings', id)
  }
  for (const id of doc.createdGroupIds ?? []) {
    const used =
      (await data.count('buildings', { groupId: id })) > 0 || (await data.count('roles', { 'scope.groupId': id })) > 0
    if (!used) await data.remove('groups', id)
  }
}
