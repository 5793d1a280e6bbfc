import type { BuyDetail, Envelope, OrderView } from '../../typings/api'
import { community, fail, household201, leadRole, me, ok, residentRole } from '../support/pages/fixtures'
import {
  buyDetail,
  buyView,
  groupbuy,
  item,
  orderView,
  sentGroupbuy,
  type GroupbuyHandlers,
} from '../support/pages/groupbuy'
import { attr, find, fire, mount, settleAll, tap, text, type Mounted } from '../support/pages/harness'

const PAGE = 'packageGroupbuy/pages/buy'
const q = { id: 'buy_1' }

function answerModal(confirm: boolean) {
  return jest.spyOn(wx, 'showModal').mockImplementation(((opts: WechatMiniprogram.ShowModalOption) => {
    opts.success?.({ confirm, cancel: !confirm, content: '', errMsg: 'showModal:ok' })
  }) as never)
}

function resident(handlers: GroupbuyHandlers = {}, detail: () => BuyDetail = () => buyDetail()) {
  community({ whoami: () => ok(me({ roles: [residentRole], households: [household201] })) })
  groupbuy({ buy: () => ok(detail()), ...handlers })
}

/** The line of one item in a household's form. */
const line = (hh: string, itemId: string) => `#line-${hh}-${itemId}`
const plus = (comp: Mounted, hh: string, itemId: string) => tap(comp, `${line(hh, itemId)} .plus`)
const minus = (comp: Mounted, hh: string, itemId: string) => tap(comp, `${line(hh, itemId)} .minus`)
const lineData = (comp: Mounted, itemId: string) =>
  comp.data.forms[0].lines.find((l: { itemId: string }) => l.itemId === itemId) as {
    qty: number
    steps: number
    canPlus: boolean
    canMinus: boolean
    error: boolean
  }
const waitFor = async (done: () => boolean, ms = 6000) => {
  for (let t = 0; t < ms && !done(); t += 100) await new Promise((r) => setTimeout(r, 100))
  await settleAll()
}

describe('a buy', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('shows the seller with its approval, the times in Shanghai and every item with pack, limit and what is left', async () => {
    resident()
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sentGroupbuy('buy')).toEqual([{ buyId: 'buy_1' }])
    expect(text(comp, '#head .title')).toBe('周末蔬菜鸡蛋团')
    expect(text(comp, '#status')).toBe('接龙中 · 11月25日 20:00 截单')
    expect(text(comp, '#seller')).toBe('鲜丰果蔬已通过居委审核')
    expect(text(comp, '#approved-at')).toBe('11月20日 10:00 通过居委审核')
    expect(text(comp, '#deadline')).toBe('11月25日 20:00 截单')
    expect(text(comp, '#delivery')).toBe('预计 11月26日 10:00 送达')
    expect(text(comp, '#minimum')).toBe('满 300.00 元成团，已接龙 180.00 元')
    expect(text(comp, '#item-i1 .goods-name')).toBe('土豆 约2.5斤/袋')
    expect(text(comp, '#item-i1 .goods-price')).toBe('8.50 元/袋')
    expect(text(comp, '#item-i1 .hint')).toBe('每户限 4 袋 · 还剩 80 袋')
    expect(find(comp, '#item-i1 .goods-pack')).toBeUndefined()
    expect(text(comp, '#item-i2 .goods-price')).toBe('1.00 元/个')
    expect(text(comp, '#item-i2 .goods-pack')).toBe('整箱卖，每箱 12 个')
    expect(text(comp, '#item-i2 .hint')).toBe('每户限 2 箱（24 个） · 还剩 36 个')
    expect(text(comp, '#item-i3 .sold-out')).toBe('已售罄')
    expect(text(comp, '#item-i3')).not.toContain('还剩')
    // A sold-out item has no stepper at all.
    expect(find(comp, `${line('hh_201', 'i3')} .stepper`)).toBeUndefined()
    expect(text(comp, line('hh_201', 'i3'))).toContain('已售罄')
    expect(text(comp, '#form-hh_201 .submit')).toBe('提交接龙')
    // A resident neither manages nor shares.
    expect(find(comp, '#manage')).toBeUndefined()
    expect(find(comp, '#share')).toBeUndefined()
  })

  it('says plainly when the seller is suspended, and a buy of no shop shows who runs it', async () => {
    resident({}, () =>
      buyDetail({ buy: buyView({ seller: { id: 'm_x', shopName: '老王副食', goods: '', status: 'suspended' } }) }),
    )
    let comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#seller')).toBe('老王副食商家已暂停')
    expect(find(comp, '#approved')).toBeUndefined()

    resident({}, () => buyDetail({ buy: buyView({ seller: undefined, organiser: '团长' }) }))
    comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#seller')).toBe('团长')
  })

  it('steps by the pack size, never past the limit or what is left, and a typed count is a count of packs', async () => {
    resident()
    const comp = mount(PAGE, q)
    await settleAll()
    const hh = 'hh_201'
    expect(lineData(comp, 'i2')).toMatchObject({ qty: 0, steps: 0, canMinus: false, canPlus: true })
    await plus(comp, hh, 'i2')
    expect(lineData(comp, 'i2')).toMatchObject({ qty: 12, steps: 1 })
    expect(text(comp, `${line(hh, 'i2')} .line-qty`)).toBe('1 箱（12 个）')
    expect(text(comp, `${line(hh, 'i2')} .step-unit`)).toBe('箱')
    await plus(comp, hh, 'i2')
    expect(lineData(comp, 'i2')).toMatchObject({ qty: 24, steps: 2, canPlus: false })
    expect(attr(comp, `${line(hh, 'i2')} .plus`, 'disabled')).toBe(true)
    await plus(comp, hh, 'i2')
    expect(lineData(comp, 'i2').qty).toBe(24)

    // Typed: 5 boxes is over the limit of 2; letters are dropped; the count is always whole boxes.
    await fire(comp, 'input', { value: '5' }, `${line(hh, 'i2')} .step-count`)
    expect(lineData(comp, 'i2')).toMatchObject({ qty: 24, steps: 2 })
    await fire(comp, 'input', { value: '1箱' }, `${line(hh, 'i2')} .step-count`)
    expect(lineData(comp, 'i2')).toMatchObject({ qty: 12, steps: 1 })
    await fire(comp, 'input', { value: '' }, `${line(hh, 'i2')} .step-count`)
    expect(lineData(comp, 'i2').qty).toBe(0)

    // 土豆 is sold by the bag up to 4.
    for (let i = 0; i < 6; i++) await plus(comp, hh, 'i1')
    expect(lineData(comp, 'i1')).toMatchObject({ qty: 4, canPlus: false })
    await minus(comp, hh, 'i1')
    await minus(comp, hh, 'i1')
    await plus(comp, hh, 'i2')
    expect(text(comp, '#form-hh_201 .total')).toBe('29.00 元')
  })

  it('caps an item at what is left when that is below the limit, counting what the household already holds', async () => {
    const low = buyView({
      items: [item({ id: 'i2', name: '鸡蛋', packSize: 12, limit: 48, stock: 120, sold: 96, remaining: 24 })],
    })
    resident({}, () =>
      buyDetail({
        buy: low,
        mine: [
          {
            householdId: 'hh_201',
            label: '12-201',
            proxy: false,
            order: orderView({
              lines: [
                { itemId: 'i2', name: '鸡蛋', spec: '', unit: '个', qty: 12, packs: 1, price: 100, amount: 1200 },
              ],
              total: 1200,
            }),
          },
        ],
      }),
    )
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#form-hh_201 .edit')
    expect(lineData(comp, 'i2')).toMatchObject({ qty: 12, steps: 1 })
    await plus(comp, 'hh_201', 'i2')
    await plus(comp, 'hh_201', 'i2')
    await plus(comp, 'hh_201', 'i2')
    // 24 left plus its own 12: 36, three boxes.
    expect(lineData(comp, 'i2')).toMatchObject({ qty: 36, canPlus: false })
  })

  it('places the order in units with a request id and shows its 接龙号', async () => {
    const subscribe = jest.spyOn(wx, 'requestSubscribeMessage')
    spies.push(subscribe)
    resident({
      placeOrder: (p) =>
        ok(
          orderView({
            no: 12,
            lines: p.lines.map((l) => ({
              itemId: l.itemId,
              name: l.itemId === 'i1' ? '土豆' : '鸡蛋',
              spec: '',
              unit: l.itemId === 'i1' ? '袋' : '个',
              qty: l.qty,
              packs: l.itemId === 'i1' ? l.qty : l.qty / 12,
              price: 100,
              amount: 100 * l.qty,
            })),
          }),
        ),
    })
    const toast = jest.spyOn(wx, 'showToast')
    spies.push(toast)
    const comp = mount(PAGE, q)
    await settleAll()
    await plus(comp, 'hh_201', 'i1')
    await plus(comp, 'hh_201', 'i1')
    await plus(comp, 'hh_201', 'i2')
    await tap(comp, '#form-hh_201 .submit')
    expect(subscribe).toHaveBeenCalledWith(expect.objectContaining({ tmplIds: ['TPL_BUY_UPDATE'] }))
    expect(sentGroupbuy('placeOrder')).toEqual([
      {
        buyId: 'buy_1',
        householdId: 'hh_201',
        lines: [
          { itemId: 'i1', qty: 2 },
          { itemId: 'i2', qty: 12 },
        ],
        requestId: expect.stringMatching(/^[A-Za-z0-9_-]{8,40}$/),
      },
    ])
    expect(text(comp, '#form-hh_201 .order-state')).toBe('已接龙 · 第 12 号')
    expect(text(comp, '#form-hh_201 .summary-lines')).toBe('土豆 2袋、鸡蛋 1箱')
    expect(text(comp, '#form-hh_201 .payment')).toBe('未付款')
    expect(toast).toHaveBeenCalledWith(expect.objectContaining({ title: '第 12 号' }))
    expect(find(comp, '#form-hh_201 .submit')).toBeUndefined()
    expect(text(comp, '#form-hh_201 .edit')).toBe('修改')
    expect(text(comp, '#form-hh_201 .cancel-order')).toBe('取消订单')
    // The stock is read again after an order.
    expect(sentGroupbuy('buy')).toHaveLength(2)
  })

  it('asks again for an order still queued for its number until it has one', async () => {
    let asked = 0
    resident({
      placeOrder: () => ok(orderView({ status: 'queued', no: undefined })),
      order: () => {
        asked++
        return ok(asked < 2 ? orderView({ status: 'queued', no: undefined }) : orderView({ no: 31 }))
      },
    })
    const comp = mount(PAGE, q)
    await settleAll()
    await plus(comp, 'hh_201', 'i1')
    await tap(comp, '#form-hh_201 .submit')
    expect(text(comp, '#form-hh_201 .order-state')).toBe('排队中，正在排接龙号')
    await waitFor(() => comp.data.forms[0].orderText === '已接龙 · 第 31 号')
    expect(sentGroupbuy('order')).toEqual([
      { buyId: 'buy_1', householdId: 'hh_201' },
      { buyId: 'buy_1', householdId: 'hh_201' },
    ])
    expect(text(comp, '#form-hh_201 .order-state')).toBe('已接龙 · 第 31 号')
    expect(comp.data.forms[0].busy).toBe(false)
  })

  it('shows a refusal by the function with its own words and marks the item', async () => {
    let stock = 36
    resident(
      {
        placeOrder: () => fail('SOLD_OUT', '鸡蛋只剩 12 个了（1 箱），请改少一些再提交', 'lines.1.qty'),
      },
      () => {
        const d = buyDetail()
        const items = d.buy.items.map((i) => (i.id === 'i2' ? { ...i, remaining: stock } : i))
        return { ...d, buy: { ...d.buy, items } }
      },
    )
    const comp = mount(PAGE, q)
    await settleAll()
    await plus(comp, 'hh_201', 'i1')
    await plus(comp, 'hh_201', 'i2')
    await plus(comp, 'hh_201', 'i2')
    stock = 12
    await tap(comp, '#form-hh_201 .submit')
    expect(text(comp, '#form-hh_201 .refusal-title')).toBe('库存不够了')
    expect(text(comp, '#form-hh_201 .refusal-message')).toBe('鸡蛋只剩 12 个了（1 箱），请改少一些再提交')
    expect(lineData(comp, 'i2').error).toBe(true)
    expect(lineData(comp, 'i1').error).toBe(false)
    // Read again: the item now says what is left, and its stepper stops there.
    expect(text(comp, '#item-i2')).toContain('还剩 12 个')
    expect(lineData(comp, 'i2')).toMatchObject({ qty: 12, canPlus: false })
    expect(comp.data.forms[0].busy).toBe(false)
  })

  it.each([
    ['PACK_SIZE', '鸡蛋整箱卖，每箱 12 个，请按箱选', '要按整箱买'],
    ['OVER_LIMIT', '土豆每户最多 4 袋', '超过每户限购'],
    ['BUY_CLOSED', '这次团购已经截单，不能再下单或修改', '已经截单了'],
    ['MERCHANT_SUSPENDED', '商家已被居委暂停，暂时不能下单', '商家已被居委暂停'],
  ] as const)('shows %s clearly', async (code, message, title) => {
    resident({ placeOrder: () => fail(code, message) })
    const comp = mount(PAGE, q)
    await settleAll()
    await plus(comp, 'hh_201', 'i1')
    await tap(comp, '#form-hh_201 .submit')
    expect(text(comp, '#form-hh_201 .refusal-title')).toBe(title)
    expect(text(comp, '#form-hh_201 .refusal-message')).toBe(message)
  })

  it('shows an order the sequencer refused, with the quantities kept to change', async () => {
    resident({
      placeOrder: () =>
        ok(
          orderView({
            status: 'refused',
            no: undefined,
            lines: [],
            total: 0,
            refusal: { itemId: 'i1', message: '土豆刚刚卖完了' },
          }),
        ),
    })
    const comp = mount(PAGE, q)
    await settleAll()
    await plus(comp, 'hh_201', 'i1')
    await plus(comp, 'hh_201', 'i2')
    await tap(comp, '#form-hh_201 .submit')
    expect(text(comp, '#form-hh_201 .order-state')).toBe('未成交：土豆刚刚卖完了')
    expect(text(comp, '#form-hh_201 .refusal-message')).toBe('土豆刚刚卖完了')
    expect(lineData(comp, 'i1')).toMatchObject({ qty: 1, error: true })
    expect(lineData(comp, 'i2').qty).toBe(12)
    expect(text(comp, '#form-hh_201 .submit')).toBe('提交接龙')
  })

  it('sends the same request id again after a failed network, and a new one after a refusal', async () => {
    let answer: () => Envelope<OrderView> = () => fail('INTERNAL', '系统繁忙，请稍后再试')
    resident({ placeOrder: () => answer() })
    const comp = mount(PAGE, q)
    await settleAll()
    await plus(comp, 'hh_201', 'i1')
    await tap(comp, '#form-hh_201 .submit')
    // The call and its two retries (0.6 s and 1.2 s later), then the form says so and the person taps again.
    await waitFor(() => sentGroupbuy('placeOrder').length === 3 && !comp.data.forms[0].busy)
    expect(text(comp, '#form-hh_201 .refusal-message')).toBe('系统繁忙，请稍后再试')
    answer = () => fail('OVER_LIMIT', '土豆每户最多 4 袋')
    await tap(comp, '#form-hh_201 .submit')
    const ids = sentGroupbuy('placeOrder').map((p) => p.requestId)
    expect(ids).toHaveLength(4)
    expect(new Set(ids).size).toBe(1)
    answer = () => ok(orderView({ no: 3 }))
    await tap(comp, '#form-hh_201 .submit')
    const next = sentGroupbuy('placeOrder')[4]?.requestId
    expect(next).toMatch(/^[A-Za-z0-9_-]{8,40}$/)
    expect(next).not.toBe(ids[0])
    expect(text(comp, '#form-hh_201 .order-state')).toBe('已接龙 · 第 3 号')
  })

  it('says for whom a 代管 household is ordered and that it will be told', async () => {
    resident({}, () =>
      buyDetail({
        mine: [
          { householdId: 'hh_201', label: '12-201', proxy: false },
          { householdId: 'hh_301', label: '3-301', proxy: true },
        ],
      }),
    )
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#form-hh_201 .proxy-note')).toBeNull()
    expect(text(comp, '#form-hh_301 .proxy-note')).toBe(
      '您在为 3-301 代下单（代管或家人）。下单、修改和取消都会微信通知这一户，送货通知也发给这一户。',
    )
  })

  it('changes and cancels an order, which keeps its number', async () => {
    const modal = answerModal(true)
    spies.push(modal)
    resident(
      {
        placeOrder: (p) =>
          ok(orderView({ lines: orderView().lines.filter((l) => p.lines.some((x) => x.itemId === l.itemId)) })),
        cancelOrder: () => ok(orderView({ status: 'cancelled' })),
      },
      () => buyDetail({ mine: [{ householdId: 'hh_201', label: '12-201', proxy: false, order: orderView() }] }),
    )
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#form-hh_201 .order-state')).toBe('已接龙 · 第 12 号')
    expect(text(comp, '#form-hh_201 .summary-total')).toBe('合计 29.00 元')
    await tap(comp, '#form-hh_201 .edit')
    expect(lineData(comp, 'i1').qty).toBe(2)
    expect(lineData(comp, 'i2').qty).toBe(12)
    await tap(comp, '#form-hh_201 .stop-edit')
    expect(find(comp, `${line('hh_201', 'i1')}`)).toBeUndefined()
    await tap(comp, '#form-hh_201 .edit')
    await minus(comp, 'hh_201', 'i2')
    await tap(comp, '#form-hh_201 .submit')
    expect(sentGroupbuy('placeOrder')[0]?.lines).toEqual([{ itemId: 'i1', qty: 2 }])

    await tap(comp, '#form-hh_201 .cancel-order')
    expect(modal).toHaveBeenCalledWith(expect.objectContaining({ title: '取消订单' }))
    expect(sentGroupbuy('cancelOrder')).toEqual([
      { buyId: 'buy_1', householdId: 'hh_201', requestId: expect.stringMatching(/^[A-Za-z0-9_-]{8,40}$/) },
    ])
    expect(text(comp, '#form-hh_201 .order-state')).toBe('已取消（第 12 号）')
    expect(text(comp, '#form-hh_201 .submit')).toBe('提交接龙')
  })

  it('shows a closed buy without forms to change', async () => {
    resident({}, () =>
      buyDetail({
        buy: buyView({ status: 'closed', closedAt: '2026-11-25T12:00:00.000Z' }),
        mine: [{ householdId: 'hh_201', label: '12-201', proxy: false, order: orderView({ editable: false }) }],
      }),
    )
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#status')).toBe('已截单')
    expect(text(comp, '#form-hh_201 .summary-lines')).toBe('土豆 2袋、鸡蛋 1箱')
    expect(find(comp, '#form-hh_201 .submit')).toBeUndefined()
    expect(find(comp, '#form-hh_201 .edit')).toBeUndefined()
  })

  it('gives a lead of a building in scope the building’s chain and a share card for its group', async () => {
    community({ whoami: () => ok(me({ roles: [leadRole] })) })
    groupbuy({ buy: () => ok(buyDetail({ mine: [] })) })
    const navigate = jest.spyOn(wx, 'navigateTo')
    spies.push(navigate)
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#outside')).toContain('不在这次团购的楼栋范围内')
    expect(text(comp, '#share')).toBe('发到楼栋群')
    const card = (comp.instance as unknown as { onShareAppMessage(): Record<string, string> }).onShareAppMessage()
    expect(card).toEqual({
      title: '周末蔬菜鸡蛋团（11月25日 20:00 截单）',
      path: '/packageGroupbuy/pages/buy?id=buy_1',
      imageUrl: '/images/share.png',
    })
    await tap(comp, '#manage')
    expect(navigate).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/packageGroupbuy/pages/manage?id=buy_1&buildingId=b_12' }),
    )
  })

  it('shows a supply drop’s allotment, with nothing to order', async () => {
    resident({}, () =>
      buyDetail({
        buy: buyView({
          kind: 'drop',
          seller: undefined,
          organiser: '居委',
          minTotal: undefined,
          items: [
            item({
              id: 'i1',
              name: '大米',
              spec: '10斤/袋',
              unit: '斤',
              price: 0,
              allot: { per: 'household', qty: 10 },
            }),
          ],
        }),
      }),
    )
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#seller')).toBe('居委发放')
    expect(text(comp, '#item-i1')).toContain('免费发放 · 每户 10 斤')
    expect(comp.querySelectorAll('.form')).toHaveLength(0)
    expect(find(comp, '#minimum')).toBeUndefined()
  })
})
