// WeChat's built-in components, re-implemented for the browser (j-component has none: it renders them as bare
// elements). Each is a component with the properties and events the documentation gives; attributes the base
// styles select on (type, size, disabled, plain, checked) are reflected onto the element. Taps come from the
// runtime's click and touch handling (index.ts); these components only react to them.
import jComponent from 'j-component'
import { pickOne, pickValue } from './ui'
import { resolveImageSrc } from './files'
import { navigateFromNavigator, onAgreePrivacyButton } from './wx'
import { attachCanvas, canvasNode } from './canvas'
import { share } from './share'

type Caller = {
  _exparserNode: { $$: HTMLElement; addListener(name: string, fn: (e: unknown) => void): void }
  data: Record<string, unknown>
  setData(d: Record<string, unknown>): void
  triggerEvent(name: string, detail?: unknown, options?: Record<string, unknown>): void
  __native?: HTMLElement
  __extra?: Record<string, unknown>
}

type Props = Record<string, { type: unknown; value?: unknown }>

const host = (c: Caller) => c._exparserNode.$$

function reflect(c: Caller, name: string, value: unknown): void {
  const el = host(c)
  if (value === false || value === null || value === undefined || value === '') el.removeAttribute(name)
  else el.setAttribute(name, value === true ? '' : String(value))
}

/** A property whose value is written onto the element as an attribute, for the base styles. */
const reflected = (type: unknown, value: unknown, attr: string) => ({
  type,
  value,
  observer(this: Caller, v: unknown) {
    reflect(this, attr, v)
  },
})

function register(name: string, def: Record<string, unknown>): void {
  jComponent.register({
    // The id is the template's tag (j-component strips wcc's wx- prefix); the element is named as WeChat names it.
    id: name,
    tagName: `wx-${name}`,
    template: (def.template as string | undefined) ?? '<slot/>',
    ...def,
    options: { classPrefix: `wx-${name}`, multipleSlots: false },
  } as never)
}

const hoverProps: Props = {
  hoverClass: { type: String, value: 'none' },
  hoverStopPropagation: { type: Boolean, value: false },
  hoverStartTime: { type: Number, value: 50 },
  hoverStayTime: { type: Number, value: 400 },
}

export function registerBuiltins(): void {
  register('view', { properties: { ...hoverProps } })
  register('text', { properties: { selectable: Boolean, userSelect: Boolean, space: String, decode: Boolean } })
  register('block', {})

  register('button', {
    properties: {
      ...hoverProps,
      hoverClass: { type: String, value: 'button-hover' },
      hoverStayTime: { type: Number, value: 70 },
      type: reflected(String, 'default', 'type'),
      size: reflected(String, 'default', 'size'),
      plain: reflected(Boolean, false, 'plain'),
      disabled: reflected(Boolean, false, 'disabled'),
      loading: reflected(Boolean, false, 'loading'),
      formType: String,
      openType: String,
      lang: String,
    },
    lifetimes: {
      attached(this: Caller) {
        reflect(this, 'type', this.data.type)
        reflect(this, 'size', this.data.size)
        this._exparserNode.addListener('tap', () => {
          if (this.data.disabled) return
          if (this.data.openType === 'agreePrivacyAuthorization') {
            onAgreePrivacyButton(host(this).id)
            this.triggerEvent('agreeprivacyauthorization', {})
          } else if (this.data.openType === 'share') {
            // WeChat calls the page's onShareAppMessage with the button as the target (its id and data-*).
            const node = this._exparserNode as unknown as { dataset?: Record<string, unknown> }
            void share('button', { id: host(this).id, dataset: { ...(node.dataset ?? {}) } })
          } else if (this.data.openType) {
            // contact, getPhoneNumber, chooseAvatar…: not in this product; say so instead of doing nothing.
            console.error(`[preview] button open-type="${String(this.data.openType)}" is not implemented`)
          }
        })
      },
    },
  })

  register('navigator', {
    properties: {
      ...hoverProps,
      hoverClass: { type: String, value: 'navigator-hover' },
      url: String,
      openType: { type: String, value: 'navigate' },
      delta: { type: Number, value: 1 },
      target: String,
    },
    lifetimes: {
      attached(this: Caller) {
        this._exparserNode.addListener('tap', () =>
          navigateFromNavigator(
            String(this.data.openType || 'navigate'),
            String(this.data.url ?? ''),
            Number(this.data.delta),
          ),
        )
      },
    },
  })

  const field = (multiline: boolean) => ({
    template: '<slot/>',
    properties: {
      value: {
        type: String,
        value: '',
        observer(this: Caller, v: string) {
          const el = this.__native as HTMLInputElement | undefined
          if (el && el.value !== String(v ?? '')) el.value = String(v ?? '')
        },
      },
      type: { type: String, value: 'text' },
      password: Boolean,
      placeholder: {
        type: String,
        value: '',
        observer(this: Caller, v: string) {
          this.__native?.setAttribute('placeholder', v ?? '')
        },
      },
      placeholderClass: String,
      placeholderStyle: String,
      disabled: {
        type: Boolean,
        value: false,
        observer(this: Caller, v: boolean) {
          if (this.__native) (this.__native as HTMLInputElement).disabled = !!v
          reflect(this, 'disabled', v)
        },
      },
      maxlength: { type: Number, value: 140 },
      focus: {
        type: Boolean,
        value: false,
        observer(this: Caller, v: boolean) {
          if (v) setTimeout(() => this.__native?.focus())
        },
      },
      autoFocus: Boolean,
      autoHeight: Boolean,
      confirmType: String,
      cursorSpacing: Number,
    },
    lifetimes: {
      attached(this: Caller) {
        const el = document.createElement(multiline ? 'textarea' : 'input') as HTMLInputElement
        el.className = multiline ? 'pv-textarea' : 'pv-input'
        const type = String(this.data.type)
        if (!multiline) {
          el.type = this.data.password ? 'password' : 'text'
          if (type === 'number' || type === 'idcard') el.inputMode = 'numeric'
          if (type === 'digit') el.inputMode = 'decimal'
        }
        el.value = String(this.data.value ?? '')
        el.placeholder = String(this.data.placeholder ?? '')
        el.disabled = !!this.data.disabled
        this.__native = el
        host(this).appendChild(el)
        const max = () => Number(this.data.maxlength)
        const clean = (v: string) => {
          let out = v
          if (!multiline && type === 'number') out = out.replace(/[^0-9]/g, '')
          if (!multiline && type === 'digit') out = out.replace(/[^0-9.]/g, '')
          if (!multiline && type === 'idcard') out = out.replace(/[^0-9xX]/g, '')
          if (max() >= 0) out = Array.from(out).slice(0, max()).join('')
          return out
        }
        el.addEventListener('input', (e) => {
          const v = clean(el.value)
          if (v !== el.value) el.value = v
          const keyCode = (e as InputEvent).data ? ((e as InputEvent).data as string).charCodeAt(0) : 8
          this.triggerEvent('input', { value: v, cursor: el.selectionStart ?? v.length, keyCode })
          if (multiline && this.data.autoHeight) {
            el.style.height = 'auto'
            el.style.height = `${el.scrollHeight}px`
          }
        })
        el.addEventListener('focus', () => this.triggerEvent('focus', { value: el.value, height: 0 }))
        el.addEventListener('blur', () => this.triggerEvent('blur', { value: el.value, cursor: el.value.length }))
        el.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' && (!multiline || (e as KeyboardEvent).ctrlKey)) {
            if (!multiline) e.preventDefault()
            this.triggerEvent('confirm', { value: el.value })
          }
        })
        if (this.data.focus || this.data.autoFocus) setTimeout(() => el.focus())
      },
    },
  })
  register('input', field(false))
  register('textarea', field(true))

  register('switch', {
    template: '<slot/>',
    properties: {
      checked: {
        type: Boolean,
        value: false,
        observer(this: Caller, v: boolean) {
          reflect(this, 'checked', v)
        },
      },
      disabled: reflected(Boolean, false, 'disabled'),
      type: { type: String, value: 'switch' },
      color: { type: String, value: '#04BE02' },
    },
    lifetimes: {
      attached(this: Caller) {
        const track = document.createElement('span')
        track.className = 'pv-switch'
        track.setAttribute('role', 'switch')
        host(this).appendChild(track)
        reflect(this, 'checked', this.data.checked)
        track.style.setProperty('--pv-switch-on', String(this.data.color || '#04BE02'))
        this._exparserNode.addListener('tap', () => {
          if (this.data.disabled) return
          const value = !this.data.checked
          this.setData({ checked: value })
          this.triggerEvent('change', { value })
        })
      },
    },
  })

  register('picker', {
    properties: {
      mode: { type: String, value: 'selector' },
      range: { type: Array, value: [] },
      rangeKey: String,
      value: { type: null, value: 0 },
      start: String,
      end: String,
      fields: { type: String, value: 'day' },
      disabled: reflected(Boolean, false, 'disabled'),
      headerText: String,
    },
    lifetimes: {
      attached(this: Caller) {
        this._exparserNode.addListener('tap', () => {
          if (this.data.disabled) return
          void openPicker(this)
        })
      },
    },
  })

  register('image', {
    template: '<slot/>',
    properties: {
      src: {
        type: String,
        value: '',
        observer(this: Caller) {
          void loadImage(this)
        },
      },
      mode: {
        type: String,
        value: 'scaleToFill',
        observer(this: Caller, v: string) {
          reflect(this, 'mode', v)
        },
      },
      lazyLoad: Boolean,
      webp: Boolean,
      showMenuByLongpress: Boolean,
    },
    lifetimes: {
      attached(this: Caller) {
        const img = document.createElement('img')
        img.className = 'pv-image'
        img.alt = ''
        img.draggable = false
        this.__native = img
        reflect(this, 'mode', this.data.mode)
        host(this).appendChild(img)
        img.addEventListener('load', () =>
          this.triggerEvent('load', { width: img.naturalWidth, height: img.naturalHeight }),
        )
        img.addEventListener('error', () => {
          if (img.getAttribute('src')) this.triggerEvent('error', { errMsg: 'GET image failed' })
        })
        void loadImage(this)
      },
    },
  })

  // <canvas type="2d">: a real canvas element, its node for wx.createSelectorQuery().fields({ node: true }).
  register('canvas', {
    template: '<slot/>',
    properties: { type: String, canvasId: String, disableScroll: Boolean },
    lifetimes: {
      attached(this: Caller) {
        if (this.data.type !== '2d')
          console.error('[preview] <canvas> without type="2d" (the old canvas-id API) is not implemented')
        const el = document.createElement('canvas')
        el.className = 'pv-canvas'
        el.style.width = '100%'
        el.style.height = '100%'
        el.width = 300
        el.height = 150
        host(this).appendChild(el)
        attachCanvas(this._exparserNode, canvasNode(el))
      },
    },
  })

  register('progress', {
    template: '<slot/>',
    properties: {
      percent: {
        type: Number,
        value: 0,
        observer(this: Caller) {
          drawProgress(this)
        },
      },
      showInfo: Boolean,
      borderRadius: { type: null, value: 0 },
      fontSize: { type: null, value: 16 },
      strokeWidth: { type: null, value: 6 },
      color: String,
      activeColor: { type: String, value: '#09BB07' },
      backgroundColor: { type: String, value: '#EBEBEB' },
      active: Boolean,
    },
    lifetimes: {
      attached(this: Caller) {
        drawProgress(this)
      },
    },
  })

  register('icon', {
    template: '<slot/>',
    properties: { type: String, size: { type: null, value: 23 }, color: String },
    lifetimes: {
      attached(this: Caller) {
        const glyphs: Record<string, string> = {
          success: '✔',
          success_no_circle: '✓',
          info: 'ℹ',
          warn: '!',
          waiting: '◔',
          cancel: '✕',
          download: '↓',
          search: '⌕',
          clear: '✕',
        }
        const el = host(this)
        el.textContent = glyphs[String(this.data.type)] ?? '?'
        el.style.fontSize = `${parseInt(String(this.data.size), 10) || 23}px`
        if (this.data.color) el.style.color = String(this.data.color)
      },
    },
  })

  register('scroll-view', {
    properties: {
      scrollX: reflected(Boolean, false, 'scroll-x'),
      scrollY: reflected(Boolean, false, 'scroll-y'),
      lowerThreshold: { type: null, value: 50 },
      scrollTop: {
        type: null,
        value: 0,
        observer(this: Caller, v: unknown) {
          host(this).scrollTop = Number(v) || 0
        },
      },
    },
    lifetimes: {
      attached(this: Caller) {
        const el = host(this)
        let atBottom = false
        el.addEventListener('scroll', () => {
          this.triggerEvent('scroll', {
            scrollTop: el.scrollTop,
            scrollLeft: el.scrollLeft,
            scrollHeight: el.scrollHeight,
          })
          const bottom = el.scrollTop + el.clientHeight >= el.scrollHeight - Number(this.data.lowerThreshold)
          if (bottom && !atBottom) this.triggerEvent('scrolltolower', { direction: 'bottom' })
          atBottom = bottom
        })
      },
    },
  })
}

async function openPicker(c: Caller): Promise<void> {
  const mode = String(c.data.mode || 'selector')
  if (mode === 'selector') {
    const range = (c.data.range as unknown[]) ?? []
    const key = String(c.data.rangeKey ?? '')
    const labels = range.map((r) =>
      key && r && typeof r === 'object' ? String((r as Record<string, unknown>)[key]) : String(r),
    )
    const index = await pickOne(String(c.data.headerText || ''), labels, Number(c.data.value) || 0)
    if (index === null) return c.triggerEvent('cancel', {})
    c.triggerEvent('change', { value: index })
  } else if (mode === 'date' || mode === 'time') {
    const value = await pickValue(mode, {
      value: String(c.data.value ?? ''),
      start: String(c.data.start ?? ''),
      end: String(c.data.end ?? ''),
      fields: String(c.data.fields ?? 'day'),
    })
    if (value === null) return c.triggerEvent('cancel', {})
    c.triggerEvent('change', { value })
  } else {
    throw new Error(`[preview] picker mode="${mode}" is not implemented`)
  }
}

async function loadImage(c: Caller): Promise<void> {
  const img = c.__native as HTMLImageElement | undefined
  if (!img) return
  const src = String(c.data.src ?? '')
  if (!src) {
    img.removeAttribute('src')
    return
  }
  try {
    const url = await resolveImageSrc(src)
    if (String(c.data.src ?? '') === src) img.src = url
  } catch {
    c.triggerEvent('error', { errMsg: `GET ${src} failed` })
  }
}

function drawProgress(c: Caller): void {
  const el = host(c)
  if (!el) return
  const percent = Math.max(0, Math.min(100, Number(c.data.percent) || 0))
  const stroke = parseInt(String(c.data.strokeWidth), 10) || 6
  el.innerHTML = ''
  const bar = document.createElement('span')
  bar.className = 'pv-progress-bar'
  bar.style.height = `${stroke}px`
  bar.style.background = String(c.data.backgroundColor || '#EBEBEB')
  bar.style.borderRadius = `${parseInt(String(c.data.borderRadius), 10) || 0}px`
  const fill = document.createElement('span')
  fill.className = 'pv-progress-fill'
  fill.style.width = `${percent}%`
  fill.style.background = String(c.data.color || c.data.activeColor || '#09BB07')
  bar.appendChild(fill)
  el.appendChild(bar)
  if (c.data.showInfo) {
    const info = document.createElement('span')
    info.className = 'pv-progress-info'
    info.textContent = `${percent}%`
    el.appendChild(info)
  }
}
