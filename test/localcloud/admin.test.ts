// Admin API: health, reset, collections, export/import, call log, fault injection, inspector.
import path from 'node:path'
import { startTestCloud, type TestCloud } from '../support/localcloud'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud({
    functionsDir: path.join(__dirname, 'fixtures', 'functions'),
    collections: ['echo', 'people'],
  })
})
afterAll(() => t.stop())
beforeEach(() => t.cloud.reset())

const people = () => t.sdk.database().collection('people')

describe('health and inspector', () => {
  it('answers health with the SDK endpoint and the functions it found', async () => {
    const h = await t.admin<Record<string, unknown>>('health')
    expect(h).toMatchObject({ ok: true, env: 'local', serviceUrl: t.cloud.serviceUrl })
    expect(h.functions).toEqual(expect.arrayContaining(['echo', 'notify', 'ticker']))
  })

  it('serves the inspector page', async () => {
    const res = await fetch(`${t.cloud.url}/`)
    expect(res.headers.get('content-type')).toContain('text/html')
    const html = await res.text()
    expect(html).toContain('localcloud')
    expect(html).toContain('/__admin/collections')
  })

  it('answers 404 JSON for an unknown admin route', async () => {
    const res = await fetch(`${t.cloud.url}/__admin/nothing`)
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: expect.stringContaining('nothing') })
  })

  it('answers JSON errors for a body that is not JSON', async () => {
    const res = await fetch(t.cloud.serviceUrl, { method: 'POST', body: 'not json' })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: expect.any(String) })
  })

  it('answers INVALID_PARAM for an action it does not know', async () => {
    const res = await fetch(t.cloud.serviceUrl, {
      method: 'POST',
      body: JSON.stringify({ action: 'database.dropEverything' }),
    })
    expect(await res.json()).toMatchObject({ code: 'INVALID_PARAM', requestId: expect.any(String) })
  })
})

describe('reset and collections', () => {
  it('reset empties the data and recreates the configured collections', async () => {
    await people().add({ data: { name: 'a' } })
    await t.sdk.database().createCollection('extra')
    await t.admin('reset', { body: {} })
    const list = await t.admin<{ name: string; count: number }[]>('collections')
    expect(list).toEqual([
      { name: 'echo', count: 0 },
      { name: 'people', count: 0 },
    ])
  })

  it('creates collections from a list and reports which were new', async () => {
    expect(await t.admin('collections', { body: { names: ['people', 'rounds'] } })).toEqual({ created: ['rounds'] })
    await expect(t.sdk.database().collection('rounds').count()).resolves.toMatchObject({ total: 0 })
  })

  it('pages through a collection’s documents', async () => {
    for (let i = 0; i < 5; i++) await people().add({ data: { _id: `p${i}`, i } })
    const page = await t.admin<{ total: number; documents: { _id: string }[] }>('collections/people?skip=1&limit=2')
    expect(page.total).toBe(5)
    expect(page.documents.map((d) => d._id)).toEqual(['p1', 'p2'])
  })
})

describe('export and import', () => {
  it('round-trips documents with dates, files, credits and the outbox', async () => {
    await people().add({ data: { _id: 'p1', name: '张三', born: new Date('1950-01-02T00:00:00Z'), tags: ['60+'] } })
    const up = await t.sdk.uploadFile({ cloudPath: 'photos/p1.jpg', fileContent: Buffer.from([1, 2, 3]) })
    await t.admin('subscribe', { body: { openid: 'o1', templateId: 'T', count: 2 } })
    const dump = await t.admin<Record<string, unknown>>('export')
    t.cloud.reset()
    expect(await t.admin('import', { body: dump })).toEqual({ collections: 2, documents: 1, files: 1 })
    const { data } = (await people().doc('p1').get()) as { data: unknown }
    expect(data).toEqual({ _id: 'p1', name: '张三', born: new Date('1950-01-02T00:00:00Z'), tags: ['60+'] })
    const file = await t.sdk.downloadFile({ fileID: up.fileID })
    expect([...(file.fileContent as Buffer)]).toEqual([1, 2, 3])
    expect(await t.admin('subscriptions')).toEqual([{ openid: 'o1', templateId: 'T', count: 2 }])
  })

  it('rejects an import without collections and keeps the data', async () => {
    await people().add({ data: { _id: 'keep' } })
    await expect(t.admin('import', { body: { nope: true } })).rejects.toThrow(/400/)
    await expect(people().doc('keep').get()).resolves.toBeDefined()
  })
})

describe('call log', () => {
  it('records each invocation with its database round trips and documents read and written', async () => {
    await t.call('echo', { touchDb: true }, 'o-ann')
    const { calls } = await t.admin<{ calls: Record<string, unknown>[] }>('calls?function=echo')
    expect(calls).toHaveLength(1)
    expect(calls[0]).toMatchObject({
      function: 'echo',
      source: 'wx_client',
      openid: 'o-ann',
      ok: true,
      coldStart: expect.any(Boolean),
      durationMs: expect.any(Number),
      db: { calls: 1, read: 0, written: 0, byAction: { 'database.calculateDocument': 1 } },
    })
  })

  it('counts SDK calls made outside functions separately', async () => {
    await people().add({ data: { a: 1 } })
    await people().where({ a: 1 }).get()
    const { external, calls } = await t.admin<{
      external: { calls: number; read: number; written: number }
      calls: unknown[]
    }>('calls')
    expect(calls).toEqual([])
    expect(external).toMatchObject({ calls: 2, read: 1, written: 1 })
  })

  it('records failures with their error', async () => {
    await t.gateway('boom', {}, { 'x-wx-openid': 'o1' })
    const { calls } = await t.admin<{ calls: { ok: boolean; error: string; logs: string[] }[] }>('calls?function=boom')
    expect(calls[0]).toMatchObject({ ok: false, error: expect.stringContaining('kaboom') })
  })

  it('filters by time', async () => {
    await t.call('echo', {}, 'o1')
    const { calls } = await t.admin<{ calls: unknown[] }>(
      `calls?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    )
    expect(calls).toEqual([])
  })
})

describe('fault injection', () => {
  afterEach(() => t.admin('faults', { method: 'DELETE' }))

  it('fails every database call with SYS_ERR at rate 1, before touching data', async () => {
    await t.admin('faults', { body: { errorRate: 1 } })
    await expect(people().add({ data: { _id: 'x' } })).rejects.toMatchObject({ errCode: -501001 })
    await t.admin('faults', { method: 'DELETE' })
    await expect(people().doc('x').get()).rejects.toThrow(/does not exist/)
  })

  it('fails about the configured fraction, reproducibly with a seed', async () => {
    const run = async () => {
      await t.admin('faults', { body: { errorRate: 0.3, seed: 42 } })
      const outcomes: boolean[] = []
      for (let i = 0; i < 40; i++)
        outcomes.push(
          await Promise.resolve(people().count()).then(
            () => true,
            () => false,
          ),
        )
      return outcomes
    }
    const first = await run()
    const second = await run()
    expect(second).toEqual(first)
    const failures = first.filter((ok) => !ok).length
    expect(failures).toBeGreaterThan(3)
    expect(failures).toBeLessThan(25)
    expect((await t.admin<{ injected: number }>('faults')).injected).toBe(failures)
  })

  it('adds latency to database calls', async () => {
    await t.admin('faults', { body: { latencyMs: 150 } })
    const started = Date.now()
    await people().count()
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
  })

  it('limits faults to the given action prefixes', async () => {
    await t.admin('faults', { body: { errorRate: 1, actions: ['database.insertDocument'] } })
    await expect(people().count()).resolves.toMatchObject({ total: 0 })
    await expect(people().add({ data: {} })).rejects.toMatchObject({ errCode: -501001 })
  })

  it('rejects an invalid fault configuration', async () => {
    await expect(t.admin('faults', { body: { errorRate: 2 } })).rejects.toThrow(/400/)
  })
})
