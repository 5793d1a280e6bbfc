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

/** Whose steps are anonymised: as the community function's erasure describes the person. */
export interface CallupPerson {
  communityId: string
  openid: string
}

/** What stands for a person whose data was deleted, on the steps they made. */
export const ERASED_STEP = { by: '', byName: '（已删除）' } as const

/**
 * A person's data deletion (「我的数据」) reaches the call-up too: on every step they made (calls, starts, skips, marks,
 * the session's start and end) their openid and name are replaced by 「（已删除）」; the steps' times and the buildings'
 * states stay, so the session's progress does not change. Idempotent.
 */
export async function eraseCallupPerson(p: CallupPerson): Promise<{ failedFiles: number }> {
  const _ = data._
  const sessions = await data.findAll<Pick<CallupSessionDoc, '_id' | 'started' | 'ended'>>(
    'callupSessions',
    { communityId: p.communityId },
    { fields: { started: true, ended: true } },
  )
  const steps = ['called', 'started', 'done', 'skipped'] as const
  for (const s of sessions) {
    const patch: Record<string, unknown> = {}
    if (s.started.by === p.openid) Object.assign(patch, { 'started.by': '', 'started.byName': ERASED_STEP.byName })
    if (s.ended?.by === p.openid) Object.assign(patch, { 'ended.by': '', 'ended.byName': ERASED_STEP.byName })
    if (Object.keys(patch).length) await data.update('callupSessions', s._id, patch)
    for (const step of steps)
      await data.updateWhere('callupBuildings', _.and([{ sessionId: s._id }, { [`${step}.by`]: p.openid }]), {
        [`${step}.by`]: '',
        [`${step}.byName`]: ERASED_STEP.byName,
      })
    await data.updateWhere('callupCalls', _.and([{ sessionId: s._id }, { by: p.openid }]), { ...ERASED_STEP })
  }
  return { failedFiles: 0 }
}
