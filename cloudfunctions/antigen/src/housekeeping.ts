// The timer: close rounds past their deadline, and delete kit photos some days after a round closed (results
// stay, as counts and per-household results without photos).
import type { ChainDoc, RoundDoc } from '../../../server/antigen/model'
import type { CommunityDoc } from '../../../server/community/model'
import { cloud, data } from '../../../server/platform/cloud'
import { closeRoundDocs } from './common'
import { nowDate } from '../../../server/kernel'

export const DEFAULT_PHOTO_RETENTION_DAYS = 14
const DAY = 86_400_000

export async function closeOverdueRounds(now = nowDate()): Promise<number> {
  const overdue = await data.find<RoundDoc>(
    'rounds',
    { status: 'open', deadline: data._.lt(now) },
    { limit: 100, fields: { buildingIds: false } as never },
  )
  for (const r of overdue) {
    await closeRoundDocs(r._id, new Date(r.deadline))
  }
  return overdue.length
}

/** Photos of one round: deleted from storage in batches of 50, then removed from the chains. */
export async function deleteRoundPhotos(round: Pick<RoundDoc, '_id'>): Promise<number> {
  const chains = await data.findAll<ChainDoc>('chains', { roundId: round._id })
  let deleted = 0
  for (const chain of chains) {
    const patch: Record<string, unknown> = {}
    const photos: string[] = []
    for (const entry of Object.values(chain.entries)) {
      if (!entry.members.some((m) => m.photo)) continue
      photos.push(...entry.members.flatMap((m) => (m.photo ? [m.photo] : [])))
      patch[`entries.${entry.householdId}.members`] = entry.members.map(
        ({ photo: _photo, photoSize: _size, ...rest }) => rest,
      )
    }
    for (let i = 0; i < photos.length; i += 50) await cloud.deleteFile({ fileList: photos.slice(i, i + 50) })
    if (Object.keys(patch).length) await data.update('chains', chain._id, patch)
    deleted += photos.length
  }
  await data.update('rounds', round._id, { photosDeletedAt: nowDate() })
  return deleted
}

export async function deleteExpiredPhotos(now = nowDate()): Promise<{ rounds: number; photos: number }> {
  const closed = await data.find<RoundDoc>(
    'rounds',
    { status: 'closed', photosDeletedAt: data._.exists(false) },
    { limit: 100, fields: { buildingIds: false } as never },
  )
  const communities = new Map(
    (
      await data.find<CommunityDoc>(
        'communities',
        { _id: data._.in([...new Set(closed.map((r) => r.communityId))]) },
        { limit: 100 },
      )
    ).map((c) => [c._id, c]),
  )
  let rounds = 0
  let photos = 0
  for (const r of closed) {
    const days = communities.get(r.communityId)?.settings.photoRetentionDays ?? DEFAULT_PHOTO_RETENTION_DAYS
    if (!r.closedAt || now.getTime() - new Date(r.closedAt).getTime() < days * DAY) continue
    photos += await deleteRoundPhotos(r)
    rounds++
  }
  return { rounds, photos }
}
