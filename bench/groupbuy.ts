// Group-buy orders through the client gateway, against a localcloud running the built functions: 500 households of
// 钟楼新村 (the demo generator's community) order one unit each of an item with a stock of 200, all at once, and the
// buy's order sequencer (the `sequencer` function, kicked by each placeOrder) numbers them. Then the checks: units sold
// exactly the stock, nothing oversold, 接龙号 unique and gap-free (1..N over the active orders), every household's
// order written (active or refused, none lost or doubled), the ledger agreeing with the orders. Figures: time per
// order as the client sees it (p50/p95) and inside the function, DB round trips per order (the call's own, from the
// emulator's call log, source wx_client; and the sequencers' and push drains' it set off, per order), and how long
// after the last reply the last intent was merged. Closing a 1,506-household buy with its lists and labels (time and
// memory) follows, from bench/groupbuy-lists.ts (`npm run bench -- groupbuy-lists` runs it alone).
import { freePort, spawnLocalCloud, useLocalCloudSdk } from '../localcloud/spawn'
import { bundleFunctions } from '../scripts/lib/functions'
import { FUNCTIONS_ROOT } from '../scripts/lib/paths'
import { DEMO_COMMUNITY, demoDataset } from '../scripts/demo/generate'
import { loadCollections, platformNow } from '../scripts/demo/load'
import { merchantId } from '../server/groupbuy/ids'
import { newLedger } from '../server/groupbuy/rules'
import type { BuyDoc, BuyLedgerDoc, MerchantDoc, OrderDoc } from '../server/groupbuy/model'
import type { HouseholdDoc } from '../server/community/model'
import type { Envelope, OrderView } from '../typings/api'
import closing from './groupbuy-lists'
import { defineBench, percentile, type Figure } from './lib'

import type * as WxServerSdkModule from 'wx-server-sdk'

interface CallRecord {
  function: string
  source: string
  durationMs: number
  ok: boolean
  error: string | null
  db: { calls: number; read: number; written: number; byAction: Record<string, number> }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const bench = defineBench({
  description:
    '500 concurrent orders (distinct households) against a stock of 200, numbered by the order sequencer: units sold, oversold, 接龙号 gaps, time and DB round trips per order',
  defaults: { orders: 500, stock: 200, maxInstances: 16, warm: true, single: 20 },
  async run(params, log) {
    const figures: Figure[] = []
    const n = Number(params.orders)
    const stock = Number(params.stock)
    const maxInstances = Number(params.maxInstances)
    log('bundling cloud functions')
    await bundleFunctions()
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    useLocalCloudSdk(url)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cloud = require('wx-server-sdk') as typeof WxServerSdkModule
    cloud.init({ env: 'local' })
    const db = cloud.database()
    const server = await spawnLocalCloud(port, [
      '--memory',
      '--functions',
      FUNCTIONS_ROOT,
      '--no-timers',
      '--max-instances',
      String(maxInstances),
    ])
    const admin = async <T>(route: string, method = 'GET', body?: unknown): Promise<T> => {
      const res = await fetch(`${url}/__admin/${route}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      })
      const text = await res.text()
      if (!res.ok) throw new Error(`admin ${route} failed (${res.status}): ${text.slice(0, 300)}`)
      return JSON.parse(text) as T
    }
    const callsOf = async (fn: string) => (await admin<{ calls: CallRecord[] }>(`calls?function=${fn}`)).calls
    const call = async <T>(openid: string, action: string, payload: object): Promise<Envelope<T>> => {
      const res = await fetch(`${url}/functions/groupbuy`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
        body: JSON.stringify({ action, payload }),
      })
      const text = await res.text()
      try {
        return JSON.parse(text) as Envelope<T>
      } catch {
        return { ok: false, code: 'INTERNAL', message: `HTTP ${res.status}: ${text.slice(0, 200)}` }
      }
    }
    const count = async (coll: string, where: object) =>
      ((await db.collection(coll).where(where).count()) as { total: number }).total
    const findAll = async <T>(coll: string, where: object): Promise<T[]> => {
      const out: T[] = []
      for (let skip = 0; ; skip += 1000) {
        const page = (await db.collection(coll).where(where).skip(skip).limit(1000).get()) as unknown as { data: T[] }
        out.push(...page.data)
        if (page.data.length < 1000) return out
      }
    }
    /** Until no intent of the buy waits (ms since `from`), or 60 s. */
    const settle = async (buyId: string, from: number) => {
      for (;;) {
        const left = await count('orderIntake', { buyId })
        if (left === 0) return performance.now() - from
        if (performance.now() - from > 60_000) throw new Error(`${left} intents of ${buyId} still waiting after 60 s`)
        await sleep(25)
      }
    }
    /** The call log once nothing new finished for 500 ms (a sequencer lets go, drains send after the last reply). */
    const quiet = async () => {
      let last = -1
      let since = performance.now()
      for (;;) {
        const now = (await callsOf('groupbuy')).length + (await callsOf('sequencer')).length
        if (now !== last) since = performance.now()
        last = now
        if (performance.now() - since > 500) return
        await sleep(100)
      }
    }

    try {
      const { collections } = demoDataset()
      const communityId = DEMO_COMMUNITY.communityId
      const roles = collections.roles.filter((r) => r.communityId === communityId)
      const committee = roles.find((r) => r.role === 'committee')?.openid
      const shop = roles.find((r) => r.role === 'merchant')?.openid
      if (!committee || !shop) throw new Error('the demo has no committee member or merchant')
      const leadOf = new Map(roles.filter((r) => r.role === 'buildingLead').map((r) => [r.scope.buildingId, r.openid]))
      const residentOf = new Map(
        roles.filter((r) => r.role === 'resident').map((r) => [`${r.openid}|${r.scope.householdId ?? ''}`, r]),
      )
      const households = (collections.households as HouseholdDoc[]).filter((h) => h.communityId === communityId)
      if (households.length < n + maxInstances + Number(params.single))
        throw new Error(`the demo has ${households.length} households`)
      // Who orders for each: a linked member (or 代管 family member) if there is one, the building lead for a 代管
      // household, the committee otherwise (every kind of 下单 the product allows).
      const ordererOf = (h: HouseholdDoc) =>
        h.linkedOpenids.find((o) => residentOf.has(`${o}|${h._id}`)) ??
        (h.proxy ? leadOf.get(h.buildingId) : undefined) ??
        committee
      const now = await platformNow(url)
      const shopId = merchantId(communityId, shop)
      const merchant: MerchantDoc = {
        _id: shopId,
        communityId,
        openid: shop,
        shopName: '钟楼菜场',
        contactName: '王老板',
        phone: '13900000000',
        goods: '蔬菜',
        licence: [],
        foodPermit: [],
        healthCerts: [],
        status: 'approved',
        appliedAt: new Date(now - 86_400_000),
        approvedAt: new Date(now - 86_400_000),
        history: [],
        complaints: { total: 0, open: 0 },
      }
      const buildings = collections.buildings.filter((b) => (b as { communityId?: string }).communityId === communityId)
      const sale = (id: string, units: number): BuyDoc => ({
        _id: id,
        communityId,
        kind: 'sale',
        status: 'open',
        title: '鸡蛋团',
        note: '',
        merchantId: shopId,
        shopName: merchant.shopName,
        organiser: { openid: shop, role: 'merchant', name: merchant.shopName },
        items: [{ id: 'i1', name: '鸡蛋', spec: '30个/箱', unit: '箱', packSize: 1, price: 3500, stock: units }],
        allBuildings: true,
        buildingIds: buildings.map((b) => b._id),
        opensAt: new Date(now - 3600_000),
        closesAt: new Date(now + 6 * 3600_000),
        deliveryAt: new Date(now + 86_400_000),
        createdAt: new Date(now - 3600_000),
        updatedAt: new Date(now - 3600_000),
        requestId: `req-${id}`,
      })
      const warmBuy = sale('buy_bench_warm', 1000)
      const buy = sale('buy_bench', stock)
      const loaded = await loadCollections(url, {
        ...collections,
        merchants: [merchant],
        buys: [warmBuy, buy],
        buyLedgers: [newLedger(warmBuy), newLedger(buy)],
      } as never)
      log(`imported ${loaded.documents} documents in ${loaded.ms} ms`)

      let seq = 0
      const place = (h: HouseholdDoc, buyId: string) =>
        call<OrderView>(ordererOf(h), 'placeOrder', {
          buyId,
          householdId: h._id,
          lines: [{ itemId: 'i1', qty: 1 }],
          requestId: `bench-${String(++seq).padStart(8, '0')}`,
        })

      const plans = households.slice(0, n)
      if (params.warm) {
        // Other households order on another buy first: the groupbuy and sequencer instances start cold here.
        log(`warming ${maxInstances} instances`)
        const warmers = households.slice(n, n + maxInstances)
        for (let k = 0; k < 2; k++) await Promise.all(warmers.map((h) => place(h, warmBuy._id)))
        await settle(warmBuy._id, performance.now())
      }
      await quiet()
      await admin('calls', 'DELETE')

      // ---------- every order at once ----------
      log(`${plans.length} households ordering 1 of ${stock} at once (${maxInstances} function instances)`)
      const latencies: number[] = []
      const replies: Envelope<OrderView>[] = []
      let lastReply = 0
      const t0 = performance.now()
      await Promise.all(
        plans.map(async (h) => {
          const s = performance.now()
          const r = await place(h, buy._id)
          latencies.push(performance.now() - s)
          lastReply = performance.now()
          replies.push(r)
        }),
      )
      const seconds = (performance.now() - t0) / 1000
      const settleMs = await settle(buy._id, lastReply)
      await quiet()

      // ---------- checks ----------
      const errors = new Map<string, number>()
      for (const r of replies) if (!r.ok) errors.set(r.code, (errors.get(r.code) ?? 0) + 1)
      const unexpected = [...errors].filter(([code]) => code !== 'SOLD_OUT')
      if (unexpected.length) log(`  unexpected replies: ${JSON.stringify(Object.fromEntries(unexpected))}`)
      const answered = replies.filter((r) => r.ok) as { ok: true; data: OrderView }[]
      const orders = await findAll<OrderDoc>('orders', { buyId: buy._id })
      const ledger = (await db.collection('buyLedgers').doc(buy._id).get()) as unknown as { data: BuyLedgerDoc }
      const active = orders.filter((o) => o.status === 'active')
      const sold = active.reduce((s, o) => s + (o.lines[0]?.qty ?? 0), 0)
      const numbers = active.map((o) => o.no as number).sort((a, b) => a - b)
      const gapFree = numbers.every((no, i) => no === i + 1)
      const unique = new Set(orders.flatMap((o) => (o.no === undefined ? [] : [o.no]))).size === numbers.length
      const households2 = new Set(orders.map((o) => o.householdId))
      const refusedAtOnce = errors.get('SOLD_OUT') ?? 0
      const accounted = orders.length + refusedAtOnce
      const queued = answered.filter((r) => r.data.status === 'queued').length
      const withNo = answered.filter((r) => r.data.no !== undefined)
      const noMismatch = withNo.filter(
        (r) => orders.find((o) => o.householdId === r.data.householdId)?.no !== r.data.no,
      )
      log(
        `  sold ${sold} of ${stock}; ${active.length} active, ${orders.length - active.length} refused by the sequencer, ${refusedAtOnce} refused at once (SOLD_OUT); ${queued} answered 排队中, ${withNo.length} with their number`,
      )
      const l = ledger.data
      const problems: string[] = []
      if (sold !== stock) problems.push(`sold ${sold}, stock ${stock}`)
      if (l.sold.i1 !== sold || l.remaining.i1 !== stock - sold)
        problems.push(`ledger sold ${l.sold.i1} left ${l.remaining.i1}`)
      if (!gapFree || !unique) problems.push('接龙号 not 1..N once each')
      if (households2.size !== orders.length) problems.push('a household has two orders')
      if (accounted !== plans.length || unexpected.length) problems.push(`${plans.length - accounted} orders lost`)
      if (noMismatch.length) problems.push(`${noMismatch.length} replies carried another number than stored`)
      if (l.lease) problems.push('lease left behind')
      if (problems.length) throw new Error(`checks failed: ${problems.join('; ')}`)

      // ---------- round trips, from the emulator's call log ----------
      const gb = await callsOf('groupbuy')
      const client = gb.filter((c) => c.source === 'wx_client')
      const background = [...gb.filter((c) => c.source !== 'wx_client'), ...(await callsOf('sequencer'))]
      if (client.length !== plans.length) log(`  warning: ${client.length} call records for ${plans.length} orders`)
      const trips = client.map((c) => c.db.calls)
      const seqTrips = background.reduce((s, c) => s + c.db.calls, 0)
      const sequencers = (await callsOf('sequencer')).length
      const durations = client.map((c) => c.durationMs)
      log(`  ${sequencers} sequencer invocations, ${background.length - sequencers} push drains`)

      figures.push(
        { name: 'orders.unitsSold', value: sold, unit: 'units', params: { stock, orders: plans.length } },
        { name: 'orders.oversold', value: Math.max(0, sold - stock), unit: 'units' },
        {
          name: 'orders.numberGaps',
          value: numbers.length - new Set(numbers).size + (gapFree ? 0 : 1),
          unit: 'gaps',
          params: { numbered: numbers.length, max: numbers.at(-1) ?? 0 },
        },
        {
          name: 'orders.throughput',
          value: plans.length / seconds,
          unit: 'orders/s',
          params: { seconds: Number(seconds.toFixed(2)) },
        },
        {
          name: 'orders.p50',
          value: percentile(latencies, 50),
          unit: 'ms',
          params: { note: 'client side, waiting for one of maxInstances included' },
        },
        { name: 'orders.p95', value: percentile(latencies, 95), unit: 'ms' },
        {
          name: 'orders.invocation.p50',
          value: percentile(durations, 50),
          unit: 'ms',
          params: {
            p95: percentile(durations, 95),
            note: 'inside the function, the wait for the sequencer (ORDER_SEQ_WAIT_MS) included',
          },
        },
        {
          name: 'orders.dbTrips.call',
          value: trips.reduce((a, b) => a + b, 0) / Math.max(1, trips.length),
          unit: 'round trips/order',
          params: { p50: percentile(trips, 50), max: Math.max(...trips) },
        },
        {
          name: 'orders.dbTrips.background',
          value: seqTrips / plans.length,
          unit: 'round trips/order',
          params: { sequencers, note: 'the sequencers’ and push drains’ round trips, per order' },
        },
        {
          name: 'orders.settle',
          value: settleMs,
          unit: 'ms',
          params: { note: 'after the last reply, until no intent waited' },
        },
      )

      // ---------- one order at a time (no burst): answered with its number? ----------
      const alone = households.slice(n + maxInstances, n + maxInstances + Number(params.single))
      const aloneMs: number[] = []
      let numbered = 0
      for (const h of alone) {
        const s = performance.now()
        const r = await place(h, warmBuy._id)
        aloneMs.push(performance.now() - s)
        if (r.ok && r.data.no !== undefined) numbered++
        await settle(warmBuy._id, performance.now())
      }
      log(`  ${alone.length} orders one at a time: ${numbered} answered with their 接龙号`)
      figures.push(
        {
          name: 'single.numbered',
          value: numbered / Math.max(1, alone.length),
          unit: 'share',
          params: { orders: alone.length },
        },
        { name: 'single.p50', value: percentile(aloneMs, 50), unit: 'ms', params: { p95: percentile(aloneMs, 95) } },
      )
      return figures
    } finally {
      await server.stop()
    }
  },
})

/**
 * The figures in one command: the order burst above, then closing a 1,506-household buy with its lists and
 * labels (time and memory: bench/groupbuy-lists.ts, also runnable alone). `--lists=false` skips the second part.
 */
const orders = bench
export default defineBench({
  description: `${orders.description}; then ${closing.description}`,
  defaults: { ...orders.defaults, lists: true },
  async run(params, log) {
    const figures = await orders.run(params, log)
    if (!params.lists) return figures
    log(`-- ${closing.description}`)
    const more = await closing.run({ ...closing.defaults }, log)
    return [...figures, ...more.map((f) => ({ ...f, name: `close.${f.name}` }))]
  },
})
