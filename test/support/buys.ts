// Shops and buys for group-buy tests over the hand-made community (./community.ts): an approved, a suspended and a
// pending shop of c1 (the approved one with its `merchant` grant, as approval stores it), and the input of a sale and
// a drop dated from the platform clock.
import type { BuyInput, Envelope } from '../../typings/api'
import type { RoleDoc } from '../../server/community/model'
import type { MerchantDoc } from '../../server/groupbuy/model'
import { roleId } from '../../server/community/ids'
import { merchantId } from '../../server/groupbuy/ids'
import type { TestCloud } from './localcloud'
import { C1 } from './community'

export const SHOPS = {
  /** 老王蔬菜店: approved, holds the merchant role. */
  approved: 'o-shop',
  /** Suspended by the committee, its role not yet taken away. */
  suspended: 'o-shop-suspended',
  /** Applied, not decided. */
  pending: 'o-shop-pending',
} as const

export const SHOP_ID = merchantId(C1, SHOPS.approved)

const at = new Date('2026-11-01T00:00:00Z')

function merchant(openid: string, shopName: string, status: MerchantDoc['status']): MerchantDoc {
  return {
    _id: merchantId(C1, openid),
    communityId: C1,
    openid,
    shopName,
    contactName: '王老板',
    phone: '13912345678',
    goods: '蔬菜、鸡蛋',
    licence: ['cloud://x/l.jpg'],
    foodPermit: ['cloud://x/f.jpg'],
    healthCerts: ['cloud://x/h.jpg'],
    status,
    appliedAt: at,
    ...(status === 'approved' || status === 'suspended' ? { approvedAt: at } : {}),
    history: [],
    complaints: { total: 0, open: 0 },
  }
}

const merchantRole = (openid: string): RoleDoc => ({
  _id: roleId(openid, 'merchant', C1),
  openid,
  communityId: C1,
  role: 'merchant',
  scope: { communityId: C1 },
  grantedBy: 'fixture',
  grantedAt: at,
})

/** The three shops (and the grants of the approved and the suspended one), after loadFixture. */
export async function addShops(t: TestCloud): Promise<void> {
  for (const m of [
    merchant(SHOPS.approved, '老王蔬菜店', 'approved'),
    merchant(SHOPS.suspended, '小李水果', 'suspended'),
    merchant(SHOPS.pending, '新开超市', 'pending'),
  ])
    await t.data.set('merchants', m)
  for (const r of [merchantRole(SHOPS.approved), merchantRole(SHOPS.suspended)]) await t.data.set('roles', r)
}

let seq = 0
export const requestId = () => `req-${Date.now().toString(36)}-${++seq}`

const isoIn = (t: TestCloud, ms: number) => new Date(t.now() + ms).toISOString()
export const HOUR = 3_600_000

/** A sale open now until in two hours: potatoes by the bag (limit 5), eggs by the case of 30. */
export function saleInput(t: TestCloud, over: Partial<BuyInput> = {}): BuyInput {
  return {
    communityId: C1,
    kind: 'sale',
    title: '蔬菜鸡蛋团购',
    note: '小区门口统一配送到楼',
    items: [
      { name: '土豆', spec: '500g/袋', unit: '袋', packSize: 1, price: 350, stock: 100, limit: 5 },
      { name: '鸡蛋', spec: '30个/箱', unit: '个', packSize: 30, price: 60, stock: 300 },
    ],
    opensAt: isoIn(t, -60_000),
    closesAt: isoIn(t, 2 * HOUR),
    deliveryAt: isoIn(t, 24 * HOUR),
    requestId: requestId(),
    ...over,
  }
}

/** A drop: 10 kg of rice per household, 5 masks per person. */
export function dropInput(t: TestCloud, over: Partial<BuyInput> = {}): BuyInput {
  return {
    communityId: C1,
    kind: 'drop',
    title: '爱心物资发放',
    note: '居委免费发放',
    items: [
      { name: '大米', spec: '10kg/袋', unit: '袋', packSize: 1, price: 0, allot: { per: 'household', qty: 1 } },
      { name: '口罩', spec: '5只/包', unit: '只', packSize: 5, price: 0, allot: { per: 'person', qty: 5 } },
    ],
    opensAt: isoIn(t, -60_000),
    closesAt: isoIn(t, 2 * HOUR),
    deliveryAt: isoIn(t, 24 * HOUR),
    requestId: requestId(),
    ...over,
  }
}

/** Calls of the groupbuy function as one caller. */
export function groupbuy(t: TestCloud) {
  const call = <T>(openid: string, action: string, payload: object = {}) =>
    t.call<Envelope<T>>('groupbuy', { action, payload }, openid)
  const ok = async <T>(openid: string, action: string, payload: object = {}): Promise<T> => {
    const r = await call<T>(openid, action, payload)
    if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message} ${r.field ?? ''}`)
    return r.data
  }
  /** Run the function's timer now, as the platform would. */
  const timer = () => t.admin<unknown>('functions/groupbuy/trigger', { body: { trigger: 'housekeeping' } })
  return { call, ok, timer }
}
