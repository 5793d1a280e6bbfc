// Grants come only from roles documents the functions wrote: one carrying `_openid` (what CloudBase stamps on a
// client's write, should a collection's rules ever let one through) or any other `_`-prefixed system field grants
// nothing, whoever it names, and leaves a line in the function's log.
import type { Envelope, RoleView, WhoAmI } from '../../typings/api'
import type { RoleDoc } from '../../server/community/model'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { pushesSettled } from '../support/pushes'
import { C1, loadFixture, ROLES, snapshot, WHO } from '../support/community'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())
beforeEach(() => loadFixture(t))

const community = <T>(openid: string, action: string, payload: object = {}) =>
  t.call<Envelope<T>>('community', { action, payload }, openid)

const PLANTER = 'o-planter'
const planted = (extra: Record<string, unknown>): RoleDoc & Record<string, unknown> => ({
  _id: 'role-planted',
  openid: PLANTER,
  communityId: C1,
  role: 'committee',
  scope: { communityId: C1 },
  grantedBy: 'o-committee',
  grantedAt: new Date(t.now()),
  ...extra,
})

describe('a roles document written past the functions', () => {
  it.each([
    ['_openid, as a client write carries', { _openid: PLANTER }],
    ['another platform field', { _unionid: 'u-planter' }],
  ])('with %s grants nothing, and the refusal writes nothing', async (_what, extra) => {
    await t.data.set('roles', planted(extra))
    const before = await snapshot(t)
    expect(await community(PLANTER, 'listRoles', { communityId: C1 })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    const me = await community<WhoAmI>(PLANTER, 'whoami')
    expect(me.ok && me.data.roles).toEqual([])
    expect(await snapshot(t)).toBe(before)
    const { calls } = await t.admin<{ calls: { openid: string | null; logs: string[] }[] }>('calls?function=community')
    expect(
      calls
        .filter((c) => c.openid === PLANTER)
        .flatMap((c) => c.logs)
        .join('\n'),
    ).toContain('role-planted: client-written field')
  })

  it('is the only difference: the same document as a function writes it grants committee', async () => {
    await t.data.set('roles', planted({}))
    expect(await community<RoleView[]>(PLANTER, 'listRoles', { communityId: C1 })).toMatchObject({ ok: true })
  })

  it('takes a grant away once a client has written to it', async () => {
    const mine = ROLES.find((r) => r.openid === WHO.committee && r.role === 'committee') as RoleDoc
    expect(await community(WHO.committee, 'listRoles', { communityId: C1 })).toMatchObject({ ok: true })
    await t.data.set('roles', { ...mine, _openid: WHO.committee })
    expect(await community(WHO.committee, 'listRoles', { communityId: C1 })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
  })
})

describe('a planted roles document is seen by no query of the community’s people', () => {
  it('is not listed, does not count as a committee member, and gets no pushes', async () => {
    await t.data.set('roles', planted({ _openid: PLANTER }))
    const listed = await community<RoleView[]>(WHO.committee, 'listRoles', { communityId: C1 })
    expect(listed.ok && listed.data.some((r) => r.id === 'role-planted')).toBe(false)

    // The fixture's one committee member of c1 stays the last one: the planted one does not count.
    const mine = ROLES.find((r) => r.openid === WHO.committee && r.role === 'committee') as RoleDoc
    const before = await snapshot(t)
    expect(await community(WHO.committee, 'revokeRole', { roleId: mine._id })).toMatchObject({
      ok: false,
      code: 'CONFLICT',
    })
    expect(await snapshot(t)).toBe(before)

    // A round opened now lists its committee for abnormal-result pushes: the planted openid is not among them.
    await t.admin('subscribe', { body: { openid: PLANTER, templateId: 'TPL_ROUND_OPENED' } })
    const opened = await t.call<Envelope<{ id: string }>>(
      'antigen',
      {
        action: 'openRound',
        payload: {
          communityId: C1,
          date: '2026-11-24',
          deadline: new Date(t.now() + 3600_000).toISOString(),
          notice: '请完成抗原自测',
        },
      },
      WHO.committee,
    )
    expect(opened.ok).toBe(true)
    const chains = await t.data.find<{ notify?: { committee: string[]; leads: string[] } }>('chains', {
      roundId: opened.ok ? opened.data.id : '',
    })
    expect(chains.length).toBeGreaterThan(0)
    expect(chains.flatMap((c) => [...(c.notify?.committee ?? []), ...(c.notify?.leads ?? [])])).not.toContain(PLANTER)
    await pushesSettled(t)
    const outbox = await t.admin<{ touser: string }[]>('outbox')
    expect(outbox.map((m) => m.touser)).not.toContain(PLANTER)
  })
})
