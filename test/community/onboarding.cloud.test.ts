// Joining a household: invites, name check, the lead's approval, pushes, and every way to abuse an invite.
import type { Envelope, InviteView, JoinRequestView, WhoAmI } from '../../typings/api'
import type { HouseholdDoc, InviteDoc, JoinRequestDoc, RoleDoc } from '../../server/community/model'
import { CONSENTS } from '../../server/community/consent'
import { roleId } from '../../server/community/ids'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { pushesSettled } from '../support/pushes'
import { B, H, loadFixture, WHO } from '../support/community'

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
const MISMATCH = '房号或姓名与登记不一致，请核对后重试，或联系楼组长'

/** The whole database but the attempt counters (join-abuse.cloud.test.ts checks those). */
async function snapshot(): Promise<string> {
  const dump = await t.admin<{ collections: Record<string, unknown[]> }>('export')
  delete dump.collections.rateLimits
  return JSON.stringify(dump.collections)
}

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
    await pushesSettled(t)
    await ok(WHO.buildingLead, 'decideJoin', { requestId: req.id, approve: false, reason: '请本人来办' })
    await pushesSettled(t)
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
    const before = await snapshot()
    const r = await call(openid, 'requestJoin', payload)
    expect(await snapshot()).toBe(before)
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

  const mismatch = { ok: false, code: 'NAME_MISMATCH', message: MISMATCH, field: 'name' }

  it('rejects a room the building does not have, with the one mismatch answer', async () => {
    const inv = await invite()
    expect(await attempt('o-li', { code: inv.code, room: '909', name: '李四', ...consent })).toEqual(mismatch)
  })

  it('rejects a name that is not in the household (the 楼-单元-房 impersonation)', async () => {
    const inv = await invite()
    expect(await attempt('o-li', { code: inv.code, room: '101', name: '1-101业主', ...consent })).toEqual(mismatch)
  })

  it('rejects the name of a member already linked to another WeChat user, with the same answer', async () => {
    const inv = await invite()
    expect(await attempt('o-li', { code: inv.code, room: '101', name: '张三', ...consent })).toEqual(mismatch)
  })

  it('does not match a proxy’s own name against the members (nor tell whether one is linked)', async () => {
    const inv = await invite()
    const req = await ok<JoinRequestView>('o-helper', 'requestJoin', {
      code: inv.code,
      room: '101',
      name: '张三',
      asProxy: true,
      ...consent,
    })
    expect(req).toMatchObject({ status: 'pending', asProxy: true })
    expect((await t.data.get<JoinRequestDoc>('joinRequests', req.id))?.memberId).toBeUndefined()
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

  it('refuses revoking an unknown code exactly as another building’s code (no existence leak)', async () => {
    const before = await snapshot()
    const unknown = await call(WHO.buildingLead, 'revokeInvite', { code: 'ZZZZZZZZ' })
    const other = await call(WHO.buildingLead, 'revokeInvite', { code: 'INVB3AAA' })
    expect(unknown).toEqual({ ok: false, code: 'FORBIDDEN', message: '您没有权限进行此操作' })
    expect(other).toEqual(unknown)
    expect(await snapshot()).toBe(before)
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

describe('approval: the member still unlinked, the request still pending, all at once', () => {
  /** Everyone in `openids` asks to be 1号-101's unlinked 李四 (or another member) with the same invite. */
  async function claims(openids: string[], room = '101', name = '李四'): Promise<JoinRequestView[]> {
    const inv = await invite()
    const out: JoinRequestView[] = []
    for (const o of openids)
      out.push(await ok<JoinRequestView>(o, 'requestJoin', { code: inv.code, room, name, ...consent }))
    return out
  }
  const household = async () => (await t.data.get<HouseholdDoc>('households', H.b1r101._id)) as HouseholdDoc
  const residentsOf101 = async () =>
    (await t.data.find<RoleDoc>('roles', { role: 'resident', householdId: H.b1r101._id })).map((r) => r.openid).sort()
  const requests = async (ids: string[]) =>
    Promise.all(ids.map(async (id) => (await t.data.get<JoinRequestDoc>('joinRequests', id)) as JoinRequestDoc))
  const results = async () =>
    (await pushesSettled(t), await t.admin<{ touser: string; templateId: string; status: string }[]>('outbox')).filter(
      (m) => m.templateId === 'TPL_JOIN_RESULT' && m.status === 'sent',
    )

  it('refuses a second request for a member linked meanwhile, marks it and grants nothing', async () => {
    await t.admin('subscribe', { body: { openid: 'o-impostor', templateId: 'TPL_JOIN_RESULT' } })
    const [li, impostor] = await claims(['o-li', 'o-impostor'])
    await ok(WHO.buildingLead, 'decideJoin', { requestId: li?.id, approve: true })
    expect(await call(WHO.buildingLead, 'decideJoin', { requestId: impostor?.id, approve: true })).toEqual({
      ok: false,
      code: 'MEMBER_LINKED',
      message: '这位住户已经绑定了其他微信，这条申请不能通过，已标为未通过',
    })
    expect(await t.data.get<JoinRequestDoc>('joinRequests', impostor?.id as string)).toMatchObject({
      status: 'rejected',
      reason: '核对未通过，请联系楼组长',
      decidedBy: WHO.buildingLead,
    })
    const h = await household()
    expect(h.members.find((m) => m.id === 'm-li')?.openid).toBe('o-li')
    expect(h.linkedOpenids).toEqual(['o-zhang', 'o-li'])
    expect(await residentsOf101()).toEqual(['o-li', 'o-zhang'])
    // The applicant hears 未通过, with nothing about who holds the member.
    expect(await results()).toEqual([expect.objectContaining({ touser: 'o-impostor' })])
    // Once refused, it stays so: approving again is REQUEST_DECIDED.
    expect(await call(WHO.buildingLead, 'decideJoin', { requestId: impostor?.id, approve: true })).toMatchObject({
      code: 'REQUEST_DECIDED',
    })
  })

  it.each([2, 6, 10])('links the member once when %i requests for it are approved at the same time', async (n) => {
    const applicants = Array.from({ length: n }, (_, i) => `o-claim${i}`)
    const reqs = await claims(applicants)
    const replies = await Promise.all(
      reqs.map((r, i) =>
        call<JoinRequestView>(i % 2 ? WHO.committee : WHO.buildingLead, 'decideJoin', {
          requestId: r.id,
          approve: true,
        }),
      ),
    )
    const won = replies.flatMap((r, i) => (r.ok ? [applicants[i] as string] : []))
    expect(won).toHaveLength(1)
    expect(replies.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.code))).toEqual(Array(n - 1).fill('MEMBER_LINKED'))
    const winner = won[0] as string
    const h = await household()
    expect(h.members.find((m) => m.id === 'm-li')?.openid).toBe(winner)
    expect(h.linkedOpenids).toEqual(['o-zhang', winner])
    expect(await residentsOf101()).toEqual(['o-zhang', winner].sort())
    const statuses = (await requests(reqs.map((r) => r.id))).map((r) => `${r.openid} ${r.status}`)
    expect(statuses).toEqual(applicants.map((a) => `${a} ${a === winner ? 'approved' : 'rejected'}`))
  })

  it.each([2, 5, 10])(
    'lets one of %i leads approving the same request at once win; the others get REQUEST_DECIDED',
    async (n) => {
      const leads = [WHO.buildingLead, WHO.committee, ...Array.from({ length: n - 2 }, (_, i) => `o-lead-extra${i}`)]
      for (const lead of leads.slice(2)) {
        const scope = { communityId: 'c1', buildingId: B.b1._id }
        await t.data.set<RoleDoc>('roles', {
          _id: roleId(lead, 'buildingLead', B.b1._id),
          openid: lead,
          communityId: 'c1',
          role: 'buildingLead',
          scope,
          grantedBy: 'test',
          grantedAt: new Date(t.now()),
        })
      }
      await t.admin('subscribe', { body: { openid: 'o-li', templateId: 'TPL_JOIN_RESULT', count: 10 } })
      const [req] = await claims(['o-li'])
      const replies = await Promise.all(
        leads.map((lead) => call<JoinRequestView>(lead, 'decideJoin', { requestId: req?.id, approve: true })),
      )
      expect(replies.filter((r) => r.ok)).toHaveLength(1)
      expect(replies.filter((r) => !r.ok)).toEqual(
        Array(n - 1).fill({ ok: false, code: 'REQUEST_DECIDED', message: '这条申请已经处理过了' }),
      )
      const winner = leads[replies.findIndex((r) => r.ok)]
      expect(await t.data.get<JoinRequestDoc>('joinRequests', req?.id as string)).toMatchObject({
        status: 'approved',
        decidedBy: winner,
      })
      expect(await residentsOf101()).toEqual(['o-li', 'o-zhang'])
      expect((await household()).linkedOpenids).toEqual(['o-zhang', 'o-li'])
      expect(await results()).toHaveLength(1)
    },
  )

  it('treats the same lead’s approval again, in a row or at once, as one: one grant, one message', async () => {
    await t.admin('subscribe', { body: { openid: 'o-li', templateId: 'TPL_JOIN_RESULT', count: 10 } })
    const [req] = await claims(['o-li'])
    const first = await ok<JoinRequestView>(WHO.buildingLead, 'decideJoin', { requestId: req?.id, approve: true })
    const grant = await t.data.get<RoleDoc>('roles', roleId('o-li', 'resident', H.b1r101._id))
    const again = await Promise.all(
      Array.from({ length: 5 }, () =>
        call<JoinRequestView>(WHO.buildingLead, 'decideJoin', { requestId: req?.id, approve: true }),
      ),
    )
    expect(again).toEqual(Array(5).fill({ ok: true, data: first }))
    expect(await t.data.get<RoleDoc>('roles', roleId('o-li', 'resident', H.b1r101._id))).toEqual(grant)
    expect(await residentsOf101()).toEqual(['o-li', 'o-zhang'])
    expect((await household()).linkedOpenids).toEqual(['o-zhang', 'o-li'])
    expect(await results()).toHaveLength(1)
    // Approving at once from the start: the same, whichever call wins.
    const [req2] = await claims(['o-wang'], '102', '王五')
    const burst = await Promise.all(
      Array.from({ length: 5 }, () =>
        call<JoinRequestView>(WHO.committee, 'decideJoin', { requestId: req2?.id, approve: true }),
      ),
    )
    expect(burst.every((r) => r.ok)).toBe(true)
    expect(await t.data.count('roles', { openid: 'o-wang' })).toBe(1)
    expect((await t.data.get<HouseholdDoc>('households', H.b1r102._id))?.linkedOpenids).toEqual(['o-wang'])
  })

  it('settles an approval and a rejection at the same time one way, consistently', async () => {
    const [req] = await claims(['o-li'])
    const [approve, reject] = await Promise.all([
      call<JoinRequestView>(WHO.buildingLead, 'decideJoin', { requestId: req?.id, approve: true }),
      call<JoinRequestView>(WHO.committee, 'decideJoin', { requestId: req?.id, approve: false }),
    ])
    expect([approve, reject].filter((r) => r.ok)).toHaveLength(1)
    expect([approve, reject].find((r) => !r.ok)).toMatchObject({ code: 'REQUEST_DECIDED' })
    const stored = (await t.data.get<JoinRequestDoc>('joinRequests', req?.id as string)) as JoinRequestDoc
    const linked = (await household()).members.find((m) => m.id === 'm-li')?.openid
    if (approve.ok) {
      expect(stored.status).toBe('approved')
      expect(linked).toBe('o-li')
      expect(await residentsOf101()).toEqual(['o-li', 'o-zhang'])
    } else {
      expect(stored.status).toBe('rejected')
      expect(linked).toBeUndefined()
      expect(await residentsOf101()).toEqual(['o-zhang'])
    }
  })
})
