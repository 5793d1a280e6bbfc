// Typed data access over the CloudBase database API as wx-server-sdk exposes it (writes take `{ data }`).
// Scripts on @cloudbase/node-sdk, whose writes take the document bare, go through scripts/lib/node-sdk-database.ts.
// The SDK's own typings return `Promise | void | string` unions; this is the one place that casts.
import type { CollectionName } from '../collections'

/** The parts of the CloudBase database API we use. */
export interface RawDatabase {
  collection(name: string): RawCollection
  command: Command
  serverDate(opts?: { offset?: number }): unknown
  runTransaction<T>(fn: (tx: RawTransaction) => Promise<T>, retries?: number): Promise<T>
  startTransaction(): Promise<RawTransaction>
  createCollection(name: string): Promise<unknown>
}

interface RawQuery {
  where(q: object): RawQuery
  orderBy(field: string, dir: 'asc' | 'desc'): RawQuery
  skip(n: number): RawQuery
  limit(n: number): RawQuery
  field(f: object): RawQuery
  get(): Promise<unknown>
  count(): Promise<unknown>
  update(o: { data: object }): Promise<unknown>
  remove(): Promise<unknown>
}

interface RawDoc {
  get(): Promise<unknown>
  set(o: { data: object }): Promise<unknown>
  update(o: { data: object }): Promise<unknown>
  remove(): Promise<unknown>
}

interface RawCollection extends RawQuery {
  doc(id: string): RawDoc
  add(o: { data: object | object[] }): Promise<unknown>
  aggregate(): RawAggregate
}

interface RawAggregate {
  match(q: object): RawAggregate
  group(g: object): RawAggregate
  sort(s: object): RawAggregate
  project(p: object): RawAggregate
  limit(n: number): RawAggregate
  skip(n: number): RawAggregate
  end(): Promise<unknown>
}

export interface RawTransaction {
  collection(name: string): { doc(id: string): RawDoc; add(o: { data: object }): Promise<unknown> }
  commit(): Promise<unknown>
  rollback(reason?: unknown): Promise<unknown>
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the query/update command builder is untyped in both SDKs
export type Command = any

export type Where = Record<string, unknown>

export interface FindOptions {
  orderBy?: [string, 'asc' | 'desc'][]
  skip?: number
  limit?: number
  fields?: Record<string, boolean>
}

/** The database refused a write because a document with that `_id` exists (a retried or concurrent insert). */
export const isDuplicateKey = (err: unknown): boolean =>
  /E11000|duplicate/i.test(
    String((err as { errMsg?: string; message?: string })?.errMsg ?? (err as { message?: string })?.message ?? err),
  )

/** CloudBase caps one read at 1000 documents; `findAll` pages through at this size. */
export const PAGE = 1000

export class Data {
  constructor(readonly raw: RawDatabase) {}

  get _(): Command {
    return this.raw.command
  }

  serverDate(offsetMs = 0): unknown {
    return this.raw.serverDate(offsetMs ? { offset: offsetMs } : undefined)
  }

  private query(coll: CollectionName, where: Where | undefined, opts: FindOptions): RawQuery {
    let q: RawQuery = this.raw.collection(coll)
    if (where && Object.keys(where).length) q = q.where(where)
    for (const [field, dir] of opts.orderBy ?? []) q = q.orderBy(field, dir)
    if (opts.skip) q = q.skip(opts.skip)
    q = q.limit(opts.limit ?? 100)
    if (opts.fields) q = q.field(opts.fields)
    return q
  }

  /** One document by id, or null. */
  async get<T>(coll: CollectionName, id: string): Promise<T | null> {
    const rows = await this.find<T>(coll, { _id: id }, { limit: 1 })
    return rows[0] ?? null
  }

  /** Documents by id, as a map (ids repeated or missing are fine): one round trip per 100 distinct ids. */
  async byIds<T extends { _id: string }>(coll: CollectionName, ids: readonly string[]): Promise<Map<string, T>> {
    const unique = [...new Set(ids)]
    const map = new Map<string, T>()
    for (let i = 0; i < unique.length; i += 100) {
      const chunk = unique.slice(i, i + 100)
      for (const d of await this.find<T>(coll, { _id: this._.in(chunk) }, { limit: 100 })) map.set(d._id, d)
    }
    return map
  }

  async find<T>(coll: CollectionName, where?: Where, opts: FindOptions = {}): Promise<T[]> {
    const res = (await this.query(coll, where, opts).get()) as { data: T[] }
    return res.data
  }

  /** Every matching document, in pages of 1000 (ceil(n / 1000) round trips; stable order by _id unless given). */
  async findAll<T>(coll: CollectionName, where?: Where, opts: Omit<FindOptions, 'skip' | 'limit'> = {}): Promise<T[]> {
    const out: T[] = []
    const orderBy = opts.orderBy ?? [['_id', 'asc']]
    for (let skip = 0; ; skip += PAGE) {
      const page = await this.find<T>(coll, where, { ...opts, orderBy, skip, limit: PAGE })
      out.push(...page)
      if (page.length < PAGE) return out
    }
  }

  async count(coll: CollectionName, where?: Where): Promise<number> {
    let q: RawQuery = this.raw.collection(coll)
    if (where && Object.keys(where).length) q = q.where(where)
    return ((await q.count()) as { total: number }).total
  }

  async insert<T extends object>(coll: CollectionName, doc: T): Promise<string> {
    return ((await this.raw.collection(coll).add({ data: doc })) as { _id: string })._id
  }

  /** Several documents in one round trip. */
  async insertMany<T extends object>(coll: CollectionName, docs: T[]): Promise<string[]> {
    if (docs.length === 0) return []
    return ((await this.raw.collection(coll).add({ data: docs })) as { ids: string[] }).ids
  }

  /**
   * Insert the documents whose ids are not taken yet (a retried call, or two at once, writing the same ones): one
   * round trip when none exists; otherwise the existing ids are read and the others inserted one by one. Returns how
   * many this call inserted.
   */
  async insertNew<T extends { _id: string }>(coll: CollectionName, docs: readonly T[]): Promise<number> {
    if (docs.length === 0) return 0
    try {
      await this.insertMany(coll, [...docs])
      return docs.length
    } catch (err) {
      if (!isDuplicateKey(err)) throw err
    }
    // A batch insert refused part-way may have written some of them: look which exist.
    const existing = await this.findAll<{ _id: string }>(
      coll,
      { _id: this._.in(docs.map((d) => d._id)) },
      { fields: { _id: true } },
    )
    const have = new Set(existing.map((d) => d._id))
    let inserted = 0
    for (const doc of docs.filter((d) => !have.has(d._id))) {
      try {
        await this.insert(coll, doc)
        inserted++
      } catch (err) {
        if (!isDuplicateKey(err)) throw err
      }
    }
    return inserted
  }

  /** Create or replace a document with this id. */
  async set<T extends { _id: string }>(coll: CollectionName, doc: T): Promise<void> {
    const { _id, ...rest } = doc
    await this.raw.collection(coll).doc(_id).set({ data: rest })
  }

  /** Update one document; returns how many changed (0 when missing or already so). */
  async update(coll: CollectionName, id: string, patch: object): Promise<number> {
    return ((await this.raw.collection(coll).doc(id).update({ data: patch })) as { stats: { updated: number } }).stats
      .updated
  }

  /** Update every match; with a condition in `where` this is a compare-and-set. */
  async updateWhere(coll: CollectionName, where: Where, patch: object): Promise<number> {
    return ((await this.raw.collection(coll).where(where).update({ data: patch })) as { stats: { updated: number } })
      .stats.updated
  }

  async remove(coll: CollectionName, id: string): Promise<number> {
    return ((await this.raw.collection(coll).doc(id).remove()) as { stats: { removed: number } }).stats.removed
  }

  async removeWhere(coll: CollectionName, where: Where): Promise<number> {
    return ((await this.raw.collection(coll).where(where).remove()) as { stats: { removed: number } }).stats.removed
  }

  aggregate(coll: CollectionName): RawAggregate {
    return this.raw.collection(coll).aggregate()
  }

  async runAggregate<T>(agg: RawAggregate): Promise<T[]> {
    return ((await agg.end()) as { list: T[] }).list
  }
}
