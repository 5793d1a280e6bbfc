// Conformance: aggregation pipelines through the real wx-server-sdk.
import { startTestCloud, type TestCloud } from '../support/localcloud'
import {
  freshCollection,
  insertInOrder,
  insertMany,
  run,
  type Collection,
  type Command,
  type Db,
  type Doc,
} from './sdk-helpers'

let t: TestCloud
let db: Db
let _: Command
let $: Command['aggregate']
let users: Collection
let orders: Collection

const ORDERS: Doc[] = [
  { _id: 'o1', user: 'u1', amt: 10, qty: 1, tags: ['food', 'fresh'], at: new Date('2024-01-05T10:00:00Z') },
  { _id: 'o2', user: 'u1', amt: 5, qty: 3, tags: ['food'], at: new Date('2024-02-01T10:00:00Z') },
  { _id: 'o3', user: 'u2', amt: 7, qty: 2, tags: [], at: new Date('2024-02-15T10:00:00Z') },
  { _id: 'o4', user: 'u3', amt: 20, qty: 1, tags: ['tool', 'food'], at: new Date('2025-03-01T10:00:00Z') },
  { _id: 'o5', user: 'u2', amt: 8, qty: 4, note: 'Rush order', at: new Date('2025-04-01T10:00:00Z') },
  { _id: 'o6', user: 'u9', amt: 1, qty: 1, tags: ['food'], at: new Date('2025-05-01T10:00:00Z') },
]

beforeAll(async () => {
  t = await startTestCloud()
  db = t.sdk.database()
  _ = db.command
  $ = _.aggregate
  users = await freshCollection(db, 'users')
  orders = await freshCollection(db, 'orders')
  await insertInOrder(users, [
    { _id: 'u1', name: 'Ann', city: 'SH' },
    { _id: 'u2', name: 'Bob', city: 'BJ' },
    { _id: 'u3', name: 'Cid', city: 'SH' },
  ])
  await insertInOrder(orders, ORDERS)
})

afterAll(() => t.stop())

interface SubPipeline {
  match(condition: unknown): SubPipeline
  project(spec: unknown): SubPipeline
  done(): Doc[]
}

const byId = (docs: Doc[]) => [...docs].sort((a, b) => String(a._id).localeCompare(String(b._id)))

describe('$match', () => {
  it('filters by equality', async () => {
    const out = await run(orders.aggregate().match({ user: 'u1' }))
    expect(out.map((d) => d._id)).toEqual(['o1', 'o2'])
  })

  it('filters with query commands', async () => {
    const out = await run(orders.aggregate().match({ amt: _.gte(8), qty: _.lt(4) }))
    expect(out.map((d) => d._id)).toEqual(['o1', 'o4'])
  })

  it('filters with db.RegExp', async () => {
    const out = await run(orders.aggregate().match({ note: db.RegExp({ regexp: '^rush', options: 'i' }) }))
    expect(out.map((d) => d._id)).toEqual(['o5'])
  })

  it('filters with a JS RegExp literal', async () => {
    const out = await run(orders.aggregate().match({ tags: /^fr/ }))
    expect(out.map((d) => d._id)).toEqual(['o1'])
  })

  it('filters on dates', async () => {
    const out = await run(orders.aggregate().match({ at: _.gte(new Date('2025-01-01T00:00:00Z')) }))
    expect(out.map((d) => d._id)).toEqual(['o4', 'o5', 'o6'])
  })

  it('applies a $match after other stages (with MongoDB $mod semantics)', async () => {
    const out = await run(
      orders
        .aggregate()
        .project({ half: $.divide(['$amt', 2]) })
        .match({ half: _.mod(2, 0) }),
    )
    // half = 5, 2.5, 3.5, 10, 4, 0.5: truncated to 5, 2, 3, 10, 4, 0
    expect(out.map((d) => d._id)).toEqual(['o2', 'o4', 'o5', 'o6'])
  })
})

describe('$group', () => {
  const grouped = async (acc: unknown) =>
    Object.fromEntries(
      (
        await run(
          orders
            .aggregate()
            .match({ user: _.in(['u1', 'u2']) })
            .sort({ _id: 1 })
            .group({ _id: '$user', v: acc }),
        )
      ).map((d) => [d._id, d.v]),
    )

  it.each<[string, () => unknown, Record<string, unknown>]>([
    ['sum', () => $.sum('$amt'), { u1: 15, u2: 15 }],
    ['sum of 1 counts', () => $.sum(1), { u1: 2, u2: 2 }],
    ['sum of an expression', () => $.sum($.multiply(['$amt', '$qty'])), { u1: 25, u2: 46 }],
    ['avg', () => $.avg('$qty'), { u1: 2, u2: 3 }],
    ['min', () => $.min('$amt'), { u1: 5, u2: 7 }],
    ['max', () => $.max('$amt'), { u1: 10, u2: 8 }],
    ['push', () => $.push('$amt'), { u1: [10, 5], u2: [7, 8] }],
    ['first', () => $.first('$_id'), { u1: 'o1', u2: 'o3' }],
    ['last', () => $.last('$_id'), { u1: 'o2', u2: 'o5' }],
  ])('%s', async (_name, acc, expected) => {
    expect(await grouped(acc())).toEqual(expected)
  })

  it('addToSet', async () => {
    const out = await run(
      orders
        .aggregate()
        .unwind('$tags')
        .group({ _id: '$user', tags: $.addToSet('$tags') }),
    )
    const tags = Object.fromEntries(out.map((d) => [d._id, [...(d.tags as string[])].sort()]))
    expect(tags).toEqual({ u1: ['food', 'fresh'], u3: ['food', 'tool'], u9: ['food'] })
  })

  it('groups no documents into no records', async () => {
    expect(
      await run(
        orders
          .aggregate()
          .match({ amt: _.gt(1000) })
          .group({ _id: null, n: $.sum(1) }),
      ),
    ).toEqual([])
  })

  it('groups everything with a null key', async () => {
    const out = await run(orders.aggregate().group({ _id: null, total: $.sum('$amt'), n: $.sum(1) }))
    expect(out).toEqual([{ _id: null, total: 51, n: 6 }])
  })

  it('groups by a compound key computed from a date', async () => {
    const out = await run(
      orders
        .aggregate()
        .group({ _id: { year: $.year('$at') }, n: $.sum(1) })
        .sort({ '_id.year': 1 }),
    )
    expect(out).toEqual([
      { _id: { year: 2024 }, n: 3 },
      { _id: { year: 2025 }, n: 3 },
    ])
  })
})

describe('shaping stages', () => {
  it('sorts on several keys', async () => {
    const out = await run(orders.aggregate().sort({ user: -1, amt: 1 }).project({ _id: 1 }))
    expect(out.map((d) => d._id)).toEqual(['o6', 'o4', 'o3', 'o5', 'o2', 'o1'])
  })

  it('skips and limits', async () => {
    const out = await run(orders.aggregate().sort({ amt: -1 }).skip(1).limit(2))
    expect(out.map((d) => d._id)).toEqual(['o1', 'o5'])
  })

  it('projects included and computed fields', async () => {
    const out = await run(
      orders
        .aggregate()
        .match({ _id: 'o2' })
        .project({ _id: 0, user: 1, total: $.multiply(['$amt', '$qty']), label: $.concat(['$user', '-', '$_id']) }),
    )
    expect(out).toEqual([{ user: 'u1', total: 15, label: 'u1-o2' }])
  })

  it('projects by excluding fields', async () => {
    const out = await run(orders.aggregate().match({ _id: 'o3' }).project({ at: 0, tags: 0, qty: 0 }))
    expect(out).toEqual([{ _id: 'o3', user: 'u2', amt: 7 }])
  })

  it('adds fields', async () => {
    const out = await run(
      orders
        .aggregate()
        .match({ _id: 'o1' })
        .addFields({ total: $.multiply(['$amt', '$qty']), ntags: $.size('$tags') })
        .project({ _id: 1, total: 1, ntags: 1 }),
    )
    expect(out).toEqual([{ _id: 'o1', total: 10, ntags: 2 }])
  })

  it('replaces the root', async () => {
    const out = await run(
      orders
        .aggregate()
        .match({ _id: 'o4' })
        .replaceRoot({ newRoot: { who: '$user', much: '$amt' } }),
    )
    expect(out).toEqual([{ who: 'u3', much: 20 }])
  })

  it('unwinds an array field', async () => {
    const out = await run(orders.aggregate().match({ user: 'u1' }).unwind('$tags').project({ tags: 1 }))
    expect(out).toEqual([
      { _id: 'o1', tags: 'food' },
      { _id: 'o1', tags: 'fresh' },
      { _id: 'o2', tags: 'food' },
    ])
  })

  it('unwind drops empty and missing arrays unless asked to keep them', async () => {
    const dropped = await run(orders.aggregate().match({ user: 'u2' }).unwind('$tags'))
    expect(dropped).toEqual([])
    const kept = await run(
      orders
        .aggregate()
        .match({ user: 'u2' })
        .unwind({ path: '$tags', includeArrayIndex: 'i', preserveNullAndEmptyArrays: true })
        .project({ tags: 1, i: 1 }),
    )
    expect(kept).toEqual([
      { _id: 'o3', i: null },
      { _id: 'o5', i: null },
    ])
  })

  it('counts documents', async () => {
    expect(
      await run(
        orders
          .aggregate()
          .match({ amt: _.gt(5) })
          .count('n'),
      ),
    ).toEqual([{ n: 4 }])
  })

  it('count of no documents returns no record', async () => {
    expect(
      await run(
        orders
          .aggregate()
          .match({ amt: _.gt(1000) })
          .count('n'),
      ),
    ).toEqual([])
  })

  it('sorts by count', async () => {
    const out = await run(orders.aggregate().unwind('$tags').sortByCount('$tags'))
    expect(out[0]).toEqual({ _id: 'food', count: 4 })
    expect(byId(out.slice(1))).toEqual([
      { _id: 'fresh', count: 1 },
      { _id: 'tool', count: 1 },
    ])
  })
})

describe('$lookup', () => {
  it('joins another collection by local and foreign field', async () => {
    const out = await run(
      orders
        .aggregate()
        .match({ user: _.in(['u1', 'u9']) })
        .lookup({ from: users.collectionName, localField: 'user', foreignField: '_id', as: 'who' })
        .project({ who: 1 }),
    )
    expect(out).toEqual([
      { _id: 'o1', who: [{ _id: 'u1', name: 'Ann', city: 'SH' }] },
      { _id: 'o2', who: [{ _id: 'u1', name: 'Ann', city: 'SH' }] },
      { _id: 'o6', who: [] },
    ])
  })

  it('joins a missing collection as empty arrays', async () => {
    const out = await run(
      orders
        .aggregate()
        .match({ _id: 'o1' })
        .lookup({ from: 'no_such_collection', localField: 'user', foreignField: '_id', as: 'who' })
        .project({ who: 1 }),
    )
    expect(out).toEqual([{ _id: 'o1', who: [] }])
  })

  it('joins from the other side and aggregates the joined documents', async () => {
    const out = await run(
      users
        .aggregate()
        .lookup({ from: orders.collectionName, localField: '_id', foreignField: 'user', as: 'orders' })
        .project({ _id: 0, name: 1, spent: $.sum('$orders.amt') })
        .sort({ spent: -1 }),
    )
    expect(out).toEqual([
      { name: 'Cid', spent: 20 },
      { name: 'Ann', spent: 15 },
      { name: 'Bob', spent: 15 },
    ])
  })

  it('joins with let and a sub-pipeline', async () => {
    // pipeline() and expr() exist at runtime but are missing from wx-server-sdk's typings.
    const sub = ($ as unknown as { pipeline(): SubPipeline }).pipeline()
    const expr = (_ as unknown as { expr(v: unknown): Doc }).expr(
      $.and([$.eq(['$user', '$$uid']), $.gte(['$amt', 10])]),
    )
    const out = await run(
      users
        .aggregate()
        .match({ city: 'SH' })
        .lookup({
          from: orders.collectionName,
          let: { uid: '$_id' },
          pipeline: sub.match(expr).project({ _id: 1 }).done(),
          as: 'big',
        }),
    )
    expect(out.map((d) => [d._id, d.big])).toEqual([
      ['u1', [{ _id: 'o1' }]],
      ['u3', [{ _id: 'o4' }]],
    ])
  })
})

describe('isolation', () => {
  it('never changes the stored documents of either collection', async () => {
    const before = { users: await run(users.aggregate().limit(100)), orders: await run(orders.aggregate().limit(100)) }
    await run(orders.aggregate().addFields({ 'extra.x': 1, user: 'changed' }).unwind('$tags'))
    await run(
      orders
        .aggregate()
        .lookup({ from: users.collectionName, localField: 'user', foreignField: '_id', as: 'who' })
        .unwind('$who')
        .addFields({ 'who.name': 'changed', 'who.more.x': 1 }),
    )
    await run(users.aggregate().replaceRoot({ newRoot: '$$ROOT' }).addFields({ city: 'changed' }))
    expect(await run(users.aggregate().limit(100))).toEqual(before.users)
    expect(await run(orders.aggregate().limit(100))).toEqual(before.orders)
  })
})

describe('result size', () => {
  let many: Collection
  beforeAll(async () => {
    many = await freshCollection(db, 'many')
    await insertMany(
      many,
      Array.from({ length: 30 }, (_, i) => ({ i })),
    )
  })

  it('returns at most 20 records without a $limit stage', async () => {
    expect(await run(many.aggregate().sort({ i: 1 }))).toHaveLength(20)
    expect(await run(many.aggregate().match({ i: _.gte(0) }))).toHaveLength(20)
  })

  it('honours an explicit $limit above 20', async () => {
    const out = await run(many.aggregate().sort({ i: 1 }).limit(25))
    expect(out.map((d) => d.i)).toEqual(Array.from({ length: 25 }, (_, i) => i))
  })

  it('returns fewer records when fewer match', async () => {
    expect(await run(many.aggregate().match({ i: _.lt(3) }))).toHaveLength(3)
  })
})
