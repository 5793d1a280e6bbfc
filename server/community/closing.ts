// Ending the service: a closed community starts nothing new, and `closingDeletionDays` after it was closed the
// timers delete every person's data in it. This file has the check other actions make, and the community
// function's part of the deletion (the antigen function's part is in server/antigen/retention.ts).
import type { ClosingState } from '../../typings/api'
import type { CommunityDoc, RoleDoc } from './model'
import type { Budget } from '../platform/budget'
import { data } from '../platform/cloud'
import { deleteCommunityExports } from '../platform/exports'
import { deleteExpiredUploads } from '../platform/uploads'
import { deleteStaleImportRows } from './retention'
import { deleteCommunityInviteCodes } from './invitecodes'
import { eraseCommunityGroupBuys } from '../groupbuy/erase'
import { eraseCommunityDeliveries } from '../delivery/erase'
import { eraseCommunityCallup } from '../callup/erase'
import { eraseCommunityCare } from '../care/erase'
import { eraseCommunityRegisters } from '../registers/erase'
import { eraseCommunityNeeds } from '../needs/erase'
import { AppError, nowDate, nowMs } from '../kernel'

/** Refuse to start anything new in a closed community (rounds, invites, joins, imports). */
export async function assertCommunityOpen(communityId: string): Promise<void> {
  const [c] = await data.find<Pick<CommunityDoc, '_id' | 'closing'>>(
    'communities',
    { _id: communityId },
    { limit: 1, fields: { closing: true } },
  )
  if (c?.closing) throw new AppError('COMMUNITY_CLOSED')
}

export function closingState(c: Pick<CommunityDoc, 'closing'>, now = nowMs()): ClosingState {
  if (!c.closing) return 'open'
  if (new Date(c.closing.deleteAfter).getTime() > now) return 'closing'
  return c.closing.communityErasedAt && c.closing.antigenErasedAt ? 'erased' : 'erasing'
}

/** Openids handled per batch when deleting consents. */
const OPENID_BATCH = 100

/**
 * The consent records of the community's people, unless they still hold a role in another community (the same
 * WeChat user may live in two). Read from the roles, which go last, so a run cut short finds them again.
 */
async function deleteConsents(communityId: string): Promise<number> {
  const roles = await data.findAll<Pick<RoleDoc, 'openid'>>('roles', { communityId }, { fields: { openid: true } })
  const openids = [...new Set(roles.map((r) => r.openid))]
  let removed = 0
  for (let i = 0; i < openids.length; i += OPENID_BATCH) {
    const batch = openids.slice(i, i + OPENID_BATCH)
    const elsewhere = await data.findAll<Pick<RoleDoc, 'openid'>>(
      'roles',
      { openid: data._.in(batch), communityId: data._.neq(communityId) },
      { fields: { openid: true } },
    )
    const keep = new Set(elsewhere.map((r) => r.openid))
    const gone = batch.filter((o) => !keep.has(o))
    if (gone.length) {
      removed += await data.removeWhere('consents', { openid: data._.in(gone) })
      // Their subscription credits and the notices kept for them (which name their household) go with them.
      await data.removeWhere('subscriptionCredits', { openid: data._.in(gone) })
      await data.removeWhere('pushQueue', { touser: data._.in(gone) })
    }
  }
  return removed
}

/**
 * Delete the community function's part of a closed community's people, step by step (each idempotent, so a run
 * cut short is finished by the next): invites, join requests, phone-reveal logs, imports with their staged rows,
 * exports and uploaded files (storage statuses checked), group buys' people (orders, complaints, merchants and their
 * photos), the deliveries with their photos, the livelihood registers, the households' people and links (rooms stay), consent
 * records, the roles, and the committee's roles last of all. Returns true once done.
 */
export async function eraseCommunityData(communityId: string, budget: Budget): Promise<boolean> {
  // The invites' 小程序码 before the invites (files first, statuses checked).
  while ((await deleteCommunityInviteCodes(communityId)) > 0) if (budget.spent) return false
  const collectionSteps: [Parameters<typeof data.removeWhere>[0], Record<string, unknown>][] = [
    ['invites', { communityId }],
    ['joinRequests', { communityId }],
    ['phoneReveals', { communityId }],
    ['phoneRevealCounts', { communityId }],
  ]
  for (const [coll, where] of collectionSteps) await data.removeWhere(coll, where)
  await deleteStaleImportRows(nowMs(), 1000, communityId)
  await data.removeWhere('importRows', { communityId })
  await data.removeWhere('imports', { communityId })
  while ((await deleteCommunityExports(communityId)) > 0) if (budget.spent) return false
  while ((await deleteExpiredUploads(nowMs(), 200, communityId)) > 0) if (budget.spent) return false
  // Group buys: complaints and merchants with their photos, orders, imports, subscriptions (server/groupbuy/erase.ts).
  if (!(await eraseCommunityGroupBuys(communityId, budget))) return false
  // Deliveries: every document of the relay with its photos, and the door teams (server/delivery/erase.ts).
  if (!(await eraseCommunityDeliveries(communityId, budget))) return false
  // Call-up sessions: who called and marked which building (server/callup/erase.ts).
  if (!(await eraseCommunityCallup(communityId, budget))) return false
  // Care: every check and status of its flagged residents (server/care/erase.ts).
  await eraseCommunityCare(communityId)
  if (budget.spent) return false
  // Livelihood registers: every type, entry (with its photos) and import (server/registers/erase.ts).
  if (!(await eraseCommunityRegisters(communityId, budget))) return false
  // Needs: every need with its photo (server/needs/erase.ts).
  if (!(await eraseCommunityNeeds(communityId, budget))) return false
  const at = nowDate()
  const withPeople = data._.or([
    { 'members.0': data._.exists(true) },
    { 'linkedOpenids.0': data._.exists(true) },
    { proxy: true },
  ])
  await data.updateWhere('households', data._.and([{ communityId }, withPeople]), {
    members: data._.set([]),
    linkedOpenids: data._.set([]),
    proxy: false,
    erasedAt: at,
    updatedAt: at,
  })
  if (budget.spent) return false
  await deleteConsents(communityId)
  if (budget.spent) return false
  await data.removeWhere('roles', { communityId, role: data._.neq('committee') })
  // The committee's grants go last, once the antigen function has reduced every round: until then its members
  // can watch the deletion (closingStatus).
  const [c] = await data.find<Pick<CommunityDoc, 'closing'>>(
    'communities',
    { _id: communityId },
    { limit: 1, fields: { closing: true } },
  )
  if (!c?.closing?.antigenErasedAt) return false
  await deleteConsents(communityId)
  await data.removeWhere('roles', { communityId })
  await data.update('communities', communityId, { 'closing.communityErasedAt': nowDate() })
  return true
}

/** Closed communities whose deletion is due and not done (the community function's part). */
export async function erasingCommunities(now = nowMs()): Promise<Pick<CommunityDoc, '_id' | 'closing'>[]> {
  return data.find<Pick<CommunityDoc, '_id' | 'closing'>>(
    'communities',
    { 'closing.deleteAfter': data._.lte(new Date(now)), 'closing.communityErasedAt': data._.exists(false) },
    { limit: 20, fields: { closing: true } },
  )
}
