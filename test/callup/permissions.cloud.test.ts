// Who may do what in the call-up, both sides: an allowed call succeeds, a refused one is FORBIDDEN (or the one code
// its rule names) with the exported database unchanged; bad input is refused with a Chinese message naming the
// field, and writes nothing.
import type { CallupQueueView } from '../../typings/api'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C1, C2, snapshot, WHO } from '../support/community'
import { pushesSettled } from '../support/pushes'
import { callup, loadCallup, reqId, TESTERS } from '../support/callup'

let t: TestCloud
let c: ReturnType<typeof callup>
beforeAll(async () => {
  t = await startTestCloud()
  c = callup(t)
})
afterAll(() => t.stop())

let session: CallupQueueView
/** Two points: 东门 has 1号 and 2号, 西门 has 3号. 1号 is called. */
beforeEach(async () => {
  await loadCallup(t)
  session = await c.ok<CallupQueueView>(WHO.committee, 'startSession', {
    communityId: C1,
    requestId: reqId(),
    name: '全员核酸',
    points: [{ name: '东门' }, { name: '西门' }],
  })
  await c.ok(WHO.committee, 'call', { sessionId: session.session.id, requestId: reqId(), pointId: 'p1', count: 1 })
  await pushesSettled(t)
})

async function refusedWith(code: string, who: string, action: string, payload: object): Promise<string> {
  const before = await snapshot(t)
  const r = await c.call(who, action, payload)
  expect([who, action, r]).toEqual([who, action, expect.objectContaining({ ok: false, code })])
  expect(await snapshot(t)).toBe(before)
  return r.ok ? '' : r.message
}

const sid = () => session.session.id

describe('starting and ending', () => {
  const startPayload = () => ({ communityId: C1, requestId: reqId(), name: '第二场', points: [{ name: '南门' }] })

  it.each([
    ['a resident', WHO.resident],
    ['a building lead', WHO.buildingLead],
    ['a 营长', WHO.groupLead],
    ['a 核酸 volunteer', TESTERS.all],
    ['another community’s committee', WHO.otherCommittee],
    ['a stranger', WHO.stranger],
  ])('%s may not start or end a session', async (_who, who) => {
    await refusedWith('FORBIDDEN', who, 'startSession', startPayload())
    await refusedWith('FORBIDDEN', who, 'endSession', { sessionId: sid() })
  })

  it('the committee and 团长 may', async () => {
    await c.ok(WHO.communityLead, 'startSession', startPayload())
    await c.ok(WHO.communityLead, 'endSession', { sessionId: sid() })
  })

  it('another community’s buildings are not taken', async () => {
    await refusedWith('INVALID_INPUT', WHO.committee, 'startSession', { ...startPayload(), buildingIds: ['x1'] })
    await refusedWith('FORBIDDEN', WHO.committee, 'startSession', { ...startPayload(), communityId: C2 })
  })
})

describe('calling, skipping and recalling', () => {
  it('a 核酸 volunteer on shift calls at their points; off shift, at another point, or another kind: refused', async () => {
    await c.ok(TESTERS.all, 'call', { sessionId: sid(), requestId: reqId(), pointId: 'p2', count: 1 })
    await pushesSettled(t)
    // o-test3's post is 3号 (西门): 东门's buildings are not theirs.
    await refusedWith('FORBIDDEN', TESTERS.b3, 'call', {
      sessionId: sid(),
      requestId: reqId(),
      pointId: 'p1',
      count: 1,
    })
    await refusedWith('FORBIDDEN', TESTERS.b3, 'call', { sessionId: sid(), requestId: reqId(), buildingId: 'b2' })
    await refusedWith('FORBIDDEN', TESTERS.b3, 'skip', { sessionId: sid(), buildingId: 'b2', reason: '封控' })
    await refusedWith('FORBIDDEN', TESTERS.b3, 'recall', { sessionId: sid(), requestId: reqId(), buildingId: 'b1' })
    const off = await refusedWith('FORBIDDEN', TESTERS.off, 'call', {
      sessionId: sid(),
      requestId: reqId(),
      pointId: 'p1',
      count: 1,
    })
    expect(off).toContain('班次')
    // The 运输 volunteer of the fixture is no 核酸 volunteer.
    await refusedWith('FORBIDDEN', WHO.volunteer, 'call', {
      sessionId: sid(),
      requestId: reqId(),
      pointId: 'p1',
      count: 1,
    })
  })

  it.each([
    ['a resident', WHO.resident],
    ['a building lead', WHO.buildingLead],
    ['a 营长', WHO.groupLead],
    ['another community’s committee', WHO.otherCommittee],
    ['a stranger', WHO.stranger],
  ])('%s may not call, recall or skip', async (_who, who) => {
    await refusedWith('FORBIDDEN', who, 'call', { sessionId: sid(), requestId: reqId(), pointId: 'p1', count: 1 })
    await refusedWith('FORBIDDEN', who, 'recall', { sessionId: sid(), requestId: reqId(), buildingId: 'b1' })
    await refusedWith('FORBIDDEN', who, 'skip', { sessionId: sid(), buildingId: 'b2', reason: '封控' })
  })
})

describe('marking', () => {
  it('a building lead marks their own building only; a resident, a floor lead and other buildings’ leads may not', async () => {
    await refusedWith('FORBIDDEN', WHO.resident, 'mark', { sessionId: sid(), buildingId: 'b1', state: 'done' })
    await refusedWith('FORBIDDEN', WHO.floorLead, 'mark', { sessionId: sid(), buildingId: 'b1', state: 'done' })
    await c.ok(WHO.committee, 'call', { sessionId: sid(), requestId: reqId(), pointId: 'p1', count: 1 })
    await pushesSettled(t)
    await refusedWith('FORBIDDEN', WHO.buildingLead, 'mark', { sessionId: sid(), buildingId: 'b2', state: 'done' })
    await refusedWith('FORBIDDEN', TESTERS.b3, 'mark', { sessionId: sid(), buildingId: 'b2', state: 'done' })
    await refusedWith('FORBIDDEN', WHO.otherCommittee, 'mark', { sessionId: sid(), buildingId: 'b2', state: 'done' })
    await c.ok(WHO.buildingLead, 'mark', { sessionId: sid(), buildingId: 'b1', state: 'done' })
    await c.ok(TESTERS.all, 'mark', { sessionId: sid(), buildingId: 'b2', state: 'done' })
  })
})

describe('reading the queue', () => {
  it('the committee and the 核酸 volunteers see every building; a 营长 their 营’s; residents and leads nothing', async () => {
    const all = await c.ok<CallupQueueView>(TESTERS.off, 'queue', { sessionId: sid() })
    expect(all.buildings.map((b) => b.buildingId)).toEqual(['b1', 'b2', 'b3'])
    expect(all.can.call).toBe(false)
    const ying = await c.ok<CallupQueueView>(WHO.groupLead, 'queue', { sessionId: sid() })
    expect(ying.buildings.map((b) => b.buildingId)).toEqual(['b1', 'b2'])
    expect(ying.counts).toEqual({ waiting: 1, called: 1, testing: 0, done: 0, skipped: 0 })
    expect(ying.can).toMatchObject({ call: false, end: false })
    for (const who of [WHO.resident, WHO.buildingLead, WHO.otherCommittee, WHO.stranger, WHO.volunteer]) {
      await refusedWith('FORBIDDEN', who, 'queue', { sessionId: sid() })
      await refusedWith('FORBIDDEN', who, 'listSessions', { communityId: C1 })
    }
    await refusedWith('FORBIDDEN', WHO.committee, 'queue', { sessionId: 'no-such-session' })
  })
})

describe('bad input writes nothing', () => {
  it.each([
    ['startSession', { communityId: C1, requestId: 'short', name: '核酸', points: [{ name: '东门2' }] }, 'requestId'],
    ['startSession', { communityId: C1, requestId: reqId(), name: '  ', points: [{ name: '东门2' }] }, 'name'],
    ['startSession', { communityId: C1, requestId: reqId(), name: '核酸', points: [] }, 'points'],
    [
      'startSession',
      { communityId: C1, requestId: reqId(), name: '核酸', points: [{ name: '南门' }, { name: '南 门' }] },
      'points',
    ],
    [
      'startSession',
      {
        communityId: C1,
        requestId: reqId(),
        name: '核酸',
        points: [
          { name: '南门', buildingIds: ['b1'] },
          { name: '北门', buildingIds: ['b1', 'b2'] },
        ],
      },
      'points',
    ],
    [
      'startSession',
      {
        communityId: C1,
        requestId: reqId(),
        name: '核酸',
        points: [{ name: '南门', buildingIds: ['b1'] }, { name: '北门' }],
      },
      'points',
    ],
    ['startSession', { communityId: C1, requestId: reqId(), name: '核酸', points: [{ name: '南门' }], extra: 1 }, ''],
    ['call', { sessionId: 'S', requestId: reqId(), count: 1, from: 1, to: 2 }, 'count'],
    ['call', { sessionId: 'S', requestId: reqId() }, 'count'],
    ['call', { sessionId: 'S', requestId: reqId(), from: 3 }, 'to'],
    ['call', { sessionId: 'S', requestId: reqId(), from: 3, to: 1 }, 'from'],
    ['call', { sessionId: 'S', requestId: reqId(), count: 0 }, 'count'],
    ['call', { sessionId: 'S', requestId: reqId(), from: 1, to: 999 }, 'to'],
    ['call', { sessionId: 'S', requestId: reqId(), from: 9, to: 9 }, 'from'],
    ['call', { sessionId: 'S', requestId: reqId(), buildingId: 'x1' }, 'buildingId'],
    ['call', { sessionId: 'S', requestId: reqId(), pointId: 'p9', count: 1 }, 'pointId'],
    ['call', { sessionId: 'S', requestId: reqId(), count: 1 }, 'pointId'],
    ['skip', { sessionId: 'S', buildingId: 'b2', reason: '' }, 'reason'],
    ['mark', { sessionId: 'S', buildingId: 'b1', state: 'finished' }, 'state'],
    ['mark', { sessionId: 'S', buildingId: 'b1', state: 'done', tested: -1 }, 'tested'],
    ['mark', { sessionId: 'S', buildingId: 'x1', state: 'done' }, 'buildingId'],
  ])('%s %j', async (action, raw, field) => {
    const payload = JSON.parse(JSON.stringify(raw).replace(/"S"/g, JSON.stringify(sid()))) as object
    const before = await snapshot(t)
    const r = await c.call(WHO.committee, action, payload)
    expect(r).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    if (!r.ok) {
      expect(r.message).toMatch(/[\u4e00-\u9fa5]/)
      if (field) expect(r.field).toBe(field)
    }
    expect(await snapshot(t)).toBe(before)
  })
})
