// The database queries the deployed code makes, read from its source: every data-layer call
// (`data.find / findAll / count / updateWhere / removeWhere`, and `aggregate(coll).match`) whose collection is a
// string literal, with the fields its filter and sort name. A filter is followed through local constants, spreads,
// later `where.x = …` assignments, conditionals, `_.and` / `_.or` and local helpers that return an object; what it
// cannot follow (a parameter, an imported helper) is reported as unresolved, never guessed.
import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

export interface QueryUse {
  file: string
  line: number
  collection: string
  method: string
  /** The filter's alternatives (an `_.or` or a conditional gives several); each the fields it names. */
  filters: string[][]
  sort: string[]
  /** False when part of the filter could not be read from the source. */
  resolved: boolean
}

const METHODS = new Set(['find', 'findAll', 'count', 'updateWhere', 'removeWhere'])

class Unresolved extends Error {}

function sourceFiles(root: string, dirs: readonly string[]): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p)
    }
  }
  for (const d of dirs) if (fs.existsSync(path.join(root, d))) walk(path.join(root, d))
  return out.sort()
}

/** Every query in the deployed code: server/ and each function's src/. */
export function scanQueries(root: string, collections: readonly string[]): QueryUse[] {
  const functionDirs = fs
    .readdirSync(path.join(root, 'cloudfunctions'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `cloudfunctions/${d.name}/src`)
  const files = sourceFiles(root, ['server', ...functionDirs])
  const program = ts.createProgram(files, { noResolve: true, noLib: true, target: ts.ScriptTarget.ES2022 })
  const checker = program.getTypeChecker()
  const known = new Set(collections)
  const out: QueryUse[] = []

  for (const file of files) {
    const sf = program.getSourceFile(file)
    if (!sf) continue
    const rel = path.relative(root, file)

    /** Assignments `x.field = …` / `x['field'] = …` to a variable, anywhere in the file. */
    const assignedFields = (sym: ts.Symbol): string[] => {
      const fields: string[] = []
      const visit = (n: ts.Node) => {
        if (
          ts.isBinaryExpression(n) &&
          n.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
          (ts.isPropertyAccessExpression(n.left) || ts.isElementAccessExpression(n.left)) &&
          checker.getSymbolAtLocation(n.left.expression) === sym
        ) {
          if (ts.isPropertyAccessExpression(n.left)) fields.push(n.left.name.text)
          else if (ts.isStringLiteralLike(n.left.argumentExpression)) fields.push(n.left.argumentExpression.text)
          else throw new Unresolved()
        }
        ts.forEachChild(n, visit)
      }
      visit(sf)
      return fields
    }

    const cross = (a: string[][], b: string[][]): string[][] => a.flatMap((x) => b.map((y) => [...x, ...y]))

    /** The fields a filter expression names, as alternatives. */
    const fieldsOf = (e: ts.Expression, depth = 0): string[][] => {
      if (depth > 8) throw new Unresolved()
      while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e)) e = e.expression
      if (ts.isObjectLiteralExpression(e)) {
        let alts: string[][] = [[]]
        for (const p of e.properties) {
          if (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) {
            const name = p.name
            if (ts.isIdentifier(name) || ts.isStringLiteralLike(name)) alts = cross(alts, [[name.text]])
            else if (ts.isComputedPropertyName(name)) {
              // `[\`entries.${id}.nonce\`]`: a per-document key, which no index can name; its fixed head is kept.
              let x = name.expression
              if (ts.isIdentifier(x)) {
                const decl = checker.getSymbolAtLocation(x)?.valueDeclaration
                if (decl && ts.isVariableDeclaration(decl) && decl.initializer) x = decl.initializer
              }
              if (ts.isTemplateExpression(x)) alts = cross(alts, [[`${x.head.text}*`]])
              else if (ts.isStringLiteralLike(x)) alts = cross(alts, [[x.text]])
              else alts = cross(alts, [['*']])
            } else throw new Unresolved()
          } else if (ts.isSpreadAssignment(p)) alts = cross(alts, fieldsOf(p.expression, depth + 1))
          else throw new Unresolved()
        }
        return alts
      }
      if (ts.isConditionalExpression(e))
        return [...fieldsOf(e.whenTrue, depth + 1), ...fieldsOf(e.whenFalse, depth + 1)]
      if (ts.isIdentifier(e)) {
        const sym = checker.getSymbolAtLocation(e)
        const decl = sym?.valueDeclaration
        if (!sym || !decl || !ts.isVariableDeclaration(decl) || !decl.initializer) throw new Unresolved()
        const extra = assignedFields(sym)
        return fieldsOf(decl.initializer, depth + 1).map((f) => [...f, ...extra])
      }
      if (ts.isCallExpression(e)) {
        const callee = e.expression
        // _.and([...]) / _.or([...]) on the command builder.
        if (ts.isPropertyAccessExpression(callee) && (callee.name.text === 'and' || callee.name.text === 'or')) {
          const arg = e.arguments[0]
          const parts = arg && ts.isArrayLiteralExpression(arg) ? arg.elements.map((x) => fieldsOf(x, depth + 1)) : null
          if (callee.name.text === 'and') {
            if (!parts) throw new Unresolved()
            return parts.reduce(cross, [[]])
          }
          if (parts) return parts.flat()
          // _.or(list.map((d) => ({ … }))): the object the mapper returns.
          if (arg && ts.isCallExpression(arg) && ts.isPropertyAccessExpression(arg.expression)) {
            const fn = arg.arguments[0]
            if (arg.expression.name.text === 'map' && fn && ts.isArrowFunction(fn) && !ts.isBlock(fn.body))
              return fieldsOf(fn.body, depth + 1)
          }
          throw new Unresolved()
        }
        // A local helper that returns the filter: dueWhere().
        if (ts.isIdentifier(callee)) {
          const decl = checker.getSymbolAtLocation(callee)?.valueDeclaration
          const body =
            decl && ts.isFunctionDeclaration(decl)
              ? decl.body
              : decl && ts.isVariableDeclaration(decl) && decl.initializer && ts.isArrowFunction(decl.initializer)
                ? decl.initializer.body
                : undefined
          if (body && !ts.isBlock(body)) return fieldsOf(body, depth + 1)
          if (body && ts.isBlock(body)) {
            const rets = body.statements.filter(ts.isReturnStatement)
            if (rets.length === 1 && rets[0]?.expression) return fieldsOf(rets[0].expression, depth + 1)
          }
        }
      }
      throw new Unresolved()
    }

    const sortOf = (opts: ts.Expression | undefined): string[] => {
      if (!opts || !ts.isObjectLiteralExpression(opts)) return []
      const prop = opts.properties.find(
        (p): p is ts.PropertyAssignment | ts.ShorthandPropertyAssignment =>
          (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && p.name.getText() === 'orderBy',
      )
      if (!prop) return []
      let value: ts.Expression | undefined = ts.isPropertyAssignment(prop) ? prop.initializer : prop.name
      if (value && ts.isIdentifier(value)) {
        const decl = checker.getSymbolAtLocation(value)?.valueDeclaration
        value = decl && ts.isVariableDeclaration(decl) ? decl.initializer : undefined
      }
      while (value && ts.isAsExpression(value)) value = value.expression
      if (!value || !ts.isArrayLiteralExpression(value)) return ['?']
      return value.elements.map((x) =>
        ts.isArrayLiteralExpression(x) && x.elements[0] && ts.isStringLiteralLike(x.elements[0])
          ? x.elements[0].text
          : '?',
      )
    }

    const visit = (n: ts.Node) => {
      if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
        const method = n.expression.name.text
        const coll = n.arguments[0]
        if (coll && ts.isStringLiteralLike(coll) && known.has(coll.text)) {
          const line = sf.getLineAndCharacterOfPosition(n.getStart()).line + 1
          const use = (filterExpr: ts.Expression | undefined, sort: string[], m: string) => {
            let filters: string[][] = [[]]
            let resolved = true
            try {
              if (filterExpr) filters = fieldsOf(filterExpr)
            } catch (err) {
              if (!(err instanceof Unresolved)) throw err
              resolved = false
              filters = []
            }
            out.push({ file: rel, line, collection: coll.text, method: m, filters, sort, resolved })
          }
          if (METHODS.has(method)) use(n.arguments[1], sortOf(n.arguments[2]), method)
          else if (method === 'aggregate') {
            // aggregate(coll).match({...}) …: the match stage is the filter.
            let p: ts.Node = n
            while (ts.isPropertyAccessExpression(p.parent) && ts.isCallExpression(p.parent.parent)) {
              const call = p.parent.parent
              if (p.parent.name.text === 'match') {
                use(call.arguments[0], [], 'aggregate')
                break
              }
              p = call
            }
          }
        }
      }
      ts.forEachChild(n, visit)
    }
    visit(sf)
  }
  return out
}
