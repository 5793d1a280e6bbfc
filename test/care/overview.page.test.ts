// The committee's overview: totals, a row per building in the order sent (alerts marked), a building opens its
// list; the hours entry for the committee and 团长 only.
import { committeeRole, community, me, ok, role } from '../support/pages/fixtures'
import { careCloud, overviewView, sentCare } from '../support/pages/care'
import { find, mount, settleAll, tap, text, texts } from '../support/pages/harness'

const PAGE = 'packageCare/pages/overview'

describe('care overview', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('shows the totals and each building, and opens a building’s list and the hours', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })) })
    careCloud({ careOverview: () => ok(overviewView()) })
    const nav = jest.spyOn(wx, 'navigateTo')
    spies.push(nav)
    const comp = mount(PAGE, { communityId: 'c_sunny' })
    await settleAll()
    expect(sentCare('careOverview')).toEqual([{ communityId: 'c_sunny' }])
    expect([
      text(comp, '#total-people'),
      text(comp, '#total-checked'),
      text(comp, '#total-overdue'),
      text(comp, '#total-unreachable'),
    ]).toEqual(['11', '8', '2', '1'])
    expect(texts(comp, '.building-name')).toEqual(['1号', '12号'])
    expect(text(comp, '#building-b_12 .building-counts')).toBe('5 人 · 已联系 2 · 逾期 2 · 联系不上 1')
    expect(find(comp, '#building-b_12.building-alert')).toBeDefined()
    expect(find(comp, '#building-b_1.building-alert')).toBeUndefined()
    await tap(comp, '#building-b_12')
    expect(nav.mock.calls[0]?.[0]).toMatchObject({ url: '/packageCare/pages/list?communityId=c_sunny&buildingId=b_12' })
    await tap(comp, '#hours')
    expect(nav.mock.calls[1]?.[0]).toMatchObject({ url: '/packageCare/pages/hours?communityId=c_sunny' })
  })

  it('gives a 营长 no hours entry', async () => {
    const groupLead = role({ role: 'groupLead', scope: { communityId: 'c_sunny', groupId: 'g_1' } })
    community({ whoami: () => ok(me({ roles: [groupLead] })) })
    careCloud({
      careOverview: () =>
        ok(overviewView({ buildings: [], totals: { people: 0, checkedToday: 0, overdue: 0, unreachable: 0 } })),
    })
    const comp = mount(PAGE, { communityId: 'c_sunny' })
    await settleAll()
    expect(find(comp, '#hours')).toBeUndefined()
    expect(find(comp, '#empty')).toBeDefined()
  })
})
