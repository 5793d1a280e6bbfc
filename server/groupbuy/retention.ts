// How long group-buy personal data is kept, for the groupbuy function's housekeeping timer: a buy's orders lose who
// placed them and their notes (and its imported rows their names and phones, its complaints their photos)
// settings.orderRetentionDays after it closed, failed or was cancelled; a rejected merchant application's photos go
// REJECTED_MERCHANT_PHOTOS_TTL_DAYS after the rejection. Each step reads only what is due (each community's own
// period in the query), oldest first and in bounded batches, and stops starting work once the budget is spent.
// Uploaded export files go a day after they were read with the community's uploads (server/platform/uploads.ts);
// a closed community's group-buy data goes with its deletion (server/groupbuy/erase.ts, eraseCommunityGroupBuys).
import type { BuyDoc, MerchantDoc } from './model'
import type { CommunityDoc } from '../community/model'
import type { DueAt } from '../community/retention'
import { DAY_MS, orderRetentionDaysOf, REJECTED_MERCHANT_PHOTOS_TTL_DAYS } from '../community/settings'
import type { Budget } from '../platform/budget'
import { data } from '../platform/cloud'
import { nowDate, nowMs } from '../kernel'
import { deleteMerchantPhotos, reduceBuyOrders } from './erase'
import { merchantPhotos } from './merchants'

/** Buys and merchants handled per community and run. */
export const RETENTION_BATCH = 20

type DueBuy = Pick<BuyDoc, '_id' | 'communityId' | 'closedAt'>

const ENDED = ['closed', 'failed', 'cancelled']

/** Every community with its settings (a deployment serves a few dozen at most). */
const communities = () =>
  data.findAll<Pick<CommunityDoc, '_id' | 'settings' | 'closing'>>(
    'communities',
    {},
    {
      fields: { settings: true, closing: true },
    },
  )

export interface RetentionRun {
  /** Buys whose orders were reduced. */
  buys: number
  /** Rejected applications whose photos were deleted. */
  merchants: number
  /** Files storage did not delete: queued in fileDeletions, the timers retry them. */
  failedFiles: number
}

/**
 * The timer's step: reduce the orders of buys past their period, delete the photos of applications rejected long
 * enough ago. A buy or merchant that fails is logged and left for the next run; the others go on.
 */
export async function groupBuyRetention(budget?: Budget, now = nowMs()): Promise<RetentionRun> {
  const out: RetentionRun = { buys: 0, merchants: 0, failedFiles: 0 }
  for (const c of await communities()) {
    if (budget?.spent) break
    const days = orderRetentionDaysOf(c.settings)
    const due = await data.find<DueBuy>(
      'buys',
      {
        communityId: c._id,
        status: data._.in(ENDED),
        closedAt: data._.lte(new Date(now - days * DAY_MS)),
        ordersReducedAt: data._.exists(false),
      },
      { limit: RETENTION_BATCH, orderBy: [['closedAt', 'asc']], fields: { communityId: true, closedAt: true } },
    )
    for (const b of due) {
      if (budget?.spent) break
      try {
        out.failedFiles += (await reduceBuyOrders(b._id, c._id)).failedFiles
        // The marker last: a run cut short before it reduces the buy again.
        await data.update('buys', b._id, { ordersReducedAt: nowDate() })
        out.buys++
      } catch (err) {
        console.error(`[groupbuy.retention] reducing the orders of ${b._id} failed; the next run tries again`, err)
      }
    }
    const rejected = await data.find<MerchantDoc>(
      'merchants',
      {
        communityId: c._id,
        status: 'rejected',
        decidedAt: data._.lte(new Date(now - REJECTED_MERCHANT_PHOTOS_TTL_DAYS * DAY_MS)),
        photosDeletedAt: data._.exists(false),
      },
      { limit: RETENTION_BATCH, orderBy: [['decidedAt', 'asc']] },
    )
    for (const m of rejected) {
      if (budget?.spent) break
      try {
        out.failedFiles += (await deleteMerchantPhotos(m)).failedFiles
        out.merchants++
      } catch (err) {
        console.error(`[groupbuy.retention] deleting the photos of ${m._id} failed; the next run tries again`, err)
      }
    }
  }
  return out
}

// ---------- the committee's schedule (community function's retentionSchedule) ----------

export interface GroupBuySchedule {
  /** Orders of buys not yet reduced: due at the end plus the period; those of buys still open wait. */
  orders: { due: DueAt[]; waiting: number }
  /** Complaints not yet stripped, with their buy's orders. */
  complaints: { due: DueAt[]; waiting: number }
  /** Photos of rejected applications, REJECTED_MERCHANT_PHOTOS_TTL_DAYS after the rejection. */
  merchantPhotos: DueAt[]
}

type PerBuy = { _id: string; n: number }
const perBuy = (rows: readonly PerBuy[]) => new Map(rows.map((r) => [r._id, r.n]))

/**
 * What of the community's group-buy data is kept and when it goes, by the rules the timer deletes by
 * (groupBuyRetention): a buy's orders and complaints settings.orderRetentionDays after it ended, a rejected
 * application's photos after REJECTED_MERCHANT_PHOTOS_TTL_DAYS; all of it by the closing's date at the latest.
 */
export async function groupBuySchedule(
  c: Pick<CommunityDoc, '_id' | 'settings' | 'closing'>,
): Promise<GroupBuySchedule> {
  const days = orderRetentionDaysOf(c.settings)
  const [buys, rejected] = await Promise.all([
    data.findAll<Pick<BuyDoc, '_id' | 'status' | 'closedAt'>>(
      'buys',
      { communityId: c._id, ordersReducedAt: data._.exists(false) },
      { fields: { status: true, closedAt: true } },
    ),
    data.findAll<Pick<MerchantDoc, 'decidedAt' | 'licence' | 'foodPermit' | 'healthCerts'>>(
      'merchants',
      { communityId: c._id, status: 'rejected', photosDeletedAt: data._.exists(false) },
      { fields: { decidedAt: true, licence: true, foodPermit: true, healthCerts: true } },
    ),
  ])
  const $ = data._.aggregate
  const ids = buys.map((b) => b._id)
  const orders = new Map<string, number>()
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await data.runAggregate<PerBuy>(
      data
        .aggregate('orders')
        .match({ buyId: data._.in(ids.slice(i, i + 500)) })
        .group({ _id: '$buyId', n: $.sum(1) })
        .limit(100000),
    )
    for (const [id, n] of perBuy(rows)) orders.set(id, n)
  }
  // Complaints are few (a handful a buy): the community's not yet stripped, counted per buy.
  const complaints = perBuy(
    ids.length
      ? await data.runAggregate<PerBuy>(
          data
            .aggregate('complaints')
            .match({ communityId: c._id, strippedAt: data._.exists(false) })
            .group({ _id: '$buyId', n: $.sum(1) })
            .limit(100000),
        )
      : [],
  )

  const cap = c.closing ? new Date(c.closing.deleteAfter).getTime() : Infinity
  const at = (from: Date | string, period: number) =>
    new Date(Math.min(new Date(from).getTime() + period * DAY_MS, cap))
  const out: GroupBuySchedule = {
    orders: { due: [], waiting: 0 },
    complaints: { due: [], waiting: 0 },
    merchantPhotos: [],
  }
  for (const b of buys) {
    const o = orders.get(b._id) ?? 0
    const k = complaints.get(b._id) ?? 0
    if (!ENDED.includes(b.status) || !b.closedAt) {
      out.orders.waiting += o
      out.complaints.waiting += k
      continue
    }
    if (o) out.orders.due.push({ at: at(b.closedAt, days), count: o })
    if (k) out.complaints.due.push({ at: at(b.closedAt, days), count: k })
  }
  for (const m of rejected) {
    const n = merchantPhotos(m).length
    if (n && m.decidedAt) out.merchantPhotos.push({ at: at(m.decidedAt, REJECTED_MERCHANT_PHOTOS_TTL_DAYS), count: n })
  }
  return out
}
