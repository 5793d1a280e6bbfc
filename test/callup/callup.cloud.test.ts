// The call-up through localcloud: sessions and their points, calling the next one, the next N, a range and a single
// building with their names, the pushes each call queues (to the right people, once), recalls, skips, marks by a
// lead and a volunteer, what a resident reads of their turn, two callers at once, and the timer's retention.
import type { CallupCallResult, CallupQueueView, CallupSessionView, CallupTurnView } from '../../typings/api'
import type { CallupBuildingDoc, CallupCallDoc, CallupSessionDoc } from '../../server/callup/model'
import { TEMPLATES } from '../../server/templates'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C1, WHO } from '../support/community'
import { settledOutbox } from '../support/pushes'
import { callup, loadCallup, reqId, TESTERS } from '../support/callup'

let t: TestCloud
let c: ReturnType<typeof callup>
beforeAll(async () => {
  t = await startTestCloud()
  c = callup(t)
})
afterAll(() => t.stop())
beforeEach(async () => {
  await loadCallup(t)
  await t.admin('outbox', { method: 'DELETE' })
})

const start = (points: object[] = [{ name: '东门采样点' }], extra: object = {}, who: string = WHO.committee) =>
  c.ok<CallupQueueView>(who, 'startSession', {
    communityId: C1,
    requestId: reqId(),
    name: '12月3日全员核酸',
    points,
    ...extra,
  })

const part = (sessionId: string, b: string) => t.data.get<CallupBuildingDoc>('callupBuildings', `${sessionId}:${b}`)

/** Who received callup notices, sorted (once each). */
async function told(): Promise<string[]> {
  return (await settledOutbox(t))
    .filter((m) => m.templateId === TEMPLATES.callup)
    .map((m) => m.touser)
    .sort()
}

// 1号: o-zhang (101), o-zhao (201, and floor lead), lead o-lead1. 2号: o-qian. 3号: o-sun.
const B1 = ['o-lead1', 'o-zhang', 'o-zhao']
const B2 = ['o-qian']
const B3 = ['o-sun']

describe('sessions', () => {
  it('starts with every building in the community’s order, waiting, and answers a retry with the same session', async () => {
    const requestId = reqId()
    const payload = { communityId: C1, requestId, name: '12月3日全员核酸', points: [{ name: '东门采样点' }] }
    const q = await c.ok<CallupQueueView>(WHO.committee, 'startSession', payload)
    expect(q.session).toMatchObject({ name: '12月3日全员核酸', status: 'open', buildings: 3 })
    expect(q.session.points).toEqual([{ id: 'p1', name: '东门采样点', buildings: 3 }])
    expect(q.buildings.map((b) => [b.pos, b.name, b.state])).toEqual([
      [1, '1号', 'waiting'],
      [2, '2号', 'waiting'],
      [3, '3号', 'waiting'],
    ])
    expect(q.next).toEqual([{ pointId: 'p1', buildingId: 'b1', name: '1号', pos: 1 }])
    expect(q.can).toMatchObject({ end: true, call: true, pointIds: ['p1'] })
    const again = await c.ok<CallupQueueView>(WHO.committee, 'startSession', payload)
    expect(again.session.id).toBe(q.session.id)
    expect(await t.data.count('callupSessions', { communityId: C1 })).toBe(1)
    expect(await t.data.count('callupBuildings', { sessionId: q.session.id })).toBe(3)
    const stored = await t.data.get<CallupSessionDoc>('callupSessions', q.session.id)
    expect(stored).toMatchObject({ status: 'open', started: { by: WHO.committee } })
  })

  it('splits the buildings in order between two points, or takes the buildings each point lists', async () => {
    const q = await start([{ name: '东门' }, { name: '西门' }])
    expect(q.buildings.map((b) => b.pointId)).toEqual(['p1', 'p1', 'p2'])
    expect(q.next.map((n) => n.name)).toEqual(['1号', '3号'])
    const listed = await start([
      { name: '南门', buildingIds: ['b3', 'b1'] },
      { name: '北门', buildingIds: ['b2'] },
    ])
    expect(listed.buildings.map((b) => [b.name, b.pointId])).toEqual([
      ['1号', 'p1'],
      ['2号', 'p2'],
      ['3号', 'p1'],
    ])
  })

  it('takes a chosen set of buildings, kept in the community’s order', async () => {
    const q = await start([{ name: '东门' }], { buildingIds: ['b3', 'b1'] })
    expect(q.buildings.map((b) => [b.pos, b.name])).toEqual([
      [1, '1号'],
      [2, '3号'],
    ])
  })

  it('keeps one open session per sampling point; ending it frees the point and keeps its record', async () => {
    const first = await start([{ name: '东门采样点' }])
    const before = await t.data.count('callupBuildings', {})
    const busy = await c.call(WHO.committee, 'startSession', {
      communityId: C1,
      requestId: reqId(),
      name: '第二场',
      points: [{ name: ' 东门采样点 ' }],
    })
    expect(busy).toMatchObject({ ok: false, code: 'POINT_BUSY' })
    expect(!busy.ok && busy.message).toContain('12月3日全员核酸')
    expect(await t.data.count('callupBuildings', {})).toBe(before)
    expect(await t.data.count('callupPoints', { communityId: C1 })).toBe(1)
    // Another point runs at the same time.
    await start([{ name: '西门采样点' }])
    const ended = await c.ok<CallupSessionView>(WHO.communityLead, 'endSession', { sessionId: first.session.id })
    expect(ended).toMatchObject({ status: 'ended', endedAt: expect.any(String) })
    expect(await t.data.count('callupBuildings', { sessionId: first.session.id })).toBe(3)
    await start([{ name: '东门采样点' }])
    const list = await c.ok<CallupSessionView[]>(WHO.committee, 'listSessions', { communityId: C1 })
    expect(list.map((s) => s.status)).toEqual(['open', 'open', 'ended'])
  })

  it('refuses calls and marks in an ended session', async () => {
    const q = await start()
    await c.ok(WHO.committee, 'call', { sessionId: q.session.id, requestId: reqId(), count: 1 })
    await c.ok(WHO.committee, 'endSession', { sessionId: q.session.id })
    const id = q.session.id
    for (const [action, payload] of [
      ['call', { sessionId: id, requestId: reqId(), count: 1 }],
      ['recall', { sessionId: id, requestId: reqId(), buildingId: 'b1' }],
      ['skip', { sessionId: id, buildingId: 'b2', reason: '封控' }],
      ['mark', { sessionId: id, buildingId: 'b1', state: 'done' }],
    ] as const)
      expect([action, await c.call(WHO.committee, action, payload)]).toEqual([
        action,
        expect.objectContaining({ ok: false, code: 'SESSION_ENDED' }),
      ])
    expect(await c.ok<CallupTurnView[]>(WHO.residentB2, 'myTurn')).toEqual([])
  })
})

describe('calling', () => {
  it('calls the next building, tells its residents and leads and nobody else, and records who called', async () => {
    const q = await start()
    const r = await c.ok<CallupCallResult>(TESTERS.all, 'call', {
      sessionId: q.session.id,
      requestId: reqId(),
      count: 1,
    })
    expect(r).toMatchObject({ label: '1号', buildingIds: ['b1'], skippedNames: [], queued: 3 })
    expect(r.queue.next[0]?.name).toBe('2号')
    expect(r.queue.buildings[0]).toMatchObject({ state: 'called', calls: 1, waitedMinutes: 0 })
    expect(await told()).toEqual(B1)
    const m = (await settledOutbox(t)).find((x) => x.touser === 'o-zhang')
    expect(m?.page).toBe(`packageCallup/pages/turn?sessionId=${encodeURIComponent(q.session.id)}`)
    expect(m?.data.thing1?.value).toBe('12月3日全员核酸')
    expect(m?.data.thing2?.value).toBe('1号')
    expect(m?.data.thing4?.value).toBe('请 1号 楼居民下楼检测')
    const b1 = await part(q.session.id, 'b1')
    expect(b1).toMatchObject({ state: 'called', calls: 1, called: { by: TESTERS.all, byName: '志愿者test1' } })
    const call = await t.data.get<CallupCallDoc>('callupCalls', b1?.callId ?? '')
    expect(call).toMatchObject({ kind: 'call', buildingIds: ['b1'], label: '1号', by: TESTERS.all })
  })

  it('calls the next N and a range by position, named 「1号–2号」, each person told once', async () => {
    const q = await start()
    const two = await c.ok<CallupCallResult>(WHO.committee, 'call', {
      sessionId: q.session.id,
      requestId: reqId(),
      count: 2,
    })
    expect(two.label).toBe('1号–2号')
    expect(await told()).toEqual([...B1, ...B2].sort())
    const rest = await c.ok<CallupCallResult>(WHO.committee, 'call', {
      sessionId: q.session.id,
      requestId: reqId(),
      from: 1,
      to: 3,
    })
    // 1号 and 2号 were called already: only 3号 is.
    expect(rest).toMatchObject({ label: '3号', buildingIds: ['b3'], skippedNames: ['1号', '2号'] })
    expect(await told()).toEqual([...B1, ...B2, ...B3].sort())
  })

  it('names a call that is not contiguous by its buildings: 「1号、3号」', async () => {
    const q = await start()
    await c.ok(WHO.committee, 'call', { sessionId: q.session.id, requestId: reqId(), buildingId: 'b2' })
    const r = await c.ok<CallupCallResult>(WHO.committee, 'call', {
      sessionId: q.session.id,
      requestId: reqId(),
      from: 1,
      to: 3,
    })
    expect(r.label).toBe('1号、3号')
    const m = (await settledOutbox(t)).find((x) => x.touser === 'o-sun')
    expect(m?.data.thing4?.value).toBe('请 1号、3号 楼居民下楼检测')
  })

  it('answers a retried call with what it did, and queues nothing more', async () => {
    const q = await start()
    const payload = { sessionId: q.session.id, requestId: reqId(), from: 1, to: 2 }
    const a = await c.ok<CallupCallResult>(WHO.committee, 'call', payload)
    const queued = await t.data.count('pushQueue', {})
    const b = await c.ok<CallupCallResult>(WHO.committee, 'call', payload)
    expect(b.callId).toBe(a.callId)
    expect(b.label).toBe('1号–2号')
    expect(await t.data.count('pushQueue', {})).toBe(queued)
    expect((await part(q.session.id, 'b1'))?.calls).toBe(1)
    expect(await told()).toEqual([...B1, ...B2].sort())
  })

  it('a single building already called is refused with a pointer to 重新叫号; a recall pushes again', async () => {
    const q = await start()
    await c.ok(WHO.committee, 'call', { sessionId: q.session.id, requestId: reqId(), buildingId: 'b2' })
    const again = await c.call(WHO.committee, 'call', { sessionId: q.session.id, requestId: reqId(), buildingId: 'b2' })
    expect(again).toMatchObject({ ok: false, code: 'NOTHING_TO_CALL' })
    expect(!again.ok && again.message).toContain('重新叫号')
    expect(await told()).toEqual(B2)
    const r = await c.ok<CallupCallResult>(WHO.committee, 'recall', {
      sessionId: q.session.id,
      requestId: reqId(),
      buildingId: 'b2',
    })
    expect(r).toMatchObject({ label: '2号', queued: 1 })
    expect(await told()).toEqual(['o-qian', 'o-qian'])
    expect(await part(q.session.id, 'b2')).toMatchObject({ state: 'called', calls: 2 })
    // A waiting building cannot be recalled.
    expect(
      await c.call(WHO.committee, 'recall', { sessionId: q.session.id, requestId: reqId(), buildingId: 'b3' }),
    ).toMatchObject({ ok: false, code: 'NOTHING_TO_CALL' })
  })

  it('skips a building with a reason, which its residents read, and calls it again later', async () => {
    const q = await start()
    await c.ok(WHO.committee, 'skip', { sessionId: q.session.id, buildingId: 'b1', reason: '有阳性封控' })
    const next = await c.ok<CallupCallResult>(WHO.committee, 'call', {
      sessionId: q.session.id,
      requestId: reqId(),
      count: 1,
    })
    expect(next.label).toBe('2号')
    const turn = await c.ok<CallupTurnView[]>(WHO.resident, 'myTurn')
    expect(turn).toEqual([
      expect.objectContaining({ buildingName: '1号', state: 'skipped', message: '本楼暂不叫号：有阳性封控' }),
    ])
    await c.ok(WHO.committee, 'recall', { sessionId: q.session.id, requestId: reqId(), buildingId: 'b1' })
    const after = await part(q.session.id, 'b1')
    expect(after).toMatchObject({ state: 'called', calls: 1 })
    expect(after?.skipped).toBeUndefined()
    expect((await c.ok<CallupTurnView[]>(WHO.resident, 'myTurn'))[0]?.message).toBe('已叫到，请下楼')
  })

  it('two callers calling the next ones at once never call one building twice', async () => {
    const q = await start()
    const [a, b] = await Promise.all([
      c.ok<CallupCallResult>(WHO.committee, 'call', { sessionId: q.session.id, requestId: reqId(), count: 1 }),
      c.ok<CallupCallResult>(TESTERS.all, 'call', { sessionId: q.session.id, requestId: reqId(), count: 1 }),
    ])
    expect([...a.buildingIds, ...b.buildingIds].sort()).toEqual(['b1', 'b2'])
    const [x, y] = await Promise.all([
      c.call<CallupCallResult>(WHO.committee, 'call', {
        sessionId: q.session.id,
        requestId: reqId(),
        buildingId: 'b3',
      }),
      c.call<CallupCallResult>(TESTERS.all, 'call', { sessionId: q.session.id, requestId: reqId(), buildingId: 'b3' }),
    ])
    expect([x.ok, y.ok].sort()).toEqual([false, true])
    expect([x, y].find((r) => !r.ok)).toMatchObject({ code: 'NOTHING_TO_CALL' })
    for (const b of ['b1', 'b2', 'b3']) expect((await part(q.session.id, b))?.calls).toBe(1)
    expect(await told()).toEqual([...B1, ...B2, ...B3].sort())
    // Two recalls of one building at once: each that got it (its compare-and-set on the call it replaces) pushes
    // once; one that lost is told someone did.
    const recalls = await Promise.all(
      [WHO.committee, TESTERS.all].map((who) =>
        c.call<CallupCallResult>(who, 'recall', { sessionId: q.session.id, requestId: reqId(), buildingId: 'b2' }),
      ),
    )
    const won = recalls.filter((r) => r.ok).length
    expect(won).toBeGreaterThanOrEqual(1)
    for (const r of recalls.filter((x) => !x.ok))
      expect(r).toMatchObject({ code: 'NOTHING_TO_CALL', message: '2号 刚刚已被别人重新叫号' })
    expect((await part(q.session.id, 'b2'))?.calls).toBe(1 + won)
    expect((await told()).filter((o) => o === 'o-qian')).toHaveLength(1 + won)
  })
})

describe('progress', () => {
  it('a building’s lead and a point’s volunteer mark buildings done, with the number tested', async () => {
    const q = await start()
    await c.ok(WHO.committee, 'call', { sessionId: q.session.id, requestId: reqId(), from: 1, to: 3 })
    await c.ok(WHO.buildingLead, 'mark', { sessionId: q.session.id, buildingId: 'b1', state: 'testing' })
    await c.ok(WHO.buildingLead, 'mark', { sessionId: q.session.id, buildingId: 'b1', state: 'done', tested: 5 })
    await c.ok(TESTERS.b3, 'mark', { sessionId: q.session.id, buildingId: 'b3', state: 'done' })
    expect(await part(q.session.id, 'b1')).toMatchObject({
      state: 'done',
      started: { by: WHO.buildingLead },
      done: { by: WHO.buildingLead, tested: 5 },
    })
    expect(await part(q.session.id, 'b3')).toMatchObject({ state: 'done', done: { by: TESTERS.b3 } })
    // Marked done again (a second volunteer, a retry): still done, the count corrected.
    await c.ok(TESTERS.all, 'mark', { sessionId: q.session.id, buildingId: 'b3', state: 'done', tested: 1 })
    expect(await part(q.session.id, 'b3')).toMatchObject({ done: { by: TESTERS.b3, tested: 1 } })
    const queue = await c.ok<CallupQueueView>(WHO.committee, 'queue', { sessionId: q.session.id })
    expect(queue.counts).toEqual({ waiting: 0, called: 1, testing: 0, done: 2, skipped: 0 })
    // The committee sees who marked in full; a volunteer sees the names masked.
    expect(queue.buildings[2]?.done?.byName).toBe('志愿者test3')
    const seen = await c.ok<CallupQueueView>(TESTERS.all, 'queue', { sessionId: q.session.id })
    expect(seen.buildings[2]?.done?.byName).not.toBe('志愿者test3')
    expect(seen.buildings[2]?.done?.byName).toMatch(/\*/)
  })

  it('refuses to mark a building done that was not called', async () => {
    const q = await start()
    expect(
      await c.call(WHO.buildingLead, 'mark', { sessionId: q.session.id, buildingId: 'b1', state: 'done' }),
    ).toMatchObject({ ok: false, code: 'CONFLICT' })
  })

  it('tells a resident how many buildings are ahead, then that their building is called', async () => {
    const q = await start()
    expect(await c.ok<CallupTurnView[]>(WHO.residentB2, 'myTurn')).toEqual([
      expect.objectContaining({
        sessionId: q.session.id,
        buildingName: '2号',
        pointName: '东门采样点',
        state: 'waiting',
        ahead: 1,
        message: '还没叫到您楼，前面还有 1 栋',
        lead: false,
      }),
    ])
    await c.ok(WHO.committee, 'call', { sessionId: q.session.id, requestId: reqId(), count: 1 })
    expect((await c.ok<CallupTurnView[]>(WHO.residentB2, 'myTurn'))[0]).toMatchObject({
      ahead: 0,
      message: '还没叫到您楼，下一栋就是您楼',
    })
    await c.ok(WHO.committee, 'call', { sessionId: q.session.id, requestId: reqId(), count: 1 })
    expect((await c.ok<CallupTurnView[]>(WHO.residentB2, 'myTurn'))[0]).toMatchObject({
      state: 'called',
      message: '已叫到，请下楼',
      calledAt: expect.any(String),
    })
    // A lead sees their building, marked as theirs to mark.
    expect(await c.ok<CallupTurnView[]>(WHO.buildingLead, 'myTurn')).toEqual([
      expect.objectContaining({ buildingId: 'b1', state: 'called', lead: true }),
    ])
    // Nobody else's building, and nothing of another community.
    expect(await c.ok<CallupTurnView[]>('o-other', 'myTurn')).toEqual([])
    expect(await c.ok<CallupTurnView[]>(WHO.stranger, 'myTurn')).toEqual([])
  })
})

describe('the timer', () => {
  it('ends a session left open after two days, and deletes sessions 30 days after they ended', async () => {
    const q = await start()
    await c.ok(WHO.committee, 'call', { sessionId: q.session.id, requestId: reqId(), count: 1 })
    await t.advanceClock(2 * 86_400_000 + 60_000)
    await c.timer()
    expect(await t.data.get<CallupSessionDoc>('callupSessions', q.session.id)).toMatchObject({
      status: 'ended',
      ended: { byName: '系统自动结束' },
    })
    expect(await t.data.count('callupPoints', { communityId: C1 })).toBe(0)
    await t.advanceClock(29 * 86_400_000)
    await c.timer()
    expect(await t.data.count('callupBuildings', { sessionId: q.session.id })).toBe(3)
    await t.advanceClock(86_400_000 + 60_000)
    await c.timer()
    expect(await t.data.get('callupSessions', q.session.id)).toBeNull()
    expect(await t.data.count('callupBuildings', { sessionId: q.session.id })).toBe(0)
    expect(await t.data.count('callupCalls', { sessionId: q.session.id })).toBe(0)
  })

  it('a closed community’s sessions go with its data', async () => {
    const q = await start()
    await c.ok(WHO.committee, 'call', { sessionId: q.session.id, requestId: reqId(), count: 2 })
    const closed = await t.call<{ ok: true; data: { deleteAfter: string } }>(
      'community',
      { action: 'closeCommunity', payload: { communityId: C1, confirm: '测试小区' } },
      WHO.committee,
    )
    expect(closed.ok).toBe(true)
    await t.setClock(Date.parse(closed.data.deleteAfter) + 60_000)
    await t.admin('functions/community/trigger', { body: {} })
    for (const coll of ['callupSessions', 'callupBuildings', 'callupCalls', 'callupPoints'] as const)
      expect([coll, await t.data.count(coll, { communityId: C1 })]).toEqual([coll, 0])
  })
})
