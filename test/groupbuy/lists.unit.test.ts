// What a closed buy prints, as data: purchase totals, sorting lists in building and walking order, one label per
// piece with the buy's and the building's numbering.
import type { BuyDoc, OrderDoc } from '../../server/groupbuy/model'
import {
  labels,
  packWord,
  productLists,
  purchaseList,
  qtyText,
  roomOrder,
  sortingLists,
  summarize,
  type ListBuilding,
} from '../../server/groupbuy/lists'

const at = new Date('2026-11-24T02:00:00Z')

const buy: Pick<BuyDoc, 'items' | 'shopName' | 'organiser'> = {
  shopName: '鲜丰果蔬',
  organiser: { openid: 'o-m', role: 'merchant', name: '王老板' },
  items: [
    { id: 'i1', name: '土豆', spec: '500g/袋', unit: '袋', packSize: 1, price: 350 },
    { id: 'i2', name: '鸡蛋', spec: '12个/箱', unit: '个', packSize: 12, price: 100 },
    { id: 'i3', name: '大米', spec: '10kg', unit: '袋', packSize: 1, price: 6000 },
  ],
}

const buildings: ListBuilding[] = [
  { id: 'b10', name: '10号', order: 2 },
  { id: 'b2', name: '2号', order: 1 },
  { id: 'b1', name: '1号', order: 0 },
]

let n = 0
function order(buildingId: string, room: string, q: Record<string, number>, extra: Partial<OrderDoc> = {}): OrderDoc {
  n++
  const lines = Object.entries(q).map(([itemId, qty]) => {
    const it = buy.items.find((i) => i.id === itemId)!
    return { itemId, qty, name: it.name, spec: it.spec, unit: it.unit, packSize: it.packSize, price: it.price }
  })
  return {
    _id: `buy1:h-${buildingId}-${room}`,
    buyId: 'buy1',
    communityId: 'c1',
    groupId: 'g1',
    buildingId,
    householdId: `h-${buildingId}-${room}`,
    room,
    floor: 0,
    no: n,
    status: 'active',
    lines,
    total: lines.reduce((s, l) => s + l.qty * l.price, 0),
    by: 'o',
    byName: '某',
    proxy: false,
    notify: [],
    placedAt: at,
    updatedAt: at,
    nonce: 'x',
    requestIds: [],
    payment: { status: 'unpaid', paid: 0, refunds: [] },
    ...extra,
  }
}

const orders: OrderDoc[] = [
  order('b1', '1701', { i1: 2 }),
  order('b10', '201', { i2: 24 }),
  order('b1', '201', { i2: 12, i1: 1 }),
  order('b1', '302', { i3: 1 }, { status: 'cancelled' }),
  order('b2', '101', { i1: 3, i3: 1 }),
  order('b1', '1201', { i1: 0 }),
  order('b1', '12-01', { i3: 1 }),
]
const person = (o: OrderDoc) => ({ name: `户${o.room}`, phone: '' })

describe('rooms in walking order', () => {
  it('compares numbers by value and floors first', () => {
    const rooms = ['1701', '201', '12-01', '1101', '102', '3-1701', '3-201', '2-1701', 'B201', 'B101']
    expect([...rooms].sort(roomOrder)).toEqual([
      '102',
      'B101',
      '201',
      'B201',
      '1101',
      '12-01',
      '1701',
      '2-1701',
      '3-201',
      '3-1701',
    ])
  })
})

describe('units and packs', () => {
  it('names a pack from the spec, or 份', () => {
    expect(packWord({ spec: '12个/箱', unit: '个' })).toBe('箱')
    expect(packWord({ spec: '每板30枚', unit: '枚' })).toBe('板')
    expect(packWord({ spec: '约2.5斤', unit: '斤' })).toBe('份')
    expect(packWord({ spec: '500g/袋', unit: '袋' })).toBe('份')
  })
  it('writes 「2箱（24个）」 for packs and 「3袋」 for single units', () => {
    expect(qtyText(buy.items[1]!, 24)).toBe('2箱（24个）')
    expect(qtyText(buy.items[0]!, 3)).toBe('3袋')
  })
})

describe('purchase list', () => {
  it('totals active orders per item and spec, every item listed', () => {
    expect(purchaseList(buy, orders).map((r) => [r.itemId, r.qty, r.packs, r.amount, r.households])).toEqual([
      ['i1', 6, 6, 2100, 3],
      ['i2', 36, 3, 3600, 2],
      ['i3', 2, 2, 12000, 2],
    ])
  })
  it('summarizes per building in the community’s order', () => {
    const s = summarize(buy, orders, buildings)
    expect(s.buildings).toEqual([
      { buildingId: 'b1', households: 3, pieces: 5, amount: 8250 },
      { buildingId: 'b2', households: 1, pieces: 4, amount: 1050 + 6000 },
      { buildingId: 'b10', households: 1, pieces: 2, amount: 2400 },
    ])
    expect(s).toMatchObject({ households: 5, pieces: 11, amount: 2100 + 3600 + 12000 })
  })
})

describe('sorting lists', () => {
  const lists = sortingLists(buy, orders, buildings, person)
  it('goes building by building in the community’s order, rooms in walking order', () => {
    expect(lists.map((b) => b.name)).toEqual(['1号', '2号', '10号'])
    expect(lists[0]!.rows.map((r) => r.label)).toEqual(['1-201', '1-12-01', '1-1701'])
  })
  it('writes each household’s items with units and packs, and a total per building', () => {
    const r201 = lists[0]!.rows[0]!
    expect(r201).toMatchObject({ name: '户201', pieces: 2, amount: 350 + 1200 })
    expect(r201.items).toBe('土豆 500g/袋 1袋\n鸡蛋 12个/箱 1箱（12个）')
    expect(lists[0]).toMatchObject({ households: 3, pieces: 5, amount: 350 + 1200 + 6000 + 700 })
    expect(lists[0]!.totals.map((t) => t.text)).toEqual([
      '土豆 500g/袋 3袋',
      '鸡蛋 12个/箱 1箱（12个）',
      '大米 10kg 1袋',
    ])
  })
  it('lists per product → building → room too', () => {
    const eggs = productLists(buy, orders, buildings, person).find((p) => p.itemId === 'i2')!
    expect(eggs.heading).toBe('派送单——鸡蛋 12个/箱（共 3 份）')
    expect(eggs.buildings.map((b) => [b.name, b.rows.map((r) => `${r.label} ${r.text}`), b.text])).toEqual([
      ['1号', ['1-201 1箱（12个）'], '1箱（12个）'],
      ['10号', ['10-201 2箱（24个）'], '2箱（24个）'],
    ])
  })
})

describe('labels', () => {
  const all = labels(buy, orders, buildings, person)
  it('makes one label per piece, building → room → item', () => {
    expect(all).toHaveLength(11)
    expect(all.map((l) => `${l.label} ${l.item} ${l.piece}`).slice(0, 5)).toEqual([
      '1-201 土豆 500g/袋 1袋',
      '1-201 鸡蛋 12个/箱 1箱（12个）',
      '1-12-01 大米 10kg 1袋',
      '1-1701 土豆 500g/袋 1袋',
      '1-1701 土豆 500g/袋 1袋',
    ])
  })
  it('numbers 总i/N over the buy and 本楼j/M over the building, signed by the shop', () => {
    expect(all.map((l) => l.numbering)).toEqual([
      '总1/11(本楼1/5)',
      '总2/11(本楼2/5)',
      '总3/11(本楼3/5)',
      '总4/11(本楼4/5)',
      '总5/11(本楼5/5)',
      '总6/11(本楼1/4)',
      '总7/11(本楼2/4)',
      '总8/11(本楼3/4)',
      '总9/11(本楼4/4)',
      '总10/11(本楼1/2)',
      '总11/11(本楼2/2)',
    ])
    expect(new Set(all.map((l) => l.organiser))).toEqual(new Set(['鲜丰果蔬']))
  })
  it('never drops an order whose building is gone: it comes last', () => {
    const gone = labels(buy, [...orders, order('bx', '101', { i1: 1 })], buildings, person)
    expect(gone.at(-1)).toMatchObject({ buildingId: 'bx', numbering: '总12/12(本楼1/1)' })
  })
})

describe('goods sold by weight', () => {
  const weighed: Pick<BuyDoc, 'items' | 'shopName' | 'organiser'> = {
    ...buy,
    items: [
      { id: 'w1', name: '猪肉', spec: '前腿肉', unit: '斤', packSize: 1, price: 1500 },
      { id: 'w2', name: '鸡蛋', spec: '12个/箱', unit: '个', packSize: 12, price: 100 },
    ],
  }
  const line = (itemId: string, qty: number) => {
    const it = weighed.items.find((i) => i.id === itemId)!
    return { itemId, qty, name: it.name, spec: it.spec, unit: it.unit, packSize: it.packSize, price: it.price }
  }
  const o = { ...order('b1', '201', {}), lines: [line('w1', 3), line('w2', 24)] }

  it('hand over one bag per household whatever the weight; counted goods one piece per pack', () => {
    const all = labels(weighed, [o], buildings, person)
    expect(all.map((l) => [l.item, l.piece, l.numbering])).toEqual([
      ['猪肉 前腿肉', '3斤', '总1/3(本楼1/3)'],
      ['鸡蛋 12个/箱', '1箱（12个）', '总2/3(本楼2/3)'],
      ['鸡蛋 12个/箱', '1箱（12个）', '总3/3(本楼3/3)'],
    ])
    expect(summarize(weighed, [o], buildings).pieces).toBe(3)
  })
})
