// Pure rules of buys: what a buy may be (items, times, scope), its status by the clock, the item views, who manages
// it and whose buildings a caller sees, and a drop's allotment. No I/O: the actions and the timer bring the
// documents. The ledger's rules are ./ledger.ts; the totals made at close and the printed lists, ./lists.ts.
import type { BuyItemView, BuyKind, BuyStatus, Role, RoleGrant } from '../../typings/api'
import type { BuildingDoc, HouseholdDoc } from '../community/model'
import type { BuyDoc, BuyItemDoc, BuyLedgerDoc, BuySummaryDoc, OrderDoc } from './model'
import { AppError } from '../kernel/errors'
import { naturalCompare } from '../community/structure'
import { itemId } from './ids'
import { roomOrder } from './lists'

/** Items in one buy. */
export const MAX_ITEMS = 30
/** A pack (a case of 12, a crate of 30) holds at most this many units. */
export const MAX_PACK = 1000
/** Price of one unit, in 分: at most ¥100,000. */
export const MAX_PRICE = 10_000_000
/** Units of one item on offer at most. */
export const MAX_STOCK = 1_000_000
/** A drop gives at most this many units per household or person. */
export const MAX_ALLOT = 1000
/** The deadline is at most this many days ahead. */
export const MAX_DAYS_AHEAD = 30
/** Delivery is expected at most this many days after the deadline. */
export const MAX_DELIVERY_DAYS = 30
/** Buildings named in one buy's scope. */
export const MAX_BUILDINGS = 500
/** A buy's minimum total, in 分: at most ¥10,000,000. */
export const MAX_MIN_TOTAL = 1_000_000_000

const DAY_MS = 86_400_000

/** An item as createBuy and updateBuy take it (BuyItemInput). */
export interface ItemInput {
  name: string
  spec: string
  unit: string
  packSize: number
  price: number
  stock?: number
  limit?: number
  allot?: { per: 'household' | 'person'; qty: number }
}

const bad = (message: string, field: string) => new AppError('INVALID_INPUT', message, field)

/**
 * A sale's items have a price, a stock in whole packs and maybe a per-household limit in whole packs; a drop's have
 * an allotment in whole packs, no price, stock or limit. Throws INVALID_INPUT naming the first bad field.
 */
export function checkItems(kind: BuyKind, items: readonly ItemInput[]): void {
  if (items.length < 1 || items.length > MAX_ITEMS) throw bad(`商品要有 1–${MAX_ITEMS} 件`, 'items')
  const seen = new Set<string>()
  items.forEach((it, i) => {
    const at = (f: string) => `items.${i}.${f}`
    const label = `第 ${i + 1} 件商品「${it.name}」`
    const key = `${it.name}\u0000${it.spec}`
    if (seen.has(key)) throw bad(`${label}重复了：同名同规格的商品只写一次`, at('name'))
    seen.add(key)
    if (!Number.isInteger(it.packSize) || it.packSize < 1 || it.packSize > MAX_PACK)
      throw bad(`${label}的每份数量要是 1–${MAX_PACK} 的整数`, at('packSize'))
    if (kind === 'drop') {
      if (it.price !== 0) throw bad(`${label}是免费发放的，单价应为 0`, at('price'))
      if (it.stock !== undefined) throw bad(`${label}按发放标准计算总数，不填库存`, at('stock'))
      if (it.limit !== undefined) throw bad(`${label}按发放标准发放，不填限购`, at('limit'))
      if (!it.allot) throw bad(`请填写${label}的发放标准（每户或每人几${it.unit}）`, at('allot'))
      if (it.allot.qty % it.packSize !== 0)
        throw bad(`${label}每份 ${it.packSize}${it.unit}，发放数量要是 ${it.packSize} 的整数倍`, at('allot.qty'))
      return
    }
    if (it.allot) throw bad(`${label}：团购商品没有发放标准`, at('allot'))
    if (!Number.isInteger(it.price) || it.price < 0 || it.price > MAX_PRICE)
      throw bad(`${label}的单价不正确`, at('price'))
    if (it.stock === undefined) throw bad(`请填写${label}的库存`, at('stock'))
    if (it.stock < it.packSize) throw bad(`${label}的库存至少要有一份（${it.packSize}${it.unit}）`, at('stock'))
    if (it.stock % it.packSize !== 0)
      throw bad(`${label}每份 ${it.packSize}${it.unit}，库存要是 ${it.packSize} 的整数倍`, at('stock'))
    if (it.limit !== undefined) {
      if (it.limit < it.packSize || it.limit % it.packSize !== 0)
        throw bad(`${label}每份 ${it.packSize}${it.unit}，限购要是 ${it.packSize} 的整数倍`, at('limit'))
      if (it.limit > it.stock) throw bad(`${label}的限购不能超过库存`, at('limit'))
    }
  })
}

/** The stored items, numbered i1, i2 … in the order given. */
export function newItems(items: readonly ItemInput[]): BuyItemDoc[] {
  return items.map((it, i) => {
    const doc: BuyItemDoc = {
      id: itemId(i),
      name: it.name,
      spec: it.spec,
      unit: it.unit,
      packSize: it.packSize,
      price: it.price,
    }
    if (it.stock !== undefined) doc.stock = it.stock
    if (it.limit !== undefined) doc.limit = it.limit
    if (it.allot) doc.allot = { per: it.allot.per, qty: it.allot.qty }
    return doc
  })
}

/**
 * The sale window: opens before the deadline, the deadline after now and at most MAX_DAYS_AHEAD days ahead,
 * delivery at or after the deadline (at most MAX_DELIVERY_DAYS after it). Throws INVALID_INPUT naming the field.
 */
export function checkTimes(t: { opensAt: number; closesAt: number; deliveryAt: number }, now: number): void {
  if (t.closesAt <= now) throw bad('截单时间要晚于现在', 'closesAt')
  if (t.closesAt > now + MAX_DAYS_AHEAD * DAY_MS) throw bad(`截单时间最多是 ${MAX_DAYS_AHEAD} 天以后`, 'closesAt')
  if (t.opensAt >= t.closesAt) throw bad('开团时间要早于截单时间', 'opensAt')
  if (t.deliveryAt < t.closesAt) throw bad('预计送达时间不能早于截单时间', 'deliveryAt')
  if (t.deliveryAt > t.closesAt + MAX_DELIVERY_DAYS * DAY_MS)
    throw bad(`预计送达时间最多是截单后 ${MAX_DELIVERY_DAYS} 天`, 'deliveryAt')
}

/**
 * Buildings in scope, in the community's order: every building when none is named; else the named ones (repeats
 * dropped), each of this community (NOT_FOUND otherwise).
 */
export function scopeBuildings(
  named: readonly string[] | undefined,
  buildings: readonly Pick<BuildingDoc, '_id' | 'order' | 'name'>[],
): { allBuildings: boolean; buildingIds: string[] } {
  const ordered = [...buildings].sort((a, b) => a.order - b.order || naturalCompare(a.name, b.name))
  if (ordered.length === 0) throw bad('本小区还没有楼栋', 'buildingIds')
  if (!named) return { allBuildings: true, buildingIds: ordered.map((b) => b._id) }
  const wanted = new Set(named)
  if (wanted.size === 0) throw bad('请至少选一栋楼', 'buildingIds')
  if (wanted.size > MAX_BUILDINGS) throw bad(`最多选 ${MAX_BUILDINGS} 栋楼`, 'buildingIds')
  const inScope = ordered.filter((b) => wanted.has(b._id))
  if (inScope.length !== wanted.size) throw new AppError('NOT_FOUND', '有楼栋不属于本小区', 'buildingIds')
  return { allBuildings: inScope.length === ordered.length, buildingIds: inScope.map((b) => b._id) }
}

/** The buy's ledger when it is created: all stock remaining, nothing sold, numbers from 1, no orders. */
export function newLedger(buy: Pick<BuyDoc, '_id' | 'communityId' | 'items'>): BuyLedgerDoc {
  const remaining: Record<string, number> = {}
  const sold: Record<string, number> = {}
  for (const it of buy.items) {
    sold[it.id] = 0
    if (it.stock !== undefined) remaining[it.id] = it.stock
  }
  return {
    _id: buy._id,
    communityId: buy.communityId,
    remaining,
    sold,
    nextNo: 1,
    orders: {},
    active: 0,
    total: 0,
    version: 0,
  }
}

type Timed = Pick<BuyDoc, 'status' | 'opensAt' | 'closesAt'>

const ms = (d: Date | string) => new Date(d).getTime()

/** The stored status read by the clock: `scheduled` is `open` from opensAt on. `closing` stays as it is. */
export function effectiveStatus(buy: Timed, now: number): BuyDoc['status'] {
  return buy.status === 'scheduled' && ms(buy.opensAt) <= now ? 'open' : buy.status
}

/** The status clients see: a close or cancellation under way still reads as open until it ends. */
export function viewStatus(buy: Timed, now: number): BuyStatus {
  const s = effectiveStatus(buy, now)
  return s === 'closing' ? 'open' : s
}

/** Closed, failed or cancelled: nothing about it changes any more. */
export const isFinal = (status: BuyDoc['status']) =>
  status === 'closed' || status === 'failed' || status === 'cancelled'

const grantsIn = (grants: readonly RoleGrant[], communityId: string, roles: readonly Role[]) =>
  grants.filter((g) => g.scope.communityId === communityId && roles.includes(g.role))

/**
 * Who may edit, close, cancel and record payments: the committee of the buy's community, whoever created it (a
 * 团长, a committee member), and the merchant whose shop sells (while it holds the merchant role).
 */
export function canManage(
  grants: readonly RoleGrant[],
  openid: string,
  buy: Pick<BuyDoc, 'communityId' | 'organiser' | 'merchantId'>,
  ownMerchantId?: string,
): boolean {
  if (grantsIn(grants, buy.communityId, ['committee']).length) return true
  if (buy.organiser.openid === openid && grantsIn(grants, buy.communityId, [buy.organiser.role]).length) return true
  return Boolean(
    buy.merchantId && ownMerchantId === buy.merchantId && grantsIn(grants, buy.communityId, ['merchant']).length,
  )
}

/** Roles that see every buy of their community. */
export const COMMUNITY_WIDE: readonly Role[] = ['committee', 'communityLead', 'groupLead']

/**
 * Where a caller sees buys in a community: every buy (committee, 团长, 营长), or the buys of some buildings (their
 * households' as a resident, their buildings' as a building or floor lead), and their own shop's (a merchant).
 */
export interface BuyAudience {
  all: boolean
  buildingIds: string[]
  merchant: boolean
}

export function audienceOf(grants: readonly RoleGrant[], communityId: string): BuyAudience {
  const here = grants.filter((g) => g.scope.communityId === communityId)
  const buildingIds = [
    ...new Set(
      here
        .filter((g) => ['resident', 'buildingLead', 'floorLead'].includes(g.role) && g.scope.buildingId)
        .map((g) => g.scope.buildingId as string),
    ),
  ]
  return {
    all: here.some((g) => COMMUNITY_WIDE.includes(g.role)),
    buildingIds,
    merchant: here.some((g) => g.role === 'merchant'),
  }
}

/** Whether this audience sees this buy. */
export function sees(
  audience: BuyAudience,
  buy: Pick<BuyDoc, 'buildingIds' | 'merchantId' | 'organiser'>,
  openid: string,
  ownMerchantId?: string,
): boolean {
  if (audience.all || buy.organiser.openid === openid) return true
  if (audience.merchant && buy.merchantId && buy.merchantId === ownMerchantId) return true
  const scope = new Set(buy.buildingIds)
  return audience.buildingIds.some((b) => scope.has(b))
}

/**
 * The buildings (and floors) whose orders a lead sees on the chain and in the totals: undefined for the whole buy
 * (committee, 团长, 营长 of the community, organisers); else building ids, each with the floors of a floor lead (null:
 * the whole building).
 */
export function leadBuildings(grants: readonly RoleGrant[], communityId: string): Map<string, Set<number> | null> {
  const out = new Map<string, Set<number> | null>()
  for (const g of grants) {
    if (g.scope.communityId !== communityId || !g.scope.buildingId) continue
    if (g.role === 'buildingLead') out.set(g.scope.buildingId, null)
    else if (g.role === 'floorLead' && typeof g.scope.floor === 'number') {
      const have = out.get(g.scope.buildingId)
      if (have === null) continue
      const floors = have ?? new Set<number>()
      floors.add(g.scope.floor)
      out.set(g.scope.buildingId, floors)
    }
  }
  return out
}

/** Whether a lead's buildings and floors take in this order's household. */
export function leadCovers(
  lead: ReadonlyMap<string, ReadonlySet<number> | null>,
  o: Pick<OrderDoc, 'buildingId' | 'floor'>,
): boolean {
  if (!lead.has(o.buildingId)) return false
  const floors = lead.get(o.buildingId)
  return floors === null || floors === undefined || floors.has(o.floor)
}

/** What the item views are read from: the ledger while the buy runs, the summary made at close. */
export function itemViews(
  items: readonly BuyItemDoc[],
  ledger: Pick<BuyLedgerDoc, 'remaining' | 'sold'> | null,
  summary?: BuySummaryDoc,
): BuyItemView[] {
  const closedQty = new Map(summary?.purchase.map((p) => [p.itemId, p.qty]) ?? [])
  return items.map((it) => {
    const sold = summary ? (closedQty.get(it.id) ?? 0) : (ledger?.sold[it.id] ?? 0)
    const view: BuyItemView = {
      id: it.id,
      name: it.name,
      spec: it.spec,
      unit: it.unit,
      packSize: it.packSize,
      price: it.price,
      sold,
      soldOut: false,
    }
    if (it.limit !== undefined) view.limit = it.limit
    if (it.allot) view.allot = { ...it.allot }
    if (it.stock !== undefined) {
      const remaining = ledger?.remaining[it.id] ?? Math.max(0, it.stock - sold)
      // What is on offer now: the stock as created plus what was added since, i.e. what is sold and what is left.
      view.stock = ledger ? (ledger.sold[it.id] ?? 0) + remaining : it.stock
      view.remaining = remaining
      view.soldOut = remaining < it.packSize
    }
    return view
  })
}

/** Whether a sale's orders reach its minimum (a drop and a sale without one always do). */
export const minimumMet = (buy: Pick<BuyDoc, 'kind' | 'minTotal'>, total: number) =>
  buy.kind === 'drop' || !buy.minTotal || total >= buy.minTotal

/** A drop's units of an item for a household: per household, or per person living in it; nobody, nothing. */
export function allotment(item: Pick<BuyItemDoc, 'allot'>, h: Pick<HouseholdDoc, 'members'>): number {
  if (!item.allot || h.members.length === 0) return 0
  return item.allot.per === 'person' ? item.allot.qty * h.members.length : item.allot.qty
}

/**
 * The households a drop goes to, in the order they are numbered: by building (the scope's order), then rooms in
 * natural order (201 before 1701). Erased households and households nobody lives in get nothing.
 */
export function dropRecipients<H extends Pick<HouseholdDoc, 'buildingId' | 'room' | 'members' | 'erasedAt'>>(
  households: readonly H[],
  buildingOrder: readonly string[],
): H[] {
  const rank = new Map(buildingOrder.map((id, i) => [id, i]))
  return households
    .filter((h) => rank.has(h.buildingId) && !h.erasedAt && h.members.length > 0)
    .sort(
      (a, b) => (rank.get(a.buildingId) as number) - (rank.get(b.buildingId) as number) || roomOrder(a.room, b.room),
    )
}
