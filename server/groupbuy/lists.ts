// What a closed buy prints, as plain data (the sheets function lays it out, server/platform/printsheets.ts): the
// merchant's purchase list, the sorting lists (per building → room, and per product → building → room) and the
// labels (one per piece handed over). Pure: the caller hands in the buy, its orders, the community's buildings and
// how each order's people may be shown to this caller (the visibility policy's fields, rendered).
//
// Quantities are always in units (model.ts); a piece is one pack of `packSize` units (a case of 12 is one piece,
// 3 cases are 3 pieces and 3 labels), and a pack is named by the item's spec (「12个/箱」→ 箱) or 份.
import type { BuyDoc, BuyItemDoc, BuySummaryDoc, OrderDoc } from './model'
import { floorOf, householdLabel, naturalCompare } from '../community/structure'

/** A building of the community, in the community's order (BuildingDoc's `order`). */
export interface ListBuilding {
  id: string
  name: string
  order: number
}

/** An order's people as this caller may see them ('' when the policy shows nothing). */
export interface ListPerson {
  name: string
  phone: string
}

export type PersonOf = (order: OrderDoc) => ListPerson

type Line = OrderDoc['lines'][number]
type ItemFacts = Pick<BuyItemDoc, 'name' | 'spec' | 'unit' | 'packSize'>

// ---------- rooms and units ----------

/** The parts of a room number that order it: a unit or block before a dash (「3-201」), the floor, the rest. */
function roomKey(room: string): { block: string; floor: number } {
  const r = room.toUpperCase()
  // 「12-01」 is floor 12, room 01 (floorOf's reading).
  if (/^[A-Z]?\d{1,2}-\d{2}[A-Z]?$/.test(r)) return { block: '', floor: floorOf(r) }
  // 「3-201」「B-1201」「2单元-301」: a block (unit, staircase) before the dash, then the room on its floor.
  const dashed = /^(.+?)-+([A-Z]?\d{3,4}[A-Z]?)$/.exec(r)
  if (dashed) return { block: dashed[1] as string, floor: floorOf(dashed[2] as string) }
  return { block: '', floor: floorOf(r) }
}

/**
 * Rooms as a volunteer walks a building: by block (unit before a dash), then floor, then number, numbers compared by
 * value: 201 before 1701, 12-01 after 1101, 3-201 before 3-1701 and after 2-1701, B101 before B201.
 */
export function roomOrder(a: string, b: string): number {
  const ka = roomKey(a)
  const kb = roomKey(b)
  return naturalCompare(ka.block, kb.block) || ka.floor - kb.floor || naturalCompare(a, b)
}

const PACK_WORDS = [
  '箱',
  '袋',
  '盒',
  '包',
  '件',
  '提',
  '板',
  '桶',
  '篮',
  '筐',
  '捆',
  '扎',
  '瓶',
  '罐',
  '份',
  '组',
  '套',
]
const PACK_IN_SPEC = new RegExp(`(?:/|每)(${PACK_WORDS.join('|')})|(${PACK_WORDS.join('|')})装`)

/** What one pack of an item is called: from its spec (「12个/箱」「每箱12个」「箱装」), else 份. */
export function packWord(item: Pick<BuyItemDoc, 'spec' | 'unit'>): string {
  const m = PACK_IN_SPEC.exec(item.spec)
  const word = (m?.[1] ?? m?.[2]) as string | undefined
  return word && word !== item.unit ? word : '份'
}

/** Packs of a quantity (whole packs; a quantity that is not a multiple counts its part pack). */
export const packsOf = (qty: number, packSize: number) => Math.ceil(qty / Math.max(1, packSize))

/** 「2箱（24个）」 when sold by the pack, 「3斤」 otherwise. */
export function qtyText(item: ItemFacts, qty: number): string {
  if (item.packSize > 1 && qty % item.packSize === 0)
    return `${qty / item.packSize}${packWord(item)}（${qty}${item.unit}）`
  return `${qty}${item.unit}`
}

/** 「土豆 500g/袋」 */
export const itemTitle = (item: Pick<BuyItemDoc, 'name' | 'spec'>) =>
  item.spec ? `${item.name} ${item.spec}` : item.name

/** Who runs the buy, as a label signs it: the shop, else 居委 / 团长, else the organiser's name. */
export function organiserText(buy: Pick<BuyDoc, 'shopName' | 'organiser'>): string {
  if (buy.shopName) return buy.shopName
  if (buy.organiser.role === 'committee') return '居委'
  if (buy.organiser.role === 'communityLead') return '团长'
  return buy.organiser.name
}

// ---------- which orders, in which order ----------

/** Active orders with at least one unit, each line with a positive quantity. */
function activeOrders(orders: readonly OrderDoc[]): OrderDoc[] {
  return orders
    .filter((o) => o.status === 'active')
    .map((o) => ({ ...o, lines: o.lines.filter((l) => l.qty > 0) }))
    .filter((o) => o.lines.length > 0)
}

interface Placed {
  building: ListBuilding
  orders: OrderDoc[]
}

/**
 * Orders by building in the community's order, and rooms in walking order within each. An order whose building is
 * not among `buildings` (removed since) comes last under its id, never dropped.
 */
function byBuilding(orders: readonly OrderDoc[], buildings: readonly ListBuilding[]): Placed[] {
  const known = new Map(buildings.map((b) => [b.id, b]))
  const groups = new Map<string, OrderDoc[]>()
  for (const o of activeOrders(orders)) groups.set(o.buildingId, [...(groups.get(o.buildingId) ?? []), o])
  const placed: Placed[] = [...groups].map(([id, list]) => ({
    building: known.get(id) ?? { id, name: id, order: Number.MAX_SAFE_INTEGER },
    orders: list.sort((a, b) => roomOrder(a.room, b.room) || (a.no ?? 0) - (b.no ?? 0)),
  }))
  return placed.sort((a, b) => a.building.order - b.building.order || naturalCompare(a.building.name, b.building.name))
}

/** The buy's items in its own order, then any item an order names that the buy no longer lists. */
function itemOrder(buy: Pick<BuyDoc, 'items'>): (a: Line, b: Line) => number {
  const index = new Map(buy.items.map((it, i) => [it.id, i]))
  return (a, b) =>
    (index.get(a.itemId) ?? Number.MAX_SAFE_INTEGER) - (index.get(b.itemId) ?? Number.MAX_SAFE_INTEGER) ||
    naturalCompare(a.itemId, b.itemId)
}

/**
 * Units that measure (斤, 公斤, 克, 升 …) rather than count: a household's 3 斤 of pork is one bag handed over, so one
 * piece and one label, not three; counted units go by the pack (3 cases, 3 labels).
 */
const MEASURES = new Set([
  '斤',
  '两',
  '公斤',
  '千克',
  'kg',
  'KG',
  'Kg',
  '克',
  'g',
  'G',
  '升',
  'L',
  'l',
  '毫升',
  'ml',
  'mL',
  'ML',
])
export const measured = (unit: string) => MEASURES.has(unit.trim())

const piecesOfLine = (l: Pick<Line, 'qty' | 'packSize' | 'unit'>) =>
  l.packSize <= 1 && measured(l.unit) ? (l.qty > 0 ? 1 : 0) : packsOf(l.qty, l.packSize)
const amountOfLine = (l: Pick<Line, 'qty' | 'price'>) => l.qty * l.price

// ---------- purchase list ----------

export interface PurchaseRow {
  itemId: string
  name: string
  spec: string
  unit: string
  packSize: number
  /** Price per unit in 分. */
  price: number
  qty: number
  packs: number
  amount: number
  households: number
}

/** Totals per item and spec, every item of the buy in its order (an item nobody ordered shows 0). */
export function purchaseList(buy: Pick<BuyDoc, 'items'>, orders: readonly OrderDoc[]): PurchaseRow[] {
  const rows = new Map<string, PurchaseRow>()
  for (const it of buy.items)
    rows.set(it.id, {
      itemId: it.id,
      name: it.name,
      spec: it.spec,
      unit: it.unit,
      packSize: it.packSize,
      price: it.price,
      qty: 0,
      packs: 0,
      amount: 0,
      households: 0,
    })
  for (const o of activeOrders(orders)) {
    for (const l of o.lines) {
      let row = rows.get(l.itemId)
      if (!row) {
        row = { ...l, qty: 0, packs: 0, amount: 0, households: 0 }
        rows.set(l.itemId, row)
      }
      row.qty += l.qty
      row.packs += piecesOfLine(l)
      row.amount += amountOfLine(l)
      row.households += 1
    }
  }
  return [...rows.values()]
}

/** The totals a closed buy keeps (BuySummaryDoc): per item, per building (in the community's order), and overall. */
export function summarize(
  buy: Pick<BuyDoc, 'items'>,
  orders: readonly OrderDoc[],
  buildings: readonly ListBuilding[],
): BuySummaryDoc {
  const placed = byBuilding(orders, buildings)
  const perBuilding = placed.map((p) => ({
    buildingId: p.building.id,
    households: p.orders.length,
    pieces: sum(p.orders.flatMap((o) => o.lines.map(piecesOfLine))),
    amount: sum(p.orders.flatMap((o) => o.lines.map(amountOfLine))),
  }))
  return {
    purchase: purchaseList(buy, orders).map((r) => ({
      itemId: r.itemId,
      qty: r.qty,
      amount: r.amount,
      households: r.households,
    })),
    buildings: perBuilding,
    households: sum(perBuilding.map((b) => b.households)),
    pieces: sum(perBuilding.map((b) => b.pieces)),
    amount: sum(perBuilding.map((b) => b.amount)),
  }
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0)

// ---------- sorting lists: building → room ----------

export interface SortingLine {
  itemId: string
  title: string
  qty: number
  packs: number
  /** 「土豆 500g/袋 2袋（6个）」 */
  text: string
}

export interface SortingRow {
  householdId: string
  /** 接龙号 */
  no?: number
  room: string
  /** 「3-201」 */
  label: string
  name: string
  phone: string
  lines: SortingLine[]
  /** The lines as one cell, one a line. */
  items: string
  pieces: number
  amount: number
  note?: string
}

export interface SortingBuilding {
  buildingId: string
  name: string
  rows: SortingRow[]
  households: number
  pieces: number
  amount: number
  /** The building's total per item (the 合计 row), in the buy's item order. */
  totals: SortingLine[]
}

function sortingLine(l: Line): SortingLine {
  return {
    itemId: l.itemId,
    title: itemTitle(l),
    qty: l.qty,
    packs: piecesOfLine(l),
    text: `${itemTitle(l)} ${qtyText(l, l.qty)}`,
  }
}

/** Per building (community order) → rooms (walking order), each household's lines, a total per building. */
export function sortingLists(
  buy: Pick<BuyDoc, 'items'>,
  orders: readonly OrderDoc[],
  buildings: readonly ListBuilding[],
  person: PersonOf,
): SortingBuilding[] {
  const lineOrder = itemOrder(buy)
  return byBuilding(orders, buildings).map(({ building, orders: list }) => {
    const rows = list.map((o): SortingRow => {
      const lines = [...o.lines].sort(lineOrder)
      const who = person(o)
      const row: SortingRow = {
        householdId: o.householdId,
        room: o.room,
        label: householdLabel(building.name, o.room),
        name: who.name,
        phone: who.phone,
        lines: lines.map(sortingLine),
        items: lines.map((l) => sortingLine(l).text).join('\n'),
        pieces: sum(lines.map(piecesOfLine)),
        amount: sum(lines.map(amountOfLine)),
      }
      if (o.no !== undefined) row.no = o.no
      if (o.note) row.note = o.note
      return row
    })
    const totals = new Map<string, Line>()
    for (const l of list.flatMap((o) => o.lines).sort(lineOrder)) {
      const t = totals.get(l.itemId)
      totals.set(l.itemId, t ? { ...t, qty: t.qty + l.qty } : { ...l })
    }
    return {
      buildingId: building.id,
      name: building.name,
      rows,
      households: rows.length,
      pieces: sum(rows.map((r) => r.pieces)),
      amount: sum(rows.map((r) => r.amount)),
      totals: [...totals.values()].map(sortingLine),
    }
  })
}

// ---------- sorting lists: product → building → room ----------

export interface ProductSection {
  itemId: string
  /** 「派送单——土豆 500g/袋（共 12 份）」 */
  heading: string
  title: string
  qty: number
  packs: number
  buildings: {
    buildingId: string
    name: string
    rows: { label: string; name: string; qty: number; text: string }[]
    qty: number
    packs: number
    text: string
  }[]
}

/** Per product (buy order) → building → room: what a merchant packs for each building (GrouponDeliveryNote's view). */
export function productLists(
  buy: Pick<BuyDoc, 'items'>,
  orders: readonly OrderDoc[],
  buildings: readonly ListBuilding[],
  person: PersonOf,
): ProductSection[] {
  const placed = byBuilding(orders, buildings)
  return purchaseList(buy, orders)
    .filter((p) => p.qty > 0)
    .map((p) => {
      const sections = placed.flatMap(({ building, orders: list }) => {
        const rows = list.flatMap((o) =>
          o.lines
            .filter((l) => l.itemId === p.itemId)
            .map((l) => ({
              label: householdLabel(building.name, o.room),
              name: person(o).name,
              qty: l.qty,
              text: qtyText(l, l.qty),
            })),
        )
        if (rows.length === 0) return []
        const qty = sum(rows.map((r) => r.qty))
        return [
          {
            buildingId: building.id,
            name: building.name,
            rows,
            qty,
            packs: packsOf(qty, p.packSize),
            text: qtyText(p, qty),
          },
        ]
      })
      return {
        itemId: p.itemId,
        heading: `派送单——${itemTitle(p)}（共 ${p.packs} 份）`,
        title: itemTitle(p),
        qty: p.qty,
        packs: p.packs,
        buildings: sections,
      }
    })
}

// ---------- labels ----------

export interface Label {
  buildingId: string
  /** 「3-201」, printed large. */
  label: string
  /** 「土豆 500g/袋」 */
  item: string
  /** What this one piece is: 「1箱（12个）」「1斤」. */
  piece: string
  /** 1-based over every piece of the buy, and over the building's. */
  index: number
  total: number
  indexInBuilding: number
  totalInBuilding: number
  /** 「总3/20(本楼1/8)」 */
  numbering: string
  organiser: string
  name: string
  /** '' unless the committee asked for phones. */
  phone: string
}

/**
 * One label per piece handed over, building → room → item; 总i/N counts every piece of the buy and 本楼j/M the
 * building's, so a lead printing one building still gets the buy's numbering.
 */
export function labels(
  buy: Pick<BuyDoc, 'items' | 'shopName' | 'organiser'>,
  orders: readonly OrderDoc[],
  buildings: readonly ListBuilding[],
  person: PersonOf,
): Label[] {
  const lineOrder = itemOrder(buy)
  const organiser = organiserText(buy)
  const placed = byBuilding(orders, buildings)
  const total = sum(placed.flatMap((p) => p.orders.flatMap((o) => o.lines.map(piecesOfLine))))
  const out: Label[] = []
  for (const { building, orders: list } of placed) {
    const inBuilding = sum(list.flatMap((o) => o.lines.map(piecesOfLine)))
    let j = 0
    for (const o of list) {
      const who = person(o)
      for (const l of [...o.lines].sort(lineOrder)) {
        const pieces = piecesOfLine(l)
        const whole = pieces === 1 ? l.qty : l.packSize
        for (let k = 0; k < pieces; k++) {
          const qty = Math.min(whole, l.qty - k * whole)
          j++
          const index = out.length + 1
          out.push({
            buildingId: building.id,
            label: householdLabel(building.name, o.room),
            item: itemTitle(l),
            piece: qtyText(l, qty),
            index,
            total,
            indexInBuilding: j,
            totalInBuilding: inBuilding,
            numbering: `总${index}/${total}(本楼${j}/${inBuilding})`,
            organiser,
            name: who.name,
            phone: who.phone,
          })
        }
      }
    }
  }
  return out
}
