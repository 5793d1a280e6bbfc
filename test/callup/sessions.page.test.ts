// 线上叫号: the community's sessions (tap: the queue) and, for the committee and 团长, starting one with its name
// and sampling points; a refusal (a point already running) is said on the form.
import { committeeRole, community, COMMUNITY, fail, me, ok, role, structureView } from '../support/pages/fixtures'
import { callupCloud, queueView, SESSION_ID, sentCallup, sessionView } from '../support/pages/callup'
import { find, fire, mount, settleAll, tap, text, texts, type } from '../support/pages/harness'

const PAGE = 'packageCallup/pages/sessions'
const q = { communityId: COMMUNITY.id }

const sessions = () =>
  ok([
    sessionView(),
    sessionView({ id: 'cu_0', name: '12月1日全员核酸', status: 'ended', endedAt: '2026-12-01T04:00:00.000Z' }),
  ])

describe('call-up sessions', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('lists open and ended sessions; a tap opens the queue', async () => {
    community({ whoami: () => ok(me({ roles: [role({ role: 'volunteer', volunteerType: 'testing' })] })) })
    callupCloud({ listSessions: sessions })
    const navigate = jest.spyOn(wx, 'navigateTo')
    spies.push(navigate)
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sentCallup('listSessions')).toEqual([{ communityId: COMMUNITY.id }])
    expect(texts(comp, '.session .tag')).toEqual(['进行中', '已结束'])
    expect(text(comp, `#session-${SESSION_ID} .hint`)).toBe('东门采样点 · 135 栋楼')
    // A volunteer does not start sessions.
    expect(find(comp, '#start')).toBeUndefined()
    await tap(comp, `#session-${SESSION_ID}`)
    expect(navigate.mock.calls[0]?.[0].url).toBe(`/packageCallup/pages/queue?sessionId=${SESSION_ID}`)
  })

  it('lets the committee start a session with today’s name and its points, then opens its queue', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })) })
    callupCloud({ listSessions: () => ok([]), startSession: () => ok(queueView()) })
    const navigate = jest.spyOn(wx, 'navigateTo')
    spies.push(navigate)
    const comp = mount(PAGE, q)
    await settleAll()
    const d = new Date()
    expect((comp.instance as unknown as { data: { name: string } }).data.name).toBe(
      `${d.getMonth() + 1}月${d.getDate()}日全员核酸`,
    )
    expect(find(comp, '#empty')).toBeDefined()
    await type(comp, '东门、西门', '#points')
    await tap(comp, '#start-button')
    await settleAll()
    expect(sentCallup('startSession')).toEqual([
      {
        communityId: COMMUNITY.id,
        requestId: expect.stringMatching(/^st/),
        name: `${d.getMonth() + 1}月${d.getDate()}日全员核酸`,
        points: [{ name: '东门' }, { name: '西门' }],
      },
    ])
    expect(navigate.mock.calls[0]?.[0].url).toBe(`/packageCallup/pages/queue?sessionId=${SESSION_ID}`)
  })

  it('takes every building, or a run of them picked by name in the community’s order', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })), structure: () => ok(structureView()) })
    callupCloud({ listSessions: () => ok([]), startSession: () => ok(queueView()) })
    spies.push(jest.spyOn(wx, 'navigateTo'))
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#all')).toBe('全部 3 栋')
    expect(find(comp, '#from')).toBeUndefined()
    await tap(comp, '#some')
    await fire(comp, 'change', { value: '1' }, '#from')
    expect(text(comp, '#from .picker')).toBe('从 第2栋 12号')
    expect(text(comp, '#to .picker')).toBe('到 第3栋 21号')
    await tap(comp, '#start-button')
    await settleAll()
    expect(sentCallup('startSession')[0]?.buildingIds).toEqual(['b_12', 'b_21'])
  })

  it('says on the form why a session did not start', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })) })
    callupCloud({
      listSessions: sessions,
      startSession: () => fail('POINT_BUSY', '采样点「东门采样点」正在进行「12月3日全员核酸」，请先结束那一场'),
    })
    const comp = mount(PAGE, q)
    await settleAll()
    await type(comp, '东门采样点', '#points')
    await tap(comp, '#start-button')
    await settleAll()
    expect(text(comp, '#form-error')).toBe('采样点「东门采样点」正在进行「12月3日全员核酸」，请先结束那一场')
    await type(comp, '', '#points')
    await tap(comp, '#start-button')
    expect(text(comp, '#form-error')).toBe('请至少填一个采样点')
    expect(sentCallup('startSession')).toHaveLength(1)
  })
})
