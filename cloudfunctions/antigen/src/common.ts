// Loading rounds and chains, and the people in them as the visibility policy shows them to the caller.
import type { MemberResultView } from '../../../typings/api'
import type { ChainDoc, ChainEntryDoc } from '../../../server/antigen/model'
import { type ActionContext, AppError } from '../../../server/kernel'
import type { Grant } from '../../../server/platform/grants'
import { cloud, data } from '../../../server/platform/cloud'
import { iso } from '../../../server/platform/places'
import { memberResultView, type Fields } from '../../../server/platform/visibility'

export { chainId } from '../../../server/antigen/rules'
import { chainId } from '../../../server/antigen/rules'

/** The page a resident submits on (pushes link to it). */
export const SUBMIT_PAGE = 'packageAntigen/pages/submit'

/** The widest place a caller leads in a community: the table and lists are cut to it. */
export function leadScope(
  grants: Grant[],
  communityId: string,
): { communityId: string; groupId?: string; buildingId?: string; floor?: number } {
  const here = grants.filter((g) => g.scope.communityId === communityId)
  if (here.some((g) => g.role === 'committee' || g.role === 'communityLead')) return { communityId }
  const group = here.find((g) => g.role === 'groupLead')
  if (group) return { communityId, groupId: group.scope.groupId as string }
  const building = here.find((g) => g.role === 'buildingLead' || g.role === 'floorLead')
  if (building)
    return {
      communityId,
      buildingId: building.scope.buildingId as string,
      ...(building.scope.floor !== undefined ? { floor: building.scope.floor } : {}),
    }
  return { communityId }
}

export function loadChain(ctx: ActionContext, roundId: string, buildingId: string): Promise<ChainDoc> {
  return ctx.memo(`chain:${roundId}:${buildingId}`, async () => {
    // Read your writes: submissions still waiting for the sequencer (a kick not run yet) are merged first, so a
    // lead looking at the chain, flagging or confirming sees every submission already answered 「已提交」.
    const id = chainId(roundId, buildingId)
    if ((await data.count('intake', { chainId: id })) > 0) await sequence(id, 5000)
    const doc = await data.get<ChainDoc>('chains', id)
    if (!doc) throw new AppError('NOT_FOUND', '这栋楼不在本轮检测范围内')
    return doc
  })
}

/** The chain fields that describe its round and building (everything but the entries). */
const CHAIN_FACTS = [
  '_id',
  'roundId',
  'communityId',
  'groupId',
  'buildingId',
  'buildingName',
  'status',
  'closedAt',
  'date',
  'deadline',
  'notice',
  'allBuildings',
  'buildingCount',
  'openedAt',
  'confirmed',
  'floors',
  'version',
] as const

/** A chain with one household's entry only: what a submission or a household's view needs, however big the chain. */
export async function chainFor(
  roundId: string,
  buildingId: string,
  householdId: string,
): Promise<(Pick<ChainDoc, (typeof CHAIN_FACTS)[number]> & { entries?: ChainDoc['entries'] }) | null> {
  const [doc] = await data.find<ChainDoc>(
    'chains',
    { _id: chainId(roundId, buildingId) },
    { limit: 1, fields: chainFields([householdId]) },
  )
  return doc ?? null
}

/** A projection of a chain's facts and these households' entries. */
export function chainFields(householdIds: readonly string[]): Record<string, boolean> {
  const fields: Record<string, boolean> = Object.fromEntries(CHAIN_FACTS.map((f) => [f, true]))
  for (const h of householdIds) fields[`entries.${h}`] = true
  return fields
}

export { iso }

export { closeRoundDocs } from '../../../server/antigen/sequencer'
import { sequence } from '../../../server/antigen/sequencer'
// Shared with the `sheets` function's table export.
export { entryTarget, isClosed, loadRound, roundView } from '../../../server/antigen/table'

/** How long a kit photo's temporary URL works: long enough to look at a chain, short enough not to be passed on. */
export const PHOTO_URL_MAX_AGE_S = 600

/** Temporary URLs for kit photos (10 minutes), one storage call for all of them. */
export async function photoUrls(fileIds: string[]): Promise<Map<string, string>> {
  const map = new Map<string, string>()
  for (let i = 0; i < fileIds.length; i += 50) {
    const fileList = fileIds.slice(i, i + 50).map((fileID) => ({ fileID, maxAge: PHOTO_URL_MAX_AGE_S }))
    const res = (await cloud.getTempFileURL({ fileList })) as {
      fileList: { fileID: string; tempFileURL: string; status: number }[]
    }
    for (const f of res.fileList) if (f.tempFileURL) map.set(f.fileID, f.tempFileURL)
  }
  return map
}

/** An entry's members as the caller's fields for its household allow (names, results, photos). */
export function memberViews(entry: ChainEntryDoc, urls: Map<string, string>, fields: Fields): MemberResultView[] {
  return entry.members.map((m) => memberResultView(m, fields, m.photo ? urls.get(m.photo) : undefined))
}

/** The photos of the entries whose photos the caller may see. */
export const photosOf = (entries: readonly { entry: ChainEntryDoc; fields: Fields }[]): string[] =>
  entries.flatMap(({ entry, fields }) =>
    fields.photos ? entry.members.flatMap((m) => (m.photo ? [m.photo] : [])) : [],
  )
