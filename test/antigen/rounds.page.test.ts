import type { Envelope, RoundView } from '../../typings/api'
import { defaultDeadline } from '../../miniprogram/packageAntigen/utils/time'
import {
  antigen,
  committeeRole,
  community,
  communityLeadRole,
  fail,
  leadRole,
  me,
  ok,
  round,
  sent,
  sentAntigen,
  structureView,
} from '../support/pages/fixtures'
import { fire, mount, settleAll, tap, text, texts, type } from '../support/pages/harness'

const PAGE = 'packageAntigen/pages/rounds'
const q = { communityId: 'c_sunny' }
/** 09:10 on 20 November in Shanghai. */
const NOW = Date.parse('2026-11-20T01:10:00.000Z')

function answerModal(confirm: boolean) {
  return jest.spyOn(wx, 'showModal').mockImplementation(((opts: WechatMiniprogram.ShowModalOption) => {
    opts.success?.({ confirm, cancel: !confirm, content: '', errMsg: 'showModal:ok' })
  }) as never)
}

const closed = round({
  id: 'r_1119',
  date: '2026-11-19',
  deadline: '2026-11-19T10:00:00.000Z',
  openedAt: '2026-11-19T00:00:00.000Z',
  status: 'closed',
  allBuildings: false,
  buildingCount: 12,
})

function committee(rounds: RoundView[] = [closed, round()]) {
  community({ whoami: () => ok(me({ roles: [committeeRole] })), structure: () => ok(structureView()) })
  antigen({
    listRounds: () => ok(rounds),
    openRound: (p) =>
      ok(
        round({
          id: 'r_new',
          date: p.date,
          deadline: p.deadline,
          notice: p.notice,
          openedAt: new Date(NOW).toISOString(),
          allBuildings: !p.buildingIds,
          buildingCount: p.buildingIds?.length ?? 3,
        }),
      ),
  })
}

describe('antigen rounds', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('lists the rounds newest first and opens a round’s table', async () => {
    committee()
    const navigate = jest.spyOn(wx, 'navigateTo')
    spies.push(navigate)
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sentAntigen('listRounds')).toEqual([{ communityId: 'c_sunny', limit: 30 }])
    expect(texts(comp, '.round')).toEqual([
      '11月20日 08:30 开始（进行中）截止 18:00 · 全部楼栋',
      '11月19日 08:00 开始（已结束）截止 18:00 · 12 栋楼',
    ])
    await tap(comp, '#round-r_1119')
    expect(navigate).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/packageAntigen/pages/table?roundId=r_1119' }),
    )
  })

  it('opens a round for all buildings with today and the deadline in Shanghai time', async () => {
    committee()
    spies.push(jest.spyOn(Date, 'now').mockReturnValue(NOW))
    const modal = answerModal(true)
    spies.push(modal)
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#new-round')
    expect(comp.data.form).toMatchObject({ date: '2026-11-20', time: '11:30', all: true })
    expect(comp.data.today).toBe('2026-11-20')
    expect(comp.data.form.notice).toContain('11月20日 11:30 前完成抗原自测')

    await fire(comp, 'change', { value: '18:00' }, '#time')
    expect(comp.data.form.notice).toContain('11月20日 18:00 前')
    await tap(comp, '#open-round')
    expect(modal).toHaveBeenCalledWith(
      expect.objectContaining({ title: '开始新一轮检测', content: expect.stringContaining('18:00 截止，全部楼栋') }),
    )
    expect(sentAntigen('openRound')).toEqual([
      {
        communityId: 'c_sunny',
        date: '2026-11-20',
        deadline: '2026-11-20T10:00:00.000Z',
        notice:
          '请于 11月20日 18:00 前完成抗原自测，并在「邻里接力」小程序接龙：每人拍一张试剂照片，滴样后等满 15 分钟再拍。家中老人请家人或楼组长代报。',
        requestId: expect.stringMatching(/^[A-Za-z0-9_-]{8,40}$/),
      },
    ])
    expect(texts(comp, '.round')[0]).toContain('11月20日 09:10 开始（进行中）截止 18:00')
    expect(comp.data.formShown).toBe(false)
  })

  it('opens a round for the buildings picked, with the notice as written', async () => {
    committee()
    spies.push(jest.spyOn(Date, 'now').mockReturnValue(NOW), answerModal(true))
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#new-round')
    await fire(comp, 'change', { value: '2026-11-21' }, '#date')
    await type(comp, '  明早 8 点前接龙  ', '#notice')
    await fire(comp, 'change', { value: '2026-11-22' }, '#date')
    expect(comp.data.form.notice).toBe('  明早 8 点前接龙  ')

    await tap(comp, '#scope-pick')
    expect(sent('structure')).toEqual([{ communityId: 'c_sunny' }])
    await tap(comp, '#open-round')
    expect(text(comp, '#pick-error')).toBe('请至少选择一栋楼，或选「全部楼栋」')
    await tap(comp, '#pick-g_1 .pick-all')
    await tap(comp, '#pick-b_1')
    await tap(comp, '#pick-b_21')
    expect(comp.data.pick.chosen).toBe(2)
    await tap(comp, '#open-round')
    expect(sentAntigen('openRound')).toEqual([
      {
        communityId: 'c_sunny',
        date: '2026-11-22',
        deadline: '2026-11-22T03:30:00.000Z',
        notice: '明早 8 点前接龙',
        buildingIds: ['b_12', 'b_21'],
        requestId: expect.stringMatching(/^[A-Za-z0-9_-]{8,40}$/),
      },
    ])
    expect(texts(comp, '.round')[0]).toContain('2 栋楼')
  })

  it('sends the same request id when the first attempt failed, and a new one for the next round', async () => {
    committee()
    let fails = true
    antigen({
      listRounds: () => ok([closed]),
      openRound: (p) => (fails ? fail('INTERNAL', '网络不太好，请再试一次') : ok(round({ id: 'r_new', date: p.date }))),
    })
    spies.push(jest.spyOn(Date, 'now').mockReturnValue(NOW))
    spies.push(answerModal(true))
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#new-round')
    await tap(comp, '#open-round')
    // The page tries three times (the call and two retries, 0.6 s and 1.2 s later), then the user taps again.
    for (let i = 0; i < 50 && sentAntigen('openRound').length < 3; i++) await new Promise((r) => setTimeout(r, 100))
    await settleAll()
    expect(sentAntigen('openRound')).toHaveLength(3)
    expect(comp.data.opening).toBe(false)
    fails = false
    await tap(comp, '#open-round')
    const sent = sentAntigen('openRound') as { requestId: string }[]
    expect(sent).toHaveLength(4)
    expect(new Set(sent.map((p) => p.requestId)).size).toBe(1)
    expect(comp.data.formShown).toBe(false)
    await tap(comp, '#new-round')
    await tap(comp, '#open-round')
    const next = (sentAntigen('openRound') as { requestId: string }[])[4]
    expect(next?.requestId).toMatch(/^[A-Za-z0-9_-]{8,40}$/)
    expect(next?.requestId).not.toBe(sent[0]?.requestId)
  })

  it('refuses a deadline already past and an empty notice, and sends nothing when the dialog is cancelled', async () => {
    committee()
    spies.push(jest.spyOn(Date, 'now').mockReturnValue(NOW))
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#new-round')
    await fire(comp, 'change', { value: '09:00' }, '#time')
    await type(comp, ' ', '#notice')
    await tap(comp, '#open-round')
    expect(text(comp, '#deadline-error')).toBe('截止时间已经过了，请选晚一点的时间')
    expect(text(comp, '#notice-error')).toBe('请填写发给住户的通知')

    await fire(comp, 'change', { value: '12:00' }, '#time')
    await type(comp, '中午前接龙', '#notice')
    const modal = answerModal(false)
    spies.push(modal)
    await tap(comp, '#open-round')
    expect(modal).toHaveBeenCalled()
    expect(sentAntigen('openRound')).toEqual([])
  })

  it('takes the day from Shanghai, not UTC, and keeps a late deadline on the same day', () => {
    // 01:30 on 20 November in Shanghai is still 19 November in UTC.
    expect(defaultDeadline(Date.parse('2026-11-19T17:30:00.000Z'))).toEqual({ date: '2026-11-20', time: '03:30' })
    // 23:00 in Shanghai: two hours later is tomorrow, so the deadline stays at 23:30 today.
    expect(defaultDeadline(Date.parse('2026-11-20T15:00:00.000Z'))).toEqual({ date: '2026-11-20', time: '23:30' })
  })

  it('shows the form at once to a 团长 when there is no round yet, and says what to do', async () => {
    community({ whoami: () => ok(me({ roles: [communityLeadRole] })) })
    antigen({ listRounds: () => ok([]) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(comp.data.formShown).toBe(true)
    expect(text(comp, '#empty')).toContain('点「开始并通知住户」')
    expect(comp.querySelector('#hide-form')).toBeUndefined()
  })

  it('gives others the list only', async () => {
    community({ whoami: () => ok(me({ roles: [leadRole] })) })
    antigen({ listRounds: () => ok([]) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(comp.querySelector('#new-round')).toBeUndefined()
    expect(comp.querySelector('#form')).toBeUndefined()
    expect(text(comp, '#empty')).toContain('居委开始新一轮后，这里会显示')
  })

  it('shows the error and retries', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })) })
    let answer: Envelope<RoundView[]> = fail('FORBIDDEN', '您没有权限进行此操作')
    antigen({ listRounds: () => answer })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#error', '.status-message')).toBe('您没有权限进行此操作')
    answer = ok([round()])
    await tap(comp, '#error', '.status-action')
    expect(texts(comp, '.round')).toHaveLength(1)
  })
})
