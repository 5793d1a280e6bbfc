// A round's deadline read next to its day, in the phone's zone (the pages project runs in Asia/Shanghai).
import { formatDeadline } from '../../miniprogram/utils/format'
import { roundTitle } from '../../miniprogram/packageAntigen/utils/labels'
import type { RoundView } from '../../typings/api'

describe('formatDeadline', () => {
  it('gives the time alone on the round day, and the date too when the deadline is on another day', () => {
    expect(formatDeadline('2026-11-20', '2026-11-20T10:00:00.000Z')).toBe('18:00')
    // 02:00 on the 21st in Shanghai is 18:00 on the 20th in UTC.
    expect(formatDeadline('2026-11-20', '2026-11-20T18:00:00.000Z')).toBe('11月21日 02:00')
    expect(formatDeadline('2026-11-20', '2026-11-20T15:59:00.000Z')).toBe('23:59')
    expect(formatDeadline('2026-11-20', '')).toBe('')
    expect(formatDeadline('2026-11-20', 'not a date')).toBe('')
  })

  it('is what the round title shows', () => {
    const round = { date: '2026-11-20', deadline: '2026-11-20T18:00:00.000Z' } as RoundView
    expect(roundTitle(round)).toBe('11月20日 · 截止 11月21日 02:00')
  })
})
