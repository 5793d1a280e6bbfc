import type { Roster } from '../../typings/api'
import {
  BUILDING,
  committeeRole,
  community,
  fail,
  householdView,
  invite,
  joinRequest,
  leadRole,
  me,
  ok,
  role,
  roster,
  sent,
} from '../support/pages/fixtures'
import { find, mount, setDataLog, settleAll, tap, text, texts, type } from '../support/pages/harness'
import { largeRoster } from '../support/pages/large'

const PAGE = 'packageLead/pages/roster'

function answerModal(answer: { confirm: boolean; content?: string }) {
  return jest.spyOn(wx, 'showModal').mockImplementation(((opts: WechatMiniprogram.ShowModalOption) => {
    opts.success?.({
      confirm: answer.confirm,
      cancel: !answer.confirm,
      content: answer.content ?? '',
      errMsg: 'showModal:ok',
    })
  }) as never)
}

/** A building whose state changes as the lead decides, like the function's. */
function building(initial: Roster = roster()) {
  let state = initial
  community({
    whoami: () => ok(me({ roles: [leadRole] })),
    buildingRoster: () => ok(state),
    listInvites: () => ok([invite()]),
    decideJoin: (p) => {
      const request = state.pending.find((r) => r.id === p.requestId)
      if (!request) return fail('REQUEST_DECIDED', '这条申请已经处理过了')
      state = {
        ...state,
        pending: state.pending.filter((r) => r.id !== p.requestId),
        households: p.approve
          ? state.households.map((h) => (h.id === request.householdId ? { ...h, linkedCount: h.linkedCount + 1 } : h))
          : state.households,
        unlinked: p.approve ? state.unlinked.filter((h) => h.id !== request.householdId) : state.unlinked,
      }
      return ok({ ...request, status: p.approve ? 'approved' : 'rejected', ...(p.reason ? { reason: p.reason } : {}) })
    },
    setProxy: (p) =>
      ok({ ...(state.households.find((h) => h.id === p.householdId) ?? householdView()), proxy: p.proxy }),
    createInvite: (p) =>
      p.room === '999'
        ? fail('ROOM_NOT_FOUND', '12号没有 999 室', 'room')
        : ok(invite({ code: 'R8T2WX4N', uses: 0, maxUses: p.room ? 1 : 200, ...(p.room ? { room: p.room } : {}) })),
    revokeInvite: () => ok({ revoked: true }),
    inviteQr: (p) =>
      ok({
        code: p.code,
        scene: p.code,
        page: 'pages/join/index',
        envVersion: p.envVersion ?? 'release',
        fileID: `cloud://env/invite-codes/${p.code}.png`,
        url: `https://tmp.example/${p.code}.png`,
      }),
  })
}

describe('building roster', () => {
  let modal: jest.SpyInstance | undefined
  afterEach(() => modal?.mockRestore())

  it('lists households with member names, masked phones and flags as the API returns them', async () => {
    building()
    const comp = mount(PAGE, { buildingId: BUILDING.id })
    await settleAll()
    expect(sent('buildingRoster')).toEqual([{ buildingId: BUILDING.id }])
    expect(text(comp, '#summary')).toContain('12号')
    expect(text(comp, '#summary')).toContain('2 户 · 2 人 · 1 户已绑定微信 · 1 户有特殊人群')
    const first = text(comp, '#household-hh_201') ?? ''
    expect(first).toContain('12-201')
    expect(first).toContain('王建国')
    expect(first).toContain('138****5678')
    expect(first).toContain('60岁以上')
    expect(first).toContain('独居')
    expect(first).toContain('特殊人群')
    expect(first).toContain('没有人绑定微信')
    expect(first).not.toContain('13812345678')
    expect(text(comp, '#pending-badge')).toBe('1')
  })

  it('offers 拨打 for masked numbers the lead may reveal: asks why, reveals one number and rings it', async () => {
    const revealable = roster({
      households: roster().households.map((h) => ({
        ...h,
        members: h.members.map((m) => ({ ...m, revealable: true })),
      })),
    })
    building(revealable)
    community({
      whoami: () => ok(me({ roles: [leadRole] })),
      buildingRoster: () => ok(revealable),
      listInvites: () => ok([]),
      revealPhone: (p) =>
        ok({ householdId: p.householdId, memberId: p.memberId, phone: '13812345678', remainingToday: 29 }),
    })
    const dial = jest.spyOn(wx, 'makePhoneCall')
    const sheet = jest
      .spyOn(wx, 'showActionSheet')
      .mockImplementation(((o: WechatMiniprogram.ShowActionSheetOption) =>
        o.success?.({ tapIndex: 3, errMsg: 'showActionSheet:ok' })) as never)
    const comp = mount(PAGE, { buildingId: BUILDING.id })
    await settleAll()
    expect(text(comp, '#phone-note')).toContain('每次拨打都会记下原因')
    expect(text(comp, '#member-m_1')).toContain('138****5678')
    await tap(comp, '#member-m_1 .dial')
    expect(sheet).toHaveBeenCalledWith(
      expect.objectContaining({ itemList: ['提醒报抗原', '配送物资', '健康异常跟进', '关怀老人', '其他'] }),
    )
    expect(sent('revealPhone')).toEqual([{ householdId: 'hh_201', memberId: 'm_1', reason: 'care' }])
    expect(dial).toHaveBeenCalledWith(expect.objectContaining({ phoneNumber: '13812345678' }))
    expect(JSON.stringify(comp.data)).not.toContain('13812345678')
    expect(text(comp, '#household-list')).not.toContain('13812345678')
    sheet.mockRestore()
    dial.mockRestore()
  })

  it('reveals nothing when the lead cancels, or picks 其他 without saying why', async () => {
    const revealable = roster({
      households: [
        householdView({
          members: [{ id: 'm_1', name: '王建国', phone: '138****5678', linked: false, revealable: true }],
        }),
      ],
    })
    community({
      whoami: () => ok(me({ roles: [leadRole] })),
      buildingRoster: () => ok(revealable),
      listInvites: () => ok([]),
      revealPhone: (p) =>
        ok({ householdId: p.householdId, memberId: p.memberId, phone: '13812345678', remainingToday: 1 }),
    })
    const comp = mount(PAGE, { buildingId: BUILDING.id })
    await settleAll()
    let sheet = jest
      .spyOn(wx, 'showActionSheet')
      .mockImplementation(((o: WechatMiniprogram.ShowActionSheetOption) =>
        o.fail?.({ errMsg: 'showActionSheet:fail cancel' })) as never)
    await tap(comp, '#member-m_1 .dial')
    expect(sent('revealPhone')).toEqual([])
    sheet.mockRestore()

    sheet = jest
      .spyOn(wx, 'showActionSheet')
      .mockImplementation(((o: WechatMiniprogram.ShowActionSheetOption) =>
        o.success?.({ tapIndex: 4, errMsg: 'showActionSheet:ok' })) as never)
    modal = answerModal({ confirm: true, content: '  ' })
    await tap(comp, '#member-m_1 .dial')
    expect(sent('revealPhone')).toEqual([])
    modal.mockRestore()

    modal = answerModal({ confirm: true, content: ' 核对住址 ' })
    await tap(comp, '#member-m_1 .dial')
    expect(sent('revealPhone')).toEqual([{ householdId: 'hh_201', memberId: 'm_1', reason: 'other', note: '核对住址' }])
    sheet.mockRestore()
  })

  it('offers no 拨打 for a masked number the caller may not reveal, and rings the committee’s full numbers at once', async () => {
    building()
    const comp = mount(PAGE, { buildingId: BUILDING.id })
    await settleAll()
    expect(comp.querySelector('.dial')).toBeUndefined()

    const full = roster({ households: [householdView()] })
    community({
      whoami: () => ok(me({ roles: [committeeRole] })),
      buildingRoster: () => ok(full),
      listInvites: () => ok([]),
    })
    const dial = jest.spyOn(wx, 'makePhoneCall')
    const again = mount(PAGE, { buildingId: BUILDING.id })
    await settleAll()
    expect(again.querySelector('#phone-note')).toBeUndefined()
    await tap(again, '#member-m_2 .dial')
    expect(sent('revealPhone')).toEqual([])
    expect(dial).toHaveBeenCalledWith(expect.objectContaining({ phoneNumber: '13987654321' }))
    dial.mockRestore()
  })

  it('shows the households without WeChat on their own tab', async () => {
    building()
    const comp = mount(PAGE, { buildingId: BUILDING.id })
    await settleAll()
    await tap(comp, '#tab-unlinked')
    expect(texts(comp, '.household-label')).toEqual(['12-201'])
  })

  it('approves a request with its id, and the lists update', async () => {
    building()
    const comp = mount(PAGE, { buildingId: BUILDING.id })
    await settleAll()
    await tap(comp, '#tab-pending')
    expect(text(comp, '#request-jr_1')).toContain('12-201 王小明')
    expect(text(comp, '#request-jr_1')).toContain('代管家人')
    expect(text(comp, '#request-jr_1')).toContain('11月20日 10:05 申请')

    await tap(comp, '#request-jr_1 .approve')
    expect(sent('decideJoin')).toEqual([{ requestId: 'jr_1', approve: true }])
    expect(comp.querySelector('#request-jr_1')).toBeUndefined()
    expect(comp.querySelector('#pending-badge')).toBeUndefined()
    expect(text(comp, '#pending-empty')).toContain('还没有待审核的申请')
    expect(sent('buildingRoster')).toHaveLength(2)
    await tap(comp, '#tab-unlinked')
    expect(text(comp, '#unlinked-empty')).toContain('每一户都有人绑定了微信')
  })

  it('rejects with the reason typed in the dialog, and does nothing when the dialog is cancelled', async () => {
    building(
      roster({ pending: [joinRequest({ id: 'jr_a' }), joinRequest({ id: 'jr_b', label: '12-502', name: '赵六' })] }),
    )
    const comp = mount(PAGE, { buildingId: BUILDING.id, tab: 'pending' })
    await settleAll()
    expect(text(comp, '#pending-badge')).toBe('2')

    modal = answerModal({ confirm: false })
    await tap(comp, '#request-jr_b .reject')
    expect(sent('decideJoin')).toEqual([])
    modal.mockRestore()

    modal = answerModal({ confirm: true, content: ' 不是本户住户 ' })
    await tap(comp, '#request-jr_b .reject')
    expect(modal).toHaveBeenCalledWith(expect.objectContaining({ editable: true }))
    expect(sent('decideJoin')).toEqual([{ requestId: 'jr_b', approve: false, reason: '不是本户住户' }])
    expect(texts(comp, '.request').map((t) => t.slice(0, 6))).toEqual(['12-302'])
    expect(text(comp, '#pending-badge')).toBe('1')
  })

  it('toggles 代管 with setProxy and shows the household the function returns', async () => {
    building()
    const comp = mount(PAGE, { buildingId: BUILDING.id })
    await settleAll()
    await tap(comp, '#household-hh_302 .proxy')
    expect(sent('setProxy')).toEqual([{ householdId: 'hh_302', proxy: true }])
    expect(comp.data.households[1].proxy).toBe(true)
  })

  it('creates an invite after asking for the join-request notification, and shows the code large', async () => {
    building()
    const subscribe = jest.spyOn(wx, 'requestSubscribeMessage')
    const comp = mount(PAGE, { buildingId: BUILDING.id })
    await settleAll()
    expect(sent('listInvites')).toEqual([{ buildingId: BUILDING.id }])
    expect(texts(comp, '.invite-code')).toEqual(['K7MP Q2XA'])

    await tap(comp, '#create-invite')
    expect(subscribe).toHaveBeenCalledWith(expect.objectContaining({ tmplIds: ['TPL_JOIN_REQUEST'] }))
    subscribe.mockRestore()
    expect(sent('createInvite')).toEqual([{ buildingId: BUILDING.id }])
    expect(text(comp, '#new-code')).toBe('R8T2 WX4N')
    expect(text(comp, '#new-invite')).toContain('12号全楼 · 有效期至 11月23日 18:00')
    expect(text(comp, '#new-invite')).toContain('住户用微信「扫一扫」扫这个码就能申请加入')
    expect(comp.data.invite?.qr).toBe('https://tmp.example/R8T2WX4N.png')
    expect(texts(comp, '.invite-code')).toEqual(['R8T2 WX4N', 'K7MP Q2XA'])

    await type(comp, '999', '#invite-room')
    await tap(comp, '#create-invite')
    expect(sent('createInvite')[1]).toEqual({ buildingId: BUILDING.id, room: '999' })
    expect(text(comp, '#invite-error')).toBe('12号没有 999 室')
  })

  it('revokes an invite after confirming', async () => {
    building()
    const comp = mount(PAGE, { buildingId: BUILDING.id })
    await settleAll()
    modal = answerModal({ confirm: true })
    await tap(comp, '.invite-row .revoke')
    expect(sent('revokeInvite')).toEqual([{ code: 'K7MPQ2XA' }])
    expect(text(comp, '#no-invites')).toContain('还没有有效的邀请码')
  })

  it('is read-only for a floor lead: no invites, approvals or 代管 toggles', async () => {
    building()
    community({
      whoami: () =>
        ok(
          me({
            roles: [role({ role: 'floorLead', place: '12号 2层 层长', scope: { ...leadRole.scope, floor: 2 } })],
          }),
        ),
      buildingRoster: () => ok(roster()),
    })
    const comp = mount(PAGE, { buildingId: BUILDING.id, tab: 'pending' })
    await settleAll()
    expect(comp.querySelector('#invites')).toBeUndefined()
    expect(comp.querySelector('.approve')).toBeUndefined()
    expect(sent('listInvites')).toEqual([])
  })

  it('lets the committee manage any building of its community', async () => {
    building()
    community({
      whoami: () => ok(me({ roles: [committeeRole] })),
      buildingRoster: () => ok(roster()),
      listInvites: () => ok([]),
    })
    const comp = mount(PAGE, { buildingId: BUILDING.id })
    await settleAll()
    expect(find(comp, '#create-invite')).toBeDefined()
    expect(text(comp, '#no-invites')).toContain('还没有有效的邀请码')
  })

  it('says what to do when the building has no households yet', async () => {
    building(roster({ households: [], pending: [], unlinked: [] }))
    const comp = mount(PAGE, { buildingId: BUILDING.id })
    await settleAll()
    expect(text(comp, '#households-empty')).toContain('这栋楼还没有住户')
    await tap(comp, '#tab-pending')
    expect(text(comp, '#pending-empty')).toContain('还没有待审核的申请')
  })

  it('shows the error and retries', async () => {
    let broken = true
    community({
      whoami: () => ok(me({ roles: [leadRole] })),
      buildingRoster: () => (broken ? fail('FORBIDDEN', '您没有权限进行此操作') : ok(roster())),
      listInvites: () => ok([]),
    })
    const comp = mount(PAGE, { buildingId: BUILDING.id })
    await settleAll()
    expect(text(comp, '#error')).toContain('您没有权限进行此操作')
    broken = false
    await tap(comp, '#error', '.status-action')
    expect(comp.data.state).toBe('ready')
  })
})

describe('building roster of a high-rise', () => {
  it('sends 600 households 50 at a time, on each tab, to the last one, in small setData calls', async () => {
    const big = largeRoster(600)
    building(big)
    const comp = mount(PAGE, { buildingId: 'b_12' })
    await settleAll()
    expect(text(comp, '#summary')).toContain('600 户')
    expect(comp.querySelectorAll('.household')).toHaveLength(50)
    expect(text(comp, '#more-households')).toBe('加载更多（还有 550 户）')
    const first = setDataLog.calls.find((c) => c.page === PAGE && c.keys.includes('households'))!
    expect(first.bytes).toBeLessThan(48 * 1024)

    await tap(comp, '#more-households')
    expect(comp.querySelectorAll('.household')).toHaveLength(100)
    const page = comp.instance as unknown as { onReachBottom: () => void }
    for (let i = 0; i < 12; i++) page.onReachBottom()
    await settleAll()
    const labels = texts(comp, '.household-label')
    expect(labels).toHaveLength(600)
    expect(labels[599]).toBe(big.households[599]!.label)
    expect(comp.querySelector('#more-households')).toBeUndefined()

    // 代管 on a card of a later page changes that household.
    await tap(comp, `#household-${big.households[420]!.id} .proxy`)
    expect(comp.data.households[420]!.proxy).toBe(!big.households[420]!.proxy)

    // The households without WeChat: their own list, from its first page.
    await tap(comp, '#tab-unlinked')
    expect(texts(comp, '.household-label')).toEqual(big.unlinked.slice(0, 50).map((h) => h.label))
    expect(text(comp, '#more-households')).toBe(`加载更多（还有 ${big.unlinked.length - 50} 户）`)
    await tap(comp, '#more-households')
    await tap(comp, '#more-households')
    expect(texts(comp, '.household-label')).toEqual(big.unlinked.map((h) => h.label))

    console.log(`roster page, 600 households: largest setData ${setDataLog.largest(PAGE)!.bytes} bytes`)
    expect(setDataLog.largest(PAGE)!.bytes).toBeLessThan(48 * 1024)
  })
})
