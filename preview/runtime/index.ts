// Boots the preview: the shell around a phone-sized frame, the person to act as, the built-in components, `wx`,
// App() and the first page. Loaded before gwx.js and app.js (see server.ts), so their code finds the globals.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const exparser = require('miniprogram-exparser') as {
  Event: {
    create(name: string, detail: unknown, opts: unknown): unknown
    dispatchEvent(target: unknown, ev: unknown): void
  }
}
import { registerBuiltins } from './builtins'
import { installClock, resyncClock } from './clock'
import { callHook, installGlobals, loadApp } from './framework'
import * as router from './router'
import { openMenu } from './share'
import { record, reportError, state, type LogEntry } from './state'
import { BASE_CSS, SHELL_CSS } from './styles'
import { h, mountUi } from './ui'
import { createWx } from './wx'
import type { PreviewManifest } from '../manifest'

interface Identity {
  openid: string
  label: string
  place: string
  name?: string
  community: string
}

window.__webview_engine_version__ = 0.02
installClock(
  (window as unknown as { __previewClock?: { platformNow: number | null; servedAt: number } }).__previewClock,
)
installGlobals()
;(window as unknown as { wx: unknown }).wx = createWx()
;(window as unknown as { getCurrentPages: unknown }).getCurrentPages = () => router.currentPages()

window.__preview = {
  get openid() {
    return state.openid
  },
  log: state.log,
  documents: state.documents,
  errors: state.errors,
  route: () => router.topPage()?.route ?? '',
  stack: () => router.stackRoutes(),
  inFlight: () => state.inFlight,
  idle: () => state.launched && state.inFlight === 0,
  syncClock: () => resyncClock(),
}

const NEWCOMER_KEY = 'pv:newcomer'

function chosenOpenid(): string {
  const q = new URLSearchParams(location.search).get('openid')
  if (q) return q
  return localStorage.getItem('pv:last-openid') || 'demo-resident-1'
}

function style(css: string, id: string): void {
  const el = document.createElement('style')
  el.id = id
  el.textContent = css
  document.head.appendChild(el)
}

function switchTo(openid: string): void {
  const params = new URLSearchParams(location.search)
  params.set('openid', openid)
  localStorage.setItem('pv:last-openid', openid)
  location.href = `${location.pathname}?${params.toString()}`
}

function shell(): { pages: HTMLElement; nav: HTMLElement; tabs: HTMLElement; ui: HTMLElement } {
  document.body.innerHTML = ''
  const root = h('div', '', undefined, { id: 'pv-shell' })
  const side = h('aside', '', undefined, { id: 'pv-side' })
  const banner = h('div', 'pv-banner')
  banner.innerHTML =
    '<b>开发预览</b>：这是在浏览器中运行的邻里接力小程序（同一套 WXML、WXSS、TypeScript），数据在本机的 localcloud 模拟云端。' +
    '正式产品运行在微信中；界面样式为近似效果，以微信开发者工具和真机为准。<br><small>Development preview: the product runs in WeChat.</small>'
  side.appendChild(banner)

  const who = h('div', 'pv-panel')
  who.appendChild(h('h2', '', '以谁的身份使用 / Act as'))
  const select = h('select', '', undefined, { id: 'pv-identity' })
  who.appendChild(select)
  const detail = h('div', 'pv-who', state.openid)
  who.appendChild(detail)
  const other = h('div', 'pv-other')
  const otherInput = h('input', '', undefined, {
    id: 'pv-openid-input',
    placeholder: '其他 openid，如 demo-r-12-301-1',
  })
  const otherGo = h('button', '', '切换', { id: 'pv-openid-go' })
  otherGo.addEventListener('click', () => otherInput.value.trim() && switchTo(otherInput.value.trim()))
  other.append(otherInput, otherGo)
  who.appendChild(other)
  side.appendChild(who)
  void fillIdentities(select, detail)

  const pagesPanel = h('div', 'pv-panel')
  pagesPanel.appendChild(h('h2', '', '页面 / Pages'))
  const routes = h('div', '', undefined, { id: 'pv-routes' })
  for (const r of state.manifest.routes) {
    const b = h('button', '', r.replace(/^package(\w+)\/pages\//, '$1/').replace(/^pages\//, ''), { title: r })
    b.addEventListener('click', () => router.reLaunch(`/${r}`))
    routes.appendChild(b)
  }
  pagesPanel.appendChild(routes)
  side.appendChild(pagesPanel)

  const logPanel = h('div', 'pv-panel')
  logPanel.appendChild(h('h2', '', '手机上会发生的操作 / System actions'))
  const log = h('div', '', undefined, { id: 'pv-log' })
  logPanel.appendChild(log)
  side.appendChild(logPanel)
  const show = (e: LogEntry) => {
    if (e.kind === 'api' || e.kind === 'navigate') return
    const line = h(
      'div',
      e.kind === 'error' ? 'pv-log-error' : '',
      `${new Date(e.at).toLocaleTimeString('zh-CN')} ${e.text}`,
    )
    log.prepend(line)
  }
  state.listeners.push(show)

  const device = h('main', '', undefined, { id: 'pv-device' })
  const phone = h('div', '', undefined, { id: 'pv-phone' })
  phone.appendChild(h('div', '', '开发预览 · 正式产品运行在微信中', { id: 'pv-status' }))
  const nav = h('div', '', undefined, { id: 'pv-nav' })
  nav.append(
    h('button', 'pv-nav-back', '‹', { 'aria-label': '返回' }),
    h('button', 'pv-nav-home', '⌂', { 'aria-label': '首页' }),
    h('div', 'pv-nav-title'),
    h('button', 'pv-nav-refresh', '↻', { 'aria-label': '下拉刷新', title: '下拉刷新' }),
    h('button', 'pv-nav-menu', '···', { 'aria-label': '更多', title: '更多（转发）', hidden: '' }),
  )
  const pages = h('div', '', undefined, { id: 'pv-pages' })
  const tabs = h('div', '', undefined, { id: 'pv-tabs' })
  const ui = h('div', '', undefined, { id: 'pv-ui' })
  phone.append(nav, pages, tabs, ui)
  device.appendChild(phone)
  root.append(side, device)
  document.body.appendChild(root)
  return { pages, nav, tabs, ui }
}

async function fillIdentities(select: HTMLSelectElement, detail: HTMLElement): Promise<void> {
  let list: Identity[] = []
  try {
    const res = await fetch('/__preview/identities')
    list = (await res.json()) as Identity[]
  } catch {
    /* the list is a convenience; the openid box still works */
  }
  let newcomer = localStorage.getItem(NEWCOMER_KEY)
  if (!newcomer) {
    newcomer = `preview-newcomer-${Math.random().toString(36).slice(2, 8)}`
    localStorage.setItem(NEWCOMER_KEY, newcomer)
  }
  list.push({ openid: newcomer, label: '新用户（还没有加入任何一户）', place: '用邀请码加入', community: '其他' })
  const groups = new Map<string, HTMLOptGroupElement>()
  for (const p of list) {
    let g = groups.get(p.community)
    if (!g) {
      g = document.createElement('optgroup')
      g.label = p.community
      groups.set(p.community, g)
      select.appendChild(g)
    }
    const o = document.createElement('option')
    o.value = p.openid
    o.textContent = `${p.label}${p.name ? ` ${p.name}` : ''} · ${p.place}`
    g.appendChild(o)
  }
  if (!list.some((p) => p.openid === state.openid)) {
    const o = document.createElement('option')
    o.value = state.openid
    o.textContent = state.openid
    select.prepend(o)
  }
  select.value = state.openid
  const me = list.find((p) => p.openid === state.openid)
  detail.textContent = me
    ? `${me.label}${me.name ? ` ${me.name}` : ''} · ${me.place} · openid ${me.openid}`
    : `openid ${state.openid}`
  select.addEventListener('change', () => switchTo(select.value))
}

/** Clicks (and the taps j-component makes from touches) become WeChat `tap` events on the node under the pointer. */
function installTaps(pages: HTMLElement): void {
  const nodeOf = (t: EventTarget | null): HTMLElement | null => {
    let el = t as (HTMLElement & { __wxElement?: unknown }) | null
    while (el && !el.__wxElement) el = el.parentElement as typeof el
    return el
  }
  const blocked = (el: HTMLElement) => !!el.closest('wx-button[disabled]')
  pages.addEventListener('click', (e) => {
    // A touch already made its tap (j-component's own touch handling); the click that follows is not another one.
    if (
      (e as MouseEvent & { sourceCapabilities?: { firesTouchEvents?: boolean } }).sourceCapabilities?.firesTouchEvents
    )
      return
    const el = nodeOf(e.target)
    if (!el || blocked(el)) return
    const touch = { identifier: 0, pageX: e.pageX, pageY: e.pageY, clientX: e.clientX, clientY: e.clientY, force: 1 }
    exparser.Event.dispatchEvent(
      el,
      exparser.Event.create(
        'tap',
        { x: e.offsetX, y: e.offsetY },
        {
          originalEvent: e,
          bubbles: true,
          capturePhase: true,
          composed: true,
          extraFields: { touches: [], changedTouches: [touch] },
        },
      ),
    )
  })
  pages.addEventListener(
    'touchstart',
    (e) => {
      const el = nodeOf(e.target)
      if (el && blocked(el)) e.stopPropagation()
    },
    { capture: true },
  )
  // hover-class: the class, in the owner's prefix, while pressed and for hover-stay-time after.
  pages.addEventListener('pointerdown', (e) => {
    let el = nodeOf(e.target) as (HTMLElement & { __wxElement?: Record<string, unknown> }) | null
    while (el) {
      const node = el.__wxElement as
        | {
            __methodCaller?: { data?: Record<string, unknown> }
            classList?: { getPrefix(): string; getAddOriginalClass(): boolean }
          }
        | undefined
      const data = node?.__methodCaller?.data
      const hover = data?.hoverClass
      if (typeof hover === 'string' && hover && hover !== 'none' && !data?.disabled) {
        // The element's classes are written with its owner's prefix (the page's is empty).
        const owner = node
        const prefix = owner?.classList?.getPrefix() ?? ''
        const names = hover.split(/\s+/).filter(Boolean)
        const classes = names.flatMap((n) =>
          prefix ? [`${prefix}--${n}`, ...(owner?.classList?.getAddOriginalClass() ? [n] : [])] : [n],
        )
        const target = el
        target.classList.add(...classes)
        const stay = Number(data?.hoverStayTime ?? 400)
        const end = () => {
          setTimeout(() => target.classList.remove(...classes), stay)
          window.removeEventListener('pointerup', end)
          window.removeEventListener('pointercancel', end)
        }
        window.addEventListener('pointerup', end)
        window.addEventListener('pointercancel', end)
        if (data?.hoverStopPropagation) break
      }
      el = nodeOf(el.parentElement)
    }
  })
}

async function boot(): Promise<void> {
  state.openid = chosenOpenid()
  localStorage.setItem('pv:last-openid', state.openid)
  const res = await fetch('/manifest.json')
  state.manifest = (await res.json()) as PreviewManifest
  style(SHELL_CSS, 'pv-shell-css')
  style(BASE_CSS, 'pv-base-css')
  style(state.manifest.appCss, 'pv-app-css')
  style(
    Object.values(state.manifest.components)
      .filter((c) => !c.page)
      .map((c) => c.css)
      .join('\n'),
    'pv-components-css',
  )
  const { pages, nav, tabs, ui } = shell()
  mountUi(ui)
  router.mountRouter(pages, nav, tabs, openMenu)
  installTaps(pages)
  registerBuiltins()

  const hash = location.hash.replace(/^#\/?/, '')
  const first = hash && state.manifest.routes.includes(hash.split('?')[0] ?? '') ? hash : state.manifest.routes[0]
  const [path = '', query = ''] = String(first).split('?')
  const app = loadApp()
  const launch = { path, query: Object.fromEntries(new URLSearchParams(query)), scene: 1001, referrerInfo: {} }
  callHook(app, 'onLaunch', launch)
  callHook(app, 'onShow', launch)
  router.reLaunch(`/${first}`)
  state.launched = true
  record('navigate', `launch ${first} as ${state.openid}`)
}

window.addEventListener('error', (e) => reportError(`${e.message}`))
window.addEventListener('unhandledrejection', (e) => {
  const r = e.reason as { errMsg?: string; message?: string } | undefined
  reportError(`unhandled rejection: ${r?.errMsg ?? r?.message ?? String(e.reason)}`)
})

;(window as unknown as { __previewBoot: () => void }).__previewBoot = () => {
  boot().catch((err: unknown) => {
    reportError(err instanceof Error ? (err.stack ?? err.message) : String(err))
    document.body.insertAdjacentHTML(
      'afterbegin',
      `<pre style="color:#d93025;padding:16px">${String(err instanceof Error ? err.stack : err)}</pre>`,
    )
  })
}
