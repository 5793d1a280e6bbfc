// Loading rounds and chains, and who may see what in them.
import type { MemberResultView, RoundView } from '../../../typings/api'
import type { ChainDoc, ChainEntryDoc, RoundDoc } from '../../../server/antigen/model'
import { type ActionContext, AppError, hasRole, nowMs } from '../../../server/kernel'
import type { Grant } from '../../../server/platform/grants'
import { cloud, data } from '../../../server/platform/cloud'
import { iso } from '../../../server/platform/places'
import { isEarly } from '../../../server/antigen/rules'

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

export function loadChain(ctx: ActionContext, roundId: string, buildingId: string): Promise<ChainDoc> {
  return ctx.memo(`chain:${roundId}:${buildingId}`, async () => {
    const doc = await data.get<ChainDoc>('chains', chainId(roundId, buildingId))
    if (!doc) throw new AppError('NOT_FOUND', '这栋楼不在本轮检测范围内')
    return doc
  })
}

export { iso }

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

/** Close a round and its chains (no more submissions). */
export async function closeRoundDocs(roundId: string, closedAt: Date): Promise<void> {
  await data.update('rounds', roundId, { status: 'closed', closedAt })
  await data.updateWhere('chains', { roundId }, { status: 'closed' })
}

/** A round is closed once closed by hand or past its deadline (the timer then records it). */
export const isClosed = (r: Pick<RoundDoc, 'status' | 'deadline'>) =>
  r.status === 'closed' || new Date(r.deadline).getTime() < nowMs()

/** Results and photos go to leads of the building and above (the consent text promises it). */
export function seesResults(
  grants: readonly Grant[],
  chain: Pick<ChainDoc, 'communityId' | 'groupId' | 'buildingId'>,
): boolean {
  const scope = { communityId: chain.communityId, groupId: chain.groupId, buildingId: chain.buildingId }
  return (
    hasRole(grants, ['buildingLead', 'groupLead', 'communityLead', 'committee'], scope) ||
    grants.some((g) => g.role === 'floorLead' && g.scope.buildingId === chain.buildingId)
  )
}

/** Temporary URLs for kit photos, one storage call for all of them. */
export async function photoUrls(fileIds: string[]): Promise<Map<string, string>> {
  const map = new Map<string, string>()
  for (let i = 0; i < fileIds.length; i += 50) {
    const res = (await cloud.getTempFileURL({ fileList: fileIds.slice(i, i + 50) })) as {
      fileList: { fileID: string; tempFileURL: string; status: number }[]
    }
    for (const f of res.fileList) if (f.tempFileURL) map.set(f.fileID, f.tempFileURL)
  }
  return map
}

export function memberViews(entry: ChainEntryDoc, urls: Map<string, string>): MemberResultView[] {
  return entry.members.map((m) => {
    const view: MemberResultView = { memberId: m.memberId, name: m.name, result: m.result }
    if (m.reason) view.reason = m.reason
    const url = m.photo ? urls.get(m.photo) : undefined
    if (url) view.photoUrl = url
    if (m.startedAt) view.startedAt = m.startedAt
    if (m.photoAt) view.photoAt = m.photoAt
    if (isEarly(m)) view.early = true
    return view
  })
}
