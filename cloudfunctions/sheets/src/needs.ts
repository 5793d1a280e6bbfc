// The needs' day roll-up as a spreadsheet (团长, committee): one row per building in the community's order, the
// counts by type and by status and the total, as the needs function's table (server/needs/rollup.ts). Counts only:
// no person is named in it. Recorded in `exports` like every export, so the community function's timer deletes it.
import { action, calendarDay, defineActions, z } from '../../../server/kernel'
import { loadRollup } from '../../../server/needs/rollup'
import { writeWorkbook, type SheetColumn } from '../../../server/platform/xlsx'
import { uploadPrintFile } from './print'
import { NEED_STATUS_LABELS, NEED_STATUSES, NEED_TYPE_LABELS, NEED_TYPES } from '../../../miniprogram/shared/needs'

const COLUMNS: SheetColumn[] = [
  { header: '楼道号', width: 12 },
  { header: '营', width: 10 },
  ...NEED_TYPES.map((t) => ({ header: NEED_TYPE_LABELS[t], width: 9 })),
  ...NEED_STATUSES.map((s) => ({ header: NEED_STATUS_LABELS[s], width: 9 })),
  { header: '超时未办结', width: 11 },
  { header: '合计', width: 8 },
]

export const needsActions = defineActions('sheets', {
  exportNeeds: action({
    input: z.object({ communityId: z.string().min(1).max(120).describe('小区'), day: calendarDay('日期') }).strict(),
    access: { roles: ['communityLead', 'committee'], scope: (i) => ({ communityId: i.communityId }) },
    handler: async (input, ctx) => {
      const { rows, total } = await loadRollup(input.communityId, input.day)
      const line = (r: (typeof rows)[number]) => [
        r.name,
        r.groupName,
        ...NEED_TYPES.map((t) => r.byType[t]),
        ...NEED_STATUSES.map((s) => r.byStatus[s]),
        r.overdue,
        r.total,
      ]
      const buffer = await writeWorkbook([
        { name: '需求汇总', columns: COLUMNS, rows: [...rows.map(line), line(total)] },
      ])
      return uploadPrintFile(input.communityId, 'needs', buffer, ctx.caller.openid, `需求汇总-${input.day}.xlsx`)
    },
  }),
})
