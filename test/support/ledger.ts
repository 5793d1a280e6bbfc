// Ledger files for tests, built with exceljs (the import's own library).
import ExcelJS from 'exceljs'

export const HEADER = ['楼栋', '房号', '姓名', '电话', '出生年份', '标记']
export type Cell = string | number | Date | null
export type Sheet = Cell[][]

export async function toXlsx(rows: Sheet): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('台账')
  for (const r of rows) ws.addRow(r)
  return Buffer.from(await wb.xlsx.writeBuffer())
}

export function toCsv(rows: Sheet): string {
  const quote = (c: Cell) => {
    const s = c === null ? '' : c instanceof Date ? c.toISOString().slice(0, 10) : String(c)
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
  }
  return rows.map((r) => r.map(quote).join(',')).join('\r\n') + '\r\n'
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高'
const GIVEN = [
  '秀英',
  '建国',
  '桂兰',
  '志强',
  '美华',
  '国平',
  '丽娟',
  '海涛',
  '雪梅',
  '文杰',
  '玉珍',
  '伟',
  '婷',
  '浩然',
  '子涵',
  '明',
  '静',
  '磊',
]

export interface SampleLedger {
  rows: Sheet
  buildings: number
  households: number
  residents: number
  elderly: number
}

/**
 * A community shaped like 钟楼新村: `buildings` buildings named 1号…N号, households spread evenly (rooms
 * 101, 102, 201 …), 2 or 3 residents each, exactly `elderly` residents aged 60+ in `year`.
 */
export function sampleLedger(opts: {
  buildings: number
  households: number
  residents: number
  elderly: number
  year: number
}): SampleLedger {
  const rows: Sheet = [HEADER]
  let person = 0
  let household = 0
  const perBuilding = Math.floor(opts.households / opts.buildings)
  const extra = opts.households - perBuilding * opts.buildings
  const threes = opts.residents - 2 * opts.households
  for (let b = 1; b <= opts.buildings; b++) {
    const count = perBuilding + (b <= extra ? 1 : 0)
    for (let k = 0; k < count; k++) {
      const room = `${Math.floor(k / 2) + 1}0${(k % 2) + 1}`
      const size = household < threes ? 3 : 2
      household++
      for (let m = 0; m < size; m++) {
        const elderly = person < opts.elderly
        const birth = elderly ? opts.year - 60 - (person % 30) : opts.year - 59 + (person % 55)
        const name = `${SURNAMES[person % SURNAMES.length]}${GIVEN[(person * 7) % GIVEN.length]}${m === 0 ? '' : m}`
        const phone = m === 0 ? `139${String(10_000_000 + person).slice(-8)}` : null
        const flags = person % 17 === 0 ? '慢性病' : person % 53 === 0 ? '行动不便' : null
        rows.push([`${b}号`, room, name, phone, birth, flags])
        person++
      }
    }
  }
  return { rows, buildings: opts.buildings, households: household, residents: person, elderly: opts.elderly }
}
