// Pushes leave through the queue after the call that enqueued them returns: wait for them before reading the outbox.
import type { TestCloud } from './localcloud'

export interface OutboxMessage {
  id: number
  at: string
  touser: string
  templateId: string
  page: string | null
  data: Record<string, { value: string }>
  miniprogramState: string | null
  status: 'sent' | 'rejected' | 'invalid'
  errcode: number
  function: string | null
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Until no message is being sent and none is due (a retry's backoff may hold some for later). */
export async function pushesSettled(t: TestCloud, timeoutMs = 30_000): Promise<void> {
  const until = performance.now() + timeoutMs
  for (;;) {
    const _ = t.data._
    const busy = await t.data.count(
      'pushQueue',
      _.or([{ status: 'sending' }, { status: 'queued', dueAt: _.lte(new Date(t.now())) }]),
    )
    if (busy === 0) return
    if (performance.now() > until) throw new Error(`pushes not settled after ${timeoutMs} ms: ${busy} left`)
    await sleep(25)
  }
}

/** The outbox once the queue has settled. */
export async function settledOutbox(t: TestCloud): Promise<OutboxMessage[]> {
  await pushesSettled(t)
  return t.admin<OutboxMessage[]>('outbox')
}
