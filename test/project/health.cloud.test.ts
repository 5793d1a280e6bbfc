// A deployment that still has the placeholder template ids: the functions run on a localcloud that leaves out its
// LOCALCLOUD marker, as a CloudBase environment would. The committee's health check says what to set where, the
// messages are recorded as not configured and never sent, a reminder calls everyone and says why, and every new
// instance logs the problem. On an ordinary localcloud the same placeholders are fine.
import type { Envelope, HealthView, RemindResult, RoundView } from '../../typings/api'
import type { PushDoc } from '../../server/platform/pushqueue'
import type { HouseholdDoc } from '../../server/community/model'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { B, C1, C2, loadFixture, WHO } from '../support/community'

const inAnHour = (t: TestCloud) => new Date(t.now() + 3600_000).toISOString()
const call = <T>(t: TestCloud, fn: string, openid: string, action: string, payload: object = {}) =>
  t.call<Envelope<T>>(fn, { action, payload }, openid)
const ok = async <T>(t: TestCloud, fn: string, openid: string, action: string, payload: object = {}) => {
  const r = await call<T>(t, fn, openid, action, payload)
  if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message}`)
  return r.data
}

describe('deployed with the placeholder template ids', () => {
  let t: TestCloud
  beforeAll(async () => {
    t = await startTestCloud({ deployed: true })
  })
  afterAll(() => t.stop())
  beforeEach(async () => {
    await loadFixture(t)
    await t.admin('outbox', { method: 'DELETE' })
  })

  it('every new instance logs the problem once, at its cold start', async () => {
    // The first test of the file: no community instance has started yet.
    await ok(t, 'community', WHO.committee, 'whoami')
    await ok(t, 'community', WHO.committee, 'whoami')
    const { calls } = await t.admin<{ calls: { function: string; coldStart: boolean; logs: string[] }[] }>(
      'calls?function=community',
    )
    const logged = (c: { logs: string[] }) =>
      c.logs.some((l) => l.includes('配置问题（订阅消息模板）：订阅消息模板 ID 未配置'))
    expect(calls.filter((c) => c.coldStart).length).toBeGreaterThan(0)
    for (const c of calls.filter((c) => !c.coldStart)) expect(logged(c)).toBe(false)
    for (const c of calls.filter((c) => c.coldStart)) expect(logged(c)).toBe(true)
  })
  it('the committee’s health check reports the templates, in Chinese, with what to set where', async () => {
    const health = await ok<HealthView>(t, 'community', WHO.committee, 'health', { communityId: C1 })
    expect(health.ok).toBe(false)
    expect(health.local).toBe(false)
    const templates = health.checks.find((c) => c.id === 'templates')
    expect(templates?.ok).toBe(false)
    expect(templates?.message).toMatch(/^订阅消息模板 ID 未配置：.*提醒和通知发不出去。请在小程序后台/)
    expect(templates?.message).toContain('miniprogram/shared/constants.ts 的 TEMPLATE_IDS')
    expect(health.checks.find((c) => c.id === 'env')).toMatchObject({ ok: true, message: '云函数运行在环境 local。' })
    expect(health.checks.find((c) => c.id === 'pushes')?.ok).toBe(true)
  })

  it('is the committee’s only: a lead, a resident and another community’s committee are refused', async () => {
    for (const who of [WHO.buildingLead, WHO.resident, WHO.communityLead, WHO.otherCommittee])
      expect(await call(t, 'community', who, 'health', { communityId: C1 })).toMatchObject({
        ok: false,
        code: 'FORBIDDEN',
      })
    expect((await ok<HealthView>(t, 'community', WHO.otherCommittee, 'health', { communityId: C2 })).ok).toBe(false)
  })

  it('records the messages as not configured and sends none of them', async () => {
    await t.admin('subscribe', { body: { openid: WHO.buildingLead, templateId: 'TPL_ROUND_OPENED' } })
    await ok<RoundView>(t, 'antigen', WHO.committee, 'openRound', {
      communityId: C1,
      date: '2026-11-24',
      deadline: inAnHour(t),
      notice: '部署后的第一轮',
    })
    const queued = await t.data.findAll<PushDoc>('pushQueue')
    expect(queued.length).toBeGreaterThan(0)
    for (const m of queued)
      expect(m).toMatchObject({ status: 'misconfigured', config: 'TEMPLATE_NOT_CONFIGURED', error: '模板 ID 未配置' })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await t.admin('outbox')).toEqual([])
    // Not the person's refusal: the credit WeChat holds is still theirs.
    expect(await t.admin('subscriptions')).toEqual([
      { openid: WHO.buildingLead, templateId: 'TPL_ROUND_OPENED', count: 1 },
    ])
  })

  it('a reminder pushes nobody, lists every household to call and tells the lead why', async () => {
    const round = await ok<RoundView>(t, 'antigen', WHO.committee, 'openRound', {
      communityId: C1,
      date: '2026-11-24',
      deadline: inAnHour(t),
      notice: '提醒测试',
    })
    // The ledger believes 张三 can be pushed; it does not matter when the template is not configured.
    await ok(t, 'community', WHO.resident, 'recordSubscription', {
      templateIds: ['TPL_ANTIGEN_REMINDER'],
      accepted: ['TPL_ANTIGEN_REMINDER'],
      envVersion: 'release',
    })
    const before = await t.data.count('pushQueue')
    const r = await ok<RemindResult>(t, 'antigen', WHO.buildingLead, 'remind', {
      roundId: round.id,
      buildingId: B.b1._id,
    })
    expect(r.pushed).toBe(0)
    expect(r.notConfigured).toMatch(/^微信提醒还没有开通（订阅消息模板没有配置）/)
    const households = await t.data.findAll<HouseholdDoc>('households', { buildingId: B.b1._id })
    const chain = await t.data.findAll<{ entries: Record<string, unknown> }>('chains', { roundId: round.id })
    const submitted = new Set(chain.flatMap((c) => Object.keys(c.entries)))
    expect(r.callList.map((c) => c.householdId).sort()).toEqual(
      households
        .filter((h) => h.members.length > 0 && !submitted.has(h._id))
        .map((h) => h._id)
        .sort(),
    )
    expect(await t.data.count('pushQueue')).toBe(before)
  })
})

describe('on localcloud', () => {
  let t: TestCloud
  beforeAll(async () => {
    t = await startTestCloud()
  })
  afterAll(() => t.stop())

  it('the placeholders are 本地开发用的占位模板: fine there', async () => {
    await loadFixture(t)
    const health = await ok<HealthView>(t, 'community', WHO.committee, 'health', { communityId: C1 })
    expect(health).toMatchObject({ ok: true, local: true })
    expect(health.checks.find((c) => c.id === 'templates')?.message).toContain('本地开发用的占位模板')
  })
})
