// The pure rules of buys: items, times and scope a buy may have, its status by the clock, who manages it and who
// sees it, whose orders a lead reads, the item views from the ledger or the summary, and a drop's allotment.
import type { RoleGrant } from '../../typings/api'
import type { BuyDoc, BuyItemDoc } from '../../server/groupbuy/model'
import { isAppError } from '../../server/kernel'
import {
  allotment,
  audienceOf,
  canManage,
  checkItems,
  checkTimes,
  dropRecipients,
  effectiveStatus,
  isFinal,
  itemViews,
  leadBuildings,
  leadCovers,
  minimumMet,
  newItems,
  newLedger,
  scopeBuildings,
  sees,
  viewStatus,
  type ItemInput,
} from '../../server/groupbuy/rules'

const refusal = (run: () => unknown): { code: string; field?: string; message: string } | undefined => {
  try {
    run()
  } catch (err) {
    if (isAppError(err)) return { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) }
    throw err
  }
  return undefined
}

const potato: ItemInput = { name: '土豆', spec: '500g/袋', unit: '袋', packSize: 1, price: 350, stock: 100, limit: 5 }
const eggs: ItemInput = { name: '鸡蛋', spec: '30个/箱', unit: '个', packSize: 30, price: 60, stock: 300 }
const rice: ItemInput = {
  name: '大米',
  spec: '10kg',
  unit: '袋',
  packSize: 1,
  price: 0,
  allot: { per: 'household', qty: 1 },
}

describe('items', () => {
  it('takes a sale priced and stocked in whole packs, and a drop by allotment', () => {
    expect(refusal(() => checkItems('sale', [potato, eggs]))).toBeUndefined()
    expect(
      refusal(() =>
        checkItems('drop', [rice, { ...rice, name: '口罩', packSize: 5, allot: { per: 'person', qty: 10 } }]),
      ),
    ).toBeUndefined()
  })

  it.each([
    ['sale', 'items.0.stock', [{ ...eggs, stock: 20 }]],
    ['sale', 'items.0.stock', [{ ...eggs, stock: 310 }]],
    ['sale', 'items.0.stock', [{ ...eggs, stock: undefined }]],
    ['sale', 'items.0.limit', [{ ...eggs, limit: 45 }]],
    ['sale', 'items.0.limit', [{ ...eggs, limit: 600 }]],
    ['sale', 'items.0.allot', [{ ...potato, allot: { per: 'household', qty: 1 } }]],
    ['sale', 'items.1.name', [potato, { ...potato, price: 1 }]],
    ['sale', 'items.0.packSize', [{ ...potato, packSize: 0 }]],
    ['sale', 'items', []],
    ['drop', 'items.0.price', [{ ...rice, price: 1 }]],
    ['drop', 'items.0.stock', [{ ...rice, stock: 10 }]],
    ['drop', 'items.0.limit', [{ ...rice, limit: 1 }]],
    ['drop', 'items.0.allot', [{ ...rice, allot: undefined }]],
    ['drop', 'items.0.allot.qty', [{ ...rice, packSize: 5, allot: { per: 'person', qty: 7 } }]],
  ] as const)('refuses a %s item that is wrong at %s', (kind, field, items) => {
    const r = refusal(() => checkItems(kind, items as unknown as ItemInput[]))
    expect(r).toMatchObject({ code: 'INVALID_INPUT', field })
    expect(r?.message).toMatch(/[\u4e00-\u9fff]/)
  })

  it('numbers items i1, i2 … and keeps only what was given', () => {
    expect(newItems([potato, rice])).toEqual([
      { id: 'i1', name: '土豆', spec: '500g/袋', unit: '袋', packSize: 1, price: 350, stock: 100, limit: 5 },
      { id: 'i2', name: '大米', spec: '10kg', unit: '袋', packSize: 1, price: 0, allot: { per: 'household', qty: 1 } },
    ])
    const ledger = newLedger({ _id: 'buy_1', communityId: 'c1', items: newItems([potato, rice]) })
    expect(ledger).toEqual({
      _id: 'buy_1',
      communityId: 'c1',
      remaining: { i1: 100 },
      sold: { i1: 0, i2: 0 },
      nextNo: 1,
      orders: {},
      active: 0,
      total: 0,
      version: 0,
    })
  })
})

describe('times', () => {
  const now = Date.parse('2026-11-24T02:00:00Z')
  const h = 3_600_000
  it('takes a window that opens before its deadline, which is ahead, with delivery at or after it', () => {
    expect(refusal(() => checkTimes({ opensAt: now - h, closesAt: now + h, deliveryAt: now + h }, now))).toBeUndefined()
    expect(
      refusal(() => checkTimes({ opensAt: now + h, closesAt: now + 30 * 24 * h, deliveryAt: now + 31 * 24 * h }, now)),
    ).toBeUndefined()
  })
  it.each([
    [{ opensAt: now - 2 * h, closesAt: now, deliveryAt: now + h }, 'closesAt'],
    [{ opensAt: now, closesAt: now + 30 * 24 * h + 1, deliveryAt: now + 31 * 24 * h }, 'closesAt'],
    [{ opensAt: now + h, closesAt: now + h, deliveryAt: now + 2 * h }, 'opensAt'],
    [{ opensAt: now, closesAt: now + 2 * h, deliveryAt: now + h }, 'deliveryAt'],
    [{ opensAt: now, closesAt: now + h, deliveryAt: now + h + 30 * 24 * h + 1 }, 'deliveryAt'],
  ])('refuses times (case %#)', (times, field) => {
    expect(refusal(() => checkTimes(times, now))).toMatchObject({ code: 'INVALID_INPUT', field })
  })
})

describe('scope', () => {
  const buildings = [
    { _id: 'b10', order: 2, name: '10号' },
    { _id: 'b2', order: 1, name: '2号' },
    { _id: 'b1', order: 0, name: '1号' },
  ]
  it('is every building in the community’s order, or the named ones without repeats', () => {
    expect(scopeBuildings(undefined, buildings)).toEqual({ allBuildings: true, buildingIds: ['b1', 'b2', 'b10'] })
    expect(scopeBuildings(['b10', 'b1', 'b10'], buildings)).toEqual({ allBuildings: false, buildingIds: ['b1', 'b10'] })
    expect(scopeBuildings(['b10', 'b2', 'b1'], buildings)).toEqual({
      allBuildings: true,
      buildingIds: ['b1', 'b2', 'b10'],
    })
  })
  it('refuses another community’s building, too many, none, and a community without buildings', () => {
    expect(refusal(() => scopeBuildings(['b1', 'x1'], buildings))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'buildingIds',
    })
    expect(
      refusal(() =>
        scopeBuildings(
          Array.from({ length: 501 }, (_, i) => `b${i}`),
          buildings,
        ),
      ),
    ).toMatchObject({
      code: 'INVALID_INPUT',
    })
    expect(refusal(() => scopeBuildings([], buildings))).toMatchObject({ code: 'INVALID_INPUT' })
    expect(refusal(() => scopeBuildings(undefined, []))).toMatchObject({ code: 'INVALID_INPUT' })
  })
})

describe('status by the clock', () => {
  const buy = (status: BuyDoc['status']) => ({
    status,
    opensAt: new Date('2026-11-24T03:00:00Z'),
    closesAt: new Date('2026-11-24T06:00:00Z'),
  })
  const before = Date.parse('2026-11-24T02:00:00Z')
  const during = Date.parse('2026-11-24T04:00:00Z')
  it('reads scheduled as open from the opening time, and a close under way as open to clients', () => {
    expect(effectiveStatus(buy('scheduled'), before)).toBe('scheduled')
    expect(effectiveStatus(buy('scheduled'), during)).toBe('open')
    expect(effectiveStatus(buy('closing'), during)).toBe('closing')
    expect(viewStatus(buy('closing'), during)).toBe('open')
    expect(viewStatus(buy('failed'), during)).toBe('failed')
    expect(['closed', 'failed', 'cancelled'].map((s) => isFinal(s as BuyDoc['status']))).toEqual([true, true, true])
    expect(['scheduled', 'open', 'closing'].map((s) => isFinal(s as BuyDoc['status']))).toEqual([false, false, false])
  })
})

const g = (
  role: RoleGrant['role'],
  scope: Partial<RoleGrant['scope']> = {},
  extra: Partial<RoleGrant> = {},
): RoleGrant => ({
  role,
  scope: { communityId: 'c1', ...scope },
  ...extra,
})
const sale = {
  communityId: 'c1',
  organiser: { openid: 'o-tuan', role: 'communityLead' as const, name: '团长' },
  merchantId: 'mer_1',
  buildingIds: ['b1', 'b2'],
}

describe('who manages and who sees', () => {
  it('manages: the committee, the creator while holding the role, the shop while holding the merchant role', () => {
    expect(canManage([g('committee')], 'o-x', sale)).toBe(true)
    expect(canManage([g('committee', { communityId: 'c2' })], 'o-x', sale)).toBe(false)
    expect(canManage([g('communityLead')], 'o-tuan', sale)).toBe(true)
    expect(canManage([g('communityLead')], 'o-other-tuan', sale)).toBe(false)
    expect(canManage([], 'o-tuan', sale)).toBe(false)
    expect(canManage([g('merchant')], 'o-shop', sale, 'mer_1')).toBe(true)
    expect(canManage([], 'o-shop', sale, 'mer_1')).toBe(false)
    expect(canManage([g('merchant')], 'o-shop2', sale, 'mer_2')).toBe(false)
  })

  it('sees: community-wide roles all, residents and leads their buildings, a shop its own', () => {
    expect(audienceOf([g('groupLead', { groupId: 'g1' })], 'c1')).toEqual({
      all: true,
      buildingIds: [],
      merchant: false,
    })
    const resident = audienceOf(
      [g('resident', { buildingId: 'b3', householdId: 'h' }), g('floorLead', { buildingId: 'b2', floor: 3 })],
      'c1',
    )
    expect(resident).toEqual({ all: false, buildingIds: ['b3', 'b2'], merchant: false })
    expect(sees(resident, sale, 'o-x')).toBe(true)
    expect(sees(audienceOf([g('resident', { buildingId: 'b3', householdId: 'h' })], 'c1'), sale, 'o-x')).toBe(false)
    expect(sees(audienceOf([g('merchant')], 'c1'), sale, 'o-shop', 'mer_1')).toBe(true)
    expect(sees(audienceOf([g('merchant')], 'c1'), sale, 'o-shop2', 'mer_2')).toBe(false)
    expect(sees(audienceOf([], 'c1'), sale, 'o-tuan')).toBe(true)
    expect(audienceOf([g('committee', { communityId: 'c2' })], 'c1')).toEqual({
      all: false,
      buildingIds: [],
      merchant: false,
    })
  })

  it('a lead reads their building, a floor lead their floors', () => {
    const lead = leadBuildings(
      [
        g('buildingLead', { buildingId: 'b1' }),
        g('floorLead', { buildingId: 'b2', floor: 3 }),
        g('floorLead', { buildingId: 'b2', floor: 5 }),
        g('floorLead', { buildingId: 'b1', floor: 2 }),
      ],
      'c1',
    )
    expect([...lead.keys()]).toEqual(['b1', 'b2'])
    expect(leadCovers(lead, { buildingId: 'b1', floor: 9 })).toBe(true)
    expect(leadCovers(lead, { buildingId: 'b2', floor: 5 })).toBe(true)
    expect(leadCovers(lead, { buildingId: 'b2', floor: 4 })).toBe(false)
    expect(leadCovers(lead, { buildingId: 'b3', floor: 1 })).toBe(false)
  })
})

describe('item views', () => {
  const items: BuyItemDoc[] = newItems([potato, eggs, rice])
  it('read sold and left from the ledger while the buy runs, stock added since included', () => {
    const views = itemViews(items, { remaining: { i1: 100, i2: 29 }, sold: { i1: 7, i2: 330 } })
    expect(views.map((v) => [v.id, v.stock, v.sold, v.remaining, v.soldOut])).toEqual([
      ['i1', 107, 7, 100, false],
      ['i2', 359, 330, 29, true],
      ['i3', undefined, 0, undefined, false],
    ])
    expect(views[2]?.allot).toEqual({ per: 'household', qty: 1 })
  })
  it('read what was sold from the summary once closed', () => {
    const summary = {
      purchase: [{ itemId: 'i1', qty: 40, amount: 14000, households: 9 }],
      buildings: [],
      households: 9,
      pieces: 40,
      amount: 14000,
    }
    expect(itemViews(items, null, summary).map((v) => [v.id, v.sold, v.remaining])).toEqual([
      ['i1', 40, 60],
      ['i2', 0, 300],
      ['i3', 0, undefined],
    ])
  })
  it('a minimum is met at or over it; a drop has none', () => {
    expect(minimumMet({ kind: 'sale', minTotal: 1000 }, 999)).toBe(false)
    expect(minimumMet({ kind: 'sale', minTotal: 1000 }, 1000)).toBe(true)
    expect(minimumMet({ kind: 'sale' }, 0)).toBe(true)
    expect(minimumMet({ kind: 'drop', minTotal: 1000 }, 0)).toBe(true)
  })
})

describe('a drop’s allotment', () => {
  const m = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `m${i}`, name: `人${i}`, flags: [] }))
  it('gives per household, or per person living there; nothing to an empty household', () => {
    expect(allotment({ allot: { per: 'household', qty: 2 } }, { members: m(3) })).toBe(2)
    expect(allotment({ allot: { per: 'person', qty: 5 } }, { members: m(3) })).toBe(15)
    expect(allotment({ allot: { per: 'person', qty: 5 } }, { members: [] })).toBe(0)
    expect(allotment({ allot: { per: 'household', qty: 2 } }, { members: [] })).toBe(0)
    expect(allotment({}, { members: m(1) })).toBe(0)
  })
  it('goes to lived-in households not erased, by building in scope order, rooms as walked', () => {
    const h = (buildingId: string, room: string, n = 1, erasedAt?: Date) => ({
      buildingId,
      room,
      members: m(n),
      ...(erasedAt ? { erasedAt } : {}),
    })
    const got = dropRecipients(
      [
        h('b2', '101'),
        h('b1', '1701'),
        h('b1', '201'),
        h('b1', '301', 0),
        h('b1', '401', 1, new Date()),
        h('b9', '101'),
        h('b1', '1001'),
      ],
      ['b1', 'b2'],
    )
    expect(got.map((x) => `${x.buildingId}-${x.room}`)).toEqual(['b1-201', 'b1-1001', 'b1-1701', 'b2-101'])
  })
})
