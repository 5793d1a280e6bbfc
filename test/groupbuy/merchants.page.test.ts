import { committeeRole, community, me, ok } from '../support/pages/fixtures'
import { complaintView, groupbuy, merchantView, sentGroupbuy, type GroupbuyHandlers } from '../support/pages/groupbuy'
import { find, mount, settleAll, tap, text, texts } from '../support/pages/harness'

const PAGE = 'packageGroupbuy/pages/merchants'
const q = { communityId: 'c_sunny' }

function modals(...answers: { confirm: boolean; content?: string }[]) {
  return jest.spyOn(wx, 'showModal').mockImplementation(((opts: WechatMiniprogram.ShowModalOption) => {
    const a = answers.shift() ?? { confirm: true }
    opts.success?.({ confirm: a.confirm, cancel: !a.confirm, content: a.content ?? '', errMsg: 'showModal:ok' })
  }) as never)
}

const approved = merchantView({
  id: 'm_ok',
  shopName: '山里人家',
  status: 'approved',
  approvedAt: '2026-11-20T02:00:00.000Z',
  complaints: { total: 2, open: 1 },
})

function committee(handlers: GroupbuyHandlers = {}) {
  community({ whoami: () => ok(me({ roles: [committeeRole] })) })
  groupbuy({
    listMerchants: (p) =>
      ok(
        p.status === 'approved'
          ? [approved]
          : p.status === 'pending'
            ? [merchantView({ note: '健康证另一张下周补' })]
            : [],
      ),
    decideMerchant: (p) =>
      ok(merchantView({ id: p.merchantId, status: p.decision === 'approve' ? 'approved' : 'rejected' })),
    listComplaints: () =>
      ok([
        complaintView({ photos: ['https://test-env.tcb.qcloud.la/complaints/c_sunny/o_res/a.jpg?sign=z'] }),
        complaintView({
          id: 'cp_2',
          kind: 'spoiled',
          note: '草莓烂了一半',
          status: 'handled',
          handledAt: '2026-11-27T01:00:00.000Z',
          handledNote: '商家已退款',
        }),
      ]),
    handleComplaint: (p) =>
      ok(complaintView({ id: p.id, status: 'handled', handledNote: p.note, handledAt: '2026-11-27T02:00:00.000Z' })),
    ...handlers,
  })
}

describe('merchant vetting', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('shows a pending application with its photos, note and history; photos open large', async () => {
    committee()
    const preview = jest.spyOn(wx, 'previewImage').mockImplementation((() => undefined) as never)
    spies.push(preview)
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sentGroupbuy('listMerchants')).toEqual([{ communityId: 'c_sunny', status: 'pending' }])
    expect(text(comp, '#merchant-m_fresh .shop')).toBe('鲜丰果蔬')
    expect(text(comp, '#merchant-m_fresh .detail')).toBe('陈立 · 13900001111 · 蔬菜、水果、鸡蛋')
    expect(text(comp, '#merchant-m_fresh .merchant-note')).toBe('备注：健康证另一张下周补')
    expect(texts(comp, '#merchant-m_fresh .photo-label')).toEqual(['营业执照', '食品经营许可证', '健康证'])
    expect(texts(comp, '#merchant-m_fresh .history')).toEqual(['11月22日 10:00 待审核 · 商家'])
    expect(texts(comp, '#merchant-m_fresh .decide')).toEqual(['通过', '不通过'])
    await tap(comp, '#merchant-m_fresh .photo-img')
    expect(preview).toHaveBeenCalledWith({
      urls: [
        'https://test-env.tcb.qcloud.la/merchants/c_sunny/o_shop/licence.jpg?sign=a',
        'https://test-env.tcb.qcloud.la/merchants/c_sunny/o_shop/food.jpg?sign=b',
        'https://test-env.tcb.qcloud.la/merchants/c_sunny/o_shop/health.jpg?sign=c',
      ],
      current: 'https://test-env.tcb.qcloud.la/merchants/c_sunny/o_shop/licence.jpg?sign=a',
    })
  })

  it('approves with the default reason when none is written, and the shop leaves the pending list', async () => {
    committee()
    spies.push(modals({ confirm: true, content: '' }))
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#merchant-m_fresh .decide-approve')
    expect(sentGroupbuy('decideMerchant')).toEqual([
      { merchantId: 'm_fresh', decision: 'approve', reason: '证照齐全，准予入驻' },
    ])
    expect(find(comp, '#merchant-m_fresh')).toBeUndefined()
    expect(text(comp, '#empty')).toContain('没有待审核的申请')
  })

  it('rejects only with a reason', async () => {
    committee()
    spies.push(modals({ confirm: true, content: ' ' }, { confirm: true }, { confirm: true, content: '健康证过期' }))
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#merchant-m_fresh .decide-reject')
    expect(sentGroupbuy('decideMerchant')).toEqual([])
    await tap(comp, '#merchant-m_fresh .decide-reject')
    expect(sentGroupbuy('decideMerchant')).toEqual([
      { merchantId: 'm_fresh', decision: 'reject', reason: '健康证过期' },
    ])
  })

  it('suspends an approved shop after a reason and a confirmation', async () => {
    committee()
    const modal = modals({ confirm: true, content: '多次短斤少两' }, { confirm: true })
    spies.push(modal)
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#tab-approved')
    expect(sentGroupbuy('listMerchants').at(-1)).toEqual({ communityId: 'c_sunny', status: 'approved' })
    expect(texts(comp, '#merchant-m_ok .decide')).toEqual(['暂停'])
    expect(text(comp, '#merchant-m_ok .complaints')).toBe('投诉 2 条，1 条未处理')
    await tap(comp, '#merchant-m_ok .decide-suspend')
    expect(modal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '暂停商家' }))
    expect(sentGroupbuy('decideMerchant')).toEqual([
      { merchantId: 'm_ok', decision: 'suspend', reason: '多次短斤少两' },
    ])
  })

  it('shows a shop’s complaints and marks one handled with a note', async () => {
    committee()
    spies.push(modals({ confirm: true, content: '商家已补发一袋' }))
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#tab-approved')
    await tap(comp, '#merchant-m_ok .show-complaints')
    expect(sentGroupbuy('listComplaints')).toEqual([{ communityId: 'c_sunny', merchantId: 'm_ok', status: 'all' }])
    expect(texts(comp, '.complaint-head')).toEqual([
      '12-201 · 短斤少两 · 周末蔬菜鸡蛋团',
      '12-201 · 变质 · 周末蔬菜鸡蛋团',
    ])
    expect(comp.querySelectorAll('#complaint-cp_1 .complaint-photo')).toHaveLength(1)
    expect(text(comp, '#complaint-cp_2 .handled-note')).toBe('处理：商家已退款（11月27日 09:00）')
    expect(find(comp, '#complaint-cp_2 .handle')).toBeUndefined()
    await tap(comp, '#complaint-cp_1 .handle')
    expect(sentGroupbuy('handleComplaint')).toEqual([{ id: 'cp_1', note: '商家已补发一袋' }])
    expect(text(comp, '#complaint-cp_1 .complaint-status')).toContain('已处理')
    expect(find(comp, '#complaint-cp_1 .handle')).toBeUndefined()
  })

  it('shares an invitation that opens this community’s application page', async () => {
    committee()
    const comp = mount(PAGE, q)
    await settleAll()
    const card = (comp.instance as unknown as { onShareAppMessage(): Record<string, string> }).onShareAppMessage()
    expect(card.path).toBe('/packageGroupbuy/pages/merchant?communityId=c_sunny')
    expect(card.imageUrl).toBe('/images/share.png')
  })

  it('pages a long list 20 shops at a time', async () => {
    committee({
      listMerchants: () =>
        ok(Array.from({ length: 45 }, (_, i) => merchantView({ id: `m_${i}`, shopName: `商家${i}` }))),
    })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(comp.querySelectorAll('.merchant')).toHaveLength(20)
    await tap(comp, '#more')
    await tap(comp, '#more')
    expect(comp.querySelectorAll('.merchant')).toHaveLength(45)
    expect(find(comp, '#more')).toBeUndefined()
  })
})
