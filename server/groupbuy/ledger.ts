// Pure rules of a buy's order ledger (server/groupbuy/model.ts BuyLedgerDoc): what an order asks of the buy's items
// (pack sizes, the per-household limit, the stock left), whether the sale takes orders at a moment, and how the
// buy's order sequencer applies waiting intents to the ledger in the order they were made: a new order takes the
// next 接龙号, an edit keeps its number and moves the stock by its difference, a cancel keeps its number and gives
// its stock back, and what would oversell, exceed the limit or come after the deadline is refused. No database, no
// SDK: placeOrder checks with the same functions before it writes, and the sequencer is the authority.
import type { ErrorCode, OrderLineInput } from '../../typings/api'
import type { BuyDoc, BuyItemDoc, BuyLedgerDoc, LedgerOrder, OrderDoc, OrderIntakeDoc, OrderLineDoc } from './model'
import { DEFAULT_MESSAGES } from '../kernel/errors'
import { packWord } from './lists'

/** Largest quantity of one line (units): beyond it is a typo, not an order. */
export const MAX_QTY = 100_000

/** The facts of a buy the rules read. */
export type BuyFacts = Pick<BuyDoc, 'status' | 'opensAt' | 'closesAt' | 'closedAt'> & {
  items: readonly Pick<BuyItemDoc, 'id' | 'name' | 'spec' | 'unit' | 'packSize' | 'price' | 'limit'>[]
}

export type LedgerState = Pick<BuyLedgerDoc, 'remaining' | 'sold' | 'nextNo' | 'orders' | 'active' | 'total'>

/** Why an order is not taken: a stable code and the message a person reads. */
export interface Problem {
  code: ErrorCode
  message: string
  itemId?: string
}

/** Units per itemId, zero lines left out. */
export type Quantities = Record<string, number>

export const quantities = (lines: readonly (OrderLineInput | OrderLineDoc)[]): Quantities =>
  Object.fromEntries(lines.filter((l) => l.qty > 0).map((l) => [l.itemId, l.qty]))

const ms = (d: Date | string | undefined) => (d === undefined ? undefined : new Date(d).getTime())

/**
 * When the sale stops taking orders: its deadline, or the cut of a close or cancellation begun earlier (the
 * ledger's `closedAt`, or the buy's).
 */
export function deadlineOf(buy: Pick<BuyDoc, 'closesAt' | 'closedAt'>, cut?: Date | string): number {
  return Math.min(ms(buy.closesAt) as number, ms(cut) ?? Infinity, ms(buy.closedAt) ?? Infinity)
}

/**
 * Whether an order (or cancellation) made at `at` is taken, and the problem when it is not. With a cut (a close or
 * cancellation begun), what was made at or before it is still taken, whatever the status has become since; without
 * one, only a sale that is scheduled or open takes orders.
 */
export function saleProblem(
  buy: Pick<BuyDoc, 'status' | 'opensAt' | 'closesAt' | 'closedAt'>,
  at: number,
  cut?: Date | string,
): Problem | null {
  const hasCut = cut !== undefined || buy.closedAt !== undefined
  if (!hasCut && buy.status === 'cancelled') return { code: 'BUY_CLOSED', message: '这个团购已取消' }
  if (!hasCut && buy.status === 'failed') return { code: 'BUY_CLOSED', message: '这个团购未成团，已经结束' }
  if (!hasCut && (buy.status === 'closed' || buy.status === 'closing'))
    return { code: 'BUY_CLOSED', message: '这个团购已经截单' }
  if (at > deadlineOf(buy, cut)) return { code: 'BUY_CLOSED', message: '这个团购已经截单，不能再下单或修改' }
  if (at < (ms(buy.opensAt) as number)) return { code: 'BUY_NOT_OPEN', message: DEFAULT_MESSAGES.BUY_NOT_OPEN }
  return null
}

/** Whether the sale takes orders now (what placeOrder checks, and the order view's `editable`). */
export function orderProblemNow(
  buy: Pick<BuyDoc, 'status' | 'opensAt' | 'closesAt' | 'closedAt'>,
  now: number,
  cut?: Date | string,
): Problem | null {
  if (buy.status !== 'open' && buy.status !== 'scheduled') {
    const msg =
      buy.status === 'cancelled'
        ? '这个团购已取消'
        : buy.status === 'failed'
          ? '这个团购未成团，已经结束'
          : '这个团购已经截单'
    return { code: 'BUY_CLOSED', message: msg }
  }
  if (cut !== undefined && now > (ms(cut) as number)) return { code: 'BUY_CLOSED', message: '这个团购已经截单' }
  return saleProblem(buy, now, cut)
}

export const saleOpen = (buy: Pick<BuyDoc, 'status' | 'opensAt' | 'closesAt' | 'closedAt'>, now: number) =>
  orderProblemNow(buy, now) === null

// What a pack is called (「30个/箱」 → 箱): one reading for the order messages and the printed lists.
export { packWord } from './lists'

/** 「60 个」, with the packs when sold by the pack: 「60 个（2 箱）」. */
export function unitsText(item: Pick<BuyItemDoc, 'spec' | 'unit' | 'packSize'>, units: number): string {
  const base = `${units} ${item.unit}`
  return item.packSize > 1 && units % item.packSize === 0 && units > 0
    ? `${base}（${units / item.packSize} ${packWord(item)}）`
    : base
}

/** 「鸡蛋 按箱卖，每箱 30 个」 */
export const packMessage = (item: Pick<BuyItemDoc, 'name' | 'spec' | 'unit' | 'packSize'>) => {
  const w = packWord(item)
  return `${item.name} 按${w}卖，每${w} ${item.packSize} ${item.unit}，请填 ${item.packSize} 的倍数`
}

export const soldOutMessage = (item: Pick<BuyItemDoc, 'name' | 'spec' | 'unit' | 'packSize'>, remaining: number) =>
  remaining > 0 ? `${item.name} 只剩 ${unitsText(item, remaining)}` : `${item.name} 已售罄`

/**
 * What is wrong with an order's quantities on this buy, given the household's active order (`previous`, units per
 * item) and the stock left: an item not of this buy, a quantity off its pack size, over the per-household limit, or
 * more than is left. Only what grows is held to the limit and the stock (an edit that lowers a line always fits).
 */
export function linesProblem(
  buy: BuyFacts,
  q: Quantities,
  previous: Quantities | undefined,
  remaining: Record<string, number>,
): Problem | null {
  const items = new Map(buy.items.map((i) => [i.id, i]))
  for (const [itemId, qty] of Object.entries(q)) {
    const item = items.get(itemId)
    if (!item) return { code: 'ITEM_NOT_FOUND', itemId, message: DEFAULT_MESSAGES.ITEM_NOT_FOUND }
    if (!Number.isInteger(qty) || qty < 0 || qty > MAX_QTY)
      return { code: 'INVALID_INPUT', itemId, message: `${item.name} 的数量不对` }
    if (qty % item.packSize !== 0) return { code: 'PACK_SIZE', itemId, message: packMessage(item) }
  }
  for (const [itemId, qty] of Object.entries(q)) {
    const item = items.get(itemId) as BuyFacts['items'][number]
    const before = previous?.[itemId] ?? 0
    if (qty <= before) continue
    if (item.limit !== undefined && qty > item.limit)
      return { code: 'OVER_LIMIT', itemId, message: `${item.name} 每户限购 ${unitsText(item, item.limit)}` }
    // An item without stock in the ledger is not limited by stock (a sale's item offered without a number).
    const left = remaining[itemId]
    if (left !== undefined && qty - before > left)
      return { code: 'SOLD_OUT', itemId, message: soldOutMessage(item, left + before) }
  }
  return null
}

/** An order's amount in 分. */
export function amountOf(q: Quantities, items: BuyFacts['items']): number {
  const price = new Map(items.map((i) => [i.id, i.price]))
  return Object.entries(q).reduce((sum, [itemId, qty]) => sum + qty * (price.get(itemId) ?? 0), 0)
}

/** A household's intent as the sequencer applies it. */
export interface Intent {
  householdId: string
  lines: readonly OrderLineDoc[]
  cancel: boolean
  at: Date | string
  nonce: string
}

/**
 * What applying one intent did. `repeat`: its nonce was applied before (a merge repeated after a crash), nothing
 * changed. `placed` / `edited` / `cancelled`: it took effect. `refused`: the ledger keeps what it had (or a refused
 * order with no number), with the refusal.
 */
export type Change = 'placed' | 'edited' | 'cancelled' | 'refused' | 'repeat'

export interface Outcome {
  householdId: string
  nonce: string
  change: Change
  /** The household's order in the ledger after the intent. */
  order: LedgerOrder
}

export interface Applied {
  /** The ledger as the intents left it. */
  state: LedgerState
  outcomes: Outcome[]
  /**
   * Fields to set in one update: the items' stock and sales, nextNo, active, total, and each touched household's
   * order (`orders.<householdId>`, a whole LedgerOrder the caller writes as a replacement).
   */
  set: Record<string, unknown>
}

const activeQ = (o: LedgerOrder | undefined): Quantities | undefined => (o?.st === 'a' ? o.q : undefined)

/**
 * Apply waiting intents to the ledger in the order given (the order they were made), each on the ledger as the ones
 * before it left it. Stock never goes below zero, numbers are given once each from nextNo, and an intent whose
 * nonce the ledger already holds for its household is skipped.
 */
export function applyIntents(
  ledger: LedgerState & { closedAt?: Date | string },
  buy: BuyFacts,
  intents: readonly Intent[],
): Applied {
  const state: LedgerState = {
    remaining: { ...ledger.remaining },
    sold: { ...ledger.sold },
    nextNo: ledger.nextNo,
    orders: { ...ledger.orders },
    active: ledger.active,
    total: ledger.total,
  }
  const outcomes: Outcome[] = []
  const touchedItems = new Set<string>()
  const touched = new Set<string>()
  const move = (q: Quantities | undefined, sign: 1 | -1) => {
    for (const [itemId, qty] of Object.entries(q ?? {})) {
      const left = state.remaining[itemId]
      if (left !== undefined) state.remaining[itemId] = left - sign * qty
      state.sold[itemId] = (state.sold[itemId] ?? 0) + sign * qty
      touchedItems.add(itemId)
    }
  }
  for (const intent of intents) {
    const prev = state.orders[intent.householdId]
    if (prev?.n === intent.nonce) {
      outcomes.push({ householdId: intent.householdId, nonce: intent.nonce, change: 'repeat', order: prev })
      continue
    }
    const before = activeQ(prev)
    const refuse = (p: Problem): LedgerOrder => {
      const refusal = { ...(p.itemId ? { itemId: p.itemId } : {}), message: p.message }
      // The order as it was (active or cancelled, with its number), or a refused one that never had a number.
      return prev && prev.st !== 'r'
        ? { ...prev, n: intent.nonce, refusal }
        : { q: quantities(intent.lines), st: 'r', n: intent.nonce, refusal }
    }
    let order: LedgerOrder
    let change: Change
    const closed = saleProblem(buy, new Date(intent.at).getTime(), ledger.closedAt)
    if (closed) {
      order = refuse(closed)
      change = 'refused'
    } else if (intent.cancel) {
      move(before, -1)
      if (before) {
        state.active -= 1
        state.total -= amountOf(before, buy.items)
      }
      // It keeps its number (and its lines, to show what was cancelled); a cancel of an order that never took is
      // a cancelled order without a number.
      order = {
        ...(prev?.no !== undefined ? { no: prev.no } : {}),
        q: prev?.st === 'r' ? {} : (prev?.q ?? {}),
        st: 'c',
        n: intent.nonce,
      }
      change = 'cancelled'
    } else {
      const q = quantities(intent.lines)
      const problem =
        Object.keys(q).length === 0
          ? { code: 'INVALID_INPUT' as const, message: '没有选择任何商品' }
          : linesProblem(buy, q, before, state.remaining)
      if (problem) {
        order = refuse(problem)
        change = 'refused'
      } else {
        move(before, -1)
        move(q, 1)
        state.total += amountOf(q, buy.items) - (before ? amountOf(before, buy.items) : 0)
        if (!before) state.active += 1
        const no = prev?.no ?? state.nextNo++
        order = { no, q, st: 'a', n: intent.nonce }
        change = prev && prev.st !== 'r' ? 'edited' : 'placed'
      }
    }
    state.orders[intent.householdId] = order
    touched.add(intent.householdId)
    outcomes.push({ householdId: intent.householdId, nonce: intent.nonce, change, order })
  }
  const set: Record<string, unknown> = {}
  for (const itemId of touchedItems) {
    if (state.remaining[itemId] !== undefined) set[`remaining.${itemId}`] = state.remaining[itemId]
    set[`sold.${itemId}`] = state.sold[itemId]
  }
  for (const h of touched) set[`orders.${h}`] = state.orders[h]
  if (touched.size) Object.assign(set, { nextNo: state.nextNo, active: state.active, total: state.total })
  return { state, outcomes, set }
}

/** 「土豆 2袋、鸡蛋 1箱」: an order's lines in the buy's item order, by the pack when sold by the pack. */
export function linesSummary(
  items: readonly Pick<BuyItemDoc, 'id' | 'name' | 'spec' | 'unit' | 'packSize'>[],
  q: Quantities,
): string {
  return items
    .flatMap((i) => {
      const qty = q[i.id]
      if (!qty) return []
      return [
        i.packSize > 1 && qty % i.packSize === 0
          ? `${i.name} ${qty / i.packSize}${packWord(i)}`
          : `${i.name} ${qty}${i.unit}`,
      ]
    })
    .join('、')
}

/** An order's lines with the item facts of the buy, in the buy's item order. */
export function orderLines(buy: Pick<BuyFacts, 'items'>, q: Record<string, number>): OrderDoc['lines'] {
  return buy.items.flatMap((i) =>
    q[i.id]
      ? [
          {
            itemId: i.id,
            qty: q[i.id] as number,
            name: i.name,
            spec: i.spec,
            unit: i.unit,
            packSize: i.packSize,
            price: i.price,
          },
        ]
      : [],
  )
}

/** The requestIds an order keeps: a retry of one of them answers the order as it stands. */
export const KEEP_REQUEST_IDS = 10

const STATUS_OF = { a: 'active', c: 'cancelled', r: 'refused' } as const

/**
 * The order document after an intent's outcome (what the ledger now holds for the household), from the one before
 * (null: the first): a placement or edit takes the intent's lines, note and orderer; a cancel keeps the lines it
 * cancelled and who placed them; a refusal keeps the order as it was and says why (a first order refused keeps the
 * lines asked for, without a number). The payment is never touched here.
 */
export function nextOrderDoc(
  buy: Pick<BuyFacts, 'items'>,
  intent: OrderIntakeDoc,
  order: LedgerOrder,
  previous: OrderDoc | null | undefined,
  now: Date,
): OrderDoc {
  const requestIds = [...(previous?.requestIds ?? []).filter((r) => r !== intent.requestId), intent.requestId].slice(
    -KEEP_REQUEST_IDS,
  )
  const base: OrderDoc = previous
    ? { ...previous }
    : {
        _id: intent._id,
        buyId: intent.buyId,
        communityId: intent.communityId,
        groupId: intent.groupId,
        buildingId: intent.buildingId,
        householdId: intent.householdId,
        room: intent.room,
        floor: intent.floor,
        label: intent.label,
        status: STATUS_OF[order.st],
        lines: [],
        total: 0,
        by: intent.by,
        byName: intent.byName,
        proxy: intent.proxy,
        notify: intent.notify,
        placedAt: new Date(intent.at),
        updatedAt: now,
        nonce: intent.nonce,
        requestIds,
        payment: { status: 'unpaid', paid: 0, refunds: [] },
      }
  const doc: OrderDoc = { ...base, status: STATUS_OF[order.st], nonce: intent.nonce, requestIds, updatedAt: now }
  if (order.no !== undefined) doc.no = order.no
  else delete doc.no
  delete doc.refusal
  if (order.refusal) doc.refusal = order.refusal
  // A change that took, or a first order (refused or not): the lines, note and orderer of the intent.
  const takesIntent = (!order.refusal && !intent.cancel) || !previous
  if (takesIntent) {
    const lines = orderLines(buy, order.q)
    Object.assign(doc, {
      lines,
      total: amountOf(order.q, buy.items),
      by: intent.by,
      byName: intent.byName,
      proxy: intent.proxy,
      notify: intent.notify,
      label: intent.label,
    })
    delete doc.note
    if (intent.note && !intent.cancel) doc.note = intent.note
    // A household whose earlier orders never took: its order is placed now.
    if (previous && previous.status === 'refused' && previous.no === undefined) doc.placedAt = new Date(intent.at)
  }
  return doc
}
