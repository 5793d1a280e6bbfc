// Quantities are always in units and always whole packs: an item sold by the case of 12 steps 0, 12, 24 … and a
// typed count is a count of packs, so a non-multiple can never be entered.
import type { BuyItemView } from '../../../typings/api'

/** A household's ceiling when neither a limit nor a stock says more. */
const NO_CEILING = 9999

/** The most units one household may order of an item: its limit, and what is left plus what it already holds. */
export function maxUnits(item: Pick<BuyItemView, 'packSize' | 'limit' | 'remaining'>, held = 0): number {
  const pack = Math.max(1, item.packSize)
  const byLimit = item.limit ?? NO_CEILING
  const byStock = item.remaining === undefined ? NO_CEILING : item.remaining + held
  const most = Math.max(0, Math.min(byLimit, byStock, NO_CEILING))
  return Math.floor(most / pack) * pack
}

/** One step up (+1) or down (-1) from `qty`: the next whole pack, within 0 … max. */
export function stepUnits(qty: number, packSize: number, dir: 1 | -1, max: number): number {
  const pack = Math.max(1, packSize)
  const packs = dir > 0 ? Math.floor(qty / pack) + 1 : Math.ceil(qty / pack) - 1
  return Math.max(0, Math.min(packs * pack, Math.floor(max / pack) * pack))
}

/** Units from a typed count of packs (digits only, anything else dropped), within 0 … max. */
export function unitsFromTyped(text: string, packSize: number, max: number): number {
  const pack = Math.max(1, packSize)
  const digits = String(text)
    .replace(/[^0-9]/g, '')
    .slice(0, 5)
  const packs = digits ? Number(digits) : 0
  return Math.min(packs * pack, Math.floor(max / pack) * pack)
}

/** 「整箱卖，每箱 12 个」; empty for an item sold singly. */
export const packNote = (item: Pick<BuyItemView, 'packSize' | 'unit'>) =>
  item.packSize > 1 ? `整箱卖，每箱 ${item.packSize} ${item.unit}` : ''

/** What a step counts: 箱 for an item sold by the case, else its unit. */
export const stepUnit = (item: Pick<BuyItemView, 'packSize' | 'unit'>) => (item.packSize > 1 ? '箱' : item.unit)

/** 「2 箱（24 个）」 or 「3 斤」. */
export function qtyText(qty: number, packSize: number, unit: string): string {
  return packSize > 1 ? `${qty / packSize} 箱（${qty} ${unit}）` : `${qty} ${unit}`
}
