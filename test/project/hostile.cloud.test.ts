// Hostile calls through the client gateway, as anyone could send them to either function: timer events from a
// client, forged identity fields, other communities' ids, oversize and odd-unicode input. Each is refused with a
// short, stable answer, and the database is exactly as it was.
import type { Envelope } from '../../typings/api'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { B, C1, C2, H, loadFixture, snapshot, WHO } from '../support/community'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())
beforeEach(() => loadFixture(t))

const FUNCTIONS = ['antigen', 'callup', 'care', 'community', 'delivery', 'groupbuy', 'needs', 'registers'] as const

async function refused(fn: string, event: unknown, openid?: string) {
  const before = await snapshot(t)
  const { status, body } = await t.gateway(fn, event, openid ? { 'x-wx-openid': openid } : {})
  expect(status).toBe(200)
  expect(await snapshot(t)).toBe(before)
  expect(JSON.stringify(body).length).toBeLessThan(600)
  return body as Envelope<unknown>
}

describe('timer events from a client', () => {
  it.each(FUNCTIONS.flatMap((fn) => [undefined, WHO.stranger, WHO.committee].map((who) => [fn, who] as const)))(
    '%s housekeeping as %s is answered as an unknown action',
    async (fn, who) => {
      for (const event of [
        { Type: 'Timer', TriggerName: 'housekeeping' },
        { Type: 'Timer', TriggerName: 'housekeeping', Time: new Date(t.now()).toISOString(), Message: '' },
        { Type: 'Timer', TriggerName: 'housekeeping', userInfo: { appId: 'wx0', openId: 'o-x' } },
      ])
        expect(await refused(fn, event, who)).toEqual({
          ok: false,
          code: 'UNKNOWN_ACTION',
          message: '不支持的操作，请更新小程序后再试',
          field: 'action',
        })
    },
  )

  it('still runs when the platform fires the trigger', async () => {
    await expect(t.admin('functions/antigen/trigger', { body: {} })).resolves.toMatchObject({ result: { ok: true } })
    await expect(t.admin('functions/community/trigger', { body: {} })).resolves.toMatchObject({
      result: { ok: true },
    })
    await expect(t.admin('functions/groupbuy/trigger', { body: {} })).resolves.toMatchObject({ result: { ok: true } })
    await expect(t.admin('functions/delivery/trigger', { body: {} })).resolves.toMatchObject({ result: { ok: true } })
    await expect(t.admin('functions/callup/trigger', { body: {} })).resolves.toMatchObject({ result: { ok: true } })
    await expect(t.admin('functions/care/trigger', { body: {} })).resolves.toMatchObject({ result: { ok: true } })
    await expect(t.admin('functions/registers/trigger', { body: {} })).resolves.toMatchObject({
      result: { ok: true },
    })
    await expect(t.admin('functions/needs/trigger', { body: {} })).resolves.toMatchObject({ result: { ok: true } })
  })
})

describe('forged identity in the payload', () => {
  it.each([
    ['openid', { openid: WHO.committee }],
    ['_openid', { _openid: WHO.committee }],
    ['userInfo', { userInfo: { openId: WHO.committee } }],
    ['grants', { grants: [{ role: 'committee', scope: { communityId: C1 } }] }],
  ])('a stray %s field is refused before anything runs', async (_what, extra) => {
    const reply = await refused(
      'community',
      { action: 'listRoles', payload: { communityId: C1, ...extra } },
      WHO.stranger,
    )
    expect(reply).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
  })

  it('an event-level openid or userInfo does not change who is calling', async () => {
    const reply = await refused(
      'community',
      { action: 'listRoles', payload: { communityId: C1 }, openid: WHO.committee, userInfo: { openId: WHO.committee } },
      WHO.stranger,
    )
    expect(reply).toEqual({ ok: false, code: 'FORBIDDEN', message: '您没有权限进行此操作' })
  })
})

describe('other communities’ ids and ids that do not exist', () => {
  it.each([
    ['antigen', 'chain', { roundId: 'r-c2', buildingId: B.x1._id }],
    ['antigen', 'chain', { roundId: 'r-nope', buildingId: B.x1._id }],
    ['antigen', 'table', { roundId: 'r-c2' }],
    ['antigen', 'table', { roundId: 'r-nope' }],
    ['community', 'buildingRoster', { buildingId: B.x1._id }],
    ['community', 'buildingRoster', { buildingId: 'b-nope' }],
    ['callup', 'listSessions', { communityId: C2 }],
    ['callup', 'listSessions', { communityId: 'c-nope' }],
    ['callup', 'queue', { sessionId: 'cu-nope' }],
    ['community', 'myHousehold', { householdId: H.x1r101._id }],
    ['community', 'myHousehold', { householdId: 'h-nope' }],
    ['community', 'listRoles', { communityId: C2 }],
    ['community', 'listRoles', { communityId: 'c-nope' }],
    ['care', 'careList', { communityId: C2, buildingId: B.x1._id }],
    ['care', 'careList', { communityId: C1, buildingId: 'b-nope' }],
    ['care', 'careHistory', { householdId: H.x1r101._id, memberId: 'm-other' }],
    ['care', 'careHistory', { householdId: 'h-nope', memberId: 'm-nope' }],
    ['care', 'careOverview', { communityId: C2 }],
    ['care', 'volunteerHours', { communityId: 'c-nope' }],
    ['registers', 'listRegisters', { communityId: C2 }],
    ['registers', 'registerEntries', { typeId: 'rt_nope' }],
    [
      'registers',
      'addRegisterEntry',
      { typeId: 'rt_nope', householdId: H.x1r101._id, requestId: 'req-hostile', values: {} },
    ],
    ['registers', 'editRegisterEntry', { entryId: 're_nope', values: {} }],
    ['needs', 'householdNeeds', { householdId: H.x1r101._id }],
    ['needs', 'getNeed', { needId: 'nd-nope' }],
    ['needs', 'takeNeed', { needId: 'nd-nope' }],
    ['needs', 'needRollup', { communityId: C2, day: '2026-11-24' }],
  ])('%s.%s %j gets the one answer for unknown and forbidden', async (fn, action, payload) => {
    expect(await refused(fn, { action, payload }, WHO.committee)).toEqual({
      ok: false,
      code: 'FORBIDDEN',
      message: '您没有权限进行此操作',
    })
  })
})

describe('oversize and odd input', () => {
  it.each(FUNCTIONS)('%s answers a 1 MB action name or payload key in a few hundred bytes', async (fn) => {
    const long = 'x'.repeat(1_000_000)
    expect((await refused(fn, { action: long }, WHO.committee)).ok).toBe(false)
    expect((await refused(fn, { action: 'whoami', payload: { [long]: 1 } }, WHO.committee)).ok).toBe(false)
  })

  it.each([
    ['a lone zero-width space', '\u200b'],
    ['NUL', '东\u0000区'],
    ['a lone surrogate', '东\ud800区'],
    ['a right-to-left override', '\u202e区东'],
    ['only spaces and punctuation', ' —— '],
  ])('a zone name of %s is refused', async (_what, name) => {
    const reply = await refused(
      'community',
      { action: 'upsertZone', payload: { communityId: C1, name } },
      WHO.committee,
    )
    expect(reply).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'name' })
  })

  it.each([
    ['a lone zero-width space', '\u200b'],
    ['NUL', '东\u0000门'],
    ['a lone surrogate', '东\ud800门'],
    ['a right-to-left override', '\u202e门东'],
  ])('a call-up session or sampling point named with %s is refused', async (_what, name) => {
    for (const payload of [
      { communityId: C1, requestId: 'hostile-0001', name, points: [{ name: '东门' }] },
      { communityId: C1, requestId: 'hostile-0002', name: '全员核酸', points: [{ name }] },
    ])
      expect(await refused('callup', { action: 'startSession', payload }, WHO.committee)).toMatchObject({
        ok: false,
        code: 'INVALID_INPUT',
      })
  })

  it('a join request with an odd-unicode name is refused', async () => {
    const reply = await refused(
      'community',
      { action: 'requestJoin', payload: { code: 'INVB1AAA', room: '101', name: '李\u200d四', personalConsent: 'x' } },
      WHO.stranger,
    )
    expect(reply).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
  })
})
