// Reading a Shanghai day's needs and counting them per building (server/needs/rules.ts rollup): the needs function's
// table and the sheets function's export read the same.
import type { NeedRollupRow } from '../../typings/api'
import type { BuildingDoc, GroupDoc } from '../community/model'
import type { NeedDoc } from './model'
import { addDays, nowDate, startOfShanghaiDay } from '../kernel'
import { data } from '../platform/cloud'
import { rollup } from './rules'

/** The day's counts of the community's buildings (those of `groupIds` only, when given), in building order. */
export async function loadRollup(
  communityId: string,
  day: string,
  groupIds?: readonly string[],
): Promise<{ rows: NeedRollupRow[]; total: NeedRollupRow }> {
  const _ = data._
  const [buildings, groups, needs] = await Promise.all([
    data.findAll<BuildingDoc>('buildings', { communityId }, { orderBy: [['order', 'asc']] }),
    data.findAll<GroupDoc>('groups', { communityId }, { orderBy: [['order', 'asc']] }),
    data.findAll<Pick<NeedDoc, 'buildingId' | 'type' | 'status' | 'dueAt'>>(
      'needs',
      {
        communityId,
        createdAt: _.gte(startOfShanghaiDay(day)).and(_.lt(startOfShanghaiDay(addDays(day, 1)))),
      },
      { fields: { buildingId: true, type: true, status: true, dueAt: true } },
    ),
  ])
  const groupName = new Map(groups.map((g) => [g._id, g.name]))
  const mine = buildings
    .filter((b) => !groupIds || groupIds.includes(b.groupId))
    .sort((a, b) => a.order - b.order)
    .map((b) => ({ _id: b._id, name: b.name, groupName: groupName.get(b.groupId) ?? '' }))
  return rollup(mine, needs, nowDate())
}
