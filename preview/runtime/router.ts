// The page stack: navigateTo / redirectTo / reLaunch / navigateBack / switchTab with WeChat's lifecycles
// (onLoad(query) → onShow → onReady; onHide when covered; onUnload when removed), a navigation bar from app.json
// and the page's JSON, a tab bar when app.json has one, pull-down refresh as a bar button, onReachBottom, and the
// route in the address bar (#/packageAntigen/pages/chain?roundId=…) so a page can be opened by link.
import jComponent from 'j-component'
import { callHook, load } from './framework'
import { state } from './state'

interface RootComponent {
  dom: HTMLElement
  instance: Record<string, unknown>
  attach(parent: HTMLElement): void
  detach(): void
  triggerPageLifeTime(name: string, ...args: unknown[]): void
}

export interface PageRecord {
  route: string
  query: Record<string, string>
  comp: RootComponent
  caller: Record<string, unknown>
  el: HTMLElement
  title: string
  refreshing: boolean
  atBottom: boolean
}

const MAX_PAGES = 10
const stack: PageRecord[] = []
const pageStyles = new Map<string, HTMLStyleElement>()
let pagesEl: HTMLElement
let navEl: HTMLElement
let tabEl: HTMLElement | null = null

export class NavError extends Error {}

export const currentPages = () => stack.map((r) => r.caller)
export const topPage = (): PageRecord | undefined => stack[stack.length - 1]
export const stackRoutes = () => stack.map((r) => r.route)

function windowConfig(route: string): Record<string, unknown> {
  const entry = state.manifest.components[route]
  return { ...(state.manifest.app.window ?? {}), ...(entry?.json ?? {}) }
}

/** `/packageAntigen/pages/chain?roundId=r1`, or a path relative to the page on top. */
export function parseUrl(url: string, api: string): { route: string; query: Record<string, string> } {
  const [rawPath = '', rawQuery = ''] = String(url).split('?')
  let route: string
  if (rawPath.startsWith('/')) route = rawPath.slice(1)
  else {
    const from = topPage()?.route ?? ''
    const parts = from.split('/').slice(0, -1)
    for (const seg of rawPath.split('/')) {
      if (seg === '..') parts.pop()
      else if (seg && seg !== '.') parts.push(seg)
    }
    route = parts.join('/')
  }
  route = route.replace(/\.html$/, '')
  if (!state.manifest.routes.includes(route)) throw new NavError(`${api}:fail page "${route}" is not found`)
  const query: Record<string, string> = {}
  for (const pair of rawQuery.split('&')) {
    if (!pair) continue
    const [k = '', v = ''] = pair.split('=')
    query[decodeURIComponent(k)] = decodeURIComponent(v.replace(/\+/g, ' '))
  }
  return { route, query }
}

const isTab = (route: string) => (state.manifest.app.tabBar?.list ?? []).some((t) => t.pagePath === route)

function styleFor(route: string): HTMLStyleElement {
  let el = pageStyles.get(route)
  if (!el) {
    el = document.createElement('style')
    el.dataset.page = route
    el.textContent = state.manifest.components[route]?.css ?? ''
    document.head.appendChild(el)
    pageStyles.set(route, el)
  }
  return el
}

function renderNav(): void {
  const top = topPage()
  if (!top) return
  const cfg = windowConfig(top.route)
  navEl.style.background = String(cfg.navigationBarBackgroundColor ?? '#000000')
  navEl.style.color = cfg.navigationBarTextStyle === 'black' ? '#000' : '#fff'
  const back = navEl.querySelector<HTMLElement>('.pv-nav-back')
  const home = navEl.querySelector<HTMLElement>('.pv-nav-home')
  const refresh = navEl.querySelector<HTMLElement>('.pv-nav-refresh')
  const menu = navEl.querySelector<HTMLElement>('.pv-nav-menu')
  // WeChat's 「···」 offers 转发 only when the page defines onShareAppMessage (share.ts).
  if (menu) menu.hidden = typeof top.caller.onShareAppMessage !== 'function'
  const title = navEl.querySelector<HTMLElement>('.pv-nav-title')
  if (back) back.hidden = stack.length < 2
  if (home) home.hidden = stack.length > 1 || top.route === state.manifest.routes[0] || isTab(top.route)
  if (refresh) {
    refresh.hidden = !cfg.enablePullDownRefresh
    refresh.classList.toggle('pv-spinning', top.refreshing)
  }
  if (title) title.textContent = top.title
  if (tabEl) {
    tabEl.hidden = !isTab(top.route)
    for (const item of Array.from(tabEl.children) as HTMLElement[])
      item.classList.toggle('pv-tab-active', item.dataset.route === top.route)
  }
  const q = new URLSearchParams(top.query).toString()
  const hash = `#/${top.route}${q ? `?${q}` : ''}`
  if (location.hash !== hash) history.replaceState(null, '', `${location.pathname}${location.search}${hash}`)
  document.title = `${top.title} · 邻里接力 开发预览`
}

function show(rec: PageRecord): void {
  rec.el.hidden = false
  for (const [route, el] of pageStyles) if (el.sheet) el.sheet.disabled = route !== rec.route
  renderNav()
  callHook(rec.caller, 'onShow')
  rec.comp.triggerPageLifeTime('show')
}

function hide(rec: PageRecord): void {
  rec.el.hidden = true
  callHook(rec.caller, 'onHide')
  rec.comp.triggerPageLifeTime('hide')
}

function unload(rec: PageRecord): void {
  callHook(rec.caller, 'onUnload')
  rec.comp.detach()
  rec.el.remove()
}

function open(route: string, query: Record<string, string>): PageRecord {
  const id = load(route)
  styleFor(route)
  const props: Record<string, unknown> = { ...query }
  const comp = jComponent.create(id, props) as unknown as RootComponent
  const el = document.createElement('div')
  el.className = 'pv-page'
  el.dataset.route = route
  el.hidden = true
  const bg = windowConfig(route).backgroundColor
  if (typeof bg === 'string') el.style.background = bg
  pagesEl.appendChild(el)
  comp.attach(el)
  const caller = comp.instance
  Object.assign(caller, { route, __route__: route, options: { ...query } })
  const cfg = windowConfig(route)
  const rec: PageRecord = {
    route,
    query,
    comp,
    caller,
    el,
    title: String(cfg.navigationBarTitleText ?? ''),
    refreshing: false,
    atBottom: false,
  }
  const distance = Number(cfg.onReachBottomDistance ?? 50)
  el.addEventListener('scroll', () => {
    const bottom = el.scrollTop + el.clientHeight >= el.scrollHeight - distance
    if (bottom && !rec.atBottom) callHook(caller, 'onReachBottom')
    rec.atBottom = bottom
    callHook(caller, 'onPageScroll', { scrollTop: el.scrollTop })
  })
  return rec
}

function launch(rec: PageRecord): void {
  stack.push(rec)
  callHook(rec.caller, 'onLoad', { ...rec.query })
  show(rec)
  requestAnimationFrame(() => callHook(rec.caller, 'onReady'))
}

export function navigateTo(url: string): void {
  const { route, query } = parseUrl(url, 'navigateTo')
  if (isTab(route)) throw new NavError('navigateTo:fail can not navigateTo a tabbar page')
  if (stack.length >= MAX_PAGES) throw new NavError('navigateTo:fail webview count limit exceed')
  const top = topPage()
  const rec = open(route, query)
  if (top) hide(top)
  launch(rec)
}

export function redirectTo(url: string): void {
  const { route, query } = parseUrl(url, 'redirectTo')
  if (isTab(route)) throw new NavError('redirectTo:fail can not redirectTo a tabbar page')
  const top = stack.pop()
  const rec = open(route, query)
  if (top) unload(top)
  launch(rec)
}

export function reLaunch(url: string): void {
  const { route, query } = parseUrl(url, 'reLaunch')
  const rec = open(route, query)
  while (stack.length) unload(stack.pop() as PageRecord)
  launch(rec)
}

export function switchTab(url: string): void {
  const { route } = parseUrl(url, 'switchTab')
  if (!isTab(route)) throw new NavError('switchTab:fail can not switch to no-tabBar page')
  reLaunch(`/${route}`)
}

export function navigateBack(delta = 1): void {
  if (stack.length < 2) throw new NavError('navigateBack:fail cannot navigate back at first page.')
  const n = Math.max(1, Math.min(Math.floor(delta) || 1, stack.length - 1))
  for (let i = 0; i < n; i++) unload(stack.pop() as PageRecord)
  show(topPage() as PageRecord)
}

export function setTitle(title: string): void {
  const top = topPage()
  if (!top) return
  top.title = title
  renderNav()
}

export function startRefresh(): void {
  const top = topPage()
  if (!top || top.refreshing) return
  top.refreshing = true
  renderNav()
  callHook(top.caller, 'onPullDownRefresh')
  // WeChat ends the animation after a while even when the page forgets stopPullDownRefresh.
  setTimeout(() => stopRefresh(top), 3000)
}

export function stopRefresh(rec = topPage()): void {
  if (!rec) return
  rec.refreshing = false
  if (rec === topPage()) renderNav()
}

/** What the 「···」 button opens (share.ts, handed in to keep the import one way). */
let onMenu: (() => Promise<void>) | undefined

export function mountRouter(pages: HTMLElement, nav: HTMLElement, tabs: HTMLElement, menu?: () => Promise<void>): void {
  onMenu = menu
  pagesEl = pages
  navEl = nav
  nav.querySelector('.pv-nav-back')?.addEventListener('click', () => {
    try {
      navigateBack(1)
    } catch {
      /* first page */
    }
  })
  nav.querySelector('.pv-nav-home')?.addEventListener('click', () => reLaunch(`/${state.manifest.routes[0]}`))
  nav.querySelector('.pv-nav-refresh')?.addEventListener('click', () => startRefresh())
  nav.querySelector('.pv-nav-menu')?.addEventListener('click', () => void onMenu?.())
  const tabBar = state.manifest.app.tabBar
  if (tabBar?.list?.length) {
    tabEl = tabs
    for (const item of tabBar.list) {
      const b = document.createElement('button')
      b.className = 'pv-tab'
      b.dataset.route = item.pagePath
      b.textContent = item.text
      b.addEventListener('click', () => switchTab(`/${item.pagePath}`))
      tabs.appendChild(b)
    }
  } else tabs.hidden = true
}
