import { z } from 'zod'
import { AppError } from './errors'

/**
 * Parse input with a schema; on failure throw INVALID_INPUT naming the first bad field in Chinese.
 * Schemas label fields with `.describe('房号')`; the label is found by walking the schema along the issue path.
 */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value)
  if (result.success) {
    const bad = findUnsafeText(result.data, [])
    if (bad) {
      const field = bad.join('.')
      const label = labelAt(schema, bad) ?? (field || '输入')
      throw new AppError(
        'INVALID_INPUT',
        `「${label}」含有不能使用的字符（控制字符、零宽字符或文字方向符号），请删除后重试`,
        field || undefined,
      )
    }
    return result.data
  }
  const issue = result.error.issues[0]
  if (!issue) throw new AppError('INVALID_INPUT')
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path
  const field = path.join('.')
  const label = labelAt(schema, issue.path) ?? (field || '输入')
  throw new AppError('INVALID_INPUT', describeIssue(issue, label), field || undefined)
}

function describeIssue(issue: z.ZodIssue, label: string): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.received === 'undefined' ? `请填写「${label}」` : `「${label}」的格式不正确`
    case 'too_small':
      if (issue.type === 'string') return `「${label}」至少需要 ${String(issue.minimum)} 个字`
      if (issue.type === 'array') return `「${label}」至少需要 ${String(issue.minimum)} 项`
      return `「${label}」不能小于 ${String(issue.minimum)}`
    case 'too_big':
      if (issue.type === 'string') return `「${label}」最多 ${String(issue.maximum)} 个字`
      if (issue.type === 'array') return `「${label}」最多 ${String(issue.maximum)} 项`
      return `「${label}」不能大于 ${String(issue.maximum)}`
    case 'invalid_enum_value':
    case 'invalid_literal':
    case 'invalid_union':
    case 'invalid_union_discriminator':
      return `「${label}」的取值不在允许范围内`
    case 'unrecognized_keys':
      return `不认识的字段：${issue.keys.join('、')}`
    case 'custom':
      return issue.message
    default:
      return `「${label}」的格式不正确`
  }
}

type Path = ReadonlyArray<string | number>

function labelAt(schema: z.ZodTypeAny, path: Path): string | undefined {
  let current: z.ZodTypeAny | undefined = schema
  let label = current.description
  for (const key of path) {
    current = current && childOf(unwrap(current), key)
    if (!current) break
    label = current.description ?? label
  }
  return current ? (current.description ?? label) : label
}

function unwrap(schema: z.ZodTypeAny): z.ZodTypeAny {
  let s = schema
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodTypeAny
    else if (s instanceof z.ZodDefault) s = s.removeDefault() as z.ZodTypeAny
    else if (s instanceof z.ZodEffects) s = s.innerType() as z.ZodTypeAny
    else return s
  }
}

function childOf(schema: z.ZodTypeAny, key: string | number): z.ZodTypeAny | undefined {
  if (schema instanceof z.ZodObject) return (schema.shape as Record<string, z.ZodTypeAny>)[String(key)]
  if (schema instanceof z.ZodArray) return schema.element as z.ZodTypeAny
  if (schema instanceof z.ZodRecord) return schema.valueSchema as z.ZodTypeAny
  return undefined
}

/**
 * Characters no input may carry: C0 and C1 controls but tab and line breaks, bidi controls (which can make
 * 「张三」 display as something else), zero-width spaces and joiners used to make a name look empty or like
 * another, the BOM, and noncharacters; and lone surrogates (half a character, which no text can hold).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const UNSAFE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB\uFFFE\uFFFF]/

export function isSafeText(s: string): boolean {
  return !LONE_SURROGATE.test(s) && !UNSAFE.test(s)
}

/** Path of the first string (or object key) in a parsed input that is not safe text; null when all are. */
function findUnsafeText(value: unknown, path: (string | number)[]): (string | number)[] | null {
  if (typeof value === 'string') return isSafeText(value) ? null : path
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const bad = findUnsafeText(v, [...path, i])
      if (bad) return bad
    }
    return null
  }
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) {
      if (!isSafeText(k)) return [...path, k]
      const bad = findUnsafeText(v, [...path, k])
      if (bad) return bad
    }
  }
  return null
}

/**
 * Input schema for a person's or a place's name: trimmed, 1–`max` characters, one line, at least one letter or
 * digit (a lone space or punctuation is no name). Unsafe characters are refused for every input by parseInput.
 */
export function nameText(label: string, max = 20) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !/[\t\r\n]/.test(s) && /[\p{L}\p{N}]/u.test(s), {
      message: `「${label}」请填写文字，不能只有空格或符号`,
    })
    .describe(label)
}
