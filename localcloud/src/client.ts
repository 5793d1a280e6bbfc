// localcloud's own client routes: what the mini-program's SDK (`wx.cloud.database()`, `uploadFile`,
// `getTempFileURL`, `downloadFile`, `deleteFile`) does directly against CloudBase, as JSON over HTTP for a browser
// `wx.cloud` shim, with the caller from `x-wx-openid` and every request checked against the loaded security rules.
// Not a recorded CloudBase protocol (see PROTOCOL.md). Rules are not filters: a query that would touch a document the
// rule denies is refused whole, whatever its limit, rather than answered with the allowed part.
import type { DatabaseEngine } from './db/engine'
import { compile, normaliseOrder, normaliseProjection, normaliseQuery, select, type Criteria } from './db/query'
import type { Store } from './db/store'
import { decode, encode, isPlainObject, type Doc } from './ejson'
import { CloudError, E } from './errors'
import type { DbOperation, Rule, RuleContext, RuleSet } from './rules'
import { DEFAULT_URL_MAX_AGE_S, type Storage, cleanPath } from './storage'

/** The mini-program's `get()` answers at most 20 documents. */
export const CLIENT_MAX_LIMIT = 20

export const CLIENT_ERR_CODES: Record<string, number> = {
  DATABASE_PERMISSION_DENIED: -502003,
  DATABASE_REQUEST_FAILED: -502001,
  DATABASE_COLLECTION_NOT_EXIST: -502005,
  STORAGE_EXCEED_AUTHORITY: -503002,
  STORAGE_FILE_NONEXIST: -503003,
  INVALID_PARAM: -501001,
}

export const denied = {
  database: () => new CloudError('DATABASE_PERMISSION_DENIED', 'database permission denied'),
  storage: () => new CloudError('STORAGE_EXCEED_AUTHORITY', 'storage permission denied'),
}

type Body = Record<string, unknown>

interface Deps {
  engine: DatabaseEngine
  store: Store
  storage: Storage
  rules: RuleSet
  now: () => number
  baseUrl: () => string
}

const counter = () => ({ read: 0, written: 0 })

/** Client data as the shim sends it (JSON with EJSON forms such as `{ "$date": … }`), decoded. */
function fromClient(value: unknown, now: number, what: string): unknown {
  if (value === undefined || value === null) return undefined
  try {
    return decode(JSON.stringify(value), now)
  } catch {
    throw E.invalidParam(`${what} is not valid JSON/EJSON`)
  }
}

const ejsonString = (value: unknown) => encode(value)
const out = (doc: Doc) => JSON.parse(encode(doc)) as unknown

/** Plain fields become `$set` of dotted paths, as the SDK sends them (nested objects merge). */
function toUpdate(data: unknown): Doc {
  if (!isPlainObject(data)) throw E.invalidParam('data must be an object')
  const keys = Object.keys(data)
  if (keys.length > 0 && keys.every((k) => k.startsWith('$'))) return data
  if (keys.some((k) => k.startsWith('$'))) throw E.invalidParam('do not mix update operators and plain fields')
  const set: Doc = {}
  const walk = (prefix: string, v: unknown) => {
    if (isPlainObject(v) && Object.keys(v).length > 0 && !Object.keys(v).some((k) => k.startsWith('$')))
      for (const [k, inner] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, inner)
    else set[prefix] = v
  }
  walk('', data)
  return { $set: set }
}

const touchesOwner = (update: Doc) =>
  Object.values(update).some(
    (spec) => isPlainObject(spec) && Object.keys(spec).some((f) => f === '_openid' || f.startsWith('_openid.')),
  )

export class ClientApi {
  constructor(private readonly deps: Deps) {}

  private ctx(openid: string | undefined, doc?: Doc): RuleContext {
    return { auth: openid ? { openid } : null, ...(doc ? { doc } : {}) }
  }

  /** Deny unless the rule allows: once for a rule that does not read `doc`, else for each document given. */
  private check(rule: Rule | null, openid: string | undefined, docs: readonly Doc[]): void {
    if (!rule) throw denied.database()
    if (!rule.perDocument) {
      if (!rule.allows(this.ctx(openid))) throw denied.database()
      return
    }
    for (const doc of docs) if (!rule.allows(this.ctx(openid, doc))) throw denied.database()
  }

  private rule(collection: string, op: DbOperation): Rule | null {
    return this.deps.rules.database(collection, op)
  }

  private matching(collection: string, query: Criteria, docId: string | undefined): Doc[] {
    const coll = this.deps.store.collection(collection)
    if (docId !== undefined) {
      const cur = coll.docs.get(docId)
      return cur ? [cur.doc] : []
    }
    const q = compile(query)
    const found: Doc[] = []
    for (const { doc } of coll.docs.values()) if (q.test(doc)) found.push(doc)
    return found
  }

  /** `POST /client/database` `{ action, collection, docId?, query?, data?, orderBy?, skip?, limit?, field? }`. */
  database(openid: string | undefined, body: Body): Body {
    const action = typeof body.action === 'string' ? body.action : ''
    const collection = typeof body.collection === 'string' ? body.collection : ''
    if (!collection) throw E.invalidParam('collection is required')
    const docId =
      typeof body.docId === 'string' && body.docId ? body.docId : body.docId === undefined ? undefined : null
    if (docId === null) throw E.invalidParam('docId must be a non-empty string')
    const now = this.deps.now()
    const query = normaliseQuery(fromClient(body.query, now, 'query'))
    const where = docId !== undefined ? { _id: docId } : query
    const engineTarget = {
      collectionName: collection,
      query: ejsonString(where),
      queryType: docId !== undefined ? 'DOC' : 'WHERE',
    }

    switch (action) {
      case 'get': {
        this.checkExists(collection, 'read')
        const matched = this.matching(collection, query, docId)
        this.check(this.rule(collection, 'read'), openid, matched)
        const projection = normaliseProjection(fromClient(body.field, now, 'field'))
        if (docId !== undefined) {
          const [doc] = select(matched, {}, projection ? { projection } : {})
          return { data: doc ? out(doc) : null }
        }
        const order = normaliseOrder(fromClient(body.orderBy, now, 'orderBy'))
        const limit =
          typeof body.limit === 'number' && body.limit > 0 ? Math.min(Math.floor(body.limit), CLIENT_MAX_LIMIT) : 20
        const offset = typeof body.skip === 'number' && body.skip > 0 ? Math.floor(body.skip) : 0
        const list = select(
          matched,
          {},
          { ...(order ? { order } : {}), offset, limit, ...(projection ? { projection } : {}) },
        )
        return { data: list.map(out) }
      }
      case 'count': {
        this.checkExists(collection, 'read')
        const matched = this.matching(collection, query, undefined)
        this.check(this.rule(collection, 'read'), openid, matched)
        return { total: matched.length }
      }
      case 'add': {
        this.checkExists(collection, 'create')
        const data = fromClient(body.data, now, 'data')
        if (!isPlainObject(data)) throw E.invalidParam('data must be an object')
        // The platform stamps the writer, whatever the client sent.
        const doc: Doc = { ...data }
        delete doc._openid
        if (openid) doc._openid = openid
        this.check(this.rule(collection, 'create'), openid, [doc])
        const r = this.deps.engine.handle(
          'database.insertDocument',
          { collectionName: collection, data: [ejsonString(doc)] },
          counter(),
        ).data as { insertedIds: string[] }
        return { _id: r.insertedIds[0] }
      }
      case 'update': {
        this.checkExists(collection, 'update')
        const update = toUpdate(fromClient(body.data, now, 'data'))
        if (touchesOwner(update)) throw denied.database()
        const matched = this.matching(collection, query, docId)
        this.check(this.rule(collection, 'update'), openid, matched)
        const r = this.deps.engine.handle(
          'database.modifyDocument',
          { ...engineTarget, data: ejsonString(update), multi: true, merge: true, upsert: false },
          counter(),
        ).data as { updated: number }
        return { stats: { updated: r.updated } }
      }
      case 'set': {
        if (docId === undefined) throw E.invalidParam('set needs docId')
        const data = fromClient(body.data, now, 'data')
        if (!isPlainObject(data)) throw E.invalidParam('data must be an object')
        if (!this.rule(collection, 'create') && !this.rule(collection, 'update')) throw denied.database()
        const [existing] = this.matching(collection, {}, docId)
        const doc: Doc = { ...data, _id: docId }
        delete doc._openid
        const owner = existing ? existing._openid : openid
        if (owner !== undefined) doc._openid = owner
        if (existing) this.check(this.rule(collection, 'update'), openid, [existing])
        else this.check(this.rule(collection, 'create'), openid, [doc])
        const r = this.deps.engine.handle(
          'database.modifyDocument',
          { ...engineTarget, data: ejsonString(doc), multi: false, merge: false, upsert: true },
          counter(),
        ).data as { updated: number; upsert_id?: string }
        return { _id: docId, stats: { updated: r.updated, created: r.upsert_id ? 1 : 0 } }
      }
      case 'remove': {
        this.checkExists(collection, 'delete')
        const matched = this.matching(collection, query, docId)
        this.check(this.rule(collection, 'delete'), openid, matched)
        const r = this.deps.engine.handle('database.removeDocument', { ...engineTarget, multi: true }, counter())
          .data as { deleted: number }
        return { stats: { removed: r.deleted } }
      }
      default:
        throw E.invalidParam(`unknown client database action ${action || '(none)'}`)
    }
  }

  /** A collection with no rule for the operation is denied before anyone learns whether it exists. */
  private checkExists(collection: string, op: DbOperation): void {
    if (!this.rule(collection, op)) throw denied.database()
    this.deps.store.collection(collection)
  }

  private storageCtx(openid: string | undefined, cloudPath: string, owner: string | null): RuleContext {
    return { auth: openid ? { openid } : null, resource: { openid: owner, path: cloudPath } }
  }

  private allowsFile(op: 'read' | 'write', openid: string | undefined, cloudPath: string, owner: string | null) {
    const rule = this.deps.rules.storage(op)
    return rule !== null && rule.allows(this.storageCtx(openid, cloudPath, owner))
  }

  /** `POST /client/storage/upload` `{ cloudPath, base64 }`: a new file is the uploader's; another's is not overwritten. */
  upload(openid: string | undefined, body: Body): Body {
    const cloudPath = cleanPath(body.cloudPath)
    if (!cloudPath) throw E.invalidParam('cloudPath is invalid')
    if (typeof body.base64 !== 'string') throw E.invalidParam('base64 (the file content) is required')
    const { storage } = this.deps
    const exists = storage.exists(cloudPath)
    // Writing an existing file is judged on that file (its uploader); a new one on the file it would become.
    const owner = exists ? storage.ownerOf(cloudPath) : (openid ?? null)
    if (!this.allowsFile('write', openid, cloudPath, owner)) throw denied.storage()
    storage.write(cloudPath, Buffer.from(body.base64, 'base64'))
    storage.setOwner(cloudPath, openid ?? null)
    return { fileID: storage.fileId(cloudPath) }
  }

  private fileOf(fileID: unknown): string | null {
    return typeof fileID === 'string' ? this.deps.storage.pathOf(fileID) : null
  }

  /** `POST /client/storage/tempUrl` `{ fileList: [fileID | { fileID, maxAge }] }`: one status per file. */
  tempUrl(openid: string | undefined, body: Body): Body {
    const list = Array.isArray(body.fileList) ? (body.fileList as unknown[]) : null
    if (!list) throw E.invalidParam('fileList must be an array')
    const { storage } = this.deps
    return {
      fileList: list.map((item) => {
        const fileID = isPlainObject(item) ? item.fileID : item
        const maxAgeIn = isPlainObject(item) ? item.maxAge : undefined
        const id = typeof fileID === 'string' ? fileID : ''
        const p = this.fileOf(fileID)
        if (!p || !storage.exists(p))
          return { ...fileStatus(id, 'STORAGE_FILE_NONEXIST', 'file does not exist'), tempFileURL: '' }
        if (!this.allowsFile('read', openid, p, storage.ownerOf(p)))
          return { ...fileStatus(id, 'STORAGE_EXCEED_AUTHORITY', 'storage permission denied'), tempFileURL: '' }
        const maxAge = typeof maxAgeIn === 'number' && maxAgeIn > 0 ? Math.floor(maxAgeIn) : DEFAULT_URL_MAX_AGE_S
        return {
          fileID: id,
          tempFileURL: storage.downloadUrl(p, this.deps.baseUrl(), maxAge),
          maxAge,
          status: 0,
          errMsg: 'ok',
        }
      }),
    }
  }

  /** `POST /client/storage/download` `{ fileID }`: the bytes, or a refusal. */
  download(openid: string | undefined, body: Body): { path: string; data: Buffer } {
    const p = this.fileOf(body.fileID)
    const { storage } = this.deps
    const data = p ? storage.read(p) : null
    if (!p || !data) throw E.fileMissing(String(body.fileID ?? ''))
    if (!this.allowsFile('read', openid, p, storage.ownerOf(p))) throw denied.storage()
    return { path: p, data }
  }

  /** `POST /client/storage/delete` `{ fileList: [fileID] }`: judged on each existing file; one status per file. */
  remove(openid: string | undefined, body: Body): Body {
    const list = Array.isArray(body.fileList) ? (body.fileList as unknown[]) : null
    if (!list) throw E.invalidParam('fileList must be an array')
    const { storage } = this.deps
    return {
      fileList: list.map((fileID) => {
        const id = typeof fileID === 'string' ? fileID : ''
        const p = this.fileOf(fileID)
        if (!p || !storage.exists(p)) return fileStatus(id, 'STORAGE_FILE_NONEXIST', 'file does not exist')
        if (!this.allowsFile('write', openid, p, storage.ownerOf(p)))
          return fileStatus(id, 'STORAGE_EXCEED_AUTHORITY', 'storage permission denied')
        storage.remove(p)
        return { fileID: id, status: 0, errMsg: 'ok' }
      }),
    }
  }
}

function fileStatus(fileID: string, code: string, message: string) {
  return { fileID, status: CLIENT_ERR_CODES[code] ?? -501001, errMsg: `${code} ${message}` }
}
