// The day's roll-up: a Shanghai day's needs counted per building by type and by status now, with the total. A 营长
// sees their 营's buildings; a 团长 and the committee the whole community, in its building order. The .xlsx of the
// same table is the sheets function's (cloudfunctions/sheets/src/needs.ts), built by loadRollup here.
import type { NeedRollupView, RoleGrant } from '../../../typings/api'
import { action, AppError, calendarDay, defineActions, hasRole, z } from '../../../server/kernel'
import { loadRollup } from '../../../server/needs/rollup'

export const rollupActions = defineActions('needs', {
  needRollup: action({
    input: z.object({ communityId: z.string().min(1).max(120).describe('小区'), day: calendarDay('日期') }).strict(),
    // A 营长's grant names their 营: the handler keeps to it.
    access: { roles: ['groupLead', 'communityLead', 'committee'] },
    handler: async (input, ctx): Promise<NeedRollupView> => {
      const all = hasRole(ctx.grants, ['committee', 'communityLead'], { communityId: input.communityId })
      const groups = groupsOf(ctx.grants, input.communityId)
      if (!all && groups.length === 0) throw new AppError('FORBIDDEN')
      const { rows, total } = await loadRollup(input.communityId, input.day, all ? undefined : groups)
      return { communityId: input.communityId, day: input.day, rows, total, canExport: all }
    },
  }),
})

/** The 营 a 营长 rolls up. */
export const groupsOf = (grants: readonly RoleGrant[], communityId: string) =>
  grants
    .filter((g) => g.role === 'groupLead' && g.scope.communityId === communityId && g.scope.groupId)
    .map((g) => g.scope.groupId as string)
