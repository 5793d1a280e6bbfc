// A closed sale of the approved shop (./buys.ts) over the hand-made community (./community.ts), with orders written
// as the sequencer writes them: what the lists, labels and imports tests print and import into.
import type { BuyDoc, BuyItemDoc, BuyLedgerDoc, OrderDoc } from '../../server/groupbuy/model'
import type { HouseholdDoc } from '../../server/community/model'
import { orderId } from '../../server/groupbuy/ids'
import { householdLabel } from '../../server/community/structure'
import type { TestCloud } from './localcloud'
import { B, C1 } from './community'
import { SHOP_ID, SHOPS } from './buys'

const at = new Date('2026-11-20T02:00:00Z')

/** Potatoes by the bag, eggs by the case of 12. */
export const ITEMS: BuyItemDoc[] = [
  { id: 'i1', name: '土豆', spec: '500g/袋', unit: '袋', packSize: 1, price: 350, stock: 500 },
  { id: 'i2', name: '鸡蛋', spec: '12个/箱', unit: '个', packSize: 12, price: 100, stock: 1200 },
]

export function buyDoc(id: string, extra: Partial<BuyDoc> = {}): BuyDoc {
  return {
    _id: id,
    communityId: C1,
    kind: 'sale',
    status: 'closed',
    title: '周末蔬菜团',
    note: '小区门口统一配送',
    merchantId: SHOP_ID,
    shopName: '老王蔬菜店',
    organiser: { openid: SHOPS.approved, role: 'merchant', name: '老王蔬菜店' },
    items: ITEMS.map((i) => ({ ...i })),
    allBuildings: true,
    buildingIds: ['b1', 'b2', 'b3'],
    opensAt: at,
    closesAt: new Date(at.getTime() + 3600_000),
    deliveryAt: new Date(at.getTime() + 86_400_000),
    createdAt: at,
    updatedAt: at,
    requestId: `req-${id}`,
    closedAt: new Date(at.getTime() + 3600_000),
    ...extra,
  }
}

const BUILDING_NAMES: Record<string, string> = Object.fromEntries(Object.values(B).map((b) => [b._id, b.name]))

/** A household's active order of the buy: units per item. */
export function orderDoc(
  buy: Pick<BuyDoc, '_id' | 'items' | 'communityId'>,
  h: HouseholdDoc,
  q: Record<string, number>,
  no: number,
  extra: Partial<OrderDoc> = {},
): OrderDoc {
  const lines = buy.items.flatMap((i) =>
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
  return {
    _id: orderId(buy._id, h._id),
    buyId: buy._id,
    communityId: buy.communityId,
    groupId: h.groupId,
    buildingId: h.buildingId,
    householdId: h._id,
    room: h.room,
    floor: h.floor,
    label: householdLabel(BUILDING_NAMES[h.buildingId] ?? '', h.room),
    no,
    status: 'active',
    lines,
    total: lines.reduce((s, l) => s + l.qty * l.price, 0),
    by: h.linkedOpenids[0] ?? 'fixture',
    byName: h.members[0]?.name ?? '',
    proxy: false,
    notify: [...h.linkedOpenids],
    placedAt: at,
    updatedAt: at,
    nonce: `n${no}`,
    requestIds: [],
    payment: { status: 'unpaid', paid: 0, refunds: [] },
    ...extra,
  }
}

/** The ledger a buy's orders leave (createBuy's, then the sequencer's merges). */
export function ledgerDoc(buy: BuyDoc, orders: readonly OrderDoc[] = []): BuyLedgerDoc {
  const remaining: Record<string, number> = {}
  const sold: Record<string, number> = {}
  for (const i of buy.items) {
    sold[i.id] = 0
    if (i.stock !== undefined) remaining[i.id] = i.stock
  }
  const ledger: BuyLedgerDoc = {
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
  for (const o of orders) {
    const q = Object.fromEntries(o.lines.map((l) => [l.itemId, l.qty]))
    ledger.orders[o.householdId] = {
      ...(o.no !== undefined ? { no: o.no } : {}),
      q,
      st: o.status === 'active' ? 'a' : 'c',
      n: o.nonce,
    }
    ledger.nextNo = Math.max(ledger.nextNo, (o.no ?? 0) + 1)
    if (o.status !== 'active') continue
    ledger.active += 1
    ledger.total += o.total
    for (const l of o.lines) {
      sold[l.itemId] = (sold[l.itemId] ?? 0) + l.qty
      if (remaining[l.itemId] !== undefined) remaining[l.itemId] = (remaining[l.itemId] as number) - l.qty
    }
  }
  return ledger
}

/** Write a buy with its ledger and orders (and any extra households they are of). */
export async function putBuy(
  t: TestCloud,
  buy: BuyDoc,
  orders: readonly OrderDoc[],
  households: readonly HouseholdDoc[] = [],
): Promise<void> {
  if (households.length) await t.data.insertMany('households', [...households])
  await t.data.set('buys', buy)
  await t.data.set('buyLedgers', ledgerDoc(buy, orders))
  for (let i = 0; i < orders.length; i += 100) await t.data.insertMany('orders', orders.slice(i, i + 100))
}

/** The community of the buy as its buildings are ordered: C1's 1号, 2号, 3号. */
export const BUILDINGS = [B.b1, B.b2, B.b3]
