import type { BuyChain, BuySummary, OrderImportView } from '../../typings/api'
import { committeeRole, community, leadRole, me, ok, role, sentSheets, sheets } from '../support/pages/fixtures'
import { phoneFiles } from '../support/pages/documents'
import {
  buyView,
  chainOrder,
  groupbuy,
  orderView,
  sentGroupbuy,
  type GroupbuyHandlers,
} from '../support/pages/groupbuy'
import { attr, fakeCloud, find, fire, mount, settleAll, tap, text, texts } from '../support/pages/harness'

const PAGE = 'packageGroupbuy/pages/manage'
const merchantRole = role({ id: 'role_m', role: 'merchant', place: '鲜丰果蔬 商家' })

/** Dialogs answered in turn: confirm or cancel, with what was typed in an editable one. */
function modals(...answers: { confirm: boolean; content?: string }[]) {
  return jest.spyOn(wx, 'showModal').mockImplementation(((opts: WechatMiniprogram.ShowModalOption) => {
    const a = answers.shift() ?? { confirm: true }
    opts.success?.({ confirm: a.confirm, cancel: !a.confirm, content: a.content ?? '', errMsg: 'showModal:ok' })
  }) as never)
}

function sheet(tapIndex: number) {
  return jest
    .spyOn(wx, 'showActionSheet')
    .mockImplementation(((o: WechatMiniprogram.ShowActionSheetOption) =>
      o.success?.({ tapIndex, errMsg: 'showActionSheet:ok' })) as never)
}

const orders = [
  chainOrder({ no: 1, householdId: 'hh_201', label: '12-201', name: '王*明', paid: 'paid' }),
  chainOrder({
    no: 2,
    householdId: 'hh_302',
    label: '12-302',
    name: '李*英',
    status: 'cancelled',
    summary: '鸡蛋 1箱',
    total: 1200,
  }),
  chainOrder({
    no: 3,
    householdId: 'hh_101',
    label: '1-101',
    buildingId: 'b_1',
    name: '赵*',
    summary: '土豆 4袋',
    total: 3400,
  }),
]

const summary = (buy = buyView({ status: 'closed', manage: true })): BuySummary => ({
  buy,
  purchase: [
    { itemId: 'i1', name: '土豆', spec: '约2.5斤/袋', unit: '袋', qty: 6, packs: 6, amount: 5100, households: 2 },
    { itemId: 'i2', name: '鸡蛋', spec: '50g/个', unit: '个', qty: 24, packs: 2, amount: 2400, households: 2 },
  ],
  buildings: [
    { buildingId: 'b_1', name: '1号', households: 1, pieces: 4, amount: 3400 },
    { buildingId: 'b_12', name: '12号', households: 1, pieces: 3, amount: 2900 },
  ],
  households: 2,
  pieces: 7,
  amount: 6300,
})

function organiser(handlers: GroupbuyHandlers = {}, chain: Partial<BuyChain> = {}, roles = [merchantRole]) {
  community({ whoami: () => ok(me({ roles })) })
  groupbuy({
    buyChain: () => ok({ buy: buyView({ manage: true }), orders, ...chain }),
    buySummary: () => ok(summary()),
    ...handlers,
  })
}

describe('managing a buy', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('shows the organiser the 接龙 in order with each payment, and the buttons to run it', async () => {
    organiser()
    const comp = mount(PAGE, { id: 'buy_1' })
    await settleAll()
    expect(sentGroupbuy('buyChain')).toEqual([{ buyId: 'buy_1' }])
    expect(text(comp, '#figures')).toBe('12 户接龙 · 180.00 元')
    expect(text(comp, '#minimum')).toBe('成团金额 300.00 元：还没达到')
    expect(texts(comp, '.order-head')).toEqual(['第 1 号 12-201 王*明', '第 2 号 12-302 李*英', '第 3 号 1-101 赵*'])
    expect(text(comp, '#order-1 .paid')).toBe('已付款')
    expect(text(comp, '#order-2 .cancelled')).toBe('已取消')
    expect(find(comp, '#order-2 .pay')).toBeUndefined()
    expect(find(comp, '#order-3 .pay')).toBeDefined()
    for (const id of ['#edit', '#close', '#cancel', '#share', '#tab-import']) expect(find(comp, id)).toBeDefined()
  })

  it('gives a lead their building’s 接龙 and lists, and nothing to run', async () => {
    community({ whoami: () => ok(me({ roles: [leadRole] })) })
    groupbuy({
      buyChain: () =>
        ok({
          buy: buyView({ status: 'closed', manage: false }),
          orders: orders.filter((o) => o.buildingId === 'b_12'),
        }),
    })
    sheets({
      exportBuy: (p) =>
        ok({ fileID: `cloud://env.b/exports/${p.sheet}.xlsx`, tempFileURL: '', fileName: `${p.sheet}.xlsx` }),
    })
    const phone = phoneFiles()
    try {
      const comp = mount(PAGE, { id: 'buy_1', buildingId: 'b_12' })
      await settleAll()
      expect(sentGroupbuy('buyChain')).toEqual([{ buyId: 'buy_1', buildingId: 'b_12' }])
      expect(texts(comp, '.order-head')).toEqual(['第 1 号 12-201 王*明', '第 2 号 12-302 李*英'])
      for (const id of ['#edit', '#close', '#cancel', '#tab-import', '#order-1 .pay', '#order-1 .refund'])
        expect([id, find(comp, id)]).toEqual([id, undefined])
      await tap(comp, '#tab-files')
      expect(find(comp, '#export-purchase')).toBeUndefined()
      expect(find(comp, '#phones')).toBeUndefined()
      await tap(comp, '#export-sorting')
      expect(sentSheets('exportBuy')).toEqual([{ buyId: 'buy_1', sheet: 'sorting', buildingId: 'b_12' }])
      expect(phone.opened).toHaveLength(1)
    } finally {
      phone.restore()
    }
  })

  it('offers the phones switch to the committee only, and sends it only when on', async () => {
    const closed = buyView({ status: 'closed', manage: true })
    sheets({
      exportBuy: (p) =>
        ok({ fileID: `cloud://env.b/exports/${p.sheet}.xlsx`, tempFileURL: '', fileName: `${p.sheet}.xlsx` }),
    })
    const phone = phoneFiles()
    try {
      organiser({ buyChain: () => ok({ buy: closed, orders }) })
      let comp = mount(PAGE, { id: 'buy_1' })
      await settleAll()
      await tap(comp, '#tab-files')
      expect(find(comp, '#phones')).toBeUndefined()
      await tap(comp, '#export-labels')
      expect(sentSheets('exportBuy').at(-1)).toEqual({ buyId: 'buy_1', sheet: 'labels' })

      getApp<IAppOption>().globalData = {}
      organiser({ buyChain: () => ok({ buy: closed, orders }) }, {}, [committeeRole])
      comp = mount(PAGE, { id: 'buy_1' })
      await settleAll()
      await tap(comp, '#tab-files')
      expect(attr(comp, '#phones', 'checked')).toBe(false)
      await tap(comp, '#export-purchase')
      expect(sentSheets('exportBuy').at(-1)).toEqual({ buyId: 'buy_1', sheet: 'purchase' })
      await fire(comp, 'change', { value: true }, '#phones')
      await tap(comp, '#export-labels')
      expect(sentSheets('exportBuy').at(-1)).toEqual({ buyId: 'buy_1', sheet: 'labels', phones: true })
      expect(phone.opened.map((o) => o.filePath)).toEqual([
        'wxfile://usr/exports/labels.xlsx',
        'wxfile://usr/exports/purchase.xlsx',
        'wxfile://usr/exports/labels.xlsx',
      ])
    } finally {
      phone.restore()
    }
  })

  it('says the files come after 截单 while the buy is open', async () => {
    organiser()
    const comp = mount(PAGE, { id: 'buy_1' })
    await settleAll()
    await tap(comp, '#tab-files')
    expect(text(comp, '#files-wait')).toContain('截单后才能打印')
    expect(find(comp, '#export-sorting')).toBeUndefined()
  })

  it('closes after a confirmation and shows the purchase list and each building', async () => {
    const modal = modals({ confirm: false }, { confirm: true })
    spies.push(modal)
    organiser({ closeBuy: () => ok(summary()) })
    const comp = mount(PAGE, { id: 'buy_1' })
    await settleAll()
    await tap(comp, '#close')
    expect(modal).toHaveBeenCalledWith(expect.objectContaining({ title: '截单' }))
    expect(sentGroupbuy('closeBuy')).toEqual([])
    await tap(comp, '#close')
    expect(sentGroupbuy('closeBuy')).toEqual([{ buyId: 'buy_1' }])
    expect(comp.data.tab).toBe('summary')
    expect(text(comp, '#status')).toBe('已截单')
    expect(find(comp, '#close')).toBeUndefined()
    expect(texts(comp, '.purchase-qty')).toEqual(['6 袋', '2 箱（24 个）'])
    expect(texts(comp, '.purchase-line .hint')).toEqual(['2 户 · 51.00 元', '2 户 · 24.00 元'])
    expect(text(comp, '#building-b_1 .hint')).toBe('1 户 · 4 件 · 34.00 元')
    expect(text(comp, '#summary-total')).toBe('合计 2 户 · 7 件 · 63.00 元')
  })

  it('cancels with a reason, and asks for one when none is written', async () => {
    spies.push(modals({ confirm: true, content: '  ' }, { confirm: true }, { confirm: true, content: '商家缺货' }))
    let buy = buyView({ manage: true })
    organiser({
      buyChain: () => ok({ buy, orders }),
      cancelBuy: (p) => ok((buy = buyView({ manage: true, status: 'cancelled', reason: p.reason }))),
    })
    const comp = mount(PAGE, { id: 'buy_1' })
    await settleAll()
    await tap(comp, '#cancel')
    expect(sentGroupbuy('cancelBuy')).toEqual([])
    await tap(comp, '#cancel')
    expect(sentGroupbuy('cancelBuy')).toEqual([{ buyId: 'buy_1', reason: '商家缺货' }])
    expect(text(comp, '#status')).toBe('已取消')
    expect(text(comp, '#reason')).toBe('商家缺货')
  })

  it('records a payment (method, amount in 元 sent in 分) and a refund with its reason on an order', async () => {
    spies.push(
      sheet(2),
      modals(
        { confirm: true, content: '34' },
        { confirm: true, content: '8.5' },
        { confirm: true, content: '土豆少一袋' },
      ),
    )
    organiser({
      recordPayment: (p) =>
        ok(
          orderView({
            householdId: p.householdId,
            payment: { status: 'paid', method: p.method, paid: p.amount, refunds: [], refundDue: 0 },
          }),
        ),
      recordRefund: (p) =>
        ok(
          orderView({
            householdId: p.householdId,
            payment: {
              status: 'partRefunded',
              paid: 3400,
              refunds: [{ amount: p.amount, reason: p.reason, at: '', byName: '' }],
              refundDue: 0,
            },
          }),
        ),
    })
    const comp = mount(PAGE, { id: 'buy_1' })
    await settleAll()
    expect(text(comp, '#order-3 .paid')).toBe('未付款')
    await tap(comp, '#order-3 .pay')
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '34.00', editable: true }))
    expect(sentGroupbuy('recordPayment')).toEqual([
      { buyId: 'buy_1', householdId: 'hh_101', method: 'cash', amount: 3400 },
    ])
    expect(text(comp, '#order-3 .paid')).toBe('已付款')
    await tap(comp, '#order-3 .refund')
    expect(sentGroupbuy('recordRefund')).toEqual([
      { buyId: 'buy_1', householdId: 'hh_101', amount: 850, reason: '土豆少一袋' },
    ])
    expect(text(comp, '#order-3 .paid')).toBe('部分退款')
  })

  it('pages a long 接龙: 50 rows at a time, then the next page from the function', async () => {
    const many = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) =>
        chainOrder({ no: from + i, householdId: `hh_${from + i}`, label: `12-${from + i}` }),
      )
    organiser({
      buyChain: (p) =>
        ok(
          p.cursor
            ? { buy: buyView({ manage: true }), orders: many(201, 20) }
            : { buy: buyView({ manage: true }), orders: many(1, 200), cursor: '200' },
        ),
    })
    const comp = mount(PAGE, { id: 'buy_1' })
    await settleAll()
    expect(comp.querySelectorAll('.order')).toHaveLength(50)
    for (let i = 0; i < 3; i++) await tap(comp, '#more-rows')
    expect(comp.querySelectorAll('.order')).toHaveLength(200)
    expect(sentGroupbuy('buyChain')).toHaveLength(1)
    await tap(comp, '#more-rows')
    expect(sentGroupbuy('buyChain').at(-1)).toEqual({ buyId: 'buy_1', cursor: '200' })
    expect(comp.querySelectorAll('.order')).toHaveLength(220)
    expect(find(comp, '#more-rows')).toBeUndefined()
  })

  it('imports a 快团团 export: uploads it under buy-imports/<community>/, resolves the unmatched rows, commits', async () => {
    const staged = (resolved: Record<number, string | undefined> = {}): OrderImportView => ({
      id: 'imp_1',
      buyId: 'buy_1',
      format: 'ktt-community',
      rows: 40,
      matched: 38,
      unresolved: [
        {
          row: 7,
          address: '12号楼2单元201',
          name: '王*',
          items: '鸡蛋 1箱',
          problem: '12号 201 有两户',
          candidates: [
            { householdId: 'hh_201', label: '12-201' },
            { householdId: 'hh_2201', label: '12-2201' },
          ],
          ...(resolved[7] ? { resolvedTo: resolved[7], resolvedLabel: '12-201' } : {}),
        },
        {
          row: 19,
          address: '东门小卖部',
          name: '李*',
          items: '土豆 2袋',
          problem: '没有这栋楼',
          candidates: [],
          ...(resolved[19] === '' ? { leftOut: true } : {}),
        },
      ],
      items: [{ name: '鸡蛋', spec: '', qty: 300 }],
      status: 'staged',
    })
    let state: Record<number, string | undefined> = {}
    let buy = buyView({ manage: true })
    organiser({
      buyChain: () => ok({ buy, orders }),
      resolveImportRow: (p) => {
        state = { ...state, [p.row]: p.householdId ?? '' }
        return ok(staged(state))
      },
      commitOrderImport: () => ok({ orders: 39, buy: (buy = buyView({ manage: true, orders: 51 })) }),
    })
    sheets({ importOrders: () => ok(staged()) })
    spies.push(
      jest.spyOn(wx, 'chooseMessageFile').mockImplementation(((o: WechatMiniprogram.ChooseMessageFileOption) =>
        o.success?.({
          tempFiles: [{ name: '快团团 订单.xlsx', path: 'wxfile://tmp_ktt', size: 9000, time: 0, type: 'file' }],
          errMsg: 'ok',
        })) as never),
      modals({ confirm: true }),
    )
    const comp = mount(PAGE, { id: 'buy_1' })
    await settleAll()
    await tap(comp, '#tab-import')
    await tap(comp, '#choose-import')
    expect(fakeCloud.uploads).toEqual([
      {
        cloudPath: expect.stringMatching(/^buy-imports\/c_sunny\/\d+-快团团_订单\.xlsx$/),
        filePath: 'wxfile://tmp_ktt',
      },
    ])
    expect(sentSheets('importOrders')).toEqual([
      { buyId: 'buy_1', fileID: `cloud://test-env.test-env-bucket/${fakeCloud.uploads[0]!.cloudPath}` },
    ])
    expect(text(comp, '#import-head')).toBe('快团团小区团购：共 40 行，38 行已对上住户，2 行要您确认')
    expect(text(comp, '#import-row-7 .import-text')).toBe('第 7 行：12号楼2单元201 王* · 鸡蛋 1箱')
    expect(texts(comp, '#import-row-7 .candidate')).toEqual(['12-201', '12-2201'])
    expect(attr(comp, '#commit-import', 'disabled')).toBe(true)

    await tap(comp, '#import-row-7 .candidate')
    expect(text(comp, '#import-row-7 .resolved')).toBe('导入到 12-201')
    await tap(comp, '#import-row-19 .leave-out')
    expect(sentGroupbuy('resolveImportRow')).toEqual([
      { id: 'imp_1', row: 7, householdId: 'hh_201' },
      { id: 'imp_1', row: 19, householdId: null },
    ])
    expect(text(comp, '#import-row-19 .resolved')).toBe('不导入这一行')
    expect(attr(comp, '#commit-import', 'disabled')).toBe(false)
    await tap(comp, '#commit-import')
    expect(sentGroupbuy('commitOrderImport')).toEqual([{ id: 'imp_1' }])
    expect(comp.data.tab).toBe('chain')
    expect(text(comp, '#figures')).toBe('51 户接龙 · 180.00 元')
  })

  it('says what the import refused, from the function', async () => {
    organiser()
    sheets({
      importOrders: () => ({
        ok: false,
        code: 'FILE_UNREADABLE',
        message: '没有认出这个表格：请用快团团或群接龙导出的订单表',
      }),
    })
    spies.push(
      jest.spyOn(wx, 'chooseMessageFile').mockImplementation(((o: WechatMiniprogram.ChooseMessageFileOption) =>
        o.success?.({
          tempFiles: [{ name: 'a.xlsx', path: 'wxfile://tmp_a', size: 10, time: 0, type: 'file' }],
          errMsg: 'ok',
        })) as never),
    )
    const comp = mount(PAGE, { id: 'buy_1' })
    await settleAll()
    await tap(comp, '#tab-import')
    await tap(comp, '#choose-import')
    expect(text(comp, '#import-error')).toBe('没有认出这个表格：请用快团团或群接龙导出的订单表')
  })
})
