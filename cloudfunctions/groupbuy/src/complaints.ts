// Complaints against a buy's merchant (缺货、变质、短斤少两、发错): a household that ordered (a member, its 代管
// holder, or a lead of its building or floor for it) records one with a note and up to 3 photos; the merchant's
// counters move in the same transaction (_.inc), the committee sees every complaint and marks it handled once with
// a note, the merchant sees its own with the household as 「楼-室」 only.
import { createHash } from 'node:crypto'
import type { ComplaintView } from '../../../typings/api'
import type { BuildingDoc, HouseholdDoc } from '../../../server/community/model'
import type { BuyDoc, ComplaintDoc, MerchantDoc, OrderDoc } from '../../../server/groupbuy/model'
import { action, AppError, defineActions, hasRole, nowDate, z, type ActionContext } from '../../../server/kernel'
import type { RawTransaction } from '../../../server/kernel/db'
import type { CollectionName } from '../../../server/collections'
import { householdLabel } from '../../../server/community/structure'
import { data } from '../../../server/platform/cloud'
import { counted, type RateLimit } from '../../../server/platform/ratelimit'
import { iso, loadCommunity, loadHousehold } from '../../../server/platform/places'
import { merchantId, merchantPhotoUrls } from '../../../server/groupbuy/merchants'
import { checkPhotos, fileIdSchema } from './photos'

/** Complaints one WeChat user may record per Shanghai day: a household's real problems, not a flood. */
export const COMPLAINT_LIMIT: RateLimit = {
  kind: 'complaint',
  max: 10,
  windowMs: 86_400_000,
  message: (at) => `今天提交的投诉太多了，请在 ${at} 以后再试，或直接联系居委`,
}

/** Photos a complaint may carry. */
export const COMPLAINT_PHOTOS_MAX = 3

/** Complaints a list answers at most (newest first). */
export const COMPLAINTS_LISTED = 500

/** The storage folder a complaint's photos are uploaded to: `complaints/<communityId>/<openid>/<file>`. */
export const complaintFolder = (communityId: string, openid: string) => ['complaints', communityId, openid]

/** The household's order of a buy (`orders` `_id`). */
const orderDocId = (buyId: string, householdId: string) => `${buyId}:${householdId}`

/** The same complaint sent again (a retry, a double tap) lands on the same document and counts once. */
const complaintId = (c: Pick<ComplaintDoc, 'buyId' | 'householdId' | 'kind' | 'note'>) =>
  `cmp_${createHash('sha256')
    .update([c.buyId, c.householdId, c.kind, c.note].join('\u0000'))
    .digest('hex')
    .slice(0, 24)}`

const txGet = async <T>(tx: RawTransaction, coll: CollectionName, docId: string): Promise<T | null> =>
  ((await tx.collection(coll).doc(docId).get()) as { data: T | null }).data

const id = (label: string) => z.string().min(1).max(80).describe(label)

/** Complaints as views: shop names, buy titles and building names read once for all of them, photos as URLs. */
async function complaintViews(docs: readonly ComplaintDoc[]): Promise<ComplaintView[]> {
  const [merchants, buys, buildings, urls] = await Promise.all([
    data.byIds<Pick<MerchantDoc, '_id' | 'shopName'>>(
      'merchants',
      docs.map((d) => d.merchantId),
    ),
    data.byIds<Pick<BuyDoc, '_id' | 'title' | 'shopName'>>(
      'buys',
      docs.map((d) => d.buyId),
    ),
    data.byIds<BuildingDoc>(
      'buildings',
      docs.map((d) => d.buildingId),
    ),
    merchantPhotoUrls(docs.flatMap((d) => d.photos)),
  ])
  return docs.map((d) => {
    const buy = buys.get(d.buyId)
    const v: ComplaintView = {
      id: d._id,
      merchantId: d.merchantId,
      shopName: merchants.get(d.merchantId)?.shopName ?? buy?.shopName ?? '',
      buyId: d.buyId,
      buyTitle: buy?.title ?? '',
      householdId: d.householdId,
      label: householdLabel(buildings.get(d.buildingId)?.name ?? '', d.room),
      kind: d.kind,
      note: d.note,
      photos: d.photos.flatMap((p) => (urls.has(p) ? [urls.get(p) as string] : [])),
      at: iso(d.at),
      status: d.status,
    }
    if (d.handledAt) v.handledAt = iso(d.handledAt)
    if (d.handledNote) v.handledNote = d.handledNote
    return v
  })
}

async function loadComplaint(ctx: ActionContext, complaint: string): Promise<ComplaintDoc> {
  const doc = await ctx.memo(`complaint:${complaint}`, () => data.get<ComplaintDoc>('complaints', complaint))
  if (!doc) throw new AppError('NOT_FOUND', '找不到这条投诉', 'id')
  return doc
}

export const complaintActions = defineActions('groupbuy', {
  fileComplaint: action({
    input: z
      .object({
        buyId: id('团购'),
        householdId: id('住户'),
        kind: z.enum(['missing', 'spoiled', 'short', 'wrong', 'other']).describe('问题'),
        note: z.string().trim().min(1).max(300).describe('说明'),
        photos: z.array(fileIdSchema('照片')).max(COMPLAINT_PHOTOS_MAX).optional().describe('照片'),
      })
      .strict(),
    // A member or 代管 holder of the household (their resident grant), a lead of its building or of its floor.
    access: {
      roles: ['resident', 'buildingLead', 'floorLead'],
      scope: async (i, ctx) => {
        const h = await loadHousehold(ctx, i.householdId)
        return {
          communityId: h.communityId,
          groupId: h.groupId,
          buildingId: h.buildingId,
          floor: h.floor,
          householdId: h._id,
        }
      },
    },
    handler: async (input, ctx): Promise<ComplaintView> => {
      const openid = ctx.caller.openid
      const household: HouseholdDoc = await loadHousehold(ctx, input.householdId)
      const community = await loadCommunity(ctx, household.communityId)
      if (community.closing) throw new AppError('COMMUNITY_CLOSED')
      const buy = await data.get<BuyDoc>('buys', input.buyId)
      if (!buy || buy.communityId !== household.communityId) throw new AppError('NOT_FOUND', '找不到这个团购', 'buyId')
      if (!buy.merchantId)
        throw new AppError('INVALID_INPUT', '这次团购没有商家，有问题请直接联系组织的居委或团长', 'buyId')
      const order = await data.get<OrderDoc>('orders', orderDocId(buy._id, household._id))
      if (!order || order.status !== 'active' || order.householdId !== household._id)
        throw new AppError('NOT_FOUND', '这一户在这次团购中没有下单，不能投诉', 'householdId')
      const photos = input.photos ?? []
      await checkPhotos([['photos', photos]], complaintFolder(household.communityId, openid))

      const doc: ComplaintDoc = {
        _id: '',
        communityId: household.communityId,
        merchantId: buy.merchantId,
        buyId: buy._id,
        householdId: household._id,
        buildingId: household.buildingId,
        room: household.room,
        kind: input.kind,
        note: input.note,
        photos,
        by: openid,
        at: nowDate(),
        status: 'open',
      }
      doc._id = complaintId(doc)
      // The same complaint again answers the one recorded, counted once.
      const earlier = await data.get<ComplaintDoc>('complaints', doc._id)
      if (earlier) return (await complaintViews([earlier]))[0] as ComplaintView
      const stored = await counted(COMPLAINT_LIMIT, openid, () =>
        data.raw.runTransaction(async (tx): Promise<ComplaintDoc> => {
          const again = await txGet<ComplaintDoc>(tx, 'complaints', doc._id)
          if (again) return again
          const merchant = await txGet<MerchantDoc>(tx, 'merchants', doc.merchantId)
          if (!merchant) throw new AppError('NOT_FOUND', '找不到这次团购的商家', 'buyId')
          const { _id: _ignored, ...rest } = doc
          await tx.collection('complaints').doc(doc._id).set({ data: rest })
          await tx
            .collection('merchants')
            .doc(doc.merchantId)
            .update({ data: { 'complaints.total': data._.inc(1), 'complaints.open': data._.inc(1) } })
          return doc
        }),
      )
      return (await complaintViews([stored]))[0] as ComplaintView
    },
  }),

  listComplaints: action({
    input: z
      .object({
        communityId: id('小区'),
        merchantId: id('商家').optional(),
        status: z.enum(['open', 'all']).optional().describe('状态'),
      })
      .strict(),
    access: { roles: ['committee', 'merchant'], scope: (i) => ({ communityId: i.communityId }) },
    handler: async (input, ctx): Promise<ComplaintView[]> => {
      const where: Record<string, unknown> = { communityId: input.communityId }
      if (hasRole(ctx.grants, ['committee'], { communityId: input.communityId })) {
        if (input.merchantId) where.merchantId = input.merchantId
      } else {
        // A merchant reads its own complaints only.
        const own = merchantId(input.communityId, ctx.caller.openid)
        if (input.merchantId && input.merchantId !== own) throw new AppError('FORBIDDEN')
        where.merchantId = own
      }
      if (input.status === 'open') where.status = 'open'
      const docs = await data.find<ComplaintDoc>('complaints', where, {
        limit: COMPLAINTS_LISTED,
        orderBy: [['at', 'desc']],
      })
      return complaintViews(docs)
    },
  }),

  handleComplaint: action({
    input: z
      .object({
        id: id('投诉'),
        note: z.string().trim().min(1, '请写明怎么处理的').max(200).describe('处理说明'),
      })
      .strict(),
    access: {
      roles: ['committee'],
      scope: async (i, ctx) => ({ communityId: (await loadComplaint(ctx, i.id)).communityId }),
    },
    handler: async (input, ctx): Promise<ComplaintView> => {
      const by = ctx.caller.openid
      const handled = await data.raw.runTransaction(async (tx): Promise<ComplaintDoc> => {
        const doc = await txGet<ComplaintDoc>(tx, 'complaints', input.id)
        if (!doc) throw new AppError('NOT_FOUND', '找不到这条投诉', 'id')
        if (doc.status === 'handled') {
          // The same member's same note again (a retry): answered as it stands, nothing moved twice.
          if (doc.handledBy === by && doc.handledNote === input.note) return { ...doc, _id: input.id }
          throw new AppError('CONFLICT', '这条投诉已经处理过了', 'id')
        }
        const patch = { status: 'handled' as const, handledAt: nowDate(), handledBy: by, handledNote: input.note }
        await tx.collection('complaints').doc(input.id).update({ data: patch })
        if (await txGet<MerchantDoc>(tx, 'merchants', doc.merchantId))
          await tx
            .collection('merchants')
            .doc(doc.merchantId)
            .update({ data: { 'complaints.open': data._.inc(-1) } })
        return { ...doc, ...patch, _id: input.id }
      })
      return (await complaintViews([handled]))[0] as ComplaintView
    },
  }),
})
