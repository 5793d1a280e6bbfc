// Replays the requests wx-server-sdk 4.0.2 was captured sending (fixtures/cloudbase-wire-capture.jsonl)
// and checks that every answer has the shape the SDK was seen to parse, with the same documents.
import fs from 'node:fs'
import path from 'node:path'
import { EJSON } from 'bson'
import { startLocalCloud, type LocalCloud } from '../../localcloud'

interface Line {
  method?: string
  url?: string
  multipart?: boolean
  body?: Record<string, unknown>
  response?: Record<string, unknown>
}

const CAPTURE = path.join(__dirname, 'fixtures', 'cloudbase-wire-capture.jsonl')
const lines: Line[] = fs.existsSync(CAPTURE)
  ? fs
      .readFileSync(CAPTURE, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line)
  : []

// Pairs of (JSON request to /admin, the response recorded after it); storage PUT/GET and multipart are covered
// by their own tests through the SDK.
const pairs: { i: number; request: Line; response: Record<string, unknown> }[] = []
lines.forEach((line, i) => {
  const next = lines[i + 1]
  if (line.method === 'POST' && !line.multipart && line.url?.startsWith('/admin') && next?.response) {
    pairs.push({ i, request: line, response: next.response })
  }
})

let cloud: LocalCloud
beforeAll(async () => {
  cloud = await startLocalCloud({
    port: 0,
    dataDir: null,
    quiet: true,
    collections: ['users', 'orders'],
    functionsDir: path.join(__dirname, 'fixtures', 'functions'),
  })
})
afterAll(() => cloud.stop())

const generatedIds = new Map<string, string>()
const transactionIds = new Map<string, string>()

/** Map ids the captured server generated to the ids this emulator generated, so later requests line up. */
function rewrite(value: unknown): unknown {
  let text = JSON.stringify(value)
  for (const [theirs, ours] of [...generatedIds, ...transactionIds]) text = text.split(theirs).join(ours)
  return JSON.parse(text)
}

/** Documents without the values only a clock or a random generator decides. */
function comparable(list: unknown[]): unknown[] {
  return list.map((s) => {
    const doc = EJSON.parse(String(s), { relaxed: true }) as Record<string, unknown>
    for (const k of Object.keys(doc))
      if (doc[k] instanceof Date && (k === 'createdAt' || k === 'updatedAt')) doc[k] = 'server date'
    if (typeof doc._id === 'string' && /^[0-9a-f]{32}$/.test(doc._id)) doc._id = 'generated'
    return doc
  })
}

const shape = (v: unknown): unknown =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, shape((v as Record<string, unknown>)[k])]),
      )
    : Array.isArray(v)
      ? 'array'
      : typeof v

describe('captured SDK traffic', () => {
  it('has the capture file beside the project', () => {
    expect(pairs.length).toBeGreaterThan(40)
  })

  it('answers every captured request in order with the captured shape and documents', async () => {
    for (const { i, request, response } of pairs) {
      const res = await fetch(`${cloud.url}${request.url}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(rewrite(request.body)),
      })
      expect(res.headers.get('content-type')).toContain('application/json')
      const ours = (await res.json()) as Record<string, unknown>
      const context = `capture line ${i + 1}: ${String(request.body?.action)}`
      expect({ context, shape: shape({ ...ours, requestId: '' }) }).toEqual({
        context,
        shape: shape({ ...response, requestId: '' }),
      })
      const theirData = response.data as Record<string, unknown> | undefined
      const ourData = ours.data as Record<string, unknown> | undefined
      if (Array.isArray(theirData?.insertedIds)) {
        ;(theirData.insertedIds as string[]).forEach((id, k) =>
          generatedIds.set(id, (ourData?.insertedIds as string[])[k] as string),
        )
      }
      if (typeof response.transactionId === 'string')
        transactionIds.set(response.transactionId, ours.transactionId as string)
      if (Array.isArray(theirData?.list)) {
        expect({ context, list: comparable(ourData?.list as unknown[]) }).toEqual({
          context,
          list: comparable(theirData.list as unknown[]),
        })
      }
      for (const key of ['updated', 'deleted', 'total', 'upsert_id'] as const) {
        if (theirData && key in theirData)
          expect({ context, [key]: ourData?.[key] }).toEqual({ context, [key]: rewrite(theirData[key]) })
      }
    }
  })
})
