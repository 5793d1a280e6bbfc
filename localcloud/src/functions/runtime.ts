// Runs the built cloud functions. Each function has a pool of worker threads; a worker runs one invocation at
// a time with that caller's identity in its own process.env (wx-server-sdk reads OPENID from there), so
// concurrent invocations of different users never see each other's identity. Like a CloudBase instance, a
// worker stays warm between invocations.
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { CLOCK_OFFSET_ENV, Clock } from '../clock'
import { CloudError, E } from '../errors'
import { addDb, type CallLog, type CallRecord, type DbStats, emptyDbStats } from '../stats'
import { cronMatches, parseCron, type Cron } from './cron'

export interface Identity {
  openid?: string
  appid?: string
  unionid?: string
}

export interface Invocation {
  id: string
  token: string
  fn: string
  source: string
  trigger: string | null
  identity: Identity
  parent: string | null
  db: DbStats
}

export interface FunctionConfig {
  timeout: number
  triggers: { name: string; type: string; config: string }[]
}

export interface RuntimeOptions {
  dir: string
  env: string
  serviceUrl: () => string
  log: CallLog
  /** The emulated platform clock: timer schedules and events, and each invocation's clock offset. */
  clock?: Clock
  maxInstances?: number
  quiet?: boolean
  /** Leave out the LOCALCLOUD marker: the functions then see a deployed environment (LocalCloudOptions.deployed). */
  deployed?: boolean
}

/**
 * Set to `true` in every function's environment: how a function knows it runs on localcloud, where the placeholder
 * subscription-message template ids are fine (server/platform/health.ts).
 */
export const LOCAL_MARKER_ENV = 'LOCALCLOUD'

const INVOCATION_KEYS = [
  'WX_OPENID',
  'WX_APPID',
  'WX_UNIONID',
  'WX_API_TOKEN',
  'WX_CLIENTIP',
  'WX_SOURCE',
  'WX_ENV',
  'TRIGGER_SRC',
  'WX_TRIGGER_API_TOKEN_V0',
  'WX_CONTEXT_KEYS',
  CLOCK_OFFSET_ENV,
]
/** A jump of the clock by more than this is not replayed second by second: schedules resume from the new now. */
const MAX_TIMER_CATCH_UP_S = 120
const IDLE_REAP_MS = 10 * 60_000

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
let mod, loadError
try { mod = require(workerData.file) } catch (e) { loadError = e }
process.on('unhandledRejection', (e) => console.error('[unhandledRejection]', e && e.stack || e))
parentPort.on('message', async ({ id, event, env, context }) => {
  for (const k of workerData.invocationKeys) delete process.env[k]
  Object.assign(process.env, env)
  try {
    if (loadError) throw loadError
    if (!mod || typeof mod.main !== 'function') throw new Error('exports.main is not a function')
    const result = await mod.main(event, context)
    let json
    try { json = JSON.stringify(result === undefined ? null : result) } catch (e) { throw new Error('return value is not serialisable: ' + e.message) }
    parentPort.postMessage({ id, ok: true, json })
  } catch (err) {
    parentPort.postMessage({ id, ok: false, message: String((err && err.message) || err), stack: err && err.stack ? String(err.stack) : '' })
  }
})
parentPort.postMessage({ ready: true })
`

interface Pending {
  invocation: Invocation
  event: unknown
  resolve: (value: unknown) => void
  reject: (err: unknown) => void
}

interface Instance {
  worker: Worker
  version: number
  busy: boolean
  used: boolean
  lastUsed: number
  logs: string[]
  settle?: (msg: { ok: boolean; json?: string; message?: string; stack?: string } | Error) => void
}

class Pool {
  readonly instances = new Set<Instance>()
  readonly queue: Pending[] = []

  constructor(
    readonly name: string,
    readonly file: string,
    readonly runtime: FunctionRuntime,
  ) {}

  get config(): FunctionConfig {
    return readConfig(path.dirname(this.file))
  }

  private version(): number {
    try {
      return fs.statSync(this.file).mtimeMs
    } catch {
      throw E.functionMissing(this.name)
    }
  }

  run(p: Pending): void {
    this.queue.push(p)
    this.pump()
  }

  private pump(): void {
    while (this.queue.length) {
      let version: number
      try {
        version = this.version()
      } catch (err) {
        for (const p of this.queue.splice(0)) p.reject(err)
        return
      }
      // A rebuilt bundle retires the instances that loaded the old one.
      for (const inst of this.instances) if (!inst.busy && inst.version !== version) this.retire(inst)
      let inst = [...this.instances].find((i) => !i.busy && i.version === version)
      if (!inst && this.instances.size < this.runtime.maxInstances) inst = this.spawn(version)
      if (!inst) return
      const p = this.queue.shift() as Pending
      void this.execute(inst, p)
    }
  }

  private spawn(version: number): Instance {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file: this.file, name: this.name, invocationKeys: INVOCATION_KEYS },
      env: this.runtime.baseEnv(),
      stdout: true,
      stderr: true,
    })
    const inst: Instance = { worker, version, busy: false, used: false, lastUsed: Date.now(), logs: [] }
    const capture = (stream: NodeJS.ReadableStream, isErr: boolean) => {
      let buf = ''
      stream.on('data', (chunk: Buffer) => {
        buf += chunk.toString()
        let nl: number
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl)
          buf = buf.slice(nl + 1)
          if (inst.logs.length < 200) inst.logs.push(line)
          if (!this.runtime.quiet) (isErr ? process.stderr : process.stdout).write(`[${this.name}] ${line}\n`)
        }
      })
    }
    capture(worker.stdout, false)
    capture(worker.stderr, true)
    worker.on('message', (msg: { ready?: boolean; ok: boolean }) => {
      if (msg.ready) return
      inst.settle?.(msg)
    })
    worker.on('error', (err) => inst.settle?.(err))
    worker.on('exit', () => {
      this.instances.delete(inst)
      inst.settle?.(new Error(`function ${this.name} exited unexpectedly`))
      this.pump()
    })
    worker.unref()
    this.instances.add(inst)
    return inst
  }

  private retire(inst: Instance): void {
    this.instances.delete(inst)
    void inst.worker.terminate()
  }

  private async execute(inst: Instance, p: Pending): Promise<void> {
    inst.busy = true
    inst.logs = []
    const coldStart = !inst.used
    inst.used = true
    const started = Date.now()
    const timeoutS = this.config.timeout
    const inv = p.invocation
    this.runtime.register(inv)
    let error: string | null = null
    try {
      const msg = await new Promise<{ ok: boolean; json?: string; message?: string; stack?: string }>(
        (resolve, reject) => {
          const timer = setTimeout(() => {
            inst.settle = undefined
            this.retire(inst)
            reject(E.functionTimeout(this.name, timeoutS))
          }, timeoutS * 1000)
          inst.settle = (m) => {
            clearTimeout(timer)
            inst.settle = undefined
            if (m instanceof Error) reject(E.functionFailed(m.message))
            else resolve(m)
          }
          inst.worker.postMessage({
            id: inv.id,
            event: p.event,
            env: this.runtime.invocationEnv(inv),
            context: {
              request_id: inv.id,
              function_name: this.name,
              namespace: this.runtime.env,
              time_limit_in_ms: timeoutS * 1000,
              memory_limit_in_mb: 256,
            },
          })
        },
      )
      if (!msg.ok) {
        error = msg.message ?? 'error'
        if (msg.stack) inst.logs.push(msg.stack)
        throw E.functionFailed(`Error: ${msg.message ?? 'unknown error'}`)
      }
      p.resolve(JSON.parse(msg.json ?? 'null'))
    } catch (err) {
      error = error ?? (err instanceof Error ? err.message : String(err))
      p.reject(err)
    } finally {
      this.runtime.unregister(inv)
      this.runtime.record(inv, {
        startedAt: new Date(started).toISOString(),
        durationMs: Date.now() - started,
        coldStart,
        ok: error === null,
        error,
        logs: inst.logs,
      })
      inst.busy = false
      inst.lastUsed = Date.now()
      this.pump()
    }
  }

  reapIdle(now: number): void {
    for (const inst of this.instances) if (!inst.busy && now - inst.lastUsed > IDLE_REAP_MS) this.retire(inst)
  }

  async close(): Promise<void> {
    for (const p of this.queue.splice(0)) p.reject(E.sys('localcloud is stopping'))
    await Promise.all([...this.instances].map((i) => i.worker.terminate()))
    this.instances.clear()
  }
}

export function readConfig(dir: string): FunctionConfig {
  let raw: { timeout?: unknown; triggers?: unknown } = {}
  try {
    raw = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as typeof raw
  } catch {
    // No config.json: CloudBase defaults.
  }
  const timeout = typeof raw.timeout === 'number' && raw.timeout >= 1 && raw.timeout <= 900 ? raw.timeout : 3
  const triggers = Array.isArray(raw.triggers) ? (raw.triggers as FunctionConfig['triggers']) : []
  return { timeout, triggers }
}

export class FunctionRuntime {
  readonly maxInstances: number
  readonly quiet: boolean
  readonly env: string
  readonly clock: Clock
  private readonly pools = new Map<string, Pool>()
  private readonly byToken = new Map<string, Invocation>()
  private timerHandle: NodeJS.Timeout | null = null
  private readonly reaper: NodeJS.Timeout
  private lastTick = 0

  constructor(private readonly opts: RuntimeOptions) {
    this.maxInstances = opts.maxInstances ?? 16
    this.quiet = opts.quiet ?? false
    this.env = opts.env
    this.clock = opts.clock ?? new Clock()
    this.reaper = setInterval(() => {
      for (const pool of this.pools.values()) pool.reapIdle(Date.now())
    }, 60_000)
    this.reaper.unref()
  }

  get dir(): string {
    return this.opts.dir
  }

  /** Functions with a built index.js under the functions directory. */
  list(): { name: string; config: FunctionConfig; built: boolean; instances: number }[] {
    if (!fs.existsSync(this.opts.dir)) return []
    return fs
      .readdirSync(this.opts.dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.') && d.name !== 'node_modules')
      .filter(
        (d) =>
          fs.existsSync(path.join(this.opts.dir, d.name, 'index.js')) ||
          fs.existsSync(path.join(this.opts.dir, d.name, 'package.json')),
      )
      .map((d) => ({
        name: d.name,
        config: readConfig(path.join(this.opts.dir, d.name)),
        built: fs.existsSync(path.join(this.opts.dir, d.name, 'index.js')),
        instances: this.pools.get(d.name)?.instances.size ?? 0,
      }))
  }

  baseEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env }
    Object.assign(env, {
      TCB_CONTEXT_CNFG: JSON.stringify({ URL: this.opts.serviceUrl() }),
      TENCENTCLOUD_SECRETID: 'localcloud',
      TENCENTCLOUD_SECRETKEY: 'localcloud',
      TENCENTCLOUD: 'true',
      SILENCE: 'true',
      SCF_NAMESPACE: this.opts.env,
      TCB_ENV: this.opts.env,
      TZ: 'UTC',
    })
    if (this.opts.deployed) delete env[LOCAL_MARKER_ENV]
    else env[LOCAL_MARKER_ENV] = 'true'
    for (const k of INVOCATION_KEYS) delete env[k]
    return env
  }

  invocationEnv(inv: Invocation): Record<string, string> {
    const env: Record<string, string> = {
      WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID,WX_UNIONID,WX_API_TOKEN,WX_CLIENTIP,WX_SOURCE,WX_ENV',
      WX_API_TOKEN: inv.token,
      WX_SOURCE: inv.source,
      WX_ENV: this.opts.env,
    }
    if (this.clock.offsetMs !== 0) env[CLOCK_OFFSET_ENV] = String(this.clock.offsetMs)
    if (inv.identity.openid) env.WX_OPENID = inv.identity.openid
    if (inv.identity.appid) env.WX_APPID = inv.identity.appid
    if (inv.identity.unionid) env.WX_UNIONID = inv.identity.unionid
    if (inv.source.startsWith('wx_client')) env.WX_CLIENTIP = '127.0.0.1'
    if (inv.trigger) {
      env.TRIGGER_SRC = 'timer'
      env.WX_TRIGGER_API_TOKEN_V0 = inv.token
    }
    return env
  }

  register(inv: Invocation): void {
    this.byToken.set(inv.token, inv)
  }

  unregister(inv: Invocation): void {
    this.byToken.delete(inv.token)
  }

  /** The invocation whose SDK sent this token (requests from outside any function have none). */
  invocationFor(token: unknown): Invocation | undefined {
    return typeof token === 'string' && token ? this.byToken.get(token) : undefined
  }

  countDb(token: unknown, action: string, read: number, written: number): void {
    const inv = this.invocationFor(token)
    addDb(inv ? inv.db : this.opts.log.external, action, read, written)
  }

  record(
    inv: Invocation,
    rest: Omit<CallRecord, 'id' | 'function' | 'source' | 'trigger' | 'openid' | 'parent' | 'db'>,
  ): void {
    this.opts.log.add({
      id: inv.id,
      function: inv.fn,
      source: inv.source,
      trigger: inv.trigger,
      openid: inv.identity.openid ?? null,
      parent: inv.parent,
      db: inv.db,
      ...rest,
    })
  }

  private pool(name: string): Pool {
    if (!/^[\w-]+$/.test(name)) throw E.functionMissing(name)
    let pool = this.pools.get(name)
    if (!pool) {
      const file = path.join(this.opts.dir, name, 'index.js')
      if (!fs.existsSync(file)) throw E.functionMissing(name)
      pool = new Pool(name, file, this)
      this.pools.set(name, pool)
    }
    return pool
  }

  /**
   * Invoke a function. `source` follows CloudBase's SOURCE chain: 'wx_client' from the mini-program,
   * '<parent source>,scf' from another function, 'wx_trigger' from a timer.
   */
  invoke(
    name: string,
    event: unknown,
    opts: { identity?: Identity; source?: string; trigger?: string; parent?: Invocation } = {},
  ): Promise<unknown> {
    let pool: Pool
    try {
      pool = this.pool(name)
    } catch (err) {
      return Promise.reject(err)
    }
    const invocation: Invocation = {
      id: randomBytes(8).toString('hex'),
      token: randomBytes(16).toString('hex'),
      fn: name,
      source: opts.parent ? `${opts.parent.source},scf` : (opts.source ?? 'wx_client'),
      trigger: opts.trigger ?? null,
      identity: opts.parent ? opts.parent.identity : (opts.identity ?? {}),
      parent: opts.parent?.id ?? null,
      db: emptyDbStats(),
    }
    return new Promise((resolve, reject) => pool.run({ invocation, event, resolve, reject }))
  }

  /** Run a timer trigger now (the first of the function's timers, or the named one). */
  trigger(name: string, triggerName?: string): Promise<unknown> {
    const fn = this.list().find((f) => f.name === name)
    if (!fn) return Promise.reject(E.functionMissing(name))
    const trigger = fn.config.triggers.find((t) => t.type === 'timer' && (!triggerName || t.name === triggerName))
    if (!trigger)
      return Promise.reject(E.invalidParam(`function ${name} has no timer trigger ${triggerName ?? ''}`.trim()))
    const event = {
      Type: 'Timer',
      TriggerName: trigger.name,
      Time: new Date(this.clock.now()).toISOString(),
      Message: '',
    }
    return this.invoke(name, event, { source: 'wx_trigger', trigger: trigger.name })
  }

  /** Fire timer triggers on their schedules (checked every second). */
  startTimers(onError: (name: string, err: unknown) => void = () => undefined): void {
    if (this.timerHandle) return
    const schedules = new Map<string, { fn: string; trigger: string; cron: Cron }>()
    const load = () => {
      schedules.clear()
      for (const fn of this.list()) {
        for (const t of fn.config.triggers.filter((x) => x.type === 'timer')) {
          try {
            schedules.set(`${fn.name}/${t.name}`, { fn: fn.name, trigger: t.name, cron: parseCron(t.config) })
          } catch (err) {
            onError(fn.name, err)
          }
        }
      }
    }
    load()
    this.lastTick = Math.floor(this.clock.now() / 1000)
    this.timerHandle = setInterval(() => {
      const nowS = Math.floor(this.clock.now() / 1000)
      if (nowS % 60 === 0) load()
      // Moved back, or forward by more than a short stall: fire what is due now, not every second in between.
      if (nowS < this.lastTick || nowS - this.lastTick > MAX_TIMER_CATCH_UP_S) this.lastTick = nowS - 1
      for (let s = this.lastTick + 1; s <= nowS; s++) {
        for (const sched of schedules.values()) {
          if (cronMatches(sched.cron, s * 1000))
            this.trigger(sched.fn, sched.trigger).catch((err: unknown) => onError(sched.fn, err))
        }
      }
      this.lastTick = nowS
    }, 250)
    this.timerHandle.unref()
  }

  stopTimers(): void {
    if (this.timerHandle) clearInterval(this.timerHandle)
    this.timerHandle = null
  }

  async close(): Promise<void> {
    this.stopTimers()
    clearInterval(this.reaper)
    await Promise.all([...this.pools.values()].map((p) => p.close()))
    this.pools.clear()
  }
}

export { CloudError }
