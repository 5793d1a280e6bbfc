// The order sequencer under concurrency, through localcloud: many households ordering the last of an item at once
// (exactly the stock sold, numbers 1..N once each, the rest refused on their own order view), one household's
// edits racing each other, a stock addition racing a merge, and a merge repeated after a crash. Where a race needs a
// state the functions would leave half-way, the test writes it as they would have and lets the real functions
// finish.
import type { Envelope, OrderView } from '../../typings/api'
import type { BuyLedgerDoc, OrderDoc, OrderIntakeDoc } from '../../server/groupbuy/model'
import type { HouseholdDoc } from '../../server/community/model'
import { orderId } from '../../server/groupbuy/ids'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C1, H, loadFixture, manyHouseholds, WHO } from '../support/community'
import { ITEMS, putSale, saleDoc } from '../support/orders'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())

const BUY = 'buy-veg'
let req = 0
const rid = () => `req-${String(++req).padStart(6, '0')}`
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const call = <T>(openid: string, action: string, payload: object = {}) =>
  t.call<Envelope<T>>('groupbuy', { action, payload }, openid)
const place = (h: HouseholdDoc, qty: number, openid: string = WHO.committee) =>
  call<OrderView>(openid, 'placeOrder', {
    buyId: BUY,
    householdId: h._id,
    lines: [{ itemId: 'i1', qty }],
    requestId: rid(),
  })
const ledger = async () => (await t.data.get<BuyLedgerDoc>('buyLedgers', BUY)) as BuyLedgerDoc
const orders = () => t.data.findAll<OrderDoc>('orders', { buyId: BUY })

async function settled(): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if ((await t.data.count('orderIntake', { buyId: BUY })) === 0) return
    await sleep(50)
  }
  throw new Error('intents still waiting after 20 s')
}

/** Nothing waits and the sequencer let go of the ledger (it removes the merged intents before it lets go). */
async function idle(): Promise<void> {
  await settled()
  for (let i = 0; i < 400; i++) {
    if ((await ledger()).lease === undefined) return
    await sleep(50)
  }
  throw new Error('the ledger is still leased after 20 s')
}

/** Stock 25 of 土豆, no per-household limit. */
const sale = () =>
  saleDoc(t.now(), { items: ITEMS.map((i) => (i.id === 'i1' ? { ...i, stock: 25, limit: undefined } : { ...i })) })

beforeEach(async () => {
  await loadFixture(t)
})

describe('many households, the last of an item', () => {
  it('60 concurrent orders of 1 against a stock of 25: exactly 25 sold, numbers 1..25 once each, 35 refused', async () => {
    const many = manyHouseholds(60)
    await t.data.insertMany('households', many)
    await putSale(t, sale())
    const replies = await Promise.all(many.map((h) => place(h, 1)))
    // Every call is answered (with a number, or queued, or refused there when the ledger already showed none left).
    const failed = replies.filter((r) => !r.ok)
    expect(failed.every((r) => !r.ok && r.code === 'SOLD_OUT')).toBe(true)
    await idle()
    const docs = await orders()
    const active = docs.filter((d) => d.status === 'active')
    expect(active).toHaveLength(25)
    expect(active.map((d) => d.no).sort((a, b) => (a as number) - (b as number))).toEqual(
      Array.from({ length: 25 }, (_, i) => i + 1),
    )
    expect(active.reduce((s, d) => s + (d.lines[0]?.qty ?? 0), 0)).toBe(25)
    // The rest: refused by the sequencer (an order view saying so, no number) or at once by the call.
    const refused = docs.filter((d) => d.status === 'refused')
    expect(refused.length + failed.length).toBe(35)
    for (const d of refused) {
      expect(d.no).toBeUndefined()
      expect(d.refusal?.message).toBe('土豆 已售罄')
    }
    const l = await ledger()
    expect(l).toMatchObject({ remaining: { i1: 0 }, sold: { i1: 25 }, nextNo: 26, active: 25, total: 25 * 800 })
    // A sequencer run kicked late (a loaded machine) may hold the lease for a moment, with nothing left to take: it
    // lets go again, and the ledger stays as it was.
    await idle()
    const after = await ledger()
    expect(after.lease).toBeUndefined()
    expect(after).toMatchObject({ remaining: { i1: 0 }, sold: { i1: 25 }, nextNo: 26, active: 25 })
    // A reply that carried a number carries the stored one.
    for (const r of replies)
      if (r.ok && r.data.no !== undefined)
        expect(r.data.no).toBe(docs.find((d) => d.householdId === r.data.householdId)?.no)
    // The refused household reads its refusal on its order.
    if (refused[0]) {
      const view = await call<OrderView>(WHO.committee, 'order', { buyId: BUY, householdId: refused[0].householdId })
      expect(view).toMatchObject({
        ok: true,
        data: { status: 'refused', refusal: { itemId: 'i1', message: '土豆 已售罄' } },
      })
    }
  }, 120_000)

  it('two households racing for the last case: one gets it, the other is refused on its view', async () => {
    await putSale(t, sale())
    await t.data.update('buyLedgers', BUY, { 'remaining.i1': 1 })
    const [a, b] = await Promise.all([place(H.b1r101, 1, WHO.resident), place(H.b2r101, 1, WHO.residentB2)])
    expect(a.ok && b.ok).toBe(true)
    await settled()
    const docs = await orders()
    expect(docs.map((d) => d.status).sort()).toEqual(['active', 'refused'])
    expect((await ledger()).remaining.i1).toBe(0)
  })
})

describe('one household, many calls at once', () => {
  it('ten concurrent edits leave one order, the stock moved by exactly what it holds, its number 1', async () => {
    await putSale(t, sale())
    const qtys = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    const replies = await Promise.all(qtys.map((q) => place(H.b1r101, q, WHO.resident)))
    expect(replies.filter((r) => !r.ok)).toEqual([])
    await settled()
    const docs = await orders()
    expect(docs).toHaveLength(1)
    const held = docs[0]?.lines[0]?.qty as number
    expect(docs[0]).toMatchObject({ no: 1, status: 'active' })
    expect(await ledger()).toMatchObject({ remaining: { i1: 25 - held }, sold: { i1: held }, nextNo: 2, active: 1 })
    // The last intent written is the one that stands: the ledger and the order agree on it.
    const l = await ledger()
    expect(l.orders[H.b1r101._id]).toMatchObject({ no: 1, st: 'a', q: { i1: held }, n: docs[0]?.nonce })
  })

  it('an order and its cancel at once end as one or the other, never with stock lost', async () => {
    await putSale(t, sale())
    await place(H.b1r101, 3, WHO.resident)
    await settled()
    await Promise.all([
      place(H.b1r101, 5, WHO.resident),
      call(WHO.resident, 'cancelOrder', { buyId: BUY, householdId: H.b1r101._id, requestId: rid() }),
    ])
    await settled()
    const [doc] = await orders()
    const l = await ledger()
    const holds = doc?.status === 'active' ? (doc.lines[0]?.qty ?? 0) : 0
    expect(doc?.no).toBe(1)
    expect(l.remaining.i1 + l.sold.i1).toBe(25)
    expect(l.sold.i1).toBe(holds)
  })
})

describe('write paths against the sequencer', () => {
  it('more stock added while orders merge: every unit is counted once', async () => {
    const many = manyHouseholds(30)
    await t.data.insertMany('households', many)
    await putSale(t, sale())
    const adding = (async () => {
      // What updateBuy does for 追加库存: one increment on the ledger, moving its version.
      for (let i = 0; i < 5; i++) {
        await t.data.update('buyLedgers', BUY, { 'remaining.i1': t.data._.inc(1), version: t.data._.inc(1) })
        await sleep(20)
      }
    })()
    await Promise.all([...many.map((h) => place(h, 1)), adding])
    await settled()
    const l = await ledger()
    expect(l.remaining.i1 + l.sold.i1).toBe(30)
    expect((await orders()).filter((d) => d.status === 'active')).toHaveLength(l.sold.i1)
  }, 60_000)

  it('a merge repeated after a crash (ledger written, order not, intent not removed) applies nothing twice', async () => {
    await putSale(t, sale())
    await place(H.b1r101, 2, WHO.resident)
    await settled()
    const before = await ledger()
    const doc = (await t.data.get<OrderDoc>('orders', orderId(BUY, H.b2r101._id))) ?? null
    expect(doc).toBeNull()
    // The sequencer applied 2-101's intent to the ledger and died before writing its order and removing the intent.
    const nonce = 'ef'.repeat(12)
    const intent: OrderIntakeDoc = {
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
      lines: [{ itemId: 'i1', qty: 3 }],
      cancel: false,
      at: new Date(t.now() - 10_000),
      by: 'o-qian',
      byName: '钱七',
      proxy: false,
      nonce,
      requestId: 'req-crashed',
    }
    await t.data.set('orderIntake', intent)
    await t.data.update('buyLedgers', BUY, {
      [`orders.${H.b2r101._id}`]: { no: 2, q: { i1: 3 }, st: 'a', n: nonce },
      'remaining.i1': before.remaining.i1 - 3,
      'sold.i1': before.sold.i1 + 3,
      nextNo: 3,
      active: 2,
      total: before.total + 2400,
      version: t.data._.inc(1),
    })
    const applied = await ledger()
    // Reading the order finds the intent waiting too long (its kick lost) and kicks the sequencer again.
    await call(WHO.residentB2, 'order', { buyId: BUY, householdId: H.b2r101._id })
    await settled()
    const after = await ledger()
    expect({
      remaining: after.remaining,
      sold: after.sold,
      nextNo: after.nextNo,
      active: after.active,
      total: after.total,
    }).toEqual({
      remaining: applied.remaining,
      sold: applied.sold,
      nextNo: applied.nextNo,
      active: applied.active,
      total: applied.total,
    })
    const written = await t.data.get<OrderDoc>('orders', orderId(BUY, H.b2r101._id))
    expect(written).toMatchObject({
      no: 2,
      status: 'active',
      nonce,
      lines: [{ itemId: 'i1', qty: 3 }],
      requestIds: ['req-crashed'],
    })
  })

  it('a sequencer that died holding the lease: the next one takes over once it runs out', async () => {
    await putSale(t, sale())
    await t.data.update('buyLedgers', BUY, { lease: 'dead', leaseUntil: new Date(t.now() + 60_000) })
    const r = await place(H.b1r101, 1, WHO.resident)
    expect(r).toMatchObject({ ok: true, data: { status: 'queued' } })
    await sleep(500)
    expect(await t.data.count('orderIntake', { buyId: BUY })).toBe(1)
    await t.advanceClock(70_000)
    // The page asks again: the intent has waited past a merge, the kick takes the expired lease.
    await call(WHO.resident, 'order', { buyId: BUY, householdId: H.b1r101._id })
    await settled()
    expect(await t.data.get<OrderDoc>('orders', orderId(BUY, H.b1r101._id))).toMatchObject({ no: 1, status: 'active' })
  })

  it('a client cannot start the order sequencer, even naming a waiting intent', async () => {
    await putSale(t, sale())
    const nonce = '12'.repeat(12)
    await t.data.set<OrderIntakeDoc>('orderIntake', {
      _id: orderId(BUY, H.b1r101._id),
      buyId: BUY,
      communityId: C1,
      householdId: H.b1r101._id,
      buildingId: 'b1',
      groupId: 'g1',
      room: '101',
      floor: 1,
      label: '1-101',
      notify: ['o-zhang'],
      lines: [{ itemId: 'i1', qty: 1 }],
      cancel: false,
      at: new Date(t.now()),
      by: 'o-zhang',
      byName: '张三',
      proxy: false,
      nonce,
      requestId: 'req-client-kick',
    })
    const r = await t.call(
      'sequencer',
      { action: 'sequenceBuy', buyId: BUY, householdId: H.b1r101._id, nonce },
      WHO.resident,
    )
    expect(r).toMatchObject({ ok: false, code: 'UNKNOWN_ACTION' })
    expect(await t.data.count('orderIntake', { buyId: BUY })).toBe(1)
    expect((await ledger()).nextNo).toBe(1)
  })
})
