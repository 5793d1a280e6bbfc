// Orders by 接龙 through localcloud: placeOrder and cancelOrder write the household's intent and the buy's order
// sequencer (the `sequencer` function) numbers it and takes its stock. Every bad input is refused with its code and
// nothing written; numbers survive edits and cancels; a lead or family member orders for a household (代下单) and the
// household is told; a retried call writes nothing new; neighbours neither order for nor read another household.
// The buy and its ledger are written as createBuy writes them (test/support/orders.ts).
import type { Envelope, OrderView } from '../../typings/api'
import type { BuyDoc, BuyLedgerDoc, OrderDoc, OrderIntakeDoc } from '../../server/groupbuy/model'
import type { HouseholdDoc, RoleDoc } from '../../server/community/model'
import { roleId } from '../../server/community/ids'
import { orderId } from '../../server/groupbuy/ids'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C1, C2, H, loadFixture, snapshot, WHO } from '../support/community'
import { merchantDoc, putSale, saleDoc, SHOP } from '../support/orders'
import { settledOutbox } from '../support/pushes'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())

const FAMILY = 'o-family'
const BUY = 'buy-veg'
let req = 0
const rid = () => `req-${String(++req).padStart(6, '0')}`

const call = <T>(openid: string, action: string, payload: object = {}) =>
  t.call<Envelope<T>>('groupbuy', { action, payload }, openid)
const ok = async <T>(openid: string, action: string, payload: object = {}): Promise<T> => {
  const r = await call<T>(openid, action, payload)
  if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message} ${r.field ?? ''}`)
  return r.data
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Until no intent of the buy waits (the kicked sequencers run on their own). */
async function settled(buyId = BUY): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await t.data.count('orderIntake', { buyId })) === 0) return
    await sleep(50)
  }
  throw new Error('intents still waiting after 10 s')
}

const place = (openid: string, h: HouseholdDoc, lines: [string, number][], extra: object = {}) =>
  call<OrderView>(openid, 'placeOrder', {
    buyId: BUY,
    householdId: h._id,
    lines: lines.map(([itemId, qty]) => ({ itemId, qty })),
    requestId: rid(),
    ...extra,
  })
const placed = async (openid: string, h: HouseholdDoc, lines: [string, number][], extra: object = {}) => {
  const r = await place(openid, h, lines, extra)
  if (!r.ok) throw new Error(`placeOrder failed: ${r.code} ${r.message}`)
  await settled()
  return (await ok<OrderView>(openid, 'order', { buyId: BUY, householdId: h._id })) as OrderView
}
const ledger = async () => (await t.data.get<BuyLedgerDoc>('buyLedgers', BUY)) as BuyLedgerDoc

const at = new Date('2026-11-01T00:00:00Z')
const grant = (openid: string, h: HouseholdDoc, extra: Partial<RoleDoc> = {}): RoleDoc => ({
  _id: roleId(openid, 'resident', h._id),
  openid,
  communityId: h.communityId,
  role: 'resident',
  scope: { communityId: h.communityId, buildingId: h.buildingId, householdId: h._id },
  householdId: h._id,
  grantedBy: 'fixture',
  grantedAt: at,
  ...extra,
})

beforeEach(async () => {
  await loadFixture(t)
  await putSale(t, saleDoc(t.now()))
  // 1号-102 (王五, lives alone) is 代管 by a family member, who is also family (代管) of 1号-101.
  await t.data.update('households', H.b1r102._id, { proxy: true, linkedOpenids: [FAMILY] })
  await t.data.set('roles', grant(FAMILY, H.b1r102, { proxy: true }))
  await t.data.set('roles', grant(FAMILY, H.b1r101, { proxy: true }))
  await t.data.update('households', H.b1r101._id, { linkedOpenids: ['o-zhang', FAMILY] })
})

describe('placing, changing and cancelling keep the 接龙号', () => {
  it('numbers orders in order, keeps a number across an edit and a cancel, and moves the stock', async () => {
    const first = await place(
      WHO.resident,
      H.b1r101,
      [
        ['i1', 2],
        ['i2', 30],
      ],
      { note: '放门口' },
    )
    if (!first.ok) throw new Error(first.message)
    // Answered with the number when the merge finished in time, else queued (the page asks again).
    expect(['active', 'queued']).toContain(first.data.status)
    if (first.data.status === 'active') expect(first.data.no).toBe(1)
    await settled()
    const a = await ok<OrderView>(WHO.resident, 'order', { buyId: BUY, householdId: H.b1r101._id })
    expect(a).toMatchObject({
      no: 1,
      status: 'active',
      label: '1-101',
      total: 2 * 800 + 30 * 50,
      note: '放门口',
      proxy: false,
      placedBy: '张三',
      editable: true,
      buyStatus: 'open',
      shopName: '老王蔬菜店',
      payment: { status: 'unpaid', paid: 0, refundDue: 0 },
    })
    expect(a.lines).toEqual([
      { itemId: 'i1', name: '土豆', spec: '约2.5斤/袋', unit: '袋', qty: 2, packs: 2, price: 800, amount: 1600 },
      { itemId: 'i2', name: '鸡蛋', spec: '30个/箱', unit: '个', qty: 30, packs: 1, price: 50, amount: 1500 },
    ])
    const b = await placed(WHO.residentB2, H.b2r101, [['i1', 1]])
    expect(b.no).toBe(2)
    const edit = await placed(WHO.resident, H.b1r101, [
      ['i1', 4],
      ['i2', 0],
    ])
    expect(edit).toMatchObject({ no: 1, status: 'active', total: 3200, lines: [{ itemId: 'i1', qty: 4 }] })
    expect(edit.note).toBeUndefined()
    expect(await ledger()).toMatchObject({
      remaining: { i1: 5, i2: 300 },
      sold: { i1: 5, i2: 0 },
      nextNo: 3,
      active: 2,
    })

    const c = await call<OrderView>(WHO.resident, 'cancelOrder', {
      buyId: BUY,
      householdId: H.b1r101._id,
      requestId: rid(),
    })
    expect(c.ok).toBe(true)
    await settled()
    const cancelled = await ok<OrderView>(WHO.resident, 'order', { buyId: BUY, householdId: H.b1r101._id })
    expect(cancelled).toMatchObject({ no: 1, status: 'cancelled', lines: [{ itemId: 'i1', qty: 4 }] })
    expect(await ledger()).toMatchObject({ remaining: { i1: 9 }, sold: { i1: 1 }, active: 1, total: 800 })
    // A third household takes 3, not 1; the cancelled household ordering again gets its own number back.
    expect((await placed(WHO.floorLead, H.b1r201, [['i3', 2]])).no).toBe(3)
    expect((await placed(WHO.resident, H.b1r101, [['i1', 1]])).no).toBe(1)
    const docs = await t.data.find<OrderDoc>('orders', { buyId: BUY }, { limit: 10 })
    expect(docs.map((d) => d.no).sort()).toEqual([1, 2, 3])
    expect(await t.data.count('orderIntake', {})).toBe(0)
  })

  it('a cancel after the deadline, or of nothing, is refused and writes nothing', async () => {
    await placed(WHO.resident, H.b1r101, [['i1', 1]])
    const none = await call(WHO.residentB2, 'cancelOrder', { buyId: BUY, householdId: H.b2r101._id, requestId: rid() })
    expect(none).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    await t.data.update('buys', BUY, { closesAt: new Date(t.now() - 1000) })
    const before = await snapshot(t)
    const late = await call(WHO.resident, 'cancelOrder', { buyId: BUY, householdId: H.b1r101._id, requestId: rid() })
    expect(late).toMatchObject({ ok: false, code: 'BUY_CLOSED' })
    expect(await snapshot(t)).toBe(before)
  })
})

describe('bad input: a clear message, a stable code, nothing written', () => {
  const other = (extra: Partial<BuyDoc>) => saleDoc(t.now(), { _id: 'buy-other', requestId: 'req-other', ...extra })
  const cases: [string, () => Promise<void>, object, string, RegExp?][] = [
    ['a buy that does not exist', async () => {}, { buyId: 'buy-none' }, 'NOT_FOUND'],
    [
      'another community’s buy',
      async () => void (await putSale(t, other({ communityId: C2 }))),
      { buyId: 'buy-other' },
      'NOT_FOUND',
    ],
    [
      'a sale not open yet',
      async () =>
        void (await putSale(
          t,
          other({ status: 'scheduled', opensAt: new Date(t.now() + 3600_000), closesAt: new Date(t.now() + 7200_000) }),
        )),
      { buyId: 'buy-other' },
      'BUY_NOT_OPEN',
    ],
    [
      'past the deadline',
      async () => void (await putSale(t, other({ closesAt: new Date(t.now() - 1000) }))),
      { buyId: 'buy-other' },
      'BUY_CLOSED',
    ],
    [
      'a closed buy',
      async () => void (await putSale(t, other({ status: 'closed', closedAt: new Date(t.now() - 1000) }))),
      { buyId: 'buy-other' },
      'BUY_CLOSED',
    ],
    [
      'a cancelled buy',
      async () => void (await putSale(t, other({ status: 'cancelled' }))),
      { buyId: 'buy-other' },
      'BUY_CLOSED',
      /取消/,
    ],
    [
      'a building not in scope',
      async () => void (await putSale(t, other({ allBuildings: false, buildingIds: ['b2'] }))),
      { buyId: 'buy-other' },
      'NOT_IN_SCOPE',
    ],
    ['an item of another buy', async () => {}, { lines: [{ itemId: 'i9', qty: 1 }] }, 'ITEM_NOT_FOUND'],
    ['a fractional quantity', async () => {}, { lines: [{ itemId: 'i1', qty: 1.5 }] }, 'INVALID_INPUT'],
    ['a negative quantity', async () => {}, { lines: [{ itemId: 'i1', qty: -1 }] }, 'INVALID_INPUT'],
    ['a huge quantity', async () => {}, { lines: [{ itemId: 'i3', qty: 100_001 }] }, 'INVALID_INPUT'],
    ['a quantity as text', async () => {}, { lines: [{ itemId: 'i1', qty: '2' }] }, 'INVALID_INPUT'],
    [
      'eggs not by the case',
      async () => {},
      { lines: [{ itemId: 'i2', qty: 20 }] },
      'PACK_SIZE',
      /^鸡蛋 按箱卖，每箱 30 个/,
    ],
    [
      'over the per-household limit',
      async () => {},
      { lines: [{ itemId: 'i1', qty: 5 }] },
      'OVER_LIMIT',
      /土豆 每户限购 4 袋/,
    ],
    [
      'more than is left',
      async () => void (await t.data.update('buyLedgers', BUY, { 'remaining.i1': 3 })),
      { lines: [{ itemId: 'i1', qty: 4 }] },
      'SOLD_OUT',
      /^土豆 只剩 3 袋$/,
    ],
    [
      'a sold-out item',
      async () => void (await t.data.update('buyLedgers', BUY, { 'remaining.i1': 0 })),
      { lines: [{ itemId: 'i1', qty: 1 }] },
      'SOLD_OUT',
      /^土豆 已售罄$/,
    ],
    [
      'a suspended merchant',
      async () => void (await t.data.set('merchants', merchantDoc('suspended'))),
      {},
      'MERCHANT_SUSPENDED',
    ],
    [
      'the same item twice',
      async () => {},
      {
        lines: [
          { itemId: 'i1', qty: 1 },
          { itemId: 'i1', qty: 2 },
        ],
      },
      'INVALID_INPUT',
      /两次/,
    ],
    ['nothing but zeros', async () => {}, { lines: [{ itemId: 'i1', qty: 0 }] }, 'INVALID_INPUT', /取消订单/],
    ['no lines at all', async () => {}, { lines: [] }, 'INVALID_INPUT'],
    [
      'a supply drop',
      async () =>
        void (await putSale(
          t,
          other({
            kind: 'drop',
            merchantId: undefined,
            items: [
              {
                id: 'i1',
                name: '大米',
                spec: '10kg',
                unit: '袋',
                packSize: 1,
                price: 0,
                allot: { per: 'household', qty: 1 },
              },
            ],
          }),
        )),
      { buyId: 'buy-other' },
      'FORBIDDEN',
      /不用下单/,
    ],
    ['an unknown field', async () => {}, { extra: 1 }, 'INVALID_INPUT'],
    ['a bad requestId', async () => {}, { requestId: 'x' }, 'INVALID_INPUT'],
  ]
  it.each(cases.map(([name, arrange, payload, code, message]) => ({ name, arrange, payload, code, message })))(
    '$name',
    async ({ arrange, payload, code, message }) => {
      await arrange()
      const before = await snapshot(t)
      const r = await call(WHO.resident, 'placeOrder', {
        buyId: BUY,
        householdId: H.b1r101._id,
        lines: [{ itemId: 'i1', qty: 1 }],
        requestId: rid(),
        ...payload,
      })
      expect(r).toMatchObject({ ok: false, code })
      if (!r.ok) {
        expect(r.message).toMatch(/[\u4e00-\u9fff]/)
        if (message) expect(r.message).toMatch(message)
      }
      expect(await snapshot(t)).toBe(before)
    },
  )

  it('an edit is held to the limit and the stock by what it adds, with the household’s own order counted', async () => {
    await placed(WHO.resident, H.b1r101, [['i1', 3]])
    await t.data.update('buyLedgers', BUY, { 'remaining.i1': 1 })
    // 3 held + 1 left = 4 fits; 5 would be over the limit, and beyond what is left.
    expect((await placed(WHO.resident, H.b1r101, [['i1', 4]])).lines[0]?.qty).toBe(4)
    const r = await place(WHO.resident, H.b1r101, [['i1', 5]])
    expect(r).toMatchObject({ ok: false, code: 'OVER_LIMIT' })
  })
})

describe('who orders for a household (代下单)', () => {
  it('a lead orders for a 代管 household: marked 代下单, the household told, its notices to members and the lead', async () => {
    const view = await placed(WHO.buildingLead, H.b1r102, [['i3', 2]])
    expect(view).toMatchObject({ no: 1, status: 'active', proxy: true })
    const doc = (await t.data.get<OrderDoc>('orders', orderId(BUY, H.b1r102._id))) as OrderDoc
    expect(doc.notify.sort()).toEqual([FAMILY, WHO.buildingLead].sort())
    expect(doc.by).toBe(WHO.buildingLead)
    const outbox = await settledOutbox(t)
    const told = outbox.filter((m) => m.templateId === 'TPL_ORDER_FOR_YOU')
    expect(told.map((m) => m.touser)).toEqual([FAMILY])
    expect(told[0]?.data).toMatchObject({
      thing1: { value: '周末蔬菜团' },
      thing2: { value: '1-102' },
      thing4: { value: '接龙1号 青菜 2份' },
    })
    // The family member sees it as their household's.
    expect(await ok<OrderView>(FAMILY, 'order', { buyId: BUY, householdId: H.b1r102._id })).toMatchObject({
      no: 1,
      proxy: true,
    })
  })

  it('a family member orders for the household they are family of, and its own member is told, once per order', async () => {
    await t.data.update('households', H.b1r101._id, {
      members: [...H.b1r101.members, { id: 'm-fam', name: '张小妹', flags: [], openid: FAMILY }],
    })
    const view = await placed(FAMILY, H.b1r101, [['i1', 1]])
    expect(view).toMatchObject({ proxy: true, placedBy: '张小妹' })
    await placed(FAMILY, H.b1r101, [['i1', 2]])
    const told = (await settledOutbox(t)).filter((m) => m.templateId === 'TPL_ORDER_FOR_YOU')
    // One notice per change (each intent its own purpose), to the household's other member only.
    expect(told.map((m) => m.touser)).toEqual(['o-zhang', 'o-zhang'])
    expect(told.map((m) => m.data.thing4?.value)).toEqual(['接龙1号 土豆 1袋', '接龙1号 土豆 2袋'])
  })

  it('a member’s own order tells nobody; a lead may not order for a household that is not 代管', async () => {
    await placed(WHO.resident, H.b1r101, [['i1', 1]])
    expect((await settledOutbox(t)).filter((m) => m.templateId === 'TPL_ORDER_FOR_YOU')).toEqual([])
    const before = await snapshot(t)
    expect(await place(WHO.buildingLead, H.b2r101, [['i1', 1]])).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await place(WHO.buildingLead, H.b1r101, [['i1', 1]])).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await snapshot(t)).toBe(before)
  })

  it('the committee orders for any household of its community', async () => {
    expect(await placed(WHO.committee, H.b3r301, [['i1', 1]])).toMatchObject({ no: 1, proxy: true })
  })
})

describe('a retried call', () => {
  it('answers the order as it stands and writes nothing new, waiting or merged', async () => {
    const requestId = rid()
    const first = await place(WHO.resident, H.b1r101, [['i1', 2]], { requestId })
    expect(first.ok).toBe(true)
    await settled()
    const doc = (await t.data.get<OrderDoc>('orders', orderId(BUY, H.b1r101._id))) as OrderDoc
    const before = await snapshot(t)
    const again = await place(WHO.resident, H.b1r101, [['i1', 3]], { requestId })
    expect(again).toMatchObject({ ok: true, data: { no: 1, status: 'active', lines: [{ qty: 2 }] } })
    expect(await snapshot(t)).toBe(before)
    expect(doc.requestIds).toContain(requestId)
    // One still waiting (its kick lost): the retry answers it queued and writes nothing.
    const waiting: OrderIntakeDoc = {
      _id: orderId(BUY, H.b2r101._id),
      buyId: BUY,
      communityId: C1,
      householdId: H.b2r101._id,
      buildingId: 'b2',
      groupId: 'g1',
      room: '101',
      floor: 1,
      label: '2-101',
      notify: ['o-qian'],
      lines: [{ itemId: 'i3', qty: 1 }],
      cancel: false,
      at: new Date(t.now()),
      by: 'o-qian',
      byName: '钱七',
      proxy: false,
      nonce: 'ab'.repeat(12),
      requestId: 'req-waiting1',
    }
    await t.data.set('orderIntake', waiting)
    const held = await snapshot(t)
    const r = await place(WHO.residentB2, H.b2r101, [['i3', 5]], { requestId: 'req-waiting1' })
    expect(r).toMatchObject({ ok: true, data: { status: 'queued', lines: [{ itemId: 'i3', qty: 1 }] } })
    expect(await snapshot(t)).toBe(held)
  })

  it('reading an order whose kick was lost merges it', async () => {
    await t.data.set<OrderIntakeDoc>('orderIntake', {
      _id: orderId(BUY, H.b2r101._id),
      buyId: BUY,
      communityId: C1,
      householdId: H.b2r101._id,
      buildingId: 'b2',
      groupId: 'g1',
      room: '101',
      floor: 1,
      label: '2-101',
      notify: ['o-qian'],
      lines: [{ itemId: 'i3', qty: 1 }],
      cancel: false,
      at: new Date(t.now() - 10_000),
      by: 'o-qian',
      byName: '钱七',
      proxy: false,
      nonce: 'cd'.repeat(12),
      requestId: 'req-lostkick',
    })
    await ok(WHO.residentB2, 'order', { buyId: BUY, householdId: H.b2r101._id })
    await settled()
    expect(await ok(WHO.residentB2, 'order', { buyId: BUY, householdId: H.b2r101._id })).toMatchObject({
      no: 1,
      status: 'active',
    })
  })
})

describe('who reads an order', () => {
  beforeEach(async () => {
    await placed(WHO.resident, H.b1r101, [['i1', 1]])
  })
  const read = (openid: string) => call<OrderView | null>(openid, 'order', { buyId: BUY, householdId: H.b1r101._id })

  it('its members, family, leads, the organiser and the committee; names as the policy shows them', async () => {
    for (const who of [WHO.resident, FAMILY, WHO.buildingLead, WHO.groupLead, WHO.communityLead, WHO.committee])
      expect(await read(who)).toMatchObject({ ok: true, data: { no: 1 } })
    // The shop that sells it (the organiser) sees the order, the orderer's name masked.
    expect(await read(SHOP)).toMatchObject({ ok: true, data: { no: 1, placedBy: '张*' } })
  })

  it('never a neighbour, a floor lead of another floor, a stranger or another community', async () => {
    for (const who of [WHO.residentB2, WHO.floorLead, WHO.stranger, WHO.otherCommittee, WHO.volunteer])
      expect(await read(who)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    const before = await snapshot(t)
    // The floor lead of 1号 2层 lives in 1-201: not a lead of 1-101, nor may they order for it.
    for (const who of [WHO.floorLead, WHO.residentB2, WHO.stranger, WHO.otherCommittee])
      expect(await place(who, H.b1r101, [['i1', 1]])).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await snapshot(t)).toBe(before)
  })

  it('a household with no order reads null', async () => {
    expect(await ok(WHO.residentB2, 'order', { buyId: BUY, householdId: H.b2r101._id })).toBeNull()
  })
})

describe('my orders', () => {
  it('lists the caller’s households’ orders newest first, a page at a time, waiting ones first', async () => {
    await placed(FAMILY, H.b1r102, [['i1', 1]])
    await t.advanceClock(1000)
    await putSale(t, saleDoc(t.now(), { _id: 'buy-2', title: '水果团', requestId: 'req-2' }))
    const r = await call<OrderView>(FAMILY, 'placeOrder', {
      buyId: 'buy-2',
      householdId: H.b1r101._id,
      lines: [{ itemId: 'i3', qty: 1 }],
      requestId: rid(),
    })
    expect(r.ok).toBe(true)
    await settled('buy-2')
    const page1 = await ok<{ orders: OrderView[]; cursor?: string }>(FAMILY, 'myOrders', { communityId: C1, limit: 1 })
    expect(page1.orders.map((o) => o.buyTitle)).toEqual(['水果团'])
    expect(page1.cursor).toBe('1')
    const page2 = await ok<{ orders: OrderView[]; cursor?: string }>(FAMILY, 'myOrders', {
      communityId: C1,
      limit: 1,
      cursor: page1.cursor,
    })
    expect(page2.orders.map((o) => [o.buyTitle, o.label])).toEqual([['周末蔬菜团', '1-102']])
    expect(page2.cursor).toBeUndefined()
    // Another resident sees none of them; a caller without households gets an empty list.
    expect((await ok<{ orders: OrderView[] }>(WHO.residentB2, 'myOrders', { communityId: C1 })).orders).toEqual([])
    expect((await ok<{ orders: OrderView[] }>(WHO.stranger, 'myOrders', { communityId: C1 })).orders).toEqual([])
  })
})
