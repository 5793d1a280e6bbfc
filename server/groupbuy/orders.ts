// Orders as callers see them: the one OrderView builder (placeOrder, order, myOrders, the buy's page, payments),
// the payment view with what is due back, and who stands in which relation to a household's order: who may place
// it (a member, a 代管 family member, a lead of a 代管 household, the committee) and who may read it (those, the
// household's leads, the buy's organiser and merchant). Names go through the visibility policy's fields.
import type { BuyStatus, OrderLineView, OrderView, PaymentStatus, PaymentView, RoleGrant } from '../../typings/api'
import type { HouseholdDoc } from '../community/model'
import type { BuyDoc, OrderDoc, OrderIntakeDoc, PaymentDoc } from './model'
import { nowMs } from '../kernel'
import { scopeCovers } from '../kernel/permissions'
import { householdTarget, showName, type Fields, type HouseholdTarget } from '../platform/visibility'
import { orderLines, orderProblemNow } from './ledger'

const iso = (d: Date | string | undefined) => (d ? new Date(d).toISOString() : '')

export const emptyPayment = (): PaymentDoc => ({ status: 'unpaid', paid: 0, refunds: [] })

/** The payment's status from what was paid and refunded. */
export function paymentStatus(paid: number, refunded: number): PaymentStatus {
  if (paid <= 0) return 'unpaid'
  if (refunded <= 0) return 'paid'
  return refunded >= paid ? 'refunded' : 'partRefunded'
}

export const refundedOf = (p: Pick<PaymentDoc, 'refunds'>) => p.refunds.reduce((s, r) => s + r.amount, 0)

/**
 * What is due back: paid, less refunded, less what the household still owes for its active order (nothing when the
 * order was cancelled or refused, or the buy failed or was cancelled).
 */
export function refundDue(
  payment: Pick<PaymentDoc, 'paid' | 'refunds'>,
  order: Pick<OrderDoc, 'status' | 'total'>,
  buy: Pick<BuyDoc, 'status'>,
): number {
  const keeps = order.status === 'active' && buy.status !== 'failed' && buy.status !== 'cancelled' ? order.total : 0
  return Math.max(0, payment.paid - refundedOf(payment) - keeps)
}

export function paymentView(
  payment: PaymentDoc,
  order: Pick<OrderDoc, 'status' | 'total'>,
  buy: Pick<BuyDoc, 'status'>,
): PaymentView {
  const view: PaymentView = {
    status: payment.status,
    paid: payment.paid,
    refunds: payment.refunds.map((r) => ({
      amount: r.amount,
      reason: r.reason,
      at: iso(r.at),
      byName: r.byName,
    })),
    refundDue: refundDue(payment, order, buy),
  }
  if (payment.method) view.method = payment.method
  if (payment.paidAt) view.paidAt = iso(payment.paidAt)
  // Who recorded it acts for the shop, the organiser or the committee, not as one of the household's people: shown.
  if (payment.byName) view.markedBy = payment.byName
  return view
}

const lineViews = (lines: OrderDoc['lines']): OrderLineView[] =>
  lines.map((l) => ({
    itemId: l.itemId,
    name: l.name,
    spec: l.spec,
    unit: l.unit,
    qty: l.qty,
    packs: l.packSize > 0 ? l.qty / l.packSize : l.qty,
    price: l.price,
    amount: l.qty * l.price,
  }))

type BuyFacts = Pick<BuyDoc, '_id' | 'title' | 'status' | 'opensAt' | 'closesAt' | 'closedAt' | 'items' | 'shopName'>

/** The buy's status as clients see it: scheduled reads as open from opensAt on, a close under way as open. */
export function buyStatusNow(buy: Pick<BuyDoc, 'status' | 'opensAt'>, now: number): BuyStatus {
  if (buy.status === 'closing') return 'open'
  return buy.status === 'scheduled' && new Date(buy.opensAt).getTime() <= now ? 'open' : buy.status
}

/** The buy's facts every order view carries. */
function buyPart(buy: BuyFacts): Pick<OrderView, 'buyId' | 'buyTitle' | 'buyStatus' | 'shopName' | 'editable'> {
  const now = nowMs()
  return {
    buyId: buy._id,
    buyTitle: buy.title,
    buyStatus: buyStatusNow(buy, now),
    ...(buy.shopName ? { shopName: buy.shopName } : {}),
    editable: orderProblemNow(buy, now) === null,
  }
}

/** An order as the caller may see it (`fields`: the visibility policy's answer for the caller and the household). */
export function orderView(doc: OrderDoc, buy: BuyFacts, fields: Fields, label?: string): OrderView {
  const view: OrderView = {
    ...buyPart(buy),
    householdId: doc.householdId,
    label: doc.label ?? label ?? doc.room,
    status: doc.status,
    lines: lineViews(doc.lines),
    total: doc.total,
    payment: paymentView(doc.payment, doc, buy),
    proxy: doc.proxy,
    placedBy: showName(fields.name, doc.byName),
    placedAt: iso(doc.placedAt),
    updatedAt: iso(doc.updatedAt),
  }
  if (doc.no !== undefined) view.no = doc.no
  if (doc.refusal) view.refusal = { ...doc.refusal }
  if (doc.note) view.note = doc.note
  return view
}

/**
 * An order whose latest change still waits for the sequencer (排队中): the lines asked for (or, for a cancellation,
 * the order's), the number it already has, its payment.
 */
export function queuedView(
  intent: OrderIntakeDoc,
  previous: OrderDoc | null,
  buy: BuyFacts,
  fields: Fields,
): OrderView {
  const lines = intent.cancel
    ? (previous?.lines ?? [])
    : orderLines(buy, Object.fromEntries(intent.lines.map((l) => [l.itemId, l.qty])))
  const total = lines.reduce((s, l) => s + l.qty * l.price, 0)
  const payment = previous?.payment ?? emptyPayment()
  const view: OrderView = {
    ...buyPart(buy),
    householdId: intent.householdId,
    label: intent.label,
    status: 'queued',
    lines: lineViews(lines),
    total,
    payment: paymentView(payment, { status: 'active', total }, buy),
    proxy: intent.proxy,
    placedBy: showName(fields.name, intent.byName),
    placedAt: iso(previous?.placedAt ?? intent.at),
    updatedAt: iso(intent.at),
  }
  if (previous?.no !== undefined) view.no = previous.no
  const note = intent.cancel ? previous?.note : intent.note
  if (note) view.note = note
  return view
}

/** How the caller may place a household's order, or null when they may not. `proxy`: it is a 代下单. */
export function orderingAs(
  grants: readonly RoleGrant[],
  household: Pick<HouseholdDoc, '_id' | 'communityId' | 'groupId' | 'buildingId' | 'floor' | 'proxy'>,
): { proxy: boolean } | null {
  const target = householdTarget(household)
  const covers = (roles: string[]) => grants.filter((g) => roles.includes(g.role) && scopeCovers(g.scope, target))
  const own = covers(['resident'])
  if (own.some((g) => !g.proxy)) return { proxy: false }
  if (own.length) return { proxy: true }
  if (household.proxy && covers(['buildingLead', 'floorLead']).length) return { proxy: true }
  if (covers(['committee']).length) return { proxy: true }
  return null
}

/** Roles whose holders read a household's order when their grant covers it. */
const READERS = ['resident', 'buildingLead', 'floorLead', 'groupLead', 'communityLead', 'committee'] as const

/** Whether the caller's grants (a member, proxy or lead of the household, the committee) cover its order. */
export function readsHousehold(grants: readonly RoleGrant[], target: HouseholdTarget): boolean {
  return grants.some((g) => (READERS as readonly string[]).includes(g.role) && scopeCovers(g.scope, target))
}
