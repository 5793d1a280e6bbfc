// Reading the exports of the tools communities already sell on (快团团 小区团购 and 普通团购, 群接龙) into orders on
// the community's households. Pure: the sheets function reads the file (server/ledger/parse.ts `readTable`) and
// stages what this finds; the groupbuy function resolves and commits it (cloudfunctions/groupbuy/src/imports.ts).
//
// What each tool writes (../shared/docs/anchors-groupbuy-delivery.md):
// - 快团团 小区团购: one row per item of an order (跟团号 repeated), 商品, 规格, 数量, 商品金额, 订单金额, 退款金额,
//   收货人, 联系电话, 详细地址, and the form's 房号 / 楼号 / 弄号 (often written 「楼号（如10）」).
// - 快团团 普通团购: one row per order, no 数量 column: every item in the 商品 cell as `name+qty;\n`.
// - 群接龙: one file per product (its name is the file's), 收货人, 联系电话, 订单总金额, 支付状态, 收货地址 (free text),
//   订购数量, and a 合计 row at the end.
//
// An address becomes a household only when it means exactly one: the building by its name's key
// (`parseBuildingName`, so 3号 / 3号楼 / 3栋 / 三号楼 are one) and the room by `normaliseRoom`. Anything else (no such
// building or room, several buildings or households it could mean, an address with no room in it) is listed with
// the households it could mean, for a person to pick: never guessed.
import type { BuyItemDoc } from './model'
import { AppError } from '../kernel/errors'
import { normaliseHeader } from '../ledger/columns'
import { floorOf, normaliseRoom, parseBuildingName } from '../community/structure'
import { roomOrder } from './lists'

export type ImportFormat = 'ktt-community' | 'ktt-plain' | 'jielong'

export const FORMAT_LABELS: Record<ImportFormat, string> = {
  'ktt-community': '快团团小区团购',
  'ktt-plain': '快团团普通团购',
  jielong: '群接龙',
}

/** Rows of a sheet as text (server/ledger/parse.ts `readTable`). */
export interface SheetRow {
  row: number
  cells: string[]
}

// ---------- columns ----------

type Column =
  | 'ref'
  | 'product'
  | 'spec'
  | 'qty'
  | 'itemAmount'
  | 'orderAmount'
  | 'refund'
  | 'name'
  | 'phone'
  | 'address'
  | 'room'
  | 'building'
  | 'lane'
  | 'payStatus'
  | 'note'

const ALIASES: Record<Column, readonly string[]> = {
  ref: ['跟团号', '订单号', '接龙号'],
  product: ['商品', '商品名称', '商品名'],
  spec: ['规格', '商品规格'],
  qty: ['数量', '订购数量', '购买数量', '商品数量'],
  itemAmount: ['商品金额'],
  orderAmount: ['订单金额', '订单总金额', '实付金额', '支付金额'],
  refund: ['退款金额'],
  name: ['收货人', '收件人', '收货人姓名'],
  phone: ['联系电话', '收货人电话', '手机号', '手机', '电话'],
  address: ['详细地址', '收货地址', '地址'],
  room: ['房号', '室号', '门牌号', '房间号'],
  building: ['楼号', '楼栋', '栋号', '楼栋号'],
  lane: ['弄号', '弄'],
  payStatus: ['支付状态', '订单状态', '付款状态'],
  note: ['团员备注', '备注'],
}

const BY_ALIAS = new Map<string, Column>(
  (Object.entries(ALIASES) as [Column, readonly string[]][]).flatMap(([key, names]) =>
    names.map((n) => [n, key] as const),
  ),
)

type ColumnMap = Partial<Record<Column, number>>

/** 「楼号（如10）」→ 楼号: the forms' hints in full-width brackets go too. */
const headerKey = (cell: string) => normaliseHeader(cell).replace(/（[^）]*）/g, '')

function mapColumns(cells: readonly string[]): ColumnMap {
  const map: ColumnMap = {}
  cells.forEach((cell, i) => {
    const key = BY_ALIAS.get(headerKey(cell))
    if (key && map[key] === undefined) map[key] = i
  })
  return map
}

/** Which tool wrote a header row, or null when it is none of them. */
export function detectFormat(cells: readonly string[]): ImportFormat | null {
  const m = mapColumns(cells)
  const where = m.address !== undefined || m.room !== undefined
  if (m.name === undefined || !where) return null
  if (m.product !== undefined) return m.qty !== undefined ? 'ktt-community' : 'ktt-plain'
  // 群接龙 names no product: one file per product.
  if (m.qty !== undefined && m.ref === undefined) return 'jielong'
  return null
}

// ---------- rows ----------

export interface ImportedItem {
  name: string
  spec: string
  /** As the tool counts it: how many of the item as sold (packs, when the buy sells it by the pack). */
  qty: number
  /** 分, when the file says. */
  amount?: number
}

/** One order of the file: a household's address as written, who, what. */
export interface ParsedOrder {
  /** Sheet row of its first line. */
  row: number
  /** 跟团号, when the tool numbers its orders. */
  ref?: string
  name: string
  phone: string
  /** The address as the file wrote it (详细地址 / 收货地址, or 弄号 楼号 房号 joined). */
  address: string
  /** The form's columns, when the file has them. */
  lane: string
  building: string
  room: string
  items: ImportedItem[]
  /** The tool says it was paid (快团团 collects at checkout; 群接龙's 支付状态). */
  paid: boolean
  /** 分 paid, when the file says (订单金额 less 退款金额). */
  paidAmount?: number
  note?: string
}

export interface ParsedExport {
  format: ImportFormat
  headerRow: number
  orders: ParsedOrder[]
  /** Rows not taken, and why (the 合计 row, a cancelled or refunded order). */
  skipped: { row: number; reason: string }[]
}

/** How far down a title above the header may push it. */
const HEADER_SEARCH_ROWS = 10
/** Rows a file may have (an estate of a few thousand households, several items each). */
export const MAX_IMPORT_ROWS = 20_000

const isBlank = (cells: readonly string[]) => cells.every((c) => c.trim() === '')

const toHalfWidth = (s: string) =>
  s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ')

/** 「2」「2.0」「2份」「x2」 → 2; anything else (0, negative, fractional, words) → null. */
export function parseCount(raw: string): number | null {
  const s = toHalfWidth(raw)
    .trim()
    .replace(/^[xX×*]/, '')
  const m = /^(\d{1,6})(?:\.0+)?\s*(?:份|件|个|袋|箱|盒|斤|只|瓶|包)?$/.exec(s)
  if (!m) return null
  const n = Number(m[1])
  return n > 0 ? n : null
}

/** 「¥12.50」「12.5元」 → 1250 分; '' → undefined; unreadable → undefined. */
export function parseYuan(raw: string): number | undefined {
  const s = toHalfWidth(raw).replace(/[¥￥,\s元]/g, '')
  if (!/^-?\d+(\.\d{1,2})?$/.test(s)) return undefined
  return Math.round(Number(s) * 100)
}

const PAID = /已支付|已付款|支付成功|已完成|待发货|已发货|待收货|已收货|已签收|已核销|待核销|已付/
const NOT_PAID = /未支付|待支付|待付款|未付款/
const CANCELLED = /已取消|取消|已关闭|已退款|全额退款/

/** A 合计 / 总计 row (群接龙 ends with one). */
const isTotalRow = (cells: readonly string[]) => cells.some((c) => /^\s*(合计|总计|共计)\s*[:：]?\s*$/.test(c))

/** 普通团购's items cell: `土豆+2;\n鸡蛋【30枚】+1;` → [土豆 ×2, 鸡蛋 30枚 ×1]; null when a part is unreadable. */
export function parsePackedItems(cell: string): ImportedItem[] | null {
  const parts = toHalfWidth(cell)
    .split(/[;；]\s*\n?|\n/)
    .map((p) => p.trim())
    .filter(Boolean)
  if (parts.length === 0) return null
  const out: ImportedItem[] = []
  for (const part of parts) {
    const at = part.lastIndexOf('+')
    if (at <= 0) return null
    const qty = parseCount(part.slice(at + 1))
    if (qty === null) return null
    out.push({ ...splitSpec(part.slice(0, at).trim()), qty })
  }
  return out
}

/** 「鸡蛋【30枚/盒】」「鸡蛋(30枚/盒)」 → 鸡蛋, 30枚/盒; a name without brackets has no spec. */
function splitSpec(text: string): { name: string; spec: string } {
  const m = /^(.+?)\s*[【（(\[]([^】）)\]]+)[】）)\]]$/.exec(text)
  return m ? { name: (m[1] as string).trim(), spec: (m[2] as string).trim() } : { name: text, spec: '' }
}

/** A 群接龙 file's product: its name without the upload's time prefix, extension and export words. */
export function productFromFileName(fileName: string): string {
  return fileName
    .replace(/^.*[\\/]/, '')
    .replace(/\.[^.]*$/, '')
    .replace(/^\d{10,}[-_]/, '')
    .replace(/(群接龙|接龙|订单|导出|明细|数据)/g, '')
    .replace(/[-_\s]+$|^[-_\s]+/g, '')
    .trim()
}

/**
 * The orders of an export: the header found among the first rows, the format from it, an order per 跟团号 (快团团
 * 小区团购 writes a row per item) or per row. Unreadable quantities refuse the file with their row numbers
 * (IMPORT_HAS_ERRORS); nothing is guessed.
 */
export function parseOrderExport(table: readonly SheetRow[], fileName: string): ParsedExport {
  const first = table.filter((r) => !isBlank(r.cells)).slice(0, HEADER_SEARCH_ROWS)
  const header = first.find((r) => detectFormat(r.cells) !== null)
  if (!header)
    throw new AppError(
      'FILE_UNREADABLE',
      '认不出这个表格：请上传快团团（小区团购或普通团购）或群接龙导出的订单表格，第一行应有「收货人」和「详细地址」或「收货地址」等列',
    )
  const format = detectFormat(header.cells) as ImportFormat
  const map = mapColumns(header.cells)
  const cell = (cells: readonly string[], key: Column) => {
    const i = map[key]
    return i === undefined ? '' : toHalfWidth(cells[i] ?? '').trim()
  }
  const body = table.filter((r) => r.row > header.row && !isBlank(r.cells))
  if (body.length > MAX_IMPORT_ROWS)
    throw new AppError('FILE_UNREADABLE', `表格超过 ${MAX_IMPORT_ROWS} 行，请按楼栋分成几个文件导入`)
  const skipped: ParsedExport['skipped'] = []
  const errors: string[] = []
  const byRef = new Map<string, ParsedOrder>()
  const orders: ParsedOrder[] = []
  const product = format === 'jielong' ? productFromFileName(fileName) : ''

  for (const r of body) {
    if (isTotalRow(r.cells)) {
      skipped.push({ row: r.row, reason: '合计行' })
      continue
    }
    const status = cell(r.cells, 'payStatus')
    if (status && CANCELLED.test(status) && !PAID.test(status.replace(CANCELLED, ''))) {
      skipped.push({ row: r.row, reason: `订单${status}` })
      continue
    }
    let items: ImportedItem[] | null
    if (format === 'ktt-plain') items = parsePackedItems(cell(r.cells, 'product'))
    else {
      const qty = parseCount(cell(r.cells, 'qty'))
      const name = format === 'jielong' ? product : cell(r.cells, 'product')
      items = qty === null || !name ? null : [{ name, spec: cell(r.cells, 'spec'), qty }]
      const amount = parseYuan(cell(r.cells, format === 'jielong' ? 'orderAmount' : 'itemAmount'))
      if (items?.[0] && amount !== undefined) items[0].amount = amount
    }
    if (!items) {
      errors.push(`第 ${r.row} 行`)
      continue
    }
    const itemRefund = format === 'ktt-community' ? parseYuan(cell(r.cells, 'refund')) : undefined
    if (format === 'ktt-community' && itemRefund && items[0]?.amount !== undefined && itemRefund >= items[0].amount) {
      skipped.push({ row: r.row, reason: '已全额退款' })
      continue
    }
    const ref = cell(r.cells, 'ref')
    const same = format === 'ktt-community' && ref ? byRef.get(ref) : undefined
    if (same) {
      same.items.push(...items)
      continue
    }
    const lane = cell(r.cells, 'lane')
    const building = cell(r.cells, 'building')
    const room = cell(r.cells, 'room')
    const written = cell(r.cells, 'address')
    const orderAmount = parseYuan(cell(r.cells, 'orderAmount'))
    const refund = parseYuan(cell(r.cells, 'refund')) ?? 0
    const order: ParsedOrder = {
      row: r.row,
      ...(ref ? { ref } : {}),
      name: cell(r.cells, 'name').replace(/\s+/g, ''),
      phone: cell(r.cells, 'phone').replace(/[\s-]/g, ''),
      address: written || [lane && `${lane.replace(/弄$/, '')}弄`, building, room].filter(Boolean).join(' '),
      lane,
      building,
      room,
      items,
      // 快团团 takes the money at checkout: its export lists paid orders unless a status says otherwise.
      paid: status ? PAID.test(status) && !NOT_PAID.test(status) : format !== 'jielong',
    }
    if (orderAmount !== undefined && order.paid) order.paidAmount = Math.max(0, orderAmount - refund)
    const note = cell(r.cells, 'note')
    if (note) order.note = note.slice(0, 100)
    if (ref && format === 'ktt-community') byRef.set(ref, order)
    orders.push(order)
  }
  if (errors.length)
    throw new AppError(
      'IMPORT_HAS_ERRORS',
      `${errors.slice(0, 5).join('、')}${errors.length > 5 ? ` 等 ${errors.length} 行` : ''}的商品或数量看不懂（数量应为正整数），请在表格中改正后重新上传`,
    )
  if (orders.length === 0) throw new AppError('FILE_UNREADABLE', '表格里没有订单，请检查后重新上传')
  return { format, headerRow: header.row, orders, skipped }
}

// ---------- items ----------

const itemKey = (s: string) =>
  toHalfWidth(s)
    .toLowerCase()
    .replace(/[\s【】（）()[\]「」<>《》:：,，、·.]/g, '')

export interface ItemMatch {
  /** file item (name \u0001 spec) → the buy's itemId */
  byKey: Map<string, string>
  /** File items that are none of the buy's (or could be several): the import is refused with this list. */
  unknown: { name: string; spec: string }[]
}

export const fileItemKey = (i: Pick<ImportedItem, 'name' | 'spec'>) => `${i.name}\u0001${i.spec}`

/**
 * The file's items against the buy's, by name and spec (spaces, brackets and width aside): the same name and spec;
 * or name and spec written together (普通团购's 「土豆500g/袋」); or the same name when one side gives no spec and the
 * buy has one item of that name. A 群接龙 file's product (its file name) that matches nothing is the buy's item when
 * the buy has only one. Anything else is unknown: never guessed.
 */
export function matchItems(
  fileItems: readonly Pick<ImportedItem, 'name' | 'spec'>[],
  buyItems: readonly Pick<BuyItemDoc, 'id' | 'name' | 'spec'>[],
  format?: ImportFormat,
): ItemMatch {
  const byKey = new Map<string, string>()
  const unknown: ItemMatch['unknown'] = []
  for (const f of fileItems) {
    const key = fileItemKey(f)
    if (byKey.has(key) || unknown.some((u) => fileItemKey(u) === key)) continue
    const name = itemKey(f.name)
    const spec = itemKey(f.spec)
    const both = itemKey(`${f.name}${f.spec}`)
    let hits = buyItems.filter((b) => itemKey(b.name) === name && itemKey(b.spec) === spec)
    if (hits.length === 0) hits = buyItems.filter((b) => itemKey(`${b.name}${b.spec}`) === both)
    if (hits.length === 0) {
      const named = buyItems.filter((b) => itemKey(b.name) === name)
      if (named.length === 1 && (spec === '' || itemKey((named[0] as { spec: string }).spec) === '')) hits = named
    }
    if (hits.length === 0 && format === 'jielong' && buyItems.length === 1) hits = [...buyItems]
    if (hits.length === 1) byKey.set(key, (hits[0] as { id: string }).id)
    else unknown.push({ name: f.name, spec: f.spec })
  }
  return { byKey, unknown }
}

// ---------- addresses ----------

export interface ImportBuilding {
  id: string
  name: string
}

export interface ImportHousehold {
  id: string
  buildingId: string
  room: string
  /** Members' names, to put a candidate whose member has the file's name first. */
  names: readonly string[]
}

export interface AddressMatch {
  householdId?: string
  /** Why it did not match one household. */
  problem?: string
  /** Households it could mean, best first (at most MAX_CANDIDATES). */
  candidates: string[]
}

export const MAX_CANDIDATES = 8

const CN = '[〇零一二两三四五六七八九十百]+'
const BUILDING_NUMBER = `(?:[A-Z]?\\d+[A-Z]?(?:-\\d+)?|[A-Z]|${CN})`
const BUILDING_SUFFIX = '(?:号楼道|号楼|号栋|号幢|号座|#楼|#|号|栋|幢|座|楼)'
const UNIT = `(?:-?第?(?:\\d+|${CN})(?:单元|楼道))`
/** The building at the end of an address with its room cut off: 「…100弄3号」「3号楼2单元」「3栋」「3」. */
const BUILDING_TAIL = new RegExp(`(第?${BUILDING_NUMBER}${BUILDING_SUFFIX}?${UNIT}?)$`)
/** A room at the end: 「201」「201室」「B101」「12-01」. */
const ROOM_TAIL = /([A-Z]?\d{3,4}[A-Z]?|\d{1,2}-\d{2})(?:室|房|号房|号)?$/
const LANE = /(\d+)弄$/

const normaliseAddress = (s: string) =>
  toHalfWidth(s)
    .replace(/\s+/g, '')
    .toUpperCase()
    .replace(/[\u2010-\u2015\u2212_—]/g, '-')

/** Where an address points, as pieces: the building's possible names and the room. */
export function readAddress(address: string): { buildings: string[]; room: string } | null {
  const s = normaliseAddress(address)
  const roomAt = ROOM_TAIL.exec(s)
  if (!roomAt) return null
  const room = roomAt[1] as string
  // 「31201」: where the building ends and the room begins is not written, so it is not read either.
  if (/\d$/.test(s.slice(0, roomAt.index))) return null
  let rest = s.slice(0, roomAt.index).replace(/[-#/、,，.]+$/, '')
  // 「3-201」: the dash parted the building from the room.
  const tail = BUILDING_TAIL.exec(rest)
  if (!tail) return { buildings: [], room }
  const building = tail[1] as string
  rest = rest.slice(0, tail.index)
  const lane = LANE.exec(rest)?.[1]
  return { buildings: lane ? [`${lane}弄${building}`, building] : [building], room }
}

/** Buildings with the same number as a name, one of the two naming no prefix (a lane, a zone left out). */
function looseBuildings(text: string, buildings: readonly ImportBuilding[]): ImportBuilding[] {
  const wanted = parseBuildingName(text)
  if (!wanted.parsed) return []
  return buildings.filter((b) => {
    const n = parseBuildingName(b.name)
    return (
      n.parsed &&
      (n.prefix === '' || wanted.prefix === '') &&
      n.number.join('-') === wanted.number.join('-') &&
      (n.unit ?? '') === (wanted.unit ?? '')
    )
  })
}

/**
 * Buildings a name means: the same name, else the same key, else the same number with a prefix left out (「3号」
 * for 「100弄3号」, or 「100弄3号」 for 「3号」).
 */
function buildingsFor(text: string, buildings: readonly ImportBuilding[]): ImportBuilding[] {
  const wanted = parseBuildingName(text)
  const exact = buildings.filter((b) => parseBuildingName(b.name).text === wanted.text)
  if (exact.length) return exact
  const keyed = buildings.filter((b) => parseBuildingName(b.name).key === wanted.key)
  return keyed.length ? keyed : looseBuildings(text, buildings)
}

const sameRoom = (a: string, b: string) => a.replace(/^0+(?=\d)/, '') === b.replace(/^0+(?=\d)/, '')

/**
 * A matcher of the file's addresses to the community's households: the form's 楼号 / 弄号 / 房号 first, then the
 * free-text address; exactly one household or a problem with its candidates.
 */
export function addressMatcher(buildings: readonly ImportBuilding[], households: readonly ImportHousehold[]) {
  const byBuilding = new Map<string, ImportHousehold[]>()
  for (const h of households) byBuilding.set(h.buildingId, [...(byBuilding.get(h.buildingId) ?? []), h])
  const order = new Map(buildings.map((b, i) => [b.id, i]))

  const rank = (name: string) => (a: ImportHousehold, b: ImportHousehold) =>
    Number(b.names.includes(name)) - Number(a.names.includes(name)) ||
    (order.get(a.buildingId) ?? 0) - (order.get(b.buildingId) ?? 0) ||
    roomOrder(a.room, b.room)

  interface Attempt {
    found: ImportHousehold[]
    problem: string
    candidates: ImportHousehold[]
  }

  function attempt(names: readonly string[], rawRoom: string): Attempt {
    const room = normaliseRoom(rawRoom)
    // The fullest name first (「102弄4」 before 「4」): the first that means any building decides.
    const blds = names.map((n) => buildingsFor(n, buildings)).find((list) => list.length > 0) ?? []
    const named = names[names.length - 1] ?? ''
    if (!room)
      return { found: [], problem: '地址里没有房号', candidates: blds.flatMap((b) => byBuilding.get(b.id) ?? []) }
    if (blds.length === 0) {
      const sameRooms = households.filter((h) => sameRoom(h.room, room))
      return {
        found: [],
        problem: named ? `本小区没有「${named}」这栋楼` : '地址里看不出是哪栋楼',
        candidates: sameRooms,
      }
    }
    const found = blds.flatMap((b) => (byBuilding.get(b.id) ?? []).filter((h) => sameRoom(h.room, room)))
    if (found.length > 0) {
      return {
        found,
        problem:
          found.length > 1
            ? `「${named} ${room}」对应到 ${found.length} 户（${blds.map((b) => b.name).join('、')}）`
            : '',
        candidates: found,
      }
    }
    // The building is known, the room is not: that room in a building of the same number with a prefix left out
    // (「3号」 for 「100弄3号」), and the building's households on that floor, are what a person would look at.
    const floor = floorOf(room)
    const loose = names.flatMap((n) => looseBuildings(n, buildings)).filter((b) => !blds.includes(b))
    return {
      found: [],
      problem: `${blds.map((b) => b.name).join('、')}没有 ${room} 室`,
      candidates: [
        ...loose.flatMap((b) => (byBuilding.get(b.id) ?? []).filter((h) => sameRoom(h.room, room))),
        ...blds.flatMap((b) => (byBuilding.get(b.id) ?? []).filter((h) => floor > 0 && floorOf(h.room) === floor)),
      ],
    }
  }

  return (order: Pick<ParsedOrder, 'address' | 'lane' | 'building' | 'room' | 'name'>): AddressMatch => {
    const attempts: Attempt[] = []
    if (order.building || order.room) {
      const lane = order.lane.replace(/弄$/, '')
      const b = order.building
      const names = b ? (lane ? [`${lane}弄${b}`, b] : [b]) : []
      // A 房号 column written as 「3-201」 or 「3号201」 carries its building.
      const inRoom = !b ? readAddress(order.room) : null
      attempts.push(inRoom ? attempt(inRoom.buildings, inRoom.room) : attempt(names, order.room))
    }
    if (attempts[0]?.found.length !== 1 && order.address) {
      const read = readAddress(order.address)
      if (read) attempts.push(attempt(read.buildings, read.room))
      else attempts.push({ found: [], problem: '地址里没有房号', candidates: [] })
    }
    // One reading meaning one household decides, unless another reading means several others.
    const one = attempts.find(
      (a) =>
        a.found.length === 1 &&
        attempts.every((b) => b.found.length <= 1 || b.found.some((h) => h.id === (a.found[0] as ImportHousehold).id)),
    )
    if (one) return { householdId: (one.found[0] as ImportHousehold).id, candidates: [] }
    const first = attempts[0] ?? { found: [], problem: '没有地址', candidates: [] }
    const candidates = [...new Map(attempts.flatMap((a) => a.candidates).map((h) => [h.id, h])).values()]
      .sort(rank(order.name))
      .slice(0, MAX_CANDIDATES)
      .map((h) => h.id)
    return { problem: first.problem || '地址看不懂', candidates }
  }
}
