// How long antigen data is kept, for the antigen function's housekeeping timer (which deletes it) and the
// committee's schedule (which the community function shows): kit photos settings.photoRetentionDays after their
// round closed, per-member results reduced to counts settings.resultRetentionDays after it, and everything when
// the community's data is deleted after it was closed. Each step reads only rounds that are due (in the query, with
// each community's own period), oldest due first and ROUND_BATCH per run, works chain by chain and can be cut short.
import { closeRoundDocs } from './sequencer'
import type { RoundDoc } from './model'
import type { CommunityDoc } from '../community/model'
import { DAY_MS, retentionOf, type Retention } from '../community/settings'
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

/** Rounds taken per step and run (the oldest due first, whichever community), and chains per read. */
export const ROUND_BATCH = 20
export const CHAIN_BATCH = 50

type Marker = 'photosDeletedAt' | 'resultsReducedAt'
type RoundRef = Pick<RoundDoc, '_id' | 'communityId' | 'closedAt' | 'photosDeletedAt'>

/** A round the step has to do, and since when: its period ended then (or its community's data started going). */
interface DueRound extends RoundRef {
  dueAt: number
}

/**
 * The rounds a step has to do now, oldest due first, at most ROUND_BATCH. The periods are each community's own
 * (a committee may change them at any time, and the change applies to rounds already closed), so each community's
 * due rounds are read with its own cutoff in the query (`closedAt` at or before it, the step's marker not set,
 * oldest first): rounds not due yet are never read, however many closed recently. A round's due time grows with
 * its `closedAt` within a community, so the first ROUND_BATCH of each community hold the first ROUND_BATCH of all.
 */
async function dueRounds(marker: Marker, days: (r: Retention) => number, now: number): Promise<DueRound[]> {
  const out: DueRound[] = []
  for (const c of await retentionCommunities()) {
    const erasing = isErasing(c, now)
    const period = days(retentionOf(c.settings)) * DAY_MS
    // Everything is due once the community's data is being deleted, and no later than its deletion date.
    const cap = c.closing ? new Date(c.closing.deleteAfter).getTime() : Infinity
    const rows = await data.find<RoundRef>(
      'rounds',
      {
        communityId: c._id,
        status: 'closed',
        [marker]: data._.exists(false),
        closedAt: data._.lte(new Date(erasing ? now : now - period)),
      },
      {
        limit: ROUND_BATCH,
        orderBy: [['closedAt', 'asc']],
        fields: { communityId: true, closedAt: true, photosDeletedAt: true },
      },
    )
    for (const r of rows) out.push({ ...r, dueAt: Math.min(new Date(r.closedAt as Date).getTime() + period, cap) })
  }
  return out.sort((a, b) => a.dueAt - b.dueAt || a._id.localeCompare(b._id)).slice(0, ROUND_BATCH)
}

const pendingChains = (roundId: string, marker: Marker) =>
  data.find<{ _id: string }>(
    'chains',
    { roundId, [marker]: data._.exists(false) },
    { limit: CHAIN_BATCH, fields: { _id: true } },
  )

/**
 * Work through the due rounds oldest first, chain by chain, until done or the budget is spent (the next run goes on
 * with the same round: its chains' markers say what is left). A round that fails is logged and left for the next
 * run, and the rounds after it are still done, so one round cannot hold up the others.
 */
async function eachDueRound(
  step: string,
  marker: Marker,
  days: (r: Retention) => number,
  budget: Budget,
  now: number,
  work: (round: RoundRef) => Promise<boolean>,
): Promise<number> {
  let failed = 0
  for (const round of await dueRounds(marker, days, now)) {
    if (budget.spent) break
    try {
      if (!(await work(round))) break
    } catch (err) {
      console.error(`[antigen.retention.${step}] round ${round._id} failed; the next run retries it`, err)
      failed++
    }
  }
  return failed
}

export interface PhotoRun {
  /** Rounds whose photos are all gone now. */
  rounds: number
  photos: number
  failedFiles: number
  /** Rounds that failed in this run (the next one retries them). */
  failedRounds: number
}

/** Delete the kit photos of rounds past their period, oldest due first, until done or the budget is spent. */
export async function deleteDuePhotos(budget: Budget, now = nowMs()): Promise<PhotoRun> {
  const run: PhotoRun = { rounds: 0, photos: 0, failedFiles: 0, failedRounds: 0 }
  run.failedRounds = await eachDueRound(
    'photos',
    'photosDeletedAt',
    (r) => r.photoDays,
    budget,
    now,
    async (round) => {
      for (;;) {
        if (budget.spent) return false
        const chains = await pendingChains(round._id, 'photosDeletedAt')
        if (chains.length === 0) {
          await data.update('rounds', round._id, { photosDeletedAt: new Date(now) })
          run.rounds++
          return true
        }
        for (const chain of chains) {
          const done = await deleteChainPhotos(chain._id)
          run.photos += done.photos
          run.failedFiles += done.failedFiles
        }
      }
    },
  )
  return run
}

export interface ReduceRun {
  /** Rounds reduced to counts now (their reminder logs gone too). */
  rounds: number
  chains: number
  photos: number
  failedFiles: number
  /** Rounds that failed in this run (the next one retries them). */
  failedRounds: number
}

/** Reduce the rounds past their result period to counts, oldest due first, until done or the budget is spent. */
export async function reduceDueResults(budget: Budget, now = nowMs()): Promise<ReduceRun> {
  const run: ReduceRun = { rounds: 0, chains: 0, photos: 0, failedFiles: 0, failedRounds: 0 }
  run.failedRounds = await eachDueRound(
    'reduce',
    'resultsReducedAt',
    (r) => r.resultDays,
    budget,
    now,
    async (round) => {
      for (;;) {
        if (budget.spent) return false
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
          return true
        }
        for (const chain of chains) {
          const done = await reduceChain(chain._id)
          run.chains++
          run.photos += done.photos
          run.failedFiles += done.failedFiles
        }
      }
    },
  )
  return run
}

/** Rounds dated per run by `dateClosedRounds`. */
export const UNDATED_BATCH = 100

/**
 * Closed rounds without `closedAt` (closed before every closing recorded it) would never be due: date them by their
 * deadline (or now, if that is still ahead), so their periods run like every other round's.
 */
export async function dateClosedRounds(now = nowMs()): Promise<number> {
  const undated = await data.find<Pick<RoundDoc, '_id' | 'deadline'>>(
    'rounds',
    { status: 'closed', closedAt: data._.exists(false) },
    { limit: UNDATED_BATCH, fields: { deadline: true } },
  )
  for (const r of undated)
    await data.update('rounds', r._id, { closedAt: new Date(Math.min(new Date(r.deadline).getTime(), now)) })
  return undated.length
}

/** Close the open rounds (and their chains) of a community, as of `at`. */
export async function closeCommunityRounds(communityId: string, at: Date): Promise<number> {
  const open = await data.find<{ _id: string }>(
    'rounds',
    { communityId, status: 'open' },
    { limit: 1000, fields: { _id: true } },
  )
  for (const r of open) await closeRoundDocs(r._id, at, 2000)
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
