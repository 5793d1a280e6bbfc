// The home page's call-up entries: a resident's building while a session runs (first, green once called), and
// 线上叫号 for the committee and 核酸 volunteers, before 我的数据.
import { committeeRole, community, household201, me, ok, residentRole, role } from '../support/pages/fixtures'
import { callupCloud, turnView } from '../support/pages/callup'
import { antigen } from '../support/pages/fixtures'
import { attr, find, mount, settleAll, text, type Mounted } from '../support/pages/harness'
import type { Entry } from '../../miniprogram/pages/index/entries'

const PAGE = 'pages/index/index'

const entries = (comp: Mounted) => (comp.data as { entries: Entry[] }).entries

describe('home call-up entries', () => {
  it('puts a resident’s called building first, green, opening their turn', async () => {
    community({ whoami: () => ok(me({ roles: [residentRole], households: [household201] })) })
    antigen({ myRounds: () => ok([]) })
    callupCloud({ myTurn: () => ok([turnView({ state: 'called', ahead: 0, message: '已叫到，请下楼' })]) })
    const comp = mount(PAGE)
    await settleAll()
    expect(entries(comp)[0]).toEqual({
      key: 'callup-turn-cu_1-b_12',
      title: '核酸叫号：12号',
      desc: '已叫到，请下楼',
      url: '/packageCallup/pages/turn?sessionId=cu_1',
      primary: true,
    })
    expect(text(comp, '#entry-callup-turn-cu_1-b_12')).toContain('已叫到，请下楼')
    // Residents get no session list.
    expect(find(comp, '#entry-callup-c_sunny')).toBeUndefined()
  })

  it('shows no turn entry when no session is running, or when the call fails', async () => {
    community({ whoami: () => ok(me({ roles: [residentRole], households: [household201] })) })
    antigen({ myRounds: () => ok([]) })
    callupCloud({})
    const comp = mount(PAGE)
    await settleAll()
    expect(entries(comp).some((e) => e.title.startsWith('核酸叫号'))).toBe(false)
  })

  it('offers 线上叫号 to the committee and a 核酸 volunteer, just before 我的数据', async () => {
    for (const r of [committeeRole, role({ role: 'volunteer', volunteerType: 'testing' })]) {
      community({ whoami: () => ok(me({ roles: [r] })), health: () => ok({ checks: [] } as never) })
      antigen({ listRounds: () => ok([]) })
      const comp = mount(PAGE)
      await settleAll()
      const titles = entries(comp).map((e) => e.title)
      expect(titles.slice(-2)).toEqual(['线上叫号', '我的数据'])
      expect(attr(comp, '#entry-callup-c_sunny', 'data-url')).toBe('/packageCallup/pages/sessions?communityId=c_sunny')
    }
  })
})
