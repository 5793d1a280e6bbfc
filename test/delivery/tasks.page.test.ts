// The volunteer's tasks: trips to the entrances, doors marked at once and kept in the outbox until synced.
import type { StopMarkResult } from '../../typings/api'
import { outboxKey } from '../../miniprogram/packageDelivery/utils/outbox'
import { community, fail, me, ok, role } from '../support/pages/fixtures'
import {
  DELIVERY_ID,
  delivery,
  myTasks,
  problemView,
  sentDelivery,
  stop,
  summary,
  trip,
  type DeliveryHandlers,
} from '../support/pages/delivery'
import { find, mount, settleAll, tap, text, texts, type Mounted } from '../support/pages/harness'

const PAGE = 'packageDelivery/pages/tasks'
const q = { id: DELIVERY_ID }
const volunteer = role({ id: 'role_v', role: 'volunteer', volunteerType: 'building', place: '12号 楼栋志愿者' })

function modals(...answers: { confirm: boolean; content?: string }[]) {
  return jest.spyOn(wx, 'showModal').mockImplementation(((opts: WechatMiniprogram.ShowModalOption) => {
    const a = answers.shift() ?? { confirm: true }
    opts.success?.({ confirm: a.confirm, cancel: !a.confirm, content: a.content ?? '', errMsg: 'showModal:ok' })
  }) as never)
}

const marked = (result: StopMarkResult['result'] = 'marked') =>
  ((p: { marks: { stopId: string; markId: string }[] }) =>
    ok(p.marks.map((m) => ({ stopId: m.stopId, markId: m.markId, result })))) as DeliveryHandlers['markStops']

/** The network is down: the call never reaches the function. */
const offline = () => {
  throw { errMsg: 'cloud.callFunction:fail -1 network error' }
}

/** The handlers stay live: a test may change one (the network comes back) after the page loaded. */
function volunteerSees(handlers: DeliveryHandlers) {
  community({ whoami: () => ok(me({ openid: 'o_me', roles: [volunteer] })) })
  handlers.myTasks ??= () => ok(myTasks())
  const live = new Proxy(handlers, { get: (h, action: keyof DeliveryHandlers) => h[action] })
  delivery(live)
}

const queued = () => (wx.getStorageSync(outboxKey(DELIVERY_ID)) || []) as { stopId: string }[]
const stopStatus = (comp: Mounted, householdId: string) => text(comp, `#stop-${householdId} .stop-status`)
const doorButton = (householdId: string) => `#stop-${householdId} .door`

describe('volunteer tasks', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('lists the doors of the building room by room, with the items and a big button each', async () => {
    volunteerSees({})
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sentDelivery('myTasks')).toEqual([{ deliveryId: DELIVERY_ID }])
    expect(text(comp, '#stage')).toBe('配送中')
    expect(texts(comp, '.room')).toEqual(['101', '201', '301'])
    expect(texts(comp, '.items')).toEqual(['大米 10公斤×1', '大米 10公斤×1', '大米 10公斤×1'])
    expect(texts(comp, '.door')).toEqual(['已送到门口', '已送到门口', '已送到门口'])
    expect(text(comp, '.door-progress')).toBe('已送 0/3 户')
    expect(find(comp, '#sync')).toBeUndefined()
  })

  it('marks a door at once, keeps the mark in storage and sends it with markStops', async () => {
    volunteerSees({ markStops: marked() })
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, doorButton('hh_201'))
    expect(stopStatus(comp, 'hh_201')).toBe('已送到门口')
    expect(text(comp, '.door-progress')).toBe('已送 1/3 户')
    const [sent] = sentDelivery('markStops')
    expect(sent).toEqual({
      deliveryId: DELIVERY_ID,
      marks: [
        { stopId: `${DELIVERY_ID}:hh_201`, markId: expect.stringMatching(/^m[0-9a-z]{8,}$/), at: expect.any(String) },
      ],
    })
    expect(new Date(sent!.marks[0]!.at!).getTime()).toBeLessThanOrEqual(Date.now())
    expect(queued()).toEqual([])
    expect(find(comp, '#sync')).toBeUndefined()
  })

  it('keeps marks made offline through a reload of the page, and syncs them when the network comes back', async () => {
    const handlers: DeliveryHandlers = { markStops: offline }
    volunteerSees(handlers)
    let network: ((res: { isConnected: boolean; networkType: string }) => void) | undefined
    spies.push(
      jest.spyOn(wx, 'onNetworkStatusChange').mockImplementation((cb) => void (network = cb as typeof network)),
    )
    let comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, doorButton('hh_101'))
    await tap(comp, doorButton('hh_301'))
    expect(text(comp, '#pending')).toBe('2 条待同步')
    expect(stopStatus(comp, 'hh_101')).toBe('已送到门口 · 待同步')
    expect(queued().map((m) => m.stopId)).toEqual([`${DELIVERY_ID}:hh_101`, `${DELIVERY_ID}:hh_301`])
    const markIds = sentDelivery('markStops').flatMap((p) => p.marks.map((m) => m.markId))

    // The page closed and opened again (the app restarted): the marks are still there, shown as marked.
    ;(comp.instance as { onUnload(): void }).onUnload()
    comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#pending')).toBe('2 条待同步')
    expect(stopStatus(comp, 'hh_101')).toBe('已送到门口 · 待同步')
    expect(find(comp, doorButton('hh_201'))).toBeDefined()

    handlers.markStops = marked()
    network?.({ isConnected: true, networkType: 'wifi' })
    await settleAll()
    const last = sentDelivery('markStops').at(-1)
    expect(last?.marks.map((m) => m.stopId)).toEqual([`${DELIVERY_ID}:hh_101`, `${DELIVERY_ID}:hh_301`])
    // The same marks, not new ones: the server counts them once.
    expect(last?.marks.map((m) => m.markId).every((id) => markIds.includes(id))).toBe(true)
    expect(queued()).toEqual([])
    expect(find(comp, '#sync')).toBeUndefined()
    expect(stopStatus(comp, 'hh_101')).toBe('已送到门口')
  })

  it('syncs waiting marks when the page shows again and when 同步 is pressed', async () => {
    const handlers: DeliveryHandlers = { markStops: offline }
    volunteerSees(handlers)
    spies.push(modals())
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, doorButton('hh_101'))
    await tap(comp, '#sync-now')
    expect(wx.showModal).toHaveBeenLastCalledWith(
      expect.objectContaining({ content: '网络不太好，还有 1 条没有同步，有网后会自动再试' }),
    )
    expect(text(comp, '#pending')).toBe('1 条待同步')
    handlers.markStops = marked('already')
    ;(comp.instance as { onShow(): void }).onShow()
    await settleAll()
    expect(queued()).toEqual([])
    expect(find(comp, '#pending')).toBeUndefined()
  })

  it('says why a mark was refused, removes it and reads the list again', async () => {
    let reads = 0
    volunteerSees({
      myTasks: () => {
        reads++
        return ok(
          myTasks(
            reads === 1
              ? {}
              : {
                  doors: [
                    {
                      buildingId: 'b_12',
                      buildingName: '12号',
                      stage: 'atEntrance',
                      stops: [
                        stop({ householdId: 'hh_101', room: '101' }),
                        stop({
                          householdId: 'hh_201',
                          room: '201',
                          status: 'delivered',
                          delivered: { at: '2026-11-24T07:40:00.000Z', byName: '李*华' },
                        }),
                        stop({ householdId: 'hh_301', room: '301' }),
                      ],
                    },
                  ],
                },
          ),
        )
      },
      markStops: (p) =>
        ok(
          p.marks.map((m) => ({
            stopId: m.stopId,
            markId: m.markId,
            result: 'refused' as const,
            code: 'ALREADY_MARKED',
            message: '已由 李*华 在 15:40 标记送到',
          })),
        ),
    })
    spies.push(modals())
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, doorButton('hh_201'))
    expect(wx.showModal).toHaveBeenCalledWith(
      expect.objectContaining({ content: '12-201：已由 李*华 在 15:40 标记送到' }),
    )
    expect(queued()).toEqual([])
    expect(reads).toBe(2)
    expect(stopStatus(comp, 'hh_201')).toBe('已送到门口 15:40')
    expect(find(comp, '#sync')).toBeUndefined()
  })

  it('drops a batch the function refuses as a whole, with its message, but keeps it when the function failed', async () => {
    const handlers: DeliveryHandlers = { markStops: () => fail('INTERNAL', '系统繁忙，请稍后再试') }
    volunteerSees(handlers)
    spies.push(modals())
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, doorButton('hh_101'))
    expect(queued()).toHaveLength(1)
    handlers.markStops = () => fail('DELIVERY_DONE', '这次配送已经全部送完')
    await tap(comp, '#sync-now')
    expect(wx.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ content: '12-101：这次配送已经全部送完' }))
    expect(queued()).toEqual([])
  })

  it('takes a trip’s bags to each entrance with markEntrance, one markId per attempt', async () => {
    let calls = 0
    volunteerSees({
      myTasks: () => ok(myTasks({ trips: [trip()], doors: [] })),
      markEntrance: (p) => {
        calls++
        if (calls === 1) return fail('DELIVERY_NOT_STARTED', '还在消毒静置，15:02 以后再送')
        return ok(
          trip({
            stops: trip().stops.map((s) =>
              s.buildingId === p.buildingId ? { ...s, droppedAt: '2026-11-24T07:25:00.000Z' } : s,
            ),
          }),
        )
      },
    })
    spies.push(modals())
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '.trip-head')).toBe('第 1 趟 · 共 38 袋')
    expect(texts(comp, '.building-name')).toEqual(['11号', '12号'])
    expect(texts(comp, '.bags')).toEqual(['18 袋', '20 袋'])
    await tap(comp, `#trip-1-b_12 .entrance`)
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '还在消毒静置，15:02 以后再送' }))
    expect(text(comp, `#trip-1-b_12 .entrance-done`)).toBeNull()
    await tap(comp, `#trip-1-b_12 .entrance`)
    const sent = sentDelivery('markEntrance')
    expect(sent).toHaveLength(2)
    expect(sent[0]).toEqual({
      deliveryId: DELIVERY_ID,
      tripId: `${DELIVERY_ID}:t1`,
      buildingId: 'b_12',
      markId: expect.stringMatching(/^e/),
    })
    expect(new Set(sent.map((p) => p.markId)).size).toBe(1)
    expect(text(comp, `#trip-1-b_12 .entrance-done`)).toBe('已送到楼门口 15:25')
    expect(find(comp, `#trip-1-b_11 .entrance`)).toBeDefined()
  })

  it('shows no buttons while the goods rest at the gate, and says until when', async () => {
    volunteerSees({
      myTasks: () =>
        ok(
          myTasks({
            delivery: summary({ stage: 'resting' }),
            restUntil: new Date(Date.now() + 30 * 60_000).toISOString(),
          }),
        ),
    })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#wait')).toMatch(/^消毒静置至 \d\d:\d\d，之后再送$/)
    expect(texts(comp, '.door')).toEqual([])
  })

  it('reports a problem with a bag: kind, a few words, no photo', async () => {
    volunteerSees({ reportProblem: (p) => ok(problemView({ kind: p.kind, note: p.note })) })
    spies.push(
      jest
        .spyOn(wx, 'showActionSheet')
        .mockImplementation(((o: WechatMiniprogram.ShowActionSheetOption) =>
          o.success?.({ tapIndex: 3, errMsg: 'showActionSheet:ok' })) as never),
      modals({ confirm: true, content: '敲门没人应' }, { confirm: false }),
    )
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, `#stop-hh_201 .problem`)
    expect(sentDelivery('reportProblem')).toEqual([
      {
        deliveryId: DELIVERY_ID,
        stopId: `${DELIVERY_ID}:hh_201`,
        kind: 'nobodyHome',
        note: '敲门没人应',
        requestId: expect.stringMatching(/^r[0-9a-z]{8,}$/),
      },
    ])
    expect(text(comp, `#stop-hh_201 .stop-problem`)).toBe('已报告问题')
  })

  it('says so when the caller has no task in the delivery, and shows a load error with 重试', async () => {
    volunteerSees({ myTasks: () => ok(null) })
    let comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#empty')).toContain('这次配送没有您的任务')
    volunteerSees({ myTasks: () => fail('FORBIDDEN', '没有权限') })
    comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#error')).toContain('没有权限')
  })
})
