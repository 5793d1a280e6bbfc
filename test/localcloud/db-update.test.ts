// Conformance: update commands (db.command.*) through the real wx-server-sdk, with MongoDB semantics.
import { startTestCloud, type TestCloud } from '../support/localcloud'
import {
  failure,
  freshCollection,
  getDoc,
  insertInOrder,
  list,
  updated,
  type Collection,
  type Command,
  type Db,
  type Doc,
} from './sdk-helpers'

let t: TestCloud
let db: Db
let _: Command

beforeAll(async () => {
  t = await startTestCloud()
  db = t.sdk.database()
  _ = db.command
})

afterAll(() => t.stop())

type Update = (cmd: Command) => Doc

/** Insert `initial` as document `x` of a new collection, update it with `data`, return the count and the result. */
async function apply(initial: Doc, data: Doc): Promise<{ count: number; doc: Doc; coll: Collection }> {
  const coll = await freshCollection(db, 'upd')
  await coll.add({ data: { _id: 'x', ...initial } })
  const count = await updated(coll.doc('x').update({ data }))
  const { _id, ...doc } = await getDoc(coll.doc('x'))
  expect(_id).toBe('x')
  return { count, doc, coll }
}

const rows = (r: [string, Doc, Update, Doc, number?][]) => r

describe('field update commands', () => {
  it.each(
    rows([
      ['set replaces a nested object', { o: { a: 0, b: 2 } }, (c) => ({ o: c.set({ a: 1 }) }), { o: { a: 1 } }],
      ['a plain nested object merges instead', { o: { a: 0, b: 2 } }, () => ({ o: { a: 1 } }), { o: { a: 1, b: 2 } }],
      ['set replaces an array', { arr: [1] }, (c) => ({ arr: c.set([2, 3]) }), { arr: [2, 3] }],
      ['set with an empty object', { o: { a: 1 } }, (c) => ({ o: c.set({}) }), { o: {} }],
      ['set on a dotted path', { o: { a: 0, b: 2 } }, (c) => ({ 'o.b': c.set(5) }), { o: { a: 0, b: 5 } }],
      ['a field set to null', { a: 1 }, () => ({ a: null }), { a: null }],
      ['remove deletes a field', { a: 1, b: 2 }, (c) => ({ a: c.remove() }), { b: 2 }],
      ['remove on a dotted path', { o: { a: 1, b: 2 } }, (c) => ({ 'o.a': c.remove() }), { o: { b: 2 } }],
      ['remove inside a nested object', { o: { a: 1, b: 2 } }, (c) => ({ o: { b: c.remove() } }), { o: { a: 1 } }],
      ['remove of a missing field changes nothing', { a: 1 }, (c) => ({ zz: c.remove() }), { a: 1 }, 0],
      ['inc', { n: 1 }, (c) => ({ n: c.inc(2) }), { n: 3 }],
      ['inc by a negative number', { n: 1 }, (c) => ({ n: c.inc(-5) }), { n: -4 }],
      ['inc by a double', { n: 1 }, (c) => ({ n: c.inc(0.5) }), { n: 1.5 }],
      ['inc of a missing field starts at 0', { a: 1 }, (c) => ({ m: c.inc(3) }), { a: 1, m: 3 }],
      ['inc inside a nested object', { o: { n: 1, k: 'x' } }, (c) => ({ o: { n: c.inc(1) } }), { o: { n: 2, k: 'x' } }],
      ['mul', { n: 3 }, (c) => ({ n: c.mul(4) }), { n: 12 }],
      ['mul of a missing field gives 0', { a: 1 }, (c) => ({ m: c.mul(4) }), { a: 1, m: 0 }],
      ['min applies a lower value', { n: 5 }, (c) => ({ n: c.min(3) }), { n: 3 }],
      ['min ignores a higher value', { n: 5 }, (c) => ({ n: c.min(8) }), { n: 5 }, 0],
      ['max applies a higher value', { n: 5 }, (c) => ({ n: c.max(8) }), { n: 8 }],
      ['max ignores a lower value', { n: 5 }, (c) => ({ n: c.max(3) }), { n: 5 }, 0],
      ['max of a missing field sets it', { a: 1 }, (c) => ({ m: c.max(3) }), { a: 1, m: 3 }],
      ['rename', { a: 1, b: 2 }, (c) => ({ a: c.rename('z') }), { b: 2, z: 1 }],
      ['rename a nested field', { o: { a: 1 } }, (c) => ({ 'o.a': c.rename('o.z') }), { o: { z: 1 } }],
      ['rename of a missing field changes nothing', { a: 1 }, (c) => ({ zz: c.rename('yy') }), { a: 1 }, 0],
      ['bit and', { n: 13 }, (c) => ({ n: c.bit({ and: 10 } as never) }), { n: 8 }],
      ['an array element by index', { arr: [1, 2, 3] }, () => ({ 'arr.1': 9 }), { arr: [1, 9, 3] }],
      ['an index past the end pads with null', { arr: [1, 2] }, () => ({ 'arr.3': 9 }), { arr: [1, 2, null, 9] }],
      [
        'setting the same value changes nothing',
        { a: 1, o: { b: 2 } },
        () => ({ a: 1, o: { b: 2 } }),
        { a: 1, o: { b: 2 } },
        0,
      ],
      [
        'several commands at once',
        { a: 1, arr: [1], o: { x: 1 }, gone: true },
        (c) => ({ a: c.inc(1), arr: c.push(2), o: { y: 2 }, gone: c.remove() }),
        { a: 2, arr: [1, 2], o: { x: 1, y: 2 } },
      ],
    ]),
  )('%s', async (_name, initial, data, expected, count = 1) => {
    const res = await apply(initial, data(_))
    expect(res.doc).toEqual(expected)
    expect(res.count).toBe(count)
  })
})

describe('array update commands', () => {
  it.each(
    rows([
      ['push one value', { arr: [1] }, (c) => ({ arr: c.push(2) }), { arr: [1, 2] }],
      ['push several values', { arr: [1] }, (c) => ({ arr: c.push([2, 3]) }), { arr: [1, 2, 3] }],
      ['push an object', { arr: [] }, (c) => ({ arr: c.push({ k: 1 }) }), { arr: [{ k: 1 }] }],
      ['push to a missing field creates the array', { a: 1 }, (c) => ({ arr: c.push(1) }), { a: 1, arr: [1] }],
      ['push at a position', { arr: [1, 2] }, (c) => ({ arr: c.push({ each: [9], position: 1 }) }), { arr: [1, 9, 2] }],
      ['push with slice', { arr: [1, 2] }, (c) => ({ arr: c.push({ each: [3, 4], slice: -3 }) }), { arr: [2, 3, 4] }],
      ['push with sort', { arr: [3, 1] }, (c) => ({ arr: c.push({ each: [2], sort: 1 }) }), { arr: [1, 2, 3] }],
      [
        'push with sort by a subfield',
        { arr: [{ s: 2 }, { s: 1 }] },
        (c) => ({ arr: c.push({ each: [{ s: 3 }], sort: { s: -1 } }) }),
        { arr: [{ s: 3 }, { s: 2 }, { s: 1 }] },
      ],
      [
        'push with sort and slice keeps the top N',
        { top: [5, 9] },
        (c) => ({ top: c.push({ each: [7], sort: -1, slice: 2 }) }),
        { top: [9, 7] },
      ],
      ['pop removes the last element', { arr: [1, 2, 3] }, (c) => ({ arr: c.pop() }), { arr: [1, 2] }],
      ['shift removes the first element', { arr: [1, 2, 3] }, (c) => ({ arr: c.shift() }), { arr: [2, 3] }],
      ['unshift prepends values', { arr: [3] }, (c) => ({ arr: c.unshift([1, 2]) }), { arr: [1, 2, 3] }],
      ['pull a value (every occurrence)', { arr: [1, 2, 1, 3] }, (c) => ({ arr: c.pull(1) }), { arr: [2, 3] }],
      ['pull with a condition', { arr: [1, 5, 10] }, (c) => ({ arr: c.pull(c.gte(5)) }), { arr: [1] }],
      ['pull with in', { arr: [1, 2, 3, 4] }, (c) => ({ arr: c.pull(c.in([1, 3])) }), { arr: [2, 4] }],
      [
        'pull objects matching a condition',
        {
          arr: [
            { k: 1, v: 'a' },
            { k: 2, v: 'b' },
          ],
        },
        (c) => ({ arr: c.pull({ k: 1 }) }),
        { arr: [{ k: 2, v: 'b' }] },
      ],
      ['pull of an absent value changes nothing', { arr: [1, 2] }, (c) => ({ arr: c.pull(7) }), { arr: [1, 2] }, 0],
      [
        'pull with a regex',
        { arr: ['apple', 'avocado', 'banana'] },
        (c) => ({ arr: c.pull(/^a/) }),
        { arr: ['banana'] },
      ],
      ['pull with mod', { arr: [1, 2, 3, 4.5] }, (c) => ({ arr: c.pull(c.mod(2, 0)) }), { arr: [1, 3] }],
      ['pullAll', { arr: [1, 2, 3, 1] }, (c) => ({ arr: c.pullAll([1, 3]) }), { arr: [2] }],
      ['addToSet a new value', { arr: [1, 2] }, (c) => ({ arr: c.addToSet(3) }), { arr: [1, 2, 3] }],
      ['addToSet an existing value', { arr: [1, 2] }, (c) => ({ arr: c.addToSet(2) }), { arr: [1, 2] }, 0],
      ['addToSet with each', { arr: [1, 2] }, (c) => ({ arr: c.addToSet({ each: [2, 3, 4] }) }), { arr: [1, 2, 3, 4] }],
      [
        'addToSet an existing object',
        { arr: [{ a: 1 }] },
        (c) => ({ arr: c.addToSet({ a: 1 }) }),
        { arr: [{ a: 1 }] },
        0,
      ],
      ['addToSet to a missing field', { a: 1 }, (c) => ({ arr: c.addToSet('x') }), { a: 1, arr: ['x'] }],
    ]),
  )('%s', async (_name, initial, data, expected, count = 1) => {
    const res = await apply(initial, data(_))
    expect(res.doc).toEqual(expected)
    expect(res.count).toBe(count)
  })
})

describe('type errors fail the update like MongoDB', () => {
  it.each(
    rows([
      ['inc on a string', { s: 'a' }, (c) => ({ s: c.inc(1) }), { s: 'a' }],
      ['inc on null', { s: null }, (c) => ({ s: c.inc(1) }), { s: null }],
      ['mul on a string', { s: 'a' }, (c) => ({ s: c.mul(2) }), { s: 'a' }],
      ['push on a non-array', { s: 'a' }, (c) => ({ s: c.push(1) }), { s: 'a' }],
      ['addToSet on a non-array', { s: 1 }, (c) => ({ s: c.addToSet(1) }), { s: 1 }],
      ['pull on a non-array', { s: 'a' }, (c) => ({ s: c.pull('a') }), { s: 'a' }],
      ['pop on a non-array', { s: 'a' }, (c) => ({ s: c.pop() }), { s: 'a' }],
      ['a dotted path through a scalar', { a: 1 }, () => ({ 'a.b': 2 }), { a: 1 }],
      ['a nested object merged into null', { o: null }, () => ({ o: { a: 1 } }), { o: null }],
      ['a field path into an array', { items: [{ k: 1 }] }, () => ({ 'items.k': 2 }), { items: [{ k: 1 }] }],
      ['rename onto a path through a scalar', { a: 1, b: 2 }, (c) => ({ a: c.rename('b.c') }), { a: 1, b: 2 }],
      [
        'one bad field fails the other fields too',
        { n: 1, s: 'a' },
        (c) => ({ n: c.inc(1), s: c.inc(1) }),
        { n: 1, s: 'a' },
      ],
    ]),
  )('%s', async (_name, initial, data, unchanged) => {
    const coll = await freshCollection(db, 'typeerr')
    await coll.add({ data: { _id: 'x', ...initial } })
    const err = await failure(coll.doc('x').update({ data: data(_) }))
    expect(err.errCode).toBe(-502001)
    expect(await getDoc(coll.doc('x'))).toEqual({ _id: 'x', ...unchanged })
  })

  it('a where().update() that meets a bad document fails', async () => {
    const coll = await freshCollection(db, 'typeerr')
    await insertInOrder(coll, [
      { _id: 'a', g: 1, n: 1 },
      { _id: 'b', g: 1, n: 'x' },
    ])
    const err = await failure(coll.where({ g: 1 }).update({ data: { n: _.inc(1) } }))
    expect(err.errCode).toBe(-502001)
    // MongoDB's multi-update is not atomic, so only the bad document's state is certain.
    expect(await getDoc(coll.doc('b'))).toEqual({ _id: 'b', g: 1, n: 'x' })
  })
})

describe('positional updates', () => {
  let coll: Collection
  beforeEach(async () => {
    coll = await freshCollection(db, 'pos')
    await insertInOrder(coll, [
      {
        _id: 'x',
        items: [
          { k: 1, v: 0 },
          { k: 2, v: 0 },
          { k: 2, v: 0 },
        ],
        scores: [5, 7, 5],
      },
      { _id: 'y', items: [{ k: 2, v: 0 }], scores: [1] },
      { _id: 'z', items: [{ k: 3, v: 0 }], scores: [5] },
    ])
  })

  const items = async () =>
    Object.fromEntries((await list(coll.orderBy('_id', 'asc'))).map((d) => [d._id, d.items])) as Record<string, Doc[]>

  it('$ updates the first array element matched by the query', async () => {
    expect(await updated(coll.where({ 'items.k': 2 }).update({ data: { 'items.$.v': 9 } }))).toBe(2)
    expect(await items()).toEqual({
      x: [
        { k: 1, v: 0 },
        { k: 2, v: 9 },
        { k: 2, v: 0 },
      ],
      y: [{ k: 2, v: 9 }],
      z: [{ k: 3, v: 0 }],
    })
  })

  it('$ works with elemMatch and an update command', async () => {
    await coll.where({ items: _.elemMatch({ k: 1 }) }).update({ data: { 'items.$.v': _.inc(5) } })
    expect((await items()).x?.[0]).toEqual({ k: 1, v: 5 })
  })

  it('$ on an array of scalars', async () => {
    expect(await updated(coll.where({ scores: 5 }).update({ data: { 'scores.$': 6 } }))).toBe(2)
    expect((await list(coll.orderBy('_id', 'asc'))).map((d) => d.scores)).toEqual([[6, 7, 5], [1], [6]])
  })

  it('$ needs the array in the query: doc().update() with $ fails and changes nothing', async () => {
    const err = await failure(coll.doc('x').update({ data: { 'items.$.v': 9 } }))
    expect(err.errCode).toBe(-502001)
    expect((await items()).x?.map((i) => i.v)).toEqual([0, 0, 0])
  })

  it('$[] updates every element', async () => {
    await coll.where({ _id: 'x' }).update({ data: { 'items.$[].v': 1 } })
    expect((await items()).x?.map((i) => i.v)).toEqual([1, 1, 1])
  })
})

describe('update results and _id', () => {
  it('doc().update() of a missing document reports 0 updated and creates nothing', async () => {
    const coll = await freshCollection(db, 'miss')
    expect(await updated(coll.doc('nope').update({ data: { a: 1 } }))).toBe(0)
    expect(await list(coll)).toEqual([])
  })

  it('a no-op update reports 0 updated', async () => {
    const { coll } = await apply({ a: 1 }, { a: 2 })
    expect(await updated(coll.doc('x').update({ data: { a: 2 } }))).toBe(0)
    expect(await updated(coll.where({ a: 2 }).update({ data: { a: 2 } }))).toBe(0)
  })

  it('where().update() counts only documents that changed', async () => {
    const coll = await freshCollection(db, 'changed')
    await insertInOrder(coll, [
      { _id: 'a', g: 1, v: 1 },
      { _id: 'b', g: 1, v: 2 },
      { _id: 'c', g: 2, v: 1 },
    ])
    expect(await updated(coll.where({ g: 1 }).update({ data: { v: 2 } }))).toBe(1)
    expect(await updated(coll.where({ v: _.gte(1) }).update({ data: { v: _.inc(1) } }))).toBe(3)
  })

  it.each<[string, (coll: Collection) => unknown]>([
    ['doc().update()', (coll) => coll.doc('x').update({ data: { _id: 'y' } })],
    ['doc().set()', (coll) => coll.doc('x').set({ data: { _id: 'y', a: 1 } })],
    ['where().update()', (coll) => coll.where({ a: 1 }).update({ data: { _id: 'y' } })],
    ['an update command on _id', (coll) => coll.doc('x').update({ data: { _id: _.set('y') } })],
  ])('_id cannot be changed by %s', async (_name, op) => {
    const coll = await freshCollection(db, 'id')
    await coll.add({ data: { _id: 'x', a: 1 } })
    const err = await failure(op(coll))
    expect(err.errCode).toBe(-501007)
    expect(await getDoc(coll.doc('x'))).toEqual({ _id: 'x', a: 1 })
  })

  it('_id cannot be changed by renaming another field onto it', async () => {
    const coll = await freshCollection(db, 'id')
    await coll.add({ data: { _id: 'x', other: 'y' } })
    const err = await failure(coll.doc('x').update({ data: { other: _.rename('_id') } }))
    expect(err.errCode).toBe(-502001)
    expect(err.errMsg).toMatch(/immutable field '_id'/)
    expect(await getDoc(coll.doc('x'))).toEqual({ _id: 'x', other: 'y' })
  })
})
