import type { MerchantView } from '../../typings/api'
import { community, fail, household201, me, ok, residentRole } from '../support/pages/fixtures'
import { buyView, groupbuy, merchantView, sentGroupbuy, type GroupbuyHandlers } from '../support/pages/groupbuy'
import { fakeCloud, find, mount, settleAll, tap, text, texts, type, type Mounted } from '../support/pages/harness'

const PAGE = 'packageGroupbuy/pages/merchant'
const q = { communityId: 'c_sunny' }

function album() {
  let n = 0
  return [
    jest.spyOn(wx, 'chooseMedia').mockImplementation(((o: WechatMiniprogram.ChooseMediaOption) => {
      n++
      o.success?.({
        tempFiles: [{ tempFilePath: `wxfile://tmp_${n}.jpg`, size: 1000, fileType: 'image' }],
        type: 'image',
        errMsg: 'chooseMedia:ok',
      } as never)
    }) as never),
    jest.spyOn(wx, 'compressImage').mockImplementation(((o: WechatMiniprogram.CompressImageOption) => {
      o.success?.({ tempFilePath: o.src, errMsg: 'compressImage:ok' })
    }) as never),
    jest.spyOn(wx, 'getFileSystemManager').mockReturnValue({
      getFileInfo: (o: WechatMiniprogram.GetFileInfoOption) =>
        o.success?.({ size: 300 * 1024, digest: '', errMsg: 'ok' } as never),
    } as never),
  ]
}

function shop(mine: MerchantView | null, handlers: GroupbuyHandlers = {}) {
  community({ whoami: () => ok(me({ openid: 'o_shop', roles: [residentRole], households: [household201] })) })
  groupbuy({ myMerchant: () => ok(mine), ...handlers })
}

async function fill(comp: Mounted) {
  await type(comp, '鲜丰果蔬', '#shopName')
  await type(comp, '陈立', '#contactName')
  await type(comp, '13900001111', '#phone')
  await type(comp, '蔬菜、水果、鸡蛋', '#goods')
  for (const kind of ['licence', 'foodPermit', 'healthCerts']) await tap(comp, `#photos-${kind} .photo-add`)
  await tap(comp, '#agree')
}

describe('merchant application', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('explains why the licences are asked for and who sees them, and refuses an incomplete application', async () => {
    shop(null)
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sentGroupbuy('myMerchant')).toEqual([{ communityId: 'c_sunny' }])
    expect(text(comp, '#why')).toContain('谁能看到：证照照片和您的电话只有本小区居委和您自己能看到')
    expect(texts(comp, '.photo-title')).toEqual(['营业执照', '食品经营许可证', '从业人员健康证'])
    await tap(comp, '#submit')
    expect(text(comp, '#form-error')).toBe('还有 8 处没有填好，请看红色提示')
    expect(texts(comp, '.photo-error')).toEqual([
      '请上传营业执照照片',
      '请上传食品经营许可证；不卖食品的请在备注中说明',
      '请上传至少一张从业人员健康证',
    ])
    expect(text(comp, '#agree-error')).toBe('请确认信息真实并同意居委查看')
    expect(sentGroupbuy('applyMerchant')).toEqual([])
    expect(fakeCloud.uploads).toEqual([])
  })

  it('uploads each photo under merchants/<community>/<openid>/ and applies, then shows the standing', async () => {
    shop(null, {
      applyMerchant: (p) => ok(merchantView({ shopName: p.shopName, licence: p.licence, status: 'pending' })),
    })
    spies.push(...album())
    const comp = mount(PAGE, q)
    await settleAll()
    await fill(comp)
    await type(comp, '健康证两张，另一位下周补', '#note')
    await tap(comp, '#submit')
    const paths = fakeCloud.uploads.map((u) => u.cloudPath)
    expect(paths).toEqual([
      expect.stringMatching(/^merchants\/c_sunny\/o_shop\/licence-[^/]+\.jpg$/),
      expect.stringMatching(/^merchants\/c_sunny\/o_shop\/foodPermit-[^/]+\.jpg$/),
      expect.stringMatching(/^merchants\/c_sunny\/o_shop\/healthCerts-[^/]+\.jpg$/),
    ])
    const id = (p: string) => `cloud://test-env.test-env-bucket/${p}`
    expect(sentGroupbuy('applyMerchant')).toEqual([
      {
        communityId: 'c_sunny',
        shopName: '鲜丰果蔬',
        contactName: '陈立',
        phone: '13900001111',
        goods: '蔬菜、水果、鸡蛋',
        licence: [id(paths[0]!)],
        foodPermit: [id(paths[1]!)],
        healthCerts: [id(paths[2]!)],
        note: '健康证两张，另一位下周补',
      },
    ])
    expect(find(comp, '#apply')).toBeUndefined()
    expect(text(comp, '#merchant-status')).toBe('待审核')
    expect(text(comp, '#merchant-next')).toBe('居委审核后会微信通知您（请允许通知）。')
  })

  it('takes a shop without a food permit when the note says why', async () => {
    shop(null, { applyMerchant: () => ok(merchantView()) })
    spies.push(...album())
    const comp = mount(PAGE, q)
    await settleAll()
    await type(comp, '好邻居日用', '#shopName')
    await type(comp, '周敏', '#contactName')
    await type(comp, '13600002222', '#phone')
    await type(comp, '日用品', '#goods')
    await tap(comp, '#photos-licence .photo-add')
    await tap(comp, '#photos-healthCerts .photo-add')
    await tap(comp, '#agree')
    await tap(comp, '#submit')
    expect(text(comp, '#photos-foodPermit .photo-error')).toBe('请上传食品经营许可证；不卖食品的请在备注中说明')
    await type(comp, '只卖日用品，不卖食品', '#note')
    await tap(comp, '#submit')
    expect(sentGroupbuy('applyMerchant')[0]).toMatchObject({ foodPermit: [], note: '只卖日用品，不卖食品' })
  })

  it('shows a rejection with the committee’s reason and history, and lets the shop apply again', async () => {
    shop(
      merchantView({
        status: 'rejected',
        reason: '健康证已过期，请换新的',
        history: [
          { status: 'pending', at: '2026-11-22T02:00:00.000Z', byName: '商家' },
          { status: 'rejected', reason: '健康证已过期，请换新的', at: '2026-11-22T06:30:00.000Z', byName: '居委 张敏' },
        ],
      }),
    )
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#merchant-status')).toBe('未通过')
    expect(text(comp, '#merchant-reason')).toBe('居委的意见：健康证已过期，请换新的')
    expect(texts(comp, '.history')).toEqual([
      '11月22日 14:30 未通过 · 居委 张敏：健康证已过期，请换新的',
      '11月22日 10:00 待审核 · 商家',
    ])
    expect(find(comp, '#apply')).toBeUndefined()
    await tap(comp, '#reapply')
    expect(find(comp, '#apply')).toBeDefined()
  })

  it('gives an approved shop its buys and 发起团购', async () => {
    shop(merchantView({ status: 'approved', approvedAt: '2026-11-23T01:00:00.000Z' }), {
      listBuys: () => ok({ buys: [buyView()] }),
    })
    const navigate = jest.spyOn(wx, 'navigateTo')
    spies.push(navigate)
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#merchant-status')).toBe('已准入')
    expect(sentGroupbuy('listBuys')).toEqual([{ communityId: 'c_sunny', status: 'all', limit: 20 }])
    expect(text(comp, '#buy-buy_1')).toContain('12 户接龙 · 180.00 元')
    await tap(comp, '#create')
    expect(navigate).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/packageGroupbuy/pages/edit?communityId=c_sunny&kind=sale&merchantId=m_fresh' }),
    )
    await tap(comp, '#buy-buy_1')
    expect(navigate).toHaveBeenCalledWith(expect.objectContaining({ url: '/packageGroupbuy/pages/manage?id=buy_1' }))
  })

  it('tells a suspended shop it cannot sell and why', async () => {
    shop(merchantView({ status: 'suspended', reason: '多次短斤少两' }))
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#merchant-status')).toBe('已暂停')
    expect(text(comp, '#merchant-reason')).toBe('居委的意见：多次短斤少两')
    expect(text(comp, '#merchant-next')).toContain('暂停期间不能开团')
    expect(find(comp, '#create')).toBeUndefined()
    expect(find(comp, '#reapply')).toBeUndefined()
  })

  it('shows the function’s refusal of a field on that field', async () => {
    shop(null, { applyMerchant: () => fail('INVALID_INPUT', '手机号不正确', 'phone') })
    spies.push(...album(), jest.spyOn(wx, 'showModal'))
    const comp = mount(PAGE, q)
    await settleAll()
    await fill(comp)
    await tap(comp, '#submit')
    expect(text(comp, '#apply')).toContain('手机号不正确')
  })
})
