// Orders imported from 快团团 / 群接龙 exports through localcloud: the sheets function stages an uploaded file
// (fixtures of test/groupbuy/fixtures/), the groupbuy function shows the rows a person must resolve, resolves them and
// commits: orders on the households, numbered after the buy's existing ones, stock taken through the ledger, paid when
// the tool says, marked with the import; never a guess, nothing written on a refusal, a second commit writes nothing.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { BuyView, Envelope, OrderImportView } from '../../typings/api'
import type { BuyLedgerDoc, OrderDoc, OrderImportDoc } from '../../server/groupbuy/model'
import type { UploadDoc } from '../../server/platform/uploads'
import { orderId } from '../../server/groupbuy/ids'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { H, loadFixture, snapshot, WHO } from '../support/community'
import { addShops, dropInput, groupbuy, saleInput, SHOPS } from '../support/buys'

let t: TestCloud
let gb: ReturnType<typeof groupbuy>
beforeAll(async () => {
  t = await startTestCloud()
  gb = groupbuy(t)
})
afterAll(() => t.stop())

const ITEMS = [
  { name: '土豆', spec: '500g/袋', unit: '袋', packSize: 1, price: 350, stock: 100 },
  { name: '鸡蛋', spec: '12个/箱', unit: '个', packSize: 12, price: 100, stock: 600 },
]

let buyId: string
beforeEach(async () => {
  await loadFixture(t)
  await addShops(t)
  buyId = (await gb.ok<BuyView>(SHOPS.approved, 'createBuy', saleInput(t, { items: ITEMS }))).id
})

const sheets = <T>(openid: string, action: string, payload: object) =>
  t.call<Envelope<T>>('sheets', { action, payload }, openid)

/** Upload a fixture (or any content) where the import page puts it. */
async function upload(name: string, content?: string | Buffer, folder = 'buy-imports/c1'): Promise<string> {
  const bytes = content ?? readFileSync(path.join(__dirname, 'fixtures', name))
  const cloudPath = `${folder}/1763600000000-${name}`
  return (await t.sdk.uploadFile({ cloudPath, fileContent: Buffer.from(bytes) })).fileID
}

const stage = async (name: string, openid: string = SHOPS.approved, content?: string | Buffer) =>
  sheets<OrderImportView>(openid, 'importOrders', { buyId, fileID: await upload(name, content) })
const staged = async (name: string, openid: string = SHOPS.approved, content?: string | Buffer) => {
  const r = await stage(name, openid, content)
  if (!r.ok) throw new Error(`importOrders failed: ${r.code} ${r.message}`)
  return r.data
}
/** The database but the record of files read (an upload is recorded, to be deleted, once the file is read). */
const withoutUploads = async () => {
  const all = JSON.parse(await snapshot(t)) as Record<string, unknown>
  delete all.uploads
  return all
}
const orderOf = (householdId: string) => t.data.get<OrderDoc>('orders', orderId(buyId, householdId))
const ledger = async () => (await t.data.get<BuyLedgerDoc>('buyLedgers', buyId)) as BuyLedgerDoc

describe('快团团 小区团购', () => {
  it('stages the file: three orders matched, the fourth listed with its candidates, masked for the shop', async () => {
    const view = await staged('快团团-小区团购.xlsx')
    expect(view).toMatchObject({ buyId, format: 'ktt-community', rows: 4, matched: 3, status: 'staged' })
    expect(view.unresolved).toEqual([
      {
        row: 7,
        address: '测试小区9号101',
        name: '路*',
        items: '土豆 500g/袋 1',
        problem: '本小区没有「9」这栋楼',
        candidates: [
          { householdId: H.b1r101._id, label: '1-101' },
          { householdId: H.b2r101._id, label: '2-101' },
        ],
      },
    ])
    // Units: the tool's 1 case of eggs is 12 eggs here.
    expect(view.items).toEqual([
      { name: '土豆', spec: '500g/袋', qty: 4 },
      { name: '鸡蛋', spec: '12个/箱', qty: 36 },
    ])
    const doc = (await t.data.get<OrderImportDoc>('orderImports', view.id)) as OrderImportDoc
    expect(doc.rows[0]).toMatchObject({ householdId: H.b1r101._id, phone: '13800001111', paid: 1900, ref: '1' })
    const [up] = await t.data.find<UploadDoc>('uploads', { communityId: 'c1' })
    expect(up).toMatchObject({ kind: 'orders', by: SHOPS.approved })
  })

  it('commits only once every row is decided, then writes numbered, paid orders marked with the import', async () => {
    const view = await staged('快团团-小区团购.xlsx')
    const before = await snapshot(t)
    expect(await gb.call(SHOPS.approved, 'commitOrderImport', { id: view.id })).toMatchObject({
      ok: false,
      code: 'IMPORT_UNRESOLVED',
    })
    expect(await snapshot(t)).toBe(before)

    const left = await gb.ok<OrderImportView>(SHOPS.approved, 'resolveImportRow', {
      id: view.id,
      row: 7,
      householdId: null,
    })
    expect(left.unresolved[0]).toMatchObject({ row: 7, leftOut: true })
    const out = await gb.ok<{ orders: number; buy: BuyView }>(SHOPS.approved, 'commitOrderImport', { id: view.id })
    expect(out.orders).toBe(3)
    expect(out.buy).toMatchObject({ id: buyId, orders: 3, total: 700 + 1200 + 350 + 2400 })

    const zhang = (await orderOf(H.b1r101._id)) as OrderDoc
    expect(zhang).toMatchObject({
      no: 1,
      status: 'active',
      importId: view.id,
      buildingId: 'b1',
      room: '101',
      total: 1900,
      note: '放门口',
      payment: { status: 'paid', method: 'wechat', paid: 1900 },
    })
    expect(zhang.lines.map((l) => [l.itemId, l.qty])).toEqual([
      ['i1', 2],
      ['i2', 12],
    ])
    expect((await orderOf(H.b1r102._id))?.no).toBe(2)
    expect(await orderOf(H.b2r101._id)).toMatchObject({ no: 3, lines: [{ itemId: 'i2', qty: 24 }] })
    expect(await ledger()).toMatchObject({
      nextNo: 4,
      active: 3,
      sold: { i1: 3, i2: 36 },
      remaining: { i1: 97, i2: 564 },
    })

    // Again: nothing new (the same answer), and the same file cannot be staged a second time.
    const after = await snapshot(t)
    expect((await gb.ok<{ orders: number }>(SHOPS.approved, 'commitOrderImport', { id: view.id })).orders).toBe(3)
    expect(await snapshot(t)).toBe(after)
    expect(await stage('快团团-小区团购.xlsx')).toMatchObject({ ok: false, code: 'CONFLICT' })
  })

  it('numbers after the orders already taken, and lists a household that already ordered here', async () => {
    const placed = await gb.ok<{ no?: number }>(WHO.volunteer, 'placeOrder', {
      buyId,
      householdId: H.b3r301._id,
      lines: [{ itemId: 'i1', qty: 1 }],
      requestId: 'req-sun-000001',
    })
    for (let i = 0; i < 100 && (await t.data.count('orderIntake', { buyId })) > 0; i++)
      await new Promise((r) => setTimeout(r, 50))
    expect(placed.no ?? (await orderOf(H.b3r301._id))?.no).toBe(1)

    const view = await staged('快团团-普通团购.xlsx', WHO.committee)
    expect(view.format).toBe('ktt-plain')
    // The committee sees names in full.
    expect(view.unresolved.map((r) => [r.row, r.name, r.problem, r.candidates.map((c) => c.label)])).toEqual([
      [3, '孙八', '3-301 已在本团购下单（第 1 号）', []],
      [4, '钱七', '地址里看不出是哪栋楼', ['2-101', '1-101']],
    ])
    // A household that ordered here cannot be chosen either.
    expect(
      await gb.call(WHO.committee, 'resolveImportRow', { id: view.id, row: 4, householdId: H.b3r301._id }),
    ).toMatchObject({ ok: false, code: 'CONFLICT' })
    await gb.ok(WHO.committee, 'resolveImportRow', { id: view.id, row: 3, householdId: null })
    const chosen = await gb.ok<OrderImportView>(WHO.committee, 'resolveImportRow', {
      id: view.id,
      row: 4,
      householdId: H.b2r101._id,
    })
    expect(chosen.unresolved[1]).toMatchObject({ resolvedTo: H.b2r101._id, resolvedLabel: '2-101' })
    expect(chosen.matched).toBe(2)
    await gb.ok(WHO.committee, 'commitOrderImport', { id: view.id })
    expect(await orderOf(H.b1r201._id)).toMatchObject({ no: 2, lines: [{ qty: 2 }, { qty: 12 }] })
    expect(await orderOf(H.b2r101._id)).toMatchObject({ no: 3, lines: [{ itemId: 'i2', qty: 12 }] })
    // 孙八's own order is as it was.
    expect(await orderOf(H.b3r301._id)).toMatchObject({ no: 1, lines: [{ itemId: 'i1', qty: 1 }] })
    expect((await orderOf(H.b3r301._id))?.importId).toBeUndefined()
  })
})

describe('群接龙', () => {
  it('takes the product from the file’s name, skips the 合计 row, and records only what was paid', async () => {
    const view = await staged('鸡蛋-群接龙.xlsx')
    expect(view).toMatchObject({ format: 'jielong', rows: 3, matched: 3, unresolved: [] })
    await gb.ok(SHOPS.approved, 'commitOrderImport', { id: view.id })
    expect(await orderOf(H.b1r101._id)).toMatchObject({ no: 1, payment: { status: 'paid', paid: 1200 } })
    expect(await orderOf(H.b2r101._id)).toMatchObject({ no: 2, lines: [{ qty: 24 }], payment: { status: 'unpaid' } })
    expect(await orderOf(H.b3r301._id)).toMatchObject({ no: 3, payment: { status: 'paid' } })
  })

  it('keeps the file’s phone for the committee’s labels once the buy closes, and for nobody else', async () => {
    const csv =
      '收货人,联系电话,订单总金额,支付状态,收货地址,订购数量\n张三,13999990000,12,已支付,1号楼101室,1\n合计,,12,,,1\n'
    const view = await staged('鸡蛋.csv', SHOPS.approved, csv)
    await gb.ok(SHOPS.approved, 'commitOrderImport', { id: view.id })
    await gb.ok(SHOPS.approved, 'closeBuy', { buyId })
    const labels = await sheets<{ fileID: string }>(WHO.committee, 'exportBuy', {
      buyId,
      sheet: 'labels',
      phones: true,
    })
    if (!labels.ok) throw new Error(labels.message)
    const file = (await t.sdk.downloadFile({ fileID: labels.data.fileID })) as { fileContent: Buffer }
    const { default: ExcelJS } = await import('exceljs')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(file.fileContent as never)
    const cell = wb.worksheets[0]?.getCell('A1').value as { richText: { text: string }[] }
    expect(cell.richText.map((r) => r.text).join('')).toContain('张三、李四 13999990000、13800001111')
    expect((await sheets(SHOPS.approved, 'exportBuy', { buyId, sheet: 'labels', phones: true })).ok).toBe(false)
  })
})

describe('refusals: a clear code, nothing written', () => {
  it.each<[string, () => Promise<Envelope<unknown>>, string]>([
    ['a resident', () => stage('鸡蛋-群接龙.xlsx', WHO.resident), 'FORBIDDEN'],
    ['a building lead', () => stage('鸡蛋-群接龙.xlsx', WHO.buildingLead), 'FORBIDDEN'],
    ['a 团长 who did not make the buy', () => stage('鸡蛋-群接龙.xlsx', WHO.communityLead), 'FORBIDDEN'],
    ['another community’s committee', () => stage('鸡蛋-群接龙.xlsx', WHO.otherCommittee), 'FORBIDDEN'],
    [
      'a file outside the community’s import folder',
      async () => sheets(SHOPS.approved, 'importOrders', { buyId, fileID: await upload('x.xlsx', 'a', `ledger/c1`) }),
      'FILE_NOT_ALLOWED',
    ],
    [
      'a file of another tool',
      () => stage('台账.csv', SHOPS.approved, '楼栋,房号,姓名\n1号,101,张三\n'),
      'FILE_UNREADABLE',
    ],
    [
      'an unreadable quantity',
      () => stage('x.csv', SHOPS.approved, '收货人,联系电话,收货地址,订购数量\n张三,1,1号101,两箱\n'),
      'IMPORT_HAS_ERRORS',
    ],
  ])('refuses %s', async (_what, run, code) => {
    const before = await withoutUploads()
    expect(await run()).toMatchObject({ ok: false, code })
    expect(await withoutUploads()).toEqual(before)
  })

  it('refuses items the buy does not sell, naming them', async () => {
    const csv = '跟团号,商品,收货人,详细地址\n1,"大米【10kg】+1;\n土豆+1;",张三,1号101\n'
    const r = await stage('大米.csv', SHOPS.approved, csv)
    expect(r).toMatchObject({ ok: false, code: 'ITEM_NOT_FOUND' })
    expect(!r.ok && r.message).toContain('大米 10kg')
    expect(await t.data.count('orderImports', {})).toBe(0)
  })

  it('refuses a buy that is closed, and a supply drop', async () => {
    const view = await staged('鸡蛋-群接龙.xlsx')
    await gb.ok(SHOPS.approved, 'closeBuy', { buyId })
    expect(await stage('快团团-小区团购.xlsx')).toMatchObject({ ok: false, code: 'BUY_CLOSED' })
    expect(await gb.call(SHOPS.approved, 'commitOrderImport', { id: view.id })).toMatchObject({
      ok: false,
      code: 'BUY_CLOSED',
    })
    expect(await t.data.count('orders', { importId: view.id })).toBe(0)
    const drop = await gb.ok<BuyView>(WHO.committee, 'createBuy', dropInput(t))
    const fileID = await upload('鸡蛋-群接龙.xlsx')
    expect(await sheets(WHO.committee, 'importOrders', { buyId: drop.id, fileID })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
    })
  })

  it('refuses to sell more than the stock: the organiser adds stock first', async () => {
    await t.data.update('buyLedgers', buyId, { 'remaining.i2': 24, version: 5 })
    const view = await staged('鸡蛋-群接龙.xlsx')
    const before = await snapshot(t)
    const r = await gb.call(SHOPS.approved, 'commitOrderImport', { id: view.id })
    expect(r).toMatchObject({ ok: false, code: 'SOLD_OUT' })
    expect(!r.ok && r.message).toContain('鸡蛋 12个/箱 还剩 2箱（24个），表格里共 4箱（48个）')
    expect(await snapshot(t)).toBe(before)
  })

  it('resolves a row only to a household of the community in the buy’s scope', async () => {
    const view = await staged('快团团-小区团购.xlsx')
    const resolve = (row: number, householdId: string | null, openid: string = SHOPS.approved) =>
      gb.call(openid, 'resolveImportRow', { id: view.id, row, householdId })
    const before = await snapshot(t)
    expect(await resolve(7, H.x1r101._id)).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await resolve(3, H.b1r101._id)).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await resolve(7, H.b1r101._id, WHO.resident)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await resolve(7, H.b1r101._id, WHO.otherCommittee)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await gb.call(SHOPS.approved, 'orderImport', { id: 'nope' })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await snapshot(t)).toBe(before)
    await t.data.update('buys', buyId, { buildingIds: ['b1', 'b3'] })
    expect(await resolve(7, H.b2r101._id)).toMatchObject({ ok: false, code: 'NOT_IN_SCOPE' })
  })
})

describe('two commits at once', () => {
  it('write each order once, numbers unique', async () => {
    const view = await staged('鸡蛋-群接龙.xlsx')
    const both = await Promise.all([
      gb.call(SHOPS.approved, 'commitOrderImport', { id: view.id }),
      gb.call(WHO.committee, 'commitOrderImport', { id: view.id }),
    ])
    expect(both.every((r) => r.ok)).toBe(true)
    const orders = await t.data.find<OrderDoc>('orders', { buyId })
    expect(orders.map((o) => o.no).sort()).toEqual([1, 2, 3])
    expect(await ledger()).toMatchObject({ nextNo: 4, active: 3, sold: { i2: 48 } })
  })
})
