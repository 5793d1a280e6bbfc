// The demo's group buys loaded into localcloud and used through the real functions, as a newcomer would try them:
// a resident of 1号 orders on the open sale and takes the next 接龙号 (the sold-out rice refused at once), the
// chain and the committee's merchants and complaints read what the demo made, the second shop is approved, the
// closed sale's totals and sorting list print, and the timer closes the open sale at its deadline and makes the
// drop's orders for every household when it closes.
import path from 'node:path'
import ExcelJS from 'exceljs'
import type {
  BuyChain,
  BuyDetail,
  BuySummary,
  BuyView,
  ComplaintView,
  Envelope,
  ExportFile,
  MerchantView,
  OrderView,
  WhoAmI,
} from '../../typings/api'
import type { BuyDoc, BuyLedgerDoc, DeliveryDoc, OrderDoc } from '../../server/groupbuy/model'
import type { HouseholdDoc } from '../../server/community/model'
import { demoDataset, type DemoDataset } from '../../scripts/demo/generate'
import { loadDataset, storageEnv } from '../../scripts/demo/load'
import type { DemoBuySummary } from '../../scripts/demo/groupbuy'
import { orderId } from '../../server/groupbuy/ids'
import { imageKind } from '../../server/platform/files'
import { loadRulesDir } from '../../localcloud'
import { ROOT, startTestCloud, type TestCloud } from '../support/localcloud'

let t: TestCloud
let dataset: DemoDataset
let open: DemoBuySummary
let closed: DemoBuySummary
let drop: DemoBuySummary

beforeAll(async () => {
  t = await startTestCloud({ rules: loadRulesDir(path.join(ROOT, 'rules')) })
  dataset = demoDataset({ now: t.now(), storageEnv: await storageEnv(t.cloud.url) })
  ;[open, closed, drop] = dataset.summaries[0]?.groupBuys.buys as [DemoBuySummary, DemoBuySummary, DemoBuySummary]
  await loadDataset(t.cloud.url, dataset)
}, 60000)
afterAll(() => t.stop())

const COMMUNITY = 'c-zhonglou'
const call = <T>(fn: string, openid: string, action: string, payload: object = {}) =>
  t.call<Envelope<T>>(fn, { action, payload }, openid)
const ok = async <T>(fn: string, openid: string, action: string, payload: object = {}): Promise<T> => {
  const r = await call<T>(fn, openid, action, payload)
  if (!r.ok) throw new Error(`${action}: ${r.code} ${r.message}`)
  return r.data
}
const gb = <T>(openid: string, action: string, payload: object = {}) => ok<T>('groupbuy', openid, action, payload)
const resident = () => dataset.identities.find((i) => i.openid === 'demo-resident-1')
const ledger = (buyId: string) => t.data.get<BuyLedgerDoc>('buyLedgers', buyId) as Promise<BuyLedgerDoc>

async function until<T>(what: string, check: () => Promise<T | undefined | false>, ms = 10000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await check()
    if (v !== undefined && v !== false) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('the demo’s group buys', () => {
  it('shows demo-resident-1 the open sale with its rice sold out, the drop to come, and no order of theirs yet', async () => {
    const list = await gb<{ buys: BuyView[] }>('demo-resident-1', 'listBuys', { communityId: COMMUNITY })
    expect(list.buys.map((b) => [b.id, b.status])).toEqual(
      expect.arrayContaining([
        [open.buyId, 'open'],
        [drop.buyId, 'scheduled'],
      ]),
    )
    const detail = await gb<BuyDetail>('demo-resident-1', 'buy', { buyId: open.buyId })
    expect(detail.buy).toMatchObject({
      status: 'open',
      orders: open.active,
      total: open.total,
      seller: { status: 'approved', shopName: '朱泾鲜丰生鲜超市' },
      manage: false,
    })
    expect(detail.buy.items.map((i) => [i.name, i.soldOut])).toEqual([
      ['蔬菜套餐', false],
      ['鸡蛋', false],
      ['大米', true],
    ])
    expect(detail.mine).toEqual([expect.objectContaining({ householdId: resident()?.householdId, proxy: false })])
    expect(detail.mine[0]?.order).toBeUndefined()
  })

  it('refuses the sold-out rice at once, and numbers demo-resident-1’s order after the demo’s', async () => {
    const householdId = resident()?.householdId as string
    const before = await ledger(open.buyId)
    const refused = await call<OrderView>('groupbuy', 'demo-resident-1', 'placeOrder', {
      buyId: open.buyId,
      householdId,
      lines: [{ itemId: 'i3', qty: 1 }],
      requestId: 'rdemo-rice-1',
    })
    expect(refused).toMatchObject({ ok: false, code: 'SOLD_OUT', message: '大米 已售罄' })
    expect(await t.data.count('orderIntake', { buyId: open.buyId })).toBe(0)
    const placed = await gb<OrderView>('demo-resident-1', 'placeOrder', {
      buyId: open.buyId,
      householdId,
      lines: [
        { itemId: 'i1', qty: 1 },
        { itemId: 'i2', qty: 30 },
      ],
      requestId: 'rdemo-order-1',
    })
    const order = await until('the order numbered', async () => {
      const doc = await t.data.get<OrderDoc>('orders', orderId(open.buyId, householdId))
      return doc?.no !== undefined && doc
    })
    expect(order).toMatchObject({ no: before.nextNo, status: 'active', total: 3800 + 30 * 60, proxy: false })
    if (placed.status !== 'queued') expect(placed.no).toBe(before.nextNo)
    expect(await ledger(open.buyId)).toMatchObject({
      nextNo: before.nextNo + 1,
      active: before.active + 1,
      version: before.version + 1,
    })
  })

  it('gives the shop the chain in 接龙号 order, cancelled orders keeping their numbers', async () => {
    const chain = await gb<BuyChain>('demo-merchant-1', 'buyChain', { buyId: open.buyId })
    const rows = [...chain.orders]
    for (let cursor = chain.cursor; cursor;) {
      const next = await gb<BuyChain>('demo-merchant-1', 'buyChain', { buyId: open.buyId, cursor })
      rows.push(...next.orders)
      cursor = next.cursor
    }
    expect(rows.map((r) => r.no)).toEqual(rows.map((_, i) => i + 1))
    expect(rows.filter((r) => r.status === 'cancelled')).toHaveLength(open.cancelled)
    expect(rows.filter((r) => r.paid === 'paid')).toHaveLength(open.paid)
  })

  it('shows the committee both shops with their photos and the open complaint; approving the second grants it', async () => {
    const shops = await gb<MerchantView[]>('demo-committee-1', 'listMerchants', { communityId: COMMUNITY })
    expect(shops.map((m) => [m.shopName, m.status]).sort()).toEqual(
      [
        ['朱泾鲜丰生鲜超市', 'approved'],
        ['老街口便民副食店', 'pending'],
      ].sort(),
    )
    for (const m of shops) {
      expect(m.complaints).toEqual(m.status === 'approved' ? { total: 1, open: 1 } : { total: 0, open: 0 })
      for (const url of [...m.licence, ...m.foodPermit, ...m.healthCerts]) {
        const res = await fetch(url)
        const bytes = Buffer.from(await res.arrayBuffer())
        expect([res.status, imageKind(bytes.subarray(0, 32))]).toEqual([200, 'png'])
      }
    }
    const complaints = await gb<ComplaintView[]>('demo-committee-1', 'listComplaints', { communityId: COMMUNITY })
    expect(complaints).toEqual([
      expect.objectContaining({ buyId: closed.buyId, kind: 'short', status: 'open', shopName: '朱泾鲜丰生鲜超市' }),
    ])
    expect(complaints[0]?.photos).toHaveLength(1)
    expect(await gb<ComplaintView[]>('demo-merchant-1', 'listComplaints', { communityId: COMMUNITY })).toHaveLength(1)

    const pending = shops.find((m) => m.status === 'pending') as MerchantView
    const approved = await gb<MerchantView>('demo-committee-1', 'decideMerchant', {
      merchantId: pending.id,
      decision: 'approve',
      reason: '',
    })
    expect(approved.status).toBe('approved')
    const me = await ok<WhoAmI>('community', 'demo-merchant-2', 'whoami')
    expect(me.roles.map((r) => r.role)).toEqual(['merchant'])
  })

  it('gives the shop yesterday’s totals as the close stored them, and prints one label per piece', async () => {
    const stored = (await t.data.get<BuyDoc>('buys', closed.buyId)) as BuyDoc
    const summary = await gb<BuySummary>('demo-merchant-1', 'buySummary', { buyId: closed.buyId })
    expect(summary).toMatchObject({
      households: stored.summary?.households,
      pieces: stored.summary?.pieces,
      amount: stored.summary?.amount,
      buy: { status: 'closed', closedAt: closed.closesAt },
    })
    expect(summary.purchase.map((p) => p.qty)).toEqual(stored.summary?.purchase.map((p) => p.qty))
    const file = await ok<ExportFile>('sheets', 'demo-merchant-1', 'exportBuy', {
      buyId: closed.buyId,
      sheet: 'labels',
    })
    const { fileContent } = (await t.sdk.downloadFile({ fileID: file.fileID })) as { fileContent: Buffer }
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(fileContent as never)
    const text = (v: ExcelJS.CellValue) =>
      v && typeof v === 'object' && 'richText' in v ? v.richText.map((r) => r.text).join('') : String(v ?? '')
    let labels = 0
    book.eachSheet((ws) =>
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          if (/\n总\d+\/\d+\(本楼\d+\/\d+\)/.test(text(cell.value))) labels++
        }),
      ),
    )
    expect([book.worksheets.length > 0, labels]).toEqual([true, stored.summary?.pieces])
  })

  it('closes the open sale at its deadline and makes the drop’s orders when it closes, through the groupbuy timer', async () => {
    await t.setClock(Date.parse(open.closesAt) + 60_000)
    await t.admin('functions/groupbuy/trigger', { body: {} })
    const sale = await until('the sale closed', async () => {
      const doc = await t.data.get<BuyDoc>('buys', open.buyId)
      return doc?.status === 'closed' && doc
    })
    expect(sale).toMatchObject({ closedBy: 'timer', closedAt: new Date(open.closesAt) })
    expect(sale.summary?.households).toBe(open.active + 1)
    expect(await t.data.get<DeliveryDoc>('deliveries', open.buyId)).toMatchObject({ households: open.active + 1 })

    await t.setClock(Date.parse(drop.closesAt) + 60_000)
    await t.admin('functions/groupbuy/trigger', { body: {} })
    const rice = await until('the drop closed', async () => {
      const doc = await t.data.get<BuyDoc>('buys', drop.buyId)
      return doc?.status === 'closed' && doc
    })
    const households = await t.data.findAll<HouseholdDoc>('households', { communityId: COMMUNITY })
    const lived = households.filter((h) => h.members.length > 0).length
    expect(rice.summary).toMatchObject({ households: lived, pieces: lived })
    expect(await t.data.count('orders', { buyId: drop.buyId })).toBe(lived)
    const mine = await t.data.get<OrderDoc>('orders', orderId(drop.buyId, resident()?.householdId as string))
    expect(mine?.lines).toEqual([expect.objectContaining({ itemId: 'i1', qty: 10, unit: '公斤', packSize: 10 })])
  })
})
