// How long checks are kept: CHECK_RETENTION_DAYS after they were made (server/care/rules.ts; the consent text says
// so), for the care function's hourly timer. A person's status goes once its last check has: nothing is then known
// of how they were, and the list shows them as overdue again.
import type { Budget } from '../platform/budget'
import type { DueAt } from '../community/retention'
import type { CareCheckDoc } from './model'
import { data } from '../platform/cloud'
import { nowDate } from '../kernel'
import { CHECK_RETENTION_DAYS } from './rules'

export interface CareRetentionRun {
  checks: number
  statuses: number
}

export async function careRetention(budget?: Budget, now = nowDate()): Promise<CareRetentionRun> {
  const out: CareRetentionRun = { checks: 0, statuses: 0 }
  const cut = new Date(now.getTime() - CHECK_RETENTION_DAYS * 86_400_000)
  // remove takes no limit: each where removes every due document in one call.
  out.checks = await data.removeWhere('careChecks', { deleteAfter: data._.lte(now) })
  if (budget?.spent) return out
  out.statuses = await data.removeWhere('careStatus', { lastAt: data._.lte(cut) })
  return out
}

/** When each check of a community goes, for the committee's retention schedule (a closing brings it forward). */
export async function careSchedule(c: { _id: string; closing?: { deleteAfter: Date } }): Promise<DueAt[]> {
  const checks = await data.findAll<Pick<CareCheckDoc, 'deleteAfter'>>(
    'careChecks',
    { communityId: c._id },
    { fields: { deleteAfter: true } },
  )
  const cap = c.closing ? new Date(c.closing.deleteAfter).getTime() : Infinity
  return checks.map((k) => ({ at: new Date(Math.min(new Date(k.deleteAfter).getTime(), cap)), count: 1 }))
}
