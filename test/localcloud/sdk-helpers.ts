// Small typed wrappers around wx-server-sdk for the database conformance tests: the SDK's declared return types
// are unions with `void | string`, and its errors are plain objects with `errCode`/`errMsg`.
import type { TestCloud } from '../support/localcloud'

export type Sdk = TestCloud['sdk']
export type Db = ReturnType<Sdk['database']>
export type Command = Db['command']
export type Collection = ReturnType<Db['collection']>
export type Query = ReturnType<Collection['where']>
export type DocRef = ReturnType<Collection['doc']>
export type Aggregate = ReturnType<Collection['aggregate']>
export type Doc = Record<string, unknown>

export interface SdkError {
  errCode?: number
  errMsg?: string
  message?: string
  code?: string
}

/** The rejection of `promise`; fails the test if it resolves. */
export async function failure(promise: unknown): Promise<SdkError> {
  try {
    await promise
  } catch (err) {
    return err as SdkError
  }
  throw new Error('expected the SDK call to fail, but it succeeded')
}

export async function list(query: Query | Collection): Promise<Doc[]> {
  return ((await query.get()) as { data: Doc[] }).data
}

export async function ids(query: Query | Collection): Promise<string[]> {
  return (await list(query)).map((d) => String(d._id)).sort()
}

export async function getDoc(ref: DocRef): Promise<Doc> {
  return ((await ref.get()) as { data: Doc }).data
}

export async function count(query: Query | Collection): Promise<number> {
  return ((await query.count()) as { total: number }).total
}

export async function updated(op: unknown): Promise<number> {
  return ((await op) as { stats: { updated: number } }).stats.updated
}

export async function removed(op: unknown): Promise<number> {
  return ((await op) as { stats: { removed: number } }).stats.removed
}

export async function run(pipeline: Aggregate): Promise<Doc[]> {
  return ((await pipeline.end()) as { list: Doc[] }).list
}

let seq = 0

/** A new, empty collection with a unique name, created through the SDK. */
export async function freshCollection(db: Db, prefix = 'c'): Promise<Collection> {
  const name = `${prefix}_${++seq}_${Date.now().toString(36)}`
  await db.createCollection(name)
  return db.collection(name)
}

/** Insert documents one `add` per document, in order (so natural order is insertion order). */
export async function insertInOrder(coll: Collection, docs: Doc[]): Promise<string[]> {
  const out: string[] = []
  for (const data of docs) out.push(String(((await coll.add({ data })) as { _id: string })._id))
  return out
}

/** Insert many documents quickly: concurrent single-document adds, `batch` at a time. */
export async function insertMany(coll: Collection, docs: Doc[], batch = 10): Promise<void> {
  for (let i = 0; i < docs.length; i += batch) {
    await Promise.all(docs.slice(i, i + batch).map((data) => coll.add({ data })))
  }
}
