// A group buy across roles in 示范二村 (c-demo-2), every step through the real pages in Chromium, and the data in
// localcloud after each: a shop applies with photos of its licences (the preview's file chooser), the committee
// approves it on the merchants page, and the shop opens a sale with an item sold only by the case; residents of two
// buildings order on the buy page (steppers that move by the case, a sold-out item that says so), one changes its
// order and one cancels it (keeping its 接龙号), and a building lead orders for a household a relative manages (代管:
// the relative is told through the push queue); the shop records a payment, closes the sale and prints the sorting
// lists and labels; the resident sees the order in its history and complains, and the committee sees it.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import ExcelJS from 'exceljs'
import type { HouseholdDoc, RoleDoc } from '../../server/community/model'
import type {
  BuyDoc,
  BuyLedgerDoc,
  ComplaintDoc,
  DeliveryDoc,
  MerchantDoc,
  OrderDoc,
} from '../../server/groupbuy/model'
import type { PushDoc } from '../../server/platform/pushqueue'
import { merchantId, orderId } from '../../server/groupbuy/ids'
import { merchantRoleId } from '../../server/groupbuy/merchants'
import { roomOrder } from '../../server/groupbuy/lists'
import { householdLabel } from '../../server/community/structure'
import { shanghaiDay } from '../../server/kernel/time'
import { TEMPLATE_IDS } from '../../miniprogram/shared/constants'
import { docPhoto } from '../../scripts/demo/docphotos'
import type { Phone } from '../../preview/driver'
import { startE2E, type E2E } from '../support/e2e'

const COMMUNITY = 'c-demo-2'
const COMMITTEE = 'demo2-committee-1'
/** A shop new to the community: no grant, no application yet. */
const SHOP = 'e2e-shop-1'
const SHOP_ID = merchantId(COMMUNITY, SHOP)
const SHOP_NAME = '朱泾老街鲜蛋铺'
/** 1号-301 and 1号-102; 2号-101; 2号's lead, who orders for 2号-202 (代管 by a relative who lives elsewhere). */
const RESIDENT = 'demo2-resident-1'
const NEIGHBOUR = 'demo2-r-1-102-2'
const OTHER = 'demo2-r-2-101-1'
const LEAD2 = 'demo2-r-2-302-1'
const RELATIVE = 'demo2-p-2-202'

/** E2E_SCREENSHOTS=<dir>: a screenshot of each screen the flow passes, for looking at the pages. */
const shot = (phone: Phone, name: string) =>
  process.env.E2E_SCREENSHOTS
    ? phone.screenshot(path.join(process.env.E2E_SCREENSHOTS, `groupbuy-${name}.png`))
    : undefined

let e: E2E
let dir: string
const photos = { licence: '', foodPermit: '', healthCert: '', complaint: '' }
/** What the steps hand on. */
let buyId = ''
const homes: Record<string, HouseholdDoc> = {}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-groupbuy-'))
  for (const kind of Object.keys(photos) as (keyof typeof photos)[]) {
    photos[kind] = path.join(dir, `${kind}.png`)
    fs.writeFileSync(photos[kind], docPhoto(kind))
  }
  e = await startE2E()
  const households = await e.t.data.findAll<HouseholdDoc>('households', { communityId: COMMUNITY })
  const at = (building: number, room: string) =>
    households.find((h) => h.buildingId === `${COMMUNITY}-b${building}` && h.room === room) as HouseholdDoc
  Object.assign(homes, { r301: at(1, '301'), r102: at(1, '102'), r2101: at(2, '101'), r2202: at(2, '202') })
  // The people this flow relies on are where the demo puts them.
  expect(homes.r301?.linkedOpenids).toContain(RESIDENT)
  expect(homes.r102?.linkedOpenids).toContain(NEIGHBOUR)
  expect(homes.r2101?.linkedOpenids).toContain(OTHER)
  expect(homes.r2202).toMatchObject({ proxy: true, linkedOpenids: [RELATIVE] })
}, 90000)
afterAll(async () => {
  await e?.stop()
  fs.rmSync(dir, { recursive: true, force: true })
})

/** Poll localcloud until `check` answers something (not undefined / false). */
async function until<T>(what: string, check: () => Promise<T | undefined | false>, ms = 10000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await check()
    if (v !== undefined && v !== false) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const order = (h: HouseholdDoc) => e.t.data.get<OrderDoc>('orders', orderId(buyId, h._id))
/** The order once the sequencer has merged what the household last asked for. */
const merged = (h: HouseholdDoc) =>
  until(`the order of ${h.room}`, async () => {
    const waiting = await e.t.data.count('orderIntake', { buyId, householdId: h._id })
    const doc = await order(h)
    return waiting === 0 && doc !== null && doc
  })

/** Images on the page on top that have loaded, with where they came from. */
async function loadedImages(phone: Phone, selector: string): Promise<string[]> {
  const images = phone.top().locator(`${selector} img`)
  return until(`the images of ${selector}`, async () => {
    const all = await images.evaluateAll((els) =>
      els.map((el) => {
        const img = el as unknown as { complete: boolean; naturalWidth: number; src: string }
        return { ok: img.complete && img.naturalWidth > 0, src: decodeURIComponent(img.src) }
      }),
    )
    return all.length > 0 && all.every((i) => i.ok) && all.map((i) => i.src)
  })
}

/** WeChat's subscription dialog, when the tap asked for one. */
async function subscribeIfAsked(phone: Phone): Promise<void> {
  if (await phone.page.locator('.pv-subscribe-sheet').count()) await phone.subscription('allow')
}

/** Tap the stepper of an item on a household's form `n` times. */
async function step(phone: Phone, h: HouseholdDoc, itemId: string, dir: 'plus' | 'minus', n = 1): Promise<void> {
  for (let i = 0; i < n; i++) await phone.tap(`#line-${h._id}-${itemId} .${dir}`)
}

/** Submit a household's form; the page answers with the 接龙号 (asking again while it is queued). */
async function submit(phone: Phone, h: HouseholdDoc): Promise<OrderDoc> {
  await phone.tap(`#form-${h._id} .submit`)
  await subscribeIfAsked(phone)
  const doc = await merged(h)
  await until('the form to show the order', async () =>
    (await phone.text(`#form-${h._id} .order-state`)).startsWith('已接龙'),
  )
  return doc
}

describe('a group buy in 示范二村', () => {
  it('a shop applies with its licences, the committee approves it, and the shop opens a sale sold by the case', async () => {
    // ---- the application, from the link the committee sends ----
    const shop = await e.phone(SHOP, { at: `packageGroupbuy/pages/merchant?communityId=${COMMUNITY}` })
    await shop.$('#apply').waitFor()
    await shop.type('#shopName', SHOP_NAME)
    await shop.type('#contactName', '陆建明')
    await shop.type('#phone', '13912345678')
    await shop.type('#goods', '鸡蛋、蔬菜、土鸡')
    // Submitting with nothing chosen says what is missing, on the form.
    await shop.tap('#submit')
    expect(await shop.text('#form-error')).toMatch(/^还有 \d+ 处没有填好/)
    expect(await shop.text('#photos-licence .photo-error')).toBe('请上传营业执照照片')
    const files = [
      ['licence', photos.licence],
      ['foodPermit', photos.foodPermit],
      ['healthCerts', photos.healthCert],
    ] as const
    for (const [i, [kind, file]] of files.entries()) {
      await shop.tap(`#photos-${kind} .photo-add`)
      if (i === 0) {
        // WeChat holds the album until the privacy guideline is agreed to, through the page's popup.
        await shop.top().locator('.privacy-sheet').waitFor()
        await shop.tap('#agree-privacy')
      }
      await shop.chooseFile(file)
      await shop.top().locator(`#photos-${kind} .photo-img`).first().waitFor()
    }
    await shop.tap('#agree')
    await shot(shop, 'apply')
    await shop.tap('#submit')
    await shop.$('#standing').waitFor()
    expect(await shop.text('#merchant-status')).toBe('待审核')
    const applied = await until(
      'the application',
      async () => (await e.t.data.get<MerchantDoc>('merchants', SHOP_ID)) ?? undefined,
    )
    expect(applied).toMatchObject({
      communityId: COMMUNITY,
      openid: SHOP,
      shopName: SHOP_NAME,
      contactName: '陆建明',
      phone: '13912345678',
      status: 'pending',
    })
    // Each photo is a file in the shop's own folder, uploaded by the shop.
    const stored = await e.t.admin<{ fileID: string; path: string; openid: string | null }[]>('files')
    for (const fileID of [...applied.licence, ...applied.foodPermit, ...applied.healthCerts]) {
      const file = stored.find((f) => f.fileID === fileID)
      expect(file?.openid).toBe(SHOP)
      expect(file?.path).toMatch(new RegExp(`^merchants/${COMMUNITY}/${SHOP}/`))
    }
    expect([applied.licence.length, applied.foodPermit.length, applied.healthCerts.length]).toEqual([1, 1, 1])
    expect(await e.t.data.count('roles', { openid: SHOP })).toBe(0)
    expect(await shop.problems()).toEqual([])

    // ---- the committee's merchants page: the photos load, 通过 grants the shop its role ----
    const committee = await e.phone(COMMITTEE)
    await committee.tap(`#entry-merchants-${COMMUNITY}`)
    expect(await committee.route()).toBe('packageGroupbuy/pages/merchants')
    const card = `#merchant-${SHOP_ID}`
    await committee.$(card).waitFor()
    expect(await committee.text(`${card} .merchant-status`)).toBe('待审核')
    const images = await loadedImages(committee, `${card} .photos`)
    expect(images).toHaveLength(3)
    for (const src of images) expect(src).toContain(`merchants/${COMMUNITY}/${SHOP}/`)
    await shot(committee, 'merchants-pending')
    await committee.tap(`${card} .decide-approve`)
    expect(await committee.modal('confirm', '证照齐全，同意入驻')).toContain(SHOP_NAME)
    await committee.top().locator(card).waitFor({ state: 'detached' })
    const approved = await until('the approval', async () => {
      const m = await e.t.data.get<MerchantDoc>('merchants', SHOP_ID)
      return m?.status === 'approved' ? m : undefined
    })
    expect(approved).toMatchObject({
      reason: '证照齐全，同意入驻',
      decidedBy: COMMITTEE,
      roleId: merchantRoleId(approved),
    })
    expect(await e.t.data.get<RoleDoc>('roles', merchantRoleId(approved))).toMatchObject({
      openid: SHOP,
      role: 'merchant',
      holderName: SHOP_NAME,
    })
    // The shop is told (merchantResult), through the push queue.
    const result = await e.t.data.findAll<PushDoc>('pushQueue', { touser: SHOP })
    expect(result.map((p) => p.templateId)).toEqual([TEMPLATE_IDS.merchantResult])
    expect(await committee.problems()).toEqual([])

    // ---- the shop, approved, opens a sale from its home page: 鸡蛋 only by the case of 30 ----
    await shop.goto()
    await shop.tap(`#entry-shop-${COMMUNITY}`)
    expect(await shop.route()).toBe('packageGroupbuy/pages/merchant')
    expect(await shop.text('#merchant-status')).toBe('已准入')
    await shop.tap('#create')
    expect(await shop.route()).toBe('packageGroupbuy/pages/edit')
    await shop.$('#basics').waitFor()
    expect(await shop.text('#seller-fixed')).toBe(SHOP_NAME)
    await shop.type('#title', '鸡蛋青菜土鸡 周末团')
    await shop.type('#note', '鸡蛋整箱卖，每箱30个。明天上午送到楼栋门口。')
    const item = async (i: number, f: Record<string, string>, unit?: string) => {
      if (i > 0) await shop.tap('#add-item')
      for (const [field, value] of Object.entries(f)) await shop.type(`#item-${i} .item-${field}`, value)
      if (unit) {
        await shop.tap(`#item-${i} .item-unit`)
        await shop.sheet(new RegExp(`^${unit}$`))
      }
    }
    await item(0, { name: '鸡蛋', spec: '30个/箱', pack: '30', price: '0.6', stock: '600', limit: '60' })
    await item(1, { name: '青菜', spec: '约2斤/份', pack: '1', price: '8', stock: '50' }, '份')
    await item(2, { name: '散养土鸡', spec: '约3斤/份', pack: '1', price: '68', stock: '2', limit: '2' }, '份')
    // A stock that is not whole cases is refused on the form.
    await shop.type('#item-0 .item-stock', '610')
    await shop.tap('#save')
    expect(await shop.text('#item-0 .stock-error')).toBe('库存要是 30 的整数倍（整箱）')
    await shop.type('#item-0 .item-stock', '600')
    // Open now (10:00 on the platform's day), closing at the page's default of 20:00.
    const today = shanghaiDay(e.t.now())
    await shop.tap('#opens-date')
    await shop.pickValue(today)
    await shop.tap('#opens-time')
    await shop.pickValue('10:00')
    await shot(shop, 'edit')
    await shop.tap('#save')
    expect(await shop.modal('confirm')).toContain('3 样')
    await until('the manage page', async () => (await shop.route()) === 'packageGroupbuy/pages/manage')
    const [buy] = await e.t.data.findAll<BuyDoc>('buys', { communityId: COMMUNITY, merchantId: SHOP_ID })
    buyId = (buy as BuyDoc)._id
    expect(buy).toMatchObject({
      kind: 'sale',
      status: 'open',
      title: '鸡蛋青菜土鸡 周末团',
      shopName: SHOP_NAME,
      organiser: { openid: SHOP, role: 'merchant', name: SHOP_NAME },
      allBuildings: true,
    })
    expect(buy?.items).toEqual([
      { id: 'i1', name: '鸡蛋', spec: '30个/箱', unit: '个', packSize: 30, price: 60, stock: 600, limit: 60 },
      { id: 'i2', name: '青菜', spec: '约2斤/份', unit: '份', packSize: 1, price: 800, stock: 50 },
      { id: 'i3', name: '散养土鸡', spec: '约3斤/份', unit: '份', packSize: 1, price: 6800, stock: 2, limit: 2 },
    ])
    expect(await e.t.data.get<BuyLedgerDoc>('buyLedgers', buyId)).toMatchObject({
      remaining: { i1: 600, i2: 50, i3: 2 },
      nextNo: 1,
    })
    expect(await shop.text('#status')).toMatch(/^接龙中/)
    expect(await shop.problems()).toEqual([])
  })

  it('residents of two buildings order by the case, see a sold-out item, change and cancel an order', async () => {
    // ---- 1号-301 from its home page: 鸡蛋 steps a case (30) at a time, up to the limit of two ----
    const resident = await e.phone(RESIDENT)
    await resident.tap(`#entry-groupbuy-${COMMUNITY}`)
    expect(await resident.route()).toBe('packageGroupbuy/pages/list')
    await resident.tap(`#buy-${buyId}`)
    expect(await resident.route()).toBe('packageGroupbuy/pages/buy')
    const r301 = homes.r301 as HouseholdDoc
    await resident.$(`#form-${r301._id}`).waitFor()
    expect(await resident.text('#approved')).toBe('已通过居委审核')
    expect(await resident.text('#item-i1 .goods-pack')).toBe('整箱卖，每箱 30 个')
    const eggs = `#line-${r301._id}-i1`
    expect(await resident.text(`${eggs} .step-unit`)).toBe('箱')
    await step(resident, r301, 'i1', 'plus')
    expect(await resident.text(`${eggs} .line-qty`)).toBe('1 箱（30 个）')
    await step(resident, r301, 'i1', 'plus')
    expect(await resident.text(`${eggs} .line-qty`)).toBe('2 箱（60 个）')
    expect(await resident.$(`${eggs} .plus`).getAttribute('disabled')).not.toBeNull()
    // Typing a count is a count of cases: 「3」 is held to the limit of 2 cases.
    await resident.type(`${eggs} .step-count`, '3')
    expect(await resident.text(`${eggs} .line-qty`)).toBe('2 箱（60 个）')
    await step(resident, r301, 'i3', 'plus', 2)
    expect(await resident.text(`#form-${r301._id} .form-total`)).toBe('合计 172.00 元')
    await shot(resident, 'buy-form')
    const first = await submit(resident, r301)
    expect(first).toMatchObject({ no: 1, status: 'active', by: RESIDENT, proxy: false, total: 60 * 60 + 2 * 6800 })
    expect(first.lines.map((l) => [l.itemId, l.qty])).toEqual([
      ['i1', 60],
      ['i3', 2],
    ])
    expect(await resident.text(`#form-${r301._id} .order-state`)).toBe('已接龙 · 第 1 号')
    // The last 土鸡 are gone: the page says so at once.
    await resident.$('#item-i3 .sold-out').waitFor()
    expect(await resident.problems()).toEqual([])

    // ---- 2号-101: 土鸡 sold out, orders eggs and greens ----
    const other = await e.phone(OTHER, { at: `packageGroupbuy/pages/buy?id=${buyId}` })
    const r2101 = homes.r2101 as HouseholdDoc
    await other.$(`#form-${r2101._id}`).waitFor()
    expect(await other.text('#item-i3 .sold-out')).toBe('已售罄')
    expect(await other.text(`#line-${r2101._id}-i3 .sold-out-line`)).toBe('已售罄')
    expect(await other.top().locator(`#line-${r2101._id}-i3 .stepper`).count()).toBe(0)
    await step(other, r2101, 'i1', 'plus')
    await step(other, r2101, 'i2', 'plus', 2)
    const second = await submit(other, r2101)
    expect(second).toMatchObject({ no: 2, status: 'active', total: 30 * 60 + 2 * 800 })
    expect(await other.problems()).toEqual([])

    // ---- 1号-102 orders greens: a third number, in another room of 1号 ----
    const neighbour = await e.phone(NEIGHBOUR, { at: `packageGroupbuy/pages/buy?id=${buyId}` })
    const r102 = homes.r102 as HouseholdDoc
    await neighbour.$(`#form-${r102._id}`).waitFor()
    await step(neighbour, r102, 'i2', 'plus')
    expect((await submit(neighbour, r102)).no).toBe(3)
    expect(await neighbour.problems()).toEqual([])

    // ---- 1号-301 changes its order to one case: the same number, the stock given back ----
    await resident.tap(`#form-${r301._id} .edit`)
    await step(resident, r301, 'i1', 'minus')
    expect(await resident.text(`${eggs} .line-qty`)).toBe('1 箱（30 个）')
    await resident.tap(`#form-${r301._id} .submit`)
    await subscribeIfAsked(resident)
    const edited = await until('the edit', async () => {
      const doc = await merged(r301)
      return doc.lines.find((l) => l.itemId === 'i1')?.qty === 30 && doc
    })
    expect(edited).toMatchObject({ no: 1, status: 'active', total: 30 * 60 + 2 * 6800 })
    await until('the form to show the edit', async () =>
      (await resident.text(`#form-${r301._id} .summary-lines`)).includes('鸡蛋 1箱'),
    )
    expect(await resident.text(`#form-${r301._id} .order-state`)).toBe('已接龙 · 第 1 号')
    expect(await resident.problems()).toEqual([])

    // ---- 2号-101 cancels: it keeps its number, marked cancelled, and its stock goes back ----
    await other.tap(`#form-${r2101._id} .cancel-order`)
    expect(await other.modal('confirm')).toContain('接龙号保留')
    const cancelled = await until('the cancellation', async () => {
      const doc = await merged(r2101)
      return doc.status === 'cancelled' && doc
    })
    expect(cancelled).toMatchObject({ no: 2, status: 'cancelled' })
    await until('the form to show it cancelled', async () =>
      (await other.text(`#form-${r2101._id} .order-state`)).startsWith('已取消'),
    )
    expect(await other.text(`#form-${r2101._id} .order-state`)).toBe('已取消（第 2 号）')
    const ledger = (await e.t.data.get<BuyLedgerDoc>('buyLedgers', buyId)) as BuyLedgerDoc
    expect(ledger).toMatchObject({
      remaining: { i1: 600 - 30, i2: 50 - 1, i3: 0 },
      nextNo: 4,
      active: 2,
      total: 30 * 60 + 2 * 6800 + 800,
    })
    expect(ledger.orders[r2101._id]).toMatchObject({ no: 2, st: 'c' })
    expect(await other.problems()).toEqual([])
  })

  it('a building lead orders for a 代管 household, and the relative who manages it is told', async () => {
    const lead = await e.phone(LEAD2)
    await lead.tap(`#entry-groupbuy-lead-${COMMUNITY}-b2`)
    expect(await lead.route()).toBe('packageGroupbuy/pages/list')
    await lead.tap(`#buy-${buyId}`)
    const r2202 = homes.r2202 as HouseholdDoc
    const form = `#form-${r2202._id}`
    await lead.$(form).waitFor()
    expect(await lead.text(`${form} .form-label`)).toBe(householdLabel('2号', '202'))
    expect(await lead.text(`${form} .proxy-note`)).toContain('代下单')
    await step(lead, r2202, 'i2', 'plus', 2)
    await shot(lead, 'buy-proxy')
    const placed = await submit(lead, r2202)
    expect(placed).toMatchObject({ no: 4, status: 'active', by: LEAD2, proxy: true, total: 1600 })
    expect([...placed.notify].sort()).toEqual([LEAD2, RELATIVE].sort())
    // The household is told: 代下单 to the relative, never to the lead who placed it.
    const pushes = await until('the 代下单 notice', async () => {
      const all = await e.t.data.findAll<PushDoc>('pushQueue', { templateId: TEMPLATE_IDS.orderForYou })
      return all.length > 0 && all
    })
    expect(pushes.map((p) => [p.touser, p.purpose])).toEqual([
      [RELATIVE, `groupbuy.orderForYou:${orderId(buyId, r2202._id)}:${placed.nonce}`],
    ])
    expect(pushes[0]?.page).toBe(`packageGroupbuy/pages/buy?id=${buyId}`)
    expect(await lead.problems()).toEqual([])
  })

  it('the shop records a payment, closes the sale and prints the sorting lists and labels; a delivery is made', async () => {
    const shop = await e.phone(SHOP, { at: `packageGroupbuy/pages/manage?id=${buyId}` })
    await shop.$('#order-1').waitFor()
    // The chain in 接龙号 order; the cancelled order keeps its place.
    expect(await shop.texts('.order .order-head')).toEqual([
      expect.stringMatching(/^第 1 号 1-301/),
      expect.stringMatching(/^第 2 号 2-101/),
      expect.stringMatching(/^第 3 号 1-102/),
      expect.stringMatching(/^第 4 号 2-202/),
    ])
    expect(await shop.text('#order-2 .cancelled')).toBe('已取消')
    const r301 = homes.r301 as HouseholdDoc
    await shop.tap('#order-1 .pay')
    await shop.sheet('微信转账')
    // The amount asked for is the order's total, in 元.
    const amount = shop.page.locator('.pv-modal .pv-modal-input').last()
    await amount.waitFor()
    expect(await amount.inputValue()).toBe('154.00')
    expect(await shop.modal('confirm')).toContain('收款金额')
    await until('the payment', async () => (await order(r301))?.payment.status === 'paid')
    expect((await order(r301))?.payment).toMatchObject({
      status: 'paid',
      method: 'wechat',
      paid: 15400,
      by: SHOP,
      byName: SHOP_NAME,
    })
    expect(await shop.text('#order-1 .paid')).toBe('已付款')

    await shop.tap('#close')
    expect(await shop.modal('confirm')).toContain('截单后不能再下单')
    await until('the close', async () => (await e.t.data.get<BuyDoc>('buys', buyId))?.status === 'closed')
    expect(await shop.text('#status')).toBe('已截单')
    const closed = (await e.t.data.get<BuyDoc>('buys', buyId)) as BuyDoc
    // 1-301: 1 case and 2 chickens (3 pieces); 1-102: 1 greens; 2-202: 2 greens.
    expect(closed.summary).toMatchObject({ households: 3, pieces: 6, amount: 15400 + 800 + 1600 })
    const delivery = await e.t.data.get<DeliveryDoc>('deliveries', buyId)
    expect(delivery).toMatchObject({ buyId, status: 'awaiting', households: 3, pieces: 6 })
    expect(delivery?.buildings).toEqual([
      { buildingId: `${COMMUNITY}-b1`, households: 2, pieces: 4 },
      { buildingId: `${COMMUNITY}-b2`, households: 1, pieces: 2 },
    ])
    await shot(shop, 'manage-closed')

    // ---- the printable files, opened as a phone opens them (wx.cloud.downloadFile + wx.openDocument) ----
    await shop.tap('#tab-files')
    const text = (v: ExcelJS.CellValue): string =>
      v && typeof v === 'object' && 'richText' in v ? v.richText.map((r) => r.text).join('') : String(v ?? '')
    const open = async (button: string, name: string) => {
      const before = (await shop.documents()).length
      await shop.tap(button)
      await shop.page.locator('.pv-system-notice').waitFor()
      const docs = await shop.documents()
      expect(docs).toHaveLength(before + 1)
      const doc = docs.at(-1) as (typeof docs)[number]
      expect(doc).toMatchObject({ name, fileType: 'xlsx' })
      await shop.dismiss()
      const book = new ExcelJS.Workbook()
      await book.xlsx.load(doc.bytes as unknown as ArrayBuffer)
      const cells: string[][] = []
      for (const ws of book.worksheets) ws.eachRow((row) => row.eachCell((c) => cells.push([ws.name, text(c.value)])))
      // No phone number anywhere: only the committee may ask for them.
      expect(cells.filter(([, v]) => /1[3-9]\d{9}/.test(v))).toEqual([])
      return book
    }
    const sorting = await open('#export-sorting', '分拣单-鸡蛋青菜土鸡_周末团.xlsx')
    const b1 = sorting.getWorksheet('1号') as ExcelJS.Worksheet
    const rooms: string[] = []
    b1.eachRow((row, n) => {
      const label = text(row.getCell(2).value)
      if (n > 3 && /^1-\d+$/.test(label)) rooms.push(label)
    })
    // Rooms in walking order, not in 接龙号 order (301 ordered first).
    expect(rooms).toEqual(['1-102', '1-301'])
    expect(rooms).toEqual([...rooms].sort((a, b) => roomOrder(a.slice(2), b.slice(2))))
    // 2号: the 代管 household; the cancelled 2-101 is not on the list.
    const b2: string[] = []
    ;(sorting.getWorksheet('2号') as ExcelJS.Worksheet).eachRow((row, n) => {
      const label = text(row.getCell(2).value)
      if (n > 3 && /^2-\d+$/.test(label)) b2.push(label)
    })
    expect(b2).toEqual(['2-202'])
    const labels = await open('#export-labels', '标签-鸡蛋青菜土鸡_周末团.xlsx')
    const pieces: string[] = []
    labels.eachSheet((ws) =>
      ws.eachRow((row) =>
        row.eachCell((c) => {
          if (/\n总\d+\/\d+\(本楼\d+\/\d+\)/.test(text(c.value))) pieces.push(text(c.value))
        }),
      ),
    )
    expect(pieces).toHaveLength(closed.summary?.pieces as number)
    expect(pieces[0]).toMatch(/^1-102\n/)
    expect(pieces.filter((p) => p.startsWith('1-301\n') && p.includes('散养土鸡'))).toHaveLength(2)
    expect(await shop.problems()).toEqual([])
  })

  it('the resident sees the closed order in its history and complains; the committee sees the complaint', async () => {
    const resident = await e.phone(RESIDENT, { at: `packageGroupbuy/pages/orders?communityId=${COMMUNITY}` })
    const r301 = homes.r301 as HouseholdDoc
    const row = `#order-${buyId}-${r301._id}`
    await resident.$(row).waitFor()
    expect(await resident.text(`${row} .order-state`)).toBe('已接龙 · 第 1 号')
    expect(await resident.text(`${row} .payment`)).toContain('已付款')
    expect(await resident.text(`${row} .order-lines`)).toContain('鸡蛋 1箱')
    await resident.tap(`${row} .complain`)
    await resident.tap('#kind-short')
    await resident.type('#complaint-note', '土鸡一只称了只有2斤4两，说好约3斤')
    await resident.tap('#add-photo')
    if (await resident.top().locator('.privacy-sheet').count()) await resident.tap('#agree-privacy')
    await resident.chooseFile(photos.complaint)
    await resident.top().locator('#complaint .photo-img').waitFor()
    await shot(resident, 'complaint')
    await resident.tap('#send-complaint')
    await resident.$(`${row} .complained`).waitFor()
    const [complaint] = await until('the complaint', async () => {
      const all = await e.t.data.findAll<ComplaintDoc>('complaints', { buyId })
      return all.length > 0 && all
    })
    expect(complaint).toMatchObject({
      merchantId: SHOP_ID,
      householdId: r301._id,
      kind: 'short',
      note: '土鸡一只称了只有2斤4两，说好约3斤',
      by: RESIDENT,
      status: 'open',
    })
    expect(complaint?.photos).toHaveLength(1)
    const stored = await e.t.admin<{ fileID: string; path: string; openid: string | null }[]>('files')
    expect(stored.find((f) => f.fileID === complaint?.photos[0])).toMatchObject({
      openid: RESIDENT,
      path: expect.stringMatching(new RegExp(`^complaints/${COMMUNITY}/${RESIDENT}/`)),
    })
    expect((await e.t.data.get<MerchantDoc>('merchants', SHOP_ID))?.complaints).toEqual({ total: 1, open: 1 })
    expect(await resident.problems()).toEqual([])

    // ---- the committee: the shop's card counts it, and the complaint opens with its photo ----
    const committee = await e.phone(COMMITTEE, { at: `packageGroupbuy/pages/merchants?communityId=${COMMUNITY}` })
    await committee.tap('#tab-approved')
    const card = `#merchant-${SHOP_ID}`
    await committee.$(card).waitFor()
    expect(await committee.text(`${card} .complaints`)).toBe('投诉 1 条，1 条未处理')
    await committee.tap(`${card} .show-complaints`)
    const item = `#complaint-${complaint?._id}`
    await committee.$(item).waitFor()
    expect(await committee.text(`${item} .complaint-head`)).toBe(`1-301 · 短斤少两 · 鸡蛋青菜土鸡 周末团`)
    expect(await committee.text(`${item} .complaint-note`)).toBe(complaint?.note)
    expect(await loadedImages(committee, item)).toEqual([
      expect.stringContaining(`complaints/${COMMUNITY}/${RESIDENT}/`),
    ])
    await shot(committee, 'complaints')
    await committee.tap(`${item} .handle`)
    await committee.modal('confirm', '商家已补发一只土鸡')
    await until(
      'handled',
      async () => (await e.t.data.get<ComplaintDoc>('complaints', complaint?._id as string))?.status === 'handled',
    )
    expect((await e.t.data.get<MerchantDoc>('merchants', SHOP_ID))?.complaints).toEqual({ total: 1, open: 0 })
    expect(await committee.problems()).toEqual([])
  })
})
