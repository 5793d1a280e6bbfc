// Reading 快团团 and 群接龙 exports (fixtures made by test/groupbuy/fixtures/make.ts) and matching their addresses to
// households: exactly one, or a problem with candidates, never a guess.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { readTable } from '../../server/ledger/parse'
import {
  addressMatcher,
  detectFormat,
  matchItems,
  parseCount,
  parseOrderExport,
  parsePackedItems,
  productFromFileName,
  readAddress,
  type ImportBuilding,
  type ImportHousehold,
} from '../../server/groupbuy/imports'
import { isAppError } from '../../server/kernel/errors'

const fixture = async (name: string) => {
  const bytes = readFileSync(path.join(__dirname, 'fixtures', name))
  return parseOrderExport(await readTable(bytes, name), name)
}

const ITEMS = [
  { id: 'i1', name: '土豆', spec: '500g/袋' },
  { id: 'i2', name: '鸡蛋', spec: '12个/箱' },
]

// The households of test/support/community.ts, and a few more places of an estate with lanes and units.
const buildings: ImportBuilding[] = [
  { id: 'b1', name: '1号' },
  { id: 'b2', name: '2号' },
  { id: 'b3', name: '3号' },
  { id: 'l100-3', name: '100弄3号' },
  { id: 'l100-4', name: '100弄4号' },
  { id: 'l102-4', name: '102弄4号' },
  { id: 'b5u1', name: '5号楼1单元' },
  { id: 'b5u2', name: '5号楼2单元' },
]
const h = (buildingId: string, room: string, ...names: string[]): ImportHousehold => ({
  id: `${buildingId}:${room}`,
  buildingId,
  room,
  names,
})
const households: ImportHousehold[] = [
  h('b1', '101', '张三', '李四'),
  h('b1', '102', '王五'),
  h('b1', '201', '赵六'),
  h('b2', '101', '钱七'),
  h('b3', '301', '孙八'),
  h('l100-3', '201', '周一'),
  h('l100-4', '201', '周二'),
  h('l102-4', '201', '吴二'),
  h('b5u1', '1201', '郑三'),
  h('b5u2', '1201', '冯四'),
]
const match = addressMatcher(buildings, households)
const at = (address: string, more: Partial<Parameters<typeof match>[0]> = {}) =>
  match({ address, lane: '', building: '', room: '', name: '', ...more })

describe('formats', () => {
  it('tells the three tools apart by their headers', () => {
    expect(detectFormat(['跟团号', '商品', '规格', '数量', '收货人', '联系电话', '详细地址', '房号', '楼号'])).toBe(
      'ktt-community',
    )
    expect(detectFormat(['跟团号', '商品', '订单金额', '收货人', '联系电话', '详细地址'])).toBe('ktt-plain')
    expect(detectFormat(['收货人', '联系电话', '订单总金额', '支付状态', '收货地址', '订购数量'])).toBe('jielong')
    expect(detectFormat(['楼栋', '房号', '姓名', '电话'])).toBeNull()
  })

  it('refuses a file of none of them', async () => {
    const table = [{ row: 1, cells: ['楼栋', '房号', '姓名'] }]
    expect(() => parseOrderExport(table, 'x.xlsx')).toThrow(/认不出这个表格/)
  })
})

describe('快团团 小区团购', () => {
  it('finds the header under a title, one order per 跟团号, refunded rows skipped', async () => {
    const out = await fixture('快团团-小区团购.xlsx')
    expect(out).toMatchObject({ format: 'ktt-community', headerRow: 2 })
    expect(out.orders.map((o) => [o.row, o.ref, o.name, o.building, o.room])).toEqual([
      [3, '1', '张三', '1', '101'],
      [5, '2', '王五', '1号楼', '102室'],
      [6, '3', '钱七', '二号楼', '101'],
      [7, '4', '路人', '9', '101'],
    ])
    expect(out.orders[0]).toMatchObject({
      items: [
        { name: '土豆', spec: '500g/袋', qty: 2, amount: 700 },
        { name: '鸡蛋', spec: '12个/箱', qty: 1, amount: 1200 },
      ],
      paid: true,
      paidAmount: 1900,
      phone: '13800001111',
      note: '放门口',
    })
    expect(out.skipped).toEqual([{ row: 8, reason: '已全额退款' }])
  })
})

describe('快团团 普通团购', () => {
  it('unpacks `name+qty;` items, specs in brackets or written together', async () => {
    const out = await fixture('快团团-普通团购.xlsx')
    expect(out.format).toBe('ktt-plain')
    expect(out.orders.map((o) => o.items)).toEqual([
      [
        { name: '土豆', spec: '', qty: 2 },
        { name: '鸡蛋', spec: '12个/箱', qty: 1 },
      ],
      [{ name: '土豆500g/袋', spec: '', qty: 3 }],
      [{ name: '鸡蛋', spec: '', qty: 1 }],
    ])
    expect(parsePackedItems('土豆+two;')).toBeNull()
  })

  it('refuses a file with an unreadable quantity, naming its rows', () => {
    const table = [
      { row: 1, cells: ['跟团号', '商品', '收货人', '详细地址'] },
      { row: 2, cells: ['1', '土豆+半', '张三', '1号101'] },
    ]
    try {
      parseOrderExport(table, 'x.xlsx')
      throw new Error('not refused')
    } catch (err) {
      expect(isAppError(err) && err.code).toBe('IMPORT_HAS_ERRORS')
      expect((err as Error).message).toContain('第 2 行')
    }
  })
})

describe('群接龙', () => {
  it('takes the product from the file name, skips the 合计 row, reads 支付状态', async () => {
    const out = await fixture('鸡蛋-群接龙.xlsx')
    expect(out.format).toBe('jielong')
    expect(out.orders.map((o) => [o.name, o.address, o.items[0], o.paid])).toEqual([
      ['张三', '测试小区1号楼101室', { name: '鸡蛋', spec: '', qty: 1, amount: 1200 }, true],
      ['钱七', '2栋101', { name: '鸡蛋', spec: '', qty: 2, amount: 2400 }, false],
      ['孙八', '三号楼 301', { name: '鸡蛋', spec: '', qty: 1, amount: 1200 }, true],
    ])
    expect(out.skipped).toEqual([{ row: 5, reason: '合计行' }])
    expect(productFromFileName('buy-imports/c1/1763600000000-鸡蛋群接龙导出.xlsx')).toBe('鸡蛋')
  })
})

describe('counts', () => {
  it('takes positive whole numbers only', () => {
    expect([parseCount('2'), parseCount('2.0'), parseCount('３份'), parseCount('x2')]).toEqual([2, 2, 3, 2])
    expect([parseCount('0'), parseCount('-1'), parseCount('1.5'), parseCount('两'), parseCount('')]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ])
  })
})

describe('items', () => {
  it('matches by name and spec, written together, or a unique name; the rest are unknown', () => {
    const m = matchItems(
      [
        { name: '土豆', spec: '500g/袋' },
        { name: '土豆500g/袋', spec: '' },
        { name: '鸡蛋', spec: '' },
        { name: '鸡蛋', spec: '30枚/板' },
        { name: '大米', spec: '' },
      ],
      ITEMS,
    )
    expect([...m.byKey.values()]).toEqual(['i1', 'i1', 'i2'])
    expect(m.unknown).toEqual([
      { name: '鸡蛋', spec: '30枚/板' },
      { name: '大米', spec: '' },
    ])
  })
  it('takes a 群接龙 file’s product as the buy’s one item, but only then', () => {
    expect(matchItems([{ name: '团购', spec: '' }], [ITEMS[0]!], 'jielong').byKey.size).toBe(1)
    expect(matchItems([{ name: '团购', spec: '' }], ITEMS, 'jielong').unknown).toHaveLength(1)
  })
})

describe('addresses', () => {
  it('reads the building and room out of free text', () => {
    expect(readAddress('上海市测试区测试路100弄3号201室')).toEqual({ buildings: ['100弄3号', '3号'], room: '201' })
    expect(readAddress('5号楼2单元1201')).toEqual({ buildings: ['5号楼2单元'], room: '1201' })
    expect(readAddress('3-201')).toEqual({ buildings: ['3'], room: '201' })
    expect(readAddress('B座1201')).toEqual({ buildings: ['B座'], room: '1201' })
    expect(readAddress('101室')).toEqual({ buildings: [], room: '101' })
    // Where 3 ends and 1201 begins is not written.
    expect(readAddress('31201')).toBeNull()
    expect(readAddress('测试小区东门')).toBeNull()
  })

  it('matches exactly one household by any spelling of its building', () => {
    expect(at('测试小区1号楼101室').householdId).toBe('b1:101')
    expect(at('三号楼 301').householdId).toBe('b3:301')
    expect(at('2栋101').householdId).toBe('b2:101')
    expect(at('', { building: '二号楼', room: '101室' }).householdId).toBe('b2:101')
    expect(at('测试路100弄3号201室').householdId).toBe('l100-3:201')
    expect(at('', { lane: '102', building: '4', room: '201' }).householdId).toBe('l102-4:201')
    expect(at('5号楼1单元1201').householdId).toBe('b5u1:1201')
    expect(at('', { room: '3-301' }).householdId).toBe('b3:301')
  })

  it('lists what an address could mean when it means several, never picking one', () => {
    const lanes = at('4号201室')
    expect(lanes.householdId).toBeUndefined()
    expect(lanes.problem).toBe('「4号 201」对应到 2 户（100弄4号、102弄4号）')
    expect(lanes.candidates).toEqual(['l100-4:201', 'l102-4:201'])
    // 3号 has no 201, but 100弄3号 has: a candidate, not a match.
    expect(at('3号201室')).toEqual({ problem: '3号没有 201 室', candidates: ['l100-3:201'] })
    const units = at('5号楼1201', { name: '冯四' })
    expect(units.householdId).toBeUndefined()
    // The one whose member has the file's name comes first.
    expect(units.candidates).toEqual(['b5u2:1201', 'b5u1:1201'])
    const noBuilding = at('测试小区101室', { name: '钱七' })
    expect(noBuilding).toEqual({ problem: '地址里看不出是哪栋楼', candidates: ['b2:101', 'b1:101'] })
  })

  it('says what is missing when an address means none', () => {
    expect(at('', { building: '9', room: '101' })).toEqual({
      problem: '本小区没有「9」这栋楼',
      candidates: ['b1:101', 'b2:101'],
    })
    expect(at('1号楼909')).toEqual({ problem: '1号没有 909 室', candidates: [] })
    expect(at('1号楼203')).toEqual({ problem: '1号没有 203 室', candidates: ['b1:201'] })
    expect(at('测试小区东门')).toEqual({ problem: '地址里没有房号', candidates: [] })
  })

  it('falls back to the written address when the form’s columns match nothing', () => {
    expect(at('1号楼102', { building: '9', room: '102' }).householdId).toBe('b1:102')
  })
})
