// Scheduled hours per day from a volunteer's shifts (server/community/shifts.ts): weekdays, overnight shifts on the
// days their hours fall on, overlaps counted once, today in Shanghai.
import { minutesOnDay, weekdayMinutes } from '../../server/community/shifts'

const h = (m: number[] | undefined) => m?.map((x) => x / 60)

describe('weekdayMinutes', () => {
  it('is undefined without shifts (on call at any hour)', () => {
    expect(weekdayMinutes(undefined)).toBeUndefined()
    expect(weekdayMinutes([])).toBeUndefined()
  })

  it('counts an every-day shift on each day, and a weekday shift on its days only', () => {
    expect(h(weekdayMinutes([{ from: '08:00', to: '12:00' }]))).toEqual([4, 4, 4, 4, 4, 4, 4])
    expect(h(weekdayMinutes([{ from: '18:00', to: '21:30', days: [1, 3] }]))).toEqual([3.5, 0, 3.5, 0, 0, 0, 0])
  })

  it('splits an overnight shift over the two days it covers, Sunday night into Monday', () => {
    expect(h(weekdayMinutes([{ from: '22:00', to: '06:00', days: [1] }]))).toEqual([2, 6, 0, 0, 0, 0, 0])
    expect(h(weekdayMinutes([{ from: '20:00', to: '02:00', days: [7] }]))).toEqual([2, 0, 0, 0, 0, 0, 4])
    // Every night: 2 h before midnight and 6 h after, 8 h on each calendar day.
    expect(h(weekdayMinutes([{ from: '22:00', to: '06:00' }]))).toEqual([8, 8, 8, 8, 8, 8, 8])
  })

  it('counts overlapping shifts once', () => {
    expect(
      h(
        weekdayMinutes([
          { from: '08:00', to: '12:00' },
          { from: '10:00', to: '14:00' },
          { from: '13:00', to: '13:30', days: [2] },
        ]),
      ),
    ).toEqual([6, 6, 6, 6, 6, 6, 6])
  })
})

describe('minutesOnDay', () => {
  it('reads the Shanghai weekday of the instant', () => {
    const shifts = [{ from: '09:00', to: '17:00', days: [2] }]
    // 23:30 UTC on Monday 23 November is Tuesday 07:30 in Shanghai.
    expect(minutesOnDay(shifts, new Date('2026-11-23T23:30:00Z'))).toBe(480)
    expect(minutesOnDay(shifts, new Date('2026-11-23T12:00:00Z'))).toBe(0)
    expect(minutesOnDay(undefined, new Date('2026-11-23T12:00:00Z'))).toBeUndefined()
  })
})
