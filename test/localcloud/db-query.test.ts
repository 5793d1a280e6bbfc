// Conformance: query commands (db.command.*) and regexes through the real wx-server-sdk, with MongoDB semantics.
import { startTestCloud, type TestCloud } from '../support/localcloud'
import {
  count,
  freshCollection,
  ids,
  insertInOrder,
  list,
  type Collection,
  type Command,
  type Db,
  type Doc,
} from './sdk-helpers'

let t: TestCloud
let db: Db
let _: Command
let coll: Collection

const FIXTURE: Doc[] = [
  {
    _id: 'a',
    n: 1,
    s: 'apple',
    tags: ['red', 'fruit'],
    nested: { x: 1, y: { z: 'deep' } },
    items: [
      { k: 1, v: 'a' },
      { k: 2, v: 'b' },
    ],
    flag: true,
  },
  { _id: 'b', n: 2, s: 'Banana', tags: ['yellow', 'fruit'], nested: { x: 2 }, items: [{ k: 2, v: 'c' }], flag: false },
  { _id: 'c', n: 3, s: 'cherry', tags: ['red'], nested: { x: 3, y: { z: 'other' } }, items: [], opt: null },
  {
    _id: 'd',
    n: 4.5,
    s: 'date',
    tags: [],
    items: [
      { k: 3, v: 'd' },
      { k: 1, v: 'e' },
    ],
  },
  { _id: 'e', s: 'Elder', tags: ['green', 'herb', 'fruit'], opt: 0 },
  { _id: 'f', n: null, s: 'fig\nleaf', tags: ['green'], opt: '' },
  { _id: 'g', n: -3, s: 'grape', tags: 'purple', scores: [5, 15, 25] },
]

beforeAll(async () => {
  t = await startTestCloud()
  db = t.sdk.database()
  _ = db.command
  coll = await freshCollection(db, 'query')
  await insertInOrder(coll, FIXTURE)
})

afterAll(() => t.stop())

type Condition = (cmd: Command, database: Db) => Record<string, unknown> | ReturnType<Command['or']>

const cases = (rows: [string, Condition, string[]][]) => rows

describe('comparison commands', () => {
  it.each(
    cases([
      ['eq', (c) => ({ n: c.eq(2) }), ['b']],
      ['plain equality', () => ({ s: 'apple' }), ['a']],
      ['eq null (null or missing)', (c) => ({ n: c.eq(null) }), ['e', 'f']],
      ['neq (includes missing)', (c) => ({ n: c.neq(2) }), ['a', 'c', 'd', 'e', 'f', 'g']],
      ['lt', (c) => ({ n: c.lt(3) }), ['a', 'b', 'g']],
      ['lte', (c) => ({ n: c.lte(3) }), ['a', 'b', 'c', 'g']],
      ['gt', (c) => ({ n: c.gt(2) }), ['c', 'd']],
      ['gte', (c) => ({ n: c.gte(2) }), ['b', 'c', 'd']],
      ['gt on strings (binary order)', (c) => ({ s: c.gt('c') }), ['c', 'd', 'f', 'g']],
      ['lt with a string never matches numbers', (c) => ({ n: c.lt('z') }), []],
      ['in', (c) => ({ n: c.in([1, 3]) }), ['a', 'c']],
      ['in with null (null or missing)', (c) => ({ n: c.in([null, 2]) }), ['b', 'e', 'f']],
      ['in on an array field', (c) => ({ tags: c.in(['yellow', 'herb']) }), ['b', 'e']],
      ['in on _id', (c) => ({ _id: c.in(['a', 'zz', 'c']) }), ['a', 'c']],
      ['nin', (c) => ({ n: c.nin([1, 3]) }), ['b', 'd', 'e', 'f', 'g']],
      ['nin on an array field', (c) => ({ tags: c.nin(['red', 'green']) }), ['b', 'd', 'g']],
      ['boolean equality', () => ({ flag: true }), ['a']],
      ['neq true (includes missing)', (c) => ({ flag: c.neq(true) }), ['b', 'c', 'd', 'e', 'f', 'g']],
      ['null equality (null or missing)', () => ({ opt: null }), ['a', 'b', 'c', 'd', 'g']],
      ['neq null (present and not null)', (c) => ({ n: c.neq(null) }), ['a', 'b', 'c', 'd', 'g']],
      ['eq with a whole embedded document', (c) => ({ nested: c.eq({ x: 2 }) }), ['b']],
      ['eq with an embedded document needs every field', (c) => ({ nested: c.eq({ x: 1 }) }), []],
      ['empty condition', () => ({}), ['a', 'b', 'c', 'd', 'e', 'f', 'g']],
    ]),
  )('%s', async (_name, condition, expected) => {
    expect(await ids(coll.where(condition(_, db)))).toEqual(expected)
  })
})

describe('logic commands', () => {
  it.each(
    cases([
      ['and of conditions', (c) => c.and([{ n: c.gt(1) }, { tags: 'red' }]), ['c']],
      ['and chained on one field', (c) => ({ n: c.gt(1).and(c.lt(4)) }), ['b', 'c']],
      ['and of commands on one field', (c) => ({ n: c.and(c.gt(1), c.lt(4)) }), ['b', 'c']],
      ['or across fields', (c) => c.or([{ n: 1 }, { s: 'date' }]), ['a', 'd']],
      ['or chained on one field', (c) => ({ n: c.lt(0).or(c.gt(4)) }), ['d', 'g']],
      ['or of commands on one field', (c) => ({ n: c.or(c.eq(1), c.eq(3)) }), ['a', 'c']],
      [
        'or nested in and',
        (c) => c.and([c.or([{ tags: 'red' }, { tags: 'green' }]), { n: c.exists(true) }]),
        ['a', 'c', 'f'],
      ],
      ['or with regexes', (c, d) => c.or([{ s: /^a/ }, { s: d.RegExp({ regexp: '^b', options: 'i' }) }]), ['a', 'b']],
      ['nor', (c) => c.nor([{ n: c.gt(1) }, { tags: 'red' }]), ['e', 'f', 'g']],
      ['not (includes missing)', (c) => ({ n: c.not(c.gt(2)) }), ['a', 'b', 'e', 'f', 'g']],
      ['not in', (c) => ({ n: c.not(c.in([1, 2])) }), ['c', 'd', 'e', 'f', 'g']],
      ['two fields in one where are and-ed', (c) => ({ s: /a/, n: c.gt(1) }), ['b', 'd']],
    ]),
  )('%s', async (_name, condition, expected) => {
    expect(await ids(coll.where(condition(_, db)))).toEqual(expected)
  })
})

describe('element and evaluation commands', () => {
  it.each(
    cases([
      ['exists(true) (null counts as present)', (c) => ({ opt: c.exists(true) }), ['c', 'e', 'f']],
      ['exists(false)', (c) => ({ opt: c.exists(false) }), ['a', 'b', 'd', 'g']],
      ['mod with remainder 1', (c) => ({ n: c.mod(2, 1) }), ['a', 'c']],
      ['mod with a negative remainder', (c) => ({ n: c.mod(2, -1) }), ['g']],
      ['mod truncates a double field value and skips null/missing', (c) => ({ n: c.mod(2, 0) }), ['b', 'd']],
      ['mod never matches null or missing values', (c) => ({ n: c.mod(1, 0) }), ['a', 'b', 'c', 'd', 'g']],
      ['mod on a non-numeric field matches nothing', (c) => ({ s: c.mod(2, 0) }), []],
    ]),
  )('%s', async (_name, condition, expected) => {
    expect(await ids(coll.where(condition(_, db)))).toEqual(expected)
  })
})

describe('array commands and array fields', () => {
  it.each(
    cases([
      ['size 2', (c) => ({ tags: c.size(2) }), ['a', 'b']],
      ['size 0', (c) => ({ tags: c.size(0) }), ['d']],
      ['all of two values', (c) => ({ tags: c.all(['red', 'fruit']) }), ['a']],
      ['all of one value', (c) => ({ tags: c.all(['fruit']) }), ['a', 'b', 'e']],
      ['elemMatch on object elements', (c) => ({ items: c.elemMatch({ k: 2, v: 'c' }) }), ['b']],
      ['elemMatch with a command', (c) => ({ items: c.elemMatch({ k: c.gt(2) }) }), ['d']],
      ['elemMatch needs one element to match all', (c) => ({ items: c.elemMatch({ k: 1, v: 'd' }) }), []],
      ['dotted conditions may match different elements', () => ({ 'items.k': 1, 'items.v': 'd' }), ['d']],
      ['element equality', () => ({ tags: 'red' }), ['a', 'c']],
      ['scalar equality on a non-array value', () => ({ tags: 'purple' }), ['g']],
      ['whole-array equality', () => ({ tags: ['red'] }), ['c']],
      ['whole-array equality is order-sensitive', () => ({ tags: ['fruit', 'red'] }), []],
      ['element by index', () => ({ 'tags.0': 'red' }), ['a', 'c']],
      ['field of object elements', () => ({ 'items.k': 2 }), ['a', 'b']],
      ['range on array elements', (c) => ({ scores: c.gt(20) }), ['g']],
      ['range may be satisfied by different elements', (c) => ({ scores: c.gt(10).and(c.lt(12)) }), ['g']],
      ['elemMatch on scalar elements', (c) => ({ scores: c.elemMatch(c.gt(20)) }), ['g']],
      // wx-server-sdk cannot serialise a chained command inside elemMatch, so the range is given as operators.
      ['elemMatch on scalars with a range', (c) => ({ scores: c.elemMatch({ $gt: 10, $lt: 20 }) }), ['g']],
      ['elemMatch on scalars needs one element in range', (c) => ({ scores: c.elemMatch({ $gt: 10, $lt: 12 }) }), []],
    ]),
  )('%s', async (_name, condition, expected) => {
    expect(await ids(coll.where(condition(_, db)))).toEqual(expected)
  })
})

describe('nested fields', () => {
  it.each(
    cases([
      ['dotted path', () => ({ 'nested.x': 2 }), ['b']],
      ['nested object condition (flattened by the SDK)', () => ({ nested: { y: { z: 'deep' } } }), ['a']],
      ['command inside a nested object', (c) => ({ nested: { x: c.gte(2) } }), ['b', 'c']],
      ['exists on a deep path', (c) => ({ 'nested.y.z': c.exists(true) }), ['a', 'c']],
      ['missing intermediate object', (c) => ({ 'nested.y.z': c.exists(false) }), ['b', 'd', 'e', 'f', 'g']],
    ]),
  )('%s', async (_name, condition, expected) => {
    expect(await ids(coll.where(condition(_, db)))).toEqual(expected)
  })
})

describe('regular expressions', () => {
  it.each(
    cases([
      ['db.RegExp with the i option', (_c, d) => ({ s: d.RegExp({ regexp: '^b', options: 'i' }) }), ['b']],
      ['db.RegExp is case-sensitive by default', (_c, d) => ({ s: d.RegExp({ regexp: '^b' }) }), []],
      ['db.RegExp unanchored', (_c, d) => ({ s: d.RegExp({ regexp: 'an' }) }), ['b']],
      ['db.RegExp with the m option', (_c, d) => ({ s: d.RegExp({ regexp: '^leaf', options: 'm' }) }), ['f']],
      ['db.RegExp without m anchors at the start', (_c, d) => ({ s: d.RegExp({ regexp: '^leaf' }) }), []],
      ['db.RegExp with the s option', (_c, d) => ({ s: d.RegExp({ regexp: 'fig.leaf', options: 's' }) }), ['f']],
      ['JS RegExp literal with i', () => ({ s: /^e/i }), ['e']],
      ['JS RegExp literal is case-sensitive', () => ({ s: /^e/ }), []],
      ['JS RegExp literal with s', () => ({ s: /fig.leaf/s }), ['f']],
      ['JS RegExp without s does not cross newlines', () => ({ s: /fig.leaf/ }), []],
      ['regex on array elements', () => ({ tags: /^gr/ }), ['e', 'f']],
      ['regex on a nested field', () => ({ 'nested.y.z': /^DE/i }), ['a']],
    ]),
  )('%s', async (_name, condition, expected) => {
    expect(await ids(coll.where(condition(_, db)))).toEqual(expected)
  })
})

describe('queries combined with paging and counting', () => {
  it('count() agrees with get() for a compound query', async () => {
    const where = _.or([{ tags: 'fruit' }, { n: _.lt(0) }])
    expect(await count(coll.where(where))).toBe(4)
    expect(await ids(coll.where(where))).toEqual(['a', 'b', 'e', 'g'])
  })

  it('orders, skips and limits the matching documents only', async () => {
    const page = await list(
      coll
        .where({ n: _.gt(0) })
        .orderBy('n', 'desc')
        .skip(1)
        .limit(2),
    )
    expect(page.map((d) => d._id)).toEqual(['c', 'b'])
  })
})
