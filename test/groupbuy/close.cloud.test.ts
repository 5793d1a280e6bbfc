// Closing buys through localcloud: by hand and by the timer at the deadline, twice at once (two people, a person
// and the timer) done once; 未成团 when the minimum is not met; cancelling; a close that died taken over; and a
// drop's orders made at close from its allotment per household and per person, numbered by building and room.
import type { BuyDetail, BuySummary, BuyView, OrderView } from '../../typings/api'
import type { BuyDoc, DeliveryDoc, OrderDoc } from '../../server/groupbuy/model'
import type { HouseholdDoc } from '../../server/community/model'
import type { PushDoc } from '../../server/platform/pushqueue'
import { householdId } from '../../server/community/ids'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C1, H, loadFixture, manyHouseholds, snapshot, WHO } from '../support/community'
import { addShops, dropInput, groupbuy, HOUR, requestId, saleInput, SHOPS } from '../support/buys'
import { settledOutbox } from '../support/pushes'

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

const place = (buy: BuyView, openid: string, householdId: string, lines: { itemId: string; qty: number }[]) =>
  gb.ok<OrderView>(openid, 'placeOrder', { buyId: buy.id, householdId, lines, requestId: requestId() })

/** A sale with three households' orders: 1-101 two bags and a case of eggs, 1-201 one bag, 2-101 two cases. */
async function saleWithOrders(over: Parameters<typeof saleInput>[1] = {}): Promise<BuyView> {
  const buy = await gb.ok<BuyView>(SHOPS.approved, 'createBuy', saleInput(t, over))
  await place(buy, WHO.resident, H.b1r101._id, [
    { itemId: 'i1', qty: 2 },
    { itemId: 'i2', qty: 30 },
  ])
  await place(buy, WHO.floorLead, H.b1r201._id, [{ itemId: 'i1', qty: 1 }])
  await place(buy, WHO.residentB2, H.b2r101._id, [{ itemId: 'i2', qty: 60 }])
  return buy
}

const updates = (buyId: string) =>
  t.data.find<PushDoc>(
    'pushQueue',
    {
      templateId: 'TPL_BUY_UPDATE',
      purpose: t.data._.in([
        `groupbuy.update:${buyId}:closed`,
        `groupbuy.update:${buyId}:failed`,
        `groupbuy.update:${buyId}:cancelled`,
      ]),
    },
    { limit: 1000 },
  )

describe('closing a sale', () => {
  it('by hand: the purchase list and building totals, the delivery, every orderer told, no more orders', async () => {
    for (const openid of [WHO.resident, WHO.floorLead, WHO.residentB2])
      await t.admin('subscribe', { body: { openid, templateId: 'TPL_BUY_UPDATE' } })
    const buy = await saleWithOrders()
    const summary = await gb.ok<BuySummary>(SHOPS.approved, 'closeBuy', { buyId: buy.id })
    expect(summary.buy).toMatchObject({ status: 'closed', orders: 3, total: 2 * 350 + 30 * 60 + 350 + 60 * 60 })
    expect(summary.purchase).toEqual([
      { itemId: 'i1', name: '土豆', spec: '500g/袋', unit: '袋', qty: 3, packs: 3, amount: 1050, households: 2 },
      { itemId: 'i2', name: '鸡蛋', spec: '30个/箱', unit: '个', qty: 90, packs: 3, amount: 5400, households: 2 },
    ])
    expect(summary.buildings).toEqual([
      { buildingId: 'b1', name: '1号', households: 2, pieces: 4, amount: 700 + 1800 + 350 },
      { buildingId: 'b2', name: '2号', households: 1, pieces: 2, amount: 3600 },
    ])
    expect(summary).toMatchObject({ households: 3, pieces: 6, amount: 6450 })
    const stored = await t.data.get<BuyDoc>('buys', buy.id)
    expect(stored).toMatchObject({
      status: 'closed',
      closedBy: SHOPS.approved,
      summary: { households: 3, pieces: 6, amount: 6450 },
    })
    expect(stored?.closing).toBeUndefined()
    expect(await t.data.get<DeliveryDoc>('deliveries', buy.id)).toMatchObject({
      buyId: buy.id,
      kind: 'sale',
      status: 'awaiting',
      households: 3,
      pieces: 6,
      buildings: [
        { buildingId: 'b1', households: 2, pieces: 4 },
        { buildingId: 'b2', households: 1, pieces: 2 },
      ],
    })
    const told = await updates(buy.id)
    expect(told.map((m) => m.touser).sort()).toEqual([WHO.floorLead, WHO.resident, WHO.residentB2].sort())
    for (const m of told) {
      expect(m.fields).toMatchObject({ thing1: '蔬菜鸡蛋团购', phrase2: '已截单', thing3: '预计11月25日 10:00送达' })
      expect(m.page).toBe(`packageGroupbuy/pages/buy?id=${buy.id}`)
    }
    expect(
      (await settledOutbox(t)).filter((m) => m.templateId === 'TPL_BUY_UPDATE' && m.status === 'sent'),
    ).toHaveLength(3)
    // Nothing changes any more; the summary stays what it was.
    const before = await snapshot(t)
    expect(
      await gb.call(WHO.resident, 'placeOrder', {
        buyId: buy.id,
        householdId: H.b1r101._id,
        lines: [{ itemId: 'i1', qty: 1 }],
        requestId: requestId(),
      }),
    ).toMatchObject({ ok: false, code: 'BUY_CLOSED' })
    expect(await gb.call(SHOPS.approved, 'updateBuy', { buyId: buy.id, note: '再改' })).toMatchObject({
      code: 'BUY_CLOSED',
    })
    expect(await gb.call(SHOPS.approved, 'cancelBuy', { buyId: buy.id, reason: '不办了' })).toMatchObject({
      code: 'BUY_CLOSED',
    })
    expect(await snapshot(t)).toBe(before)
    expect(await gb.ok<BuySummary>(WHO.committee, 'buySummary', { buyId: buy.id })).toEqual({
      ...summary,
      buy: { ...summary.buy, manage: true },
    })
  })

  it('is refused to whoever does not run it, writing nothing', async () => {
    const buy = await saleWithOrders()
    const before = await snapshot(t)
    for (const who of [
      WHO.resident,
      WHO.buildingLead,
      WHO.communityLead,
      WHO.otherCommittee,
      WHO.stranger,
      SHOPS.suspended,
    ])
      expect(await gb.call(who, 'closeBuy', { buyId: buy.id })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    const scheduled = await gb.ok<BuyView>(
      SHOPS.approved,
      'createBuy',
      saleInput(t, { opensAt: new Date(t.now() + HOUR).toISOString() }),
    )
    const mid = await snapshot(t)
    expect(await gb.call(SHOPS.approved, 'closeBuy', { buyId: scheduled.id })).toMatchObject({ code: 'BUY_NOT_OPEN' })
    expect(await snapshot(t)).toBe(mid)
    expect(before).not.toBe(mid)
  })

  it('twice at once, by two people and by the timer, is done once', async () => {
    const buy = await saleWithOrders()
    await t.advanceClock(2 * HOUR + 1000)
    const [a, b] = await Promise.all([
      gb.ok<BuySummary>(SHOPS.approved, 'closeBuy', { buyId: buy.id }),
      gb.ok<BuySummary>(WHO.committee, 'closeBuy', { buyId: buy.id }),
      gb.timer(),
    ])
    expect(a.amount).toBe(6450)
    expect(b.amount).toBe(6450)
    expect(a.buildings).toEqual(b.buildings)
    expect(await t.data.count('deliveries', { buyId: buy.id })).toBe(1)
    expect(await updates(buy.id)).toHaveLength(3)
    const stored = await t.data.get<BuyDoc>('buys', buy.id)
    // Past the deadline the cut is the deadline itself, whoever closed it.
    expect(new Date(stored?.closedAt as Date).toISOString()).toBe(buy.closesAt)
    await gb.timer()
    expect(await updates(buy.id)).toHaveLength(3)
  })

  it('by the timer at the deadline, with what was ordered before it', async () => {
    const buy = await saleWithOrders()
    await t.advanceClock(HOUR)
    await gb.timer()
    expect((await t.data.get<BuyDoc>('buys', buy.id))?.status).toBe('open')
    await t.advanceClock(HOUR + 1000)
    expect(
      await gb.call(WHO.resident, 'placeOrder', {
        buyId: buy.id,
        householdId: H.b1r101._id,
        lines: [{ itemId: 'i1', qty: 1 }],
        requestId: requestId(),
      }),
    ).toMatchObject({ ok: false, code: 'BUY_CLOSED' })
    await gb.timer()
    const stored = await t.data.get<BuyDoc>('buys', buy.id)
    expect(stored).toMatchObject({ status: 'closed', closedBy: 'timer', summary: { households: 3, amount: 6450 } })
    expect((await gb.ok<BuyDetail>(WHO.resident, 'buy', { buyId: buy.id })).buy).toMatchObject({
      status: 'closed',
      orders: 3,
      total: 6450,
    })
  })

  it('fails when the minimum is not met: orders cancelled, what was paid due back, orderers told 未成团', async () => {
    const buy = await saleWithOrders({ minTotal: 100_000 })
    await gb.ok(SHOPS.approved, 'recordPayment', {
      buyId: buy.id,
      householdId: H.b1r101._id,
      method: 'wechat',
      amount: 2500,
    })
    const summary = await gb.ok<BuySummary>(SHOPS.approved, 'closeBuy', { buyId: buy.id })
    expect(summary.buy).toMatchObject({ status: 'failed', minimumMet: false, total: 6450, reason: '未达到成团金额' })
    const orders = await t.data.find<OrderDoc>('orders', { buyId: buy.id })
    expect(orders.map((o) => o.status)).toEqual(['cancelled', 'cancelled', 'cancelled'])
    expect(await t.data.count('deliveries', { buyId: buy.id })).toBe(0)
    const mine = await gb.ok<BuyDetail>(WHO.resident, 'buy', { buyId: buy.id })
    expect(mine.mine[0]?.order?.payment).toMatchObject({ paid: 2500, refundDue: 2500 })
    const told = await updates(buy.id)
    expect(told.map((m) => m.touser).sort()).toEqual([WHO.floorLead, WHO.resident, WHO.residentB2].sort())
    expect(told[0]?.fields).toMatchObject({ phrase2: '未成团' })
  })
})

describe('cancelling', () => {
  it('cancels every order, with the reason to the orderers, by the shop, the committee or the 团长 who made it', async () => {
    const buy = await saleWithOrders()
    const before = await snapshot(t)
    expect(await gb.call(WHO.buildingLead, 'cancelBuy', { buyId: buy.id, reason: '不办了' })).toMatchObject({
      code: 'FORBIDDEN',
    })
    expect(await gb.call(WHO.communityLead, 'cancelBuy', { buyId: buy.id, reason: '不办了' })).toMatchObject({
      code: 'FORBIDDEN',
    })
    expect(await gb.call(SHOPS.approved, 'cancelBuy', { buyId: buy.id, reason: '' })).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'reason',
    })
    expect(await gb.call(SHOPS.approved, 'cancelBuy', { buyId: buy.id, reason: '不'.repeat(61) })).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'reason',
    })
    expect(await snapshot(t)).toBe(before)

    await gb.ok(SHOPS.approved, 'recordPayment', {
      buyId: buy.id,
      householdId: H.b2r101._id,
      method: 'cash',
      amount: 3600,
    })
    const cancelled = await gb.ok<BuyView>(SHOPS.approved, 'cancelBuy', { buyId: buy.id, reason: '供货商断货' })
    expect(cancelled).toMatchObject({ status: 'cancelled', reason: '供货商断货', orders: 0, total: 0 })
    expect((await t.data.find<OrderDoc>('orders', { buyId: buy.id })).every((o) => o.status === 'cancelled')).toBe(true)
    const qian = await gb.ok<BuyDetail>(WHO.residentB2, 'buy', { buyId: buy.id })
    expect(qian.mine[0]?.order).toMatchObject({
      status: 'cancelled',
      editable: false,
      payment: { paid: 3600, refundDue: 3600 },
    })
    // The orderers, and whoever was told it was coming (the leads of its buildings).
    const told = await updates(buy.id)
    expect(told.map((m) => m.touser).sort()).toEqual(
      [WHO.buildingLead, WHO.floorLead, WHO.resident, WHO.residentB2].sort(),
    )
    expect(told[0]?.fields).toMatchObject({ phrase2: '已取消', thing3: '供货商断货' })
    expect(await gb.call(SHOPS.approved, 'cancelBuy', { buyId: buy.id, reason: '再取消' })).toMatchObject({
      code: 'BUY_CLOSED',
    })
    expect(await gb.call(SHOPS.approved, 'closeBuy', { buyId: buy.id })).toMatchObject({ code: 'BUY_CLOSED' })

    const lead = await gb.ok<BuyView>(WHO.communityLead, 'createBuy', saleInput(t))
    expect(await gb.ok<BuyView>(WHO.communityLead, 'cancelBuy', { buyId: lead.id, reason: '重复开团' })).toMatchObject({
      status: 'cancelled',
    })
    // A drop nobody could order yet: the subscribers in scope who were told it was coming are told it is off.
    await gb.ok(WHO.volunteer, 'subscribeBuys', { communityId: C1 })
    const drop = await gb.ok<BuyView>(WHO.committee, 'createBuy', dropInput(t, { buildingIds: ['b3'] }))
    await gb.ok(WHO.committee, 'cancelBuy', { buyId: drop.id, reason: '物资改期' })
    expect((await updates(drop.id)).map((m) => [m.touser, m.fields.phrase2])).toEqual([[WHO.volunteer, '已取消']])
    const committee = await gb.ok<BuyView>(SHOPS.approved, 'createBuy', saleInput(t))
    expect(
      await gb.ok<BuyView>(WHO.committee, 'cancelBuy', { buyId: committee.id, reason: '商家被投诉' }),
    ).toMatchObject({ status: 'cancelled' })
  })
})

describe('a close that died', () => {
  it('is finished by the timer once its lease ran out, as it was asked', async () => {
    const buy = await saleWithOrders()
    // A cancellation that stopped right after taking the buy.
    await t.data.update('buys', buy.id, {
      status: 'closing',
      closing: { to: 'cancel', lease: 'dead', until: new Date(t.now() + 60_000), by: SHOPS.approved, reason: '断货' },
      closedAt: new Date(t.now()),
      closedBy: SHOPS.approved,
    })
    expect((await gb.ok<BuyDetail>(WHO.resident, 'buy', { buyId: buy.id })).buy.status).toBe('open')
    expect(
      await gb.call(WHO.resident, 'placeOrder', {
        buyId: buy.id,
        householdId: H.b1r101._id,
        lines: [{ itemId: 'i1', qty: 1 }],
        requestId: requestId(),
      }),
    ).toMatchObject({ ok: false, code: 'BUY_CLOSED' })
    await gb.timer()
    expect((await t.data.get<BuyDoc>('buys', buy.id))?.status).toBe('closing')
    await t.advanceClock(2 * 60_000)
    await gb.timer()
    expect(await t.data.get<BuyDoc>('buys', buy.id)).toMatchObject({ status: 'cancelled', reason: '断货' })
  })
})

describe('a drop', () => {
  it('makes every lived-in household’s order at close from its allotment, numbered by building and room', async () => {
    const extra: HouseholdDoc[] = [
      ...manyHouseholds(12),
      // Nobody lives here, and this one's data was erased: neither gets anything.
      { ...H.b2r101, _id: householdId(C1, 'b2', '201'), room: '201', floor: 2, members: [], linkedOpenids: [] },
      { ...H.b2r101, _id: householdId(C1, 'b2', '301'), room: '301', floor: 3, erasedAt: new Date(t.now()) },
    ]
    for (const h of extra) await t.data.set('households', h)
    for (const openid of [WHO.resident, WHO.floorLead, WHO.residentB2, WHO.volunteer])
      await t.admin('subscribe', { body: { openid, templateId: 'TPL_BUY_UPDATE' } })
    const drop = await gb.ok<BuyView>(WHO.committee, 'createBuy', dropInput(t, { buildingIds: ['b1', 'b2'] }))
    // Nobody orders a drop.
    expect(
      await gb.call(WHO.resident, 'placeOrder', {
        buyId: drop.id,
        householdId: H.b1r101._id,
        lines: [{ itemId: 'i1', qty: 1 }],
        requestId: requestId(),
      }),
    ).toMatchObject({ ok: false })
    const summary = await gb.ok<BuySummary>(WHO.committee, 'closeBuy', { buyId: drop.id })
    const orders = await t.data.find<OrderDoc>('orders', { buyId: drop.id }, { orderBy: [['no', 'asc']], limit: 100 })
    const rooms = orders.map((o) => `${o.buildingId}-${o.room}`)
    expect(rooms).toEqual([
      'b1-101',
      'b1-102',
      'b1-201',
      ...['1001', '1002', '1003', '1004', '1005', '1006', '1007', '1008', '1101', '1102', '1103', '1104'].map(
        (r) => `b1-${r}`,
      ),
      'b2-101',
    ])
    expect(orders.map((o) => o.no)).toEqual(orders.map((_, i) => i + 1))
    const q = (room: string) =>
      orders.find((o) => `${o.buildingId}-${o.room}` === room)?.lines.map((l) => [l.itemId, l.qty])
    expect(q('b1-101')).toEqual([
      ['i1', 1],
      ['i2', 10],
    ])
    expect(q('b1-102')).toEqual([
      ['i1', 1],
      ['i2', 5],
    ])
    expect(q('b2-101')).toEqual([
      ['i1', 1],
      ['i2', 5],
    ])
    for (const o of orders)
      expect(o).toMatchObject({ status: 'active', total: 0, payment: { status: 'paid', paid: 0 } })
    expect(orders.find((o) => o.room === '101' && o.buildingId === 'b1')?.notify).toEqual(['o-zhang'])
    // 16 households; rice 16 bags; masks: 2+1+2 people in 1号's first rooms, 2 in each of the 12 more, 1 in 2号-101.
    expect(summary.purchase.map((p) => [p.itemId, p.qty, p.packs, p.households])).toEqual([
      ['i1', 16, 16, 16],
      ['i2', (5 + 24 + 1) * 5, 30, 16],
    ])
    expect(summary).toMatchObject({ households: 16, pieces: 46, amount: 0 })
    expect(summary.buildings.map((b) => [b.buildingId, b.households, b.pieces])).toEqual([
      ['b1', 15, 15 + 29],
      ['b2', 1, 2],
    ])
    const told = await updates(drop.id)
    expect(told.map((m) => m.touser).sort()).toEqual([WHO.floorLead, WHO.resident, WHO.residentB2].sort())
    expect(told[0]?.fields).toMatchObject({ phrase2: '即将发放' })
    expect(await t.data.get<DeliveryDoc>('deliveries', drop.id)).toMatchObject({
      kind: 'drop',
      households: 16,
      pieces: 46,
    })
    // Closing again writes nothing more.
    const before = await snapshot(t)
    expect((await gb.ok<BuySummary>(WHO.committee, 'closeBuy', { buyId: drop.id })).pieces).toBe(46)
    expect(await snapshot(t)).toBe(before)
  })
})

describe('totals while it runs', () => {
  it('are counted now for the organisers, and a lead gets their buildings only', async () => {
    const buy = await saleWithOrders()
    const all = await gb.ok<BuySummary>(SHOPS.approved, 'buySummary', { buyId: buy.id })
    expect(all).toMatchObject({ households: 3, amount: 6450, buy: { status: 'open' } })
    const lead = await gb.ok<BuySummary>(WHO.buildingLead, 'buySummary', { buyId: buy.id })
    expect(lead.buildings.map((b) => b.buildingId)).toEqual(['b1'])
    expect(lead).toMatchObject({ households: 2, amount: 2850 })
    const floor = await gb.ok<BuySummary>(WHO.floorLead, 'buySummary', { buyId: buy.id })
    expect(floor).toMatchObject({ households: 1, amount: 350 })
    expect(await gb.call(WHO.resident, 'buySummary', { buyId: buy.id })).toMatchObject({ code: 'FORBIDDEN' })
    expect(await gb.call(WHO.otherCommittee, 'buySummary', { buyId: buy.id })).toMatchObject({ code: 'FORBIDDEN' })
  })
})
