// Security rules: the repository's rules (rules/) cover every collection and close them all, and localcloud's client
// routes enforce them as CloudBase does for the mini-program's own SDK — per document and per file, rules are not
// filters, the writer is stamped as `_openid` — while the server SDK the functions use is never subject to them.
import fs from 'node:fs'
import path from 'node:path'
import { loadRulesDir, RuleSet, RuleSyntaxError, startLocalCloud, type LocalCloud, type Rules } from '../../localcloud'
import { Rule } from '../../localcloud/src/rules'
import { COLLECTIONS } from '../../server/collections'
import { ROOT, startTestCloud, type TestCloud } from '../support/localcloud'
import { getDoc, list } from './sdk-helpers'

const RULES_DIR = path.join(ROOT, 'rules')
const repoRules = loadRulesDir(RULES_DIR)

interface Reply<T = Record<string, unknown>> {
  status: number
  body: T & { errCode?: number; errMsg?: string }
}

async function post<T = Record<string, unknown>>(
  base: string,
  route: string,
  body: unknown,
  openid?: string,
  headers: Record<string, string> = {},
): Promise<Reply<T>> {
  const res = await fetch(`${base}/client/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(openid ? { 'x-wx-openid': openid } : {}), ...headers },
    body: JSON.stringify(body),
  })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // a download answers bytes
  }
  return { status: res.status, body: parsed as Reply<T>['body'] }
}

const DENIED_DB = { status: 403, body: { errCode: -502003 } }

describe('the repository rules', () => {
  it('give every collection in server/collections.ts a rule, and no other', () => {
    expect(Object.keys(repoRules.database ?? {}).sort()).toEqual([...COLLECTIONS].sort())
  })

  it.each([...COLLECTIONS])('close %s to clients: no read, create, update or delete', (name) => {
    const rules = new RuleSet(repoRules)
    for (const op of ['read', 'create', 'update', 'delete'] as const) {
      const rule = rules.database(name, op)
      expect(rule?.source).toBe(false)
      expect(rule?.allows({ auth: { openid: 'o-anyone' }, doc: { _openid: 'o-anyone' } })).toBe(false)
    }
  })

  it('let a client read and write only files it uploaded itself', () => {
    const storage = new RuleSet(repoRules)
    const ctx = (me: string | null, owner: string | null) => ({
      auth: me ? { openid: me } : null,
      resource: { openid: owner, path: 'antigen/r1/h1/m1.jpg' },
    })
    for (const op of ['read', 'write'] as const) {
      const rule = storage.storage(op) as Rule
      expect(rule.allows(ctx('o-ann', 'o-ann'))).toBe(true)
      expect(rule.allows(ctx('o-ann', 'o-bob'))).toBe(false)
      // A file the functions wrote has no uploader: no client reaches it, not even one without an identity.
      expect(rule.allows(ctx('o-ann', null))).toBe(false)
      expect(rule.allows(ctx(null, null))).toBe(false)
    }
  })

  it('are plain JSON files, as npm run rules applies them', () => {
    for (const f of ['database.json', 'storage.json'])
      expect(() => JSON.parse(fs.readFileSync(path.join(RULES_DIR, f), 'utf8')) as unknown).not.toThrow()
  })
})

describe('rule expressions', () => {
  const allows = (src: string | boolean, ctx: Parameters<Rule['allows']>[0], roots = ['auth', 'doc', 'resource']) =>
    new Rule(src, new Set(roots)).allows(ctx)
  const me = { auth: { openid: 'o-me' } }

  it.each<[string, Parameters<Rule['allows']>[0], boolean]>([
    ['true', me, true],
    ['false', me, false],
    ["auth.openid == 'o-me'", me, true],
    ['auth.openid == "o-me"', me, true],
    ["auth.openid != 'o-me'", me, false],
    ['auth != null', me, true],
    ['auth == null', { auth: null }, true],
    ['doc._openid == auth.openid', { ...me, doc: { _openid: 'o-me' } }, true],
    ['doc._openid == auth.openid', { ...me, doc: { _openid: 'o-other' } }, false],
    ['doc._openid == auth.openid', { ...me, doc: {} }, false],
    ['doc.missing == null', { ...me, doc: {} }, true],
    ['doc.n == 3', { ...me, doc: { n: 3 } }, true],
    ["doc.n == '3'", { ...me, doc: { n: 3 } }, false],
    ['doc.ok == true && auth != null', { ...me, doc: { ok: true } }, true],
    ['doc.ok == true && auth != null', { auth: null, doc: { ok: true } }, false],
    ["doc.a == 1 || doc.b == 'x'", { ...me, doc: { a: 2, b: 'x' } }, true],
    ['!(doc.a == 1)', { ...me, doc: { a: 2 } }, true],
    ["!(doc.a == 1) && (doc.b == 'x' || doc.c == 'y')", { ...me, doc: { a: 2, c: 'y' } }, true],
    [
      "resource.openid == auth.openid && resource.path == 'a/b.jpg'",
      { ...me, resource: { openid: 'o-me', path: 'a/b.jpg' } },
      true,
    ],
    // A field of null is an error, which denies: null never equals null through a missing identity.
    ['auth.openid == resource.openid', { auth: null, resource: { openid: null, path: 'x' } }, false],
    ['!(auth.openid == null)', { auth: null }, false],
    // Only booleans combine, only primitives compare: anything else denies rather than coerces.
    ['doc.name && auth != null', { ...me, doc: { name: 'x' } }, false],
    ['!doc.name', { ...me, doc: { name: '' } }, false],
    ['doc.scope == doc.scope', { ...me, doc: { scope: { communityId: 'c1' } } }, false],
    ['doc.toString == null', { ...me, doc: {} }, true],
    ['doc.__proto__ == null', { ...me, doc: {} }, true],
  ])('%s → %s', (src, ctx, expected) => {
    expect(allows(src, ctx)).toBe(expected)
  })

  it.each([
    ["resource.path.startsWith('antigen/')", /function calls/],
    ["eval('1')", /unknown name 'eval'/],
    ['process.env', /unknown name 'process'/],
    ["auth.openid === 'x'", /not supported/],
    ["auth.openid = 'x'", /unexpected character '='/],
    ["doc['a'] == 1", /unexpected character '\['/],
    ['doc.a == ', /unexpected end/],
    ['(doc.a == 1', /expected '\)'/],
    ['doc.a == 1 doc.b', /unexpected text/],
    ["'unterminated", /unterminated string/],
    ['doc.a > 1', /unexpected character '>'/],
  ])('refuses %s when the rules load', (src, why) => {
    expect(() => new Rule(src, new Set(['auth', 'doc', 'resource']))).toThrow(why)
  })

  it('refuses a root the rule kind does not have, an unknown operation and a non-rule value', () => {
    expect(() => new RuleSet({ storage: { read: 'doc._openid == auth.openid' } })).toThrow(
      /storage.read: unknown name 'doc'/,
    )
    expect(() => new RuleSet({ database: { c: { read: 'resource.path == 1' } } })).toThrow(/unknown name 'resource'/)
    expect(() => new RuleSet({ database: { c: { list: true } as never } })).toThrow(/unknown operation 'list'/)
    expect(() => new RuleSet({ database: { c: { read: 1 as never } } })).toThrow(RuleSyntaxError)
  })
})

describe('client routes under the repository rules', () => {
  let t: TestCloud
  beforeAll(async () => {
    t = await startTestCloud({ collections: [...COLLECTIONS], rules: repoRules })
  })
  afterAll(() => t.stop())

  const client = <T = Record<string, unknown>>(route: string, body: unknown, openid?: string) =>
    post<T>(t.cloud.url, route, body, openid)
  const dump = async () => JSON.stringify((await t.admin<{ collections: unknown }>('export')).collections)
  const files = async () => JSON.stringify(await t.admin('files'))

  beforeEach(async () => {
    await t.admin('reset', { method: 'POST' })
    // One document in every collection, written as the functions write them (server SDK: no _openid).
    for (const name of COLLECTIONS)
      await t.sdk
        .database()
        .collection(name)
        .add({ data: { _id: `${name}-1`, communityId: 'c1', note: 'seed' } })
  })

  describe.each([...COLLECTIONS])('%s', (name) => {
    it('cannot be read by a client: get by id, query or count', async () => {
      const before = await dump()
      expect(await client('database', { action: 'get', collection: name, docId: `${name}-1` }, 'o-ann')).toMatchObject(
        DENIED_DB,
      )
      expect(
        await client('database', { action: 'get', collection: name, query: { communityId: 'c1' } }, 'o-ann'),
      ).toMatchObject(DENIED_DB)
      expect(await client('database', { action: 'count', collection: name }, 'o-ann')).toMatchObject(DENIED_DB)
      expect(await dump()).toBe(before)
    })

    it('cannot be written by a client: add, update, set or remove, and nothing changes', async () => {
      const before = await dump()
      const attempts = [
        { action: 'add', collection: name, data: { _id: `${name}-planted`, communityId: 'c1' } },
        { action: 'update', collection: name, docId: `${name}-1`, data: { note: 'changed' } },
        { action: 'update', collection: name, query: { communityId: 'c1' }, data: { $set: { note: 'changed' } } },
        { action: 'set', collection: name, docId: `${name}-1`, data: { note: 'replaced' } },
        { action: 'set', collection: name, docId: `${name}-new`, data: { note: 'created' } },
        { action: 'remove', collection: name, docId: `${name}-1` },
        { action: 'remove', collection: name, query: {} },
      ]
      for (const body of attempts) expect(await client('database', body, 'o-ann')).toMatchObject(DENIED_DB)
      expect(await dump()).toBe(before)
    })
  })

  it('will not let a client make itself committee, in any way the client SDK offers', async () => {
    await t.sdk
      .database()
      .collection('roles')
      .add({
        data: {
          _id: 'role-ann',
          openid: 'o-ann',
          communityId: 'c1',
          role: 'resident',
          scope: { communityId: 'c1', householdId: 'h1' },
        },
      })
    const before = await dump()
    const committee = { openid: 'o-ann', communityId: 'c1', role: 'committee', scope: { communityId: 'c1' } }
    for (const body of [
      { action: 'add', collection: 'roles', data: committee },
      { action: 'add', collection: 'roles', data: { ...committee, _id: 'role-ann-committee' } },
      { action: 'set', collection: 'roles', docId: 'role-ann-committee', data: committee },
      { action: 'set', collection: 'roles', docId: 'role-ann', data: committee },
      {
        action: 'update',
        collection: 'roles',
        docId: 'role-ann',
        data: { role: 'committee', scope: { communityId: 'c1' } },
      },
      { action: 'update', collection: 'roles', query: { openid: 'o-ann' }, data: { $set: { role: 'committee' } } },
    ])
      expect(await client('database', body, 'o-ann')).toMatchObject(DENIED_DB)
    expect(await dump()).toBe(before)
    const roles = await list(t.sdk.database().collection('roles').where({ openid: 'o-ann' }))
    expect(roles.map((r) => r.role)).toEqual(['resident'])
  })

  it('refuses a collection with no rule before saying whether it exists', async () => {
    expect(await client('database', { action: 'get', collection: 'nope', query: {} }, 'o-ann')).toMatchObject(DENIED_DB)
  })

  it('leaves the server SDK unaffected: it reads and writes every collection', async () => {
    const db = t.sdk.database()
    for (const name of COLLECTIONS) {
      await db
        .collection(name)
        .doc(`${name}-1`)
        .update({ data: { note: 'by a function' } })
      const doc = await getDoc(db.collection(name).doc(`${name}-1`))
      expect(doc.note).toBe('by a function')
      expect(doc._openid).toBeUndefined()
      await db.collection(name).doc(`${name}-1`).remove()
    }
  })

  describe('storage', () => {
    const upload = (cloudPath: string, content: string | Buffer, openid?: string) =>
      client<{ fileID: string }>(
        'storage/upload',
        { cloudPath, base64: Buffer.from(content).toString('base64') },
        openid,
      )
    const tempUrl = (fileList: unknown[], openid?: string) =>
      client<{ fileList: { fileID: string; tempFileURL: string; status: number; maxAge?: number }[] }>(
        'storage/tempUrl',
        { fileList },
        openid,
      )

    it.each([
      ['a kit photo', 'antigen/r1/h1/m1-1.jpg'],
      ['a ledger upload', 'ledger/c1/1763600000000-台账.xlsx'],
    ])('lets a client upload %s and read it back', async (_what, cloudPath) => {
      const up = await upload(cloudPath, 'content', 'o-ann')
      expect(up.status).toBe(200)
      expect(up.body.fileID).toBe(`cloud://local.local-localcloud/${cloudPath}`)
      const [file] = (await tempUrl([{ fileID: up.body.fileID, maxAge: 600 }], 'o-ann')).body.fileList
      expect(file).toMatchObject({ status: 0, maxAge: 600 })
      expect(await (await fetch(file?.tempFileURL as string)).text()).toBe('content')
      const down = await client('storage/download', { fileID: up.body.fileID }, 'o-ann')
      expect(down).toEqual({ status: 200, body: 'content' })
    })

    it("does not let a client read another's upload", async () => {
      const { fileID } = (await upload('antigen/r1/h1/m1-2.jpg', 'ann’s kit', 'o-ann')).body
      const [file] = (await tempUrl([fileID], 'o-bob')).body.fileList
      expect(file).toMatchObject({ fileID, status: -503002, tempFileURL: '' })
      expect(await client('storage/download', { fileID }, 'o-bob')).toMatchObject({
        status: 403,
        body: { errCode: -503002 },
      })
      expect(await client('storage/download', { fileID })).toMatchObject({ status: 403 })
    })

    it("does not let a client overwrite or delete another's upload", async () => {
      const { fileID } = (await upload('ledger/c1/1-台账.csv', 'original', 'o-ann')).body
      const before = await files()
      expect(await upload('ledger/c1/1-台账.csv', 'forged', 'o-bob')).toMatchObject({
        status: 403,
        body: { errCode: -503002 },
      })
      const del = await client<{ fileList: { status: number }[] }>('storage/delete', { fileList: [fileID] }, 'o-bob')
      expect(del.body.fileList).toEqual([expect.objectContaining({ fileID, status: -503002 })])
      expect(await files()).toBe(before)
      expect((await t.sdk.downloadFile({ fileID })).fileContent.toString()).toBe('original')
    })

    it('keeps what the functions wrote away from every client', async () => {
      const { fileID } = await t.sdk.uploadFile({
        cloudPath: 'exports/c1/antigen-r1.xlsx',
        fileContent: Buffer.from('export'),
      })
      const before = await files()
      expect((await tempUrl([fileID], 'o-ann')).body.fileList[0]).toMatchObject({ status: -503002 })
      expect(await client('storage/download', { fileID }, 'o-ann')).toMatchObject({ status: 403 })
      expect(await upload('exports/c1/antigen-r1.xlsx', 'forged', 'o-ann')).toMatchObject({ status: 403 })
      expect(
        (await client<{ fileList: { status: number }[] }>('storage/delete', { fileList: [fileID] }, 'o-ann')).body
          .fileList[0],
      ).toMatchObject({ status: -503002 })
      expect(await files()).toBe(before)
    })

    it('makes a file the server overwrote the server’s', async () => {
      const { fileID } = (await upload('antigen/r1/h1/m1-3.jpg', 'mine', 'o-ann')).body
      await t.sdk.uploadFile({ cloudPath: 'antigen/r1/h1/m1-3.jpg', fileContent: Buffer.from('server') })
      expect(await client('storage/download', { fileID }, 'o-ann')).toMatchObject({ status: 403 })
    })

    it('refuses an upload without an identity', async () => {
      expect(await upload('antigen/r1/h1/anon.jpg', 'x')).toMatchObject({ status: 403 })
      expect(await files()).not.toContain('anon.jpg')
    })

    it('lets a client delete its own upload', async () => {
      const { fileID } = (await upload('antigen/r1/h1/m1-4.jpg', 'mine', 'o-ann')).body
      const del = await client<{ fileList: { status: number }[] }>('storage/delete', { fileList: [fileID] }, 'o-ann')
      expect(del.body.fileList).toEqual([{ fileID, status: 0, errMsg: 'ok' }])
      expect(await files()).not.toContain('m1-4.jpg')
    })

    it('offers no listing', async () => {
      expect((await client('storage/list', { prefix: 'antigen/' }, 'o-ann')).status).toBe(404)
    })

    it('leaves the server SDK unaffected: it reads and deletes any upload', async () => {
      const { fileID } = (await upload('antigen/r1/h1/m1-5.jpg', 'kit', 'o-ann')).body
      const [url] = ((await t.sdk.getTempFileURL({ fileList: [fileID] })) as { fileList: { tempFileURL: string }[] })
        .fileList
      expect(await (await fetch(url?.tempFileURL as string)).text()).toBe('kit')
      expect(((await t.sdk.deleteFile({ fileList: [fileID] })) as { fileList: unknown[] }).fileList).toEqual([
        expect.objectContaining({ fileID, status: 0 }),
      ])
    })

    it('keeps each upload’s owner through export and import', async () => {
      const { fileID } = (await upload('antigen/r1/h1/m1-6.jpg', 'kit', 'o-ann')).body
      const dumped = await t.admin<{ files: { path: string; openid?: string }[] }>('export')
      expect(dumped.files.find((f) => f.path === 'antigen/r1/h1/m1-6.jpg')?.openid).toBe('o-ann')
      await t.admin('import', { body: dumped })
      expect((await client('storage/download', { fileID }, 'o-ann')).status).toBe(200)
      expect((await client('storage/download', { fileID }, 'o-bob')).status).toBe(403)
    })

    it('serves one byte range of a file, with its size, as storage does', async () => {
      const { fileID } = await t.sdk.uploadFile({ cloudPath: 'bin/ten.bin', fileContent: Buffer.from('0123456789') })
      const [url] = ((await t.sdk.getTempFileURL({ fileList: [fileID] })) as { fileList: { tempFileURL: string }[] })
        .fileList
      const res = await fetch(url?.tempFileURL as string, { headers: { range: 'bytes=0-3' } })
      expect(res.status).toBe(206)
      expect(res.headers.get('content-range')).toBe('bytes 0-3/10')
      expect(await res.text()).toBe('0123')
      const tail = await fetch(url?.tempFileURL as string, { headers: { range: 'bytes=8-' } })
      expect(await tail.text()).toBe('89')
      const past = await fetch(url?.tempFileURL as string, { headers: { range: 'bytes=20-30' } })
      expect(past.status).toBe(416)
    })
  })

  describe('as a browser would call them', () => {
    it('answers a preflight from a page on this machine, and none from elsewhere', async () => {
      const preflight = (origin: string) =>
        fetch(`${t.cloud.url}/client/database`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-wx-openid' },
        })
      const local = await preflight('http://localhost:5173')
      expect(local.status).toBe(204)
      expect(local.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
      expect(local.headers.get('access-control-allow-headers')).toContain('x-wx-openid')
      const far = await preflight('https://example.com')
      expect(far.headers.get('access-control-allow-origin')).toBeNull()
      const fn = await fetch(`${t.cloud.url}/functions/community`, {
        method: 'OPTIONS',
        headers: { origin: 'http://127.0.0.1:8080' },
      })
      expect(fn.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8080')
    })

    it('takes only JSON, which a page elsewhere cannot send without that preflight', async () => {
      const res = await fetch(`${t.cloud.url}/client/database`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'x-wx-openid': 'o-ann' },
        body: JSON.stringify({ action: 'get', collection: 'roles' }),
      })
      expect(res.status).toBe(415)
    })
  })
})

describe('client routes under rules that open a collection', () => {
  // A collection a client may use for its own documents only: what CloudBase calls 仅创建者可读写.
  const rules: Rules = {
    database: {
      notes: { read: 'doc._openid == auth.openid', write: 'doc._openid == auth.openid' },
      board: { read: true, create: 'auth != null', update: false, delete: false },
    },
  }
  let cloud: LocalCloud
  beforeAll(async () => {
    cloud = await startLocalCloud({
      port: 0,
      dataDir: null,
      quiet: true,
      collections: ['notes', 'board', 'closed'],
      rules,
    })
  })
  afterAll(() => cloud.stop())
  beforeEach(() => cloud.reset())

  const client = <T = Record<string, unknown>>(body: unknown, openid?: string) =>
    post<T>(cloud.url, 'database', body, openid)
  const notes = () => [...(cloud.store.collections.get('notes')?.docs.values() ?? [])].map((c) => c.doc)

  it('stamps the writer as _openid, whatever the client sent', async () => {
    const r = await client<{ _id: string }>(
      { action: 'add', collection: 'notes', data: { text: 'hi', _openid: 'o-bob' } },
      'o-ann',
    )
    expect(r.status).toBe(200)
    expect(notes()).toEqual([{ _id: r.body._id, text: 'hi', _openid: 'o-ann' }])
  })

  it('lets a client read and change its own documents', async () => {
    const { _id } = (
      await client<{ _id: string }>({ action: 'add', collection: 'notes', data: { text: 'a' } }, 'o-ann')
    ).body
    const mine = await client<{ data: { text: string }[] }>(
      { action: 'get', collection: 'notes', query: { _openid: 'o-ann' } },
      'o-ann',
    )
    expect(mine.body.data.map((d) => d.text)).toEqual(['a'])
    expect(
      await client({ action: 'update', collection: 'notes', docId: _id, data: { text: 'b' } }, 'o-ann'),
    ).toMatchObject({
      status: 200,
      body: { stats: { updated: 1 } },
    })
    expect(await client({ action: 'count', collection: 'notes', query: { _openid: 'o-ann' } }, 'o-ann')).toMatchObject({
      body: { total: 1 },
    })
    expect(await client({ action: 'remove', collection: 'notes', docId: _id }, 'o-ann')).toMatchObject({
      body: { stats: { removed: 1 } },
    })
  })

  it("refuses a query that would touch another's document, whole rather than filtered", async () => {
    await client({ action: 'add', collection: 'notes', data: { text: 'ann' } }, 'o-ann')
    await client({ action: 'add', collection: 'notes', data: { text: 'bob' } }, 'o-bob')
    expect(await client({ action: 'get', collection: 'notes', query: {} }, 'o-ann')).toMatchObject(DENIED_DB)
    expect(await client({ action: 'get', collection: 'notes', query: {}, limit: 1 }, 'o-ann')).toMatchObject(DENIED_DB)
    expect(await client({ action: 'count', collection: 'notes' }, 'o-ann')).toMatchObject(DENIED_DB)
    expect(
      await client({ action: 'update', collection: 'notes', query: {}, data: { text: 'x' } }, 'o-ann'),
    ).toMatchObject(DENIED_DB)
    expect(await client({ action: 'remove', collection: 'notes', query: {} }, 'o-ann')).toMatchObject(DENIED_DB)
    expect(
      notes()
        .map((d) => d.text)
        .sort(),
    ).toEqual(['ann', 'bob'])
  })

  it("refuses another's document by id, and an update of _openid", async () => {
    const { _id } = (
      await client<{ _id: string }>({ action: 'add', collection: 'notes', data: { text: 'ann' } }, 'o-ann')
    ).body
    expect(await client({ action: 'get', collection: 'notes', docId: _id }, 'o-bob')).toMatchObject(DENIED_DB)
    expect(
      await client({ action: 'set', collection: 'notes', docId: _id, data: { text: 'bob' } }, 'o-bob'),
    ).toMatchObject(DENIED_DB)
    expect(
      await client(
        { action: 'update', collection: 'notes', docId: _id, data: { $set: { _openid: 'o-bob' } } },
        'o-ann',
      ),
    ).toMatchObject(DENIED_DB)
    expect(await client({ action: 'get', collection: 'notes', docId: _id })).toMatchObject(DENIED_DB)
    expect(notes()).toEqual([{ _id, text: 'ann', _openid: 'o-ann' }])
  })

  it('uses create, update and delete where given, and write for the rest', async () => {
    expect(await client({ action: 'add', collection: 'board', data: { text: 'x' } })).toMatchObject(DENIED_DB)
    const { _id } = (
      await client<{ _id: string }>({ action: 'add', collection: 'board', data: { text: 'x' } }, 'o-ann')
    ).body
    expect(await client({ action: 'get', collection: 'board', docId: _id })).toMatchObject({
      status: 200,
      body: { data: { text: 'x' } },
    })
    expect(
      await client({ action: 'update', collection: 'board', docId: _id, data: { text: 'y' } }, 'o-ann'),
    ).toMatchObject(DENIED_DB)
    expect(await client({ action: 'remove', collection: 'board', docId: _id }, 'o-ann')).toMatchObject(DENIED_DB)
  })

  it('refuses a collection without a rule, and any file without a storage rule', async () => {
    expect(await client({ action: 'get', collection: 'closed', query: {} }, 'o-ann')).toMatchObject(DENIED_DB)
    const up = await post(cloud.url, 'storage/upload', { cloudPath: 'a/b.txt', base64: 'eA==' }, 'o-ann')
    expect(up).toMatchObject({ status: 403, body: { errCode: -503002 } })
  })

  it('answers at most 20 documents to a client query', async () => {
    for (let i = 0; i < 25; i++) await client({ action: 'add', collection: 'board', data: { i } }, 'o-ann')
    const all = await client<{ data: unknown[] }>(
      { action: 'get', collection: 'board', query: {}, limit: 100 },
      'o-ann',
    )
    expect(all.body.data).toHaveLength(20)
  })
})
