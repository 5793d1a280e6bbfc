// Revealing one masked phone number to dial it (拨打), and the committee's log of every reveal. Numbers are masked
// everywhere but for the committee (server/platform/visibility.ts); a lead or volunteer who must ring someone in
// their own scope reveals that one number, says why, and the reveal is logged and counted against a daily cap.
import type { PhoneReveal, PhoneRevealView, RoleGrant } from '../../../typings/api'
import type { BuildingDoc, HouseholdDoc, PhoneRevealDoc } from '../../../server/community/model'
import { action, AppError, defineActions, instant, nowDate, nowMs, shanghaiDay, z } from '../../../server/kernel'
import { onShift } from '../../../server/community/shifts'
import { revealAndLog } from '../../../server/community/reveals'
import { householdLabel } from '../../../server/community/structure'
import { data } from '../../../server/platform/cloud'
import type { Grant } from '../../../server/platform/grants'
import { householdScope, loadBuilding, loadCommunity, loadHousehold } from '../../../server/platform/places'
import {
  fieldsFor,
  householdTarget,
  PHONE_REVEALS_PER_DAY,
  revealRole,
  showName,
} from '../../../server/platform/visibility'

const id = (label: string) => z.string().min(1).max(64).describe(label)

/** Whether one of the caller's volunteer grants posted to the building is on shift now. */
function onShiftFor(grants: readonly RoleGrant[], buildingId: string, communityId: string): boolean {
  const at = nowDate()
  return grants.some(
    (g) =>
      g.role === 'volunteer' &&
      g.scope.communityId === communityId &&
      (g.posts ?? []).includes(buildingId) &&
      onShift(g.shifts, at),
  )
}
const REASONS = ['remind', 'delivery', 'health', 'care', 'need', 'other'] as const
const DAY_MS = 86_400_000
/** The log the committee reads by default: the last week. */
const DEFAULT_SINCE_MS = 7 * DAY_MS
/** Reveal records are kept this long, then deleted by the housekeeping timer. */
export const PHONE_REVEAL_TTL_DAYS = 90
const MAX_LISTED = 500

export const phoneActions = defineActions('community', {
  revealPhone: action({
    input: z
      .object({
        householdId: id('住户'),
        memberId: id('成员'),
        reason: z.enum(REASONS).describe('拨打原因'),
        note: z.string().trim().min(1).max(60).optional().describe('说明'),
      })
      .strict(),
    access: {
      roles: ['buildingLead', 'floorLead', 'volunteer', 'committee'],
      scope: async (i, ctx) => {
        const household = await loadHousehold(ctx, i.householdId)
        return householdScope(household, await loadBuilding(ctx, household.buildingId))
      },
    },
    handler: async (input, ctx): Promise<PhoneReveal> => {
      const household = await loadHousehold(ctx, input.householdId)
      const target = householdTarget(household)
      // The kernel checked the role and the place; the policy decides who may reveal here (a volunteer only in
      // the buildings of their posts, a floor lead only on their floor).
      const role = revealRole(ctx.grants, target)
      if (!role) throw new AppError('FORBIDDEN')
      // A volunteer dials only within their hours (定岗定责: no task outside the post and the shifts).
      if (role === 'volunteer' && !onShiftFor(ctx.grants, target.buildingId, household.communityId))
        throw new AppError('OFF_SHIFT', '现在不在您的班次时间内，不能查看电话；请在班次时间内再拨打')
      const member = household.members.find((m) => m.id === input.memberId)
      if (!member) throw new AppError('NOT_FOUND', '这一户没有这位成员', 'memberId')
      if (!member.phone) throw new AppError('NOT_FOUND', '台账里没有这位住户的电话，请上门联系', 'memberId')
      if (input.reason === 'other' && !input.note)
        throw new AppError('INVALID_INPUT', '选「其他」时请写一句拨打的原因', 'note')

      const community = await loadCommunity(ctx, household.communityId)
      const revealed = await revealAndLog({
        household,
        member,
        openid: ctx.caller.openid,
        grants: ctx.grants as Grant[],
        role,
        reason: input.reason,
        ...(input.note ? { note: input.note } : {}),
        perDay: community.settings.phoneRevealsPerDay,
      })
      return { householdId: household._id, memberId: member.id, ...revealed }
    },
  }),

  listPhoneReveals: action({
    input: z.object({ communityId: id('小区'), since: instant('起始时间').optional() }).strict(),
    access: { roles: ['committee'], scope: (i) => ({ communityId: i.communityId }) },
    handler: async (input, ctx) => {
      const community = await loadCommunity(ctx, input.communityId)
      const since = input.since ? new Date(input.since) : new Date(nowMs() - DEFAULT_SINCE_MS)
      const docs = await data.find<PhoneRevealDoc>(
        'phoneReveals',
        { communityId: community._id, at: data._.gte(since) },
        { orderBy: [['at', 'desc']], limit: MAX_LISTED },
      )
      const [households, buildings] = await Promise.all([
        data.byIds<HouseholdDoc>(
          'households',
          docs.map((d) => d.householdId),
        ),
        data.byIds<BuildingDoc>(
          'buildings',
          docs.map((d) => d.buildingId),
        ),
      ])
      const reveals = docs.map((d): PhoneRevealView => {
        const h = households.get(d.householdId)
        const m = h?.members.find((x) => x.id === d.memberId)
        const view: PhoneRevealView = {
          id: d._id,
          at: new Date(d.at).toISOString(),
          by: d.byName || '（未登记姓名）',
          role: d.role,
          householdId: d.householdId,
          label: householdLabel(buildings.get(d.buildingId)?.name ?? '', d.room),
          member: h && m ? showName(fieldsFor(ctx.grants, householdTarget(h)).name, m.name) : '（已删除）',
          reason: d.reason,
        }
        if (d.note) view.note = d.note
        return view
      })
      return { reveals, perDay: community.settings.phoneRevealsPerDay ?? PHONE_REVEALS_PER_DAY }
    },
  }),
})

/** Housekeeping: reveal records older than PHONE_REVEAL_TTL_DAYS and counters of past days; returns how many went. */
export async function deleteOldPhoneReveals(now = nowMs()): Promise<number> {
  const reveals = await data.removeWhere('phoneReveals', {
    at: data._.lt(new Date(now - PHONE_REVEAL_TTL_DAYS * DAY_MS)),
  })
  await data.removeWhere('phoneRevealCounts', { day: data._.lt(shanghaiDay(now)) })
  return reveals
}
