// Transactions through the SDK: snapshot reads, write-conflict detection, retry, rollback, expiry, limits.
import { startTestCloud, type TestCloud } from '../support/localcloud'

let t: TestCloud
// The emulator's default time to live; expiry is tested by moving the platform clock past it, so a slow machine
// never expires a transaction that a test is still using.
const TTL_MS = 30_000

beforeAll(async () => {
  t = await startTestCloud({ collections: ['accounts', 'counters'], transactionTtlMs: TTL_MS })
})
afterAll(() => t.stop())

const db = () => t.sdk.database()
const accounts = () => db().collection('accounts')

async function seed(): Promise<void> {
  t.cloud.reset()
  await accounts().add({ data: { _id: 'a', balance: 100 } })
  await accounts().add({ data: { _id: 'b', balance: 50 } })
}

async function raw(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(t.cloud.serviceUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return (await res.json()) as Record<string, unknown>
}

const read = async (ref: { get(): unknown }): Promise<unknown> => ((await ref.get()) as { data: unknown }).data

type Tx = Awaited<ReturnType<ReturnType<TestCloud['sdk']['database']>['startTransaction']>>

const balance = async (id: string) => ((await read(accounts().doc(id))) as { balance: number }).balance

beforeEach(seed)

describe('commit and rollback', () => {
  it('applies every write of a committed transaction', async () => {
    const tx = await db().startTransaction()
    await tx
      .collection('accounts')
      .doc('a')
      .update({ data: { balance: 70 } })
    await tx
      .collection('accounts')
      .doc('b')
      .update({ data: { balance: 80 } })
    await tx.commit()
    expect([await balance('a'), await balance('b')]).toEqual([70, 80])
  })

  it('hides uncommitted writes from other readers', async () => {
    const tx = await db().startTransaction()
    await tx
      .collection('accounts')
      .doc('a')
      .update({ data: { balance: 1 } })
    expect(await balance('a')).toBe(100)
    await tx.commit()
    expect(await balance('a')).toBe(1)
  })

  it('discards every write on rollback', async () => {
    const tx = await db().startTransaction()
    await tx
      .collection('accounts')
      .doc('a')
      .update({ data: { balance: 0 } })
    await tx.collection('accounts').add({ data: { _id: 'c', balance: 5 } })
    await tx.rollback()
    expect(await balance('a')).toBe(100)
    await expect(accounts().doc('c').get()).rejects.toThrow()
  })

  it('runTransaction returns the callback’s value', async () => {
    const moved = await db().runTransaction(async (tx: Tx) => {
      const a = (await read(tx.collection('accounts').doc('a'))) as { balance: number }
      await tx
        .collection('accounts')
        .doc('a')
        .update({ data: { balance: a.balance - 30 } })
      await tx
        .collection('accounts')
        .doc('b')
        .update({ data: { balance: db().command.inc(30) } })
      return 30
    })
    expect(moved).toBe(30)
    expect([await balance('a'), await balance('b')]).toEqual([70, 80])
  })

  it('runTransaction rolls back when the callback throws', async () => {
    await expect(
      db().runTransaction(async (tx: Tx) => {
        await tx
          .collection('accounts')
          .doc('a')
          .update({ data: { balance: 0 } })
        throw new Error('insufficient funds')
      }),
    ).rejects.toThrow('insufficient funds')
    expect(await balance('a')).toBe(100)
  })

  it('supports add, set and remove inside a transaction', async () => {
    const tx = await db().startTransaction()
    await tx.collection('accounts').add({ data: { _id: 'c', balance: 1 } })
    await tx
      .collection('accounts')
      .doc('d')
      .set({ data: { balance: 2 } })
    await tx.collection('accounts').doc('b').remove()
    await tx.commit()
    expect(await balance('c')).toBe(1)
    expect(await balance('d')).toBe(2)
    await expect(accounts().doc('b').get()).rejects.toThrow()
  })

  it('commits a transaction that wrote nothing', async () => {
    const tx = await db().startTransaction()
    await tx.collection('accounts').doc('a').get()
    await expect(tx.commit()).resolves.toBeDefined()
  })
})

describe('snapshot reads', () => {
  it('reads the state as of the start, not later commits', async () => {
    const tx = await db().startTransaction()
    expect(((await read(tx.collection('accounts').doc('a'))) as { balance: number }).balance).toBe(100)
    await accounts()
      .doc('a')
      .update({ data: { balance: 5 } })
    expect(((await read(tx.collection('accounts').doc('a'))) as { balance: number }).balance).toBe(100)
    await tx.rollback()
  })

  it('does not see documents inserted after it started', async () => {
    const tx = await db().startTransaction()
    await accounts().add({ data: { _id: 'late', balance: 1 } })
    await expect(tx.collection('accounts').doc('late').get()).rejects.toThrow(/late does not exist/)
    await tx.rollback()
  })

  it('still sees a document deleted after it started', async () => {
    const tx = await db().startTransaction()
    await accounts().doc('b').remove()
    expect(await read(tx.collection('accounts').doc('b'))).toMatchObject({ balance: 50 })
    await tx.rollback()
  })

  it('sees its own writes', async () => {
    const tx = await db().startTransaction()
    await tx
      .collection('accounts')
      .doc('a')
      .update({ data: { balance: db().command.inc(1) } })
    expect(((await read(tx.collection('accounts').doc('a'))) as { balance: number }).balance).toBe(101)
    await tx.rollback()
  })

  // The server answers an empty list; wx-server-sdk turns that into an error unless throwOnNotFound is false.
  it('reports a missing document as not existing', async () => {
    const tx = await db().startTransaction()
    await expect(tx.collection('accounts').doc('none').get()).rejects.toThrow(/none does not exist/)
    await tx.rollback()
  })

  it('answers null for a missing document when throwOnNotFound is false', async () => {
    const lenient = t.sdk.database({ throwOnNotFound: false } as never)
    const tx = await lenient.startTransaction()
    expect(await read(tx.collection('accounts').doc('none'))).toBeNull()
    await tx.rollback()
  })
})

describe('write conflicts', () => {
  it('fails the second of two transactions writing the same document', async () => {
    const t1 = await db().startTransaction()
    const t2 = await db().startTransaction()
    await t1
      .collection('accounts')
      .doc('a')
      .update({ data: { balance: 1 } })
    await t2
      .collection('accounts')
      .doc('a')
      .update({ data: { balance: 2 } })
    await t1.commit()
    await expect(t2.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' })
    expect(await balance('a')).toBe(1)
  })

  it('fails a transaction whose document changed outside after its snapshot', async () => {
    const tx = await db().startTransaction()
    await tx
      .collection('accounts')
      .doc('a')
      .update({ data: { balance: 1 } })
    await accounts()
      .doc('a')
      .update({ data: { balance: 2 } })
    await expect(tx.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' })
    expect(await balance('a')).toBe(2)
  })

  it('fails when a document it writes was deleted meanwhile', async () => {
    const tx = await db().startTransaction()
    await tx
      .collection('accounts')
      .doc('b')
      .set({ data: { balance: 9 } })
    await accounts().doc('b').remove()
    await expect(tx.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' })
  })

  it('fails an insert whose _id was taken by a commit meanwhile', async () => {
    const tx = await db().startTransaction()
    await tx.collection('accounts').add({ data: { _id: 'x', balance: 1 } })
    await accounts().add({ data: { _id: 'x', balance: 2 } })
    await expect(tx.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' })
    expect(await balance('x')).toBe(2)
  })

  it('does not conflict on documents only read', async () => {
    const tx = await db().startTransaction()
    await tx.collection('accounts').doc('a').get()
    await tx
      .collection('accounts')
      .doc('b')
      .update({ data: { balance: 0 } })
    await accounts()
      .doc('a')
      .update({ data: { balance: 3 } })
    await expect(tx.commit()).resolves.toBeDefined()
  })

  it('lets runTransaction retry after a conflict and succeed', async () => {
    let attempts = 0
    await db().runTransaction(async (tx: Tx) => {
      attempts++
      const a = (await read(tx.collection('accounts').doc('a'))) as { balance: number }
      if (attempts === 1)
        await accounts()
          .doc('a')
          .update({ data: { balance: db().command.inc(1000) } })
      await tx
        .collection('accounts')
        .doc('a')
        .update({ data: { balance: a.balance + 1 } })
    })
    expect(attempts).toBe(2)
    expect(await balance('a')).toBe(1101)
  })

  it('loses no increment when transactions race on one counter', async () => {
    await db()
      .collection('counters')
      .add({ data: { _id: 'n', value: 0 } })
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        db().runTransaction(async (tx: Tx) => {
          const c = (await read(tx.collection('counters').doc('n'))) as { value: number }
          await tx
            .collection('counters')
            .doc('n')
            .update({ data: { value: c.value + 1 } })
        }),
      ),
    )
    const ok = outcomes.filter((o) => o.status === 'fulfilled').length
    const value = ((await read(db().collection('counters').doc('n'))) as { value: number }).value
    expect(value).toBe(ok)
    for (const o of outcomes)
      if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' })
  })
})

describe('limits of transactions', () => {
  it('rejects a where query inside a transaction', async () => {
    const { transactionId } = await raw({ action: 'database.startTransaction' })
    const r = await raw({
      action: 'database.getDocument',
      collectionName: 'accounts',
      queryType: 'WHERE',
      query: '{}',
      transactionId,
    })
    expect(r).toMatchObject({ code: 'INVALID_PARAM' })
    await raw({ action: 'database.abortTransaction', transactionId })
  })

  it('rejects a multi-document update inside a transaction', async () => {
    const { transactionId } = await raw({ action: 'database.startTransaction' })
    const r = await raw({
      action: 'database.modifyDocument',
      collectionName: 'accounts',
      queryType: 'WHERE',
      query: '{}',
      data: '{"$set":{"x":1}}',
      multi: true,
      transactionId,
    })
    expect(r).toMatchObject({ code: 'INVALID_PARAM' })
    await raw({ action: 'database.abortTransaction', transactionId })
    expect(await balance('a')).toBe(100)
  })

  it('rejects an aggregation inside a transaction', async () => {
    const { transactionId } = await raw({ action: 'database.startTransaction' })
    const r = await raw({
      action: 'database.aggregateDocuments',
      collectionName: 'accounts',
      stages: [],
      transactionId,
    })
    expect(r).toMatchObject({ code: 'INVALID_PARAM' })
    await raw({ action: 'database.abortTransaction', transactionId })
  })

  it('reports a missing collection inside a transaction as -502005', async () => {
    const tx = await db().startTransaction()
    await expect(tx.collection('missing').doc('a').get()).rejects.toMatchObject({ errCode: -502005 })
    await tx.rollback()
  })

  it('expires an open transaction after its time to live', async () => {
    const tx = await db().startTransaction()
    await tx
      .collection('accounts')
      .doc('a')
      .update({ data: { balance: 0 } })
    await t.advanceClock(TTL_MS + 1000)
    await expect(tx.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL' })
    expect(await balance('a')).toBe(100)
  })

  it('refuses to use a transaction after it committed', async () => {
    const tx = await db().startTransaction()
    await tx.commit()
    // DATABASE_TRANSACTION_FAIL has no number in this SDK's table, so it surfaces as -501001 with our message.
    await expect(tx.collection('accounts').doc('a').get()).rejects.toMatchObject({
      errCode: -501001,
      message: expect.stringMatching(/not found, expired or already finished/),
    })
  })

  it('refuses an unknown transaction id', async () => {
    expect(await raw({ action: 'database.commitTransaction', transactionId: 'tx-unknown' })).toMatchObject({
      code: 'DATABASE_TRANSACTION_FAIL',
    })
  })
})
