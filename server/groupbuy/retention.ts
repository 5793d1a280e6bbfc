// How long group-buy personal data is kept, for the groupbuy function's housekeeping timer: a buy's orders lose who
// placed them and their notes (and its imported rows their names and phones, its complaints their photos)
// settings.orderRetentionDays after it closed, failed or was cancelled; a rejected merchant application's photos go
// REJECTED_MERCHANT_PHOTOS_TTL_DAYS after the rejection. Each step reads only what is due (each community's own
// period in the query), oldest first and in bounded batches, and stops starting work once the budget is spent.
// Uploaded export files go a day after they were read with the community's uploads (server/platform/uploads.ts);
// a closed community's group-buy data goes with its deletion (server/groupbuy/erase.ts, eraseCommunityGroupBuys).
import type { BuyDoc, MerchantDoc } from './model'
import type { CommunityDoc } from '../community/model'
import { DAY_MS, orderRetentionDaysOf, REJECTED_MERCHANT_PHOTOS_TTL_DAYS } from '../community/settings'
import type { Budget } from '../platform/budget'
import { data } from '../platform/cloud'
import { nowDate, nowMs } from '../kernel'
import { deleteMerchantPhotos, reduceBuyOrders } from './erase'

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
