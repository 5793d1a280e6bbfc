// The live board: alerts in red first, stage and rest, arrival, per-building rows, refresh every 15 s while shown,
// and the committee's and 团长's buttons.
import type { BoardView, RoleView } from '../../typings/api'
import { phoneFiles } from '../support/pages/documents'
import { committeeRole, community, fail, leadRole, me, ok, type Handlers } from '../support/pages/fixtures'
import {
  boardView,
  DELIVERY_ID,
  delivery,
  sentDelivery,
  summary,
  type DeliveryHandlers,
} from '../support/pages/delivery'
import { fakeCloud, find, mount, settleAll, tap, text, texts } from '../support/pages/harness'

const PAGE = 'packageDelivery/pages/board'
const q = { id: DELIVERY_ID }

function sees(roles: RoleView[], handlers: DeliveryHandlers = {}, more: Handlers = {}) {
  community({ whoami: () => ok(me({ openid: 'o_cmt', roles })), ...more })
  delivery({ board: () => ok(boardView()), ...handlers })
}

describe('delivery board', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => {
    spies.splice(0).forEach((s) => s.mockRestore())
    jest.useRealTimers()
  })

  it('shows alerts first in red, the stage, progress, arrival with its photo, stage times and each building', async () => {
    sees([committeeRole])
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sentDelivery('board')).toEqual([{ deliveryId: DELIVERY_ID }])
    expect(texts(comp, '.alert')).toEqual(['5号楼 没有人送到门口'])
    expect(text(comp, '#stage')).toBe('配送中')
    expect(text(comp, '#progress')).toBe('已送 812/1506 户 · 已签收 640 户 · 问题 2')
    expect(text(comp, '#doors-by')).toBe('送到门口截止 17:00')
    expect(text(comp, '#arrival-text')).toBe('14:02 张*敏 登记到货 · 数量齐全')
    expect(find(comp, '#arrival-photo')).toBeDefined()
    expect(texts(comp, '.time')).toEqual(['到货 14:02', '静置结束 15:02'])
    expect(texts(comp, '.building-name')).toEqual(['12号', '5号'])
    expect(text(comp, '#building-b_12 .building-stage')).toBe('已到楼门口')
    expect(text(comp, '#building-b_12 .building-progress')).toBe('已送 10/24')
    expect(text(comp, '#building-b_12 .building-received')).toBe('签收 6')
    expect(text(comp, '#building-b_12 .building-problems')).toBe('问题 1')
    expect(texts(comp, '#building-b_12 .team')).toEqual(['送到门口：王*明、李*华', '运输：赵*强'])
    expect(text(comp, '#building-b_5 .team')).toBe('没有人送到门口')
    expect(find(comp, '#building-b_5 .building-problems')).toBeUndefined()
  })

  it('says which buildings’ people have not opened their task list, until the bags are at the doors', async () => {
    const unseen = boardView()
    unseen.buildings = [
      { ...(unseen.buildings[0] as BoardView['buildings'][number]), doorSeen: false },
      {
        ...(unseen.buildings[0] as BoardView['buildings'][number]),
        buildingId: 'b_7',
        buildingName: '7号',
        stage: 'gate',
        doorSeen: false,
        transportSeen: false,
      },
      { ...(unseen.buildings[0] as BoardView['buildings'][number]), buildingId: 'b_9', stage: 'done', doorSeen: false },
    ]
    sees([committeeRole], { board: () => ok(unseen) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#building-b_12 .unseen')).toBe('送门口的人还没有查看任务')
    expect(text(comp, '#building-b_7 .unseen')).toBe('送门口的人、运输志愿者还没有查看任务')
    expect(find(comp, '#building-b_9 .unseen')).toBeUndefined()
  })

  it('counts down the rest (消毒静置至 HH:MM, minutes left), and offers 结束静置 after a confirmation', async () => {
    const restUntil = new Date(Date.now() + 23 * 60_000 - 1000).toISOString()
    const resting = boardView({ delivery: summary({ stage: 'resting', delivered: 0 }), restUntil, times: {} })
    sees([committeeRole], {
      board: () => ok(resting),
      endRest: () => ok(boardView({ delivery: summary({ stage: 'relaying' }) })),
    })
    const modal = jest.spyOn(wx, 'showModal')
    spies.push(modal)
    const comp = mount(PAGE, q)
    await settleAll()
    const hhmm = new Date(restUntil).toTimeString().slice(0, 5)
    expect(text(comp, '#rest')).toBe(`消毒静置至 ${hhmm}（还有 23 分钟）`)
    await tap(comp, '#end-rest')
    expect(modal).toHaveBeenCalledWith(expect.objectContaining({ title: '结束静置', confirmText: '结束静置' }))
    expect(sentDelivery('endRest')).toEqual([{ deliveryId: DELIVERY_ID }])
    expect(text(comp, '#stage')).toBe('配送中')
    expect(find(comp, '#end-rest')).toBeUndefined()
  })

  it('ends no rest when the dialog is cancelled', async () => {
    sees([committeeRole], { board: () => ok(boardView({ delivery: summary({ stage: 'resting' }) })) })
    spies.push(
      jest
        .spyOn(wx, 'showModal')
        .mockImplementation(((o: WechatMiniprogram.ShowModalOption) =>
          o.success?.({ confirm: false, cancel: true, content: '', errMsg: 'showModal:ok' })) as never),
    )
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#end-rest')
    expect(sentDelivery('endRest')).toEqual([])
  })

  it('opens plan, arrival and problems, and prints both lists with exportDelivery', async () => {
    sees([committeeRole], { board: () => ok(boardView({ delivery: summary({ stage: 'awaiting', delivered: 0 }) })) })
    fakeCloud.on('sheets', (data) => {
      const p = data.payload as { sheet: string }
      return ok({ fileID: `cloud://env/exports/${p.sheet}.xlsx`, tempFileURL: '', fileName: `${p.sheet}.xlsx` })
    })
    const navigate = jest.spyOn(wx, 'navigateTo')
    spies.push(navigate)
    const phone = phoneFiles()
    try {
      const comp = mount(PAGE, q)
      await settleAll()
      await tap(comp, '#plan')
      await tap(comp, '#arrival')
      await tap(comp, '#problems')
      expect(navigate.mock.calls.map(([o]) => o.url)).toEqual([
        `/packageDelivery/pages/plan?id=${DELIVERY_ID}`,
        `/packageDelivery/pages/arrival?id=${DELIVERY_ID}`,
        `/packageDelivery/pages/problems?id=${DELIVERY_ID}&community=c_sunny`,
      ])
      await tap(comp, '#export-buildings')
      await tap(comp, '#export-volunteers')
      const sheets = fakeCloud.calls.filter((c) => c.name === 'sheets').map((c) => c.data)
      expect(sheets).toEqual([
        { action: 'exportDelivery', payload: { deliveryId: DELIVERY_ID, sheet: 'buildings' } },
        { action: 'exportDelivery', payload: { deliveryId: DELIVERY_ID, sheet: 'volunteers' } },
      ])
      expect(phone.opened.map((o) => o.filePath)).toEqual([
        'wxfile://usr/exports/buildings.xlsx',
        'wxfile://usr/exports/volunteers.xlsx',
      ])
    } finally {
      phone.restore()
    }
  })

  it('gives a lead the board and 问题 without the committee’s buttons', async () => {
    sees([leadRole])
    const comp = mount(PAGE, q)
    await settleAll()
    expect(find(comp, '#manage')).toBeUndefined()
    expect(find(comp, '#plan')).toBeUndefined()
    expect(find(comp, '#problems')).toBeDefined()
  })

  it('reads the board again every 15 s while shown, and stops when hidden', async () => {
    jest.useFakeTimers({
      doNotFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'nextTick', 'queueMicrotask', 'Date'],
    })
    let n = 0
    sees([committeeRole], {
      board: () => {
        n++
        return ok(boardView({ delivery: summary({ delivered: 800 + n }) }))
      },
    })
    const comp = mount(PAGE, q)
    const page = comp.instance as { onShow(): void; onHide(): void; onUnload(): void }
    page.onShow()
    await settleAll()
    expect(n).toBe(1)
    jest.advanceTimersByTime(15_000)
    await settleAll()
    expect(n).toBe(2)
    expect(text(comp, '#progress')).toContain('已送 802/1506 户')
    page.onHide()
    jest.advanceTimersByTime(60_000)
    await settleAll()
    expect(n).toBe(2)
    page.onShow()
    await settleAll()
    expect(n).toBe(3)
    jest.advanceTimersByTime(15_000)
    await settleAll()
    expect(n).toBe(4)
    page.onUnload()
    jest.advanceTimersByTime(60_000)
    await settleAll()
    expect(n).toBe(4)
  })

  it('keeps the board when a refresh fails, saying so, and shows a load error with 重试', async () => {
    let answer: () => ReturnType<typeof ok<BoardView>> | ReturnType<typeof fail> = () => ok(boardView())
    sees([committeeRole], { board: () => answer() })
    let comp = mount(PAGE, q)
    await settleAll()
    answer = () => fail('INTERNAL', '系统繁忙，请稍后再试')
    await (comp.instance as { refresh(): Promise<void> }).refresh()
    await settleAll()
    expect(text(comp, '#refresh-error')).toBe('没有刷新成功，显示的是刚才的情况')
    expect(texts(comp, '.building-name')).toEqual(['12号', '5号'])

    answer = () => fail('FORBIDDEN', '您没有权限查看这次配送')
    comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#error')).toContain('您没有权限查看这次配送')
  })
})
