// Orders by 接龙: a household's order of a buy is placed, changed or cancelled by writing only its intake document
// (orderIntake, one per household and buy: a newer call replaces it) after every check, and kicking the buy's order
// sequencer (server/groupbuy/sequencer.ts), which numbers it and takes its stock; the answer carries the 接龙号 when
// the merge finished in time, else 排队中 and the page asks `order` again. The checks here answer at once what the
// ledger says now (sold out, over the limit); the sequencer decides races (the last case goes to one household, the
// other's order is refused on its view). Reads: a household's order, and the caller's across their households.
import { randomBytes } from 'node:crypto'
import type { OrderView } from '../../../typings/api'
import type { HouseholdDoc } from '../../../server/community/model'
import type {
  BuyDoc,
  BuyLedgerDoc,
  LedgerOrder,
  MerchantDoc,
  OrderDoc,
  OrderIntakeDoc,
} from '../../../server/groupbuy/model'
import { action, AppError, defineActions, nowDate, nowMs, z, type ActionContext } from '../../../server/kernel'
import { householdLabel } from '../../../server/community/structure'
import { joinRequestId } from '../../../server/community/ids'
import type { JoinRequestDoc } from '../../../server/community/model'
import { data } from '../../../server/platform/cloud'
import type { Grant } from '../../../server/platform/grants'
import { loadBuilding, loadHousehold } from '../../../server/platform/places'
import { fieldsFor, householdTarget } from '../../../server/platform/visibility'
import { orderId, merchantId } from '../../../server/groupbuy/ids'
import { linesProblem, MAX_QTY, nextOrderDoc, orderProblemNow, quantities } from '../../../server/groupbuy/ledger'
import { orderingAs, orderView, queuedView, readsHousehold } from '../../../server/groupbuy/orders'
import { kickBuySequencer, STALE_INTENT_MS } from '../../../server/groupbuy/sequencer'
import { canManage } from '../../../server/groupbuy/rules'

const id = (label: string) => z.string().min(1).max(80).describe(label)
const requestId = z
  .string()
  .min(8)
  .max(40)
  .regex(/^[A-Za-z0-9_-]+$/)
  .describe('请求编号')

const line = z
  .object({
    itemId: z.string().min(1).max(20).describe('商品'),
    qty: z.number().int().min(0).max(MAX_QTY).describe('数量'),
  })
  .strict()

/** The buy, memoised per call (the same key the buys' actions use). */
function loadBuy(ctx: ActionContext, buyId: string): Promise<BuyDoc | null> {
  return ctx.memo(`buy:${buyId}`, () => data.get<BuyDoc>('buys', buyId))
}

/** The household as a fully qualified place: what the kernel checks the caller's grants against. */
const householdScope = async (i: { householdId: string }, ctx: ActionContext) =>
  householdTarget(await loadHousehold(ctx, i.householdId))

/** The buy of this household's community, or NOT_FOUND (another community's buy is not found either). */
function buyOf(buy: BuyDoc | null, household: HouseholdDoc): BuyDoc {
  if (!buy || buy.communityId !== household.communityId) throw new AppError('NOT_FOUND', '找不到这个团购')
  return buy
}

const inScope = (buy: BuyDoc, household: HouseholdDoc) =>
  buy.allBuildings || buy.buildingIds.includes(household.buildingId)

/**
 * The name of whoever places an order, for the household's notice and the order's 下单人: their member of this
 * household, their own household's member, the name their grant or 代管 request gave.
 */
async function ordererName(ctx: ActionContext, household: HouseholdDoc): Promise<string> {
  const openid = ctx.caller.openid
  const here = household.members.find((m) => m.openid === openid)
  if (here) return here.name
  const grants = ctx.grants as Grant[]
  const held = grants.find((g) => g.holderName)?.holderName
  if (held) return held
  const own = grants.find((g) => g.role === 'resident' && g.householdId && g.memberId && !g.proxy)
  if (own) {
    const home = await data.get<HouseholdDoc>('households', own.householdId as string)
    const name = home?.members.find((m) => m.id === own.memberId)?.name
    if (name) return name
  }
  const proxy = grants.find((g) => g.role === 'resident' && g.proxy && g.scope.householdId === household._id)
  if (proxy) {
    const request = await data.get<JoinRequestDoc>('joinRequests', joinRequestId(openid, household._id))
    if (request?.name) return request.name
  }
  return ''
}

interface Facts {
  household: HouseholdDoc
  buy: BuyDoc
  /** The ledger's stock left, its cut, and this household's order in it. */
  ledger: Pick<BuyLedgerDoc, 'remaining' | 'closedAt'> & { mine?: LedgerOrder }
  order: OrderDoc | null
  intake: OrderIntakeDoc | null
  buildingName: string
}

/**
 * Everything an order call checks, read at once: the buy, the ledger projected to its stock and this household's
 * order, the household's order and waiting intake, the building's name.
 */
async function readFacts(ctx: ActionContext, buyId: string, householdId: string): Promise<Facts> {
  const household = await loadHousehold(ctx, householdId)
  const oid = orderId(buyId, householdId)
  const [buy, ledgers, order, intake, building] = await Promise.all([
    loadBuy(ctx, buyId),
    data.find<Pick<BuyLedgerDoc, 'remaining' | 'closedAt' | 'orders'>>(
      'buyLedgers',
      { _id: buyId },
      { limit: 1, fields: { remaining: true, closedAt: true, [`orders.${householdId}`]: true } },
    ),
    data.get<OrderDoc>('orders', oid),
    data.get<OrderIntakeDoc>('orderIntake', oid),
    loadBuilding(ctx, household.buildingId),
  ])
  const l = ledgers[0]
  return {
    household,
    buy: buyOf(buy, household),
    ledger: {
      remaining: l?.remaining ?? {},
      ...(l?.closedAt ? { closedAt: l.closedAt } : {}),
      ...(l?.orders?.[householdId] ? { mine: l.orders[householdId] } : {}),
    },
    order,
    intake,
    buildingName: building.name,
  }
}

/** What a retry of the same call answers (the order as it stands), or undefined for a new call. */
function retried(f: Facts, requestId: string, ctx: ActionContext): OrderView | undefined {
  const fields = fieldsFor(ctx.grants, householdTarget(f.household))
  if (f.intake?.requestId === requestId) return queuedView(f.intake, f.order, f.buy, fields)
  if (f.order?.requestIds.includes(requestId) && !f.intake) return orderView(f.order, f.buy, fields)
  return undefined
}

/** Refusals every order call shares, before anything is written. */
async function checkSale(f: Facts): Promise<void> {
  if (f.buy.kind === 'drop') throw new AppError('FORBIDDEN', '这是居委发放的物资，不用下单，会按户送到')
  const closed = orderProblemNow(f.buy, nowMs(), f.ledger.closedAt)
  if (closed) throw new AppError(closed.code, closed.message)
  if (!inScope(f.buy, f.household)) throw new AppError('NOT_IN_SCOPE')
  if (f.buy.merchantId) {
    const merchant = await data.get<MerchantDoc>('merchants', f.buy.merchantId)
    if (merchant?.status === 'suspended') throw new AppError('MERCHANT_SUSPENDED', '这家商家已被居委暂停，暂时不能下单')
  }
}

/**
 * Write the household's intent (replacing one still waiting), kick the sequencer, and answer: the order as merged
 * when the sequencer answered in time, else 排队中.
 */
async function submit(
  ctx: ActionContext,
  f: Facts,
  input: { lines: { itemId: string; qty: number }[]; cancel: boolean; note?: string; requestId: string },
  proxy: boolean,
): Promise<OrderView> {
  const h = f.household
  const intake: OrderIntakeDoc = {
    _id: orderId(f.buy._id, h._id),
    buyId: f.buy._id,
    communityId: h.communityId,
    householdId: h._id,
    buildingId: h.buildingId,
    groupId: h.groupId,
    room: h.room,
    floor: h.floor,
    label: householdLabel(f.buildingName, h.room),
    notify: [...new Set([...h.linkedOpenids, ctx.caller.openid])],
    lines: input.lines.filter((l) => l.qty > 0),
    cancel: input.cancel,
    at: nowDate(),
    by: ctx.caller.openid,
    byName: await ordererName(ctx, h),
    proxy,
    nonce: randomBytes(12).toString('hex'),
    requestId: input.requestId,
  }
  if (input.note) intake.note = input.note
  await data.set('orderIntake', intake)
  const fields = fieldsFor(ctx.grants, householdTarget(h))
  const merged = await kickBuySequencer(f.buy._id, h._id, intake.nonce)
  if (!merged) return queuedView(intake, f.order, f.buy, fields)
  return orderView(nextOrderDoc(f.buy, intake, merged.order, f.order, nowDate()), f.buy, fields)
}

const ORDERERS = ['resident', 'buildingLead', 'floorLead', 'committee'] as const

export const orderActions = defineActions('groupbuy', {
  placeOrder: action({
    input: z
      .object({
        buyId: id('团购'),
        householdId: id('住户'),
        lines: z.array(line).min(1).max(30).describe('商品'),
        note: z.string().trim().max(100).optional().describe('备注'),
        requestId,
      })
      .strict(),
    access: { roles: ORDERERS, scope: householdScope },
    handler: async (input, ctx): Promise<OrderView> => {
      const household = await loadHousehold(ctx, input.householdId)
      // A member (or a 代管 family member) for their household, a lead for a 代管 household, the committee.
      const as = orderingAs(ctx.grants, household)
      if (!as) throw new AppError('FORBIDDEN', '只有本户成员、代管的家人或楼组长、居委可以为这一户下单')
      const f = await readFacts(ctx, input.buyId, household._id)
      const again = retried(f, input.requestId, ctx)
      if (again) return again
      await checkSale(f)
      const seen = new Set<string>()
      input.lines.forEach((l, i) => {
        if (seen.has(l.itemId))
          throw new AppError('INVALID_INPUT', '同一件商品填了两次，请合并成一行', `lines.${i}.itemId`)
        seen.add(l.itemId)
      })
      const q = quantities(input.lines)
      if (Object.keys(q).length === 0)
        throw new AppError('INVALID_INPUT', '还没有选择任何商品；不想要了请点「取消订单」', 'lines')
      const previous = f.ledger.mine?.st === 'a' ? f.ledger.mine.q : undefined
      const problem = linesProblem(f.buy, q, previous, f.ledger.remaining)
      if (problem) {
        const at = problem.itemId ? input.lines.findIndex((l) => l.itemId === problem.itemId) : -1
        throw new AppError(
          problem.code,
          problem.message,
          at >= 0 ? `lines.${at}.${problem.code === 'ITEM_NOT_FOUND' ? 'itemId' : 'qty'}` : 'lines',
        )
      }
      return submit(
        ctx,
        f,
        { lines: input.lines, cancel: false, ...(input.note ? { note: input.note } : {}), requestId: input.requestId },
        as.proxy,
      )
    },
  }),

  cancelOrder: action({
    input: z.object({ buyId: id('团购'), householdId: id('住户'), requestId }).strict(),
    access: { roles: ORDERERS, scope: householdScope },
    handler: async (input, ctx): Promise<OrderView> => {
      const household = await loadHousehold(ctx, input.householdId)
      const as = orderingAs(ctx.grants, household)
      if (!as) throw new AppError('FORBIDDEN', '只有本户成员、代管的家人或楼组长、居委可以取消这一户的订单')
      const f = await readFacts(ctx, input.buyId, household._id)
      const again = retried(f, input.requestId, ctx)
      if (again) return again
      await checkSale(f)
      // Something to cancel: an active order, or one still waiting to be numbered.
      const waiting = f.intake && !f.intake.cancel
      if (f.ledger.mine?.st !== 'a' && !waiting) throw new AppError('NOT_FOUND', '这一户在这个团购里没有有效的订单')
      return submit(ctx, f, { lines: [], cancel: true, requestId: input.requestId }, as.proxy)
    },
  }),

  order: action({
    input: z.object({ buyId: id('团购'), householdId: id('住户') }).strict(),
    access: {
      roles: ['resident', 'buildingLead', 'floorLead', 'groupLead', 'communityLead', 'committee', 'merchant'],
      scope: householdScope,
    },
    handler: async (input, ctx): Promise<OrderView | null> => {
      const household = await loadHousehold(ctx, input.householdId)
      const target = householdTarget(household)
      const buy = buyOf(await loadBuy(ctx, input.buyId), household)
      // Its members and proxies, its leads, the committee; the buy's organiser and merchant.
      if (
        !readsHousehold(ctx.grants, target) &&
        !canManage(ctx.grants, ctx.caller.openid, buy, merchantId(buy.communityId, ctx.caller.openid))
      )
        throw new AppError('FORBIDDEN')
      const oid = orderId(buy._id, household._id)
      const [order, intake] = await Promise.all([
        data.get<OrderDoc>('orders', oid),
        data.get<OrderIntakeDoc>('orderIntake', oid),
      ])
      const fields = fieldsFor(ctx.grants, target)
      if (intake) {
        // Waiting longer than a merge takes: its kick was lost; start one now rather than wait for the timer.
        if (nowMs() - new Date(intake.at).getTime() > STALE_INTENT_MS) {
          const merged = await kickBuySequencer(buy._id, household._id, intake.nonce)
          if (merged) return orderView(nextOrderDoc(buy, intake, merged.order, order, nowDate()), buy, fields)
        }
        return queuedView(intake, order, buy, fields)
      }
      return order ? orderView(order, buy, fields) : null
    },
  }),

  myOrders: action({
    input: z
      .object({
        communityId: id('小区'),
        limit: z.number().int().min(1).max(50).optional().describe('条数'),
        cursor: z
          .string()
          .max(6)
          .regex(/^\d{1,6}$/)
          .optional()
          .describe('翻页'),
      })
      .strict(),
    access: { signedIn: true },
    handler: async (input, ctx): Promise<{ orders: OrderView[]; cursor?: string }> => {
      const limit = input.limit ?? 20
      const skip = Number(input.cursor ?? 0)
      // The caller's households: their own and the ones they manage (代管).
      const households = [
        ...new Set(
          ctx.grants
            .filter((g) => g.role === 'resident' && g.scope.communityId === input.communityId && g.scope.householdId)
            .map((g) => g.scope.householdId as string),
        ),
      ]
      if (households.length === 0) return { orders: [] }
      const [orders, waiting] = await Promise.all([
        data.find<OrderDoc>(
          'orders',
          { householdId: data._.in(households) },
          {
            orderBy: [
              ['placedAt', 'desc'],
              ['_id', 'asc'],
            ],
            skip,
            limit: limit + 1,
          },
        ),
        // What still waits for a number shows on the first page (newest first), and over its order.
        skip === 0
          ? data.find<OrderIntakeDoc>('orderIntake', { householdId: data._.in(households) }, { limit: 100 })
          : [],
      ])
      const page = orders.slice(0, limit)
      const intakes = new Map(waiting.map((w) => [w._id, w]))
      // Intents of households with no order yet (a first order still waiting): shown first, newest first.
      const unplaced = waiting.filter((w) => !orders.some((o) => o._id === w._id))
      const placed = unplaced.length
        ? await data.byIds<OrderDoc>(
            'orders',
            unplaced.map((w) => w._id),
          )
        : new Map()
      const fresh = unplaced.filter((w) => !placed.has(w._id))
      const buys = await data.byIds<BuyDoc>('buys', [...page.map((o) => o.buyId), ...fresh.map((w) => w.buyId)])
      const views: OrderView[] = []
      const fieldsOf = (p: Pick<OrderDoc, 'communityId' | 'groupId' | 'buildingId' | 'floor' | 'householdId'>) =>
        fieldsFor(ctx.grants, {
          communityId: p.communityId,
          groupId: p.groupId,
          buildingId: p.buildingId,
          floor: p.floor,
          householdId: p.householdId,
        })
      for (const w of fresh.sort((a, b) => new Date(b.at).getTime() - new Date(a.at).getTime())) {
        const buy = buys.get(w.buyId)
        if (buy) views.push(queuedView(w, null, buy, fieldsOf(w)))
      }
      for (const o of page) {
        const buy = buys.get(o.buyId)
        if (!buy) continue
        const w = intakes.get(o._id)
        views.push(w ? queuedView(w, o, buy, fieldsOf(o)) : orderView(o, buy, fieldsOf(o)))
      }
      return orders.length > limit ? { orders: views, cursor: String(skip + limit) } : { orders: views }
    },
  }),
})
