/**
 * Group buys (团购) and supply drops (物资发放): vetted merchants, chain orders (接龙) on households, stock that never
 * oversells, payment records, closing into the merchant's purchase list, sorting lists and labels (the `sheets`
 * function's exports), and the delivery the relay works. Money never moves through the product: payments and
 * refunds are records. Amounts are integers in 分 (fen) everywhere; pages show them as 元.
 */
import type { ExportFile } from './sheets'

// ---------------------------------------------------------------------------------------------------------------
// Merchants (核查准入)

/** 待审核 / 已准入 / 未通过 / 已暂停 */
export type MerchantStatus = 'pending' | 'approved' | 'rejected' | 'suspended'

/** The committee's decision on an application or an approved merchant. */
export type MerchantDecision = 'approve' | 'reject' | 'suspend' | 'reinstate'

export interface MerchantApplicationInput {
  communityId: string
  /** 店名 / 公司名 (2–30). */
  shopName: string
  /** 联系人 (1–20). */
  contactName: string
  /** 11-digit mainland mobile number. */
  phone: string
  /** What it sells (蔬菜、肉禽、米面粮油…), up to 60 characters. */
  goods: string
  /** Photos (cloud fileIDs under merchants/<communityId>/<openid>/): 营业执照, at least one. */
  licence: string[]
  /** 食品经营许可证, at least one (a shop that sells no food writes why in `note`, and the committee decides). */
  foodPermit: string[]
  /** 从业人员健康证, one per staff member who handles goods, at least one. */
  healthCerts: string[]
  note?: string
}

export interface MerchantHistoryView {
  status: MerchantStatus
  reason?: string
  at: string
  /** Who decided (the committee member's name), or 商家 for the application itself. */
  byName: string
}

/** A merchant as the committee and the merchant itself see it (photos as temporary URLs). */
export interface MerchantView {
  id: string
  communityId: string
  shopName: string
  contactName: string
  /** Full to the committee and the merchant; masked to others. */
  phone: string
  goods: string
  status: MerchantStatus
  /** The reason of the last decision (rejection, suspension). */
  reason?: string
  appliedAt: string
  approvedAt?: string
  licence: string[]
  foodPermit: string[]
  healthCerts: string[]
  note?: string
  history: MerchantHistoryView[]
  /** Complaints recorded against the merchant: total and not yet handled. */
  complaints: { total: number; open: number }
}

/** What residents see of who sells: the shop, and that the committee approved it and when. */
export interface SellerView {
  id: string
  shopName: string
  goods: string
  status: MerchantStatus
  approvedAt?: string
}

/** 缺货 / 变质 / 短斤少两 / 发错 / 其他 */
export type ComplaintKind = 'missing' | 'spoiled' | 'short' | 'wrong' | 'other'

export interface ComplaintView {
  id: string
  merchantId: string
  shopName: string
  buyId: string
  buyTitle: string
  householdId: string
  /** 「3号-201」 */
  label: string
  kind: ComplaintKind
  note: string
  photos: string[]
  at: string
  status: 'open' | 'handled'
  handledAt?: string
  handledNote?: string
}

// ---------------------------------------------------------------------------------------------------------------
// Buys

/** 团购 (ordered and paid by residents) / 发放 (free supplies the committee gives out). */
export type BuyKind = 'sale' | 'drop'

/**
 * 未开始 (opens at `opensAt`) / 接龙中 / 已截单 (lists made, handed to the relay) / 未成团 (the minimum was not met
 * at close: every order cancelled) / 已取消.
 */
export type BuyStatus = 'scheduled' | 'open' | 'closed' | 'failed' | 'cancelled'

export interface BuyItemInput {
  /** 品名 (1–20) */
  name: string
  /** 规格 (「500g/袋」「约2.5斤」), up to 20. */
  spec: string
  /** 计量单位: 个 / 斤 / 箱 / 袋 …, 1–4 characters. */
  unit: string
  /**
   * Sold only in multiples of this many units (a case of 12 → 12); 1 when sold singly. Quantities are always in
   * units, never in packs.
   */
  packSize: number
  /** Price per unit in 分 (0 for a drop). */
  price: number
  /** Units on offer (sale); a drop's total is computed from its allotment. */
  stock?: number
  /** Units one household may order at most (a multiple of packSize); none: up to the stock. */
  limit?: number
  /** A drop's allotment: units per household, or per person living in it. */
  allot?: { per: 'household' | 'person'; qty: number }
}

export interface BuyInput {
  communityId: string
  kind: BuyKind
  /** A sale's seller: the caller's own approved shop for a merchant; any approved merchant for the committee / 团长. */
  merchantId?: string
  /** 标题 (2–30) */
  title: string
  /** 说明 (up to 300): pick-up, quality, contact for questions. */
  note: string
  items: BuyItemInput[]
  /** A sale goes ahead only if the orders total at least this many 分 at close (未成团 otherwise). */
  minTotal?: number
  /** Buildings in scope; all buildings of the community when absent. */
  buildingIds?: string[]
  /** ISO instants: the sale opens, the deadline (截单), the expected delivery. */
  opensAt: string
  closesAt: string
  deliveryAt: string
  /** The page's id for this request (8–40 of A–Z a–z 0–9 _ -): a retry or a second tap creates nothing new. */
  requestId: string
}

export interface BuyItemView {
  id: string
  name: string
  spec: string
  unit: string
  packSize: number
  price: number
  stock?: number
  limit?: number
  allot?: { per: 'household' | 'person'; qty: number }
  /** Units ordered so far (active orders). */
  sold: number
  /** Units still on offer; 0 is 已售罄. */
  remaining?: number
  soldOut: boolean
}

export interface BuyView {
  id: string
  communityId: string
  kind: BuyKind
  status: BuyStatus
  title: string
  note: string
  seller?: SellerView
  /** Who runs it: 「居委」「团长」 or the shop. */
  organiser: string
  items: BuyItemView[]
  minTotal?: number
  allBuildings: boolean
  /** Names of the buildings in scope, in the community's order (all of them when allBuildings). */
  buildings: { id: string; name: string }[]
  opensAt: string
  closesAt: string
  deliveryAt: string
  createdAt: string
  closedAt?: string
  /** Why it was cancelled or failed. */
  reason?: string
  /** Orders and amount so far (active orders only). */
  orders: number
  total: number
  /** The minimum is met (or there is none). */
  minimumMet: boolean
  /** The caller may edit, close, cancel, record payments (the organiser, the merchant, the committee). */
  manage: boolean
}

export interface OrderLineInput {
  itemId: string
  /** Units (a multiple of the item's packSize); 0 removes the line. */
  qty: number
}

export interface OrderLineView {
  itemId: string
  name: string
  spec: string
  unit: string
  qty: number
  /** qty / packSize, e.g. 2 箱. */
  packs: number
  price: number
  amount: number
}

/** 未付 / 已付 / 已退款 / 部分退款 */
export type PaymentStatus = 'unpaid' | 'paid' | 'refunded' | 'partRefunded'

/** 微信转账 / 支付宝 / 现金 / 其他 */
export type PaymentMethod = 'wechat' | 'alipay' | 'cash' | 'other'

export interface RefundView {
  amount: number
  reason: string
  at: string
  byName: string
}

export interface PaymentView {
  status: PaymentStatus
  method?: PaymentMethod
  /** 分 the payer paid. */
  paid: number
  paidAt?: string
  markedBy?: string
  refunds: RefundView[]
  /** Refunds due: cancelled lines of a paid order, a failed or cancelled buy, short items at close. */
  refundDue: number
}

/**
 * 排队中 (waiting for its number: the page asks again) / 有效 / 已取消 (keeps its number) / 未成交 (refused: sold
 * out, over the limit; `refusal` says why).
 */
export type OrderStatus = 'queued' | 'active' | 'cancelled' | 'refused'

export interface OrderView {
  buyId: string
  buyTitle: string
  /** The buy's status and its shop (when it has one), for the order history: 投诉 is offered on a closed buy's shop. */
  buyStatus?: BuyStatus
  shopName?: string
  householdId: string
  /** 「3号-201」 */
  label: string
  /** 接龙号: given in order, never reused or shifted; absent while queued or when refused before any number. */
  no?: number
  status: OrderStatus
  refusal?: { itemId?: string; message: string }
  lines: OrderLineView[]
  total: number
  note?: string
  payment: PaymentView
  /** The order was placed by someone else than a member (a lead's or a family member's 代下单). */
  proxy: boolean
  /** Masked name of who placed it. */
  placedBy: string
  placedAt: string
  updatedAt: string
  /** The household may still change or cancel it (the sale is open). */
  editable: boolean
}

/** One row of the buy's chain (接龙), as leads and organisers see it (masked names; phones never). */
export interface ChainOrderView {
  no: number
  /** The order's household: what recordPayment and recordRefund name. */
  householdId: string
  label: string
  buildingId: string
  /** Who placed it, as the visibility policy shows that household's people to the caller (full or masked). */
  name: string
  /** 「土豆 2袋、鸡蛋 1箱」 */
  summary: string
  total: number
  status: 'active' | 'cancelled'
  paid: PaymentStatus
}

export interface BuyDetail {
  buy: BuyView
  /** The caller's households in scope (own, 代管, family) with their orders, if any. */
  mine: { householdId: string; label: string; order?: OrderView; proxy: boolean }[]
}

export interface BuyChain {
  buy: BuyView
  /** Orders in 接龙号 order: the caller's scope (a lead: their buildings; organisers and the committee: all). */
  orders: ChainOrderView[]
  cursor?: string
}

/** The merchant's purchase list: totals per item and spec. */
export interface PurchaseLine {
  itemId: string
  name: string
  spec: string
  unit: string
  qty: number
  packs: number
  amount: number
  households: number
}

export interface BuildingTotals {
  buildingId: string
  name: string
  households: number
  /** Pieces handed over (labels): a case of 12 is one piece. */
  pieces: number
  amount: number
}

export interface BuySummary {
  buy: BuyView
  purchase: PurchaseLine[]
  buildings: BuildingTotals[]
  households: number
  pieces: number
  amount: number
}

/** Which printable file of a closed buy: 采购单, 分拣单 (per building), 标签 (3 × 5 on A4). */
export type BuySheet = 'purchase' | 'sorting' | 'labels'

// ---------------------------------------------------------------------------------------------------------------
// Import from 快团团 / 群接龙

/** One row of an imported export that did not match exactly one household: a person resolves it. */
export interface ImportedRowView {
  row: number
  /** The address as the file wrote it, and who (names masked for non-committee callers). */
  address: string
  name: string
  items: string
  /** Why it did not match: no such building or room, several households, unreadable. */
  problem: string
  /** Households the address could mean (for a person to pick). */
  candidates: { householdId: string; label: string }[]
  resolvedTo?: string
  /** 「3号-201」 of resolvedTo. */
  resolvedLabel?: string
  /** A person chose to leave it out (resolveImportRow with householdId null). */
  leftOut?: boolean
}

export interface OrderImportView {
  id: string
  buyId: string
  /** 快团团小区团购 / 快团团普通团购 / 群接龙 */
  format: 'ktt-community' | 'ktt-plain' | 'jielong'
  rows: number
  matched: number
  unresolved: ImportedRowView[]
  /** Items the file named, created on the buy or matched to its items. */
  items: { name: string; spec: string; qty: number }[]
  status: 'staged' | 'committed'
}

// ---------------------------------------------------------------------------------------------------------------

export interface GroupBuyApi {
  /** A merchant applies (anyone signed in; a second application replaces a pending or rejected one). */
  applyMerchant: { input: MerchantApplicationInput; output: MerchantView }
  /** The caller's own application or shop in the community, if any. */
  myMerchant: { input: { communityId: string }; output: MerchantView | null }
  /** Every merchant of the community (committee), optionally by status. */
  listMerchants: { input: { communityId: string; status?: MerchantStatus }; output: MerchantView[] }
  /** Approve, reject, suspend or reinstate, with a reason (committee). Approval grants the merchant role. */
  decideMerchant: {
    input: { merchantId: string; decision: MerchantDecision; reason: string }
    output: MerchantView
  }
  /** A household (or its lead) records a complaint against the buy's merchant. */
  fileComplaint: {
    input: { buyId: string; householdId: string; kind: ComplaintKind; note: string; photos?: string[] }
    output: ComplaintView
  }
  /** Complaints (committee: all or one merchant's; a merchant: its own). */
  listComplaints: {
    input: { communityId: string; merchantId?: string; status?: 'open' | 'all' }
    output: ComplaintView[]
  }
  /** The committee marks a complaint handled with a note. */
  handleComplaint: { input: { id: string; note: string }; output: ComplaintView }

  /** Create a sale (approved merchant, committee, 团长) or a drop (committee). Idempotent by requestId. */
  createBuy: { input: BuyInput; output: BuyView }
  /**
   * Change a buy: before it opens, anything of BuyInput but its kind and seller (title, note, items, minimum, scope,
   * times); once open, the note, a later deadline or delivery time, and more stock. `requestId` makes a retried
   * stock addition add nothing more.
   */
  updateBuy: {
    input: {
      buyId: string
      title?: string
      note?: string
      items?: BuyItemInput[]
      minTotal?: number
      buildingIds?: string[]
      opensAt?: string
      closesAt?: string
      deliveryAt?: string
      addStock?: { itemId: string; add: number }[]
      requestId?: string
    }
    output: BuyView
  }
  /** Cancel a buy before it is closed: every order cancelled, refunds due recorded, households told. */
  cancelBuy: { input: { buyId: string; reason: string }; output: BuyView }
  /** Close now (the timer closes at the deadline): lists made, or 未成团 if the minimum is not met. */
  closeBuy: { input: { buyId: string }; output: BuySummary }
  /** Buys the caller may see: residents their buildings' published ones; leads their scope; organisers theirs. */
  listBuys: {
    input: { communityId: string; status?: 'current' | 'past' | 'all'; limit?: number; cursor?: string }
    output: { buys: BuyView[]; cursor?: string }
  }
  /** One buy with the caller's households and their orders. */
  buy: { input: { buyId: string }; output: BuyDetail }
  /** The buy's 接龙 in order, for leads (their buildings), organisers and the committee. */
  buyChain: { input: { buyId: string; buildingId?: string; cursor?: string }; output: BuyChain }
  /** Totals: purchase list and per building (organisers, committee; leads their buildings). */
  buySummary: { input: { buyId: string }; output: BuySummary }

  /**
   * Place or change the household's order (a household has one order per buy; placing again replaces its lines,
   * keeping its number). Idempotent by requestId. Answers queued while the buy's sequencer numbers it.
   */
  placeOrder: {
    input: { buyId: string; householdId: string; lines: OrderLineInput[]; note?: string; requestId: string }
    output: OrderView
  }
  /** Cancel the household's order before the deadline (it keeps its 接龙号, marked 已取消). */
  cancelOrder: { input: { buyId: string; householdId: string; requestId: string }; output: OrderView }
  /** The household's order (the page asks again while it is queued). */
  order: { input: { buyId: string; householdId: string }; output: OrderView | null }
  /** The caller's orders over all its households, newest first (order history). */
  myOrders: {
    input: { communityId: string; limit?: number; cursor?: string }
    output: { orders: OrderView[]; cursor?: string }
  }
  /** The merchant or organiser (or committee) records a payment on an order. */
  recordPayment: {
    input: { buyId: string; householdId: string; method: PaymentMethod; amount: number; note?: string }
    output: OrderView
  }
  /** Record a refund (short or cancelled items, a failed buy): at most what was paid less what was refunded. */
  recordRefund: {
    input: { buyId: string; householdId: string; amount: number; reason: string }
    output: OrderView
  }
  /** Residents in scope are told when a sale opens (subscribe: 团购开团提醒). */
  subscribeBuys: { input: { communityId: string }; output: { subscribed: boolean } }

  /** Stage an export of 快团团 / 群接龙 (an uploaded .xlsx/.csv) as orders of a buy (the `sheets` function reads it). */
  // importOrders is the `sheets` function's (typings/api/sheets.d.ts); these two read and commit what it staged.
  orderImport: { input: { id: string }; output: OrderImportView }
  /** Resolve an unmatched row to a household, or leave it out (householdId null). */
  resolveImportRow: { input: { id: string; row: number; householdId: string | null }; output: OrderImportView }
  /** Write the staged import's orders on the buy (every row resolved or left out). */
  commitOrderImport: { input: { id: string }; output: { orders: number; buy: BuyView } }
}

/** The sheets function's group-buy exports and import (typings/api/sheets.d.ts lists them in SheetsApi). */
export interface GroupBuySheetsApi {
  /**
   * A closed buy's printable file: purchase list (organisers, committee), sorting lists and labels (organisers,
   * committee; a lead: their buildings). `phones` (committee only) adds the households' phone numbers.
   */
  exportBuy: { input: { buyId: string; sheet: BuySheet; buildingId?: string; phones?: boolean }; output: ExportFile }
  /**
   * Read an uploaded export of 快团团 or 群接龙 and stage its rows as orders of the buy (organisers, committee). The
   * page uploads it under `buy-imports/<communityId>/<file>`.
   */
  importOrders: { input: { buyId: string; fileID: string }; output: OrderImportView }
}
