// The community function's daily timer: personal data that only existed for a task is deleted on schedule.
import type { ImportDoc } from '../../../server/ledger/model'
import { data } from '../../../server/platform/cloud'
import { deleteOldExports } from '../../../server/platform/exports'
import { nowDate, nowMs } from '../../../server/kernel'

/** A committed import can be rolled back for this long; after it, its staged copies of households go. */
export const IMPORT_ROWS_TTL_MS = 7 * 24 * 3600_000

export async function deleteStaleImportRows(now = nowMs()): Promise<number> {
  const stale = await data.findAll<ImportDoc & { rowsDeletedAt?: Date }>('imports', {
    createdAt: data._.lt(new Date(now - IMPORT_ROWS_TTL_MS)),
    status: data._.neq('committing'),
    rowsDeletedAt: data._.exists(false),
  })
  let removed = 0
  for (const imp of stale) {
    removed += await data.removeWhere('importRows', { importId: imp._id })
    await data.update('imports', imp._id, { rowsDeletedAt: nowDate() })
  }
  return removed
}

export async function housekeeping(): Promise<{ exports: number; importRows: number }> {
  return { exports: await deleteOldExports(), importRows: await deleteStaleImportRows() }
}
