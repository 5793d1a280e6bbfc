// 叫号队列: every building in order with its state, who called it and how long it has waited; call the next one,
// the next N, a range by order picked by name, one building (tap it: also 重新叫号, 跳过, 完成); 结束叫号; the queue
// refreshes every 15 s while shown; a 营长 reads it without the controls.
import type { CallupCallResult } from '../../typings/api'
import { community, fail, me, ok, role } from '../support/pages/fixtures'
import { callupCloud, queueView, SESSION_ID, sentCallup, type CallupHandlers } from '../support/pages/callup'
import { find, fire, mount, setDataLog, settleAll, tap, text, texts } from '../support/pages/harness'

const PAGE = 'packageCallup/pages/queue'
const q = { sessionId: SESSION_ID }

function sees(handlers: CallupHandlers = {}) {
  community({ whoami: () => ok(me({ roles: [role({ role: 'committee' })] })) })
  callupCloud({ queue: () => ok(queueView()), ...handlers })
}

const result = (partial: Partial<CallupCallResult> = {}): CallupCallResult => ({
  callId: 'call_1',
  label: '6号',
  buildingIds: ['b_6'],
  skippedNames: [],
  queued: 11,
  queue: queueView(135, { next: [{ pointId: 'p1', buildingId: 'b_7', name: '7号', pos: 7 }] }),
  ...partial,
})

function answer(o: { confirm?: boolean; content?: string } = {}) {
  return ((opt: WechatMiniprogram.ShowModalOption) =>
    opt.success?.({
      confirm: o.confirm ?? true,
      cancel: !(o.confirm ?? true),
      content: opt.editable ? (o.content ?? '') : '',
      errMsg: 'showModal:ok',
    })) as never
}

describe('the call-up queue', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => {
    spies.splice(0).forEach((s) => s.mockRestore())
    jest.useRealTimers()
  })

  it('shows each building in order with its state, who called it, minutes waited, and the counts', async () => {
    sees()
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sentCallup('queue')).toEqual([{ sessionId: SESSION_ID }])
    expect(text(comp, '#counts')).toBe('已完成 1 · 已叫号 4 · 待叫号 130')
    expect(texts(comp, '.building-name').slice(0, 2)).toEqual(['第1栋 1号', '第2栋 2号'])
    expect(texts(comp, '.building-name')).toHaveLength(135)
    expect(text(comp, '#building-b_1 .state')).toBe('已叫号')
    expect(text(comp, '#building-b_1 .meta')).toBe('08:40 叫号 · 王*；已等 20 分钟')
    expect(text(comp, '#building-b_3 .meta')).toBe('08:40 叫号 · 王*；用时 12 分钟；08:52 完成 26 人 · 王*')
    expect(find(comp, '#building-b_9 .meta')).toBeUndefined()
    expect(text(comp, '#call-next')).toBe('叫下一栋：第6栋 6号')
    // 135 buildings in a few kilobytes a setData.
    expect(setDataLog.largest(PAGE)?.bytes).toBeLessThan(40_000)
  })

  it('calls the next building and says whom it told', async () => {
    sees({ call: () => ok(result()) })
    const modal = jest.spyOn(wx, 'showModal').mockImplementation(answer())
    spies.push(modal)
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#call-next')
    await settleAll()
    const [sent] = sentCallup('call')
    expect(sent).toEqual({
      sessionId: SESSION_ID,
      requestId: expect.stringMatching(/^ca[a-z0-9]{8,}$/),
      count: 1,
      pointId: 'p1',
    })
    expect(modal.mock.calls[0]?.[0]).toMatchObject({ title: '已叫号', content: '请 6号 楼居民下楼检测，已通知 11 人' })
    expect(text(comp, '#call-next')).toBe('叫下一栋：第7栋 7号')
  })

  it('calls the next N with the stepper, and a range by order picked by name', async () => {
    sees({ call: (p) => ok(result({ label: p.from ? '3号–27号' : '6号–12号' })) })
    spies.push(jest.spyOn(wx, 'showModal').mockImplementation(answer()))
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#more')
    await tap(comp, '#more')
    expect(text(comp, '#n')).toBe('7')
    await tap(comp, '#call-n')
    await settleAll()
    // Opened: the range starts at the first waiting building (第6栋) and takes ten.
    expect(text(comp, '#call-range')).toBe('叫 6号–15号（10 栋）')
    await fire(comp, 'change', { value: '2' }, '#from')
    await fire(comp, 'change', { value: '26' }, '#to')
    expect(text(comp, '#from .picker')).toBe('从 第3栋 3号')
    expect(text(comp, '#to .picker')).toBe('到 第27栋 27号')
    expect(text(comp, '#call-range')).toBe('叫 3号–27号（25 栋）')
    await tap(comp, '#call-range')
    await settleAll()
    expect(sentCallup('call').map(({ requestId: _, ...rest }) => rest)).toEqual([
      { sessionId: SESSION_ID, count: 7, pointId: 'p1' },
      { sessionId: SESSION_ID, from: 3, to: 27 },
    ])
  })

  it('a refused call is final: the next tap is a new attempt with a new request id', async () => {
    sees({ call: () => fail('NOTHING_TO_CALL', '这个采样点的楼栋都已叫过号了') })
    spies.push(jest.spyOn(wx, 'showModal').mockImplementation(answer()))
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#call-next')
    await settleAll()
    await tap(comp, '#call-next')
    await settleAll()
    const [a, b] = sentCallup('call')
    expect(a?.requestId).not.toBe(b?.requestId)
  })

  it('a building tapped offers what can be done with it: recall, 检测中, 完成, skip with a reason', async () => {
    sees({
      recall: () => ok(result({ label: '2号' })),
      skip: () => ok(queueView().buildings[1] as never),
    })
    spies.push(jest.spyOn(wx, 'showModal').mockImplementation(answer({ content: '有阳性封控' })))
    let pick = 0
    const sheet = jest
      .spyOn(wx, 'showActionSheet')
      .mockImplementation(((o: WechatMiniprogram.ShowActionSheetOption) =>
        o.success?.({ tapIndex: pick, errMsg: 'showActionSheet:ok' })) as never)
    spies.push(sheet)
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#building-b_2')
    await settleAll()
    expect(sheet.mock.calls[0]?.[0].itemList).toEqual([
      '重新叫号（再通知一次）',
      '检测中',
      '本楼检测完成',
      '跳过（写明原因）',
    ])
    expect(sentCallup('recall')).toEqual([{ sessionId: SESSION_ID, requestId: expect.any(String), buildingId: 'b_2' }])
    pick = 3
    await tap(comp, '#building-b_2')
    await settleAll()
    expect(sentCallup('skip')).toEqual([{ sessionId: SESSION_ID, buildingId: 'b_2', reason: '有阳性封控' }])
    // A waiting building: call it alone, or skip it. A done one: nothing to do.
    await tap(comp, '#building-b_9')
    expect(sheet.mock.calls[2]?.[0].itemList).toEqual(['叫这一栋', '跳过（写明原因）'])
    await tap(comp, '#building-b_3')
    expect(sheet.mock.calls).toHaveLength(3)
  })

  it('marks a building done with the number tested', async () => {
    sees({ mark: () => ok(queueView().buildings[0] as never) })
    spies.push(jest.spyOn(wx, 'showModal').mockImplementation(answer({ content: '32' })))
    spies.push(
      jest
        .spyOn(wx, 'showActionSheet')
        .mockImplementation(((o: WechatMiniprogram.ShowActionSheetOption) =>
          o.success?.({ tapIndex: 2, errMsg: 'showActionSheet:ok' })) as never),
    )
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#building-b_1')
    await settleAll()
    expect(sentCallup('mark')).toEqual([{ sessionId: SESSION_ID, buildingId: 'b_1', state: 'done', tested: 32 }])
  })

  it('ends the session after a confirmation', async () => {
    sees({ endSession: () => ok(queueView().session) })
    const modal = jest.spyOn(wx, 'showModal').mockImplementation(answer())
    spies.push(modal)
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#end')
    await settleAll()
    expect(modal.mock.calls[0]?.[0].content).toContain('30 天')
    expect(sentCallup('endSession')).toEqual([{ sessionId: SESSION_ID }])
  })

  it('shows a 营长 their buildings without the controls', async () => {
    sees({ queue: () => ok(queueView(20, { can: { end: false, call: false, pointIds: [], mark: false } })) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(find(comp, '#controls')).toBeUndefined()
    expect(find(comp, '#end')).toBeUndefined()
    expect(texts(comp, '.building-name')).toHaveLength(20)
  })

  it('refreshes every 15 seconds while shown, not while hidden', async () => {
    jest.useFakeTimers({
      doNotFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'nextTick', 'queueMicrotask', 'Date'],
    })
    let n = 0
    sees({
      queue: () => {
        n++
        return ok(queueView(135, { counts: { waiting: 130 - n, called: 4, testing: 0, done: 1, skipped: 0 } }))
      },
    })
    const comp = mount(PAGE, q)
    const page = comp.instance as { onShow(): void; onHide(): void }
    page.onShow()
    await settleAll()
    expect(n).toBe(1)
    jest.advanceTimersByTime(15_000)
    await settleAll()
    expect(n).toBe(2)
    expect(text(comp, '#counts')).toBe('已完成 1 · 已叫号 4 · 待叫号 128')
    page.onHide()
    jest.advanceTimersByTime(60_000)
    await settleAll()
    expect(n).toBe(2)
  })

  it('says what to do when opened without a session', async () => {
    sees()
    const comp = mount(PAGE, {})
    await settleAll()
    expect(find(comp, '#error')).toBeDefined()
  })
})
