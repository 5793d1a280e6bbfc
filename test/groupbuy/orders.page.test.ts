import { community, household201, me, ok, residentRole } from '../support/pages/fixtures'
import { complaintView, groupbuy, orderView, sentGroupbuy } from '../support/pages/groupbuy'
import { fakeCloud, find, fire, mount, settleAll, tap, text, texts, type } from '../support/pages/harness'

const PAGE = 'packageGroupbuy/pages/orders'
const q = { communityId: 'c_sunny' }

const closedPaid = orderView({
  buyId: 'buy_9',
  buyTitle: '上周水果团',
  buyStatus: 'closed',
  no: 5,
  editable: false,
  payment: {
    status: 'partRefunded',
    method: 'wechat',
    paid: 2900,
    paidAt: '2026-11-20T03:00:00.000Z',
    markedBy: '陈*',
    refunds: [{ amount: 850, reason: '土豆缺货', at: '2026-11-21T02:00:00.000Z', byName: '陈*' }],
    refundDue: 300,
  },
})

/** The album answers with the photos given; compression keeps the path; each is small. */
function album(paths: string[]) {
  return [
    jest.spyOn(wx, 'chooseMedia').mockImplementation(((o: WechatMiniprogram.ChooseMediaOption) => {
      o.success?.({
        tempFiles: paths.slice(0, o.count).map((p) => ({ tempFilePath: p, size: 1000, fileType: 'image' })),
        type: 'image',
        errMsg: 'chooseMedia:ok',
      } as never)
    }) as never),
    jest.spyOn(wx, 'compressImage').mockImplementation(((o: WechatMiniprogram.CompressImageOption) => {
      o.success?.({ tempFilePath: o.src, errMsg: 'compressImage:ok' })
    }) as never),
    jest.spyOn(wx, 'getFileSystemManager').mockReturnValue({
      getFileInfo: (o: WechatMiniprogram.GetFileInfoOption) =>
        o.success?.({ size: 200 * 1024, digest: '', errMsg: 'ok' } as never),
    } as never),
  ]
}

function resident() {
  community({ whoami: () => ok(me({ openid: 'o_res', roles: [residentRole], households: [household201] })) })
  groupbuy({
    myOrders: (p) =>
      ok(
        p.cursor
          ? {
              orders: [
                orderView({ buyId: 'buy_old', buyTitle: '十月米面团', buyStatus: 'closed', shopName: undefined }),
              ],
            }
          : {
              orders: [
                orderView({ proxy: true, placedBy: '李*', householdId: 'hh_301', label: '3-301' }),
                closedPaid,
                orderView({ buyId: 'buy_8', buyTitle: '取消的团', buyStatus: 'cancelled', status: 'cancelled', no: 2 }),
              ],
              cursor: 'next',
            },
      ),
    fileComplaint: (p) => ok(complaintView({ kind: p.kind, note: p.note, photos: p.photos ?? [] })),
  })
}

describe('my orders', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('lists each order with its number, lines, payment, refunds and who placed it', async () => {
    resident()
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sentGroupbuy('myOrders')).toEqual([{ communityId: 'c_sunny', limit: 20 }])
    expect(texts(comp, '.order-title')).toEqual(['周末蔬菜鸡蛋团', '上周水果团', '取消的团'])
    const first = '#order-buy_1-hh_301'
    expect(text(comp, `${first} .order-state`)).toBe('已接龙 · 第 12 号')
    expect(text(comp, `${first} .order-lines`)).toBe('土豆 2袋、鸡蛋 1箱')
    expect(text(comp, `${first} .order-total`)).toBe('合计 29.00 元')
    expect(text(comp, `${first} .payment`)).toBe('未付款')
    expect(text(comp, first)).toContain('由 李* 代下单')

    const paid = '#order-buy_9-hh_201'
    expect(text(comp, `${paid} .payment`)).toBe('部分退款 · 已付 29.00 元（微信转账）')
    expect(texts(comp, `${paid} .refund`)).toEqual(['退款 8.50 元 · 土豆缺货 · 11月21日 10:00'])
    expect(text(comp, `${paid} .refund-due`)).toBe('应退 3.00 元，请等商家或组织者退回')

    expect(text(comp, '#order-buy_8-hh_201 .order-state')).toBe('已取消（第 2 号）')
    expect(find(comp, '#order-buy_8-hh_201 .order-total')).toBeUndefined()

    // 投诉 only on a closed buy of a shop.
    expect(find(comp, `${paid} .complain`)).toBeDefined()
    expect(find(comp, `${first} .complain`)).toBeUndefined()
    expect(find(comp, '#order-buy_8-hh_201 .complain')).toBeUndefined()

    await tap(comp, '#more')
    expect(sentGroupbuy('myOrders').at(-1)).toEqual({ communityId: 'c_sunny', limit: 20, cursor: 'next' })
    expect(texts(comp, '.order-title')).toHaveLength(4)
    // A buy with no shop has nobody to complain about.
    expect(find(comp, '#order-buy_old-hh_201 .complain')).toBeUndefined()
  })

  it('files a complaint with a kind, a note and up to 3 photos uploaded under complaints/<community>/<openid>/', async () => {
    resident()
    spies.push(...album(['wxfile://tmp_a.jpg', 'wxfile://tmp_b.jpg', 'wxfile://tmp_c.jpg', 'wxfile://tmp_d.jpg']))
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#order-buy_9-hh_201 .complain')
    await tap(comp, '#send-complaint')
    expect(text(comp, '#complaint-error')).toBe('请选择是什么问题')
    await tap(comp, '#kind-short')
    await tap(comp, '#send-complaint')
    expect(text(comp, '#complaint-error')).toBe('请写一句发生了什么，如「少了一袋土豆」')
    await type(comp, ' 土豆一袋只有 2 斤 ', '#complaint-note')
    await tap(comp, '#add-photo')
    expect(comp.data.complaint.photos).toHaveLength(3)
    expect(find(comp, '#add-photo')).toBeUndefined()
    await tap(comp, '#complaint .photo-remove')
    expect(comp.data.complaint.photos).toEqual(['wxfile://tmp_b.jpg', 'wxfile://tmp_c.jpg'])
    await tap(comp, '#send-complaint')

    expect(fakeCloud.uploads.map((u) => u.cloudPath)).toEqual([
      expect.stringMatching(/^complaints\/c_sunny\/o_res\/hh_201-[^/]+\.jpg$/),
      expect.stringMatching(/^complaints\/c_sunny\/o_res\/hh_201-[^/]+\.jpg$/),
    ])
    expect(sentGroupbuy('fileComplaint')).toEqual([
      {
        buyId: 'buy_9',
        householdId: 'hh_201',
        kind: 'short',
        note: '土豆一袋只有 2 斤',
        photos: fakeCloud.uploads.map((u) => `cloud://test-env.test-env-bucket/${u.cloudPath}`),
      },
    ])
    expect(find(comp, '#complaint')).toBeUndefined()
    expect(text(comp, '#order-buy_9-hh_201 .complained')).toBe('已投诉，居委会跟进处理')
  })

  it('keeps the photos when an upload fails, and uploads only what is missing on the next try', async () => {
    resident()
    spies.push(...album(['wxfile://tmp_a.jpg']))
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#order-buy_9-hh_201 .complain')
    await tap(comp, '#kind-missing')
    await fire(comp, 'input', { value: '少了一盒牛奶' }, '#complaint-note')
    await tap(comp, '#add-photo')
    fakeCloud.failUploads = true
    await tap(comp, '#send-complaint')
    expect(text(comp, '#complaint-error')).toBe('照片没有上传成功，请检查网络后重新选择')
    expect(sentGroupbuy('fileComplaint')).toEqual([])
    fakeCloud.failUploads = false
    await tap(comp, '#send-complaint')
    expect(fakeCloud.uploads).toHaveLength(2)
    expect(sentGroupbuy('fileComplaint')).toHaveLength(1)
  })

  it('says so when there are no orders yet', async () => {
    community({ whoami: () => ok(me({ roles: [residentRole], households: [household201] })) })
    groupbuy({ myOrders: () => ok({ orders: [] }) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#empty')).toContain('还没有订单')
  })
})
