// The community an import or export is for (no file reading here: the commit and rollback import it too).
import type { CommunityDoc } from '../community/model'
import type { Data } from '../kernel/db'
import { AppError } from '../kernel/errors'

export async function loadCommunity(data: Data, communityId: string): Promise<CommunityDoc> {
  const community = await data.get<CommunityDoc>('communities', communityId)
  if (!community) throw new AppError('NOT_FOUND', '找不到这个小区，请刷新后再试')
  return community
}
