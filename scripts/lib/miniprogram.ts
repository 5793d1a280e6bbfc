// Checks and measures the mini-program: templates through the official compiler, main-package size.
import fs from 'node:fs'
import path from 'node:path'
import { transform } from 'esbuild'
import { MINIPROGRAM_ROOT } from './paths'

// miniprogram-compiler ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const compiler = require('miniprogram-compiler') as {
  wxmlToJs(root: string, options?: object): string
  wxssToJs(root: string, options?: object): string
}

interface AppJson {
  pages: string[]
  subpackages?: { root: string; pages: string[] }[]
  subPackages?: { root: string; pages: string[] }[]
}

export function readAppJson(root = MINIPROGRAM_ROOT): AppJson {
  return JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8')) as AppJson
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name)
    if (d.isDirectory()) return d.name === 'node_modules' ? [] : walk(full)
    return [full]
  })
}

/** Every page and component named in app.json or a usingComponents map must have its four files. */
export function checkPageFiles(root = MINIPROGRAM_ROOT): string[] {
  const app = readAppJson(root)
  const problems: string[] = []
  const pages = [
    ...app.pages,
    ...(app.subpackages ?? app.subPackages ?? []).flatMap((p) => p.pages.map((page) => `${p.root}/${page}`)),
  ]
  for (const page of pages) {
    const base = path.join(root, page)
    for (const ext of ['.json', '.wxml']) if (!fs.existsSync(base + ext)) problems.push(`${page}${ext} 缺失`)
    if (!fs.existsSync(`${base}.ts`) && !fs.existsSync(`${base}.js`)) problems.push(`${page}.ts 缺失`)
  }
  return problems
}

/** Runs the official wcc and wcsc over every template and style; they throw on the first error. */
export function compileTemplates(root = MINIPROGRAM_ROOT): { wxml: number; wxss: number } {
  const files = walk(root)
  compiler.wxmlToJs(root)
  compiler.wxssToJs(root)
  return {
    wxml: files.filter((f) => f.endsWith('.wxml')).length,
    wxss: files.filter((f) => f.endsWith('.wxss')).length,
  }
}

export interface PackageSize {
  mainBytes: number
  files: number
  subpackages: Record<string, number>
}

/**
 * Size as uploaded: TypeScript counted as the minified JavaScript DevTools produces from it, declaration files
 * excluded, everything else as is. Subpackage roots are counted apart from the main package.
 */
export async function measurePackage(root = MINIPROGRAM_ROOT): Promise<PackageSize> {
  const app = readAppJson(root)
  const subRoots = (app.subpackages ?? app.subPackages ?? []).map((p) => p.root.replace(/\/$/, ''))
  const result: PackageSize = { mainBytes: 0, files: 0, subpackages: Object.fromEntries(subRoots.map((r) => [r, 0])) }
  for (const file of walk(root)) {
    if (file.endsWith('.d.ts')) continue
    let bytes: number
    if (file.endsWith('.ts')) {
      const out = await transform(fs.readFileSync(file, 'utf8'), {
        loader: 'ts',
        format: 'cjs',
        minify: true,
        target: 'es2018',
      })
      bytes = Buffer.byteLength(out.code)
    } else {
      bytes = fs.statSync(file).size
    }
    const rel = path.relative(root, file).split(path.sep).join('/')
    const sub = subRoots.find((r) => rel === r || rel.startsWith(`${r}/`))
    if (sub) result.subpackages[sub] = (result.subpackages[sub] ?? 0) + bytes
    else result.mainBytes += bytes
    result.files++
  }
  return result
}
