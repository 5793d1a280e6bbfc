// Payments and refunds on orders through localcloud: recorded by the buy's merchant, its organiser or the committee
// (nobody else), amounts bounded, a refund never more than was paid less what was refunded and always with a reason,
// two marks at once never counted twice, and what is due back when an order is cancelled after it was paid.
import type { Envelope, OrderView } from '../../typings/api'
import type { OrderDoc, PaymentDoc } from '../../server/groupbuy/model'
import { orderId } from '../../server/groupbuy/ids'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { H, loadFixture, snapshot, WHO } from '../support/community'
import { putSale, saleDoc, SHOP } from '../support/orders'

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
const ok = async <T>(openid: string, action: string, payload: object = {}): Promise<T> => {
  const r = await call<T>(openid, action, payload)
  if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message} ${r.field ?? ''}`)
  return r.data
}
async function settled(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await t.data.count('orderIntake', { buyId: BUY })) === 0) return
    await sleep(50)
  }
  throw new Error('intents still waiting')
}
const pay = (openid: string, amount: number, extra: object = {}) =>
  call<OrderView>(openid, 'recordPayment', {
    buyId: BUY,
    householdId: H.b1r101._id,
    method: 'wechat',
    amount,
    ...extra,
  })
const refund = (openid: string, amount: number, reason = '土豆缺货') =>
  call<OrderView>(openid, 'recordRefund', { buyId: BUY, householdId: H.b1r101._id, amount, reason })
const payment = async () => ((await t.data.get<OrderDoc>('orders', orderId(BUY, H.b1r101._id))) as OrderDoc).payment

beforeEach(async () => {
  await loadFixture(t)
  await putSale(t, saleDoc(t.now()))
  // 1-101 orders 2 bags of potatoes: ¥16.00.
  await ok(WHO.resident, 'placeOrder', {
    buyId: BUY,
    householdId: H.b1r101._id,
    lines: [{ itemId: 'i1', qty: 2 }],
    requestId: rid(),
  })
  await settled()
})

describe('recording a payment', () => {
  it('the merchant marks it paid: method, amount, who, when; the household sees it', async () => {
    const view = await ok<OrderView>(SHOP, 'recordPayment', {
      buyId: BUY,
      householdId: H.b1r101._id,
      method: 'wechat',
      amount: 1600,
      note: '微信转账',
    })
    expect(view.payment).toMatchObject({
      status: 'paid',
      method: 'wechat',
      paid: 1600,
      markedBy: '老王蔬菜店',
      refundDue: 0,
    })
    expect(await payment()).toMatchObject({ status: 'paid', paid: 1600, by: SHOP, note: '微信转账', marks: 1 })
    const mine = await ok<OrderView>(WHO.resident, 'order', { buyId: BUY, householdId: H.b1r101._id })
    expect(mine.payment).toMatchObject({ status: 'paid', paid: 1600, method: 'wechat' })
    // The committee records too (a top-up after the household paid cash for more).
    expect(
      (
        await ok<OrderView>(WHO.committee, 'recordPayment', {
          buyId: BUY,
          householdId: H.b1r101._id,
          method: 'cash',
          amount: 400,
        })
      ).payment,
    ).toMatchObject({ paid: 2000, refundDue: 400 })
  })

  it('two marks at once count once: the other is told to look again', async () => {
    const [a, b] = await Promise.all([pay(SHOP, 1600), pay(WHO.committee, 1600)])
    const codes = [a, b].map((r) => (r.ok ? 'ok' : r.code)).sort()
    // Both can win only one after the other (each read the other's mark); at once, one is a CONFLICT.
    const p = await payment()
    if (codes.includes('CONFLICT')) {
      expect(codes).toEqual(['CONFLICT', 'ok'])
      expect(p.paid).toBe(1600)
    } else expect(p.paid).toBe(3200)
    expect(p.marks).toBe(p.paid / 1600)
  })

  it('refuses anyone who does not manage the buy, and bad amounts; nothing written', async () => {
    const before = await snapshot(t)
    for (const who of [WHO.resident, WHO.buildingLead, WHO.groupLead, WHO.stranger, WHO.otherCommittee])
      expect(await pay(who, 1600)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    for (const amount of [0, -100, 16.5, 10_000_001])
      expect(await pay(SHOP, amount)).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await pay(SHOP, 1600, { method: 'bitcoin' })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(
      await call(SHOP, 'recordPayment', { buyId: BUY, householdId: H.b2r101._id, method: 'cash', amount: 100 }),
    ).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(
      await call(SHOP, 'recordPayment', { buyId: 'buy-none', householdId: H.b1r101._id, method: 'cash', amount: 100 }),
    ).toMatchObject({
      ok: false,
    })
    expect(await snapshot(t)).toBe(before)
  })

  it('a suspended shop (its merchant role gone) records nothing', async () => {
    await t.data.removeWhere('roles', { openid: SHOP })
    expect(await pay(SHOP, 1600)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })
})

describe('refunds', () => {
  beforeEach(async () => {
    await ok(SHOP, 'recordPayment', { buyId: BUY, householdId: H.b1r101._id, method: 'wechat', amount: 1600 })
  })

  it('part, then the rest: never more than paid less refunded, always with a reason', async () => {
    const part = await ok<OrderView>(SHOP, 'recordRefund', {
      buyId: BUY,
      householdId: H.b1r101._id,
      amount: 800,
      reason: '少了一袋',
    })
    expect(part.payment).toMatchObject({
      status: 'partRefunded',
      paid: 1600,
      refunds: [{ amount: 800, reason: '少了一袋', byName: '老王蔬菜店' }],
    })
    const before = await snapshot(t)
    const over = await refund(SHOP, 801)
    expect(over).toMatchObject({ ok: false, code: 'PAYMENT_INVALID' })
    if (!over.ok) expect(over.message).toMatch(/最多可退 ¥8\.00/)
    expect(await refund(SHOP, 100, '  ')).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await refund(WHO.resident, 100)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await snapshot(t)).toBe(before)
    const rest = await ok<OrderView>(WHO.committee, 'recordRefund', {
      buyId: BUY,
      householdId: H.b1r101._id,
      amount: 800,
      reason: '补退',
    })
    expect(rest.payment).toMatchObject({ status: 'refunded', refunds: [{ amount: 800 }, { amount: 800 }] })
    expect(await refund(SHOP, 1)).toMatchObject({ ok: false, code: 'PAYMENT_INVALID' })
    const p: PaymentDoc = await payment()
    expect(p.refunds.map((r) => r.amount)).toEqual([800, 800])
  })

  it('a paid order cancelled: all of it is due back, and keeps its number', async () => {
    await ok(WHO.resident, 'cancelOrder', { buyId: BUY, householdId: H.b1r101._id, requestId: rid() })
    await settled()
    const view = await ok<OrderView>(WHO.resident, 'order', { buyId: BUY, householdId: H.b1r101._id })
    expect(view).toMatchObject({ status: 'cancelled', no: 1, payment: { status: 'paid', paid: 1600, refundDue: 1600 } })
    const after = await ok<OrderView>(SHOP, 'recordRefund', {
      buyId: BUY,
      householdId: H.b1r101._id,
      amount: 1600,
      reason: '已取消',
    })
    expect(after.payment).toMatchObject({ status: 'refunded', refundDue: 0 })
  })

  it('an edit down after paying: the difference is due back', async () => {
    await ok(WHO.resident, 'placeOrder', {
      buyId: BUY,
      householdId: H.b1r101._id,
      lines: [{ itemId: 'i1', qty: 1 }],
      requestId: rid(),
    })
    await settled()
    const view = await ok<OrderView>(WHO.resident, 'order', { buyId: BUY, householdId: H.b1r101._id })
    expect(view.payment).toMatchObject({ paid: 1600, refundDue: 800 })
  })
})
