// The one push queue every feature's subscription messages go through. A user's call only enqueues (one write for
// a handful of messages) and kicks a drain invocation of its own function without waiting for it; the function's
// timer drains whatever a failed kick or a spent budget left. A message's id is derived from its purpose key and its
// recipient, so a retried call or a repeated enqueue never sends twice. Drains claim messages with a conditional
// update and a lease, so two drains never send the same one. The queue knows no feature: callers hand it complete
// messages. See docs/architecture.md, "The push queue".
import { createHash, randomBytes } from 'node:crypto'
import { AppError, nowDate, nowMs } from '../kernel'
import { Budget } from './budget'
import { cloud, data } from './cloud'
import { clearCredits, creditId, spendCredit, type CreditDoc } from './credits'
import { CONFIG_ERRORS, templateUsable, type ConfigError } from './health'

/**
 * `misconfigured`: never sent, or refused by WeChat, because the deployment is not configured for it (`config` says
 * how); not the person's refusal, so their credits are left alone. The committee's health check reports them.
 */
export type PushStatus = 'queued' | 'sending' | 'sent' | 'refused' | 'failed' | 'misconfigured'

export interface PushDoc {
  /** `psh_` + hash of (purpose, touser): the same notice to the same person is one document. */
  _id: string
  purpose: string
  touser: string
  templateId: string
  page: string
  /** Field values, already checked against the template field limits. */
  fields: Record<string, string>
  status: PushStatus
  attempts: number
  /** Not to be sent before this (a failed attempt's backoff). */
  dueAt: Date
  createdAt: Date
  /** Nonce of the enqueue that wrote it: the kicked drain proves it was started by a function through it. */
  kick: string
  /** Claim token and lease of the drain sending it. */
  claim?: string
  leaseUntil?: Date
  sentAt?: Date
  errcode?: number
  error?: string
  /** Why a `misconfigured` message did not go. */
  config?: ConfigError
}

export interface PushMessage {
  /** What this notice is, the same on a retry: e.g. `antigen.abnormal:<chain>:<household>:<version>`. */
  purpose: string
  touser: string
  templateId: string
  page: string
  fields: Record<string, string>
}

/** The internal action of a kicked drain; never in a contract, refused to every client. */
export const DRAIN_ACTION = 'drainPushes'
/** Attempts before a message that keeps failing (not refused) is given up as `failed`. */
export const MAX_ATTEMPTS = 5
/** A claimed message whose drain died is claimable again after this: longer than any function's timeout (60 s). */
export const LEASE_MS = 90_000
/** Sends in flight at once in one drain. */
export const CONCURRENCY = 20
/** How long the enqueuing call waits for the kick to be dispatched before it returns. */
export const KICK_WAIT_MS = 300
/** Messages per kicked drain: a large enqueue starts several, which claim disjoint messages. */
export const PER_DRAIN = 300
export const MAX_KICKS = 4
/** Send results are kept this long (who was told what, for the committee's questions), then deleted. */
export const KEEP_RESULTS_MS = 14 * 86_400_000

const backoffMs = (attempts: number) => Math.min(30_000 * 2 ** (attempts - 1), 30 * 60_000)

export const pushId = (purpose: string, touser: string) =>
  `psh_${createHash('sha256').update(`${purpose}\u0000${touser}`).digest('hex').slice(0, 32)}`

// Template field limits (subscribeMessage.send; ../shared docs): a value over its limit is refused with 47003 and
// the person is never told, so values are cut here for every feature.
const clipChars = (s: string, n: number) => ([...s].length <= n ? s : `${[...s].slice(0, n - 1).join('')}…`)
const FIELD_RULES: Record<string, (v: string) => string> = {
  thing: (v) => clipChars(v, 20),
  // phrase: at most 5 Chinese characters, nothing else
  phrase: (v) => [...v.replace(/[^\u4e00-\u9fff]/g, '')].slice(0, 5).join(''),
  name: (v) => ([...v].length <= 10 || (/^[A-Za-z ]+$/.test(v) && v.length <= 20) ? v : [...v].slice(0, 10).join('')),
  number: (v) => v.replace(/[^0-9.]/g, '').slice(0, 32),
  letter: (v) => v.replace(/[^A-Za-z]/g, '').slice(0, 32),
  symbol: (v) => v.slice(0, 5),
  character_string: (v) => v.replace(/[\u4e00-\u9fff]/g, '').slice(0, 32),
  phone_number: (v) => v.replace(/[^0-9+\-() ]/g, '').slice(0, 17),
  car_number: (v) => [...v].slice(0, 8).join(''),
  time: (v) => v.slice(0, 40),
  date: (v) => v.slice(0, 40),
  amount: (v) => v.slice(0, 16),
}

/** `thing` fields: at most 20 characters (the 20th an ellipsis when cut). */
export const thing = (s: string) => clipChars(s, 20)

/** Every field within its type's limit (the type is the key without its number: thing1 → thing). */
export function checkFields(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) => {
      const rule = FIELD_RULES[key.replace(/\d+$/, '')]
      const v = rule ? rule(String(value)) : String(value)
      if (v === '') throw new Error(`push field ${key} is empty after its limit`)
      return [key, v]
    }),
  )
}

export interface Enqueued {
  /** Messages written now (a repeated enqueue writes none). */
  queued: number
  /** Nonce the kicked drain shows; undefined when nothing was queued. */
  kick?: string
}

/** Write the messages (one write when none was queued before). Duplicates of an earlier enqueue are skipped. */
export async function enqueue(messages: readonly PushMessage[]): Promise<Enqueued> {
  const kick = randomBytes(12).toString('hex')
  const at = nowDate()
  const byId = new Map<string, PushDoc>()
  for (const m of messages) {
    const _id = pushId(m.purpose, m.touser)
    if (!m.touser || byId.has(_id)) continue
    byId.set(_id, {
      _id,
      purpose: m.purpose,
      touser: m.touser,
      templateId: m.templateId,
      page: m.page,
      fields: checkFields(m.fields),
      status: 'queued',
      attempts: 0,
      dueAt: at,
      createdAt: at,
      kick,
    })
  }
  // A template that is not configured here (an empty id, or a placeholder outside localcloud) can reach nobody:
  // recorded as such at once, never sent, so the committee's health check and the logs say why.
  for (const doc of byId.values())
    if (!templateUsable(doc.templateId))
      Object.assign(doc, {
        status: 'misconfigured',
        config: 'TEMPLATE_NOT_CONFIGURED',
        error: CONFIG_ERRORS.TEMPLATE_NOT_CONFIGURED,
        sentAt: at,
      })
  const docs = [...byId.values()]
  let written = 0
  // A retried call finds some already queued: only the others are written.
  for (let i = 0; i < docs.length; i += 500) written += await data.insertNew('pushQueue', docs.slice(i, i + 500))
  const unusable = docs.filter((d) => d.status === 'misconfigured').length
  if (unusable) console.error(`push queue: ${unusable} message(s) with a template id that is not configured, not sent`)
  // Only queued ones need a drain; a retry of an all-misconfigured enqueue writes nothing either way.
  const queued = Math.max(0, written - unusable)
  return queued ? { queued, kick } : { queued }
}

export interface DrainResult {
  sent: number
  refused: number
  retried: number
  failed: number
  /** Refused by WeChat for the deployment's configuration (template id, the function's permission). */
  misconfigured: number
  /** Due messages left when the budget or the limit ran out. */
  more: boolean
}

type SendOutcome =
  | { status: 'sent' }
  | { status: 'refused' | 'error'; errcode?: number; error: string }
  | { status: 'misconfigured'; errcode: number; error: string; config: ConfigError }

/** subscribeMessage.send's `miniprogramState`: the build the message opens, as the person's subscription says. */
export type MiniprogramState = 'developer' | 'trial' | 'formal'

/** The build a message to this person opens: the one they last subscribed from; formal when unknown. */
export function miniprogramState(envVersion: unknown): MiniprogramState {
  if (envVersion === 'develop') return 'developer'
  return envVersion === 'trial' ? 'trial' : 'formal'
}

async function send(m: PushDoc, state: MiniprogramState): Promise<SendOutcome> {
  const dataFields = Object.fromEntries(Object.entries(m.fields).map(([k, v]) => [k, { value: v }]))
  try {
    await cloud.openapi.subscribeMessage.send({
      touser: m.touser,
      templateId: m.templateId,
      page: m.page,
      data: dataFields,
      miniprogramState: state,
    } as never)
    return { status: 'sent' }
  } catch (err) {
    const e = err as { errCode?: number; errMsg?: string; message?: string }
    const error = String(e.errMsg ?? e.message ?? err).slice(0, 200)
    // 43101: no credit (the person refused or used them up); 47003 bad data and 40003 bad openid never get better.
    if (e.errCode === 43101 || e.errCode === 47003 || e.errCode === 40003)
      return { status: 'refused', errcode: e.errCode, error }
    // The deployment's, not the person's: a template id WeChat does not know, the function not allowed to send.
    if (e.errCode === 40037) return { status: 'misconfigured', errcode: 40037, error, config: 'TEMPLATE_INVALID' }
    if (e.errCode === 48001) return { status: 'misconfigured', errcode: 48001, error, config: 'API_UNAUTHORIZED' }
    return { status: 'error', ...(typeof e.errCode === 'number' ? { errcode: e.errCode } : {}), error }
  }
}

async function record(m: PushDoc, token: string, outcome: SendOutcome): Promise<keyof Omit<DrainResult, 'more'>> {
  const mine = { _id: m._id, claim: token, status: 'sending' }
  const done = { claim: data._.remove(), leaseUntil: data._.remove() }
  if (outcome.status === 'sent') {
    await data.updateWhere('pushQueue', mine, { ...done, status: 'sent', sentAt: nowDate() })
    await spendCredit(m.touser, m.templateId)
    return 'sent'
  }
  const why = { error: outcome.error, ...(outcome.errcode !== undefined ? { errcode: outcome.errcode } : {}) }
  if (outcome.status === 'misconfigured') {
    const config = { config: outcome.config, status: 'misconfigured', sentAt: nowDate() }
    await data.updateWhere('pushQueue', mine, { ...done, ...why, ...config })
    console.error(`push ${m._id}: ${CONFIG_ERRORS[outcome.config]} (${outcome.error})`)
    return 'misconfigured'
  }
  if (outcome.status === 'refused') {
    await data.updateWhere('pushQueue', mine, { ...done, ...why, status: 'refused', sentAt: nowDate() })
    if (outcome.errcode === 43101) await clearCredits(m.touser, m.templateId)
    return 'refused'
  }
  const attempts = m.attempts + 1
  if (attempts >= MAX_ATTEMPTS) {
    await data.updateWhere('pushQueue', mine, { ...done, ...why, status: 'failed', attempts })
    return 'failed'
  }
  await data.updateWhere('pushQueue', mine, {
    ...done,
    ...why,
    status: 'queued',
    attempts,
    dueAt: new Date(nowMs() + backoffMs(attempts)),
  })
  return 'retried'
}

/**
 * Claim due messages (queued and due, or claimed by a drain whose lease ran out) and send them, until none is due,
 * `limit` were handled or the budget is spent. The claim is one conditional update from `queued` to `sending`
 * with this drain's token, so of two drains each message goes to one.
 */
export async function drain({ budgetMs, limit = 5000 }: { budgetMs: number; limit?: number }): Promise<DrainResult> {
  const budget = new Budget(budgetMs)
  const out: DrainResult = { sent: 0, refused: 0, retried: 0, failed: 0, misconfigured: 0, more: false }
  let handled = 0
  for (;;) {
    if (budget.spent || handled >= limit) {
      out.more = (await data.count('pushQueue', dueWhere())) > 0
      return out
    }
    const candidates = await data.find<{ _id: string }>('pushQueue', dueWhere(), {
      limit: Math.min(100, limit - handled),
      orderBy: [['dueAt', 'asc']],
      fields: { _id: true },
    })
    if (candidates.length === 0) return out
    const token = randomBytes(12).toString('hex')
    await data.updateWhere('pushQueue', data._.and([{ _id: data._.in(candidates.map((c) => c._id)) }, dueWhere()]), {
      status: 'sending',
      claim: token,
      leaseUntil: new Date(nowMs() + LEASE_MS),
    })
    const claimed = await data.find<PushDoc>('pushQueue', { claim: token }, { limit: 100 })
    handled += candidates.length
    const states = await statesOf(claimed)
    for (let i = 0; i < claimed.length; i += CONCURRENCY) {
      const results = await Promise.all(
        claimed.slice(i, i + CONCURRENCY).map(async (m) => record(m, token, await send(m, states(m)))),
      )
      for (const r of results) out[r]++
    }
  }
}

/** The build each message opens, from its recipient's subscription to its template (one read for the batch). */
async function statesOf(messages: readonly PushDoc[]): Promise<(m: PushDoc) => MiniprogramState> {
  const credits = await data.byIds<CreditDoc>(
    'subscriptionCredits',
    messages.map((m) => creditId(m.touser, m.templateId)),
  )
  return (m) => miniprogramState(credits.get(creditId(m.touser, m.templateId))?.envVersion)
}

function dueWhere() {
  const now = nowDate()
  return data._.or([
    { status: 'queued', dueAt: data._.lte(now) },
    { status: 'sending', leaseUntil: data._.lt(now) },
  ])
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Start drain invocations of `functionName` without waiting for them. CloudBase freezes an instance once its
 * invocation returns, so a request not yet written may never leave: wait for the dispatch, at most KICK_WAIT_MS
 * (callFunction itself resolves only when the drain ends). Whatever is not drained, the timer drains.
 */
export async function kick(functionName: string, enqueued: Enqueued, drains = 1): Promise<void> {
  if (!enqueued.kick) return
  const calls = Array.from({ length: Math.max(1, Math.min(MAX_KICKS, drains)) }, () =>
    (
      cloud.callFunction({
        name: functionName,
        data: { action: DRAIN_ACTION, kick: enqueued.kick },
      }) as Promise<unknown>
    )
      .then(() => undefined)
      .catch((err: unknown) => console.error(`[${functionName}] push drain kick failed; the timer will drain`, err)),
  )
  await Promise.race([Promise.all(calls), sleep(KICK_WAIT_MS)])
}

/** Enqueue and kick: what a feature calls. Returns how many messages were queued now. */
export async function push(functionName: string, messages: readonly PushMessage[]): Promise<number> {
  if (messages.length === 0) return 0
  const enqueued = await enqueue(messages)
  await kick(functionName, enqueued, Math.ceil(enqueued.queued / PER_DRAIN))
  return enqueued.queued
}

/** Delete send results older than KEEP_RESULTS_MS (a timer step). */
export async function deleteOldResults(now = nowMs()): Promise<number> {
  return data.removeWhere('pushQueue', {
    status: data._.in(['sent', 'refused', 'failed', 'misconfigured']),
    createdAt: data._.lt(new Date(now - KEEP_RESULTS_MS)),
  })
}

/** The timer step: drain leftovers within the run's budget, then delete old results. */
export async function drainStep(budgetMs: number) {
  const drained = await drain({ budgetMs })
  return { ...drained, deleted: await deleteOldResults() }
}

interface DrainEvent {
  action: typeof DRAIN_ACTION
  kick?: unknown
}

const isDrainEvent = (event: unknown): event is DrainEvent =>
  typeof event === 'object' && event !== null && (event as { action?: unknown }).action === DRAIN_ACTION

/**
 * Who may start a drain: only a function (SOURCE ends in `scf`: CloudBase appends it to the caller's chain on a
 * function-to-function call, and a client cannot set it) that shows the nonce of an enqueue it wrote (stored on
 * the queued messages, which no client can read). Anything else is answered as for an action that does not exist.
 */
async function mayDrain(event: DrainEvent, source: string | undefined): Promise<boolean> {
  const chain = (source ?? '').split(',')
  if (chain.length < 2 || chain[chain.length - 1] !== 'scf') return false
  if (typeof event.kick !== 'string' || !/^[0-9a-f]{24}$/.test(event.kick)) return false
  return (await data.count('pushQueue', { kick: event.kick })) > 0
}

/**
 * Wraps a function's `main`: the drain action is handled here, before the router (it is in no contract); every other
 * event goes to `main`. A drain that leaves due messages kicks one more drain, so a large enqueue finishes before
 * the timer comes.
 */
export function withPushDrain<E, R>(
  functionName: string,
  main: (event: E) => Promise<R>,
  budgetMs: number,
): (event: E) => Promise<R | { ok: true; data: DrainResult }> {
  return async (event: E) => {
    if (!isDrainEvent(event)) return main(event)
    if (!(await mayDrain(event, cloud.getWXContext().SOURCE)))
      return new AppError('UNKNOWN_ACTION', undefined, 'action').toEnvelope() as R
    const result = await drain({ budgetMs })
    if (result.more) await kick(functionName, { queued: 1, kick: event.kick as string })
    return { ok: true, data: result }
  }
}
