// Snapshot-isolated transactions over the store: reads see the store as of start plus their own writes;
// commit fails with DATABASE_TRANSACTION_CONFLICT if another commit changed a written document meanwhile.
import { randomBytes } from 'node:crypto'
import type { Doc } from '../ejson'
import { E } from '../errors'
import type { Store, Write } from './store'

export const TRANSACTION_TTL_MS = 30_000

interface Transaction {
  id: string
  startSeq: number
  startedAt: number
  writes: Map<string, Write>
}

const key = (collection: string, id: string) => `${collection}\u0000${id}`

export class Transactions {
  private readonly open = new Map<string, Transaction>()
  private readonly sweeper: NodeJS.Timeout

  constructor(
    private readonly store: Store,
    private readonly ttlMs = TRANSACTION_TTL_MS,
    private readonly clock: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), 1000)
    this.sweeper.unref()
  }

  get size(): number {
    return this.open.size
  }

  start(): string {
    const id = `tx-${randomBytes(16).toString('hex')}`
    this.open.set(id, { id, startSeq: this.store.seq, startedAt: this.clock(), writes: new Map() })
    this.store.openTransactions++
    return id
  }

  private get(id: string): Transaction {
    const tx = this.open.get(id)
    if (!tx) throw E.txGone(id)
    if (this.clock() - tx.startedAt > this.ttlMs) {
      this.finish(tx)
      throw E.txGone(id)
    }
    return tx
  }

  read(id: string, collection: string, docId: string): Doc | null {
    const tx = this.get(id)
    const coll = this.store.collection(collection)
    const own = tx.writes.get(key(collection, docId))
    if (own) return own.doc
    return coll.readAt(docId, tx.startSeq)
  }

  write(id: string, collection: string, docId: string, doc: Doc | null): void {
    const tx = this.get(id)
    this.store.collection(collection)
    tx.writes.set(key(collection, docId), { collection, id: docId, doc })
  }

  commit(id: string): number {
    const tx = this.get(id)
    try {
      for (const w of tx.writes.values()) {
        if (this.store.collection(w.collection).lastChange(w.id) > tx.startSeq) throw E.txConflict()
      }
      return this.store.commit([...tx.writes.values()])
    } finally {
      this.finish(tx)
    }
  }

  abort(id: string): void {
    this.finish(this.get(id))
  }

  private finish(tx: Transaction): void {
    if (!this.open.delete(tx.id)) return
    this.store.openTransactions--
    let oldest: number | null = null
    for (const t of this.open.values()) if (oldest === null || t.startSeq < oldest) oldest = t.startSeq
    this.store.prune(oldest)
  }

  private sweep(): void {
    const now = this.clock()
    for (const tx of [...this.open.values()]) if (now - tx.startedAt > this.ttlMs) this.finish(tx)
  }

  /** Forget every open transaction (admin reset). */
  clear(): void {
    for (const tx of [...this.open.values()]) this.finish(tx)
  }

  stop(): void {
    clearInterval(this.sweeper)
  }
}
