// The order ledger's pure rules (server/groupbuy/ledger.ts): what an order may ask of a buy, and how the sequencer
// applies intents in order: numbers given once each, stock never below zero, cancels keep their numbers, refusals
// keep what was there, a repeated nonce changes nothing.
import type { BuyLedgerDoc, OrderDoc, OrderIntakeDoc } from '../../server/groupbuy/model'
import {
  applyIntents,
  linesProblem,
  linesSummary,
  nextOrderDoc,
  orderProblemNow,
  packMessage,
  saleProblem,
  soldOutMessage,
  type BuyFacts,
  type Intent,
} from '../../server/groupbuy/ledger'

const T0 = Date.parse('2026-11-24T02:00:00Z')
const buy: BuyFacts = {
  status: 'open',
  opensAt: new Date(T0 - 3600_000),
  closesAt: new Date(T0 + 3600_000),
  items: [
    { id: 'i1', name: '土豆', spec: '约2.5斤/袋', unit: '袋', packSize: 1, price: 800, limit: 4 },
    { id: 'i2', name: '鸡蛋', spec: '30个/箱', unit: '个', packSize: 30, price: 50 },
    { id: 'i3', name: '青菜', spec: '500g', unit: '份', packSize: 1, price: 300 },
  ],
}
const ledger = (extra: Partial<BuyLedgerDoc> = {}): BuyLedgerDoc => ({
  _id: 'buy1',
  communityId: 'c1',
  remaining: { i1: 10, i2: 90 },
  sold: { i1: 0, i2: 0, i3: 0 },
  nextNo: 1,
  orders: {},
  active: 0,
  total: 0,
  version: 0,
  ...extra,
})
let seq = 0
const intent = (householdId: string, lines: [string, number][], extra: Partial<Intent> = {}): Intent => ({
  householdId,
  lines: lines.map(([itemId, qty]) => ({ itemId, qty })),
  cancel: false,
  at: new Date(T0),
  nonce: `n${++seq}`,
  ...extra,
})

describe('what an order may ask', () => {
  it('refuses an item of another buy, a quantity off the pack, over the limit, more than is left', () => {
    const rem = { i1: 3, i2: 90 }
    expect(linesProblem(buy, { x9: 1 }, undefined, rem)?.code).toBe('ITEM_NOT_FOUND')
    expect(linesProblem(buy, { i2: 20 }, undefined, rem)).toEqual({
      code: 'PACK_SIZE',
      itemId: 'i2',
      message: '鸡蛋 按箱卖，每箱 30 个，请填 30 的倍数',
    })
    expect(linesProblem(buy, { i1: 5 }, undefined, { i1: 10 })?.code).toBe('OVER_LIMIT')
    expect(linesProblem(buy, { i1: 4 }, undefined, rem)).toEqual({
      code: 'SOLD_OUT',
      itemId: 'i1',
      message: '土豆 只剩 3 袋',
    })
    expect(linesProblem(buy, { i1: 1 }, undefined, { i1: 0 })?.message).toBe('土豆 已售罄')
    expect(linesProblem(buy, { i1: 3, i2: 60 }, undefined, rem)).toBeNull()
  })

  it('holds only what grows to the limit and the stock; an item without stock is not limited by it', () => {
    // Had 4 (the limit), stock since gone: keeping 4 or lowering fits; the stock left counts what it holds.
    expect(linesProblem(buy, { i1: 4 }, { i1: 4 }, { i1: 0 })).toBeNull()
    expect(linesProblem(buy, { i1: 2 }, { i1: 4 }, { i1: 0 })).toBeNull()
    expect(linesProblem(buy, { i1: 4 }, { i1: 2 }, { i1: 1 })?.message).toBe('土豆 只剩 3 袋')
    expect(linesProblem(buy, { i3: 99_999 }, undefined, {})).toBeNull()
  })

  it('names packs and what is left by the pack', () => {
    expect(packMessage(buy.items[1]!)).toBe('鸡蛋 按箱卖，每箱 30 个，请填 30 的倍数')
    expect(soldOutMessage(buy.items[1]!, 60)).toBe('鸡蛋 只剩 60 个（2 箱）')
    expect(linesSummary(buy.items, { i2: 60, i1: 2 })).toBe('土豆 2袋、鸡蛋 2箱')
  })

  it('takes orders between opening and the deadline, and what was made before a cut', () => {
    expect(saleProblem(buy, T0 - 7200_000)?.code).toBe('BUY_NOT_OPEN')
    expect(saleProblem(buy, T0)).toBeNull()
    expect(saleProblem(buy, T0 + 7200_000)?.code).toBe('BUY_CLOSED')
    expect(saleProblem({ ...buy, status: 'cancelled' }, T0)?.code).toBe('BUY_CLOSED')
    const cut = new Date(T0 - 60_000)
    // Closing: made before the cut is merged, after it is refused; a new call is refused either way.
    expect(saleProblem({ ...buy, status: 'closing' }, T0 - 120_000, cut)).toBeNull()
    expect(saleProblem({ ...buy, status: 'closing' }, T0, cut)?.code).toBe('BUY_CLOSED')
    expect(orderProblemNow({ ...buy, status: 'closing' }, T0 - 120_000)?.code).toBe('BUY_CLOSED')
    expect(orderProblemNow({ ...buy, status: 'scheduled' }, T0)).toBeNull()
  })
})

describe('applying intents in order', () => {
  it('numbers new orders in order, takes their stock and counts them', () => {
    const r = applyIntents(ledger(), buy, [
      intent('h1', [['i1', 2]]),
      intent('h2', [['i2', 30]]),
      intent('h3', [['i1', 1]]),
    ])
    expect(r.outcomes.map((o) => [o.householdId, o.change, o.order.no])).toEqual([
      ['h1', 'placed', 1],
      ['h2', 'placed', 2],
      ['h3', 'placed', 3],
    ])
    expect(r.state).toMatchObject({ remaining: { i1: 7, i2: 60 }, sold: { i1: 3, i2: 30 }, nextNo: 4, active: 3 })
    expect(r.state.total).toBe(3 * 800 + 30 * 50)
    expect(r.set).toMatchObject({
      'remaining.i1': 7,
      'sold.i2': 30,
      nextNo: 4,
      active: 3,
      'orders.h2': { no: 2, st: 'a' },
    })
  })

  it('never oversells: of 15 households wanting 1 of 10, exactly 10 get it, numbered 1..10', () => {
    const many = Array.from({ length: 15 }, (_, i) => intent(`h${i}`, [['i1', 1]]))
    const r = applyIntents(ledger(), buy, many)
    const taken = r.outcomes.filter((o) => o.change === 'placed')
    expect(taken.map((o) => o.order.no)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(
      r.outcomes.slice(10).every((o) => o.change === 'refused' && o.order.st === 'r' && o.order.no === undefined),
    ).toBe(true)
    expect(r.outcomes[12]?.order.refusal).toEqual({ itemId: 'i1', message: '土豆 已售罄' })
    expect(r.state).toMatchObject({ remaining: { i1: 0 }, sold: { i1: 10 }, nextNo: 11, active: 10 })
  })

  it('an edit keeps its number and moves stock by the difference; a cancel keeps it and gives stock back', () => {
    const first = applyIntents(ledger(), buy, [intent('h1', [['i1', 2]]), intent('h2', [['i1', 1]])])
    const edit = applyIntents({ ...ledger(), ...first.state }, buy, [
      intent('h1', [
        ['i1', 4],
        ['i2', 30],
      ]),
    ])
    expect(edit.outcomes[0]).toMatchObject({ change: 'edited', order: { no: 1, st: 'a', q: { i1: 4, i2: 30 } } })
    expect(edit.state).toMatchObject({ remaining: { i1: 5, i2: 60 }, active: 2, nextNo: 3 })
    expect(edit.state.total).toBe(5 * 800 + 30 * 50)
    const cancel = applyIntents({ ...ledger(), ...edit.state }, buy, [intent('h1', [], { cancel: true })])
    expect(cancel.outcomes[0]).toMatchObject({ change: 'cancelled', order: { no: 1, st: 'c' } })
    expect(cancel.state).toMatchObject({ remaining: { i1: 9, i2: 90 }, sold: { i1: 1, i2: 0 }, active: 1, total: 800 })
    // Ordered again after the cancel: the same number, not a new one.
    const again = applyIntents({ ...ledger(), ...cancel.state }, buy, [intent('h1', [['i1', 1]])])
    expect(again.outcomes[0]?.order).toMatchObject({ no: 1, st: 'a' })
    expect(again.state.nextNo).toBe(3)
  })

  it('a refused edit keeps the order as it was, with the refusal', () => {
    const first = applyIntents(ledger({ remaining: { i1: 3, i2: 90 } }), buy, [intent('h1', [['i1', 2]])])
    const r = applyIntents({ ...ledger(), ...first.state }, buy, [intent('h1', [['i1', 4]])])
    expect(r.outcomes[0]).toMatchObject({
      change: 'refused',
      order: { no: 1, st: 'a', q: { i1: 2 }, refusal: { itemId: 'i1', message: '土豆 只剩 3 袋' } },
    })
    expect(r.state.remaining.i1).toBe(1)
  })

  it('refuses what was made after the deadline or before opening, and skips a nonce it applied', () => {
    const late = intent('h1', [['i1', 1]], { at: new Date(T0 + 7200_000) })
    const early = intent('h2', [['i1', 1]], { at: new Date(T0 - 7200_000) })
    const r = applyIntents(ledger(), buy, [late, early])
    expect(r.outcomes.map((o) => o.change)).toEqual(['refused', 'refused'])
    expect(r.state).toMatchObject({ remaining: { i1: 10 }, nextNo: 1, active: 0 })
    const once = intent('h3', [['i1', 1]])
    const a = applyIntents(ledger(), buy, [once])
    const b = applyIntents({ ...ledger(), ...a.state }, buy, [once])
    expect(b.outcomes[0]?.change).toBe('repeat')
    expect(b.state).toEqual(a.state)
    expect(b.set).toEqual({})
  })

  it('after a cut, merges what was made before it whatever the status, refuses the rest', () => {
    const cut = new Date(T0)
    const r = applyIntents(ledger({ closedAt: cut }), { ...buy, status: 'closing' }, [
      intent('h1', [['i1', 1]], { at: new Date(T0 - 1000) }),
      intent('h2', [['i1', 1]], { at: new Date(T0 + 1000) }),
    ])
    expect(r.outcomes.map((o) => o.change)).toEqual(['placed', 'refused'])
  })
})

describe('the order document after an outcome', () => {
  const intake = (extra: Partial<OrderIntakeDoc> = {}): OrderIntakeDoc => ({
    _id: 'buy1:h1',
    buyId: 'buy1',
    communityId: 'c1',
    householdId: 'h1',
    buildingId: 'b1',
    groupId: 'g1',
    room: '201',
    floor: 2,
    label: '1-201',
    notify: ['o1'],
    lines: [{ itemId: 'i1', qty: 2 }],
    cancel: false,
    at: new Date(T0),
    by: 'o1',
    byName: '张三',
    proxy: false,
    nonce: 'n-a',
    requestId: 'req-1',
    ...extra,
  })
  it('keeps the payment and the number, takes the new lines; a refusal keeps the lines', () => {
    const now = new Date(T0 + 1000)
    const first = nextOrderDoc(buy, intake(), { no: 3, q: { i1: 2 }, st: 'a', n: 'n-a' }, null, now)
    expect(first).toMatchObject({ no: 3, status: 'active', total: 1600, payment: { status: 'unpaid', paid: 0 } })
    const paid: OrderDoc = { ...first, payment: { status: 'paid', paid: 1600, refunds: [] } }
    const edit = nextOrderDoc(
      buy,
      intake({ nonce: 'n-b', requestId: 'req-2', lines: [{ itemId: 'i1', qty: 1 }] }),
      { no: 3, q: { i1: 1 }, st: 'a', n: 'n-b' },
      paid,
      now,
    )
    expect(edit).toMatchObject({
      no: 3,
      total: 800,
      lines: [{ itemId: 'i1', qty: 1, name: '土豆' }],
      payment: paid.payment,
    })
    expect(edit.requestIds).toEqual(['req-1', 'req-2'])
    const refused = nextOrderDoc(
      buy,
      intake({ nonce: 'n-c', requestId: 'req-3', lines: [{ itemId: 'i1', qty: 4 }] }),
      { no: 3, q: { i1: 1 }, st: 'a', n: 'n-c', refusal: { itemId: 'i1', message: '土豆 已售罄' } },
      edit,
      now,
    )
    expect(refused).toMatchObject({ status: 'active', no: 3, total: 800, refusal: { message: '土豆 已售罄' } })
  })
})
