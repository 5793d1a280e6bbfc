// The deliveries list: every delivery with stage, progress and alerts for those who run them; 我的配送任务 for
// volunteers and leads with tasks.
import type { RoleView } from '../../typings/api'
import { committeeRole, community, fail, leadRole, me, ok, role } from '../support/pages/fixtures'
import { delivery, sentDelivery, summary, type DeliveryHandlers } from '../support/pages/delivery'
import { find, mount, settleAll, tap, text, texts } from '../support/pages/harness'

const PAGE = 'packageDelivery/pages/list'
const q = { communityId: 'c_sunny' }
const volunteer = role({ id: 'role_v', role: 'volunteer', volunteerType: 'transport', place: '运输志愿者' })

function sees(roles: RoleView[], handlers: DeliveryHandlers = {}) {
  community({ whoami: () => ok(me({ roles })) })
  delivery({
    listDeliveries: () =>
      ok([
        summary(),
        summary({ id: 'dl_2', title: '蔬菜团', stage: 'awaiting', planned: false, households: 300, alerts: 0 }),
      ]),
    myDeliveries: () => ok([summary({ id: 'dl_3', title: '鸡蛋团', stage: 'resting' })]),
    ...handlers,
  })
}

describe('deliveries list', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('shows the committee each delivery with its stage, 已送 x/y 户 and alerts in red; a tap opens the board', async () => {
    sees([committeeRole])
    const navigate = jest.spyOn(wx, 'navigateTo')
    spies.push(navigate)
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sentDelivery('listDeliveries')).toEqual([{ communityId: 'c_sunny' }])
    expect(sentDelivery('myDeliveries')).toEqual([])
    expect(texts(comp, '#delivery-dl_1 .delivery-title, #delivery-dl_2 .delivery-title')).toEqual([
      '大米发放（每户10公斤）',
      '蔬菜团',
    ])
    expect(texts(comp, '.stage')).toEqual(['配送中', '待到货'])
    expect(text(comp, '#delivery-dl_1 .progress')).toBe('已送 812/1506 户')
    expect(text(comp, '#delivery-dl_2 .progress')).toBe('300 户 · 还没有安排配送')
    expect(text(comp, '#delivery-dl_1 .alerts')).toBe('1 条提醒')
    expect(find(comp, '#delivery-dl_2 .alerts')).toBeUndefined()
    expect(find(comp, '#mine-title')).toBeUndefined()
    await tap(comp, '#delivery-dl_1')
    expect(navigate).toHaveBeenCalledWith(expect.objectContaining({ url: '/packageDelivery/pages/board?id=dl_1' }))
  })

  it('gives a volunteer only 我的配送任务, opening the tasks', async () => {
    sees([volunteer])
    const navigate = jest.spyOn(wx, 'navigateTo')
    spies.push(navigate)
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sentDelivery('listDeliveries')).toEqual([])
    expect(sentDelivery('myDeliveries')).toEqual([{ communityId: 'c_sunny' }])
    expect(find(comp, '#all-title')).toBeUndefined()
    expect(text(comp, '#mine-dl_3 .delivery-title')).toBe('鸡蛋团')
    await tap(comp, '#mine-dl_3')
    expect(navigate).toHaveBeenCalledWith(expect.objectContaining({ url: '/packageDelivery/pages/tasks?id=dl_3' }))
  })

  it('gives a lead both, and says when there is no task', async () => {
    sees([leadRole], { myDeliveries: () => ok([]) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(find(comp, '#all-title')).toBeDefined()
    expect(text(comp, '#mine-empty')).toContain('现在没有您的配送任务')
  })

  it('shows an error with 重试 when the list cannot be read', async () => {
    sees([committeeRole], { listDeliveries: () => fail('INTERNAL', '系统繁忙，请稍后再试') })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#error')).toContain('系统繁忙，请稍后再试')
  })
})
