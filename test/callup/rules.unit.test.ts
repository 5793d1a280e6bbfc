// The call-up's pure rules: how a call names its buildings, its notice, points' shares, who works a point, and what
// a resident reads.
import type { RoleGrant } from '../../typings/api'
import {
  callNotice,
  callText,
  countStates,
  pointKey,
  rangeLabel,
  splitToPoints,
  turnMessage,
  waitedMinutes,
  worksPoint,
} from '../../server/callup/rules'

describe('a call’s name', () => {
  it('says a run of consecutive numbers as its ends: 「3号–27号」', () => {
    const names = Array.from({ length: 25 }, (_, i) => `${i + 3}号`)
    expect(rangeLabel(names)).toBe('3号–27号')
    expect(rangeLabel(['12号楼', '13号楼', '14号楼'])).toBe('12号楼–14号楼')
    expect(rangeLabel(['东区1幢', '东区2幢'])).toBe('东区1幢–东区2幢')
  })

  it('lists names that are not contiguous numbers, runs kept together', () => {
    expect(rangeLabel(['3号', '4号', '5号', '9号', '综合楼', '11号'])).toBe('3号–5号、9号、综合楼、11号')
    expect(rangeLabel(['1号', '3号'])).toBe('1号、3号')
    // Another prefix or suffix breaks a run; so do leading zeros.
    expect(rangeLabel(['东区1号', '西区2号'])).toBe('东区1号、西区2号')
    expect(rangeLabel(['1号', '2号楼'])).toBe('1号、2号楼')
    expect(rangeLabel(['09号', '010号'])).toBe('09号、010号')
    expect(rangeLabel(['7号'])).toBe('7号')
  })

  it('makes the notice 「请 3号–27号 楼居民下楼检测」, within the template’s limits', () => {
    expect(callText('3号–27号')).toBe('请 3号–27号 楼居民下楼检测')
    expect(callText('12号楼')).toBe('请 12号楼 居民下楼检测')
    const at = new Date('2026-12-03T01:05:00Z')
    expect(callNotice('12月3日全员核酸', '3号–27号', at)).toEqual({
      thing1: '12月3日全员核酸',
      thing2: '3号–27号',
      time3: '2026-12-03 09:05',
      thing4: '请 3号–27号 楼居民下楼检测',
    })
    const long = callNotice('核酸', '1号、3号、5号、7号、9号、11号、13号', at)
    expect([...(long.thing2 as string)].length).toBeLessThanOrEqual(20)
    expect(long.thing4).toBe('请以上楼栋居民下楼检测')
  })
})

describe('sampling points', () => {
  it('share the buildings in order, the first points one more when it does not divide', () => {
    expect(splitToPoints(['a', 'b', 'c', 'd', 'e'], 2)).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ])
    expect(splitToPoints(['a'], 1)).toEqual([['a']])
  })

  it('are one point whatever the spacing, width or case of the name', () => {
    expect(pointKey(' 东门 采样点 ')).toBe(pointKey('东门采样点'))
    expect(pointKey('Ａ点')).toBe(pointKey('a点'))
  })

  it('are worked by the community’s 核酸 volunteers on shift whose posts cover one of their buildings', () => {
    const v = (extra: Partial<RoleGrant> = {}): RoleGrant => ({
      role: 'volunteer',
      scope: { communityId: 'c1' },
      volunteerType: 'testing',
      ...extra,
    })
    const at = new Date('2026-11-24T02:00:00Z') // 10:00 in Shanghai
    expect(worksPoint([v()], 'c1', ['b1'], at)).toBe(true)
    expect(worksPoint([v({ posts: ['b3'] })], 'c1', ['b1', 'b2'], at)).toBe(false)
    expect(worksPoint([v({ posts: ['b2'] })], 'c1', ['b1', 'b2'], at)).toBe(true)
    expect(worksPoint([v({ shifts: [{ from: '20:00', to: '22:00' }] })], 'c1', ['b1'], at)).toBe(false)
    expect(worksPoint([v({ shifts: [{ from: '08:00', to: '12:00' }] })], 'c1', ['b1'], at)).toBe(true)
    expect(worksPoint([v({ volunteerType: 'transport' })], 'c1', ['b1'], at)).toBe(false)
    expect(worksPoint([v()], 'c2', ['b1'], at)).toBe(false)
  })
})

describe('a building’s turn', () => {
  it('reads as a resident needs it', () => {
    expect(turnMessage('waiting', 5)).toBe('还没叫到您楼，前面还有 5 栋')
    expect(turnMessage('waiting', 0)).toBe('还没叫到您楼，下一栋就是您楼')
    expect(turnMessage('called', 0)).toBe('已叫到，请下楼')
    expect(turnMessage('done', 0)).toBe('本楼已检测完成')
    expect(turnMessage('skipped', 0, '有阳性封控')).toBe('本楼暂不叫号：有阳性封控')
  })

  it('counts states and minutes waited', () => {
    expect(countStates(['waiting', 'called', 'called', 'done'])).toEqual({
      waiting: 1,
      called: 2,
      testing: 0,
      done: 1,
      skipped: 0,
    })
    const called = new Date('2026-11-24T02:00:00Z')
    expect(waitedMinutes(called, new Date('2026-11-24T02:12:59Z'))).toBe(12)
    expect(waitedMinutes(undefined, called)).toBeUndefined()
  })
})
