// The logged reveal-to-dial every feature uses: one masked number revealed, counted atomically against the caller's
// daily cap and logged (who, whose, when, why; never the number). The community function's revealPhone and the needs
// function's callNeed both go through here, so the cap and the committee's log are one.
import type { Role, RevealReason } from '../../typings/api'
import type { HouseholdDoc, MemberDoc, PhoneRevealCountDoc, PhoneRevealDoc } from './model'
import { AppError, nowDate, today } from '../kernel'
import { randomId } from './ids'
import { data } from '../platform/cloud'
import type { Grant } from '../platform/grants'
import { PHONE_REVEALS_PER_DAY } from '../platform/visibility'

const limitMessage = (cap: number) =>
  `今天已经查看了 ${cap} 个电话，到了每天的上限，明天可以再查看；紧急情况请直接联系居委`

/**
 * Count one reveal against the caller's cap for the Shanghai day, atomically: one counter document per (community,
 * caller, day) with a deterministic id, raised only while below the cap (`count < cap` in the update), so
 * concurrent reveals can never exceed it. Returns the count after this reveal.
 */
export async function countReveal(communityId: string, openid: string, day: string, cap: number): Promise<number> {
  const counterId = `${communityId}:${day}:${openid}`
  for (let round = 0; round < 5; round++) {
    const raised = await data.updateWhere(
      'phoneRevealCounts',
      { _id: counterId, count: data._.lt(cap) },
      { count: data._.inc(1) },
    )
    if (raised === 1) return (await data.get<PhoneRevealCountDoc>('phoneRevealCounts', counterId))?.count ?? cap
    const existing = await data.get<PhoneRevealCountDoc>('phoneRevealCounts', counterId)
    if (existing) {
      if (existing.count >= cap) break
      continue
    }
    if (cap <= 0) break
    const doc: PhoneRevealCountDoc = { _id: counterId, communityId, openid, day, count: 1 }
    try {
      await data.insert('phoneRevealCounts', doc)
      return 1
    } catch (err) {
      // Another reveal created today's counter first (duplicate id): count this one on it in the next round.
      if (!(await data.get<PhoneRevealCountDoc>('phoneRevealCounts', counterId))) throw err
    }
  }
  throw new AppError('REVEAL_LIMIT', limitMessage(cap))
}

/** The caller's name for the log: the ledger member behind one of their grants, or a grant's holder name. */
export async function revealerName(grants: readonly Grant[]): Promise<string> {
  const withMember = grants.find((g) => g.householdId && g.memberId)
  if (withMember) {
    const h = await data.get<HouseholdDoc>('households', withMember.householdId as string)
    const name = h?.members.find((m) => m.id === withMember.memberId)?.name
    if (name) return name
  }
  return grants.find((g) => g.holderName)?.holderName ?? ''
}

/**
 * Reveal `member`'s number of `household` to the caller, who the calling action has already found allowed to, as
 * `role`: counted against the community's daily cap (settings.phoneRevealsPerDay), then logged. Returns the
 * number and how many reveals the caller has left today.
 */
export async function revealAndLog(args: {
  household: HouseholdDoc
  member: MemberDoc
  openid: string
  grants: readonly Grant[]
  role: Role
  reason: RevealReason
  note?: string
  perDay: number | undefined
}): Promise<{ phone: string; remainingToday: number }> {
  const { household, member } = args
  if (!member.phone) throw new AppError('NOT_FOUND', '台账里没有这位住户的电话，请上门联系', 'memberId')
  const cap = args.perDay ?? PHONE_REVEALS_PER_DAY
  const day = today()
  const count = await countReveal(household.communityId, args.openid, day, cap)
  const log: PhoneRevealDoc = {
    _id: randomId('rvl'),
    communityId: household.communityId,
    openid: args.openid,
    byName: await revealerName(args.grants),
    role: args.role,
    householdId: household._id,
    buildingId: household.buildingId,
    room: household.room,
    memberId: member.id,
    reason: args.reason,
    at: nowDate(),
    day,
  }
  if (args.note) log.note = args.note
  await data.insert('phoneReveals', log)
  return { phone: member.phone, remainingToday: Math.max(0, cap - count) }
}
