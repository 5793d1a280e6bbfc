// The demo's group buys (scripts/demo/groupbuy.ts): the merchants' applications with their photos, the open sale's
// orders numbered 1..N in the order they were made and agreeing with the ledger, a sold-out item, yesterday's closed
// sale with the totals and delivery a close makes and its complaint, the drop opening tomorrow; dated from any
// instant.
import type { RoleGrant } from '../../typings/api'
import type { HouseholdDoc } from '../../server/community/model'
import type { BuyDoc, BuyLedgerDoc } from '../../server/groupbuy/model'
import { generateDemo, SECOND_DEMO_COMMUNITY, type DemoData } from '../../scripts/demo/generate'
import { complaintIdOf } from '../../scripts/demo/groupbuy'
import { docPhotoFile } from '../../scripts/demo/docphotos'
import { localFileId } from '../../scripts/demo/antigen'
import { buyId, merchantId, orderId } from '../../server/groupbuy/ids'
import { amountOf, quantities } from '../../server/groupbuy/ledger'
import { summarize } from '../../server/groupbuy/lists'
import { merchantRoleId } from '../../server/groupbuy/merchants'
import { orderingAs } from '../../server/groupbuy/orders'
import { checkItems, checkTimes } from '../../server/groupbuy/rules'
import { roleId, sha256 } from '../../server/community/ids'
import { householdLabel } from '../../server/community/structure'
import { fileInFolder, imageKind } from '../../server/platform/files'
import { shanghaiDay } from '../../server/kernel/time'
import { MAX_PHOTO_BYTES } from '../../miniprogram/shared/constants'

const NOW = Date.parse('2026-11-24T02:00:00Z')
const MINUTE = 60_000
const HOUR = 60 * MINUTE
let main: DemoData
let second: DemoData

beforeAll(() => {
  main = generateDemo({ now: NOW })
  second = generateDemo({ ...SECOND_DEMO_COMMUNITY, now: NOW })
})

const buysOf = (d: DemoData) => {
  const [open, closed, drop] = d.collections.buys as [BuyDoc, BuyDoc, BuyDoc]
  const ledger = (b: BuyDoc) => d.collections.buyLedgers.find((l) => l._id === b._id) as BuyLedgerDoc
  const orders = (b: BuyDoc) => d.collections.orders.filter((o) => o.buyId === b._id)
  return { open, closed, drop, ledger, orders }
}
/** Grants as loadGrants hands them to the actions. */
const grantsOf = (d: DemoData, openid: string): RoleGrant[] =>
  d.collections.roles
    .filter((r) => r.openid === openid)
    .map((r) => ({ role: r.role, scope: r.scope, ...(r.proxy ? { proxy: true } : {}) }) as RoleGrant)

describe('the merchants', () => {
  it('has the merchant of each community approved on an application with photos, holding the grant approval writes', () => {
    for (const d of [main, second]) {
      const communityId = d.summary.communityId
      const role = d.collections.roles.find((r) => r.role === 'merchant')
      const shop = d.collections.merchants.find((m) => m.status === 'approved')
      expect(shop).toMatchObject({
        _id: merchantId(communityId, role?.openid as string),
        communityId,
        openid: role?.openid,
        roleId: merchantRoleId({ openid: role?.openid as string, communityId }),
        decidedBy: `${d === main ? 'demo' : 'demo2'}-committee-1`,
      })
      expect(role).toMatchObject({
        _id: roleId(role?.openid as string, 'merchant', communityId),
        holderName: shop?.shopName,
        grantedAt: shop?.approvedAt,
        grantedBy: shop?.decidedBy,
      })
      expect(shop?.history.map((h) => [h.status, h.by])).toEqual([
        ['pending', shop?.openid],
        ['approved', shop?.decidedBy],
      ])
      expect(shop?.history[1]?.byName).toBe(
        d.collections.roles.find((r) => r.openid === shop?.decidedBy && r.role === 'committee')?.holderName,
      )
      expect(+(shop?.appliedAt as Date)).toBeLessThan(+(shop?.approvedAt as Date))
      expect(shop?.phone).toMatch(/^1390999\d{4}$/)
    }
  })

  it('stores every application photo as a real PNG in the shop’s folder, uploaded by the shop', () => {
    for (const d of [main, second]) {
      const files = new Map(d.files.map((f) => [f.path, f]))
      for (const m of d.collections.merchants) {
        const photos = [...m.licence, ...m.foodPermit, ...m.healthCerts]
        expect([m.licence.length, m.foodPermit.length, m.healthCerts.length].every((n) => n >= 1)).toBe(true)
        for (const fileID of photos) {
          const name = fileInFolder(fileID, ['merchants', m.communityId, m.openid], 'local')
          expect(name).toMatch(/^(licence|foodPermit|healthCerts)-\d{13}-[0-9a-z]{6}\.png$/)
          const path = `merchants/${m.communityId}/${m.openid}/${name}`
          expect(localFileId('local', path)).toBe(fileID)
          const file = files.get(path)
          expect(file?.openid).toBe(m.openid)
          const bytes = Buffer.from(file?.base64 ?? '', 'base64')
          expect(imageKind(bytes.subarray(0, 32))).toBe('png')
          expect(bytes.length).toBeLessThan(MAX_PHOTO_BYTES)
        }
        expect(
          files.get(
            `merchants/${m.communityId}/${m.openid}/${fileInFolder(m.licence[0] as string, ['merchants', m.communityId, m.openid], 'local')}`,
          )?.base64,
        ).toBe(docPhotoFile('licence').base64)
      }
    }
  })

  it('has a second shop of 钟楼新村 waiting for the committee, listed as an identity with no grant', () => {
    const pending = main.collections.merchants.filter((m) => m.status === 'pending')
    expect(pending).toHaveLength(1)
    expect(pending[0]).toMatchObject({ openid: 'demo-merchant-2', complaints: { total: 0, open: 0 } })
    expect(pending[0]?.history).toEqual([
      { status: 'pending', at: pending[0]?.appliedAt, by: 'demo-merchant-2', byName: '商家' },
    ])
    expect(NOW - +(pending[0]?.appliedAt as Date)).toBeGreaterThan(HOUR)
    expect(main.collections.roles.filter((r) => r.openid === 'demo-merchant-2')).toEqual([])
    expect(main.identities.find((i) => i.openid === 'demo-merchant-2')).toMatchObject({
      role: 'applicant',
      communityId: 'c-zhonglou',
    })
    expect(second.collections.merchants.map((m) => m.status)).toEqual(['approved'])
    expect(second.collections.buys).toEqual([])
  })
})

describe('the open sale of 钟楼新村', () => {
  it('is the merchant’s, open now until a few hours from now, its items as createBuy checks them', () => {
    const { open } = buysOf(main)
    const shop = main.collections.merchants.find((m) => m.status === 'approved')
    expect(open).toMatchObject({
      kind: 'sale',
      status: 'open',
      merchantId: shop?._id,
      shopName: shop?.shopName,
      organiser: { openid: 'demo-merchant-1', role: 'merchant', name: shop?.shopName },
      allBuildings: true,
      _id: buyId('c-zhonglou', 'demo-merchant-1', open.requestId),
    })
    expect(open.buildingIds).toHaveLength(135)
    expect(open.items.map((i) => [i.name, i.spec, i.unit, i.packSize])).toEqual([
      ['蔬菜套餐', '10斤/份', '份', 1],
      ['鸡蛋', '30个/箱', '个', 30],
      ['大米', '10kg/袋', '袋', 1],
    ])
    expect(() => checkItems('sale', open.items)).not.toThrow()
    expect(+open.opensAt).toBeLessThan(NOW - 3 * HOUR)
    expect(+open.closesAt - NOW).toBeGreaterThanOrEqual(4 * HOUR)
    expect(+open.closesAt - NOW).toBeLessThanOrEqual(4.5 * HOUR)
    expect(+open.closesAt % (30 * MINUTE)).toBe(0)
    expect(() =>
      checkTimes({ opensAt: +open.opensAt, closesAt: +open.closesAt, deliveryAt: +open.deliveryAt }, +open.createdAt),
    ).not.toThrow()
    expect(+(open.announcedAt as Date)).toBeGreaterThanOrEqual(+open.createdAt)
  })

  it('has many households of many buildings ordering, numbered 1..N in the order they ordered', () => {
    const { open, orders } = buysOf(main)
    const all = orders(open)
    expect(all.length).toBeGreaterThan(150)
    expect(new Set(all.map((o) => o.buildingId)).size).toBeGreaterThan(60)
    const numbered = all.filter((o) => o.no !== undefined).sort((a, b) => (a.no as number) - (b.no as number))
    expect(numbered.map((o) => o.no)).toEqual(numbered.map((_, i) => i + 1))
    expect(numbered).toHaveLength(all.length)
    // The first order of each household took the next number: placedAt grows with the number.
    const placed = numbered.map((o) => +o.placedAt)
    expect(placed).toEqual([...placed].sort((a, b) => a - b))
    for (const o of all) {
      expect(o._id).toBe(orderId(open._id, o.householdId))
      expect(+o.placedAt).toBeGreaterThan(+open.opensAt)
      expect(+o.updatedAt).toBeLessThan(NOW)
    }
    const statuses = all.map((o) => o.status)
    expect(statuses.filter((s) => s === 'cancelled').length).toBeGreaterThanOrEqual(2)
    expect(statuses.filter((s) => s === 'refused')).toEqual([])
    // A few changed their order after placing it (an edit keeps the number).
    expect(all.filter((o) => o.status === 'active' && o.requestIds.length > 1).length).toBeGreaterThan(0)
  })

  it('agrees with its ledger: every household’s order, stock sold and left, the next number, the totals', () => {
    const { open, ledger, orders } = buysOf(main)
    const l = ledger(open)
    const all = orders(open)
    expect(Object.keys(l.orders).sort()).toEqual(all.map((o) => o.householdId).sort())
    for (const o of all) {
      const entry = l.orders[o.householdId]
      expect(entry).toMatchObject({ no: o.no, n: o.nonce, st: o.status === 'active' ? 'a' : 'c' })
      expect(entry?.q).toEqual(quantities(o.lines))
      expect(o.total).toBe(amountOf(quantities(o.lines), open.items))
    }
    const active = all.filter((o) => o.status === 'active')
    for (const it of open.items) {
      const sold = active.reduce((n, o) => n + (o.lines.find((x) => x.itemId === it.id)?.qty ?? 0), 0)
      expect([it.id, l.sold[it.id], l.remaining[it.id]]).toEqual([it.id, sold, (it.stock as number) - sold])
    }
    expect(l).toMatchObject({
      nextNo: all.length + 1,
      active: active.length,
      total: active.reduce((n, o) => n + o.total, 0),
    })
    expect(l.closedAt).toBeUndefined()
    expect(l.lease).toBeUndefined()
    // One merge per change: the version counts them.
    expect(l.version).toBe(all.reduce((n, o) => n + o.requestIds.length, 0))
  })

  it('has its rice sold out, every quantity in whole packs within the limit, some orders paid in full', () => {
    const { open, ledger, orders } = buysOf(main)
    const l = ledger(open)
    expect(l.remaining.i3).toBe(0)
    expect(l.remaining.i1).toBeGreaterThan(0)
    expect(l.remaining.i2).toBeGreaterThanOrEqual(30)
    expect(main.summary.groupBuys.buys[0]).toMatchObject({ status: 'open', soldOut: ['大米'] })
    const all = orders(open)
    for (const o of all)
      for (const line of o.lines) {
        const item = open.items.find((i) => i.id === line.itemId)
        expect(line.qty % (item?.packSize ?? 1)).toBe(0)
        expect(line.qty).toBeLessThanOrEqual(item?.limit ?? Infinity)
      }
    const paid = all.filter((o) => o.payment.status === 'paid')
    expect(paid.length).toBeGreaterThan(all.length / 4)
    expect(paid.length).toBeLessThan(all.length)
    for (const o of paid) {
      expect(o.status).toBe('active')
      expect(o.payment).toMatchObject({ paid: o.total, by: 'demo-merchant-1', byName: open.shopName, marks: 1 })
      expect(+(o.payment.paidAt as Date)).toBeGreaterThanOrEqual(+o.updatedAt)
      expect(+(o.payment.paidAt as Date)).toBeLessThan(NOW)
    }
    for (const o of all.filter((x) => x.payment.status !== 'paid'))
      expect(o.payment).toEqual({ status: 'unpaid', paid: 0, refunds: [] })
  })

  it('has each order placed by someone allowed to, telling nobody else (the push queue stays empty)', () => {
    const households = new Map(main.collections.households.map((h) => [h._id, h]))
    const names = new Map(main.collections.buildings.map((b) => [b._id, b.name]))
    for (const o of main.collections.orders) {
      const h = households.get(o.householdId) as HouseholdDoc
      expect(orderingAs(grantsOf(main, o.by), h)).toEqual({ proxy: o.proxy })
      expect([...o.notify].sort()).toEqual([...new Set([...h.linkedOpenids, o.by])].sort())
      // A 代下单 tells the household's other linked people: there are none.
      if (o.proxy) expect(o.notify).toEqual([o.by])
      expect([o.buildingId, o.groupId, o.room, o.floor]).toEqual([h.buildingId, h.groupId, h.room, h.floor])
      expect(o.label).toBe(householdLabel(names.get(h.buildingId) as string, h.room))
    }
    expect(main.collections.orders.some((o) => o.proxy)).toBe(true)
    expect(main.collections.pushQueue).toEqual([])
  })

  it('leaves demo-resident-1’s household without an order to try', () => {
    const { open, orders } = buysOf(main)
    const home = main.identities.find((i) => i.openid === 'demo-resident-1')?.householdId
    expect(home).toBeDefined()
    expect(orders(open).some((o) => o.householdId === home)).toBe(false)
  })
})

describe('yesterday’s closed sale', () => {
  it('was closed by the timer at its deadline with the totals summarize makes, and handed to the relay', () => {
    const { closed, ledger, orders } = buysOf(main)
    const day = shanghaiDay(NOW - 86_400_000)
    expect(shanghaiDay(closed.opensAt)).toBe(day)
    expect(closed).toMatchObject({ status: 'closed', closedBy: 'timer', closedAt: closed.closesAt })
    expect(closed.closing).toBeUndefined()
    const all = orders(closed)
    const buildings = [...main.collections.buildings]
      .sort((a, b) => a.order - b.order)
      .map((b) => ({ id: b._id, name: b.name, order: b.order }))
    expect(closed.summary).toEqual(summarize(closed, all, buildings))
    expect(closed.summary?.households).toBe(all.filter((o) => o.status === 'active').length)
    expect(ledger(closed)).toMatchObject({ closedAt: closed.closesAt, nextNo: all.length + 1 })
    const [delivery] = main.collections.deliveries
    expect(main.collections.deliveries).toHaveLength(1)
    expect(delivery).toMatchObject({
      _id: closed._id,
      buyId: closed._id,
      kind: 'sale',
      // Relayed yesterday evening: test/demo/delivery.unit.test.ts.
      status: 'done',
      deliveryAt: closed.deliveryAt,
      households: closed.summary?.households,
      pieces: closed.summary?.pieces,
    })
    expect(delivery?.buildings).toEqual(
      closed.summary?.buildings.map(({ buildingId, households, pieces }) => ({ buildingId, households, pieces })),
    )
    expect(+(delivery?.createdAt as Date)).toBeGreaterThan(+closed.closesAt)
    expect(closed.summary?.amount).toBeGreaterThanOrEqual(closed.minTotal as number)
  })

  it('has one open complaint of a household that ordered, with its photo, counted on the merchant', () => {
    const { closed } = buysOf(main)
    expect(main.collections.complaints).toHaveLength(1)
    const c = main.collections.complaints[0]
    const order = main.collections.orders.find((o) => o._id === orderId(closed._id, c?.householdId as string))
    expect(order?.status).toBe('active')
    expect(c).toMatchObject({
      _id: complaintIdOf(closed._id, c?.householdId as string, 'short', c?.note as string),
      merchantId: closed.merchantId,
      buyId: closed._id,
      buildingId: order?.buildingId,
      room: order?.room,
      status: 'open',
      by: order?.by,
    })
    expect(+(c?.at as Date)).toBeGreaterThan(+closed.deliveryAt)
    expect(+(c?.at as Date)).toBeLessThan(NOW)
    const name = fileInFolder(c?.photos[0] as string, ['complaints', 'c-zhonglou', c?.by as string], 'local')
    expect(name).toMatch(new RegExp(`^${c?.householdId}-\\d{13}-[0-9a-z]{6}\\.png$`))
    const file = main.files.find((f) => f.path === `complaints/c-zhonglou/${c?.by}/${name}`)
    expect(file).toMatchObject({ openid: c?.by, base64: docPhotoFile('complaint').base64 })
    expect(main.collections.merchants.find((m) => m._id === closed.merchantId)?.complaints).toEqual({
      total: 1,
      open: 1,
    })
  })
})

describe('the supply drop', () => {
  it('is the committee’s 10 kg of rice per household for every building, opening tomorrow, no orders yet', () => {
    const { drop, ledger, orders } = buysOf(main)
    expect(drop).toMatchObject({
      kind: 'drop',
      status: 'scheduled',
      allBuildings: true,
      organiser: { openid: 'demo-committee-1', role: 'committee' },
    })
    expect(drop.merchantId).toBeUndefined()
    expect(drop.items).toEqual([
      {
        id: 'i1',
        name: '大米',
        spec: '10公斤/袋',
        unit: '公斤',
        packSize: 10,
        price: 0,
        allot: { per: 'household', qty: 10 },
      },
    ])
    expect(() => checkItems('drop', drop.items)).not.toThrow()
    expect(shanghaiDay(drop.opensAt)).toBe(shanghaiDay(NOW + 86_400_000))
    expect(+drop.createdAt).toBeLessThan(NOW)
    expect(+drop.closesAt).toBeGreaterThan(+drop.opensAt)
    expect(ledger(drop)).toMatchObject({ remaining: {}, sold: { i1: 0 }, nextNo: 1, orders: {}, version: 0 })
    expect(orders(drop)).toEqual([])
  })
})

describe('dated from any instant', () => {
  it('keeps its counts and moves its dates: everything before the instant but what is still to come', () => {
    const later = Date.parse('2027-03-05T13:17:00Z')
    const other = generateDemo({ now: later })
    const counts = (d: DemoData) => d.summary.groupBuys.buys.map((b) => [b.active, b.cancelled, b.paid, b.numbered])
    expect(counts(other)).toEqual(counts(main))
    for (const [d, at] of [
      [main, NOW],
      [other, later],
    ] as const) {
      const { open, closed, drop } = buysOf(d)
      expect([+open.opensAt < at, +open.closesAt > at]).toEqual([true, true])
      expect(+closed.closesAt).toBeLessThan(at)
      expect(+drop.opensAt).toBeGreaterThan(at)
      const past: number[] = []
      const walk = (v: unknown, key = ''): void => {
        if (v instanceof Date) {
          if (!['closesAt', 'deliveryAt', 'opensAt'].includes(key)) past.push(+v)
        } else if (Array.isArray(v)) v.forEach((x) => walk(x))
        else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, k)
      }
      const c = d.collections
      const { merchants, complaints, buys, buyLedgers, orders, deliveries } = c
      walk([merchants, complaints, buys, buyLedgers, orders, deliveries])
      walk([c.deliveryStops, c.deliveryBuildings, c.deliveryTrips, c.deliveryProblems])
      expect(Math.max(...past)).toBeLessThan(at)
      expect(Math.min(...past)).toBeGreaterThan(at - 15 * 86_400_000)
    }
  })

  it('has the figures docs/demo.md gives', () => {
    const figures = main.summary.groupBuys.buys.map((b) => [b.active, b.buildings, b.numbered, b.cancelled, b.paid])
    expect(figures).toEqual([
      [167, 99, 171, 4, 75],
      [129, 84, 132, 3, 121],
      [0, 0, 0, 0, 0],
    ])
  })

  it('is the same data for the same seed and instant', () => {
    const again = generateDemo({ now: NOW })
    // Compared by digest: a difference would print megabytes.
    const part = (d: DemoData) =>
      sha256(
        JSON.stringify([
          d.collections.merchants,
          d.collections.buys,
          d.collections.buyLedgers,
          d.collections.orders,
          d.collections.complaints,
          d.collections.deliveries,
          d.collections.deliveryStops,
          d.collections.deliveryBuildings,
          d.collections.deliveryTrips,
          d.collections.deliveryProblems,
          d.files.filter((f) => !f.path.startsWith('antigen/')),
        ]),
      )
    expect(part(again)).toBe(part(main))
  })
})
