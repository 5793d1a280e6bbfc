// The committee's schedule of group-buy data through localcloud, with the clock set: a buy's orders and complaints
// are due settings.orderRetentionDays after it ended (those of buys still open wait), a rejected application's
// photos 30 days after the rejection; what is overdue is what the groupbuy timer deletes next, files storage failed
// to delete are counted until a timer retries them, the committee's own period moves the dates, and a closed
// community's date caps them. Buys and orders are written directly as their owners store them.
import type { ComplaintView, Envelope, MerchantView, RetentionItem, RetentionSchedule } from '../../typings/api'
import type { BuyDoc, OrderDoc } from '../../server/groupbuy/model'
import type { HouseholdDoc } from '../../server/community/model'
import { merchantId } from '../../server/groupbuy/ids'
import { startTestCloud, TEST_NOW, type TestCloud } from '../support/localcloud'
import { C1, C2, H, loadFixture, WHO } from '../support/community'
import { pushesSettled } from '../support/pushes'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())

const DAY = 86_400_000
const MINUTE = 60_000
const NOW = Date.parse(TEST_NOW) // 24 November, 10:00 in Shanghai
const SHOP = 'o-shop'
const SHOP_X = 'o-shop-x'

const call = <T>(fn: string, openid: string, action: string, payload: object = {}) =>
  t.call<Envelope<T>>(fn, { action, payload }, openid)
const ok = async <T>(fn: string, openid: string, action: string, payload: object = {}): Promise<T> => {
  const r = await call<T>(fn, openid, action, payload)
  if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message} ${r.field ?? ''}`)
  return r.data
}

const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex')
let seq = 0
const put = async (cloudPath: string) => (await t.sdk.uploadFile({ cloudPath, fileContent: JPEG })).fileID

async function shop(openid: string, communityId: string, decision?: 'approve' | 'reject'): Promise<MerchantView> {
  const photo = () => put(`merchants/${communityId}/${openid}/p${++seq}.jpg`)
  const view = await ok<MerchantView>('groupbuy', openid, 'applyMerchant', {
    communityId,
    shopName: `${openid}的店`,
    contactName: '王老板',
    phone: '13912345678',
    goods: '蔬菜',
    licence: [await photo()],
    foodPermit: [await photo()],
    healthCerts: [await photo()],
  })
  const committee = communityId === C1 ? WHO.committee : WHO.otherCommittee
  if (decision)
    return ok('groupbuy', committee, 'decideMerchant', {
      merchantId: view.id,
      decision,
      reason: decision === 'reject' ? '照片不清楚' : '',
    })
  return view
}

/** A buy closed at `closedAt`, or open (its deadline two months away) when that is undefined. */
function buy(id: string, communityId: string, closedAt: number | undefined, extra: Partial<BuyDoc> = {}): BuyDoc {
  const end = new Date(closedAt ?? NOW + 60 * DAY)
  return {
    _id: id,
    communityId,
    kind: 'sale',
    status: closedAt === undefined ? 'open' : 'closed',
    title: '周末蔬菜团',
    note: '',
    merchantId: merchantId(communityId, communityId === C1 ? SHOP : SHOP_X),
    shopName: '老王蔬菜店',
    organiser: { openid: WHO.committee, role: 'committee', name: '陈主任' },
    items: [{ id: 'i1', name: '土豆', spec: '5斤/袋', unit: '袋', packSize: 1, price: 1000, stock: 100 }],
    allBuildings: true,
    buildingIds: [],
    opensAt: new Date(end.getTime() - 3 * DAY),
    closesAt: end,
    deliveryAt: end,
    createdAt: new Date(end.getTime() - 3 * DAY),
    updatedAt: end,
    requestId: `req-${id}`,
    ...(closedAt === undefined ? {} : { closedAt: end, closedBy: WHO.committee }),
    ...extra,
  }
}

function order(buyId: string, h: HouseholdDoc, by: string, byName: string): OrderDoc {
  const at = new Date(NOW)
  return {
    _id: `${buyId}:${h._id}`,
    buyId,
    communityId: h.communityId,
    groupId: h.groupId,
    buildingId: h.buildingId,
    householdId: h._id,
    room: h.room,
    floor: h.floor,
    no: 1,
    status: 'active',
    lines: [{ itemId: 'i1', qty: 2, name: '土豆', spec: '5斤/袋', unit: '袋', packSize: 1, price: 1000 }],
    total: 2000,
    note: '放门口',
    by,
    byName,
    proxy: false,
    notify: [by],
    placedAt: at,
    updatedAt: at,
    nonce: 'n1',
    requestIds: [],
    payment: { status: 'paid', method: 'wechat', paid: 2000, byName: '老王', refunds: [] },
  } as OrderDoc
}

const complaint = async (buyId: string, by: string, h: HouseholdDoc) =>
  ok<ComplaintView>('groupbuy', by, 'fileComplaint', {
    buyId,
    householdId: h._id,
    kind: 'short',
    note: '土豆少了',
    photos: [await put(`complaints/${C1}/${by}/c${++seq}.jpg`)],
  })

const schedule = (communityId = C1) =>
  ok<RetentionSchedule>('community', communityId === C1 ? WHO.committee : WHO.otherCommittee, 'retentionSchedule', {
    communityId,
  })
const groupBuyItems = async (communityId = C1): Promise<Record<string, RetentionItem | undefined>> => {
  const s = await schedule(communityId)
  const of = (kind: string) => s.items.find((i) => i.kind === kind)
  return { orders: of('buyOrders'), complaints: of('buyComplaints'), photos: of('merchantPhotos') }
}
const groupbuyTimer = () => t.admin('functions/groupbuy/trigger', { body: {} })
const communityTimer = () => t.admin('functions/community/trigger', { body: {} })
const breakStorage = () => t.admin('faults', { body: { errorRate: 1, actions: ['storage.batchDeleteFile'] } })
const mendStorage = () => t.admin('faults', { method: 'DELETE' })

let rejectedAt = 0

beforeEach(async () => {
  await loadFixture(t)
  await mendStorage()
  await t.setClock(NOW)
  await shop(SHOP, C1, 'approve')
  await shop(SHOP_X, C2, 'approve')
  await shop('o-shop-pending', C1)
  await shop('o-shop-rejected', C1, 'reject')
  rejectedAt = t.now()
  await t.data.set('buys', buy('buy-1', C1, NOW))
  await t.data.set('buys', buy('buy-old', C1, NOW - 10 * DAY))
  await t.data.set('buys', buy('buy-open', C1, undefined))
  // Being closed (截单 under way): cut, not ended yet, so its order waits too.
  await t.data.set('buys', buy('buy-closing', C1, NOW - 40 * DAY, { status: 'closing' }))
  // Reduced already: nothing of it is counted again.
  await t.data.set('buys', buy('buy-done', C1, NOW - 40 * DAY, { ordersReducedAt: new Date(NOW - 9 * DAY) }))
  await t.data.set('buys', buy('buy-x', C2, NOW))
  for (const o of [
    order('buy-1', H.b1r101, 'o-zhang', '张三'),
    order('buy-1', H.b1r201, 'o-zhang', '张三'),
    order('buy-1', H.b2r101, 'o-qian', '钱七'),
    order('buy-old', H.b1r101, 'o-zhang', '张三'),
    order('buy-open', H.b1r101, 'o-zhang', '张三'),
    order('buy-open', H.b2r101, 'o-qian', '钱七'),
    order('buy-closing', H.b2r101, 'o-qian', '钱七'),
    order('buy-done', H.b1r101, '', ''),
    order('buy-x', H.x1r101, 'o-other', '周九'),
  ])
    await t.data.set('orders', o)
  await complaint('buy-1', 'o-zhang', H.b1r101)
  await complaint('buy-1', 'o-qian', H.b2r101)
  await complaint('buy-open', 'o-zhang', H.b1r101)
  await pushesSettled(t)
})

describe('the committee’s schedule of group-buy data', () => {
  it('lists orders, complaints and rejected applications’ photos with their periods, in the consent text’s words', async () => {
    const s = await schedule()
    expect(s.settings.orderRetentionDays).toBe(30)
    // The group buys' three, then the delivery relay's (test/delivery/privacy.cloud.test.ts), care's, the
    // registers' and the needs'.
    expect(s.items.map((i) => i.kind).slice(-7)).toEqual([
      'buyOrders',
      'buyComplaints',
      'merchantPhotos',
      'deliveries',
      'careChecks',
      'registers',
      'needs',
    ])
    const { orders, complaints, photos } = await groupBuyItems()
    // buy-old ended on 14 November (1 order), buy-1 on 24 November (3); buy-open's 2 and buy-closing's 1 wait.
    expect(orders).toEqual({
      kind: 'buyOrders',
      label: '团购订单上的下单人和备注',
      rule: '团购结束 30 天后删除订单上的下单人和备注、导入的姓名电话，只保留房号、商品、金额和付款记录',
      days: 30,
      unit: '单',
      due: [
        { date: '2026-12-14', count: 1 },
        { date: '2026-12-24', count: 3 },
      ],
      overdue: 0,
      waiting: 3,
      failed: 0,
    })
    expect(complaints).toMatchObject({
      rule: '随团购订单一起，团购结束 30 天后删除说明和照片，投诉的问题和处理状态仍保留',
      days: 30,
      due: [{ date: '2026-12-24', count: 2 }],
      overdue: 0,
      waiting: 1,
      failed: 0,
    })
    // Three photos of the one rejected application; the pending and approved shops keep theirs.
    expect(photos).toMatchObject({
      label: '未通过审核的商家申请的资质照片',
      rule: '未通过审核 30 天后删除；待审核和已准入商家的照片保留',
      days: 30,
      unit: '张照片',
      due: [{ date: '2026-12-24', count: 3 }],
      overdue: 0,
      failed: 0,
    })
    // The other community's are its own.
    const other = await groupBuyItems(C2)
    expect(other.orders).toMatchObject({ due: [{ date: '2026-12-24', count: 1 }], overdue: 0 })
    expect(other.orders?.waiting).toBeUndefined()
    expect(other.complaints).toMatchObject({ due: [], overdue: 0 })
    expect(other.photos).toMatchObject({ due: [], overdue: 0 })
  })

  it('moves with the committee’s period; what is overdue is what the timer deletes next, a minute early nothing', async () => {
    expect(
      await ok('community', WHO.committee, 'setRetention', { communityId: C1, orderRetentionDays: 7 }),
    ).toMatchObject({
      orderRetentionDays: 7,
    })
    let { orders, complaints } = await groupBuyItems()
    expect(orders).toMatchObject({ rule: expect.stringContaining('团购结束 7 天后删除'), days: 7 })
    // buy-old ended 10 days ago: overdue; buy-1 on 1 December.
    expect(orders).toMatchObject({ due: [{ date: '2026-12-01', count: 3 }], overdue: 1, waiting: 3 })
    expect(complaints).toMatchObject({ days: 7, due: [{ date: '2026-12-01', count: 2 }], overdue: 0 })

    await groupbuyTimer()
    expect(await t.data.get('orders', `buy-old:${H.b1r101._id}`)).toMatchObject({ byName: '' })
    ;({ orders } = await groupBuyItems())
    expect(orders).toMatchObject({ due: [{ date: '2026-12-01', count: 3 }], overdue: 0 })

    await t.setClock(NOW + 7 * DAY - MINUTE)
    await groupbuyTimer()
    ;({ orders } = await groupBuyItems())
    expect(orders).toMatchObject({ due: [{ date: '2026-12-01', count: 3 }], overdue: 0 })
    await t.advanceClock(2 * MINUTE)
    ;({ orders, complaints } = await groupBuyItems())
    expect(orders).toMatchObject({ due: [], overdue: 3, waiting: 3 })
    expect(complaints).toMatchObject({ due: [], overdue: 2, waiting: 1 })
    await groupbuyTimer()
    ;({ orders, complaints } = await groupBuyItems())
    expect(orders).toMatchObject({ due: [], overdue: 0, waiting: 3 })
    expect(complaints).toMatchObject({ due: [], overdue: 0, waiting: 1, failed: 0 })
  })

  it('counts complaint and licence photos storage failed to delete until a timer retries them', async () => {
    await t.setClock(NOW + 30 * DAY + MINUTE)
    await breakStorage()
    await groupbuyTimer()
    const failed = await groupBuyItems()
    // Both buys and the application are done; their 2 complaint photos and 3 licence photos are still stored.
    expect(failed.orders).toMatchObject({ due: [], overdue: 0, waiting: 3 })
    expect(failed.complaints).toMatchObject({ due: [], overdue: 0, failed: 2 })
    expect(failed.photos).toMatchObject({ due: [], overdue: 0, failed: 3 })

    await mendStorage()
    await communityTimer()
    const retried = await groupBuyItems()
    expect(retried.complaints).toMatchObject({ failed: 0 })
    expect(retried.photos).toMatchObject({ failed: 0 })
  })

  it('brings every date forward to a closed community’s deletion', async () => {
    await ok('community', WHO.committee, 'setRetention', { communityId: C1, orderRetentionDays: 90 })
    expect((await groupBuyItems()).orders).toMatchObject({
      due: [
        { date: '2027-02-12', count: 1 },
        { date: '2027-02-22', count: 3 },
      ],
    })
    await t.setClock(rejectedAt + DAY)
    const closed = await ok<{ deleteAfter: string }>('community', WHO.committee, 'closeCommunity', {
      communityId: C1,
      confirm: '测试小区',
    })
    const day = new Date(Date.parse(closed.deleteAfter) + 8 * 3_600_000).toISOString().slice(0, 10)
    expect(day).toBe('2026-12-25')
    const { orders, complaints, photos } = await groupBuyItems()
    expect(orders).toMatchObject({ due: [{ date: day, count: 4 }] })
    expect(complaints).toMatchObject({ due: [{ date: day, count: 2 }] })
    // The rejected application's own date (24 December) is sooner than the closing's.
    expect(photos).toMatchObject({ due: [{ date: '2026-12-24', count: 3 }] })
  })
})
