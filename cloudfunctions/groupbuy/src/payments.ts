// Payments and refunds on an order, as records: no money moves through the product. The buy's merchant, its
// organiser or the committee marks what a household paid (method, amount) and what was refunded (short or cancelled
// items, a failed or cancelled buy), each with one compare-and-set on the order's payment (`marks`), so two people
// marking the same payment at once never count it twice: the second is told to look again.
import type { OrderView, PaymentMethod } from '../../../typings/api'
import type { HouseholdDoc } from '../../../server/community/model'
import type { BuyDoc, OrderDoc, PaymentDoc, RefundDoc } from '../../../server/groupbuy/model'
import { action, AppError, defineActions, nowDate, z, type ActionContext } from '../../../server/kernel'
import { data } from '../../../server/platform/cloud'
import type { Grant } from '../../../server/platform/grants'
import { fieldsFor } from '../../../server/platform/visibility'
import { merchantId, orderId } from '../../../server/groupbuy/ids'
import { orderView, paymentStatus, refundedOf } from '../../../server/groupbuy/orders'
import { canManage } from '../../../server/groupbuy/rules'

/** Largest amount one record may carry (分): ¥100,000. */
export const MAX_AMOUNT = 10_000_000

const id = (label: string) => z.string().min(1).max(80).describe(label)
const amount = z.number().int().min(1).max(MAX_AMOUNT).describe('金额（分）')
const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`

function loadBuy(ctx: ActionContext, buyId: string): Promise<BuyDoc | null> {
  return ctx.memo(`buy:${buyId}`, () => data.get<BuyDoc>('buys', buyId))
}

/** The buy's community: the organisers' and the committee's grants are checked against it. */
async function buyScope(i: { buyId: string }, ctx: ActionContext) {
  const buy = await loadBuy(ctx, i.buyId)
  if (!buy) throw new AppError('NOT_FOUND', '找不到这个团购')
  return { communityId: buy.communityId }
}

/** The buy and the household's order, for someone who manages the buy (else FORBIDDEN). */
async function managedOrder(
  ctx: ActionContext,
  buyId: string,
  householdId: string,
): Promise<{ buy: BuyDoc; order: OrderDoc }> {
  const buy = (await loadBuy(ctx, buyId)) as BuyDoc
  if (!canManage(ctx.grants, ctx.caller.openid, buy, merchantId(buy.communityId, ctx.caller.openid)))
    throw new AppError('FORBIDDEN', '只有这个团购的商家、组织者或居委可以记录收款和退款')
  if (buy.kind === 'drop') throw new AppError('PAYMENT_INVALID', '发放的物资不收钱，不用记录收款')
  const order = await data.get<OrderDoc>('orders', orderId(buyId, householdId))
  if (!order || order.buyId !== buy._id) throw new AppError('NOT_FOUND', '这一户在这个团购里没有订单')
  return { buy, order }
}

/** Who records it, as the order's payment shows: the shop, the organiser, or the committee member's name. */
async function markerName(ctx: ActionContext, buy: BuyDoc): Promise<string> {
  const openid = ctx.caller.openid
  if (buy.merchantId && buy.merchantId === merchantId(buy.communityId, openid)) return buy.shopName ?? '商家'
  if (buy.organiser.openid === openid && buy.organiser.name) return buy.organiser.name
  const grants = ctx.grants as Grant[]
  const held = grants.find((g) => g.holderName)?.holderName
  if (held) return held
  const own = grants.find((g) => g.householdId && g.memberId)
  if (own) {
    const home = await data.get<HouseholdDoc>('households', own.householdId as string)
    const name = home?.members.find((m) => m.id === own.memberId)?.name
    if (name) return name
  }
  return '居委'
}

/**
 * One compare-and-set on the payment as it was read: nothing recorded on it since (`marks`). A lost race is
 * CONFLICT (the person looks again and sees the other record), never a second count.
 */
async function recordOnPayment(order: OrderDoc, patch: Record<string, unknown>): Promise<void> {
  const marks = order.payment.marks ?? 0
  const where =
    marks === 0
      ? data._.or([
          { _id: order._id, 'payment.marks': data._.exists(false) },
          { _id: order._id, 'payment.marks': 0 },
        ])
      : { _id: order._id, 'payment.marks': marks }
  const won = await data.updateWhere('orders', where, { ...patch, 'payment.marks': marks + 1 })
  if (won === 0) throw new AppError('CONFLICT', '这笔订单的收款刚被别人记录过，请刷新后再看')
}

const viewOf = (ctx: ActionContext, order: OrderDoc, buy: BuyDoc) =>
  orderView(
    order,
    buy,
    fieldsFor(ctx.grants, {
      communityId: order.communityId,
      groupId: order.groupId,
      buildingId: order.buildingId,
      floor: order.floor,
      householdId: order.householdId,
    }),
  )

const MANAGERS = ['merchant', 'communityLead', 'committee'] as const

export const paymentActions = defineActions('groupbuy', {
  recordPayment: action({
    input: z
      .object({
        buyId: id('团购'),
        householdId: id('住户'),
        method: z.enum(['wechat', 'alipay', 'cash', 'other']).describe('付款方式'),
        amount,
        note: z.string().trim().max(100).optional().describe('备注'),
      })
      .strict(),
    access: { roles: MANAGERS, scope: buyScope },
    handler: async (input, ctx): Promise<OrderView> => {
      const { buy, order } = await managedOrder(ctx, input.buyId, input.householdId)
      const at = nowDate()
      const paid = order.payment.paid + input.amount
      if (paid > MAX_AMOUNT) throw new AppError('PAYMENT_INVALID', `一户最多记录 ${yuan(MAX_AMOUNT)} 的收款`, 'amount')
      const byName = await markerName(ctx, buy)
      const payment: PaymentDoc = {
        ...order.payment,
        status: paymentStatus(paid, refundedOf(order.payment)),
        method: input.method as PaymentMethod,
        paid,
        paidAt: at,
        by: ctx.caller.openid,
        byName,
        marks: (order.payment.marks ?? 0) + 1,
      }
      if (input.note) payment.note = input.note
      await recordOnPayment(order, {
        'payment.status': payment.status,
        'payment.method': payment.method,
        'payment.paid': paid,
        'payment.paidAt': at,
        'payment.by': ctx.caller.openid,
        'payment.byName': byName,
        ...(input.note ? { 'payment.note': input.note } : {}),
      })
      return viewOf(ctx, { ...order, payment }, buy)
    },
  }),

  recordRefund: action({
    input: z
      .object({
        buyId: id('团购'),
        householdId: id('住户'),
        amount,
        reason: z.string().trim().min(1).max(100).describe('退款原因'),
      })
      .strict(),
    access: { roles: MANAGERS, scope: buyScope },
    handler: async (input, ctx): Promise<OrderView> => {
      const { buy, order } = await managedOrder(ctx, input.buyId, input.householdId)
      const refunded = refundedOf(order.payment)
      const left = order.payment.paid - refunded
      if (left <= 0)
        throw new AppError('PAYMENT_INVALID', '这一户没有可退的款项（还没有记录收款，或已全部退完）', 'amount')
      if (input.amount > left)
        throw new AppError(
          'PAYMENT_INVALID',
          `最多可退 ${yuan(left)}（已收 ${yuan(order.payment.paid)}，已退 ${yuan(refunded)}）`,
          'amount',
        )
      const refund: RefundDoc = {
        amount: input.amount,
        reason: input.reason,
        at: nowDate(),
        by: ctx.caller.openid,
        byName: await markerName(ctx, buy),
      }
      const status = paymentStatus(order.payment.paid, refunded + input.amount)
      await recordOnPayment(order, { 'payment.refunds': data._.push([refund]), 'payment.status': status })
      const payment: PaymentDoc = {
        ...order.payment,
        status,
        refunds: [...order.payment.refunds, refund],
        marks: (order.payment.marks ?? 0) + 1,
      }
      return viewOf(ctx, { ...order, payment }, buy)
    },
  }),
})
