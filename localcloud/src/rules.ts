// Security rules for the client routes, as CloudBase applies them to requests from the mini-program (never to the
// server SDK): per collection `{ read, write, create?, update?, delete? }` over `auth` and `doc`, and one
// bucket-wide `{ read, write }` over `auth` and `resource`. A rule is `true`, `false` or an expression string in a
// small, safe subset evaluated here without eval: literals (strings, numbers, true, false, null), `auth`, `doc.<field>`
// and `resource.openid` / `resource.path` paths, `==`, `!=`, `&&`, `||`, `!` and parentheses. Anything else is refused
// when the rules are loaded; at evaluation, an error (a field of null, a non-boolean operand of `&&`, comparing
// objects) denies, as in the Firebase emulator.
import fs from 'node:fs'
import path from 'node:path'

export type RuleValue = boolean | string

export interface CollectionRule {
  read?: RuleValue
  write?: RuleValue
  create?: RuleValue
  update?: RuleValue
  delete?: RuleValue
}

export interface StorageRule {
  read?: RuleValue
  write?: RuleValue
}

export interface Rules {
  /** Keyed by collection name; a collection without a rule is closed to clients. */
  database?: Record<string, CollectionRule>
  /** The bucket's rule; without one, clients can neither read nor write files. */
  storage?: StorageRule
}

export type DbOperation = 'read' | 'create' | 'update' | 'delete'
export type StorageOperation = 'read' | 'write'

/** What an expression sees: `auth` is null for a request without an identity. */
export interface RuleContext {
  auth: { openid: string } | null
  doc?: Record<string, unknown>
  resource?: { openid: string | null; path: string }
}

export class RuleSyntaxError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RuleSyntaxError'
  }
}

class RuleEvalError extends Error {}

const MAX_EXPRESSION = 2000

type Node =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'path'; root: string; fields: string[] }
  | { kind: 'not'; operand: Node }
  | { kind: 'binary'; op: '==' | '!=' | '&&' | '||'; left: Node; right: Node }

type Token =
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'ident'; value: string }
  | { type: 'op'; value: '==' | '!=' | '&&' | '||' | '!' | '(' | ')' | '.' }

function tokenize(src: string): Token[] {
  const out: Token[] = []
  let i = 0
  while (i < src.length) {
    const c = src[i] as string
    if (/\s/.test(c)) {
      i++
      continue
    }
    const two = src.slice(i, i + 2)
    if (two === '==' || two === '!=' || two === '&&' || two === '||') {
      if (src[i + 2] === '=') throw new RuleSyntaxError(`'${two}=' is not supported; use '${two}'`)
      out.push({ type: 'op', value: two })
      i += 2
      continue
    }
    if (c === '!' || c === '(' || c === ')' || c === '.') {
      out.push({ type: 'op', value: c })
      i++
      continue
    }
    if (c === "'" || c === '"') {
      let value = ''
      let j = i + 1
      for (;;) {
        const d = src[j]
        if (d === undefined) throw new RuleSyntaxError('unterminated string')
        if (d === c) break
        if (d === '\\') {
          const e = src[j + 1]
          if (e !== '\\' && e !== "'" && e !== '"')
            throw new RuleSyntaxError('only \\\\, \\\' and \\" escapes are allowed')
          value += e
          j += 2
        } else {
          value += d
          j++
        }
      }
      out.push({ type: 'string', value })
      i = j + 1
      continue
    }
    const num = /^\d+(\.\d+)?/.exec(src.slice(i))
    if (num) {
      out.push({ type: 'number', value: Number(num[0]) })
      i += num[0].length
      continue
    }
    const ident = /^[A-Za-z_$][\w$]*/.exec(src.slice(i))
    if (ident) {
      out.push({ type: 'ident', value: ident[0] })
      i += ident[0].length
      continue
    }
    throw new RuleSyntaxError(`unexpected character '${c}' at ${i}`)
  }
  return out
}

/** Recursive descent, JavaScript precedence: `||` < `&&` < `==`/`!=` < `!`. */
function parse(src: string, roots: ReadonlySet<string>): Node {
  if (src.length > MAX_EXPRESSION) throw new RuleSyntaxError(`expression longer than ${MAX_EXPRESSION} characters`)
  const tokens = tokenize(src)
  let pos = 0
  const peek = () => tokens[pos]
  const isOp = (v: string) => {
    const t = peek()
    return t !== undefined && t.type === 'op' && t.value === v
  }
  const expect = (v: string) => {
    if (!isOp(v)) throw new RuleSyntaxError(`expected '${v}'`)
    pos++
  }

  function primary(): Node {
    const t = peek()
    if (!t) throw new RuleSyntaxError('unexpected end of expression')
    pos++
    if (t.type === 'string' || t.type === 'number') return { kind: 'literal', value: t.value }
    if (t.type === 'op') {
      if (t.value !== '(') throw new RuleSyntaxError(`unexpected '${t.value}'`)
      const inner = or()
      expect(')')
      return inner
    }
    if (t.value === 'true' || t.value === 'false') return { kind: 'literal', value: t.value === 'true' }
    if (t.value === 'null') return { kind: 'literal', value: null }
    if (!roots.has(t.value))
      throw new RuleSyntaxError(`unknown name '${t.value}' (allowed here: ${[...roots].join(', ')})`)
    const fields: string[] = []
    while (isOp('.')) {
      pos++
      const f = peek()
      if (!f || f.type !== 'ident') throw new RuleSyntaxError(`expected a field name after '${t.value}.'`)
      fields.push(f.value)
      pos++
    }
    if (isOp('(')) throw new RuleSyntaxError('function calls are not supported')
    return { kind: 'path', root: t.value, fields }
  }
  function unary(): Node {
    if (isOp('!')) {
      pos++
      return { kind: 'not', operand: unary() }
    }
    return primary()
  }
  function equality(): Node {
    let left = unary()
    while (isOp('==') || isOp('!=')) {
      const op = (peek() as { value: '==' | '!=' }).value
      pos++
      left = { kind: 'binary', op, left, right: unary() }
    }
    return left
  }
  function and(): Node {
    let left = equality()
    while (isOp('&&')) {
      pos++
      left = { kind: 'binary', op: '&&', left, right: equality() }
    }
    return left
  }
  function or(): Node {
    let left = and()
    while (isOp('||')) {
      pos++
      left = { kind: 'binary', op: '||', left, right: and() }
    }
    return left
  }

  const node = or()
  if (pos !== tokens.length) throw new RuleSyntaxError('unexpected text after the expression')
  return node
}

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k)

function evaluate(node: Node, ctx: RuleContext): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value
    case 'path': {
      let value: unknown = (ctx as unknown as Record<string, unknown>)[node.root] ?? null
      for (const f of node.fields) {
        // A field of null (no identity, no such resource) is an error, never a null that equals another null.
        if (value === null || typeof value !== 'object' || value instanceof Date)
          throw new RuleEvalError(`cannot read ${f} of ${value === null ? 'null' : typeof value}`)
        value = own(value, f) ? (value as Record<string, unknown>)[f] : null
        if (value === undefined) value = null
      }
      return value
    }
    case 'not': {
      const v = evaluate(node.operand, ctx)
      if (typeof v !== 'boolean') throw new RuleEvalError('! needs a boolean')
      return !v
    }
    case 'binary': {
      if (node.op === '&&' || node.op === '||') {
        const l = evaluate(node.left, ctx)
        if (typeof l !== 'boolean') throw new RuleEvalError(`${node.op} needs booleans`)
        if (node.op === '&&' ? !l : l) return l
        const r = evaluate(node.right, ctx)
        if (typeof r !== 'boolean') throw new RuleEvalError(`${node.op} needs booleans`)
        return r
      }
      const l = evaluate(node.left, ctx)
      const r = evaluate(node.right, ctx)
      // Anything compares with null (`auth != null`); otherwise only strings, numbers and booleans, by value.
      const primitive = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v)
      if (l !== null && r !== null && (!primitive(l) || !primitive(r)))
        throw new RuleEvalError('only strings, numbers, booleans and null compare')
      return node.op === '==' ? l === r : l !== r
    }
  }
}

function mentions(node: Node, root: string): boolean {
  switch (node.kind) {
    case 'literal':
      return false
    case 'path':
      return node.root === root
    case 'not':
      return mentions(node.operand, root)
    case 'binary':
      return mentions(node.left, root) || mentions(node.right, root)
  }
}

/** One compiled rule: `allows` is true only when the expression evaluates to exactly `true`. */
export class Rule {
  private readonly node: Node | null
  private readonly constant: boolean

  constructor(
    readonly source: RuleValue,
    roots: ReadonlySet<string>,
  ) {
    if (typeof source === 'boolean') {
      this.node = null
      this.constant = source
    } else if (typeof source === 'string') {
      this.node = parse(source, roots)
      this.constant = false
    } else throw new RuleSyntaxError('a rule is true, false or an expression string')
  }

  /** Whether the expression reads `doc` (then it is evaluated per document; otherwise once per request). */
  get perDocument(): boolean {
    return this.node !== null && mentions(this.node, 'doc')
  }

  allows(ctx: RuleContext): boolean {
    if (this.node === null) return this.constant
    try {
      return evaluate(this.node, ctx) === true
    } catch (err) {
      if (err instanceof RuleEvalError) return false
      throw err
    }
  }
}

const DB_ROOTS = new Set(['auth', 'doc'])
const STORAGE_ROOTS = new Set(['auth', 'resource'])
const DB_KEYS = new Set(['read', 'write', 'create', 'update', 'delete'])
const STORAGE_KEYS = new Set(['read', 'write'])

function compileAll(rule: unknown, keys: Set<string>, roots: Set<string>, where: string): Map<string, Rule> {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule))
    throw new RuleSyntaxError(`${where}: a rule is an object like { "read": false, "write": false }`)
  const out = new Map<string, Rule>()
  for (const [k, v] of Object.entries(rule)) {
    if (!keys.has(k)) throw new RuleSyntaxError(`${where}: unknown operation '${k}' (allowed: ${[...keys].join(', ')})`)
    try {
      out.set(k, new Rule(v as RuleValue, roots))
    } catch (err) {
      throw new RuleSyntaxError(`${where}.${k}: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  return out
}

/** The loaded rules, checked once; a missing rule or operation denies. */
export class RuleSet {
  private readonly collections = new Map<string, Map<string, Rule>>()
  private readonly bucket: Map<string, Rule>

  constructor(readonly rules: Rules = {}) {
    const db = rules.database ?? {}
    if (typeof db !== 'object' || db === null || Array.isArray(db))
      throw new RuleSyntaxError('database rules are an object keyed by collection')
    for (const [name, rule] of Object.entries(db))
      this.collections.set(name, compileAll(rule, DB_KEYS, DB_ROOTS, `database.${name}`))
    this.bucket = compileAll(rules.storage ?? {}, STORAGE_KEYS, STORAGE_ROOTS, 'storage')
  }

  /** `create`, `update` and `delete` fall back to `write`, as in CloudBase. */
  database(collection: string, op: DbOperation): Rule | null {
    const rules = this.collections.get(collection)
    if (!rules) return null
    return rules.get(op) ?? (op === 'read' ? null : (rules.get('write') ?? null))
  }

  storage(op: StorageOperation): Rule | null {
    return this.bucket.get(op) ?? null
  }
}

/** `<dir>/database.json` (keyed by collection) and `<dir>/storage.json`, as kept in a repository. */
export function loadRulesDir(dir: string): Rules {
  const read = (name: string): unknown => {
    const file = path.join(dir, name)
    if (!fs.existsSync(file)) return undefined
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown
    } catch (err) {
      throw new RuleSyntaxError(`${file}: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  const database = read('database.json') as Rules['database']
  const storage = read('storage.json') as Rules['storage']
  const rules: Rules = { ...(database ? { database } : {}), ...(storage ? { storage } : {}) }
  // Compile now, so that a bad file fails at start with its name rather than at the first request.
  new RuleSet(rules)
  return rules
}
