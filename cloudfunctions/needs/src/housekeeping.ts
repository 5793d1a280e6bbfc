// The needs function's timer (every minute, 60 s limit): the push queue's leftovers, then every unanswered need
// whose level's time ran out goes up to the next level with anyone at it (online → 班长 → 营长 → 团长 → 居委) and that
// level is told, then taken needs past their time to be done are flagged overdue and the level above the taker told
// once, then needs past their retention period lose their personal content. Every step is bounded by the run's
// budget and idempotent: an escalation is a conditional update on (status, level, due), so two runs at once move a
// need once, and the notices' ids come from what happened, so a repeated enqueue sends nothing twice.
import type { NeedLevel, NeedType, NeedUrgency } from '../../../typings/api'
import type { NeedDoc } from '../../../server/needs/model'
import { nowDate } from '../../../server/kernel'
import { Budget, steps } from '../../../server/platform/budget'
import { data } from '../../../server/platform/cloud'
import type { PushMessage } from '../../../server/platform/notify'
import { drainStep, enqueue, kick, PER_DRAIN, type Enqueued } from '../../../server/platform/pushqueue'
import {
  levelAbove,
  nextLevel,
  OPEN_STATUSES,
  peopleAtLevels,
  responseDue,
  type LevelRole,
} from '../../../server/needs/rules'
import { needsRetention } from '../../../server/needs/retention'
import { levelNotice, levelRoles, placeOf } from './common'

/** Of the function's 60 s timeout (config.json), how long a run keeps starting work. */
export const RUN_BUDGET_MS = 45_000
/** Of the run's budget, what the push queue's safety-net drain may take first. */
export const PUSH_BUDGET_MS = 5_000
/** Needs read per page. */
export const PAGE = 500
/** Ids per conditional update. */
const CHUNK = 100

type Due = Pick<
  NeedDoc,
  | '_id'
  | 'communityId'
  | 'groupId'
  | 'buildingId'
  | 'label'
  | 'type'
  | 'urgency'
  | 'status'
  | 'level'
  | 'createdAt'
  | 'dueAt'
  | 'taken'
>
const DUE_FIELDS = {
  communityId: true,
  groupId: true,
  buildingId: true,
  label: true,
  type: true,
  urgency: true,
  status: true,
  level: true,
  createdAt: true,
  dueAt: true,
  taken: true,
}

/**
 * The run's notices: each page's are written at once, and the drains are started once at the end, so that sending
 * thousands of notices does not compete with the run for its own instance's time.
 */
function outbox() {
  let queued = 0
  let last: Enqueued = { queued: 0 }
  return {
    async add(messages: readonly PushMessage[]): Promise<number> {
      if (messages.length === 0) return 0
      const e = await enqueue(messages)
      queued += e.queued
      if (e.kick) last = e
      return e.queued
    },
    send: () => kick('needs', last, Math.ceil(queued / PER_DRAIN)),
  }
}

/** Each community's answering roles, read once per run. */
function rolesCache() {
  const cache = new Map<string, Promise<LevelRole[]>>()
  return (communityId: string) => {
    let hit = cache.get(communityId)
    if (!hit) {
      hit = levelRoles(communityId)
      cache.set(communityId, hit)
    }
    return hit
  }
}

export interface EscalationRun {
  /** Needs moved up a level by this run. */
  escalated: number
  /** Notices queued. */
  pushed: number
  /** Due needs left when the budget ran out. */
  more: boolean
}

/** Unanswered needs past their level's time go up a level, in pages, until none is due or the budget is spent. */
export async function escalate(budget: Budget, now = nowDate()): Promise<EscalationRun> {
  const notices = outbox()
  try {
    return await escalatePages(budget, now, notices)
  } finally {
    await notices.send()
  }
}

async function escalatePages(budget: Budget, now: Date, notices: ReturnType<typeof outbox>): Promise<EscalationRun> {
  const _ = data._
  const rolesOf = rolesCache()
  const out: EscalationRun = { escalated: 0, pushed: 0, more: false }
  const where = { status: _.in(OPEN_STATUSES), level: _.neq('committee'), dueAt: _.lte(now) }
  for (;;) {
    if (budget.spent) {
      out.more = (await data.count('needs', where)) > 0
      return out
    }
    const due = await data.find<Due>('needs', where, { orderBy: [['dueAt', 'asc']], limit: PAGE, fields: DUE_FIELDS })
    if (due.length === 0) return out
    // One conditional update per (from, to, type, urgency): the same patch, the condition on each need's level.
    const batches = new Map<
      string,
      { from: NeedLevel; to: NeedLevel; type: NeedType; urgency: NeedUrgency; needs: Due[]; messages: PushMessage[] }
    >()
    for (const n of due) {
      const people = peopleAtLevels(await rolesOf(n.communityId), placeOf(n), now)
      const to = nextLevel(n.level, people) as NeedLevel
      const key = `${n.level}:${to}:${n.type}:${n.urgency}`
      const batch = batches.get(key) ?? { from: n.level, to, type: n.type, urgency: n.urgency, needs: [], messages: [] }
      batch.needs.push(n)
      batches.set(key, batch)
      batch.messages.push(
        ...levelNotice(n, n.label, people[to], `needs.escalated:${n._id}:${to}`, '超时未接单，已上报给您'),
      )
    }
    const messages: PushMessage[] = []
    let moved = 0
    for (const b of batches.values()) {
      if (budget.spent) break
      const dueAt = responseDue(b, now)
      for (let i = 0; i < b.needs.length; i += CHUNK) {
        moved += await data.updateWhere(
          'needs',
          {
            _id: _.in(b.needs.slice(i, i + CHUNK).map((n) => n._id)),
            status: _.in(OPEN_STATUSES),
            level: b.from,
            dueAt: _.lte(now),
          },
          {
            status: 'escalated',
            level: b.to,
            dueAt,
            updatedAt: now,
            escalations: _.push([{ level: b.to, at: now }]),
            history: _.push([{ kind: 'escalated', at: now, level: b.to }]),
          },
        )
      }
      // Told only of what this run moved (or another run at once: the same ids, written once).
      messages.push(...b.messages)
    }
    out.escalated += moved
    // Another run moved them first: its notices carry the same ids, so these write nothing new.
    out.pushed += await notices.add(messages)
    if (moved === 0 && !budget.spent) return out
  }
}

/** Taken needs past their time to be done: flagged once, and the level above the taker told once. */
export async function flagOverdue(budget: Budget, now = nowDate()): Promise<number> {
  const notices = outbox()
  try {
    return await flagPages(budget, now, notices)
  } finally {
    await notices.send()
  }
}

async function flagPages(budget: Budget, now: Date, notices: ReturnType<typeof outbox>): Promise<number> {
  const _ = data._
  const rolesOf = rolesCache()
  let flagged = 0
  for (;;) {
    if (budget.spent) return flagged
    const due = await data.find<Due>(
      'needs',
      { status: 'taken', dueAt: _.lte(now), overdueAt: _.exists(false) },
      { orderBy: [['dueAt', 'asc']], limit: PAGE, fields: DUE_FIELDS },
    )
    if (due.length === 0) return flagged
    const messages: PushMessage[] = []
    let moved = 0
    for (let i = 0; i < due.length; i += CHUNK) {
      const chunk = due.slice(i, i + CHUNK)
      moved += await data.updateWhere(
        'needs',
        { _id: _.in(chunk.map((n) => n._id)), status: 'taken', overdueAt: _.exists(false), dueAt: _.lte(now) },
        { overdueAt: now, updatedAt: now, history: _.push([{ kind: 'overdue', at: now }]) },
      )
      for (const n of chunk) {
        const people = peopleAtLevels(await rolesOf(n.communityId), placeOf(n), now)
        const above = levelAbove(n.level, people)
        if (!above) continue
        const takenAt = n.taken ? new Date(n.taken.at).getTime() : 0
        messages.push(
          ...levelNotice(n, n.label, people[above], `needs.overdue:${n._id}:${takenAt}`, '已接单但超时未办结'),
        )
      }
    }
    flagged += moved
    await notices.add(messages)
    if (moved === 0) return flagged
  }
}

export async function housekeeping() {
  const budget = new Budget(RUN_BUDGET_MS)
  return steps('needs.housekeeping', {
    pushes: () => drainStep(PUSH_BUDGET_MS),
    escalated: () => escalate(budget),
    overdue: () => flagOverdue(budget),
    retention: () => needsRetention(budget),
  })
}
