// WeChat open API calls (`wx.openApi`): protobuf envelope in a multipart body. subscribeMessage.send is
// emulated with per-user one-time subscription credits and an outbox; wxacode.getUnlimited with a standard QR code
// of the same page and scene (wxacode.ts), each request logged.
import type Database from 'better-sqlite3'
import protobuf from 'protobufjs'
import { E } from './errors'
import { getUnlimited } from './wxacode'

// Field numbers as wx-server-sdk 4.0.2 encodes them.
const root = protobuf.Root.fromJSON({
  nested: {
    KeyValuePair: {
      fields: {
        key: { type: 'string', id: 1 },
        value: { type: 'bytes', id: 2 },
        contenttype: { type: 'string', id: 3 },
        filename: { type: 'string', id: 4 },
      },
    },
    OpenApiData: { fields: { pairs: { rule: 'repeated', type: 'KeyValuePair', id: 1 } } },
    CommApiData: {
      fields: {
        apiType: { type: 'int32', id: 1 },
        openapiData: { type: 'OpenApiData', id: 2 },
        appid: { type: 'string', id: 6 },
      },
    },
    CommOpenApiResp: {
      fields: {
        respData: { type: 'bytes', id: 1 },
        contentType: { type: 'string', id: 2 },
        errorCode: { type: 'int32', id: 3 },
        httpCode: { type: 'uint32', id: 4 },
      },
    },
  },
})
const CommApiData = root.lookupType('CommApiData')
const CommOpenApiResp = root.lookupType('CommOpenApiResp')

export interface MultipartPart {
  name: string
  data: Buffer
}

export function parseMultipart(body: Buffer, contentType: string): Map<string, Buffer> {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType)
  const boundary = m?.[1] ?? m?.[2]
  if (!boundary) throw E.invalidParam('multipart boundary missing')
  const delimiter = Buffer.from(`--${boundary}`)
  const parts = new Map<string, Buffer>()
  let pos = body.indexOf(delimiter)
  while (pos !== -1) {
    const start = pos + delimiter.length
    if (body.subarray(start, start + 2).toString() === '--') break
    const next = body.indexOf(delimiter, start)
    if (next === -1) break
    const part = body.subarray(start + 2, next - 2) // strip CRLF after delimiter and before the next one
    const headerEnd = part.indexOf('\r\n\r\n')
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString()
      const name = /name="([^"]*)"/i.exec(headers)?.[1]
      if (name !== undefined) parts.set(name, part.subarray(headerEnd + 4))
    }
    pos = next
  }
  return parts
}

export interface OutboxMessage {
  id: number
  at: string
  api: string
  touser: string
  templateId: string
  page: string | null
  data: Record<string, { value: unknown }>
  miniprogramState: string | null
  status: 'sent' | 'rejected' | 'invalid'
  errcode: number
  invocation: string | null
  function: string | null
}

/** Length limits of subscription-message field types, keyed by the template key prefix. */
const FIELD_RULES: Record<string, (v: string) => boolean> = {
  thing: (v) => [...v].length <= 20,
  number: (v) => v.length <= 32 && /^[0-9.]+$/.test(v),
  letter: (v) => v.length <= 32 && /^[A-Za-z]+$/.test(v),
  symbol: (v) => v.length <= 5,
  character_string: (v) => v.length <= 32 && !/[\u4e00-\u9fff]/.test(v),
  phone_number: (v) => v.length <= 17 && /^[0-9+\-() ]+$/.test(v),
  car_number: (v) => [...v].length <= 8,
  name: (v) => [...v].length <= 10 || (/^[A-Za-z ]+$/.test(v) && v.length <= 20),
  phrase: (v) => [...v].length <= 5 && /^[\u4e00-\u9fff]+$/.test(v),
  time: (v) => v.length <= 40,
  date: (v) => v.length <= 40,
  amount: (v) => v.length <= 16,
}

/** One `wxacode.getUnlimited` request, as localcloud answered it. */
export interface WxaCodeRequest {
  at: string
  scene: unknown
  page: unknown
  checkPath: unknown
  envVersion: unknown
  width: unknown
  errcode: number
  /** What the QR code carries (`<page>?scene=<scene, URL-encoded>`), when one was made. */
  text: string | null
  invocation: string | null
  function: string | null
}

export function checkTemplateData(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return 'data must be an object'
  for (const [key, field] of Object.entries(data as Record<string, unknown>)) {
    const value = (field as { value?: unknown } | null)?.value
    if (value === undefined || value === null || String(value) === '') return `data.${key}.value is empty`
    const type = key.replace(/\d+$/, '')
    const rule = FIELD_RULES[type]
    if (rule && !rule(String(value))) return `data.${key}.value invalid for type ${type}`
  }
  return null
}

/** The open API's reply envelope: JSON (errors, results) or the bytes of an image. */
const envelope = (respData: Buffer, contentType: string) =>
  Buffer.from(
    CommOpenApiResp.encode(CommOpenApiResp.create({ respData, contentType, errorCode: 0, httpCode: 200 })).finish(),
  )

export class OpenApi {
  constructor(
    private readonly db: Database.Database,
    private readonly clock: () => number = Date.now,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS subscription_credits (
        openid TEXT NOT NULL, template_id TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (openid, template_id)
      );
      CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL);
    `)
  }

  grant(openid: string, templateId: string, count = 1): number {
    if (!openid || !templateId || !Number.isInteger(count) || count < 1)
      throw E.invalidParam('openid, templateId and a positive count are required')
    this.db
      .prepare(
        `INSERT INTO subscription_credits (openid, template_id, count) VALUES (?, ?, ?)
         ON CONFLICT (openid, template_id) DO UPDATE SET count = count + excluded.count`,
      )
      .run(openid, templateId, count)
    return this.credits(openid, templateId)
  }

  credits(openid: string, templateId: string): number {
    const row = this.db
      .prepare('SELECT count FROM subscription_credits WHERE openid = ? AND template_id = ?')
      .get(openid, templateId) as { count: number } | undefined
    return row?.count ?? 0
  }

  allCredits(): { openid: string; templateId: string; count: number }[] {
    return this.db
      .prepare('SELECT openid, template_id AS templateId, count FROM subscription_credits WHERE count > 0')
      .all() as never[]
  }

  outbox(): OutboxMessage[] {
    return (this.db.prepare('SELECT id, body FROM outbox ORDER BY id').all() as { id: number; body: string }[]).map(
      (r) => ({
        ...(JSON.parse(r.body) as Omit<OutboxMessage, 'id'>),
        id: r.id,
      }),
    )
  }

  /** The `wxacode.getUnlimited` requests since the last reset, oldest first. */
  readonly wxaCodes: WxaCodeRequest[] = []

  /**
   * The mini-program's subscription templates (我的模板), when a test sets them: a send with any other id is
   * answered 40037 as WeChat answers it. Null (the default, and after a reset): every non-empty id is accepted, so
   * the placeholder ids of miniprogram/shared/constants.ts work.
   */
  templates: Set<string> | null = null

  clear(): void {
    this.db.exec('DELETE FROM subscription_credits; DELETE FROM outbox;')
    this.wxaCodes.length = 0
    this.templates = null
  }

  import(credits: { openid: string; templateId: string; count: number }[], outbox: Omit<OutboxMessage, 'id'>[]): void {
    this.clear()
    for (const c of credits) this.grant(c.openid, c.templateId, c.count)
    const insert = this.db.prepare('INSERT INTO outbox (body) VALUES (?)')
    for (const m of outbox) insert.run(JSON.stringify({ ...m, id: undefined }))
  }

  /** Handle one `wx.openApi` request body; returns protobuf bytes for the reply. */
  handle(parts: Map<string, Buffer>, caller: { invocation: string | null; function: string | null }): Buffer {
    const apiName = parts.get('apiName')?.toString() ?? ''
    const raw = parts.get('requestData')
    if (!raw) throw E.invalidParam('requestData missing')
    const message = CommApiData.toObject(CommApiData.decode(raw), { bytes: Buffer as never }) as {
      openapiData?: { pairs?: { key: string; value: Buffer }[] }
    }
    const params: Record<string, unknown> = {}
    for (const pair of message.openapiData?.pairs ?? []) {
      const text = Buffer.from(pair.value).toString()
      try {
        params[pair.key] = JSON.parse(text)
      } catch {
        params[pair.key] = text
      }
    }
    if (apiName === 'wxacode.getUnlimited') return this.wxaCode(params, caller)
    const reply =
      apiName === 'subscribeMessage.send'
        ? this.send(params, caller)
        : { errcode: 48001, errmsg: `api unauthorized: localcloud does not emulate ${apiName}` }
    return envelope(Buffer.from(JSON.stringify(reply)), 'application/json')
  }

  /** A QR code PNG (content type image/png), or WeChat's JSON error for the parameters. */
  private wxaCode(params: Record<string, unknown>, caller: { invocation: string | null; function: string | null }) {
    const result = getUnlimited(params)
    this.wxaCodes.push({
      at: new Date(this.clock()).toISOString(),
      scene: params.scene,
      page: params.page,
      checkPath: params.check_path,
      envVersion: params.env_version,
      width: params.width,
      errcode: 'errcode' in result ? result.errcode : 0,
      text: 'text' in result ? result.text : null,
      invocation: caller.invocation,
      function: caller.function,
    })
    if ('errcode' in result) return envelope(Buffer.from(JSON.stringify(result)), 'application/json')
    return envelope(result.png, 'image/png')
  }

  private send(
    params: Record<string, unknown>,
    caller: { invocation: string | null; function: string | null },
  ): { errcode: number; errmsg: string } {
    const touser = typeof params.touser === 'string' ? params.touser : ''
    const templateId = typeof params.template_id === 'string' ? params.template_id : ''
    const record = (status: OutboxMessage['status'], errcode: number) =>
      this.db.prepare('INSERT INTO outbox (body) VALUES (?)').run(
        JSON.stringify({
          at: new Date(this.clock()).toISOString(),
          api: 'subscribeMessage.send',
          touser,
          templateId,
          page: typeof params.page === 'string' ? params.page : null,
          data: params.data ?? {},
          miniprogramState: typeof params.miniprogram_state === 'string' ? params.miniprogram_state : null,
          status,
          errcode,
          invocation: caller.invocation,
          function: caller.function,
        }),
      )
    if (!touser) {
      record('invalid', 40003)
      return { errcode: 40003, errmsg: 'invalid openid' }
    }
    if (!templateId || (this.templates && !this.templates.has(templateId))) {
      record('invalid', 40037)
      return { errcode: 40037, errmsg: 'invalid template_id' }
    }
    const problem = checkTemplateData(params.data)
    if (problem) {
      record('invalid', 47003)
      return { errcode: 47003, errmsg: `argument invalid! ${problem}` }
    }
    const spend = this.db
      .prepare('UPDATE subscription_credits SET count = count - 1 WHERE openid = ? AND template_id = ? AND count > 0')
      .run(touser, templateId)
    if (spend.changes === 0) {
      record('rejected', 43101)
      return { errcode: 43101, errmsg: 'user refuse to accept the msg' }
    }
    record('sent', 0)
    return { errcode: 0, errmsg: 'ok' }
  }
}
