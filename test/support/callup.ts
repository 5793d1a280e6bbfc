// The call-up over the hand-made community (./community.ts: 1号 and 2号 in 第1营, 3号 in 第2营) and its 核酸
// volunteers: o-test1 (no posts, no shifts: every building, any hour), o-test3 (posts 3号), o-testoff (a shift in
// the evening: off at the tests' 10:00) and the fixture's 运输 volunteer o-sun.
import type { Envelope } from '../../typings/api'
import type { RoleDoc } from '../../server/community/model'
import type { TestCloud } from './localcloud'
import { loadFixture } from './community'
import { volunteer } from './relay'

export const TESTERS = { all: 'o-test1', b3: 'o-test3', off: 'o-testoff' } as const

export const CALLUP_ROLES: RoleDoc[] = [
  volunteer(TESTERS.all, 'testing', []),
  volunteer(TESTERS.b3, 'testing', ['b3']),
  volunteer(TESTERS.off, 'testing', [], { shifts: [{ from: '20:00', to: '22:00' }] }),
]

export async function loadCallup(t: TestCloud): Promise<void> {
  await loadFixture(t)
  await t.data.insertMany('roles', CALLUP_ROLES)
}

/** Calls of the callup function as one caller. */
export function callup(t: TestCloud) {
  const call = <T>(openid: string, action: string, payload: object = {}) =>
    t.call<Envelope<T>>('callup', { action, payload }, openid)
  const ok = async <T>(openid: string, action: string, payload: object = {}): Promise<T> => {
    const r = await call<T>(openid, action, payload)
    if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message} ${r.field ?? ''}`)
    return r.data
  }
  const timer = () => t.admin<unknown>('functions/callup/trigger', { body: { trigger: 'housekeeping' } })
  return { call, ok, timer }
}

let counter = 0
/** A fresh request id, as a page makes one per attempt. */
export const reqId = (prefix = 'req') => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}0000`
