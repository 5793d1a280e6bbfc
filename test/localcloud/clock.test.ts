// The emulated platform clock: the admin API moves it, everything localcloud dates follows it (server dates,
// signed URLs, timer schedules and events, the outbox), each invocation carries its offset, and nothing a client
// sends moves it.
import path from 'node:path'
import { startTestCloud, TEST_NOW, type TestCloud } from '../support/localcloud'

const FUNCTIONS = path.join(__dirname, 'fixtures', 'clock-functions')
const HOUR = 3600_000

interface ClockReply {
  offset: number | null
  event: Record<string, unknown>
}
interface ClockState {
  now: string
  offsetMs: number
}

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud({ functionsDir: FUNCTIONS, collections: ['runs'], timers: true })
})
afterAll(() => t.stop())

const near = (a: number, b: number, within = 2000) => expect(Math.abs(a - b)).toBeLessThan(within)

describe('admin API', () => {
  it('starts where the test set it and ticks on', async () => {
    await t.setClock(TEST_NOW)
    const first = await t.admin<ClockState>('clock')
    near(Date.parse(first.now), Date.parse(TEST_NOW))
    await new Promise((r) => setTimeout(r, 30))
    expect(Date.parse((await t.admin<ClockState>('clock')).now)).toBeGreaterThan(Date.parse(first.now))
  })

  it('sets, advances, offsets and resets the clock', async () => {
    const at = Date.parse('2027-03-31T16:05:00Z')
    near(await t.setClock('2027-03-31T16:05:00Z'), at)
    near(await t.advanceClock(HOUR), at + HOUR)
    const offset = await t.admin<ClockState>('clock', { body: { offsetMs: -5000 } })
    expect(offset.offsetMs).toBe(-5000)
    const reset = await t.admin<ClockState>('clock', { method: 'DELETE' })
    expect(reset.offsetMs).toBe(0)
    near(Date.parse(reset.now), Date.now())
  })

  it('refuses what is not a time and leaves the clock alone', async () => {
    await t.setClock(TEST_NOW)
    for (const body of [{ at: '2026-13-45' }, { at: 'soon' }, { advanceMs: 'x' }, {}])
      await expect(t.admin('clock', { body })).rejects.toThrow(/400/)
    near(Date.parse((await t.admin<ClockState>('clock')).now), Date.parse(TEST_NOW))
  })

  it('is not touched by a reset of the data', async () => {
    await t.setClock(TEST_NOW)
    await t.admin('reset', { body: {} })
    near(Date.parse((await t.admin<ClockState>('clock')).now), Date.parse(TEST_NOW))
  })
})

describe('functions', () => {
  it('get the offset with each invocation, and none when the clock is the machine’s', async () => {
    await t.setClock(TEST_NOW)
    const moved = await t.call<ClockReply>('clock', {}, 'o1')
    near(Date.now() + (moved.offset as number), Date.parse(TEST_NOW))
    await t.admin('clock', { method: 'DELETE' })
    expect((await t.call<ClockReply>('clock', {}, 'o1')).offset).toBeNull()
  })

  it('cannot be given another time by a client: not by the event, not by a header', async () => {
    await t.setClock(TEST_NOW)
    const { body } = await t.gateway(
      'clock',
      { LOCALCLOUD_CLOCK_OFFSET_MS: '0', env: { LOCALCLOUD_CLOCK_OFFSET_MS: '0' } },
      { 'x-wx-openid': 'o1', 'x-localcloud-clock': '2030-01-01T00:00:00Z', LOCALCLOUD_CLOCK_OFFSET_MS: '0' },
    )
    near(Date.now() + ((body as ClockReply).offset as number), Date.parse(TEST_NOW))
  })

  it('stamp db.serverDate() with the platform time', async () => {
    await t.setClock('2030-06-01T00:00:00Z')
    const { _id } = (await t.sdk
      .database()
      .collection('runs')
      .add({ data: { at: t.sdk.database().serverDate() } })) as { _id: string }
    const doc = (await t.sdk.database().collection('runs').doc(_id).get()) as unknown as { data: { at: Date } }
    near(doc.data.at.getTime(), Date.parse('2030-06-01T00:00:00Z'))
  })
})

describe('timers', () => {
  it('fire on the platform clock’s schedule, with its time in the event', async () => {
    // Half a second before the top of an hour: the hourly trigger fires within a second, dated 03:00:00.
    await t.setClock(Date.parse('2026-11-24T02:59:59.500Z'))
    const _ = t.sdk.database().command
    const window = { time: _.gte('2026-11-24T02:59:00.000Z').and(_.lte('2026-11-24T03:01:00.000Z')) }
    let runs: { time: string }[] = []
    for (let i = 0; i < 60 && runs.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100))
      const reply = (await t.sdk.database().collection('runs').where(window).get()) as unknown
      runs = (reply as { data: typeof runs }).data
    }
    expect(runs).toHaveLength(1)
    near(Date.parse(runs[0]?.time as string), Date.parse('2026-11-24T03:00:00Z'))
  })

  it('do not replay every second of a jump of the clock', async () => {
    // Timer runs that start after the jump (an earlier test's run may still be finishing: it started before).
    const jumpedAt = Date.now()
    await t.advanceClock(365 * 24 * HOUR)
    await new Promise((r) => setTimeout(r, 800))
    const { calls } = await t.admin<{ calls: { trigger: string | null; startedAt: string }[] }>('calls?function=clock')
    const runs = calls.filter((c) => c.trigger !== null && Date.parse(c.startedAt) >= jumpedAt)
    // A year holds 8,760 top-of-the-hour moments; at most the one the jump lands on may fire.
    expect(runs.length).toBeLessThanOrEqual(1)
  })
})

describe('storage', () => {
  it('expires signed URLs by the platform clock', async () => {
    await t.setClock(TEST_NOW)
    const { fileID } = (await t.sdk.uploadFile({ cloudPath: 'clock/a.txt', fileContent: Buffer.from('a') })) as {
      fileID: string
    }
    const { fileList } = (await t.sdk.getTempFileURL({ fileList: [{ fileID, maxAge: 600 }] as never })) as {
      fileList: { tempFileURL: string }[]
    }
    const url = fileList[0]?.tempFileURL as string
    expect((await fetch(url)).status).toBe(200)
    await t.advanceClock(601_000)
    expect((await fetch(url)).status).toBe(403)
  })
})
