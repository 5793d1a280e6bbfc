// The demo data set loaded into localcloud by its loader, read back through the SDK and used through the function.
import type { Envelope, Roster, StructureView, WhoAmI } from '../../typings/api'
import { COLLECTIONS } from '../../server/collections'
import { demoDataset, type DemoDataset } from '../../scripts/demo/generate'
import { isEmpty, loadCollections, type LoadResult } from '../../scripts/demo/load'
import type { HouseholdDoc } from '../../server/community/model'
import { startTestCloud, type TestCloud } from '../support/localcloud'

let t: TestCloud
let dataset: DemoDataset
let loaded: LoadResult

beforeAll(async () => {
  t = await startTestCloud()
  dataset = demoDataset()
})
afterAll(() => t.stop())

const call = <T>(openid: string, action: string, payload: object = {}) =>
  t.call<Envelope<T>>('community', { action, payload }, openid)

describe('demo loader', () => {
  it('loads both communities into an empty localcloud', async () => {
    expect(await isEmpty(t.cloud.url)).toBe(true)
    loaded = await loadCollections(t.cloud.url, dataset.collections)
    const documents = COLLECTIONS.reduce((n, name) => n + dataset.collections[name].length, 0)
    console.log(`demo data set: ${documents} documents loaded in ${loaded.ms} ms`)
    expect(loaded).toMatchObject({ collections: COLLECTIONS.length, documents })
    expect(await isEmpty(t.cloud.url)).toBe(false)
  })

  it('reads back the counts through the SDK', async () => {
    const db = t.sdk.database()
    const total = async (name: string, where?: object) => {
      const c = db.collection(name)
      return ((await (where ? c.where(where) : c).count()) as { total: number }).total
    }
    for (const name of COLLECTIONS) expect([name, await total(name)]).toEqual([name, dataset.collections[name].length])
    for (const s of dataset.summaries) {
      const { communityId } = s
      expect(await total('buildings', { communityId })).toBe(s.buildings)
      expect(await total('groups', { communityId })).toBe(s.groups)
      expect(await total('households', { communityId })).toBe(s.households)
      expect(await total('roles', { communityId, role: 'buildingLead' })).toBe(s.buildings)
    }
    expect(await total('households', { communityId: 'c-zhonglou' })).toBe(1506)
    const { data } = (await db
      .collection('households')
      .where({ communityId: 'c-zhonglou' })
      .limit(1)
      .get()) as unknown as {
      data: HouseholdDoc[]
    }
    expect(data[0]?.updatedAt).toBeInstanceOf(Date)
  })

  it('gives the community function 钟楼新村 as it is: 135 / 1,506 / 3,400 / 670', async () => {
    const r = await call<StructureView>('demo-committee-1', 'structure', { communityId: 'c-zhonglou' })
    expect(r.ok && r.data.totals).toEqual({ buildings: 135, households: 1506, residents: 3400, elderly: 670 })
    expect(r.ok && r.data.groups.map((g) => g.buildings.length)).toEqual([20, 20, 20, 20, 20, 20, 15])
  })

  it('answers every identity’s example call', async () => {
    for (const who of dataset.identities) {
      const r = await call<unknown>(who.openid, who.example.action, who.example.payload)
      expect([who.openid, r.ok]).toEqual([who.openid, true])
    }
  })

  it('keeps each community to itself', async () => {
    const me = await call<WhoAmI>('demo-lead-1', 'whoami')
    expect(me.ok && [...new Set(me.data.roles.map((r) => r.scope.communityId))]).toEqual(['c-zhonglou'])
    const other = await call<StructureView>('demo2-committee-1', 'structure', { communityId: 'c-zhonglou' })
    expect(other).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    const roster = await call<Roster>('demo-lead-1', 'buildingRoster', { buildingId: 'c-demo-2-b1' })
    expect(roster).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })
})
