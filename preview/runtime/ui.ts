// The system UI WeChat draws over a page: modal, toast, loading, action sheet, picker sheets, image preview, and
// the preview's own sheets for what a phone would do (choose a photo from a file, a subscription prompt, a phone
// call, an opened document). All are drawn inside the phone frame, with stable classes for end-to-end tests.
let layer: HTMLElement

export function mountUi(el: HTMLElement): void {
  layer = el
}

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls: string,
  text?: string,
  attrs: Record<string, string> = {},
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  if (cls) el.className = cls
  if (text !== undefined) el.textContent = text
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v)
  return el
}

function overlay(cls: string, mask = true): HTMLElement {
  const el = h('div', `pv-overlay ${cls}${mask ? ' pv-mask' : ''}`)
  layer.appendChild(el)
  return el
}

export interface ModalOptions {
  title?: string
  content?: string
  showCancel?: boolean
  cancelText?: string
  confirmText?: string
  cancelColor?: string
  confirmColor?: string
  editable?: boolean
  placeholderText?: string
}

export function modal(o: ModalOptions): Promise<{ confirm: boolean; cancel: boolean; content?: string }> {
  return new Promise((resolve) => {
    const el = overlay('pv-modal-layer')
    const box = h('div', 'pv-modal', undefined, { role: 'dialog' })
    if (o.title) box.appendChild(h('div', 'pv-modal-title', o.title))
    let input: HTMLTextAreaElement | null = null
    if (o.editable) {
      input = h('textarea', 'pv-modal-input')
      input.placeholder = o.placeholderText ?? ''
      input.value = o.content ?? ''
      box.appendChild(input)
    } else if (o.content) box.appendChild(h('div', 'pv-modal-content', o.content))
    const actions = h('div', 'pv-modal-actions')
    const done = (confirm: boolean) => {
      el.remove()
      resolve({ confirm, cancel: !confirm, ...(o.editable ? { content: input?.value ?? '' } : {}) })
    }
    if (o.showCancel !== false) {
      const cancel = h('button', 'pv-modal-cancel', o.cancelText || '取消')
      if (o.cancelColor) cancel.style.color = o.cancelColor
      cancel.addEventListener('click', () => done(false))
      actions.appendChild(cancel)
    }
    const ok = h('button', 'pv-modal-confirm', o.confirmText || '确定')
    if (o.confirmColor) ok.style.color = o.confirmColor
    ok.addEventListener('click', () => done(true))
    actions.appendChild(ok)
    box.appendChild(actions)
    el.appendChild(box)
  })
}

let toastEl: HTMLElement | null = null
let toastTimer: ReturnType<typeof setTimeout> | undefined

export function toast(o: { title: string; icon?: string; duration?: number; mask?: boolean }, loading = false): void {
  hideToast()
  const el = overlay(`pv-toast-layer${loading ? ' pv-loading-layer' : ''}`, !!o.mask)
  const icon = loading ? 'loading' : (o.icon ?? 'success')
  const box = h('div', `pv-toast${icon === 'none' ? ' pv-toast-text' : ''}`, undefined, { role: 'status' })
  if (icon !== 'none')
    box.appendChild(h('div', `pv-toast-icon pv-toast-${icon}`, icon === 'success' ? '✓' : icon === 'error' ? '✕' : ''))
  box.appendChild(h('div', 'pv-toast-title', o.title))
  el.appendChild(box)
  toastEl = el
  if (!loading) toastTimer = setTimeout(hideToast, o.duration ?? 1500)
}

export function hideToast(): void {
  clearTimeout(toastTimer)
  toastEl?.remove()
  toastEl = null
}

/** A bottom sheet of choices; resolves the index, or null on 取消 / a tap outside. */
function sheet(cls: string, title: string, items: string[], current = -1, colors?: string): Promise<number | null> {
  return new Promise((resolve) => {
    const el = overlay(`pv-sheet-layer ${cls}`)
    const box = h('div', 'pv-sheet', undefined, { role: 'menu' })
    if (title) box.appendChild(h('div', 'pv-sheet-title', title))
    const list = h('div', 'pv-sheet-list')
    items.forEach((label, i) => {
      const b = h('button', `pv-sheet-item${i === current ? ' pv-sheet-current' : ''}`, label, { role: 'menuitem' })
      if (colors) b.style.color = colors
      b.addEventListener('click', () => {
        el.remove()
        resolve(i)
      })
      list.appendChild(b)
    })
    box.appendChild(list)
    const cancel = h('button', 'pv-sheet-cancel', '取消')
    cancel.addEventListener('click', () => {
      el.remove()
      resolve(null)
    })
    box.appendChild(cancel)
    el.addEventListener('click', (e) => {
      if (e.target === el) {
        el.remove()
        resolve(null)
      }
    })
    el.appendChild(box)
  })
}

export const actionSheet = (items: string[], alertText = '', itemColor?: string) =>
  sheet('pv-action-sheet', alertText, items, -1, itemColor)

export const pickOne = (title: string, labels: string[], current: number) =>
  sheet('pv-picker-sheet', title, labels, current)

/** A date or time picker: the browser's own date / time input in a sheet with 取消 and 确定. */
export function pickValue(
  mode: 'date' | 'time',
  o: { value: string; start: string; end: string; fields: string },
): Promise<string | null> {
  return new Promise((resolve) => {
    const el = overlay('pv-sheet-layer pv-picker-sheet')
    const box = h('div', 'pv-sheet pv-value-sheet')
    const input = h('input', 'pv-picker-input')
    input.type = mode === 'time' ? 'time' : o.fields === 'month' ? 'month' : 'date'
    const fmt = (v: string) => (input.type === 'month' ? v.slice(0, 7) : v)
    input.value = fmt(o.value)
    if (o.start) input.min = fmt(o.start)
    if (o.end) input.max = fmt(o.end)
    const bar = h('div', 'pv-picker-bar')
    const cancel = h('button', 'pv-sheet-cancel pv-picker-cancel', '取消')
    const ok = h('button', 'pv-picker-confirm', '确定')
    const close = (v: string | null) => {
      el.remove()
      resolve(v)
    }
    cancel.addEventListener('click', () => close(null))
    ok.addEventListener('click', () => {
      let v = input.value
      if (!v) return close(null)
      // WeChat clamps to start / end rather than refusing.
      if (input.min && v < input.min) v = input.min
      if (input.max && v > input.max) v = input.max
      close(o.fields === 'year' ? v.slice(0, 4) : v)
    })
    bar.append(cancel, ok)
    box.append(bar, input)
    el.appendChild(box)
  })
}

/** Stands in for the camera or a chat's file list: the person picks a file from this computer. */
export function chooseFile(title: string, accept: string, hint: string): Promise<File | null> {
  return new Promise((resolve) => {
    const el = overlay('pv-sheet-layer pv-file-sheet')
    const box = h('div', 'pv-sheet')
    box.appendChild(h('div', 'pv-sheet-title', title))
    box.appendChild(h('div', 'pv-file-hint', hint))
    // A big button as the phone's sheet would have; the browser's own file control is hidden inside it.
    const label = h('label', 'pv-file-pick')
    label.appendChild(h('span', '', accept.startsWith('image') ? '从电脑选择照片…' : '从电脑选择文件…'))
    const input = h('input', 'pv-file-input')
    input.type = 'file'
    input.accept = accept
    label.appendChild(input)
    box.appendChild(label)
    const cancel = h('button', 'pv-sheet-cancel', '取消')
    const close = (f: File | null) => {
      el.remove()
      resolve(f)
    }
    cancel.addEventListener('click', () => close(null))
    input.addEventListener('change', () => close(input.files?.[0] ?? null))
    box.appendChild(cancel)
    el.appendChild(box)
  })
}

export function previewImages(urls: string[], current: string): void {
  const el = overlay('pv-image-preview')
  let i = Math.max(0, urls.indexOf(current))
  const img = h('img', 'pv-image-preview-img')
  const count = h('div', 'pv-image-preview-count')
  const draw = () => {
    img.src = urls[i] ?? ''
    count.textContent = urls.length > 1 ? `${i + 1} / ${urls.length}` : ''
  }
  draw()
  el.append(img, count)
  el.addEventListener('click', (e) => {
    const x = (e as MouseEvent).offsetX / el.clientWidth
    if (urls.length > 1 && x > 0.75 && i < urls.length - 1) i++
    else if (urls.length > 1 && x < 0.25 && i > 0) i--
    else return el.remove()
    draw()
  })
}

/** The subscription prompt: one switch per template, 允许 or 取消. Resolves the accepted ids. */
export function subscribePrompt(templates: { id: string; title: string }[]): Promise<string[] | null> {
  return new Promise((resolve) => {
    const el = overlay('pv-sheet-layer pv-subscribe-sheet')
    const box = h('div', 'pv-sheet')
    box.appendChild(h('div', 'pv-sheet-title', '邻里接力 申请发送以下订阅消息'))
    const checks: [string, HTMLInputElement][] = []
    for (const t of templates) {
      const row = h('label', 'pv-subscribe-row')
      const c = h('input', 'pv-subscribe-check')
      c.type = 'checkbox'
      c.checked = true
      row.append(c, h('span', '', t.title))
      box.appendChild(row)
      checks.push([t.id, c])
    }
    box.appendChild(h('div', 'pv-file-hint', '开发预览：允许后，本地云会为这些模板各记一次发送额度'))
    const bar = h('div', 'pv-picker-bar')
    const cancel = h('button', 'pv-sheet-cancel pv-subscribe-cancel', '取消')
    const ok = h('button', 'pv-picker-confirm pv-subscribe-allow', '允许')
    cancel.addEventListener('click', () => {
      el.remove()
      resolve(null)
    })
    ok.addEventListener('click', () => {
      el.remove()
      resolve(checks.filter(([, c]) => c.checked).map(([id]) => id))
    })
    bar.append(cancel, ok)
    box.appendChild(bar)
    el.appendChild(box)
  })
}

/** What the phone would do with the system (dial, open a document): shown as a dialog saying so. */
export function systemNotice(title: string, lines: string[], extra?: HTMLElement): Promise<void> {
  return new Promise((resolve) => {
    const el = overlay('pv-modal-layer pv-system-notice')
    const box = h('div', 'pv-modal')
    box.appendChild(h('div', 'pv-modal-title', title))
    for (const l of lines) box.appendChild(h('div', 'pv-modal-content', l))
    if (extra) box.appendChild(extra)
    const actions = h('div', 'pv-modal-actions')
    const ok = h('button', 'pv-modal-confirm', '知道了')
    ok.addEventListener('click', () => {
      el.remove()
      resolve()
    })
    actions.appendChild(ok)
    box.appendChild(actions)
    el.appendChild(box)
  })
}

export { h }
