// The demo's care contacts: made by the buildings' leads and 楼栋 / 云上 volunteers before the instant the demo is
// dated from, each person's status the one the function would have left after their checks, a few overdue, some
// not reached at the last try, and one person not reached twice in a row (alerted once).
import type { CareCheckDoc } from '../../server/care/model'
import type { HouseholdDoc, RoleDoc } from '../../server/community/model'
import { nextStreak, standing } from '../../server/care/rules'
import { generateDemo } from '../../scripts/demo/generate'

const NOW = Date.parse('2026-11-24T02:00:00.000Z')
const demo = generateDemo({ now: NOW })
const { careChecks, careStatus, households, roles } = demo.collections

describe('the demo’s care contacts', () => {
  it('checks most of the flagged residents, before now, by a carer of their building', () => {
    const flagged = households.flatMap((h) => h.members.filter((m) => m.flags.length).map((m) => `${h._id}:${m.id}`))
    expect(demo.summary.care.people).toBe(flagged.length)
    expect(careStatus.length).toBeGreaterThan(flagged.length * 0.9)
    const byOpenid = new Map<string, RoleDoc[]>()
    for (const r of roles) byOpenid.set(r.openid, [...(byOpenid.get(r.openid) ?? []), r])
    for (const c of careChecks) {
      expect(new Date(c.at).getTime()).toBeLessThan(NOW)
      expect(new Date(c.deleteAfter).getTime() - new Date(c.at).getTime()).toBe(30 * 86_400_000)
      const carer = (byOpenid.get(c.by) ?? []).some(
        (r) =>
          (r.role === 'buildingLead' && r.scope.buildingId === c.buildingId) ||
          (r.role === 'volunteer' &&
            (r.volunteerType === 'building' || r.volunteerType === 'online') &&
            (r.posts ?? []).includes(c.buildingId)),
      )
      expect([c._id, carer]).toEqual([c._id, true])
    }
  })

  it('keeps each status the function would have left, a few overdue and one alert', () => {
    const checks = new Map<string, CareCheckDoc[]>()
    for (const c of [...careChecks].sort((a, b) => +new Date(a.at) - +new Date(b.at)))
      checks.set(`${c.householdId}:${c.memberId}`, [...(checks.get(`${c.householdId}:${c.memberId}`) ?? []), c])
    const flagsOf = new Map(
      households.flatMap((h: HouseholdDoc) => h.members.map((m) => [`${h._id}:${m.id}`, m.flags])),
    )
    let overdue = 0
    for (const s of careStatus) {
      const mine = checks.get(s._id) ?? []
      expect(s.lastCheckId).toBe(mine.at(-1)?._id)
      expect(s.unreachableStreak).toBe(mine.reduce((n, c) => nextStreak(n, c.result), 0))
      if (standing(flagsOf.get(s._id) ?? [], s, new Date(NOW)).state === 'overdue') overdue++
    }
    expect(overdue).toBeGreaterThan(0)
    expect(demo.summary.care.overdue).toBeGreaterThanOrEqual(overdue)
    expect(demo.summary.care.overdue).toBeLessThan(demo.summary.care.people * 0.2)
    expect(careChecks.filter((c) => c.alerted)).toHaveLength(1)
    expect(careStatus.filter((s) => s.unreachableStreak >= 2)).toHaveLength(1)
  })
})
