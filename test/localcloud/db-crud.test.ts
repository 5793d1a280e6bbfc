// Conformance: basic document CRUD through the real wx-server-sdk against localcloud.
import { startTestCloud, type TestCloud } from '../support/localcloud'
import {
  count,
  failure,
  freshCollection,
  getDoc,
  ids,
  insertInOrder,
  insertMany,
  list,
  removed,
  updated,
  type Collection,
  type Db,
  type Doc,
} from './sdk-helpers'

let t: TestCloud
let db: Db

beforeAll(async () => {
  t = await startTestCloud()
  db = t.sdk.database()
})

afterAll(() => t.stop())

describe('add', () => {
  let coll: Collection
  beforeEach(async () => {
    coll = await freshCollection(db, 'add')
  })

  it('generates a 32-hex-digit _id when none is given', async () => {
    const res = (await coll.add({ data: { name: 'Ann' } })) as { _id: string; errMsg: string }
    expect(res.errMsg).toBe('collection.add:ok')
    expect(res._id).toMatch(/^[0-9a-f]{32}$/)
    expect(await getDoc(coll.doc(res._id))).toEqual({ _id: res._id, name: 'Ann' })
  })

  it('keeps a given string _id', async () => {
    const res = (await coll.add({ data: { _id: 'user-1', name: 'Bob' } })) as { _id: string }
    expect(res._id).toBe('user-1')
    expect(await getDoc(coll.doc('user-1'))).toEqual({ _id: 'user-1', name: 'Bob' })
  })

  it('generates distinct ids for many documents', async () => {
    const created = await insertInOrder(
      coll,
      Array.from({ length: 30 }, (_, i) => ({ i })),
    )
    expect(new Set(created).size).toBe(30)
    for (const id of created) expect(id).toMatch(/^[0-9a-f]{32}$/)
  })

  it('stores sequential adds in insertion order', async () => {
    await insertInOrder(coll, [
      { _id: 'z', n: 1 },
      { _id: 'a', n: 2 },
      { _id: 'm', n: 3 },
    ])
    expect(await count(coll)).toBe(3)
    expect((await list(coll)).map((d) => d._id)).toEqual(['z', 'a', 'm'])
  })

  it('adds an array of documents in one call', async () => {
    const res = (await coll.add({ data: [{ n: 1 }, { _id: 'two', n: 2 }] as never })) as unknown as { _ids: string[] }
    expect(res._ids).toHaveLength(2)
    expect(res._ids[0]).toMatch(/^[0-9a-f]{32}$/)
    expect(res._ids[1]).toBe('two')
    expect(await count(coll)).toBe(2)
  })

  it('rejects a duplicate _id and keeps the original document', async () => {
    await coll.add({ data: { _id: 'dup', v: 1 } })
    const err = await failure(coll.add({ data: { _id: 'dup', v: 2 } }))
    expect(err.errCode).toBe(-502001)
    expect(err.errMsg).toMatch(/duplicate key/)
    expect(await getDoc(coll.doc('dup'))).toEqual({ _id: 'dup', v: 1 })
  })
})

describe('doc().get()', () => {
  let coll: Collection
  beforeAll(async () => {
    coll = await freshCollection(db, 'docget')
    await coll.add({ data: { _id: 'a', name: 'Ann', age: 30, tags: ['x'] } })
  })

  it('returns the document by _id', async () => {
    const res = (await coll.doc('a').get()) as { data: Doc; errMsg: string }
    expect(res.errMsg).toBe('document.get:ok')
    expect(res.data).toEqual({ _id: 'a', name: 'Ann', age: 30, tags: ['x'] })
  })

  it('rejects with "does not exist" for a missing document', async () => {
    const err = await failure(coll.doc('missing').get())
    expect(err.errMsg).toMatch(/^document\.get:fail .*does not exist/)
  })

  it('applies a field() projection', async () => {
    expect(await getDoc(coll.doc('a').field({ name: true }))).toEqual({ _id: 'a', name: 'Ann' })
  })
})

describe('where().get() paging, order and projection', () => {
  let coll: Collection
  beforeAll(async () => {
    coll = await freshCollection(db, 'paging')
    await insertMany(
      coll,
      Array.from({ length: 130 }, (_, i) => ({ _id: `d${String(i).padStart(3, '0')}`, i, even: i % 2 === 0 })),
    )
  })

  it('returns at most 100 documents without limit()', async () => {
    expect(await list(coll.where({}))).toHaveLength(100)
    expect(await list(coll)).toHaveLength(100)
  })

  it('honours a smaller limit()', async () => {
    expect(await list(coll.where({ even: true }).limit(7))).toHaveLength(7)
  })

  it('skips with skip()', async () => {
    const page = await list(coll.orderBy('i', 'asc').skip(125))
    expect(page.map((d) => d.i)).toEqual([125, 126, 127, 128, 129])
  })

  it('pages through everything with skip()+limit() without gaps or overlaps', async () => {
    const seen: number[] = []
    for (let skip = 0; skip < 130; skip += 40) {
      seen.push(...(await list(coll.orderBy('i', 'desc').skip(skip).limit(40))).map((d) => d.i as number))
    }
    expect(seen).toEqual(Array.from({ length: 130 }, (_, i) => 129 - i))
  })

  it('counts all and matching documents', async () => {
    expect(await count(coll)).toBe(130)
    expect(await count(coll.where({ even: true }))).toBe(65)
    expect(await count(coll.where({ i: 1000 }))).toBe(0)
  })

  it('includes only the projected fields (plus _id)', async () => {
    const [doc] = await list(coll.where({ i: 3 }).field({ i: true }))
    expect(doc).toEqual({ _id: 'd003', i: 3 })
  })

  it('excludes fields with a false projection', async () => {
    const [doc] = await list(coll.where({ i: 4 }).field({ even: false }))
    expect(doc).toEqual({ _id: 'd004', i: 4 })
  })

  it('can exclude _id', async () => {
    const [doc] = await list(coll.where({ i: 5 }).field({ _id: false, i: true }))
    expect(doc).toEqual({ i: 5 })
  })
})

describe('projections and ordering on nested fields', () => {
  let coll: Collection
  beforeAll(async () => {
    coll = await freshCollection(db, 'nestedproj')
    await insertInOrder(coll, [
      {
        _id: 'a',
        p: { city: 'SH', age: 30 },
        items: [
          { k: 1, v: 'x' },
          { k: 2, v: 'y' },
        ],
        arr: [1, 2, 3, 4],
      },
      { _id: 'b', p: { city: 'BJ', age: 20 }, items: [], arr: [] },
      { _id: 'c', p: { city: 'GZ', age: 40 }, items: [{ k: 3, v: 'z' }], arr: [9] },
    ])
  })

  it('projects a dotted path into a nested object', async () => {
    expect(await getDoc(coll.doc('a').field({ 'p.city': true }))).toEqual({ _id: 'a', p: { city: 'SH' } })
  })

  it('projects a field of array elements', async () => {
    expect(await getDoc(coll.doc('a').field({ 'items.k': true }))).toEqual({ _id: 'a', items: [{ k: 1 }, { k: 2 }] })
  })

  it('projects an array slice with command.project.slice', async () => {
    expect(await getDoc(coll.doc('a').field({ arr: db.command.project.slice(2) }))).toMatchObject({ arr: [1, 2] })
    expect(await getDoc(coll.doc('a').field({ arr: db.command.project.slice([1, 2]) }))).toMatchObject({ arr: [2, 3] })
  })

  it('orders by a dotted path', async () => {
    expect((await list(coll.orderBy('p.age', 'desc'))).map((d) => d._id)).toEqual(['c', 'a', 'b'])
  })

  it('rejects a projection mixing inclusion and exclusion', async () => {
    const err = await failure(coll.where({}).field({ p: true, arr: false }).get())
    expect(err.errMsg).toMatch(/^collection\.get:fail/)
  })
})

describe('limit above 1000', () => {
  it('is capped to 1000 documents', async () => {
    const coll = await freshCollection(db, 'big')
    await insertMany(
      coll,
      Array.from({ length: 1005 }, (_, i) => ({ i })),
    )
    expect(await count(coll)).toBe(1005)
    expect(await list(coll.limit(5000))).toHaveLength(1000)
    expect(await list(coll.skip(1000).limit(1000))).toHaveLength(5)
  })
})

describe('orderBy', () => {
  let coll: Collection
  beforeAll(async () => {
    coll = await freshCollection(db, 'order')
    await insertInOrder(coll, [
      { _id: 'p', a: 2, b: 'x' },
      { _id: 'q', a: 1, b: 'y' },
      { _id: 'r', a: 2, b: 'z' },
      { _id: 's', a: 1, b: 'x' },
      { _id: 't', b: 'w' },
    ])
  })

  it('sorts ascending on one key (missing values first)', async () => {
    const order = (await list(coll.orderBy('a', 'asc'))).map((d) => d.a ?? null)
    expect(order).toEqual([null, 1, 1, 2, 2])
  })

  it('sorts descending on one key', async () => {
    const order = (await list(coll.orderBy('b', 'desc'))).map((d) => d.b)
    expect(order).toEqual(['z', 'y', 'x', 'x', 'w'])
  })

  it('uses the first orderBy as the primary key', async () => {
    const byAThenB = await list(
      coll
        .where({ a: db.command.exists(true) })
        .orderBy('a', 'asc')
        .orderBy('b', 'desc'),
    )
    expect(byAThenB.map((d) => d._id)).toEqual(['q', 's', 'r', 'p'])
    const byBThenA = await list(
      coll
        .where({ a: db.command.exists(true) })
        .orderBy('b', 'asc')
        .orderBy('a', 'desc'),
    )
    expect(byBThenA.map((d) => d._id)).toEqual(['p', 's', 'q', 'r'])
  })
})

describe('doc().update() and doc().set()', () => {
  let coll: Collection
  beforeEach(async () => {
    coll = await freshCollection(db, 'upd')
    await coll.add({ data: { _id: 'u', name: 'Ann', profile: { city: 'SH', age: 30, langs: ['zh'] }, n: 1 } })
  })

  it('merges a plain nested object into the document (dotted keys)', async () => {
    expect(await updated(coll.doc('u').update({ data: { profile: { age: 31, job: 'dev' } } }))).toBe(1)
    expect(await getDoc(coll.doc('u'))).toEqual({
      _id: 'u',
      name: 'Ann',
      profile: { city: 'SH', age: 31, langs: ['zh'], job: 'dev' },
      n: 1,
    })
  })

  it('creates missing intermediate objects', async () => {
    await coll.doc('u').update({ data: { extra: { deep: { flag: true } } } })
    expect((await getDoc(coll.doc('u'))).extra).toEqual({ deep: { flag: true } })
  })

  it('replaces an array value rather than merging it', async () => {
    await coll.doc('u').update({ data: { profile: { langs: ['en'] } } })
    expect((await getDoc(coll.doc('u'))).profile).toEqual({ city: 'SH', age: 30, langs: ['en'] })
  })

  it('set() replaces the whole document', async () => {
    const res = (await coll.doc('u').set({ data: { name: 'Bob' } })) as { _id: string; stats: Doc }
    expect(res._id).toBe('u')
    expect(res.stats).toEqual({ updated: 1, created: 0 })
    expect(await getDoc(coll.doc('u'))).toEqual({ _id: 'u', name: 'Bob' })
  })

  it('set() creates a missing document (upsert)', async () => {
    const res = (await coll.doc('new').set({ data: { name: 'Cid', tags: [] } })) as { _id: string; stats: Doc }
    expect(res._id).toBe('new')
    expect(res.stats).toEqual({ updated: 0, created: 1 })
    expect(await getDoc(coll.doc('new'))).toEqual({ _id: 'new', name: 'Cid', tags: [] })
    expect(await count(coll)).toBe(2)
  })
})

describe('where().update() and removal', () => {
  let coll: Collection
  beforeEach(async () => {
    coll = await freshCollection(db, 'multi')
    await insertInOrder(coll, [
      { _id: 'a', group: 1, v: 0 },
      { _id: 'b', group: 1, v: 0 },
      { _id: 'c', group: 2, v: 0 },
    ])
  })

  it('where().update() updates every matching document', async () => {
    expect(await updated(coll.where({ group: 1 }).update({ data: { v: 5 } }))).toBe(2)
    expect((await list(coll.orderBy('_id', 'asc'))).map((d) => d.v)).toEqual([5, 5, 0])
  })

  it('where().update() with no match updates nothing', async () => {
    expect(await updated(coll.where({ group: 9 }).update({ data: { v: 5 } }))).toBe(0)
  })

  it('doc().remove() deletes one document', async () => {
    expect(await removed(coll.doc('b').remove())).toBe(1)
    expect(await ids(coll)).toEqual(['a', 'c'])
    expect((await failure(coll.doc('b').get())).errMsg).toMatch(/does not exist/)
  })

  it('doc().remove() of a missing document removes nothing', async () => {
    expect(await removed(coll.doc('zzz').remove())).toBe(0)
    expect(await count(coll)).toBe(3)
  })

  it('where().remove() deletes every matching document', async () => {
    expect(await removed(coll.where({ group: 1 }).remove())).toBe(2)
    expect(await ids(coll)).toEqual(['c'])
  })

  it('cloud.reset() empties the database between cases', async () => {
    const scratch = await freshCollection(db, 'scratch')
    await scratch.add({ data: { x: 1 } })
    t.cloud.reset()
    expect((await failure(scratch.get())).errCode).toBe(-502005)
    expect((await failure(coll.get())).errCode).toBe(-502005)
  })
})

describe('collections', () => {
  it('createCollection of an existing collection fails', async () => {
    const coll = await freshCollection(db, 'dupcoll')
    const err = await failure(db.createCollection(coll.collectionName))
    expect(err.errMsg).toMatch(/^createCollection:fail .*already exist/)
    expect(err.code).toBe('DATABASE_COLLECTION_ALREADY_EXIST')
  })

  it('a new collection starts empty', async () => {
    const coll = await freshCollection(db, 'empty')
    expect(await list(coll)).toEqual([])
    expect(await count(coll)).toBe(0)
  })

  const missing = () => db.collection('no_such_collection')
  it.each<[string, () => Promise<unknown>]>([
    ['get', () => missing().get() as Promise<unknown>],
    ['where().get', () => missing().where({ a: 1 }).get() as Promise<unknown>],
    ['count', () => missing().count() as Promise<unknown>],
    ['add', () => missing().add({ data: { a: 1 } }) as Promise<unknown>],
    ['doc().get', () => missing().doc('x').get() as Promise<unknown>],
    [
      'doc().update',
      () =>
        missing()
          .doc('x')
          .update({ data: { a: 1 } }) as Promise<unknown>,
    ],
    [
      'doc().set',
      () =>
        missing()
          .doc('x')
          .set({ data: { a: 1 } }) as Promise<unknown>,
    ],
    ['doc().remove', () => missing().doc('x').remove() as Promise<unknown>],
    [
      'where().update',
      () =>
        missing()
          .where({ a: 1 })
          .update({ data: { a: 2 } }) as Promise<unknown>,
    ],
    ['where().remove', () => missing().where({ a: 1 }).remove() as Promise<unknown>],
  ])('%s on a missing collection fails with -502005', async (_name, op) => {
    const err = await failure(op())
    expect(err.errCode).toBe(-502005)
    expect(err.errMsg).toMatch(/database collection not exists/)
  })

  it('aggregate on a missing collection fails with DATABASE_COLLECTION_NOT_EXIST', async () => {
    // wx-server-sdk does not map aggregate errors to numeric codes: errCode stays -1, the server code is kept.
    const err = await failure(missing().aggregate().match({ a: 1 }).end())
    expect(err.code).toBe('DATABASE_COLLECTION_NOT_EXIST')
    expect(err.errMsg).toMatch(/^collection\.aggregate:fail /)
  })
})

describe('value round trips', () => {
  let coll: Collection
  // wx-server-sdk's typings declare serverDate() without the options its runtime accepts.
  const serverDate = (offset: number) => (db.serverDate as unknown as (o: { offset: number }) => unknown)({ offset })
  beforeAll(async () => {
    coll = await freshCollection(db, 'values')
  })

  const roundTrip = async (value: unknown) => {
    const { _id } = (await coll.add({ data: { value } })) as { _id: string }
    return (await getDoc(coll.doc(_id))).value
  }

  it('round-trips a Date as a Date', async () => {
    const when = new Date('2024-02-29T12:34:56.789Z')
    const back = await roundTrip(when)
    expect(back).toBeInstanceOf(Date)
    expect((back as Date).toISOString()).toBe(when.toISOString())
  })

  it('stores db.serverDate() as the server time', async () => {
    const before = t.now()
    const back = await roundTrip(db.serverDate())
    expect(back).toBeInstanceOf(Date)
    expect((back as Date).getTime()).toBeGreaterThanOrEqual(before - 5)
    expect((back as Date).getTime()).toBeLessThanOrEqual(t.now() + 5)
  })

  it('applies the offset of db.serverDate({ offset })', async () => {
    const before = t.now()
    const back = (await roundTrip(serverDate(60 * 60 * 1000))) as Date
    expect(back).toBeInstanceOf(Date)
    expect(back.getTime() - before).toBeGreaterThanOrEqual(3_600_000 - 5)
    expect(back.getTime() - t.now()).toBeLessThanOrEqual(3_600_000 + 5)
  })

  it('sets db.serverDate() in an update', async () => {
    await coll.add({ data: { _id: 'sd', at: null } })
    const before = t.now()
    await coll.doc('sd').update({ data: { at: serverDate(-1000) } })
    const at = (await getDoc(coll.doc('sd'))).at as Date
    expect(at).toBeInstanceOf(Date)
    expect(at.getTime()).toBeGreaterThanOrEqual(before - 1005)
    expect(at.getTime()).toBeLessThanOrEqual(t.now() - 995)
  })

  it('resolves db.serverDate() inside a query', async () => {
    const due = await freshCollection(db, 'due')
    const now = t.now()
    await insertInOrder(due, [
      { _id: 'past', at: new Date(now - 60_000) },
      { _id: 'soon', at: new Date(now + 60_000) },
      { _id: 'later', at: new Date(now + 3_600_000) },
    ])
    expect(await ids(due.where({ at: db.command.lt(db.serverDate()) }))).toEqual(['past'])
    const inTwoMinutes = serverDate(120_000)
    expect(await ids(due.where({ at: db.command.lt(inTwoMinutes) }))).toEqual(['past', 'soon'])
  })

  it('compares Date values in queries', async () => {
    const dates = await freshCollection(db, 'dates')
    await insertInOrder(dates, [
      { _id: 'old', at: new Date('2020-01-01T00:00:00Z') },
      { _id: 'new', at: new Date('2030-01-01T00:00:00Z') },
    ])
    expect(await ids(dates.where({ at: db.command.gt(new Date('2025-01-01T00:00:00Z')) }))).toEqual(['new'])
    expect(await ids(dates.where({ at: new Date('2020-01-01T00:00:00Z') }))).toEqual(['old'])
  })

  it.each<[string, unknown]>([
    ['a nested object', { a: { b: { c: 'deep' } }, list: [1, 2] }],
    ['an array of objects', [{ k: 1 }, { k: 2, sub: [{ z: true }] }]],
    ['nested arrays', [[1, 2], [], [['x']]]],
    ['dates inside objects and arrays', { at: new Date('2001-02-03T04:05:06.007Z'), list: [new Date(0)] }],
    ['an empty object', {}],
    ['an empty array', []],
    ['null', null],
    ['booleans', [true, false]],
    ['unicode text', '邻里接力 🚀 naïve'],
    ['an empty string', ''],
    ['keys with spaces and unicode', { 'with space': 1, 中文: 2 }],
  ])('round-trips %s', async (_name, value) => {
    expect(await roundTrip(value)).toEqual(value)
  })

  it.each<[string, number]>([
    ['zero', 0],
    ['a small int', 42],
    ['a negative int', -7],
    ['the int32 maximum', 2147483647],
    ['an int beyond int32', 2 ** 40],
    ['the largest safe integer', Number.MAX_SAFE_INTEGER],
    ['a double', 1.5],
    ['a negative double', -0.25],
    ['an inexact double', 0.1 + 0.2],
    ['a tiny double', 5e-324],
    ['a huge double', 1.7976931348623157e308],
  ])('round-trips %s exactly', async (_name, value) => {
    const back = await roundTrip(value)
    expect(typeof back).toBe('number')
    expect(back).toBe(value)
  })

  it('compares ints and doubles numerically', async () => {
    const nums = await freshCollection(db, 'nums')
    await insertInOrder(nums, [
      { _id: 'i1', n: 1 },
      { _id: 'd15', n: 1.5 },
      { _id: 'i2', n: 2 },
      { _id: 'd25', n: 2.5 },
      { _id: 'big', n: 2 ** 40 },
    ])
    expect(await ids(nums.where({ n: db.command.gt(1.2).and(db.command.lt(2.2)) }))).toEqual(['d15', 'i2'])
    expect((await list(nums.orderBy('n', 'desc'))).map((d) => d._id)).toEqual(['big', 'd25', 'i2', 'd15', 'i1'])
    expect(await ids(nums.where({ n: 2.0 }))).toEqual(['i2'])
  })

  it('keeps int and double arithmetic exact through inc', async () => {
    await coll.add({ data: { _id: 'arith', i: 10, d: 0.5 } })
    await coll.doc('arith').update({ data: { i: db.command.inc(5), d: db.command.inc(0.25) } })
    const doc = await getDoc(coll.doc('arith'))
    expect(doc.i).toBe(15)
    expect(doc.d).toBe(0.75)
  })
})
