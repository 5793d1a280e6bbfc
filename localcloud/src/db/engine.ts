// The `database.*` actions of the CloudBase wire protocol.
import { randomBytes } from 'node:crypto'
import { decode, encode, isPlainObject, toQueryValues, type Doc } from '../ejson'
import { E } from '../errors'
import {
  compile,
  equalityFields,
  normaliseOrder,
  normaliseProjection,
  normaliseQuery,
  normaliseUpdate,
  replacement,
  runPipeline,
  select,
  updated,
  type Criteria,
} from './query'
import type { Collection, Store, Write } from './store'
import { Transactions } from './transactions'

export const MAX_LIMIT = 1000
export const DEFAULT_LIMIT = 100
/** CloudBase answers at most 20 records from an aggregation without a $limit stage. */
export const DEFAULT_AGGREGATE_LIMIT = 20

export interface OpCounter {
  read: number
  written: number
}

type Body = Record<string, unknown>

export const newId = () => randomBytes(16).toString('hex')

export class DatabaseEngine {
  readonly transactions: Transactions

  constructor(
    readonly store: Store,
    private readonly clock: () => number = Date.now,
    transactionTtlMs?: number,
  ) {
    this.transactions = new Transactions(store, transactionTtlMs, clock)
  }

  /** Runs one action; the result is merged into the response next to `requestId`. */
  handle(action: string, body: Body, counter: OpCounter): Body {
    switch (action) {
      case 'database.insertDocument':
        return { data: { insertedIds: this.insert(body, counter) } }
      case 'database.getDocument':
        return { data: { list: this.get(body, counter).map(encode) } }
      case 'database.calculateDocument':
        return { data: { total: this.count(body, counter) } }
      case 'database.modifyDocument':
        return { data: this.modify(body, counter) }
      case 'database.removeDocument':
        return { data: { deleted: this.remove(body, counter) } }
      case 'database.aggregateDocuments':
        return { data: { list: this.aggregate(body, counter).map(encode) } }
      case 'database.addCollection':
        if (!this.store.createCollection(requireName(body))) throw E.collectionExists(requireName(body))
        return {}
      case 'database.startTransaction':
        return { transactionId: this.transactions.start() }
      case 'database.commitTransaction':
        this.transactions.commit(requireTx(body))
        return {}
      case 'database.abortTransaction':
        this.transactions.abort(requireTx(body))
        return {}
      default:
        throw E.invalidParam(`unknown action ${action}`)
    }
  }

  private decodeJson(text: unknown, what: string): unknown {
    if (text === undefined || text === null || text === '') return undefined
    if (typeof text !== 'string') throw E.invalidParam(`${what} must be an EJSON string`)
    try {
      return decode(text, this.clock())
    } catch {
      throw E.invalidParam(`${what} is not valid EJSON`)
    }
  }

  private target(body: Body): { coll: Collection; query: Criteria; docId?: string; tx?: string } {
    const coll = this.store.collection(requireName(body))
    const query = normaliseQuery(this.decodeJson(body.query, 'query'))
    const tx = typeof body.transactionId === 'string' && body.transactionId ? body.transactionId : undefined
    if (body.queryType === 'DOC') {
      const docId = query._id
      if (typeof docId !== 'string' && typeof docId !== 'number') throw E.invalidParam('doc() needs an _id')
      return { coll, query, docId: String(docId), ...(tx ? { tx } : {}) }
    }
    if (tx) throw E.invalidParam('transactions support single-document operations only (doc or add), not where')
    return { coll, query }
  }

  private matching(coll: Collection, query: Criteria): Doc[] {
    const id = query._id
    if ((typeof id === 'string' || typeof id === 'number') && Object.keys(query).length === 1) {
      const cur = coll.docs.get(String(id))
      return cur ? [cur.doc] : []
    }
    const q = compile(query)
    const out: Doc[] = []
    for (const { doc } of coll.docs.values()) if (q.test(doc)) out.push(doc)
    return out
  }

  private insert(body: Body, counter: OpCounter): string[] {
    const coll = this.store.collection(requireName(body))
    const raw = Array.isArray(body.data) ? body.data : [body.data]
    const tx = typeof body.transactionId === 'string' && body.transactionId ? body.transactionId : undefined
    const docs = raw.map((text) => {
      const doc = this.decodeJson(text, 'data')
      if (!isPlainObject(doc)) throw E.invalidParam('data must be an object')
      const id = doc._id === undefined ? newId() : doc._id
      if (typeof id !== 'string' && typeof id !== 'number') throw E.invalidParam('_id must be a string')
      return { ...doc, _id: String(id) }
    })
    const seen = new Set<string>()
    for (const doc of docs) {
      const id = doc._id
      const exists = tx ? this.transactions.read(tx, coll.name, id) !== null : coll.docs.has(id)
      if (exists || seen.has(id)) throw duplicate(coll.name, id)
      seen.add(id)
    }
    counter.written += docs.length
    if (tx) for (const doc of docs) this.transactions.write(tx, coll.name, doc._id, doc)
    else this.store.commit(docs.map((doc) => ({ collection: coll.name, id: doc._id, doc })))
    return docs.map((d) => d._id)
  }

  private get(body: Body, counter: OpCounter): Doc[] {
    const { coll, query, docId, tx } = this.target(body)
    const projection = normaliseProjection(this.decodeJson(body.projection, 'projection'))
    if (docId !== undefined) {
      const doc = tx ? this.transactions.read(tx, coll.name, docId) : (coll.docs.get(docId)?.doc ?? null)
      counter.read += doc ? 1 : 0
      return doc ? select([doc], {}, projection ? { projection } : {}) : []
    }
    const order = normaliseOrder(this.decodeJson(body.order, 'order'))
    const limit = clampLimit(body.limit)
    const offset = typeof body.offset === 'number' && body.offset > 0 ? Math.floor(body.offset) : 0
    const matched = this.matching(coll, query)
    const list = select(
      matched,
      {},
      { ...(order ? { order } : {}), offset, limit, ...(projection ? { projection } : {}) },
    )
    counter.read += list.length
    return list
  }

  private count(body: Body, counter: OpCounter): number {
    const { coll, query } = this.target({ ...body, queryType: 'WHERE', transactionId: undefined })
    const n = this.matching(coll, query).length
    counter.read += n
    return n
  }

  private modify(body: Body, counter: OpCounter): { updated: number; upsert_id?: string } {
    const { coll, query, docId, tx } = this.target(body)
    const data = this.decodeJson(body.data, 'data')
    const merge = body.merge !== false
    if (!merge) {
      // set(): replace or create the document.
      if (docId === undefined) throw E.invalidParam('set() needs doc(id)')
      const doc = replacement(data, docId)
      const exists = tx ? this.transactions.read(tx, coll.name, docId) !== null : coll.docs.has(docId)
      counter.written += 1
      this.write(tx, [{ collection: coll.name, id: docId, doc }])
      return exists ? { updated: 1 } : { updated: 0, upsert_id: docId }
    }
    const update = normaliseUpdate(data)
    const targets: Doc[] =
      docId !== undefined
        ? [tx ? this.transactions.read(tx, coll.name, docId) : (coll.docs.get(docId)?.doc ?? null)].filter(
            (d): d is Doc => d !== null,
          )
        : this.matching(coll, query)
    const chosen = body.multi === true || docId !== undefined ? targets : targets.slice(0, 1)
    counter.read += chosen.length
    if (chosen.length === 0 && body.upsert === true) {
      const id = docId ?? newId()
      const seed = updated({ _id: id }, { $set: equalityFields(query) }, {}).doc
      const doc = updated(seed, update, query).doc
      counter.written += 1
      this.write(tx, [{ collection: coll.name, id, doc }])
      return { updated: 0, upsert_id: id }
    }
    const writes: Write[] = []
    for (const doc of chosen) {
      const next = updated(doc, update, query)
      if (next.changed) writes.push({ collection: coll.name, id: String(doc._id), doc: next.doc })
    }
    counter.written += writes.length
    this.write(tx, writes)
    return { updated: writes.length }
  }

  private remove(body: Body, counter: OpCounter): number {
    const { coll, query, docId, tx } = this.target(body)
    let ids: string[]
    if (docId !== undefined) {
      const exists = tx ? this.transactions.read(tx, coll.name, docId) !== null : coll.docs.has(docId)
      ids = exists ? [docId] : []
    } else {
      const matched = this.matching(coll, query)
      ids = (body.multi === false ? matched.slice(0, 1) : matched).map((d) => String(d._id))
    }
    counter.read += ids.length
    counter.written += ids.length
    this.write(
      tx,
      ids.map((id) => ({ collection: coll.name, id, doc: null })),
    )
    return ids.length
  }

  private write(tx: string | undefined, writes: Write[]): void {
    if (tx) for (const w of writes) this.transactions.write(tx, w.collection, w.id, w.doc)
    else this.store.commit(writes)
  }

  private aggregate(body: Body, counter: OpCounter): Doc[] {
    if (body.transactionId) throw E.invalidParam('aggregate is not allowed inside a transaction')
    const coll = this.store.collection(requireName(body))
    if (!Array.isArray(body.stages)) throw E.invalidParam('stages must be an array')
    const pipeline = body.stages.map((stage: unknown) => {
      if (!isPlainObject(stage) || typeof stage.stageKey !== 'string' || !stage.stageKey.startsWith('$')) {
        throw E.invalidParam('each stage needs a stageKey')
      }
      const value = toQueryValues(this.decodeJson(stage.stageValue, stage.stageKey))
      if (stage.stageKey === '$geoNear') throw E.invalidParam('geo operators are not supported by localcloud')
      return { [stage.stageKey]: stage.stageKey === '$match' ? normaliseQuery(value) : value }
    })
    if (!pipeline.some((s) => '$limit' in s)) pipeline.push({ $limit: DEFAULT_AGGREGATE_LIMIT })
    // A leading $match can use the same fast path as queries.
    let source: Doc[]
    const first = pipeline[0]
    if (first && '$match' in first) {
      source = this.matching(coll, first.$match as Criteria)
      pipeline.shift()
    } else {
      source = [...coll.docs.values()].map((c) => c.doc)
    }
    counter.read += source.length
    try {
      return runPipeline(source, pipeline, (name) =>
        [...(this.store.collections.get(name)?.docs.values() ?? [])].map((c) => c.doc),
      )
    } catch (err) {
      throw E.requestFailed(`aggregate failed: ${err instanceof Error ? err.message : String(err)}`)
    }
  }

  stop(): void {
    this.transactions.stop()
  }
}

function requireName(body: Body): string {
  const name = body.collectionName
  if (typeof name !== 'string' || !name) throw E.invalidParam('collectionName is required')
  return name
}

function requireTx(body: Body): string {
  const id = body.transactionId
  if (typeof id !== 'string' || !id) throw E.invalidParam('transactionId is required')
  return id
}

function clampLimit(limit: unknown): number {
  if (typeof limit !== 'number' || !Number.isFinite(limit) || limit <= 0) return DEFAULT_LIMIT
  return Math.min(Math.floor(limit), MAX_LIMIT)
}

function duplicate(collection: string, id: string) {
  return E.requestFailed(`E11000 duplicate key error collection: ${collection} index: _id_ dup key: { _id: "${id}" }`)
}
