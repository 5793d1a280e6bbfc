// What the call-up keeps about people: no health data, only who called and marked what; the consent text says so
// and for how long; a person's data deletion replaces their name and openid on the steps they made, and nothing
// else of the session changes.
import type { CallupQueueView } from '../../typings/api'
import type { CallupBuildingDoc, CallupCallDoc, CallupSessionDoc } from '../../server/callup/model'
import { CONSENTS } from '../../server/community/consent'
import { KEEP_DAYS } from '../../server/callup/rules'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C1, H, WHO } from '../support/community'
import { pushesSettled } from '../support/pushes'
import { volunteer } from '../support/relay'
import { callup, loadCallup, reqId } from '../support/callup'

let t: TestCloud
let c: ReturnType<typeof callup>
beforeAll(async () => {
  t = await startTestCloud()
  c = callup(t)
})
afterAll(() => t.stop())
beforeEach(() => loadCallup(t))

describe('the call-up and people’s data', () => {
  it('is in the consent text: no health data, who sees the names, kept 30 days after the session', () => {
    const text = CONSENTS.personal.text
    expect(CONSENTS.personal.version).toBe('2026-12-v5')
    expect(text).toContain('线上叫号（核酸检测按楼栋叫号）：不记录任何检测结果或健康信息')
    expect(text).toContain(`每场叫号结束 ${KEEP_DAYS} 天后自动删除`)
    expect(text).toContain('线上叫号中您叫号和标记时留下的姓名')
  })

  it('keeps no names, rooms, phones or results of residents', async () => {
    const q = await c.ok<CallupQueueView>(WHO.committee, 'startSession', {
      communityId: C1,
      requestId: reqId(),
      name: '全员核酸',
      points: [{ name: '东门' }],
    })
    await c.ok(WHO.committee, 'call', { sessionId: q.session.id, requestId: reqId(), from: 1, to: 3 })
    await c.ok(WHO.buildingLead, 'mark', { sessionId: q.session.id, buildingId: 'b1', state: 'done', tested: 4 })
    await pushesSettled(t)
    const stored = JSON.stringify([
      await t.data.findAll('callupSessions', {}),
      await t.data.findAll('callupBuildings', {}),
      await t.data.findAll('callupCalls', {}),
      await t.data.findAll('callupPoints', {}),
    ])
    for (const h of Object.values(H)) {
      for (const m of h.members) {
        expect(stored).not.toContain(m.name)
        if (m.phone) expect(stored).not.toContain(m.phone)
      }
      expect(stored).not.toContain(h._id)
    }
    expect(stored).not.toMatch(/negative|positive|阴性|阳性/)
  })

  it('a person’s data deletion replaces their name and openid on every step they made', async () => {
    // 钱七 (2号-101) is also a 核酸 volunteer.
    await t.data.insertMany('roles', [
      volunteer(WHO.residentB2, 'testing', [], { householdId: H.b2r101._id, memberId: 'm-qian' }),
    ])
    const q = await c.ok<CallupQueueView>(WHO.committee, 'startSession', {
      communityId: C1,
      requestId: reqId(),
      name: '全员核酸',
      points: [{ name: '东门' }],
    })
    const sid = q.session.id
    await c.ok(WHO.residentB2, 'call', { sessionId: sid, requestId: reqId(), count: 2 })
    await c.ok(WHO.residentB2, 'mark', { sessionId: sid, buildingId: 'b1', state: 'done', tested: 3 })
    await c.ok(WHO.residentB2, 'skip', { sessionId: sid, buildingId: 'b3', reason: '封控' })
    const before = await t.data.get<CallupBuildingDoc>('callupBuildings', `${sid}:b1`)
    expect(before).toMatchObject({ called: { by: WHO.residentB2, byName: '钱七' }, done: { byName: '钱七' } })
    await pushesSettled(t)
    const erased = await t.call<{ ok: boolean }>(
      'community',
      { action: 'deleteMyData', payload: { householdId: H.b2r101._id, confirm: '删除' } },
      WHO.residentB2,
    )
    expect(erased.ok).toBe(true)
    const stored = JSON.stringify([
      await t.data.findAll<CallupBuildingDoc>('callupBuildings', { sessionId: sid }),
      await t.data.findAll<CallupCallDoc>('callupCalls', { sessionId: sid }),
      await t.data.get<CallupSessionDoc>('callupSessions', sid),
    ])
    expect(stored).not.toContain('钱七')
    expect(stored).not.toContain(WHO.residentB2)
    const after = await t.data.get<CallupBuildingDoc>('callupBuildings', `${sid}:b1`)
    expect(after).toMatchObject({
      state: 'done',
      calls: 1,
      called: { by: '', byName: '（已删除）', at: before?.called?.at },
      done: { by: '', byName: '（已删除）', tested: 3 },
    })
    // The committee's own steps are untouched.
    expect((await t.data.get<CallupSessionDoc>('callupSessions', sid))?.started.by).toBe(WHO.committee)
  })
})
