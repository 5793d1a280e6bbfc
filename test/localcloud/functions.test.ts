// Functions: client gateway, identity isolation, cloud-to-cloud calls, timeouts, failures, timers.
import path from 'node:path'
import { startTestCloud, type TestCloud } from '../support/localcloud'

const FIXTURES = path.join(__dirname, 'fixtures', 'functions')

interface Echo {
  event: Record<string, unknown>
  before: Record<string, unknown>
  after: Record<string, unknown>
  tz: number
}

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud({ functionsDir: FIXTURES, collections: ['echo', 'ticks'], maxInstances: 8 })
})
afterAll(() => t.stop())

describe('client gateway', () => {
  it('passes the event and the caller identity from x-wx-openid', async () => {
    const r = await t.call<Echo>('echo', { hello: '世界' }, 'o-ann')
    expect(r.event).toEqual({ hello: '世界' })
    expect(r.before).toMatchObject({ OPENID: 'o-ann', APPID: 'wx0000000000000000', SOURCE: 'wx_client', ENV: 'local' })
  })

  it('passes appid and unionid headers', async () => {
    const { body } = await t.gateway('echo', {}, { 'x-wx-openid': 'o1', 'x-wx-appid': 'wxabc', 'x-wx-unionid': 'u1' })
    expect((body as Echo).before).toMatchObject({ OPENID: 'o1', APPID: 'wxabc', UNIONID: 'u1' })
  })

  it('gives no OPENID when the header is absent', async () => {
    const r = await t.call<Echo>('echo', {})
    expect(r.before.OPENID).toBeUndefined()
  })

  it('never exposes the API token through getWXContext', async () => {
    const r = await t.call<Echo>('echo', {}, 'o1')
    expect(Object.keys(r.before)).not.toContain('API_TOKEN')
  })

  it('runs functions in UTC, like CloudBase', async () => {
    expect((await t.call<Echo>('echo', {}, 'o1')).tz).toBe(0)
  })

  it('answers 404 with an errCode for an unknown function', async () => {
    const { status, body } = await t.gateway('nope', {})
    expect(status).toBe(404)
    expect(body).toMatchObject({ errCode: -501000 })
  })

  it('reports a thrown error as FUNCTIONS_EXECUTE_FAIL', async () => {
    const { status, body } = await t.gateway('boom', {}, { 'x-wx-openid': 'o1' })
    expect(status).toBe(502)
    expect(body).toMatchObject({ errCode: -504002 })
    expect((body as { errMsg: string }).errMsg).toContain('kaboom')
  })

  it('kills an invocation that exceeds the timeout in config.json', async () => {
    const started = Date.now()
    const { status, body } = await t.gateway('slow', { ms: 5000 }, { 'x-wx-openid': 'o1' })
    expect(status).toBe(502)
    expect(body).toMatchObject({ errCode: -504003 })
    expect(Date.now() - started).toBeLessThan(4000)
  })

  it('still serves the function after a timeout killed an instance', async () => {
    await expect(t.call('slow', { ms: 10 }, 'o1')).resolves.toEqual({ done: true })
  })
})

describe('identity isolation', () => {
  it('keeps 50 concurrent invocations of different users apart across awaits', async () => {
    const users = Array.from({ length: 50 }, (_, i) => `o-user-${i}`)
    const results = await Promise.all(users.map((u, i) => t.call<Echo>('echo', { i, touchDb: true, waitMs: i % 7 }, u)))
    results.forEach((r, i) => {
      expect(r.event.i).toBe(i)
      expect(r.before.OPENID).toBe(users[i])
      expect(r.after.OPENID).toBe(users[i])
    })
  })

  it('attributes each invocation’s database calls to that invocation', async () => {
    await t.admin('calls', { method: 'DELETE' })
    await Promise.all(['a', 'b', 'c'].map((u) => t.call('echo', { touchDb: true }, `o-${u}`)))
    const { calls } = await t.admin<{
      calls: { openid: string; db: { calls: number; byAction: Record<string, number> } }[]
    }>('calls')
    expect(calls.map((c) => c.openid).sort()).toEqual(['o-a', 'o-b', 'o-c'])
    for (const c of calls) expect(c.db).toMatchObject({ calls: 1, byAction: { 'database.calculateDocument': 1 } })
  })
})

describe('cloud-to-cloud calls', () => {
  it('invokes another function and carries the caller identity with SOURCE wx_client,scf', async () => {
    const r = await t.call<{ self: Record<string, unknown>; callee: Echo }>('caller', { target: 'echo' }, 'o-chain')
    expect(r.self).toMatchObject({ OPENID: 'o-chain', SOURCE: 'wx_client' })
    expect(r.callee.event).toEqual({ from: 'caller' })
    expect(r.callee.before).toMatchObject({ OPENID: 'o-chain', SOURCE: 'wx_client,scf' })
  })

  it('works from a plain SDK client outside any function', async () => {
    const res = (await t.sdk.callFunction({ name: 'echo', data: { x: 1 } })) as { result: unknown }
    expect((res.result as Echo).event).toEqual({ x: 1 })
  })

  // This SDK version surfaces function failures with `code` (and errCode -1), not a numeric errCode.
  it('surfaces a failing callee to the SDK as FUNCTIONS_EXECUTE_FAIL with its message', async () => {
    await expect(t.sdk.callFunction({ name: 'boom', data: {} })).rejects.toMatchObject({
      code: 'FUNCTIONS_EXECUTE_FAIL',
      errMsg: expect.stringContaining('kaboom'),
    })
  })

  it('surfaces an unknown callee as FUNCTIONS_NOT_EXIST', async () => {
    await expect(t.sdk.callFunction({ name: 'nope', data: {} })).rejects.toMatchObject({ code: 'FUNCTIONS_NOT_EXIST' })
  })
})

describe('timer triggers', () => {
  it('runs a timer trigger on demand with no caller identity', async () => {
    const r = await t.admin<{ result: unknown }>('functions/ticker/trigger', { body: {} })
    expect(r.result).toEqual({ ticked: 'everySecond' })
    const { data } = (await t.sdk.database().collection('ticks').where({ trigger: 'everySecond' }).get()) as {
      data: unknown[]
    }
    expect(data[0]).toMatchObject({ type: 'Timer', openid: null, source: 'wx_trigger' })
  })

  it('rejects a trigger the function does not have', async () => {
    await expect(t.admin('functions/echo/trigger', { body: {} })).rejects.toThrow(/no timer trigger/)
  })

  it('fires timers on their cron schedule when enabled', async () => {
    const scheduled = await startTestCloud({ functionsDir: FIXTURES, collections: ['ticks'], timers: true })
    try {
      await new Promise((r) => setTimeout(r, 2600))
      const { total } = (await scheduled.sdk.database().collection('ticks').count()) as { total: number }
      expect(total).toBeGreaterThanOrEqual(1)
    } finally {
      await scheduled.stop()
      t.sdk.init({ env: t.cloud.env }) // this file's SDK points back at the main emulator
      process.env.TCB_CONTEXT_CNFG = JSON.stringify({ URL: t.cloud.serviceUrl })
    }
  })
})
