// Spreadsheets laid out to be printed (the lists and labels of a closed buy): A4 portrait page setup, title and
// header rows repeated on every page, manual page breaks, and a label grid sized to 6.9 × 5.3 cm label sheets.
// The layout is set in the file (exceljs), so Excel, WPS and the phone's viewer (wx.openDocument) print it as meant.
//
// Why .xlsx and not a PDF: a PDF that shows Chinese has to embed a CJK font, and a subset made at run time needs the
// full font (10–20 MB for Noto Sans CJK) in the function package or storage plus a font-subsetting library: several
// times the size of the whole sheets function, loaded on every cold start of the export. A spreadsheet names its
// font and every phone, PC and print shop has a CJK one; the page setup below makes it print as a PDF would.
import type { Borders, PageSetup, Worksheet } from 'exceljs'
import { newWorkbook } from './xlsx'

// ---------- units ----------

export const CM_PER_INCH = 2.54
/** Points per centimetre (72 pt to the inch). */
export const PT_PER_CM = 72 / CM_PER_INCH
/** Pixels per point at the 96 dpi Excel lays columns out in. */
const PX_PER_PT = 96 / 72
/**
 * Maximum digit width in pixels of the workbook's Normal font (exceljs writes Calibri 11, whose digits are 7 px
 * wide at 96 dpi): the unit of a column width.
 */
export const MAX_DIGIT_PX = 7
/** Excel adds this much padding (2 px each side and 1 px of grid line) to a column's characters. */
export const COLUMN_PADDING_PX = 5

/**
 * The column width (in characters, what exceljs and Excel store) that makes a column `pt` points wide. Excel draws a
 * column of width w at trunc(w × mdw + 5) pixels (ECMA-376 §18.3.1.13 `width`), so w = (pixels − 5) / mdw, with
 * pixels = points × 96 / 72. A 6.9 cm label: 195.6 pt = 260.8 px → (260.8 − 5) / 7 = 36.54 characters.
 */
export const columnWidthForPoints = (pt: number) =>
  Math.round(((pt * PX_PER_PT - COLUMN_PADDING_PX) / MAX_DIGIT_PX) * 100) / 100

/** What a column of `width` characters measures when printed, in points (the inverse, before Excel's rounding). */
export const pointsForColumnWidth = (width: number) => (width * MAX_DIGIT_PX + COLUMN_PADDING_PX) / PX_PER_PT

const inches = (cm: number) => Math.round((cm / CM_PER_INCH) * 10000) / 10000

/** A4 in centimetres. */
export const A4_CM = { width: 21, height: 29.7 }

/** Label sheets: 3 across, 5 down, 6.9 × 5.3 cm each (3 × 6.9 = 20.7 cm, 5 × 5.3 = 26.5 cm of the A4 page). */
export const LABEL_GRID = { columns: 3, rows: 5, widthCm: 6.9, heightCm: 5.3 }
/** 195.6 pt, 150.2 pt. */
export const LABEL_WIDTH_PT = Math.round(LABEL_GRID.widthCm * PT_PER_CM * 10) / 10
export const LABEL_HEIGHT_PT = Math.round(LABEL_GRID.heightCm * PT_PER_CM * 10) / 10
export const LABEL_COLUMN_WIDTH = columnWidthForPoints(LABEL_WIDTH_PT)
/**
 * The page's margins around the grid, in inches (Excel's unit): what is left of A4's width and height, split
 * evenly: (21 − 20.7) / 2 = 0.15 cm left and right, (29.7 − 26.5) / 2 = 1.6 cm top and bottom, no header or footer
 * (they would push the grid). Centred on the page as well, so Excel's pixel rounding of the widths stays centred.
 */
export const LABEL_MARGINS = {
  left: inches((A4_CM.width - LABEL_GRID.columns * LABEL_GRID.widthCm) / 2),
  right: inches((A4_CM.width - LABEL_GRID.columns * LABEL_GRID.widthCm) / 2),
  top: inches((A4_CM.height - LABEL_GRID.rows * LABEL_GRID.heightCm) / 2),
  bottom: inches((A4_CM.height - LABEL_GRID.rows * LABEL_GRID.heightCm) / 2),
  header: 0,
  footer: 0,
}

/** Lists' margins in inches: 1.5 cm around, room for a footer with the page number. */
export const LIST_MARGINS = { left: 0.59, right: 0.59, top: 0.71, bottom: 0.71, header: 0.3, footer: 0.3 }

/** exceljs's PaperSize.A4 (a const enum, which an isolated-module build cannot read from the typings). */
export const PAPER_A4 = 9 as PageSetup['paperSize']

// ---------- printed tables ----------

export type PrintCell = string | number | null

export interface PrintColumn {
  header: string
  /** Characters. */
  width: number
  /** Kept as text (rooms like 0201, long numbers). */
  text?: boolean
  /** 分 shown as 元 with two decimals. */
  money?: boolean
  /** Long text wraps in the cell (items, one a line). */
  wrap?: boolean
}

export interface PrintRow {
  cells: PrintCell[]
  /** total: bold with a rule above (合计); section: a heading across the columns (a product, a building). */
  kind?: 'data' | 'total' | 'section'
  /** This row starts a new page (a manual row break after the row before it). */
  pageBreakBefore?: boolean
}

export interface PrintTable {
  /** Worksheet name (made safe and unique). */
  name: string
  /** Lines above the column headers, each across every column; repeated with the headers on every page. */
  title: string[]
  columns: PrintColumn[]
  rows: PrintRow[]
  /** Left part of the footer (the page number is on the right). */
  footer?: string
}

const THIN = { style: 'thin' as const, color: { argb: 'FF808080' } }
const GRID: Partial<Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN }
const BODY_FONT = { size: 12 }

/** A worksheet name Excel accepts: at most 31 characters, none of : \ / ? * [ ], unique in the workbook. */
export function sheetName(wanted: string, taken: Set<string>): string {
  const base =
    wanted
      .replace(/[:\\/?*[\]]/g, '_')
      .replace(/^'+|'+$/g, '')
      .slice(0, 28) || '表'
  let name = base
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base.slice(0, 27 - String(i).length)}(${i})`
  taken.add(name.toLowerCase())
  return name
}

/** Text for a header or footer: `&` is its escape character. */
const hfText = (s: string) => s.replace(/&/g, '&&')

function setUpPage(ws: Worksheet, repeatRows: number, footer?: string) {
  ws.pageSetup = {
    ...ws.pageSetup,
    paperSize: PAPER_A4,
    orientation: 'portrait',
    // One page wide, as many pages tall as it takes: columns never spill onto a page of their own.
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    horizontalCentered: true,
    margins: LIST_MARGINS,
    ...(repeatRows > 0 ? { printTitlesRow: `1:${repeatRows}` } : {}),
  }
  ws.headerFooter = {
    oddFooter: `&L${hfText(footer ?? '')}&R第 &P 页，共 &N 页`,
  }
}

/**
 * How wide text of the body's 12 pt is, in column-width characters (digits of Calibri 11): a CJK character about
 * 2.5 (measured: LibreOffice wraps 「张三、李四」 in a column of 11), anything else about 1.1.
 */
const textWidth = (s: string) => [...s].reduce((w, c) => w + (/[\u2e80-\uffff]/.test(c) ? 2.5 : 1.1), 0)

/** Lines a cell takes: its written lines, each wrapped at the column's width when the column wraps. */
function linesOf(v: PrintCell, column: PrintColumn | undefined): number {
  if (typeof v !== 'string') return 1
  const room = Math.max(1, (column?.width ?? 10) - 1)
  return v.split('\n').reduce((n, line) => n + (column?.wrap ? Math.max(1, Math.ceil(textWidth(line) / room)) : 1), 0)
}

function addTable(ws: Worksheet, t: PrintTable) {
  const width = t.columns.length
  ws.columns = t.columns.map((c) => ({
    width: c.width,
    style: {
      ...(c.text ? { numFmt: '@' } : c.money ? { numFmt: '0.00' } : {}),
      font: BODY_FONT,
      alignment: { vertical: 'middle' as const, wrapText: c.wrap === true },
    },
  }))
  for (const [i, line] of t.title.entries()) {
    const row = ws.addRow([line])
    ws.mergeCells(row.number, 1, row.number, width)
    row.font = { size: i === 0 ? 16 : 12, bold: i === 0 }
    row.height = i === 0 ? 26 : 18
    row.alignment = { vertical: 'middle', wrapText: true }
  }
  const header = ws.addRow(t.columns.map((c) => c.header))
  header.font = { ...BODY_FONT, bold: true }
  header.height = 22
  header.eachCell((cell) => {
    cell.border = GRID
    cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true }
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFEFEF' } }
  })
  let last = header
  for (const r of t.rows) {
    if (r.pageBreakBefore) last.addPageBreak()
    const values = r.cells.map((v, i) =>
      v === '' || v === null ? null : t.columns[i]?.money && typeof v === 'number' ? v / 100 : v,
    )
    const row = ws.addRow(values)
    if (r.kind === 'section') {
      ws.mergeCells(row.number, 1, row.number, width)
      row.font = { size: 13, bold: true }
      row.height = 22
    } else {
      for (let c = 1; c <= width; c++) row.getCell(c).border = GRID
      if (r.kind === 'total') row.font = { ...BODY_FONT, bold: true }
      // Rows grow with their lines, written or wrapped (a row's height is fixed once set, and the phone's viewer does
      // not measure wrapped text by itself).
      const lines = Math.max(1, ...values.map((v, i) => linesOf(v, t.columns[i])))
      row.height = Math.max(22, lines * 17)
    }
    last = row
  }
  setUpPage(ws, t.title.length + 1, t.footer)
}

/** A workbook of printed tables, one worksheet each, every one set up for A4 with its title and headers repeating. */
export async function writePrintTables(tables: readonly PrintTable[]): Promise<Buffer> {
  const wb = await newWorkbook()
  wb.creator = '邻里接力'
  const taken = new Set<string>()
  for (const t of tables) addTable(wb.addWorksheet(sheetName(t.name, taken)), t)
  return Buffer.from(await wb.xlsx.writeBuffer())
}

// ---------- labels ----------

export interface LabelRun {
  text: string
  /** Points. */
  size: number
  bold?: boolean
}

/** One label: lines of text, each its own size (「楼-室」 large and bold, the rest small). */
export type LabelCell = LabelRun[]

const LABEL_EDGE = { style: 'hair' as const, color: { argb: 'FFBFBFBF' } }

/**
 * Labels on an A4 grid of 3 × 5 (LABEL_GRID): each cell exactly one label (column width and row height from the
 * label's size), a page break after every fifth row, margins that leave exactly the grid (LABEL_MARGINS), fitted one
 * page wide only as a safety net (see below). A hairline edge lets plain paper be cut along it.
 */
export async function writeLabels(name: string, cells: readonly LabelCell[]): Promise<Buffer> {
  const wb = await newWorkbook()
  wb.creator = '邻里接力'
  const ws = wb.addWorksheet(sheetName(name, new Set()))
  const { columns, rows } = LABEL_GRID
  ws.columns = Array.from({ length: columns }, () => ({ width: LABEL_COLUMN_WIDTH }))
  const rowCount = Math.ceil(cells.length / columns)
  for (let r = 0; r < rowCount; r++) {
    const row = ws.getRow(r + 1)
    row.height = LABEL_HEIGHT_PT
    for (let c = 0; c < columns; c++) {
      const label = cells[r * columns + c]
      const cell = row.getCell(c + 1)
      cell.border = { top: LABEL_EDGE, left: LABEL_EDGE, bottom: LABEL_EDGE, right: LABEL_EDGE }
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true }
      if (!label) continue
      cell.value = {
        richText: label.map((run, i) => ({
          text: i < label.length - 1 ? `${run.text}\n` : run.text,
          font: { size: run.size, bold: run.bold === true },
        })),
      }
    }
    if ((r + 1) % rows === 0 && r + 1 < rowCount) row.addPageBreak()
  }
  ws.pageSetup = {
    ...ws.pageSetup,
    paperSize: PAPER_A4,
    orientation: 'portrait',
    // One page wide: at the Normal font's metrics (Calibri, as Excel and WPS measure) the grid is exactly the printable
    // width and prints at 100 %; a viewer that measures a character wider (LibreOffice draws these columns 7.2 cm)
    // shrinks it a little instead of pushing the third column onto pages of its own.
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    horizontalCentered: true,
    verticalCentered: true,
    margins: LABEL_MARGINS,
    ...(rowCount > 0 ? { printArea: `A1:${String.fromCharCode(64 + columns)}${rowCount}` } : {}),
  }
  return Buffer.from(await wb.xlsx.writeBuffer())
}
