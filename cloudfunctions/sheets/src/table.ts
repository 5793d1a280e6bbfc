// The round's table as a spreadsheet (committee): the antigen function's table (server/antigen/table.ts) with the
// abnormal and the unreported households, their person cells the caller's fields under the visibility policy.
import type { TableRow } from '../../../typings/api'
import type { ChainDoc } from '../../../server/antigen/model'
import type { HouseholdDoc } from '../../../server/community/model'
import { action, defineActions, z } from '../../../server/kernel'
import { naturalCompare } from '../../../server/community/structure'
import { writeWorkbook, type SheetColumn } from '../../../server/platform/xlsx'
import { data } from '../../../server/platform/cloud'
import { uploadExport } from '../../../server/platform/exports'
import { fieldsFor, householdTarget, peopleCells, showName } from '../../../server/platform/visibility'
import { isAbnormal } from '../../../server/antigen/rules'
import { buildTable, entryTarget, loadRound } from '../../../server/antigen/table'
import { randomId } from '../../../server/community/ids'
import { sequenceWaiting } from '../../../server/antigen/sequencer'
import { counts } from '../../../server/antigen/handover'

const RESULT_LABELS = { negative: '阴性', positive: '异常', invalid: '无效', untested: '未测' } as const
const input = z.object({ roundId: z.string().min(1).max(80).describe('检测轮次') }).strict()

const TABLE_COLUMNS: SheetColumn[] = [
  '楼道号',
  '营',
  '应报户数',
  '已报户数',
  '实际人数',
  '阴性',
  '异常',
  '无效',
  '未测',
  '未报',
  '已确认',
].map((header) => ({ header, width: header === '楼道号' ? 12 : 10 }))

export const tableActions = defineActions('sheets', {
  // The spreadsheet names people and their results: the committee's alone. Its person cells are the caller's
  // fields under the visibility policy, like every view.
  exportTable: action({
    input,
    access: {
      roles: ['committee'],
      scope: async (i, ctx) => ({ communityId: (await loadRound(ctx, i.roundId)).communityId }),
    },
    handler: async (i, ctx) => {
      const round = await loadRound(ctx, i.roundId)
      // Submissions a lost kick left waiting are merged first, as the table does: the file counts what it shows.
      if ((await data.count('intake', { roundId: round._id })) > 0) await sequenceWaiting(8000, { roundId: round._id })
      const [chains, households] = await Promise.all([
        data.findAll<ChainDoc>('chains', { roundId: round._id }),
        data.findAll<HouseholdDoc>('households', { communityId: round.communityId }),
      ])
      const table = buildTable(round, chains, 'community')
      const row = (r: Omit<TableRow, 'buildingId' | 'groupId' | 'confirmed'> & { confirmed: boolean | number }) => [
        r.name,
        r.groupName,
        ...counts(r),
        typeof r.confirmed === 'number' ? r.confirmed : r.confirmed ? '是' : '否',
      ]
      const tableRows = [
        ...table.rows.map(row),
        ...table.groups.map((g) => row({ ...g, name: `${g.groupName} 小计`, groupName: '' })),
        ...table.zones.map((z) => row({ ...z, name: `${z.zoneName} 小计`, groupName: '' })),
        row({ ...table.total, name: '合计', groupName: '' }),
      ]
      const byId = new Map(households.map((h) => [h._id, h]))
      const chainOf = new Map(chains.map((c) => [c.buildingId, c]))
      const abnormal = chains.flatMap((c) =>
        Object.values(c.entries).flatMap((e) => {
          const h = byId.get(e.householdId)
          const f = fieldsFor(ctx.grants, entryTarget(c, e.householdId, e.room, h))
          if (!f.results || !isAbnormal(e.counts)) return []
          return [
            [
              c.buildingName,
              e.room,
              e.members.map((m) => `${showName(f.name, m.name)}:${RESULT_LABELS[m.result]}`).join('；'),
              peopleCells(h?.members ?? [], f).phones,
            ],
          ]
        }),
      )
      const missing = households
        // A round reduced to counts (retention) names no one: no 未报 list either.
        .filter((h) => {
          const chain = chainOf.get(h.buildingId)
          return h.members.length > 0 && chain !== undefined && !chain.resultsReducedAt && !chain.entries[h._id]
        })
        .sort(
          (a, b) =>
            (chainOf.get(a.buildingId)?.order ?? 0) - (chainOf.get(b.buildingId)?.order ?? 0) ||
            naturalCompare(a.room, b.room),
        )
        .map((h) => {
          const cells = peopleCells(h.members, fieldsFor(ctx.grants, householdTarget(h)))
          return [chainOf.get(h.buildingId)?.buildingName ?? '', h.room, cells.names, cells.phones]
        })
      const person: SheetColumn[] = [
        { header: '楼道号', width: 10 },
        { header: '房号', width: 8, text: true },
        { header: '人员', width: 30 },
        { header: '电话', width: 28, text: true },
      ]
      const buffer = await writeWorkbook([
        { name: '汇总', columns: TABLE_COLUMNS, rows: tableRows },
        { name: '异常户', columns: person, rows: abnormal },
        { name: '未报户', columns: person, rows: missing },
      ])
      const fileName = `抗原检测-${round.date}.xlsx`
      const file = await uploadExport(
        round.communityId,
        'antigen',
        `exports/${round.communityId}/${randomId('antigen', 16)}.xlsx`,
        buffer,
        ctx.caller.openid,
      )
      return { ...file, fileName }
    },
  }),
})
