import type { FollowUpList, FollowUpView } from '../../typings/api'
import { antigen, committeeRole, community, fail, leadRole, me, ok, role, sentAntigen } from '../support/pages/fixtures'
import { find, mount, settleAll, tap, text, texts, type } from '../support/pages/harness'

const PAGE = 'packageAntigen/pages/followups'
const q = { communityId: 'c_sunny' }
const groupLead = role({ role: 'groupLead', place: '第1营 营长', scope: { communityId: 'c_sunny', groupId: 'g_1' } })
const floorLead = role({
  role: 'floorLead',
  place: '12号 3层 层长',
  scope: { communityId: 'c_sunny', buildingId: 'b_12', floor: 3 },
})

function followUp(partial: Partial<FollowUpView> = {}): FollowUpView {
  return {
    id: 'fu_000000000000000000000201',
    roundId: 'r_1120',
    roundDate: '2026-11-20',
    buildingId: 'b_12',
    householdId: 'hh_201',
    floor: 2,
    label: '12-201 王*国',
    status: 'open',
    openedAt: '2026-11-20T02:05:00.000Z', // 10:05 in Shanghai
    contacts: [],
    escalated: false,
    members: [
      { memberId: 'm_1', name: '王建国', result: 'positive' },
      { memberId: 'm_2', name: '王小明', result: 'negative' },
    ],
    ...partial,
  }
}

const second = followUp({
  id: 'fu_000000000000000000000305',
  householdId: 'hh_305',
  floor: 3,
  label: '12-305 李*英',
  openedAt: '2026-11-20T03:40:00.000Z',
  status: 'acknowledged',
  acknowledgedAt: '2026-11-20T03:50:00.000Z',
  acknowledgedBy: '楼组长 陈*',
  contacts: [{ by: '楼组长 陈*', at: '2026-11-20T04:00:00.000Z', note: '已电话联系，在家，无症状' }],
  escalated: true,
  members: [{ memberId: 'm_3', name: '李秀英', result: 'positive' }],
})

const list = (items: FollowUpView[], next?: string): FollowUpList => (next ? { items, next } : { items })

function answerModal(confirm: boolean, content = '') {
  return jest.spyOn(wx, 'showModal').mockImplementation(((opts: WechatMiniprogram.ShowModalOption) => {
    opts.success?.({ confirm, cancel: !confirm, content, errMsg: 'showModal:ok' })
  }) as never)
}

function answerSheet(tapIndex: number) {
  return jest.spyOn(wx, 'showActionSheet').mockImplementation(((opts: WechatMiniprogram.ShowActionSheetOption) => {
    opts.success?.({ tapIndex, errMsg: 'showActionSheet:ok' })
  }) as never)
}

/** A building lead of 12号 with the two follow-ups; each action answers with the follow-up as the function would. */
function lead(items: FollowUpView[] = [followUp(), second]) {
  community({ whoami: () => ok(me({ roles: [leadRole] })) })
  const byId = new Map(items.map((f) => [f.id, f]))
  antigen({
    followUps: (p) => ok(list(p.status === 'all' ? items : items.filter((f) => f.status !== 'closed'))),
    acknowledgeFollowUp: (p) => {
      const f = { ...(byId.get(p.id) as FollowUpView) }
      if (f.status === 'open')
        Object.assign(f, {
          status: 'acknowledged',
          acknowledgedAt: '2026-11-20T02:30:00.000Z',
          acknowledgedBy: '楼组长 陈*',
        })
      byId.set(f.id, f)
      return ok(f)
    },
    recordFollowUp: (p) => {
      const f = { ...(byId.get(p.id) as FollowUpView) }
      if (f.status === 'open') Object.assign(f, { status: 'acknowledged', acknowledgedBy: '楼组长 陈*' })
      if (p.contact)
        f.contacts = [...f.contacts, { by: '楼组长 陈*', at: '2026-11-20T02:40:00.000Z', note: p.contact.note }]
      if (p.outcome) f.outcome = p.outcome
      if (p.outcomeNote) f.outcomeNote = p.outcomeNote
      if (p.close) {
        if (!f.outcome) return fail('INVALID_INPUT', '结案前请先选择结果', 'outcome')
        Object.assign(f, { status: 'closed', closedAt: '2026-11-20T03:00:00.000Z', closedBy: '楼组长 陈*' })
      }
      byId.set(f.id, f)
      return ok(f)
    },
  })
}

const card = (id = followUp().id) => `#card-${id}`

describe('abnormal follow-ups', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('lists the open follow-ups with label, time, status and results, and what was done so far', async () => {
    lead()
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sentAntigen('followUps')).toEqual([{ communityId: 'c_sunny', status: 'open', limit: 20 }])
    expect(texts(comp, '.followup-label')).toEqual(['12-201 王*国', '12-305 李*英'])
    expect(text(comp, `${card()} .followup-when`)).toBe('11月20日检测 · 11月20日 10:05 报告异常')
    expect(text(comp, `${card()} .followup-status`)).toBe('未处理')
    expect(text(comp, `${card()} .followup-results`)).toBe('王建国 异常（阳性） · 王小明 阴性')
    expect(find(comp, `${card()} .followup-escalated`)).toBeUndefined()

    expect(text(comp, `${card(second.id)} .followup-status`)).toBe('跟进中')
    expect(text(comp, `${card(second.id)} .followup-escalated`)).toBe('超时未跟进，已通知居委')
    expect(text(comp, `${card(second.id)} .followup-ack`)).toBe('楼组长 陈* 11月20日 11:50 已知晓')
    expect(texts(comp, `${card(second.id)} .contact .hint`)).toEqual(['11月20日 12:00 楼组长 陈*'])
    expect(texts(comp, `${card(second.id)} .contact-note`)).toEqual(['已电话联系，在家，无症状'])
    // 已知晓 only while nobody has; the other buttons on every open card.
    expect(find(comp, `${card()} .ack`)).toBeDefined()
    expect(find(comp, `${card(second.id)} .ack`)).toBeUndefined()
    expect(comp.querySelectorAll('.contact-btn')).toHaveLength(2)
    expect(comp.querySelectorAll('.outcome-btn')).toHaveLength(2)
    expect(comp.querySelectorAll('.close-btn')).toHaveLength(2)
  })

  it('acknowledges with 已知晓', async () => {
    lead()
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, `${card()} .ack`)
    expect(sentAntigen('acknowledgeFollowUp')).toEqual([{ id: followUp().id }])
    expect(text(comp, `${card()} .followup-status`)).toBe('跟进中')
    expect(text(comp, `${card()} .followup-ack`)).toBe('楼组长 陈* 11月20日 10:30 已知晓')
    expect(find(comp, `${card()} .ack`)).toBeUndefined()
  })

  it('records a contact in the text box, and asks for one before saving an empty box', async () => {
    lead()
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, `${card()} .contact-btn`)
    expect(find(comp, `#note-${followUp().id}`)).toBeDefined()
    await type(comp, ' 。', `#note-${followUp().id}`)
    await tap(comp, '#save-note')
    expect(text(comp, '#note-error')).toBe('请写下联系的情况，如：已电话联系，在家，无症状')
    expect(sentAntigen('recordFollowUp')).toEqual([])

    await type(comp, ' 已上门，家属说在休息 ', `#note-${followUp().id}`)
    await tap(comp, '#save-note')
    expect(sentAntigen('recordFollowUp')).toEqual([{ id: followUp().id, contact: { note: '已上门，家属说在休息' } }])
    expect(find(comp, `#note-${followUp().id}`)).toBeUndefined()
    expect(texts(comp, `${card()} .contact .hint`)).toEqual(['11月20日 10:40 楼组长 陈*'])
    expect(texts(comp, `${card()} .contact-note`)).toEqual(['已上门，家属说在休息'])
    // Recording acknowledged it too.
    expect(text(comp, `${card()} .followup-status`)).toBe('跟进中')
  })

  it('picks the outcome from the list (其他 with a note) and closes the follow-up', async () => {
    lead()
    const comp = mount(PAGE, q)
    await settleAll()
    // 结案 before a result: told what to do, nothing sent.
    const told = answerModal(true)
    spies.push(told)
    await tap(comp, `${card()} .close-btn`)
    expect(told).toHaveBeenCalledWith(expect.objectContaining({ title: '还不能结案' }))
    expect(sentAntigen('recordFollowUp')).toEqual([])
    told.mockRestore()

    const sheet = answerSheet(1)
    spies.push(sheet)
    await tap(comp, `${card()} .outcome-btn`)
    expect(sheet).toHaveBeenCalledWith(
      expect.objectContaining({ itemList: ['复核阴性', '居家隔离', '已转运', '送医就诊', '其他'] }),
    )
    expect(sentAntigen('recordFollowUp')).toEqual([{ id: followUp().id, outcome: 'homeIsolation' }])
    expect(text(comp, `${card()} .followup-outcome`)).toBe('结果：居家隔离')

    sheet.mockRestore()
    spies.push(answerSheet(4), answerModal(true, '去外地亲属家'))
    await tap(comp, `${card()} .outcome-btn`)
    expect(sentAntigen('recordFollowUp')[1]).toEqual({
      id: followUp().id,
      outcome: 'other',
      outcomeNote: '去外地亲属家',
    })
    expect(text(comp, `${card()} .followup-outcome`)).toBe('结果：其他（去外地亲属家）')

    await tap(comp, `${card()} .close-btn`)
    expect(sentAntigen('recordFollowUp')[2]).toEqual({ id: followUp().id, close: true })
    // Closed: off 未处理.
    expect(texts(comp, '.followup-label')).toEqual(['12-305 李*英'])
  })

  it('shows closed ones under 全部, without buttons', async () => {
    const closed = followUp({
      status: 'closed',
      acknowledgedAt: '2026-11-20T02:30:00.000Z',
      acknowledgedBy: '楼组长 陈*',
      outcome: 'retestNegative',
      closedAt: '2026-11-20T05:00:00.000Z',
      closedBy: '楼组长 陈*',
    })
    lead([second, closed])
    const comp = mount(PAGE, q)
    await settleAll()
    expect(texts(comp, '.followup-label')).toEqual(['12-305 李*英'])
    await tap(comp, '#tab-all')
    expect(sentAntigen('followUps').map((p) => p.status)).toEqual(['open', 'all'])
    expect(texts(comp, '.followup-label')).toEqual(['12-305 李*英', '12-201 王*国'])
    expect(text(comp, `${card()} .followup-status`)).toBe('已结案')
    expect(text(comp, `${card()} .followup-outcome`)).toBe('结果：复核阴性')
    expect(find(comp, `${card()} .actions`)).toBeUndefined()
  })

  it('lets a 营长 read only', async () => {
    community({ whoami: () => ok(me({ roles: [groupLead] })) })
    antigen({ followUps: () => ok(list([followUp(), second])) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(texts(comp, '.followup-label')).toHaveLength(2)
    expect(comp.querySelectorAll('.actions')).toHaveLength(0)
  })

  it('lets a 层长 act on their own floor only', async () => {
    community({ whoami: () => ok(me({ roles: [floorLead] })) })
    antigen({ followUps: () => ok(list([followUp(), second])) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(find(comp, `${card()} .actions`)).toBeUndefined()
    expect(find(comp, `${card(second.id)} .actions`)).toBeDefined()
  })

  it('loads more, says when there is nothing to do, and offers a retry when loading failed', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })) })
    antigen({ followUps: (p) => ok(p.cursor ? list([second]) : list([followUp()], 'o.1.fu_x')) })
    let comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#more')
    expect(sentAntigen('followUps')[1]).toEqual({
      communityId: 'c_sunny',
      status: 'open',
      limit: 20,
      cursor: 'o.1.fu_x',
    })
    expect(texts(comp, '.followup-label')).toEqual(['12-201 王*国', '12-305 李*英'])
    expect(comp.querySelector('#more')).toBeUndefined()

    antigen({ followUps: () => ok(list([])) })
    comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#empty')).toContain('没有待处理的异常住户')

    let failing = true
    antigen({ followUps: () => (failing ? fail('INTERNAL', '系统繁忙，请稍后再试') : ok(list([followUp()]))) })
    comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#error')).toContain('系统繁忙，请稍后再试')
    failing = false
    await tap(comp, '#error', '.btn-primary')
    expect(texts(comp, '.followup-label')).toEqual(['12-201 王*国'])
  })
})
