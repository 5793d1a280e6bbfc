// Volunteers' shifts: when one is on shift (Shanghai time, overnight shifts, weekdays, boundaries), what a shift
// may be, and how a view writes them.
import type { VolunteerShift } from '../../typings/api'
import { normalShifts, onShift, shiftProblem, shiftsSchema, shiftText, validShift } from '../../server/community/shifts'

/** An instant given in Shanghai time; 2026-11-23 is a Monday. */
const sh = (dayTime: string) => new Date(`${dayTime}:00+08:00`)
const MON = '2026-11-23'
const TUE = '2026-11-24'
const SUN = '2026-11-29'

describe('onShift', () => {
  it('counts a volunteer without shifts on call at any hour', () => {
    expect(onShift(undefined, sh(`${MON}T03:00`))).toBe(true)
    expect(onShift([], sh(`${SUN}T23:59`))).toBe(true)
  })

  it('includes the start and excludes the end', () => {
    const day: VolunteerShift[] = [{ from: '08:00', to: '12:00' }]
    expect(onShift(day, sh(`${MON}T07:59`))).toBe(false)
    expect(onShift(day, sh(`${MON}T08:00`))).toBe(true)
    expect(onShift(day, sh(`${MON}T11:59`))).toBe(true)
    expect(onShift(day, sh(`${MON}T12:00`))).toBe(false)
    expect(onShift(day, sh(`${SUN}T09:30`))).toBe(true)
  })

  it('runs an overnight shift past midnight, its early hours belonging to the day it started', () => {
    const night: VolunteerShift[] = [{ from: '22:00', to: '06:00', days: [1] }]
    expect(onShift(night, sh(`${MON}T23:00`))).toBe(true)
    expect(onShift(night, sh(`${TUE}T03:00`))).toBe(true)
    expect(onShift(night, sh(`${TUE}T05:59`))).toBe(true)
    expect(onShift(night, sh(`${TUE}T06:00`))).toBe(false)
    // Monday's early hours are Sunday night's shift, which this one is not.
    expect(onShift(night, sh(`${MON}T03:00`))).toBe(false)
    expect(onShift(night, sh(`${MON}T21:59`))).toBe(false)
    expect(onShift(night, sh(`${TUE}T23:00`))).toBe(false)
    // A Sunday night shift reaches into Monday, across the week's end.
    const sundayNight: VolunteerShift[] = [{ from: '20:00', to: '02:00', days: [7] }]
    expect(onShift(sundayNight, sh(`${MON}T01:00`))).toBe(true)
    expect(onShift(sundayNight, sh(`${SUN}T01:00`))).toBe(false)
  })

  it('keeps to the weekdays given', () => {
    const evenings: VolunteerShift[] = [{ from: '18:00', to: '22:00', days: [1, 3] }]
    expect(onShift(evenings, sh(`${MON}T19:00`))).toBe(true)
    expect(onShift(evenings, sh(`${TUE}T19:00`))).toBe(false)
    expect(onShift(evenings, sh('2026-11-25T19:00'))).toBe(true)
    expect(onShift([{ from: '08:00', to: '12:00', days: [7] }], sh(`${SUN}T08:00`))).toBe(true)
  })

  it('is on shift when any of the shifts covers the moment', () => {
    const split: VolunteerShift[] = [
      { from: '07:00', to: '09:00' },
      { from: '17:00', to: '19:00', days: [6, 7] },
    ]
    expect(onShift(split, sh(`${MON}T08:00`))).toBe(true)
    expect(onShift(split, sh(`${MON}T18:00`))).toBe(false)
    expect(onShift(split, sh(`${SUN}T18:00`))).toBe(true)
  })

  it('reads Shanghai time, which has no daylight saving, whatever the instant is written in', () => {
    const day: VolunteerShift[] = [{ from: '08:00', to: '12:00' }]
    // 2026-03-29 Europe and 2026-03-08 America move their clocks; Shanghai does not: 00:30Z is 08:30 there.
    expect(onShift(day, new Date('2026-03-29T00:30:00Z'))).toBe(true)
    expect(onShift(day, new Date('2026-03-08T00:30:00Z'))).toBe(true)
    expect(onShift(day, new Date('2026-03-29T04:00:00Z'))).toBe(false)
    // 23:30 UTC on Sunday is Monday 07:30 in Shanghai.
    expect(onShift([{ from: '07:00', to: '08:00', days: [1] }], new Date('2026-11-22T23:30:00Z'))).toBe(true)
  })

  it('never counts a stored shift that is not a shift', () => {
    expect(onShift([{ from: '25:00', to: '06:00' }], sh(`${MON}T23:00`))).toBe(false)
    expect(onShift([{ from: '08:00', to: '08:00' }], sh(`${MON}T08:00`))).toBe(false)
  })
})

describe('what a shift may be', () => {
  it('takes HH:mm from 00:00 to 23:59, a start unlike the end, and weekdays 1–7 once each', () => {
    expect(validShift({ from: '00:00', to: '23:59' })).toBe(true)
    expect(validShift({ from: '22:00', to: '06:00', days: [5, 6, 7] })).toBe(true)
    for (const bad of [
      { from: '24:00', to: '06:00' },
      { from: '8:00', to: '12:00' },
      { from: '08:60', to: '12:00' },
      { from: '08:00', to: '08:00' },
      { from: '08:00', to: '12:00', days: [] },
      { from: '08:00', to: '12:00', days: [0] },
      { from: '08:00', to: '12:00', days: [8] },
      { from: '08:00', to: '12:00', days: [1.5] },
      { from: '08:00', to: '12:00', days: [2, 2] },
    ])
      expect([bad, validShift(bad)]).toEqual([bad, false])
    expect(shiftProblem({ from: '08:00', to: '08:00' })).toBe('班次的开始和结束时间不能相同')
  })

  it('allows at most 4 shifts in input, each checked', () => {
    const four = Array.from({ length: 4 }, (_, i) => ({ from: `0${i}:00`, to: `0${i}:30` }))
    expect(shiftsSchema.safeParse(four).success).toBe(true)
    expect(shiftsSchema.safeParse([...four, { from: '10:00', to: '11:00' }]).success).toBe(false)
    expect(shiftsSchema.safeParse([{ from: '08:00', to: '12:00', extra: 1 }]).success).toBe(false)
    const bad = shiftsSchema.safeParse([{ from: '08:00', to: '12:00', days: [3, 3] }])
    expect(bad.success ? '' : bad.error.issues[0]?.message).toBe('同一天不能选两次')
  })

  it('stores days in week order and drops a list of every day', () => {
    expect(
      normalShifts([
        { from: '08:00', to: '12:00', days: [3, 1] },
        { from: '18:00', to: '20:00', days: [1, 2, 3, 4, 5, 6, 7] },
      ]),
    ).toEqual([
      { from: '08:00', to: '12:00', days: [1, 3] },
      { from: '18:00', to: '20:00' },
    ])
  })
})

describe('shiftText', () => {
  it('writes shifts as a committee member says them', () => {
    expect(shiftText([{ from: '08:00', to: '12:00' }])).toBe('每天 08:00–12:00')
    expect(shiftText([{ from: '18:00', to: '22:00', days: [3, 1] }])).toBe('周一、周三 18:00–22:00')
    expect(shiftText([{ from: '22:00', to: '06:00', days: [7] }])).toBe('周日 22:00–次日06:00')
    expect(
      shiftText([
        { from: '08:00', to: '12:00', days: [1, 2, 3, 4, 5] },
        { from: '14:00', to: '17:00', days: [6, 7] },
      ]),
    ).toBe('周一、周二、周三、周四、周五 08:00–12:00；周六、周日 14:00–17:00')
    expect(shiftText(undefined)).toBe('')
  })
})
