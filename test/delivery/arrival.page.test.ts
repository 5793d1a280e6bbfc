// 登记到货: two huge buttons, a note when short, an optional photo uploaded under delivery/<community>/<openid>/.
import { committeeRole, community, fail, me, ok } from '../support/pages/fixtures'
import { boardView, DELIVERY_ID, delivery, sentDelivery, summary } from '../support/pages/delivery'
import { fakeCloud, find, mount, settleAll, tap, text, type } from '../support/pages/harness'

const PAGE = 'packageDelivery/pages/arrival'
const q = { id: DELIVERY_ID }

function camera() {
  return [
    jest.spyOn(wx, 'chooseMedia').mockImplementation(((o: WechatMiniprogram.ChooseMediaOption) => {
      o.success?.({
        tempFiles: [{ tempFilePath: 'wxfile://tmp_gate.jpg', size: 1000, fileType: 'image' }],
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

function committee(recordArrival = () => ok(boardView({ delivery: summary({ stage: 'resting' }) }))) {
  community({ whoami: () => ok(me({ openid: 'o_cmt', roles: [committeeRole] })) })
  delivery({
    board: () => ok(boardView({ delivery: summary({ stage: 'awaiting' }), arrival: undefined })),
    recordArrival,
  })
}

describe('arrival', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('records 数量齐全 in one tap and goes back', async () => {
    committee()
    const back = jest.spyOn(wx, 'navigateBack')
    spies.push(back)
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#title')).toBe('大米发放（每户10公斤）')
    await tap(comp, '#full')
    expect(sentDelivery('recordArrival')).toEqual([{ deliveryId: DELIVERY_ID, check: 'full' }])
    expect(back).toHaveBeenCalled()
  })

  it('asks what is short before recording 数量不足, with the photo uploaded under delivery/<community>/<openid>/', async () => {
    committee()
    spies.push(...camera(), jest.spyOn(wx, 'navigateBack'))
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#add-photo')
    expect(find(comp, '#photo')).toBeDefined()
    await tap(comp, '#short')
    await tap(comp, '#submit-short')
    expect(text(comp, '#form-error')).toBe('请写明少了什么，如「少了 20 袋米」')
    expect(sentDelivery('recordArrival')).toEqual([])
    await type(comp, '少了 20 袋米', '#note')
    await tap(comp, '#submit-short')
    const [upload] = fakeCloud.uploads
    expect(upload?.cloudPath).toMatch(/^delivery\/c_sunny\/o_cmt\/arrival-[^/]+\.jpg$/)
    expect(sentDelivery('recordArrival')).toEqual([
      {
        deliveryId: DELIVERY_ID,
        check: 'short',
        note: '少了 20 袋米',
        photo: `cloud://test-env.test-env-bucket/${upload?.cloudPath}`,
      },
    ])
  })

  it('says when the photo did not upload, and records nothing', async () => {
    committee()
    spies.push(...camera())
    fakeCloud.failUploads = true
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#add-photo')
    await tap(comp, '#full')
    expect(text(comp, '#form-error')).toBe('照片没有上传成功，请检查网络后再试')
    expect(sentDelivery('recordArrival')).toEqual([])
  })

  it('shows a refusal in a dialog and stays on the page', async () => {
    committee(() => fail('FORBIDDEN', '只有居委、团长和运输志愿者可以登记到货'))
    const modal = jest.spyOn(wx, 'showModal')
    const back = jest.spyOn(wx, 'navigateBack')
    spies.push(modal, back)
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#full')
    expect(modal).toHaveBeenCalledWith(expect.objectContaining({ content: '只有居委、团长和运输志愿者可以登记到货' }))
    expect(back).not.toHaveBeenCalled()
  })
})
