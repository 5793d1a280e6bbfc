// What residents, merchants and the committee read for buys, orders, payments, merchants and complaints.
import type {
  BuyStatus,
  BuyView,
  ComplaintKind,
  ErrorCode,
  MerchantStatus,
  OrderLineView,
  OrderStatus,
  OrderView,
  PaymentMethod,
  PaymentStatus,
  SellerView,
} from '../../../typings/api'
import { formatDateTime } from '../../utils/format'
import { yuanText } from './money'

export const BUY_STATUS_LABELS: Record<BuyStatus, string> = {
  scheduled: '未开始',
  open: '接龙中',
  closed: '已截单',
  failed: '未成团',
  cancelled: '已取消',
}

/** A tag class per status: open in green, a buy that did not go ahead in red. */
export const BUY_STATUS_CLASS: Record<BuyStatus, string> = {
  scheduled: 'tag-orange',
  open: 'tag-green',
  closed: '',
  failed: 'tag-red',
  cancelled: 'tag-red',
}

/** 「未开始 · 11月24日 18:00 开团」「接龙中 · 11月25日 20:00 截单」「已截单」… */
export function buyStatusText(buy: Pick<BuyView, 'status' | 'opensAt' | 'closesAt'>): string {
  if (buy.status === 'scheduled') return `未开始 · ${formatDateTime(buy.opensAt)} 开团`
  if (buy.status === 'open') return `接龙中 · ${formatDateTime(buy.closesAt)} 截单`
  return BUY_STATUS_LABELS[buy.status]
}

export const isCurrent = (status: BuyStatus) => status === 'scheduled' || status === 'open'

/** Who sells: the shop with its approval, or who runs it (居委, 团长) for a buy without a shop. */
export function sellerData(buy: Pick<BuyView, 'seller' | 'organiser' | 'kind'>) {
  const seller: SellerView | undefined = buy.seller
  return {
    name: seller ? seller.shopName : buy.kind === 'drop' ? `${buy.organiser}发放` : buy.organiser,
    goods: seller?.goods ?? '',
    approved: seller?.status === 'approved',
    approvedText:
      seller?.status === 'approved' && seller.approvedAt ? `${formatDateTime(seller.approvedAt)} 通过居委审核` : '',
    /** A shop the committee suspended or never approved: said plainly. */
    warning: seller && seller.status !== 'approved' ? `商家${MERCHANT_STATUS_LABELS[seller.status]}` : '',
  }
}

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  queued: '排队中',
  active: '已接龙',
  cancelled: '已取消',
  refused: '未成交',
}

/** 「已接龙 · 第 12 号」「排队中，正在排接龙号」「已取消（第 12 号）」「未成交：土豆只剩 4 袋」 */
export function orderStateText(order: Pick<OrderView, 'status' | 'no' | 'refusal'>): string {
  const no = order.no ? `第 ${order.no} 号` : ''
  switch (order.status) {
    case 'queued':
      return '排队中，正在排接龙号'
    case 'active':
      return no ? `已接龙 · ${no}` : '已接龙'
    case 'cancelled':
      return no ? `已取消（${no}）` : '已取消'
    case 'refused':
      return `未成交：${order.refusal?.message ?? '没有下单成功'}`
  }
}

export const ORDER_STATUS_CLASS: Record<OrderStatus, string> = {
  queued: 'tag-orange',
  active: 'tag-green',
  cancelled: '',
  refused: 'tag-red',
}

/** 「土豆 2袋、鸡蛋 1箱」 */
export const linesSummary = (lines: Pick<OrderLineView, 'name' | 'qty' | 'unit' | 'packs'>[]) =>
  lines.map((l) => (l.packs !== l.qty ? `${l.name} ${l.packs}箱` : `${l.name} ${l.qty}${l.unit}`)).join('、')

export const PAYMENT_STATUS_LABELS: Record<PaymentStatus, string> = {
  unpaid: '未付款',
  paid: '已付款',
  refunded: '已退款',
  partRefunded: '部分退款',
}

export const PAYMENT_STATUS_CLASS: Record<PaymentStatus, string> = {
  unpaid: 'tag-orange',
  paid: 'tag-green',
  refunded: '',
  partRefunded: 'tag-orange',
}

export const PAYMENT_METHOD_LABELS: Record<PaymentMethod, string> = {
  wechat: '微信转账',
  alipay: '支付宝',
  cash: '现金',
  other: '其他',
}
export const PAYMENT_METHODS = Object.keys(PAYMENT_METHOD_LABELS) as PaymentMethod[]

/** 「已付款 12.50 元（微信转账）」 */
export function paymentText(p: OrderView['payment']): string {
  const how = p.method ? `（${PAYMENT_METHOD_LABELS[p.method]}）` : ''
  if (p.status === 'unpaid') return PAYMENT_STATUS_LABELS.unpaid
  return `${PAYMENT_STATUS_LABELS[p.status]} · 已付 ${yuanText(p.paid)}${how}`
}

export const COMPLAINT_KIND_LABELS: Record<ComplaintKind, string> = {
  missing: '缺货',
  spoiled: '变质',
  short: '短斤少两',
  wrong: '发错',
  other: '其他',
}
export const COMPLAINT_KINDS = Object.keys(COMPLAINT_KIND_LABELS) as ComplaintKind[]

export const MERCHANT_STATUS_LABELS: Record<MerchantStatus, string> = {
  pending: '待审核',
  approved: '已准入',
  rejected: '未通过',
  suspended: '已暂停',
}
export const MERCHANT_STATUSES = Object.keys(MERCHANT_STATUS_LABELS) as MerchantStatus[]

export const MERCHANT_STATUS_CLASS: Record<MerchantStatus, string> = {
  pending: 'tag-orange',
  approved: 'tag-green',
  rejected: 'tag-red',
  suspended: 'tag-red',
}

/** Units offered in the items editor; 自定义 lets the organiser type another (1–4 characters). */
export const UNITS = ['个', '斤', '箱', '袋', '盒', '瓶', '份'] as const
export const CUSTOM_UNIT = '自定义'

/** What an order refusal is about, as a heading above the function's own message (which says how many are left). */
export const REFUSAL_TITLES: Partial<Record<ErrorCode, string>> = {
  SOLD_OUT: '库存不够了',
  PACK_SIZE: '要按整箱买',
  OVER_LIMIT: '超过每户限购',
  BUY_CLOSED: '已经截单了',
  BUY_NOT_OPEN: '还没有开团',
  NOT_IN_SCOPE: '这次团购不含您的楼栋',
  ITEM_NOT_FOUND: '商品有变化',
  MERCHANT_SUSPENDED: '商家已被居委暂停',
  NOT_A_MEMBER: '不能为这一户下单',
}
