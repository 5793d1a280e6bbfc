// A round, its roll-up table and the household a chain entry is about: what the antigen function's table and the
// `sheets` function's table export both need (the export is built from the same table the page shows).
import type { RoundTable, RoundView, TableRow } from '../../typings/api'
import type { ChainDoc, RoundDoc } from './model'
import type { HouseholdDoc } from '../community/model'
import { floorOf } from '../community/structure'
import { type ActionContext, AppError, nowMs } from '../kernel'
import { data } from '../platform/cloud'
import { iso } from '../platform/places'
import { householdTarget, type HouseholdTarget } from '../platform/visibility'
import { tableOrder, tableRow, totals } from './rules'

/** A chain without its entries: the counters the table is computed from. */
export type Counters = Omit<ChainDoc, 'entries'>

export function loadRound(ctx: ActionContext, id: string): Promise<RoundDoc> {
  return ctx.memo(`round:${id}`, async () => {
    // The building list can be long (one id per building); nothing after opening needs it.
    const [doc] = await data.find<RoundDoc>(
      'rounds',
      { _id: id },
      { limit: 1, fields: { buildingIds: false } as never },
    )
    if (!doc) throw new AppError('NOT_FOUND', '找不到这一轮检测')
    return { ...doc, buildingIds: doc.buildingIds ?? [] }
  })
}

/** A round is closed once closed by hand or past its deadline (the timer then records it). */
export const isClosed = (r: { status: string; deadline: Date }) =>
  r.status === 'closed' || new Date(r.deadline).getTime() < nowMs()

export function roundView(r: RoundDoc): RoundView {
  const view: RoundView = {
    id: r._id,
    communityId: r.communityId,
    date: r.date,
    deadline: iso(r.deadline),
    notice: r.notice,
    status: isClosed(r) ? 'closed' : 'open',
    allBuildings: r.allBuildings,
    buildingCount: r.buildingCount ?? r.buildingIds.length,
    openedAt: iso(r.openedAt),
  }
  if (r.closedAt) view.closedAt = iso(r.closedAt)
  return view
}

/** The roll-up table of a round from its chains' counters: rows per building, subtotals per 营 and zone, total. */
export function buildTable(round: RoundDoc, chains: Counters[], scope: RoundTable['scope']): RoundTable {
  const rows = chains
    .map((c) => ({ ...tableRow({ ...c, entries: {} }), order: c.order }))
    .sort(tableOrder)
    .map(({ order: _order, ...row }) => row as TableRow)
  const groupIds = [...new Set(chains.sort((a, b) => a.order - b.order).map((c) => c.groupId))]
  const groups = groupIds.map((groupId) => {
    const mine = chains.filter((c) => c.groupId === groupId)
    return { groupId, groupName: mine[0]?.groupName ?? '', ...totals(mine) }
  })
  const zoneIds = [...new Set(chains.flatMap((c) => (c.zoneId ? [c.zoneId] : [])))]
  const zones = zoneIds.map((zoneId) => {
    const mine = chains.filter((c) => c.zoneId === zoneId)
    return { zoneId, zoneName: mine[0]?.zoneName ?? '', ...totals(mine) }
  })
  return { round: roundView(round), rows, groups, zones, total: totals(chains), scope }
}

/**
 * The household a chain entry (or a missing room) is about, as the visibility policy's place: the household as
 * stored, or, when it is gone, the chain's building and the room's floor.
 */
export function entryTarget(
  chain: Pick<ChainDoc, 'communityId' | 'groupId' | 'buildingId'>,
  householdId: string,
  room: string,
  household?: HouseholdDoc,
): HouseholdTarget {
  if (household) return householdTarget(household)
  return {
    communityId: chain.communityId,
    groupId: chain.groupId,
    buildingId: chain.buildingId,
    floor: floorOf(room),
    householdId,
  }
}
