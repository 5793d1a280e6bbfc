// What the printable lists of every feature share (a closed buy's, a delivery's): who is the committee, a building
// once per call, a household's numbers as the visibility policy shows them, a file name a phone accepts, and the
// upload that records the file for deletion and answers the ExportFile.
import type { ExportFile } from '../../../typings/api'
import type { BuildingDoc, MemberDoc } from '../../../server/community/model'
import { hasRole, type ActionContext } from '../../../server/kernel'
import { data } from '../../../server/platform/cloud'
import { uploadExport, type ExportDoc } from '../../../server/platform/exports'
import { showPhone, type Fields } from '../../../server/platform/visibility'
import { randomId } from '../../../server/community/ids'

export const isCommittee = (ctx: ActionContext, communityId: string) =>
  hasRole(ctx.grants, ['committee'], { communityId })

export const loadBuilding = (ctx: ActionContext, id: string) =>
  ctx.memo(`building:${id}`, () => data.get<BuildingDoc>('buildings', id))

/**
 * A household's numbers for a list's 电话 column, at most two, as the caller's fields show them (only the committee
 * asks for the column, and sees them in full). `first`: a number that comes before the members' (an imported
 * order's 联系电话).
 */
export function householdPhones(members: readonly Pick<MemberDoc, 'phone'>[], f: Fields, first?: string): string {
  const numbers = [...(first ? [first] : []), ...members.flatMap((m) => showPhone(f.phone, m.phone) ?? [])]
  return [...new Set(numbers)].slice(0, 2).join('、')
}

/** A file's name without characters a phone's file system or the document viewer refuses. */
const safeFileName = (s: string) => s.replace(/[\\/:*?"<>|\s]+/g, '_').slice(0, 40)

/** 「分拣单-周末蔬菜团-1号-含电话.xlsx」: the parts given, made safe, and whether it carries phone numbers. */
export const printFileName = (parts: readonly (string | undefined)[], phones: boolean) =>
  `${parts
    .filter((p): p is string => Boolean(p))
    .map(safeFileName)
    .join('-')}${phones ? '-含电话' : ''}.xlsx`

/** Upload a printable file under the community's exports, recorded for deletion like every export. */
export async function uploadPrintFile(
  communityId: string,
  kind: ExportDoc['kind'],
  buffer: Buffer,
  by: string,
  fileName: string,
): Promise<ExportFile> {
  const file = await uploadExport(communityId, kind, `exports/${communityId}/${randomId(kind, 16)}.xlsx`, buffer, by, {
    fileName,
  })
  return { ...file, fileName }
}
