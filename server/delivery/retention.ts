// How long the delivery relay's personal data is kept, for the delivery function's housekeeping timer and the
// committee's schedule: a delivery loses its people (server/delivery/erase.ts reduceDelivery) the group buys'
// period (settings.orderRetentionDays) after it ended, its doneAt, or for one never finished after its deliveryAt.
// Each run reads only what is due (each community's own period in the query), oldest first and in bounded batches,
// and stops starting work once the budget is spent. A closed community's deliveries go with its deletion
// (eraseCommunityDeliveries).
import type { RelayDeliveryDoc } from './model'
import type { CommunityDoc } from '../community/model'
import type { DueAt } from '../community/retention'
import { DAY_MS, orderRetentionDaysOf } from '../community/settings'
import type { Budget } from '../platform/budget'
import { data } from '../platform/cloud'
import { nowDate, nowMs } from '../kernel'
import { reduceDelivery } from './erase'

/** Deliveries reduced per community and run. */
export const RETENTION_BATCH = 10

type DueDelivery = Pick<RelayDeliveryDoc, '_id' | 'communityId' | 'arrival' | 'plan' | 'doneAt' | 'deliveryAt'>

/** When a delivery's people go: its end (or its expected day, if it never ended) plus the period. */
export const deliveryDueAt = (d: Pick<RelayDeliveryDoc, 'doneAt' | 'deliveryAt'>, days: number): Date =>
  new Date(new Date(d.doneAt ?? d.deliveryAt).getTime() + days * DAY_MS)

export interface DeliveryRetentionRun {
  /** Deliveries reduced. */
  deliveries: number
  /** Files storage did not delete: queued in fileDeletions, the timers retry them. */
  failedFiles: number
}

/**
 * The timer's step: reduce the deliveries past their period. One that fails or runs out of budget is left unmarked
 * for the next run, which does it again (every write of the reduction can be made twice).
 */
export async function deliveryRetention(budget?: Budget, now = nowMs()): Promise<DeliveryRetentionRun> {
  const out: DeliveryRetentionRun = { deliveries: 0, failedFiles: 0 }
  const communities = await data.findAll<Pick<CommunityDoc, '_id' | 'settings'>>(
    'communities',
    {},
    { fields: { settings: true } },
  )
  const _ = data._
  for (const c of communities) {
    if (budget?.spent) break
    const cut = new Date(now - orderRetentionDaysOf(c.settings) * DAY_MS)
    const due = await data.find<DueDelivery>(
      'deliveries',
      _.and([
        { communityId: c._id, reducedAt: _.exists(false) },
        _.or([{ doneAt: _.lte(cut) }, { doneAt: _.exists(false), deliveryAt: _.lte(cut) }]),
      ]),
      {
        limit: RETENTION_BATCH,
        orderBy: [['deliveryAt', 'asc']],
        fields: { communityId: true, arrival: true, plan: true, doneAt: true, deliveryAt: true },
      },
    )
    for (const d of due) {
      if (budget?.spent) break
      try {
        const r = await reduceDelivery(d, budget)
        out.failedFiles += r.failedFiles
        if (!r.done) break
        // The marker last: a run cut short before it reduces the delivery again.
        await data.update('deliveries', d._id, { reducedAt: nowDate() })
        out.deliveries++
      } catch (err) {
        console.error(`[delivery.retention] reducing ${d._id} failed; the next run tries again`, err)
      }
    }
  }
  return out
}

/**
 * The community's deliveries not yet reduced, each due at its end plus the period (capped at the closing's date),
 * counted in households (one bag each): the committee's schedule lists them as 物资配送记录.
 */
export async function deliverySchedule(c: Pick<CommunityDoc, '_id' | 'settings' | 'closing'>): Promise<DueAt[]> {
  const days = orderRetentionDaysOf(c.settings)
  const deliveries = await data.findAll<Pick<RelayDeliveryDoc, 'doneAt' | 'deliveryAt' | 'households'>>(
    'deliveries',
    { communityId: c._id, reducedAt: data._.exists(false) },
    { fields: { doneAt: true, deliveryAt: true, households: true } },
  )
  const cap = c.closing ? new Date(c.closing.deleteAfter).getTime() : Infinity
  return deliveries.map((d) => ({
    at: new Date(Math.min(deliveryDueAt(d, days).getTime(), cap)),
    count: Math.max(1, d.households),
  }))
}
