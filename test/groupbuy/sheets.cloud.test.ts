// The printable files of a closed buy through the sheets function on localcloud: the .xlsx read back with exceljs
// (and its sheet XML where exceljs does not read a setting back) against the orders: rooms in walking order, totals,
// one label per piece numbered 总i/N(本楼j/M), A4 page setup, print titles, row breaks, the label grid's sizes;
// who may print what, phones only for the committee on request, a buy not closed refused, every file recorded.
import type ExcelJS from 'exceljs'
import type { Envelope, ExportFile } from '../../typings/api'
import type { ExportDoc } from '../../server/platform/exports'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { B, H, loadFixture, manyHouseholds, snapshot, WHO } from '../support/community'
import { addShops, SHOPS } from '../support/buys'
import { buyDoc, orderDoc, putBuy } from '../support/closedbuy'
import { LABEL_COLUMN_WIDTH, LABEL_HEIGHT_PT, LABEL_MARGINS } from '../../server/platform/printsheets'
import { cellText as text, openExport, rowBreaks, rowsOf } from '../support/printfiles'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())

const BUY = 'buy-closed'
const buy = buyDoc(BUY)
const many = manyHouseholds(30)
/** 接龙号 in the order they ordered: not the rooms' order. */
const ORDERS = [
  orderDoc(buy, H.b3r301, { i1: 3 }, 1),
  orderDoc(buy, H.b1r201, { i1: 1 }, 2),
  orderDoc(buy, H.b1r101, { i1: 2, i2: 24 }, 3, { note: '放门口' }),
  orderDoc(buy, H.b1r102, { i1: 5 }, 4, { status: 'cancelled' }),
  orderDoc(buy, H.b2r101, { i2: 12 }, 5),
  ...many.map((h, i) => orderDoc(buy, h, { i1: 1 }, 6 + i)),
]
/** Pieces handed over: 1号 2 + 2 cases + 1 + 30, 2号 1 case, 3号 3 bags. */
const PIECES = { b1: 35, b2: 1, b3: 3, all: 39 }

beforeEach(async () => {
  await loadFixture(t)
  await addShops(t)
  await putBuy(t, buy, ORDERS, many)
})

const exportBuy = (openid: string, payload: object) =>
  t.call<Envelope<ExportFile>>('sheets', { action: 'exportBuy', payload: { buyId: BUY, ...payload } }, openid)

const fetchFile = (openid: string, payload: object) => openExport(t, exportBuy(openid, payload))

describe('sorting lists', () => {
  it('one A4 worksheet per building in the community’s order, rooms in walking order, a 合计 and a tick column', async () => {
    const { wb, out } = await fetchFile(WHO.committee, { sheet: 'sorting' })
    expect(out.fileName).toBe('分拣单-周末蔬菜团.xlsx')
    expect(wb.worksheets.map((w) => w.name)).toEqual(['1号', '2号', '3号', '按商品'])
    const b1 = wb.getWorksheet('1号') as ExcelJS.Worksheet
    const rows = rowsOf(b1)
    expect(rows[0]?.[0]).toBe('分拣单：1号　周末蔬菜团')
    expect(rows[2]).toEqual(['接龙号', '楼-室', '收货人', '商品与数量', '件数', '金额（元）', '备注', '配送完成'])
    const body = rows.slice(3)
    // 101, 201, then 1001 … 1308 (never 1001 before 201); the cancelled 102 is not there.
    expect(body.map((r) => r[1]).slice(0, 4)).toEqual(['1-101', '1-201', '1-1001', '1-1002'])
    expect(body.map((r) => r[1])).not.toContain('1-102')
    expect(body[0]).toEqual([
      '3',
      '1-101',
      '张三、李四',
      '土豆 500g/袋 2袋\n鸡蛋 12个/箱 2箱（24个）',
      '4',
      '31',
      '放门口',
      '',
    ])
    const total = body.at(-1) as string[]
    expect(total.slice(0, 3)).toEqual(['', '合计', '32户'])
    expect(total[3]).toBe('土豆 500g/袋 33袋\n鸡蛋 12个/箱 2箱（24个）')
    expect(Number(total[4])).toBe(PIECES.b1)
    expect(Number(total[5])).toBeCloseTo((33 * 350 + 24 * 100) / 100)
    expect(body).toHaveLength(32 + 1)
  })

  it('sets up every building’s sheet for A4 portrait, one page wide, its title and headers on every page', async () => {
    const { wb, xml } = await fetchFile(WHO.committee, { sheet: 'sorting' })
    for (const ws of wb.worksheets.slice(0, 3)) {
      expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1 })
      expect(ws.pageSetup.fitToHeight).toBe(0)
      expect(ws.pageSetup.printTitlesRow).toBe('1:3')
      expect(ws.headerFooter.oddFooter).toContain('第 &P 页，共 &N 页')
    }
    // Each product of the per-product sheet starts a page: one break before the second product's heading.
    const product = wb.getWorksheet('按商品') as ExcelJS.Worksheet
    const rows = rowsOf(product)
    expect(rows.map((r) => r[0]).filter((c) => c.startsWith('派送单'))).toEqual([
      '派送单——土豆 500g/袋（共 36 份）',
      '派送单——鸡蛋 12个/箱（共 3 份）',
    ])
    const eggs = rows.findIndex((r) => r[0]?.startsWith('派送单——鸡蛋'))
    expect(rowBreaks(await xml(4))).toEqual([eggs])
    expect(product.pageSetup.printTitlesRow).toBe('1:2')
  })

  it('shows a shop masked names, a lead its building in full, nobody phones unless the committee asks', async () => {
    const shop = await fetchFile(SHOPS.approved, { sheet: 'sorting' })
    expect(rowsOf(shop.wb.getWorksheet('1号') as ExcelJS.Worksheet)[3]?.[2]).toBe('张*、李*')
    const lead = await fetchFile(WHO.buildingLead, { sheet: 'sorting', buildingId: 'b1' })
    expect(lead.wb.worksheets.map((w) => w.name)).toEqual(['1号', '按商品'])
    const leadRows = rowsOf(lead.wb.getWorksheet('1号') as ExcelJS.Worksheet)
    expect(leadRows[3]?.[2]).toBe('张三、李四')
    expect(leadRows[2]).not.toContain('电话')
    expect(JSON.stringify(leadRows)).not.toContain('13800001111')
    const withPhones = await fetchFile(WHO.committee, { sheet: 'sorting', phones: true })
    const rows = rowsOf(withPhones.wb.getWorksheet('1号') as ExcelJS.Worksheet)
    expect(rows[2]?.[3]).toBe('电话')
    expect(rows[3]?.[3]).toBe('13800001111、13800002222')
    expect(withPhones.out.fileName).toBe('分拣单-周末蔬菜团-含电话.xlsx')
  })
})

describe('labels', () => {
  it('prints one label per piece, building → room → item, numbered over the buy and the building', async () => {
    const { wb, out } = await fetchFile(WHO.committee, { sheet: 'labels' })
    expect(out.fileName).toBe('标签-周末蔬菜团.xlsx')
    const ws = wb.worksheets[0] as ExcelJS.Worksheet
    const cells: string[] = []
    ws.eachRow((r) => r.eachCell((c) => text(c.value) && cells.push(text(c.value))))
    expect(cells).toHaveLength(PIECES.all)
    expect(cells[0]).toBe('1-101\n张三、李四\n土豆 500g/袋　1袋\n总1/39(本楼1/35)\n老王蔬菜店')
    expect(cells[2]).toBe('1-101\n张三、李四\n鸡蛋 12个/箱　1箱（12个）\n总3/39(本楼3/35)\n老王蔬菜店')
    expect(cells.map((c) => /总(\d+)\/39/.exec(c)?.[1])).toEqual(cells.map((_, i) => String(i + 1)))
    expect(cells[35]).toContain('2-101')
    expect(cells[35]).toContain('总36/39(本楼1/1)')
    expect(cells.at(-1)).toContain('总39/39(本楼3/3)')
    // 楼-室 large and bold, the rest small.
    const first = ws.getCell('A1').value as ExcelJS.CellRichTextValue
    expect(first.richText[0]).toMatchObject({ text: '1-101\n', font: { size: 30, bold: true } })
    expect(first.richText[1]?.font?.size).toBeLessThanOrEqual(12)
    expect(ws.getCell('A1').alignment).toMatchObject({ wrapText: true, horizontal: 'center', vertical: 'middle' })
    expect(JSON.stringify(cells)).not.toContain('1380000')
  })

  it('lays the labels out as 3 × 5 per A4 page sized to 6.9 × 5.3 cm', async () => {
    const { wb, xml } = await fetchFile(WHO.committee, { sheet: 'labels' })
    const ws = wb.worksheets[0] as ExcelJS.Worksheet
    // 195.6 pt wide: (195.6 × 96/72 − 5) / 7 = 36.54 characters; 150.2 pt tall.
    expect(LABEL_COLUMN_WIDTH).toBe(36.54)
    expect(LABEL_HEIGHT_PT).toBe(150.2)
    expect([1, 2, 3].map((c) => ws.getColumn(c).width)).toEqual([36.54, 36.54, 36.54])
    const rows = Math.ceil(PIECES.all / 3)
    for (let r = 1; r <= rows; r++) expect(ws.getRow(r).height).toBe(150.2)
    // A page break after every fifth row of labels: 15 a page.
    expect(rowBreaks(await xml(1))).toEqual([5, 10])
    expect(ws.pageSetup).toMatchObject({
      paperSize: 9,
      orientation: 'portrait',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      verticalCentered: true,
      printArea: `A1:C${rows}`,
    })
    // 0.15 cm left and right of 20.7 cm of labels, 1.6 cm above and below 26.5 cm: A4's 21 × 29.7 cm.
    expect(ws.pageSetup.margins).toEqual(LABEL_MARGINS)
    const cm = (inches: number) => inches * 2.54
    expect(cm(LABEL_MARGINS.left + LABEL_MARGINS.right) + 3 * 6.9).toBeCloseTo(21, 2)
    expect(cm(LABEL_MARGINS.top + LABEL_MARGINS.bottom) + 5 * 5.3).toBeCloseTo(29.7, 2)
  })

  it('gives a lead its building’s labels with the buy’s numbering, and the committee phones when asked', async () => {
    const lead = await fetchFile(WHO.buildingLead, { sheet: 'labels', buildingId: 'b1' })
    const cells: string[] = []
    lead.wb.worksheets[0]?.eachRow((r) => r.eachCell((c) => text(c.value) && cells.push(text(c.value))))
    expect(cells).toHaveLength(PIECES.b1)
    expect(cells.every((c) => c.startsWith('1-'))).toBe(true)
    const phones = await fetchFile(WHO.committee, { sheet: 'labels', buildingId: 'b3', phones: true })
    const only = text(phones.wb.worksheets[0]?.getCell('A1').value ?? null)
    expect(only).toBe('3-301\n孙八 13800006666\n土豆 500g/袋　1袋\n总37/39(本楼1/3)\n老王蔬菜店')
  })
})

describe('purchase list', () => {
  it('totals each item and spec for the shop, on one A4 sheet', async () => {
    const { wb, out } = await fetchFile(SHOPS.approved, { sheet: 'purchase' })
    expect(out.fileName).toBe('采购单-周末蔬菜团.xlsx')
    expect(wb.worksheets.map((w) => w.name)).toEqual(['采购单'])
    const ws = wb.worksheets[0] as ExcelJS.Worksheet
    const rows = rowsOf(ws)
    expect(rows[3]).toEqual([
      '序号',
      '商品',
      '规格',
      '单位',
      '每件',
      '数量',
      '件数',
      '单价（元）',
      '金额（元）',
      '户数',
    ])
    expect(rows[4]).toEqual(['1', '土豆', '500g/袋', '袋', '', '36', '36', '3.5', '126', '33'])
    expect(rows[5]).toEqual(['2', '鸡蛋', '12个/箱', '个', '12个/箱', '36', '3', '1', '36', '2'])
    expect(rows[6]).toEqual(['', '合计', '', '', '', '', '39', '', '162', '34'])
    expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'portrait', fitToWidth: 1, printTitlesRow: '1:4' })
  })
})

describe('who may print what', () => {
  const FORBIDDEN = { ok: false, code: 'FORBIDDEN' }
  it.each<[string, string, object]>([
    ['a resident', WHO.resident, { sheet: 'sorting' }],
    ['a building lead, for the purchase list', WHO.buildingLead, { sheet: 'purchase', buildingId: 'b1' }],
    ['a building lead, for the whole buy', WHO.buildingLead, { sheet: 'sorting' }],
    ['a building lead, for another building', WHO.buildingLead, { sheet: 'labels', buildingId: 'b2' }],
    ['a 团长 who did not make the buy', WHO.communityLead, { sheet: 'purchase' }],
    ['another community’s committee', WHO.otherCommittee, { sheet: 'sorting' }],
    ['a floor lead', WHO.floorLead, { sheet: 'sorting', buildingId: 'b1' }],
    ['the shop, asking for phones', SHOPS.approved, { sheet: 'labels', phones: true }],
    ['a lead, asking for phones', WHO.buildingLead, { sheet: 'labels', buildingId: 'b1', phones: true }],
  ])('refuses %s (FORBIDDEN), writing nothing', async (_who, openid, payload) => {
    const before = await snapshot(t)
    expect(await exportBuy(openid, payload)).toMatchObject(FORBIDDEN)
    expect(await snapshot(t)).toBe(before)
  })

  it('refuses a buy not yet closed: 截单后才能打印', async () => {
    await t.data.update('buys', BUY, { status: 'open' })
    const before = await snapshot(t)
    const out = await exportBuy(WHO.committee, { sheet: 'labels' })
    expect(out).toMatchObject({ ok: false, code: 'CONFLICT' })
    expect(!out.ok && out.message).toContain('截单后才能打印')
    expect(await snapshot(t)).toBe(before)
  })

  it('refuses bad input with the field named, and an unknown buy as FORBIDDEN', async () => {
    expect(await exportBuy(WHO.committee, { sheet: 'pdf' })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await exportBuy(WHO.committee, { sheet: 'labels', phones: 'yes' })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
    })
    expect(
      await t.call('sheets', { action: 'exportBuy', payload: { buyId: 'nope', sheet: 'labels' } }, WHO.committee),
    ).toMatchObject(FORBIDDEN)
    expect(await exportBuy(WHO.committee, { sheet: 'labels', buildingId: B.x1._id })).toMatchObject(FORBIDDEN)
  })

  it('records every file in exports, deleted a day later like the other exports', async () => {
    const { out } = await fetchFile(WHO.committee, { sheet: 'labels' })
    const [rec] = await t.data.find<ExportDoc>('exports', { fileID: out.fileID })
    expect(rec).toMatchObject({ communityId: 'c1', kind: 'groupbuy', by: WHO.committee, fileName: out.fileName })
    expect(new Date(rec!.expiresAt!).getTime() - new Date(rec!.createdAt).getTime()).toBe(86_400_000)
  })
})
