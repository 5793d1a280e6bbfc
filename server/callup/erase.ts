// Deleting the call-up's data: a session with its buildings and calls (at the end of its period, and every session of
// a closed community, which the community function's closing runs). Sessions go last: a run cut short finds what is
// left through them. The call-up keeps no health data, only who called and marked which building and when.
import type { CallupSessionDoc } from './model'
import type { Budget } from '../platform/budget'
import { data } from '../platform/cloud'

/** Sessions handled per read. */
const BATCH = 20

/** A session and everything of it; idempotent. */
export async function eraseSession(s: Pick<CallupSessionDoc, '_id' | 'communityId'>): Promise<void> {
  await data.removeWhere('callupBuildings', { sessionId: s._id })
  await data.removeWhere('callupCalls', { sessionId: s._id })
  await data.removeWhere('callupPoints', { communityId: s.communityId, sessionId: s._id })
  await data.remove('callupSessions', s._id)
}

/** Every session of a closed community, and its points' locks. Returns true once done. */
export async function eraseCommunityCallup(communityId: string, budget: Budget): Promise<boolean> {
  for (;;) {
    const sessions = await data.find<Pick<CallupSessionDoc, '_id' | 'communityId'>>(
      'callupSessions',
      { communityId },
      { limit: BATCH, fields: { communityId: true } },
    )
    if (sessions.length === 0) break
    for (const s of sessions) {
      await eraseSession(s)
      if (budget.spent) return false
    }
  }
  await data.removeWhere('callupPoints', { communityId })
  return true
}
