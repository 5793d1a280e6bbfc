// Builds the browser preview of the mini-program into .preview/: the official compiler's render functions for every
// WXML (gwx.js), every page and component's TypeScript in one lazily-evaluated bundle (app.js), the preview runtime
// (runtime.js: j-component, exparser, the built-in components, `wx`, the shell) and a manifest with app.json, each
// page's and component's JSON and its CSS. Nothing here is deployed; the mini-program itself is not changed.
import fs from 'node:fs'
import path from 'node:path'
import { build } from 'esbuild'
import { checkPinned, patchPlugin } from './patches'
import { compileWxss } from './wxss'
import { IMPLEMENTED_BUILTINS } from './runtime/builtins-list'

// miniprogram-compiler ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const compiler = require('miniprogram-compiler') as { wxmlToJs(root: string, options?: object): string }

const ROOT = path.resolve(__dirname, '..')
export const MINIPROGRAM_ROOT = path.join(ROOT, 'miniprogram')
export const PREVIEW_OUT = path.join(ROOT, '.preview')

import type { AppJson, ComponentEntry, PreviewManifest } from './manifest'

export type { AppJson, ComponentEntry, PreviewManifest }

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>

function routesOf(app: AppJson): string[] {
  const subs = app.subpackages ?? app.subPackages ?? []
  return [...app.pages, ...subs.flatMap((s) => s.pages.map((p) => `${s.root.replace(/\/$/, '')}/${p}`))]
}

function resolveUsing(from: string, target: string): string {
  const resolved = target.startsWith('/') ? target.slice(1) : path.posix.join(path.posix.dirname(from), target)
  return path.posix.normalize(resolved)
}

const idOf = (p: string) => `pv-${p.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`

/** Tags the templates use that are neither WXML syntax nor a custom component. */
function builtinsUsed(file: string, using: Record<string, string>): string[] {
  const wxml = fs.readFileSync(file, 'utf8').replace(/<!--[\s\S]*?-->/g, '')
  const syntax = new Set(['block', 'template', 'import', 'include', 'slot', 'wxs'])
  const tags = [...wxml.matchAll(/<([a-z][a-z0-9-]*)/g)].map((m) => m[1] as string)
  return [...new Set(tags.filter((t) => !syntax.has(t) && !(t in using)))]
}

export function collect(root = MINIPROGRAM_ROOT): PreviewManifest {
  const app = readJson(path.join(root, 'app.json')) as AppJson
  const routes = routesOf(app)
  const components: Record<string, ComponentEntry> = {}
  const tags = new Set<string>()
  const problems: string[] = []

  const visit = (p: string, page: boolean) => {
    if (components[p]) return
    const json = readJson(path.join(root, `${p}.json`))
    const rawUsing = (json.usingComponents ?? {}) as Record<string, string>
    const usingComponents: Record<string, string> = {}
    for (const [key, target] of Object.entries(rawUsing)) usingComponents[key] = resolveUsing(p, target)
    let tag = 'page'
    if (!page) {
      const base =
        path.posix.basename(p) === 'index' ? path.posix.basename(path.posix.dirname(p)) : path.posix.basename(p)
      tag = base.toLowerCase().replace(/[^a-z0-9-]/g, '-')
      let n = 2
      while (tags.has(tag)) tag = `${tag.replace(/-\d+$/, '')}-${n++}`
      tags.add(tag)
    }
    const wxss = path.join(root, `${p}.wxss`)
    const css = fs.existsSync(wxss)
      ? compileWxss(wxss, root, page ? {} : { component: { prefix: tag, hostTag: tag } })
      : ''
    for (const t of builtinsUsed(path.join(root, `${p}.wxml`), usingComponents))
      if (!IMPLEMENTED_BUILTINS.includes(t))
        problems.push(`${p}.wxml uses <${t}>, which the preview does not implement`)
    components[p] = { id: idOf(p), tag, page, json: { ...json, usingComponents }, css }
    for (const dep of Object.values(usingComponents)) visit(dep, false)
  }
  for (const r of routes) visit(r, true)
  if (problems.length) throw new Error(problems.join('\n'))
  const appWxss = path.join(root, 'app.wxss')
  return { app, routes, components, appCss: fs.existsSync(appWxss) ? compileWxss(appWxss, root) : '' }
}

export interface PreviewBuild {
  dir: string
  bytes: Record<string, number>
  ms: number
}

/** Builds everything the preview serves into `outDir`. Throws on any template, style, patch or bundle error. */
export async function buildPreview(outDir = PREVIEW_OUT): Promise<PreviewBuild> {
  const started = performance.now()
  checkPinned()
  fs.mkdirSync(outDir, { recursive: true })
  const manifest = collect()

  // The official compiler's render functions; its code reads window.__webview_engine_version__ (set by runtime.js).
  const gwx = compiler.wxmlToJs(MINIPROGRAM_ROOT)
  fs.writeFileSync(path.join(outDir, 'gwx.js'), `window.__gwx = (function () {\n${gwx}\n})();\n`)

  // Every module behind a loader, so a page's Component() runs when the runtime loads it, as WeChat does.
  const lines = ['const m = {};', `m["app"] = () => require(${JSON.stringify(path.join(MINIPROGRAM_ROOT, 'app.ts'))});`]
  for (const p of Object.keys(manifest.components))
    lines.push(`m[${JSON.stringify(p)}] = () => require(${JSON.stringify(path.join(MINIPROGRAM_ROOT, `${p}.ts`))});`)
  lines.push('window.__previewModules = m;')
  await build({
    stdin: { contents: lines.join('\n'), resolveDir: MINIPROGRAM_ROOT, loader: 'js', sourcefile: 'preview-app.js' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2019',
    outfile: path.join(outDir, 'app.js'),
    sourcemap: 'linked',
    logLevel: 'silent',
    tsconfig: path.join(ROOT, 'tsconfig.miniprogram.json'),
  })

  await build({
    entryPoints: [path.join(__dirname, 'runtime', 'index.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2019',
    outfile: path.join(outDir, 'runtime.js'),
    sourcemap: 'linked',
    logLevel: 'silent',
    define: { global: 'window' },
    plugins: [patchPlugin()],
  })

  fs.writeFileSync(path.join(outDir, 'manifest.json'), JSON.stringify(manifest))
  const bytes: Record<string, number> = {}
  for (const f of ['gwx.js', 'app.js', 'runtime.js', 'manifest.json']) bytes[f] = fs.statSync(path.join(outDir, f)).size
  return { dir: outDir, bytes, ms: Math.round(performance.now() - started) }
}
