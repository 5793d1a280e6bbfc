// @cloudbase/node-sdk's database in the shape server/kernel/db.ts `Data` expects (wx-server-sdk's): node-sdk
// takes write data bare (`add(doc)`, `set(doc)`, `update(patch)`) where wx-server-sdk takes `{ data }`, and
// answers `{ id }`, `{ updated }`, `{ deleted }` where wx-server-sdk answers `{ _id }`, `{ stats: { updated } }`,
// `{ stats: { removed } }`. Queries, counts and aggregations are the same in both. Transactions are passed
// through unchanged (scripts do not use them).
import type { RawDatabase } from '../../server/kernel/db'

/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's query builder is untyped; this is its adapter */
type Any = any

const unwrap = (arg: Any) => (arg && typeof arg === 'object' && 'data' in arg ? arg.data : arg)

const updated = async (p: Promise<Any>) => {
  const res = await p
  return { ...res, stats: { updated: res?.updated ?? 0 } }
}
const removed = async (p: Promise<Any>) => {
  const res = await p
  return { ...res, stats: { removed: res?.deleted ?? 0 } }
}

function query(q: Any): Any {
  return {
    where: (w: object) => query(q.where(w)),
    orderBy: (f: string, d: 'asc' | 'desc') => query(q.orderBy(f, d)),
    skip: (n: number) => query(q.skip(n)),
    limit: (n: number) => query(q.limit(n)),
    field: (f: object) => query(q.field(f)),
    get: () => q.get(),
    count: () => q.count(),
    update: (o: Any) => updated(q.update(unwrap(o))),
    remove: () => removed(q.remove()),
  }
}

function collection(c: Any): Any {
  return {
    ...query(c),
    doc: (id: string) => {
      const d = c.doc(id)
      return {
        get: () => d.get(),
        set: (o: Any) => d.set(unwrap(o)),
        update: (o: Any) => updated(d.update(unwrap(o))),
        remove: () => removed(d.remove()),
      }
    },
    add: async (o: Any) => {
      const res = await c.add(unwrap(o))
      return Array.isArray(unwrap(o)) ? { ...res, ids: res.ids ?? [] } : { ...res, _id: res.id }
    },
    aggregate: () => c.aggregate(),
  }
}

export function nodeSdkDatabase(db: Any): RawDatabase {
  return {
    collection: (name: string) => collection(db.collection(name)),
    command: db.command,
    serverDate: (opts?: { offset?: number }) => db.serverDate(opts),
    runTransaction: (fn: Any, retries?: number) => db.runTransaction(fn, retries),
    startTransaction: () => db.startTransaction(),
    createCollection: (name: string) => db.createCollection(name),
  }
}
