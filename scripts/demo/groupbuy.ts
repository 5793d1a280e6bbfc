// The demo's group buys, as the product would have left them. Every community's merchant (`<prefix>-merchant-1`)
// applied with photos of its licence, food permit and health certificates and was approved by the committee (the
// `merchant` grant it holds is the one approval writes). 钟楼新村 also has: a second shop's application waiting for
// the committee (`demo-merchant-2`); an open sale by the merchant, ordered by households of many buildings, one item
// sold out, some orders paid, a few edited or cancelled; yesterday's sale, closed by the timer at its deadline with
// its totals and the delivery for the relay, delivered yesterday evening (scripts/demo/delivery.ts), and one
// complaint; and the committee's supply drop of rice opening tomorrow. Dated from the instant the demo is dated
// from, like the antigen rounds.
//
// Documents come from the product's own code where it has a builder: ids from server/groupbuy/ids.ts, items and
// the ledger from rules.ts (`newItems`, `newLedger`, `scopeBuildings`), every order placed, edited or cancelled one
// intent at a time through the sequencer's pure rules in the order they were made (`applyIntents`, then
// `nextOrderDoc` from the order before), only what placeOrder's own check (`linesProblem`) lets through, and the
// closed sale's totals from `summarize` (lists.ts). What the actions write inline (a merchant's application and
// approval, a buy, a payment, a close, the delivery, a complaint) is written here field for field as
// cloudfunctions/groupbuy/src/{merchants,buys,payments,complaints}.ts and server/groupbuy/buys.ts write it;
// test/demo/groupbuy.cloud.test.ts orders, closes and complains through the real function on top of it.
//
// The push queue stays empty, as for the antigen rounds: the opening notices and the approval's notice of the past
// would have been sent (or refused) long ago, and no 代下单 here tells anyone (each 代管 household's order is placed
// by the one person who manages it).
import { createHash } from 'node:crypto'
import type { BuyKind, BuyStatus, MerchantStatus, PaymentMethod } from '../../typings/api'
import type { BuildingDoc, CommunityDoc, HouseholdDoc, RoleDoc } from '../../server/community/model'
import type {
  BuyDoc,
  BuyLedgerDoc,
  ComplaintDoc,
  DeliveryDoc,
  MerchantDoc,
  OrderDoc,
  OrderIntakeDoc,
} from '../../server/groupbuy/model'
import type {
  DeliveryBuildingDoc,
  DeliveryProblemDoc,
  DeliveryStopDoc,
  DeliveryTripDoc,
  RelayDeliveryDoc,
} from '../../server/delivery/model'
import { buyId, merchantId, orderId } from '../../server/groupbuy/ids'
import { applyIntents, linesProblem, nextOrderDoc, type Quantities } from '../../server/groupbuy/ledger'
import { summarize, type ListBuilding } from '../../server/groupbuy/lists'
import { merchantRoleId } from '../../server/groupbuy/merchants'
import { newItems, newLedger, scopeBuildings, type ItemInput } from '../../server/groupbuy/rules'
import { householdLabel } from '../../server/community/structure'
import { addDays } from '../../server/kernel/dates'
import { shanghaiDay, startOfShanghaiDay } from '../../server/kernel/time'
import { localFileId, type DemoFile } from './antigen'
import { demoRelay, type DemoRelaySummary } from './delivery'
import { docPhotoFile, type DocPhotoKind } from './docphotos'
import { givenName, surname } from './names'
import type { Rng } from './random'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

export interface DemoBuySummary {
  buyId: string
  kind: BuyKind
  title: string
  status: BuyStatus
  /** ISO instants. */
  opensAt: string
  closesAt: string
  deliveryAt: string
  /** Orders: active (with a 接龙号), cancelled (keeping theirs), paid; households of how many buildings. */
  active: number
  cancelled: number
  paid: number
  buildings: number
  /** 接龙号 given so far (the ledger's nextNo − 1). */
  numbered: number
  /** Total of the active orders, in 分. */
  total: number
  /** Items with nothing left (「已售罄」). */
  soldOut: string[]
}

export interface DemoGroupBuySummary {
  merchants: { merchantId: string; openid: string; shopName: string; status: MerchantStatus }[]
  /** The open sale, yesterday's closed sale and the scheduled drop (钟楼新村); none elsewhere. */
  buys: DemoBuySummary[]
  complaints: number
  photos: number
  /** Yesterday's delivery relay (钟楼新村); none elsewhere. */
  relay?: DemoRelaySummary
}

export interface GroupBuyDemoInput {
  rng: Rng
  now: number
  /** The storage environment photos are stored in (their fileIDs name it). */
  env: string
  community: CommunityDoc
  buildings: BuildingDoc[]
  households: HouseholdDoc[]
  roles: RoleDoc[]
  /** The committee member who decides applications and runs the drop. */
  committeeOpenid: string
  /** The approved merchant (holding the `merchant` grant). */
  merchantOpenid: string
  /** The shop whose application waits, and whether to make the buys (钟楼新村) or only the approved merchant. */
  full?: { applicantOpenid: string; noOrder: readonly string[] }
}

export interface GroupBuyDemo {
  merchants: MerchantDoc[]
  buys: BuyDoc[]
  buyLedgers: BuyLedgerDoc[]
  orders: OrderDoc[]
  complaints: ComplaintDoc[]
  /** Yesterday's delivery, relayed (RelayDeliveryDoc), and its stops, building parts, trips and problems. */
  deliveries: (DeliveryDoc | RelayDeliveryDoc)[]
  deliveryStops: DeliveryStopDoc[]
  deliveryBuildings: DeliveryBuildingDoc[]
  deliveryTrips: DeliveryTripDoc[]
  deliveryProblems: DeliveryProblemDoc[]
  files: DemoFile[]
  /** The merchant's grant as its approval wrote it (its shop's name on it, granted when it was approved). */
  merchantRole: RoleDoc
  summary: DemoGroupBuySummary
}

const hex = (rng: Rng, n: number) => Array.from({ length: n }, () => '0123456789abcdef'[rng.int(0, 15)]).join('')
const base36 = (rng: Rng, n: number) =>
  Array.from({ length: n }, () => '0123456789abcdefghijklmnopqrstuvwxyz'[rng.int(0, 35)]).join('')
/** The pages' request id (miniprogram/packageGroupbuy/utils/request.ts): the tap's time and a random tail. */
const requestIdAt = (rng: Rng, at: number) => `r${at.toString(36)}${base36(rng, 10)}`
const dayAt = (day: string, hours: number, minutes = 0) =>
  startOfShanghaiDay(day).getTime() + (hours * 60 + minutes) * MINUTE
/** A time in [from, to], early ones likelier (people order soon after the notice). */
const early = (rng: Rng, from: number, to: number) => Math.round(from + (to - from) * Math.pow(rng.next(), 1.5))
const byOrder = (a: BuildingDoc, b: BuildingDoc) => a.order - b.order

/** A shop's phones: 1390-999-SSSS, a block no resident's number is in. */
const shopPhone = (serial: number) => `1390999${String(serial).padStart(4, '0')}`

interface Shop {
  openid: string
  shopName: string
  goods: string
  note?: string
  appliedAt: number
  healthCerts: number
}

/** Everything the buys need, read once. */
class Place {
  readonly buildings: BuildingDoc[]
  readonly buildingName: Map<string, string>
  readonly households: HouseholdDoc[]
  /** Who may order for a household, as placeOrder's `orderingAs` lets them: a member, else its 代管 holder. */
  readonly orderers = new Map<string, { by: string; byName: string; proxy: boolean }[]>()
  readonly names = new Map<string, string>()

  constructor(readonly input: GroupBuyDemoInput) {
    this.buildings = [...input.buildings].sort(byOrder)
    this.buildingName = new Map(input.buildings.map((b) => [b._id, b.name]))
    this.households = input.households.filter((h) => h.members.length > 0)
    for (const h of this.households) for (const m of h.members) if (m.openid) this.names.set(m.openid, m.name)
    for (const h of this.households) {
      const members = h.members.flatMap((m) => (m.openid ? [{ by: m.openid, byName: m.name, proxy: false }] : []))
      // A 代管 holder who is not a member: the lead (named from their own household) or a relative living elsewhere,
      // whose name placeOrder reads from a join request the demo no longer has (shown as nothing).
      const holders = h.linkedOpenids
        .filter((o) => !h.members.some((m) => m.openid === o))
        .map((o) => ({ by: o, byName: this.names.get(o) ?? '', proxy: true }))
      const who = members.length ? members : holders
      if (who.length) this.orderers.set(h._id, who)
    }
  }

  label(h: HouseholdDoc): string {
    return householdLabel(this.buildingName.get(h.buildingId) ?? '', h.room)
  }

  listBuildings(): ListBuilding[] {
    return this.buildings.map((b) => ({ id: b._id, name: b.name, order: b.order }))
  }
}

/** Photos of an application, uploaded from the shop's phone under merchants/<communityId>/<openid>/. */
function applicationPhotos(
  p: Place,
  rng: Rng,
  shop: Shop,
  files: DemoFile[],
): Pick<MerchantDoc, 'licence' | 'foodPermit' | 'healthCerts'> {
  let at = shop.appliedAt - rng.int(4, 9) * MINUTE
  const upload = (kind: DocPhotoKind, tag: string) => {
    at += rng.int(20, 70) * SECOND
    // The page's uploadPhoto: `<folder>/<kind>-<Date.now()>-<6 random>.<ext>`.
    const path = `merchants/${p.input.community._id}/${shop.openid}/${tag}-${at}-${base36(rng, 6)}.png`
    files.push({ path, base64: docPhotoFile(kind).base64, openid: shop.openid })
    return localFileId(p.input.env, path)
  }
  return {
    licence: [upload('licence', 'licence')],
    foodPermit: [upload('foodPermit', 'foodPermit')],
    healthCerts: Array.from({ length: shop.healthCerts }, () => upload('healthCert', 'healthCerts')),
  }
}

/** applyMerchant's document for a shop's first application. */
function application(p: Place, rng: Rng, shop: Shop, files: DemoFile[]): MerchantDoc {
  const sex = rng.chance(0.5) ? 'm' : 'f'
  const appliedAt = new Date(shop.appliedAt)
  const doc: MerchantDoc = {
    _id: merchantId(p.input.community._id, shop.openid),
    communityId: p.input.community._id,
    openid: shop.openid,
    shopName: shop.shopName,
    contactName: surname(rng) + givenName(rng, sex, rng.int(30, 55)),
    phone: shopPhone(rng.int(1, 9999)),
    goods: shop.goods,
    ...applicationPhotos(p, rng, shop, files),
    status: 'pending',
    appliedAt,
    history: [{ status: 'pending', at: appliedAt, by: shop.openid, byName: '商家' }],
    complaints: { total: 0, open: 0 },
  }
  if (shop.note) doc.note = shop.note
  return doc
}

/** A household's intent as placeOrder / cancelOrder write it. */
function intentOf(
  p: Place,
  rng: Rng,
  buy: BuyDoc,
  h: HouseholdDoc,
  who: { by: string; byName: string; proxy: boolean },
  at: number,
  q: Quantities,
  cancel: boolean,
  note?: string,
): OrderIntakeDoc {
  const intake: OrderIntakeDoc = {
    _id: orderId(buy._id, h._id),
    buyId: buy._id,
    communityId: h.communityId,
    householdId: h._id,
    buildingId: h.buildingId,
    groupId: h.groupId,
    room: h.room,
    floor: h.floor,
    label: p.label(h),
    notify: [...new Set([...h.linkedOpenids, who.by])],
    lines: buy.items.flatMap((it) => (q[it.id] ? [{ itemId: it.id, qty: q[it.id] as number }] : [])),
    cancel,
    at: new Date(at),
    by: who.by,
    byName: who.byName,
    proxy: who.proxy,
    nonce: hex(rng, 24),
    requestId: requestIdAt(rng, at),
  }
  if (note && !cancel) intake.note = note
  return intake
}

/** What one household asks for: each item by its chance, in whole packs, within its limit. */
type Wish = (rng: Rng) => Quantities

interface Sale {
  buy: BuyDoc
  ledger: BuyLedgerDoc
  orders: Map<string, OrderDoc>
  /** When each household's order last changed. */
  changedAt: Map<string, number>
}

/**
 * Orders of a sale, made one at a time in time order as the page and the sequencer would: each household asks for
 * what it wants, less what placeOrder would refuse at once (a sold-out item dropped, a line cut to what is left);
 * the intent is merged alone (one sequencer run per order: the ledger's version moves once each), and the order
 * written from the one before. Some households change their order later (an edit keeps its 接龙号) or cancel it
 * (it keeps its number, marked cancelled).
 */
function runSale(
  p: Place,
  rng: Rng,
  buy: BuyDoc,
  plan: { households: HouseholdDoc[]; from: number; to: number; wish: Wish; edits: number; cancels: number },
): Sale {
  const sale: Sale = { buy, ledger: newLedger(buy), orders: new Map(), changedAt: new Map() }
  type Step = { at: number; h: HouseholdDoc; kind: 'order' | 'edit' | 'cancel' }
  const steps: Step[] = plan.households.map((h) => ({ at: early(rng, plan.from, plan.to), h, kind: 'order' }))
  const changers = rng.shuffle(steps).slice(0, plan.edits + plan.cancels)
  changers.forEach((s, i) => {
    const at = s.at + Math.round((plan.to - s.at) * (0.2 + 0.7 * rng.next()))
    steps.push({ at, h: s.h, kind: i < plan.edits ? 'edit' : 'cancel' })
  })
  steps.sort((a, b) => a.at - b.at || (a.h._id < b.h._id ? -1 : 1))
  const NOTES = ['放门口就行，谢谢', '家里有老人，麻烦敲门', '下午家里没人，放楼道门口', '鸡蛋请轻放']
  for (const s of steps) {
    const whoList = p.orderers.get(s.h._id)
    if (!whoList) continue
    const who = rng.pick(whoList)
    const mine = sale.ledger.orders[s.h._id]
    const before = mine?.st === 'a' ? mine.q : undefined
    const q: Quantities = {}
    let cancel = false
    if (s.kind === 'cancel') {
      if (!before) continue
      cancel = true
    } else {
      const wanted = s.kind === 'edit' && before ? { ...before, ...plan.wish(rng) } : plan.wish(rng)
      // What placeOrder lets through: each line as far as the stock left (in whole packs), else dropped.
      for (const it of buy.items) {
        const qty = wanted[it.id] ?? 0
        if (!qty) continue
        const left = (sale.ledger.remaining[it.id] ?? Infinity) + (before?.[it.id] ?? 0)
        const fits = Math.min(qty, Math.floor(left / it.packSize) * it.packSize)
        if (fits > 0) q[it.id] = fits
      }
      if (Object.keys(q).length === 0 || linesProblem(buy, q, before, sale.ledger.remaining)) continue
      if (s.kind === 'edit' && before && JSON.stringify(q) === JSON.stringify(before)) continue
    }
    const note = !cancel && rng.chance(0.08) ? rng.pick(NOTES) : undefined
    const intent = intentOf(p, rng, buy, s.h, who, s.at, q, cancel, note)
    const applied = applyIntents(sale.ledger, buy, [intent])
    const outcome = applied.outcomes[0]
    if (!outcome || outcome.change === 'refused' || outcome.change === 'repeat')
      throw new Error(`demo order of ${intent.label} refused: ${outcome?.order.refusal?.message ?? outcome?.change}`)
    sale.ledger = { ...sale.ledger, ...applied.state, version: sale.ledger.version + 1 }
    const mergedAt = new Date(s.at + rng.int(60, 400))
    sale.orders.set(s.h._id, nextOrderDoc(buy, intent, outcome.order, sale.orders.get(s.h._id), mergedAt))
    sale.changedAt.set(s.h._id, mergedAt.getTime())
  }
  return sale
}

/** recordPayment by the buy's shop for the whole of each chosen active order, some time after it last changed. */
function payments(rng: Rng, sale: Sale, share: number, until: number): void {
  const shop = sale.buy.shopName ?? '商家'
  for (const [h, order] of sale.orders) {
    if (order.status !== 'active' || !rng.chance(share)) continue
    const last = sale.changedAt.get(h) as number
    const at = last + Math.round((until - last) * (0.1 + 0.85 * rng.next()))
    const method = rng.weighted<PaymentMethod>([
      ['wechat', 78],
      ['alipay', 10],
      ['cash', 12],
    ])
    order.payment = {
      ...order.payment,
      status: 'paid',
      method,
      paid: order.total,
      paidAt: new Date(at),
      by: sale.buy.organiser.openid,
      byName: shop,
      marks: (order.payment.marks ?? 0) + 1,
    }
  }
}

/** A buy as createBuy writes it (a sale of the shop, or the committee's drop), its notice sent as it was made. */
function newBuy(
  p: Place,
  rng: Rng,
  o: {
    kind: BuyKind
    organiser: BuyDoc['organiser']
    shop?: MerchantDoc
    title: string
    note: string
    items: ItemInput[]
    minTotal?: number
    createdAt: number
    opensAt: number
    closesAt: number
    deliveryAt: number
  },
): BuyDoc {
  const community = p.input.community._id
  const requestId = requestIdAt(rng, o.createdAt - rng.int(20, 90) * SECOND)
  const scope = scopeBuildings(undefined, p.buildings)
  const buy: BuyDoc = {
    _id: buyId(community, o.organiser.openid, requestId),
    communityId: community,
    kind: o.kind,
    status: o.opensAt > o.createdAt ? 'scheduled' : 'open',
    title: o.title,
    note: o.note,
    organiser: o.organiser,
    items: newItems(o.items),
    allBuildings: scope.allBuildings,
    buildingIds: scope.buildingIds,
    opensAt: new Date(o.opensAt),
    closesAt: new Date(o.closesAt),
    deliveryAt: new Date(o.deliveryAt),
    createdAt: new Date(o.createdAt),
    updatedAt: new Date(o.createdAt),
    requestId,
    announcedAt: new Date(o.createdAt + rng.int(200, 900)),
  }
  if (o.shop) Object.assign(buy, { merchantId: o.shop._id, shopName: o.shop.shopName })
  if (o.minTotal) buy.minTotal = o.minTotal
  return buy
}

function buySummary(buy: BuyDoc, ledger: BuyLedgerDoc, orders: readonly OrderDoc[]): DemoBuySummary {
  const active = orders.filter((o) => o.status === 'active')
  return {
    buyId: buy._id,
    kind: buy.kind,
    title: buy.title,
    status: buy.status as BuyStatus,
    opensAt: new Date(buy.opensAt).toISOString(),
    closesAt: new Date(buy.closesAt).toISOString(),
    deliveryAt: new Date(buy.deliveryAt).toISOString(),
    active: active.length,
    cancelled: orders.filter((o) => o.status === 'cancelled').length,
    paid: orders.filter((o) => o.payment.status === 'paid').length,
    buildings: new Set(active.map((o) => o.buildingId)).size,
    numbered: ledger.nextNo - 1,
    total: ledger.total,
    soldOut: buy.items
      .filter((it) => it.stock !== undefined && (ledger.remaining[it.id] ?? 0) < it.packSize)
      .map((it) => it.name),
  }
}

/** Households likely to join a sale: those with someone on WeChat more than those a proxy orders for. */
function buyers(p: Place, rng: Rng, n: number, skip: ReadonlySet<string>): HouseholdDoc[] {
  const weight = (h: HouseholdDoc) => (h.members.some((m) => m.openid) ? 1 : 0.5)
  return p.households
    .filter((h) => p.orderers.has(h._id) && !skip.has(h._id))
    .map((h) => ({ h, key: Math.pow(rng.next(), 1 / weight(h)) }))
    .sort((a, b) => b.key - a.key)
    .slice(0, n)
    .map((x) => x.h)
}

/** Some of the items, each by its chance: 1 pack, sometimes 2. */
const wishOf =
  (items: readonly { id: string; packSize: number; chance: number; more: number }[]): Wish =>
  (rng) => {
    const q: Quantities = {}
    for (const it of items) if (rng.chance(it.chance)) q[it.id] = it.packSize * (rng.chance(it.more) ? 2 : 1)
    if (Object.keys(q).length === 0) {
      const it = items[0] as (typeof items)[number]
      q[it.id] = it.packSize
    }
    return q
  }

export function demoGroupBuys(input: GroupBuyDemoInput): GroupBuyDemo {
  const p = new Place(input)
  const { now, community } = input
  const files: DemoFile[] = []
  const committee = input.roles.find((r) => r.role === 'committee' && r.openid === input.committeeOpenid)
  const committeeName = committee?.holderName ?? '居委'
  const role = input.roles.find((r) => r.role === 'merchant' && r.openid === input.merchantOpenid)
  if (!role) throw new Error(`${input.merchantOpenid} holds no merchant grant`)

  // ---------- the approved merchant: applied the day before the committee granted it ----------
  const shopRng = input.rng.fork('merchant')
  const approvedAt = new Date(role.grantedAt)
  const full = input.full
  const shop = application(
    p,
    shopRng,
    {
      openid: input.merchantOpenid,
      shopName: full ? '朱泾鲜丰生鲜超市' : `${community.name}便民菜店`,
      goods: '蔬菜、鸡蛋、米面粮油、水果、牛奶',
      appliedAt: approvedAt.getTime() - shopRng.int(18 * 60, 26 * 60) * MINUTE,
      healthCerts: 2,
    },
    files,
  )
  Object.assign(shop, {
    status: 'approved',
    approvedAt,
    decidedAt: approvedAt,
    decidedBy: input.committeeOpenid,
    roleId: merchantRoleId(shop),
  })
  shop.history.push({ status: 'approved', at: approvedAt, by: input.committeeOpenid, byName: committeeName })
  // The grant decideMerchant writes with the approval: the shop's name on it, from the member who approved.
  const merchantRole: RoleDoc = {
    ...role,
    _id: merchantRoleId(shop),
    holderName: shop.shopName,
    grantedBy: input.committeeOpenid,
    grantedAt: approvedAt,
  }
  const merchants: MerchantDoc[] = [shop]
  const out: GroupBuyDemo = {
    merchants,
    buys: [],
    buyLedgers: [],
    orders: [],
    complaints: [],
    deliveries: [],
    deliveryStops: [],
    deliveryBuildings: [],
    deliveryTrips: [],
    deliveryProblems: [],
    files,
    merchantRole,
    summary: { merchants: [], buys: [], complaints: 0, photos: 0 },
  }

  if (full) {
    // ---------- a second shop's application, sent a few hours ago, for the committee to review ----------
    const pendingRng = input.rng.fork('applicant')
    merchants.push(
      application(
        p,
        pendingRng,
        {
          openid: full.applicantOpenid,
          shopName: '老街口便民副食店',
          goods: '米面粮油、调味品、方便食品、日用品',
          note: '另有一位送货员的健康证在办理中，办好后补交',
          appliedAt: now - pendingRng.int(150, 230) * MINUTE,
          healthCerts: 1,
        },
        files,
      ),
    )

    const organiser = { openid: shop.openid, role: 'merchant' as const, name: shop.shopName }
    const today = shanghaiDay(now)
    const yesterday = addDays(today, -1)
    const tomorrow = addDays(today, 1)
    const skip = new Set(full.noOrder)

    // ---------- yesterday's sale: closed by the timer at its deadline, delivered, one complaint ----------
    const closedRng = input.rng.fork('closed sale')
    const closedOpens = dayAt(yesterday, 7, closedRng.int(0, 20))
    const closedCloses = dayAt(yesterday, 12)
    const closedBuy = newBuy(p, closedRng, {
      kind: 'sale',
      organiser,
      shop,
      title: '苹果·橙子·纯牛奶 社区团购',
      note: '今天中午12点截单，下午4点前送到各楼栋门口，由志愿者接力送到家。牛奶整箱卖，每箱24盒。',
      items: [
        { name: '苹果', spec: '5斤/袋', unit: '袋', packSize: 1, price: 2500, stock: 200, limit: 2 },
        { name: '橙子', spec: '10斤/箱', unit: '箱', packSize: 1, price: 4800, stock: 60, limit: 1 },
        { name: '纯牛奶', spec: '250ml×24盒/箱', unit: '盒', packSize: 24, price: 250, stock: 24 * 80, limit: 48 },
      ],
      minTotal: 100000,
      createdAt: closedOpens,
      opensAt: closedOpens,
      closesAt: closedCloses,
      deliveryAt: dayAt(yesterday, 16),
    })
    const closed = runSale(p, closedRng, closedBuy, {
      households: buyers(p, closedRng, 132, new Set()),
      from: closedOpens + 2 * MINUTE,
      to: closedCloses - 5 * MINUTE,
      wish: wishOf([
        { id: 'i1', packSize: 1, chance: 0.7, more: 0.25 },
        { id: 'i2', packSize: 1, chance: 0.3, more: 0 },
        { id: 'i3', packSize: 24, chance: 0.4, more: 0.15 },
      ]),
      edits: 5,
      cancels: 3,
    })
    payments(closedRng, closed, 0.9, closedCloses + 3 * HOUR)
    // The timer's close (server/groupbuy/buys.ts closeBuyDocs → finish): the cut at the deadline on the buy and
    // the ledger, the totals, the delivery for the relay, the status last.
    const ranAt = closedCloses + closedRng.int(5, 290) * SECOND
    const closedOrders = [...closed.orders.values()]
    const summary = summarize(closedBuy, closedOrders, p.listBuildings())
    Object.assign(closedBuy, {
      status: 'closed',
      closedAt: new Date(closedCloses),
      closedBy: 'timer',
      summary,
      updatedAt: new Date(ranAt + closedRng.int(400, 1500)),
    })
    closed.ledger = { ...closed.ledger, closedAt: new Date(closedCloses), version: closed.ledger.version + 1 }
    const delivery: DeliveryDoc = {
      _id: closedBuy._id,
      communityId: community._id,
      buyId: closedBuy._id,
      kind: closedBuy.kind,
      title: closedBuy.title,
      status: 'awaiting',
      deliveryAt: new Date(closedBuy.deliveryAt),
      createdAt: new Date(ranAt + closedRng.int(200, 900)),
      buildings: summary.buildings.map((b) => ({
        buildingId: b.buildingId,
        households: b.households,
        pieces: b.pieces,
      })),
      households: summary.households,
      pieces: summary.pieces,
    }
    // A household whose apples came short files a complaint that evening, with a photo of the scale.
    const complainer = closedOrders.find(
      (o) =>
        o.status === 'active' &&
        !o.proxy &&
        o.lines.some((l) => l.itemId === 'i1') &&
        p.households.find((h) => h._id === o.householdId)?.members.some((m) => m.openid === o.by),
    )
    if (complainer) {
      const at = dayAt(yesterday, 18, closedRng.int(0, 50)) + closedRng.int(0, 59) * SECOND
      const photoPath = `complaints/${community._id}/${complainer.by}/${complainer.householdId}-${at - closedRng.int(30, 90) * SECOND}-${base36(closedRng, 6)}.png`
      files.push({ path: photoPath, base64: docPhotoFile('complaint').base64, openid: complainer.by })
      const note = '苹果一袋标5斤，家里秤了只有4斤2两，少了快一斤'
      const complaint: ComplaintDoc = {
        _id: complaintIdOf(closedBuy._id, complainer.householdId, 'short', note),
        communityId: community._id,
        merchantId: shop._id,
        buyId: closedBuy._id,
        householdId: complainer.householdId,
        buildingId: complainer.buildingId,
        room: complainer.room,
        kind: 'short',
        note,
        photos: [localFileId(input.env, photoPath)],
        by: complainer.by,
        at: new Date(at),
        status: 'open',
      }
      out.complaints.push(complaint)
      shop.complaints = { total: 1, open: 1 }
    }

    // ---------- today's sale: open until a few hours from now, one item already sold out ----------
    const openRng = input.rng.fork('open sale')
    const opensAt = Math.floor(now / MINUTE) * MINUTE - openRng.int(200, 260) * MINUTE
    const closesAt = Math.ceil((now + 4 * HOUR) / (30 * MINUTE)) * 30 * MINUTE
    const openBuy = newBuy(p, openRng, {
      kind: 'sale',
      organiser,
      shop,
      title: '蔬菜套餐·鸡蛋·大米 保供团购',
      note: '蔬菜套餐每份约10斤（青菜、土豆、萝卜、洋葱等，按当天到货搭配）。鸡蛋整箱卖，每箱30个。截单后第二天上午送到各楼栋门口，志愿者接力送到家。',
      items: [
        { name: '蔬菜套餐', spec: '10斤/份', unit: '份', packSize: 1, price: 3800, stock: 300, limit: 2 },
        { name: '鸡蛋', spec: '30个/箱', unit: '个', packSize: 30, price: 60, stock: 30 * 120, limit: 60 },
        { name: '大米', spec: '10kg/袋', unit: '袋', packSize: 1, price: 6500, stock: 40, limit: 2 },
      ],
      minTotal: 200000,
      createdAt: opensAt,
      opensAt,
      closesAt,
      deliveryAt: dayAt(addDays(shanghaiDay(closesAt), 1), 10),
    })
    const open = runSale(p, openRng, openBuy, {
      households: buyers(p, openRng, 176, skip),
      from: opensAt + 2 * MINUTE,
      to: now - 3 * MINUTE,
      wish: wishOf([
        { id: 'i1', packSize: 1, chance: 0.72, more: 0.2 },
        { id: 'i2', packSize: 30, chance: 0.45, more: 0.15 },
        { id: 'i3', packSize: 1, chance: 0.4, more: 0.15 },
      ]),
      edits: 6,
      cancels: 4,
    })
    payments(openRng, open, 0.45, now - MINUTE)

    // ---------- the committee's drop: 10 kg of rice per household, opening tomorrow ----------
    const dropRng = input.rng.fork('drop')
    const dropBuy = newBuy(p, dropRng, {
      kind: 'drop',
      organiser: { openid: input.committeeOpenid, role: 'committee', name: committeeName },
      title: '保供大米发放：每户10公斤',
      note: '区里统一调配的保供大米，每户一袋（10公斤），不用下单，也不收钱。明天下午由志愿者按楼栋送到家门口，家中无人的请和楼组长约时间。',
      items: [
        {
          name: '大米',
          spec: '10公斤/袋',
          unit: '公斤',
          packSize: 10,
          price: 0,
          allot: { per: 'household', qty: 10 },
        },
      ],
      createdAt: Math.floor(now / MINUTE) * MINUTE - dropRng.int(30, 50) * MINUTE,
      opensAt: dayAt(tomorrow, 9),
      closesAt: dayAt(tomorrow, 12),
      deliveryAt: dayAt(tomorrow, 14),
    })

    out.buys.push(openBuy, closedBuy, dropBuy)
    out.buyLedgers.push(open.ledger, closed.ledger, newLedger(dropBuy))
    out.orders.push(...open.orders.values(), ...closedOrders)
    // Yesterday's relay of that delivery: planned, at the gate at 16:00, at the doors by about 18:30.
    const relay = demoRelay({
      rng: input.rng.fork('relay'),
      now,
      community,
      buildings: input.buildings,
      households: input.households,
      roles: input.roles,
      committeeOpenid: input.committeeOpenid,
      buy: closedBuy,
      orders: closedOrders,
      delivery,
    })
    out.deliveries.push(relay.delivery)
    out.deliveryStops.push(...relay.stops)
    out.deliveryBuildings.push(...relay.parts)
    out.deliveryTrips.push(...relay.trips)
    out.deliveryProblems.push(...relay.problems)
    if (relay.summary) out.summary.relay = relay.summary
    out.summary.buys.push(
      buySummary(openBuy, open.ledger, [...open.orders.values()]),
      buySummary(closedBuy, closed.ledger, closedOrders),
      buySummary(dropBuy, newLedger(dropBuy), []),
    )
  }

  out.summary.merchants = merchants.map((m) => ({
    merchantId: m._id,
    openid: m.openid,
    shopName: m.shopName,
    status: m.status,
  }))
  out.summary.complaints = out.complaints.length
  out.summary.photos = files.length
  return out
}

/** fileComplaint's id (cloudfunctions/groupbuy/src/complaints.ts): the same complaint again is the same document. */
export function complaintIdOf(buy: string, householdId: string, kind: ComplaintDoc['kind'], note: string): string {
  return `cmp_${createHash('sha256').update([buy, householdId, kind, note].join('\u0000')).digest('hex').slice(0, 24)}`
}
