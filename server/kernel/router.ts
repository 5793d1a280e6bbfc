import type { z } from 'zod'
import type { Envelope, Role, RoleGrant, Scope } from '../../typings/api'
import { AppError, clip, isAppError } from './errors'
import { hasRole } from './permissions'
import { parseInput } from './validate'

/** Who is calling, as CloudBase tells the function. */
export interface Caller {
  openid: string
  appid?: string
  unionid?: string
}

export interface ActionContext {
  caller: Caller
  grants: RoleGrant[]
  /** Per-invocation memo: a document loaded to resolve a scope is not loaded again by the handler. */
  memo<T>(key: string, load: () => Promise<T>): Promise<T>
}

function newMemo(): ActionContext['memo'] {
  const cache = new Map<string, Promise<unknown>>()
  return <T>(key: string, load: () => Promise<T>) => {
    let hit = cache.get(key) as Promise<T> | undefined
    if (!hit) {
      hit = load()
      cache.set(key, hit)
    }
    return hit
  }
}

/**
 * Who may run an action. `signedIn`: any caller with an OPENID. `roles`: one of these roles at a scope
 * covering the one `scope(input, ctx)` resolves (no `scope`: the role anywhere).
 */
export type Access<I> =
  { signedIn: true } | { roles: readonly Role[]; scope?: (input: I, ctx: ActionContext) => Scope | Promise<Scope> }

export interface ActionDef<I, O> {
  input: z.ZodType<I, z.ZodTypeDef, unknown>
  access: Access<I>
  handler: (input: I, ctx: ActionContext) => Promise<O>
}

/** Identity source: wx-server-sdk's `cloud.getWXContext()` in a real function. */
export interface IdentitySource {
  getWXContext(): { OPENID?: string; APPID?: string; UNIONID?: string; SOURCE?: string }
}

export interface FunctionDef {
  name: string
  identity: IdentitySource
  /** Loads the caller's role grants; called once per invocation, after input validation. */
  loadGrants: (caller: Caller) => Promise<RoleGrant[]>
  // Grants may carry more than RoleGrant (ids, names); handlers read them through ctx.grants.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- heterogeneous action table; each entry is typed by `action()`
  actions: Record<string, ActionDef<any, any>>
  /** Handlers for timer triggers, by trigger name (timer invocations carry no OPENID). */
  timers?: Record<string, () => Promise<unknown>>
  /** Server-side log sink; defaults to console.error. Never reaches the client. */
  logError?: (message: string, err: unknown) => void
}

/** Typed helper so each action's handler sees its parsed input type. */
export function action<I, O>(def: ActionDef<I, O>): ActionDef<I, O> {
  return def
}

interface TimerEvent {
  Type: 'Timer'
  TriggerName: string
}

/** getWXContext().SOURCE of an invocation by a timer trigger. */
export const TIMER_SOURCE = 'wx_trigger'

/** Largest event a function reads (CloudBase refuses callFunction bodies over 100 KB anyway). */
export const MAX_EVENT_CHARS = 100_000

function eventSize(event: unknown): number {
  try {
    return JSON.stringify(event)?.length ?? 0
  } catch {
    return Infinity
  }
}

const isTimerEvent = (event: unknown): event is TimerEvent =>
  typeof event === 'object' && event !== null && (event as { Type?: unknown }).Type === 'Timer'

/**
 * Builds a cloud function's `main`: route by `event.action`, validate `event.payload`, check role and scope,
 * run the handler, and always answer an envelope. Unexpected errors are logged here and answered as INTERNAL
 * without details, so no stack trace reaches a client.
 */
export function defineFunction(def: FunctionDef) {
  const logError = def.logError ?? ((message: string, err: unknown) => console.error(message, err))

  async function run(event: unknown): Promise<Envelope<unknown>> {
    if (eventSize(event) > MAX_EVENT_CHARS) throw new AppError('INVALID_INPUT', '提交的内容太多，请分几次提交')
    const ctx = def.identity.getWXContext()
    if (isTimerEvent(event)) {
      // Only the platform runs timers: a timer trigger's invocation has SOURCE wx_trigger and carries no caller. A
      // client (any OPENID, user info in the event, another source) is answered as for an action that does not exist.
      const fromPlatform = !ctx.OPENID && ctx.SOURCE === TIMER_SOURCE && !('userInfo' in event) && !('action' in event)
      const name = event.TriggerName
      const timer =
        fromPlatform && typeof name === 'string' && def.timers && Object.prototype.hasOwnProperty.call(def.timers, name)
          ? def.timers[name]
          : undefined
      if (!timer) throw new AppError('UNKNOWN_ACTION', undefined, 'action')
      return { ok: true, data: await timer() }
    }
    if (typeof event !== 'object' || event === null) throw new AppError('INVALID_INPUT', '请求格式不正确')
    const { action: name, payload } = event as { action?: unknown; payload?: unknown }
    if (typeof name !== 'string' || name === '') throw new AppError('INVALID_INPUT', '请求缺少操作名称', 'action')
    const spec = Object.prototype.hasOwnProperty.call(def.actions, name) ? def.actions[name] : undefined
    if (!spec) throw new AppError('UNKNOWN_ACTION', `不支持的操作「${clip(name)}」，请更新小程序后再试`, 'action')

    if (!ctx.OPENID) throw new AppError('UNAUTHENTICATED')
    const caller: Caller = { openid: ctx.OPENID }
    if (ctx.APPID) caller.appid = ctx.APPID
    if (ctx.UNIONID) caller.unionid = ctx.UNIONID

    const input: unknown = parseInput(spec.input, payload ?? {})
    const grants = await def.loadGrants(caller)
    const actionCtx: ActionContext = { caller, grants, memo: newMemo() }
    await authorize(spec.access, input, actionCtx)
    return { ok: true, data: await spec.handler(input, actionCtx) }
  }

  return async function main(event: unknown): Promise<Envelope<unknown>> {
    try {
      return await run(event)
    } catch (err) {
      if (isAppError(err)) return err.toEnvelope()
      const name = typeof event === 'object' && event !== null ? (event as { action?: unknown }).action : undefined
      logError(`[${def.name}.${clip(String(name))}] unexpected error`, err)
      return new AppError('INTERNAL').toEnvelope()
    }
  }
}

/**
 * The caller's roles against the place the action targets. A target that cannot be found while resolving the
 * place is answered as FORBIDDEN, like one the caller may not touch: nobody learns from the answer whether an id
 * exists. (A handler may still say NOT_FOUND once access is granted.)
 */
async function authorize<I>(access: Access<I>, input: I, ctx: ActionContext): Promise<void> {
  if ('signedIn' in access) return
  let target
  try {
    target = access.scope ? await access.scope(input, ctx) : undefined
  } catch (err) {
    if (isAppError(err) && err.code === 'NOT_FOUND') throw new AppError('FORBIDDEN')
    throw err
  }
  if (!hasRole(ctx.grants, access.roles, target)) throw new AppError('FORBIDDEN')
}
