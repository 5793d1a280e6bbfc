// How long the call-up keeps its sessions: an ended session (who called and marked which building, when) is deleted
// KEEP_DAYS after it ended; a session nobody ended is ended by the timer two days after it started, so it is
// deleted on the same schedule. Bounded steps of the call-up function's timer.
import type { CallupSessionDoc } from './model'
import type { Budget } from '../platform/budget'
import { nowDate } from '../kernel'
import { data } from '../platform/cloud'
import { KEEP_MS } from './rules'
import { eraseSession } from './erase'

/** A session still open this long after it started is ended by the timer. */
export const AUTO_END_MS = 2 * 86_400_000
const BATCH = 20

export async function callupRetention(budget: Budget, now = nowDate()): Promise<{ ended: number; deleted: number }> {
  let ended = 0
  let deleted = 0
  const stale = await data.find<CallupSessionDoc>(
    'callupSessions',
    { status: 'open', 'started.at': data._.lte(new Date(now.getTime() - AUTO_END_MS)) },
    { limit: BATCH },
  )
  for (const s of stale) {
    const won = await data.updateWhere(
      'callupSessions',
      { _id: s._id, status: 'open' },
      {
        status: 'ended',
        ended: { at: now, by: 'timer', byName: '系统自动结束' },
        deleteAfter: new Date(now.getTime() + KEEP_MS),
        updatedAt: now,
      },
    )
    await data.removeWhere('callupPoints', { communityId: s.communityId, sessionId: s._id })
    ended += won
  }
  while (!budget.spent) {
    const due = await data.find<Pick<CallupSessionDoc, '_id' | 'communityId'>>(
      'callupSessions',
      { status: 'ended', deleteAfter: data._.lte(now) },
      { limit: BATCH, fields: { communityId: true } },
    )
    if (due.length === 0) break
    for (const s of due) {
      await eraseSession(s)
      deleted++
    }
  }
  return { ended, deleted }
}
