// A resident deleting their data in a household (deleteMyData). What depends on the person goes first, the role
// grant that lets them call this last, and every step finds what is left and deletes it, so a call that failed at
// any step can simply be made again:
//   1. other features' data (registered erasers: antigen results and photos, storage statuses checked; a lead's
//      openid on the rounds' lists when they lead no more)
//   2. their join requests for the household (all of its requests when they were its last member)
//   3. consent records, when this was their only role anywhere
//   4. the household: their member (name, phone, birth year, flags, link) leaves it; the last member leaving
//      erases the household's people and links (the room stays in the building)
//   5. their grants tied to the household (a 居委 grant stays: another committee member revokes it), the resident
//      grant last.
import type { HouseholdDoc, RoleDoc } from '../../../server/community/model'
import { type ActionContext, nowDate } from '../../../server/kernel'
import { data } from '../../../server/platform/cloud'
import type { Grant } from '../../../server/platform/grants'
import { loadHousehold } from '../../../server/platform/places'

/** Whose data is being deleted, as every feature's eraser receives it. */
export interface ErasedPerson {
  communityId: string
  buildingId: string
  householdId: string
  openid: string
  /** Their member in the household; absent for a 代管 holder, who is not one. */
  memberId?: string
  /** They are (were) the household's last member: everything of the household goes. */
  last: boolean
  /** They keep no other household in this community. */
  leavesCommunity: boolean
  /** They led a building or floor in this community and, once this deletion is done, lead none there. */
  stopsLeading: boolean
}

/**
 * Functions that erase what other features keep about a person or household (antigen results, photos,
 * subscriptions…), registered by the function's index. Each must be idempotent and report the files storage did
 * not delete (they are queued and retried by the timers).
 */
export const personErasers: ((person: ErasedPerson) => Promise<{ failedFiles: number }>)[] = []

export interface ErasureResult {
  householdId: string
  members: number
  roles: number
  householdErased: boolean
  pendingFiles: number
}

export async function eraseMyData(householdId: string, ctx: ActionContext): Promise<ErasureResult> {
  const openid = ctx.caller.openid
  const grants = ctx.grants as Grant[]
  const household: HouseholdDoc = await loadHousehold(ctx, householdId)
  const mine = grants.filter((g) => g.role === 'resident' && g.scope.householdId === household._id)
  // The member behind the grant (kept on it, so a retry after the member already left still knows who it was).
  const memberId =
    mine.find((g) => g.memberId && !g.proxy)?.memberId ?? household.members.find((m) => m.openid === openid)?.id
  const last = household.members.every((m) => m.id === memberId)
  // The grants this deletion removes (read first: the erasers need to know whether the person still leads).
  const tied = await data.find<RoleDoc>('roles', { openid, householdId: household._id }, { limit: 100 })
  const leaving = tied.filter((r) => r.role !== 'committee')
  const leavingIds = new Set([...leaving.map((r) => r._id), ...mine.map((g) => g.id)])
  const leadsHere = grants.filter(
    (g) => (g.role === 'buildingLead' || g.role === 'floorLead') && g.scope.communityId === household.communityId,
  )
  const person: ErasedPerson = {
    communityId: household.communityId,
    buildingId: household.buildingId,
    householdId: household._id,
    openid,
    ...(memberId ? { memberId } : {}),
    last,
    leavesCommunity: !grants.some(
      (g) =>
        g.role === 'resident' && g.scope.communityId === household.communityId && g.scope.householdId !== household._id,
    ),
    stopsLeading: leadsHere.length > 0 && leadsHere.every((g) => leavingIds.has(g.id)),
  }

  // 1. What other features keep.
  let pendingFiles = 0
  for (const erase of personErasers) pendingFiles += (await erase(person)).failedFiles

  // 2. Join requests.
  await data.removeWhere('joinRequests', last ? { householdId: household._id } : { householdId: household._id, openid })

  // 3. Consent records, subscription credits and the notices queued or kept for them, once nothing else of theirs
  // is left in the product (the notices name their household).
  if (grants.every((g) => leavingIds.has(g.id))) {
    await data.removeWhere('consents', { openid })
    await data.removeWhere('subscriptionCredits', { openid })
    await data.removeWhere('pushQueue', { touser: openid })
  }

  // 4. The household.
  const at = nowDate()
  if (last) {
    await data.update('households', household._id, {
      members: data._.set([]),
      linkedOpenids: data._.set([]),
      proxy: false,
      erasedAt: at,
      updatedAt: at,
    })
  } else {
    const otherProxies = await data.count('roles', {
      householdId: household._id,
      role: 'resident',
      proxy: true,
      openid: data._.neq(openid),
    })
    await data.update('households', household._id, {
      ...(memberId ? { members: data._.pull({ id: memberId }) } : {}),
      linkedOpenids: data._.pull(openid),
      ...(mine.some((g) => g.proxy) && otherProxies === 0 ? { proxy: false } : {}),
      updatedAt: at,
    })
  }

  // 5. Grants: the household's others too when it is erased (代管 holders of an empty household), this caller's
  // resident grant last of all (it is what lets them make this call again).
  const others = last
    ? (await data.find<RoleDoc>('roles', { householdId: household._id, role: 'resident' }, { limit: 100 })).filter(
        (r) => r.openid !== openid,
      )
    : []
  const own = new Set(mine.map((g) => g.id))
  const order = [...others, ...leaving.filter((r) => !own.has(r._id)), ...leaving.filter((r) => own.has(r._id))]
  const seen = new Set<string>()
  let roles = 0
  for (const r of order) {
    if (seen.has(r._id)) continue
    seen.add(r._id)
    roles += await data.remove('roles', r._id)
  }
  for (const g of mine) if (!seen.has(g.id)) roles += await data.remove('roles', g.id)
  return { householdId: household._id, members: memberId ? 1 : 0, roles, householdErased: last, pendingFiles }
}
