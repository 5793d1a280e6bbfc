// 我家的需求: each need's status and who has it, its history, 取消 with a reason, and 登记新需求.
import { ok } from '../support/pages/fixtures'
import { needsCloud, needView, sentNeeds } from '../support/pages/needs'
import { find, mount, settleAll, tap, text } from '../support/pages/harness'

const PAGE = 'packageNeeds/pages/mine'

const taken = needView({
  id: 'nd_2',
  type: 'groceries',
  urgency: 'normal',
  status: 'taken',
  detail: '两斤青菜',
  medicine: undefined,
  member: '王建国',
  takenBy: '李*',
  canCancel: true,
  history: [
    { kind: 'raised', at: '2026-11-24T02:00:00.000Z', level: 'online', by: '王*明' },
    { kind: 'taken', at: '2026-11-24T02:05:00.000Z', level: 'online', by: '李*' },
  ],
})
const done = needView({ id: 'nd_3', status: 'done', takenBy: '李*', canCancel: false })

describe('my household’s needs', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('shows the status and who has it, and the history when asked', async () => {
    needsCloud({ householdNeeds: () => ok({ needs: [taken, done] }) })
    const comp = mount(PAGE, { household: 'hh_201' })
    await settleAll()
    expect(sentNeeds('householdNeeds')).toEqual([{ householdId: 'hh_201' }])
    expect(text(comp, '#need-nd_2 .status')).toBe('已接单')
    expect(text(comp, '#need-nd_2 .who')).toBe('由 云上志愿者 李* 办理')
    expect(text(comp, '#need-nd_3 .status')).toBe('已办结')
    expect(find(comp, '#need-nd_3 .cancel')).toBeUndefined()
    expect(find(comp, '#need-nd_2 .history')).toBeUndefined()
    await tap(comp, '#need-nd_2 .history-toggle')
    expect(text(comp, '#need-nd_2 .history')).toContain('接单 · 云上志愿者 李*')
  })

  it('cancels with a reason and shows it cancelled', async () => {
    needsCloud({
      householdNeeds: () => ok({ needs: [taken] }),
      cancelNeed: () => ok({ ...taken, status: 'cancelled', canCancel: false }),
    })
    spies.push(
      jest
        .spyOn(wx, 'showModal')
        .mockImplementation(((o: WechatMiniprogram.ShowModalOption) =>
          o.success?.({ confirm: true, cancel: false, content: '家人已买到', errMsg: 'ok' })) as never),
    )
    const comp = mount(PAGE, { household: 'hh_201' })
    await settleAll()
    await tap(comp, '#need-nd_2 .cancel')
    expect(sentNeeds('cancelNeed')).toEqual([{ needId: 'nd_2', reason: '家人已买到' }])
    expect(text(comp, '#need-nd_2 .status')).toBe('已取消')
    expect(find(comp, '#need-nd_2 .cancel')).toBeUndefined()
  })

  it('says what to do when there is nothing yet, and opens the form', async () => {
    needsCloud({ householdNeeds: () => ok({ needs: [] }) })
    const nav = jest.spyOn(wx, 'navigateTo')
    spies.push(nav)
    const comp = mount(PAGE, { household: 'hh_201' })
    await settleAll()
    expect(find(comp, '#empty')).toBeDefined()
    await tap(comp, '#new')
    expect(nav).toHaveBeenCalledWith(expect.objectContaining({ url: '/packageNeeds/pages/raise?household=hh_201' }))
  })
})
