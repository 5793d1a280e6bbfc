// How long the community function's personal data is kept, and when each piece goes: the committee's schedule
// (retentionSchedule) reads it, the housekeeping timer deletes by the same rules. Antigen data is in
// server/antigen/retention.ts.
import type { RetentionDue, RetentionItem, RetentionKind } from '../../typings/api'
import type { CommunityDoc, JoinRequestDoc } from './model'
import type { ImportDoc } from '../ledger/model'
import { DAY_MS, DECIDED_REQUEST_TTL_DAYS, IMPORT_ROWS_TTL_DAYS } from './settings'
import { data } from '../platform/cloud'
import { exportExpiry, type ExportDoc } from '../platform/exports'
import type { UploadDoc } from '../platform/uploads'
import { nowDate, nowMs, shanghaiDay } from '../kernel'

export const IMPORT_ROWS_TTL_MS = IMPORT_ROWS_TTL_DAYS * DAY_MS
export const DECIDED_REQUEST_TTL_MS = DECIDED_REQUEST_TTL_DAYS * DAY_MS

/** An import whose staged rows are gone: its record keeps the counts, not the people. */
export type StrippedImport = ImportDoc & { rowsDeletedAt?: Date; keptMembers?: unknown[] }

/** Imports handled per timer run. */
export const IMPORT_BATCH = 20

/**
 * A week after an import (when it can no longer be rolled back), its staged copies of households go, and its
 * record forgets the people it named (row errors quote names and phones, kept members are names); the counts stay.
 * An import still committing waits. At most `limit` imports per run; returns the rows removed.
 */
export async function deleteStaleImportRows(now = nowMs(), limit = IMPORT_BATCH, communityId?: string) {
  const where = communityId
    ? { communityId, rowsDeletedAt: data._.exists(false) }
    : {
        createdAt: data._.lt(new Date(now - IMPORT_ROWS_TTL_MS)),
        status: data._.neq('committing'),
        rowsDeletedAt: data._.exists(false),
      }
  // Only due imports are read, and the oldest first: however many there are, each is done within a few runs.
  const stale = await data.find<StrippedImport>('imports', where, {
    limit,
    orderBy: [['createdAt', 'asc']],
    fields: { _id: true },
  })
  let removed = 0
  for (const imp of stale) {
    removed += await data.removeWhere('importRows', { importId: imp._id })
    await data.update('imports', imp._id, {
      rowsDeletedAt: nowDate(),
      errors: data._.set([]),
      keptMembers: data._.set([]),
    })
  }
  return removed
}

/** Approved and rejected join requests (names as typed) a month after the decision; pending ones stay. */
export async function deleteDecidedRequests(now = nowMs()): Promise<number> {
  return data.removeWhere('joinRequests', {
    status: data._.in(['approved', 'rejected']),
    decidedAt: data._.lte(new Date(now - DECIDED_REQUEST_TTL_MS)),
  })
}

// ---------- the schedule ----------

/** How many deletion dates an item lists (the soonest). */
export const DUE_SHOWN = 5

export interface DueAt {
  at: Date
  count: number
}

/** Group deletions by Shanghai day, soonest first; what is due already is counted apart. */
export function dueByDay(items: readonly DueAt[], now = nowMs()): { due: RetentionDue[]; overdue: number } {
  let overdue = 0
  const days = new Map<string, number>()
  for (const d of items) {
    if (d.count <= 0) continue
    if (d.at.getTime() <= now) overdue += d.count
    else {
      const day = shanghaiDay(d.at)
      days.set(day, (days.get(day) ?? 0) + d.count)
    }
  }
  const due = [...days]
    .sort(([a], [b]) => a.localeCompare(b))
    .slice(0, DUE_SHOWN)
    .map(([date, count]) => ({ date, count }))
  return { due, overdue }
}

export interface ItemFacts {
  kind: RetentionKind
  label: string
  rule: string
  days: number
  unit: string
  items: DueAt[]
  waiting?: number
  failed?: number
}

export function retentionItem(f: ItemFacts, now = nowMs()): RetentionItem {
  const { due, overdue } = dueByDay(f.items, now)
  const item: RetentionItem = {
    kind: f.kind,
    label: f.label,
    rule: f.rule,
    days: f.days,
    unit: f.unit,
    due,
    overdue,
    failed: f.failed ?? 0,
  }
  if (f.waiting) item.waiting = f.waiting
  return item
}

/** Every due deletion is brought forward to the closing's date, if the community was closed. */
const capped = (c: Pick<CommunityDoc, 'closing'>, at: Date) =>
  c.closing && new Date(c.closing.deleteAfter).getTime() < at.getTime() ? new Date(c.closing.deleteAfter) : at

/** The community function's kinds of data and when each goes. */
export async function communityDue(c: Pick<CommunityDoc, '_id' | 'closing'>): Promise<{
  exports: DueAt[]
  uploads: DueAt[]
  importRows: DueAt[]
  joinRequests: DueAt[]
}> {
  const [exports, uploads, imports, requests] = await Promise.all([
    data.findAll<Pick<ExportDoc, 'createdAt' | 'expiresAt'>>(
      'exports',
      { communityId: c._id },
      { fields: { createdAt: true, expiresAt: true } },
    ),
    data.findAll<Pick<UploadDoc, 'expiresAt'>>('uploads', { communityId: c._id }, { fields: { expiresAt: true } }),
    data.findAll<Pick<ImportDoc & { dryRun?: boolean }, 'createdAt' | 'total' | 'dryRun'>>(
      'imports',
      { communityId: c._id, rowsDeletedAt: data._.exists(false) },
      { fields: { createdAt: true, total: true, dryRun: true } },
    ),
    data.findAll<Pick<JoinRequestDoc, 'decidedAt'>>(
      'joinRequests',
      { communityId: c._id, status: data._.in(['approved', 'rejected']) },
      { fields: { decidedAt: true } },
    ),
  ])
  return {
    exports: exports.map((e) => ({ at: capped(c, exportExpiry(e)), count: 1 })),
    uploads: uploads.map((u) => ({ at: capped(c, new Date(u.expiresAt)), count: 1 })),
    // An import's record with the file's row errors goes with it: one import counts as its rows (at least 1).
    importRows: imports.map((i) => ({
      at: capped(c, new Date(new Date(i.createdAt).getTime() + IMPORT_ROWS_TTL_MS)),
      count: i.dryRun ? 1 : Math.max(1, i.total),
    })),
    joinRequests: requests.map((r) => ({
      at: capped(c, new Date(new Date(r.decidedAt ?? 0).getTime() + DECIDED_REQUEST_TTL_MS)),
      count: 1,
    })),
  }
}
