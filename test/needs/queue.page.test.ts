// 需求接单: what waits at the caller's levels and what they have, 接单, 办结 with a note, 拨打 through callNeed; the
// off-shift notice; the need a notice opened first.
import { community, me, ok, role } from '../support/pages/fixtures'
import { needsCloud, needView, sentNeeds } from '../support/pages/needs'
import { find, mount, settleAll, tap, text, texts } from '../support/pages/harness'

const PAGE = 'packageNeeds/pages/queue'
const volunteer = role({ id: 'role_v', role: 'volunteer', volunteerType: 'online', place: '12号 云上志愿者' })

const waitingA = needView({ id: 'nd_a', canTake: true, canCancel: false })
const waitingB = needView({
  id: 'nd_b',
  type: 'gas',
  urgency: 'normal',
  medicine: undefined,
  canTake: true,
  canCancel: false,
})
const mineC = needView({
  id: 'nd_c',
  type: 'medical',
  status: 'taken',
  mine: true,
  canCall: true,
  canCancel: false,
  overdue: true,
  takenBy: '李*',
  medicine: undefined,
})

describe('the needs queue', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('lists what waits and what is mine, the notice’s need first, and takes one', async () => {
    let took = false
    needsCloud({
      needQueue: () =>
        ok({
          levels: ['online'],
          offShift: false,
          waiting: took ? [waitingA] : [waitingA, waitingB],
          mine: took ? [mineC, { ...waitingB, status: 'taken', mine: true, canTake: false }] : [mineC],
        }),
      takeNeed: () => {
        took = true
        return ok({ ...waitingB, status: 'taken', mine: true, canTake: false })
      },
    })
    const comp = mount(PAGE, { communityId: 'c_sunny', id: 'nd_b' })
    await settleAll()
    expect(sentNeeds('needQueue')).toEqual([{ communityId: 'c_sunny' }])
    expect(texts(comp, '#waiting .need-title')).toEqual(['燃气充值', '买药'])
    expect(text(comp, '#need-nd_c .overdue')).toBe('已超时未办结')
    expect(text(comp, '#need-nd_a .detail')).toBe('药品：布洛芬、氨氯地平')
    await tap(comp, '#need-nd_b .take')
    expect(sentNeeds('takeNeed')).toEqual([{ needId: 'nd_b' }])
    expect(texts(comp, '#mine .need-title')).toEqual(['燃气充值', '就医'])
  })

  it('finishes with a note and calls through the logged reveal', async () => {
    needsCloud({
      needQueue: () => ok({ levels: ['online'], offShift: false, waiting: [], mine: [mineC] }),
      finishNeed: () => ok({ ...mineC, status: 'done', mine: false, canCall: false }),
      callNeed: () => ok({ phone: '13812345678', remainingToday: 29 }),
    })
    const dial = jest.spyOn(wx, 'makePhoneCall').mockImplementation((() => undefined) as never)
    spies.push(
      dial,
      jest
        .spyOn(wx, 'showModal')
        .mockImplementation(((o: WechatMiniprogram.ShowModalOption) =>
          o.success?.({ confirm: true, cancel: false, content: '已陪同就医', errMsg: 'ok' })) as never),
    )
    const comp = mount(PAGE, { communityId: 'c_sunny' })
    await settleAll()
    await tap(comp, '#need-nd_c .call')
    expect(sentNeeds('callNeed')).toEqual([{ needId: 'nd_c' }])
    expect(dial).toHaveBeenCalledWith(expect.objectContaining({ phoneNumber: '13812345678' }))
    await tap(comp, '#need-nd_c .done')
    expect(sentNeeds('finishNeed')).toEqual([{ needId: 'nd_c', note: '已陪同就医' }])
  })

  it('says so when the volunteer is off shift, finding the community from the roles', async () => {
    community({ whoami: () => ok(me({ openid: 'o_v', roles: [volunteer] })) })
    needsCloud({ needQueue: () => ok({ levels: [], offShift: true, waiting: [], mine: [] }) })
    const comp = mount(PAGE, {})
    await settleAll()
    expect(sentNeeds('needQueue')).toEqual([{ communityId: 'c_sunny' }])
    expect(find(comp, '#off-shift')).toBeDefined()
    expect(find(comp, '#empty')).toBeDefined()
  })
})
