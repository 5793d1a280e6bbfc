// The committee's role page gives a volunteer a run of neighbouring buildings in the community's order (tap the
// first and the last), shown by name; a 楼栋 or 云上 volunteer one building.
import {
  committeeRole,
  community,
  householdView,
  me,
  ok,
  role,
  roster,
  sent,
  structureView,
} from '../support/pages/fixtures'
import { fire, mount, settleAll, tap, text } from '../support/pages/harness'

const PAGE = 'packageCommittee/pages/roles'
const q = { communityId: 'c_sunny' }

function committee() {
  community({
    whoami: () => ok(me({ roles: [committeeRole] })),
    listRoles: () => ok([]),
    structure: () => ok(structureView()),
    buildingRoster: () =>
      ok(
        roster({
          households: [householdView({ id: 'hh_302', members: [{ id: 'm_3', name: '李秀英', linked: true }] })],
        }),
      ),
    grantRole: (p) => ok(role({ id: 'role_new', role: p.role, place: '运输 · 1号–21号 志愿者' })),
  })
}

async function volunteerForm(type: number) {
  committee()
  const comp = mount(PAGE, q)
  await settleAll()
  await fire(comp, 'change', { value: 1 }, '#pick-building') // 12号, the second of 1号, 12号, 21号
  await fire(comp, 'change', { value: 0 }, '#pick-member')
  await fire(comp, 'change', { value: 2 }, '#pick-role') // 志愿者
  await fire(comp, 'change', { value: type }, '#pick-type')
  return comp
}

const ticked = (comp: ReturnType<typeof mount>) =>
  (comp.data.posts as { id: string; on: boolean }[]).filter((p) => p.on).map((p) => p.id)

describe('posts on the role page', () => {
  it('makes a run from the first ticked building to the one tapped, across 营, and grants it', async () => {
    const comp = await volunteerForm(4) // 运输
    expect(ticked(comp)).toEqual(['b_12'])
    expect(text(comp, '#posts-run')).toBe('负责 12号')
    await tap(comp, '#post-b_21')
    expect(ticked(comp)).toEqual(['b_12', 'b_21'])
    await tap(comp, '#post-b_1')
    // The run from the first ticked (12号, in order after 1号) to 1号: 1号–12号.
    expect(ticked(comp)).toEqual(['b_1', 'b_12'])
    await tap(comp, '#post-b_21')
    expect(ticked(comp)).toEqual(['b_1', 'b_12', 'b_21'])
    expect(text(comp, '#posts-run')).toBe('负责 1号–21号（3 栋）')
    await tap(comp, '#grant-button')
    expect(sent('grantRole')[0]).toMatchObject({ volunteerType: 'transport', posts: ['b_1', 'b_12', 'b_21'] })
  })

  it('keeps a 云上 volunteer to one building: a tap moves the tick', async () => {
    const comp = await volunteerForm(0) // 云上
    expect(ticked(comp)).toEqual(['b_12'])
    await tap(comp, '#post-b_21')
    expect(ticked(comp)).toEqual(['b_21'])
    expect(text(comp, '#posts-run')).toBe('负责 21号')
    await tap(comp, '#grant-button')
    expect(sent('grantRole')[0]).toMatchObject({ volunteerType: 'online', posts: ['b_21'] })
  })
})
