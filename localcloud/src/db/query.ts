// Translates what the SDK sends into what the query engine (mingo) needs, fixing the known gaps.
import { Context, Query, aggregate, find, update as applyUpdate } from 'mingo'
import { clone, isPlainObject, toQueryValues, type Doc } from '../ejson'
import { CloudError, E } from '../errors'

export type Criteria = Record<string, unknown>

/**
 * MongoDB's `$mod`: only finite numbers match (mingo's `$mod` matches null), and the field value is truncated toward
 * zero like the divisor and remainder (the server casts all three to a 64-bit integer), so 4.5 matches `[2, 0]`.
 * mingo lets a context add operators but not replace built-ins, hence the different name.
 */
const MOD = '$localcloudMod'

function modOperator(selector: string, spec: unknown): (doc: Doc) => boolean {
  if (!Array.isArray(spec) || spec.length !== 2 || !spec.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw E.invalidParam('$mod needs [divisor, remainder] as two finite numbers')
  }
  const divisor = Math.trunc(spec[0] as number)
  const remainder = Math.trunc(spec[1] as number)
  if (divisor === 0) throw E.invalidParam('$mod divisor cannot be 0')
  const path = selector.split('.')
  return (doc) =>
    leafValues(doc, path).some(
      (v) => typeof v === 'number' && Number.isFinite(v) && Math.trunc(v) % divisor === remainder,
    )
}

/** The values a MongoDB path selects: arrays on the way are traversed, a terminal array yields its elements. */
function leafValues(value: unknown, path: string[]): unknown[] {
  if (path.length === 0) return Array.isArray(value) ? value : [value]
  const [head, ...rest] = path as [string, ...string[]]
  if (Array.isArray(value)) {
    const out = /^\d+$/.test(head) ? leafValues(value[Number(head)], rest) : []
    for (const el of value) if (isPlainObject(el)) out.push(...leafValues(el[head], rest))
    return out
  }
  return isPlainObject(value) ? leafValues(value[head], rest) : []
}

/** Options for every mingo call: queries, updates (`$pull` conditions, positional matches) and pipelines. */
export const QUERY_OPTIONS = { context: Context.init({ query: { [MOD]: modOperator } as never }) }

/** `$mod` → our operator everywhere a query can hold it, but not inside `$expr`, where `$mod` is arithmetic. */
function useOwnMod(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(useOwnMod)
  if (!isPlainObject(value)) return value
  const out: Doc = {}
  for (const [k, v] of Object.entries(value)) out[k === '$mod' ? MOD : k] = k === '$expr' ? v : useOwnMod(v)
  return out
}

const READ_ONLY_STAGES = new Set(['$match', '$group', '$sort', '$skip', '$limit', '$sortByCount', '$count'])

export function runPipeline(docs: Doc[], stages: Doc[], collectionResolver: (name: string) => Doc[]): Doc[] {
  // mingo's $count answers { n: 0 } for no input; MongoDB answers no document, like the $group it stands for.
  const pipeline = stages.flatMap((s) =>
    typeof s.$count === 'string' ? [{ $group: { _id: null, [s.$count]: { $sum: 1 } } }, { $project: { _id: 0 } }] : [s],
  )
  // Stages such as $addFields on a nested path modify their input in place: never hand mingo the stored documents,
  // unless every stage only reads (copying a large collection for a $match + $group would dominate its cost).
  const readOnly = pipeline.every((s) => Object.keys(s).every((k) => READ_ONLY_STAGES.has(k)))
  return aggregate(readOnly ? docs : docs.map(clone), pipeline, {
    ...QUERY_OPTIONS,
    collectionResolver: (name) => collectionResolver(name).map(clone),
  }) as Doc[]
}

/** Prepare a query: BSON regexes become RegExp, `$mod` gets MongoDB's semantics. */
export function normaliseQuery(query: unknown): Criteria {
  if (query === undefined || query === null) return {}
  if (!isPlainObject(query)) throw E.invalidParam('query must be an object')
  return useOwnMod(toQueryValues(query)) as Criteria
}

export function compile(query: Criteria): Query {
  try {
    return new Query(query, QUERY_OPTIONS)
  } catch (err) {
    return rejected(err)
  }
}

/** mingo throws on an invalid query or update (unknown operator, write to `_id`): a failed request, not SYS_ERR. */
function rejected(err: unknown): never {
  if (err instanceof CloudError) throw err
  throw E.requestFailed(err instanceof Error ? err.message : String(err))
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
  try {
    let cursor = find(Array.isArray(docs) ? docs : [...docs], query, opts.projection as never, QUERY_OPTIONS)
    if (opts.order) cursor = cursor.sort(opts.order)
    if (opts.offset) cursor = cursor.skip(opts.offset)
    if (opts.limit !== undefined) cursor = cursor.limit(opts.limit)
    return cursor.all() as Doc[]
  } catch (err) {
    return rejected(err)
  }
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
      out[op] = op === '$pull' ? normaliseQuery(spec) : spec
    }
    for (const field of Object.keys(out[op] as Doc)) {
      if (field === '_id' || field.startsWith('_id.')) throw E.invalidParam('_id cannot be updated')
    }
  }
  return out
}

/** Apply update operators to a copy; positional `$` paths use the query as their condition. */
export function updated(doc: Doc, update: Doc, condition: Criteria): { doc: Doc; changed: boolean } {
  checkTypes(doc, update)
  const copy = clone(doc)
  let fields: string[]
  try {
    fields = applyUpdate(copy, update as never, [], hasPositional(update) ? (condition as never) : undefined, {
      cloneMode: 'deep',
      queryOptions: QUERY_OPTIONS,
    })
  } catch (err) {
    return rejected(err)
  }
  return { doc: copy, changed: fields.length > 0 }
}

const CREATING = new Set(['$set', '$inc', '$mul', '$min', '$max', '$push', '$addToSet', '$currentDate', '$bit'])
const NUMERIC = new Set(['$inc', '$mul', '$bit'])
const ARRAY = new Set(['$push', '$addToSet', '$pop', '$pull', '$pullAll'])

/**
 * MongoDB fails the whole update when an operator meets the wrong type (`$inc` on a string, `$push` on a non-array,
 * a path through a scalar or null); mingo silently skips those, which would hide bugs that fail on CloudBase.
 */
function checkTypes(doc: Doc, update: Doc): void {
  const where = `in document {_id: ${JSON.stringify(doc._id)}}`
  for (const [op, spec] of Object.entries(update)) {
    for (const [field, arg] of Object.entries(spec as Doc)) {
      const created = op === '$rename' ? arg : CREATING.has(op) ? field : undefined
      if (typeof created === 'string') checkPath(doc, created.split('.'), where)
      if ((!NUMERIC.has(op) && !ARRAY.has(op)) || field.split('.').some((p) => p.startsWith('$'))) continue
      const value = valueAt(doc, field.split('.'))
      if (value === undefined) continue
      if (NUMERIC.has(op) && typeof value !== 'number') {
        throw E.requestFailed(`Cannot apply ${op} to a value of non-numeric type: field '${field}' ${where}`)
      }
      if (ARRAY.has(op) && !Array.isArray(value)) {
        throw E.requestFailed(`Cannot apply ${op} to a non-array value: field '${field}' ${where}`)
      }
    }
  }
}

/** A path can be created unless it runs through a scalar, null, or an array with a non-index segment. */
function checkPath(doc: Doc, parts: string[], where: string): void {
  let cur: unknown = doc
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i - 1] as string
    const next = parts[i] as string
    if (part.startsWith('$')) return
    cur = valueAt(cur, [part])
    if (cur === undefined) return
    if (!isPlainObject(cur) && !(Array.isArray(cur) && /^(\d+$|\$)/.test(next))) {
      throw E.requestFailed(`Cannot create field '${next}' in element {${part}: ${JSON.stringify(cur)}} ${where}`)
    }
  }
}

function valueAt(value: unknown, path: string[]): unknown {
  return path.reduce<unknown>((v, p) => (isPlainObject(v) || Array.isArray(v) ? (v as Doc)[p] : undefined), value)
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
