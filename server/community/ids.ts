// Deterministic ids where a retry or a re-import must land on the same document.
import { createHash, randomBytes } from 'node:crypto'
import type { Role, Scope, VolunteerType } from '../../typings/api'

const digest = (...parts: (string | number)[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex')

export const householdId = (communityId: string, buildingId: string, room: string) =>
  `hh_${digest(communityId, buildingId, room).slice(0, 24)}`

export const roleId = (openid: string, role: string, place: string) =>
  `role_${digest(openid, role, place).slice(0, 24)}`

/**
 * The place part of a role id, as grantRole and join approval compute it: the volunteer type, else the narrowest
 * level of the scope (household, building floor, building, 营, community). Granting the same post again lands on
 * the same document.
 */
export function rolePlace(grant: { role: Role; scope: Scope; volunteerType?: VolunteerType }): string {
  const { scope } = grant
  if (grant.role === 'volunteer') return grant.volunteerType ?? ''
  if (scope.householdId) return scope.householdId
  if (scope.buildingId) return scope.floor === undefined ? scope.buildingId : `${scope.buildingId}/${scope.floor}`
  return scope.groupId ?? scope.communityId
}

export const joinRequestId = (openid: string, householdId: string) => `jr_${digest(openid, householdId).slice(0, 24)}`

export const consentId = (openid: string, kind: string, version: string) =>
  `cs_${digest(openid, kind, version).slice(0, 24)}`

export const randomId = (prefix: string, bytes = 8) => `${prefix}_${randomBytes(bytes).toString('hex')}`

/** A new member id, unique within its household. */
export const memberId = () => randomId('m', 4)

/** Invite codes: 8 characters a person can read out and type (no 0/O, 1/I/L). */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'
export function inviteCode(): string {
  const bytes = randomBytes(8)
  let code = ''
  for (const b of bytes) code += CODE_ALPHABET[b % CODE_ALPHABET.length]
  return code
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
