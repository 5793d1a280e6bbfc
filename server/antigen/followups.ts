// Abnormal follow-up (never miss a positive): every household whose entry becomes abnormal gets one follow-up, which
// its building's lead acknowledges, then records contact and outcome; the committee sees it until it is closed, and
// an unacknowledged one escalates to the committee after the community's set time. Opened by the sequencer when it
// merges the abnormal entry (sequencer.ts), so no submission pays for it.
import { createHash } from 'node:crypto'
import type { ChainDoc, ChainEntryDoc } from './model'
import type { CommunityDoc, HouseholdDoc, RoleDoc } from '../community/model'
import { formatShanghai, nowMs } from '../kernel'
import type { Budget } from '../platform/budget'
import { data } from '../platform/cloud'
import { trusted } from '../platform/grants'
import { enqueue, type PushMessage } from '../platform/pushqueue'
import { floorOf, householdLabel } from '../community/structure'
import { maskName } from '../community/mask'
import { FOLLOW_UP_ESCALATE_BOUNDS, followUpEscalateMinutesOf } from '../community/settings'
import { TEMPLATES } from '../templates'

export type FollowUpStatus = 'open' | 'acknowledged' | 'closed'
export type FollowUpOutcome = 'retestNegative' | 'homeIsolation' | 'transferred' | 'hospital' | 'other'

export interface FollowUpDoc {
  /** followUpId(roundId, householdId): one per household and round. */
  _id: string
  roundId: string
  chainId: string
  communityId: string
  groupId: string
  buildingId: string
  buildingName: string
  householdId: string
  room: string
  floor: number
  /** When the abnormal result was submitted. */
  openedAt: Date
  status: FollowUpStatus
  acknowledgedBy?: string
  acknowledgedAt?: Date
  contacts: { by: string; at: Date; note: string }[]
  outcome?: FollowUpOutcome
  outcomeNote?: string
  closedBy?: string
  closedAt?: Date
  /** Escalated to the committee (unacknowledged past the set time). */
  escalatedAt?: Date
  /**
   * The escalation's notices are in the push queue. Set after `escalatedAt`: a run that stopped between the two
   * enqueues them again (their ids are taken, so nobody is told twice).
   */
  escalationQueuedAt?: Date
  /** Compare-and-set counter: every write moves it, so two leads recording at once both land (one reads again). */
  version: number
}

/** The follow-up list page: pushes about follow-ups link to it. */
export const FOLLOW_UPS_PAGE = 'packageAntigen/pages/followups'

export const followUpId = (roundId: string, householdId: string) =>
  `fu_${createHash('sha256').update(`${roundId}\u0000${householdId}`).digest('hex').slice(0, 24)}`

type FollowUpChain = Pick<ChainDoc, '_id' | 'roundId' | 'communityId' | 'groupId' | 'buildingId' | 'buildingName'>

/** The follow-up of an entry that just became abnormal, as it is opened: nobody has acknowledged it yet. */
export function newFollowUp(
  chain: FollowUpChain,
  e: Pick<ChainEntryDoc, 'householdId' | 'room' | 'updatedAt'>,
): FollowUpDoc {
  return {
    _id: followUpId(chain.roundId, e.householdId),
    roundId: chain.roundId,
    chainId: chain._id,
    communityId: chain.communityId,
    groupId: chain.groupId,
    buildingId: chain.buildingId,
    buildingName: chain.buildingName,
    householdId: e.householdId,
    room: e.room,
    floor: floorOf(e.room),
    openedAt: new Date(e.updatedAt),
    status: 'open',
    contacts: [],
    version: 0,
  }
}

/**
 * Open a follow-up for each entry that just became abnormal. A follow-up already there (a repeated merge, a second
 * positive in the same round) is kept as it is.
 */
export async function openFollowUps(
  chain: FollowUpChain,
  entries: readonly Pick<ChainEntryDoc, 'householdId' | 'room' | 'updatedAt'>[],
): Promise<void> {
  await data.insertNew(
    'followUps',
    entries.map((e) => newFollowUp(chain, e)),
  )
}

/** Follow-ups escalated per timer run at most; the rest wait for the next run (10 minutes). */
export const ESCALATE_PER_RUN = 200
/** Candidates read per page, and pages per run, while looking for due ones (communities' times differ). */
const CANDIDATE_PAGE = 200
const CANDIDATE_PAGES = 5

export interface Escalated {
  /** Follow-ups escalated in this run (claimed now). */
  escalated: number
  /** Notices written to the push queue (a resumed escalation whose notices were queued before writes none). */
  queued: number
}

/**
 * The timer's step: escalate to the committee every follow-up still `open` (nobody acknowledged it) whose abnormal
 * result is older than its community's `followUpEscalateMinutes`. Each is claimed once (`escalatedAt`, a
 * conditional update on `open` and not yet escalated, so an acknowledged one never is), then its notices are queued
 * (ids from the follow-up, so a repeat tells nobody twice) and `escalationQueuedAt` set. A run that stopped between
 * the two finishes the notices in the next run. The step runs before the timer's drain, which sends them.
 */
export async function escalateFollowUps(budget: Budget, now = nowMs()): Promise<Escalated> {
  const _ = data._
  const order: [string, 'asc' | 'desc'][] = [
    ['openedAt', 'asc'],
    ['_id', 'asc'],
  ]
  // Claimed by a run that stopped before its notices were queued.
  const resumed = await data.find<FollowUpDoc>(
    'followUps',
    { escalatedAt: _.exists(true), escalationQueuedAt: _.exists(false) },
    { limit: ESCALATE_PER_RUN, orderBy: order },
  )
  const minutes = new Map<string, number>()
  const claimed: FollowUpDoc[] = []
  // Nothing is due sooner than the shortest time a community may set.
  const earliest = new Date(now - FOLLOW_UP_ESCALATE_BOUNDS.min * 60_000)
  let after: FollowUpDoc | undefined
  for (let page = 0; page < CANDIDATE_PAGES && claimed.length < ESCALATE_PER_RUN && !budget.spent; page++) {
    const due = { status: 'open', escalatedAt: _.exists(false), openedAt: _.lte(earliest) }
    const where = after
      ? _.and([
          due,
          _.or([
            { openedAt: _.gt(new Date(after.openedAt)) },
            { openedAt: new Date(after.openedAt), _id: _.gt(after._id) },
          ]),
        ])
      : due
    const batch = await data.find<FollowUpDoc>('followUps', where, { limit: CANDIDATE_PAGE, orderBy: order })
    const unseen = [...new Set(batch.map((f) => f.communityId).filter((c) => !minutes.has(c)))]
    if (unseen.length) {
      const communities = await data.find<Pick<CommunityDoc, '_id' | 'settings'>>(
        'communities',
        { _id: _.in(unseen) },
        { limit: 100, fields: { settings: true } },
      )
      for (const c of unseen) minutes.set(c, followUpEscalateMinutesOf(communities.find((x) => x._id === c)?.settings))
    }
    for (const f of batch) {
      if (claimed.length >= ESCALATE_PER_RUN) break
      const limitMs = (minutes.get(f.communityId) ?? followUpEscalateMinutesOf(undefined)) * 60_000
      if (new Date(f.openedAt).getTime() + limitMs > now) continue
      const at = new Date(now)
      const won = await data.updateWhere(
        'followUps',
        { _id: f._id, status: 'open', escalatedAt: _.exists(false) },
        { escalatedAt: at, version: _.inc(1) },
      )
      if (won > 0) claimed.push({ ...f, escalatedAt: at })
    }
    if (batch.length < CANDIDATE_PAGE) break
    after = batch[batch.length - 1]
  }
  const todo = [...resumed, ...claimed]
  if (todo.length === 0) return { escalated: 0, queued: 0 }

  const communityIds = [...new Set(todo.map((f) => f.communityId))]
  const [roles, households] = await Promise.all([
    data.find<RoleDoc>('roles', { communityId: _.in(communityIds), role: 'committee' }, { limit: 1000 }),
    data.byIds<HouseholdDoc>(
      'households',
      todo.map((f) => f.householdId),
    ),
  ])
  const committee = (communityId: string) => [
    ...new Set(
      trusted(roles)
        .filter((r) => r.communityId === communityId)
        .map((r) => r.openid),
    ),
  ]
  const firstName = (f: FollowUpDoc) => households.get(f.householdId)?.members[0]?.name ?? ''
  const messages: PushMessage[] = todo.flatMap((f) =>
    committee(f.communityId).map((touser) => ({
      purpose: `antigen.followUpEscalated:${f._id}`,
      touser,
      templateId: TEMPLATES.abnormal,
      page: `${FOLLOW_UPS_PAGE}?communityId=${f.communityId}`,
      fields: {
        thing1: `${householdLabel(f.buildingName, f.room)} ${maskName(firstName(f))}`.trim(),
        time2: formatShanghai(f.openedAt),
        thing3: '异常结果无人跟进，请督促联系',
      },
    })),
  )
  const enqueued = messages.length ? await enqueue(messages) : { queued: 0 }
  await data.updateWhere(
    'followUps',
    { _id: _.in(todo.map((f) => f._id)), escalationQueuedAt: _.exists(false) },
    { escalationQueuedAt: new Date(now) },
  )
  return { escalated: claimed.length, queued: enqueued.queued }
}
