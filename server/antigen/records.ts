// What the antigen rounds keep about a household, for its members' 「我的数据」 (the community function's myData).
import type { MyAntigenRecord } from '../../typings/api'
import type { ChainDoc, ChainEntryDoc, RoundDoc } from './model'
import type { CommunityDoc, HouseholdDoc } from '../community/model'
import { DAY_MS, retentionOf } from '../community/settings'
import { householdLabel } from '../community/structure'
import { data } from '../platform/cloud'

const iso = (d: Date | string | number) => new Date(d).toISOString()

type Projected = Pick<ChainDoc, '_id' | 'roundId' | 'date' | 'buildingName' | 'communityId'> & {
  entries?: Record<string, ChainEntryDoc>
}

/** Every entry of these households still in a chain (reduced rounds keep none), newest round first. */
export async function householdRecords(
  households: readonly Pick<HouseholdDoc, '_id' | 'room' | 'communityId' | 'buildingId'>[],
): Promise<MyAntigenRecord[]> {
  const found: { h: (typeof households)[number]; chain: Projected; entry: ChainEntryDoc }[] = []
  for (const h of households) {
    const key = `entries.${h._id}`
    // Only its building's chains can hold it (the household id is derived from the building): the index on
    // community and building serves this instead of a scan of every chain.
    const chains = await data.findAll<Projected>(
      'chains',
      { communityId: h.communityId, buildingId: h.buildingId, [key]: data._.exists(true) },
      { fields: { roundId: true, date: true, buildingName: true, communityId: true, [key]: true } },
    )
    for (const chain of chains) {
      const entry = chain.entries?.[h._id]
      if (entry) found.push({ h, chain, entry })
    }
  }
  if (found.length === 0) return []
  const [rounds, communities] = await Promise.all([
    data.byIds<Pick<RoundDoc, '_id' | 'status' | 'closedAt' | 'photosDeletedAt'> & { _id: string }>(
      'rounds',
      found.map((f) => f.chain.roundId),
    ),
    data.byIds<CommunityDoc>(
      'communities',
      found.map((f) => f.chain.communityId),
    ),
  ])
  return found
    .map(({ h, chain, entry }): MyAntigenRecord => {
      const round = rounds.get(chain.roundId)
      const closed = round?.status === 'closed' && round.closedAt ? new Date(round.closedAt).getTime() : undefined
      const community = communities.get(chain.communityId)
      const { photoDays, resultDays } = retentionOf(community?.settings)
      const cap = community?.closing ? new Date(community.closing.deleteAfter).getTime() : Infinity
      const when = (days: number) => (closed === undefined ? undefined : iso(Math.min(closed + days * DAY_MS, cap)))
      const record: MyAntigenRecord = {
        householdId: h._id,
        label: householdLabel(chain.buildingName, h.room),
        roundId: chain.roundId,
        date: chain.date,
        status: round?.status === 'closed' ? 'closed' : 'open',
        no: entry.no,
        submittedAt: iso(entry.submittedAt),
        proxy: entry.proxy,
        members: entry.members.map((m) => ({
          memberId: m.memberId,
          name: m.name,
          result: m.result,
          ...(m.reason ? { reason: m.reason } : {}),
          photo: Boolean(m.photo),
          ...(m.startedAt ? { startedAt: m.startedAt } : {}),
          ...(m.photoAt ? { photoAt: m.photoAt } : {}),
        })),
      }
      if (entry.flagged) record.flagged = { reason: entry.flagged.reason, at: iso(entry.flagged.at) }
      const photos = round?.photosDeletedAt ? undefined : when(photoDays)
      if (photos && entry.members.some((m) => m.photo)) record.photosDeleteAt = photos
      const results = when(resultDays)
      if (results) record.resultsDeleteAt = results
      return record
    })
    .sort((a, b) => b.date.localeCompare(a.date) || a.label.localeCompare(b.label))
}
