// 定岗: posts are a run of neighbouring buildings in the community's order, shown by name (「1号–3号」); a 云上
// volunteer is one per building (one post, and one 云上 volunteer a building, also when two are granted at once).
// Refused grants write nothing.
import type { Envelope, RoleView } from '../../typings/api'
import type { RoleDoc } from '../../server/community/model'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { B, C1, H, loadFixture, snapshot, WHO } from '../support/community'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())
beforeEach(() => loadFixture(t))

const grant = (payload: object) =>
  t.call<Envelope<RoleView>>(
    'community',
    { action: 'grantRole', payload: { communityId: C1, role: 'volunteer', ...payload } },
    WHO.committee,
  )
const zhang = { householdId: H.b1r101._id, memberId: 'm-zhang' }
const qian = { householdId: H.b2r101._id, memberId: 'm-qian' }

async function refused(payload: object, code: string, message?: RegExp) {
  const before = await snapshot(t)
  const res = await grant(payload)
  expect(res).toMatchObject({ ok: false, code, field: 'posts' })
  if (message && !res.ok) expect(res.message).toMatch(message)
  expect(await snapshot(t)).toBe(before)
}

describe('posts as a run of neighbouring buildings', () => {
  it('grants a run and shows it by name; refuses a gap and writes nothing', async () => {
    const run = await grant({ ...zhang, volunteerType: 'transport', posts: [B.b3._id, B.b1._id, B.b2._id] })
    expect(run).toMatchObject({ ok: true, data: { place: '运输 · 1号–3号 志愿者' } })
    await refused({ ...qian, volunteerType: 'patrol', posts: [B.b1._id, B.b3._id] }, 'INVALID_INPUT', /中间缺了 2号/)
  })

  it('changes posts only to a run too', async () => {
    const made = await grant({ ...zhang, volunteerType: 'transport', posts: [B.b1._id] })
    if (!made.ok) throw new Error(made.message)
    const before = await snapshot(t)
    const res = await t.call<Envelope<RoleView>>(
      'community',
      { action: 'setVolunteerPost', payload: { roleId: made.data.id, posts: [B.b1._id, B.b3._id] } },
      WHO.committee,
    )
    expect(res).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'posts' })
    expect(await snapshot(t)).toBe(before)
  })
})

describe('云上: one per building', () => {
  it('takes exactly one building', async () => {
    await refused({ ...zhang, volunteerType: 'online', posts: [B.b1._id, B.b2._id] }, 'INVALID_INPUT', /每栋楼一位/)
    await refused({ ...zhang, volunteerType: 'online', posts: [] }, 'INVALID_INPUT')
  })

  it('refuses a second 云上 volunteer for a building, and lets one be moved only to a building without one', async () => {
    const first = await grant({ ...zhang, volunteerType: 'online', posts: [B.b1._id] })
    expect(first).toMatchObject({ ok: true, data: { place: '云上 · 1号 志愿者' } })
    const before = await snapshot(t)
    expect(await grant({ ...qian, volunteerType: 'online', posts: [B.b1._id] })).toMatchObject({
      ok: false,
      code: 'VOLUNTEER_CAP_REACHED',
      message: '1号已有云上志愿者（每栋楼一位）',
    })
    expect(await snapshot(t)).toBe(before)
    const second = await grant({ ...qian, volunteerType: 'online', posts: [B.b2._id] })
    if (!second.ok) throw new Error(second.message)
    const move = (roleId: string, building: string) =>
      t.call<Envelope<RoleView>>(
        'community',
        { action: 'setVolunteerPost', payload: { roleId, posts: [building] } },
        WHO.committee,
      )
    expect(await move(second.data.id, B.b1._id)).toMatchObject({ ok: false, code: 'VOLUNTEER_CAP_REACHED' })
    expect(await move(second.data.id, B.b3._id)).toMatchObject({ ok: true, data: { place: '云上 · 3号 志愿者' } })
    const online = await t.data.find<RoleDoc>('roles', { communityId: C1, volunteerType: 'online' })
    expect(online.map((r) => r.posts).sort()).toEqual([[B.b1._id], [B.b3._id]])
  })

  it('keeps one when two are granted for the same building at once', async () => {
    const results = await Promise.all([
      grant({ ...zhang, volunteerType: 'online', posts: [B.b2._id] }),
      grant({ ...qian, volunteerType: 'online', posts: [B.b2._id] }),
    ])
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    expect(results.filter((r) => !r.ok)).toEqual([expect.objectContaining({ code: 'VOLUNTEER_CAP_REACHED' })])
    expect(await t.data.count('roles', { communityId: C1, volunteerType: 'online', posts: B.b2._id })).toBe(1)
  })
})
