// Volunteers' hours per day for the committee: scheduled hours from each volunteer's shifts (weekdays, today,
// overnight), today's records (bags delivered, care checks, needs taken or done), the heavy days highlighted.
import type { CareRecordResult, VolunteerHoursPage } from '../../typings/api'
import type { DeliveryStopDoc } from '../../server/delivery/model'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { H, WHO } from '../support/community'
import { volunteer } from '../support/relay'
import { C1, care, CARE, freshRequest, loadCare, needDoc, PERSON } from '../support/care'

let t: TestCloud
let c: ReturnType<typeof care>
beforeAll(async () => {
  t = await startTestCloud()
  c = care(t)
})
afterAll(() => t.stop())
beforeEach(async () => {
  await t.setClock('2026-11-24T02:00:00.000Z') // Tuesday 10:00 in Shanghai
  await loadCare(t)
})

const stop = (id: string, by: string, at: string): DeliveryStopDoc => ({
  _id: id,
  deliveryId: 'd-1',
  communityId: C1,
  groupId: 'g1',
  buildingId: 'b1',
  householdId: H.b1r101._id,
  room: '101',
  floor: 1,
  label: '1-101',
  items: '大米 10公斤×1',
  pieces: 1,
  notify: [],
  status: 'delivered',
  delivered: { at: new Date(at), by, byName: '志愿者', markId: id },
  updatedAt: new Date(at),
})

describe('volunteerHours', () => {
  it('counts each volunteer’s scheduled hours per weekday and today, and today’s records', async () => {
    // A volunteer on an every-day 07:00–19:00 shift (12 h) and an overnight one on top: highlighted.
    await t.data.set(
      'roles',
      volunteer('o-heavy', 'transport', ['b3', 'b1'], {
        shifts: [
          { from: '07:00', to: '19:00' },
          { from: '18:00', to: '20:00', days: [6, 7] },
        ],
      }),
    )
    await c.ok<CareRecordResult>(CARE.bv1, 'recordCheck', {
      ...PERSON.wang,
      how: 'phone',
      result: 'safe',
      requestId: freshRequest(),
    })
    await t.data.insertMany('deliveryStops', [
      stop('s1', CARE.bv1, '2026-11-24T01:00:00Z'), // 09:00 today
      stop('s2', CARE.bv1, '2026-11-23T10:00:00Z'), // yesterday 18:00: not today
      stop('s3', 'o-heavy', '2026-11-24T00:30:00Z'),
    ])
    const need = needDoc('n-1', H.b1r102, 'taken', 'm-wang')
    await t.data.set('needs', {
      ...need,
      taken: { at: new Date('2026-11-24T01:30:00Z'), openid: CARE.on2, role: 'volunteer', name: '志愿者on2' },
      updatedAt: new Date('2026-11-24T01:30:00Z'),
    })

    const page = await c.ok<VolunteerHoursPage>(WHO.committee, 'volunteerHours', { communityId: C1 })
    expect(page).toMatchObject({ communityId: C1, day: '2026-11-24', thresholdHours: 8 })
    const row = Object.fromEntries(page.volunteers.map((v) => [v.name, v]))
    // Over the threshold first.
    expect(page.volunteers.map((v) => v.over)).toEqual([true, true, false, false, false, false])
    expect(row['志愿者heavy']).toMatchObject({
      posts: '1号、3号',
      shifts: '每天 07:00–19:00；周六、周日 18:00–20:00',
      // Overlapping hours count once: 07:00–20:00 on Saturday and Sunday is 13 h.
      weekdayHours: [12, 12, 12, 12, 12, 13, 13],
      todayHours: 12,
      today: { deliveries: 1, careChecks: 0, needs: 0 },
      over: true,
    })
    expect(row['志愿者bv1']).toMatchObject({
      volunteerType: 'building',
      weekdayHours: [4, 4, 4, 4, 4, 4, 4],
      todayHours: 4,
      today: {
        deliveries: 1,
        careChecks: 1,
        needs: 0,
        firstAt: '2026-11-24T01:00:00.000Z',
        lastAt: expect.stringMatching(/^2026-11-24T02:00/),
      },
      over: false,
    })
    // Monday 22:00–06:00 is 2 h on Monday and 6 h on Tuesday; Tuesday 09:00–18:00 is 9 h more: 15 h on Tuesday.
    expect(row['志愿者night']).toMatchObject({ weekdayHours: [2, 15, 0, 0, 0, 0, 0], todayHours: 15, over: true })
    // No shifts: on call at any hour, nothing scheduled to count.
    expect(row['志愿者on2']).toMatchObject({
      volunteerType: 'online',
      weekdayHours: null,
      todayHours: null,
      today: { needs: 1 },
      over: false,
    })
    // The committee reads names in full: the fixture's transport volunteer is the resident 孙八.
    expect(row['孙八']).toMatchObject({ volunteerType: 'transport', posts: '1号', weekdayHours: null })
  })

  it('is the committee’s and 团长’s only, with names masked for 团长', async () => {
    const tuan = await c.ok<VolunteerHoursPage>(WHO.communityLead, 'volunteerHours', { communityId: C1 })
    expect(tuan.volunteers.map((v) => v.name)).toContain('孙*')
    for (const who of [WHO.groupLead, WHO.buildingLead, CARE.bv1, WHO.resident, WHO.otherCommittee])
      expect(await c.call(who, 'volunteerHours', { communityId: C1 })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await c.call(WHO.committee, 'volunteerHours', { communityId: C1, day: 'x' })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
    })
  })
})
