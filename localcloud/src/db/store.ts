// Documents live in memory for queries and in SQLite (WAL) for durability: every acknowledged write is in a
// committed SQLite transaction before the SDK hears back, so a restart or kill -9 loses nothing acknowledged.
import Database from 'better-sqlite3'
import { decode, encode, type Doc } from '../ejson'
import { E } from '../errors'

export interface Current {
  seq: number
  doc: Doc
}

/** A version of a document as of `seq`; `doc: null` means it did not exist from then on. */
export interface Version {
  seq: number
  doc: Doc | null
}

export interface Write {
  collection: string
  id: string
  doc: Doc | null
}

export class Collection {
  readonly docs = new Map<string, Current>()
  /** Deletion seq per id, kept only while transactions are open (for conflict checks and snapshots). */
  readonly deleted = new Map<string, number>()
  /** Superseded versions, kept only while some open transaction may still read them. */
  readonly history = new Map<string, Version[]>()

  constructor(readonly name: string) {}

  /** seq of the last change to this id (write or delete), 0 if never touched. */
  lastChange(id: string): number {
    return this.docs.get(id)?.seq ?? this.deleted.get(id) ?? 0
  }

  /** The document as a transaction that started at `seq` sees it. */
  readAt(id: string, seq: number): Doc | null {
    if (this.lastChange(id) <= seq) return this.docs.get(id)?.doc ?? null
    // Changed after the snapshot, so while that transaction was open: the version it saw is in history.
    let best: Version | undefined
    for (const v of this.history.get(id) ?? []) if (v.seq <= seq && (!best || v.seq > best.seq)) best = v
    return best ? best.doc : null
  }
}

export class Store {
  private readonly db: Database.Database
  readonly collections = new Map<string, Collection>()
  seq = 0
  /** Number of open transactions; while >0, superseded versions are kept. */
  openTransactions = 0
  private readonly stmts: {
    upsert: Database.Statement
    remove: Database.Statement
    addCollection: Database.Statement
  }

  constructor(file: string | null) {
    this.db = new Database(file ?? ':memory:')
    if (file) {
      this.db.pragma('journal_mode = WAL')
      // NORMAL in WAL mode: a committed transaction survives a process crash (kill -9); only an OS crash or
      // power loss can lose the last transactions. That is the durability an emulator needs.
      this.db.pragma('synchronous = NORMAL')
    }
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS collections (name TEXT PRIMARY KEY);
      CREATE TABLE IF NOT EXISTS documents (
        ord INTEGER PRIMARY KEY AUTOINCREMENT,
        collection TEXT NOT NULL,
        id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        body TEXT NOT NULL,
        UNIQUE (collection, id)
      );
    `)
    this.stmts = {
      upsert: this.db.prepare(
        `INSERT INTO documents (collection, id, seq, body) VALUES (?, ?, ?, ?)
         ON CONFLICT (collection, id) DO UPDATE SET seq = excluded.seq, body = excluded.body`,
      ),
      remove: this.db.prepare('DELETE FROM documents WHERE collection = ? AND id = ?'),
      addCollection: this.db.prepare('INSERT OR IGNORE INTO collections (name) VALUES (?)'),
    }
    this.load()
  }

  private load(): void {
    for (const row of this.db.prepare('SELECT name FROM collections').all() as { name: string }[]) {
      this.collections.set(row.name, new Collection(row.name))
    }
    const rows = this.db.prepare('SELECT collection, id, seq, body FROM documents ORDER BY ord').iterate() as Iterable<{
      collection: string
      id: string
      seq: number
      body: string
    }>
    for (const row of rows) {
      let coll = this.collections.get(row.collection)
      if (!coll) {
        coll = new Collection(row.collection)
        this.collections.set(row.collection, coll)
      }
      coll.docs.set(row.id, { seq: row.seq, doc: decode(row.body) as Doc })
      if (row.seq > this.seq) this.seq = row.seq
    }
  }

  /** The raw SQLite handle, for other durable parts of the emulator (storage index, outbox). */
  get sqlite(): Database.Database {
    return this.db
  }

  collection(name: string): Collection {
    const coll = this.collections.get(name)
    if (!coll) throw E.collectionMissing(name)
    return coll
  }

  createCollection(name: string): boolean {
    if (this.collections.has(name)) return false
    this.stmts.addCollection.run(name)
    this.collections.set(name, new Collection(name))
    return true
  }

  /** Apply writes atomically (one SQLite transaction, one new seq) and return that seq. */
  commit(writes: readonly Write[]): number {
    if (writes.length === 0) return this.seq
    const seq = this.seq + 1
    this.db.transaction(() => {
      for (const w of writes) {
        if (w.doc) this.stmts.upsert.run(w.collection, w.id, seq, encode(w.doc))
        else this.stmts.remove.run(w.collection, w.id)
      }
    })()
    this.seq = seq
    for (const w of writes) {
      const coll = this.collection(w.collection)
      const prev = coll.docs.get(w.id)
      if (this.openTransactions > 0) {
        const prevVersion: Version = prev
          ? { seq: prev.seq, doc: prev.doc }
          : { seq: coll.deleted.get(w.id) ?? 0, doc: null }
        const list = coll.history.get(w.id)
        if (list) list.push(prevVersion)
        else coll.history.set(w.id, [prevVersion])
      }
      if (w.doc) {
        coll.docs.set(w.id, { seq, doc: w.doc })
        coll.deleted.delete(w.id)
      } else {
        coll.docs.delete(w.id)
        if (this.openTransactions > 0) coll.deleted.set(w.id, seq)
      }
    }
    return seq
  }

  /** Drop versions no open transaction can read: those superseded at or before `oldestOpenSeq`. */
  prune(oldestOpenSeq: number | null): void {
    for (const coll of this.collections.values()) {
      if (oldestOpenSeq === null) {
        coll.history.clear()
        coll.deleted.clear()
        continue
      }
      for (const [id, versions] of coll.history) {
        // A version is needed if it is the newest one at or before some open snapshot; keep the newest version
        // at or before the oldest snapshot and everything after it.
        let keepFrom = -1
        for (let i = 0; i < versions.length; i++) if ((versions[i] as Version).seq <= oldestOpenSeq) keepFrom = i
        const kept = keepFrom > 0 ? versions.slice(keepFrom) : versions
        const cur = coll.lastChange(id)
        if (cur <= oldestOpenSeq) coll.history.delete(id)
        else coll.history.set(id, kept)
      }
      for (const [id, seq] of coll.deleted) if (seq <= oldestOpenSeq) coll.deleted.delete(id)
    }
  }

  /** Remove everything: all collections and documents. */
  reset(): void {
    this.db.exec('DELETE FROM documents; DELETE FROM collections;')
    this.collections.clear()
  }

  close(): void {
    this.db.close()
  }
}
