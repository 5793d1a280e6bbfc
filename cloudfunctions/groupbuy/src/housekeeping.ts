// The groupbuy function's timer (every 5 minutes, 60 s limit): send the push queue's leftovers first (a drain kick
// that failed), number the orders a failed sequencer kick left waiting, tell whoever a createBuy that stopped
// half-way did not (开团预告), mark scheduled sales open at their opening time, and close every sale and drop past
// its deadline (or finish a close whose holder died). Each step is bounded and idempotent: what a run leaves, the
// next one finishes.
import type { BuyDoc } from '../../../server/groupbuy/model'
import { nowDate, nowMs } from '../../../server/kernel'
import { Budget, steps } from '../../../server/platform/budget'
import { data } from '../../../server/platform/cloud'
import { drainStep } from '../../../server/platform/pushqueue'
import { sequenceWaitingBuys } from '../../../server/groupbuy/sequencer'
import { announceBuy, closeBuyDocs } from '../../../server/groupbuy/buys'
import { groupBuyRetention } from '../../../server/groupbuy/retention'

/** Of the function's 60 s timeout (config.json), how long a run keeps starting work. */
export const RUN_BUDGET_MS = 40_000
/** Of the run's budget, what the push queue's safety-net drain may take first. */
export const PUSH_BUDGET_MS = 10_000
/** Of the run's budget, what merging orders a failed kick left waiting may take. */
export const SEQUENCE_BUDGET_MS = 8_000
/** A createBuy still under way is left alone this long before the timer sends its notices for it. */
export const ANNOUNCE_GRACE_MS = 60_000

/** Scheduled buys whose opening time has come are open. */
export async function openDueBuys(now = nowDate()): Promise<number> {
  return data.updateWhere('buys', { status: 'scheduled', opensAt: data._.lte(now) }, { status: 'open', updatedAt: now })
}

/** Buys a createBuy made but did not get to announce (it stopped between the two): announced now. */
export async function announceMissed(budget: Budget, now = nowMs()): Promise<number> {
  const missed = await data.find<BuyDoc>(
    'buys',
    {
      status: data._.in(['scheduled', 'open']),
      announcedAt: data._.exists(false),
      createdAt: data._.lt(new Date(now - ANNOUNCE_GRACE_MS)),
    },
    { limit: 20, orderBy: [['createdAt', 'asc']] },
  )
  let n = 0
  for (const b of missed) {
    if (budget.spent) break
    await announceBuy(b)
    n++
  }
  return n
}

/**
 * Close the buys past their deadline, earliest first, each at its deadline (an order placed before it is in the
 * lists); and finish the closes whose holder died (their lease ran out). A close someone else holds is left to them.
 */
export async function closeDueBuys(
  budget: Budget,
  now = nowDate(),
): Promise<{ closed: number; failed: number; cancelled: number }> {
  const out = { closed: 0, failed: 0, cancelled: 0 }
  const due = await data.find<Pick<BuyDoc, '_id' | 'closesAt'>>(
    'buys',
    data._.or([
      { status: data._.in(['scheduled', 'open']), closesAt: data._.lt(now) },
      { status: 'closing', 'closing.until': data._.lt(now) },
    ]),
    { limit: 50, orderBy: [['closesAt', 'asc']], fields: { _id: true, closesAt: true } },
  )
  for (const b of due) {
    if (budget.spent) break
    try {
      const r = await closeBuyDocs(b._id, { to: 'close', by: 'timer', cut: new Date(b.closesAt) }, 0)
      if (
        r.state === 'done' &&
        (r.buy.status === 'closed' || r.buy.status === 'failed' || r.buy.status === 'cancelled')
      )
        out[r.buy.status]++
    } catch (err) {
      // One buy that cannot close now (its orders still being numbered) must not hold up the others.
      console.error(`[groupbuy.housekeeping] closing ${b._id} failed; the next run tries again`, err)
    }
  }
  return out
}

export async function housekeeping() {
  const budget = new Budget(RUN_BUDGET_MS)
  return steps('groupbuy.housekeeping', {
    // First: notices are what people wait for.
    pushes: () => drainStep(PUSH_BUDGET_MS),
    // Orders a failed kick left waiting: numbered before anything closes.
    sequenced: () => sequenceWaitingBuys(SEQUENCE_BUDGET_MS),
    announced: () => announceMissed(budget),
    opened: () => openDueBuys(),
    closed: () => closeDueBuys(budget),
    // Orders' personal fields past their period, rejected applications' photos (server/groupbuy/retention.ts).
    retention: () => groupBuyRetention(budget),
  })
}
