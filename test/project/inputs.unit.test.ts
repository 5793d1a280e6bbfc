// Bounded input: every string any action takes has a length limit, and every array a size limit, so no payload
// can make a function hold or echo more than it means to. Walks the real zod schemas of every action table.
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'

const ROOT = path.resolve(__dirname, '../..')

interface ActionLike {
  input: z.ZodTypeAny
  access: unknown
  handler: unknown
}
const isAction = (v: unknown): v is ActionLike =>
  typeof v === 'object' && v !== null && 'input' in v && 'access' in v && 'handler' in v

/** Every action of every function, by `function.action`, from the modules that define them. */
function allActions(): Map<string, ActionLike> {
  const out = new Map<string, ActionLike>()
  for (const fn of fs.readdirSync(path.join(ROOT, 'cloudfunctions'))) {
    const src = path.join(ROOT, 'cloudfunctions', fn, 'src')
    if (!fs.existsSync(src)) continue
    for (const file of fs.readdirSync(src).filter((f) => f.endsWith('.ts'))) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path.join(src, file)) as Record<string, unknown>
      for (const table of Object.values(mod))
        if (typeof table === 'object' && table !== null)
          for (const [name, def] of Object.entries(table)) if (isAction(def)) out.set(`${fn}.${name}`, def)
    }
  }
  return out
}

/** Paths of strings without a maximum length and arrays without a maximum size inside a schema. */
function unbounded(schema: z.ZodTypeAny, at: string): string[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return unbounded(schema.unwrap(), at)
  if (schema instanceof z.ZodDefault) return unbounded(schema.removeDefault(), at)
  if (schema instanceof z.ZodEffects) return unbounded(schema.innerType(), at)
  if (schema instanceof z.ZodString) return schema.maxLength === null ? [at || '(payload)'] : []
  if (schema instanceof z.ZodArray) {
    const own = schema._def.maxLength === null ? [`${at}[] (no max items)`] : []
    return [...own, ...unbounded(schema.element, `${at}[]`)]
  }
  if (schema instanceof z.ZodObject)
    return Object.entries(schema.shape as Record<string, z.ZodTypeAny>).flatMap(([k, v]) =>
      unbounded(v, at ? `${at}.${k}` : k),
    )
  if (schema instanceof z.ZodRecord)
    return [...unbounded(schema.keySchema, `${at}{key}`), ...unbounded(schema.valueSchema, `${at}{}`)]
  if (schema instanceof z.ZodUnion || schema instanceof z.ZodDiscriminatedUnion)
    return (schema.options as z.ZodTypeAny[]).flatMap((o) => unbounded(o, at))
  if (schema instanceof z.ZodIntersection)
    return [...unbounded(schema._def.left, at), ...unbounded(schema._def.right, at)]
  return []
}

describe('bounded input', () => {
  const actions = allActions()

  it('would find an unbounded string or list anywhere in a schema', () => {
    const schema = z
      .object({
        ok: z.string().max(5),
        name: z.string().trim().min(1),
        tags: z.array(z.string().max(3)),
        nested: z.object({ deep: z.array(z.object({ text: z.string().optional() })).max(2) }).optional(),
        refined: z.string().refine(() => true),
      })
      .strict()
    expect(unbounded(schema, '')).toEqual(['name', 'tags[] (no max items)', 'nested.deep[].text', 'refined'])
  })

  it('finds the action tables', () => {
    expect(actions.size).toBeGreaterThan(40)
    expect(actions.has('antigen.submit')).toBe(true)
    expect(actions.has('community.requestJoin')).toBe(true)
  })

  it('gives every string a length limit and every list a size limit', () => {
    const loose = [...actions].flatMap(([name, def]) => unbounded(def.input, '').map((p) => `${name}: ${p}`))
    expect(loose).toEqual([])
  })
})
