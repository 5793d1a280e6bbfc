// The care function's timer (every hour, 60 s limit): send the push queue's leftovers; in the morning
// (MORNING_FROM_HOUR–MORNING_UNTIL_HOUR, Shanghai) tell each building and floor lead, and each 楼栋 / 云上 volunteer
// on shift at that run, how many of theirs are overdue; and delete checks past their period. The morning notice's
// purpose names the day, so each person gets it once a day however many runs enqueue it; a volunteer whose shift
// starts at 10:00 gets it at the 10:00 run. Every step is bounded and idempotent.
import type { CommunityDoc, RoleDoc } from '../../../server/community/model'
import type { RoleGrant } from '../../../typings/api'
import { nowDate, shanghaiDay } from '../../../server/kernel'
import { Budget, steps } from '../../../server/platform/budget'
import { data } from '../../../server/platform/cloud'
import { trusted, toGrant } from '../../../server/platform/grants'
import { householdTarget } from '../../../server/platform/visibility'
import { notify, type PushMessage } from '../../../server/platform/notify'
import { drainStep } from '../../../server/platform/pushqueue'
import { TEMPLATES } from '../../../server/templates'
import { careRelation, flagsFor, inMorningWindow, standing } from '../../../server/care/rules'
import { careRetention } from '../../../server/care/retention'
import { householdsOf, LIST_PAGE, statusesOf, statusId } from './common'

/** Of the function's 60 s timeout (config.json), how long a run keeps starting work. */
export const RUN_BUDGET_MS = 40_000
/** Of the run's budget, what the push queue's safety-net drain may take first. */
export const PUSH_BUDGET_MS = 10_000
/** Each lead's and on-shift care volunteer's overdue count in one community, as the notices to enqueue. */
export async function morningNotices(communityId: string, now: Date): Promise<PushMessage[]> {
  const roles = trusted(
    await data.findAll<RoleDoc>('roles', {
      communityId,
      role: data._.in(['buildingLead', 'floorLead', 'volunteer']),
    }),
  )
  const byOpenid = new Map<string, RoleGrant[]>()
  for (const r of roles) byOpenid.set(r.openid, [...(byOpenid.get(r.openid) ?? []), toGrant(r)])
  if (byOpenid.size === 0) return []
  const [households, statuses] = await Promise.all([householdsOf(communityId), statusesOf(communityId)])
  const overdue = households.flatMap((h) =>
    h.members
      .filter(
        (m) => m.flags.length > 0 && standing(m.flags, statuses.get(statusId(h._id, m.id)), now).state === 'overdue',
      )
      .map((m) => ({ target: householdTarget(h), flags: m.flags })),
  )
  const day = shanghaiDay(now)
  const out: PushMessage[] = []
  for (const [openid, grants] of byOpenid) {
    const n = overdue.filter((p) => {
      const rel = careRelation(grants, p.target, now)
      return (rel === 'lead' || rel === 'volunteer') && flagsFor(rel, p.flags).length > 0
    }).length
    if (n === 0) continue
    out.push({
      purpose: `care.morning:${communityId}:${day}`,
      touser: openid,
      templateId: TEMPLATES.careDue,
      page: LIST_PAGE,
      fields: { thing1: '今日关怀联系', number2: String(n), thing3: '有居民超过时限未联系，请今天联系' },
    })
  }
  return out
}

/** The morning step: every open community, in bounded runs. */
export async function morningPush(budget: Budget, now = nowDate()): Promise<{ communities: number; queued: number }> {
  if (!inMorningWindow(now)) return { communities: 0, queued: 0 }
  const communities = await data.findAll<Pick<CommunityDoc, '_id' | 'closing'>>(
    'communities',
    {},
    { fields: { _id: true, closing: true } },
  )
  let done = 0
  let queued = 0
  for (const c of communities) {
    if (budget.spent) break
    if (c.closing) continue
    const messages = await morningNotices(c._id, now)
    if (messages.length) queued += await notify('care', messages)
    done++
  }
  return { communities: done, queued }
}

export async function housekeeping() {
  const budget = new Budget(RUN_BUDGET_MS)
  return steps('care.housekeeping', {
    pushes: () => drainStep(PUSH_BUDGET_MS),
    morning: () => morningPush(budget),
    retention: () => careRetention(budget),
  })
}
