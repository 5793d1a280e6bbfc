// 安排配送: the settings form → planDelivery (one requestId per attempt), the plan with its gaps first, door teams
// adjusted with setDoorTeam, a volunteer dropped with dropVolunteer.
import { committeeRole, community, fail, me, ok } from '../support/pages/fixtures'
import {
  boardView,
  DELIVERY_ID,
  delivery,
  doorTeam,
  planView,
  SETTINGS,
  sentDelivery,
  summary,
  type DeliveryHandlers,
} from '../support/pages/delivery'
import { find, fire, mount, settleAll, tap, text, texts, type } from '../support/pages/harness'

const PAGE = 'packageDelivery/pages/plan'
const q = { id: DELIVERY_ID }

function modals(...answers: { confirm: boolean; content?: string }[]) {
  return jest.spyOn(wx, 'showModal').mockImplementation(((opts: WechatMiniprogram.ShowModalOption) => {
    const a = answers.shift() ?? { confirm: true }
    opts.success?.({ confirm: a.confirm, cancel: !a.confirm, content: a.content ?? '', errMsg: 'showModal:ok' })
  }) as never)
}

const unplanned = () =>
  ok(boardView({ delivery: summary({ stage: 'awaiting', planned: false, delivered: 0 }), settings: null }))

function committee(handlers: DeliveryHandlers = {}) {
  community({ whoami: () => ok(me({ roles: [committeeRole] })) })
  delivery({ board: () => ok(boardView()), getPlan: () => ok(planView()), ...handlers })
}

describe('plan a delivery', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('fills the form with the defaults (doors by the arrival + 3 hours) and plans with those settings', async () => {
    committee({ board: unplanned, planDelivery: () => ok(planView()) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sentDelivery('getPlan')).toEqual([])
    expect(comp.data.fields.map((f: { value: string }) => f.value)).toEqual(['40', '60', '24', '2', '6'])
    expect(text(comp, '#doors-date')).toBe('2026-11-24')
    expect(text(comp, '#doors-time')).toBe('17:00')
    expect(text(comp, '#plan')).toBe('安排配送')
    await type(comp, '30', '#input-capacity')
    await type(comp, '45', '#input-restMinutes')
    await fire(comp, 'change', { value: '16:30' }, '#doors-time')
    await tap(comp, '#plan')
    expect(sentDelivery('planDelivery')).toEqual([
      {
        deliveryId: DELIVERY_ID,
        requestId: expect.stringMatching(/^r[0-9a-z]{8,}$/),
        settings: { ...SETTINGS, capacity: 30, restMinutes: 45, doorsBy: '2026-11-24T08:30:00.000Z' },
      },
    ])
  })

  it('refuses settings out of bounds, saying which', async () => {
    committee({ board: unplanned })
    const comp = mount(PAGE, q)
    await settleAll()
    await type(comp, '0', '#input-capacity')
    await type(comp, '2.5', '#input-gateAlertHours')
    await tap(comp, '#plan')
    expect(text(comp, '#field-capacity .field-error')).toBe('请填 1–500 的整数')
    expect(text(comp, '#field-gateAlertHours .field-error')).toBe('请填 1–48 的整数')
    expect(text(comp, '#form-error')).toBe('还有 2 处没有填好，请看红色提示')
    expect(sentDelivery('planDelivery')).toEqual([])
  })

  it('sends the same requestId again after a failed attempt, and a new one for the next plan', async () => {
    let n = 0
    committee({
      planDelivery: () => (++n === 1 ? fail('RATE_LIMITED', '操作太频繁，请稍后再试') : ok(planView({ version: n }))),
    })
    spies.push(modals())
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#plan')
    await tap(comp, '#plan')
    await tap(comp, '#plan')
    const ids = sentDelivery('planDelivery').map((p) => p.requestId)
    expect(ids).toHaveLength(3)
    expect(ids[1]).toBe(ids[0])
    expect(ids[2]).not.toBe(ids[1])
  })

  it('shows the plan: gaps first in red, trips and bags per transport volunteer, door teams per building', async () => {
    committee()
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sentDelivery('getPlan')).toEqual([{ deliveryId: DELIVERY_ID }])
    expect(texts(comp, '.gap')).toEqual(['5号 没有人送到门口'])
    expect(text(comp, '#plan')).toBe('重新安排')
    expect(text(comp, '#transport-o_me .figures')).toBe('1 趟 · 38 袋')
    expect(texts(comp, '#transport-o_me .trip')).toEqual(['第 1 趟：11号 18袋、12号 20袋'])
    expect(texts(comp, '#team-b_12 .member-name')).toEqual(['王*明'])
    expect(text(comp, '#team-b_5 .team-empty')).toBe('没有人送到门口')
  })

  it('adjusts a door team from its members and the community’s door teams, with setDoorTeam', async () => {
    committee({
      getDoorTeams: () =>
        ok([
          doorTeam({
            members: [
              { openid: 'o_lead', name: '王*明', role: 'buildingLead' },
              { openid: 'o_vol', name: '李*华', role: 'volunteer', volunteerType: 'online' },
            ],
            isDefault: false,
          }),
        ]),
      setDoorTeam: (p) =>
        ok(
          doorTeam({
            members: [{ openid: 'o_vol', name: '李*华', role: 'volunteer' }],
            isDefault: p.openids.length === 0,
          }),
        ),
    })
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#team-b_12 .adjust')
    expect(sentDelivery('getDoorTeams')).toEqual([{ communityId: 'c_sunny' }])
    expect(texts(comp, '#editing .tick-text')).toEqual(['王*明', '李*华'])
    await tap(comp, '#tick-o_vol')
    await tap(comp, '#save-team')
    expect(sentDelivery('setDoorTeam')).toEqual([{ buildingId: 'b_12', openids: ['o_vol'] }])
    expect(texts(comp, '#team-b_12 .member-name')).toEqual(['李*华'])
    expect(find(comp, '#editing')).toBeUndefined()
  })

  it('drops a volunteer with a reason after a confirmation, showing the new plan', async () => {
    committee({
      dropVolunteer: () => ok(planView({ version: 2, transport: [], trips: [], gaps: [] })),
    })
    spies.push(modals({ confirm: true, content: '临时有事' }, { confirm: true }))
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#transport-o_me .drop')
    expect(sentDelivery('dropVolunteer')).toEqual([{ deliveryId: DELIVERY_ID, openid: 'o_me', reason: '临时有事' }])
    expect(text(comp, '#no-transport')).toBe('没有运输志愿者')
    expect(find(comp, '#gaps')).toBeUndefined()
  })

  it('drops nobody when the confirmation is cancelled', async () => {
    committee()
    spies.push(modals({ confirm: true, content: '临时有事' }, { confirm: false }))
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#transport-o_me .drop')
    expect(sentDelivery('dropVolunteer')).toEqual([])
  })

  it('shows a load error with 重试', async () => {
    committee({ board: () => fail('FORBIDDEN', '只有居委和团长可以安排配送') })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#error')).toContain('只有居委和团长可以安排配送')
  })
})
