// The delivery function's timer (every 5 minutes, 60 s limit): send the push queue's leftovers, start the relay of
// deliveries whose rest ended, count bags nobody confirmed as received after the delivery's autoReceiveHours, and
// push each board alert once (goods waiting at the gate or an entrance, buildings late at the deadline, bags not
// received) to the committee, 团长 and the building's 营长 and leads, and remove the people of deliveries past their
// period (server/delivery/retention.ts). Every step is bounded and idempotent.
import type { DeliveryBuildingDoc, DeliveryStopDoc, RelayDeliveryDoc } from '../../../server/delivery/model'
import type { BuildingDoc } from '../../../server/community/model'
import { formatShanghai, nowDate } from '../../../server/kernel'
import { Budget, steps } from '../../../server/platform/budget'
import { data } from '../../../server/platform/cloud'
import { notify, type PushMessage } from '../../../server/platform/notify'
import { drainStep } from '../../../server/platform/pushqueue'
import { TEMPLATES } from '../../../server/templates'
import { alertNotice, deliveryAlerts } from '../../../server/delivery/rules'
import {
  advanceRest,
  BOARD_PAGE,
  buildingLeads,
  communityManagers,
  deliveryBuildings,
  finishIfDone,
  inTransaction,
  txGet,
} from './common'
import { moveCounters } from './relay'
import { deliveryRetention } from '../../../server/delivery/retention'

/** Of the function's 60 s timeout (config.json), how long a run keeps starting work. */
export const RUN_BUDGET_MS = 40_000
/** Of the run's budget, what the push queue's safety-net drain may take first. */
export const PUSH_BUDGET_MS = 10_000
/** Deliveries one run looks at per step. */
export const DELIVERIES_PER_RUN = 50
/** Bags one run receives automatically per delivery. */
export const AUTO_RECEIVE_BATCH = 1000

/** Deliveries whose rest is over move to relaying. */
export async function startRelays(now = nowDate()): Promise<number> {
  const due = await data.find<RelayDeliveryDoc>(
    'deliveries',
    { status: 'resting', restUntil: data._.lte(now) },
    { limit: DELIVERIES_PER_RUN },
  )
  for (const d of due) await advanceRest(d, now)
  return due.length
}

/** Bags delivered autoReceiveHours ago and not confirmed count as received (`auto`), building by building. */
export async function autoReceive(budget: Budget, now = nowDate()): Promise<number> {
  const deliveries = await data.find<RelayDeliveryDoc>(
    'deliveries',
    { status: data._.in(['relaying', 'done']), settledAt: data._.exists(false) },
    { limit: DELIVERIES_PER_RUN, orderBy: [['deliveryAt', 'asc']] },
  )
  let n = 0
  for (const d of deliveries) {
    if (budget.spent) break
    if (!d.settings) continue
    const cut = new Date(now.getTime() - d.settings.autoReceiveHours * 3_600_000)
    const due = await data.find<DeliveryStopDoc>(
      'deliveryStops',
      { deliveryId: d._id, status: 'delivered', 'delivered.at': data._.lte(cut) },
      { limit: AUTO_RECEIVE_BATCH },
    )
    const byBuilding = new Map<string, DeliveryStopDoc[]>()
    for (const s of due) byBuilding.set(s.buildingId, [...(byBuilding.get(s.buildingId) ?? []), s])
    for (const [buildingId, stops] of byBuilding) {
      if (budget.spent) break
      for (let i = 0; i < stops.length; i += 50) {
        const chunk = stops.slice(i, i + 50)
        n += await inTransaction(async (tx) => {
          const partId = `${d._id}:${buildingId}`
          const part = await txGet<DeliveryBuildingDoc>(tx, 'deliveryBuildings', partId)
          if (!part) return 0
          const changes: ['delivered', 'received'][] = []
          for (const s of chunk) {
            const again = await txGet<DeliveryStopDoc>(tx, 'deliveryStops', s._id)
            if (again?.status !== 'delivered') continue
            const received = { at: now, by: 'timer', byName: '自动签收', auto: true }
            await tx
              .collection('deliveryStops')
              .doc(s._id)
              .update({ data: { status: 'received', received, updatedAt: now } })
            changes.push(['delivered', 'received'])
          }
          if (changes.length) await moveCounters(tx, { ...part, _id: partId }, changes, now)
          return changes.length
        })
      }
    }
    // A finished delivery with no bag left unconfirmed is settled: the timer looks at it no more.
    if (
      !budget.spent &&
      d.status === 'done' &&
      (await data.count('deliveryStops', { deliveryId: d._id, status: 'delivered' })) === 0
    )
      await data.update('deliveries', d._id, { settledAt: now })
    else await finishIfDone(d._id, now)
  }
  return n
}

/**
 * Each board alert of a delivery under way, pushed once (the delivery remembers `kind:building` keys): to the
 * committee and 团长, and for a building's alert to its 营长 and leads too. Gaps were pushed when planned; problems
 * when reported.
 */
export async function pushAlerts(budget: Budget, now = nowDate()): Promise<number> {
  const deliveries = await data.find<RelayDeliveryDoc>(
    'deliveries',
    { status: data._.in(['resting', 'relaying']) },
    { limit: DELIVERIES_PER_RUN, orderBy: [['deliveryAt', 'asc']] },
  )
  let pushed = 0
  const buildingsOf = new Map<string, Map<string, BuildingDoc>>()
  for (const d of deliveries) {
    if (budget.spent) break
    let names = buildingsOf.get(d.communityId)
    if (!names) {
      names = new Map(
        (await data.findAll<BuildingDoc>('buildings', { communityId: d.communityId })).map((b) => [b._id, b]),
      )
      buildingsOf.set(d.communityId, names)
    }
    const parts = await deliveryBuildings(d._id)
    const alerts = deliveryAlerts({
      delivery: d,
      buildings: parts.map((p) => ({ ...p, name: names?.get(p.buildingId)?.name ?? '' })),
      openProblems: 0,
      now,
    }).filter((a) => a.kind !== 'problems')
    const done = new Set(d.alerted ?? [])
    const fresh = alerts.filter((a) => !done.has(`${a.kind}:${a.buildingId ?? ''}`))
    if (fresh.length === 0) continue
    const managers = await communityManagers(d.communityId)
    const messages: PushMessage[] = []
    for (const a of fresh) {
      const key = `${a.kind}:${a.buildingId ?? ''}`
      const to = new Set(managers)
      if (a.buildingId) {
        const groupId = names.get(a.buildingId)?.groupId
        for (const o of await buildingLeads(d.communityId, a.buildingId)) to.add(o)
        if (groupId) for (const o of await communityManagers(d.communityId, groupId)) to.add(o)
      }
      for (const touser of to)
        messages.push({
          purpose: `delivery.alert:${d._id}:${key}`,
          touser,
          templateId: TEMPLATES.relayAlert,
          page: `${BOARD_PAGE}?id=${encodeURIComponent(d._id)}`,
          fields: alertNotice(d.title, a, now),
        })
    }
    await notify('delivery', messages)
    await data.update('deliveries', d._id, {
      alerted: [...done, ...fresh.map((a) => `${a.kind}:${a.buildingId ?? ''}`)],
    })
    pushed += fresh.length
  }
  return pushed
}

/** How long before the expected arrival a delivery nobody planned, or one with gaps, is pushed again. */
export const BEFORE_ARRIVAL_MS = 2 * 3_600_000

/**
 * Before the goods arrive: a delivery expected within BEFORE_ARRIVAL_MS that nobody planned yet, or whose plan
 * still has buildings nobody takes, is pushed to the committee and 团长 (once each), so no building learns at the gate.
 */
export async function remindBeforeArrival(now = nowDate()): Promise<number> {
  const soon = await data.find<RelayDeliveryDoc>(
    'deliveries',
    { status: 'awaiting', deliveryAt: data._.lte(new Date(now.getTime() + BEFORE_ARRIVAL_MS)) },
    { limit: DELIVERIES_PER_RUN, orderBy: [['deliveryAt', 'asc']] },
  )
  let n = 0
  for (const d of soon) {
    const key = !d.plan ? 'unplanned:' : d.plan.gaps.length ? `gaps:${d.plan.version}` : ''
    if (!key || (d.alerted ?? []).includes(key)) continue
    const text = !d.plan
      ? `${formatShanghai(d.deliveryAt, 'HH:mm')}到货，还没有安排配送`
      : `到货前还有${d.plan.gaps.length}处没人负责`
    const messages: PushMessage[] = (await communityManagers(d.communityId)).map((touser) => ({
      purpose: `delivery.soon:${d._id}:${key}`,
      touser,
      templateId: TEMPLATES.relayAlert,
      page: `${BOARD_PAGE}?id=${encodeURIComponent(d._id)}`,
      fields: alertNotice(d.title, { message: text }, now),
    }))
    await notify('delivery', messages)
    await data.update('deliveries', d._id, { alerted: [...(d.alerted ?? []), key] })
    n++
  }
  return n
}

export async function housekeeping() {
  const budget = new Budget(RUN_BUDGET_MS)
  return steps('delivery.housekeeping', {
    pushes: () => drainStep(PUSH_BUDGET_MS),
    reminders: () => remindBeforeArrival(),
    relays: () => startRelays(),
    received: () => autoReceive(budget),
    alerts: () => pushAlerts(budget),
    retention: () => deliveryRetention(budget),
  })
}
