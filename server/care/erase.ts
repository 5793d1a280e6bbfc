// Removing care data: a person's own deletion (deleteMyData: the checks about their member, or about the whole
// household when they were its last member, and their name on the checks they made for others) and a community's
// closing (every check and status). The community function reaches care through this file. Safe to run again.
import { data } from '../platform/cloud'

/** The name the checks a deleted person made keep: who it was is gone, that someone checked is not. */
export const ERASED_NAME = '已注销'

export interface CarePerson {
  communityId: string
  householdId: string
  openid: string
  memberId?: string
  /** They were the household's last member: every check about it goes. */
  last: boolean
}

export interface CareErased {
  checks: number
  statuses: number
}

/** A household's care data, for one member or (no memberId) all of them. */
export async function eraseCareOf(householdId: string, memberId?: string): Promise<CareErased> {
  const checks = await data.removeWhere('careChecks', memberId ? { householdId, memberId } : { householdId })
  const statuses = await data.removeWhere('careStatus', memberId ? { householdId, memberId } : { householdId })
  return { checks, statuses }
}

/**
 * The community function's eraser (personErasers): what care keeps about the person and their name as a checker.
 * Most people have neither, so it reads first (two reads) and writes only what names them: a person's status exists
 * while any check about them does (server/care/retention.ts).
 */
export async function eraseCarePerson(p: CarePerson): Promise<{ failedFiles: number }> {
  const statuses = await data.find<{ memberId: string }>(
    'careStatus',
    { householdId: p.householdId },
    { limit: 1000, fields: { memberId: true } },
  )
  if (p.last && statuses.length) await eraseCareOf(p.householdId)
  else if (p.memberId && statuses.some((s) => s.memberId === p.memberId)) await eraseCareOf(p.householdId, p.memberId)
  const made = await data.find('careChecks', { by: p.openid, communityId: p.communityId }, { limit: 1 })
  if (made.length) {
    await data.updateWhere('careChecks', { by: p.openid, communityId: p.communityId }, { by: '', byName: ERASED_NAME })
    await data.updateWhere(
      'careStatus',
      { lastBy: p.openid, communityId: p.communityId },
      { lastBy: '', lastByName: ERASED_NAME },
    )
  }
  return { failedFiles: 0 }
}

/** Every check and status of a closed community. */
export async function eraseCommunityCare(communityId: string): Promise<CareErased> {
  const checks = await data.removeWhere('careChecks', { communityId })
  const statuses = await data.removeWhere('careStatus', { communityId })
  return { checks, statuses }
}
