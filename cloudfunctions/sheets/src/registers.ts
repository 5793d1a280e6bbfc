// A livelihood register's spreadsheets: the printable export (A4, title and headers on every page, the same
// visibility as the view: names masked outside the committee, no phones, photos only as 「有照片」) and reading an
// uploaded sheet of rows into a staged import with its row errors (committee). The registers function commits it.
import type { ExportFile, RegisterImportPreview } from '../../../typings/api'
import type { HouseholdDoc } from '../../../server/community/model'
import type { RegisterImportDoc } from '../../../server/registers/model'
import { action, AppError, defineActions, formatShanghai, nowDate, z } from '../../../server/kernel'
import { data } from '../../../server/platform/cloud'
import { randomId } from '../../../server/community/ids'
import { readTable } from '../../../server/ledger/parse'
import { recordUpload } from '../../../server/platform/uploads'
import { currentEnv, fileInFolder } from '../../../server/platform/files'
import { writePrintTables, type PrintColumn, type PrintRow } from '../../../server/platform/printsheets'
import {
  communityBuildings,
  entryWheres,
  findEntries,
  findNeeds,
  loadType,
  renderer,
} from '../../../server/registers/read'
import { ImportFileError, planImport, stagedChunks } from '../../../server/registers/imports'
import { isEmptySubtree, REGISTER_ROLES, subtreeOf, valueText } from '../../../server/registers/rules'
import { download, fileNameOf } from './ledger'
import { printFileName, uploadPrintFile } from './print'

const typeId = z.string().min(1).max(120).describe('底账')

export const registerActions = defineActions('sheets', {
  exportRegister: action({
    input: z.object({ typeId, buildingId: z.string().min(1).max(120).optional().describe('楼栋') }).strict(),
    access: { roles: REGISTER_ROLES },
    handler: async (i, ctx): Promise<ExportFile & { rows: number; needRows: number }> => {
      // Like a scope the router resolves: an unknown register is answered as one the caller may not touch.
      const t = await loadType(i.typeId).catch(() => null)
      const sub = t ? subtreeOf(ctx.grants, t.communityId) : null
      if (!t || !sub || isEmptySubtree(sub)) throw new AppError('FORBIDDEN')
      const buildings = await communityBuildings(t.communityId)
      const filter = i.buildingId ? { buildingId: i.buildingId } : {}
      const wheres = entryWheres(t._id, sub, buildings, filter)
      if (wheres.length === 0) throw new AppError('FORBIDDEN')
      const [entries, needs] = await Promise.all([
        findEntries(wheres),
        findNeeds(t.communityId, t, sub, buildings, filter),
      ])
      const ids = [...entries.map((e) => e.householdId), ...needs.map((n) => n.householdId)]
      // Many rows: the community's households in pages of 1000 beat ids in chunks of 100.
      const households =
        new Set(ids).size > 300
          ? new Map(
              (await data.findAll<HouseholdDoc>('households', { communityId: t.communityId })).map((h) => [h._id, h]),
            )
          : await data.byIds<HouseholdDoc>('households', ids)
      const r = renderer(ctx.grants, t, sub, buildings, households)

      // Every field the type has kept, removed ones last under their old names (their values stay readable).
      const fields = t.fields.filter((f) => f.kind !== 'household')
      const columns: PrintColumn[] = [
        { header: '序号', width: 6 },
        { header: '楼栋', width: 9 },
        { header: '房号', width: 9, text: true },
        ...fields.map((f) => ({
          header: f.removed ? `${f.label}（已停用）` : f.label,
          width: f.kind === 'text' ? 20 : f.kind === 'date' ? 12 : 11,
          wrap: true,
          ...(f.kind === 'text' ? {} : { text: f.kind !== 'number' }),
        })),
        { header: '登记人', width: 9 },
        { header: '登记时间', width: 12 },
        { header: '来源', width: 12, wrap: true },
      ]
      const rows: PrintRow[] = entries.map((e, n) => {
        const showPhotos = r.photos(e.householdId)
        return {
          cells: [
            n + 1,
            r.building(e.buildingId),
            e.room,
            ...fields.map((f) =>
              f.kind === 'photo' && !showPhotos ? '' : valueText(f, e.values[f.id], (m) => r.member(e.householdId, m)),
            ),
            r.entry(e).created.name,
            formatShanghai(e.created.at, 'YYYY-MM-DD'),
            '底账登记',
          ],
        }
      })
      if (needs.length) {
        rows.push({ kind: 'section', cells: [`来自需求登记（${needs.length} 条，只读，状态以需求登记为准）`] })
        for (const [n, need] of needs.entries()) {
          const row = r.need(need)
          const h = households.get(need.householdId)
          rows.push({
            cells: [
              entries.length + n + 1,
              r.building(need.buildingId),
              h?.room ?? '',
              ...fields.map((f, k) =>
                f.kind === 'member' && k === fields.findIndex((x) => x.kind === 'member')
                  ? row.person
                  : f.kind === 'text' && k === fields.findIndex((x) => x.kind === 'text')
                    ? row.detail
                    : '',
              ),
              '',
              formatShanghai(need.createdAt, 'YYYY-MM-DD'),
              `来自需求登记·${row.statusLabel}`,
            ],
          })
        }
      }
      const building = i.buildingId ? buildings.find((b) => b._id === i.buildingId)?.name : undefined
      const title = `${t.name}${building ? ` · ${building}` : ''}`
      const buffer = await writePrintTables([
        {
          name: t.name,
          title: [
            title,
            `共 ${entries.length} 条登记${needs.length ? `、${needs.length} 条需求` : ''}　导出于 ${formatShanghai(nowDate())}`,
          ],
          columns,
          rows,
          footer: title,
        },
      ])
      const file = await uploadPrintFile(
        t.communityId,
        'registers',
        buffer,
        ctx.caller.openid,
        printFileName([t.name, building, formatShanghai(nowDate(), 'YYYY-MM-DD')], false),
      )
      return { ...file, rows: entries.length, needRows: needs.length }
    },
  }),

  registerImportPreview: action({
    input: z.object({ typeId, fileID: z.string().min(1).max(1024).describe('表格文件') }).strict(),
    access: {
      roles: ['committee'],
      scope: async (i) => {
        const t = await loadType(i.typeId)
        return { communityId: t.communityId }
      },
    },
    handler: async (i, ctx): Promise<RegisterImportPreview> => {
      const t = await loadType(i.typeId)
      if (fileInFolder(i.fileID, ['registers', t.communityId, 'imports'], currentEnv()) === null)
        throw new AppError(
          'FILE_NOT_ALLOWED',
          '只能导入在本小区「底账导入」页面上传的表格，请重新选择表格上传',
          'fileID',
        )
      const fileName = fileNameOf(i.fileID)
      const bytes = await download(i.fileID, () =>
        recordUpload(t.communityId, 'registers', i.fileID, ctx.caller.openid),
      )
      const [table, buildings, households] = await Promise.all([
        readTable(bytes, fileName),
        communityBuildings(t.communityId),
        data.findAll<HouseholdDoc>('households', { communityId: t.communityId }),
      ])
      let plan
      try {
        plan = planImport(t, table, buildings, households)
      } catch (err) {
        if (err instanceof ImportFileError) throw new AppError('FILE_UNREADABLE', err.message)
        throw err
      }
      const importId = randomId('rimp', 10)
      const doc: RegisterImportDoc = {
        _id: importId,
        communityId: t.communityId,
        typeId: t._id,
        fileName,
        status: 'previewed',
        rows: plan.rows,
        good: plan.entries.length,
        errors: plan.errors,
        ignoredColumns: plan.ignoredColumns,
        written: 0,
        createdBy: ctx.caller.openid,
        createdAt: nowDate(),
      }
      // The rows first: an import document is only there once its rows are.
      const chunks = stagedChunks(importId, t.communityId, plan.entries)
      for (let k = 0; k < chunks.length; k += 4) await data.insertMany('registerImportRows', chunks.slice(k, k + 4))
      await data.insert('registerImports', doc)
      return {
        importId,
        typeId: t._id,
        fileName,
        rows: plan.rows,
        good: plan.entries.length,
        errors: plan.errors,
        ignoredColumns: plan.ignoredColumns,
      }
    },
  }),
})
