// Ledger files (.xlsx or .csv) to rows of text, each with the row number the committee sees in Excel.
import { AppError } from '../kernel/errors'
import { mapHeader, missingColumns, type ColumnKey, type ColumnMap } from './columns'
import { decodeText, parseCsv } from './csv'
import { isOle2, isZip, readXlsx } from '../platform/xlsx'

export const MAX_FILE_BYTES = 10 * 1024 * 1024

/** How far down a title or notes above the header may push it. */
const HEADER_SEARCH_ROWS = 10

export interface TableRow {
  /** 1-based sheet row number. */
  row: number
  cells: string[]
}

/** One resident as written in the file, every field trimmed text ('' when absent). */
export interface LedgerRow {
  row: number
  building: string
  room: string
  name: string
  phone: string
  birth: string
  flags: string
}

export interface ParsedLedger {
  headerRow: number
  /** Header labels found, by column. */
  columns: ColumnKey[]
  rows: LedgerRow[]
}

const extension = (fileName: string) => /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? ''

/** The file's rows, .xlsx told by its content rather than its name. */
export async function readTable(bytes: Uint8Array, fileName = ''): Promise<TableRow[]> {
  if (bytes.length === 0) throw new AppError('FILE_UNREADABLE', '文件是空的，请检查后重新上传')
  if (bytes.length > MAX_FILE_BYTES)
    throw new AppError('FILE_UNREADABLE', '文件超过 10 MB，请删去照片等无关内容，或按楼栋分成几个文件导入')
  if (isOle2(bytes))
    throw new AppError(
      'FILE_UNREADABLE',
      '这是旧版 Excel（.xls）或加密的文件，请在 Excel 中「另存为」.xlsx 格式（不设密码）后再上传',
    )
  if (isZip(bytes)) {
    try {
      return await readXlsx(bytes)
    } catch {
      throw new AppError('FILE_UNREADABLE', '无法读取这个 .xlsx 文件，请确认文件没有损坏，或另存为 .xlsx 后重新上传')
    }
  }
  if (extension(fileName) === 'xlsx')
    throw new AppError('FILE_UNREADABLE', '这个文件不是有效的 .xlsx 表格，请在 Excel 中另存为 .xlsx 后重新上传')
  const text = decodeText(bytes)
  if (text.includes('\u0000')) throw new AppError('FILE_UNREADABLE', '无法识别文件格式，请上传 .xlsx 或 .csv 表格')
  return parseCsv(text).map((cells, i) => ({ row: i + 1, cells }))
}

const isBlank = (cells: readonly string[]) => cells.every((c) => c.trim() === '')

/** A building given in two columns (楼号 + 单元) is one 楼道: 「3号楼」+「2」→「3号楼2单元」. */
function joinUnit(building: string, unit: string): string {
  if (!building || !unit) return building
  return /^\d+$/.test(unit) ? `${building}${unit}单元` : `${building}${unit}`
}

/** Rows of residents with their columns found by header; FILE_UNREADABLE naming missing required columns. */
export async function parseLedger(bytes: Uint8Array, fileName = ''): Promise<ParsedLedger> {
  const table = await readTable(bytes, fileName)
  const candidates = table.filter((r) => !isBlank(r.cells)).slice(0, HEADER_SEARCH_ROWS)
  const header = candidates.find((r) => missingColumns(mapHeader(r.cells)).length === 0)
  if (!header) {
    const first = candidates[0]
    if (!first) throw new AppError('FILE_UNREADABLE', '表格里没有内容，请检查后重新上传')
    const missing = missingColumns(mapHeader(first.cells))
    throw new AppError(
      'FILE_UNREADABLE',
      `表格缺少必需的列：${missing.join('、')}。请在第一行写明列名，如「楼栋、房号、姓名、电话、出生年份、标记」`,
    )
  }
  const map: ColumnMap = mapHeader(header.cells)
  const cell = (cells: readonly string[], key: ColumnKey) => {
    const i = map[key]
    return i === undefined ? '' : (cells[i] ?? '').trim()
  }
  const rows: LedgerRow[] = []
  for (const r of table) {
    if (r.row <= header.row || isBlank(r.cells)) continue
    rows.push({
      row: r.row,
      building: joinUnit(cell(r.cells, 'building'), cell(r.cells, 'unit')),
      room: cell(r.cells, 'room'),
      name: cell(r.cells, 'name'),
      phone: cell(r.cells, 'phone'),
      birth: cell(r.cells, 'birth'),
      flags: cell(r.cells, 'flags'),
    })
  }
  const columns = (Object.keys(map) as ColumnKey[]).sort((a, b) => (map[a] ?? 0) - (map[b] ?? 0))
  return { headerRow: header.row, columns, rows }
}
