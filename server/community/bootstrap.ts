// A new community and its first committee member: the one step the product cannot take itself, since every
// action on a community needs a committee member of it. `npm run bootstrap` (scripts/bootstrap.ts) runs this on
// localcloud or a CloudBase environment; the tests run it over the same `Data`. It writes the documents exactly
// as the product would: the community with a new community's default settings, and a committee grant in the
// one stored shape of roles (top-level `communityId`, as grantRole writes it and every roles query reads it).
import type { Data } from '../kernel/db'
import { nowDate } from '../kernel/clock'
import { AppError, clip } from '../kernel/errors'
import { isSafeText } from '../kernel/validate'
import { defaultSettings } from './settings'
import { roleId, rolePlace } from './ids'
import type { CommunityDoc, RoleDoc } from './model'

/** `grantedBy` of a grant this step wrote (no openid granted it). */
export const BOOTSTRAP_GRANTOR = 'bootstrap'

/**
 * A new community's id. The functions' id schemas take 1–64 characters; the id also goes into storage paths
 * (`ledger/<id>/…`), page query strings and other ids, so a new one keeps to letters, digits, - and _.
 */
export const COMMUNITY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/
/** A WeChat openid: 28 characters of letters, digits, - and _ (localcloud's made-up ones are alike). */
export const OPENID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

export interface BootstrapInput {
  communityId: string
  /** 小区名. */
  name: string
  /** Openid of the first committee member. */
  committee: string
  /** Their name, shown in the role list (they need not live in the community). */
  committeeName?: string
  /** 街道 / district. */
  district?: string
}

export interface BootstrapResult {
  communityId: string
  /** `created` when this call wrote the document; `unchanged` when it was already there as asked. */
  community: 'created' | 'unchanged'
  committee: 'created' | 'unchanged'
  roleId: string
  /** Committee records of this community without the top-level `communityId`: no query reads them (ids). */
  ignored: string[]
}

const CONTROL = /[\u0000-\u001f\u007f]/

function text(value: string | undefined, field: string, label: string, max: number): string | undefined {
  if (value === undefined) return undefined
  const v = value.trim()
  if (v === '' || [...v].length > max || CONTROL.test(v) || !isSafeText(v) || !/[\p{L}\p{N}]/u.test(v))
    throw new AppError('INVALID_INPUT', `${label}应为 1–${max} 个字，不能含控制字符、零宽字符或文字方向符号`, field)
  return v
}

/** The input checked and normalised as the product would store it; throws INVALID_INPUT naming the field. */
export function checkBootstrapInput(raw: BootstrapInput): BootstrapInput {
  if (!COMMUNITY_ID_PATTERN.test(raw.communityId))
    throw new AppError(
      'INVALID_INPUT',
      `小区 ID「${clip(raw.communityId)}」不可用：只能用字母、数字、- 和 _，以字母或数字开头，最多 64 个字符`,
      'communityId',
    )
  if (!OPENID_PATTERN.test(raw.committee))
    throw new AppError(
      'INVALID_INPUT',
      `居委管理员 openid「${clip(raw.committee)}」不正确：应为 1–64 个字母、数字、- 或 _（微信 openid 为 28 位）`,
      'committee',
    )
  const input: BootstrapInput = {
    communityId: raw.communityId,
    name: text(raw.name, 'name', '小区名', 40) as string,
    committee: raw.committee,
  }
  // Names are stored as the join form stores them: without spaces.
  const committeeName = text(raw.committeeName, 'committeeName', '居委管理员姓名', 20)?.replace(/\s+/g, '')
  if (committeeName) input.committeeName = committeeName
  const district = text(raw.district, 'district', '街道', 60)
  if (district) input.district = district
  return input
}

/** The documents a bootstrap writes for this input, dated `at`. */
export function bootstrapDocs(input: BootstrapInput, at: Date): { community: CommunityDoc; role: RoleDoc } {
  const community: CommunityDoc = {
    _id: input.communityId,
    name: input.name,
    ...(input.district ? { district: input.district } : {}),
    settings: defaultSettings(),
    createdAt: at,
  }
  const scope = { communityId: input.communityId }
  const role: RoleDoc = {
    _id: roleId(input.committee, 'committee', rolePlace({ role: 'committee', scope })),
    openid: input.committee,
    communityId: input.communityId,
    role: 'committee',
    scope,
    ...(input.committeeName ? { holderName: input.committeeName } : {}),
    grantedBy: BOOTSTRAP_GRANTOR,
    grantedAt: at,
  }
  return { community, role }
}

/**
 * Create the community and its first committee member. Idempotent: with the same input again nothing is written
 * and both parts answer `unchanged`; a run cut short between the two writes is completed. Refused with nothing
 * written (AppError): an invalid input, an existing community of another name or district, a community that has
 * committee members already but not this one (they grant further ones in the mini-program), or this member
 * recorded under another name.
 */
export async function bootstrapCommunity(data: Data, raw: BootstrapInput): Promise<BootstrapResult> {
  const input = checkBootstrapInput(raw)
  const { communityId } = input
  const docs = bootstrapDocs(input, nowDate())
  const [existing, committee, handWritten] = await Promise.all([
    data.get<CommunityDoc>('communities', communityId),
    data.find<RoleDoc>('roles', { communityId, role: 'committee' }, { limit: 1000 }),
    data.find<RoleDoc>(
      'roles',
      { role: 'committee', 'scope.communityId': communityId, communityId: data._.neq(communityId) },
      { limit: 100 },
    ),
  ])
  const refuse = (message: string, field?: string) => new AppError('CONFLICT', `${message}。未写入任何数据`, field)
  if (existing && existing.name !== input.name)
    throw refuse(`小区 ${communityId} 已存在，名称是「${existing.name}」，不是「${input.name}」`, 'name')
  if (existing && input.district !== undefined && existing.district !== input.district)
    throw refuse(
      `小区 ${communityId} 已存在，街道是${existing.district ? `「${existing.district}」` : '空的'}，不是「${input.district}」`,
      'district',
    )
  const mine = committee.find((r) => r.openid === input.committee)
  if (!mine && committee.length > 0)
    throw refuse(
      `小区「${input.name}」已有 ${committee.length} 位居委管理员，其他居委管理员请由他们在小程序「角色管理」中授予`,
      'committee',
    )
  if (mine && input.committeeName !== undefined && mine.holderName !== input.committeeName)
    throw refuse(
      `${input.committee} 已是本小区的居委管理员，登记的姓名${mine.holderName ? `是「${mine.holderName}」` : '为空'}，` +
        `不是「${input.committeeName}」`,
      'committeeName',
    )

  // Community first: a run stopped after it finds the community as asked and adds the grant.
  if (!existing) await data.insert('communities', docs.community)
  if (!mine) await data.set('roles', docs.role)
  return {
    communityId,
    community: existing ? 'unchanged' : 'created',
    committee: mine ? 'unchanged' : 'created',
    roleId: mine?._id ?? docs.role._id,
    ignored: handWritten.map((r) => r._id),
  }
}
