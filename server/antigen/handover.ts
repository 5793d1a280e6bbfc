// The rounds' tables a closed community hands over: one workbook, a sheet of every round's totals and one sheet
// per round with its buildings, from the chains' counters only. Counts, no names: the same as every round keeps
// once its results are reduced, so the hand-over promises nothing the retention takes away.
import type { TableRow } from '../../typings/api'
import type { ChainDoc, RoundDoc } from './model'
import { data } from '../platform/cloud'
import { writeWorkbook, type Sheet, type SheetColumn } from '../platform/xlsx'
import { tableOrder, tableRow, totals } from './rules'

type Counters = Omit<ChainDoc, 'entries'>

const COUNT_HEADERS = ['应报户数', '已报户数', '实际人数', '阴性', '异常', '无效', '未测', '未报'] as const
const cols = (first: string[]): SheetColumn[] =>
  [...first, ...COUNT_HEADERS, '已确认'].map((header) => ({ header, width: header.length > 3 ? 12 : 10 }))

type Countable = Pick<TableRow, 'expected' | 'submitted' | 'people' | 'negative' | 'positive' | 'invalid'> &
  Pick<TableRow, 'untested' | 'missing'>
/** A row's counts in the order of the table's columns, 应报户数 … 未报 (the hand-over and the table export). */
export const counts = (r: Countable) => [
  r.expected,
  r.submitted,
  r.people,
  r.negative,
  r.positive,
  r.invalid,
  r.untested,
  r.missing,
]

/** A sheet name Excel accepts (≤ 31 characters, none of []:*?/\), unique in the workbook. */
function sheetName(base: string, taken: Set<string>): string {
  const clean = base.replace(/[[\]:*?/\\]/g, '-').slice(0, 28)
  let name = clean
  for (let i = 2; taken.has(name); i++) name = `${clean}(${i})`
  taken.add(name)
  return name
}

/** The workbook, or null when the community never had a round. */
export async function roundsWorkbook(communityId: string): Promise<{ buffer: Buffer; rounds: number } | null> {
  const rounds = (
    await data.findAll<RoundDoc>('rounds', { communityId }, { fields: { buildingIds: false } as never })
  ).sort((a, b) => a.date.localeCompare(b.date) || new Date(a.openedAt).getTime() - new Date(b.openedAt).getTime())
  if (rounds.length === 0) return null
  const chains = await data.findAll<Counters>(
    'chains',
    { communityId },
    {
      fields: { entries: false, notify: false } as never,
    },
  )
  const byRound = new Map<string, Counters[]>()
  for (const c of chains) byRound.set(c.roundId, [...(byRound.get(c.roundId) ?? []), c])

  const taken = new Set<string>(['各轮合计'])
  const summary: Sheet = { name: '各轮合计', columns: cols(['检测日期', '楼栋数']), rows: [] }
  const sheets: Sheet[] = [summary]
  for (const r of rounds) {
    const mine = byRound.get(r._id) ?? []
    const t = totals(mine)
    ;(summary.rows as (string | number)[][]).push([r.date, t.buildings, ...counts(t), t.confirmed])
    const rows = mine
      .map((c) => ({ ...tableRow({ ...c, entries: {} }), order: c.order }))
      .sort(tableOrder)
      .map((row) => [row.name, row.groupName, ...counts(row), row.confirmed ? '是' : '否'])
    const groups = [...new Set(mine.sort((a, b) => a.order - b.order).map((c) => c.groupId))].map((groupId) => {
      const g = mine.filter((c) => c.groupId === groupId)
      const gt = totals(g)
      return [`${g[0]?.groupName ?? ''} 小计`, '', ...counts(gt), gt.confirmed]
    })
    sheets.push({
      name: sheetName(`${r.date} 抗原检测`, taken),
      columns: cols(['楼道号', '营']),
      rows: [...rows, ...groups, ['合计', '', ...counts(t), t.confirmed]],
    })
  }
  return { buffer: await writeWorkbook(sheets), rounds: rounds.length }
}
