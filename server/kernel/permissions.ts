import type { Role, RoleGrant, Scope } from '../../typings/api'

const LEVELS = ['groupId', 'buildingId', 'floor', 'householdId'] as const

/**
 * A grant covers a target when they are in the same community and every level the grant names matches the
 * target. Targets must be fully qualified (an action resolves a building to its group, a household to its floor,
 * before checking): a grant naming a floor covers only targets on that floor, so a target without one (a whole
 * building) is not covered by it.
 */
export function scopeCovers(grant: Scope, target: Scope): boolean {
  if (grant.communityId !== target.communityId) return false
  return LEVELS.every((level) => grant[level] === undefined || grant[level] === target[level])
}

/** True when one of the caller's grants has one of the roles and covers the target scope. */
export function hasRole(grants: readonly RoleGrant[], roles: readonly Role[], target?: Scope): boolean {
  return grants.some((g) => roles.includes(g.role) && (target === undefined || scopeCovers(g.scope, target)))
}
