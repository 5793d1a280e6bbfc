// Ledger files to rows: .xlsx built here with exceljs (the library the import uses), CSV in its many shapes.
import ExcelJS from 'exceljs'
import { AppError } from '../../server/kernel'
import { mapHeader, missingColumns } from '../../server/ledger/columns'
import { decodeText, parseCsv } from '../../server/ledger/csv'
import { parseLedger, readTable } from '../../server/ledger/parse'
import { cellText, writeXlsx } from '../../server/platform/xlsx'

const utf8 = (s: string) => new TextEncoder().encode(s)

async function xlsx(build: (ws: ExcelJS.Worksheet) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook()
  build(wb.addWorksheet('Sheet1'))
  return new Uint8Array(await wb.xlsx.writeBuffer())
}

async function unreadable(bytes: Uint8Array, fileName = 'x.csv'): Promise<AppError> {
  try {
    await parseLedger(bytes, fileName)
  } catch (err) {
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('FILE_UNREADABLE')
    return err as AppError
  }
  throw new Error('expected FILE_UNREADABLE')
}

describe('parseCsv', () => {
  it('follows RFC 4180: quoted commas, doubled quotes and line breaks inside quotes', () => {
    expect(parseCsv('a,"b,c","say ""hi""","two\r\nlines"\r\nd,,f\r\n')).toEqual([
      ['a', 'b,c', 'say "hi"', 'two\r\nlines'],
      ['d', '', 'f'],
    ])
  })

  it('accepts LF, CR and a last line without a line break', () => {
    expect(parseCsv('a,b\nc,d\re,f')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
    ])
  })

  it('keeps empty trailing fields and a quoted empty field', () => {
    expect(parseCsv('a,,\n"",b\n')).toEqual([
      ['a', '', ''],
      ['', 'b'],
    ])
  })

  it('reads tab-separated text (Excel "Unicode text")', () => {
    expect(parseCsv('楼栋\t房号\n3号\t201\n')).toEqual([
      ['楼栋', '房号'],
      ['3号', '201'],
    ])
  })
})

describe('decodeText', () => {
  it('strips a UTF-8 BOM', () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('楼栋')]))).toBe('楼栋')
  })

  it('decodes GBK when the bytes are not valid UTF-8', () => {
    expect(decodeText(new Uint8Array([0xc2, 0xa5, 0xb6, 0xb0]))).toBe('楼栋')
  })

  it('decodes UTF-16LE with its BOM', () => {
    const text = '楼栋\t房号'
    const bytes = new Uint8Array(2 + text.length * 2)
    bytes.set([0xff, 0xfe])
    for (let i = 0; i < text.length; i++) {
      bytes[2 + i * 2] = text.charCodeAt(i) & 0xff
      bytes[3 + i * 2] = text.charCodeAt(i) >> 8
    }
    expect(decodeText(bytes)).toBe(text)
  })
})

describe('header aliases', () => {
  it.each([
    [['楼栋', '房号', '姓名', '电话', '出生年份', '标记']],
    [['楼号', '室', '名字', '手机', '出生年', '特殊人群']],
    [['楼道', '房间号', '姓名', '手机号', '生年', '人员类别']],
    [['楼栋号', '门牌', '姓名', '联系电话', '出生日期', '标记']],
    [['单元', '房号', '姓名', '电话', '出生年份', '标记']],
  ])('%j maps every column', (header) => {
    const map = mapHeader(header)
    expect(map).toEqual({ building: 0, room: 1, name: 2, phone: 3, birth: 4, flags: 5 })
  })

  it('ignores decoration: spaces, required marks, hints in brackets, full-width letters', () => {
    expect(mapHeader([' 楼 栋 ', '房号*', '姓名（必填）', '电话(手机)', '出生年份【YYYY】'])).toEqual({
      building: 0,
      room: 1,
      name: 2,
      phone: 3,
      birth: 4,
    })
  })

  it('names the required columns that are missing', () => {
    expect(missingColumns(mapHeader(['姓名', '电话']))).toEqual(['楼栋', '房号'])
  })
})

describe('parseLedger (CSV)', () => {
  it('reads a UTF-8 CSV with BOM and CRLF, trims cells, numbers rows as Excel does, skips blank rows', async () => {
    const csv =
      '\uFEFF楼栋,房号,姓名,电话,出生年份,标记\r\n 3号楼 ,201, 张三 ,138 1234 5678,1950,独居\r\n,,,,,\r\n3号楼,202,李四,,,\r\n'
    const parsed = await parseLedger(utf8(csv), '台账.csv')
    expect(parsed.headerRow).toBe(1)
    expect(parsed.rows).toEqual([
      { row: 2, building: '3号楼', room: '201', name: '张三', phone: '138 1234 5678', birth: '1950', flags: '独居' },
      { row: 4, building: '3号楼', room: '202', name: '李四', phone: '', birth: '', flags: '' },
    ])
  })

  it('reads a GBK CSV as Excel on Chinese Windows saves it, quotes and all', async () => {
    const gbk = Buffer.from(
      'c2a5b6b02cb7bfbac52cd0d5c3fb2ccad6bbfabac52cb3f6c9fac4eab7dd2cb1eabcc70d0a33bac5c2a52c3230312cd5c5c8fd2c31333831323334353637382c313935302f332f322cb6c0bed30d0a2233bac5c2a5222c22323032222c22c0eecbc4a3accdf5222c2c313938352c0d0a',
      'hex',
    )
    const parsed = await parseLedger(new Uint8Array(gbk), 'gbk.csv')
    expect(parsed.rows).toEqual([
      { row: 2, building: '3号楼', room: '201', name: '张三', phone: '13812345678', birth: '1950/3/2', flags: '独居' },
      { row: 3, building: '3号楼', room: '202', name: '李四，王', phone: '', birth: '1985', flags: '' },
    ])
  })

  it('counts a line break inside quotes as part of its row, not a new one', async () => {
    const parsed = await parseLedger(utf8('楼栋,房号,姓名,标记\n3号,201,"张三","独居\n慢病"\n3号,202,李四,\n'))
    expect(parsed.rows.map((r) => [r.row, r.flags])).toEqual([
      [2, '独居\n慢病'],
      [3, ''],
    ])
  })

  it('finds the header below a title row and keeps the sheet row numbers', async () => {
    const parsed = await parseLedger(utf8('阳光小区住户台账,,\n,,\n楼号,室,名字\n3号,201,张三\n'))
    expect(parsed.headerRow).toBe(3)
    expect(parsed.rows).toEqual([
      { row: 4, building: '3号', room: '201', name: '张三', phone: '', birth: '', flags: '' },
    ])
  })

  it('joins a 楼号 column and a 单元 column into one building', async () => {
    const parsed = await parseLedger(utf8('楼号,单元,房号,姓名\n3号楼,2,201,张三\n3号楼,东单元,201,李四\n'))
    expect(parsed.rows.map((r) => r.building)).toEqual(['3号楼2单元', '3号楼东单元'])
  })

  it('refuses a file without the required columns, naming them in Chinese', async () => {
    const err = await unreadable(utf8('姓名,电话\n张三,13812345678\n'))
    expect(err.message).toContain('表格缺少必需的列：楼栋、房号')
  })

  it('refuses an empty file, an old .xls and a damaged .xlsx', async () => {
    expect((await unreadable(new Uint8Array())).message).toContain('空')
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0])
    expect((await unreadable(xls, '台账.xls')).message).toContain('.xlsx')
    await unreadable(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]), '台账.xlsx')
    await unreadable(utf8('not a workbook'), '台账.xlsx')
    await unreadable(new Uint8Array([0x00, 0x01, 0x02, 0xff]), 'data.bin')
  })
})

describe('parseLedger (.xlsx)', () => {
  it('reads text, numbers, Excel dates, rich text, formulas and merged building cells', async () => {
    const bytes = await xlsx((ws) => {
      ws.addRow(['楼栋', '房号', '姓名', '手机号', '出生年份', '标记'])
      ws.addRow(['12号', 201, '张三', 13812345678, new Date(Date.UTC(1950, 2, 2)), '独居、慢病'])
      ws.addRow([null, '202', { richText: [{ text: '李' }, { text: '四' }] }, '', 1985, null])
      ws.addRow([null, { formula: '200+3', result: 203 }, '王五', null, '1960/5/6', '孕妇'])
      ws.mergeCells('A2:A4')
      ws.getCell('E2').numFmt = 'yyyy-mm-dd'
    })
    const parsed = await parseLedger(bytes, '台账.xlsx')
    expect(parsed.rows).toEqual([
      {
        row: 2,
        building: '12号',
        room: '201',
        name: '张三',
        phone: '13812345678',
        birth: '1950-03-02',
        flags: '独居、慢病',
      },
      { row: 3, building: '12号', room: '202', name: '李四', phone: '', birth: '1985', flags: '' },
      { row: 4, building: '12号', room: '203', name: '王五', phone: '', birth: '1960/5/6', flags: '孕妇' },
    ])
  })

  it('keeps sheet row numbers across empty rows and skips an empty first sheet', async () => {
    const wb = new ExcelJS.Workbook()
    wb.addWorksheet('说明')
    const ws = wb.addWorksheet('台账')
    ws.getCell('A1').value = '楼栋'
    ws.getCell('B1').value = '房号'
    ws.getCell('C1').value = '姓名'
    ws.getRow(7).values = ['5号', '1502', '赵六']
    const parsed = await parseLedger(new Uint8Array(await wb.xlsx.writeBuffer()), 'a.xlsx')
    expect(parsed.rows).toEqual([
      { row: 7, building: '5号', room: '1502', name: '赵六', phone: '', birth: '', flags: '' },
    ])
  })

  it('reads what writeXlsx writes (the export), text columns staying text', async () => {
    const buffer = await writeXlsx(
      '住户台账',
      [
        { header: '楼栋', width: 10, text: true },
        { header: '房号', width: 10, text: true },
        { header: '姓名', width: 10, text: true },
        { header: '电话', width: 10, text: true },
      ],
      [['3号', '0201', '张三', '02164001234']],
    )
    const table = await readTable(new Uint8Array(buffer), 'x.xlsx')
    expect(table).toEqual([
      { row: 1, cells: ['楼栋', '房号', '姓名', '电话'] },
      { row: 2, cells: ['3号', '0201', '张三', '02164001234'] },
    ])
  })
})

describe('cellText', () => {
  it('turns every exceljs value shape into the text a person sees', () => {
    expect(cellText(null)).toBe('')
    expect(cellText(1950)).toBe('1950')
    expect(cellText(true)).toBe('TRUE')
    expect(cellText(new Date(Date.UTC(1949, 9, 1)))).toBe('1949-10-01')
    expect(cellText({ text: '链接', hyperlink: 'https://example.com' })).toBe('链接')
    expect(cellText({ sharedFormula: 'A1', result: '张三' } as never)).toBe('张三')
    expect(cellText({ error: '#N/A' } as never)).toBe('')
  })
})
