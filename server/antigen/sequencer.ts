// The sequencer: merges a building's waiting submissions (`intake`) into its chain, giving first submissions the
// next numbers in the order they were made and moving the counters, in one compare-and-set update for many
// households. A submission writes only its own intake document and kicks the sequencer, so 300 households of one
// entrance submitting at once never contend with each other; one sequencer at a time holds a chain (a lease on the
// chain document), and a kick that finds it held leaves the work to the holder, who looks again before it lets go.
// Kicked merges run in the `sequencer` function (cloudfunctions/sequencer); what a failed kick left, every chain read
// of the antigen function and its timer merge. See docs/antigen.md, "Data".
import { randomBytes } from 'node:crypto'
import type { ChainDoc, IntakeDoc, MemberResultDoc } from './model'
import type { RoleDoc } from '../community/model'
import { AppError, formatShanghai, nowDate, nowMs } from '../kernel'
import { Budget } from '../platform/budget'
import { cloud, data } from '../platform/cloud'
import { enqueue, kick as kickPushes, type PushMessage } from '../platform/pushqueue'
import { trusted } from '../platform/grants'
import { householdLabel } from '../community/structure'
import { maskName } from '../community/mask'
import { TEMPLATES } from '../templates'
import { mergeEntries, toUpdate } from './rules'
import { photoRefs } from './erase'
import { openFollowUps } from './followups'
import { deleteFiles } from '../platform/deletions'

/** The internal action of a kicked sequencer; in no contract, refused to every client. */
export const SEQUENCE_ACTION = 'sequenceChain'
/** A sequencer that died lets go of its chain after this (longer than a merge, shorter than a user's patience). */
export const SEQ_LEASE_MS = 20_000
/** Submissions merged in one update. */
export const MERGE_BATCH = 200
/** The function that runs kicked sequencers (cloudfunctions/sequencer): its own instances, its own queue. */
export const SEQUENCER_FUNCTION = 'sequencer'
/**
 * How long a submission waits for the sequencer it kicked: long enough for the kick to leave (CloudBase freezes an
 * instance once its invocation returns) and for an idle chain's merge to answer with the number; a chain already
 * being merged answers at once (its holder merges this submission too).
 */
export const SEQ_WAIT_MS = 300

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export const intakeId = (roundId: string, householdId: string) => `${roundId}:${householdId}`

export interface SequenceResult {
  /** Submissions merged (or dropped: made after the round closed or before the household's data was erased). */
  merged: number
  /** Chain numbers of the households merged by this invocation. */
  numbers: Record<string, number>
  /** Another sequencer holds the chain: it merges what is waiting. */
  busy?: boolean
  /** The budget ran out with submissions still waiting (a successor is kicked). */
  more?: boolean
}

/**
 * A waiting submission as it may be merged: dropped (undefined) when made after the round closed, after the chain was
 * reduced, or before its household's data was erased; without a member who erased their data before it was merged.
 */
function admissible(chain: ChainDoc, doc: IntakeDoc): { doc?: IntakeDoc; why?: string } {
  const at = new Date(doc.at).getTime()
  if (chain.resultsReducedAt) return { why: 'reduced' }
  const closedAt = chain.closedAt ? new Date(chain.closedAt).getTime() : Infinity
  if (at > Math.min(closedAt, new Date(chain.deadline).getTime())) return { why: 'closed' }
  const mark = chain.erased?.[doc.householdId]
  if (!mark || at > new Date(mark.at).getTime()) return { doc }
  if (!mark.members) return { why: 'erased' }
  const members = doc.members.filter((m) => !mark.members?.includes(m.memberId))
  return members.length ? { doc: { ...doc, members }, why: 'member erased' } : { why: 'erased' }
}

/** The leads (and the committee) to tell, from the list the chain carries; old chains without it look them up. */
async function recipients(chain: ChainDoc, committee: boolean): Promise<string[]> {
  if (chain.notify) return [...new Set([...chain.notify.leads, ...(committee ? chain.notify.committee : [])])]
  const leads = {
    communityId: chain.communityId,
    role: data._.in(['buildingLead', 'floorLead']),
    'scope.buildingId': chain.buildingId,
  }
  const where = committee ? data._.or([leads, { communityId: chain.communityId, role: 'committee' }]) : leads
  return [...new Set(trusted(await data.find<RoleDoc>('roles', where, { limit: 100 })).map((p) => p.openid))]
}

type Step = { done: true } | { done: false; merged: number }

/** One batch: read what waits, merge it in one compare-and-set, tell whom it concerns, remove what was merged. */
async function mergeOnce(chainId: string, numbers: Record<string, number>): Promise<Step> {
  const waiting = await data.find<IntakeDoc>(
    'intake',
    { chainId },
    {
      limit: MERGE_BATCH,
      orderBy: [
        ['at', 'asc'],
        ['_id', 'asc'],
      ],
    },
  )
  if (waiting.length === 0) return { done: true }
  const chain = await data.get<ChainDoc>('chains', chainId)
  const merge: IntakeDoc[] = []
  const dropped: MemberResultDoc[] = []
  for (const doc of waiting) {
    if (chain?.entries[doc.householdId]?.nonce === doc.nonce) continue
    const ok = chain ? admissible(chain, doc) : { why: 'no chain' }
    if (ok.why) console.warn(`[sequencer] ${chainId}: a submission of ${doc.householdId}: ${ok.why}`)
    if (ok.doc) merge.push(ok.doc)
    // The photos of what is not merged go (a member's photo kept from the entry stays with the entry).
    const kept = new Set(
      [...(ok.doc?.members ?? []), ...(chain?.entries[doc.householdId]?.members ?? [])].map((m) => m.photo),
    )
    dropped.push(...doc.members.filter((m) => m.photo && !kept.has(m.photo)))
  }
  if (chain && merge.length) {
    const patch = mergeEntries(
      chain,
      merge.map((d) => ({
        householdId: d.householdId,
        room: d.room,
        ...(typeof d.floor === 'number' ? { floor: d.floor } : {}),
        updatedAt: new Date(d.at),
        at: new Date(d.at),
        by: d.by,
        proxy: d.proxy,
        members: d.members,
        nonce: d.nonce,
      })),
    )
    // The notices first (their ids come from the submissions, so a merge repeated after a lost update or a crash
    // tells nobody twice), then the update.
    const page = `packageAntigen/pages/chain?roundId=${chain.roundId}&buildingId=${chain.buildingId}`
    const messages: PushMessage[] = []
    const abnormal = patch.placed.filter((p) => p.becameAbnormal)
    if (abnormal.length) {
      const to = await recipients(chain, true)
      for (const p of abnormal)
        for (const touser of to)
          messages.push({
            purpose: `antigen.abnormal:${chain._id}:${p.entry.householdId}:${p.entry.nonce ?? ''}`,
            touser,
            templateId: TEMPLATES.abnormal,
            page,
            fields: {
              thing1: `${householdLabel(chain.buildingName, p.entry.room)} ${maskName(p.entry.members[0]?.name ?? '')}`,
              time2: formatShanghai(p.entry.updatedAt),
              thing3: '抗原异常，请尽快联系',
            },
          })
    }
    if (patch.reopened) {
      const first = patch.placed[0]?.entry
      for (const touser of await recipients(chain, false))
        messages.push({
          purpose: `antigen.reopened:${chain._id}:${chain.version}`,
          touser,
          templateId: TEMPLATES.reopened,
          page,
          fields: {
            thing1: chain.buildingName,
            thing2: `${householdLabel(chain.buildingName, first?.room ?? '')} 修改了结果`,
            time3: formatShanghai(first?.updatedAt ?? nowDate()),
          },
        })
    }
    const enqueued = messages.length ? await enqueue(messages) : { queued: 0 }
    if (abnormal.length)
      await openFollowUps(
        chain,
        abnormal.map((p) => p.entry),
      )
    const won = await data.updateWhere(
      'chains',
      { _id: chain._id, version: chain.version },
      toUpdate(patch.set, () => data._.remove()),
    )
    if (won === 0) return { done: false, merged: 0 }
    if (enqueued.queued) await kickPushes('antigen', enqueued, 1)
    for (const p of patch.placed) numbers[p.entry.householdId] = p.entry.no
  }
  // Merged before, by a sequencer that died before removing them: their numbers stand.
  for (const doc of waiting) {
    const entry = chain?.entries[doc.householdId]
    if (entry?.nonce === doc.nonce) numbers[doc.householdId] ??= entry.no
  }
  if (dropped.length && waiting[0]) await deleteFiles(photoRefs(waiting[0].communityId, dropped))
  // Remove what this batch merged or dropped, unless it was overwritten meanwhile (a resubmission waits its turn).
  await data.removeWhere('intake', data._.or(waiting.map((d) => ({ _id: d._id, nonce: d.nonce }))))
  return { done: false, merged: waiting.length }
}

/** Let go of the lease (retried: a lease left behind holds the chain until it runs out). */
async function release(chainId: string, token: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await data.updateWhere(
        'chains',
        { _id: chainId, seqToken: token },
        { seqLease: data._.remove(), seqToken: data._.remove() },
      )
      return
    } catch (err) {
      if (attempt >= 3) {
        console.error(`[sequencer] ${chainId}: lease not released; it runs out in ${SEQ_LEASE_MS / 1000} s`, err)
        return
      }
      await sleep(50 * attempt)
    }
  }
}

const free = () => data._.or([{ seqLease: data._.exists(false) }, { seqLease: data._.lt(nowDate()) }])

/**
 * Merge a chain's waiting submissions: take the chain's lease (or leave it to whoever holds it), merge batch by
 * batch until nothing waits or the budget is spent, let go, and look once more (a submission written while
 * letting go is merged now rather than at the next kick).
 */
export async function sequence(chainId: string, budgetMs = 15_000): Promise<SequenceResult> {
  const budget = new Budget(budgetMs)
  const out: SequenceResult = { merged: 0, numbers: {} }
  for (let pass = 0; pass < 5; pass++) {
    const token = randomBytes(12).toString('hex')
    const took = await data.updateWhere('chains', data._.and([{ _id: chainId }, free()]), {
      seqLease: new Date(nowMs() + SEQ_LEASE_MS),
      seqToken: token,
    })
    if (took === 0) return pass === 0 ? { ...out, busy: true } : out
    try {
      // A lost update (someone else wrote the chain) or a failed database call: read again and redo, a few times.
      for (let setbacks = 0; !budget.spent && setbacks < 20;) {
        let step: Step
        try {
          step = await mergeOnce(chainId, out.numbers)
        } catch (err) {
          if (++setbacks >= 5) throw err
          console.warn(`[sequencer] ${chainId}: merge failed, trying again`, err)
          await sleep(50 * setbacks)
          continue
        }
        if (step.done) break
        if (step.merged === 0) setbacks++
        out.merged += step.merged
      }
    } finally {
      await release(chainId, token)
    }
    const waiting = await data.count('intake', { chainId })
    if (waiting === 0) break
    if (budget.spent) return { ...out, more: true }
  }
  return out
}

/** The timer's step: merge every chain with submissions waiting (a kick that failed), oldest first. */
export async function sequenceWaiting(budgetMs: number, where: Record<string, unknown> = {}): Promise<number> {
  const budget = new Budget(budgetMs)
  const done = new Set<string>()
  let merged = 0
  for (;;) {
    if (budget.spent) return merged
    const oldest = await data.find<Pick<IntakeDoc, 'chainId'>>(
      'intake',
      done.size ? { ...where, chainId: data._.nin([...done]) } : where,
      { limit: 100, orderBy: [['at', 'asc']], fields: { chainId: true } },
    )
    const chains = [...new Set(oldest.map((d) => d.chainId))]
    if (chains.length === 0) return merged
    for (const c of chains) {
      if (budget.spent) return merged
      done.add(c)
      merged += (await sequence(c, Math.max(1000, budgetMs / 4))).merged
    }
  }
}

/**
 * Start a sequencer for the chain and wait for it at most SEQ_WAIT_MS: its numbers when it answered in time (a
 * first submission then learns its number at once), otherwise nothing, and the page shows the number when it
 * loads the chain. The kicked invocation shows the nonce of the submission that kicked it.
 */
export async function kickSequencer(chainId: string, householdId: string, nonce: string): Promise<number | undefined> {
  const call = (
    cloud.callFunction({
      name: SEQUENCER_FUNCTION,
      data: { action: SEQUENCE_ACTION, chainId, householdId, nonce },
    }) as Promise<{
      result?: { ok?: boolean; data?: SequenceResult }
    }>
  )
    .then((r) => r.result?.data?.numbers?.[householdId])
    .catch((err: unknown) => {
      console.error('[antigen] sequencer kick failed; the timer will merge', err)
      return undefined
    })
  return Promise.race([call, sleep(SEQ_WAIT_MS).then(() => undefined)])
}

interface SequenceEvent {
  action: typeof SEQUENCE_ACTION
  chainId?: unknown
  householdId?: unknown
  nonce?: unknown
}

const isSequenceEvent = (event: unknown): event is SequenceEvent =>
  typeof event === 'object' && event !== null && (event as { action?: unknown }).action === SEQUENCE_ACTION

/**
 * Who may start a sequencer: only a function (SOURCE ends in `scf`, which a client cannot set) naming a
 * submission that waits or was just merged: the intake document with that nonce, or the entry merged from it.
 */
async function maySequence(event: SequenceEvent, source: string | undefined): Promise<boolean> {
  const chain = (source ?? '').split(',')
  if (chain.length < 2 || chain[chain.length - 1] !== 'scf') return false
  const { chainId, householdId, nonce } = event
  if (typeof chainId !== 'string' || typeof householdId !== 'string' || typeof nonce !== 'string') return false
  if (!/^[0-9a-f]{24}$/.test(nonce) || !/^[\w-]{1,80}$/.test(householdId) || !/^[\w-]{1,80}:[\w-]{1,80}$/.test(chainId))
    return false
  const roundId = chainId.slice(0, chainId.indexOf(':'))
  if ((await data.count('intake', { _id: intakeId(roundId, householdId), nonce, chainId })) > 0) return true
  return (await data.count('chains', { _id: chainId, [`entries.${householdId}.nonce`]: nonce })) > 0
}

/** Wraps a function's `main`: kicked sequencers are handled here, before the router; every other event goes on. */
export function withSequencer<E, R>(
  main: (event: E) => Promise<R>,
  budgetMs: number,
): (event: E) => Promise<R | { ok: true; data: SequenceResult }> {
  return async (event: E) => {
    if (!isSequenceEvent(event)) return main(event)
    if (!(await maySequence(event, cloud.getWXContext().SOURCE)))
      return new AppError('UNKNOWN_ACTION', undefined, 'action').toEnvelope() as R
    const chainId = event.chainId as string
    const out = await sequence(chainId, budgetMs)
    // Out of time with submissions waiting (a long burst): hand the chain to a successor rather than to the timer.
    if (out.more) {
      const [next] = await data.find<IntakeDoc>('intake', { chainId }, { limit: 1, orderBy: [['at', 'asc']] })
      if (next) await kickSequencer(chainId, next.householdId, next.nonce)
    }
    return { ok: true, data: out }
  }
}

/**
 * Close a round: its chains first (a submission reading a chain from now on is refused, and the version moves so a
 * merge in flight reads the chain again), then what was submitted before the close is merged, then the round.
 * Every step is idempotent: a retry, or the timer after a crash, finishes a close that stopped half-way.
 */
export async function closeRoundDocs(roundId: string, closedAt: Date, mergeBudgetMs = 10_000): Promise<void> {
  await data.updateWhere(
    'chains',
    { roundId, status: data._.neq('closed') },
    { status: 'closed', closedAt, version: data._.inc(1) },
  )
  await sequenceWaiting(mergeBudgetMs, { roundId })
  await data.updateWhere('rounds', { _id: roundId, status: data._.neq('closed') }, { status: 'closed', closedAt })
}
