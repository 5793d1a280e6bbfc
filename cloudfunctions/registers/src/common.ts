// What the registers function's actions share: the caller's subtree and name, a type and an entry loaded once, the
// roles that write, and the folder a register's photos come from.
import type { RoleGrant } from '../../../typings/api'
import type { HouseholdDoc } from '../../../server/community/model'
import type { RegisterEntryDoc, RegisterStampDoc, RegisterTypeDoc } from '../../../server/registers/model'
import type { Grant } from '../../../server/platform/grants'
import { AppError, hasRole, nowDate, z, type ActionContext } from '../../../server/kernel'
import { data } from '../../../server/platform/cloud'
import { loadType } from '../../../server/registers/read'
import { isEmptySubtree, subtreeOf, type Subtree } from '../../../server/registers/rules'
import { currentEnv, fileInFolder } from '../../../server/platform/files'
import { ROLE_LABELS } from '../../../miniprogram/shared/constants'

export const id = (label: string) => z.string().min(1).max(120).describe(label)
export const communityId = z.string().min(1).max(64).describe('小区')

export const isCommittee = (grants: readonly RoleGrant[], communityId: string) =>
  hasRole(grants, ['committee'], { communityId })

export function type(ctx: ActionContext, typeId: string): Promise<RegisterTypeDoc> {
  return ctx.memo(`registerType:${typeId}`, () => loadType(typeId))
}

/**
 * A type for an action whose access the handler decides (a lead's subtree): an unknown one is answered FORBIDDEN,
 * like one of another community, so nobody learns which ids exist.
 */
export async function visibleType(ctx: ActionContext, typeId: string): Promise<RegisterTypeDoc> {
  try {
    return await type(ctx, typeId)
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') throw new AppError('FORBIDDEN')
    throw err
  }
}

export function entry(ctx: ActionContext, entryId: string): Promise<RegisterEntryDoc> {
  return ctx.memo(`registerEntry:${entryId}`, async () => {
    const doc = await data.get<RegisterEntryDoc>('registerEntries', entryId)
    if (!doc || doc.deleted) throw new AppError('NOT_FOUND', '这条登记不存在或已删除', 'entryId')
    return doc
  })
}

/** The caller's subtree in the community, or FORBIDDEN when they lead nothing there. */
export function subtree(ctx: ActionContext, communityId: string): Subtree {
  const s = subtreeOf(ctx.grants, communityId)
  if (isEmptySubtree(s)) throw new AppError('FORBIDDEN')
  return s
}

/** The caller's name as recorded on what they write: the household member behind a grant, else the grant's name. */
export async function callerStamp(ctx: ActionContext, communityId: string): Promise<RegisterStampDoc> {
  const grants = (ctx.grants as unknown as readonly Grant[]).filter((g) => g.scope.communityId === communityId)
  let name = ''
  const withHousehold = grants.find((g) => g.householdId && g.memberId)
  if (withHousehold) {
    const h = await data.get<HouseholdDoc>('households', withHousehold.householdId as string)
    name = h?.members.find((m) => m.id === withHousehold.memberId)?.name ?? ''
  }
  if (!name) name = grants.find((g) => g.holderName)?.holderName ?? ''
  if (!name) name = ROLE_LABELS[grants.find((g) => g.role !== 'resident')?.role ?? 'committee']
  return { at: nowDate(), openid: ctx.caller.openid, name }
}

/** A register's photos are uploaded to `registers/<communityId>/<typeId>/`. */
export const photoFolder = (communityId: string, typeId: string) => ['registers', communityId, typeId]

export const photoInFolder = (communityId: string, typeId: string) => (fileID: string) =>
  fileInFolder(fileID, photoFolder(communityId, typeId), currentEnv()) !== null
