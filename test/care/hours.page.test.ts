// Volunteers' hours: those over the threshold first and marked, posts and shifts, hours per weekday and today,
// today's records; a volunteer without shifts says so.
import { committeeRole, community, me, ok } from '../support/pages/fixtures'
import { careCloud, hoursPage, sentCare } from '../support/pages/care'
import { find, mount, settleAll, text, texts } from '../support/pages/harness'

const PAGE = 'packageCare/pages/hours'

describe('volunteer hours', () => {
  it('shows each volunteer’s day, heavy ones first and marked', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })) })
    careCloud({ volunteerHours: () => ok(hoursPage()) })
    const comp = mount(PAGE, { communityId: 'c_sunny' })
    await settleAll()
    expect(sentCare('volunteerHours')).toEqual([{ communityId: 'c_sunny' }])
    expect(text(comp, '#over-count')).toBe('1 位志愿者排班过长')
    expect(texts(comp, '.volunteer-head')).toEqual(['赵** · 运输', '陈* · 楼栋', '孙* · 云上'])
    expect(find(comp, '#volunteer-0.volunteer-over')).toBeDefined()
    expect(find(comp, '#volunteer-1.volunteer-over')).toBeUndefined()
    expect(text(comp, '#volunteer-0 .volunteer-today')).toBe('今天排班 12 小时')
    expect(text(comp, '#volunteer-0 .volunteer-work')).toBe(
      '今天：送到门口 40 户 · 关怀联系 0 次 · 需求 1 件（08:00–18:00）',
    )
    expect(text(comp, '#volunteer-1 .volunteer-week')).toBe(
      '周一 2 · 周二 2 · 周三 2 · 周四 2 · 周五 2 · 周六 2 · 周日 2',
    )
    expect(texts(comp, '#volunteer-1 .volunteer-line').slice(0, 2)).toEqual(['负责 3号、4号、5号', '每天 08:00–10:00'])
    expect(text(comp, '#volunteer-2 .volunteer-today')).toBe('今天：未设班次')
    expect(texts(comp, '#volunteer-2 .volunteer-line')[1]).toBe('未设班次（随时可派）')
    expect(text(comp, '#volunteer-2 .volunteer-work')).toBe('今天还没有记录')
  })
})
