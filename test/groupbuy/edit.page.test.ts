import type { BuyInput, Envelope, BuyView } from '../../typings/api'
import {
  committeeRole,
  community,
  communityLeadRole,
  fail,
  household201,
  me,
  ok,
  residentRole,
  role,
  sent,
  structureView,
} from '../support/pages/fixtures'
import {
  buyDetail,
  buyView,
  groupbuy,
  item,
  merchantView,
  sentGroupbuy,
  type GroupbuyHandlers,
} from '../support/pages/groupbuy'
import { find, fire, mount, settleAll, tap, text, type, type Mounted } from '../support/pages/harness'

const PAGE = 'packageGroupbuy/pages/edit'
/** 09:10 on 24 November in Shanghai. */
const NOW = Date.parse('2026-11-24T01:10:00.000Z')
const merchantRole = role({ id: 'role_m', role: 'merchant', place: '鲜丰果蔬 商家' })

function answerModal(confirm: boolean) {
  return jest.spyOn(wx, 'showModal').mockImplementation(((opts: WechatMiniprogram.ShowModalOption) => {
    opts.success?.({ confirm, cancel: !confirm, content: '', errMsg: 'showModal:ok' })
  }) as never)
}

const created = (p: BuyInput) =>
  ok(buyView({ id: 'buy_new', title: p.title, kind: p.kind, status: 'scheduled' })) as Envelope<BuyView>

function as(roles = [merchantRole], handlers: GroupbuyHandlers = {}) {
  community({ whoami: () => ok(me({ roles })), structure: () => ok(structureView()) })
  groupbuy({
    myMerchant: () => ok(merchantView({ status: 'approved' })),
    listMerchants: () =>
      ok([merchantView({ status: 'approved' }), merchantView({ id: 'm_2', shopName: '山里人家', status: 'approved' })]),
    createBuy: created,
    ...handlers,
  })
}

/** Fill item `i` of the form. */
async function fillItem(comp: Mounted, i: number, f: Record<string, string>) {
  for (const [cls, value] of Object.entries(f)) await type(comp, value, `#item-${i} .${cls}`)
}

describe('create a buy', () => {
  const spies: jest.SpyInstance[] = []
  beforeEach(() => spies.push(jest.spyOn(Date, 'now').mockReturnValue(NOW)))
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('lets an approved shop open a sale of its own: units, packs, prices in 元 sent in 分, Shanghai times, one request id', async () => {
    as()
    spies.push(answerModal(true))
    const redirect = jest.spyOn(wx, 'redirectTo')
    spies.push(redirect)
    const comp = mount(PAGE, { communityId: 'c_sunny', kind: 'sale' })
    await settleAll()
    expect(sentGroupbuy('myMerchant')).toEqual([{ communityId: 'c_sunny' }])
    expect(text(comp, '#seller-fixed')).toBe('鲜丰果蔬')
    expect(comp.data.when).toEqual({
      opens: { date: '2026-11-24', time: '09:30' },
      closes: { date: '2026-11-24', time: '20:00' },
      delivery: { date: '2026-11-25', time: '10:00' },
    })

    await type(comp, ' 周末蔬菜鸡蛋团 ', '#title')
    await type(comp, '周日东门取货', '#note')
    await fillItem(comp, 0, {
      'item-name': '鸡蛋',
      'item-spec': '50g/个',
      'item-pack': '12',
      'item-price': '1.2',
      'item-stock': '120',
      'item-limit': '24',
    })
    await tap(comp, '#add-item')
    await fillItem(comp, 1, { 'item-name': '土豆', 'item-price': '8.50', 'item-stock': '100' })
    await fire(comp, 'change', { value: 3 }, '#item-1 .item-unit')
    await tap(comp, '#add-item')
    await fillItem(comp, 2, { 'item-name': '葱', 'item-price': '2', 'item-stock': '30' })
    await fire(comp, 'change', { value: 7 }, '#item-2 .item-unit')
    await type(comp, '捆', '#item-2 .custom-unit')
    await type(comp, '300', '#min-total')
    await fire(comp, 'change', { value: '2026-11-25' }, '#closes-date')
    await fire(comp, 'change', { value: '2026-11-26' }, '#delivery-date')
    await tap(comp, '#save')

    expect(sentGroupbuy('createBuy')).toEqual([
      {
        communityId: 'c_sunny',
        kind: 'sale',
        merchantId: 'm_fresh',
        title: '周末蔬菜鸡蛋团',
        note: '周日东门取货',
        items: [
          { name: '鸡蛋', spec: '50g/个', unit: '个', packSize: 12, price: 120, stock: 120, limit: 24 },
          { name: '土豆', spec: '', unit: '袋', packSize: 1, price: 850, stock: 100 },
          { name: '葱', spec: '', unit: '捆', packSize: 1, price: 200, stock: 30 },
        ],
        minTotal: 30000,
        opensAt: '2026-11-24T01:30:00.000Z',
        closesAt: '2026-11-25T12:00:00.000Z',
        deliveryAt: '2026-11-26T02:00:00.000Z',
        requestId: expect.stringMatching(/^[A-Za-z0-9_-]{8,40}$/),
      },
    ])
    expect(redirect).toHaveBeenCalledWith(expect.objectContaining({ url: '/packageGroupbuy/pages/manage?id=buy_new' }))
  })

  it('refuses what would be wrong on the page, each on its field, and sends nothing', async () => {
    as()
    spies.push(answerModal(true))
    const comp = mount(PAGE, { communityId: 'c_sunny', kind: 'sale' })
    await settleAll()
    await type(comp, '团', '#title')
    await fillItem(comp, 0, {
      'item-name': '鸡蛋',
      'item-pack': '12',
      'item-price': '1.255',
      'item-stock': '100',
      'item-limit': '30',
    })
    await type(comp, '三百', '#min-total')
    await fire(comp, 'change', { value: '09:00' }, '#closes-time')
    await tap(comp, '#save')
    expect(text(comp, '#title-error')).toBe('请写标题（2–30 个字），如「周末蔬菜鸡蛋团」')
    expect(text(comp, '#item-0 .price-error')).toBe('请写单价，单位是元，如 8.5')
    expect(text(comp, '#item-0 .stock-error')).toBe('库存要是 12 的整数倍（整箱）')
    expect(text(comp, '#item-0 .limit-error')).toBe('每户限购要是 12 的整数倍（整箱）')
    expect(text(comp, '#min-total-error')).toBe('成团金额请写元数，如 300；不设就空着')
    expect(text(comp, '#closes-error')).toBe('截单时间已经过了，请选晚一点的时间')
    expect(text(comp, '#form-error')).toBe('还有 6 处没有填好，请看红色提示')
    expect(sentGroupbuy('createBuy')).toEqual([])
  })

  it('sends the same request id on every attempt of this page: retries and a second tap create one buy', async () => {
    let answer: (p: BuyInput) => Envelope<BuyView> = () => fail('INTERNAL', '系统繁忙，请稍后再试')
    as([merchantRole], { createBuy: (p) => answer(p) })
    spies.push(answerModal(true))
    const comp = mount(PAGE, { communityId: 'c_sunny', kind: 'sale' })
    await settleAll()
    await type(comp, '周末蔬菜团', '#title')
    await fillItem(comp, 0, { 'item-name': '白菜', 'item-price': '3', 'item-stock': '50' })
    await tap(comp, '#save')
    for (let i = 0; i < 50 && sentGroupbuy('createBuy').length < 3; i++) await new Promise((r) => setTimeout(r, 100))
    await settleAll()
    expect(text(comp, '#form-error')).toBe('系统繁忙，请稍后再试')
    answer = created
    // Two taps at once: both carry this page's id, so the function makes one buy.
    find(comp, '#save')!.dispatchEvent('tap')
    find(comp, '#save')!.dispatchEvent('tap')
    await settleAll()
    const ids = sentGroupbuy('createBuy').map((p) => p.requestId)
    expect(ids.length).toBeGreaterThanOrEqual(4)
    expect(new Set(ids).size).toBe(1)
  })

  it('maps the function’s refusal of an item’s field onto that field', async () => {
    as([merchantRole], { createBuy: () => fail('INVALID_INPUT', '库存太多了，最多 99999', 'items.0.stock') })
    spies.push(answerModal(true))
    const comp = mount(PAGE, { communityId: 'c_sunny', kind: 'sale' })
    await settleAll()
    await type(comp, '周末蔬菜团', '#title')
    await fillItem(comp, 0, { 'item-name': '白菜', 'item-price': '3', 'item-stock': '9999999' })
    await tap(comp, '#save')
    expect(text(comp, '#item-0 .stock-error')).toBe('库存太多了，最多 99999')
  })

  it('lets the committee make a supply drop per person for the buildings picked, with no seller', async () => {
    as([committeeRole])
    spies.push(answerModal(true))
    const comp = mount(PAGE, { communityId: 'c_sunny', kind: 'drop' })
    await settleAll()
    expect(text(comp, '#heading')).toBe('物资发放')
    expect(text(comp, '#seller-fixed')).toBe('居委')
    expect(find(comp, '#item-0 .item-price')).toBeUndefined()
    expect(find(comp, '#min-total')).toBeUndefined()
    await type(comp, '每人两包口罩', '#title')
    await fillItem(comp, 0, { 'item-name': '口罩', 'item-spec': '10只/包', 'item-allot': '2' })
    await fire(comp, 'change', { value: 3 }, '#item-0 .item-unit')
    await tap(comp, '#item-0 .per-person')
    await tap(comp, '#scope-pick')
    expect(sent('structure')).toEqual([{ communityId: 'c_sunny' }])
    await tap(comp, '#pick-b_12')
    await tap(comp, '#pick-b_21')
    await tap(comp, '#save')
    expect(sentGroupbuy('createBuy')).toEqual([
      expect.objectContaining({
        kind: 'drop',
        items: [{ name: '口罩', spec: '10只/包', unit: '袋', packSize: 1, price: 0, allot: { per: 'person', qty: 2 } }],
        buildingIds: ['b_12', 'b_21'],
      }),
    ])
    expect(sentGroupbuy('createBuy')[0]).not.toHaveProperty('merchantId')
    expect(sentGroupbuy('createBuy')[0]).not.toHaveProperty('minTotal')
  })

  it('lets the committee or a 团长 pick an approved shop, or none', async () => {
    as([communityLeadRole])
    spies.push(answerModal(true))
    const comp = mount(PAGE, { communityId: 'c_sunny', kind: 'sale' })
    await settleAll()
    expect(sentGroupbuy('listMerchants')).toEqual([{ communityId: 'c_sunny', status: 'approved' }])
    expect(comp.data.sellerOptions).toEqual(['不指定商家（团长组织）', '鲜丰果蔬', '山里人家'])
    await fire(comp, 'change', { value: 2 }, '#seller')
    await type(comp, '冬笋团', '#title')
    await fillItem(comp, 0, { 'item-name': '冬笋', 'item-price': '12', 'item-stock': '40' })
    await tap(comp, '#save')
    expect(sentGroupbuy('createBuy')[0]).toMatchObject({ merchantId: 'm_2' })
  })

  it.each([
    ['a resident', [residentRole], 'sale', '只有已通过居委审核的商家、居委和团长可以发起团购'],
    ['a 团长 making a drop', [communityLeadRole], 'drop', '只有居委可以发起物资发放'],
  ] as const)('tells %s it may not, and shows no form', async (_who, roles, kind, message) => {
    community({ whoami: () => ok(me({ roles: [...roles], households: [household201] })) })
    groupbuy({})
    const comp = mount(PAGE, { communityId: 'c_sunny', kind })
    await settleAll()
    expect(text(comp, '#error')).toContain(message)
    expect(find(comp, '#save')).toBeUndefined()
  })

  it('tells a shop not yet approved that it cannot open a buy', async () => {
    as([merchantRole], { myMerchant: () => ok(merchantView({ status: 'suspended' })) })
    const comp = mount(PAGE, { communityId: 'c_sunny', kind: 'sale' })
    await settleAll()
    expect(text(comp, '#error')).toContain('您的店铺还没有通过居委审核')
  })
})

describe('change a buy', () => {
  const spies: jest.SpyInstance[] = []
  beforeEach(() => spies.push(jest.spyOn(Date, 'now').mockReturnValue(NOW)))
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  const open = buyView({
    manage: true,
    items: [item({ id: 'i2', name: '鸡蛋', packSize: 12, price: 100, stock: 120, sold: 84, remaining: 36 })],
  })

  it('changes an open buy’s note, a later deadline and more stock, sending only what changed', async () => {
    as([merchantRole], {
      buy: () => ok(buyDetail({ buy: open, mine: [] })),
      updateBuy: (p) => ok(buyView({ ...open, note: p.note ?? open.note })),
    })
    const redirect = jest.spyOn(wx, 'redirectTo')
    spies.push(redirect)
    const comp = mount(PAGE, { id: 'buy_1' })
    await settleAll()
    expect(text(comp, '#heading')).toBe('修改「周末蔬菜鸡蛋团」（已开团）')
    expect(find(comp, '#title')).toBeUndefined()
    expect(find(comp, '#opens-date')).toBeUndefined()
    expect(text(comp, '#item-0 .item-summary')).toBe('鸡蛋 · 库存 120 个，已订 84 个')

    await type(comp, '10', '#item-0 .add-stock')
    await tap(comp, '#save')
    expect(text(comp, '#item-0 .stock-error')).toBe('加库存要是 12 的整数倍（整箱）')
    await fire(comp, 'change', { value: '18:00' }, '#closes-time')
    await type(comp, '24', '#item-0 .add-stock')
    await tap(comp, '#save')
    expect(text(comp, '#closes-error')).toBe('已开团的团购只能推迟截单，不能提前')
    expect(sentGroupbuy('updateBuy')).toEqual([])

    await fire(comp, 'change', { value: '22:00' }, '#closes-time')
    await type(comp, '周日东门取货，带袋子', '#note')
    await tap(comp, '#save')
    expect(sentGroupbuy('updateBuy')).toEqual([
      {
        buyId: 'buy_1',
        requestId: expect.stringMatching(/^[A-Za-z0-9_-]{8,40}$/),
        note: '周日东门取货，带袋子',
        closesAt: '2026-11-25T14:00:00.000Z',
        addStock: [{ itemId: 'i2', add: 24 }],
      },
    ])
    expect(redirect).toHaveBeenCalledWith(expect.objectContaining({ url: '/packageGroupbuy/pages/manage?id=buy_1' }))
  })

  it('changes all of a buy that has not opened yet', async () => {
    const scheduled = buyView({
      ...open,
      status: 'scheduled',
      opensAt: '2026-11-24T10:00:00.000Z',
      allBuildings: false,
      buildings: [{ id: 'b_12', name: '12号' }],
    })
    as([merchantRole], { buy: () => ok(buyDetail({ buy: scheduled, mine: [] })), updateBuy: () => ok(scheduled) })
    spies.push(answerModal(true))
    const comp = mount(PAGE, { id: 'buy_1' })
    await settleAll()
    expect(comp.data.form).toMatchObject({ title: '周末蔬菜鸡蛋团', minTotal: '300.00', all: false })
    expect(comp.data.pick.chosen).toBe(1)
    expect(comp.data.items[0]).toMatchObject({ name: '鸡蛋', packSize: '12', price: '1.00', stock: '120' })
    await type(comp, '1.5', '#item-0 .item-price')
    await tap(comp, '#save')
    expect(sentGroupbuy('updateBuy')).toEqual([
      expect.objectContaining({
        buyId: 'buy_1',
        title: '周末蔬菜鸡蛋团',
        items: [{ name: '鸡蛋', spec: '', unit: '个', packSize: 12, price: 150, stock: 120 }],
        minTotal: 30000,
        buildingIds: ['b_12'],
        opensAt: '2026-11-24T10:00:00.000Z',
      }),
    ])
  })

  it('says a closed buy cannot be changed', async () => {
    as([merchantRole], { buy: () => ok(buyDetail({ buy: buyView({ manage: true, status: 'closed' }) })) })
    const comp = mount(PAGE, { id: 'buy_1' })
    await settleAll()
    expect(text(comp, '#error')).toContain('已截单、未成团或取消的团购不能再修改')
  })
})
