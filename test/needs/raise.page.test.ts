// 登记需求: big buttons for type and urgency, the member, drugs and a photo for 买药, the reason and time for 外出;
// what is missing is said on the page and nothing is sent; one request id across retries.
import { community, fail, household201, householdView, me, ok, residentRole } from '../support/pages/fixtures'
import { needsCloud, needView, sentNeeds } from '../support/pages/needs'
import { fakeCloud, find, fire, mount, settleAll, tap, text, type } from '../support/pages/harness'

const PAGE = 'packageNeeds/pages/raise'

function resident(raiseNeed = () => ok(needView())) {
  community({
    whoami: () => ok(me({ openid: 'o_res', roles: [residentRole], households: [household201] })),
    myHousehold: () => ok(householdView()),
  })
  needsCloud({ raiseNeed })
}

describe('registering a need', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('says what is missing, sends nothing, then registers groceries for one member and opens the list', async () => {
    resident()
    const redirect = jest.spyOn(wx, 'redirectTo')
    spies.push(redirect)
    const comp = mount(PAGE, { household: 'hh_201' })
    await settleAll()
    expect(text(comp, '.household')).toBe('为 12-201 登记')
    await tap(comp, '#submit')
    expect(text(comp, '#field-error')).toBe('请先选择需要什么帮助')
    await tap(comp, '#type-groceries')
    await tap(comp, '#submit')
    expect(text(comp, '#field-error')).toBe('请写一句需要什么帮助')
    expect(sentNeeds('raiseNeed')).toEqual([])
    await tap(comp, '#member-m_1')
    await type(comp, '两斤青菜、一盒鸡蛋', '#detail')
    await tap(comp, '#urgency-soon')
    await tap(comp, '#submit')
    const [sent] = sentNeeds('raiseNeed')
    expect(sent).toMatchObject({
      householdId: 'hh_201',
      type: 'groceries',
      urgency: 'soon',
      detail: '两斤青菜、一盒鸡蛋',
    })
    expect(sent?.memberId).toBe('m_1')
    expect(sent?.requestId).toMatch(/^need[0-9a-z]{8,}$/)
    expect(redirect).toHaveBeenCalledWith(expect.objectContaining({ url: '/packageNeeds/pages/mine?household=hh_201' }))
  })

  it('registers medicine with the drug names and the box photo uploaded under needs/<community>/<household>/', async () => {
    resident()
    spies.push(
      jest.spyOn(wx, 'redirectTo'),
      jest.spyOn(wx, 'chooseMedia').mockImplementation(((o: WechatMiniprogram.ChooseMediaOption) =>
        o.success?.({
          tempFiles: [{ tempFilePath: 'wxfile://tmp_box.jpg', size: 1000, fileType: 'image' }],
          type: 'image',
          errMsg: 'chooseMedia:ok',
        } as never)) as never),
      jest
        .spyOn(wx, 'compressImage')
        .mockImplementation(((o: WechatMiniprogram.CompressImageOption) =>
          o.success?.({ tempFilePath: o.src, errMsg: 'compressImage:ok' })) as never),
      jest.spyOn(wx, 'getFileSystemManager').mockReturnValue({
        getFileInfo: (o: WechatMiniprogram.GetFileInfoOption) =>
          o.success?.({ size: 1000, digest: '', errMsg: 'ok' } as never),
      } as never),
    )
    const comp = mount(PAGE, { household: 'hh_201' })
    await settleAll()
    await tap(comp, '#type-medicine')
    await tap(comp, '#submit')
    expect(text(comp, '#field-error')).toBe('请写要买的药品名称，多种药用顿号隔开')
    await type(comp, '布洛芬、 氨氯地平，', '#medicines')
    await tap(comp, '#photo')
    expect(find(comp, '.photo')).toBeDefined()
    await tap(comp, '#urgency-urgent')
    await tap(comp, '#submit')
    const [upload] = fakeCloud.uploads
    expect(upload?.cloudPath).toMatch(/^needs\/c_sunny\/hh_201\/[^/]+\.jpg$/)
    expect(sentNeeds('raiseNeed')).toEqual([
      expect.objectContaining({
        type: 'medicine',
        urgency: 'urgent',
        medicine: { names: ['布洛芬', '氨氯地平'], photo: `cloud://test-env.test-env-bucket/${upload?.cloudPath}` },
      }),
    ])
  })

  it('registers going out with its reason and time, and keeps one request id when the network fails', async () => {
    let n = 0
    resident(() => (n++ === 0 ? fail('NETWORK', '网络不太好，请检查网络后再试') : ok(needView({ type: 'outing' }))))
    spies.push(jest.spyOn(wx, 'redirectTo'), jest.spyOn(wx, 'showModal').mockImplementation((() => undefined) as never))
    const comp = mount(PAGE, { household: 'hh_201' })
    await settleAll()
    await tap(comp, '#type-outing')
    await tap(comp, '#submit')
    expect(text(comp, '#field-error')).toBe('请写外出的原因')
    await type(comp, '去医院透析', '#outing-reason')
    await fire(comp, 'change', { value: '2026-11-25' }, '#outing-day')
    await fire(comp, 'change', { value: '08:30' }, '#outing-time')
    await tap(comp, '#submit')
    // The page sends again after 0.6 s (a lost reply), with the same request id.
    await new Promise((resolve) => setTimeout(resolve, 700))
    await settleAll()
    const sent = sentNeeds('raiseNeed')
    expect(sent.length).toBeGreaterThanOrEqual(2)
    expect(new Set(sent.map((s) => s.requestId)).size).toBe(1)
    expect(sent[0]?.outing).toEqual({ reason: '去医院透析', at: '2026-11-25T08:30:00+08:00' })
  })
})
