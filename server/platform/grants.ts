// The caller's role grants, read once per invocation (one database round trip).
//
// A roles document is stored in one shape (server/community/model.ts RoleDoc): `communityId` at the top level, equal to
// `scope.communityId`. Every query that lists a community's roles (listRoles, the last-committee check, round
// and join pushes) selects on the top-level field, so a grant counts here only in that shape: a document that
// lacks it would otherwise let its holder act while those queries could not see them.
//
// Grants come only from documents the functions wrote. CloudBase stamps `_openid` on every document a client writes
// through its own SDK, and the functions never write `_openid` (nor any other `_`-prefixed field but `_id`): a roles
// document carrying one was written past the functions (a collection whose rules in rules/database.json were
// loosened, a console import) and grants nothing, whoever it names.
import type { RoleGrant } from '../../typings/api'
import type { RoleDoc } from '../community/model'
import type { Caller } from '../kernel'
import { data } from './cloud'

export interface Grant extends RoleGrant {
  id: string
  householdId?: string
  memberId?: string
  holderName?: string
  healthConsent?: string
}

export async function loadGrants(caller: Caller): Promise<Grant[]> {
  const docs = await data.find<RoleDoc>('roles', { openid: caller.openid }, { limit: 1000 })
  return docs
    .filter((d) => {
      const planted = clientFields(d)
      if (planted.length > 0) {
        console.warn(
          `roles ${d._id}: client-written field ${planted.join(', ')}, not written by a function; grant ignored`,
        )
        return false
      }
      if (isStoredShape(d)) return true
      console.warn(`roles ${d._id}: no top-level communityId equal to scope.communityId; grant ignored`)
      return false
    })
    .map(toGrant)
}

/** System fields a client write gets (`_openid`) or that only the platform sets: any `_`-prefixed key but `_id`. */
export function clientFields(d: object): string[] {
  return Object.keys(d).filter((k) => k.startsWith('_') && k !== '_id')
}

/** Top-level `communityId` present and equal to the scope's: what every community-wide roles query reads. */
export function isStoredShape(d: Pick<RoleDoc, 'communityId' | 'scope'>): boolean {
  return typeof d.communityId === 'string' && d.communityId !== '' && d.communityId === d.scope?.communityId
}

/**
 * Roles documents the functions wrote: what any query listing or counting a community's people must keep to, so
 * that a document planted by a client write neither grants (loadGrants) nor appears, counts or receives pushes.
 */
export function trusted<T extends Pick<RoleDoc, 'communityId' | 'scope'>>(docs: T[]): T[] {
  return docs.filter((d) => clientFields(d).length === 0 && isStoredShape(d))
}

export function toGrant(d: RoleDoc): Grant {
  const g: Grant = { id: d._id, role: d.role, scope: d.scope }
  if (d.volunteerType) g.volunteerType = d.volunteerType
  if (d.posts) g.posts = d.posts
  if (d.shifts && d.shifts.length > 0) g.shifts = d.shifts
  if (d.proxy) g.proxy = true
  if (d.householdId) g.householdId = d.householdId
  if (d.memberId) g.memberId = d.memberId
  if (d.holderName) g.holderName = d.holderName
  if (d.healthConsent) g.healthConsent = d.healthConsent
  return g
}
