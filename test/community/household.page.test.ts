import type { ConsentView, MyData } from '../../typings/api'
import {
  community,
  fail,
  HEALTH,
  household201,
  householdView,
  joinRequest,
  leadRole,
  me,
  ok,
  PERSONAL,
  residentRole,
  sent,
} from '../support/pages/fixtures'
import { find, mount, settleAll, tap, text, texts, type } from '../support/pages/harness'

const personal: ConsentView = { kind: 'personal', version: '2026-11-v1', acceptedAt: '2026-11-20T02:05:00.000Z' }
const health: ConsentView = { kind: 'health', version: '2026-11-v1', acceptedAt: '2026-11-20T02:06:00.000Z' }

function answerModal(answer: { confirm: boolean; content?: string }) {
  return jest.spyOn(wx, 'showModal').mockImplementation(((opts: WechatMiniprogram.ShowModalOption) => {
    opts.success?.({
      confirm: answer.confirm,
      cancel: !answer.confirm,
      content: answer.content ?? '',
      errMsg: 'showModal:ok',
    })
  }) as never)
}

describe('my household page', () => {
  it('shows every member in full with their linked state, and the consents given', async () => {
    community({
      whoami: () => ok(me({ roles: [residentRole], households: [household201], consents: [personal] })),
      myHousehold: () => ok(householdView()),
    })
    const comp = mount('pages/household/index', { householdId: 'hh_201' })
    await settleAll()
    expect(sent('myHousehold')).toEqual([{ householdId: 'hh_201' }])
    expect(text(comp, '#household')).toContain('阳光小区 12-201')
    expect(text(comp, '#household')).toContain('2 人，其中 1 人已绑定微信')
    const members = texts(comp, '.member')
    expect(members[0]).toContain('王建国')
    expect(members[0]).toContain('13812345678')
    expect(members[0]).toContain('1948年生')
    expect(members[0]).toContain('60岁以上')
    expect(members[0]).toContain('慢性病')
    expect(members[0]).toContain('未绑定微信')
    expect(members[1]).toContain('已绑定微信')
    expect(text(comp, '#consent-personal')).toContain('已同意 · 11月20日 10:05')
    expect(text(comp, '#consent-health')).toContain('未同意')
    expect(find(comp, '#read-health')).toBeDefined()
  })

  it('opens the first household when none is named', async () => {
    community({ whoami: () => ok(me({ households: [household201] })), myHousehold: () => ok(householdView()) })
    mount('pages/household/index')
    await settleAll()
    expect(sent('myHousehold')).toEqual([{ householdId: 'hh_201' }])
  })

  it('says how to join when the user has no household', async () => {
    community({ whoami: () => ok(me()) })
    const nav = jest.spyOn(wx, 'navigateTo')
    const comp = mount('pages/household/index')
    await settleAll()
    expect(text(comp, '#empty')).toContain('您还没有加入住户')
    await tap(comp, '#empty', '.status-action')
    expect(nav).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/join/index' }))
    nav.mockRestore()
  })

  it('shows the error and retries', async () => {
    let broken = true
    community({
      whoami: () => ok(me({ households: [household201] })),
      myHousehold: () => (broken ? fail('FORBIDDEN', '您没有权限进行此操作') : ok(householdView())),
    })
    const comp = mount('pages/household/index', { householdId: 'hh_201' })
    await settleAll()
    expect(text(comp, '#error')).toContain('您没有权限进行此操作')
    broken = false
    await tap(comp, '#error', '.status-action')
    expect(comp.data.state).toBe('ready')
  })

  it('gives the health consent after showing its text', async () => {
    let consents = [personal]
    community({
      whoami: () => ok(me({ households: [household201], consents })),
      myHousehold: () => ok(householdView()),
      consentText: () => ok(HEALTH),
      giveConsent: (p) => {
        consents = [personal, { ...health, version: p.version }]
        return ok({ kind: p.kind, version: p.version, acceptedAt: health.acceptedAt })
      },
    })
    const comp = mount('pages/household/index', { householdId: 'hh_201' })
    await settleAll()
    await tap(comp, '#read-health')
    expect(text(comp, '#health-text')).toContain('抗原检测结果和试剂照片属于敏感个人信息')
    await tap(comp, '#give-health')
    expect(sent('giveConsent')).toEqual([{ kind: 'health', version: HEALTH.version }])
    expect(text(comp, '#consent-health')).toContain('已同意 · 11月20日 10:06')
    expect(find(comp, '#withdraw-health')).toBeDefined()
  })

  it('asks again for the personal-data consent when its text changed, and records the new version', async () => {
    // whoami lists only consents to the current text: the old acceptance is gone from it.
    let consents: ConsentView[] = [health]
    community({
      whoami: () => ok(me({ households: [household201], consents })),
      myHousehold: () => ok(householdView()),
      consentText: (p) => ok(p.kind === 'personal' ? PERSONAL : HEALTH),
      giveConsent: (p) => {
        consents = [health, { ...personal, version: p.version }]
        return ok({ kind: p.kind, version: p.version, acceptedAt: personal.acceptedAt })
      },
    })
    const comp = mount('pages/household/index', { householdId: 'hh_201' })
    await settleAll()
    expect(text(comp, '#consent-personal')).toContain('未同意')
    await tap(comp, '#read-personal')
    expect(sent('consentText')).toEqual([{ kind: 'personal' }])
    await tap(comp, '#give-health')
    expect(sent('giveConsent')).toEqual([{ kind: 'personal', version: PERSONAL.version }])
    expect(text(comp, '#consent-personal')).toContain('已同意')
    expect(find(comp, '#read-personal')).toBeUndefined()
  })

  it('withdraws the health consent only after confirming', async () => {
    let consents = [personal, health]
    community({
      whoami: () => ok(me({ households: [household201], consents })),
      myHousehold: () => ok(householdView()),
      withdrawConsent: () => {
        consents = [personal]
        return ok({ withdrawn: true })
      },
    })
    const comp = mount('pages/household/index', { householdId: 'hh_201' })
    await settleAll()

    let modal = answerModal({ confirm: false })
    await tap(comp, '#withdraw-health')
    expect(sent('withdrawConsent')).toEqual([])
    modal.mockRestore()

    modal = answerModal({ confirm: true })
    await tap(comp, '#withdraw-health')
    modal.mockRestore()
    expect(sent('withdrawConsent')).toEqual([{ kind: 'health' }])
    expect(text(comp, '#consent-health')).toContain('未同意')
  })
})

describe('my data page', () => {
  const myData = (): MyData => ({
    households: [{ ...householdView(), communityName: '阳光小区' }],
    roles: [residentRole, leadRole],
    consents: [personal, health],
    joinRequests: [joinRequest({ householdId: 'hh_201', label: '12-201', name: '王小明', status: 'approved' })],
    antigen: [
      {
        householdId: 'hh_201',
        label: '12-201',
        roundId: 'r_1120',
        date: '2026-11-20',
        status: 'closed',
        no: 3,
        submittedAt: '2026-11-20T01:00:00.000Z',
        proxy: false,
        members: [
          { memberId: 'm_1', name: '王小明', result: 'negative', photo: true },
          { memberId: 'm_2', name: '王奶奶', result: 'untested', reason: '卧床', photo: false },
        ],
        photosDeleteAt: '2026-12-04T04:00:00.000Z',
        resultsDeleteAt: '2026-12-20T04:00:00.000Z',
      },
    ],
  })

  it('renders everything stored about the user in full', async () => {
    community({ myData: () => ok(myData()) })
    const comp = mount('pages/household/data')
    await settleAll()
    expect(text(comp, '#households')).toContain('阳光小区 12-201')
    expect(text(comp, '#households')).toContain('房号 201 · 2 层 · 1 人已绑定微信')
    expect(text(comp, '#households')).toContain('13812345678')
    expect(text(comp, '#households')).toContain('王小明')
    expect(texts(comp, '#roles .item')).toEqual(['阳光小区 12-201 居民', '12号 楼组长'])
    expect(text(comp, '#consents')).toContain('个人信息授权')
    expect(text(comp, '#consents')).toContain('健康信息授权')
    expect(text(comp, '#requests')).toContain('12-201 王小明')
    expect(text(comp, '#requests')).toContain('已通过')
    // What the antigen rounds keep, per member, and until when.
    expect(text(comp, '#antigen')).toContain('11月20日 抗原检测 · 12-201 第 3 位')
    expect(text(comp, '#antigen')).toContain('王小明：阴性 · 有试剂照片')
    expect(text(comp, '#antigen')).toContain('王奶奶：未测（卧床）')
    expect(text(comp, '#antigen')).toContain('照片 12月4日 12:00 删除')
    expect(text(comp, '#antigen')).toContain('名单和结果 12月20日 12:00 删除，只保留各楼的统计数字')
  })

  it('says when nothing is stored', async () => {
    community({ myData: () => ok({ households: [], roles: [], consents: [], joinRequests: [], antigen: [] }) })
    const comp = mount('pages/household/data')
    await settleAll()
    expect(text(comp, '#empty')).toContain('本小程序没有保存您的信息')
    expect(comp.querySelector('#delete')).toBeUndefined()
  })

  it('shows the error and retries', async () => {
    let broken = true
    community({ myData: () => (broken ? fail('INTERNAL', '系统繁忙，请稍后再试') : ok(myData())) })
    const comp = mount('pages/household/data')
    await settleAll()
    expect(text(comp, '#error')).toContain('系统繁忙，请稍后再试')
    broken = false
    await tap(comp, '#error', '.status-action')
    expect(comp.data.state).toBe('ready')
  })

  it('deletes only after 删除 is typed, then refreshes whoami in globalData', async () => {
    let data = myData()
    community({
      myData: () => ok(data),
      deleteMyData: (p) => {
        data = { households: [], roles: [leadRole], consents: [personal, health], joinRequests: [], antigen: [] }
        return ok({ householdId: p.householdId, members: 1, roles: 1, householdErased: true, pendingFiles: 1 })
      },
      whoami: () => ok(me({ roles: [leadRole] })),
    })
    getApp<IAppOption>().globalData.me = me({ roles: [residentRole, leadRole], households: [household201] })
    const comp = mount('pages/household/data')
    await settleAll()

    await tap(comp, '#delete-button')
    expect(sent('deleteMyData')).toEqual([])
    await type(comp, '删', '#delete-input')
    expect(comp.data.deleteReady).toBe(false)
    await tap(comp, '#delete-button')
    expect(sent('deleteMyData')).toEqual([])

    await type(comp, '删除', '#delete-input')
    expect(comp.data.deleteReady).toBe(true)
    await tap(comp, '#delete-button')
    expect(sent('deleteMyData')).toEqual([{ householdId: 'hh_201', confirm: '删除' }])
    expect(sent('whoami')).toHaveLength(1)
    expect(getApp<IAppOption>().globalData.me?.households).toEqual([])
    expect(text(comp, '#deleted')).toContain(
      '已删除您在 阳光小区 12-201 的信息和身份；您是这一户最后一位成员，这一户的记录也已删除；还有 1 张照片稍后自动删除',
    )
    expect(comp.querySelector('#delete')).toBeUndefined()
    expect(texts(comp, '#roles .item')).toEqual(['12号 楼组长'])
  })
})
