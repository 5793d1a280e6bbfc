import type { PhoneRevealView } from '../../typings/api'
import { COMMUNITY, community, fail, ok, sent } from '../support/pages/fixtures'
import { mount, settleAll, tap, text, texts } from '../support/pages/harness'

const PAGE = 'packageCommittee/pages/reveals'

const reveal = (partial: Partial<PhoneRevealView> = {}): PhoneRevealView => ({
  id: 'rvl_1',
  at: '2026-11-20T02:05:00.000Z', // 10:05 in Shanghai
  by: '刘楼长',
  role: 'buildingLead',
  householdId: 'hh_401',
  label: '12-401',
  member: '赵建华',
  reason: 'remind',
  ...partial,
})

describe('phone reveal log (committee)', () => {
  it('lists who rang whom, when and why, newest first, with the daily cap', async () => {
    community({
      listPhoneReveals: () =>
        ok({
          perDay: 30,
          reveals: [
            reveal({ id: 'rvl_2', by: '孙八', role: 'volunteer', reason: 'other', note: '送药前确认在家' }),
            reveal(),
          ],
        }),
    })
    const comp = mount(PAGE, { communityId: COMMUNITY.id })
    await settleAll()
    expect(sent('listPhoneReveals')).toEqual([{ communityId: COMMUNITY.id }])
    expect(text(comp, '#about')).toContain('每人每天最多 30 次')
    expect(texts(comp, '.reveal-whom')).toEqual(['12-401 赵建华', '12-401 赵建华'])
    expect(text(comp, '#reveal-rvl_2')).toContain('孙八（志愿者）')
    expect(text(comp, '#reveal-rvl_2')).toContain('其他：送药前确认在家')
    expect(text(comp, '#reveal-rvl_1')).toContain('刘楼长（楼组长）')
    expect(text(comp, '#reveal-rvl_1')).toContain('11月20日 10:05 · 提醒报抗原')
  })

  it('says when nobody looked a number up', async () => {
    community({ listPhoneReveals: () => ok({ perDay: 30, reveals: [] }) })
    const comp = mount(PAGE, { communityId: COMMUNITY.id })
    await settleAll()
    expect(text(comp, '#empty')).toContain('最近 7 天没有人查看电话')
  })

  it('shows the error and retries', async () => {
    let broken = true
    community({
      listPhoneReveals: () =>
        broken ? fail('FORBIDDEN', '您没有权限进行此操作') : ok({ perDay: 30, reveals: [reveal()] }),
    })
    const comp = mount(PAGE, { communityId: COMMUNITY.id })
    await settleAll()
    expect(text(comp, '#error')).toContain('您没有权限进行此操作')
    broken = false
    await tap(comp, '#error', '.status-action')
    expect(texts(comp, '.reveal-whom')).toEqual(['12-401 赵建华'])
  })
})
