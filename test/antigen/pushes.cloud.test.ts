// The push queue through localcloud: round-opened notices and reminders leave after the call returns, through a kicked
// drain (the timer as the safety net), each person at most once, refusals recorded, field limits kept, and the
// reminder's call list taken from the credits ledger.
import type { Envelope, HealthView, RemindResult, RoundView } from '../../typings/api'
import type { PushDoc } from '../../server/platform/pushqueue'
import type { CreditDoc } from '../../server/platform/credits'
import type { RoundSubscriberDoc } from '../../server/antigen/model'
import type { HouseholdDoc } from '../../server/community/model'
import { CONSENTS } from '../../server/community/consent'
import { demoDataset } from '../../scripts/demo/generate'
import { loadCollections } from '../../scripts/demo/load'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { B, C1, H, loadFixture, WHO } from '../support/community'
import { pushesSettled, settledOutbox, type OutboxMessage } from '../support/pushes'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())

const call = <T>(openid: string, action: string, payload: object = {}) =>
  t.call<Envelope<T>>('antigen', { action, payload }, openid)
const ok = async <T>(openid: string, action: string, payload: object = {}): Promise<T> => {
  const r = await call<T>(openid, action, payload)
  if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message} ${r.field ?? ''}`)
  return r.data
}
const community = <T>(openid: string, action: string, payload: object = {}) =>
  t.call<Envelope<T>>('community', { action, payload }, openid)
const credit = (openid: string, templateId: string, count = 1) =>
  t.admin('subscribe', { body: { openid, templateId, count } })
const record = (openid: string, templateId: string) =>
  community(openid, 'recordSubscription', { templateIds: [templateId], accepted: [templateId] })
const subscribe = (openids: string[], communityId: string) =>
  t.data.insertMany<RoundSubscriberDoc>(
    'roundSubscribers',
    openids.map((openid) => ({ _id: `${openid}:${communityId}`, openid, communityId, credits: 1 })),
  )
const inAnHour = () => new Date(t.now() + 3600_000).toISOString()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const failKicks = () =>
  t.admin('faults', { body: { errorRate: 1, actions: ['functions.invokeFunction'], latencyMs: 0 } })
const clearFaults = () => t.admin('faults', { method: 'DELETE' })
const runTimer = () =>
  t.admin<{ result: { ok: boolean; data: { pushes: { sent: number; refused: number } } } }>(
    'functions/antigen/trigger',
    { body: {} },
  )
const queue = (where: Record<string, unknown> = {}) => t.data.findAll<PushDoc>('pushQueue', where)
const LONG_NOTICE = '请各位居民在今天中午十二点以前完成抗原自测，拍照上传后在本楼接龙，谢谢配合'

beforeEach(async () => {
  await clearFaults()
  await loadFixture(t)
  await t.admin('outbox', { method: 'DELETE' })
})

describe('round-opened notices', () => {
  it('leave after openRound returns, once per person even when it is retried, within the field limits', async () => {
    await credit(WHO.buildingLead, 'TPL_ROUND_OPENED', 5)
    await credit(WHO.residentB2, 'TPL_ROUND_OPENED', 5)
    await subscribe([WHO.residentB2, WHO.stranger], C1)
    const input = { communityId: C1, date: '2026-11-24', deadline: inAnHour(), notice: LONG_NOTICE }
    const round = await ok<RoundView>(WHO.committee, 'openRound', input)
    // The call only enqueued: the documents are there, whatever the drain has done yet.
    expect((await queue()).map((m) => m.touser).sort()).toEqual(
      [WHO.buildingLead, WHO.floorLead, WHO.residentB2, WHO.stranger].sort(),
    )
    await ok<RoundView>(WHO.committee, 'openRound', input) // the same request again (a retry)
    const outbox = await settledOutbox(t)
    expect(
      outbox
        .filter((m) => m.status === 'sent')
        .map((m) => m.touser)
        .sort(),
    ).toEqual([WHO.buildingLead, WHO.residentB2].sort())
    // Each person once: sent or refused, never twice.
    const people = outbox.map((m) => m.touser)
    expect(new Set(people).size).toBe(people.length)
    for (const m of outbox)
      for (const [key, field] of Object.entries(m.data))
        if (key.startsWith('thing')) expect([...field.value].length).toBeLessThanOrEqual(20)
    expect(outbox.find((m) => m.touser === WHO.buildingLead)).toMatchObject({
      page: `packageAntigen/pages/chain?roundId=${round.id}&buildingId=${B.b1._id}`,
      data: {
        thing1: { value: '测试小区 2026-11-24 抗原检测' },
        thing3: { value: `${[...LONG_NOTICE].slice(0, 19).join('')}…` },
      },
    })
    // Refusals are recorded on the message, and clear the ledger's count.
    expect(await queue({ touser: WHO.stranger })).toEqual([
      expect.objectContaining({ status: 'refused', errcode: 43101 }),
    ])
    expect(await queue({ touser: WHO.residentB2 })).toEqual([expect.objectContaining({ status: 'sent' })])
  })

  it('are drained by the timer when the kick failed, and two drains at once send each message once', async () => {
    await credit(WHO.buildingLead, 'TPL_ROUND_OPENED')
    await credit(WHO.residentB2, 'TPL_ROUND_OPENED')
    await subscribe([WHO.residentB2], C1)
    await failKicks()
    await ok<RoundView>(WHO.committee, 'openRound', {
      communityId: C1,
      date: '2026-11-24',
      deadline: inAnHour(),
      notice: '第二轮',
    })
    await sleep(500)
    expect(await t.admin<OutboxMessage[]>('outbox')).toEqual([])
    expect((await queue()).map((m) => m.status)).toEqual(['queued', 'queued', 'queued'])
    await clearFaults()
    const [a, b] = await Promise.all([runTimer(), runTimer()])
    expect((a.result.data.pushes.sent ?? 0) + (b.result.data.pushes.sent ?? 0)).toBe(2)
    const outbox = await settledOutbox(t)
    expect(outbox.map((m) => [m.touser, m.status]).sort()).toEqual(
      [
        [WHO.buildingLead, 'sent'],
        [WHO.floorLead, 'rejected'],
        [WHO.residentB2, 'sent'],
      ].sort(),
    )
  })

  it('refuses a client that calls the drain, with or without a real nonce', async () => {
    await credit(WHO.buildingLead, 'TPL_ROUND_OPENED')
    await failKicks()
    await ok<RoundView>(WHO.committee, 'openRound', {
      communityId: C1,
      date: '2026-11-24',
      deadline: inAnHour(),
      notice: '第三轮',
    })
    const [queued] = await queue()
    const nonce = queued?.kick as string
    expect(nonce).toMatch(/^[0-9a-f]{24}$/)
    for (const event of [
      { action: 'drainPushes', kick: nonce },
      { action: 'drainPushes' },
      { action: 'drainPushes', kick: nonce, payload: {} },
    ]) {
      expect(await t.call('antigen', event, WHO.committee)).toMatchObject({ ok: false, code: 'UNKNOWN_ACTION' })
      expect(await t.call('antigen', event)).toMatchObject({ ok: false, code: 'UNKNOWN_ACTION' })
      expect(await t.call('community', event, WHO.committee)).toMatchObject({ ok: false, code: 'UNKNOWN_ACTION' })
    }
    expect((await queue()).every((m) => m.status === 'queued')).toBe(true)
    expect(await t.admin<OutboxMessage[]>('outbox')).toEqual([])
  })
})

describe('reminders', () => {
  it('push to households whose people hold a credit and list the others, from the ledger', async () => {
    await community(WHO.resident, 'giveConsent', { kind: 'health', version: CONSENTS.health.version })
    const round = await ok<RoundView>(WHO.committee, 'openRound', {
      communityId: C1,
      date: '2026-11-24',
      deadline: inAnHour(),
      notice: '提醒测试',
    })
    await pushesSettled(t)
    await t.admin('outbox', { method: 'DELETE' })
    // 1号-201 (赵) accepted the reminder on the page; 1号-101 (张) has a WeChat credit the page never reported.
    await credit(WHO.floorLead, 'TPL_ANTIGEN_REMINDER')
    await credit(WHO.resident, 'TPL_ANTIGEN_REMINDER')
    expect(await record(WHO.floorLead, 'TPL_ANTIGEN_REMINDER')).toEqual({
      ok: true,
      data: { credits: { TPL_ANTIGEN_REMINDER: 1 } },
    })
    const households = await t.data.findAll<HouseholdDoc>('households', { buildingId: B.b1._id })
    const credited = new Set([WHO.floorLead as string])
    const withoutCredit = households
      .filter((h) => h.members.length > 0 && !h.linkedOpenids.some((o) => credited.has(o)))
      .map((h) => h._id)
      .sort()
    const r = await ok<RemindResult>(WHO.buildingLead, 'remind', { roundId: round.id, buildingId: B.b1._id })
    expect(r.pushed).toBe(1)
    expect(r.callList.map((c) => c.householdId).sort()).toEqual(withoutCredit)
    expect(withoutCredit).toContain(H.b1r101._id)
    // Masked numbers, revealed to dial: the visibility policy's decision, unchanged.
    expect(r.callList.find((c) => c.householdId === H.b1r102._id)?.contacts).toEqual([
      { memberId: 'm-wang', name: '王五', phone: '138****3333', revealable: true },
    ])
    // A double tap is the same notice.
    await ok<RemindResult>(WHO.buildingLead, 'remind', { roundId: round.id, buildingId: B.b1._id })
    const outbox = await settledOutbox(t)
    expect(outbox.map((m) => [m.touser, m.templateId, m.status])).toEqual([
      [WHO.floorLead, 'TPL_ANTIGEN_REMINDER', 'sent'],
    ])
    expect(outbox[0]?.page).toBe(`packageAntigen/pages/submit?roundId=${round.id}&householdId=${H.b1r201._id}`)
    // The credit was spent: the next reminder calls 1号-201 too.
    expect((await t.data.get<CreditDoc>('subscriptionCredits', `TPL_ANTIGEN_REMINDER:${WHO.floorLead}`))?.credits).toBe(
      0,
    )
    await t.advanceClock(11 * 60_000)
    const again = await ok<RemindResult>(WHO.buildingLead, 'remind', { roundId: round.id, buildingId: B.b1._id })
    expect(again.pushed).toBe(0)
    expect(again.callList.map((c) => c.householdId)).toContain(H.b1r201._id)
  })

  it('refuses a subscription record for a template the page did not ask for', async () => {
    expect(
      await community(WHO.resident, 'recordSubscription', {
        templateIds: ['TPL_ABNORMAL'],
        accepted: ['TPL_ANTIGEN_REMINDER'],
      }),
    ).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'accepted.0' })
    expect(await t.data.count('subscriptionCredits')).toBe(0)
  })
})

describe('the build a message opens', () => {
  it('is the one the person subscribed from: trial → trial, develop → developer, unknown → formal', async () => {
    const recordFrom = (openid: string, envVersion?: string) =>
      community(openid, 'recordSubscription', {
        templateIds: ['TPL_ROUND_OPENED'],
        accepted: ['TPL_ROUND_OPENED'],
        ...(envVersion ? { envVersion } : {}),
      })
    for (const who of [WHO.buildingLead, WHO.floorLead, WHO.residentB2]) await credit(who, 'TPL_ROUND_OPENED')
    await subscribe([WHO.residentB2], C1)
    expect(await recordFrom(WHO.buildingLead, 'trial')).toMatchObject({ ok: true })
    expect(await recordFrom(WHO.floorLead, 'develop')).toMatchObject({ ok: true })
    expect(await recordFrom(WHO.residentB2)).toMatchObject({ ok: true })
    // Only WeChat's three builds.
    expect(await recordFrom(WHO.resident, 'formal')).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
      field: 'envVersion',
    })
    expect(await t.data.get<CreditDoc>('subscriptionCredits', `TPL_ROUND_OPENED:${WHO.resident}`)).toBeNull()
    await ok<RoundView>(WHO.committee, 'openRound', {
      communityId: C1,
      date: '2026-11-24',
      deadline: inAnHour(),
      notice: '体验版测试',
    })
    const outbox = await settledOutbox(t)
    const stateOf = (who: string) => outbox.find((m) => m.touser === who && m.status === 'sent')?.miniprogramState
    expect(stateOf(WHO.buildingLead)).toBe('trial')
    expect(stateOf(WHO.floorLead)).toBe('developer')
    expect(stateOf(WHO.residentB2)).toBe('formal')
  })

  it('follows the person to the release build when they subscribe from it, even at the cap', async () => {
    const id = `TPL_ABNORMAL:${WHO.buildingLead}`
    const from = (envVersion: string) =>
      community(WHO.buildingLead, 'recordSubscription', {
        templateIds: ['TPL_ABNORMAL'],
        accepted: ['TPL_ABNORMAL'],
        envVersion,
      })
    await from('trial')
    expect(await t.data.get<CreditDoc>('subscriptionCredits', id)).toMatchObject({ credits: 1, envVersion: 'trial' })
    await t.data.update('subscriptionCredits', id, { credits: 50 })
    await from('release')
    expect(await t.data.get<CreditDoc>('subscriptionCredits', id)).toMatchObject({ credits: 50, envVersion: 'release' })
  })
})

describe('configuration errors', () => {
  afterEach(() => t.admin('templates', { method: 'DELETE' }))

  it('a template id WeChat does not know is the deployment’s error, not the person’s refusal', async () => {
    // The mini-program's 我的模板 lack the round-opened template: WeChat answers 40037.
    await t.admin('templates', { body: { templateIds: ['TPL_ANTIGEN_REMINDER', 'TPL_ABNORMAL'] } })
    await credit(WHO.buildingLead, 'TPL_ROUND_OPENED')
    await record(WHO.buildingLead, 'TPL_ROUND_OPENED')
    await ok<RoundView>(WHO.committee, 'openRound', {
      communityId: C1,
      date: '2026-11-24',
      deadline: inAnHour(),
      notice: '模板不对',
    })
    await pushesSettled(t)
    const results = await queue()
    expect(results.length).toBeGreaterThan(0)
    for (const m of results)
      expect(m).toMatchObject({ status: 'misconfigured', config: 'TEMPLATE_INVALID', errcode: 40037 })
    // The ledger keeps the person's credit: they did not refuse.
    expect((await t.data.get<CreditDoc>('subscriptionCredits', `TPL_ROUND_OPENED:${WHO.buildingLead}`))?.credits).toBe(
      1,
    )
    const health = await community<HealthView>(WHO.committee, 'health', { communityId: C1 })
    if (!health.ok) throw new Error(health.message)
    const pushes = health.data.checks.find((c) => c.id === 'pushes')
    expect(pushes?.ok).toBe(false)
    expect(pushes?.message).toContain(`最近 24 小时有 ${results.length} 条订阅消息因配置问题没有发出`)
    expect(pushes?.message).toContain('40037')
    // A day later the check looks at newer sends only.
    await t.advanceClock(25 * 3600_000)
    const later = await community<HealthView>(WHO.committee, 'health', { communityId: C1 })
    expect(later.ok && later.data.checks.find((c) => c.id === 'pushes')?.ok).toBe(true)
  })
})

describe('a round for the demo-size community', () => {
  it('returns at once; the first notices arrive within seconds and all within a minute', async () => {
    const dataset = demoDataset({ now: t.now() })
    await t.admin('reset', { body: {} })
    await loadCollections(t.cloud.url, dataset.collections)
    const communityId = 'c-zhonglou'
    const households = (dataset.collections.households as unknown as HouseholdDoc[]).filter(
      (h) => h.communityId === communityId,
    )
    expect(households).toHaveLength(1506)
    const openids = [...new Set(households.flatMap((h) => h.linkedOpenids))]
    // ~1,200 residents asked for 开轮提醒; 1,000 of them still hold a credit.
    const subscribers = [...openids, ...Array.from({ length: 1200 }, (_, i) => `sub-${i}`)].slice(0, 1200)
    await subscribe(subscribers, communityId)
    const withCredit = subscribers.slice(0, 1000)
    for (let i = 0; i < withCredit.length; i += 50)
      await Promise.all(withCredit.slice(i, i + 50).map((o) => credit(o, 'TPL_ROUND_OPENED')))

    const started = performance.now()
    const opened = await call<RoundView>('demo-committee-1', 'openRound', {
      communityId,
      date: '2026-11-24',
      deadline: inAnHour(),
      notice: '请全体居民今天 12 点前完成抗原自测',
    })
    const returnedMs = performance.now() - started
    expect(opened.ok).toBe(true)
    const atReturn = (await t.admin<OutboxMessage[]>('outbox')).length
    const total = (await queue()).length
    expect(total).toBeGreaterThanOrEqual(1200)
    // The call did not wait for the sends.
    expect(atReturn).toBeLessThan(total / 2)
    let firstMs = -1
    let outbox: OutboxMessage[] = []
    while (performance.now() - started < 60_000) {
      outbox = await t.admin<OutboxMessage[]>('outbox')
      if (firstMs < 0 && outbox.length > 0) firstMs = performance.now() - started
      if (outbox.length >= total) break
      await sleep(100)
    }
    const allMs = performance.now() - started
    console.log(
      `demo round: openRound returned in ${Math.round(returnedMs)} ms; ${total} notices queued; ` +
        `first in the outbox after ${Math.round(firstMs)} ms, all after ${Math.round(allMs)} ms`,
    )
    expect(firstMs).toBeGreaterThanOrEqual(0)
    expect(firstMs).toBeLessThan(5_000)
    expect(outbox).toHaveLength(total)
    expect(allMs).toBeLessThan(60_000)
    const sent = outbox.filter((m) => m.status === 'sent').map((m) => m.touser)
    expect(new Set(sent).size).toBe(sent.length)
    expect(sent.filter((o) => withCredit.includes(o))).toHaveLength(1000)
    await pushesSettled(t)
    const results = await queue({ status: 'refused' })
    expect(results.length).toBe(total - sent.length)
  }, 120_000)
})
