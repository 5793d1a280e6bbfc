// Canonical EJSON in and out, plus the CloudBase-specific value forms the SDK sends.
import { BSONRegExp, EJSON } from 'bson'

export type Doc = Record<string, unknown>

/** Parse one EJSON string the SDK sent; `$tcb_server_date` becomes the server's now + offset. */
export function decode(text: string, now: number = Date.now()): unknown {
  return resolveServerDates(EJSON.parse(text, { relaxed: true }), now)
}

/** Canonical EJSON, as the real server answers (`{"$numberInt":"1"}`, `{"$date":…}`). */
export function encode(value: unknown): string {
  return EJSON.stringify(value as Doc, { relaxed: false })
}

export function resolveServerDates(value: unknown, now: number): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveServerDates(v, now))
  if (!isPlainObject(value)) return value
  const keys = Object.keys(value)
  if (keys.length === 1 && keys[0] === '$tcb_server_date') {
    const spec = value.$tcb_server_date as { offset?: unknown } | undefined
    const offset = typeof spec?.offset === 'number' ? spec.offset : 0
    return new Date(now + offset)
  }
  const out: Doc = {}
  for (const k of keys) out[k] = resolveServerDates(value[k], now)
  return out
}

/** BSON regular expressions must become JS RegExp for the query engine, or they silently match nothing. */
export function toQueryValues(value: unknown): unknown {
  if (value instanceof BSONRegExp) return new RegExp(value.pattern, value.options.replace(/[^gimsuy]/g, ''))
  if (Array.isArray(value)) return value.map(toQueryValues)
  if (!isPlainObject(value)) return value
  const out: Doc = {}
  for (const k of Object.keys(value)) out[k] = toQueryValues(value[k])
  return out
}

export function isPlainObject(value: unknown): value is Doc {
  if (typeof value !== 'object' || value === null) return false
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}

/** Deep copy that keeps Dates and BSON values. */
export function clone<T>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T
  if (Array.isArray(value)) return value.map(clone) as T
  if (!isPlainObject(value)) return value
  const out: Doc = {}
  for (const k of Object.keys(value)) out[k] = clone(value[k])
  return out as T
}
