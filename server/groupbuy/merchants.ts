// Merchants (核查准入): a shop's application and standing in one community, read by every part of group buys. The
// merchant document's `status` is the one source of truth of whether a shop may sell: a buy is created and an
// order placed only while it reads `approved` (merchantUsable), whatever the buy stored when it was made. The
// `merchant` role granted on approval only lets the shop reach its pages and actions; suspension removes it.
import type { MerchantHistoryView, MerchantStatus, MerchantView, SellerView } from '../../typings/api'
import type { MerchantDoc } from './model'
import { AppError } from '../kernel'
import { roleId } from '../community/ids'
import { data } from '../platform/cloud'
import { photoUrls } from '../platform/photos'
import { iso } from '../platform/places'

export { merchantId } from './ids'

/** The merchant's page (its application, status and complaints): where its notices open. */
export const MERCHANT_PAGE = 'packageGroupbuy/pages/merchant'

/** How long a temporary URL of a licence, permit or certificate photo works: long enough to check it, no longer. */
export const MERCHANT_PHOTO_URL_MAX_AGE_S = 600

/** Photos an application carries, per kind: at least one of each, at most this many. */
export const MERCHANT_PHOTO_LIMITS = { licence: 5, foodPermit: 5, healthCerts: 20 } as const

/** The storage folder a shop's photos are uploaded to: `merchants/<communityId>/<openid>/<file>`. */
export const merchantFolder = (communityId: string, openid: string) => ['merchants', communityId, openid]

/** The `merchant` role an approved shop holds, as grantRole would name it (the place is the community). */
export const merchantRoleId = (m: Pick<MerchantDoc, 'openid' | 'communityId'>) =>
  roleId(m.openid, 'merchant', m.communityId)

/** Every photo of an application. */
export const merchantPhotos = (m: Pick<MerchantDoc, 'licence' | 'foodPermit' | 'healthCerts'>): string[] => [
  ...m.licence,
  ...m.foodPermit,
  ...m.healthCerts,
]

/** A merchant by id, or null. */
export function loadMerchant(id: string): Promise<MerchantDoc | null> {
  return data.get<MerchantDoc>('merchants', id)
}

/** The shop may sell now (open a buy, take an order): approved by the committee and not suspended since. */
export function merchantUsable(doc: Pick<MerchantDoc, 'status'> | null | undefined): boolean {
  return doc?.status === 'approved'
}

/**
 * Refuse a buy or an order of a shop that may not sell: MERCHANT_SUSPENDED for a suspended one,
 * MERCHANT_NOT_APPROVED for one pending or rejected, NOT_FOUND for no such shop (of this community).
 */
export function assertMerchantUsable(
  doc: MerchantDoc | null | undefined,
  communityId?: string,
  field = 'merchantId',
): asserts doc is MerchantDoc {
  if (!doc || (communityId !== undefined && doc.communityId !== communityId))
    throw new AppError('NOT_FOUND', '找不到这家商家', field)
  if (doc.status === 'suspended') throw new AppError('MERCHANT_SUSPENDED', undefined, field)
  if (doc.status !== 'approved') throw new AppError('MERCHANT_NOT_APPROVED', undefined, field)
}

/** What residents see of who sells: the shop, what it sells, and that (and when) the committee approved it. */
export function sellerView(m: Pick<MerchantDoc, '_id' | 'shopName' | 'goods' | 'status' | 'approvedAt'>): SellerView {
  const v: SellerView = { id: m._id, shopName: m.shopName, goods: m.goods, status: m.status }
  if (m.approvedAt) v.approvedAt = iso(m.approvedAt)
  return v
}

/** The community's approved shops, by name: whom the committee or a 团长 may run a sale with. */
export async function approvedSellers(communityId: string): Promise<SellerView[]> {
  const docs = await data.findAll<MerchantDoc>(
    'merchants',
    { communityId, status: 'approved' },
    { fields: { shopName: true, goods: true, status: true, approvedAt: true } },
  )
  return docs.map(sellerView).sort((a, b) => a.shopName.localeCompare(b.shopName, 'zh-Hans-CN'))
}

/** Temporary URLs of merchant photos (10 minutes), 50 per storage call. */
export const merchantPhotoUrls = (fileIds: readonly string[]): Promise<Map<string, string>> =>
  photoUrls(fileIds, MERCHANT_PHOTO_URL_MAX_AGE_S)

/** Who reads a merchant view: the committee (decision makers named), or the shop itself (「居委」 decided). */
export type MerchantReader = 'committee' | 'self'

const STATUS_ORDER: Record<MerchantStatus, number> = { pending: 0, approved: 1, suspended: 2, rejected: 3 }

/** A merchant as the committee or the shop itself sees it: full phone, photos as temporary URLs, its history. */
export function merchantView(m: MerchantDoc, urls: ReadonlyMap<string, string>, reader: MerchantReader): MerchantView {
  const photos = (ids: readonly string[]) => ids.flatMap((id) => (urls.has(id) ? [urls.get(id) as string] : []))
  const history: MerchantHistoryView[] = m.history.map((h) => {
    const v: MerchantHistoryView = {
      status: h.status,
      at: iso(h.at),
      // The shop sees that the committee decided, not which of its members.
      byName: h.by === m.openid ? '商家' : reader === 'committee' ? h.byName : '居委',
    }
    if (h.reason) v.reason = h.reason
    return v
  })
  const v: MerchantView = {
    id: m._id,
    communityId: m.communityId,
    shopName: m.shopName,
    contactName: m.contactName,
    // Full: only the committee and the shop itself ever read a merchant view.
    phone: m.phone,
    goods: m.goods,
    status: m.status,
    appliedAt: iso(m.appliedAt),
    licence: photos(m.licence),
    foodPermit: photos(m.foodPermit),
    healthCerts: photos(m.healthCerts),
    history,
    complaints: { total: Math.max(0, m.complaints?.total ?? 0), open: Math.max(0, m.complaints?.open ?? 0) },
  }
  if (m.reason) v.reason = m.reason
  if (m.approvedAt) v.approvedAt = iso(m.approvedAt)
  if (m.note) v.note = m.note
  return v
}

/** Views of several merchants, one storage call per 50 photos; pending first, then approved, suspended, rejected. */
export async function merchantViews(docs: readonly MerchantDoc[], reader: MerchantReader): Promise<MerchantView[]> {
  const urls = await merchantPhotoUrls(docs.flatMap(merchantPhotos))
  return [...docs]
    .sort(
      (a, b) =>
        STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
        new Date(b.appliedAt).getTime() - new Date(a.appliedAt).getTime(),
    )
    .map((m) => merchantView(m, urls, reader))
}
