import {
  committeeRole,
  community,
  communityLeadRole,
  household201,
  leadRole,
  me,
  ok,
  residentRole,
  role,
} from '../support/pages/fixtures'
import { buyView, groupbuy, orderView, sentGroupbuy, type GroupbuyHandlers } from '../support/pages/groupbuy'
import { find, mount, settleAll, tap, text, texts } from '../support/pages/harness'

const PAGE = 'packageGroupbuy/pages/list'
const q = { communityId: 'c_sunny' }

const scheduled = buyView({
  id: 'buy_2',
  title: '冬笋团',
  status: 'scheduled',
  opensAt: '2026-11-26T00:00:00.000Z', // 08:00 on the 26th
  seller: {
    id: 'm_2',
    shopName: '山里人家',
    goods: '干货',
    status: 'approved',
    approvedAt: '2026-11-20T00:00:00.000Z',
  },
})
const drop = buyView({ id: 'drop_1', kind: 'drop', title: '每户 10 斤大米', seller: undefined, organiser: '居委' })

function residentWith(handlers: GroupbuyHandlers = {}) {
  community({ whoami: () => ok(me({ roles: [residentRole], households: [household201] })) })
  groupbuy({
    listBuys: (p) =>
      ok(
        p.status === 'past'
          ? { buys: [buyView({ id: 'buy_0', title: '上周水果团', status: 'failed' })] }
          : { buys: [buyView(), scheduled, drop] },
      ),
    myOrders: () =>
      ok({
        orders: [orderView(), orderView({ householdId: 'hh_301', label: '3-301', status: 'queued', no: undefined })],
      }),
    ...handlers,
  })
}

function subscribeAnswer(answer: 'accept' | 'reject') {
  return jest.spyOn(wx, 'requestSubscribeMessage').mockImplementation(((
    o: WechatMiniprogram.RequestSubscribeMessageOption,
  ) => {
    o.success?.({ errMsg: 'requestSubscribeMessage:ok', ...Object.fromEntries(o.tmplIds.map((id) => [id, answer])) })
  }) as never)
}

describe('group buys list', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('lists the current buys with seller, approval, status and my households’ orders, and opens one', async () => {
    residentWith()
    const navigate = jest.spyOn(wx, 'navigateTo')
    spies.push(navigate)
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sentGroupbuy('listBuys')).toEqual([{ communityId: 'c_sunny', status: 'current', limit: 20 }])
    expect(sentGroupbuy('myOrders')).toEqual([{ communityId: 'c_sunny', limit: 50 }])
    expect(texts(comp, '.buy-title')).toEqual(['周末蔬菜鸡蛋团', '冬笋团', '每户 10 斤大米'])
    expect(text(comp, '#buy-buy_1 .seller-name')).toBe('鲜丰果蔬')
    expect(text(comp, '#buy-buy_1 .approved')).toBe('已通过居委审核')
    expect(text(comp, '#buy-buy_1 .status')).toBe('接龙中 · 11月25日 20:00 截单')
    expect(texts(comp, '#buy-buy_1 .mine')).toEqual(['12-201 已接龙 · 第 12 号', '3-301 排队中，正在排接龙号'])
    expect(text(comp, '#buy-buy_2 .status')).toBe('未开始 · 11月26日 08:00 开团')
    expect(texts(comp, '#buy-buy_2 .mine')).toEqual([])
    expect(text(comp, '#buy-drop_1')).toContain('物资发放')
    expect(text(comp, '#buy-drop_1 .seller-name')).toBe('居委发放')
    expect(find(comp, '#buy-drop_1 .approved')).toBeUndefined()
    // A resident creates nothing.
    expect(find(comp, '#create')).toBeUndefined()

    await tap(comp, '#buy-buy_2')
    expect(navigate).toHaveBeenCalledWith(expect.objectContaining({ url: '/packageGroupbuy/pages/buy?id=buy_2' }))
    await tap(comp, '#orders')
    expect(navigate).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/packageGroupbuy/pages/orders?communityId=c_sunny' }),
    )
  })

  it('shows past buys on their tab, and an empty state that says what comes', async () => {
    residentWith()
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#tab-past')
    expect(sentGroupbuy('listBuys').at(-1)).toEqual({ communityId: 'c_sunny', status: 'past', limit: 20 })
    expect(texts(comp, '.buy-title')).toEqual(['上周水果团'])
    expect(text(comp, '#buy-buy_0 .status')).toBe('未成团')

    residentWith({ listBuys: () => ok({ buys: [] }) })
    const empty = mount(PAGE, q)
    await settleAll()
    expect(text(empty, '#empty')).toContain('现在没有进行中的团购')
  })

  it('pages a long list: 加载更多 appends the next page only', async () => {
    const page = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => buyView({ id: `buy_${from + i}`, title: `第 ${from + i} 团` }))
    residentWith({
      listBuys: (p) => ok(p.cursor ? { buys: page(20, 5) } : { buys: page(0, 20), cursor: 'c20' }),
    })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(comp.querySelectorAll('.buy')).toHaveLength(20)
    await tap(comp, '#more')
    expect(sentGroupbuy('listBuys').at(-1)).toEqual({
      communityId: 'c_sunny',
      status: 'current',
      limit: 20,
      cursor: 'c20',
    })
    expect(comp.querySelectorAll('.buy')).toHaveLength(25)
    expect(find(comp, '#more')).toBeUndefined()
  })

  it('turns on 开团提醒 when the resident accepts the buyOpening template', async () => {
    residentWith({ subscribeBuys: () => ok({ subscribed: true }) })
    spies.push(subscribeAnswer('accept'))
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#subscribe')
    expect(wx.requestSubscribeMessage).toHaveBeenCalledWith(expect.objectContaining({ tmplIds: ['TPL_BUY_OPENING'] }))
    expect(sentGroupbuy('subscribeBuys')).toEqual([{ communityId: 'c_sunny' }])
    expect(text(comp, '#subscribe')).toBe('已开启开团提醒')
  })

  it('asks nothing of the function when the resident refuses the notice, and says how to turn it on', async () => {
    residentWith()
    spies.push(subscribeAnswer('reject'))
    const modal = jest.spyOn(wx, 'showModal')
    spies.push(modal)
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#subscribe')
    expect(sentGroupbuy('subscribeBuys')).toEqual([])
    expect(modal).toHaveBeenCalledWith(expect.objectContaining({ title: '没有开启提醒' }))
  })

  it('offers 发起团购 to the committee, 团长 and approved shops, and 物资发放 to the committee only', async () => {
    const merchant = role({ id: 'role_m', role: 'merchant', place: '鲜丰果蔬 商家' })
    const cases = [
      { roles: [committeeRole], sale: true, drop: true },
      { roles: [communityLeadRole], sale: true, drop: false },
      { roles: [merchant], sale: true, drop: false },
      { roles: [leadRole], sale: false, drop: false },
    ]
    for (const c of cases) {
      getApp<IAppOption>().globalData = {}
      community({ whoami: () => ok(me({ roles: c.roles })) })
      groupbuy({ listBuys: () => ok({ buys: [] }) })
      const comp = mount(PAGE, q)
      await settleAll()
      expect([c.roles[0]?.role, Boolean(find(comp, '#create-sale')), Boolean(find(comp, '#create-drop'))]).toEqual([
        c.roles[0]?.role,
        c.sale,
        c.drop,
      ])
    }
    // Not in a household here: no order history to read.
    expect(sentGroupbuy('myOrders')).toEqual([])

    const navigate = jest.spyOn(wx, 'navigateTo')
    spies.push(navigate)
    getApp<IAppOption>().globalData = {}
    community({ whoami: () => ok(me({ roles: [committeeRole] })) })
    groupbuy({ listBuys: () => ok({ buys: [] }) })
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#create-drop')
    expect(navigate).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/packageGroupbuy/pages/edit?communityId=c_sunny&kind=drop' }),
    )
  })

  it('says what went wrong and retries', async () => {
    community({ whoami: () => ok(me({ roles: [residentRole], households: [household201] })) })
    let failing = true
    groupbuy({
      listBuys: () =>
        failing ? { ok: false, code: 'FORBIDDEN', message: '您没有权限查看这个社区的团购' } : ok({ buys: [buyView()] }),
      myOrders: () => ok({ orders: [] }),
    })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#error')).toContain('您没有权限查看这个社区的团购')
    failing = false
    await tap(comp, '#error', '.status-action')
    expect(texts(comp, '.buy-title')).toEqual(['周末蔬菜鸡蛋团'])
  })
})
