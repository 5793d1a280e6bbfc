// Merchant vetting (核查准入): a shop applies with its business licence, food permit and staff health certificates;
// the committee approves, rejects, suspends or reinstates it with a reason. Approval grants the `merchant` role,
// suspension takes it away; the merchant document's status is what every buy and order checks
// (server/groupbuy/merchants.ts). Nobody but the committee and the shop itself reads an application.
//
// A new application is not pushed to the committee: no subscription template fits it (joinRequest is a household's
// join request to its building's leads), so the committee's merchant page lists the pending ones first.
import type { MerchantDecision, MerchantStatus, MerchantView } from '../../../typings/api'
import type { HouseholdDoc, RoleDoc } from '../../../server/community/model'
import type { MerchantDoc, MerchantHistoryDoc } from '../../../server/groupbuy/model'
import { action, AppError, defineActions, nowDate, z, type ActionContext } from '../../../server/kernel'
import type { RawTransaction } from '../../../server/kernel/db'
import type { CollectionName } from '../../../server/collections'
import { assertCommunityOpen } from '../../../server/community/closing'
import { data } from '../../../server/platform/cloud'
import { deleteFiles } from '../../../server/platform/deletions'
import type { Grant } from '../../../server/platform/grants'
import { notify } from '../../../server/platform/notify'
import { counted, type RateLimit } from '../../../server/platform/ratelimit'
import { loadCommunity } from '../../../server/platform/places'
import { TEMPLATES } from '../../../server/templates'
import {
  loadMerchant,
  MERCHANT_PAGE,
  MERCHANT_PHOTO_LIMITS,
  merchantFolder,
  merchantId,
  merchantPhotos,
  merchantRoleId,
  merchantViews,
} from '../../../server/groupbuy/merchants'
import { checkPhotos, fileIdSchema, textField } from './photos'

const DAY_MS = 86_400_000

/** Applications one WeChat user may send per Shanghai day (every community together): enough to fix a mistake. */
export const APPLY_LIMIT: RateLimit = {
  kind: 'merchantApply',
  max: 5,
  windowMs: DAY_MS,
  message: (at) => `今天提交商家申请的次数太多，请在 ${at} 以后再试`,
}

/** Entries of a merchant's history kept (applications and decisions); older ones go first. */
export const HISTORY_KEPT = 50

const id = (label: string) => z.string().min(1).max(64).describe(label)
const photoList = (label: string, max: number) =>
  z
    .array(fileIdSchema(`${label}照片`))
    .min(1, `请上传${label}照片`)
    .max(max)
    .describe(label)

const applicationInput = z
  .object({
    communityId: id('小区'),
    shopName: textField('店名', 2, 30),
    contactName: textField('联系人', 1, 20),
    phone: z
      .string()
      .max(20)
      .transform((p) => p.replace(/[\s-]/g, ''))
      .refine((p) => /^1[3-9]\d{9}$/.test(p), { message: '「手机号」请填写 11 位手机号码' })
      .describe('手机号'),
    goods: textField('经营品类', 1, 60),
    licence: photoList('营业执照', MERCHANT_PHOTO_LIMITS.licence),
    foodPermit: photoList('食品经营许可证', MERCHANT_PHOTO_LIMITS.foodPermit),
    healthCerts: photoList('健康证', MERCHANT_PHOTO_LIMITS.healthCerts),
    note: z.string().trim().max(200).optional().describe('备注'),
  })
  .strict()

/** Each decision: the statuses it applies to and the one it makes. */
const TRANSITIONS: Record<MerchantDecision, { from: readonly MerchantStatus[]; to: MerchantStatus }> = {
  approve: { from: ['pending', 'rejected'], to: 'approved' },
  reject: { from: ['pending'], to: 'rejected' },
  suspend: { from: ['approved'], to: 'suspended' },
  reinstate: { from: ['suspended'], to: 'approved' },
}

/** Why a decision does not apply to a merchant in this status (CONFLICT). */
const REFUSED: Record<MerchantDecision, Partial<Record<MerchantStatus, string>>> = {
  approve: { approved: '这家商家已经通过审核了', suspended: '这家商家已被暂停，请用「恢复」' },
  reject: {
    approved: '这家商家已经通过审核，不能再改为未通过；如有问题请暂停',
    rejected: '这份申请已经是未通过了',
    suspended: '这家商家已被暂停',
  },
  suspend: {
    pending: '这份申请还没有审核，不能暂停',
    rejected: '这份申请没有通过，不能暂停',
    suspended: '这家商家已经暂停了',
  },
  reinstate: {
    pending: '这份申请还没有审核',
    rejected: '这份申请没有通过，请用「通过」',
    approved: '这家商家没有被暂停',
  },
}

/** What the applicant is told (merchantResult: phrase1 审核结果, thing2 商家, thing3 说明). */
const RESULT_PHRASE: Record<MerchantDecision, string> = {
  approve: '已通过',
  reject: '未通过',
  suspend: '已暂停',
  reinstate: '已恢复',
}
const RESULT_NOTE: Record<MerchantDecision, string> = {
  approve: '可以在小程序中开团了',
  reject: '请按说明修改后重新申请',
  suspend: '暂停期间不能开团和接单',
  reinstate: '可以继续开团了',
}

const decisionInput = z
  .object({
    merchantId: id('商家'),
    decision: z.enum(['approve', 'reject', 'suspend', 'reinstate']).describe('决定'),
    reason: z.string().trim().max(100).describe('原因'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if ((v.decision === 'reject' || v.decision === 'suspend') && v.reason === '')
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['reason'],
        message: v.decision === 'reject' ? '请写明没有通过的原因' : '请写明暂停的原因',
      })
  })

const txGet = async <T>(tx: RawTransaction, coll: CollectionName, docId: string): Promise<T | null> =>
  ((await tx.collection(coll).doc(docId).get()) as { data: T | null }).data

/** The committee member's name for the history: the name on their grant, else their member record, else 居委. */
export async function committeeName(ctx: ActionContext, communityId: string): Promise<string> {
  const grant = (ctx.grants as Grant[]).find((g) => g.role === 'committee' && g.scope.communityId === communityId)
  if (grant?.holderName) return grant.holderName
  if (grant?.householdId) {
    const household = await data.get<HouseholdDoc>('households', grant.householdId)
    const member = household?.members.find((m) => m.id === grant.memberId || m.openid === ctx.caller.openid)
    if (member) return member.name
  }
  return '居委'
}

async function loadForScope(ctx: ActionContext, merchant: string): Promise<MerchantDoc> {
  const doc = await ctx.memo(`merchant:${merchant}`, () => loadMerchant(merchant))
  if (!doc) throw new AppError('NOT_FOUND', '找不到这家商家', 'merchantId')
  return doc
}

type Decided = { outcome: 'decided' | 'repeat'; merchant: MerchantDoc }

/**
 * Decide in one transaction: the merchant is still in a status the decision applies to, and its document and its
 * `merchant` grant are written together or not at all. Two decisions at once both write the merchant, so the later
 * commit conflicts and its retry sees the winner's status. The same member's same decision again (a retry, a
 * double tap) writes nothing and tells nobody twice.
 */
function decide(
  merchant: string,
  decision: MerchantDecision,
  reason: string,
  by: string,
  byName: string,
): Promise<Decided> {
  const { from, to } = TRANSITIONS[decision]
  return data.raw.runTransaction(async (tx): Promise<Decided> => {
    const doc = await txGet<MerchantDoc>(tx, 'merchants', merchant)
    if (!doc) throw new AppError('NOT_FOUND', '找不到这家商家', 'merchantId')
    const last = doc.history[doc.history.length - 1]
    if (doc.status === to && last?.status === to && last.by === by) return { outcome: 'repeat', merchant: doc }
    if (!from.includes(doc.status)) throw new AppError('CONFLICT', REFUSED[decision][doc.status], 'decision')
    // A rejected application's photos go after their period (server/groupbuy/retention.ts): nothing left to approve.
    if (to === 'approved' && merchantPhotos(doc).length === 0)
      throw new AppError('CONFLICT', '这份申请的照片已按期删除，请商家重新提交申请', 'decision')
    const at = nowDate()
    const entry: MerchantHistoryDoc = { status: to, at, by, byName, ...(reason ? { reason } : {}) }
    const history = [...doc.history, entry].slice(-HISTORY_KEPT)
    const roleDocId = merchantRoleId(doc)
    const patch: Record<string, unknown> = {
      status: to,
      reason: reason ? reason : data._.remove(),
      decidedAt: at,
      decidedBy: by,
      history: data._.set(history),
    }
    const next: MerchantDoc = { ...doc, status: to, decidedAt: at, decidedBy: by, history }
    if (reason) next.reason = reason
    else delete next.reason
    if (to === 'approved') {
      if (decision === 'approve') {
        patch.approvedAt = at
        next.approvedAt = at
      }
      patch.roleId = roleDocId
      next.roleId = roleDocId
      const { _id: _ignored, ...grant }: RoleDoc = {
        _id: roleDocId,
        openid: doc.openid,
        communityId: doc.communityId,
        role: 'merchant',
        scope: { communityId: doc.communityId },
        holderName: doc.shopName,
        grantedBy: by,
        grantedAt: at,
      }
      await tx.collection('roles').doc(roleDocId).set({ data: grant })
    } else if (to === 'suspended') {
      patch.roleId = data._.remove()
      delete next.roleId
      await tx.collection('roles').doc(roleDocId).remove()
    }
    await tx.collection('merchants').doc(doc._id).update({ data: patch })
    return { outcome: 'decided', merchant: next }
  })
}

export const merchantActions = defineActions('groupbuy', {
  applyMerchant: action({
    input: applicationInput,
    access: { signedIn: true },
    handler: async (input, ctx): Promise<MerchantView> => {
      const openid = ctx.caller.openid
      const community = await loadCommunity(ctx, input.communityId)
      if (community.closing) throw new AppError('COMMUNITY_CLOSED')
      const docId = merchantId(community._id, openid)
      const existing = await loadMerchant(docId)
      if (existing?.status === 'approved')
        throw new AppError('CONFLICT', '您的店铺已经通过居委审核，不用再申请；店铺信息有变化请联系居委', 'communityId')
      if (existing?.status === 'suspended')
        throw new AppError('CONFLICT', '您的店铺已被居委暂停，不能重新申请，请联系居委', 'communityId')

      // Photos sit exactly in merchants/<communityId>/<openid>/ of this environment's bucket and are images within
      // the size limit, read from storage; the ones the previous application had were checked when they came.
      await checkPhotos(
        [
          ['licence', input.licence],
          ['foodPermit', input.foodPermit],
          ['healthCerts', input.healthCerts],
        ],
        merchantFolder(community._id, openid),
        new Set(existing ? merchantPhotos(existing) : []),
      )

      const at = nowDate()
      const doc: MerchantDoc = {
        _id: docId,
        communityId: community._id,
        openid,
        shopName: input.shopName,
        contactName: input.contactName,
        phone: input.phone,
        goods: input.goods,
        licence: input.licence,
        foodPermit: input.foodPermit,
        healthCerts: input.healthCerts,
        status: 'pending',
        appliedAt: at,
        history: [...(existing?.history ?? []), { status: 'pending' as const, at, by: openid, byName: '商家' }].slice(
          -HISTORY_KEPT,
        ),
        complaints: existing?.complaints ?? { total: 0, open: 0 },
      }
      if (input.note) doc.note = input.note
      // The write counts against the applicant's daily applications. It replaces a pending or rejected application
      // only as it was read: a decision made meanwhile is not overwritten.
      await counted(APPLY_LIMIT, openid, () =>
        data.raw.runTransaction(async (tx) => {
          const now = await txGet<MerchantDoc>(tx, 'merchants', docId)
          const same = now
            ? existing !== null && now.status === existing.status && now.history.length === existing.history.length
            : existing === null
          if (!same) throw new AppError('CONFLICT', '您的申请刚刚有了变化，请刷新后再试', 'communityId')
          const { _id: _ignored, ...rest } = doc
          await tx.collection('merchants').doc(docId).set({ data: rest })
        }),
      )
      // Photos of the replaced application that this one no longer uses.
      const kept = new Set(merchantPhotos(doc))
      const dropped = existing ? merchantPhotos(existing).filter((f) => !kept.has(f)) : []
      if (dropped.length)
        await deleteFiles(dropped.map((fileID) => ({ fileID, communityId: doc.communityId, kind: 'merchantPhoto' })))
      const [view] = await merchantViews([doc], 'self')
      return view as MerchantView
    },
  }),

  myMerchant: action({
    input: z.object({ communityId: id('小区') }).strict(),
    access: { signedIn: true },
    handler: async (input, ctx): Promise<MerchantView | null> => {
      const doc = await loadMerchant(merchantId(input.communityId, ctx.caller.openid))
      if (!doc) return null
      const [view] = await merchantViews([doc], 'self')
      return view ?? null
    },
  }),

  listMerchants: action({
    input: z
      .object({
        communityId: id('小区'),
        status: z.enum(['pending', 'approved', 'rejected', 'suspended']).optional().describe('状态'),
      })
      .strict(),
    access: { roles: ['committee'], scope: (i) => ({ communityId: i.communityId }) },
    handler: async (input): Promise<MerchantView[]> => {
      const where: Record<string, unknown> = { communityId: input.communityId }
      if (input.status) where.status = input.status
      return merchantViews(await data.findAll<MerchantDoc>('merchants', where), 'committee')
    },
  }),

  decideMerchant: action({
    input: decisionInput,
    access: {
      roles: ['committee'],
      scope: async (i, ctx) => ({ communityId: (await loadForScope(ctx, i.merchantId)).communityId }),
    },
    handler: async (input, ctx): Promise<MerchantView> => {
      const known = await loadForScope(ctx, input.merchantId)
      // A closed community takes no new sellers; a suspension or a rejection is still recorded.
      if (input.decision === 'approve' || input.decision === 'reinstate') await assertCommunityOpen(known.communityId)
      const byName = await committeeName(ctx, known.communityId)
      const { outcome, merchant } = await decide(
        input.merchantId,
        input.decision,
        input.reason,
        ctx.caller.openid,
        byName,
      )
      if (outcome === 'decided')
        await notify('groupbuy', [
          {
            // One notice per step of the history: a retry of the same step is the same message.
            purpose: `groupbuy.merchantResult:${merchant._id}:${merchant.history.length}:${new Date(merchant.decidedAt ?? 0).getTime()}`,
            touser: merchant.openid,
            templateId: TEMPLATES.merchantResult,
            page: MERCHANT_PAGE,
            fields: {
              phrase1: RESULT_PHRASE[input.decision],
              thing2: merchant.shopName,
              thing3: input.reason || RESULT_NOTE[input.decision],
            },
          },
        ])
      const [view] = await merchantViews([merchant], 'committee')
      return view as MerchantView
    },
  }),
})
