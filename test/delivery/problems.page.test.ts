// The problem queue: open first, 已处理 with a note.
import { committeeRole, community, fail, me, ok } from '../support/pages/fixtures'
import { boardView, DELIVERY_ID, delivery, problemView, sentDelivery } from '../support/pages/delivery'
import { find, mount, settleAll, tap, text, texts } from '../support/pages/harness'

const PAGE = 'packageDelivery/pages/problems'

function modals(...answers: { confirm: boolean; content?: string }[]) {
  return jest.spyOn(wx, 'showModal').mockImplementation(((opts: WechatMiniprogram.ShowModalOption) => {
    const a = answers.shift() ?? { confirm: true }
    opts.success?.({ confirm: a.confirm, cancel: !a.confirm, content: a.content ?? '', errMsg: 'showModal:ok' })
  }) as never)
}

const handled = problemView({
  id: 'pb_0',
  label: '12-101',
  kind: 'missing',
  note: '少了一袋',
  at: '2026-11-24T07:00:00.000Z',
  status: 'handled',
  handled: { at: '2026-11-24T07:30:00.000Z', byName: '张*敏', note: '已补送' },
})

function queue(handlers: Parameters<typeof delivery>[0] = {}) {
  community({ whoami: () => ok(me({ roles: [committeeRole] })) })
  delivery({
    board: () => ok(boardView()),
    listProblems: () => ok([handled, problemView()]),
    ...handlers,
  })
}

describe('problems', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('lists the delivery’s problems, open first, finding the community from the board', async () => {
    queue()
    const comp = mount(PAGE, { id: DELIVERY_ID })
    await settleAll()
    expect(sentDelivery('board')).toEqual([{ deliveryId: DELIVERY_ID }])
    expect(sentDelivery('listProblems')).toEqual([{ communityId: 'c_sunny', deliveryId: DELIVERY_ID }])
    expect(text(comp, '#open-count')).toBe('1 个问题待处理')
    expect(texts(comp, '.problem-head')).toEqual(['12-201 · 破损', '12-101 · 缺少'])
    expect(text(comp, '#problem-pb_1 .problem-note')).toBe('袋子破了，撒了一些')
    expect(text(comp, '#problem-pb_1 .problem-by')).toBe('11月24日 16:00 王*明 报告')
    expect(text(comp, '#problem-pb_0 .handled')).toBe('11月24日 15:30 张*敏 已处理：已补送')
    expect(find(comp, '#problem-pb_0 .handle')).toBeUndefined()
  })

  it('lists the community’s problems with ?community=, without reading a board', async () => {
    queue()
    mount(PAGE, { community: 'c_sunny' })
    await settleAll()
    expect(sentDelivery('board')).toEqual([])
    expect(sentDelivery('listProblems')).toEqual([{ communityId: 'c_sunny' }])
  })

  it('marks a problem 已处理 with what was done', async () => {
    queue({
      handleProblem: (p) =>
        ok(
          problemView({
            status: 'handled',
            handled: { at: '2026-11-24T08:10:00.000Z', byName: '张*敏', note: p.note },
          }),
        ),
    })
    spies.push(modals({ confirm: true, content: '已换一袋新的' }))
    const comp = mount(PAGE, { id: DELIVERY_ID, community: 'c_sunny' })
    await settleAll()
    await tap(comp, '#problem-pb_1 .handle')
    expect(sentDelivery('handleProblem')).toEqual([{ problemId: 'pb_1', note: '已换一袋新的' }])
    expect(text(comp, '#problem-pb_1 .handled')).toBe('11月24日 16:10 张*敏 已处理：已换一袋新的')
    expect(text(comp, '#open-count')).toBe('没有待处理的问题')
  })

  it('asks for the note when none is written, and sends nothing', async () => {
    queue()
    spies.push(modals({ confirm: true, content: '  ' }, { confirm: true }))
    const comp = mount(PAGE, { id: DELIVERY_ID, community: 'c_sunny' })
    await settleAll()
    await tap(comp, '#problem-pb_1 .handle')
    expect(sentDelivery('handleProblem')).toEqual([])
    expect(wx.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ content: '请写一句怎么处理的' }))
  })

  it('shows an error with 重试 when the queue cannot be read', async () => {
    queue({ listProblems: () => fail('FORBIDDEN', '您没有权限查看这些问题') })
    const comp = mount(PAGE, { community: 'c_sunny' })
    await settleAll()
    expect(text(comp, '#error')).toContain('您没有权限查看这些问题')
  })
})
