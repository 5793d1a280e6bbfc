// Order imports as stored (`orderImports`): staging what a 快团团 / 群接龙 export holds (the sheets function reads the
// file, server/groupbuy/imports.ts parses and matches it), the view a person resolves rows on, resolving a row, and
// committing: orders on the households, numbered after the buy's existing ones, through the buy's ledger.
//
// Which buys take an import: a sale (not a drop) that is scheduled or open and before its deadline: a buy the
// organiser made to carry on a sale that ran on the other tool. Imported orders are the tool's sales, so they are
// held to the stock (the organiser adds stock first if the file sold more) but not to the per-household limit, and
// a household that already ordered here is not overwritten (the row is listed for a person).
//
// Committing goes through the ledger the order sequencer owns (server/groupbuy/sequencer.ts) with the same
// compare-and-set on `version`: a sequencer that read the ledger before it redoes its merge, and the import redoes
// its own when a merge came first. Each imported household's ledger order carries the import's nonce, so a commit
// retried after a crash, or two at once, applies it once and writes the same orders.
import type { ImportedRowView, OrderImportView } from '../../typings/api'
import type { BuildingDoc, HouseholdDoc } from '../community/model'
import type { BuyDoc, BuyLedgerDoc, LedgerOrder, OrderDoc, OrderImportDoc, PaymentDoc } from './model'
import { AppError, nowDate, nowMs } from '../kernel'
import { sha256 } from '../community/ids'
import { householdLabel } from '../community/structure'
import { maskName } from '../community/mask'
import { data } from '../platform/cloud'
import { orderId } from './ids'
import { itemTitle, qtyText } from './lists'
import { addressMatcher, FORMAT_LABELS, matchItems, fileItemKey, type ParsedExport, type ImportFormat } from './imports'

type Row = OrderImportDoc['rows'][number]

/** The same file for the same buy is the same import. */
export const importId = (buyId: string, content: Uint8Array) =>
  `oimp_${sha256(`${buyId}\u0000${sha256(Buffer.from(content).toString('base64'))}`).slice(0, 24)}`

/** The nonce an imported order carries in the buy's ledger. */
export const importNonce = (id: string) => `import:${id}`

/** A sale that is scheduled or open and before its deadline takes imported orders. */
export function checkImportable(buy: BuyDoc, now = nowMs()): void {
  if (buy.kind !== 'sale') throw new AppError('INVALID_INPUT', '物资发放不能导入订单，只有团购可以', 'buyId')
  if ((buy.status !== 'scheduled' && buy.status !== 'open') || now >= new Date(buy.closesAt).getTime())
    throw new AppError('BUY_CLOSED', '这个团购已经截单，不能再导入订单；请新建一个团购后导入')
}

/** Where a row goes: the household it matched, the one a person chose, or nowhere (left out, or not yet decided). */
export const rowTarget = (r: Row): string | null | undefined =>
  r.resolved !== undefined ? r.resolved : r.problem ? undefined : r.householdId

/** Everything a staging, view and commit read of the community: its buildings and households. */
export async function loadCommunityPlaces(communityId: string) {
  const [buildings, households] = await Promise.all([
    data.findAll<BuildingDoc>('buildings', { communityId }, { orderBy: [['order', 'asc']] }),
    data.findAll<HouseholdDoc>('households', { communityId }),
  ])
  return { buildings, households }
}

type Places = Awaited<ReturnType<typeof loadCommunityPlaces>>

// ---------- staging ----------

export interface StageInput {
  buy: BuyDoc
  parsed: ParsedExport
  fileID: string
  fileName: string
  content: Uint8Array
  by: string
}

/**
 * Stage an export as an import of the buy: every item matched to the buy's (ITEM_NOT_FOUND listing the others,
 * nothing written), every order matched to one household or listed with its candidates. The same file staged again
 * is staged anew (its resolutions start over); once committed it is refused.
 */
export async function stageImport(input: StageInput, places?: Places): Promise<OrderImportDoc> {
  const { buy, parsed } = input
  checkImportable(buy)
  const items = matchItems(
    parsed.orders.flatMap((o) => o.items),
    buy.items,
    parsed.format,
  )
  if (items.unknown.length)
    throw new AppError(
      'ITEM_NOT_FOUND',
      `表格里的商品在这个团购中没有：${items.unknown
        .slice(0, 8)
        .map((u) => itemTitle(u))
        .join(
          '、',
        )}${items.unknown.length > 8 ? ` 等 ${items.unknown.length} 种` : ''}。请先在团购里添加这些商品（名称和规格与表格一致），再导入`,
    )
  const id = importId(buy._id, input.content)
  const existing = await data.get<OrderImportDoc>('orderImports', id)
  if (existing?.status === 'committed') throw new AppError('CONFLICT', '这份表格已经导入过了')

  const { buildings, households } = places ?? (await loadCommunityPlaces(buy.communityId))
  const ledger = await data.get<Pick<BuyLedgerDoc, 'orders'>>('buyLedgers', buy._id)
  const nonce = importNonce(id)
  const inScope = new Set(buy.buildingIds)
  const buildingName = new Map(buildings.map((b) => [b._id, b.name]))
  const match = addressMatcher(
    buildings.map((b) => ({ id: b._id, name: b.name })),
    households.map((h) => ({ id: h._id, buildingId: h.buildingId, room: h.room, names: h.members.map((m) => m.name) })),
  )
  const byId = new Map(households.map((h) => [h._id, h]))
  const packOf = new Map(buy.items.map((i) => [i.id, i.packSize]))

  const rows: Row[] = parsed.orders.map((o) => {
    const m = match(o)
    const row: Row = {
      row: o.row,
      address: o.address.slice(0, 120),
      name: o.name.slice(0, 30),
      items: o.items.map((it) => {
        const itemId = items.byKey.get(fileItemKey(it)) as string
        // The tool counts what it sold (a case is 1); the buy counts units (a case of 12 is 12).
        return {
          name: it.name,
          spec: it.spec,
          qty: it.qty * (packOf.get(itemId) ?? 1),
          itemId,
          ...(it.amount !== undefined ? { amount: it.amount } : {}),
        }
      }),
    }
    if (o.ref) row.ref = o.ref.slice(0, 30)
    if (o.phone) row.phone = o.phone.slice(0, 20)
    if (o.note) row.note = o.note
    if (o.paid) row.paid = o.paidAmount ?? o.items.reduce((s, it) => s + (it.amount ?? 0), 0)
    if (m.householdId) {
      const h = byId.get(m.householdId) as HouseholdDoc
      const prev = ledger?.orders?.[h._id]
      row.householdId = h._id
      if (!inScope.has(h.buildingId)) {
        row.problem = `${buildingName.get(h.buildingId) ?? ''}不在这次团购的范围内`
        row.candidates = []
      } else if (prev?.st === 'a' && prev.n !== nonce) {
        row.problem = `${householdLabel(buildingName.get(h.buildingId) ?? '', h.room)} 已在本团购下单（第 ${prev.no ?? ''} 号）`
        row.candidates = []
      }
    } else {
      row.problem = m.problem ?? '地址看不懂'
      row.candidates = m.candidates
    }
    return row
  })
  const doc: OrderImportDoc = {
    _id: id,
    buyId: buy._id,
    communityId: buy.communityId,
    format: parsed.format,
    fileID: input.fileID,
    fileName: input.fileName.slice(0, 100),
    by: input.by,
    at: nowDate(),
    status: 'staged',
    rows,
  }
  await data.set('orderImports', doc)
  return doc
}

// ---------- the view ----------

/**
 * The import as a person resolves it: the rows that did not match one household (with their candidates, and what a
 * person chose), names masked unless the caller is the committee; phones never.
 */
export function importView(doc: OrderImportDoc, places: Places, fullNames: boolean): OrderImportView {
  const buildingName = new Map(places.buildings.map((b) => [b._id, b.name]))
  const byId = new Map(places.households.map((h) => [h._id, h]))
  const label = (id: string) => {
    const h = byId.get(id)
    return h ? householdLabel(buildingName.get(h.buildingId) ?? '', h.room) : ''
  }
  const items = new Map<string, { name: string; spec: string; qty: number }>()
  for (const r of doc.rows)
    for (const it of r.items) {
      const key = `${it.name}\u0001${it.spec}`
      const t = items.get(key)
      items.set(key, t ? { ...t, qty: t.qty + it.qty } : { name: it.name, spec: it.spec, qty: it.qty })
    }
  const unresolved = doc.rows
    .filter((r) => r.problem)
    .map((r): ImportedRowView => {
      const view: ImportedRowView = {
        row: r.row,
        address: r.address,
        name: fullNames ? r.name : maskName(r.name),
        items: r.items.map((it) => `${itemTitle(it)} ${it.qty}`).join('、'),
        problem: r.problem as string,
        candidates: (r.candidates ?? []).map((householdId) => ({ householdId, label: label(householdId) })),
      }
      if (typeof r.resolved === 'string') {
        view.resolvedTo = r.resolved
        view.resolvedLabel = label(r.resolved)
      } else if (r.resolved === null) view.leftOut = true
      return view
    })
  return {
    id: doc._id,
    buyId: doc.buyId,
    format: doc.format,
    rows: doc.rows.length,
    matched: doc.rows.filter((r) => typeof rowTarget(r) === 'string').length,
    unresolved,
    items: [...items.values()],
    status: doc.status,
  }
}

/** The view's items with the buy's units: 「鸡蛋 12个/箱 2箱（24个）」 (for messages). */
export const itemsText = (buy: Pick<BuyDoc, 'items'>, q: Record<string, number>) =>
  buy.items
    .filter((i) => q[i.id])
    .map((i) => `${itemTitle(i)} ${qtyText(i, q[i.id] as number)}`)
    .join('、')

export const formatLabel = (f: ImportFormat) => FORMAT_LABELS[f]

// ---------- resolving a row ----------

/**
 * A person's decision on a row that did not match: one of its candidates or another household of the community in
 * the buy's scope (not one that already ordered here), or null to leave it out. Only while staged.
 */
export async function resolveRow(
  doc: OrderImportDoc,
  buy: BuyDoc,
  row: number,
  householdId: string | null,
): Promise<OrderImportDoc> {
  if (doc.status !== 'staged') throw new AppError('IMPORT_STATE', '这次导入已经完成，不能再修改')
  const index = doc.rows.findIndex((r) => r.row === row)
  const target = doc.rows[index]
  if (!target || !target.problem) throw new AppError('INVALID_INPUT', `第 ${row} 行不需要处理`, 'row')
  if (householdId !== null) {
    const h = await data.get<HouseholdDoc>('households', householdId)
    if (!h || h.communityId !== doc.communityId)
      throw new AppError('NOT_FOUND', '本小区没有这一户，请从候选中选择', 'householdId')
    if (!buy.buildingIds.includes(h.buildingId)) throw new AppError('NOT_IN_SCOPE')
    const ledger = await data.get<Pick<BuyLedgerDoc, 'orders'>>('buyLedgers', buy._id)
    const prev = ledger?.orders?.[householdId]
    if (prev?.st === 'a' && prev.n !== importNonce(doc._id))
      throw new AppError(
        'CONFLICT',
        `这一户已在本团购下单（第 ${prev.no ?? ''} 号），不能再导入到这一户`,
        'householdId',
      )
  }
  const changed = await data.updateWhere(
    'orderImports',
    { _id: doc._id, status: 'staged' },
    { [`rows.${index}.resolved`]: householdId },
  )
  if (changed === 0) {
    const now = await data.get<OrderImportDoc>('orderImports', doc._id)
    if (now?.status !== 'staged') throw new AppError('IMPORT_STATE', '这次导入已经完成，不能再修改')
  }
  return { ...doc, rows: doc.rows.map((r, i) => (i === index ? { ...r, resolved: householdId } : r)) }
}

// ---------- committing ----------

/** How often the ledger's compare-and-set is tried against merges of the buy's sequencer. */
const CAS_TRIES = 12
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

interface Planned {
  household: HouseholdDoc
  q: Record<string, number>
  paid: number
  name: string
  note?: string
  refs: string[]
  firstRow: number
}

/** The import's orders by household, in the order of the file (a household on several rows gets them all). */
function plan(doc: OrderImportDoc, households: ReadonlyMap<string, HouseholdDoc>): Planned[] {
  const out = new Map<string, Planned>()
  for (const r of [...doc.rows].sort((a, b) => a.row - b.row)) {
    const target = rowTarget(r)
    if (!target) continue
    const household = households.get(target)
    if (!household) throw new AppError('CONFLICT', `第 ${r.row} 行的住户已不在本小区，请重新导入`)
    const p = out.get(target) ?? { household, q: {}, paid: 0, name: r.name, refs: [], firstRow: r.row }
    for (const it of r.items) if (it.itemId) p.q[it.itemId] = (p.q[it.itemId] ?? 0) + it.qty
    p.paid += r.paid ?? 0
    if (r.ref) p.refs.push(r.ref)
    if (r.note && !p.note) p.note = r.note
    out.set(target, p)
  }
  return [...out.values()]
}

/** Apply the plan to the ledger once (compare-and-set on version); the ledger orders it gave, by household. */
async function applyToLedger(buy: BuyDoc, doc: OrderImportDoc, planned: Planned[]): Promise<Map<string, LedgerOrder>> {
  const nonce = importNonce(doc._id)
  for (let attempt = 1; ; attempt++) {
    const ledger = await data.get<BuyLedgerDoc>('buyLedgers', buy._id)
    if (!ledger) throw new AppError('NOT_FOUND', '找不到这个团购')
    if (ledger.closedAt) throw new AppError('BUY_CLOSED', '这个团购已经截单，不能再导入订单')
    const fresh = planned.filter((p) => ledger.orders[p.household._id]?.n !== nonce)
    const taken = fresh.filter((p) => ledger.orders[p.household._id]?.st === 'a')
    if (taken.length)
      throw new AppError(
        'CONFLICT',
        `${taken.length} 户已在本团购下单，不能再导入到这些户（第 ${taken.map((p) => p.firstRow).join('、')} 行）：请把这些行改为「不导入」`,
      )
    const need: Record<string, number> = {}
    for (const p of fresh) for (const [itemId, qty] of Object.entries(p.q)) need[itemId] = (need[itemId] ?? 0) + qty
    const short = buy.items.filter(
      (i) => ledger.remaining[i.id] !== undefined && (need[i.id] ?? 0) > (ledger.remaining[i.id] as number),
    )
    if (short.length)
      throw new AppError(
        'SOLD_OUT',
        `库存不够：${short
          .map(
            (i) =>
              `${itemTitle(i)} 还剩 ${qtyText(i, ledger.remaining[i.id] as number)}，表格里共 ${qtyText(i, need[i.id] as number)}`,
          )
          .join('；')}。请先给团购追加库存，再导入`,
      )
    const orders = new Map<string, LedgerOrder>()
    for (const p of planned) {
      const had = ledger.orders[p.household._id]
      if (had?.n === nonce) orders.set(p.household._id, had)
    }
    if (fresh.length === 0) return orders
    const price = new Map(buy.items.map((i) => [i.id, i.price]))
    const set: Record<string, unknown> = {}
    let nextNo = ledger.nextNo
    let total = ledger.total
    for (const p of fresh) {
      const prev = ledger.orders[p.household._id]
      // A cancelled or refused order of the household keeps its number; a new one takes the next.
      const order: LedgerOrder = { no: prev?.no ?? nextNo++, q: p.q, st: 'a', n: nonce }
      orders.set(p.household._id, order)
      set[`orders.${p.household._id}`] = data._.set(order)
      total += Object.entries(p.q).reduce((s, [itemId, qty]) => s + qty * (price.get(itemId) ?? 0), 0)
    }
    for (const [itemId, qty] of Object.entries(need)) {
      if (ledger.remaining[itemId] !== undefined)
        set[`remaining.${itemId}`] = (ledger.remaining[itemId] as number) - qty
      set[`sold.${itemId}`] = (ledger.sold[itemId] ?? 0) + qty
    }
    Object.assign(set, { nextNo, total, active: ledger.active + fresh.length, version: ledger.version + 1 })
    const won = await data.updateWhere(
      'buyLedgers',
      { _id: buy._id, version: ledger.version, closedAt: data._.exists(false) },
      set,
    )
    if (won === 1) return orders
    if (attempt >= CAS_TRIES) throw new AppError('CONFLICT', '这个团购正忙，请稍后再导入')
    await sleep(30 * attempt)
  }
}

const TOOL_NAMES: Record<ImportFormat, string> = { 'ktt-community': '快团团', 'ktt-plain': '快团团', jielong: '群接龙' }

/** The order document of an imported household, from its ledger order. */
function importedOrder(
  buy: BuyDoc,
  doc: OrderImportDoc,
  p: Planned,
  order: LedgerOrder,
  buildingName: string,
  by: { openid: string; name: string },
  previous: OrderDoc | undefined,
  now: Date,
): OrderDoc {
  const h = p.household
  const lines = buy.items.flatMap((i) =>
    p.q[i.id]
      ? [
          {
            itemId: i.id,
            qty: p.q[i.id] as number,
            name: i.name,
            spec: i.spec,
            unit: i.unit,
            packSize: i.packSize,
            price: i.price,
          },
        ]
      : [],
  )
  const tool = TOOL_NAMES[doc.format]
  const payment: PaymentDoc =
    previous && previous.payment.paid > 0
      ? previous.payment
      : p.paid > 0
        ? {
            status: 'paid',
            // Both tools take the money through WeChat Pay.
            method: 'wechat',
            paid: p.paid,
            paidAt: now,
            by: by.openid,
            // Who recorded it: whoever imported the tool's payments.
            byName: by.name,
            note: `${tool}已付款${p.refs.length ? `（跟团号 ${p.refs.join('、')}）` : ''}`.slice(0, 100),
            refunds: [],
          }
        : { status: 'unpaid', paid: 0, refunds: [] }
  const out: OrderDoc = {
    _id: orderId(buy._id, h._id),
    buyId: buy._id,
    communityId: buy.communityId,
    groupId: h.groupId,
    buildingId: h.buildingId,
    householdId: h._id,
    room: h.room,
    floor: h.floor,
    label: householdLabel(buildingName, h.room),
    ...(order.no !== undefined ? { no: order.no } : {}),
    status: 'active',
    lines,
    total: lines.reduce((s, l) => s + l.qty * l.price, 0),
    by: by.openid,
    byName: `${tool}导入`,
    proxy: true,
    notify: [...h.linkedOpenids],
    placedAt: previous?.placedAt ?? now,
    updatedAt: now,
    nonce: importNonce(doc._id),
    requestIds: previous?.requestIds ?? [],
    payment,
    importId: doc._id,
  }
  if (p.note) out.note = p.note.slice(0, 100)
  return out
}

export interface CommitResult {
  orders: number
  buy: BuyDoc
}

/**
 * Write the staged import's orders on the buy: every row matched, resolved or left out (IMPORT_UNRESOLVED
 * otherwise), the buy still taking imports, the households free and the stock enough; numbers after the existing
 * ones in the file's order. Idempotent: a commit repeated (or two at once) applies the ledger once and writes the
 * same orders; a committed import answers what it wrote.
 */
export async function commitImport(
  doc: OrderImportDoc,
  buy: BuyDoc,
  by: { openid: string; name: string },
): Promise<CommitResult> {
  if (doc.status === 'committed') return { orders: doc.orders ?? 0, buy }
  const open = doc.rows.filter((r) => rowTarget(r) === undefined)
  if (open.length)
    throw new AppError(
      'IMPORT_UNRESOLVED',
      `还有 ${open.length} 行没有对应到住户（第 ${open
        .slice(0, 10)
        .map((r) => r.row)
        .join('、')} 行），请逐条选择住户或「不导入」`,
    )
  checkImportable(buy)
  const targets = [...new Set(doc.rows.flatMap((r) => rowTarget(r) ?? []))]
  const [households, buildings] = await Promise.all([
    data.byIds<HouseholdDoc>('households', targets),
    data.findAll<BuildingDoc>('buildings', { communityId: buy.communityId }),
  ])
  const planned = plan(doc, households)
  for (const p of planned)
    if (!buy.buildingIds.includes(p.household.buildingId))
      throw new AppError('NOT_IN_SCOPE', `第 ${p.firstRow} 行的住户所在的楼不在这次团购的范围内`)
  const ledgerOrders = await applyToLedger(buy, doc, planned)

  // The orders, from the ledger's (also when a commit that died after the ledger is repeated).
  const now = nowDate()
  const names = new Map(buildings.map((b) => [b._id, b.name]))
  const existing = await data.byIds<OrderDoc>(
    'orders',
    planned.map((p) => orderId(buy._id, p.household._id)),
  )
  const creates: OrderDoc[] = []
  const updates: OrderDoc[] = []
  for (const p of planned) {
    const id = orderId(buy._id, p.household._id)
    const prev = existing.get(id)
    const order = ledgerOrders.get(p.household._id)
    if (!order || prev?.nonce === importNonce(doc._id)) continue
    const next = importedOrder(buy, doc, p, order, names.get(p.household.buildingId) ?? '', by, prev, now)
    if (prev) updates.push(next)
    else creates.push(next)
  }
  if (creates.length) {
    for (let i = 0; i < creates.length; i += 100) await data.insertNew('orders', creates.slice(i, i + 100))
    // Inserted meanwhile by a commit running at once: theirs is the same order.
  }
  for (const next of updates) await data.set('orders', next)
  await data.updateWhere(
    'orderImports',
    { _id: doc._id, status: 'staged' },
    { status: 'committed', committedAt: now, orders: planned.length },
  )
  return { orders: planned.length, buy }
}
