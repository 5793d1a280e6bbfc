// The order sequencer of a buy: merges the households' waiting order intents (`orderIntake`) into the buy's ledger
// (`buyLedgers`) in the order they were made, giving new orders the next 接龙号, taking and giving back stock, and
// refusing what would oversell, exceed a limit or come after the deadline, in one compare-and-set on the ledger for
// many orders; then it writes the orders themselves and removes what it merged. placeOrder and cancelOrder write
// only the household's intent and kick it, so 500 households ordering the last 200 cases at once never contend with
// each other; one sequencer at a time holds a buy (a lease on its ledger), and a kick that finds it held leaves the
// work to the holder, who looks again before it lets go. Kicked merges run in the `sequencer` function
// (cloudfunctions/sequencer) beside the antigen chains'; what a failed kick left, the groupbuy function's timer
// (`sequenceWaitingBuys`) and a close (`settleBuy`) merge. The antigen chain sequencer (server/antigen/sequencer.ts)
// is the model; docs/groupbuy.md, "Ordering", says why.
import { randomBytes } from 'node:crypto'
import type { OrderStatus } from '../../typings/api'
import type { BuyDoc, BuyLedgerDoc, LedgerOrder, OrderDoc, OrderIntakeDoc } from './model'
import { AppError, nowDate, nowMs } from '../kernel'
import { Budget } from '../platform/budget'
import { cloud, data } from '../platform/cloud'
import { enqueue, kick as kickPushes, type PushMessage } from '../platform/pushqueue'
import { TEMPLATES } from '../templates'
import { applyIntents, linesSummary, nextOrderDoc, type Outcome } from './ledger'
import { orderId } from './ids'

/** The internal action of a kicked order sequencer; in no contract, refused to every client. */
export const SEQUENCE_BUY_ACTION = 'sequenceBuy'
/** A sequencer that died lets go of its buy after this (longer than a merge, shorter than a user's patience). */
export const BUY_LEASE_MS = 20_000
/** Intents merged in one ledger update. */
export const ORDER_BATCH = 200
/** The function that runs kicked sequencers: its own instances, so its invocations never queue behind orders. */
export const SEQUENCER_FUNCTION = 'sequencer'
/** How long an order call waits for the sequencer it kicked (see SEQ_WAIT_MS of the antigen sequencer). */
export const ORDER_SEQ_WAIT_MS = 300
/** An intent waiting longer than this lost its kick: the timer merges it, and reading the order kicks again. */
export const STALE_INTENT_MS = 5_000
/** Orders written at once after a merge (one round trip each for those that already exist). */
const WRITE_WIDTH = 20

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export const ORDER_STATUS: Record<LedgerOrder['st'], OrderStatus> = { a: 'active', c: 'cancelled', r: 'refused' }

/** What a household's intent came to, as the kicking call answers it. */
export interface MergedOrder {
  nonce: string
  status: OrderStatus
  /** The household's order in the ledger after it (the call builds its answer from it). */
  order: LedgerOrder
}

export interface BuySequenceResult {
  /** Intents merged (applied, refused or found applied before). */
  merged: number
  /** What the intents merged by this invocation came to, by household. */
  orders: Record<string, MergedOrder>
  /** Another sequencer holds the buy: it merges what is waiting. */
  busy?: boolean
  /** The budget ran out with intents still waiting (a successor is kicked). */
  more?: boolean
}

const merged = (o: Outcome): MergedOrder => ({ nonce: o.nonce, status: ORDER_STATUS[o.order.st], order: o.order })

/** Fields of an order document the sequencer never writes on an existing one (the payment is payments.ts'). */
const KEPT = new Set(['_id', 'buyId', 'communityId', 'householdId', 'payment', 'importId'])
/** Optional fields that go when the next document lacks them. */
const OPTIONAL = ['no', 'refusal', 'note'] as const

/** The update that turns the stored order into the next one (arrays and objects replaced whole). */
function orderUpdate(next: OrderDoc): Record<string, unknown> {
  const update: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(next)) {
    if (KEPT.has(k) || v === undefined) continue
    update[k] = v !== null && typeof v === 'object' && !(v instanceof Date) ? data._.set(v) : v
  }
  for (const k of OPTIONAL) if (next[k] === undefined) update[k] = data._.remove()
  return update
}

/** Runs `work` over `items` with at most `width` at a time. */
async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await work(items[i] as T)
    }),
  )
}

/** Write the orders of a merged batch: new ones in one insert, changed ones one update each; unchanged ones not. */
async function writeOrders(buy: BuyDoc, batch: { intent: OrderIntakeDoc; order: LedgerOrder }[]): Promise<void> {
  const existing = await data.byIds<OrderDoc>(
    'orders',
    batch.map((b) => b.intent._id),
  )
  const now = nowDate()
  const creates: OrderDoc[] = []
  const updates: OrderDoc[] = []
  for (const b of batch) {
    const doc = existing.get(b.intent._id)
    if (doc?.nonce === b.intent.nonce) continue
    const next = nextOrderDoc(buy, b.intent, b.order, doc, now)
    if (doc) updates.push(next)
    else creates.push(next)
  }
  if (creates.length) {
    const inserted = await data.insertNew('orders', creates)
    // Written meanwhile by a sequencer that died after it (its lease ran out): update those instead.
    if (inserted < creates.length) {
      const have = await data.byIds<OrderDoc>(
        'orders',
        creates.map((c) => c._id),
      )
      for (const b of batch) {
        const doc = have.get(b.intent._id)
        if (doc && doc.nonce !== b.intent.nonce && creates.some((c) => c._id === doc._id))
          updates.push(nextOrderDoc(buy, b.intent, b.order, doc, now))
      }
    }
  }
  await pool(updates, WRITE_WIDTH, async (next) => {
    await data.update('orders', next._id, orderUpdate(next))
  })
}

/** 代下单 notices to the household's other members, one per intent (its nonce in the purpose: never twice). */
function proxyNotices(buy: BuyDoc, batch: { intent: OrderIntakeDoc; outcome: Outcome }[]): PushMessage[] {
  const out: PushMessage[] = []
  for (const { intent, outcome } of batch) {
    if (!intent.proxy || outcome.order.refusal) continue
    const content = intent.cancel
      ? '订单已取消'
      : `${outcome.order.no !== undefined ? `接龙${outcome.order.no}号 ` : ''}${linesSummary(buy.items, outcome.order.q)}`
    for (const touser of intent.notify)
      if (touser !== intent.by)
        out.push({
          purpose: `groupbuy.orderForYou:${intent._id}:${intent.nonce}`,
          touser,
          templateId: TEMPLATES.orderForYou,
          page: `packageGroupbuy/pages/buy?id=${buy._id}`,
          fields: { thing1: buy.title, thing2: intent.label, name3: intent.byName || '代下单', thing4: content },
        })
  }
  return out
}

type Step = { done: true } | { done: false; merged: number }

/** One batch: read what waits, apply it to the ledger in one compare-and-set, write the orders, remove the intents. */
async function mergeOnce(buyId: string, token: string, out: BuySequenceResult): Promise<Step> {
  const waiting = await data.find<OrderIntakeDoc>(
    'orderIntake',
    { buyId },
    {
      limit: ORDER_BATCH,
      orderBy: [
        ['at', 'asc'],
        ['_id', 'asc'],
      ],
    },
  )
  if (waiting.length === 0) return { done: true }
  const [ledger, buy] = await Promise.all([
    data.get<BuyLedgerDoc>('buyLedgers', buyId),
    data.get<BuyDoc>('buys', buyId),
  ])
  if (ledger && buy) {
    const applied = applyIntents(ledger, buy, waiting)
    if (Object.keys(applied.set).length) {
      const set = Object.fromEntries(
        Object.entries(applied.set).map(([k, v]) => [k, k.startsWith('orders.') ? data._.set(v) : v]),
      )
      const won = await data.updateWhere(
        'buyLedgers',
        { _id: buyId, version: ledger.version, lease: token },
        { ...set, version: ledger.version + 1 },
      )
      if (won === 0) return { done: false, merged: 0 }
    }
    // The orders, from what the ledger now holds for each (also for intents applied by a sequencer that died
    // before it wrote them: a merge repeated after a crash finishes the job without applying anything twice).
    const batch = waiting.map((intent, i) => ({ intent, outcome: applied.outcomes[i] as Outcome }))
    await writeOrders(
      buy,
      batch.map((b) => ({ intent: b.intent, order: b.outcome.order })),
    )
    const notices = proxyNotices(buy, batch)
    if (notices.length) {
      const enqueued = await enqueue(notices)
      if (enqueued.queued) await kickPushes('groupbuy', enqueued, 1)
    }
    for (const b of batch) out.orders[b.intent.householdId] = merged(b.outcome)
  } else {
    console.warn(`[sequencer] buy ${buyId}: ${buy ? 'no ledger' : 'no such buy'}; ${waiting.length} intents dropped`)
  }
  // Remove what this batch merged, unless it was replaced meanwhile (a newer intent waits its turn).
  await data.removeWhere('orderIntake', data._.or(waiting.map((d) => ({ _id: d._id, nonce: d.nonce }))))
  return { done: false, merged: waiting.length }
}

/** Let go of the lease (retried: a lease left behind holds the buy until it runs out). */
async function release(buyId: string, token: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await data.updateWhere(
        'buyLedgers',
        { _id: buyId, lease: token },
        { lease: data._.remove(), leaseUntil: data._.remove() },
      )
      return
    } catch (err) {
      if (attempt >= 3) {
        console.error(`[sequencer] buy ${buyId}: lease not released; it runs out in ${BUY_LEASE_MS / 1000} s`, err)
        return
      }
      await sleep(50 * attempt)
    }
  }
}

const free = () => data._.or([{ leaseUntil: data._.exists(false) }, { leaseUntil: data._.lt(nowDate()) }])

/**
 * Merge a buy's waiting intents: take the ledger's lease (or leave it to whoever holds it), merge batch by batch
 * until nothing waits or the budget is spent, let go, and look once more (an intent written while letting go is
 * merged now rather than at the next kick).
 */
export async function sequenceBuy(buyId: string, budgetMs = 12_000): Promise<BuySequenceResult> {
  const budget = new Budget(budgetMs)
  const out: BuySequenceResult = { merged: 0, orders: {} }
  for (let pass = 0; pass < 5; pass++) {
    const token = randomBytes(12).toString('hex')
    const took = await data.updateWhere('buyLedgers', data._.and([{ _id: buyId }, free()]), {
      lease: token,
      leaseUntil: new Date(nowMs() + BUY_LEASE_MS),
    })
    if (took === 0) return pass === 0 ? { ...out, busy: true } : out
    try {
      // A lost update (addStock, or a lease taken over after running out) or a failed database call: read again
      // and redo, a few times.
      for (let setbacks = 0; !budget.spent && setbacks < 20;) {
        let step: Step
        try {
          step = await mergeOnce(buyId, token, out)
        } catch (err) {
          if (++setbacks >= 5) throw err
          console.warn(`[sequencer] buy ${buyId}: merge failed, trying again`, err)
          await sleep(50 * setbacks)
          continue
        }
        if (step.done) break
        if (step.merged === 0) setbacks++
        out.merged += step.merged
      }
    } finally {
      await release(buyId, token)
    }
    const left = await data.count('orderIntake', { buyId })
    if (left === 0) break
    if (budget.spent) return { ...out, more: true }
  }
  return out
}

/**
 * A buy whose lease cannot be taken because it has no ledger at all (a buy that was removed): nothing will ever merge
 * its intents, so they go. The slow paths (a close, the timer) ask, never a kicked sequencer on the burst path.
 */
async function dropOrphans(buyId: string): Promise<void> {
  if ((await data.count('buyLedgers', { _id: buyId })) > 0) return
  const gone = await data.removeWhere('orderIntake', { buyId })
  if (gone) console.warn(`[sequencer] buy ${buyId}: no ledger; ${gone} intents dropped`)
}

/**
 * Merge every intent of the buy waiting now, waiting out another holder's lease (a close calls it before it counts:
 * an order placed before the deadline is in the lists). Returns how many it merged and how many still wait when the
 * budget ran out (0 normally).
 */
export async function settleBuy(buyId: string, budgetMs = 25_000): Promise<{ merged: number; left: number }> {
  const budget = new Budget(budgetMs)
  let total = 0
  for (;;) {
    const r = await sequenceBuy(buyId, Math.max(1000, budgetMs / 2))
    total += r.merged
    const left = await data.count('orderIntake', { buyId })
    if (left === 0 || budget.spent) return { merged: total, left }
    if (r.busy) {
      await dropOrphans(buyId)
      await sleep(200)
    }
  }
}

/**
 * The timer's step: merge every buy with intents waiting longer than STALE_INTENT_MS (a kick that failed), oldest
 * first. Returns how many intents it merged.
 */
export async function sequenceWaitingBuys(budgetMs: number): Promise<number> {
  const budget = new Budget(budgetMs)
  const done = new Set<string>()
  const before = new Date(nowMs() - STALE_INTENT_MS)
  let total = 0
  for (;;) {
    if (budget.spent) return total
    const oldest = await data.find<Pick<OrderIntakeDoc, 'buyId'>>(
      'orderIntake',
      done.size ? { at: data._.lt(before), buyId: data._.nin([...done]) } : { at: data._.lt(before) },
      { limit: 100, orderBy: [['at', 'asc']], fields: { buyId: true } },
    )
    const buys = [...new Set(oldest.map((d) => d.buyId))]
    if (buys.length === 0) return total
    for (const b of buys) {
      if (budget.spent) return total
      done.add(b)
      const r = await sequenceBuy(b, Math.max(1000, budgetMs / 4))
      if (r.busy) await dropOrphans(b)
      total += r.merged
    }
  }
}

/**
 * More stock (updateBuy): one atomic increment of each item's stock left on the ledger, which moves its version, so
 * a merge computed on the ledger read before it is thrown away and redone on the new stock. With a requestId, the
 * same addition retried adds nothing (the ledger keeps the requestIds it applied). Refused once a close or
 * cancellation has begun (the ledger's cut). Returns the stock left of each item after, and whether this call added.
 */
export async function addStocks(
  buyId: string,
  adds: readonly { itemId: string; add: number }[],
  requestId?: string,
): Promise<{ added: boolean; remaining: Record<string, number> }> {
  for (const a of adds)
    if (!Number.isInteger(a.add) || a.add <= 0 || a.add > 1_000_000 || !ID.test(a.itemId))
      throw new AppError('INVALID_INPUT', '追加的库存应为正整数', 'addStock')
  // The same item twice in one call adds both.
  const sums = new Map<string, number>()
  for (const a of adds) sums.set(a.itemId, (sums.get(a.itemId) ?? 0) + a.add)
  const patch: Record<string, unknown> = { version: data._.inc(1) }
  for (const [itemId, add] of sums) patch[`remaining.${itemId}`] = data._.inc(add)
  if (requestId) patch.stockRequests = data._.push([requestId])
  const where: Record<string, unknown> = { _id: buyId, closedAt: data._.exists(false) }
  if (requestId) where.stockRequests = data._.neq(requestId)
  const changed = sums.size ? await data.updateWhere('buyLedgers', where, patch) : 0
  const [ledger] = await data.find<Pick<BuyLedgerDoc, 'remaining' | 'closedAt' | 'stockRequests'>>(
    'buyLedgers',
    { _id: buyId },
    { limit: 1, fields: { remaining: true, closedAt: true, stockRequests: true } },
  )
  if (!ledger) throw new AppError('NOT_FOUND', '找不到这个团购')
  if (changed === 0 && sums.size && !(requestId && ledger.stockRequests?.includes(requestId)))
    throw new AppError('BUY_CLOSED', '这个团购已经截单，不能再加库存')
  return { added: changed > 0, remaining: ledger.remaining ?? {} }
}

/** More stock of one item: addStocks for one line. Returns the item's stock left after. */
export async function addStock(buyId: string, itemId: string, add: number, requestId?: string): Promise<number> {
  const r = await addStocks(buyId, [{ itemId, add }], requestId)
  return r.remaining[itemId] ?? 0
}

/**
 * Start a sequencer for the buy and wait for it at most ORDER_SEQ_WAIT_MS: what the household's intent came to when
 * it answered in time, otherwise nothing (the page shows 排队中 and asks again). The kicked invocation shows the
 * nonce of the intent that kicked it.
 */
export async function kickBuySequencer(
  buyId: string,
  householdId: string,
  nonce: string,
): Promise<MergedOrder | undefined> {
  const call = (
    cloud.callFunction({
      name: SEQUENCER_FUNCTION,
      data: { action: SEQUENCE_BUY_ACTION, buyId, householdId, nonce },
    }) as Promise<{ result?: { ok?: boolean; data?: BuySequenceResult } }>
  )
    .then((r) => {
      const o = r.result?.data?.orders?.[householdId]
      return o?.nonce === nonce ? o : undefined
    })
    .catch((err: unknown) => {
      console.error('[groupbuy] order sequencer kick failed; the timer will merge', err)
      return undefined
    })
  return Promise.race([call, sleep(ORDER_SEQ_WAIT_MS).then(() => undefined)])
}

interface SequenceBuyEvent {
  action: typeof SEQUENCE_BUY_ACTION
  buyId?: unknown
  householdId?: unknown
  nonce?: unknown
}

const isSequenceBuyEvent = (event: unknown): event is SequenceBuyEvent =>
  typeof event === 'object' && event !== null && (event as { action?: unknown }).action === SEQUENCE_BUY_ACTION

const ID = /^[\w-]{1,80}$/

/**
 * Who may start an order sequencer: only a function (SOURCE ends in `scf`, which a client cannot set) naming an
 * intent that waits or was just merged: the intake document with that nonce, or the ledger order applied from it.
 */
async function maySequenceBuy(event: SequenceBuyEvent, source: string | undefined): Promise<boolean> {
  const chain = (source ?? '').split(',')
  if (chain.length < 2 || chain[chain.length - 1] !== 'scf') return false
  const { buyId, householdId, nonce } = event
  if (typeof buyId !== 'string' || typeof householdId !== 'string' || typeof nonce !== 'string') return false
  if (!/^[0-9a-f]{24}$/.test(nonce) || !ID.test(householdId) || !ID.test(buyId)) return false
  if ((await data.count('orderIntake', { _id: orderId(buyId, householdId), nonce, buyId })) > 0) return true
  return (await data.count('buyLedgers', { _id: buyId, [`orders.${householdId}.n`]: nonce })) > 0
}

/** Wraps a function's `main`: kicked order sequencers are handled here, before the router; other events go on. */
export function withBuySequencer<E, R>(
  main: (event: E) => Promise<R>,
  budgetMs: number,
): (event: E) => Promise<R | { ok: true; data: BuySequenceResult }> {
  return async (event: E) => {
    if (!isSequenceBuyEvent(event)) return main(event)
    if (!(await maySequenceBuy(event, cloud.getWXContext().SOURCE)))
      return new AppError('UNKNOWN_ACTION', undefined, 'action').toEnvelope() as R
    const buyId = event.buyId as string
    const out = await sequenceBuy(buyId, budgetMs)
    // Out of time with intents waiting (a long burst): hand the buy to a successor rather than to the timer.
    if (out.more) {
      const [next] = await data.find<OrderIntakeDoc>('orderIntake', { buyId }, { limit: 1, orderBy: [['at', 'asc']] })
      if (next) await kickBuySequencer(buyId, next.householdId, next.nonce)
    }
    return { ok: true, data: out }
  }
}
