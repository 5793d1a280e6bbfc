// Importing a register's rows from a sheet, as the household ledger's import does (server/ledger/): the sheets
// function reads the file (`readTable`) and stages the good rows with every row's error; the registers function
// commits the good rows (or none) and rolls a commit back. Buildings are matched by the ledger's rules
// (`buildingMatcher`: 3号 / 3号楼 / 3栋 are one), rooms by `normaliseRoom`, and a 房号 cell that carries its building
// (「12号-201」「3-201」) is read by the group-buy import's `readAddress`. Dates, options and members by
// server/registers/rules.ts `readCell`.
import type { BuildingDoc, HouseholdDoc } from '../community/model'
import type { TableRow } from '../ledger/parse'
import type { PlannedEntry, RegisterEntryDoc, RegisterImportDoc, RegisterImportRowDoc, RegisterTypeDoc } from './model'
import { normaliseHeader } from '../ledger/columns'
import { buildingMatcher } from '../ledger/validate'
import { readAddress } from '../groupbuy/imports'
import { normaliseRoom } from '../community/structure'
import { activeFields, householdMembers, MAX_IMPORT_ERRORS, MAX_IMPORT_ROWS, readCell } from './rules'

/** Staged entries per document. */
export const STAGE_CHUNK = 250
/** Entries written per round trip by the commit. */
export const WRITE_CHUNK = 500

const BUILDING_HEADERS = ['楼栋', '楼号', '楼道', '楼栋号', '楼']
const ROOM_HEADERS = ['房号', '室', '房间号', '门牌号', '室号']

export interface ImportPlan {
  rows: number
  entries: PlannedEntry[]
  errors: { row: number; reason: string }[]
  /** How many rows had errors (the list keeps MAX_IMPORT_ERRORS). */
  errorRows: number
  ignoredColumns: string[]
}

export class ImportFileError extends Error {}

/**
 * The rows of a sheet as a register's entries: the header is the first row (of the first ten) naming 房号; each
 * other column is a field by its label (a column no field has is ignored and listed). A row is good when its room
 * is one household of the community and every field's cell reads; otherwise it carries its first error.
 */
export function planImport(
  type: RegisterTypeDoc,
  table: readonly TableRow[],
  buildings: readonly BuildingDoc[],
  households: readonly HouseholdDoc[],
): ImportPlan {
  const filled = table.filter((r) => r.cells.some((c) => c.trim() !== ''))
  const header = filled.slice(0, 10).find((r) => r.cells.some((c) => ROOM_HEADERS.includes(normaliseHeader(c))))
  if (!header)
    throw new ImportFileError('表格第一行需要写明列名，至少有「房号」一列（可以写成「12号-201」），以及各字段的名称')
  const heads = header.cells.map((c) => normaliseHeader(c))
  const roomCol = heads.findIndex((h) => ROOM_HEADERS.includes(h))
  const buildingCol = heads.findIndex((h) => BUILDING_HEADERS.includes(h))
  const fields = activeFields(type.fields).filter((f) => f.kind !== 'household' && f.kind !== 'photo')
  const colOf = new Map<string, number>()
  const ignored: string[] = []
  heads.forEach((h, i) => {
    if (i === roomCol || i === buildingCol || h === '') return
    const f = fields.find((x) => normaliseHeader(x.label) === h && !colOf.has(x.id))
    if (f) colOf.set(f.id, i)
    else ignored.push(header.cells[i]?.trim() ?? h)
  })
  const missing = fields.filter((f) => f.required && !colOf.has(f.id))
  if (missing.length) throw new ImportFileError(`表格缺少必填的列：${missing.map((f) => f.label).join('、')}`)

  const match = buildingMatcher(buildings.map((b) => ({ id: b._id, name: b.name })))
  const order = new Map(buildings.map((b) => [b._id, b]))
  const byPlace = new Map(households.map((h) => [`${h.buildingId}\u0000${h.room}`, h]))
  const rows = table.filter((r) => r.row > header.row && r.cells.some((c) => c.trim() !== ''))
  if (rows.length > MAX_IMPORT_ROWS) throw new ImportFileError(`一次最多导入 ${MAX_IMPORT_ROWS} 行，请分成几个文件导入`)

  const plan: ImportPlan = { rows: rows.length, entries: [], errors: [], errorRows: 0, ignoredColumns: ignored }
  const fail = (row: number, reason: string) => {
    plan.errorRows++
    if (plan.errors.length < MAX_IMPORT_ERRORS) plan.errors.push({ row, reason })
  }
  const cell = (r: TableRow, i: number) => (i < 0 ? '' : (r.cells[i] ?? '').trim())

  for (const r of rows) {
    let buildingText = cell(r, buildingCol)
    let roomText = cell(r, roomCol)
    if (!buildingText && roomText) {
      const read = readAddress(roomText)
      if (read && read.buildings.length) {
        buildingText = read.buildings[read.buildings.length - 1] as string
        roomText = read.room
      }
    }
    if (!roomText) {
      fail(r.row, '没有填写房号')
      continue
    }
    const b = buildingText ? match(buildingText) : undefined
    if (!b) {
      fail(r.row, buildingText ? `楼栋不存在：${buildingText.slice(0, 12)}` : '没有填写楼栋（或写成「12号-201」）')
      continue
    }
    const h = byPlace.get(`${b.id}\u0000${normaliseRoom(roomText)}`)
    if (!h) {
      fail(r.row, `房号不存在：${b.name} ${roomText.slice(0, 8)}`)
      continue
    }
    const members = householdMembers(h)
    const values: PlannedEntry['values'] = {}
    const memberIds = new Set<string>()
    let error = ''
    for (const f of fields) {
      const col = colOf.get(f.id)
      const read = readCell(f, col === undefined ? '' : cell(r, col), members)
      if (read.error) {
        error = read.error
        break
      }
      if (read.value !== undefined) {
        values[f.id] = read.value
        if (f.kind === 'member') memberIds.add(read.value as string)
      }
    }
    if (error) {
      fail(r.row, error)
      continue
    }
    plan.entries.push({
      row: r.row,
      householdId: h._id,
      groupId: h.groupId,
      buildingId: h.buildingId,
      floor: h.floor,
      room: h.room,
      buildingOrder: order.get(h.buildingId)?.order ?? 0,
      memberIds: [...memberIds],
      values,
    })
  }
  return plan
}

/** The staged chunks of an import's good rows. */
export function stagedChunks(importId: string, communityId: string, entries: readonly PlannedEntry[]) {
  const out: RegisterImportRowDoc[] = []
  for (let i = 0; i < entries.length; i += STAGE_CHUNK)
    out.push({
      _id: `${importId}:${i / STAGE_CHUNK}`,
      importId,
      communityId,
      seq: i / STAGE_CHUNK,
      entries: entries.slice(i, i + STAGE_CHUNK),
    })
  return out
}

/** An entry an import writes: its id fixed by the import and the row, so a commit run twice writes each once. */
export function importedEntry(
  imp: Pick<RegisterImportDoc, '_id' | 'communityId' | 'typeId'>,
  p: PlannedEntry,
  created: RegisterEntryDoc['created'],
): RegisterEntryDoc {
  const { row, ...rest } = p
  return {
    _id: `${imp._id}:${row}`,
    communityId: imp.communityId,
    typeId: imp.typeId,
    ...rest,
    created,
    importId: imp._id,
  }
}
