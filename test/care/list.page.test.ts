// The check list: overdue first as the function sent them, flags and state, the last contact and open needs, 拨打
// through the logged reveal, 记一次 with how, result and note (the requestId kept across a retry), the off-shift
// message, the overview link for 营长 and above.
import { committeeRole, community, fail, leadRole, me, ok, sent } from '../support/pages/fixtures'
import { careCloud, careList, carePerson, checkView, sentCare } from '../support/pages/care'
import { find, mount, settleAll, tap, text, texts, type } from '../support/pages/harness'

const PAGE = 'packageCare/pages/list'

describe('care list', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('shows each person with flags, state, last contact and open needs; no overview link for a lead', async () => {
    community({ whoami: () => ok(me({ roles: [leadRole] })) })
    careCloud({ careList: () => ok(careList()) })
    const comp = mount(PAGE, { communityId: 'c_sunny' })
    await settleAll()
    expect(sentCare('careList')).toEqual([{ communityId: 'c_sunny' }])
    expect(text(comp, '#counts')).toBe('共 2 人 · 今日已联系 1 · 逾期 1')
    expect(texts(comp, '.person-name')).toEqual(['12-102 王*英', '12-301 李*'])
    expect(texts(comp, '.person-state')).toEqual(['逾期', '今日已联系'])
    expect(texts(comp, '.person-flags')).toEqual(['60岁以上 · 独居', '60岁以上'])
    expect(texts(comp, '.person-last')).toEqual(['还没有联系记录', '11月24日 09:30 上门 平安 · 张*敏'])
    expect(text(comp, '#person-1 .person-note')).toBe('精神很好')
    expect(text(comp, '#person-1 .person-needs')).toBe('未办需求：买药（已接单）')
    expect(find(comp, '#person-0.person-overdue')).toBeDefined()
    expect(find(comp, '#overview')).toBeUndefined()
  })

  it('asks for one building with ?buildingId= and links the committee to the overview', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })) })
    careCloud({ careList: () => ok(careList()) })
    const nav = jest.spyOn(wx, 'navigateTo')
    spies.push(nav)
    const comp = mount(PAGE, { communityId: 'c_sunny', buildingId: 'b_12' })
    await settleAll()
    expect(sentCare('careList')).toEqual([{ communityId: 'c_sunny', buildingId: 'b_12' }])
    await tap(comp, '#overview')
    expect(nav.mock.calls[0]?.[0]).toMatchObject({ url: '/packageCare/pages/overview?communityId=c_sunny' })
    await tap(comp, '#person-0 .person-head')
    expect(nav.mock.calls[1]?.[0]).toMatchObject({
      url: '/packageCare/pages/person?householdId=hh_102&memberId=m_wang',
    })
  })

  it('records a check: how, result and note; the row shows the answer; a retry keeps the requestId', async () => {
    community({ whoami: () => ok(me({ roles: [leadRole] })) })
    let attempt = 0
    careCloud({
      careList: () => ok(careList()),
      recordCheck: (p) =>
        ++attempt === 1
          ? fail('NETWORK', '网络不好')
          : ok({
              check: checkView({ how: p.how, result: p.result, note: p.note ?? '' }),
              person: carePerson({
                state: 'done',
                contactedToday: true,
                last: checkView({ how: p.how, result: p.result }),
              }),
              alerted: false,
            }),
    })
    spies.push(jest.spyOn(wx, 'showModal').mockImplementation((() => undefined) as never))
    const comp = mount(PAGE, { communityId: 'c_sunny' })
    await settleAll()
    await tap(comp, '#person-0 .record')
    await tap(comp, '#person-0 .save')
    expect(text(comp, '#person-0 .form-error')).toBe('请选择怎么联系的：电话、上门或微信')
    const hows = comp.querySelectorAll('#person-0 .how')
    hows[1]?.dispatchEvent('tap') // 上门
    await settleAll()
    const results = comp.querySelectorAll('#person-0 .result')
    results[1]?.dispatchEvent('tap') // 有需要
    await settleAll()
    await type(comp, '缺米', '#person-0 .note')
    await tap(comp, '#person-0 .save')
    await tap(comp, '#person-0 .save')
    const calls = sentCare('recordCheck')
    expect(calls).toHaveLength(2)
    expect(calls[0]).toMatchObject({
      householdId: 'hh_102',
      memberId: 'm_wang',
      how: 'visit',
      result: 'needs',
      note: '缺米',
    })
    expect(calls[1]?.requestId).toBe(calls[0]?.requestId)
    expect(text(comp, '#person-0 .person-state')).toBe('今日已联系')
    expect(find(comp, '#person-0 .check-form')).toBeUndefined()
  })

  it('rings through the logged reveal with the reason 关怀老人', async () => {
    community({
      whoami: () => ok(me({ roles: [leadRole] })),
      revealPhone: () => ok({ householdId: 'hh_102', memberId: 'm_wang', phone: '13812345678', remainingToday: 29 }),
    })
    careCloud({ careList: () => ok(careList()) })
    const dial = jest.spyOn(wx, 'makePhoneCall').mockImplementation((() => undefined) as never)
    spies.push(dial)
    const comp = mount(PAGE, { communityId: 'c_sunny' })
    await settleAll()
    await tap(comp, '#person-0 .dial')
    expect(sent('revealPhone')).toEqual([{ householdId: 'hh_102', memberId: 'm_wang', reason: 'care' }])
    expect(dial.mock.calls[0]?.[0]).toMatchObject({ phoneNumber: '13812345678' })
  })

  it('tells a volunteer off shift when their shift is, and shows an error with a retry', async () => {
    community({ whoami: () => ok(me({ roles: [] })) })
    careCloud({ careList: () => ok(careList({ people: [], offShift: { shifts: '每天 18:00–22:00' } })) })
    const comp = mount(PAGE, { communityId: 'c_sunny' })
    await settleAll()
    expect(text(comp, '#off-shift .title')).toBe('现在不在您的班次时间内（每天 18:00–22:00）')
    expect(find(comp, '#empty')).toBeUndefined()

    careCloud({ careList: () => fail('FORBIDDEN', '您没有权限进行此操作') })
    const err = mount(PAGE, { communityId: 'c_sunny' })
    await settleAll()
    expect(find(err, '#error')).toBeDefined()
  })
})
