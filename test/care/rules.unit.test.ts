// The pure rules of care: intervals, standing (overdue, pending, done) on Shanghai days, the 联系不上 streak and its
// alert, who stands how to a person (leads by scope, volunteers by post, type and shift), the flags each sees.
import type { RoleGrant } from '../../typings/api'
import {
  alertsOn,
  careOrder,
  careRelation,
  countsOf,
  deleteAfterOf,
  flagsFor,
  inMorningWindow,
  intervalHours,
  nextStreak,
  ownScope,
  standing,
} from '../../server/care/rules'

const at = (iso: string) => new Date(iso)
const C = 'c1'
const target = { communityId: C, groupId: 'g1', buildingId: 'b1', floor: 2, householdId: 'h1' }

describe('intervals and standing', () => {
  it('gives 独居 and 行动不便 24 h, everyone else 48 h', () => {
    expect(intervalHours(['elderly', 'alone'])).toBe(24)
    expect(intervalHours(['mobility'])).toBe(24)
    expect(intervalHours(['elderly', 'chronic'])).toBe(48)
    expect(intervalHours(['infant'])).toBe(48)
  })

  it('is overdue when never contacted, done when contacted today, pending in between, overdue past the interval', () => {
    const now = at('2026-11-24T02:00:00Z') // 10:00 Shanghai
    expect(standing(['alone'], undefined, now)).toMatchObject({ state: 'overdue', contactedToday: false })
    // 08:00 today in Shanghai.
    expect(standing(['alone'], { lastSuccessAt: at('2026-11-24T00:00:00Z') }, now)).toMatchObject({
      state: 'done',
      contactedToday: true,
      dueAt: at('2026-11-25T00:00:00Z'),
    })
    // 23:00 yesterday in Shanghai (15:00 UTC): another Shanghai day, within 24 h.
    expect(standing(['alone'], { lastSuccessAt: at('2026-11-23T15:00:00Z') }, now)).toMatchObject({
      state: 'pending',
      contactedToday: false,
    })
    // Exactly 24 h ago: due now, overdue.
    expect(standing(['alone'], { lastSuccessAt: at('2026-11-23T02:00:00Z') }, now).state).toBe('overdue')
    expect(standing(['elderly'], { lastSuccessAt: at('2026-11-23T02:00:00Z') }, now).state).toBe('pending')
    expect(standing(['elderly'], { lastSuccessAt: at('2026-11-22T01:59:00Z') }, now).state).toBe('overdue')
  })

  it('counts the Shanghai day, not the UTC one', () => {
    // 00:30 on the 25th in Shanghai is still the 24th in UTC.
    const now = at('2026-11-24T16:30:00Z')
    expect(standing(['elderly'], { lastSuccessAt: at('2026-11-24T15:00:00Z') }, now).contactedToday).toBe(false)
    expect(standing(['elderly'], { lastSuccessAt: at('2026-11-24T16:10:00Z') }, now).contactedToday).toBe(true)
  })
})

describe('the 联系不上 streak', () => {
  it('grows with 联系不上, resets on any contact, and alerts once when it reaches two', () => {
    let s = 0
    const alerts: boolean[] = []
    for (const r of ['unreachable', 'unreachable', 'unreachable', 'safe', 'unreachable', 'needs'] as const) {
      s = nextStreak(s, r)
      alerts.push(alertsOn(s))
    }
    expect(alerts).toEqual([false, true, false, false, false, false])
  })
})

describe('who stands how to a person', () => {
  const now = at('2026-11-24T02:00:00Z')
  const g = (x: Partial<RoleGrant> & Pick<RoleGrant, 'role'>): RoleGrant => ({ scope: { communityId: C }, ...x })
  it('ranks committee, leads by scope, 营长 and 团长, volunteers by post, type and shift', () => {
    expect(careRelation([g({ role: 'committee' })], target, now)).toBe('committee')
    expect(careRelation([g({ role: 'buildingLead', scope: { communityId: C, buildingId: 'b1' } })], target, now)).toBe(
      'lead',
    )
    expect(
      careRelation([g({ role: 'floorLead', scope: { communityId: C, buildingId: 'b1', floor: 3 } })], target, now),
    ).toBeUndefined()
    expect(careRelation([g({ role: 'groupLead', scope: { communityId: C, groupId: 'g1' } })], target, now)).toBe(
      'rollup',
    )
    const bv = g({ role: 'volunteer', volunteerType: 'building', posts: ['b1'] })
    expect(careRelation([bv], target, now)).toBe('volunteer')
    expect(careRelation([{ ...bv, shifts: [{ from: '18:00', to: '22:00' }] }], target, now)).toBe('offShift')
    expect(careRelation([{ ...bv, volunteerType: 'transport' }], target, now)).toBeUndefined()
    expect(careRelation([{ ...bv, posts: ['b2'] }], target, now)).toBeUndefined()
    expect(careRelation([{ ...bv, scope: { communityId: 'c2' } }], target, now)).toBeUndefined()
    expect(careRelation([g({ role: 'resident', scope: { ...target } })], target, now)).toBeUndefined()
  })

  it('shows a volunteer 60岁以上, 独居 and 行动不便 only; leads every flag', () => {
    expect(flagsFor('volunteer', ['elderly', 'chronic', 'pregnant', 'infant'])).toEqual(['elderly'])
    expect(flagsFor('volunteer', ['chronic'])).toEqual([])
    expect(flagsFor('lead', ['chronic', 'infant'])).toEqual(['chronic', 'infant'])
  })

  it('gives a caller’s own list their buildings, floors and on-shift posts', () => {
    const own = ownScope(
      [
        g({ role: 'buildingLead', scope: { communityId: C, buildingId: 'b1' } }),
        g({ role: 'floorLead', scope: { communityId: C, buildingId: 'b2', floor: 3 } }),
        g({ role: 'volunteer', volunteerType: 'online', posts: ['b3'] }),
        g({ role: 'volunteer', volunteerType: 'building', posts: ['b4'], shifts: [{ from: '20:00', to: '22:00' }] }),
      ],
      C,
      now,
    )
    expect([...own.buildings]).toEqual(['b1', 'b3'])
    expect([...own.floors]).toEqual(['b2:3'])
    expect(own.offShiftPosts).toBe(true)
  })
})

describe('order, counts, the morning and retention', () => {
  it('puts overdue first, then pending, then done, each by building order and room', () => {
    const rows = [
      { state: 'done', buildingOrder: 0, room: '101' },
      { state: 'overdue', buildingOrder: 1, room: '1001' },
      { state: 'overdue', buildingOrder: 1, room: '201' },
      { state: 'pending', buildingOrder: 0, room: '301' },
      { state: 'overdue', buildingOrder: 0, room: '502' },
    ] as const
    expect([...rows].sort(careOrder).map((r) => `${r.state} ${r.buildingOrder} ${r.room}`)).toEqual([
      'overdue 0 502',
      'overdue 1 201',
      'overdue 1 1001',
      'pending 0 301',
      'done 0 101',
    ])
  })

  it('counts people, checked today, overdue and 联系不上', () => {
    expect(
      countsOf([
        { state: 'done', contactedToday: true, lastResult: 'safe' },
        { state: 'overdue', contactedToday: false, lastResult: 'unreachable' },
        { state: 'overdue', contactedToday: false },
      ]),
    ).toEqual({ people: 3, checkedToday: 1, overdue: 2, unreachable: 1 })
  })

  it('pushes in the morning, 08:00 to 12:00 in Shanghai', () => {
    expect(inMorningWindow(at('2026-11-23T23:59:00Z'))).toBe(false) // 07:59
    expect(inMorningWindow(at('2026-11-24T00:00:00Z'))).toBe(true) // 08:00
    expect(inMorningWindow(at('2026-11-24T03:59:00Z'))).toBe(true) // 11:59
    expect(inMorningWindow(at('2026-11-24T04:00:00Z'))).toBe(false) // 12:00
  })

  it('deletes a check 30 days after it was made', () => {
    expect(deleteAfterOf(at('2026-11-24T02:00:00Z'))).toEqual(at('2026-12-24T02:00:00Z'))
  })
})
