import type { WhoAmI } from '../../typings/api'
import { homeEntries } from '../../miniprogram/pages/index/entries'
import {
  antigen,
  callOrder,
  committeeRole,
  community,
  communityLeadRole,
  fail,
  household201,
  leadRole,
  me,
  mySubmission,
  ok,
  residentRole,
  role,
  round,
  sentAntigen,
} from '../support/pages/fixtures'
import { mount, settleAll, tap, text } from '../support/pages/harness'

const PAGE = 'pages/index/index'
const groupLead = role({ role: 'groupLead', place: '第1营 营长', scope: { communityId: 'c_sunny', groupId: 'g_1' } })
const yesterday = round({
  id: 'r_1119',
  date: '2026-11-19',
  deadline: '2026-11-19T10:00:00.000Z',
  openedAt: '2026-11-19T00:00:00.000Z',
  status: 'closed',
})

function subscribeAnswer(answer: 'accept' | 'reject') {
  return jest.spyOn(wx, 'requestSubscribeMessage').mockImplementation(((
    o: WechatMiniprogram.RequestSubscribeMessageOption,
  ) => {
    o.success?.({ errMsg: 'requestSubscribeMessage:ok', ...Object.fromEntries(o.tmplIds.map((id) => [id, answer])) })
  }) as never)
}

describe('home antigen entries', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('offers a resident 报抗原 for an open round, first and green, and opens the submit page', async () => {
    community({ whoami: () => ok(me({ roles: [residentRole], households: [household201] })) })
    antigen({ myRounds: () => ok([mySubmission()]) })
    const navigate = jest.spyOn(wx, 'navigateTo')
    spies.push(navigate)
    const comp = mount(PAGE)
    await settleAll()
    // The call-up's turns load beside the rounds (a resident's building while a session runs).
    expect(callOrder()).toEqual(['community.whoami', 'antigen.myRounds', 'callup.myTurn'])
    expect(sentAntigen('listRounds')).toEqual([])
    const entry = text(comp, '#entry-antigen-r_1120-hh_201') ?? ''
    expect(entry).toContain('报抗原')
    expect(entry).toContain('12-201 未报 · 11月20日 18:00 截止')
    expect(comp.data.entries[0]).toMatchObject({ key: 'antigen-r_1120-hh_201', primary: true })

    await tap(comp, '#entry-antigen-r_1120-hh_201')
    expect(navigate).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/packageAntigen/pages/submit?roundId=r_1120&householdId=hh_201' }),
    )
  })

  it('shows a submitted household as 已报 with its number', () => {
    const entries = homeEntries(me({ households: [household201] }), {
      mine: [mySubmission({ submitted: true, no: 7 }), mySubmission({ householdId: 'hh_9', label: '3-101' })],
    })
    expect(entries.find((e) => e.key === 'antigen-r_1120-hh_201')).toMatchObject({
      desc: '12-201 已报（第 7 位） · 可以修改',
      primary: false,
    })
    expect(entries.find((e) => e.key === 'antigen-r_1120-hh_9')?.desc).toBe('3-101 未报 · 11月20日 18:00 截止')
  })

  it('gives a lead the chain of the latest open round for their building, without asking for myRounds', async () => {
    community({ whoami: () => ok(me({ roles: [leadRole] })) })
    antigen({ listRounds: () => ok([yesterday, round()]) })
    const comp = mount(PAGE)
    await settleAll()
    expect(sentAntigen('myRounds')).toEqual([])
    expect(sentAntigen('listRounds')).toEqual([{ communityId: 'c_sunny', limit: 5 }])
    expect(text(comp, '#entry-chain-b_12')).toContain('本楼接龙')
    expect(text(comp, '#entry-chain-b_12')).toContain('12号 楼组长：11月20日，18:00 截止')
    expect(comp.data.entries.find((e: { key: string }) => e.key === 'chain-b_12')?.url).toBe(
      '/packageAntigen/pages/chain?roundId=r_1120&buildingId=b_12',
    )
    expect(comp.querySelector('#entry-table-c_sunny')).toBeUndefined()
    expect(comp.querySelector('#entry-rounds-c_sunny')).toBeUndefined()
  })

  it('falls back to the latest round when none is open, and shows no chain before any round', () => {
    const lead = me({ roles: [leadRole] })
    expect(homeEntries(lead, { rounds: { c_sunny: [yesterday] } }).find((e) => e.key === 'chain-b_12')).toMatchObject({
      desc: '12号 楼组长：11月19日（已结束）',
      primary: false,
    })
    expect(homeEntries(lead, { rounds: { c_sunny: [] } }).map((e) => e.key)).not.toContain('chain-b_12')
  })

  it('gives a 营长 the latest table, the committee and 团长 the table and the rounds', () => {
    const rounds = { c_sunny: [round(), yesterday] }
    const keys = (who: WhoAmI) => homeEntries(who, { rounds }).map((e) => e.key)
    expect(keys(me({ roles: [groupLead] }))).toEqual([
      'join',
      'table-c_sunny',
      'delivery-board-c_sunny',
      'care-c_sunny',
      'registers-c_sunny',
      'needs-queue-c_sunny',
      'needs-rollup-c_sunny',
      'data',
    ])
    expect(homeEntries(me({ roles: [groupLead] }), { rounds }).find((e) => e.key === 'table-c_sunny')).toMatchObject({
      title: '检测汇总',
      url: '/packageAntigen/pages/table?roundId=r_1120',
    })
    expect(keys(me({ roles: [committeeRole] })).slice(0, 3)).toEqual(['join', 'table-c_sunny', 'rounds-c_sunny'])
    expect(keys(me({ roles: [communityLeadRole] })).slice(0, 3)).toEqual(['join', 'table-c_sunny', 'rounds-c_sunny'])
    expect(homeEntries(me({ roles: [committeeRole] }), {}).find((e) => e.key === 'rounds-c_sunny')?.url).toBe(
      '/packageAntigen/pages/rounds?communityId=c_sunny',
    )
  })

  it('keeps the home page working when the antigen calls fail, and says how to retry', async () => {
    community({ whoami: () => ok(me({ roles: [residentRole, leadRole], households: [household201] })) })
    antigen({
      myRounds: () => fail('INTERNAL', '服务暂时不可用，请稍后再试'),
      listRounds: () => fail('INTERNAL', '服务暂时不可用，请稍后再试'),
    })
    const modal = jest.spyOn(wx, 'showModal')
    spies.push(modal)
    const comp = mount(PAGE)
    await settleAll()
    expect(comp.data.state).toBe('ready')
    expect(text(comp, '#entry-household-hh_201')).toContain('我的家')
    expect(text(comp, '#entry-roster-b_12')).toContain('楼栋名册')
    expect(text(comp, '#antigen-error')).toBe('检测信息暂时没有加载成功，下拉刷新可以重试')
    expect(modal).not.toHaveBeenCalled()
  })

  it('keeps the home page working when the antigen function is unreachable', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole], households: [household201] })) })
    const comp = mount(PAGE) // no antigen handler: the calls fail like a dropped network
    await settleAll()
    expect(comp.data.state).toBe('ready')
    expect(text(comp, '#entry-rounds-c_sunny')).toContain('检测轮次')
    expect(text(comp, '#antigen-error')).toContain('下拉刷新可以重试')
  })

  it('subscribes a resident to 开轮提醒 after they allow the notification', async () => {
    community({ whoami: () => ok(me({ roles: [residentRole], households: [household201] })) })
    antigen({ myRounds: () => ok([]), subscribeRounds: () => ok({ subscribed: true }) })
    const subscribe = subscribeAnswer('accept')
    spies.push(subscribe)
    const comp = mount(PAGE)
    await settleAll()
    expect(text(comp, '#entry-subscribe-rounds-c_sunny')).toContain('新一轮检测开始时，微信通知我')
    await tap(comp, '#entry-subscribe-rounds-c_sunny')
    expect(subscribe).toHaveBeenCalledWith(expect.objectContaining({ tmplIds: ['TPL_ROUND_OPENED'] }))
    expect(sentAntigen('subscribeRounds')).toEqual([{ communityId: 'c_sunny' }])
    expect(text(comp, '#entry-subscribe-rounds-c_sunny')).toContain('已订阅')
  })

  it('records the subscription with the build it came from, so the messages open it (体验版 → trial)', async () => {
    const builds: (() => WechatMiniprogram.AccountInfo)[] = [
      () => ({ miniProgram: { appId: 'wx1', envVersion: 'trial', version: '' }, plugin: {} }) as never,
      () => ({ miniProgram: { appId: 'wx1', envVersion: 'release', version: '1.0.0' }, plugin: {} }) as never,
      () => {
        throw new Error('getAccountInfoSync:fail')
      },
    ]
    const recorded: unknown[] = []
    for (const build of builds) {
      community({
        whoami: () => ok(me({ roles: [residentRole], households: [household201] })),
        recordSubscription: (p) => {
          recorded.push(p)
          return ok({ credits: { TPL_ROUND_OPENED: 1 } })
        },
      })
      antigen({ myRounds: () => ok([]), subscribeRounds: () => ok({ subscribed: true }) })
      spies.push(subscribeAnswer('accept'), jest.spyOn(wx, 'getAccountInfoSync').mockImplementation(build))
      const comp = mount(PAGE)
      await settleAll()
      await tap(comp, '#entry-subscribe-rounds-c_sunny')
      spies.splice(0).forEach((s) => s.mockRestore())
    }
    const asked = { templateIds: ['TPL_ROUND_OPENED'], accepted: ['TPL_ROUND_OPENED'] }
    // A base library that cannot say sends no build: the function sends to the released one.
    expect(recorded).toEqual([{ ...asked, envVersion: 'trial' }, { ...asked, envVersion: 'release' }, asked])
  })

  it('does not subscribe when the notification is refused, and explains', async () => {
    community({ whoami: () => ok(me({ roles: [residentRole], households: [household201] })) })
    antigen({ myRounds: () => ok([]), subscribeRounds: () => ok({ subscribed: true }) })
    const modal = jest.spyOn(wx, 'showModal')
    spies.push(subscribeAnswer('reject'), modal)
    const comp = mount(PAGE)
    await settleAll()
    await tap(comp, '#entry-subscribe-rounds-c_sunny')
    expect(sentAntigen('subscribeRounds')).toEqual([])
    expect(modal).toHaveBeenCalledWith(expect.objectContaining({ title: '没有开启提醒' }))
  })
})
