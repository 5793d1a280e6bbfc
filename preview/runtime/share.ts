// 转发 (share to a chat) as WeChat does it: the 「···」 menu of a page that defines onShareAppMessage, and buttons with
// open-type="share", both call the page's onShareAppMessage({ from, target }) and share the card it answers
// (title, path, imageUrl; a `promise` it returns may replace them within 3 s). The preview shows the card in a
// system notice and logs it (kind 'share'), since there is no chat to send it to.
import { record, reportError, state } from './state'
import { topPage } from './router'
import { resolveImageSrc } from './files'
import * as ui from './ui'

export interface ShareCard {
  from: 'menu' | 'button'
  title: string
  path: string
  /** What the card shows: the page's image, or '' for WeChat's default, a screenshot of the page. */
  imageUrl: string
}

type Content = { title?: unknown; path?: unknown; imageUrl?: unknown; promise?: unknown }

/** Whether the page on top can be shared (WeChat greys 转发 out otherwise). */
export function canShare(): boolean {
  return typeof topPage()?.caller.onShareAppMessage === 'function'
}

async function content(out: unknown): Promise<Content> {
  const sync = (out && typeof out === 'object' ? out : {}) as Content
  const p = sync.promise as Promise<Content> | undefined
  if (!p || typeof p.then !== 'function') return sync
  // WeChat waits for the promise for 3 s, then shares what was answered synchronously.
  const late = await Promise.race([p.catch(() => null), new Promise<null>((r) => setTimeout(() => r(null), 3000))])
  return late ? { ...sync, ...late } : sync
}

export async function share(from: ShareCard['from'], target?: { id: string; dataset: Record<string, unknown> }) {
  const top = topPage()
  const fn = top?.caller.onShareAppMessage
  if (!top || typeof fn !== 'function') {
    reportError(`转发: page ${top?.route ?? '(none)'} has no onShareAppMessage`)
    return null
  }
  let answered: Content
  try {
    answered = await content(
      (fn as (o: unknown) => unknown).call(top.caller, { from, ...(target ? { target } : {}), webViewUrl: '' }),
    )
  } catch (err) {
    reportError(`onShareAppMessage threw: ${err instanceof Error ? err.message : String(err)}`)
    return null
  }
  const q = new URLSearchParams(top.query).toString()
  const card: ShareCard = {
    from,
    title:
      typeof answered.title === 'string' && answered.title
        ? answered.title
        : String(state.manifest.app.window?.navigationBarTitleText ?? '邻里接力'),
    path: typeof answered.path === 'string' && answered.path ? answered.path : `/${top.route}${q ? `?${q}` : ''}`,
    imageUrl: typeof answered.imageUrl === 'string' ? answered.imageUrl : '',
  }
  const route = card.path.replace(/^\//, '').split('?')[0] ?? ''
  if (!state.manifest.routes.includes(route)) reportError(`转发: path ${card.path} is not a page of the mini-program`)
  record('share', `转发：${card.title}（${card.path}）`, card)
  void showCard(card)
  return card
}

async function showCard(card: ShareCard): Promise<void> {
  const box = ui.h('div', 'pv-share-card')
  box.append(ui.h('div', 'pv-share-title', card.title))
  if (card.imageUrl) {
    const img = ui.h('img', 'pv-share-image')
    box.append(img)
    resolveImageSrc(card.imageUrl).then(
      (src) => img.setAttribute('src', src),
      () => img.replaceWith(ui.h('div', 'pv-share-noimage', `图片：${card.imageUrl}`)),
    )
  } else box.append(ui.h('div', 'pv-share-noimage', '（没有指定图片：微信会用当前页面的截图）'))
  box.append(ui.h('div', 'pv-share-path', card.path))
  await ui.systemNotice('转发给朋友', ['开发预览：在微信里会选择聊天，发出这张卡片；点卡片打开下面的页面'], box)
}

/** The 「···」 menu: 转发 (WeChat's menu has more; the preview only needs this one). */
export async function openMenu(): Promise<void> {
  const i = await ui.actionSheet(['转发'])
  if (i === 0) await share('menu')
}
