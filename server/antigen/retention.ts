// How long antigen data is kept, for the antigen function's housekeeping timer (which deletes it) and the
// committee's schedule (which the community function shows): kit photos settings.photoRetentionDays after their
// round closed, per-member results reduced to counts settings.resultRetentionDays after it, and everything when
// the community's data is deleted after it was closed. Each step works chain by chain and can be cut short.
import type { RoundDoc } from './model'
import type { CommunityDoc } from '../community/model'
import { DAY_MS, retentionOf } from '../community/settings'
import type { Budget } from '../platform/budget'
import { data } from '../platform/cloud'
import { deleteChainPhotos, reduceChain } from './erase'
import { nowMs } from '../kernel'

export type RetentionCommunity = Pick<CommunityDoc, '_id' | 'settings' | 'closing'>

/** Every community with its settings and closing state (a deployment serves a few dozen at most). */
export function retentionCommunities(): Promise<RetentionCommunity[]> {
  return data.findAll<RetentionCommunity>('communities', {}, { fields: { settings: true, closing: true } })
}

/** The community was closed and its closing period is over: every person's data goes now. */
export const isErasing = (c: Pick<CommunityDoc, 'closing'>, now = nowMs()) =>
  Boolean(c.closing && new Date(c.closing.deleteAfter).getTime() <= now)

/** Rounds closed at or before these instants are due (everything, once the community's data is being deleted). */
const photoCutoff = (c: RetentionCommunity, now: number) =>
  isErasing(c, now) ? now : now - retentionOf(c.settings).photoDays * DAY_MS
const resultCutoff = (c: RetentionCommunity, now: number) =>
  isErasing(c, now) ? now : now - retentionOf(c.settings).resultDays * DAY_MS

/** Rounds looked at per community and step, and chains per read. */
export const ROUND_BATCH = 20
export const CHAIN_BATCH = 50

type RoundRef = Pick<RoundDoc, '_id' | 'photosDeletedAt'>

function dueRounds(communityId: string, marker: 'photosDeletedAt' | 'resultsReducedAt', cutoff: number) {
  return data.find<RoundRef>(
    'rounds',
    { communityId, status: 'closed', [marker]: data._.exists(false), closedAt: data._.lte(new Date(cutoff)) },
    { limit: ROUND_BATCH, orderBy: [['closedAt', 'asc']], fields: { photosDeletedAt: true } },
  )
}

const pendingChains = (roundId: string, marker: 'photosDeletedAt' | 'resultsReducedAt') =>
  data.find<{ _id: string }>(
    'chains',
    { roundId, [marker]: data._.exists(false) },
    { limit: CHAIN_BATCH, fields: { _id: true } },
  )

export interface PhotoRun {
  /** Rounds whose photos are all gone now. */
  rounds: number
  photos: number
  failedFiles: number
}

/** Delete the kit photos of rounds past their period, chain by chain, until done or the budget is spent. */
export async function deleteDuePhotos(budget: Budget, now = nowMs()): Promise<PhotoRun> {
  const run: PhotoRun = { rounds: 0, photos: 0, failedFiles: 0 }
  for (const c of await retentionCommunities()) {
    for (const round of await dueRounds(c._id, 'photosDeletedAt', photoCutoff(c, now))) {
      for (;;) {
        if (budget.spent) return run
        const chains = await pendingChains(round._id, 'photosDeletedAt')
        if (chains.length === 0) {
          await data.update('rounds', round._id, { photosDeletedAt: new Date(now) })
          run.rounds++
          break
        }
        for (const chain of chains) {
          const done = await deleteChainPhotos(chain._id)
          run.photos += done.photos
          run.failedFiles += done.failedFiles
        }
      }
    }
  }
  return run
}

export interface ReduceRun {
  /** Rounds reduced to counts now (their reminder logs gone too). */
  rounds: number
  chains: number
  photos: number
  failedFiles: number
}

/** Reduce the rounds past their result period to counts, chain by chain, until done or the budget is spent. */
export async function reduceDueResults(budget: Budget, now = nowMs()): Promise<ReduceRun> {
  const run: ReduceRun = { rounds: 0, chains: 0, photos: 0, failedFiles: 0 }
  for (const c of await retentionCommunities()) {
    for (const round of await dueRounds(c._id, 'resultsReducedAt', resultCutoff(c, now))) {
      for (;;) {
        if (budget.spent) return run
        const chains = await pendingChains(round._id, 'resultsReducedAt')
        if (chains.length === 0) {
          // Who reminded which building and how many numbers they saw: a log of the round, kept as long as its names.
          await data.removeWhere('reminders', { roundId: round._id })
          await data.update('rounds', round._id, {
            resultsReducedAt: new Date(now),
            openedBy: '', // who opened it: a person too, and no count needs them
            ...(round.photosDeletedAt ? {} : { photosDeletedAt: new Date(now) }),
          })
          run.rounds++
          break
        }
        for (const chain of chains) {
          const done = await reduceChain(chain._id)
          run.chains++
          run.photos += done.photos
          run.failedFiles += done.failedFiles
        }
      }
    }
  }
  return run
}

/** Close the open rounds (and their chains) of a community, as of `at`. */
export async function closeCommunityRounds(communityId: string, at: Date): Promise<number> {
  const open = await data.find<{ _id: string }>(
    'rounds',
    { communityId, status: 'open' },
    { limit: 1000, fields: { _id: true } },
  )
  for (const r of open) {
    await data.updateWhere('chains', { roundId: r._id }, { status: 'closed' })
    await data.update('rounds', r._id, { status: 'closed', closedAt: at })
  }
  return open.length
}

/**
 * Communities whose data is being deleted: close what is still open (before the reduction step, which then takes
 * every round), and once no round keeps names any more, delete the 开轮提醒 subscriptions and record that the
 * antigen part is done.
 */
export async function closeErasingRounds(now = nowMs()): Promise<number> {
  let closed = 0
  for (const c of await retentionCommunities())
    if (isErasing(c, now) && !c.closing?.antigenErasedAt) closed += await closeCommunityRounds(c._id, new Date(now))
  return closed
}

export async function finishErasing(now = nowMs()): Promise<number> {
  let finished = 0
  for (const c of await retentionCommunities()) {
    if (!isErasing(c, now) || c.closing?.antigenErasedAt) continue
    if ((await data.count('rounds', { communityId: c._id, resultsReducedAt: data._.exists(false) })) > 0) continue
    await data.removeWhere('roundSubscribers', { communityId: c._id })
    await data.update('communities', c._id, { 'closing.antigenErasedAt': new Date(now) })
    finished++
  }
  return finished
}

// ---------- the schedule ----------

/** Deletions due at one instant: how many households' submissions (or reminder logs). */
export interface Due {
  at: Date
  count: number
}

export interface AntigenSchedule {
  photos: { due: Due[]; waiting: number }
  results: { due: Due[]; waiting: number }
  reminders: { due: Due[]; waiting: number }
  /** Rounds still open: their periods start when they close. */
  openRounds: number
}

async function sumsByRound(coll: 'chains' | 'reminders', roundIds: string[]): Promise<Map<string, number>> {
  const $ = data._.aggregate
  const out = new Map<string, number>()
  for (let i = 0; i < roundIds.length; i += 500) {
    const rows = await data.runAggregate<{ _id: string; n: number }>(
      data
        .aggregate(coll)
        .match({ roundId: data._.in(roundIds.slice(i, i + 500)) })
        .group({ _id: '$roundId', n: coll === 'chains' ? $.sum('$submitted') : $.sum(1) })
        .limit(100000),
    )
    for (const r of rows) out.set(r._id, r.n)
  }
  return out
}

/** What of the community's antigen data is kept, and when it goes (counts in households' submissions). */
export async function antigenSchedule(c: RetentionCommunity): Promise<AntigenSchedule> {
  const { photoDays, resultDays } = retentionOf(c.settings)
  const rounds = await data.findAll<Pick<RoundDoc, '_id' | 'status' | 'closedAt' | 'photosDeletedAt'>>(
    'rounds',
    { communityId: c._id, resultsReducedAt: data._.exists(false) },
    { fields: { status: true, closedAt: true, photosDeletedAt: true } },
  )
  const ids = rounds.map((r) => r._id)
  const [submitted, reminders] = await Promise.all([sumsByRound('chains', ids), sumsByRound('reminders', ids)])
  const out: AntigenSchedule = {
    photos: { due: [], waiting: 0 },
    results: { due: [], waiting: 0 },
    reminders: { due: [], waiting: 0 },
    openRounds: 0,
  }
  // Everything goes when the community's data is deleted, whatever the periods would say.
  const cap = c.closing ? new Date(c.closing.deleteAfter).getTime() : Infinity
  const at = (closed: number, days: number) => new Date(Math.min(closed + days * DAY_MS, cap))
  for (const r of rounds) {
    const households = submitted.get(r._id) ?? 0
    const logs = reminders.get(r._id) ?? 0
    if (r.status !== 'closed' || !r.closedAt) {
      out.openRounds++
      out.photos.waiting += households
      out.results.waiting += households
      out.reminders.waiting += logs
      continue
    }
    const closed = new Date(r.closedAt).getTime()
    if (!r.photosDeletedAt && households) out.photos.due.push({ at: at(closed, photoDays), count: households })
    if (households) out.results.due.push({ at: at(closed, resultDays), count: households })
    if (logs) out.reminders.due.push({ at: at(closed, resultDays), count: logs })
  }
  return out
}
