// Sales and supply drops through localcloud: who may create which kind (and who may not), every kind of bad input
// refused with its code and nothing written, a retry answering the same buy, the opening notice to the subscribed
// residents and leads in scope once, scheduled → open by the clock, changing a buy before and after it opens
// (stock through the ledger), listing by role, one buy with the caller's households, and the chain's names as the
// visibility policy shows them.
import type { BuyChain, BuyDetail, BuyInput, BuyView, OrderView } from '../../typings/api'
import type { BuyDoc, BuyLedgerDoc, BuySubscriberDoc } from '../../server/groupbuy/model'
import type { PushDoc } from '../../server/platform/pushqueue'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { B, C1, C2, H, loadFixture, snapshot, WHO } from '../support/community'
import { addShops, dropInput, groupbuy, HOUR, requestId, saleInput, SHOP_ID, SHOPS } from '../support/buys'
import { settledOutbox } from '../support/pushes'
import { merchantId } from '../../server/groupbuy/ids'

let t: TestCloud
let gb: ReturnType<typeof groupbuy>
beforeAll(async () => {
  t = await startTestCloud()
  gb = groupbuy(t)
})
afterAll(() => t.stop())

beforeEach(async () => {
  await loadFixture(t)
  await addShops(t)
})

const create = (openid: string, input: BuyInput) => gb.call<BuyView>(openid, 'createBuy', input)
const made = (openid: string, input: BuyInput) => gb.ok<BuyView>(openid, 'createBuy', input)

describe('creating a buy', () => {
  it('lets an approved shop open a sale of its own, shown with its approval', async () => {
    const buy = await made(SHOPS.approved, saleInput(t))
    expect(buy).toMatchObject({
      kind: 'sale',
      status: 'open',
      organiser: '老王蔬菜店',
      seller: { id: SHOP_ID, shopName: '老王蔬菜店', status: 'approved' },
      allBuildings: true,
      buildings: [
        { id: 'b1', name: '1号' },
        { id: 'b2', name: '2号' },
        { id: 'b3', name: '3号' },
      ],
      orders: 0,
      total: 0,
      minimumMet: true,
      manage: true,
    })
    expect(buy.items.map((i) => [i.id, i.stock, i.remaining, i.sold, i.soldOut])).toEqual([
      ['i1', 100, 100, 0, false],
      ['i2', 300, 300, 0, false],
    ])
    const ledger = await t.data.get<BuyLedgerDoc>('buyLedgers', buy.id)
    expect(ledger).toMatchObject({
      remaining: { i1: 100, i2: 300 },
      sold: { i1: 0, i2: 0 },
      nextNo: 1,
      active: 0,
      total: 0,
      version: 0,
      orders: {},
    })
    const stored = await t.data.get<BuyDoc>('buys', buy.id)
    expect(stored).toMatchObject({
      merchantId: SHOP_ID,
      shopName: '老王蔬菜店',
      organiser: { openid: SHOPS.approved, role: 'merchant' },
    })
    expect(stored?.announcedAt).toBeTruthy()
  })

  it('lets the committee and the 团长 run a sale with any approved shop or none', async () => {
    const withShop = await made(WHO.committee, saleInput(t, { merchantId: SHOP_ID }))
    expect(withShop).toMatchObject({ organiser: '居委', seller: { shopName: '老王蔬菜店' }, manage: true })
    const none = await made(WHO.communityLead, saleInput(t, { minTotal: 5000 }))
    expect(none).toMatchObject({ organiser: '团长', minTotal: 5000, minimumMet: false, manage: true })
    expect(none.seller).toBeUndefined()
    // The committee manages every buy; another 团长's buy is not the shop's to manage.
    expect((await gb.ok<BuyDetail>(WHO.committee, 'buy', { buyId: none.id })).buy.manage).toBe(true)
    expect((await gb.ok<BuyDetail>(SHOPS.approved, 'buy', { buyId: withShop.id })).buy.manage).toBe(true)
  })

  it('lets only the committee make a drop', async () => {
    const drop = await made(WHO.committee, dropInput(t, { buildingIds: ['b1', 'b1', 'b3'] }))
    expect(drop).toMatchObject({ kind: 'drop', organiser: '居委', allBuildings: false, minimumMet: true })
    expect(drop.buildings.map((b) => b.id)).toEqual(['b1', 'b3'])
    expect(drop.items[1]).toMatchObject({ allot: { per: 'person', qty: 5 }, price: 0, soldOut: false })
    expect(drop.items[1]?.stock).toBeUndefined()
    const before = await snapshot(t)
    expect(await create(WHO.communityLead, dropInput(t))).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await create(SHOPS.approved, dropInput(t))).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await snapshot(t)).toBe(before)
  })

  it('refuses everyone else, other shops and shops that may not sell, writing nothing', async () => {
    const before = await snapshot(t)
    for (const who of [
      WHO.resident,
      WHO.buildingLead,
      WHO.floorLead,
      WHO.groupLead,
      WHO.volunteer,
      WHO.stranger,
      WHO.otherCommittee,
    ])
      expect(await create(who, saleInput(t))).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    // A shop for another shop; the pending shop holds no role yet.
    expect(await create(SHOPS.approved, saleInput(t, { merchantId: merchantId(C1, SHOPS.suspended) }))).toMatchObject({
      code: 'FORBIDDEN',
      field: 'merchantId',
    })
    expect(await create(SHOPS.pending, saleInput(t))).toMatchObject({ code: 'FORBIDDEN' })
    // Suspended while it still holds the role; the committee naming a suspended or pending shop.
    expect(await create(SHOPS.suspended, saleInput(t))).toMatchObject({ code: 'MERCHANT_SUSPENDED' })
    expect(await create(WHO.committee, saleInput(t, { merchantId: merchantId(C1, SHOPS.suspended) }))).toMatchObject({
      code: 'MERCHANT_SUSPENDED',
      field: 'merchantId',
    })
    expect(await create(WHO.committee, saleInput(t, { merchantId: merchantId(C1, SHOPS.pending) }))).toMatchObject({
      code: 'MERCHANT_NOT_APPROVED',
    })
    expect(await create(WHO.committee, saleInput(t, { merchantId: merchantId(C2, SHOPS.approved) }))).toMatchObject({
      code: 'NOT_FOUND',
    })
    // The other community's committee for c1, and c1's committee for c2.
    expect(await create(WHO.committee, saleInput(t, { communityId: C2 }))).toMatchObject({ code: 'FORBIDDEN' })
    expect(await snapshot(t)).toBe(before)
  })

  it('refuses a closed community', async () => {
    await t.data.update('communities', C1, {
      closing: {
        closedAt: new Date(t.now()),
        closedBy: WHO.committee,
        deleteAfter: new Date(t.now() + 30 * 24 * HOUR),
      },
    })
    const before = await snapshot(t)
    expect(await create(WHO.committee, saleInput(t))).toMatchObject({ ok: false, code: 'COMMUNITY_CLOSED' })
    expect(await snapshot(t)).toBe(before)
  })

  it('answers a retry with the same buy and tells nobody twice', async () => {
    await t.admin('subscribe', { body: { openid: WHO.buildingLead, templateId: 'TPL_BUY_OPENING' } })
    const input = saleInput(t)
    const first = await made(SHOPS.approved, input)
    const queued = await t.data.count('pushQueue', {})
    const again = await made(SHOPS.approved, { ...input, title: '改了标题的重试' })
    expect(again.id).toBe(first.id)
    expect(again.title).toBe('蔬菜鸡蛋团购')
    expect(await t.data.count('buys', {})).toBe(1)
    expect(await t.data.count('pushQueue', {})).toBe(queued)
    // The same requestId from someone else is another request.
    const other = await made(WHO.committee, input)
    expect(other.id).not.toBe(first.id)
  })
})

describe('bad input', () => {
  const item = (over: object) => ({
    name: '土豆',
    spec: '500g/袋',
    unit: '袋',
    packSize: 1,
    price: 350,
    stock: 100,
    ...over,
  })
  const cases: [string, (t: TestCloud) => Partial<BuyInput> | Record<string, unknown>, string, string][] = [
    ['no items', () => ({ items: [] }), 'INVALID_INPUT', 'items'],
    [
      '31 items',
      () => ({ items: Array.from({ length: 31 }, (_, i) => item({ name: `菜${i}` })) }),
      'INVALID_INPUT',
      'items',
    ],
    ['an empty name', () => ({ items: [item({ name: ' ' })] }), 'INVALID_INPUT', 'items.0.name'],
    ['a long name', () => ({ items: [item({ name: '土'.repeat(21) })] }), 'INVALID_INPUT', 'items.0.name'],
    ['a long spec', () => ({ items: [item({ spec: 'g'.repeat(21) })] }), 'INVALID_INPUT', 'items.0.spec'],
    ['a long unit', () => ({ items: [item({ unit: '大大大大袋' })] }), 'INVALID_INPUT', 'items.0.unit'],
    ['a pack of 0', () => ({ items: [item({ packSize: 0 })] }), 'INVALID_INPUT', 'items.0.packSize'],
    ['a fractional pack', () => ({ items: [item({ packSize: 1.5 })] }), 'INVALID_INPUT', 'items.0.packSize'],
    ['a pack of 1001', () => ({ items: [item({ packSize: 1001, stock: 2002 })] }), 'INVALID_INPUT', 'items.0.packSize'],
    ['a negative price', () => ({ items: [item({ price: -1 })] }), 'INVALID_INPUT', 'items.0.price'],
    ['a fractional price', () => ({ items: [item({ price: 3.5 })] }), 'INVALID_INPUT', 'items.0.price'],
    ['a huge price', () => ({ items: [item({ price: 10_000_001 })] }), 'INVALID_INPUT', 'items.0.price'],
    ['a price as text', () => ({ items: [item({ price: '350' })] }), 'INVALID_INPUT', 'items.0.price'],
    ['no stock', () => ({ items: [item({ stock: undefined })] }), 'INVALID_INPUT', 'items.0.stock'],
    ['stock under a pack', () => ({ items: [item({ packSize: 12, stock: 6 })] }), 'INVALID_INPUT', 'items.0.stock'],
    ['stock not in packs', () => ({ items: [item({ packSize: 12, stock: 30 })] }), 'INVALID_INPUT', 'items.0.stock'],
    ['a huge stock', () => ({ items: [item({ stock: 1e12 })] }), 'INVALID_INPUT', 'items.0.stock'],
    [
      'a limit not in packs',
      () => ({ items: [item({ packSize: 12, stock: 120, limit: 18 })] }),
      'INVALID_INPUT',
      'items.0.limit',
    ],
    ['a limit over the stock', () => ({ items: [item({ stock: 10, limit: 20 })] }), 'INVALID_INPUT', 'items.0.limit'],
    ['the same item twice', () => ({ items: [item({}), item({ price: 300 })] }), 'INVALID_INPUT', 'items.1.name'],
    [
      'an allotment on a sale',
      () => ({ items: [item({ allot: { per: 'household', qty: 1 } })] }),
      'INVALID_INPUT',
      'items.0.allot',
    ],
    ['an unknown field', () => ({ items: [item({ colour: 'red' })] }), 'INVALID_INPUT', 'items.0.colour'],
    [
      'opening after the deadline',
      (t) => ({ opensAt: new Date(t.now() + 3 * HOUR).toISOString() }),
      'INVALID_INPUT',
      'opensAt',
    ],
    [
      'a deadline passed',
      (t) => ({
        opensAt: new Date(t.now() - 2 * HOUR).toISOString(),
        closesAt: new Date(t.now() - HOUR).toISOString(),
      }),
      'INVALID_INPUT',
      'closesAt',
    ],
    [
      'a deadline 31 days ahead',
      (t) => ({
        closesAt: new Date(t.now() + 31 * 24 * HOUR).toISOString(),
        deliveryAt: new Date(t.now() + 32 * 24 * HOUR).toISOString(),
      }),
      'INVALID_INPUT',
      'closesAt',
    ],
    [
      'delivery before the deadline',
      (t) => ({ deliveryAt: new Date(t.now() + HOUR).toISOString() }),
      'INVALID_INPUT',
      'deliveryAt',
    ],
    ['a time without its zone', () => ({ closesAt: '2026-11-24T12:00:00' }), 'INVALID_INPUT', 'closesAt'],
    ['a day that does not exist', () => ({ closesAt: '2026-02-30T12:00:00+08:00' }), 'INVALID_INPUT', 'closesAt'],
    ['a building of another community', () => ({ buildingIds: ['b1', B.x1._id] }), 'NOT_FOUND', 'buildingIds'],
    [
      '501 buildings',
      () => ({ buildingIds: Array.from({ length: 501 }, (_, i) => `b${i}`) }),
      'INVALID_INPUT',
      'buildingIds',
    ],
    ['a negative minimum', () => ({ minTotal: -1 }), 'INVALID_INPUT', 'minTotal'],
    ['a fractional minimum', () => ({ minTotal: 10.5 }), 'INVALID_INPUT', 'minTotal'],
    ['a short title', () => ({ title: '菜' }), 'INVALID_INPUT', 'title'],
    ['a long note', () => ({ note: '说'.repeat(301) }), 'INVALID_INPUT', 'note'],
    ['a bad requestId', () => ({ requestId: 'x' }), 'INVALID_INPUT', 'requestId'],
  ]
  it.each(cases)('refuses %s, writing nothing', async (_name, over, code, field) => {
    const before = await snapshot(t)
    const r = await create(WHO.committee, { ...saleInput(t), ...over(t) } as BuyInput)
    expect(r).toMatchObject({ ok: false, code, field })
    if (!r.ok) expect(r.message).toMatch(/[\u4e00-\u9fff]/)
    expect(await snapshot(t)).toBe(before)
  })

  const dropCases: [string, Record<string, unknown>, string][] = [
    ['a price', { price: 100 }, 'items.0.price'],
    ['a stock', { stock: 10 }, 'items.0.stock'],
    ['a limit', { limit: 1 }, 'items.0.limit'],
    ['no allotment', { allot: undefined }, 'items.0.allot'],
    ['an allotment not in packs', { packSize: 5, allot: { per: 'person', qty: 3 } }, 'items.0.allot.qty'],
    ['an allotment of 0', { allot: { per: 'person', qty: 0 } }, 'items.0.allot.qty'],
    ['an allotment of 1001', { allot: { per: 'household', qty: 1001 } }, 'items.0.allot.qty'],
  ]
  it.each(dropCases)('refuses a drop item with %s', async (_name, over, field) => {
    const before = await snapshot(t)
    const drop = dropInput(t)
    const items = [{ ...drop.items[0], ...over }]
    expect(await create(WHO.committee, { ...drop, items } as BuyInput)).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
      field,
    })
    expect(await create(WHO.committee, { ...dropInput(t), minTotal: 100 })).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'minTotal',
    })
    expect(await create(WHO.committee, { ...dropInput(t), merchantId: SHOP_ID })).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'merchantId',
    })
    expect(await snapshot(t)).toBe(before)
  })
})

describe('the opening notice', () => {
  it('goes once to the subscribed residents and the leads of the buildings in scope', async () => {
    for (const openid of [WHO.resident, WHO.residentB2, WHO.buildingLead, WHO.floorLead, WHO.volunteer])
      await t.admin('subscribe', { body: { openid, templateId: 'TPL_BUY_OPENING' } })
    // Residents of 1号 (张三) and 2号 (钱七) ask for opening notices; 孙八 of 3号 does not.
    expect(await gb.call(WHO.resident, 'subscribeBuys', { communityId: C1 })).toMatchObject({
      ok: true,
      data: { subscribed: true },
    })
    expect(await gb.call(WHO.residentB2, 'subscribeBuys', { communityId: C1 })).toMatchObject({ ok: true })
    const sub = await t.data.get<BuySubscriberDoc>('buySubscribers', `${C1}:${WHO.resident}`)
    expect(sub).toMatchObject({ communityId: C1, openid: WHO.resident, buildingIds: ['b1'] })

    const opensAt = new Date(t.now() + HOUR)
    const input = saleInput(t, {
      buildingIds: ['b1'],
      opensAt: opensAt.toISOString(),
      title: '一二三四五六七八九十一二三四五六七八九十一二',
    })
    const buy = await made(SHOPS.approved, input)
    expect(buy.status).toBe('scheduled')
    const queued = await t.data.find<PushDoc>('pushQueue', { purpose: `groupbuy.opening:${buy.id}` })
    expect(queued.map((m) => m.touser).sort()).toEqual([WHO.buildingLead, WHO.floorLead, WHO.resident].sort())
    for (const m of queued) {
      expect(m.templateId).toBe('TPL_BUY_OPENING')
      expect(m.page).toBe(`packageGroupbuy/pages/buy?id=${buy.id}`)
      expect([...(m.fields.thing1 as string)].length).toBeLessThanOrEqual(20)
      expect([...(m.fields.thing3 as string)].length).toBeLessThanOrEqual(20)
      expect(m.fields.time2).toBe('2026-11-24 11:00')
      expect(m.fields.thing3).toBe('11月24日 12:00截单 老王蔬菜店')
    }
    const sent = (await settledOutbox(t)).filter((m) => m.templateId === 'TPL_BUY_OPENING' && m.status === 'sent')
    expect(sent.map((m) => m.touser).sort()).toEqual([WHO.buildingLead, WHO.floorLead, WHO.resident].sort())

    // A retry, and widening the scope before it opens: only those newly in scope are told.
    await made(SHOPS.approved, input)
    expect(await t.data.count('pushQueue', { purpose: `groupbuy.opening:${buy.id}` })).toBe(3)
    await gb.ok(SHOPS.approved, 'updateBuy', { buyId: buy.id, buildingIds: ['b1', 'b2'] })
    const after = await t.data.find<PushDoc>('pushQueue', { purpose: `groupbuy.opening:${buy.id}` })
    expect(after.map((m) => m.touser).sort()).toEqual(
      [WHO.buildingLead, WHO.floorLead, WHO.resident, WHO.residentB2].sort(),
    )
  })

  it('is sent by the timer when the call that created the buy stopped before it', async () => {
    await gb.call(WHO.resident, 'subscribeBuys', { communityId: C1 })
    const buy = await made(WHO.committee, saleInput(t))
    await t.data.removeWhere('pushQueue', {})
    await t.data.update('buys', buy.id, { announcedAt: t.data._.remove() })
    await t.advanceClock(2 * 60_000)
    await gb.timer()
    const queued = await t.data.find<PushDoc>('pushQueue', { purpose: `groupbuy.opening:${buy.id}` })
    expect(queued.map((m) => m.touser).sort()).toEqual([WHO.buildingLead, WHO.floorLead, WHO.resident].sort())
    expect((await t.data.get<BuyDoc>('buys', buy.id))?.announcedAt).toBeTruthy()
  })

  it('refuses to subscribe someone who lives nowhere in the community', async () => {
    const before = await snapshot(t)
    expect(await gb.call(WHO.buildingLead, 'subscribeBuys', { communityId: C1 })).toMatchObject({ code: 'FORBIDDEN' })
    expect(await gb.call(WHO.resident, 'subscribeBuys', { communityId: C2 })).toMatchObject({ code: 'FORBIDDEN' })
    expect(await snapshot(t)).toBe(before)
  })
})

describe('opening by the clock', () => {
  it('reads a scheduled sale as open from its opening time, and the timer stores it', async () => {
    const buy = await made(SHOPS.approved, saleInput(t, { opensAt: new Date(t.now() + HOUR).toISOString() }))
    expect(buy.status).toBe('scheduled')
    expect((await gb.ok<BuyDetail>(WHO.resident, 'buy', { buyId: buy.id })).buy.status).toBe('scheduled')
    await t.advanceClock(HOUR + 1000)
    expect((await gb.ok<BuyDetail>(WHO.resident, 'buy', { buyId: buy.id })).buy.status).toBe('open')
    expect((await t.data.get<BuyDoc>('buys', buy.id))?.status).toBe('scheduled')
    await gb.timer()
    expect((await t.data.get<BuyDoc>('buys', buy.id))?.status).toBe('open')
  })
})

describe('changing a buy', () => {
  it('changes anything but the kind before it opens', async () => {
    const buy = await made(SHOPS.approved, saleInput(t, { opensAt: new Date(t.now() + HOUR).toISOString() }))
    const changed = await gb.ok<BuyView>(SHOPS.approved, 'updateBuy', {
      buyId: buy.id,
      title: '新的标题',
      minTotal: 10000,
      items: [{ name: '白菜', spec: '约2斤', unit: '棵', packSize: 1, price: 500, stock: 50 }],
      opensAt: new Date(t.now() + 30 * 60_000).toISOString(),
    })
    expect(changed).toMatchObject({ title: '新的标题', minTotal: 10000, status: 'scheduled' })
    expect(changed.items.map((i) => [i.id, i.name, i.stock, i.remaining])).toEqual([['i1', '白菜', 50, 50]])
    expect(await t.data.get<BuyLedgerDoc>('buyLedgers', buy.id)).toMatchObject({
      remaining: { i1: 50 },
      sold: { i1: 0 },
    })
    expect(await gb.call(SHOPS.approved, 'updateBuy', { buyId: buy.id, kind: 'drop' })).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'kind',
    })
  })

  it('once open: the note, a later deadline and delivery, and more stock added once per request', async () => {
    const buy = await made(SHOPS.approved, saleInput(t))
    const before = await snapshot(t)
    for (const [payload, code, field] of [
      [{ title: '不能改' }, 'INVALID_INPUT', 'title'],
      [{ items: saleInput(t).items }, 'INVALID_INPUT', 'items'],
      [{ buildingIds: ['b1'] }, 'INVALID_INPUT', 'buildingIds'],
      [{ closesAt: new Date(t.now() + HOUR).toISOString() }, 'INVALID_INPUT', 'closesAt'],
      [{ deliveryAt: new Date(t.now() + 3 * HOUR).toISOString() }, 'INVALID_INPUT', 'deliveryAt'],
      [
        {
          closesAt: new Date(t.now() + 31 * 24 * HOUR).toISOString(),
          deliveryAt: new Date(t.now() + 32 * 24 * HOUR).toISOString(),
        },
        'INVALID_INPUT',
        'closesAt',
      ],
      [{ addStock: [{ itemId: 'i9', add: 10 }] }, 'ITEM_NOT_FOUND', 'addStock'],
      [{ addStock: [{ itemId: 'i2', add: 20 }] }, 'PACK_SIZE', 'addStock'],
      [{ addStock: [{ itemId: 'i1', add: -5 }] }, 'INVALID_INPUT', 'addStock.0.add'],
      [{ addStock: [{ itemId: 'i1', add: 1.5 }] }, 'INVALID_INPUT', 'addStock.0.add'],
    ] as const)
      expect(await gb.call(SHOPS.approved, 'updateBuy', { buyId: buy.id, ...payload })).toMatchObject({
        ok: false,
        code,
        field,
      })
    expect(await gb.call(WHO.buildingLead, 'updateBuy', { buyId: buy.id, note: 'x' })).toMatchObject({
      code: 'FORBIDDEN',
    })
    expect(await gb.call(WHO.communityLead, 'updateBuy', { buyId: buy.id, note: 'x' })).toMatchObject({
      code: 'FORBIDDEN',
    })
    expect(await gb.call(WHO.otherCommittee, 'updateBuy', { buyId: buy.id, note: 'x' })).toMatchObject({
      code: 'FORBIDDEN',
    })
    expect(await snapshot(t)).toBe(before)

    const later = new Date(t.now() + 5 * HOUR).toISOString()
    const request = {
      buyId: buy.id,
      note: '改到下午送',
      closesAt: later,
      addStock: [{ itemId: 'i2', add: 60 }],
      requestId: requestId(),
    }
    const changed = await gb.ok<BuyView>(SHOPS.approved, 'updateBuy', request)
    expect(changed).toMatchObject({ note: '改到下午送', closesAt: later })
    expect(changed.items[1]).toMatchObject({ stock: 360, remaining: 360 })
    // The same request again adds nothing; the committee adds more.
    expect((await gb.ok<BuyView>(SHOPS.approved, 'updateBuy', request)).items[1]).toMatchObject({ stock: 360 })
    const more = await gb.ok<BuyView>(WHO.committee, 'updateBuy', {
      buyId: buy.id,
      addStock: [{ itemId: 'i1', add: 7 }],
    })
    expect(more.items[0]).toMatchObject({ stock: 107, remaining: 107 })
    expect((await t.data.get<BuyLedgerDoc>('buyLedgers', buy.id))?.version).toBe(2)
  })
})

describe('listing buys', () => {
  let all: BuyView
  let b1: BuyView
  let b3: BuyView
  let other: BuyView
  beforeEach(async () => {
    all = await made(SHOPS.approved, saleInput(t, { title: '全小区团购' }))
    await t.advanceClock(1000)
    b1 = await made(WHO.committee, saleInput(t, { title: '一号楼团购', buildingIds: ['b1'] }))
    await t.advanceClock(1000)
    b3 = await made(
      WHO.committee,
      dropInput(t, { title: '三号楼发放', buildingIds: ['b3'], opensAt: new Date(t.now() + HOUR).toISOString() }),
    )
    await t.advanceClock(1000)
    other = await made(WHO.otherCommittee, { ...dropInput(t), communityId: C2, title: '别的小区' })
  })
  const titles = async (openid: string, payload: object = {}) =>
    (await gb.ok<{ buys: BuyView[] }>(openid, 'listBuys', { communityId: C1, ...payload })).buys.map((b) => b.title)

  it('shows each caller what concerns them, newest first', async () => {
    expect(await titles(WHO.committee)).toEqual(['三号楼发放', '一号楼团购', '全小区团购'])
    expect(await titles(WHO.communityLead)).toEqual(['三号楼发放', '一号楼团购', '全小区团购'])
    expect(await titles(WHO.groupLead)).toEqual(['三号楼发放', '一号楼团购', '全小区团购'])
    expect(await titles(WHO.resident)).toEqual(['一号楼团购', '全小区团购'])
    expect(await titles(WHO.buildingLead)).toEqual(['一号楼团购', '全小区团购'])
    expect(await titles(WHO.residentB2)).toEqual(['全小区团购'])
    // 孙八 of 3号 sees the coming drop (预告) as scheduled.
    const sun = await gb.ok<{ buys: BuyView[] }>(WHO.volunteer, 'listBuys', { communityId: C1 })
    expect(sun.buys.map((b) => [b.title, b.status])).toEqual([
      ['三号楼发放', 'scheduled'],
      ['全小区团购', 'open'],
    ])
    expect(await titles(SHOPS.approved)).toEqual(['全小区团购'])
    expect(await gb.call(WHO.stranger, 'listBuys', { communityId: C1 })).toMatchObject({ code: 'FORBIDDEN' })
    expect(await gb.call(WHO.otherCommittee, 'listBuys', { communityId: C1 })).toMatchObject({ code: 'FORBIDDEN' })
    expect(
      (await gb.ok<{ buys: BuyView[] }>(WHO.otherCommittee, 'listBuys', { communityId: C2 })).buys.map((b) => b.id),
    ).toEqual([other.id])
  })

  it('filters current and past, and pages with a cursor', async () => {
    await gb.ok(WHO.committee, 'cancelBuy', { buyId: b1.id, reason: '货源不足' })
    expect(await titles(WHO.committee, { status: 'current' })).toEqual(['三号楼发放', '全小区团购'])
    expect(await titles(WHO.committee, { status: 'past' })).toEqual(['一号楼团购'])
    const first = await gb.ok<{ buys: BuyView[]; cursor?: string }>(WHO.committee, 'listBuys', {
      communityId: C1,
      limit: 2,
    })
    expect(first.buys.map((b) => b.id)).toEqual([b3.id, b1.id])
    expect(first.cursor).toBeTruthy()
    const second = await gb.ok<{ buys: BuyView[]; cursor?: string }>(WHO.committee, 'listBuys', {
      communityId: C1,
      limit: 2,
      cursor: first.cursor,
    })
    expect(second.buys.map((b) => b.id)).toEqual([all.id])
    expect(second.cursor).toBeUndefined()
    expect(await gb.call(WHO.committee, 'listBuys', { communityId: C1, cursor: 'garbage' })).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'cursor',
    })
  })

  it('refuses a buy outside the caller’s buildings or community', async () => {
    expect(await gb.call(WHO.residentB2, 'buy', { buyId: b1.id })).toMatchObject({ code: 'FORBIDDEN' })
    expect(await gb.call(WHO.otherCommittee, 'buy', { buyId: b1.id })).toMatchObject({ code: 'FORBIDDEN' })
    expect(await gb.call(WHO.committee, 'buy', { buyId: other.id })).toMatchObject({ code: 'FORBIDDEN' })
    expect(await gb.call(WHO.committee, 'buy', { buyId: 'buy_nope' })).toMatchObject({ code: 'FORBIDDEN' })
  })
})

describe('one buy and its chain', () => {
  it('shows the caller’s households in scope with their orders, and a lead’s 代管 households', async () => {
    await t.data.update('households', H.b1r102._id, { proxy: true })
    const buy = await made(SHOPS.approved, saleInput(t))
    const zhang = await gb.ok<BuyDetail>(WHO.resident, 'buy', { buyId: buy.id })
    expect(zhang.mine).toEqual([{ householdId: H.b1r101._id, label: '1-101', proxy: false }])
    const lead = await gb.ok<BuyDetail>(WHO.buildingLead, 'buy', { buyId: buy.id })
    expect(lead.mine).toEqual([{ householdId: H.b1r102._id, label: '1-102', proxy: true }])
    expect(lead.buy.manage).toBe(false)
    const placed = await gb.ok<OrderView>(WHO.resident, 'placeOrder', {
      buyId: buy.id,
      householdId: H.b1r101._id,
      lines: [{ itemId: 'i1', qty: 2 }],
      requestId: requestId(),
    })
    expect(placed.status).not.toBe('refused')
    const again = await gb.ok<BuyDetail>(WHO.resident, 'buy', { buyId: buy.id })
    expect(again.mine[0]?.order).toMatchObject({ householdId: H.b1r101._id, total: 700 })
  })

  it('lists the chain in 接龙 order with names as the policy shows them, never phones', async () => {
    const buy = await made(SHOPS.approved, saleInput(t))
    const place = (openid: string, householdId: string, qty: number) =>
      gb.ok<OrderView>(openid, 'placeOrder', {
        buyId: buy.id,
        householdId,
        lines: [{ itemId: 'i1', qty }],
        requestId: requestId(),
      })
    await place(WHO.resident, H.b1r101._id, 1)
    await place(WHO.floorLead, H.b1r201._id, 2)
    await place(WHO.residentB2, H.b2r101._id, 3)
    const chain = async (openid: string, payload: object = {}) =>
      (await gb.ok<BuyChain>(openid, 'buyChain', { buyId: buy.id, ...payload })).orders.map((o) => [
        o.no,
        o.label,
        o.name,
      ])
    // The shop and the 团长 see masked names; the committee full ones; a building lead their building, a floor lead their floor.
    expect(await chain(SHOPS.approved)).toEqual([
      [1, '1-101', '张*'],
      [2, '1-201', '赵*'],
      [3, '2-101', '钱*'],
    ])
    expect(await chain(WHO.committee)).toEqual([
      [1, '1-101', '张三'],
      [2, '1-201', '赵六'],
      [3, '2-101', '钱七'],
    ])
    expect(await chain(WHO.communityLead)).toEqual([
      [1, '1-101', '张*'],
      [2, '1-201', '赵*'],
      [3, '2-101', '钱*'],
    ])
    expect(await chain(WHO.buildingLead)).toEqual([
      [1, '1-101', '张三'],
      [2, '1-201', '赵六'],
    ])
    expect(await chain(WHO.floorLead)).toEqual([[2, '1-201', '赵六']])
    expect(await chain(WHO.groupLead)).toEqual([
      [1, '1-101', '张*'],
      [2, '1-201', '赵*'],
      [3, '2-101', '钱*'],
    ])
    const json = JSON.stringify(await gb.ok<BuyChain>(WHO.committee, 'buyChain', { buyId: buy.id }))
    expect(json).not.toMatch(/1380000/)
    expect(
      (await gb.ok<BuyChain>(SHOPS.approved, 'buyChain', { buyId: buy.id, buildingId: 'b2' })).orders.map((o) => o.no),
    ).toEqual([3])
    expect(await gb.call(WHO.buildingLead, 'buyChain', { buyId: buy.id, buildingId: 'b2' })).toMatchObject({
      code: 'FORBIDDEN',
    })
    expect(await gb.call(WHO.resident, 'buyChain', { buyId: buy.id })).toMatchObject({ code: 'FORBIDDEN' })
    expect(await gb.call(WHO.otherCommittee, 'buyChain', { buyId: buy.id })).toMatchObject({ code: 'FORBIDDEN' })
  })
})
