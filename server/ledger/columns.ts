// The ledger's columns: the Chinese headers people write for each, and the headers the export writes.

export type ColumnKey = 'building' | 'unit' | 'room' | 'name' | 'phone' | 'birth' | 'flags'

/** Headers as written in the export, in this order; the import accepts them and every alias below. */
export const EXPORT_HEADERS = ['楼栋', '房号', '姓名', '电话', '出生年份', '标记'] as const

export const COLUMN_LABELS: Record<ColumnKey, string> = {
  building: '楼栋',
  unit: '单元',
  room: '房号',
  name: '姓名',
  phone: '电话',
  birth: '出生年份',
  flags: '标记',
}

const ALIASES: Record<ColumnKey, readonly string[]> = {
  building: ['楼栋', '楼号', '楼道', '楼栋号', '楼道号', '楼栋名称', '楼'],
  unit: ['单元', '单元号'],
  room: ['房号', '室', '房间号', '门牌', '门牌号', '室号'],
  name: ['姓名', '名字'],
  phone: ['电话', '手机', '手机号', '手机号码', '联系电话', '联系方式', '电话号码'],
  birth: ['出生年份', '出生年', '生年', '出生日期', '出生年月'],
  flags: ['标记', '特殊人群', '人员类别', '人群类别'],
}

const REQUIRED: readonly ColumnKey[] = ['building', 'room', 'name']

/** 「 姓名* 」「电话（手机）」「Room」: what is left to compare once decoration is removed. */
export function normaliseHeader(raw: string): string {
  return raw
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\([^)]*\)|\[[^\]]*\]|【[^】]*】/g, '')
    .replace(/[\s*:：]/g, '')
}

const BY_ALIAS = new Map<string, ColumnKey>(
  (Object.entries(ALIASES) as [ColumnKey, readonly string[]][]).flatMap(([key, names]) =>
    names.map((n) => [n, key] as const),
  ),
)

export type ColumnMap = Partial<Record<ColumnKey, number>>

/** Column index of each known header (the first one wins when two headers mean the same thing). */
export function mapHeader(cells: readonly string[]): ColumnMap {
  const map: ColumnMap = {}
  cells.forEach((cell, i) => {
    const key = BY_ALIAS.get(normaliseHeader(cell))
    if (key && map[key] === undefined) map[key] = i
  })
  // A sheet with only 单元 (a 楼道 numbered as a unit) uses it as the building.
  if (map.building === undefined && map.unit !== undefined) {
    map.building = map.unit
    delete map.unit
  }
  return map
}

/** Required columns the header lacks, as Chinese labels. */
export function missingColumns(map: ColumnMap): string[] {
  return REQUIRED.filter((k) => map[k] === undefined).map((k) => COLUMN_LABELS[k])
}
