// App(), Component(), Page(), Behavior(), getApp(): the mini-program's modules run here as in WeChat. Each page or
// component module is evaluated when first needed (its subpackage "loads"), with the official compiler's render
// function as its template and its usingComponents resolved to the registered components.
import jComponent from 'j-component'
import { state } from './state'

type Definition = Record<string, unknown> & { options?: Record<string, unknown>; methods?: Record<string, unknown> }

let loading: string | null = null
const defined = new Set<string>()
let appInstance: Record<string, unknown> | null = null

const PAGE_HOOKS = [
  'onLoad',
  'onShow',
  'onReady',
  'onHide',
  'onUnload',
  'onPullDownRefresh',
  'onReachBottom',
  'onShareAppMessage',
  'onShareTimeline',
  'onPageScroll',
  'onResize',
  'onTabItemTap',
]

function define(p: string, def: Definition): void {
  const entry = state.manifest.components[p]
  if (!entry) throw new Error(`preview: ${p} is not a page or component of app.json`)
  const using: Record<string, string> = {}
  for (const [key, target] of Object.entries(entry.json.usingComponents)) {
    const dep = state.manifest.components[target]
    if (!dep) throw new Error(`preview: ${p} uses ${target}, which was not built`)
    using[key] = dep.id
  }
  const template = window.__gwx(`./${p}.wxml`) ?? window.__gwx(`${p}.wxml`)
  if (typeof template !== 'function') throw new Error(`preview: no compiled template for ${p}.wxml`)
  jComponent.register({
    ...def,
    id: entry.id,
    path: `/${p}`,
    template: template as never,
    usingComponents: using,
    tagName: entry.tag,
    options: { ...(def.options ?? {}), classPrefix: entry.page ? '' : entry.tag },
  } as never)
  defined.add(p)
}

/** Page({...}) as WeChat converts it: every function that is not data becomes a method. */
function pageToComponent(def: Definition): Definition {
  const methods: Record<string, unknown> = {}
  const out: Record<string, unknown> = { methods }
  for (const [k, v] of Object.entries(def)) {
    if (typeof v === 'function') methods[k] = v
    else out[k] = v
  }
  return out as Definition
}

export function installGlobals(): void {
  const g = window as unknown as Record<string, unknown>
  g.Component = (def: Definition) => {
    if (!loading) throw new Error('Component() was called outside a page or component module')
    define(loading, def)
  }
  g.Page = (def: Definition) => {
    if (!loading) throw new Error('Page() was called outside a page module')
    define(loading, pageToComponent(def))
  }
  g.Behavior = (def: Record<string, unknown>) => jComponent.behavior(def)
  g.App = (def: Record<string, unknown>) => {
    if (appInstance) throw new Error('App() was called twice')
    appInstance = def
  }
  g.getApp = () => {
    if (!appInstance) throw new Error('getApp() before App()')
    return appInstance
  }
}

/** Evaluates a page or component module (and the components it uses, first); returns its id. */
export function load(p: string): string {
  const entry = state.manifest.components[p]
  if (!entry) throw new Error(`preview: ${p} is not a page or component of this mini-program`)
  if (defined.has(p)) return entry.id
  for (const dep of Object.values(entry.json.usingComponents)) load(dep)
  const mod = window.__previewModules[p]
  if (!mod) throw new Error(`preview: no module for ${p}`)
  loading = p
  try {
    mod()
  } finally {
    loading = null
  }
  if (!defined.has(p)) throw new Error(`preview: ${p}.ts did not call Component() or Page()`)
  return entry.id
}

/** Runs app.ts and returns the App() object. */
export function loadApp(): Record<string, unknown> {
  const mod = window.__previewModules.app
  if (!mod) throw new Error('preview: app.ts was not built')
  mod()
  if (!appInstance) throw new Error('preview: app.ts did not call App()')
  return appInstance
}

export const isPageHook = (name: string) => PAGE_HOOKS.includes(name)

/** Calls a page method when it has one; a throw is reported, as WeChat logs it, and does not break the shell. */
export function callHook(target: Record<string, unknown>, name: string, ...args: unknown[]): unknown {
  const fn = target[name]
  if (typeof fn !== 'function') return undefined
  try {
    const out = (fn as (...a: unknown[]) => unknown).apply(target, args)
    if (out && typeof (out as Promise<unknown>).then === 'function')
      (out as Promise<unknown>).catch((err: unknown) => console.error(`[page ${name}]`, err))
    return out
  } catch (err) {
    console.error(`[page ${name}]`, err)
    return undefined
  }
}
