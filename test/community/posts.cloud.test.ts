// Volunteers' posts and shifts (定岗定责) through the community function: shifts stored and shown, bad ones refused,
// who may change a post, and the caps: per building for 楼栋 volunteers, community-wide for the other kinds.
import type { Envelope, RoleView, WhoAmI } from '../../typings/api'
import type { RoleDoc } from '../../server/community/model'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { B, C1, H, loadFixture, ROLES, snapshot, WHO } from '../support/community'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())
beforeEach(() => loadFixture(t))
afterEach(() => t.admin('faults', { method: 'DELETE' }))

const call = <T>(openid: string | undefined, action: string, payload: object = {}) =>
  t.call<Envelope<T>>('community', { action, payload }, openid)
const ok = async <T>(openid: string, action: string, payload: object = {}): Promise<T> => {
  const r = await call<T>(openid, action, payload)
  if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message}`)
  return r.data
}
const codeOf = (r: Envelope<unknown>) => (r.ok ? 'ok' : r.code)

/** The linked people of 测试小区: who can be given a role. */
const PEOPLE = {
  zhang: { householdId: H.b1r101._id, memberId: 'm-zhang' },
  zhao: { householdId: H.b1r201._id, memberId: 'm-zhao' },
  qian: { householdId: H.b2r101._id, memberId: 'm-qian' },
  sun: { householdId: H.b3r301._id, memberId: 'm-sun' },
}
const transportRole = ROLES.find((r) => r.openid === WHO.volunteer && r.role === 'volunteer') as RoleDoc

const buildingVolunteer = (person: keyof typeof PEOPLE, building: string, extra: object = {}) => ({
  communityId: C1,
  ...PEOPLE[person],
  role: 'volunteer',
  volunteerType: 'building',
  posts: [building],
  ...extra,
})

/** Warm instances and slow database calls, so that `n` calls at once overlap: each reads before the others write. */
async function overlapping(n: number) {
  await Promise.all(Array.from({ length: n }, () => ok(WHO.committee, 'whoami')))
  await t.admin('faults', { body: { latencyMs: 80 } })
}

const roleDoc = (id: string) => t.data.get<RoleDoc>('roles', id)
const buildingVolunteers = (building: string) =>
  t.data.count('roles', { communityId: C1, role: 'volunteer', volunteerType: 'building', posts: building })

describe('shifts', () => {
  it('stores a volunteer’s shifts and shows them in words to the committee and to the volunteer', async () => {
    const view = await ok<RoleView>(
      WHO.committee,
      'grantRole',
      buildingVolunteer('zhang', B.b1._id, {
        shifts: [
          { from: '18:00', to: '22:00', days: [3, 1] },
          { from: '08:00', to: '12:00', days: [1, 2, 3, 4, 5, 6, 7] },
        ],
      }),
    )
    const stored = [
      { from: '18:00', to: '22:00', days: [1, 3] },
      { from: '08:00', to: '12:00' },
    ]
    expect(view).toMatchObject({
      volunteerType: 'building',
      posts: [B.b1._id],
      shifts: stored,
      shiftsText: '周一、周三 18:00–22:00；每天 08:00–12:00',
      place: '楼栋 · 1号 志愿者',
    })
    expect((await roleDoc(view.id))?.shifts).toEqual(stored)

    const listed = await ok<RoleView[]>(WHO.committee, 'listRoles', { communityId: C1, role: 'volunteer' })
    expect(listed.find((r) => r.id === view.id)?.shiftsText).toBe('周一、周三 18:00–22:00；每天 08:00–12:00')
    const mine = (await ok<WhoAmI>('o-zhang', 'whoami')).roles.find((r) => r.role === 'volunteer')
    expect(mine).toMatchObject({ shifts: stored, shiftsText: '周一、周三 18:00–22:00；每天 08:00–12:00' })
    // A volunteer without shifts has none shown: on call at any hour.
    expect(listed.find((r) => r.id === transportRole._id)).not.toHaveProperty('shifts')
  })

  it('refuses bad shifts and posts with INVALID_INPUT, writing nothing', async () => {
    const before = await snapshot(t)
    const five = Array.from({ length: 5 }, (_, i) => ({ from: `0${i}:00`, to: `0${i}:30` }))
    const bad: object[] = [
      buildingVolunteer('zhang', B.b1._id, { shifts: five }),
      buildingVolunteer('zhang', B.b1._id, { shifts: [{ from: '08:00', to: '08:00' }] }),
      buildingVolunteer('zhang', B.b1._id, { shifts: [{ from: '24:00', to: '06:00' }] }),
      buildingVolunteer('zhang', B.b1._id, { shifts: [{ from: '8:00', to: '12:00' }] }),
      buildingVolunteer('zhang', B.b1._id, { shifts: [{ from: '08:00', to: '12:00', days: [0] }] }),
      buildingVolunteer('zhang', B.b1._id, { shifts: [{ from: '08:00', to: '12:00', days: [2, 2] }] }),
      buildingVolunteer('zhang', B.b1._id, { shifts: [{ from: '08:00', to: '12:00', days: [] }] }),
      // Shifts are a volunteer's only.
      { communityId: C1, ...PEOPLE.zhang, role: 'floorLead', buildingId: B.b1._id, floor: 1, shifts: [] },
      // A 楼栋 volunteer helps exactly one building.
      buildingVolunteer('zhang', B.b1._id, { posts: [] }),
      buildingVolunteer('zhang', B.b1._id, { posts: [B.b1._id, B.b2._id] }),
    ]
    for (const payload of bad) {
      const reply = await call(WHO.committee, 'grantRole', payload)
      expect([payload, codeOf(reply)]).toEqual([payload, 'INVALID_INPUT'])
    }
    for (const payload of [
      { roleId: transportRole._id, shifts: five },
      { roleId: transportRole._id, shifts: [{ from: '22:00', to: '22:00' }] },
      { roleId: transportRole._id },
      { roleId: ROLES.find((r) => r.role === 'buildingLead')?._id, shifts: [{ from: '08:00', to: '12:00' }] },
    ]) {
      const reply = await call(WHO.committee, 'setVolunteerPost', payload)
      expect([payload, codeOf(reply)]).toEqual([payload, 'INVALID_INPUT'])
    }
    expect(
      await call(WHO.committee, 'setVolunteerPost', { roleId: transportRole._id, posts: [B.x1._id] }),
    ).toMatchObject({ ok: false, code: 'NOT_FOUND', field: 'posts' })
    expect(await snapshot(t)).toBe(before)
  })
})

describe('setVolunteerPost', () => {
  it('lets the committee and the 团长 change a volunteer’s posts and shifts, and clear the shifts', async () => {
    const changed = await ok<RoleView>(WHO.committee, 'setVolunteerPost', {
      roleId: transportRole._id,
      posts: [B.b2._id, B.b3._id, B.b2._id],
      shifts: [{ from: '22:00', to: '06:00', days: [5] }],
    })
    expect(changed).toMatchObject({
      id: transportRole._id,
      posts: [B.b2._id, B.b3._id],
      shiftsText: '周五 22:00–次日06:00',
      place: '运输 · 2号、3号 志愿者',
    })
    expect(await roleDoc(transportRole._id)).toMatchObject({
      posts: [B.b2._id, B.b3._id],
      shifts: [{ from: '22:00', to: '06:00', days: [5] }],
    })

    // The 团长 changes the hours only: the posts stay.
    await ok(WHO.communityLead, 'setVolunteerPost', { roleId: transportRole._id, shifts: [] })
    const doc = await roleDoc(transportRole._id)
    expect(doc?.posts).toEqual([B.b2._id, B.b3._id])
    expect(doc).not.toHaveProperty('shifts')
  })

  it('lets a building lead change a 楼栋 volunteer of their building only, who stays there', async () => {
    const b1 = await ok<RoleView>(WHO.committee, 'grantRole', buildingVolunteer('zhang', B.b1._id))
    const b3 = await ok<RoleView>(WHO.committee, 'grantRole', buildingVolunteer('sun', B.b3._id))
    // 钱七 becomes 3号's lead.
    await ok(WHO.committee, 'grantRole', {
      communityId: C1,
      ...PEOPLE.qian,
      role: 'buildingLead',
      buildingId: B.b3._id,
    })
    const shifts = [{ from: '07:00', to: '09:00' }]

    const byOwnLead = await ok<RoleView>(WHO.buildingLead, 'setVolunteerPost', { roleId: b1.id, shifts })
    expect(byOwnLead.shiftsText).toBe('每天 07:00–09:00')
    expect(await ok(WHO.buildingLead, 'setVolunteerPost', { roleId: b1.id, posts: [B.b1._id] })).toMatchObject({
      posts: [B.b1._id],
    })

    const before = await snapshot(t)
    const refused: [string, object][] = [
      // 3号's lead on 1号's volunteer, 1号's lead on 3号's.
      [WHO.residentB2, { roleId: b1.id, shifts }],
      [WHO.buildingLead, { roleId: b3.id, shifts }],
      // Moving their volunteer to another building, or changing a community-wide volunteer.
      [WHO.buildingLead, { roleId: b1.id, posts: [B.b2._id] }],
      [WHO.buildingLead, { roleId: transportRole._id, shifts }],
      // A resident, the volunteer themself, a 营长.
      [WHO.resident, { roleId: b1.id, shifts }],
      [WHO.volunteer, { roleId: transportRole._id, shifts }],
      [WHO.groupLead, { roleId: b1.id, shifts }],
    ]
    for (const [who, payload] of refused) {
      const reply = await call(who, 'setVolunteerPost', payload)
      expect([who, payload, codeOf(reply)]).toEqual([who, payload, 'FORBIDDEN'])
    }
    expect(await snapshot(t)).toBe(before)
  })

  it('moves a 楼栋 volunteer to another building within that building’s cap', async () => {
    await ok(WHO.committee, 'setVolunteerCaps', { communityId: C1, caps: { building: 1 } })
    const zhang = await ok<RoleView>(WHO.committee, 'grantRole', buildingVolunteer('zhang', B.b1._id))
    const qian = await ok<RoleView>(WHO.committee, 'grantRole', buildingVolunteer('qian', B.b2._id))
    expect([zhang.id, qian.id]).toEqual([`vol_${C1}_building_${B.b1._id}_1`, `vol_${C1}_building_${B.b2._id}_1`])

    const before = await snapshot(t)
    expect(await call(WHO.committee, 'setVolunteerPost', { roleId: zhang.id, posts: [B.b2._id] })).toMatchObject({
      ok: false,
      code: 'VOLUNTEER_CAP_REACHED',
      message: '2号的楼栋志愿者已满 1 人',
    })
    expect(await snapshot(t)).toBe(before)

    const moved = await ok<RoleView>(WHO.committee, 'setVolunteerPost', {
      roleId: zhang.id,
      posts: [B.b3._id],
      shifts: [{ from: '08:00', to: '12:00' }],
    })
    expect(moved).toMatchObject({ id: `vol_${C1}_building_${B.b3._id}_1`, posts: [B.b3._id] })
    expect(await roleDoc(zhang.id)).toBeNull()
    expect(await roleDoc(moved.id)).toMatchObject({ openid: 'o-zhang', shifts: [{ from: '08:00', to: '12:00' }] })
    expect([await buildingVolunteers(B.b1._id), await buildingVolunteers(B.b3._id)]).toEqual([0, 1])
  })
})

describe('caps', () => {
  it('caps 楼栋 volunteers per building, also under concurrent grants', async () => {
    await ok(WHO.committee, 'setVolunteerCaps', { communityId: C1, caps: { building: 2 } })
    const people = Object.keys(PEOPLE) as (keyof typeof PEOPLE)[]
    await overlapping(4)
    const replies = await Promise.all(
      people.map((p) => call(WHO.committee, 'grantRole', buildingVolunteer(p, B.b1._id))),
    )
    await t.admin('faults', { method: 'DELETE' })
    expect(replies.map(codeOf).sort()).toEqual(['VOLUNTEER_CAP_REACHED', 'VOLUNTEER_CAP_REACHED', 'ok', 'ok'])
    expect(replies.find((r) => !r.ok)).toMatchObject({ message: '1号的楼栋志愿者已满 2 人' })
    expect(await buildingVolunteers(B.b1._id)).toBe(2)

    // Another building has its own two.
    const refused = people.filter((_, i) => !replies[i]?.ok)
    const again = await Promise.all(
      refused.map((p) => call(WHO.committee, 'grantRole', buildingVolunteer(p, B.b2._id))),
    )
    expect(again.map(codeOf)).toEqual(['ok', 'ok'])
    expect(await buildingVolunteers(B.b2._id)).toBe(2)
  })

  it('lets a building lead make a 楼栋 volunteer for their own building, and nothing else', async () => {
    const view = await ok<RoleView>(WHO.buildingLead, 'grantRole', buildingVolunteer('zhao', B.b1._id))
    expect(view).toMatchObject({ id: `vol_${C1}_building_${B.b1._id}_1`, posts: [B.b1._id] })
    const before = await snapshot(t)
    for (const payload of [
      buildingVolunteer('zhang', B.b2._id),
      buildingVolunteer('zhang', B.b1._id, { posts: [B.b1._id, B.b2._id] }),
      { ...buildingVolunteer('zhang', B.b1._id), volunteerType: 'transport' },
      { communityId: C1, ...PEOPLE.zhang, role: 'floorLead', buildingId: B.b1._id, floor: 1 },
    ]) {
      const reply = await call(WHO.buildingLead, 'grantRole', payload)
      expect([payload, codeOf(reply)]).toEqual([payload, 'FORBIDDEN'])
    }
    expect(await snapshot(t)).toBe(before)
  })

  it('keeps the community-wide cap for transport volunteers, counting one granted before the slots', async () => {
    // 孙八's transport grant in the fixture predates the cap's slots.
    await ok(WHO.committee, 'setVolunteerCaps', { communityId: C1, caps: { transport: 2 } })
    const transport = (p: keyof typeof PEOPLE) => ({
      communityId: C1,
      ...PEOPLE[p],
      role: 'volunteer',
      volunteerType: 'transport',
      posts: [p === 'qian' ? B.b2._id : B.b1._id],
    })
    await overlapping(3)
    const replies = await Promise.all(
      (['zhang', 'zhao', 'qian'] as const).map((p) => call(WHO.committee, 'grantRole', transport(p))),
    )
    await t.admin('faults', { method: 'DELETE' })
    const count = await t.data.count('roles', { communityId: C1, role: 'volunteer', volunteerType: 'transport' })
    expect(count).toBeLessThanOrEqual(2)
    expect(replies.filter((r) => r.ok)).toHaveLength(count - 1)
    expect(replies.filter((r) => !r.ok).map(codeOf)).toEqual(
      Array.from({ length: 4 - count }, () => 'VOLUNTEER_CAP_REACHED'),
    )
    expect(replies.find((r) => !r.ok)).toMatchObject({ message: '运输志愿者已满 2 人' })
    // Building volunteers do not count against it: a building's cap is its own.
    await ok(WHO.committee, 'grantRole', buildingVolunteer('sun', B.b3._id))
  })
})
