// Translates what the SDK sends into what the query engine (mingo) needs, fixing the known gaps.
import { Query, find, update as applyUpdate } from 'mingo'
import { clone, isPlainObject, toQueryValues, type Doc } from '../ejson'
import { E } from '../errors'

export type Criteria = Record<string, unknown>

/**
 * Prepare a query: BSON regexes become RegExp, and `$mod` is restricted to numbers (mingo would match null,
 * MongoDB does not).
 */
export function normaliseQuery(query: unknown): Criteria {
  if (query === undefined || query === null) return {}
  if (!isPlainObject(query)) throw E.invalidParam('query must be an object')
  return fixMod(toQueryValues(query)) as Criteria
}

function fixMod(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fixMod)
  if (!isPlainObject(value)) return value
  const out: Doc = {}
  const extra: Doc[] = []
  for (const [key, v] of Object.entries(value)) {
    if (!key.startsWith('$') && isPlainObject(v) && '$mod' in v) {
      extra.push({ [key]: { $type: 'number' } })
    }
    out[key] = fixMod(v)
  }
  return extra.length ? { $and: [out, ...extra] } : out
}

export function compile(query: Criteria): Query {
  return new Query(query)
}

/** `{ a: 1, b: -1 }` from the SDK's EJSON order (key order is priority). */
export function normaliseOrder(order: unknown): Record<string, 1 | -1> | undefined {
  if (order === undefined || order === null) return undefined
  if (!isPlainObject(order)) throw E.invalidParam('order must be an object')
  const out: Record<string, 1 | -1> = {}
  for (const [k, v] of Object.entries(order)) {
    if (v !== 1 && v !== -1) throw E.invalidParam(`order direction for ${k} must be 1 or -1`)
    out[k] = v
  }
  return Object.keys(out).length ? out : undefined
}

export function normaliseProjection(projection: unknown): Record<string, unknown> | undefined {
  if (projection === undefined || projection === null) return undefined
  if (!isPlainObject(projection)) throw E.invalidParam('projection must be an object')
  return Object.keys(projection).length ? projection : undefined
}

export function select(
  docs: Iterable<Doc>,
  query: Criteria,
  opts: { order?: Record<string, 1 | -1>; offset?: number; limit?: number; projection?: Record<string, unknown> } = {},
): Doc[] {
  let cursor = find(Array.isArray(docs) ? docs : [...docs], query, opts.projection as never)
  if (opts.order) cursor = cursor.sort(opts.order)
  if (opts.offset) cursor = cursor.skip(opts.offset)
  if (opts.limit !== undefined) cursor = cursor.limit(opts.limit)
  return cursor.all() as Doc[]
}

const UPDATE_OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$push',
  '$pop',
  '$pull',
  '$pullAll',
  '$addToSet',
  '$currentDate',
  '$bit',
])

/** Validate an update document and rewrite the SDK's `addToSet({ each })` (sent without `$`) to `$each`. */
export function normaliseUpdate(data: unknown): Doc {
  if (!isPlainObject(data)) throw E.invalidParam('update data must be an object')
  const out: Doc = {}
  for (const [op, spec] of Object.entries(data)) {
    if (!UPDATE_OPERATORS.has(op)) throw E.invalidParam(`unsupported update operator ${op}`)
    if (!isPlainObject(spec)) throw E.invalidParam(`${op} needs an object`)
    if (op === '$addToSet') {
      const fixed: Doc = {}
      for (const [field, v] of Object.entries(spec)) {
        const each = isPlainObject(v) && Object.keys(v).length === 1 && Array.isArray(v.each) ? v.each : undefined
        fixed[field] = each ? { $each: each } : v
      }
      out[op] = fixed
    } else {
      out[op] = spec
    }
    for (const field of Object.keys(out[op] as Doc)) {
      if (field === '_id' || field.startsWith('_id.')) throw E.invalidParam('_id cannot be updated')
    }
  }
  return out
}

/** Apply update operators to a copy; positional `$` paths use the query as their condition. */
export function updated(doc: Doc, update: Doc, condition: Criteria): { doc: Doc; changed: boolean } {
  const copy = clone(doc)
  const fields = applyUpdate(copy, update as never, [], hasPositional(update) ? (condition as never) : undefined, {
    cloneMode: 'deep',
  })
  return { doc: copy, changed: fields.length > 0 }
}

function hasPositional(update: Doc): boolean {
  return Object.values(update).some(
    (spec) => isPlainObject(spec) && Object.keys(spec).some((k) => /(^|\.)\$(\.|$)/.test(k)),
  )
}

/** A replacement document (`set()`): no operators at the top level, `_id` kept from the target. */
export function replacement(data: unknown, id: string): Doc {
  if (!isPlainObject(data)) throw E.invalidParam('set data must be an object')
  for (const k of Object.keys(data)) if (k.startsWith('$')) throw E.invalidParam(`set() cannot use operator ${k}`)
  if (data._id !== undefined && data._id !== id) throw E.invalidParam('_id cannot be changed')
  return { ...data, _id: id }
}

/** Fields fixed by equality in a query, used to seed an upserted document. */
export function equalityFields(query: Criteria): Doc {
  const out: Doc = {}
  for (const [k, v] of Object.entries(query)) {
    if (k.startsWith('$')) continue
    if (isPlainObject(v)) {
      if ('$eq' in v && Object.keys(v).length === 1) out[k] = v.$eq
    } else if (!(v instanceof RegExp)) out[k] = v
  }
  return out
}
