// The roll-up table (楼道号 | 应报户数 | 已报户数 | 实际人数 | 阴性 | 异常 | 无效 | 未报 | 已确认), computed on every load
// from the chains' counters: its database reads grow with buildings, never with households.
// The spreadsheet of it is the `sheets` function's (cloudfunctions/sheets/src/table.ts), so this function's bundle
// carries no spreadsheet code.
import type { RoundTable } from '../../../typings/api'
import type { RoundDoc } from '../../../server/antigen/model'
import { action, type ActionContext, defineActions, z } from '../../../server/kernel'
import { data } from '../../../server/platform/cloud'
import type { Grant } from '../../../server/platform/grants'
import { buildTable, type Counters } from '../../../server/antigen/table'
import { leadScope, loadRound } from './common'
import { sequenceWaiting } from '../../../server/antigen/sequencer'

const input = z.object({ roundId: z.string().min(1).max(80).describe('检测轮次') }).strict()

async function tableScope(i: { roundId: string }, ctx: ActionContext) {
  return leadScope(ctx.grants as Grant[], (await loadRound(ctx, i.roundId)).communityId)
}

async function counters(round: RoundDoc, scope: { groupId?: string; buildingId?: string }): Promise<Counters[]> {
  const where: Record<string, unknown> = { roundId: round._id }
  if (scope.groupId) where.groupId = scope.groupId
  if (scope.buildingId) where.buildingId = scope.buildingId
  // Submissions a kick left waiting are merged first (one count when none waits), so the counts include them.
  if ((await data.count('intake', { roundId: round._id })) > 0) await sequenceWaiting(8000, { roundId: round._id })
  return data.findAll<Counters>('chains', where, { fields: { entries: false } as never })
}

const scopeName = (s: { groupId?: string; buildingId?: string }): RoundTable['scope'] =>
  s.buildingId ? 'building' : s.groupId ? 'group' : 'community'

export const tableActions = defineActions('antigen', {
  table: action({
    input,
    access: { roles: ['buildingLead', 'floorLead', 'groupLead', 'communityLead', 'committee'], scope: tableScope },
    handler: async (i, ctx): Promise<RoundTable> => {
      const round = await loadRound(ctx, i.roundId)
      const scope = await tableScope(i, ctx)
      return buildTable(round, await counters(round, scope), scopeName(scope))
    },
  }),
})
