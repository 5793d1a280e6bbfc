// A person's history: who, state, interval and streak; checks newest first with notes; older ones on demand; 记一次
// puts the new check on top.
import { community, leadRole, me, ok } from '../support/pages/fixtures'
import { careCloud, carePerson, checkView, historyView, sentCare } from '../support/pages/care'
import { find, mount, settleAll, tap, text, texts } from '../support/pages/harness'

const PAGE = 'packageCare/pages/person'
const Q = { householdId: 'hh_102', memberId: 'm_wang' }

describe('care person', () => {
  beforeEach(() => community({ whoami: () => ok(me({ roles: [leadRole] })) }))

  it('shows the person and their checks, newest first, and loads older ones', async () => {
    careCloud({
      careHistory: (p) =>
        p.before
          ? ok(historyView({ checks: [checkView({ id: 'chk_0', at: '2026-11-20T02:00:00.000Z' })] }))
          : ok(
              historyView({
                person: { ...historyView().person, unreachableStreak: 2 },
                more: '2026-11-22T02:00:00.000Z',
              }),
            ),
    })
    const comp = mount(PAGE, Q)
    await settleAll()
    expect(sentCare('careHistory')).toEqual([Q])
    expect(text(comp, '#name')).toBe('12-102 王*英')
    expect(text(comp, '#state')).toBe('逾期')
    expect(text(comp, '#flags')).toBe('60岁以上 · 独居')
    expect(text(comp, '#interval')).toBe('每 24 小时至少联系一次')
    expect(text(comp, '#streak')).toBe('已连续 2 次联系不上')
    expect(texts(comp, '.check-line')).toEqual([
      '11月23日 10:00 电话 联系不上 · 张*敏',
      '11月22日 10:00 上门 平安 · 张*敏',
    ])
    expect(text(comp, '#check-1 .check-note')).toBe('送了米')
    await tap(comp, '#more')
    expect(sentCare('careHistory')[1]).toEqual({ ...Q, before: '2026-11-22T02:00:00.000Z' })
    expect(texts(comp, '.check-line')).toHaveLength(3)
    expect(find(comp, '#more')).toBeUndefined()
  })

  it('records a check and puts it on top', async () => {
    careCloud({
      careHistory: () => ok(historyView()),
      recordCheck: (p) =>
        ok({
          check: checkView({ id: 'chk_new', at: '2026-11-24T02:00:00.000Z', how: p.how, result: p.result }),
          person: carePerson({ state: 'done', contactedToday: true }),
          alerted: false,
        }),
    })
    const comp = mount(PAGE, Q)
    await settleAll()
    await tap(comp, '#record')
    comp.querySelectorAll('.how')[2]?.dispatchEvent('tap') // 微信
    comp.querySelectorAll('.result')[0]?.dispatchEvent('tap') // 平安
    await settleAll()
    await tap(comp, '.save')
    expect(sentCare('recordCheck')[0]).toMatchObject({ ...Q, how: 'wechat', result: 'safe' })
    expect(texts(comp, '.check-line')[0]).toBe('11月24日 10:00 微信 平安 · 张*敏')
    expect(text(comp, '#state')).toBe('今日已联系')
  })

  it('says where to come from without a person', async () => {
    const comp = mount(PAGE, {})
    await settleAll()
    expect(text(comp, '#error')).toContain('请从关怀联系名单进入')
  })
})
