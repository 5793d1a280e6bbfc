import type { Envelope, WhoAmI } from '../../typings/api'
import { homeEntries } from '../../miniprogram/pages/index/entries'
import {
  committeeRole,
  community,
  communityLeadRole,
  fail,
  household201,
  joinRequest,
  leadRole,
  me,
  ok,
  residentRole,
  role,
} from '../support/pages/fixtures'
import { fakeCloud, mount, settle, tap, text, texts } from '../support/pages/harness'

describe('home page', () => {
  let navigate: jest.SpyInstance

  beforeEach(() => {
    navigate = jest.spyOn(wx, 'navigateTo')
  })
  afterEach(() => navigate.mockRestore())

  it('calls community.whoami through the service layer and lists the roles by their place', async () => {
    const answer = me({
      openid: 'o-resident',
      roles: [
        residentRole,
        role({ id: 'role_vol', role: 'volunteer', volunteerType: 'transport', place: '运输 · 12号 志愿者' }),
      ],
      households: [household201],
    })
    community({ whoami: () => ok(answer) })
    const comp = mount('pages/index/index')
    expect(comp.data.state).toBe('loading')
    expect(text(comp, '#loading')).toBe('正在加载…')

    await settle()

    // whoami first; then, for someone with a household, the open rounds (the only antigen call a resident needs)
    // and their building's turn in a running call-up.
    expect(fakeCloud.calls).toEqual([
      { name: 'community', data: { action: 'whoami', payload: {} } },
      { name: 'antigen', data: { action: 'myRounds', payload: {} } },
      { name: 'callup', data: { action: 'myTurn', payload: {} } },
    ])
    expect(comp.data.state).toBe('ready')
    expect(texts(comp, '.role')).toEqual(['阳光小区 12-201 居民', '运输 · 12号 志愿者'])
    expect(comp.querySelector('#empty')).toBeUndefined()
    expect(getApp<IAppOption>().globalData.me?.openid).toBe('o-resident')
    expect(text(comp, '#entry-household-hh_201')).toContain('我的家')
    expect(text(comp, '#entry-household-hh_201')).toContain('阳光小区 12-201')
    expect(comp.querySelector('#entry-join')).toBeUndefined()

    await tap(comp, '#entry-household-hh_201')
    expect(navigate).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/household/index?householdId=hh_201' }))
  })

  it('tells a user with no role how to join and opens the join page', async () => {
    community({ whoami: () => ok(me({ openid: 'o-new' })) })
    const comp = mount('pages/index/index')
    await settle()
    expect(text(comp, '#empty')).toContain('请向楼组长索取楼栋邀请码')
    expect(text(comp, '#entry-join')).toContain('加入我家')
    await tap(comp, '#entry-join')
    expect(navigate).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/join/index' }))
  })

  it('shows a pending join request with when it was sent', async () => {
    community({
      whoami: () => ok(me({ pendingRequests: [joinRequest({ label: '12-302', name: '李*英', asProxy: true })] })),
    })
    const comp = mount('pages/index/index')
    await settle()
    expect(text(comp, '#pending')).toContain('12-302 李*英（代管）')
    expect(text(comp, '#pending')).toContain('11月20日 10:05 提交')
  })

  it('shows the function’s Chinese error message and retries on tap', async () => {
    let answer: Envelope<WhoAmI> = fail('UNAUTHENTICATED', '无法确认您的微信身份，请重新打开小程序')
    community({ whoami: () => answer })
    const comp = mount('pages/index/index')
    await settle()
    expect(comp.data.state).toBe('error')
    expect(text(comp, '#error', '.status-message')).toBe('无法确认您的微信身份，请重新打开小程序')

    answer = ok(me({ roles: [leadRole] }))
    await tap(comp, '#error', '.status-action')
    expect(fakeCloud.calls.filter((c) => c.name === 'community')).toHaveLength(2)
    expect(comp.data.state).toBe('ready')
    expect(text(comp, '.role')).toBe('12号 楼组长')
    expect(text(comp, '#entry-roster-b_12')).toContain('楼栋名册')
  })

  it('shows a network message when the call never reaches the function', async () => {
    const comp = mount('pages/index/index') // no handler registered: callFunction fails
    await settle()
    expect(comp.data.state).toBe('error')
    expect(comp.data.errorMessage).toBe('网络不太好，请检查网络后再试')
  })
})

describe('home entries by role', () => {
  const keys = (who: WhoAmI) => homeEntries(who).map((e) => e.key)

  it('asks a household member without the current personal-data consent to read it, first after 报抗原', () => {
    const who = me({ roles: [residentRole], households: [household201], consents: [] })
    const entries = homeEntries(who)
    expect(entries[0]).toMatchObject({
      key: 'consent-personal',
      title: '个人信息授权已更新',
      url: '/pages/household/index?householdId=hh_201',
      primary: true,
    })
    expect(keys(me({ roles: [residentRole], households: [household201] }))).not.toContain('consent-personal')
    expect(keys(me())).not.toContain('consent-personal')
  })

  it('offers joining only to someone without a household, and 我的数据 to everyone', () => {
    expect(keys(me())).toEqual(['join', 'data'])
    expect(keys(me({ roles: [residentRole], households: [household201] }))).toEqual([
      'household-hh_201',
      'join-another',
      'subscribe-rounds-c_sunny',
      'groupbuy-c_sunny',
      'delivery-mine-hh_201',
      'merchant-apply-c_sunny',
      'needs-mine-hh_201',
      'data',
    ])
  })

  it('gives a lead one roster per building, whatever roles they hold there', () => {
    const floorLead = role({
      id: 'role_fl',
      role: 'floorLead',
      place: '12号 3层 层长',
      scope: { ...leadRole.scope, floor: 3 },
    })
    const entries = homeEntries(me({ roles: [leadRole, floorLead] })).filter((e) => e.title === '楼栋名册')
    expect(entries).toHaveLength(1)
    expect(entries[0]?.url).toBe('/packageLead/pages/roster?buildingId=b_12')
  })

  it('gives the committee structure, import and roles, a 团长 structure and roles only, a 营长 neither', () => {
    expect(keys(me({ roles: [committeeRole] }))).toEqual([
      'join',
      'rounds-c_sunny',
      'structure-c_sunny',
      'import-c_sunny',
      'roles-c_sunny',
      'retention-c_sunny',
      'groupbuy-manage-c_sunny',
      'merchants-c_sunny',
      'delivery-board-c_sunny',
      'care-c_sunny',
      'registers-c_sunny',
      'needs-queue-c_sunny',
      'needs-rollup-c_sunny',
      'data',
    ])
    const lead = homeEntries(me({ roles: [communityLeadRole] }))
    expect(lead.map((e) => e.key)).toEqual([
      'join',
      'rounds-c_sunny',
      'structure-c_sunny',
      'roles-c_sunny',
      'groupbuy-manage-c_sunny',
      'delivery-board-c_sunny',
      'care-c_sunny',
      'registers-c_sunny',
      'needs-queue-c_sunny',
      'needs-rollup-c_sunny',
      'data',
    ])
    expect(lead.find((e) => e.key === 'roles-c_sunny')?.url).toBe('/packageCommittee/pages/roles?communityId=c_sunny')
    const groupLead = role({
      role: 'groupLead',
      place: '第1营 营长',
      scope: { communityId: 'c_sunny', groupId: 'g_1' },
    })
    // A 营长 sees the delivery board, the care overview and the registers (their 营's buildings), the needs that
    // reach them and the 营's roll-up.
    expect(keys(me({ roles: [groupLead] }))).toEqual([
      'join',
      'delivery-board-c_sunny',
      'care-c_sunny',
      'registers-c_sunny',
      'needs-queue-c_sunny',
      'needs-rollup-c_sunny',
      'data',
    ])
    expect(homeEntries(me({ roles: [groupLead] })).find((e) => e.key === 'registers-c_sunny')).toMatchObject({
      title: '民生底账',
      url: '/packageRegisters/pages/list?communityId=c_sunny',
    })
  })

  it('gives 楼栋 and 云上 volunteers the care list, and other volunteers none', () => {
    const volunteer = (volunteerType: 'building' | 'online' | 'transport') =>
      role({ id: `role_${volunteerType}`, role: 'volunteer', volunteerType, scope: { communityId: 'c_sunny' } })
    const care = homeEntries(me({ roles: [volunteer('building')] })).find((e) => e.key === 'care-c_sunny')
    expect(care).toMatchObject({ title: '关怀联系', url: '/packageCare/pages/list?communityId=c_sunny' })
    expect(keys(me({ roles: [volunteer('online')] }))).toContain('care-c_sunny')
    expect(keys(me({ roles: [volunteer('transport')] }))).not.toContain('care-c_sunny')
    // 营长 and above open the overview.
    expect(homeEntries(me({ roles: [committeeRole] })).find((e) => e.key === 'care-c_sunny')?.url).toBe(
      '/packageCare/pages/overview?communityId=c_sunny',
    )
  })

  it('gives a volunteer 我的配送任务, a household 我家的物资, and a lead the board instead of the tasks', () => {
    const volunteer = role({ id: 'role_v', role: 'volunteer', place: '运输志愿者', scope: { communityId: 'c_sunny' } })
    const mine = homeEntries(me({ roles: [volunteer, residentRole], households: [household201] }))
    expect(mine.find((e) => e.key === 'delivery-tasks-c_sunny')).toMatchObject({
      title: '我的配送任务',
      url: '/packageDelivery/pages/list?communityId=c_sunny',
    })
    expect(mine.find((e) => e.key === 'delivery-mine-hh_201')).toMatchObject({
      title: '我家的物资',
      url: '/packageDelivery/pages/mine?household=hh_201',
    })
    const both = keys(me({ roles: [volunteer, leadRole] }))
    expect(both).toContain('delivery-board-c_sunny')
    expect(both).not.toContain('delivery-tasks-c_sunny')
  })

  it('gives a household 需求登记, a 云上 volunteer and a 班长 the needs queue, and no transport volunteer', () => {
    const online = role({
      id: 'role_o',
      role: 'volunteer',
      volunteerType: 'online',
      place: '云上志愿者',
      scope: { communityId: 'c_sunny' },
    })
    const transport = role({
      id: 'role_t',
      role: 'volunteer',
      volunteerType: 'transport',
      place: '运输志愿者',
      scope: { communityId: 'c_sunny' },
    })
    const mine = homeEntries(me({ roles: [residentRole], households: [household201] }))
    expect(mine.find((e) => e.key === 'needs-mine-hh_201')).toMatchObject({
      title: '需求登记',
      url: '/packageNeeds/pages/mine?household=hh_201',
    })
    expect(homeEntries(me({ roles: [online] })).find((e) => e.key === 'needs-queue-c_sunny')).toMatchObject({
      title: '需求接单',
      url: '/packageNeeds/pages/queue?communityId=c_sunny',
    })
    expect(keys(me({ roles: [leadRole] }))).toContain('needs-queue-c_sunny')
    expect(keys(me({ roles: [leadRole] }))).not.toContain('needs-rollup-c_sunny')
    expect(keys(me({ roles: [transport] }))).not.toContain('needs-queue-c_sunny')
  })
})

describe('the deployment’s configuration, for the committee', () => {
  const problem = {
    id: 'templates',
    ok: false,
    title: '订阅消息模板',
    message:
      '订阅消息模板 ID 未配置：「提醒未报」的提醒和通知发不出去。请在小程序后台「功能 → 订阅消息 → 我的模板」选用模板…',
  }
  const fine = { id: 'env', ok: true, title: '云开发环境', message: '云函数运行在环境 prod-1a2b。' }

  it('shows the committee a red card with each problem and what to set where', async () => {
    community({
      whoami: () => ok(me({ roles: [committeeRole] })),
      health: () => ok({ ok: false, local: false, checks: [problem, fine] }),
    })
    const comp = mount('pages/index/index')
    await settle()
    await settle()
    expect(fakeCloud.calls).toContainEqual({
      name: 'community',
      data: { action: 'health', payload: { communityId: 'c_sunny' } },
    })
    expect(text(comp, '#health .problems-title')).toBe('配置有问题，请尽快处理')
    expect(text(comp, '#problem-templates')).toContain('订阅消息模板 ID 未配置：「提醒未报」的提醒和通知发不出去')
    // Only the problems: what is fine is not listed.
    expect(comp.querySelector('#problem-env')).toBeUndefined()
  })

  it('shows nothing when every check is fine, or when the check cannot be asked', async () => {
    community({
      whoami: () => ok(me({ roles: [committeeRole] })),
      health: () => ok({ ok: true, local: true, checks: [fine] }),
    })
    let comp = mount('pages/index/index')
    await settle()
    await settle()
    expect(comp.querySelector('#health')).toBeUndefined()

    community({
      whoami: () => ok(me({ roles: [committeeRole] })),
      health: () => fail('INTERNAL', '系统繁忙，请稍后再试'),
    })
    comp = mount('pages/index/index')
    await settle()
    await settle()
    expect(comp.querySelector('#health')).toBeUndefined()
    expect(comp.data.state).toBe('ready')
  })

  it('never asks for residents, leads or a 团长', async () => {
    for (const roles of [[residentRole], [leadRole], [communityLeadRole]]) {
      fakeCloud.reset()
      community({
        whoami: () => ok(me({ roles, households: [household201] })),
        health: () => ok({ ok: false, local: false, checks: [problem] }),
      })
      const comp = mount('pages/index/index')
      await settle()
      await settle()
      expect(fakeCloud.calls.map((c) => c.data.action)).not.toContain('health')
      expect(comp.querySelector('#health')).toBeUndefined()
    }
  })
})
