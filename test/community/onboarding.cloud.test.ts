// Joining a household: invites, name check, the lead's approval, pushes, and every way to abuse an invite.
import type { Envelope, InviteView, JoinRequestView, WhoAmI } from '../../typings/api'
import type { HouseholdDoc, InviteDoc, JoinRequestDoc } from '../../server/community/model'
import { CONSENTS } from '../../server/community/consent'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { B, H, loadFixture, snapshot, WHO } from '../support/community'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())
beforeEach(() => loadFixture(t))

const call = <T>(openid: string, action: string, payload: object = {}) =>
  t.call<Envelope<T>>('community', { action, payload }, openid)
const ok = async <T>(openid: string, action: string, payload: object = {}): Promise<T> => {
  const r = await call<T>(openid, action, payload)
  if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message}`)
  return r.data
}
const consent = { personalConsent: CONSENTS.personal.version }

async function invite(payload: object = {}): Promise<InviteView> {
  return ok<InviteView>(WHO.buildingLead, 'createInvite', { buildingId: B.b1._id, ...payload })
}

describe('joining with an invite', () => {
  it('lets a resident join after the lead approves, linking the ledger member', async () => {
    const inv = await invite()
    expect(inv).toMatchObject({ buildingName: '1号', maxUses: 200, uses: 0, path: `pages/join/index?code=${inv.code}` })
    expect(await ok(WHO.stranger, 'previewInvite', { code: inv.code.toLowerCase() })).toMatchObject({
      communityName: '测试小区',
      buildingName: '1号',
    })

    const req = await ok<JoinRequestView>('o-li', 'requestJoin', {
      code: inv.code,
      room: '１０１室',
      name: '李 四',
      ...consent,
    })
    expect(req).toMatchObject({ label: '1-101', name: '李四', status: 'pending', asProxy: false })
    const pending = await ok<JoinRequestView[]>(WHO.buildingLead, 'listJoinRequests', { buildingId: B.b1._id })
    expect(pending.map((p) => p.id)).toEqual(['jr-b1', req.id])

    const decided = await ok<JoinRequestView>(WHO.buildingLead, 'decideJoin', { requestId: req.id, approve: true })
    expect(decided.status).toBe('approved')
    const me = await ok<WhoAmI>('o-li', 'whoami')
    expect(me.households).toEqual([
      expect.objectContaining({ id: H.b1r101._id, label: '1-101', communityName: '测试小区', proxy: false }),
    ])
    expect(me.roles[0]).toMatchObject({ role: 'resident', place: '测试小区 1-101 居民' })
    const data = (await t.data.get<HouseholdDoc>('households', H.b1r101._id)) as HouseholdDoc
    expect(data.members.find((m) => m.id === 'm-li')?.openid).toBe('o-li')
    expect(data.linkedOpenids).toEqual(['o-zhang', 'o-li'])
    expect(await t.data.get<InviteDoc>('invites', inv.code)).toMatchObject({ uses: 1 })
  })

  it('records the consents given on joining, with the text hash', async () => {
    const inv = await invite()
    await ok('o-li', 'requestJoin', {
      code: inv.code,
      room: '101',
      name: '李四',
      ...consent,
      healthConsent: CONSENTS.health.version,
    })
    const me = await ok<WhoAmI>('o-li', 'whoami')
    expect(me.consents.map((c) => c.kind).sort()).toEqual(['health', 'personal'])
    expect(me.pendingRequests).toHaveLength(1)
  })

  it('pushes the new request to the lead and the decision to the applicant when they subscribed', async () => {
    await t.admin('subscribe', { body: { openid: WHO.buildingLead, templateId: 'TPL_JOIN_REQUEST' } })
    await t.admin('subscribe', { body: { openid: 'o-li', templateId: 'TPL_JOIN_RESULT' } })
    const inv = await invite()
    const req = await ok<JoinRequestView>('o-li', 'requestJoin', {
      code: inv.code,
      room: '101',
      name: '李四',
      ...consent,
    })
    await ok(WHO.buildingLead, 'decideJoin', { requestId: req.id, approve: false, reason: '请本人来办' })
    const outbox = (
      await t.admin<
        { touser: string; templateId: string; status: string; data: Record<string, { value: string }>; page: string }[]
      >('outbox')
    ).filter((m) => m.status === 'sent')
    expect(outbox).toEqual([
      expect.objectContaining({
        touser: WHO.buildingLead,
        templateId: 'TPL_JOIN_REQUEST',
        page: `packageLead/pages/roster?buildingId=${B.b1._id}&tab=pending`,
      }),
      expect.objectContaining({ touser: 'o-li', templateId: 'TPL_JOIN_RESULT' }),
    ])
    expect(outbox[0]?.data.thing1?.value).toBe('1-101 李*')
    expect(outbox[1]?.data.phrase1?.value).toBe('未通过')
  })

  it('lets a family member apply as a proxy for a household without a smartphone', async () => {
    const inv = await invite()
    const req = await ok<JoinRequestView>('o-daughter', 'requestJoin', {
      code: inv.code,
      room: '102',
      name: '王小妹',
      asProxy: true,
      ...consent,
    })
    await ok(WHO.buildingLead, 'decideJoin', { requestId: req.id, approve: true })
    const me = await ok<WhoAmI>('o-daughter', 'whoami')
    expect(me.households[0]).toMatchObject({ label: '1-102', proxy: true })
    expect(me.roles[0]?.place).toBe('测试小区 1-102（代管） 居民')
  })

  it('is idempotent: a retried request returns the same request and spends one use', async () => {
    const inv = await invite({ room: '101' })
    const payload = { code: inv.code, room: '101', name: '李四', ...consent }
    const first = await ok<JoinRequestView>('o-li', 'requestJoin', payload)
    const retry = await ok<JoinRequestView>('o-li', 'requestJoin', payload)
    expect(retry.id).toBe(first.id)
    expect(await t.data.get<InviteDoc>('invites', inv.code)).toMatchObject({ uses: 1 })
    expect(await t.data.count('joinRequests', { openid: 'o-li' })).toBe(1)
  })

  it('refuses a second decision, also from another lead at the same time', async () => {
    const inv = await invite()
    const req = await ok<JoinRequestView>('o-li', 'requestJoin', {
      code: inv.code,
      room: '101',
      name: '李四',
      ...consent,
    })
    const results = await Promise.all([
      call(WHO.buildingLead, 'decideJoin', { requestId: req.id, approve: false }),
      call(WHO.committee, 'decideJoin', { requestId: req.id, approve: false }),
    ])
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    expect(results.find((r) => !r.ok)).toMatchObject({ code: 'REQUEST_DECIDED' })
  })
})

describe('invite abuse: clear code, nothing written', () => {
  const attempt = async (openid: string, payload: object) => {
    const before = await snapshot(t)
    const r = await call(openid, 'requestJoin', payload)
    expect(await snapshot(t)).toBe(before)
    return r
  }

  it('rejects an unknown code', async () => {
    expect(await attempt('o-li', { code: 'ZZZZZZZZ', room: '101', name: '李四', ...consent })).toMatchObject({
      ok: false,
      code: 'INVITE_INVALID',
    })
  })

  it('rejects an expired code', async () => {
    const inv = await invite()
    await t.data.update('invites', inv.code, { expiresAt: new Date(t.now() - 1000) })
    expect(await attempt('o-li', { code: inv.code, room: '101', name: '李四', ...consent })).toMatchObject({
      code: 'INVITE_EXPIRED',
      message: '邀请码已过期，请向楼组长索取新的邀请码',
    })
  })

  it('rejects a revoked code', async () => {
    const inv = await invite()
    await ok(WHO.buildingLead, 'revokeInvite', { code: inv.code })
    expect(await attempt('o-li', { code: inv.code, room: '101', name: '李四', ...consent })).toMatchObject({
      code: 'INVITE_INVALID',
    })
  })

  it('rejects a single-room code reused by someone else', async () => {
    const inv = await invite({ room: '101' })
    expect(inv.maxUses).toBe(1)
    await ok('o-li', 'requestJoin', { code: inv.code, room: '101', name: '李四', ...consent })
    expect(await attempt('o-impostor', { code: inv.code, room: '101', name: '李四', ...consent })).toMatchObject({
      code: 'INVITE_USED_UP',
    })
  })

  it('rejects a single-room code used for another room', async () => {
    const inv = await invite({ room: '101' })
    expect(await attempt('o-wang', { code: inv.code, room: '102', name: '王五', ...consent })).toMatchObject({
      code: 'ROOM_NOT_FOUND',
      message: '这个邀请码只能用于 101 室',
    })
  })

  it('rejects a room the building does not have', async () => {
    const inv = await invite()
    expect(await attempt('o-li', { code: inv.code, room: '909', name: '李四', ...consent })).toMatchObject({
      code: 'ROOM_NOT_FOUND',
    })
  })

  it('rejects a name that is not in the household (the 楼-单元-房 impersonation)', async () => {
    const inv = await invite()
    expect(await attempt('o-li', { code: inv.code, room: '101', name: '1-101业主', ...consent })).toMatchObject({
      code: 'NAME_MISMATCH',
    })
  })

  it('rejects the name of a member already linked to another WeChat user', async () => {
    const inv = await invite()
    expect(await attempt('o-li', { code: inv.code, room: '101', name: '张三', ...consent })).toMatchObject({
      code: 'NAME_MISMATCH',
    })
  })

  it('rejects another community’s code when the page belongs to this community', async () => {
    const inv = await ok<InviteView>(WHO.otherCommittee, 'createInvite', { buildingId: B.x1._id })
    expect(
      await attempt('o-li', { code: inv.code, room: '101', name: '周九', communityId: 'c1', ...consent }),
    ).toMatchObject({ code: 'INVITE_INVALID', message: '这个邀请码不属于本小区' })
  })

  it('rejects a join without the personal-information consent, or with an outdated one', async () => {
    const inv = await invite()
    expect(await attempt('o-li', { code: inv.code, room: '101', name: '李四', personalConsent: '' })).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'personalConsent',
    })
    expect(
      await attempt('o-li', { code: inv.code, room: '101', name: '李四', personalConsent: '2020-v0' }),
    ).toMatchObject({ code: 'CONSENT_OUTDATED' })
  })

  it('rejects someone who already belongs to the household', async () => {
    const inv = await invite()
    expect(await attempt(WHO.resident, { code: inv.code, room: '101', name: '张三', ...consent })).toMatchObject({
      code: 'ALREADY_JOINED',
    })
  })

  it('rejects a malformed room with the field named', async () => {
    const inv = await invite()
    expect(await attempt('o-li', { code: inv.code, room: '一零一', name: '李四', ...consent })).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'room',
    })
  })

  it('does not let a lead invite into another building, nor another community’s committee', async () => {
    expect(await call(WHO.buildingLead, 'createInvite', { buildingId: B.b2._id })).toMatchObject({ code: 'FORBIDDEN' })
    expect(await call(WHO.otherCommittee, 'createInvite', { buildingId: B.b1._id })).toMatchObject({
      code: 'FORBIDDEN',
    })
    expect(await t.data.count('invites', { createdBy: t.data._.neq('fixture') })).toBe(0)
  })

  it('keeps join requests of a decided request unchanged', async () => {
    const inv = await invite()
    const req = await ok<JoinRequestView>('o-li', 'requestJoin', {
      code: inv.code,
      room: '101',
      name: '李四',
      ...consent,
    })
    await ok(WHO.buildingLead, 'decideJoin', { requestId: req.id, approve: true })
    expect(await call(WHO.buildingLead, 'decideJoin', { requestId: req.id, approve: false })).toMatchObject({
      code: 'REQUEST_DECIDED',
    })
    expect(await t.data.get<JoinRequestDoc>('joinRequests', req.id)).toMatchObject({ status: 'approved' })
  })
})
