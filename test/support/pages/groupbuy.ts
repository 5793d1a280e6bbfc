// Group-buy answers shaped exactly like typings/api/groupbuy.d.ts, and a router that answers `groupbuy` calls.
import type {
  BuyDetail,
  BuyItemView,
  BuyView,
  ChainOrderView,
  ComplaintView,
  Envelope,
  GroupBuyApi,
  MerchantView,
  OrderView,
  SellerView,
} from '../../../typings/api'
import { COMMUNITY, fail } from './fixtures'
import { fakeCloud } from './harness'

type Action = keyof GroupBuyApi
type Input<A extends Action> = GroupBuyApi[A]['input']
type Output<A extends Action> = GroupBuyApi[A]['output']
export type GroupbuyHandlers = { [A in Action]?: (payload: Input<A>) => Envelope<Output<A>> }

/** Answer `groupbuy` calls per action; an action without a handler fails the way the function would. */
export function groupbuy(handlers: GroupbuyHandlers): void {
  fakeCloud.on('groupbuy', (data) => {
    const action = data.action as Action
    const handler = handlers[action] as ((payload: unknown) => unknown) | undefined
    if (!handler) return fail('UNKNOWN_ACTION', '不支持的操作，请更新小程序后再试')
    return handler(data.payload)
  })
}

/** Payloads sent for one groupbuy action, in order. */
export function sentGroupbuy<A extends Action>(action: A): Input<A>[] {
  return fakeCloud.calls
    .filter((c) => c.name === 'groupbuy' && c.data.action === action)
    .map((c) => c.data.payload as Input<A>)
}

export const seller: SellerView = {
  id: 'm_fresh',
  shopName: '鲜丰果蔬',
  goods: '蔬菜、水果、鸡蛋',
  status: 'approved',
  approvedAt: '2026-11-20T02:00:00.000Z', // 10:00 in Shanghai
}

export function item(partial: Partial<BuyItemView> & Pick<BuyItemView, 'id' | 'name'>): BuyItemView {
  return {
    spec: '',
    unit: '个',
    packSize: 1,
    price: 100,
    sold: 0,
    soldOut: false,
    ...partial,
  }
}

/** 土豆 by the bag (limit 4), 鸡蛋 by the case of 12 (limit 24, 36 left), 牛奶 sold out. */
export const ITEMS: BuyItemView[] = [
  item({
    id: 'i1',
    name: '土豆',
    spec: '约2.5斤/袋',
    unit: '袋',
    price: 850,
    stock: 100,
    limit: 4,
    sold: 20,
    remaining: 80,
  }),
  item({
    id: 'i2',
    name: '鸡蛋',
    spec: '50g/个',
    unit: '个',
    packSize: 12,
    price: 100,
    stock: 120,
    limit: 24,
    sold: 84,
    remaining: 36,
  }),
  item({
    id: 'i3',
    name: '牛奶',
    spec: '1L/盒',
    unit: '盒',
    price: 1200,
    stock: 10,
    sold: 10,
    remaining: 0,
    soldOut: true,
  }),
]

export function buyView(partial: Partial<BuyView> = {}): BuyView {
  return {
    id: 'buy_1',
    communityId: COMMUNITY.id,
    kind: 'sale',
    status: 'open',
    title: '周末蔬菜鸡蛋团',
    note: '周日上午在小区东门取货，有问题找楼组长。',
    seller,
    organiser: '鲜丰果蔬',
    items: ITEMS,
    minTotal: 30000,
    allBuildings: true,
    buildings: [
      { id: 'b_1', name: '1号' },
      { id: 'b_12', name: '12号' },
    ],
    opensAt: '2026-11-24T00:00:00.000Z', // 08:00 in Shanghai
    closesAt: '2026-11-25T12:00:00.000Z', // 20:00 on the 25th in Shanghai
    deliveryAt: '2026-11-26T02:00:00.000Z', // 10:00 on the 26th
    createdAt: '2026-11-23T10:00:00.000Z',
    orders: 12,
    total: 18000,
    minimumMet: false,
    manage: false,
    ...partial,
  }
}

export function orderView(partial: Partial<OrderView> = {}): OrderView {
  return {
    buyId: 'buy_1',
    buyTitle: '周末蔬菜鸡蛋团',
    buyStatus: 'open',
    shopName: '鲜丰果蔬',
    householdId: 'hh_201',
    label: '12-201',
    no: 12,
    status: 'active',
    lines: [
      { itemId: 'i1', name: '土豆', spec: '约2.5斤/袋', unit: '袋', qty: 2, packs: 2, price: 850, amount: 1700 },
      { itemId: 'i2', name: '鸡蛋', spec: '50g/个', unit: '个', qty: 12, packs: 1, price: 100, amount: 1200 },
    ],
    total: 2900,
    payment: { status: 'unpaid', paid: 0, refunds: [], refundDue: 0 },
    proxy: false,
    placedBy: '王*明',
    placedAt: '2026-11-24T01:00:00.000Z',
    updatedAt: '2026-11-24T01:00:00.000Z',
    editable: true,
    ...partial,
  }
}

export function buyDetail(partial: Partial<BuyDetail> = {}): BuyDetail {
  return {
    buy: buyView(),
    mine: [{ householdId: 'hh_201', label: '12-201', proxy: false }],
    ...partial,
  }
}

export function chainOrder(partial: Partial<ChainOrderView> = {}): ChainOrderView {
  return {
    no: 1,
    householdId: 'hh_201',
    label: '12-201',
    buildingId: 'b_12',
    name: '王*明',
    summary: '土豆 2袋、鸡蛋 1箱',
    total: 2900,
    status: 'active',
    paid: 'unpaid',
    ...partial,
  }
}

export function merchantView(partial: Partial<MerchantView> = {}): MerchantView {
  return {
    id: 'm_fresh',
    communityId: COMMUNITY.id,
    shopName: '鲜丰果蔬',
    contactName: '陈立',
    phone: '13900001111',
    goods: '蔬菜、水果、鸡蛋',
    status: 'pending',
    appliedAt: '2026-11-22T02:00:00.000Z',
    licence: ['https://test-env.tcb.qcloud.la/merchants/c_sunny/o_shop/licence.jpg?sign=a'],
    foodPermit: ['https://test-env.tcb.qcloud.la/merchants/c_sunny/o_shop/food.jpg?sign=b'],
    healthCerts: ['https://test-env.tcb.qcloud.la/merchants/c_sunny/o_shop/health.jpg?sign=c'],
    history: [{ status: 'pending', at: '2026-11-22T02:00:00.000Z', byName: '商家' }],
    complaints: { total: 0, open: 0 },
    ...partial,
  }
}

export function complaintView(partial: Partial<ComplaintView> = {}): ComplaintView {
  return {
    id: 'cp_1',
    merchantId: 'm_fresh',
    shopName: '鲜丰果蔬',
    buyId: 'buy_1',
    buyTitle: '周末蔬菜鸡蛋团',
    householdId: 'hh_201',
    label: '12-201',
    kind: 'short',
    note: '土豆一袋只有 2 斤',
    photos: [],
    at: '2026-11-26T04:00:00.000Z',
    status: 'open',
    ...partial,
  }
}
