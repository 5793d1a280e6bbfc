import { formatShanghai, shanghaiDay, startOfShanghaiDay } from '../../server/kernel'

describe('Asia/Shanghai dates while the process runs in UTC', () => {
  it('runs in UTC like CloudBase', () => {
    expect(new Date('2026-11-24T00:00:00Z').getTimezoneOffset()).toBe(0)
  })

  it('puts 23:30 UTC on the next Shanghai day', () => {
    expect(shanghaiDay(new Date('2026-11-23T23:30:00Z'))).toBe('2026-11-24')
    expect(formatShanghai(new Date('2026-11-23T23:30:00Z'))).toBe('2026-11-24 07:30')
  })

  it('starts a Shanghai day at 16:00 UTC the day before', () => {
    expect(startOfShanghaiDay('2026-11-24').toISOString()).toBe('2026-11-23T16:00:00.000Z')
  })
})
