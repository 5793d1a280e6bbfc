// 我楼叫号: a resident's building in big letters (not yet, how many before it; called: go down), the subscription
// its push needs, and a lead's 本楼检测中 / 本楼检测完成.
import { community, fail, me, ok } from '../support/pages/fixtures'
import { callupCloud, SESSION_ID, sentCallup, turnView } from '../support/pages/callup'
import { find, mount, settleAll, tap, text, texts } from '../support/pages/harness'
import { TEMPLATE_IDS } from '../../miniprogram/shared/constants'

const PAGE = 'packageCallup/pages/turn'

describe('my building’s turn', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))
  beforeEach(() => community({ whoami: () => ok(me()) }))

  it('tells a resident how many buildings are before theirs, then to go down', async () => {
    let called = false
    callupCloud({
      myTurn: () =>
        ok([
          called
            ? turnView({ state: 'called', ahead: 0, message: '已叫到，请下楼', calledAt: '2026-12-03T01:20:00.000Z' })
            : turnView(),
        ]),
    })
    const comp = mount(PAGE, { sessionId: SESSION_ID })
    await settleAll()
    expect(text(comp, '#turn-b_12 .message')).toBe('还没叫到您楼，前面还有 5 栋')
    expect(text(comp, '#turn-b_12 .tag')).toBe('待叫号')
    expect(find(comp, '#turn-b_12 .done')).toBeUndefined()
    called = true
    ;(comp.instance as unknown as { load(): Promise<void> }).load()
    await settleAll()
    expect(text(comp, '#turn-b_12 .message')).toBe('已叫到，请下楼')
    expect(text(comp, '#turn-b_12 .called-at')).toBe('09:20 叫号')
    // A resident marks nothing.
    expect(find(comp, '#turn-b_12 .done')).toBeUndefined()
  })

  it('shows only the session a notice opened, and an empty state when nothing is running', async () => {
    callupCloud({
      myTurn: () => ok([turnView(), turnView({ sessionId: 'cu_2', buildingId: 'b_13', buildingName: '13号' })]),
    })
    const comp = mount(PAGE, { sessionId: 'cu_2' })
    await settleAll()
    expect(texts(comp, '.place').map((s) => s.split(' ')[0])).toEqual(['13号'])
    callupCloud({ myTurn: () => ok([]) })
    const empty = mount(PAGE, {})
    await settleAll()
    expect(text(empty, '#empty')).toContain('现在没有叫号')
  })

  it('lets a lead mark their building 检测中 and done with the number tested', async () => {
    callupCloud({
      myTurn: () => ok([turnView({ state: 'called', ahead: 0, message: '已叫到，请下楼', lead: true })]),
      mark: (p) => ok({ buildingId: p.buildingId, name: '12号', pos: 12, pointId: 'p1', state: p.state, calls: 1 }),
    })
    spies.push(
      jest.spyOn(wx, 'showModal').mockImplementation(((o: WechatMiniprogram.ShowModalOption) =>
        o.success?.({
          confirm: true,
          cancel: false,
          content: o.editable ? '41' : '',
          errMsg: 'showModal:ok',
        })) as never),
    )
    const comp = mount(PAGE, { sessionId: SESSION_ID })
    await settleAll()
    await tap(comp, '#turn-b_12 .started')
    await settleAll()
    await tap(comp, '#turn-b_12 .done')
    await settleAll()
    expect(sentCallup('mark')).toEqual([
      { sessionId: SESSION_ID, buildingId: 'b_12', state: 'testing' },
      { sessionId: SESSION_ID, buildingId: 'b_12', state: 'done', tested: 41 },
    ])
  })

  it('asks for the notice when called, in the tap', async () => {
    callupCloud({ myTurn: () => ok([turnView()]) })
    community({ whoami: () => ok(me()), recordSubscription: () => ok({ recorded: 1 } as never) })
    const ask = jest
      .spyOn(wx, 'requestSubscribeMessage')
      .mockImplementation(((o: WechatMiniprogram.RequestSubscribeMessageOption) =>
        o.success?.({ errMsg: 'requestSubscribeMessage:ok', [TEMPLATE_IDS.callup]: 'accept' } as never)) as never)
    spies.push(ask)
    const comp = mount(PAGE, {})
    await settleAll()
    await tap(comp, '#subscribe')
    await settleAll()
    expect(ask.mock.calls[0]?.[0].tmplIds).toEqual([TEMPLATE_IDS.callup])
    expect(text(comp, '#subscribe')).toBe('已开启：叫到本楼时通知我')
  })

  it('says what went wrong when the turn cannot load', async () => {
    callupCloud({ myTurn: () => fail('INTERNAL', '系统繁忙，请稍后再试') })
    const comp = mount(PAGE, {})
    await settleAll()
    expect(find(comp, '#error')).toBeDefined()
  })
})
