// What a delivery prints, as plain data: a building's bags in the order a volunteer walks the rooms, a transport
// volunteer's trips in order, a door-team member's buildings with the rest of each team, names as shown.
import { buildingLists, doorLists, transportLists } from '../../server/delivery/lists'

const names = new Map([
  ['b1', '1号'],
  ['b2', '2号'],
  ['b3', '3号'],
])
const order = new Map([
  ['b1', { name: '1号', order: 0 }],
  ['b2', { name: '2号', order: 1 }],
  ['b3', { name: '3号', order: 2 }],
])
const show = (n: string) => `[${n}]`

const part = (buildingId: string, o: number, door: [string, string][], extra = {}) => ({
  buildingId,
  order: o,
  households: 2,
  pieces: 3,
  door: door.map(([openid]) => openid),
  doorNames: door.map(([, name]) => name),
  transportNames: ['孙八'],
  ...extra,
})
const stop = (buildingId: string, room: string, pieces: number) => ({
  buildingId,
  householdId: `h-${buildingId}-${room}`,
  room,
  label: `${names.get(buildingId)?.replace('号', '')}-${room}`,
  items: '土豆 500g/袋×2、鸡蛋 12个/箱×1',
  pieces,
})

describe('buildingLists', () => {
  it('lists each building in the community’s order, rooms as walked, numbered, with totals and names shown', () => {
    const lists = buildingLists(
      [part('b2', 1, [['o-b', '钱七']]), part('b1', 0, [['o-a', '张三']])],
      [stop('b1', '1001', 1), stop('b2', '101', 2), stop('b1', '201', 3), stop('b1', '2-101', 1), stop('b1', '101', 2)],
      names,
      show,
    )
    expect(lists.map((b) => b.name)).toEqual(['1号', '2号'])
    const b1 = lists[0]
    expect(b1?.rows.map((r) => [r.no, r.label])).toEqual([
      [1, '1-101'],
      [2, '1-201'],
      [3, '1-1001'],
      [4, '1-2-101'],
    ])
    expect(b1).toMatchObject({ households: 4, pieces: 7, door: ['[张三]'], transport: ['[孙八]'] })
    expect(b1?.rows[0]?.items).toEqual(['土豆 500g/袋×2', '鸡蛋 12个/箱×1'])
  })
})

describe('transportLists', () => {
  const trip = (openid: string, name: string, no: number, stops: [string, number][]) => ({
    openid,
    volunteerName: name,
    no,
    stops: stops.map(([buildingId, bags]) => ({ buildingId, bags, pieces: bags * 2 })),
    bags: stops.reduce((n, [, b]) => n + b, 0),
  })

  it('puts each volunteer’s trips in order, the volunteers by the first building they take', () => {
    const lists = transportLists(
      [
        trip('o-2', '李四', 2, [['b3', 5]]),
        trip('o-1', '王五', 1, [['b2', 4]]),
        trip('o-2', '李四', 1, [
          ['b1', 3],
          ['b2', 1],
        ]),
      ],
      order,
      show,
    )
    expect(lists.map((v) => [v.openid, v.name])).toEqual([
      ['o-2', '[李四]'],
      ['o-1', '[王五]'],
    ])
    expect(lists[0]?.trips.map((x) => [x.no, x.stops.map((s) => s.name)])).toEqual([
      [1, ['1号', '2号']],
      [2, ['3号']],
    ])
    expect(lists[0]).toMatchObject({ bags: 9, pieces: 18 })
  })
})

describe('doorLists', () => {
  it('gives each member their buildings, with the rest of each team beside them', () => {
    const lists = doorLists(
      [
        part('b3', 2, [['o-a', '张三']]),
        part('b1', 0, [
          ['o-a', '张三'],
          ['o-b', '钱七'],
        ]),
      ],
      names,
      show,
    )
    expect(lists.map((p) => p.name)).toEqual(['[张三]', '[钱七]'])
    expect(lists[0]?.buildings.map((b) => [b.name, b.with])).toEqual([
      ['1号', ['[钱七]']],
      ['3号', []],
    ])
    expect(lists[0]).toMatchObject({ households: 4, pieces: 6 })
    expect(lists[1]?.buildings.map((b) => [b.name, b.with])).toEqual([['1号', ['[张三]']]])
  })
})
