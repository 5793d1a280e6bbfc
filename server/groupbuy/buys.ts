// Buys as the other parts of group buys need them: loading a buy, the BuyView (items from the ledger, the seller
// from its merchant document, who may manage it), the opening notice to everyone in scope, and closing: the one
// `closeBuyDocs` the closeBuy and cancelBuy actions and the timer share (a lease on the buy, the sequencer settled
// first, the totals, a drop's orders, the delivery for the relay, the households told).
import { randomBytes } from 'node:crypto'
import type { BuyView, SellerView } from '../../typings/api'
import type { BuildingDoc, HouseholdDoc, RoleDoc } from '../community/model'
import type { BuyDoc, BuyLedgerDoc, BuySubscriberDoc, DeliveryDoc, MerchantDoc, OrderDoc } from './model'
import { type ActionContext, AppError, formatShanghai, nowDate, nowMs } from '../kernel'
import { data } from '../platform/cloud'
import { trusted } from '../platform/grants'
import { notify, type PushMessage } from '../platform/notify'
import { householdLabel } from '../community/structure'
import { TEMPLATES } from '../templates'
import { merchantId, orderId } from './ids'
import { sellerView } from './merchants'
import { summarize, type ListBuilding } from './lists'
import { settleBuy } from './sequencer'
import { allotment, canManage, dropRecipients, isFinal, itemViews, minimumMet, viewStatus } from './rules'

/** The buy's page: where every notice about it opens. */
export const BUY_PAGE = 'packageGroupbuy/pages/buy'
export const buyPage = (buyId: string) => `${BUY_PAGE}?id=${buyId}`

/** A close or cancellation that died lets go of its buy after this: longer than the function's timeout (60 s). */
export const CLOSE_LEASE_MS = 90_000
/** How long a close by hand waits for one already under way (the timer's, another person's) before it answers. */
export const CLOSE_WAIT_MS = 25_000
/** Orders and notices written per round trip. */
const BATCH = 500

const iso = (d: Date | string | undefined) => (d ? new Date(d).toISOString() : '')
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export function loadBuy(ctx: ActionContext, id: string): Promise<BuyDoc> {
  return ctx.memo(`buy:${id}`, async () => {
    const doc = await data.get<BuyDoc>('buys', id)
    if (!doc) throw new AppError('NOT_FOUND', '找不到这个团购')
    return doc
  })
}

/** The ledger's counters (never its orders: one entry per household of the buy). */
export type LedgerCounters = Pick<BuyLedgerDoc, '_id' | 'remaining' | 'sold' | 'active' | 'total' | 'version'>

export async function ledgerCounters(buyIds: readonly string[]): Promise<Map<string, LedgerCounters>> {
  const out = new Map<string, LedgerCounters>()
  const ids = [...new Set(buyIds)]
  for (let i = 0; i < ids.length; i += 100) {
    const docs = await data.find<LedgerCounters>(
      'buyLedgers',
      { _id: data._.in(ids.slice(i, i + 100)) },
      { limit: 100, fields: { remaining: true, sold: true, active: true, total: true, version: true } },
    )
    for (const d of docs) out.set(d._id, d)
  }
  return out
}

/** A community's buildings in its order (memoised per call). */
export function communityBuildings(ctx: ActionContext, communityId: string): Promise<BuildingDoc[]> {
  return ctx.memo(`buildings:${communityId}`, async () =>
    (await data.findAll<BuildingDoc>('buildings', { communityId })).sort((a, b) => a.order - b.order),
  )
}

export const listBuildings = (buildings: readonly BuildingDoc[]): ListBuilding[] =>
  buildings.map((b) => ({ id: b._id, name: b.name, order: b.order }))

/** Who runs it, as residents read it: 居委, 团长 or the shop. */
export function organiserName(buy: Pick<BuyDoc, 'organiser' | 'shopName'>): string {
  if (buy.organiser.role === 'committee') return '居委'
  if (buy.organiser.role === 'communityLead') return '团长'
  return buy.shopName || buy.organiser.name || '商家'
}

/** What a view of some buys needs besides the buys: their ledgers, sellers and the community's building names. */
export interface ViewFacts {
  ledgers: Map<string, LedgerCounters>
  sellers: Map<string, MerchantDoc>
  buildingNames: Map<string, string>
}

export async function viewFacts(ctx: ActionContext, buys: readonly BuyDoc[]): Promise<ViewFacts> {
  const communities = [...new Set(buys.map((b) => b.communityId))]
  const [ledgers, sellers, buildings] = await Promise.all([
    ledgerCounters(buys.filter((b) => !b.summary).map((b) => b._id)),
    data.byIds<MerchantDoc>(
      'merchants',
      buys.flatMap((b) => (b.merchantId ? [b.merchantId] : [])),
    ),
    Promise.all(communities.map((c) => communityBuildings(ctx, c))),
  ])
  return { ledgers, sellers, buildingNames: new Map(buildings.flat().map((b) => [b._id, b.name])) }
}

/** The buy as the caller sees it. */
export function buyView(buy: BuyDoc, facts: ViewFacts, ctx: Pick<ActionContext, 'grants' | 'caller'>): BuyView {
  const now = nowMs()
  const ledger = facts.ledgers.get(buy._id) ?? null
  const status = viewStatus(buy, now)
  // Once closed (or failed) the totals made at close are what it came to; while it runs, the ledger's.
  const orders = status === 'cancelled' ? 0 : (buy.summary?.households ?? ledger?.active ?? 0)
  const total = status === 'cancelled' ? 0 : (buy.summary?.amount ?? ledger?.total ?? 0)
  const seller = buy.merchantId ? facts.sellers.get(buy.merchantId) : undefined
  const view: BuyView = {
    id: buy._id,
    communityId: buy.communityId,
    kind: buy.kind,
    status,
    title: buy.title,
    note: buy.note,
    organiser: organiserName(buy),
    items: itemViews(buy.items, ledger, buy.summary),
    allBuildings: buy.allBuildings,
    buildings: buy.buildingIds.map((id) => ({ id, name: facts.buildingNames.get(id) ?? '' })),
    opensAt: iso(buy.opensAt),
    closesAt: iso(buy.closesAt),
    deliveryAt: iso(buy.deliveryAt),
    createdAt: iso(buy.createdAt),
    orders,
    total,
    minimumMet: minimumMet(buy, total),
    manage: canManage(ctx.grants, ctx.caller.openid, buy, merchantId(buy.communityId, ctx.caller.openid)),
  }
  if (seller) view.seller = sellerView(seller) as SellerView
  else if (buy.merchantId && buy.shopName)
    view.seller = { id: buy.merchantId, shopName: buy.shopName, goods: '', status: 'approved' }
  if (buy.minTotal !== undefined) view.minTotal = buy.minTotal
  if (buy.closedAt && isFinal(buy.status)) view.closedAt = iso(buy.closedAt)
  if (buy.reason) view.reason = buy.reason
  return view
}

export async function buyViews(ctx: ActionContext, buys: readonly BuyDoc[]): Promise<BuyView[]> {
  const facts = await viewFacts(ctx, buys)
  return buys.map((b) => buyView(b, facts, ctx))
}

// ---------- the opening notice ----------

/** 「11月25日 18:00」 */
const when = (d: Date | string) => formatShanghai(d, 'M月D日 HH:mm')

/**
 * Tell everyone in scope that the buy is coming (开团预告): the residents who subscribed whose households are in one
 * of its buildings, and every building and floor lead of those buildings. One notice per buy and person, whatever
 * the retries: a person told once is never told again, one newly in scope (a wider scope before opening) is.
 */
export async function announceBuy(buy: BuyDoc): Promise<number> {
  const to = await toldOfOpening(buy)
  // What matters first, within the field's 20 characters: when it closes (or arrives), then who runs it.
  const thing3 =
    buy.kind === 'drop' ? `免费·预计${when(buy.deliveryAt)}送达` : `${when(buy.closesAt)}截单 ${organiserName(buy)}`
  const fields = { thing1: buy.title, time2: formatShanghai(buy.opensAt), thing3 }
  const queued = await notify(
    'groupbuy',
    [...to].map((touser) => ({
      purpose: `groupbuy.opening:${buy._id}`,
      touser,
      templateId: TEMPLATES.buyOpening,
      page: buyPage(buy._id),
      fields,
    })),
  )
  if (!buy.announcedAt) await data.update('buys', buy._id, { announcedAt: nowDate() })
  return queued
}

/** Who the opening notice is for: the subscribed residents of the buildings in scope and those buildings' leads. */
async function toldOfOpening(buy: BuyDoc): Promise<Set<string>> {
  const scope = new Set(buy.buildingIds)
  const [subscribers, leads] = await Promise.all([
    data.findAll<BuySubscriberDoc>(
      'buySubscribers',
      { communityId: buy.communityId },
      { fields: { openid: true, buildingIds: true } },
    ),
    data.findAll<RoleDoc>('roles', {
      communityId: buy.communityId,
      role: data._.in(['buildingLead', 'floorLead']),
    }),
  ])
  const to = new Set<string>()
  for (const l of trusted(leads)) if (scope.has(l.scope.buildingId ?? '')) to.add(l.openid)
  for (const s of subscribers) if (s.buildingIds.some((b) => scope.has(b))) to.add(s.openid)
  return to
}

// ---------- closing ----------

export interface CloseRequest {
  /** Close (lists made, or 未成团) or cancel. */
  to: 'close' | 'cancel'
  /** Who: an openid, or `timer`. */
  by: string
  /** A cancellation's reason. */
  reason?: string
  /** Orders made after this are not taken (default: now, and never after the deadline). */
  cut?: Date
}

export type CloseResult =
  | { state: 'done'; buy: BuyDoc }
  /** Another close holds the buy (and had not finished when the wait ended). */
  | { state: 'busy'; buy: BuyDoc }

/**
 * Close or cancel a buy, once: a conditional update from scheduled or open to `closing` with a lease decides who
 * does it (of a person and the timer at once, or two taps, one), and a close that died is taken over when its lease
 * runs out. Every step is idempotent and the status changes last, so a retry finishes whatever the first left.
 * `wait`: how long to wait for a close someone else holds (0: the timer moves on).
 */
export async function closeBuyDocs(buyId: string, req: CloseRequest, wait = CLOSE_WAIT_MS): Promise<CloseResult> {
  const until = nowMs() + wait
  for (;;) {
    const buy = await data.get<BuyDoc>('buys', buyId)
    if (!buy) throw new AppError('NOT_FOUND', '找不到这个团购')
    if (isFinal(buy.status)) return { state: 'done', buy }
    const token = randomBytes(12).toString('hex')
    const now = nowDate()
    const lease = new Date(now.getTime() + CLOSE_LEASE_MS)
    let took = 0
    if (buy.status === 'scheduled' || buy.status === 'open') {
      const cut = new Date(Math.min((req.cut ?? now).getTime(), new Date(buy.closesAt).getTime()))
      const closing: NonNullable<BuyDoc['closing']> = { to: req.to, lease: token, until: lease, by: req.by }
      if (req.reason) closing.reason = req.reason
      took = await data.updateWhere(
        'buys',
        { _id: buyId, status: data._.in(['scheduled', 'open']) },
        { status: 'closing', closing: data._.set(closing), closedAt: cut, closedBy: req.by, updatedAt: now },
      )
    } else if (buy.status === 'closing' && buy.closing && new Date(buy.closing.until).getTime() < now.getTime()) {
      // A close that died: finish it as it was asked (its kind, reason and cut), under a lease of our own.
      took = await data.updateWhere(
        'buys',
        { _id: buyId, status: 'closing', 'closing.lease': buy.closing.lease },
        { 'closing.lease': token, 'closing.until': lease },
      )
    }
    if (took) {
      const held = await data.get<BuyDoc>('buys', buyId)
      if (held?.status === 'closing' && held.closing?.lease === token)
        return { state: 'done', buy: await finish(held, token) }
    }
    if (nowMs() >= until) return { state: 'busy', buy }
    await sleep(250)
  }
}

/** The steps of a close under our lease; the buy's final status is written last. */
async function finish(buy: BuyDoc, token: string): Promise<BuyDoc> {
  const closing = buy.closing as NonNullable<BuyDoc['closing']>
  const cut = new Date(buy.closedAt as Date)
  // The cut on the ledger too: a merge computed on the buy as read before it is redone, and refuses what came later.
  await data.updateWhere(
    'buyLedgers',
    { _id: buy._id, closedAt: data._.exists(false) },
    { closedAt: cut, version: data._.inc(1) },
  )
  // Every order made before the cut, in: the lists count what the households were told they ordered.
  if (buy.kind === 'sale') {
    const settled = await settleBuy(buy._id)
    if (settled.left > 0) throw new AppError('CONFLICT', '还有订单正在处理，请稍后再试')
  }
  const buildings = (await data.findAll<BuildingDoc>('buildings', { communityId: buy.communityId })).sort(
    (a, b) => a.order - b.order,
  )
  if (buy.kind === 'drop' && closing.to === 'close') await writeDropOrders(buy, cut)
  const orders = await data.findAll<OrderDoc>('orders', { buyId: buy._id })
  const active = orders.filter((o) => o.status === 'active' || o.status === 'queued')
  const summary = summarize(buy, orders, listBuildings(buildings))
  const failed = closing.to === 'close' && !minimumMet(buy, summary.amount)
  const status: BuyDoc['status'] = closing.to === 'cancel' ? 'cancelled' : failed ? 'failed' : 'closed'
  const now = nowDate()

  if (status !== 'closed' && active.length)
    await data.updateWhere(
      'orders',
      { buyId: buy._id, status: data._.in(['active', 'queued']) },
      { status: 'cancelled', updatedAt: now },
    )
  if (status === 'closed') {
    const delivery: DeliveryDoc = {
      _id: buy._id,
      communityId: buy.communityId,
      buyId: buy._id,
      kind: buy.kind,
      title: buy.title,
      status: 'awaiting',
      deliveryAt: new Date(buy.deliveryAt),
      createdAt: now,
      buildings: summary.buildings.map((b) => ({
        buildingId: b.buildingId,
        households: b.households,
        pieces: b.pieces,
      })),
      households: summary.households,
      pieces: summary.pieces,
    }
    await data.insertNew('deliveries', [delivery])
  }
  // A cancellation also reaches whoever was told it was coming: nobody waits for a sale or a drop that is off.
  const told = status === 'cancelled' && buy.announcedAt ? await toldOfOpening(buy) : new Set<string>()
  await notify('groupbuy', updateNotices(buy, status, active, closing.reason, told))

  const patch: Record<string, unknown> = {
    status,
    closing: data._.remove(),
    updatedAt: now,
    summary: data._.set(summary),
  }
  if (closing.reason) patch.reason = closing.reason
  else if (failed) patch.reason = '未达到成团金额'
  await data.updateWhere('buys', { _id: buy._id, 'closing.lease': token }, patch)
  return (await data.get<BuyDoc>('buys', buy._id)) ?? buy
}

/** 已截单 / 未成团 / 已取消, to every household with an order (its members and whoever placed it). */
function updateNotices(
  buy: BuyDoc,
  status: BuyDoc['status'],
  active: readonly OrderDoc[],
  reason: string | undefined,
  also: ReadonlySet<string>,
): PushMessage[] {
  const to = [...new Set([...active.flatMap((o) => o.notify ?? []), ...also])]
  const fields =
    status === 'closed'
      ? {
          thing1: buy.title,
          phrase2: buy.kind === 'drop' ? '即将发放' : '已截单',
          thing3: `预计${when(buy.deliveryAt)}送达`,
        }
      : status === 'failed'
        ? { thing1: buy.title, phrase2: '未成团', thing3: '未达到成团金额，订单已取消' }
        : { thing1: buy.title, phrase2: '已取消', thing3: reason || '团购已取消' }
  return to.map((touser) => ({
    purpose: `groupbuy.update:${buy._id}:${status}`,
    touser,
    templateId: TEMPLATES.buyUpdate,
    page: buyPage(buy._id),
    fields,
  }))
}

/**
 * A drop's orders, made at close from its allotment for every household in scope that someone lives in (not erased),
 * numbered by building in the scope's order and then room, as a volunteer walks. Written directly (nobody orders a
 * drop, so no sequencer); ids are the household's, so a close repeated after a crash writes only what is missing.
 */
async function writeDropOrders(buy: BuyDoc, cut: Date): Promise<number> {
  const [households, buildings] = await Promise.all([
    data.findAll<HouseholdDoc>('households', { communityId: buy.communityId }),
    data.findAll<BuildingDoc>('buildings', { communityId: buy.communityId }),
  ])
  const names = new Map(buildings.map((b) => [b._id, b.name]))
  const now = nowDate()
  const docs: OrderDoc[] = []
  for (const h of dropRecipients(households, buy.buildingIds)) {
    const lines = buy.items.flatMap((it) => {
      const qty = allotment(it, h)
      return qty > 0
        ? [{ itemId: it.id, qty, name: it.name, spec: it.spec, unit: it.unit, packSize: it.packSize, price: 0 }]
        : []
    })
    if (lines.length === 0) continue
    docs.push({
      _id: orderId(buy._id, h._id),
      buyId: buy._id,
      communityId: buy.communityId,
      groupId: h.groupId,
      buildingId: h.buildingId,
      householdId: h._id,
      room: h.room,
      floor: h.floor,
      label: householdLabel(names.get(h.buildingId) ?? '', h.room),
      no: docs.length + 1,
      status: 'active',
      lines,
      total: 0,
      by: buy.organiser.openid,
      byName: organiserName(buy),
      proxy: false,
      notify: [...new Set(h.linkedOpenids ?? [])],
      placedAt: cut,
      updatedAt: now,
      nonce: 'drop',
      requestIds: [],
      payment: { status: 'paid', paid: 0, refunds: [] },
    })
  }
  let written = 0
  for (let i = 0; i < docs.length; i += BATCH) written += await data.insertNew('orders', docs.slice(i, i + BATCH))
  return written
}
