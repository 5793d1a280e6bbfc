// Closing a 钟楼新村 buy (1,506 households, every one with an order) and printing all it makes, through the client
// gateway against a localcloud running the built functions: closeBuy (settle, totals, the delivery, notices), then
// the sheets function's purchase list, sorting lists (135 worksheets) and labels (one per piece) as the committee.
// Time per call, the files' sizes, and memory: the localcloud process's peak resident set (VmHWM, reset before each
// call through /proc/<pid>/clear_refs) above what it held before the call; the functions run in its worker threads,
// so the growth bounds what one call needed.
import fs from 'node:fs'
import { freePort, spawnLocalCloud, useLocalCloudSdk } from '../localcloud/spawn'
import { bundleFunctions } from '../scripts/lib/functions'
import { FUNCTIONS_ROOT } from '../scripts/lib/paths'
import { DEMO_COMMUNITY, demoDataset } from '../scripts/demo/generate'
import { loadCollections, platformNow } from '../scripts/demo/load'
import { householdLabel } from '../server/community/structure'
import type { BuyDoc, BuyItemDoc, BuyLedgerDoc, OrderDoc } from '../server/groupbuy/model'
import type { Envelope, ExportFile } from '../typings/api'
import { defineBench, type Figure } from './lib'

import type * as WxServerSdkModule from 'wx-server-sdk'

const ITEMS: BuyItemDoc[] = [
  { id: 'i1', name: '土豆', spec: '500g/袋', unit: '袋', packSize: 1, price: 350, stock: 20_000 },
  { id: 'i2', name: '鸡蛋', spec: '12个/箱', unit: '个', packSize: 12, price: 100, stock: 50_000 },
  { id: 'i3', name: '大米', spec: '10kg/袋', unit: '袋', packSize: 1, price: 6000, stock: 5_000 },
]

/** Peak and current resident set of a process, in MB (Linux). */
function memory(pid: number): { peak: number; rss: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN)
  return { peak: kb('VmHWM') / 1024, rss: kb('VmRSS') / 1024 }
}
/** Start a new peak from now (clear_refs 5 resets VmHWM to the current RSS). */
const resetPeak = (pid: number) => fs.writeFileSync(`/proc/${pid}/clear_refs`, '5')

export default defineBench({
  description: 'closing a 1,506-household buy and printing its purchase list, sorting lists and labels',
  defaults: { households: 1506, rounds: 3 },
  async run(params, log) {
    const figures: Figure[] = []
    log('bundling cloud functions')
    await bundleFunctions()
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    useLocalCloudSdk(url)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ;(require('wx-server-sdk') as typeof WxServerSdkModule).init({ env: 'local' })
    const server = await spawnLocalCloud(port, ['--memory', '--functions', FUNCTIONS_ROOT, '--no-timers'])
    const call = async <T>(name: string, openid: string, action: string, payload: object): Promise<T> => {
      const res = await fetch(`${url}/functions/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
        body: JSON.stringify({ action, payload }),
      })
      const body = (await res.json()) as Envelope<T>
      if (!body.ok) throw new Error(`${name}.${action} failed: ${body.code} ${body.message}`)
      return body.data
    }
    try {
      const { collections } = demoDataset()
      const communityId = DEMO_COMMUNITY.communityId
      const committee = collections.roles.find((r) => r.role === 'committee' && r.communityId === communityId)?.openid
      if (!committee) throw new Error('the demo has no committee member')
      const buildings = collections.buildings.filter((b) => b.communityId === communityId)
      const names = new Map(buildings.map((b) => [b._id, b.name]))
      const households = collections.households
        .filter((h) => h.communityId === communityId)
        .slice(0, Number(params.households))
      const now = await platformNow(url)

      for (let round = 1; round <= Number(params.rounds); round++) {
        const buyId = `buy_bench_${round}`
        const at = new Date(now - 3600_000)
        const buy: BuyDoc = {
          _id: buyId,
          communityId,
          kind: 'sale',
          status: 'open',
          title: '钟楼新村蔬菜团',
          note: '',
          organiser: { openid: committee, role: 'committee', name: '居委' },
          items: ITEMS,
          allBuildings: true,
          buildingIds: buildings.map((b) => b._id),
          opensAt: at,
          closesAt: new Date(now + 3600_000),
          deliveryAt: new Date(now + 86_400_000),
          createdAt: at,
          updatedAt: at,
          requestId: `req-${buyId}`,
        }
        // Every household orders: potatoes, a case of eggs every third, rice every fifth.
        const orders: OrderDoc[] = households.map((h, i) => {
          const q: Record<string, number> = { i1: 1 + (i % 3) }
          if (i % 3 === 0) q.i2 = 12
          if (i % 5 === 0) q.i3 = 1
          const lines = ITEMS.filter((it) => q[it.id]).map((it) => ({
            itemId: it.id,
            qty: q[it.id] as number,
            name: it.name,
            spec: it.spec,
            unit: it.unit,
            packSize: it.packSize,
            price: it.price,
          }))
          return {
            _id: `${buyId}:${h._id}`,
            buyId,
            communityId,
            groupId: h.groupId,
            buildingId: h.buildingId,
            householdId: h._id,
            room: h.room,
            floor: h.floor,
            label: householdLabel(names.get(h.buildingId) ?? '', h.room),
            no: i + 1,
            status: 'active',
            lines,
            total: lines.reduce((s, l) => s + l.qty * l.price, 0),
            by: h.linkedOpenids[0] ?? committee,
            byName: h.members[0]?.name ?? '',
            proxy: false,
            notify: [...h.linkedOpenids],
            placedAt: at,
            updatedAt: at,
            nonce: `n${i}`,
            requestIds: [],
            payment: { status: 'unpaid', paid: 0, refunds: [] },
          }
        })
        const sold: Record<string, number> = { i1: 0, i2: 0, i3: 0 }
        for (const o of orders) for (const l of o.lines) sold[l.itemId] = (sold[l.itemId] ?? 0) + l.qty
        const ledger: BuyLedgerDoc = {
          _id: buyId,
          communityId,
          remaining: Object.fromEntries(ITEMS.map((it) => [it.id, (it.stock ?? 0) - (sold[it.id] ?? 0)])),
          sold,
          nextNo: orders.length + 1,
          orders: Object.fromEntries(
            orders.map((o) => [
              o.householdId,
              { no: o.no, q: Object.fromEntries(o.lines.map((l) => [l.itemId, l.qty])), st: 'a' as const, n: o.nonce },
            ]),
          ),
          active: orders.length,
          total: orders.reduce((s, o) => s + o.total, 0),
          version: 1,
        }
        if (round === 1) log(`loading the demo and ${orders.length} orders`)
        await loadCollections(url, { ...collections, buys: [buy], buyLedgers: [ledger], orders } as never)

        const measure = async (name: string, run: () => Promise<unknown>) => {
          const before = memory(server.pid).rss
          resetPeak(server.pid)
          const t0 = performance.now()
          const out = await run()
          const ms = performance.now() - t0
          const grew = memory(server.pid).peak - before
          figures.push({ name: `${name} time`, value: ms, unit: 'ms', params: { round } })
          figures.push({ name: `${name} peak memory growth`, value: grew, unit: 'MB', params: { round } })
          return out
        }
        const summary = (await measure('closeBuy', () => call('groupbuy', committee, 'closeBuy', { buyId }))) as {
          households: number
          pieces: number
        }
        if (round === 1) log(`closed: ${summary.households} households, ${summary.pieces} pieces`)
        for (const sheet of ['purchase', 'sorting', 'labels'] as const) {
          const file = (await measure(`exportBuy ${sheet}`, () =>
            call<ExportFile>('sheets', committee, 'exportBuy', { buyId, sheet }),
          )) as ExportFile
          const bytes = (await (await fetch(file.tempFileURL)).arrayBuffer()).byteLength
          figures.push({ name: `exportBuy ${sheet} file`, value: bytes / 1024, unit: 'KB', params: { round } })
        }
        if (round === 1) figures.push({ name: 'labels (pieces)', value: summary.pieces, unit: 'labels' })
      }
      figures.push({ name: 'localcloud resident set after', value: memory(server.pid).rss, unit: 'MB' })
    } finally {
      await server.stop()
    }
    return figures
  },
})
