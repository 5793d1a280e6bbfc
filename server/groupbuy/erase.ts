// Deleting group-buy data: what a person's or a household's data deletion reaches (the community function runs
// this through its registered erasers), a buy's orders reduced after their period, a rejected merchant's photos,
// and everything of a closed community. What stays is what the buys add up to: the orders' rooms, items, amounts
// and payments (a room is not a person once its people are gone, as the buildings' antigen counts stay), the buys'
// totals, complaints' kinds and statuses. Every step can run again after a failure: it finds what is left.
import type { ComplaintDoc, MerchantDoc, OrderImportDoc } from './model'
import type { Budget } from '../platform/budget'
import { data } from '../platform/cloud'
import { deleteFiles, type FileRef } from '../platform/deletions'
import { nowDate } from '../kernel'
import { merchantPhotos } from './merchants'

/** Whose data goes: as the community function's erasure describes the person (cloudfunctions/community/src/erasure.ts). */
export interface GroupBuyPerson {
  communityId: string
  householdId: string
  openid: string
  /** They were the household's last member: everything of the household goes. */
  last: boolean
  /** They keep no other household in this community. */
  leavesCommunity: boolean
}

/** Documents handled per read. */
const BATCH = 200

const complaintFiles = (docs: readonly Pick<ComplaintDoc, 'communityId' | 'photos'>[]): FileRef[] =>
  docs.flatMap((d) =>
    d.photos.map((fileID) => ({ fileID, communityId: d.communityId, kind: 'complaintPhoto' as const })),
  )

const merchantFiles = (docs: readonly MerchantDoc[]): FileRef[] =>
  docs.flatMap((d) =>
    merchantPhotos(d).map((fileID) => ({ fileID, communityId: d.communityId, kind: 'merchantPhoto' as const })),
  )

/**
 * Complaints lose who filed them, their note and their photos (files first, statuses checked, failures queued); the
 * kind, status and the merchant's counters stay. Returns the files storage did not delete.
 */
async function stripComplaints(where: object): Promise<number> {
  let failed = 0
  const open = data._.and([where, { strippedAt: data._.exists(false) }])
  for (;;) {
    const docs = await data.find<ComplaintDoc>('complaints', open, {
      limit: BATCH,
      fields: { communityId: true, photos: true },
    })
    if (docs.length === 0) return failed
    failed += (await deleteFiles(complaintFiles(docs))).failed
    await data.updateWhere(
      'complaints',
      { _id: data._.in(docs.map((d) => d._id)) },
      { note: '', photos: data._.set([]), by: '', strippedAt: nowDate() },
    )
  }
}

/** Imported rows of a household lose the name, phone, address and note the file gave them. */
async function stripImportRows(communityId: string, householdId: string): Promise<void> {
  const imports = await data.findAll<OrderImportDoc>(
    'orderImports',
    data._.and([{ communityId }, data._.or([{ 'rows.householdId': householdId }, { 'rows.resolved': householdId }])]),
    { fields: { rows: true } },
  )
  for (const imp of imports) {
    const rows = imp.rows.map((r) => (r.householdId === householdId || r.resolved === householdId ? stripRow(r) : r))
    await data.update('orderImports', imp._id, { rows: data._.set(rows) })
  }
}

type ImportRow = OrderImportDoc['rows'][number]

/** A row without what the file said of the person: the items, the household it went to and the amounts stay. */
export function stripRow(r: ImportRow): ImportRow {
  const { phone: _phone, note: _note, ...rest } = r
  return { ...rest, address: '', name: '' }
}

/**
 * A person's data deletion: orders and waiting orders they placed (for their household or, as a lead or family, for
 * another) lose their name, openid and note, and they are no longer told of any order's delivery; complaints they
 * filed lose their note and photos. When they were the household's last member, every order and complaint of the
 * household loses its people likewise, waiting orders of the household are dropped, and imported rows lose the
 * names and phones the file gave. Their 开团提醒 subscription goes when they leave the community.
 */
export async function eraseGroupBuyPerson(p: GroupBuyPerson): Promise<{ failedFiles: number }> {
  const { communityId, householdId, openid } = p
  const _ = data._
  // One read per collection finds what there is (most people have little or nothing here); only that is written.
  // The household's own orders are theirs only when they were its last member ('' matches no order).
  const whole = p.last ? householdId : ''
  type Placed = { _id: string; householdId: string; by: string; notify?: string[] }
  const fields = { householdId: true, by: true, notify: true }

  // Waiting orders first, so the sequencer does not write a name back after the orders were cleared.
  const waiting = await data.findAll<Placed>(
    'orderIntake',
    _.and([{ communityId }, _.or([{ by: openid }, { notify: openid }, { householdId: whole }])]),
    { fields },
  )
  const dropped = waiting.filter((w) => p.last && w.householdId === householdId).map((w) => w._id)
  if (dropped.length) await data.removeWhere('orderIntake', { _id: _.in(dropped) })
  for (const w of waiting) {
    if (dropped.includes(w._id)) continue
    await data.update('orderIntake', w._id, {
      ...(w.by === openid ? { by: '', byName: '', note: _.remove() } : {}),
      notify: _.pull(openid),
    })
  }

  const orders = await data.findAll<Placed>(
    'orders',
    _.and([{ communityId }, _.or([{ by: openid }, { notify: openid }, { householdId: whole }])]),
    { fields },
  )
  for (const o of orders) {
    const all = p.last && o.householdId === householdId
    await data.update('orders', o._id, {
      ...(all || o.by === openid ? { by: '', byName: '', note: _.remove() } : {}),
      ...(all ? { notify: _.set([]), 'payment.note': _.remove() } : { notify: _.pull(openid) }),
    })
  }

  const failedFiles = await stripComplaints(
    p.last ? _.and([{ communityId }, _.or([{ by: openid }, { householdId }])]) : { communityId, by: openid },
  )
  if (p.last) await stripImportRows(communityId, householdId)
  if (p.leavesCommunity) await data.removeWhere('buySubscribers', { communityId, openid })
  return { failedFiles }
}

/**
 * A buy's orders reduced at the end of their period: who placed each, their note and the payment's note go, the
 * people told of deliveries too; waiting orders (none, normally, this long after the close) are dropped; the
 * buy's imported rows lose names, phones, addresses and notes; its complaints lose who filed them, their notes
 * and photos. Rooms, items, amounts and payments stay.
 */
export async function reduceBuyOrders(buyId: string, communityId: string): Promise<{ failedFiles: number }> {
  const _ = data._
  await data.removeWhere('orderIntake', { communityId, buyId })
  await data.updateWhere(
    'orders',
    { communityId, buyId },
    {
      by: '',
      byName: '',
      note: _.remove(),
      notify: _.set([]),
      'payment.note': _.remove(),
    },
  )
  for (const imp of await data.findAll<OrderImportDoc>(
    'orderImports',
    { communityId, buyId },
    { fields: { rows: true } },
  ))
    await data.update('orderImports', imp._id, { rows: _.set(imp.rows.map(stripRow)) })
  const failedFiles = await stripComplaints({ communityId, buyId })
  return { failedFiles }
}

/** A rejected application's photos, once its period is over: files first (statuses checked), then the lists. */
export async function deleteMerchantPhotos(merchant: MerchantDoc): Promise<{ failedFiles: number }> {
  const files = await deleteFiles(merchantFiles([merchant]))
  await data.updateWhere(
    'merchants',
    // Only as read: an application sent again meanwhile keeps its new photos.
    { _id: merchant._id, status: merchant.status, appliedAt: merchant.appliedAt },
    { licence: data._.set([]), foodPermit: data._.set([]), healthCerts: data._.set([]), photosDeletedAt: nowDate() },
  )
  return { failedFiles: files.failed }
}

/**
 * The group-buy part of a closed community's deletion, step by step (each idempotent, so a run cut short is finished
 * by the next): complaints with their photos, merchants with their licences and certificates, waiting orders,
 * orders, order imports (their uploaded files go with the community's uploads), 开团提醒 subscriptions, the
 * ledgers' per-household orders, and the organisers' names on the buys. The buys' totals stay (the deliveries go
 * with server/delivery/erase.ts). Returns true once done.
 */
export async function eraseCommunityGroupBuys(communityId: string, budget: Budget): Promise<boolean> {
  for (;;) {
    const docs = await data.find<ComplaintDoc>(
      'complaints',
      { communityId },
      { limit: BATCH, fields: { communityId: true, photos: true } },
    )
    if (docs.length === 0) break
    await deleteFiles(complaintFiles(docs))
    await data.removeWhere('complaints', { _id: data._.in(docs.map((d) => d._id)) })
    if (budget.spent) return false
  }
  for (;;) {
    const docs = await data.find<MerchantDoc>('merchants', { communityId }, { limit: BATCH })
    if (docs.length === 0) break
    await deleteFiles(merchantFiles(docs))
    await data.removeWhere('merchants', { _id: data._.in(docs.map((d) => d._id)) })
    if (budget.spent) return false
  }
  for (const coll of ['orderIntake', 'orders', 'orderImports', 'buySubscribers'] as const)
    await data.removeWhere(coll, { communityId })
  if (budget.spent) return false
  await data.updateWhere('buyLedgers', { communityId }, { orders: data._.set({}) })
  await data.updateWhere('buys', { communityId }, { 'organiser.openid': '', 'organiser.name': '', closedBy: '' })
  return true
}
