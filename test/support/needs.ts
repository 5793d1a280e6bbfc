// The needs' test community: the shared fixture (test/support/community.ts) with 云上 volunteers and a 代管 family
// member added. At TEST_NOW (10:00 Shanghai) 1号's 云上 volunteer is on shift and 2号's is not; 2号 has no 班长, so
// its needs start at its 营长; 3号 has neither, and its 营 no 营长, so its needs start at the 团长.
import type { Envelope, NeedView, RaiseNeedInput } from '../../typings/api'
import type { RoleDoc } from '../../server/community/model'
import { roleId, rolePlace } from '../../server/community/ids'
import { C1, H, loadFixture } from './community'
import type { TestCloud } from './localcloud'

export const NEEDS_PEOPLE = {
  /** 云上, posts 1号, 08:00–20:00 every day. */
  online1: 'o-online1',
  /** 云上, posts 2号, 20:00–23:00 (off shift at 10:00). */
  online2: 'o-online2',
  /** 云上, posts 1号 too, on call at any hour. */
  online1b: 'o-online1b',
  /** A family member managing 1号-102 (代管). */
  proxy: 'o-proxy',
} as const

const at = new Date('2026-11-01T00:00:00Z')

function role(openid: string, r: RoleDoc['role'], scope: RoleDoc['scope'], extra: Partial<RoleDoc> = {}): RoleDoc {
  return {
    _id: roleId(openid, r, rolePlace({ role: r, scope, volunteerType: extra.volunteerType })),
    openid,
    communityId: scope.communityId,
    role: r,
    scope,
    grantedBy: 'fixture',
    grantedAt: at,
    ...extra,
  }
}

export const NEEDS_ROLES: RoleDoc[] = [
  role(
    NEEDS_PEOPLE.online1,
    'volunteer',
    { communityId: C1 },
    {
      volunteerType: 'online',
      posts: ['b1'],
      shifts: [{ from: '08:00', to: '20:00' }],
      holderName: '云上甲',
    },
  ),
  role(
    NEEDS_PEOPLE.online2,
    'volunteer',
    { communityId: C1 },
    {
      volunteerType: 'online',
      posts: ['b2'],
      shifts: [{ from: '20:00', to: '23:00' }],
      holderName: '云上乙',
    },
  ),
  role(
    NEEDS_PEOPLE.online1b,
    'volunteer',
    { communityId: C1 },
    {
      volunteerType: 'online',
      posts: ['b1'],
      holderName: '云上丙',
    },
  ),
  role(
    NEEDS_PEOPLE.proxy,
    'resident',
    { communityId: C1, buildingId: 'b1', householdId: H.b1r102._id },
    { proxy: true, householdId: H.b1r102._id, holderName: '王小五' },
  ),
]

export async function loadNeeds(t: TestCloud, roles: RoleDoc[] = NEEDS_ROLES): Promise<void> {
  await loadFixture(t)
  if (roles.length) await t.data.insertMany('roles', roles)
}

let seq = 0
export const freshId = (prefix = 'req') => `${prefix}-${Date.now().toString(36)}-${(seq++).toString(36)}`

export function needs(t: TestCloud) {
  const call = <T = unknown>(who: string, action: string, payload: object) =>
    t.call<Envelope<T>>('needs', { action, payload }, who)
  const ok = async <T>(who: string, action: string, payload: object): Promise<T> => {
    const r = await call<T>(who, action, payload)
    if (!r.ok) throw new Error(`needs.${action} as ${who}: ${r.code} ${r.message} ${r.field ?? ''}`)
    return r.data
  }
  const raise = (who: string, input: Partial<RaiseNeedInput> = {}) =>
    ok<NeedView>(who, 'raiseNeed', {
      householdId: H.b1r101._id,
      type: 'groceries',
      urgency: 'normal',
      detail: '买两斤青菜',
      requestId: freshId(),
      ...input,
    })
  /** The timer, as the platform fires it. */
  const timer = () =>
    t.admin<{ result: { ok: boolean; data: Record<string, unknown> } }>('functions/needs/trigger', { body: {} })
  return { call, ok, raise, timer }
}
