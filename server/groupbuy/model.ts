// Group buys' documents as stored: merchants, complaints, buys, the per-buy ledger the order sequencer owns, order
// intake, orders, order imports and the delivery a closed buy becomes. Views sent to clients are in
// typings/api/groupbuy.d.ts; these never leave the server. Amounts are integers in 分.
import type {
  BuyKind,
  BuyStatus,
  ComplaintKind,
  MerchantStatus,
  OrderStatus,
  PaymentMethod,
  PaymentStatus,
  Role,
} from '../../typings/api'

/** One decision in a merchant's history (its application included). */
export interface MerchantHistoryDoc {
  status: MerchantStatus
  reason?: string
  at: Date
  by: string
  byName: string
}

/**
 * A shop's application and standing in one community. `_id` = merchantId(communityId, openid): one per WeChat user
 * and community, so a second application replaces the first.
 */
export interface MerchantDoc {
  _id: string
  communityId: string
  openid: string
  shopName: string
  contactName: string
  phone: string
  goods: string
  note?: string
  /** fileIDs under merchants/<communityId>/<openid>/ */
  licence: string[]
  foodPermit: string[]
  healthCerts: string[]
  status: MerchantStatus
  reason?: string
  appliedAt: Date
  approvedAt?: Date
  decidedAt?: Date
  decidedBy?: string
  /** The merchant role granted on approval (removed on suspension, granted again on reinstatement). */
  roleId?: string
  history: MerchantHistoryDoc[]
  /** Complaints recorded against it: total and open (handled ones leave `open`), moved with _.inc. */
  complaints: { total: number; open: number }
  /** A rejected application's photos were deleted after their period (server/groupbuy/retention.ts). */
  photosDeletedAt?: Date
}

export interface ComplaintDoc {
  _id: string
  communityId: string
  merchantId: string
  buyId: string
  householdId: string
  buildingId: string
  room: string
  kind: ComplaintKind
  note: string
  photos: string[]
  by: string
  at: Date
  status: 'open' | 'handled'
  handledAt?: Date
  handledBy?: string
  handledNote?: string
  /** Who filed it, its note and photos were deleted (a data deletion, or its buy's orders reduced). */
  strippedAt?: Date
}

export interface BuyItemDoc {
  /** 'i1', 'i2' … in the order given. */
  id: string
  name: string
  spec: string
  unit: string
  packSize: number
  price: number
  /**
   * Units on offer when the sale was created (a sale); a drop's allotment decides its total. Stock added later
   * (updateBuy addStock) goes to the ledger only: what is on offer now is the ledger's sold + remaining.
   */
  stock?: number
  limit?: number
  allot?: { per: 'household' | 'person'; qty: number }
}

/** Totals made when the buy closed (what buySummary answers and the sheets are made from). */
export interface BuySummaryDoc {
  purchase: { itemId: string; qty: number; amount: number; households: number }[]
  buildings: { buildingId: string; households: number; pieces: number; amount: number }[]
  households: number
  pieces: number
  amount: number
}

export interface BuyDoc {
  _id: string
  communityId: string
  kind: BuyKind
  /**
   * Stored status; `scheduled` reads as open once opensAt has passed (rules.ts `effectiveStatus`). `closing`: a close
   * or cancellation is under way (`closing` says which, and who holds it): no order is taken any more, and it reads
   * as open to clients until it ends as closed, failed or cancelled.
   */
  status: BuyStatus | 'closing'
  /** The close or cancellation under way (server/groupbuy/buys.ts `closeBuyDocs`), held under a lease. */
  closing?: { to: 'close' | 'cancel'; lease: string; until: Date; by: string; reason?: string }
  title: string
  note: string
  merchantId?: string
  /** The shop's name when it was created (the merchant's own document has the current one). */
  shopName?: string
  organiser: { openid: string; role: Role; name: string }
  items: BuyItemDoc[]
  minTotal?: number
  allBuildings: boolean
  /** Buildings in scope (every building of the community when allBuildings, as at creation). */
  buildingIds: string[]
  opensAt: Date
  closesAt: Date
  deliveryAt: Date
  createdAt: Date
  updatedAt: Date
  /** requestId of the createBuy call that made it: a retry finds it. */
  requestId: string
  /** When the residents in scope were told it opens (the notice goes when it is created or scheduled). */
  announcedAt?: Date
  closedAt?: Date
  closedBy?: string
  reason?: string
  summary?: BuySummaryDoc
  /** The orders' people were removed after settings.orderRetentionDays (server/groupbuy/retention.ts). */
  ordersReducedAt?: Date
}

/** A household's order as the ledger keeps it: compact, so one document holds every order of a buy. */
export interface LedgerOrder {
  /** 接龙号 (absent for an order refused before it ever had one). */
  no?: number
  /** Units per itemId. */
  q: Record<string, number>
  /** a: active, c: cancelled, r: refused (never active). */
  st: 'a' | 'c' | 'r'
  /** Nonce of the last intake applied for the household: a merge repeated after a crash skips it. */
  n: string
  /** Why the last intake was refused (sold out, over the limit, too late): the order doc shows it. */
  refusal?: { itemId?: string; message: string }
}

/**
 * The order sequencer's document for one buy (`_id` = the buy's id): stock left and sold per item, the next
 * 接龙号, every household's order in compact form, and the sequencer's lease. Written once per merged batch by the
 * one sequencer holding the lease, with a compare-and-set on `version`: stock can never be oversold and numbers never
 * collide or skip, without a hot document any order call writes.
 */
export interface BuyLedgerDoc {
  _id: string
  communityId: string
  remaining: Record<string, number>
  sold: Record<string, number>
  nextNo: number
  orders: Record<string, LedgerOrder>
  /** Active orders and their total in 分. */
  active: number
  total: number
  version: number
  lease?: string
  leaseUntil?: Date
  /**
   * The cut, as on the buy (`BuyDoc.closedAt`, which the sequencer reads): recorded here with a `version` bump when a
   * close or cancellation starts, before `settleBuy`, so a merge computed on the buy as read before the cut is
   * thrown away and redone (intents made after the cut are then refused).
   */
  closedAt?: Date
  /** requestIds of the stock additions applied (updateBuy addStock), so a retried addition adds nothing. */
  stockRequests?: string[]
}

/** A resident who asked to be told when a sale opens (团购开团提醒): `_id` = `${communityId}:${openid}`. */
export interface BuySubscriberDoc {
  _id: string
  communityId: string
  openid: string
  /** The buildings of the subscriber's households (resident grants) when they subscribed. */
  buildingIds: string[]
  at: Date
}

/** One line of an order intent or order. */
export interface OrderLineDoc {
  itemId: string
  qty: number
}

/** A household's order waiting for the buy's sequencer (`_id` = orderId(buyId, householdId); a newer one replaces it). */
export interface OrderIntakeDoc {
  _id: string
  buyId: string
  communityId: string
  householdId: string
  buildingId: string
  /** The household's place, copied so the sequencer writes the order without reading the structure. */
  groupId: string
  room: string
  floor: number
  /** 「3号-201」 */
  label: string
  /** Who is told of the order's delivery: the household's linked members and the orderer (OrderDoc.notify). */
  notify: string[]
  lines: OrderLineDoc[]
  cancel: boolean
  note?: string
  at: Date
  by: string
  byName: string
  proxy: boolean
  nonce: string
  requestId: string
}

export interface RefundDoc {
  amount: number
  reason: string
  at: Date
  by: string
  byName: string
}

export interface PaymentDoc {
  status: PaymentStatus
  method?: PaymentMethod
  paid: number
  paidAt?: Date
  by?: string
  byName?: string
  note?: string
  refunds: RefundDoc[]
  /** Payments and refunds recorded so far: each record is a compare-and-set on it, so two marks never both count. */
  marks?: number
}

/** A household's order of one buy (`_id` = orderId(buyId, householdId)), written by the sequencer. */
export interface OrderDoc {
  _id: string
  buyId: string
  communityId: string
  groupId: string
  buildingId: string
  householdId: string
  room: string
  floor: number
  /** 「3号-201」 as it was when the order was written (views fall back to the room). */
  label?: string
  no?: number
  status: OrderStatus
  refusal?: { itemId?: string; message: string }
  /** Lines with the item facts at the time (name, spec, unit, packSize, price). */
  lines: (OrderLineDoc & { name: string; spec: string; unit: string; packSize: number; price: number })[]
  total: number
  note?: string
  by: string
  byName: string
  proxy: boolean
  /** Who is told of this order's delivery: the household's linked members and whoever placed it. */
  notify: string[]
  placedAt: Date
  updatedAt: Date
  /** The nonce of the intake it was last written from. */
  nonce: string
  /** requestIds of the calls applied (the last few): a retry answers the order as it stands. */
  requestIds: string[]
  payment: PaymentDoc
  /** Rows of an order import this order came from. */
  importId?: string
}

/**
 * A staged import of a 快团团 / 群接龙 export into a buy (`_id` from the buy and the file's content: the same file read
 * again is the same import). Its phones are kept only for the committee's labels and go with the import.
 */
export interface OrderImportDoc {
  _id: string
  buyId: string
  communityId: string
  format: 'ktt-community' | 'ktt-plain' | 'jielong'
  fileID: string
  /** The uploaded file's name (a 群接龙 file's product is its name). */
  fileName?: string
  by: string
  at: Date
  status: 'staged' | 'committed'
  rows: {
    row: number
    /** 跟团号, when the tool numbers its orders. */
    ref?: string
    address: string
    name: string
    phone?: string
    /** Parsed items: name, spec, quantity in units, and the buy's item they are (matched when staged). */
    items: { name: string; spec: string; qty: number; amount?: number; itemId?: string }[]
    /** 分 the tool says were paid (absent: not paid). */
    paid?: number
    note?: string
    householdId?: string
    problem?: string
    candidates?: string[]
    /** A person resolved it (to a household, or null: left out). */
    resolved?: string | null
  }[]
  committedAt?: Date
  /** Orders the commit wrote. */
  orders?: number
}

/**
 * What the relay delivers: made when a buy closes (`_id` = the buy's id). The delivery relay's stages and tasks
 * build on it; this is the hand-over.
 */
export interface DeliveryDoc {
  _id: string
  communityId: string
  buyId: string
  kind: BuyKind
  title: string
  status: 'awaiting'
  deliveryAt: Date
  createdAt: Date
  buildings: { buildingId: string; households: number; pieces: number }[]
  households: number
  pieces: number
}
