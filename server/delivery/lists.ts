// What a planned delivery prints, as plain data (the sheets function lays it out, server/platform/printsheets.ts):
// per building its bags in the order a volunteer walks the rooms, per transport volunteer their trips, per door-team
// member the buildings they carry to the doors. Pure: the caller hands in the delivery's documents, the buildings'
// names and how a person's name may be shown to this caller (the visibility policy's level, rendered).
import type { DeliveryBuildingDoc, DeliveryStopDoc, DeliveryTripDoc } from './model'
import { roomOrder } from '../groupbuy/lists'

/** A household's bag on its building's list. */
export interface BagRow {
  /** 序号 on the building's list (1-based). */
  no: number
  householdId: string
  /** 「1-101」 */
  label: string
  /** One item a line: 「土豆 500g/袋×2」. */
  items: string[]
  pieces: number
}

export interface BuildingList {
  buildingId: string
  name: string
  households: number
  pieces: number
  /** Who carries the bags to the doors, and who brings them from the gate (names as the caller may see them). */
  door: string[]
  transport: string[]
  rows: BagRow[]
}

type Part = Pick<
  DeliveryBuildingDoc,
  'buildingId' | 'order' | 'households' | 'pieces' | 'door' | 'doorNames' | 'transportNames'
>
type Stop = Pick<DeliveryStopDoc, 'buildingId' | 'householdId' | 'room' | 'label' | 'items' | 'pieces'>
type Trip = Pick<DeliveryTripDoc, 'openid' | 'volunteerName' | 'no' | 'stops' | 'bags'>

/** A stored bag's contents (「土豆 500g/袋×2、鸡蛋 12个/箱×2」) one item a line. */
const itemLines = (items: string) => items.split('、').filter(Boolean)

const byOrder = <T extends { order: number }>(xs: readonly T[]) => [...xs].sort((a, b) => a.order - b.order)

/** The buildings' lists in the community's order: rooms in natural order (201 before 1001), a 序号 each. */
export function buildingLists(
  parts: readonly Part[],
  stops: readonly Stop[],
  names: ReadonlyMap<string, string>,
  show: (name: string) => string,
): BuildingList[] {
  return byOrder(parts).map((p) => {
    const rows = stops
      .filter((s) => s.buildingId === p.buildingId)
      .sort((a, b) => roomOrder(a.room, b.room) || a.label.localeCompare(b.label))
      .map((s, i): BagRow => ({
        no: i + 1,
        householdId: s.householdId,
        label: s.label,
        items: itemLines(s.items),
        pieces: s.pieces,
      }))
    return {
      buildingId: p.buildingId,
      name: names.get(p.buildingId) ?? '',
      households: rows.length,
      pieces: rows.reduce((n, r) => n + r.pieces, 0),
      door: p.doorNames.map(show),
      transport: p.transportNames.map(show),
      rows,
    }
  })
}

/** A transport volunteer's list: their trips in order, each with its buildings in the order to drive them. */
export interface TransportList {
  openid: string
  name: string
  trips: { no: number; bags: number; stops: { buildingId: string; name: string; bags: number; pieces: number }[] }[]
  bags: number
  pieces: number
}

/**
 * Per transport volunteer, in the order of the first building they take (the community's order), their trips by
 * number.
 */
export function transportLists(
  trips: readonly Trip[],
  buildings: ReadonlyMap<string, { name: string; order: number }>,
  show: (name: string) => string,
): TransportList[] {
  const people = new Map<string, [Trip, ...Trip[]]>()
  for (const t of trips) {
    const mine = people.get(t.openid)
    if (mine) mine.push(t)
    else people.set(t.openid, [t])
  }
  const first = (ts: readonly Trip[]) =>
    Math.min(...ts.flatMap((t) => t.stops.map((s) => buildings.get(s.buildingId)?.order ?? Infinity)))
  return [...people.values()]
    .map((ts) => ts.sort((a, b) => a.no - b.no))
    .sort((a, b) => first(a) - first(b) || a[0].volunteerName.localeCompare(b[0].volunteerName))
    .map(([head, ...rest]): TransportList => {
      const lists = [head, ...rest].map((t) => ({
        no: t.no,
        bags: t.bags,
        stops: t.stops.map((s) => ({
          buildingId: s.buildingId,
          name: buildings.get(s.buildingId)?.name ?? '',
          bags: s.bags,
          pieces: s.pieces,
        })),
      }))
      return {
        openid: head.openid,
        name: show(head.volunteerName),
        trips: lists,
        bags: lists.reduce((n, t) => n + t.bags, 0),
        pieces: lists.reduce((n, t) => n + t.stops.reduce((m, s) => m + s.pieces, 0), 0),
      }
    })
}

/** A door-team member's list: the buildings whose bags they carry to the doors, with the rest of each team. */
export interface DoorList {
  openid: string
  name: string
  buildings: { buildingId: string; name: string; households: number; pieces: number; with: string[] }[]
  households: number
  pieces: number
}

/** Per door-team member, in the order of their first building, their buildings in the community's order. */
export function doorLists(
  parts: readonly Part[],
  names: ReadonlyMap<string, string>,
  show: (name: string) => string,
): DoorList[] {
  const people = new Map<string, DoorList>()
  for (const p of byOrder(parts))
    p.door.forEach((openid, i) => {
      const list = people.get(openid) ?? {
        openid,
        name: show(p.doorNames[i] ?? ''),
        buildings: [],
        households: 0,
        pieces: 0,
      }
      list.buildings.push({
        buildingId: p.buildingId,
        name: names.get(p.buildingId) ?? '',
        households: p.households,
        pieces: p.pieces,
        with: p.doorNames.filter((_, j) => j !== i).map(show),
      })
      list.households += p.households
      list.pieces += p.pieces
      people.set(openid, list)
    })
  return [...people.values()]
}
