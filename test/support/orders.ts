// A sale with its ledger, written as createBuy writes them, on the hand-made community of ./community.ts: what the
// order, concurrency and payment tests order from. Its shop is approved, with the merchant role.
import type { BuyDoc, BuyItemDoc, MerchantDoc } from '../../server/groupbuy/model'
import type { RoleDoc } from '../../server/community/model'
import { merchantId } from '../../server/groupbuy/ids'
import { roleId } from '../../server/community/ids'
import { newLedger } from '../../server/groupbuy/rules'
import type { TestCloud } from './localcloud'
import { C1 } from './community'

export const SHOP = 'o-shop'
export const SHOP_ID = merchantId(C1, SHOP)
const at = new Date('2026-11-01T00:00:00Z')

export const ITEMS: BuyItemDoc[] = [
  { id: 'i1', name: '土豆', spec: '约2.5斤/袋', unit: '袋', packSize: 1, price: 800, stock: 10, limit: 4 },
  { id: 'i2', name: '鸡蛋', spec: '30个/箱', unit: '个', packSize: 30, price: 50, stock: 300 },
  { id: 'i3', name: '青菜', spec: '500g', unit: '份', packSize: 1, price: 300, stock: 100 },
]

export function merchantDoc(status: MerchantDoc['status'] = 'approved'): MerchantDoc {
  return {
    _id: SHOP_ID,
    communityId: C1,
    openid: SHOP,
    shopName: '老王蔬菜店',
    contactName: '王老板',
    phone: '13912345678',
    goods: '蔬菜',
    licence: [],
    foodPermit: [],
    healthCerts: [],
    status,
    appliedAt: at,
    ...(status === 'approved' ? { approvedAt: at } : {}),
    history: [],
    complaints: { total: 0, open: 0 },
  }
}

export const merchantRole = (): RoleDoc => ({
  _id: roleId(SHOP, 'merchant', C1),
  openid: SHOP,
  communityId: C1,
  role: 'merchant',
  scope: { communityId: C1 },
  grantedBy: 'fixture',
  grantedAt: at,
})

/** An open sale of the shop (opened an hour before `now`, closing an hour after), all of c1's buildings. */
export function saleDoc(now: number, extra: Partial<BuyDoc> = {}): BuyDoc {
  return {
    _id: 'buy-veg',
    communityId: C1,
    kind: 'sale',
    status: 'open',
    title: '周末蔬菜团',
    note: '小区门口自提',
    merchantId: SHOP_ID,
    shopName: '老王蔬菜店',
    organiser: { openid: SHOP, role: 'merchant', name: '老王蔬菜店' },
    items: ITEMS.map((i) => ({ ...i })),
    allBuildings: true,
    buildingIds: ['b1', 'b2', 'b3'],
    opensAt: new Date(now - 3600_000),
    closesAt: new Date(now + 3600_000),
    deliveryAt: new Date(now + 86_400_000),
    createdAt: new Date(now - 7200_000),
    updatedAt: new Date(now - 7200_000),
    requestId: 'req-buy-veg',
    ...extra,
  }
}

/** Write a buy and its ledger as createBuy does (and the shop, approved, with its role). */
export async function putSale(t: TestCloud, buy: BuyDoc, merchant: MerchantDoc = merchantDoc()): Promise<BuyDoc> {
  await t.data.set('merchants', merchant)
  await t.data.set('roles', merchantRole())
  await t.data.set('buys', buy)
  await t.data.set('buyLedgers', newLedger(buy))
  return buy
}
