// Reading back a printable file an export answered: the .xlsx through exceljs, and its sheet XML where exceljs does
// not read a setting back (row breaks).
import ExcelJS from 'exceljs'
import JSZip from 'jszip' // exceljs's own zip library (its dependency): reads what exceljs does not parse back
import type { Envelope, ExportFile } from '../../typings/api'
import type { TestCloud } from './localcloud'

/** The file of a successful export, opened. */
export async function openExport(t: TestCloud, answer: Promise<Envelope<ExportFile>>) {
  const out = await answer
  if (!out.ok) throw new Error(`${out.code} ${out.message}`)
  const file = (await t.sdk.downloadFile({ fileID: out.data.fileID })) as { fileContent: Buffer }
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(file.fileContent as never)
  const zip = await JSZip.loadAsync(file.fileContent)
  /** The XML of the n-th worksheet (1-based). */
  const xml = (n: number) => zip.file(`xl/worksheets/sheet${n}.xml`)?.async('string') as Promise<string>
  return { out: out.data, wb, xml }
}

export const cellText = (v: ExcelJS.CellValue): string =>
  v && typeof v === 'object' && 'richText' in v
    ? v.richText.map((r) => r.text).join('')
    : v === null || v === undefined
      ? ''
      : String(v)

/** Every row as the text of each of the sheet's columns ('' for an empty cell). */
export const rowsOf = (ws: ExcelJS.Worksheet | undefined) => {
  const out: string[][] = []
  ws?.eachRow((r) => out.push(Array.from({ length: ws.columnCount }, (_, c) => cellText(r.getCell(c + 1).value))))
  return out
}

/** The rows a manual page break follows (1-based row numbers). */
export const rowBreaks = (xml: string) => [...xml.matchAll(/<brk id="(\d+)"/g)].map((m) => Number(m[1]))
