// The registers function's timer: a sheet's good rows staged by an import that was neither committed nor rolled back
// go IMPORT_ROWS_TTL_DAYS (7) after the preview, as the household ledger's do; the import then says it expired.
import type { RegisterImportDoc } from './model'
import { data } from '../platform/cloud'
import { nowMs } from '../kernel/clock'
import { DAY_MS, IMPORT_ROWS_TTL_DAYS } from '../community/settings'
import type { Budget } from '../platform/budget'

export const STALE_BATCH = 50

/** Staged rows of imports previewed more than IMPORT_ROWS_TTL_DAYS ago and never committed. Returns how many. */
export async function dropStaleImports(budget: Budget, now = nowMs()): Promise<number> {
  let dropped = 0
  for (;;) {
    const stale = await data.find<Pick<RegisterImportDoc, '_id'>>(
      'registerImports',
      {
        status: 'previewed',
        createdAt: data._.lte(new Date(now - IMPORT_ROWS_TTL_DAYS * DAY_MS)),
        stagedRemovedAt: data._.exists(false),
      },
      { limit: STALE_BATCH, orderBy: [['createdAt', 'asc']], fields: { _id: true } },
    )
    if (stale.length === 0) return dropped
    for (const imp of stale) {
      await data.removeWhere('registerImportRows', { importId: imp._id })
      await data.update('registerImports', imp._id, { stagedRemovedAt: new Date(now) })
      dropped++
    }
    if (budget.spent) return dropped
  }
}
