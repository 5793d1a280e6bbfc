// .xlsx through exceljs. It is loaded on first use so the other actions of a function do not pay for it at
// cold start (it is most of the bundle).
import type { CellValue, Workbook } from 'exceljs'

/** A new exceljs workbook (exceljs loaded on first use). */
export async function newWorkbook(): Promise<Workbook> {
  const mod = await import('exceljs')
  // exceljs is CommonJS: the namespace's default is module.exports under both tsc and esbuild interop.
  const ExcelJS = (mod as unknown as { default?: typeof mod }).default ?? mod
  return new ExcelJS.Workbook()
}

/** ZIP local-file header: every .xlsx starts with it. */
export const isZip = (bytes: Uint8Array) =>
  bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04

/** Old binary Excel (.xls, OLE2 compound file). */
export const isOle2 = (bytes: Uint8Array) =>
  bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0

const pad = (n: number) => String(n).padStart(2, '0')

/** A cell as the text a person sees: dates as YYYY-MM-DD, formulas by their result, rich text joined. */
export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(value)
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  // exceljs turns date serials into Dates at UTC midnight.
  if (value instanceof Date)
    return Number.isNaN(value.getTime())
      ? ''
      : `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`
  if ('richText' in value) return value.richText.map((r) => r.text).join('')
  if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: CellValue }).result ?? null)
  if ('hyperlink' in value) return typeof value.text === 'string' ? value.text : ''
  return ''
}

/** The first worksheet with any content, as rows of cell text keyed by their 1-based sheet row number. */
export async function readXlsx(bytes: Uint8Array): Promise<{ row: number; cells: string[] }[]> {
  const wb = await newWorkbook()
  await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as never)
  const sheet = wb.worksheets.find((ws) => ws.actualRowCount > 0)
  if (!sheet) return []
  const rows: { row: number; cells: string[] }[] = []
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = []
    // Merged cells (a building written once over its rows) read as the master cell's value.
    for (let c = 1; c <= row.cellCount; c++) cells.push(cellText(row.getCell(c).value))
    rows.push({ row: rowNumber, cells })
  })
  return rows
}

export interface SheetColumn {
  header: string
  width: number
  /** Stored as text so Excel keeps leading zeros and long digit strings as typed. */
  text?: boolean
}

export interface Sheet {
  name: string
  columns: readonly SheetColumn[]
  rows: readonly (string | number | null)[][]
}

/** A workbook of worksheets, each with a bold frozen header row. */
export async function writeWorkbook(sheets: readonly Sheet[]): Promise<Buffer> {
  const wb = await newWorkbook()
  wb.creator = '邻里接力'
  for (const sheet of sheets) {
    const ws = wb.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] })
    ws.columns = sheet.columns.map((c) => ({
      header: c.header,
      width: c.width,
      ...(c.text ? { style: { numFmt: '@' } } : {}),
    }))
    ws.getRow(1).font = { bold: true }
    for (const r of sheet.rows) ws.addRow(r.map((v) => (v === '' ? null : v)))
  }
  return Buffer.from(await wb.xlsx.writeBuffer())
}

/** One worksheet with a bold frozen header row. */
export function writeXlsx(
  sheetName: string,
  columns: readonly SheetColumn[],
  rows: readonly (string | number | null)[][],
): Promise<Buffer> {
  return writeWorkbook([{ name: sheetName, columns, rows }])
}
