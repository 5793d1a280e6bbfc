// The caller's role grants, read once per invocation (one database round trip).
import type { RoleGrant } from '../../typings/api'
import type { RoleDoc } from '../model'
import type { Caller } from '../kernel'
import { data } from './cloud'

export interface Grant extends RoleGrant {
  id: string
  householdId?: string
  memberId?: string
  healthConsent?: string
}

export async function loadGrants(caller: Caller): Promise<Grant[]> {
  const docs = await data.find<RoleDoc>('roles', { openid: caller.openid }, { limit: 1000 })
  return docs.map(toGrant)
}

export function toGrant(d: RoleDoc): Grant {
  const g: Grant = { id: d._id, role: d.role, scope: d.scope }
  if (d.volunteerType) g.volunteerType = d.volunteerType
  if (d.posts) g.posts = d.posts
  if (d.proxy) g.proxy = true
  if (d.householdId) g.householdId = d.householdId
  if (d.memberId) g.memberId = d.memberId
  if (d.healthConsent) g.healthConsent = d.healthConsent
  return g
}
