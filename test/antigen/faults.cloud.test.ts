// Antigen rounds with localcloud failing 5% of database calls (every kind: reads, writes, counts, the sequencer's
// and the push queue's too), and clients retrying as the pages do (services/cloud.ts: NETWORK and INTERNAL are sent
// again) plus a user's second tap: every submission recorded exactly once, every counter equal to its entries, and
// opening and closing finished by their retries.
import type { Envelope, RoundView } from '../../typings/api'
import type { ChainDoc } from '../../server/antigen/model'
import type { HouseholdDoc } from '../../server/community/model'
import { countResults } from '../../server/antigen/rules'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C1, loadFixture, manyHouseholds, WHO } from '../support/community'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())

const FAULT_RATE = 0.05
const faults = (seed: number) =>
  t.admin('faults', { body: { errorRate: FAULT_RATE, actions: ['database.'], latencyMs: 0, seed } })
const noFaults = () => t.admin('faults', { method: 'DELETE' })
const runTimer = () => t.admin('functions/antigen/trigger', { body: {} })
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A call as the page makes it with `retries`: failed network or service (INTERNAL) sent again, up to 8 times. */
async function retried<T>(openid: string, action: string, payload: object): Promise<Envelope<T>> {
  let last: Envelope<T> | undefined
  for (let attempt = 0; attempt < 8; attempt++) {
    if (attempt) await sleep(20 * attempt)
    try {
      last = await t.call<Envelope<T>>('antigen', { action, payload }, openid)
    } catch {
      continue
    }
    if (last.ok || last.code !== 'INTERNAL') return last
  }
  if (!last) throw new Error(`${action}: no reply at all`)
  return last
}

const untested = (h: HouseholdDoc) => h.members.map((m) => ({ memberId: m.id, result: 'untested', reason: '外出' }))

beforeEach(async () => {
  await noFaults()
  await loadFixture(t)
})
afterEach(noFaults)

it('records 60 households of one building exactly once through 5% failing database calls', async () => {
  const many = manyHouseholds(60)
  await t.data.insertMany('households', many)
  const round = (await retried<RoundView>(WHO.committee, 'openRound', {
    communityId: C1,
    date: '2026-11-24',
    deadline: new Date(t.now() + 3600_000).toISOString(),
    notice: '请自测',
  })) as { ok: true; data: RoundView }
  expect(round.ok).toBe(true)
  await faults(7)
  const replies = await Promise.all(
    many.flatMap((h, i) => {
      const send = () =>
        retried(WHO.buildingLead, 'submit', { roundId: round.data.id, householdId: h._id, members: untested(h) })
      // A fifth of the households tap twice.
      return i % 5 === 0 ? [send(), send()] : [send()]
    }),
  )
  const injected = (await t.admin<{ injected?: number }>('faults')).injected
  await noFaults()
  expect(replies.filter((r) => !r.ok)).toEqual([])
  // Whatever a failed kick or a sequencer that gave up left waiting, the timer merges.
  await runTimer()
  expect(await t.data.count('intake', { roundId: round.data.id })).toBe(0)
  const chain = (await t.data.get<ChainDoc>('chains', `${round.data.id}:b1`)) as ChainDoc
  const entries = Object.values(chain.entries)
  const mine = entries.filter((e) => many.some((h) => h._id === e.householdId))
  expect(mine).toHaveLength(60)
  expect(entries.map((e) => e.no).sort((a, b) => a - b)).toEqual(entries.map((_, i) => i + 1))
  expect({ seq: chain.seq, submitted: chain.submitted }).toEqual({ seq: entries.length, submitted: entries.length })
  const counted = countResults(entries.flatMap((e) => e.members))
  for (const k of ['people', 'negative', 'positive', 'invalid', 'untested'] as const) expect(chain[k]).toBe(counted[k])
  // The faults did fire (the figure is the emulator's own count).
  expect(injected ?? 0).toBeGreaterThan(0)
})

it('opens and closes a round through 5% failing database calls, every chain with its round', async () => {
  await faults(11)
  const asked = {
    communityId: C1,
    date: '2026-11-24',
    deadline: new Date(t.now() + 3600_000).toISOString(),
    notice: '请自测',
    requestId: 'fault-open-1',
  }
  let opened = await retried<RoundView>(WHO.committee, 'openRound', asked)
  // A reply that got through is the round; one more tap changes nothing.
  const again = await retried<RoundView>(WHO.committee, 'openRound', asked)
  if (!opened.ok) opened = again
  if (!opened.ok || !again.ok) throw new Error(`openRound: ${JSON.stringify(opened)}`)
  expect(again.data.id).toBe(opened.data.id)
  const closed = await retried<RoundView>(WHO.committee, 'closeRound', { roundId: opened.data.id })
  await noFaults()
  expect(closed).toMatchObject({ ok: true, data: { status: 'closed' } })
  expect(await t.data.count('rounds', { communityId: C1, _id: opened.data.id })).toBe(1)
  expect(await t.data.count('chains', { roundId: opened.data.id })).toBe(3)
  expect(await t.data.count('chains', { roundId: opened.data.id, status: 'closed' })).toBe(3)
})
