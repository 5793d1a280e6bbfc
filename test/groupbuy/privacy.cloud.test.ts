// Group-buy data follows the product's privacy rules (docs/privacy.md), through localcloud: a person's data
// deletion reaches the orders they placed and the complaints they filed (a last member's, the household's whole,
// with its waiting orders and imported rows); the groupbuy timer reduces a buy's orders settings.orderRetentionDays
// after it ended (a minute before: nothing) and deletes a rejected application's photos 30 days after the
// rejection; a closed community's deletion reaches every group-buy document and photo, the other community
// untouched. Orders, waiting orders and imports are written directly as their owners store them.
import type { ComplaintView, Envelope, MerchantView } from '../../typings/api'
import type { BuyDoc, ComplaintDoc, MerchantDoc, OrderDoc } from '../../server/groupbuy/model'
import type { HouseholdDoc } from '../../server/community/model'
import { merchantId } from '../../server/groupbuy/ids'
import { DEFAULT_ORDER_RETENTION_DAYS, REJECTED_MERCHANT_PHOTOS_TTL_DAYS } from '../../server/community/settings'
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
const SHOP = 'o-shop'
const SHOP_ID = merchantId(C1, SHOP)
const REJECTED = 'o-shop-rejected'
const PENDING = 'o-shop-pending'
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
async function stored(fileIds: readonly string[]): Promise<boolean[]> {
  const res = (await t.sdk.getTempFileURL({ fileList: [...fileIds] })) as { fileList: { status: number }[] }
  return res.fileList.map((f) => f.status === 0)
}

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

function buy(id: string, communityId: string, merchant: string): BuyDoc {
  const at = new Date(TEST_NOW)
  return {
    _id: id,
    communityId,
    kind: 'sale',
    status: 'closed',
    title: '周末蔬菜团',
    note: '',
    merchantId: merchant,
    shopName: '老王蔬菜店',
    organiser: { openid: WHO.committee, role: 'committee', name: '陈主任' },
    items: [{ id: 'i1', name: '土豆', spec: '5斤/袋', unit: '袋', packSize: 1, price: 1000, stock: 100 }],
    allBuildings: true,
    buildingIds: [],
    opensAt: new Date(at.getTime() - 3 * DAY),
    closesAt: at,
    deliveryAt: at,
    createdAt: new Date(at.getTime() - 3 * DAY),
    updatedAt: at,
    requestId: `req-${id}`,
    closedAt: at,
    closedBy: WHO.committee,
  }
}

function order(buyId: string, h: HouseholdDoc, by: string, byName: string, notify: string[], note?: string): OrderDoc {
  const at = new Date(TEST_NOW)
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
    ...(note ? { note } : {}),
    by,
    byName,
    proxy: by !== notify[0],
    notify,
    placedAt: at,
    updatedAt: at,
    nonce: 'n1',
    requestIds: [],
    payment: { status: 'paid', method: 'wechat', paid: 2000, byName: '老王', note: `${byName}已转账`, refunds: [] },
  } as OrderDoc
}

const intake = (buyId: string, h: HouseholdDoc, by: string, byName: string) => ({
  _id: `${buyId}:${h._id}`,
  buyId,
  communityId: h.communityId,
  householdId: h._id,
  buildingId: h.buildingId,
  lines: [{ itemId: 'i1', qty: 1 }],
  cancel: false,
  note: '晚上送',
  at: new Date(TEST_NOW),
  by,
  byName,
  proxy: false,
  notify: [by],
  nonce: `n-${h._id}`,
  requestId: `r-${h._id}`,
})

const importDoc = () => ({
  _id: 'imp-1',
  buyId: 'buy-1',
  communityId: C1,
  format: 'jielong',
  fileID: 'cloud://local.local-localcloud/buy-imports/c1/jielong.xlsx',
  by: WHO.committee,
  at: new Date(TEST_NOW),
  status: 'committed',
  rows: [
    {
      row: 2,
      address: '2号101 钱七',
      name: '钱七',
      phone: '13800005555',
      items: [{ name: '土豆', spec: '', qty: 1 }],
      resolved: H.b2r101._id,
    },
    {
      row: 3,
      address: '1号102',
      name: '王五',
      phone: '13800003333',
      note: '放门口',
      items: [{ name: '土豆', spec: '', qty: 2 }],
      householdId: H.b1r102._id,
    },
  ],
})

const complaint = async (by: string, h: HouseholdDoc, note: string) =>
  ok<ComplaintView>('groupbuy', by, 'fileComplaint', {
    buyId: 'buy-1',
    householdId: h._id,
    kind: 'short',
    note,
    photos: [await put(`complaints/${C1}/${by}/c${++seq}.jpg`)],
  })

const orderOf = (h: HouseholdDoc, buyId = 'buy-1') => t.data.get<OrderDoc>('orders', `${buyId}:${h._id}`)
const complaintOf = (id: string) => t.data.get<ComplaintDoc>('complaints', id)

let zhangComplaint: ComplaintView
let qianComplaint: ComplaintView

beforeEach(async () => {
  await loadFixture(t)
  await t.setClock(TEST_NOW)
  await shop(SHOP, C1, 'approve')
  await shop(SHOP_X, C2, 'approve')
  await t.data.set('buys', buy('buy-1', C1, SHOP_ID))
  await t.data.set('buys', buy('buy-x', C2, merchantId(C2, SHOP_X)))
  for (const o of [
    order('buy-1', H.b1r101, 'o-zhang', '张三', ['o-zhang'], '放门口'),
    // Zhang ordered for the Zhaos' household too (family).
    order('buy-1', H.b1r201, 'o-zhang', '张三', ['o-zhao', 'o-zhang']),
    order('buy-1', H.b2r101, 'o-qian', '钱七', ['o-qian'], '要新鲜的'),
    order('buy-x', H.x1r101, 'o-other', '周九', ['o-other'], '周九的备注'),
  ])
    await t.data.set('orders', o)
  await t.data.set('orderIntake', intake('buy-1', H.b2r101, 'o-qian', '钱七'))
  await t.data.set('orderIntake', intake('buy-1', H.b3r301, 'o-zhang', '张三'))
  await t.data.set('orderImports', importDoc())
  await t.data.set('buyLedgers', {
    _id: 'buy-1',
    communityId: C1,
    remaining: { i1: 94 },
    sold: { i1: 6 },
    nextNo: 4,
    orders: { [H.b1r101._id]: { no: 1, q: { i1: 2 }, st: 'a', n: 'n1' } },
    active: 3,
    total: 6000,
    version: 3,
  })
  for (const [openid, communityId] of [
    ['o-zhang', C1],
    ['o-qian', C1],
    ['o-other', C2],
  ] as const)
    await t.data.set('buySubscribers', { _id: `sub-${openid}`, communityId, openid, buildingIds: [], at: new Date() })
  zhangComplaint = await complaint('o-zhang', H.b1r101, '张三家的土豆少了')
  qianComplaint = await complaint('o-qian', H.b2r101, '钱七家的土豆坏了')
  await pushesSettled(t)
})

describe('a person’s data deletion', () => {
  it('takes their name, notes and deliveries off the orders they placed, and strips their complaints', async () => {
    const photo = ((await complaintOf(zhangComplaint.id)) as ComplaintDoc).photos[0] as string
    const qianBefore = await orderOf(H.b2r101)
    // Zhang is not the last member of 1号-101 (李四 stays, without WeChat).
    await ok('community', 'o-zhang', 'deleteMyData', { householdId: H.b1r101._id, confirm: '删除' })

    const own = (await orderOf(H.b1r101)) as OrderDoc
    expect(own).toMatchObject({ by: '', byName: '', notify: [], total: 2000, status: 'active', room: '101' })
    expect(own.note).toBeUndefined()
    expect(await orderOf(H.b1r201)).toMatchObject({ by: '', byName: '', notify: ['o-zhao'] })
    expect(await t.data.get('orderIntake', `buy-1:${H.b3r301._id}`)).toMatchObject({ by: '', byName: '' })
    expect(await complaintOf(zhangComplaint.id)).toMatchObject({ note: '', photos: [], by: '', kind: 'short' })
    expect(await stored([photo])).toEqual([false])
    // Counts stay; nothing of anyone else moves.
    expect((await t.data.get<MerchantDoc>('merchants', SHOP_ID))?.complaints).toEqual({ total: 2, open: 2 })
    expect(await orderOf(H.b2r101)).toEqual(qianBefore)
    expect(await complaintOf(qianComplaint.id)).toMatchObject({ note: '钱七家的土豆坏了', by: 'o-qian' })
    expect(await t.data.count('buySubscribers', { openid: 'o-zhang' })).toBe(0)
    expect(await t.data.count('buySubscribers', { openid: 'o-qian' })).toBe(1)
    const shopView = await ok<ComplaintView[]>('groupbuy', WHO.committee, 'listComplaints', { communityId: C1 })
    expect(shopView.find((c) => c.id === zhangComplaint.id)).toMatchObject({ note: '', photos: [] })
  })

  it('takes the whole household’s people off its orders, waiting orders, imports and complaints with its last member', async () => {
    const photo = ((await complaintOf(qianComplaint.id)) as ComplaintDoc).photos[0] as string
    const zhangBefore = await orderOf(H.b1r101)
    await ok('community', 'o-qian', 'deleteMyData', { householdId: H.b2r101._id, confirm: '删除' })

    const theirs = (await orderOf(H.b2r101)) as OrderDoc
    expect(theirs).toMatchObject({
      by: '',
      byName: '',
      notify: [],
      total: 2000,
      payment: { status: 'paid', paid: 2000 },
    })
    expect(theirs.note).toBeUndefined()
    expect(theirs.payment.note).toBeUndefined()
    expect(await t.data.get('orderIntake', `buy-1:${H.b2r101._id}`)).toBeNull()
    expect(await complaintOf(qianComplaint.id)).toMatchObject({ note: '', photos: [], by: '' })
    expect(await stored([photo])).toEqual([false])
    const rows = (await t.data.get<{ rows: Record<string, unknown>[] }>('orderImports', 'imp-1'))?.rows ?? []
    expect(rows[0]).toEqual({
      row: 2,
      address: '',
      name: '',
      items: [{ name: '土豆', spec: '', qty: 1 }],
      resolved: H.b2r101._id,
    })
    expect(rows[1]).toMatchObject({ name: '王五', phone: '13800003333', note: '放门口' })
    expect(await t.data.count('buySubscribers', { openid: 'o-qian' })).toBe(0)
    expect(await orderOf(H.b1r101)).toEqual(zhangBefore)
  })
})

describe('retention', () => {
  const groupbuyTimer = () => t.admin('functions/groupbuy/trigger', { body: {} })

  it('reduces a buy’s orders orderRetentionDays after it ended, a minute before nothing; another period elsewhere', async () => {
    await t.data.update('communities', C2, { 'settings.orderRetentionDays': 60 })
    // Waiting orders are merged by the timer's sequencing step before this one: none wait this long after a close.
    await t.data.removeWhere('orderIntake', {})
    const files = await Promise.all(
      [zhangComplaint, qianComplaint].map(async (c) => ((await complaintOf(c.id)) as ComplaintDoc).photos[0] as string),
    )
    const closedAt = Date.parse(TEST_NOW)

    await t.setClock(closedAt + DEFAULT_ORDER_RETENTION_DAYS * DAY - MINUTE)
    await groupbuyTimer()
    expect(await orderOf(H.b1r101)).toMatchObject({ byName: '张三', note: '放门口' })
    expect(await stored(files)).toEqual([true, true])

    await t.advanceClock(2 * MINUTE)
    await groupbuyTimer()
    for (const h of [H.b1r101, H.b1r201, H.b2r101]) {
      const o = (await orderOf(h)) as OrderDoc
      expect(o).toMatchObject({ by: '', byName: '', notify: [], total: 2000, payment: { status: 'paid' } })
      expect(o.note).toBeUndefined()
      expect(o.payment.note).toBeUndefined()
    }
    const rows = (await t.data.get<{ rows: Record<string, unknown>[] }>('orderImports', 'imp-1'))?.rows ?? []
    for (const r of rows) expect(r).toMatchObject({ name: '', address: '' })
    expect(rows.some((r) => 'phone' in r || 'note' in r)).toBe(false)
    expect(await stored(files)).toEqual([false, false])
    for (const c of [zhangComplaint, qianComplaint])
      expect(await complaintOf(c.id)).toMatchObject({ kind: 'short', status: 'open', photos: [], note: '' })
    expect((await t.data.get<BuyDoc>('buys', 'buy-1'))?.ordersReducedAt).toBeDefined()
    // The other community keeps its orders for its own 60 days.
    expect(await orderOf(H.x1r101, 'buy-x')).toMatchObject({ byName: '周九', note: '周九的备注' })
    await t.setClock(closedAt + 60 * DAY + MINUTE)
    await groupbuyTimer()
    expect(await orderOf(H.x1r101, 'buy-x')).toMatchObject({ byName: '' })
  })

  it('takes the committee’s own period (setRetention, 1–90 days)', async () => {
    await t.data.removeWhere('orderIntake', {})
    for (const bad of [0, 91, 1.5])
      expect(
        await call('community', WHO.committee, 'setRetention', { communityId: C1, orderRetentionDays: bad }),
      ).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'orderRetentionDays' })
    expect(
      await ok('community', WHO.committee, 'setRetention', { communityId: C1, orderRetentionDays: 7 }),
    ).toMatchObject({ orderRetentionDays: 7 })
    await t.setClock(Date.parse(TEST_NOW) + 7 * DAY - MINUTE)
    await groupbuyTimer()
    expect(await orderOf(H.b1r101)).toMatchObject({ byName: '张三' })
    await t.advanceClock(2 * MINUTE)
    await groupbuyTimer()
    expect(await orderOf(H.b1r101)).toMatchObject({ byName: '' })
  })

  it('deletes a rejected application’s photos 30 days after the rejection; pending and approved ones keep theirs', async () => {
    const rejected = await t.data.get<MerchantDoc>('merchants', (await shop(REJECTED, C1, 'reject')).id)
    const pending = await t.data.get<MerchantDoc>('merchants', (await shop(PENDING, C1)).id)
    const approved = await t.data.get<MerchantDoc>('merchants', SHOP_ID)
    const photosOf = (m: MerchantDoc | null) => (m ? [...m.licence, ...m.foodPermit, ...m.healthCerts] : [])
    const decidedAt = new Date(rejected?.decidedAt as Date).getTime()

    await t.setClock(decidedAt + REJECTED_MERCHANT_PHOTOS_TTL_DAYS * DAY - MINUTE)
    await groupbuyTimer()
    expect(await stored(photosOf(rejected))).toEqual([true, true, true])

    await t.advanceClock(2 * MINUTE)
    await groupbuyTimer()
    expect(await stored(photosOf(rejected))).toEqual([false, false, false])
    expect(await t.data.get('merchants', rejected?._id as string)).toMatchObject({
      status: 'rejected',
      licence: [],
      foodPermit: [],
      healthCerts: [],
    })
    expect(await stored([...photosOf(pending), ...photosOf(approved)])).toEqual(Array(6).fill(true))
    // Nothing left to approve: the shop applies again with new photos.
    expect(
      await call('groupbuy', WHO.committee, 'decideMerchant', {
        merchantId: rejected?._id,
        decision: 'approve',
        reason: '',
      }),
    ).toMatchObject({ ok: false, code: 'CONFLICT' })
  })
})

describe('a closed community’s deletion', () => {
  const timers = async () => {
    await t.admin('functions/community/trigger', { body: {} })
    await t.admin('functions/antigen/trigger', { body: {} })
  }

  it('deletes every group-buy document and photo of the community, keeping the buys’ totals; the other untouched', async () => {
    const merchantFiles = async (communityId: string) =>
      (await t.data.find<MerchantDoc>('merchants', { communityId })).flatMap((m) => [
        ...m.licence,
        ...m.foodPermit,
        ...m.healthCerts,
      ])
    const complaintFiles = (await t.data.find<ComplaintDoc>('complaints', { communityId: C1 })).flatMap((c) => c.photos)
    const mine = [...(await merchantFiles(C1)), ...complaintFiles]
    const theirs = await merchantFiles(C2)
    const theirDocs = JSON.stringify([
      await t.data.find('merchants', { communityId: C2 }),
      await t.data.find('orders', { communityId: C2 }),
      await t.data.find('buys', { communityId: C2 }),
      await t.data.find('buySubscribers', { communityId: C2 }),
    ])
    const closed = await ok<{ deleteAfter: string }>('community', WHO.committee, 'closeCommunity', {
      communityId: C1,
      confirm: '测试小区',
    })
    await t.setClock(Date.parse(closed.deleteAfter) - MINUTE)
    await timers()
    expect(await t.data.count('orders', { communityId: C1 })).toBe(3)

    await t.advanceClock(2 * MINUTE)
    await timers()
    for (const coll of ['merchants', 'complaints', 'orders', 'orderIntake', 'orderImports', 'buySubscribers'] as const)
      expect([coll, await t.data.count(coll, { communityId: C1 })]).toEqual([coll, 0])
    expect(await stored(mine)).toEqual(mine.map(() => false))
    expect(await t.data.get('buyLedgers', 'buy-1')).toMatchObject({ orders: {}, sold: { i1: 6 }, total: 6000 })
    expect(await t.data.get('buys', 'buy-1')).toMatchObject({
      status: 'closed',
      title: '周末蔬菜团',
      organiser: { openid: '', name: '' },
      closedBy: '',
    })
    // The other community keeps every byte and file.
    expect(await stored(theirs)).toEqual(theirs.map(() => true))
    expect(
      JSON.stringify([
        await t.data.find('merchants', { communityId: C2 }),
        await t.data.find('orders', { communityId: C2 }),
        await t.data.find('buys', { communityId: C2 }),
        await t.data.find('buySubscribers', { communityId: C2 }),
      ]),
    ).toBe(theirDocs)
  })
})
