// Sales and supply drops: creating (and the opening notice to everyone in scope), changing, cancelling and closing
// them, listing them by the caller's place, one buy with the caller's households and their orders, the buy's 接龙,
// its totals, and subscribing to opening notices. Closing is server/groupbuy/buys.ts `closeBuyDocs`, shared with
// the timer.
import type {
  BuildingTotals,
  BuyChain,
  BuyDetail,
  BuySummary,
  BuyView,
  ChainOrderView,
  PurchaseLine,
} from '../../../typings/api'
import type { CommunityDoc, HouseholdDoc } from '../../../server/community/model'
import type { BuyDoc, BuySubscriberDoc, MerchantDoc, OrderDoc, OrderIntakeDoc } from '../../../server/groupbuy/model'
import {
  action,
  type ActionContext,
  AppError,
  defineActions,
  instant,
  nameText,
  nowDate,
  nowMs,
  z,
} from '../../../server/kernel'
import type { Role, Scope } from '../../../typings/api'
import { data } from '../../../server/platform/cloud'
import type { Grant } from '../../../server/platform/grants'
import { fieldsFor, householdTarget, showName } from '../../../server/platform/visibility'
import { householdLabel } from '../../../server/community/structure'
import { scopeCovers } from '../../../server/kernel/permissions'
import { buyId, merchantId, orderId } from '../../../server/groupbuy/ids'
import { assertMerchantUsable, loadMerchant } from '../../../server/groupbuy/merchants'
import { linesSummary, quantities } from '../../../server/groupbuy/ledger'
import { summarize } from '../../../server/groupbuy/lists'
import { orderView, queuedView } from '../../../server/groupbuy/orders'
import { settleBuy } from '../../../server/groupbuy/sequencer'
import {
  announceBuy,
  buyView,
  buyViews,
  closeBuyDocs,
  communityBuildings,
  listBuildings,
  loadBuy,
  viewFacts,
} from '../../../server/groupbuy/buys'
import {
  audienceOf,
  canManage,
  checkItems,
  checkTimes,
  effectiveStatus,
  isFinal,
  leadBuildings,
  leadCovers,
  MAX_ALLOT,
  MAX_ITEMS,
  MAX_MIN_TOTAL,
  MAX_PACK,
  MAX_PRICE,
  MAX_STOCK,
  newItems,
  newLedger,
  scopeBuildings,
  sees,
} from '../../../server/groupbuy/rules'

const id = (label: string) => z.string().min(1).max(80).describe(label)
const oneLine = (label: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((s) => !/[\t\r\n]/.test(s), { message: `「${label}」只能写一行` })
    .describe(label)
const requestId = z
  .string()
  .min(8)
  .max(40)
  .regex(/^[A-Za-z0-9_-]+$/)
  .describe('请求编号')

const itemInput = z
  .object({
    name: nameText('品名', 20),
    spec: oneLine('规格', 0, 20),
    unit: nameText('单位', 4),
    packSize: z.number().int().min(1).max(MAX_PACK).describe('每份数量'),
    price: z.number().int().min(0).max(MAX_PRICE).describe('单价'),
    stock: z.number().int().min(1).max(MAX_STOCK).optional().describe('库存'),
    limit: z.number().int().min(1).max(MAX_STOCK).optional().describe('每户限购'),
    allot: z
      .object({
        per: z.enum(['household', 'person']).describe('发放方式'),
        qty: z.number().int().min(1).max(MAX_ALLOT).describe('发放数量'),
      })
      .strict()
      .optional()
      .describe('发放标准'),
  })
  .strict()
  .describe('商品')
const items = z.array(itemInput).min(1).max(MAX_ITEMS).describe('商品')
const title = oneLine('标题', 2, 30)
const note = z.string().trim().max(300).describe('说明')
const minTotal = z.number().int().min(0).max(MAX_MIN_TOTAL).describe('成团金额')
// Repeats are dropped before the 500 buildings are counted (rules.ts scopeBuildings).
const buildingIds = z.array(id('楼栋')).min(1).max(2000).describe('参加的楼栋')

const communityScope = (i: { communityId: string }) => ({ communityId: i.communityId })

/** One of the caller's grants in the community with one of these roles, or the community (covered by none of them). */
function grantIn(ctx: ActionContext, communityId: string, roles: readonly Role[]): Grant | undefined {
  return (ctx.grants as Grant[]).find((g) => g.scope.communityId === communityId && roles.includes(g.role))
}

/**
 * The place an action on a buy is checked at: the buy's community, narrowed to the caller's own grant there (a
 * resident's household, a lead's building), so any role of the list held in that community passes; the handler
 * then decides what of the buy the caller sees. An unknown buy is refused like another community's.
 */
const inBuyCommunity =
  (roles: readonly Role[]) =>
  async (i: { buyId: string }, ctx: ActionContext): Promise<Scope> => {
    const buy = await loadBuy(ctx, i.buyId)
    return grantIn(ctx, buy.communityId, roles)?.scope ?? { communityId: buy.communityId }
  }

const ALL_ROLES: readonly Role[] = [
  'resident',
  'floorLead',
  'buildingLead',
  'groupLead',
  'communityLead',
  'committee',
  'merchant',
  'volunteer',
]
const ORGANISERS: readonly Role[] = ['committee', 'communityLead', 'merchant']

function assertManages(ctx: ActionContext, buy: BuyDoc): void {
  if (!canManage(ctx.grants, ctx.caller.openid, buy, merchantId(buy.communityId, ctx.caller.openid)))
    throw new AppError('FORBIDDEN', '只有开团的商家、团长或居委可以修改这个团购')
}

async function loadCommunity(id: string): Promise<CommunityDoc> {
  const doc = await data.get<CommunityDoc>('communities', id)
  if (!doc) throw new AppError('NOT_FOUND', '找不到这个小区')
  return doc
}

const closedMessage = (buy: Pick<BuyDoc, 'status'>) =>
  buy.status === 'cancelled'
    ? '这个团购已取消'
    : buy.status === 'failed'
      ? '这个团购未成团，已经结束'
      : '这个团购已经截单'

/**
 * Whose orders the caller sees on the chain and in the totals: every order (the buy's organisers, the committee,
 * the 团长), or those of some buildings (a 营长: their 营's; a building lead: their building; a floor lead: their
 * floor). null: none.
 */
async function orderScope(
  ctx: ActionContext,
  buy: BuyDoc,
): Promise<{ all: true } | { all: false; lead: Map<string, Set<number> | null> } | null> {
  const grants = ctx.grants as Grant[]
  const own = merchantId(buy.communityId, ctx.caller.openid)
  if (canManage(grants, ctx.caller.openid, buy, own) || grantIn(ctx, buy.communityId, ['communityLead']))
    return { all: true }
  const lead = leadBuildings(grants, buy.communityId)
  const groups = new Set(
    grants
      .filter((g) => g.role === 'groupLead' && g.scope.communityId === buy.communityId && g.scope.groupId)
      .map((g) => g.scope.groupId as string),
  )
  if (groups.size)
    for (const b of await communityBuildings(ctx, buy.communityId)) if (groups.has(b.groupId)) lead.set(b._id, null)
  const scope = new Set(buy.buildingIds)
  for (const b of [...lead.keys()]) if (!scope.has(b)) lead.delete(b)
  return lead.size ? { all: false, lead } : null
}

/** The summary as the contract has it: item and building names with the totals. */
function summaryView(
  view: BuyView,
  buy: BuyDoc,
  s: NonNullable<BuyDoc['summary']>,
  names: ReadonlyMap<string, string>,
): BuySummary {
  const items = new Map(buy.items.map((it) => [it.id, it]))
  const purchase: PurchaseLine[] = s.purchase.map((p) => {
    const it = items.get(p.itemId)
    return {
      itemId: p.itemId,
      name: it?.name ?? '',
      spec: it?.spec ?? '',
      unit: it?.unit ?? '',
      qty: p.qty,
      packs: Math.ceil(p.qty / (it?.packSize ?? 1)),
      amount: p.amount,
      households: p.households,
    }
  })
  const buildings: BuildingTotals[] = s.buildings.map((b) => ({ ...b, name: names.get(b.buildingId) ?? '' }))
  return { buy: view, purchase, buildings, households: s.households, pieces: s.pieces, amount: s.amount }
}

/** The totals of the orders the caller sees: the stored ones for the whole of a closed buy, else counted now. */
async function summaryFor(ctx: ActionContext, buy: BuyDoc): Promise<BuySummary> {
  const scope = await orderScope(ctx, buy)
  if (!scope) throw new AppError('FORBIDDEN', '只有开团的商家、团长、居委和本楼的楼组长可以查看汇总')
  const buildings = await communityBuildings(ctx, buy.communityId)
  const names = new Map(buildings.map((b) => [b._id, b.name]))
  const [view] = await buyViews(ctx, [buy])
  if (scope.all && buy.summary && isFinal(buy.status)) return summaryView(view as BuyView, buy, buy.summary, names)
  if (!isFinal(buy.status) && (await data.count('orderIntake', { buyId: buy._id })) > 0) await settleBuy(buy._id, 5000)
  const where: Record<string, unknown> = { buyId: buy._id, status: 'active' }
  if (!scope.all) where.buildingId = data._.in([...scope.lead.keys()])
  let orders = await data.findAll<OrderDoc>('orders', where)
  if (!scope.all) orders = orders.filter((o) => leadCovers(scope.lead, o))
  // A lead's part of a failed or cancelled buy is what is still to be delivered: nothing (its orders are cancelled).
  return summaryView(view as BuyView, buy, summarize(buy, orders, listBuildings(buildings)), names)
}

// ---------- cursors ----------

/** A list position: the last buy's creation time and id. */
const cursorOf = (b: Pick<BuyDoc, '_id' | 'createdAt'>) => `${new Date(b.createdAt).getTime()}~${b._id}`

function parseCursor(cursor: string | undefined): { at: number; id: string } | undefined {
  if (cursor === undefined) return undefined
  const m = /^(\d{1,15})~([A-Za-z0-9_:-]{1,80})$/.exec(cursor)
  if (!m) throw new AppError('INVALID_INPUT', '翻页位置不正确，请刷新后再试', 'cursor')
  return { at: Number(m[1]), id: m[2] as string }
}

/** Newest first, ties by id (descending): what comes after the cursor. */
const newestFirst = (a: BuyDoc, b: BuyDoc) =>
  new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime() || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0)

const after = (c: { at: number; id: string } | undefined) => (b: BuyDoc) => {
  if (!c) return true
  const at = new Date(b.createdAt).getTime()
  return at < c.at || (at === c.at && b._id < c.id)
}

const STATUSES = {
  current: ['scheduled', 'open', 'closing'],
  past: ['closed', 'failed', 'cancelled'],
} as const

export const buyActions = defineActions('groupbuy', {
  createBuy: action({
    input: z
      .object({
        communityId: id('小区'),
        kind: z.enum(['sale', 'drop']).describe('类型'),
        merchantId: id('商家').optional(),
        title,
        note,
        items,
        minTotal: minTotal.optional(),
        buildingIds: buildingIds.optional(),
        opensAt: instant('开团时间'),
        closesAt: instant('截单时间'),
        deliveryAt: instant('预计送达时间'),
        requestId,
      })
      .strict(),
    access: { roles: ORGANISERS, scope: communityScope },
    handler: async (input, ctx): Promise<BuyView> => {
      const _id = buyId(input.communityId, ctx.caller.openid, input.requestId)
      // A retry (a timeout, a second tap) answers the buy the first call made, and finishes its notices.
      const before = await data.get<BuyDoc>('buys', _id)
      if (before) {
        if (!before.announcedAt) await announceBuy(before)
        return (await buyViews(ctx, [before]))[0] as BuyView
      }
      const committee = grantIn(ctx, input.communityId, ['committee'])
      const lead = grantIn(ctx, input.communityId, ['communityLead'])
      const organiserGrant = committee ?? lead
      if (input.kind === 'drop' && !committee) throw new AppError('FORBIDDEN', '物资发放由居委发起')
      const community = await loadCommunity(input.communityId)
      if (community.closing) throw new AppError('COMMUNITY_CLOSED', '本小区已停止使用，不能再开团')

      checkItems(input.kind, input.items)
      const times = {
        opensAt: Date.parse(input.opensAt),
        closesAt: Date.parse(input.closesAt),
        deliveryAt: Date.parse(input.deliveryAt),
      }
      checkTimes(times, nowMs())
      if (input.kind === 'drop' && input.minTotal !== undefined)
        throw new AppError('INVALID_INPUT', '物资发放没有成团金额', 'minTotal')

      // The seller: a merchant's own shop; any approved shop (or none) for the committee and the 团长; none for a drop.
      let merchant: MerchantDoc | undefined
      if (input.kind === 'drop') {
        if (input.merchantId) throw new AppError('INVALID_INPUT', '物资发放不经商家', 'merchantId')
      } else if (organiserGrant) {
        if (input.merchantId) {
          const doc = await loadMerchant(input.merchantId)
          assertMerchantUsable(doc, input.communityId)
          merchant = doc
        }
      } else {
        const own = merchantId(input.communityId, ctx.caller.openid)
        if (input.merchantId && input.merchantId !== own)
          throw new AppError('FORBIDDEN', '商家只能为自己的店开团', 'merchantId')
        const doc = await loadMerchant(own)
        if (!doc) throw new AppError('MERCHANT_NOT_APPROVED')
        assertMerchantUsable(doc, input.communityId)
        merchant = doc
      }

      const buildings = await communityBuildings(ctx, input.communityId)
      const scope = scopeBuildings(input.buildingIds, buildings)
      const now = nowDate()
      const role: Role = committee ? 'committee' : lead ? 'communityLead' : 'merchant'
      const buy: BuyDoc = {
        _id,
        communityId: input.communityId,
        kind: input.kind,
        status: times.opensAt > now.getTime() ? 'scheduled' : 'open',
        title: input.title,
        note: input.note,
        organiser: {
          openid: ctx.caller.openid,
          role,
          name:
            role === 'merchant'
              ? (merchant?.shopName ?? '')
              : (organiserGrant?.holderName ?? (role === 'committee' ? '居委' : '团长')),
        },
        items: newItems(input.items),
        allBuildings: scope.allBuildings,
        buildingIds: scope.buildingIds,
        opensAt: new Date(times.opensAt),
        closesAt: new Date(times.closesAt),
        deliveryAt: new Date(times.deliveryAt),
        createdAt: now,
        updatedAt: now,
        requestId: input.requestId,
      }
      if (merchant) Object.assign(buy, { merchantId: merchant._id, shopName: merchant.shopName })
      if (input.minTotal) buy.minTotal = input.minTotal
      // The ledger first: a buy is never there without the document its orders are numbered on.
      await data.insertNew('buyLedgers', [newLedger(buy)])
      if ((await data.insertNew('buys', [buy])) === 0) {
        // The same request at the same moment: answer what it made.
        const made = (await data.get<BuyDoc>('buys', _id)) as BuyDoc
        return (await buyViews(ctx, [made]))[0] as BuyView
      }
      await announceBuy(buy)
      return (await buyViews(ctx, [{ ...buy, announcedAt: nowDate() }]))[0] as BuyView
    },
  }),

  updateBuy: action({
    input: z
      .object({
        buyId: id('团购'),
        title: title.optional(),
        note: note.optional(),
        items: items.optional(),
        minTotal: minTotal.optional(),
        buildingIds: buildingIds.optional(),
        opensAt: instant('开团时间').optional(),
        closesAt: instant('截单时间').optional(),
        deliveryAt: instant('预计送达时间').optional(),
        addStock: z
          .array(
            z
              .object({
                itemId: id('商品'),
                add: z.number().int().min(1).max(MAX_STOCK).describe('追加数量'),
              })
              .strict(),
          )
          .min(1)
          .max(30)
          .optional()
          .describe('追加库存'),
        requestId: requestId.optional(),
      })
      .strict(),
    access: { roles: ORGANISERS, scope: inBuyCommunity(ORGANISERS) },
    handler: async (input, ctx): Promise<BuyView> => {
      const buy = await loadBuy(ctx, input.buyId)
      assertManages(ctx, buy)
      const now = nowMs()
      const status = effectiveStatus(buy, now)
      if (isFinal(status) || status === 'closing' || now >= new Date(buy.closesAt).getTime())
        throw new AppError('BUY_CLOSED', closedMessage(buy.status === 'closing' ? { status: 'closed' } : buy))
      const patch: Record<string, unknown> = {}
      const times = {
        opensAt: input.opensAt ? Date.parse(input.opensAt) : new Date(buy.opensAt).getTime(),
        closesAt: input.closesAt ? Date.parse(input.closesAt) : new Date(buy.closesAt).getTime(),
        deliveryAt: input.deliveryAt ? Date.parse(input.deliveryAt) : new Date(buy.deliveryAt).getTime(),
      }
      let rescoped: { allBuildings: boolean; buildingIds: string[] } | undefined
      if (status === 'open') {
        // Once people may order, only what cannot hurt an order already placed changes.
        for (const f of ['title', 'items', 'minTotal', 'buildingIds', 'opensAt'] as const)
          if (input[f] !== undefined)
            throw new AppError('INVALID_INPUT', '开团后只能修改说明、延后截单和送达时间、追加库存', f)
        if (input.closesAt && times.closesAt < new Date(buy.closesAt).getTime())
          throw new AppError('INVALID_INPUT', '开团后截单时间只能延后', 'closesAt')
        if (input.deliveryAt && times.deliveryAt < new Date(buy.deliveryAt).getTime())
          throw new AppError('INVALID_INPUT', '开团后预计送达时间只能延后', 'deliveryAt')
      } else {
        if (input.title !== undefined) patch.title = input.title
        if (input.items) {
          checkItems(buy.kind, input.items)
          if (input.addStock) throw new AppError('INVALID_INPUT', '改了商品就不用再追加库存', 'addStock')
          patch.items = data._.set(newItems(input.items))
        }
        if (input.minTotal !== undefined) {
          if (buy.kind === 'drop') throw new AppError('INVALID_INPUT', '物资发放没有成团金额', 'minTotal')
          patch.minTotal = input.minTotal || data._.remove()
        }
        if (input.buildingIds) {
          rescoped = scopeBuildings(input.buildingIds, await communityBuildings(ctx, buy.communityId))
          Object.assign(patch, { allBuildings: rescoped.allBuildings, buildingIds: data._.set(rescoped.buildingIds) })
        }
        if (input.opensAt) patch.opensAt = new Date(times.opensAt)
      }
      if (input.opensAt || input.closesAt || input.deliveryAt) {
        checkTimes(times, now)
        if (input.closesAt) patch.closesAt = new Date(times.closesAt)
        if (input.deliveryAt) patch.deliveryAt = new Date(times.deliveryAt)
      }
      if (input.note !== undefined) patch.note = input.note
      const add = new Map<string, number>()
      for (const a of input.addStock ?? []) {
        const item = buy.items.find((it) => it.id === a.itemId)
        if (!item) throw new AppError('ITEM_NOT_FOUND', undefined, 'addStock')
        if (item.stock === undefined)
          throw new AppError('INVALID_INPUT', '物资发放按发放标准计算，不追加库存', 'addStock')
        if (a.add % item.packSize !== 0)
          throw new AppError(
            'PACK_SIZE',
            `${item.name}每份 ${item.packSize}${item.unit}，追加的库存要是 ${item.packSize} 的整数倍`,
            'addStock',
          )
        add.set(a.itemId, (add.get(a.itemId) ?? 0) + a.add)
      }

      // Stock goes through the ledger: one increment with a version bump, so a merge computed on the stock read
      // before it is redone (server/groupbuy/sequencer.ts); a retried request with the same requestId adds nothing.
      if (add.size) {
        const inc: Record<string, unknown> = { version: data._.inc(1) }
        for (const [itemId, n] of add) inc[`remaining.${itemId}`] = data._.inc(n)
        const where: Record<string, unknown> = { _id: buy._id, closedAt: data._.exists(false) }
        if (input.requestId) {
          where.stockRequests = data._.nin([input.requestId])
          inc.stockRequests = data._.push([input.requestId])
        }
        const added = await data.updateWhere('buyLedgers', where, inc)
        if (added === 0 && !input.requestId) throw new AppError('BUY_CLOSED', '这个团购已经截单')
      }
      if (input.items) {
        // Before it opens nobody has ordered: the ledger starts again on the new items.
        const fresh = newLedger({ ...buy, items: newItems(input.items) })
        const reset = await data.updateWhere(
          'buyLedgers',
          { _id: buy._id, active: 0, closedAt: data._.exists(false) },
          { remaining: data._.set(fresh.remaining), sold: data._.set(fresh.sold), version: data._.inc(1) },
        )
        if (reset === 0) throw new AppError('CONFLICT', '这个团购已经有人下单，不能再改商品')
      }
      if (Object.keys(patch).length) {
        patch.updatedAt = nowDate()
        const changed = await data.updateWhere(
          'buys',
          { _id: buy._id, status: data._.in(status === 'open' ? ['open', 'scheduled'] : ['scheduled']) },
          patch,
        )
        if (changed === 0) throw new AppError('CONFLICT')
      }
      const updated = (await data.get<BuyDoc>('buys', buy._id)) as BuyDoc
      // A wider scope before opening: those newly in it are told too (nobody twice).
      if (rescoped) await announceBuy(updated)
      return (await buyViews(ctx, [updated]))[0] as BuyView
    },
  }),

  cancelBuy: action({
    input: z.object({ buyId: id('团购'), reason: oneLine('取消原因', 2, 60) }).strict(),
    access: { roles: ORGANISERS, scope: inBuyCommunity(ORGANISERS) },
    handler: async (input, ctx): Promise<BuyView> => {
      const buy = await loadBuy(ctx, input.buyId)
      assertManages(ctx, buy)
      if (isFinal(buy.status)) throw new AppError('BUY_CLOSED', closedMessage(buy))
      const r = await closeBuyDocs(buy._id, { to: 'cancel', by: ctx.caller.openid, reason: input.reason })
      if (r.state === 'busy') throw new AppError('CONFLICT', '这个团购正在截单，请稍后刷新')
      if (r.buy.status !== 'cancelled') throw new AppError('BUY_CLOSED', closedMessage(r.buy))
      return (await buyViews(ctx, [r.buy]))[0] as BuyView
    },
  }),

  closeBuy: action({
    input: z.object({ buyId: id('团购') }).strict(),
    access: { roles: ORGANISERS, scope: inBuyCommunity(ORGANISERS) },
    handler: async (input, ctx): Promise<BuySummary> => {
      const buy = await loadBuy(ctx, input.buyId)
      assertManages(ctx, buy)
      if (buy.status === 'cancelled') throw new AppError('BUY_CLOSED', closedMessage(buy))
      if (effectiveStatus(buy, nowMs()) === 'scheduled')
        throw new AppError('BUY_NOT_OPEN', '还没有开团，不能截单；不办了请取消')
      // Closing twice (or the timer and a person at once) does it once: the second finds it closed.
      const r = isFinal(buy.status)
        ? { state: 'done' as const, buy }
        : await closeBuyDocs(buy._id, { to: 'close', by: ctx.caller.openid })
      if (r.state === 'busy') throw new AppError('CONFLICT', '这个团购正在截单，请稍后刷新')
      if (r.buy.status === 'cancelled') throw new AppError('BUY_CLOSED', closedMessage(r.buy))
      return summaryFor(ctx, r.buy)
    },
  }),

  listBuys: action({
    input: z
      .object({
        communityId: id('小区'),
        status: z.enum(['current', 'past', 'all']).optional().describe('状态'),
        limit: z.number().int().min(1).max(50).optional().describe('条数'),
        cursor: z.string().max(120).optional().describe('翻页位置'),
      })
      .strict(),
    access: { roles: ALL_ROLES, scope: (i, ctx) => grantIn(ctx, i.communityId, ALL_ROLES)?.scope ?? communityScope(i) },
    handler: async (input, ctx) => {
      const audience = audienceOf(ctx.grants, input.communityId)
      const own = merchantId(input.communityId, ctx.caller.openid)
      const limit = input.limit ?? 20
      const cursor = parseCursor(input.cursor)
      const where: Record<string, unknown> = { communityId: input.communityId }
      if (input.status && input.status !== 'all') where.status = data._.in([...STATUSES[input.status]])
      if (cursor) where.createdAt = data._.lte(new Date(cursor.at))
      const page = {
        orderBy: [['createdAt', 'desc'] as [string, 'desc'], ['_id', 'desc'] as [string, 'desc']],
        limit: limit + 1,
      }
      const found: BuyDoc[] = []
      if (audience.all) found.push(...(await data.find<BuyDoc>('buys', where, page)))
      else {
        const lists = await Promise.all([
          audience.buildingIds.length
            ? data.find<BuyDoc>('buys', { ...where, buildingIds: data._.in(audience.buildingIds) }, page)
            : [],
          audience.merchant ? data.find<BuyDoc>('buys', { ...where, merchantId: own }, page) : [],
          data.find<BuyDoc>('buys', { ...where, 'organiser.openid': ctx.caller.openid }, page),
        ])
        const seen = new Set<string>()
        for (const b of lists.flat()) if (!seen.has(b._id) && seen.add(b._id)) found.push(b)
      }
      const visible = found
        .filter(after(cursor))
        .filter((b) => sees(audience, b, ctx.caller.openid, own))
        .sort(newestFirst)
      const shown = visible.slice(0, limit)
      const out: { buys: BuyView[]; cursor?: string } = { buys: await buyViews(ctx, shown) }
      const last = shown[shown.length - 1]
      if (visible.length > limit && last) out.cursor = cursorOf(last)
      return out
    },
  }),

  buy: action({
    input: z.object({ buyId: id('团购') }).strict(),
    access: { roles: ALL_ROLES, scope: inBuyCommunity(ALL_ROLES) },
    handler: async (input, ctx): Promise<BuyDetail> => {
      const buy = await loadBuy(ctx, input.buyId)
      const grants = ctx.grants as Grant[]
      const own = merchantId(buy.communityId, ctx.caller.openid)
      if (!sees(audienceOf(grants, buy.communityId), buy, ctx.caller.openid, own))
        throw new AppError('FORBIDDEN', '这个团购不在您所在的楼栋')
      const scope = new Set(buy.buildingIds)
      // The caller's households in scope: their own and those they are family of (代管), and a lead's 代管 households.
      const homes = new Map<string, boolean>()
      for (const g of grants)
        if (
          g.role === 'resident' &&
          g.scope.communityId === buy.communityId &&
          g.scope.householdId &&
          scope.has(g.scope.buildingId ?? '')
        )
          homes.set(g.scope.householdId, (homes.get(g.scope.householdId) ?? true) && Boolean(g.proxy))
      const leadGrants = grants.filter(
        (g) =>
          (g.role === 'buildingLead' || g.role === 'floorLead') &&
          g.scope.communityId === buy.communityId &&
          scope.has(g.scope.buildingId ?? ''),
      )
      const leadIds = [...new Set(leadGrants.map((g) => g.scope.buildingId as string))]
      const managed = leadIds.length
        ? await data.findAll<HouseholdDoc>('households', { buildingId: data._.in(leadIds), proxy: true })
        : []
      const households = new Map<string, HouseholdDoc>()
      for (const h of managed)
        if (!h.erasedAt && leadGrants.some((g) => scopeCovers(g.scope, householdTarget(h)))) {
          households.set(h._id, h)
          if (!homes.has(h._id)) homes.set(h._id, true)
        }
      const missing = [...homes.keys()].filter((h) => !households.has(h))
      for (const [k, v] of await data.byIds<HouseholdDoc>('households', missing)) households.set(k, v)
      const ids = [...homes.keys()].filter((h) => households.has(h)).map((h) => orderId(buy._id, h))
      const [orders, intake, facts] = await Promise.all([
        data.byIds<OrderDoc>('orders', ids),
        isFinal(buy.status) ? new Map<string, OrderIntakeDoc>() : data.byIds<OrderIntakeDoc>('orderIntake', ids),
        viewFacts(ctx, [buy]),
      ])
      const mine: BuyDetail['mine'] = []
      for (const [householdId, proxy] of homes) {
        const h = households.get(householdId)
        if (!h) continue
        const label = householdLabel(facts.buildingNames.get(h.buildingId) ?? '', h.room)
        const fields = fieldsFor(grants, householdTarget(h))
        const order = orders.get(orderId(buy._id, h._id))
        const waiting = intake.get(orderId(buy._id, h._id))
        const entry: BuyDetail['mine'][number] = { householdId, label, proxy }
        if (waiting && waiting.nonce !== order?.nonce) entry.order = queuedView(waiting, order ?? null, buy, fields)
        else if (order) entry.order = orderView(order, buy, fields, label)
        mine.push(entry)
      }
      mine.sort(
        (a, b) => Number(a.proxy) - Number(b.proxy) || a.label.localeCompare(b.label, 'zh-Hans-CN', { numeric: true }),
      )
      return { buy: buyView(buy, facts, ctx), mine }
    },
  }),

  buyChain: action({
    input: z
      .object({
        buyId: id('团购'),
        buildingId: id('楼栋').optional(),
        cursor: z
          .string()
          .max(10)
          .regex(/^\d{1,7}$/)
          .optional()
          .describe('翻页位置'),
      })
      .strict(),
    access: { roles: ALL_ROLES, scope: inBuyCommunity(ALL_ROLES) },
    handler: async (input, ctx): Promise<BuyChain> => {
      const buy = await loadBuy(ctx, input.buyId)
      const scope = await orderScope(ctx, buy)
      if (!scope) throw new AppError('FORBIDDEN', '只有开团的商家、团长、居委和本楼的楼组长可以查看接龙')
      if (input.buildingId && !buy.buildingIds.includes(input.buildingId))
        throw new AppError('NOT_FOUND', '这栋楼不在这次团购的范围内', 'buildingId')
      if (input.buildingId && !scope.all && !scope.lead.has(input.buildingId))
        throw new AppError('FORBIDDEN', '您只能查看自己楼栋的接龙')
      // Read your writes: orders a kick has not merged yet are numbered first.
      if (!isFinal(buy.status) && (await data.count('orderIntake', { buyId: buy._id })) > 0)
        await settleBuy(buy._id, 5000)
      const PAGE = 200
      const where: Record<string, unknown> = { buyId: buy._id, status: data._.in(['active', 'cancelled']) }
      if (input.buildingId) where.buildingId = input.buildingId
      else if (!scope.all) where.buildingId = data._.in([...scope.lead.keys()])
      if (input.cursor) where.no = data._.gt(Number(input.cursor))
      const rows = await data.find<OrderDoc>('orders', where, { orderBy: [['no', 'asc']], limit: PAGE + 1 })
      const pageRows = rows.slice(0, PAGE)
      const facts = await viewFacts(ctx, [buy])
      const grants = ctx.grants as Grant[]
      const orders: ChainOrderView[] = pageRows
        .filter((o) => o.no !== undefined && (scope.all || leadCovers(scope.lead, o)))
        .map((o) => ({
          no: o.no as number,
          householdId: o.householdId,
          label: o.label ?? householdLabel(facts.buildingNames.get(o.buildingId) ?? '', o.room),
          buildingId: o.buildingId,
          name: showName(fieldsFor(grants, householdTarget({ ...o, _id: o.householdId })).name, o.byName),
          summary: linesSummary(buy.items, quantities(o.lines)),
          total: o.total,
          status: o.status === 'cancelled' ? 'cancelled' : 'active',
          paid: o.payment.status,
        }))
      const out: BuyChain = { buy: buyView(buy, facts, ctx), orders }
      const last = pageRows[pageRows.length - 1]
      if (rows.length > PAGE && last?.no !== undefined) out.cursor = String(last.no)
      return out
    },
  }),

  buySummary: action({
    input: z.object({ buyId: id('团购') }).strict(),
    access: { roles: ALL_ROLES, scope: inBuyCommunity(ALL_ROLES) },
    handler: async (input, ctx): Promise<BuySummary> => summaryFor(ctx, await loadBuy(ctx, input.buyId)),
  }),

  subscribeBuys: action({
    input: z.object({ communityId: id('小区') }).strict(),
    access: {
      roles: ['resident'],
      scope: (i, ctx) => grantIn(ctx, i.communityId, ['resident'])?.scope ?? communityScope(i),
    },
    handler: async (input, ctx) => {
      const buildings = [
        ...new Set(
          (ctx.grants as Grant[])
            .filter((g) => g.role === 'resident' && g.scope.communityId === input.communityId && g.scope.buildingId)
            .map((g) => g.scope.buildingId as string),
        ),
      ]
      const doc: BuySubscriberDoc = {
        _id: `${input.communityId}:${ctx.caller.openid}`,
        communityId: input.communityId,
        openid: ctx.caller.openid,
        buildingIds: buildings,
        at: nowDate(),
      }
      await data.set('buySubscribers', doc)
      return { subscribed: true }
    },
  }),
})
