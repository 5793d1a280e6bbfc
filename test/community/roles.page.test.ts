import type { RoleView } from '../../typings/api'
import {
  committeeRole,
  community,
  communityLeadRole,
  fail,
  householdView,
  me,
  ok,
  role,
  roster,
  sent,
  structureView,
} from '../support/pages/fixtures'
import { fire, mount, settleAll, tap, text, texts, type } from '../support/pages/harness'

const PAGE = 'packageCommittee/pages/roles'
const q = { communityId: 'c_sunny' }

const listed: RoleView[] = [
  { ...committeeRole, holder: '周主任' },
  role({
    id: 'role_bl1',
    role: 'buildingLead',
    place: '1号 楼组长',
    holder: '陈大伟',
    scope: { communityId: 'c_sunny', buildingId: 'b_1' },
  }),
  role({
    id: 'role_v1',
    role: 'volunteer',
    volunteerType: 'transport',
    posts: ['b_1', 'b_12'],
    place: '运输 · 1号、12号 志愿者',
    holder: '孙强',
    shifts: [{ from: '18:00', to: '22:00', days: [1, 3] }],
    shiftsText: '周一、周三 18:00–22:00',
  }),
]

const rosterOf12 = roster({
  households: [
    householdView({
      id: 'hh_201',
      members: [
        { id: 'm_1', name: '王建国', linked: false },
        { id: 'm_2', name: '王小明', linked: true },
      ],
    }),
    householdView({
      id: 'hh_302',
      room: '302',
      floor: 3,
      label: '12-302',
      members: [{ id: 'm_3', name: '李秀英', linked: true }],
    }),
  ],
})

function committee() {
  community({
    whoami: () => ok(me({ roles: [committeeRole] })),
    listRoles: () => ok(listed),
    structure: () => ok(structureView()),
    buildingRoster: () => ok(rosterOf12),
    grantRole: (p) =>
      ok(
        role({
          id: `role_new_${p.role}`,
          role: p.role,
          place: p.role === 'volunteer' ? '核酸 · 12号 志愿者' : '12号 楼组长',
          holder: '王小明',
          scope: { communityId: p.communityId, ...(p.buildingId ? { buildingId: p.buildingId } : {}) },
        }),
      ),
    revokeRole: () => ok({ revoked: true }),
    setVolunteerPost: (p) => {
      const v = listed[2] as RoleView
      return ok({ ...v, shifts: p.shifts, shiftsText: p.shifts?.length ? '每天 07:00–09:00' : undefined })
    },
    setVolunteerCaps: (p) =>
      ok({ ...structureView().community, volunteerCaps: { ...structureView().community.volunteerCaps, ...p.caps } }),
  })
}

/** Building 12号 is the second in the structure; its linked members are 王小明 (index 0) and 李秀英 (index 1). */
async function pickPerson(comp: ReturnType<typeof mount>, member = 0) {
  await fire(comp, 'change', { value: 1 }, '#pick-building')
  await fire(comp, 'change', { value: member }, '#pick-member')
}

describe('role management', () => {
  let modal: jest.SpyInstance | undefined
  afterEach(() => modal?.mockRestore())

  it('lists the roles grouped by role with their holders', async () => {
    committee()
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sent('listRoles')).toEqual([q])
    expect(texts(comp, '.section .section-title')).toEqual(['居委（1）', '楼组长（1）', '志愿者（1）'])
    expect(text(comp, '#role-role_bl1')).toContain('陈大伟')
    expect(text(comp, '#role-role_bl1')).toContain('1号 楼组长')
    expect(text(comp, '#role-role_v1')).toContain('运输 · 1号、12号 志愿者')
  })

  it('offers only linked residents of the building picked, from its roster', async () => {
    committee()
    const comp = mount(PAGE, q)
    await settleAll()
    await fire(comp, 'change', { value: 1 }, '#pick-building')
    expect(sent('buildingRoster')).toEqual([{ buildingId: 'b_12' }])
    expect(comp.data.memberNames).toEqual(['12-201 王小明', '12-302 李秀英'])
  })

  it('grants 楼组长 for the building with the person picked', async () => {
    committee()
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#grant-button')
    expect(text(comp, '#grant-error')).toBe('请先选择楼栋')

    await pickPerson(comp)
    await fire(comp, 'change', { value: 0 }, '#pick-role') // 楼组长
    await tap(comp, '#grant-button')
    expect(sent('grantRole')).toEqual([
      { communityId: 'c_sunny', householdId: 'hh_201', memberId: 'm_2', role: 'buildingLead', buildingId: 'b_12' },
    ])
    expect(texts(comp, '.section .section-title')).toEqual(['居委（1）', '楼组长（2）', '志愿者（1）'])
  })

  it('grants a volunteer with type and posts, a floor lead with the floor, a 营长 with the 营', async () => {
    committee()
    const comp = mount(PAGE, q)
    await settleAll()

    await pickPerson(comp, 1)
    await fire(comp, 'change', { value: 2 }, '#pick-role') // 志愿者
    await tap(comp, '#grant-button')
    expect(text(comp, '#grant-error')).toBe('请选择志愿者类型')
    await fire(comp, 'change', { value: 1 }, '#pick-type') // 核酸
    await tap(comp, '#post-b_1')
    await tap(comp, '#grant-button')

    await pickPerson(comp, 1)
    await fire(comp, 'change', { value: 1 }, '#pick-role') // 层长
    expect(comp.data.floorText).toBe('3')
    await type(comp, '4', '#floor-input')
    await tap(comp, '#grant-button')

    await pickPerson(comp, 0)
    await fire(comp, 'change', { value: 3 }, '#pick-role') // 营长
    await tap(comp, '#grant-button')

    const person = { communityId: 'c_sunny', householdId: 'hh_302', memberId: 'm_3' }
    expect(sent('grantRole')).toEqual([
      { ...person, role: 'volunteer', volunteerType: 'testing', posts: ['b_1', 'b_12'] },
      { ...person, role: 'floorLead', buildingId: 'b_12', floor: 4 },
      { communityId: 'c_sunny', householdId: 'hh_201', memberId: 'm_2', role: 'groupLead', groupId: 'g_1' },
    ])
  })

  it('grants a 楼栋 volunteer for one building with shifts: times picked, weekdays ticked', async () => {
    committee()
    const comp = mount(PAGE, q)
    await settleAll()
    await pickPerson(comp, 1)
    await fire(comp, 'change', { value: 2 }, '#pick-role') // 志愿者
    await fire(comp, 'change', { value: 2 }, '#pick-type') // 楼栋
    // One building only: the one picked above, and tapping another moves the tick.
    expect(comp.data.posts.filter((p: { on: boolean }) => p.on).map((p: { id: string }) => p.id)).toEqual(['b_12'])
    await tap(comp, '#post-b_1')
    expect(comp.data.posts.filter((p: { on: boolean }) => p.on).map((p: { id: string }) => p.id)).toEqual(['b_1'])

    await tap(comp, '#grant-shifts .add-shift')
    await fire(comp, 'change', { value: '22:00' }, '#grant-shift-0 .shift-from')
    await fire(comp, 'change', { value: '22:00' }, '#grant-shift-0 .shift-to')
    await tap(comp, '#grant-button')
    expect(text(comp, '#grant-error')).toBe('第 1 个班次的开始和结束时间相同，请改一下')
    expect(sent('grantRole')).toEqual([])

    await fire(comp, 'change', { value: '06:00' }, '#grant-shift-0 .shift-to')
    await tap(comp, '#grant-shift-0 .day-1')
    await tap(comp, '#grant-shift-0 .day-3')
    await tap(comp, '#grant-shifts .add-shift')
    await tap(comp, '#grant-shifts .add-shift')
    await tap(comp, '#grant-shift-1 .remove-shift')
    expect(texts(comp, '#grant-shift-0 .day-on')).toEqual(['一', '三'])
    for (let i = 0; i < 2; i++) await tap(comp, '#grant-shifts .add-shift')
    expect(comp.data.grantShifts).toHaveLength(4)
    expect(comp.querySelector('#grant-shifts .add-shift')).toBeUndefined()
    for (const i of [3, 2, 1]) await tap(comp, `#grant-shift-${i} .remove-shift`)
    await tap(comp, '#grant-button')
    expect(sent('grantRole')).toEqual([
      {
        communityId: 'c_sunny',
        householdId: 'hh_302',
        memberId: 'm_3',
        role: 'volunteer',
        volunteerType: 'building',
        posts: ['b_1'],
        shifts: [{ from: '22:00', to: '06:00', days: [1, 3] }],
      },
    ])
  })

  it('shows a volunteer’s shifts and changes them with setVolunteerPost', async () => {
    committee()
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#role-role_v1 .shifts')).toBe('班次：周一、周三 18:00–22:00')
    expect(comp.querySelector('#edit-role_bl1')).toBeUndefined()

    await tap(comp, '#edit-role_v1')
    expect(texts(comp, '#edit-shift-0 .picker')).toEqual(['从 18:00', '到 22:00'])
    expect(texts(comp, '#edit-shift-0 .day-on')).toEqual(['一', '三'])
    await fire(comp, 'change', { value: '07:00' }, '#edit-shift-0 .shift-from')
    await fire(comp, 'change', { value: '09:00' }, '#edit-shift-0 .shift-to')
    await tap(comp, '#edit-shift-0 .day-1')
    await tap(comp, '#edit-shift-0 .day-3')
    await tap(comp, '#edit-save')
    expect(sent('setVolunteerPost')).toEqual([{ roleId: 'role_v1', shifts: [{ from: '07:00', to: '09:00' }] }])
    expect(text(comp, '#role-role_v1 .shifts')).toBe('班次：每天 07:00–09:00')
    expect(comp.querySelector('#edit-form')).toBeUndefined()

    // No shifts at all: on call at any hour.
    await tap(comp, '#edit-role_v1')
    await tap(comp, '#edit-shift-0 .remove-shift')
    await tap(comp, '#edit-save')
    expect(sent('setVolunteerPost')[1]).toEqual({ roleId: 'role_v1', shifts: [] })
    expect(text(comp, '#role-role_v1 .shifts')).toBe('班次：未设定，随时可联系')
  })

  it('shows the function’s refusal of a shift change beside the form', async () => {
    committee()
    community({
      whoami: () => ok(me({ roles: [committeeRole] })),
      listRoles: () => ok(listed),
      structure: () => ok(structureView()),
      setVolunteerPost: () => fail('INVALID_INPUT', '班次的开始和结束时间不能相同', 'shifts') as never,
    })
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#edit-role_v1')
    await tap(comp, '#edit-save')
    expect(text(comp, '#edit-error')).toBe('班次的开始和结束时间不能相同')
    await tap(comp, '#edit-cancel')
    expect(comp.querySelector('#edit-form')).toBeUndefined()
  })

  it('shows a full volunteer type from the function in a dialog', async () => {
    committee()
    community({
      whoami: () => ok(me({ roles: [committeeRole] })),
      listRoles: () => ok(listed),
      structure: () => ok(structureView()),
      buildingRoster: () => ok(rosterOf12),
      grantRole: () => fail('VOLUNTEER_CAP_REACHED', '核酸志愿者已满 5 人'),
    })
    modal = jest.spyOn(wx, 'showModal')
    const comp = mount(PAGE, q)
    await settleAll()
    await pickPerson(comp)
    await fire(comp, 'change', { value: 2 }, '#pick-role')
    await fire(comp, 'change', { value: 1 }, '#pick-type')
    await tap(comp, '#grant-button')
    expect(modal).toHaveBeenCalledWith(expect.objectContaining({ content: '核酸志愿者已满 5 人' }))
  })

  it('says so when nobody in the building has linked WeChat', async () => {
    committee()
    community({
      whoami: () => ok(me({ roles: [committeeRole] })),
      listRoles: () => ok(listed),
      structure: () => ok(structureView()),
      buildingRoster: () =>
        ok(roster({ households: [householdView({ members: [{ id: 'm_1', name: '王建国', linked: false }] })] })),
    })
    const comp = mount(PAGE, q)
    await settleAll()
    await fire(comp, 'change', { value: 1 }, '#pick-building')
    expect(text(comp, '#member-error')).toContain('这栋楼还没有绑定微信的居民')
  })

  it('revokes a role after confirming', async () => {
    committee()
    const comp = mount(PAGE, q)
    await settleAll()
    modal = jest.spyOn(wx, 'showModal').mockImplementation(((opts: WechatMiniprogram.ShowModalOption) => {
      opts.success?.({ confirm: true, cancel: false, content: '', errMsg: 'showModal:ok' })
    }) as never)
    await tap(comp, '#role-role_bl1 .revoke')
    expect(modal).toHaveBeenCalledWith(expect.objectContaining({ content: expect.stringContaining('陈大伟') }))
    expect(sent('revokeRole')).toEqual([{ roleId: 'role_bl1' }])
    expect(comp.querySelector('#role-role_bl1')).toBeUndefined()
    expect(comp.querySelector('#section-buildingLead')).toBeUndefined()
  })

  it('edits the volunteer caps: empty means no limit', async () => {
    committee()
    const comp = mount(PAGE, q)
    await settleAll()
    expect(comp.data.caps.map((c: { value: string }) => c.value)).toEqual(['', '5', '5', '5', '5', '5'])
    await type(comp, 'x', '#cap-testing')
    await tap(comp, '#save-caps')
    expect(text(comp, '#caps-error')).toContain('「核酸」请填 0 到 1000 的整数')
    expect(sent('setVolunteerCaps')).toEqual([])

    await type(comp, '8', '#cap-testing')
    await type(comp, '', '#cap-patrol')
    await tap(comp, '#save-caps')
    expect(sent('setVolunteerCaps')).toEqual([
      {
        communityId: 'c_sunny',
        caps: { online: null, testing: 8, building: 5, patrol: null, transport: 5, emergency: 5 },
      },
    ])
    expect(comp.data.caps.map((c: { value: string }) => c.value)).toEqual(['', '8', '5', '', '5', '5'])
  })

  it('is read-only for a 团长', async () => {
    community({
      whoami: () => ok(me({ roles: [communityLeadRole] })),
      listRoles: () => ok(listed.map((r) => ({ ...r, holder: r.holder?.replace(/^(.).*(.)$/, '$1*$2') }))),
      structure: () => ok(structureView()),
    })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#readonly')).toContain('只读')
    expect(comp.querySelector('#grant')).toBeUndefined()
    expect(comp.querySelector('.revoke')).toBeUndefined()
    expect(comp.querySelector('#save-caps')).toBeUndefined()
    expect(comp.querySelector('.shift-link')).toBeUndefined()
    expect(text(comp, '#role-role_v1 .shifts')).toBe('班次：周一、周三 18:00–22:00')
    expect(text(comp, '#role-role_bl1')).toContain('陈*伟')
  })

  it('says when there are no roles yet', async () => {
    committee()
    community({
      whoami: () => ok(me({ roles: [committeeRole] })),
      listRoles: () => ok([]),
      structure: () => ok(structureView()),
    })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#empty')).toContain('还没有任何角色')
  })

  it('shows the error and retries', async () => {
    let broken = true
    community({
      whoami: () => ok(me({ roles: [committeeRole] })),
      listRoles: () => (broken ? fail('FORBIDDEN', '您没有权限进行此操作') : ok(listed)),
      structure: () => ok(structureView()),
    })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#error')).toContain('您没有权限进行此操作')
    broken = false
    await tap(comp, '#error', '.status-action')
    expect(comp.data.state).toBe('ready')
  })

  describe('names', () => {
    const unnamed: RoleView = { ...committeeRole, id: 'role_cmt2', unnamed: true }
    // Named, but not to this caller (a name the policy hides).
    const hidden = role({ id: 'role_m', role: 'merchant', place: '阳光小区 商家' })

    function withUnnamed(setName?: (p: { roleId: string; name: string }) => ReturnType<typeof ok<RoleView>>) {
      community({
        whoami: () => ok(me({ roles: [committeeRole] })),
        listRoles: () => ok([...listed, unnamed, hidden]),
        structure: () => ok(structureView()),
        setRoleHolderName: (p) =>
          setName ? setName(p) : ok({ ...unnamed, unnamed: undefined, holder: p.name } as RoleView),
      })
    }

    it('says 「未登记姓名」 for a holder named nowhere, never 「（未知）」, and the committee sets the name', async () => {
      withUnnamed()
      const comp = mount(PAGE, q)
      await settleAll()
      expect(text(comp, '#role-role_cmt2 .holder')).toBe('未登记姓名')
      expect(text(comp, '#role-role_m .holder')).toBe('姓名仅居委可见')
      expect(text(comp, '#role-role_cmt .holder')).toBe('周主任')
      expect(JSON.stringify(comp.data.sections)).not.toContain('未知')
      // Only the unnamed holder gets the control.
      expect(comp.querySelectorAll('.name-link')).toHaveLength(1)

      await tap(comp, '#name-role_cmt2')
      expect(comp.querySelector('#name-form')).toBeDefined()
      await tap(comp, '#name-save')
      expect(text(comp, '#name-error')).toBe('请填写这位的姓名（最多 20 个字）')
      expect(sent('setRoleHolderName')).toEqual([])

      await type(comp, ' 周 建华 ', '#name-input')
      await tap(comp, '#name-save')
      expect(sent('setRoleHolderName')).toEqual([{ roleId: 'role_cmt2', name: '周建华' }])
      expect(text(comp, '#role-role_cmt2 .holder')).toBe('周建华')
      expect(comp.querySelector('#name-form')).toBeUndefined()
      expect(comp.querySelector('#name-role_cmt2')).toBeUndefined()
    })

    it('shows the function’s refusal beside the name and keeps what was typed', async () => {
      withUnnamed(() => fail('CONFLICT', '这位是住户的成员，姓名按住户登记显示，不用另外填写', 'roleId') as never)
      const comp = mount(PAGE, q)
      await settleAll()
      await tap(comp, '#name-role_cmt2')
      await type(comp, '周建华', '#name-input')
      await tap(comp, '#name-save')
      expect(text(comp, '#name-error')).toBe('这位是住户的成员，姓名按住户登记显示，不用另外填写')
      expect(comp.data.nameText).toBe('周建华')
      await tap(comp, '#name-cancel')
      expect(comp.querySelector('#name-form')).toBeUndefined()
      expect(text(comp, '#role-role_cmt2 .holder')).toBe('未登记姓名')
    })

    it('offers a 团长 no way to set a name', async () => {
      community({
        whoami: () => ok(me({ roles: [communityLeadRole] })),
        listRoles: () => ok([unnamed]),
        structure: () => ok(structureView()),
      })
      const comp = mount(PAGE, q)
      await settleAll()
      expect(text(comp, '#role-role_cmt2 .holder')).toBe('未登记姓名')
      expect(comp.querySelector('.name-link')).toBeUndefined()
    })
  })
})
