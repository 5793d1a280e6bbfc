// Care in 示范二村 (c-demo-2) through the real pages in Chromium, the data in localcloud after each step: a 楼栋
// volunteer on shift opens their check list, records a visit to an elderly resident of their post (上门, 平安, a
// note); the check and the person's status are stored; the committee sees it in the overview's building row and in
// the volunteer's hours.
import type { CareOverviewView, Envelope, VolunteerHoursPage } from '../../typings/api'
import type { HouseholdDoc, RoleDoc } from '../../server/community/model'
import type { CareCheckDoc, CareStatusDoc } from '../../server/care/model'
import { householdLabel } from '../../server/community/structure'
import { inShanghai } from '../../server/kernel/time'
import { startE2E, type E2E } from '../support/e2e'

const COMMUNITY = 'c-demo-2'
const COMMITTEE = 'demo2-committee-1'

let e: E2E
let volunteer: RoleDoc
let person: { household: HouseholdDoc; memberId: string; label: string }

async function until<T>(what: string, check: () => Promise<T | undefined | false>, ms = 10000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await check()
    if (v !== undefined && v !== false) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const asCommittee = async <T>(action: string, payload: object): Promise<T> => {
  const res = await e.t.call<Envelope<T>>('care', { action, payload }, COMMITTEE)
  if (!res.ok) throw new Error(`${action}: ${res.code} ${res.message}`)
  return res.data
}

beforeAll(async () => {
  e = await startE2E()
  const roles = await e.t.data.findAll<RoleDoc>('roles', { communityId: COMMUNITY, role: 'volunteer' })
  const buildings = await e.t.data.findAll<{ _id: string; name: string }>('buildings', { communityId: COMMUNITY })
  const households = await e.t.data.findAll<HouseholdDoc>('households', { communityId: COMMUNITY })
  // A 楼栋 volunteer of the demo with an elderly resident (not living alone) in one of their posts.
  for (const r of roles.filter((x) => x.volunteerType === 'building')) {
    const h = households.find(
      (x) =>
        (r.posts ?? []).includes(x.buildingId) &&
        x.members.some((m) => m.flags.includes('elderly') && !m.flags.includes('alone')),
    )
    if (!h) continue
    volunteer = r
    const m = h.members.find(
      (x) => x.flags.includes('elderly') && !x.flags.includes('alone'),
    ) as HouseholdDoc['members'][number]
    const name = buildings.find((b) => b._id === h.buildingId)?.name ?? ''
    person = { household: h, memberId: m.id, label: householdLabel(name, h.room) }
    break
  }
  expect(volunteer).toBeDefined()
  // The demo's contacts of the last two days include some of this person's: start from nobody having reached them.
  await e.t.data.removeWhere('careChecks', { householdId: person.household._id, memberId: person.memberId })
  await e.t.data.removeWhere('careStatus', { householdId: person.household._id, memberId: person.memberId })
  // On shift now: a shift from an hour ago to two hours ahead (Shanghai time).
  const from = inShanghai(e.t.now() - 3_600_000).format('HH:00')
  const to = inShanghai(e.t.now() + 2 * 3_600_000).format('HH:00')
  await e.t.data.update('roles', volunteer._id, { shifts: [{ from, to }] })
}, 90000)
afterAll(async () => {
  await e?.stop()
})

describe('care in 示范二村', () => {
  it('a 楼栋 volunteer on shift records a visit to an elderly resident, and the committee sees it', async () => {
    const before = await asCommittee<CareOverviewView>('careOverview', { communityId: COMMUNITY })
    const row = before.buildings.find((b) => b.buildingId === person.household.buildingId)
    const hoursBefore = await asCommittee<VolunteerHoursPage>('volunteerHours', { communityId: COMMUNITY })
    const checksBefore = hoursBefore.volunteers.find((v) => v.roleId === volunteer._id)?.today.careChecks ?? 0
    expect(row).toBeDefined()

    const phone = await e.phone(volunteer.openid, { at: `packageCare/pages/list?communityId=${COMMUNITY}` })
    const card = `.person:has-text("${person.label} ")`
    await phone.$(card).waitFor()
    // Names masked for a volunteer; flags limited to the three a visit needs.
    expect(await phone.text(`${card} .person-flags`)).toContain('60岁以上')
    expect(await phone.text(`${card} .person-flags`)).not.toMatch(/慢性病|孕妇/)
    await phone.tap(`${card} .record`)
    await phone.tap(`${card} .how:has-text("上门")`)
    await phone.tap(`${card} .result:has-text("平安")`)
    await phone.type(`${card} .note`, '身体不错，门口放了一袋米')
    await phone.tap(`${card} .save`)

    const check = await until('the check', async () => {
      const rows = await e.t.data.find<CareCheckDoc>('careChecks', {
        householdId: person.household._id,
        memberId: person.memberId,
      })
      return rows.find((c) => c.by === volunteer.openid)
    })
    expect(check).toMatchObject({
      communityId: COMMUNITY,
      buildingId: person.household.buildingId,
      how: 'visit',
      result: 'safe',
      note: '身体不错，门口放了一袋米',
      by: volunteer.openid,
      role: 'volunteer',
    })
    const status = await e.t.data.get<CareStatusDoc>('careStatus', `${person.household._id}:${person.memberId}`)
    expect(status).toMatchObject({ lastCheckId: check._id, lastResult: 'safe', unreachableStreak: 0 })
    await until('the row to say 今日已联系', async () => (await phone.text(`${card} .person-state`)) === '今日已联系')
    expect(await phone.problems()).toEqual([])

    // The committee: the building's row counts one more contacted today.
    const committee = await e.phone(COMMITTEE, { at: `packageCare/pages/overview?communityId=${COMMUNITY}` })
    const building = `#building-${person.household.buildingId}`
    await committee.$(building).waitFor()
    expect(await committee.text(`${building} .building-counts`)).toContain(`已联系 ${(row?.checkedToday ?? 0) + 1}`)

    // And in the volunteer's hours: their check today.
    const hours = await asCommittee<VolunteerHoursPage>('volunteerHours', { communityId: COMMUNITY })
    const mine = hours.volunteers.find((v) => v.roleId === volunteer._id)
    expect(mine?.today.careChecks).toBe(checksBefore + 1)
    await committee.tap('#hours')
    expect(await committee.route()).toBe('packageCare/pages/hours')
    const vrow = `.volunteer:has-text("${mine?.name ?? ''} · 楼栋")`
    await committee.$(vrow).waitFor()
    expect(await committee.text(`${vrow} .volunteer-work`)).toContain(`关怀联系 ${checksBefore + 1} 次`)
    expect(await committee.text(`${vrow} .volunteer-today`)).toBe('今天排班 3 小时')
    expect(await committee.problems()).toEqual([])
  })
})
