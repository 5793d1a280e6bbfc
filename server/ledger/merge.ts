// How a household from the file is laid over the one already in the ledger.
import { createHash } from 'node:crypto'
import { memberId as newMemberId } from '../community/ids'
import type { HouseholdDoc, MemberDoc } from '../community/model'
import type { PlannedMember } from './validate'
import { normaliseName } from './validate'

const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24)

/** A building the import creates gets the same id on every retry of the commit. */
export const importedBuildingId = (communityId: string, name: string) => `bd_${digest(communityId, 'building', name)}`

export const importedGroupId = (communityId: string, importId: string, index: number) =>
  `grp_${digest(communityId, importId, String(index))}`

export interface MergedMembers {
  members: MemberDoc[]
  /** Linked members absent from the file, kept at the end of the list. */
  kept: MemberDoc[]
}

/**
 * The file decides who lives in the household and their details; a member already in the ledger with the same
 * name keeps their id and WeChat link. A member linked to WeChat is never dropped by an import: if the file
 * lacks them they stay (and are reported), because removing them would silently cut a resident off their
 * household. Unlinked members absent from the file are removed.
 */
export function mergeMembers(
  planned: readonly PlannedMember[],
  existing: readonly MemberDoc[],
  newId: () => string = newMemberId,
): MergedMembers {
  const unused = [...existing]
  const taken = new Set(existing.map((m) => m.id))
  const members = planned.map((p) => {
    const i = unused.findIndex((m) => normaliseName(m.name) === p.name)
    const old = i >= 0 ? unused.splice(i, 1)[0] : undefined
    let id = old?.id
    while (id === undefined || (!old && taken.has(id))) id = newId()
    taken.add(id)
    const m: MemberDoc = { id, name: p.name, flags: [...p.flags] }
    if (p.phone !== undefined) m.phone = p.phone
    if (p.birthYear !== undefined) m.birthYear = p.birthYear
    if (old?.openid) m.openid = old.openid
    return m
  })
  const kept = unused.filter((m) => m.openid)
  return { members: [...members, ...kept], kept }
}

const memberKey = (m: MemberDoc) =>
  JSON.stringify([m.id, m.name, m.phone ?? null, m.birthYear ?? null, [...m.flags].sort(), m.openid ?? null])

export function sameMembers(a: readonly MemberDoc[], b: readonly MemberDoc[]): boolean {
  return a.length === b.length && a.every((m, i) => memberKey(m) === memberKey(b[i] as MemberDoc))
}

/** The import would change nothing in this household. */
export function unchanged(before: HouseholdDoc, room: string, floor: number, members: readonly MemberDoc[]): boolean {
  return before.room === room && before.floor === floor && !before.erasedAt && sameMembers(before.members, members)
}

/** Same stored version: nobody wrote the household between the two reads. */
export function sameVersion(a: HouseholdDoc | null | undefined, b: HouseholdDoc | null | undefined): boolean {
  if (!a || !b) return !a && !b
  return (
    new Date(a.updatedAt).getTime() === new Date(b.updatedAt).getTime() &&
    sameMembers(a.members, b.members) &&
    a.room === b.room &&
    a.buildingId === b.buildingId &&
    JSON.stringify(a.linkedOpenids ?? []) === JSON.stringify(b.linkedOpenids ?? []) &&
    a.proxy === b.proxy
  )
}
