// How long needs keep their personal content, for the needs function's timer and the committee's schedule: a need
// done or cancelled loses it settings.needRetentionDays later (default 30, 1–90; server/needs/rules.ts). Each run
// reads only what is due, per community, in bounded batches, and stops starting work once the budget is spent.
import type { NeedDoc } from './model'
import type { CommunityDoc } from '../community/model'
import type { DueAt } from '../community/retention'
import type { Budget } from '../platform/budget'
import { data } from '../platform/cloud'
import { nowMs } from '../kernel'
import { reduceNeeds } from './erase'
import { needRetentionDaysOf } from './rules'

const DAY_MS = 86_400_000
/** Needs reduced per community and run. */
export const RETENTION_BATCH = 200

export async function needsRetention(budget?: Budget, now = nowMs()): Promise<{ needs: number; failedFiles: number }> {
  const out = { needs: 0, failedFiles: 0 }
  const communities = await data.findAll<Pick<CommunityDoc, '_id' | 'settings'>>(
    'communities',
    {},
    { fields: { settings: true } },
  )
  for (const c of communities) {
    if (budget?.spent) break
    const cut = new Date(now - needRetentionDaysOf(c.settings) * DAY_MS)
    const due = await data.find<NeedDoc>(
      'needs',
      { communityId: c._id, closedAt: data._.lte(cut), reducedAt: data._.exists(false) },
      { limit: RETENTION_BATCH, orderBy: [['closedAt', 'asc']] },
    )
    try {
      out.failedFiles += await reduceNeeds(due)
      out.needs += due.length
    } catch (err) {
      console.error(`[needs.retention] reducing ${c._id}'s needs failed; the next run tries again`, err)
    }
  }
  return out
}

/** The community's needs with content still kept, each due at its close plus the period (open ones: not yet due). */
export async function needSchedule(c: Pick<CommunityDoc, '_id' | 'settings' | 'closing'>): Promise<DueAt[]> {
  const days = needRetentionDaysOf(c.settings)
  const needs = await data.findAll<Pick<NeedDoc, 'closedAt'>>(
    'needs',
    { communityId: c._id, closedAt: data._.exists(true), reducedAt: data._.exists(false) },
    { fields: { closedAt: true } },
  )
  const cap = c.closing ? new Date(c.closing.deleteAfter).getTime() : Infinity
  return needs.map((n) => ({
    at: new Date(Math.min(new Date(n.closedAt as Date).getTime() + days * DAY_MS, cap)),
    count: 1,
  }))
}
