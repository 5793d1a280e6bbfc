// The home page's group-buy entries: one per role that uses them, each opening its page in packageGroupbuy.
import { homeEntries } from '../../miniprogram/pages/index/entries'
import {
  committeeRole,
  community,
  communityLeadRole,
  household201,
  leadRole,
  me,
  ok,
  residentRole,
  role,
} from '../support/pages/fixtures'
import { mount, settleAll, tap, text } from '../support/pages/harness'

const merchantRole = role({ id: 'role_m', role: 'merchant', place: '鲜丰果蔬 商家' })
const entry = (key: string, ...roles: Parameters<typeof me>[0][]) =>
  homeEntries(me(Object.assign({}, ...roles))).find((e) => e.key === key)

describe('home group-buy entries', () => {
  it('gives a resident 团购 and 申请入驻 for the household’s community', () => {
    const resident = { roles: [residentRole], households: [household201] }
    expect(entry('groupbuy-c_sunny', resident)).toMatchObject({
      title: '团购',
      url: '/packageGroupbuy/pages/list?communityId=c_sunny',
    })
    expect(entry('merchant-apply-c_sunny', resident)).toMatchObject({
      title: '申请入驻',
      url: '/packageGroupbuy/pages/merchant?communityId=c_sunny',
    })
  })

  it('gives a lead 本楼团购 for the building, an approved shop 我的店铺 instead of 申请入驻', () => {
    expect(entry('groupbuy-lead-b_12', { roles: [leadRole] })).toMatchObject({
      title: '本楼团购',
      desc: '12号 楼组长：本楼接龙和分拣单，发到楼栋群',
      url: '/packageGroupbuy/pages/list?communityId=c_sunny&buildingId=b_12',
    })
    const shop = { roles: [residentRole, merchantRole], households: [household201] }
    expect(entry('shop-c_sunny', shop)).toMatchObject({
      title: '我的店铺',
      url: '/packageGroupbuy/pages/merchant?communityId=c_sunny',
    })
    expect(entry('merchant-apply-c_sunny', shop)).toBeUndefined()
  })

  it('gives the committee 团购与发放 and 商家审核, and 团长 团购, each in place of the resident’s entry', () => {
    const committee = { roles: [committeeRole, residentRole], households: [household201] }
    expect(entry('groupbuy-manage-c_sunny', committee)).toMatchObject({
      title: '团购与发放',
      url: '/packageGroupbuy/pages/list?communityId=c_sunny',
    })
    expect(entry('merchants-c_sunny', committee)).toMatchObject({
      title: '商家审核',
      url: '/packageGroupbuy/pages/merchants?communityId=c_sunny',
    })
    expect(entry('groupbuy-c_sunny', committee)).toBeUndefined()
    expect(entry('merchant-apply-c_sunny', committee)).toBeUndefined()
    expect(entry('groupbuy-manage-c_sunny', { roles: [communityLeadRole] })?.title).toBe('团购')
    expect(entry('merchants-c_sunny', { roles: [communityLeadRole] })).toBeUndefined()
  })

  it('opens the group buys from the home page, asking nothing more of the functions', async () => {
    community({ whoami: () => ok(me({ roles: [residentRole], households: [household201] })) })
    const navigate = jest.spyOn(wx, 'navigateTo')
    try {
      const comp = mount('pages/index/index')
      await settleAll()
      expect(text(comp, '#entry-groupbuy-c_sunny')).toContain('团购')
      await tap(comp, '#entry-groupbuy-c_sunny')
      expect(navigate).toHaveBeenCalledWith(
        expect.objectContaining({ url: '/packageGroupbuy/pages/list?communityId=c_sunny' }),
      )
    } finally {
      navigate.mockRestore()
    }
  })
})
