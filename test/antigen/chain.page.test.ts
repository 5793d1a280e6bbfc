import type { ChainEntryView, ChainFloorView, ChainView, Envelope } from '../../typings/api'
import {
  antigen,
  BUILDING,
  chainEntry,
  chainView,
  committeeRole,
  community,
  fail,
  household201,
  leadRole,
  maskedChain,
  me,
  ok,
  PHOTO_URL,
  residentRole,
  role,
  sent,
  sentAntigen,
} from '../support/pages/fixtures'
import { attr, find, mount, setDataLog, settleAll, tap, text, texts } from '../support/pages/harness'

const PAGE = 'packageAntigen/pages/chain'
const q = { roundId: 'r_1120', buildingId: BUILDING.id }

/** Answer the dialogs in turn (the last answer for any further one). */
function answerModals(...answers: { confirm: boolean; content?: string }[]) {
  let n = 0
  return jest.spyOn(wx, 'showModal').mockImplementation(((opts: WechatMiniprogram.ShowModalOption) => {
    const answer = answers[Math.min(n++, answers.length - 1)]!
    opts.success?.({
      confirm: answer.confirm,
      cancel: !answer.confirm,
      content: answer.content ?? '',
      errMsg: 'showModal:ok',
    })
  }) as never)
}

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

/** The numbers of 12-401, which WeChat cannot reach: the lead sees them masked and may reveal the first. */
const FULL_401 = '13812345678'
const callList = [
  {
    householdId: 'hh_401',
    label: '12-401 赵*',
    floor: 4,
    contacts: [
      { memberId: 'm_7', name: '赵建华', phone: '138****5678', revealable: true },
      { memberId: 'm_8', name: '赵小华', phone: '139****4321' },
    ],
  },
]

/** A lead of 12号 and a chain that changes as the function would. */
function lead(initial: ChainView = chainView(), roles = [leadRole], reveal = () => ok({ phone: FULL_401 })) {
  let state = initial
  community({
    whoami: () => ok(me({ roles })),
    revealPhone: (p) => {
      const out = reveal()
      return out.ok ? ok({ householdId: p.householdId, memberId: p.memberId, remainingToday: 29, ...out.data }) : out
    },
  })
  antigen({
    chain: () => ok(state),
    flag: (p) => {
      const entry = state.entries.find((e) => e.householdId === p.householdId)
      if (!entry) return fail('NOT_FOUND', '没有找到这一户的接龙')
      const flagged = { ...entry, flagged: { reason: p.reason, at: '2026-11-20T02:00:00.000Z' } }
      state = { ...state, entries: state.entries.map((e) => (e.householdId === p.householdId ? flagged : e)) }
      return ok(flagged)
    },
    confirm: (p) => {
      if (state.confirmed) return fail('ALREADY_CONFIRMED', '本楼已经确认过了')
      const open = state.floors.filter((f) => f.toConfirm && !f.confirmed).map((f) => f.floor)
      if (open.length && !p.reason)
        return fail(
          'FLOORS_UNCONFIRMED',
          `${open.join('、')} 层的层长还没有确认。请等层长确认，或写明原因后确认整栋`,
          'reason',
        )
      const reason = open.length && p.reason ? { confirmReason: p.reason } : {}
      state = { ...state, ...reason, confirmed: true, confirmedAt: '2026-11-20T10:05:00.000Z' } // 18:05 in Shanghai
      return ok(state)
    },
    confirmFloor: (p) => {
      if (state.floors.find((f) => f.floor === p.floor)?.confirmed)
        return fail('ALREADY_CONFIRMED', `${p.floor} 层已经确认过了`)
      const done = { confirmed: true, confirmedAt: '2026-11-20T09:40:00.000Z' }
      state = { ...state, floors: state.floors.map((f) => (f.floor === p.floor ? { ...f, ...done } : f)) }
      return ok(state)
    },
    remind: () => ok({ pushed: 1, callList }),
  })
  return { set: (next: ChainView) => (state = next), get: () => state }
}

describe('building chain', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('shows a resident the numbered chain and who is missing, without results or photos', async () => {
    community({ whoami: () => ok(me({ roles: [residentRole], households: [household201] })) })
    antigen({ chain: () => ok(maskedChain()) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sentAntigen('chain')).toEqual([q])
    expect(text(comp, '#head')).toContain('12号 接龙')
    expect(text(comp, '#head')).toContain('11月20日 · 截止 18:00')
    expect(text(comp, '#head')).toContain('已接龙 2 户 · 未报 2 户')
    expect(texts(comp, '.entry-label')).toEqual(['12-201 王*国', '12-302 李*英'])
    expect(text(comp, '#entry-hh_201')).toContain('09:05')
    expect(text(comp, '#entry-hh_201')).toContain('代报')
    expect(comp.querySelector('.entry-abnormal')).toBeUndefined()
    expect(comp.querySelector('.fold')).toBeUndefined()
    expect(comp.querySelector('.entry-summary')).toBeUndefined()

    await tap(comp, '#entry-hh_302 .entry-head')
    expect(comp.querySelector('.members')).toBeUndefined()
    expect(comp.querySelector('image')).toBeUndefined()
    expect(comp.querySelector('#lead-actions')).toBeUndefined()

    await tap(comp, '#tab-missing')
    expect(texts(comp, '.missing-label')).toEqual(['12-401 赵*', '12-502 钱*华'])
    expect(comp.querySelector('.proxy-submit')).toBeUndefined()
  })

  it('shows a lead abnormal entries first, in red, with each member’s result beside the kit photo', async () => {
    lead()
    const preview = jest.spyOn(wx, 'previewImage')
    spies.push(preview)
    const comp = mount(PAGE, q)
    await settleAll()
    expect(texts(comp, '.entry-no')).toEqual(['2', '1'])
    expect(find(comp, '#entry-hh_302')?.dom?.className).toContain('entry-abnormal')
    expect(find(comp, '#entry-hh_201')?.dom?.className).not.toContain('entry-abnormal')
    expect(text(comp, '#entry-hh_302 .entry-summary')).toBe('异常（阳性） 1 · 未测 1')

    await tap(comp, '#entry-hh_302 .entry-head')
    const members = texts(comp, '#entry-hh_302 .member')
    expect(members[0]).toContain('李秀英')
    expect(members[0]).toContain('异常（阳性）')
    expect(members[0]).toContain('早于15分钟')
    expect(members[0]).toContain('开始 09:10 · 拍照 09:14')
    expect(members[1]).toContain('未测')
    expect(members[1]).toContain('已在外检测')
    expect(members[1]).toContain('无照片')
    expect(attr(comp, '#entry-hh_302 .kit', 'mode')).toBe('aspectFit')

    await tap(comp, '#entry-hh_302 .kit')
    expect(preview).toHaveBeenCalledWith(
      expect.objectContaining({
        urls: ['https://test-env.tcb.qcloud.la/antigen/r_1120/hh_302/m_3.jpg?sign=y'],
        current: 'https://test-env.tcb.qcloud.la/antigen/r_1120/hh_302/m_3.jpg?sign=y',
      }),
    )

    await tap(comp, '#entry-hh_201 .entry-head')
    expect(attr(comp, '#entry-hh_201 .kit', 'src')).toBe(PHOTO_URL)
    expect(text(comp, '#entry-hh_201 .member')).not.toContain('早于15分钟')
    await tap(comp, '#entry-hh_201 .entry-head')
    expect(comp.querySelector('#entry-hh_201 .members')).toBeUndefined()
  })

  it('flags an entry with the reason typed in the dialog', async () => {
    lead()
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#entry-hh_302 .entry-head')

    let modal = answerModal({ confirm: false })
    await tap(comp, '#entry-hh_302 .flag')
    expect(sentAntigen('flag')).toEqual([])
    modal.mockRestore()

    modal = answerModal({ confirm: true, content: '  ' })
    await tap(comp, '#entry-hh_302 .flag')
    expect(sentAntigen('flag')).toEqual([])
    expect(modal).toHaveBeenLastCalledWith(expect.objectContaining({ content: '请写明标记的原因，住户会看到' }))
    modal.mockRestore()

    modal = answerModal({ confirm: true, content: ' 照片看不清，请重拍 ' })
    spies.push(modal)
    await tap(comp, '#entry-hh_302 .flag')
    expect(modal).toHaveBeenCalledWith(expect.objectContaining({ editable: true, title: '标记 12-302 李*英' }))
    expect(sentAntigen('flag')).toEqual([{ roundId: 'r_1120', householdId: 'hh_302', reason: '照片看不清，请重拍' }])
    expect(text(comp, '#entry-hh_302 .flagged')).toBe('已标记：照片看不清，请重拍')
    expect(find(comp, '#entry-hh_302 .members')).toBeDefined()
  })

  it('confirms the building after showing its counts, then shows when', async () => {
    lead()
    const comp = mount(PAGE, q)
    await settleAll()
    expect(attr(comp, '#confirm', 'disabled')).toBe(false)

    const modal = answerModal({ confirm: true })
    spies.push(modal)
    await tap(comp, '#confirm')
    const content = (modal.mock.calls[0]?.[0] as { content: string }).content
    expect(content).toContain('已报 2 户 3 人：阴性 1，异常 1，无效 0，未测 1；未报 2 户。')
    expect(content).toContain('其中 1 户有异常')
    expect(sentAntigen('confirm')).toEqual([q])
    expect(text(comp, '#confirmed')).toBe('已确认 · 11月20日 18:05')
    expect(text(comp, '#confirm')).toBe('本楼已确认')
    expect(attr(comp, '#confirm', 'disabled')).toBe(true)

    await tap(comp, '#confirm')
    expect(sentAntigen('confirm')).toHaveLength(1)
  })

  it('does not confirm when the dialog is cancelled, and reloads when another lead confirmed first', async () => {
    const chain = lead()
    const comp = mount(PAGE, q)
    await settleAll()
    let modal = answerModal({ confirm: false })
    await tap(comp, '#confirm')
    expect(sentAntigen('confirm')).toEqual([])
    modal.mockRestore()

    chain.set(chainView({ confirmed: true, confirmedAt: '2026-11-20T09:00:00.000Z' }))
    modal = answerModal({ confirm: true })
    spies.push(modal)
    await tap(comp, '#confirm')
    expect(modal).toHaveBeenLastCalledWith(expect.objectContaining({ content: '本楼已经确认过了' }))
    expect(text(comp, '#confirmed')).toBe('已确认 · 11月20日 17:00')
  })

  it('reminds the missing households and lists whom to call with masked numbers, without asking for subscriptions', async () => {
    lead()
    const subscribe = jest.spyOn(wx, 'requestSubscribeMessage')
    const dial = jest.spyOn(wx, 'makePhoneCall')
    spies.push(subscribe, dial)
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#remind')).toBe('提醒未报（2 户）')
    await tap(comp, '#remind')
    expect(subscribe).not.toHaveBeenCalled()
    expect(sentAntigen('remind')).toEqual([q])
    expect(text(comp, '#remind-result')).toContain('已向 1 户发送微信提醒')
    expect(text(comp, '#remind-result')).toContain('以下 1 户收不到微信提醒，请打电话')
    expect(text(comp, '#call-hh_401')).toContain('12-401 赵*')
    expect(texts(comp, '#call-hh_401 .contact-name')).toEqual(['赵建华', '赵小华'])
    expect(texts(comp, '#call-hh_401 .phone')).toEqual(['138****5678', '139****4321'])
    const buttons = comp.querySelectorAll('#call-hh_401 .call')
    expect(buttons.map((b) => b.toJSON().attrs.find((a) => a.name === 'disabled')?.value)).toEqual([false, true])
  })

  it('拨打 reveals the masked number for this reminder and rings it, never showing it', async () => {
    lead()
    const dial = jest.spyOn(wx, 'makePhoneCall')
    const sheet = jest.spyOn(wx, 'showActionSheet')
    spies.push(dial, sheet)
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#remind')
    expect(sent('revealPhone')).toEqual([])
    await tap(comp, '#call-hh_401 .call')
    // The reason is the reminder itself: no need to ask.
    expect(sheet).not.toHaveBeenCalled()
    expect(sent('revealPhone')).toEqual([{ householdId: 'hh_401', memberId: 'm_7', reason: 'remind' }])
    expect(dial).toHaveBeenCalledWith(expect.objectContaining({ phoneNumber: FULL_401 }))
    expect(text(comp, '#remind-result')).not.toContain(FULL_401)
    expect(JSON.stringify(comp.data)).not.toContain(FULL_401)
  })

  it('rings nobody when the daily cap is reached, and says so', async () => {
    lead(chainView(), [leadRole], () =>
      fail('REVEAL_LIMIT', '今天已经查看了 30 个电话，到了每天的上限，明天可以再查看；紧急情况请直接联系居委'),
    )
    const dial = jest.spyOn(wx, 'makePhoneCall')
    const modal = jest.spyOn(wx, 'showModal')
    spies.push(dial, modal)
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#remind')
    await tap(comp, '#call-hh_401 .call')
    expect(sent('revealPhone')).toHaveLength(1)
    expect(dial).not.toHaveBeenCalled()
    expect(modal).toHaveBeenCalledWith(expect.objectContaining({ content: expect.stringContaining('每天的上限') }))
  })

  it('says the reminder could not be pushed because WeChat messages are not set up, not that people refused', async () => {
    lead()
    const notConfigured =
      '微信提醒还没有开通（订阅消息模板没有配置），这次没有发出微信提醒，请打电话提醒。请告诉居委：首页有配置说明。'
    antigen({ chain: () => ok(chainView()), remind: () => ok({ pushed: 0, callList, notConfigured }) })
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#remind')
    expect(text(comp, '#remind-pushed')).toBe(notConfigured)
    expect(text(comp, '#remind-result')).toContain('以下 1 户请打电话提醒')
    expect(text(comp, '#remind-result')).not.toContain('收不到微信提醒')
    expect(text(comp, '#remind-result')).not.toContain('没有住户能收到微信提醒')
  })

  it('rings a full number (the committee’s list) at once, without revealing it', async () => {
    lead(chainView(), [committeeRole])
    antigen({
      chain: () => ok(chainView()),
      remind: () =>
        ok({
          pushed: 0,
          callList: [
            {
              ...callList[0],
              contacts: [{ memberId: 'm_7', name: '赵建华', phone: FULL_401 }],
            } as (typeof callList)[0],
          ],
        }),
    })
    const dial = jest.spyOn(wx, 'makePhoneCall')
    spies.push(dial)
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#remind')
    await tap(comp, '#call-hh_401 .call')
    expect(sent('revealPhone')).toEqual([])
    expect(dial).toHaveBeenCalledWith(expect.objectContaining({ phoneNumber: FULL_401 }))
  })

  it('opens the submit page for a missing household (代报)', async () => {
    lead()
    const navigate = jest.spyOn(wx, 'navigateTo')
    spies.push(navigate)
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#tab-missing')
    expect(text(comp, '#missing-hh_401')).toContain('未绑定微信')
    expect(text(comp, '#missing-hh_502')).not.toContain('未绑定微信')
    await tap(comp, '#missing-hh_401 .proxy-submit')
    expect(navigate).toHaveBeenCalledWith(
      expect.objectContaining({
        url: '/packageAntigen/pages/submit?roundId=r_1120&householdId=hh_401&buildingId=b_12',
      }),
    )
  })

  it('lets the committee act on any building of its community', async () => {
    lead(chainView(), [committeeRole])
    const comp = mount(PAGE, q)
    await settleAll()
    expect(find(comp, '#confirm')).toBeDefined()
    await tap(comp, '#tab-missing')
    expect(find(comp, '#missing-hh_401 .proxy-submit')).toBeDefined()
  })

  it('lets a floor lead submit for and remind their floor only, and not confirm', async () => {
    lead(chainView(), [role({ role: 'floorLead', place: '12号 4层 层长', scope: { ...leadRole.scope, floor: 4 } })])
    const comp = mount(PAGE, q)
    await settleAll()
    expect(comp.querySelector('#confirm')).toBeUndefined()
    expect(text(comp, '#remind')).toBe('提醒未报（1 户）')
    await tap(comp, '#tab-missing')
    expect(find(comp, '#missing-hh_401 .proxy-submit')).toBeDefined()
    expect(comp.querySelector('#missing-hh_502 .proxy-submit')).toBeUndefined()
    expect(text(comp, '#missing-hh_502')).toContain('12-502 钱*华')
  })

  it('opens only the entries a floor lead may see (the others carry no results)', async () => {
    const view = chainView()
    lead(
      {
        ...view,
        entries: [
          view.entries[0] as ChainEntryView,
          { ...(view.entries[1] as ChainEntryView), members: undefined, abnormal: undefined },
        ],
      },
      [role({ role: 'floorLead', place: '12号 2层 层长', scope: { ...leadRole.scope, floor: 2 } })],
    )
    const comp = mount(PAGE, q)
    await settleAll()
    expect(texts(comp, '.fold')).toEqual(['查看'])
    await tap(comp, '#entry-hh_302 .entry-head')
    expect(comp.querySelector('#entry-hh_302 .members')).toBeUndefined()
    await tap(comp, '#entry-hh_201 .entry-head')
    expect(find(comp, '#entry-hh_201 .members')).toBeDefined()
    expect(find(comp, '#entry-hh_201 .flag')).toBeDefined()
  })

  it('says what to do when nobody has submitted yet, and when everyone has', async () => {
    lead(chainView({ entries: [], missing: [] }))
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#entries-empty')).toContain('还没有住户接龙')
    expect(text(comp, '#entries-empty')).toContain('提醒未报')
    expect(comp.querySelector('#remind')).toBeUndefined()
    await tap(comp, '#tab-missing')
    expect(text(comp, '#missing-empty')).toBe('全楼都已接龙。')
  })

  it('counts deleted entries and says they were deleted; a round reduced to counts says so', async () => {
    const view = chainView()
    lead({ ...view, deleted: [3] })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#deleted')).toBe('第 3 位：已删除（住户删除了自己的数据，统计数字仍保留）')
    expect(comp.data.head.counts).toContain(`已接龙 ${view.entries.length + 1} 户`)

    lead({ ...view, entries: [], missing: [], deleted: [1, 2, 3], reduced: true })
    const reduced = mount(PAGE, q)
    await settleAll()
    expect(text(reduced, '#deleted')).toBe('本轮的名单和每户结果已按期删除，只保留各楼的统计数字。')
    expect(reduced.data.head.counts).toBe('已接龙 3 户 · 未报 0 户')
    expect(reduced.querySelector('#entries-empty')).toBeUndefined()
  })

  it('shows the error and retries', async () => {
    let answer: Envelope<ChainView> = fail('FORBIDDEN', '您没有权限进行此操作')
    community({ whoami: () => ok(me({ roles: [leadRole] })) })
    antigen({ chain: () => answer })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#error', '.status-message')).toBe('您没有权限进行此操作')
    answer = ok(chainView())
    await tap(comp, '#error', '.status-action')
    expect(comp.data.state).toBe('ready')
    expect(texts(comp, '.entry-no')).toEqual(['2', '1'])
  })

  it('still offers 代报 once the building is confirmed, saying it will need confirming again', async () => {
    lead(chainView({ confirmed: true, confirmedAt: '2026-11-20T09:00:00.000Z' }))
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '.reopen-note')).toContain('本楼需要重新确认')
    await tap(comp, '#tab-missing')
    expect(find(comp, '#missing-hh_401 .proxy-submit')).toBeDefined()
  })

  it('lets a lead ask to hear about abnormal results and changes to a confirmed building', async () => {
    lead()
    const subscribe = jest.spyOn(wx, 'requestSubscribeMessage')
    spies.push(subscribe)
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#subscribe-abnormal')
    expect(subscribe).toHaveBeenCalledWith(expect.objectContaining({ tmplIds: ['TPL_ABNORMAL', 'TPL_REOPENED'] }))
  })
})

/**
 * 12号 with `counts[i]` households on floor i + 1 (rooms 101, 102 …), the last `missingPerFloor` of each floor not
 * submitted yet, as its lead sees it. Numbered in the order they submitted, across the floors (every floor's first
 * room, then every floor's second …); 12-302 is abnormal and comes first. Floors 2 and up have a 层长; floor 2's
 * has confirmed.
 */
function tower(counts: number[], missingPerFloor = 2): ChainView {
  const submitted: { k: number; floor: number; room: string }[] = []
  const missing: ChainView['missing'] = []
  counts.forEach((count, i) => {
    const floor = i + 1
    for (let k = 1; k <= count; k++) {
      const room = `${floor}${String(k).padStart(2, '0')}`
      if (k > count - missingPerFloor)
        missing.push({ householdId: `hh_${room}`, label: `12-${room} 张*`, floor, linked: true })
      else submitted.push({ k, floor, room })
    }
  })
  const entries = submitted
    .sort((a, b) => a.k - b.k || a.floor - b.floor)
    .map((x, i) =>
      chainEntry({
        no: i + 1,
        householdId: `hh_${x.room}`,
        floor: x.floor,
        label: `12-${x.room} 王*`,
        members: [{ memberId: `m_${x.room}`, name: '王德明', result: x.room === '302' ? 'positive' : 'negative' }],
        abnormal: x.room === '302',
      }),
    )
  const floors: ChainFloorView[] = counts.map((count, i) => ({
    floor: i + 1,
    expected: count,
    submitted: Math.max(0, count - missingPerFloor),
    toConfirm: i + 1 >= 2,
    confirmed: i + 1 === 2,
    ...(i + 1 === 2 ? { confirmedAt: '2026-11-20T09:30:00.000Z' } : {}),
  }))
  return chainView({
    entries: [...entries.filter((e) => e.abnormal), ...entries.filter((e) => !e.abnormal)],
    missing,
    floors,
  })
}

const floorLead = (floor: number) =>
  role({ role: 'floorLead', place: `12号 ${floor}层 层长`, scope: { ...leadRole.scope, floor } })

describe('building chain of a high-rise', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))
  const page = (comp: ReturnType<typeof mount>) => comp.instance as unknown as { onReachBottom: () => void }

  it('groups it by floor: its lead sees each floor’s count and 层长, and a floor opens to its entries and rooms', async () => {
    lead(tower([10, 10, 10, 10]))
    const comp = mount(PAGE, q)
    await settleAll()
    expect(comp.querySelector('#tab-entries')).toBeUndefined()
    expect(texts(comp, '.floor-summary')).toEqual([
      '1 层 已报 8/10',
      '2 层 已报 8/10 · 层长已确认',
      '3 层 已报 8/10 · 层长未确认',
      '4 层 已报 8/10 · 层长未确认',
    ])
    expect(text(comp, '#floors-status')).toBe('层长确认：1/3 层，未确认：3、4 层')
    expect(text(comp, '#confirm')).toBe('确认全楼')
    // Nothing of a floor is sent before it opens; the abnormal floor is marked for the lead.
    expect(comp.querySelectorAll('.entry')).toHaveLength(0)
    expect(find(comp, '#floor-3 .floor-head')?.dom?.className).toContain('floor-abnormal')
    expect(text(comp, '#floor-3 .floor-head')).toContain('异常 1 户')
    expect(text(comp, '#floor-1 .floor-head')).not.toContain('异常')

    await tap(comp, '#floor-3 .floor-head')
    // Abnormal first, then the floor's entries in their chain numbers' order.
    expect(texts(comp, '#floor-entries-3 .entry-no')).toEqual(['7', '3', '11', '15', '19', '23', '27', '31'])
    expect(texts(comp, '#floor-missing-3 .missing-label')).toEqual(['12-309 张*', '12-310 张*'])
    expect(text(comp, '#floor-missing-3')).toContain('本层未报 2 户')
    expect(find(comp, '#missing-hh_309 .proxy-submit')).toBeDefined()
    expect(comp.querySelectorAll('.entry')).toHaveLength(8)
    // Only the floor's rows went to the view, by path.
    expect(setDataLog.calls.at(-1)!.keys).toEqual(expect.arrayContaining(['blocks[2].entries', 'blocks[2].missing']))

    await tap(comp, '#entry-hh_302 .entry-head')
    expect(text(comp, '#entry-hh_302 .member')).toContain('异常（阳性）')
    const modal = answerModal({ confirm: true, content: '照片看不清' })
    spies.push(modal)
    await tap(comp, '#entry-hh_302 .flag')
    expect(text(comp, '#entry-hh_302 .flagged')).toBe('已标记：照片看不清')
    expect(find(comp, '#entry-hh_302 .members')).toBeDefined()

    await tap(comp, '#floor-3 .floor-head')
    expect(comp.querySelectorAll('.entry')).toHaveLength(0)
    await tap(comp, '#floor-3 .floor-head')
    expect(text(comp, '#entry-hh_302 .flagged')).toBe('已标记：照片看不清')
  })

  it('opens a resident’s own floor first and does not tell them which entry is abnormal', async () => {
    const view = tower([10, 10, 10, 10])
    community({
      whoami: () =>
        ok(
          me({
            roles: [{ ...residentRole, scope: { ...residentRole.scope, householdId: 'hh_303' } }],
            households: [{ ...household201, id: 'hh_303', label: '12-303' }],
          }),
        ),
    })
    antigen({
      chain: () =>
        ok({
          ...view,
          entries: view.entries.map(({ members: _m, abnormal: _a, ...rest }) => rest),
          detailed: false,
        }),
    })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(texts(comp, '.floor-summary')[0]).toBe('3 层 已报 8/10 · 层长未确认')
    expect(text(comp, '#floor-3 .floor-head')).toContain('我的楼层')
    expect(texts(comp, '#floor-entries-3 .entry-no')).toEqual(['3', '7', '11', '15', '19', '23', '27', '31'])
    expect(comp.querySelector('.entry-abnormal')).toBeUndefined()
    expect(comp.querySelector('.floor-abnormal')).toBeUndefined()
    expect(comp.querySelector('.proxy-submit')).toBeUndefined()
    expect(comp.querySelector('.confirm-floor')).toBeUndefined()
    expect(comp.querySelectorAll('.entry')).toHaveLength(8)
  })

  it('keeps a walk-up of 11 households as one list, its 层长 confirming their floor at the top', async () => {
    lead(tower([2, 2, 2, 2, 2, 1], 0), [floorLead(3)])
    const comp = mount(PAGE, q)
    await settleAll()
    expect(comp.querySelector('.floor-head')).toBeUndefined()
    expect(text(comp, '#tab-entries')).toBe('已接龙 11')
    expect(texts(comp, '.entry-no')).toEqual(['9', '1', '2', '3', '4', '5', '6', '7', '8', '10', '11'])
    expect(text(comp, '#my-floor-3')).toContain('3 层 已报 2/2 · 层长未确认')
    const modal = answerModal({ confirm: true })
    spies.push(modal)
    await tap(comp, '#confirm-floor-3')
    expect(sentAntigen('confirmFloor')).toEqual([{ ...q, floor: 3 }])
    expect(text(comp, '#confirm-floor-3')).toBe('本层已确认')
  })

  it('lets a 层长 confirm their floor, open first, after seeing its numbers', async () => {
    lead(tower([10, 10, 10, 10]), [floorLead(3)])
    const comp = mount(PAGE, q)
    await settleAll()
    expect(comp.querySelector('#confirm')).toBeUndefined()
    expect(comp.querySelector('#floors-status')).toBeUndefined()
    expect(texts(comp, '.floor-summary')[0]).toBe('3 层 已报 8/10 · 层长未确认')
    expect(texts(comp, '#floor-entries-3 .entry-no')).toEqual(['7', '3', '11', '15', '19', '23', '27', '31'])
    expect(text(comp, '#confirm-floor-3')).toBe('确认本层')
    expect(attr(comp, '#confirm-floor-3', 'disabled')).toBe(false)
    // Other floors have no button for them.
    await tap(comp, '#floor-4 .floor-head')
    expect(comp.querySelector('#confirm-floor-4')).toBeUndefined()

    let modal = answerModal({ confirm: false })
    await tap(comp, '#confirm-floor-3')
    expect(sentAntigen('confirmFloor')).toEqual([])
    modal.mockRestore()

    modal = answerModal({ confirm: true })
    spies.push(modal)
    await tap(comp, '#confirm-floor-3')
    expect(modal).toHaveBeenCalledWith(expect.objectContaining({ title: '确认 3 层结果' }))
    const content = (modal.mock.calls[0]?.[0] as { content: string }).content
    expect(content).toContain('3 层已报 8 户 8 人：阴性 7，异常 1，无效 0，未测 0；未报 2 户。')
    expect(content).toContain('其中 1 户有异常')
    expect(sentAntigen('confirmFloor')).toEqual([{ ...q, floor: 3 }])
    expect(texts(comp, '.floor-summary')[0]).toBe('3 层 已报 8/10 · 层长已确认')
    expect(text(comp, '#confirm-floor-3')).toBe('本层已确认')
    expect(attr(comp, '#confirm-floor-3', 'disabled')).toBe(true)
    // The floors the 层长 had open stay open.
    expect(find(comp, '#floor-entries-4')).toBeDefined()
  })

  it('asks the lead why when a floor’s 层长 has not confirmed, and confirms the building with the reason', async () => {
    lead(tower([10, 10, 10, 10]))
    const comp = mount(PAGE, q)
    await settleAll()

    // 等层长: nothing is sent again.
    let modal = answerModals({ confirm: true }, { confirm: false })
    await tap(comp, '#confirm')
    expect(sentAntigen('confirm')).toEqual([q])
    modal.mockRestore()

    // Too short a reason is not sent.
    modal = answerModals({ confirm: true }, { confirm: true }, { confirm: true, content: ' 无 ' }, { confirm: true })
    await tap(comp, '#confirm')
    expect(sentAntigen('confirm')).toHaveLength(2)
    expect(modal).toHaveBeenLastCalledWith(expect.objectContaining({ content: '原因请写 2 到 100 个字，居委会看到' }))
    modal.mockRestore()

    modal = answerModals(
      { confirm: true },
      { confirm: true },
      { confirm: true, content: ' 4 层层长外出，楼组长已逐户核对 ' },
    )
    spies.push(modal)
    await tap(comp, '#confirm')
    const [counts, refusal, ask] = modal.mock.calls.map((c) => c[0] as WechatMiniprogram.ShowModalOption)
    expect(counts!.content).toContain('3、4 层的层长还没有确认。')
    expect(refusal).toEqual(
      expect.objectContaining({
        content: '3、4 层的层长还没有确认。请等层长确认，或写明原因后确认整栋',
        confirmText: '写原因',
        cancelText: '等层长',
      }),
    )
    expect(ask).toEqual(expect.objectContaining({ title: '确认全楼的原因', editable: true }))
    expect(sentAntigen('confirm')).toEqual([q, q, q, { ...q, reason: '4 层层长外出，楼组长已逐户核对' }])
    expect(text(comp, '#confirmed')).toBe('已确认 · 11月20日 18:05')
    expect(text(comp, '#confirm-reason')).toBe('未等全部层长确认，原因：4 层层长外出，楼组长已逐户核对')
    expect(text(comp, '#confirm')).toBe('全楼已确认')
  })

  it('reloads the chain and says so when a household submitted just before the confirmation', async () => {
    const chain = lead(tower([10, 10, 10, 10]))
    antigen({
      chain: () => ok(chain.get()),
      confirm: () => {
        chain.set(tower([10, 10, 10, 10], 1))
        return fail('CONFLICT', '刚有住户提交了，请刷新后再确认')
      },
      confirmFloor: () => {
        chain.set(tower([10, 10, 10, 10], 0))
        return fail('CONFLICT', '刚有住户提交了，请刷新后再确认')
      },
    })
    community({ whoami: () => ok(me({ roles: [leadRole, floorLead(3)] })) })
    const comp = mount(PAGE, q)
    await settleAll()
    const modal = answerModal({ confirm: true })
    spies.push(modal)
    await tap(comp, '#confirm')
    expect(sentAntigen('chain')).toHaveLength(2)
    expect(modal).toHaveBeenLastCalledWith(
      expect.objectContaining({ content: '刚有住户提交了，接龙已经刷新。请看过新的接龙后再确认。' }),
    )
    expect(text(comp, '#head')).toContain('未报 4 户')
    expect(text(comp, '#confirm')).toBe('确认全楼')

    await tap(comp, '#confirm-floor-3')
    expect(sentAntigen('confirmFloor')).toEqual([{ ...q, floor: 3 }])
    expect(sentAntigen('chain')).toHaveLength(3)
    expect(modal).toHaveBeenLastCalledWith(
      expect.objectContaining({ content: '刚有住户提交了，接龙已经刷新。请看过新的接龙后再确认。' }),
    )
    expect(text(comp, '#head')).toContain('未报 0 户')
  })

  it('pages a long list: the first 50, the next as the user scrolls or taps 显示更多', async () => {
    lead(tower([180], 60))
    const comp = mount(PAGE, q)
    await settleAll()
    expect(comp.data.grouped).toBe(false)
    expect(text(comp, '#tab-entries')).toBe('已接龙 120')
    expect(comp.querySelectorAll('.entry')).toHaveLength(50)
    expect(text(comp, '.more-entries')).toBe('显示更多（还有 70 户）')

    setDataLog.clear()
    page(comp).onReachBottom()
    await settleAll()
    expect(comp.querySelectorAll('.entry')).toHaveLength(100)
    // Appended by path, never the whole list again.
    expect(setDataLog.calls[0]!.keys).toEqual(
      expect.arrayContaining(['blocks[0].entries[50]', 'blocks[0].entries[99]']),
    )
    expect(setDataLog.calls[0]!.keys).not.toContain('blocks')
    await tap(comp, '.more-entries')
    expect(comp.querySelectorAll('.entry')).toHaveLength(120)
    expect(comp.querySelector('.more-entries')).toBeUndefined()
    page(comp).onReachBottom()
    await settleAll()
    expect(comp.querySelectorAll('.entry')).toHaveLength(120)

    // Back from 代报, the chain reloads with the rows the user had loaded, a page at a time.
    setDataLog.clear()
    ;(comp.instance as unknown as { onShow: () => void }).onShow()
    await settleAll()
    expect(comp.querySelectorAll('.entry')).toHaveLength(120)
    expect(find(comp, '#entry-hh_1110')).toBeDefined()
    const [render, ...appends] = setDataLog.calls
    expect(render!.keys).toContain('blocks')
    expect(appends.map((c) => c.keys.filter((k) => k.includes('.entries[')).length)).toEqual([50, 20])

    await tap(comp, '#tab-missing')
    expect(comp.querySelectorAll('.missing-row')).toHaveLength(50)
    page(comp).onReachBottom()
    await settleAll()
    expect(comp.querySelectorAll('.missing-row')).toHaveLength(60)
  })

  it('pages a crowded floor when it opens, and loads the rest on reaching the bottom', async () => {
    lead(tower([70, 10]))
    const comp = mount(PAGE, q)
    await settleAll()
    expect(comp.data.grouped).toBe(true)
    await tap(comp, '#floor-1 .floor-head')
    expect(comp.querySelectorAll('#floor-entries-1 .entry')).toHaveLength(50)
    expect(comp.querySelectorAll('#floor-missing-1 .missing-row')).toHaveLength(2)
    expect(text(comp, '#floor-entries-1 .more-entries')).toBe('显示更多（还有 18 户）')
    page(comp).onReachBottom()
    await settleAll()
    expect(comp.querySelectorAll('#floor-entries-1 .entry')).toHaveLength(68)
    expect(comp.querySelector('.more-entries')).toBeUndefined()
  })
})
