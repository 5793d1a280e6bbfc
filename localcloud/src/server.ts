// The HTTP face of localcloud: the SDK endpoint (/admin), storage URLs, the client gateway for functions, the
// client routes for the database and storage (checked against the security rules), the admin API and the inspector.
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { DatabaseEngine, type OpCounter } from './db/engine'
import { Store } from './db/store'
import { decode, encode, type Doc } from './ejson'
import { Clock, type ClockState } from './clock'
import { CLIENT_ERR_CODES, ClientApi } from './client'
import { CloudError, E } from './errors'
import { Faults, type FaultConfig } from './faults'
import { FunctionRuntime, type Identity } from './functions/runtime'
import { inspectorPage } from './inspector'
import { OpenApi, parseMultipart, type OutboxMessage } from './openapi'
import { RuleSet, type Rules } from './rules'
import { CallLog } from './stats'
import { DEFAULT_URL_MAX_AGE_S, Storage, cleanPath } from './storage'

export interface LocalCloudOptions {
  /** 0 picks a free port. */
  port?: number
  host?: string
  /** Directory for the SQLite file and stored files; null keeps everything in memory. */
  dataDir?: string | null
  functionsDir?: string
  env?: string
  /** Collections created at start and after every reset. */
  collections?: string[]
  /** Fire timer triggers on schedule. */
  timers?: boolean
  maxInstances?: number
  quiet?: boolean
  /** How long a transaction lives (CloudBase: 30 s); shorter in tests of expiry. */
  transactionTtlMs?: number
  /** Start the emulated platform clock at this instant (ISO string or ms); it ticks on from there. */
  clock?: string | number
  /**
   * Security rules the client routes enforce (database per collection, storage for the bucket); see rules.ts and
   * `loadRulesDir`. Without them every client request is refused. The server SDK is never subject to them.
   */
  rules?: Rules
  /**
   * Run the functions as a CloudBase environment would: without LOCALCLOUD=true in their environment, so they hold
   * the placeholder template ids as not configured (tests of a deployment's configuration checks).
   */
  deployed?: boolean
}

export interface LocalCloud {
  url: string
  port: number
  /** The SDK endpoint: pass as `serviceUrl` or in TCB_CONTEXT_CNFG. */
  serviceUrl: string
  env: string
  store: Store
  engine: DatabaseEngine
  storage: Storage
  openapi: OpenApi
  functions: FunctionRuntime
  log: CallLog
  faults: Faults
  /** The emulated platform clock (not touched by reset()). */
  clock: Clock
  /** The security rules the client routes enforce. */
  rules: RuleSet
  reset(): void
  stop(): Promise<void>
}

const MAX_BODY = 64 * 1024 * 1024
const MIME: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.csv': 'text/csv; charset=utf-8',
}
const GATEWAY_ERR_CODES: Record<string, number> = {
  FUNCTIONS_EXECUTE_FAIL: -504002,
  FUNCTIONS_TIME_LIMIT_EXCEEDED: -504003,
  FUNCTIONS_NOT_EXIST: -501000,
  INVALID_PARAM: -501001,
  SYS_ERR: -501001,
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) {
        reject(new HttpError(413, 'body too large'))
        req.destroy()
      } else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  })
  res.end(body)
}

/**
 * CORS for the client routes and the function gateway, for a browser preview served from this machine: only
 * loopback origins are let in (any page on the web could otherwise act as any openid here).
 */
const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/
const CLIENT_HEADERS = 'content-type, x-wx-openid, x-wx-appid, x-wx-unionid'

function cors(req: http.IncomingMessage, res: http.ServerResponse): void {
  const origin = req.headers.origin
  if (typeof origin !== 'string' || !LOOPBACK_ORIGIN.test(origin)) return
  res.setHeader('access-control-allow-origin', origin)
  res.setHeader('vary', 'origin')
  res.setHeader('access-control-allow-methods', 'POST, OPTIONS')
  res.setHeader('access-control-allow-headers', CLIENT_HEADERS)
  res.setHeader('access-control-max-age', '600')
}

const CLIENT_STATUS: Record<string, number> = {
  DATABASE_PERMISSION_DENIED: 403,
  STORAGE_EXCEED_AUTHORITY: 403,
  STORAGE_FILE_NONEXIST: 404,
  DATABASE_COLLECTION_NOT_EXIST: 404,
}

/** A single `bytes=a-b` / `bytes=a-` / `bytes=-n` range within `size`, or null (answer the whole file). */
function byteRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m || (m[1] === '' && m[2] === '')) return null
  let start: number
  let end: number
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]))
    end = size - 1
  } else {
    start = Number(m[1])
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  }
  if (start >= size || start > end) return 'unsatisfiable'
  return { start, end }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function parseInstant(value: unknown): number {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN
  if (!Number.isFinite(ms)) throw new HttpError(400, `not an instant: ${String(value).slice(0, 40)}`)
  return ms
}

/** POST /__admin/clock: `{ at }` (ISO or ms), `{ advanceMs }` or `{ offsetMs }`. */
function setClock(clock: Clock, body: Record<string, unknown>): ClockState {
  if (body.at !== undefined) return clock.set(parseInstant(body.at))
  const n = (key: string) => {
    const v = body[key]
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new HttpError(400, `${key} must be a number of ms`)
    return v
  }
  if (body.advanceMs !== undefined) return clock.advance(n('advanceMs'))
  if (body.offsetMs !== undefined) return clock.setOffset(n('offsetMs'))
  throw new HttpError(400, 'clock: give at, advanceMs or offsetMs')
}

function parseJson(buf: Buffer): unknown {
  if (buf.length === 0) return {}
  try {
    return JSON.parse(buf.toString('utf8'))
  } catch {
    throw new HttpError(400, 'body is not valid JSON')
  }
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const env = options.env ?? 'local'
  const host = options.host ?? '127.0.0.1'
  const dataDir = options.dataDir ?? null
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true })
  const store = new Store(dataDir ? path.join(dataDir, 'localcloud.sqlite') : null)
  const clock = new Clock()
  if (options.clock !== undefined) clock.set(parseInstant(options.clock))
  const engine = new DatabaseEngine(store, clock.now, options.transactionTtlMs)
  const storage = new Storage(dataDir ? path.join(dataDir, 'storage') : null, env, clock.now)
  const openapi = new OpenApi(store.sqlite, clock.now)
  const log = new CallLog()
  const faults = new Faults()
  const rules = new RuleSet(options.rules ?? {})
  const collections = options.collections ?? []
  for (const name of collections) store.createCollection(name)
  let baseUrl = ''
  let requestSeq = 0
  const functions = new FunctionRuntime({
    dir: path.resolve(options.functionsDir ?? 'cloudfunctions'),
    env,
    serviceUrl: () => `${baseUrl}/admin`,
    log,
    clock,
    ...(options.maxInstances !== undefined ? { maxInstances: options.maxInstances } : {}),
    ...(options.quiet !== undefined ? { quiet: options.quiet } : {}),
    ...(options.deployed ? { deployed: true } : {}),
  })

  const client = new ClientApi({
    engine,
    store,
    storage,
    rules,
    now: clock.now,
    baseUrl: () => baseUrl,
  })

  const reset = () => {
    engine.transactions.clear()
    store.reset()
    storage.clear()
    openapi.clear()
    log.clear()
    faults.clear()
    for (const name of collections) store.createCollection(name)
  }

  async function sdk(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = `local-${++requestSeq}`
    const raw = await readBody(req)
    const contentType = req.headers['content-type'] ?? ''
    let body: Record<string, unknown>
    let parts: Map<string, Buffer> | null = null
    if (contentType.startsWith('multipart/form-data')) {
      parts = parseMultipart(raw, contentType)
      body = Object.fromEntries([...parts].filter(([k]) => k !== 'requestData').map(([k, v]) => [k, v.toString()]))
    } else {
      const parsed = parseJson(raw)
      body = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {}
    }
    const action = typeof body.action === 'string' ? body.action : ''
    const token = body.wxCloudApiToken
    try {
      if (faults.applies(action)) {
        if (faults.config.latencyMs > 0) await sleep(faults.config.latencyMs)
        if (faults.shouldFail(action)) throw E.sys('injected fault')
      }
      if (action === 'wx.openApi' && parts) {
        const inv = functions.invocationFor(token)
        const reply = openapi.handle(parts, { invocation: inv?.id ?? null, function: inv?.fn ?? null })
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': reply.length })
        res.end(reply)
        return
      }
      let result: Record<string, unknown>
      if (action.startsWith('database.')) {
        const counter: OpCounter = { read: 0, written: 0 }
        try {
          result = engine.handle(action, body, counter)
        } finally {
          functions.countDb(token, action, counter.read, counter.written)
        }
      } else if (action === 'storage.getUploadMetadata') {
        result = { data: storage.uploadMetadata(body.path, baseUrl) }
      } else if (action === 'storage.batchGetDownloadUrl') {
        const list = Array.isArray(body.file_list) ? (body.file_list as { fileid?: unknown; max_age?: unknown }[]) : []
        result = {
          data: {
            download_list: list.map((f) => {
              const fileID = String(f.fileid ?? '')
              const p = storage.pathOf(fileID)
              if (!p || !storage.exists(p)) return { fileID, tempFileURL: '', code: 'STORAGE_FILE_NONEXIST' }
              const maxAge = typeof f.max_age === 'number' && f.max_age > 0 ? f.max_age : DEFAULT_URL_MAX_AGE_S
              return { fileID, tempFileURL: storage.downloadUrl(p, baseUrl, maxAge), code: 'SUCCESS', maxAge }
            }),
          },
        }
      } else if (action === 'storage.batchDeleteFile') {
        const list = Array.isArray(body.fileid_list) ? (body.fileid_list as unknown[]) : []
        result = {
          data: {
            delete_list: list.map((id) => {
              const fileID = String(id)
              const p = storage.pathOf(fileID)
              return { fileID, code: p && storage.remove(p) ? 'SUCCESS' : 'STORAGE_FILE_NONEXIST' }
            }),
          },
        }
      } else if (action === 'functions.invokeFunction') {
        const name = typeof body.function_name === 'string' ? body.function_name : ''
        let event: unknown = {}
        if (typeof body.request_data === 'string' && body.request_data) {
          try {
            event = JSON.parse(body.request_data)
          } catch {
            throw E.invalidParam('request_data is not JSON')
          }
        }
        const parent = functions.invocationFor(token)
        const value = await functions.invoke(name, event, parent ? { parent } : { source: 'scf' })
        result = { data: { response_data: JSON.stringify(value) } }
      } else {
        throw E.invalidParam(`localcloud does not support action ${action || '(none)'}`)
      }
      sendJson(res, 200, { requestId, ...result })
    } catch (err) {
      if (err instanceof CloudError) sendJson(res, 200, { requestId, code: err.code, message: err.message })
      else {
        if (!options.quiet) console.error(`[localcloud] ${action} failed`, err)
        sendJson(res, 200, { requestId, code: 'SYS_ERR', message: err instanceof Error ? err.message : String(err) })
      }
    }
  }

  async function gateway(name: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const event = parseJson(await readBody(req))
    const header = (h: string) => {
      const v = req.headers[h]
      return typeof v === 'string' && v ? v : undefined
    }
    const identity: Identity = {}
    const openid = header('x-wx-openid')
    if (openid) {
      identity.openid = openid
      identity.appid = header('x-wx-appid') ?? 'wx0000000000000000'
      const unionid = header('x-wx-unionid')
      if (unionid) identity.unionid = unionid
    }
    try {
      sendJson(res, 200, await functions.invoke(name, event, { identity, source: 'wx_client' }))
    } catch (err) {
      const code = err instanceof CloudError ? err.code : 'SYS_ERR'
      const message = err instanceof Error ? err.message : String(err)
      sendJson(res, code === 'FUNCTIONS_NOT_EXIST' ? 404 : 502, {
        errCode: GATEWAY_ERR_CODES[code] ?? -501001,
        errMsg: `cloud.callFunction:fail ${code} ${message}`,
      })
    }
  }

  /** `/client/database` and `/client/storage/<op>`: the caller from `x-wx-openid`, JSON in and out. */
  async function clientRoute(route: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // JSON only: a cross-origin page cannot send it without a preflight, which only loopback origins pass.
    if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
      throw new HttpError(415, 'client routes take application/json')
    const parsed = parseJson(await readBody(req))
    const body = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {}
    const header = req.headers['x-wx-openid']
    const openid = typeof header === 'string' && header ? header : undefined
    try {
      if (route === 'database') return sendJson(res, 200, client.database(openid, body))
      if (route === 'storage/upload') return sendJson(res, 200, client.upload(openid, body))
      if (route === 'storage/tempUrl') return sendJson(res, 200, client.tempUrl(openid, body))
      if (route === 'storage/delete') return sendJson(res, 200, client.remove(openid, body))
      if (route === 'storage/download') {
        const file = client.download(openid, body)
        res.writeHead(200, {
          'content-type': MIME[path.extname(file.path).toLowerCase()] ?? 'application/octet-stream',
          'content-length': file.data.length,
        })
        return void res.end(file.data)
      }
    } catch (err) {
      if (!(err instanceof CloudError)) throw err
      return sendJson(res, CLIENT_STATUS[err.code] ?? 400, {
        errCode: CLIENT_ERR_CODES[err.code] ?? -501001,
        errMsg: `${err.code} ${err.message}`,
      })
    }
    throw new HttpError(404, `no client route /client/${route}`)
  }

  function exportAll() {
    const data: Record<string, unknown[]> = {}
    for (const [name, coll] of store.collections)
      data[name] = [...coll.docs.values()].map((c) => JSON.parse(encode(c.doc)) as unknown)
    return {
      version: 1,
      env,
      exportedAt: new Date(clock.now()).toISOString(),
      collections: data,
      files: storage.list().map((f) => {
        const openid = storage.ownerOf(f.path)
        return {
          path: f.path,
          base64: (storage.read(f.path) ?? Buffer.alloc(0)).toString('base64'),
          ...(openid ? { openid } : {}),
        }
      }),
      subscriptions: openapi.allCredits(),
      outbox: openapi.outbox(),
    }
  }

  function importAll(value: unknown): { collections: number; documents: number; files: number } {
    const v = value as {
      collections?: Record<string, unknown[]>
      files?: { path: string; base64: string; openid?: string }[]
      subscriptions?: { openid: string; templateId: string; count: number }[]
      outbox?: OutboxMessage[]
    }
    if (typeof v !== 'object' || v === null || typeof v.collections !== 'object' || v.collections === null) {
      throw new HttpError(400, 'import needs { collections: { name: [documents] } }')
    }
    const writes: { collection: string; id: string; doc: Doc }[] = []
    for (const [name, docs] of Object.entries(v.collections)) {
      if (!Array.isArray(docs)) throw new HttpError(400, `collection ${name} must be an array`)
      for (const d of docs) {
        const doc = decode(JSON.stringify(d)) as Doc
        if (typeof doc._id !== 'string') throw new HttpError(400, `a document in ${name} has no string _id`)
        writes.push({ collection: name, id: doc._id, doc })
      }
    }
    reset()
    for (const name of Object.keys(v.collections)) store.createCollection(name)
    store.commit(writes)
    const owners: [string, string | null][] = []
    for (const f of v.files ?? []) {
      const p = cleanPath(f.path)
      if (!p) continue
      storage.write(p, Buffer.from(f.base64, 'base64'))
      owners.push([p, typeof f.openid === 'string' && f.openid ? f.openid : null])
    }
    storage.setOwners(owners)
    openapi.import(v.subscriptions ?? [], v.outbox ?? [])
    return { collections: Object.keys(v.collections).length, documents: writes.length, files: (v.files ?? []).length }
  }

  async function admin(route: string, url: URL, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    const body = method === 'GET' ? {} : (parseJson(await readBody(req)) as Record<string, unknown>)
    const m = (pattern: RegExp) => pattern.exec(route)
    let match: RegExpExecArray | null
    if (route === 'health') {
      sendJson(res, 200, {
        ok: true,
        pid: process.pid,
        env,
        url: baseUrl,
        serviceUrl: `${baseUrl}/admin`,
        collections: store.collections.size,
        functions: functions.list().map((f) => f.name),
      })
    } else if (route === 'reset' && method === 'POST') {
      reset()
      sendJson(res, 200, { ok: true })
    } else if (route === 'collections' && method === 'GET') {
      sendJson(
        res,
        200,
        [...store.collections.values()].map((c) => ({ name: c.name, count: c.docs.size })),
      )
    } else if (route === 'collections' && method === 'POST') {
      const names = Array.isArray(body.names)
        ? body.names.filter((n): n is string => typeof n === 'string' && n !== '')
        : []
      sendJson(res, 200, { created: names.filter((n) => store.createCollection(n)) })
    } else if ((match = m(/^collections\/([^/]+)$/)) && method === 'GET') {
      const coll = store.collection(decodeURIComponent(match[1] as string))
      const skip = Math.max(0, Number(url.searchParams.get('skip') ?? 0) || 0)
      const limit = Math.min(500, Math.max(1, Number(url.searchParams.get('limit') ?? 50) || 50))
      const docs = [...coll.docs.values()].slice(skip, skip + limit).map((c) => JSON.parse(encode(c.doc)) as unknown)
      sendJson(res, 200, { name: coll.name, total: coll.docs.size, skip, limit, documents: docs })
    } else if (route === 'export' && method === 'GET') {
      sendJson(res, 200, exportAll())
    } else if (route === 'import' && method === 'POST') {
      sendJson(res, 200, importAll(body))
    } else if (route === 'outbox' && method === 'GET') {
      sendJson(res, 200, openapi.outbox())
    } else if (route === 'wxacodes' && method === 'GET') {
      sendJson(res, 200, openapi.wxaCodes)
    } else if (route === 'outbox' && method === 'DELETE') {
      store.sqlite.exec('DELETE FROM outbox')
      sendJson(res, 200, { ok: true })
    } else if (route === 'subscribe' && method === 'POST') {
      const count = body.count === undefined ? 1 : Number(body.count)
      const templateIds = Array.isArray(body.templateIds) ? body.templateIds : [body.templateId]
      const credits: Record<string, number> = {}
      for (const t of templateIds) credits[String(t)] = openapi.grant(String(body.openid ?? ''), String(t ?? ''), count)
      sendJson(res, 200, { openid: body.openid, credits })
    } else if (route === 'templates' && method === 'POST') {
      const ids = Array.isArray(body.templateIds) ? body.templateIds.filter((t) => typeof t === 'string' && t) : []
      openapi.templates = new Set(ids as string[])
      sendJson(res, 200, { templateIds: [...openapi.templates] })
    } else if (route === 'templates' && method === 'DELETE') {
      openapi.templates = null
      sendJson(res, 200, { templateIds: null })
    } else if (route === 'subscriptions' && method === 'GET') {
      sendJson(res, 200, openapi.allCredits())
    } else if (route === 'calls' && method === 'GET') {
      const since = url.searchParams.get('since')
      const fn = url.searchParams.get('function')
      sendJson(res, 200, {
        external: log.external,
        calls: log.list({ ...(fn ? { function: fn } : {}), ...(since ? { since: Date.parse(since) } : {}) }),
      })
    } else if (route === 'calls' && method === 'DELETE') {
      log.clear()
      sendJson(res, 200, { ok: true })
    } else if (route === 'faults' && method === 'GET') {
      sendJson(res, 200, { ...faults.config, injected: faults.injected })
    } else if (route === 'faults' && method === 'POST') {
      try {
        sendJson(res, 200, faults.set(body as Partial<FaultConfig>))
      } catch (err) {
        throw new HttpError(400, err instanceof Error ? err.message : String(err))
      }
    } else if (route === 'faults' && method === 'DELETE') {
      faults.clear()
      sendJson(res, 200, { ok: true })
    } else if (route === 'clock' && method === 'GET') {
      sendJson(res, 200, clock.state())
    } else if (route === 'clock' && method === 'POST') {
      sendJson(res, 200, setClock(clock, body))
    } else if (route === 'clock' && method === 'DELETE') {
      sendJson(res, 200, clock.reset())
    } else if (route === 'functions' && method === 'GET') {
      sendJson(res, 200, functions.list())
    } else if ((match = m(/^functions\/([\w-]+)\/trigger$/)) && method === 'POST') {
      const trigger = typeof body.trigger === 'string' ? body.trigger : undefined
      sendJson(res, 200, { result: await functions.trigger(match[1] as string, trigger) })
    } else if (route === 'files' && method === 'GET') {
      sendJson(
        res,
        200,
        storage.list().map((f) => ({ ...f, fileID: storage.fileId(f.path), openid: storage.ownerOf(f.path) })),
      )
    } else {
      throw new HttpError(404, `no admin route ${method} /__admin/${route}`)
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const p = url.pathname
    try {
      if (p === '/admin' && req.method === 'POST') return await sdk(req, res)
      if (p.startsWith('/functions/') || p.startsWith('/client/')) {
        cors(req, res)
        if (req.method === 'OPTIONS') {
          res.writeHead(204, { 'content-length': 0 })
          return void res.end()
        }
      }
      if (p.startsWith('/functions/') && req.method === 'POST')
        return await gateway(decodeURIComponent(p.slice('/functions/'.length)), req, res)
      if (p.startsWith('/client/') && req.method === 'POST')
        return await clientRoute(p.slice('/client/'.length), req, res)
      if (p.startsWith('/__admin/')) return await admin(p.slice('/__admin/'.length), url, req, res)
      if (p.startsWith('/__storage/upload/') && req.method === 'PUT') {
        const token = req.headers['x-cos-security-token']
        storage.completeUpload(
          p.slice('/__storage/upload/'.length),
          typeof token === 'string' ? token : undefined,
          await readBody(req),
        )
        res.writeHead(200, { 'content-length': 0 })
        res.end()
        return
      }
      if (p.startsWith('/__storage/download/') && req.method === 'GET') {
        const cloudPath = cleanPath(decodeURIComponent(p.slice('/__storage/download/'.length)))
        const verdict = cloudPath
          ? storage.verifyDownload(cloudPath, url.searchParams.get('sign'), url.searchParams.get('t'))
          : 'forbidden'
        if (verdict !== 'ok')
          throw new HttpError(403, verdict === 'expired' ? 'temporary URL expired' : 'bad signature')
        const data = storage.read(cloudPath as string)
        if (!data) throw new HttpError(404, 'file not found')
        const type = MIME[path.extname(cloudPath as string).toLowerCase()] ?? 'application/octet-stream'
        // One byte range, as COS serves it: a function can read a file's first bytes and its real size.
        const range = byteRange(req.headers.range, data.length)
        if (range === 'unsatisfiable') {
          res.writeHead(416, { 'content-range': `bytes */${data.length}`, 'content-length': 0 })
          return void res.end()
        }
        if (range) {
          res.writeHead(206, {
            'content-type': type,
            'content-range': `bytes ${range.start}-${range.end}/${data.length}`,
            'content-length': range.end - range.start + 1,
            'accept-ranges': 'bytes',
          })
          return void res.end(data.subarray(range.start, range.end + 1))
        }
        res.writeHead(200, { 'content-type': type, 'content-length': data.length, 'accept-ranges': 'bytes' })
        res.end(data)
        return
      }
      if (p === '/' && req.method === 'GET') {
        const html = inspectorPage(env)
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) })
        res.end(html)
        return
      }
      throw new HttpError(404, `not found: ${req.method} ${p}`)
    } catch (err) {
      if (res.headersSent) return void res.end()
      if (err instanceof HttpError) sendJson(res, err.status, { error: err.message })
      else if (err instanceof CloudError) sendJson(res, 400, { error: err.message, code: err.code })
      else {
        if (!options.quiet) console.error('[localcloud]', err)
        sendJson(res, 500, { error: err instanceof Error ? err.message : String(err) })
      }
    }
  }

  const server = http.createServer((req, res) => void handle(req, res))
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 8787, host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  baseUrl = `http://${host}:${port}`
  if (options.timers)
    functions.startTimers((name, err) =>
      console.error(`[localcloud] timer of ${name} failed:`, err instanceof Error ? err.message : err),
    )

  return {
    url: baseUrl,
    port,
    serviceUrl: `${baseUrl}/admin`,
    env,
    store,
    engine,
    storage,
    openapi,
    functions,
    log,
    faults,
    clock,
    rules,
    reset,
    async stop() {
      await functions.close()
      engine.stop()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      store.close()
    },
  }
}
