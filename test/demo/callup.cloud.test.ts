// The demo's testing call-up loaded into localcloud and read through the real callup function, as a newcomer would
// try it: this morning's session in 钟楼新村 under way (40 buildings done but the skipped 2nd, ten called, the rest
// waiting), a resident's turn, and the committee calling the next building.
import path from 'node:path'
import type { CallupCallResult, CallupQueueView, CallupSessionView, CallupTurnView, Envelope } from '../../typings/api'
import type { HouseholdDoc } from '../../server/community/model'
import { demoDataset, type DemoDataset } from '../../scripts/demo/generate'
import { loadDataset, storageEnv } from '../../scripts/demo/load'
import { loadRulesDir } from '../../localcloud'
import { ROOT, startTestCloud, type TestCloud } from '../support/localcloud'

let t: TestCloud
let dataset: DemoDataset

beforeAll(async () => {
  t = await startTestCloud({ rules: loadRulesDir(path.join(ROOT, 'rules')) })
  dataset = demoDataset({ now: t.now(), storageEnv: await storageEnv(t.cloud.url) })
  await loadDataset(t.cloud.url, dataset)
}, 60000)
afterAll(() => t.stop())

const COMMUNITY = 'c-zhonglou'
const ok = async <T>(openid: string, action: string, payload: object): Promise<T> => {
  const r = await t.call<Envelope<T>>('callup', { action, payload }, openid)
  if (!r.ok) throw new Error(`${action}: ${r.code} ${r.message}`)
  return r.data
}

describe('the demo’s call-up', () => {
  it('has this morning’s session under way at 东门采样点, and none in 示范二村', async () => {
    const list = await ok<CallupSessionView[]>('demo-committee-1', 'listSessions', { communityId: COMMUNITY })
    expect(list).toEqual([
      expect.objectContaining({
        status: 'open',
        buildings: 135,
        points: [{ id: 'p1', name: '东门采样点', buildings: 135 }],
      }),
    ])
    expect(list[0]?.name).toMatch(/^\d+月\d+日全员核酸$/)
    expect(await ok<CallupSessionView[]>('demo2-committee-1', 'listSessions', { communityId: 'c-demo-2' })).toEqual([])
    const q = await ok<CallupQueueView>('demo-committee-1', 'queue', { sessionId: list[0]?.id })
    expect(q.counts).toEqual({ waiting: 85, called: 7, testing: 3, done: 39, skipped: 1 })
    expect(q.buildings[1]).toMatchObject({ state: 'skipped', skipped: { reason: '有阳性封控' } })
    expect(q.buildings[0]?.done?.tested).toBeGreaterThan(0)
    expect(q.next).toEqual([expect.objectContaining({ pos: 51 })])
  })

  it('tells a resident of a waiting building how many are before theirs', async () => {
    const b60 = dataset.collections.buildings
      .filter((b) => b.communityId === COMMUNITY)
      .sort((a, b) => a.order - b.order)[59]
    const h = (dataset.collections.households as HouseholdDoc[]).find(
      (x) => x.buildingId === b60?._id && x.linkedOpenids.length,
    ) as HouseholdDoc
    const [turn] = await ok<CallupTurnView[]>(h.linkedOpenids[0] as string, 'myTurn', {})
    expect(turn).toMatchObject({ state: 'waiting', ahead: 9, message: '还没叫到您楼，前面还有 9 栋' })
    // 1号's resident: done.
    const [mine] = await ok<CallupTurnView[]>('demo-resident-1', 'myTurn', {})
    expect(mine).toMatchObject({ buildingName: '1号', state: 'done', message: '本楼已检测完成' })
  })

  it('lets the committee call the next building', async () => {
    const [s] = await ok<CallupSessionView[]>('demo-committee-1', 'listSessions', { communityId: COMMUNITY })
    const r = await ok<CallupCallResult>('demo-committee-1', 'call', {
      sessionId: s?.id,
      requestId: 'demo-test-call-1',
      count: 1,
    })
    expect(r.queue.buildings.find((b) => b.buildingId === r.buildingIds[0])?.pos).toBe(51)
    expect(r.queued).toBeGreaterThan(0)
  })
})
