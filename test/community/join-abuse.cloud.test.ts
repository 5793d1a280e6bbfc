// Guessing and probing the join flow: limits on wrong invite codes and on room and name checks (counted exactly,
// also under concurrent attempts, and reset when their window ends), one answer for every room-or-name failure,
// and the same FORBIDDEN for an id that does not exist and one out of the caller's reach.
import type { Envelope, InviteView, JoinRequestView } from '../../typings/api'
import type { JoinRequestDoc } from '../../server/community/model'
import type { RateLimitDoc } from '../../server/platform/ratelimit'
import { CONSENTS } from '../../server/community/consent'
import { startTestCloud, TEST_NOW, type TestCloud } from '../support/localcloud'
import { B, loadFixture, snapshot, WHO } from '../support/community'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())
beforeEach(async () => {
  await t.setClock(TEST_NOW) // 10:00 in Shanghai: the hour's window ends at 11:00, the day's at midnight
  await loadFixture(t)
})

const call = <T>(openid: string, action: string, payload: object = {}) =>
  t.call<Envelope<T>>('community', { action, payload }, openid)
const ok = async <T>(openid: string, action: string, payload: object = {}): Promise<T> => {
  const r = await call<T>(openid, action, payload)
  if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message}`)
  return r.data
}
const code = (r: Envelope<unknown>) => (r.ok ? 'ok' : r.code)
const consent = { personalConsent: CONSENTS.personal.version }
const HOUR = 3600_000
const MISMATCH = '房号或姓名与登记不一致，请核对后重试，或联系楼组长'
const CODE_LIMITED = {
  ok: false,
  code: 'RATE_LIMITED',
  message: '邀请码输错的次数太多，请在 11月24日 11:00 以后再试，或请楼组长帮您核对邀请码',
  field: 'code',
}
const NAME_LIMITED = {
  ok: false,
  code: 'RATE_LIMITED',
  message: '房号或姓名核对不一致的次数太多，请在 11月25日 00:00 以后再试，或联系楼组长',
  field: 'name',
}

const invite = (payload: object = {}) =>
  ok<InviteView>(WHO.buildingLead, 'createInvite', { buildingId: B.b1._id, ...payload })
const wrongCode = (openid: string, i = 0) =>
  call(openid, 'previewInvite', { code: `ZZZZZZ${String(i).padStart(2, '0')}` })
const counters = () => t.data.find<RateLimitDoc>('rateLimits', {}, { orderBy: [['kind', 'asc']] })
const counts = async (kind: string) => (await counters()).filter((c) => c.kind === kind).map((c) => c.count)

describe('wrong invite codes: 10 per WeChat user and hour', () => {
  it('refuses the 11th wrong code, and then even the right one, until the hour ends', async () => {
    const inv = await invite()
    for (let i = 0; i < 10; i++) expect(code(await wrongCode('o-guess', i))).toBe('INVITE_INVALID')
    expect(await wrongCode('o-guess', 10)).toEqual(CODE_LIMITED)
    expect(await call('o-guess', 'previewInvite', { code: inv.code })).toEqual(CODE_LIMITED)
    expect(await call('o-guess', 'requestJoin', { code: inv.code, room: '101', name: '李四', ...consent })).toEqual(
      CODE_LIMITED,
    )
    expect(await t.data.count('joinRequests', { openid: 'o-guess' })).toBe(0)
    // Someone else is not held up by it.
    expect(code(await call('o-li', 'previewInvite', { code: inv.code }))).toBe('ok')

    await t.setClock('2026-11-24T10:59:59+08:00')
    expect(await wrongCode('o-guess', 11)).toEqual(CODE_LIMITED)
    await t.setClock('2026-11-24T11:00:00+08:00')
    expect(code(await call('o-guess', 'previewInvite', { code: inv.code }))).toBe('ok')
    for (let i = 0; i < 10; i++) expect(code(await wrongCode('o-guess', i))).toBe('INVITE_INVALID')
    expect(code(await wrongCode('o-guess', 10))).toBe('RATE_LIMITED')
  })

  it('counts previewInvite and requestJoin together, and every kind of dead code (revoked, expired, used up)', async () => {
    const revoked = await invite()
    await ok(WHO.buildingLead, 'revokeInvite', { code: revoked.code })
    const expired = await invite()
    await t.data.update('invites', expired.code, { expiresAt: new Date(t.now() - 1000) })
    const usedUp = await invite({ room: '102' })
    await t.data.update('invites', usedUp.code, { uses: 1 })
    const tries = [
      () => wrongCode('o-guess', 1),
      () => call('o-guess', 'requestJoin', { code: 'ZZZZZZ02', room: '101', name: '李四', ...consent }),
      () => call('o-guess', 'previewInvite', { code: revoked.code }),
      () => call('o-guess', 'previewInvite', { code: expired.code }),
      () => call('o-guess', 'requestJoin', { code: expired.code, room: '101', name: '李四', ...consent }),
      () => call('o-guess', 'previewInvite', { code: usedUp.code }),
      () =>
        call('o-guess', 'requestJoin', { code: 'ZZZZZZ03', room: '101', name: '李四', communityId: 'c2', ...consent }),
    ]
    const seen = []
    for (const attempt of tries) seen.push(code(await attempt()))
    expect(seen).toEqual([
      'INVITE_INVALID',
      'INVITE_INVALID',
      'INVITE_INVALID',
      'INVITE_EXPIRED',
      'INVITE_EXPIRED',
      'INVITE_USED_UP',
      'INVITE_INVALID',
    ])
    expect(await counts('joinCode')).toEqual([7])
    for (let i = 0; i < 3; i++) expect(code(await wrongCode('o-guess', 20 + i))).toBe('INVITE_INVALID')
    expect(code(await wrongCode('o-guess', 30))).toBe('RATE_LIMITED')
  })

  it('does not count codes that work, nor input or consent errors before any check', async () => {
    const inv = await invite()
    for (let i = 0; i < 12; i++) expect(code(await call('o-li', 'previewInvite', { code: inv.code }))).toBe('ok')
    expect(code(await call('o-li', 'previewInvite', { code: '!!' }))).toBe('INVALID_INPUT')
    expect(
      code(await call('o-li', 'requestJoin', { code: 'ZZZZZZZZ', room: '101', name: '李四', personalConsent: 'old' })),
    ).toBe('CONSENT_OUTDATED')
    expect(await counts('joinCode')).toEqual([0])
    for (let i = 0; i < 10; i++) expect(code(await wrongCode('o-li', i))).toBe('INVITE_INVALID')
    expect(code(await wrongCode('o-li', 10))).toBe('RATE_LIMITED')
  })

  it.each([7, 10, 15])('counts %i wrong codes sent at once exactly, on one counter', async (n) => {
    const replies = await Promise.all(Array.from({ length: n }, (_, i) => wrongCode('o-burst', i)))
    const allowed = Math.min(n, 10)
    expect(replies.filter((r) => code(r) === 'INVITE_INVALID')).toHaveLength(allowed)
    expect(replies.filter((r) => code(r) === 'RATE_LIMITED')).toHaveLength(n - allowed)
    expect(await counts('joinCode')).toEqual([allowed])
  })

  it('keeps neither the openid nor the code in a counter', async () => {
    await wrongCode('o-secret-openid', 42)
    const stored = JSON.stringify(await counters())
    expect(stored).not.toContain('o-secret-openid')
    expect(stored).not.toContain('ZZZZZZ42')
    expect(await counters()).toEqual([
      {
        _id: expect.stringMatching(/^rl_[0-9a-f]{32}$/),
        kind: 'joinCode',
        count: 1,
        windowStart: new Date('2026-11-24T02:00:00Z'),
        expiresAt: new Date('2026-11-24T03:00:00Z'),
      },
    ])
  })
})

describe('room and name checks: one answer, 5 misses per WeChat user and invite and day', () => {
  const join = (openid: string, inv: string, room: string, name: string, extra: object = {}) =>
    call<JoinRequestView>(openid, 'requestJoin', { code: inv, room, name, ...consent, ...extra })

  it('answers a missing room, a stranger’s name and a linked member exactly alike', async () => {
    const inv = await invite()
    const answers = [
      await join('o-probe', inv.code, '909', '李四'), // no such room
      await join('o-probe', inv.code, '101', '陈二'), // not a member of it
      await join('o-probe', inv.code, '101', '张三'), // a member, linked to another WeChat user
      await join('o-probe', inv.code, '201', '赵六'), // the same, elsewhere
    ]
    for (const a of answers) expect(a).toEqual({ ok: false, code: 'NAME_MISMATCH', message: MISMATCH, field: 'name' })
  })

  it('refuses the 6th miss, and then even the right name, until midnight in Shanghai', async () => {
    const inv = await invite()
    for (const [room, name] of [
      ['909', '李四'],
      ['101', '陈二'],
      ['101', '张三'],
      ['102', '李四'],
      ['201', '王五'],
    ] as const)
      expect(code(await join('o-probe', inv.code, room, name))).toBe('NAME_MISMATCH')
    expect(await join('o-probe', inv.code, '101', '赵一')).toEqual(NAME_LIMITED)
    expect(await join('o-probe', inv.code, '101', '李四')).toEqual(NAME_LIMITED)
    expect(await t.data.count('joinRequests', { openid: 'o-probe' })).toBe(0)
    // The code itself was right every time: no code guess counted.
    expect(await counts('joinCode')).toEqual([0])

    // Another person, or the same person with another invite, has their own five.
    expect(code(await join('o-li', inv.code, '101', '李四'))).toBe('ok')
    const other = await invite()
    expect(code(await join('o-probe', other.code, '909', '李四'))).toBe('NAME_MISMATCH')

    await t.setClock('2026-11-24T23:59:59+08:00')
    expect(code(await join('o-probe', inv.code, '102', '王五'))).toBe('RATE_LIMITED')
    await t.setClock('2026-11-25T00:00:00+08:00')
    expect(code(await join('o-probe', inv.code, '102', '王五'))).toBe('ok')
  })

  it('does not count a request that goes through, its retry, or ALREADY_JOINED', async () => {
    const inv = await invite()
    for (let i = 0; i < 4; i++) expect(code(await join('o-li', inv.code, '909', '李四'))).toBe('NAME_MISMATCH')
    expect(code(await join('o-li', inv.code, '101', '李四'))).toBe('ok')
    expect(code(await join('o-li', inv.code, '101', '李四'))).toBe('ok')
    expect(code(await join(WHO.resident, inv.code, '101', '张三'))).toBe('ALREADY_JOINED')
    expect((await counts('joinName')).sort()).toEqual([0, 4])
    expect(code(await join('o-li', inv.code, '909', '李四'))).toBe('NAME_MISMATCH')
    expect(code(await join('o-li', inv.code, '909', '李四'))).toBe('RATE_LIMITED')
  })

  it.each([5, 8])('counts %i misses sent at once exactly', async (n) => {
    const inv = await invite()
    const replies = await Promise.all(Array.from({ length: n }, (_, i) => join('o-burst', inv.code, `9${i}1`, '李四')))
    expect(replies.filter((r) => code(r) === 'NAME_MISMATCH')).toHaveLength(Math.min(n, 5))
    expect(replies.filter((r) => code(r) === 'RATE_LIMITED')).toHaveLength(Math.max(0, n - 5))
    expect(await counts('joinName')).toEqual([Math.min(n, 5)])
  })
})

describe('ended windows are removed by the housekeeping timer', () => {
  it('removes counters whose window has ended and keeps the current ones', async () => {
    const inv = await invite()
    await wrongCode('o-guess')
    await call('o-probe', 'requestJoin', { code: inv.code, room: '909', name: '李四', ...consent })
    expect((await counters()).map((c) => c.kind)).toEqual(['joinCode', 'joinCode', 'joinName'])

    await t.admin('functions/community/trigger', { body: {} })
    expect(await counters()).toHaveLength(3)
    await t.advanceClock(HOUR)
    await t.admin('functions/community/trigger', { body: {} })
    expect((await counters()).map((c) => c.kind)).toEqual(['joinName'])
    await t.setClock('2026-11-25T00:00:00+08:00')
    await t.admin('functions/community/trigger', { body: {} })
    expect(await counters()).toEqual([])
  })
})

describe('an id that does not exist is answered like one out of reach', () => {
  const FORBIDDEN = { ok: false, code: 'FORBIDDEN', message: '您没有权限进行此操作' }

  it.each([
    ['a stranger', WHO.stranger],
    ['a resident of the building', WHO.resident],
    ['another building’s lead', 'o-lead3'],
    ['another community’s committee', WHO.otherCommittee],
  ])('decideJoin by %s: unknown, pending and decided requests look the same', async (_, who) => {
    await t.data.set('roles', {
      _id: 'role-lead3',
      openid: 'o-lead3',
      communityId: 'c1',
      role: 'buildingLead',
      scope: { communityId: 'c1', buildingId: B.b3._id },
      grantedBy: 'test',
      grantedAt: new Date(t.now()),
    })
    const pending = await t.data.get<JoinRequestDoc>('joinRequests', 'jr-b1')
    await t.data.set('joinRequests', { ...(pending as JoinRequestDoc), _id: 'jr-b1-done', status: 'approved' })
    const before = await snapshot(t)
    for (const requestId of ['jr-unknown', 'jr-b1', 'jr-b1-done'])
      for (const approve of [true, false])
        expect(await call(who, 'decideJoin', { requestId, approve })).toEqual(FORBIDDEN)
    expect(await snapshot(t)).toBe(before)
  })

  it('a lead gets the same FORBIDDEN for an unknown building or invite as for another building’s', async () => {
    const before = await snapshot(t)
    const pairs: [string, object, object][] = [
      ['listJoinRequests', { buildingId: 'b-unknown' }, { buildingId: B.b3._id }],
      ['createInvite', { buildingId: 'b-unknown' }, { buildingId: B.b3._id }],
      ['listInvites', { buildingId: 'b-unknown' }, { buildingId: B.b3._id }],
      ['revokeInvite', { code: 'ZZZZZZZZ' }, { code: 'INVB3AAA' }],
      ['decideJoin', { requestId: 'jr-unknown', approve: false }, { requestId: 'jr-b3', approve: false }],
    ]
    for (const [action, unknown, elsewhere] of pairs) {
      expect(await call(WHO.buildingLead, action, unknown)).toEqual(FORBIDDEN)
      expect(await call(WHO.buildingLead, action, elsewhere)).toEqual(FORBIDDEN)
    }
    expect(await snapshot(t)).toBe(before)
  })

  it('tells the building’s own lead that a request was decided (it is theirs to see)', async () => {
    await ok(WHO.buildingLead, 'decideJoin', { requestId: 'jr-b1', approve: false })
    expect(code(await call(WHO.committee, 'decideJoin', { requestId: 'jr-b1', approve: true }))).toBe('REQUEST_DECIDED')
  })
})
