// 我家的物资: where the bag is, when it reached the door, 我已收到 and 有问题.
import { community, fail, household201, me, ok, residentRole } from '../support/pages/fixtures'
import { DELIVERY_ID, delivery, householdDelivery, problemView, sentDelivery } from '../support/pages/delivery'
import { fakeCloud, find, mount, settleAll, tap, text } from '../support/pages/harness'

const PAGE = 'packageDelivery/pages/mine'
const q = { household: 'hh_201' }

function household(handlers: Parameters<typeof delivery>[0] = {}) {
  community({ whoami: () => ok(me({ openid: 'o_res', roles: [residentRole], households: [household201] })) })
  delivery({
    householdDeliveries: () =>
      ok([
        householdDelivery(),
        householdDelivery({
          deliveryId: 'dl_0',
          title: '蔬菜团',
          stage: 'done',
          status: 'received',
          where: '已签收',
          received: { at: '2026-11-20T10:00:00.000Z', byName: '王*明', auto: true },
        }),
      ]),
    ...handlers,
  })
}

describe('my household’s deliveries', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('shows where each bag is and when it reached the door', async () => {
    household()
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sentDelivery('householdDeliveries')).toEqual([{ householdId: 'hh_201' }])
    expect(text(comp, `#delivery-${DELIVERY_ID} .where`)).toBe('已送到门口')
    expect(text(comp, `#delivery-${DELIVERY_ID} .delivered`)).toBe('已送到门口 14:32')
    expect(find(comp, `#delivery-${DELIVERY_ID} .confirm`)).toBeDefined()
    expect(text(comp, '#delivery-dl_0 .received')).toBe('已自动签收 11月20日 18:00')
    expect(find(comp, '#delivery-dl_0 .confirm')).toBeUndefined()
  })

  it('confirms receipt with 我已收到', async () => {
    household({
      confirmReceived: () =>
        ok(
          householdDelivery({
            status: 'received',
            where: '已签收',
            received: { at: '2026-11-24T07:00:00.000Z', byName: '王*明', auto: false },
          }),
        ),
    })
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, `#delivery-${DELIVERY_ID} .confirm`)
    expect(sentDelivery('confirmReceived')).toEqual([{ deliveryId: DELIVERY_ID, householdId: 'hh_201' }])
    expect(text(comp, `#delivery-${DELIVERY_ID} .received`)).toBe('已签收 11月24日 15:00 · 王*明')
    expect(find(comp, `#delivery-${DELIVERY_ID} .confirm`)).toBeUndefined()
  })

  it('reports a problem with the household’s bag, a photo uploaded under delivery/<community>/<openid>/', async () => {
    household({ reportProblem: (p) => ok(problemView({ kind: p.kind })) })
    spies.push(
      jest
        .spyOn(wx, 'showActionSheet')
        .mockImplementation(((o: WechatMiniprogram.ShowActionSheetOption) =>
          o.success?.({ tapIndex: 1, errMsg: 'showActionSheet:ok' })) as never),
      jest.spyOn(wx, 'showModal').mockImplementation(((o: WechatMiniprogram.ShowModalOption) =>
        o.success?.({
          confirm: true,
          cancel: false,
          content: o.editable ? '少了一袋米' : '',
          errMsg: 'ok',
        })) as never),
      jest.spyOn(wx, 'chooseMedia').mockImplementation(((o: WechatMiniprogram.ChooseMediaOption) =>
        o.success?.({
          tempFiles: [{ tempFilePath: 'wxfile://tmp_bag.jpg', size: 1000, fileType: 'image' }],
          type: 'image',
          errMsg: 'chooseMedia:ok',
        } as never)) as never),
      jest
        .spyOn(wx, 'compressImage')
        .mockImplementation(((o: WechatMiniprogram.CompressImageOption) =>
          o.success?.({ tempFilePath: o.src, errMsg: 'compressImage:ok' })) as never),
      jest.spyOn(wx, 'getFileSystemManager').mockReturnValue({
        getFileInfo: (o: WechatMiniprogram.GetFileInfoOption) =>
          o.success?.({ size: 1024, digest: '', errMsg: 'ok' } as never),
      } as never),
    )
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, `#delivery-${DELIVERY_ID} .problem`)
    const [upload] = fakeCloud.uploads
    expect(upload?.cloudPath).toMatch(/^delivery\/c_sunny\/o_res\/problem-[^/]+\.jpg$/)
    expect(sentDelivery('reportProblem')).toEqual([
      {
        deliveryId: DELIVERY_ID,
        stopId: `${DELIVERY_ID}:hh_201`,
        kind: 'missing',
        note: '少了一袋米',
        photo: `cloud://test-env.test-env-bucket/${upload?.cloudPath}`,
        requestId: expect.stringMatching(/^r/),
      },
    ])
  })

  it('says when nothing was delivered yet, and shows a load error with 重试', async () => {
    household({ householdDeliveries: () => ok([]) })
    let comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#empty')).toContain('还没有配送到您家的物资')
    household({ householdDeliveries: () => fail('FORBIDDEN', '您不是这户的成员') })
    comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#error')).toContain('您不是这户的成员')
  })
})
