// Canvas 2D as WeChat gives it to a page: `<canvas type="2d">` backed by a real HTML canvas, its node from
// `wx.createSelectorQuery().in(page).select('#id').fields({ node: true })` (width, height, getContext('2d'),
// createImage), and `wx.canvasToTempFilePath({ canvas })` as a PNG or JPEG temp file. Images load from data URIs,
// temp files, cloud file IDs and URLs, as `<image>` does.
import { resolveImageSrc, saveTemp } from './files'

/** The node a canvas component hands a selector query. */
export interface CanvasNode {
  readonly el: HTMLCanvasElement
  width: number
  height: number
  getContext(type: string): CanvasRenderingContext2D | null
  createImage(): HTMLImageElement
  requestAnimationFrame(cb: FrameRequestCallback): number
  cancelAnimationFrame(id: number): void
  toDataURL(type?: string, quality?: number): string
}

export function canvasNode(el: HTMLCanvasElement): CanvasNode {
  return {
    el,
    get width() {
      return el.width
    },
    set width(v: number) {
      el.width = v
    },
    get height() {
      return el.height
    },
    set height(v: number) {
      el.height = v
    },
    getContext(type: string) {
      if (type !== '2d') throw new Error(`canvas.getContext('${type}'): only '2d' is implemented in the preview`)
      return el.getContext('2d')
    },
    createImage() {
      // WeChat's Image takes what <image> takes: resolve its src the same way before the browser loads it.
      const img = new Image()
      const native = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, 'src')
      Object.defineProperty(img, 'src', {
        get: () => native?.get?.call(img) as string,
        set: (src: string) => {
          const s = String(src)
          if (s.startsWith('data:') || s.startsWith('blob:')) native?.set?.call(img, s)
          else
            resolveImageSrc(s).then(
              (url) => native?.set?.call(img, url),
              (err: unknown) => img.onerror?.(new Event(String(err))),
            )
        },
      })
      return img
    },
    requestAnimationFrame: (cb) => requestAnimationFrame(cb),
    cancelAnimationFrame: (id) => cancelAnimationFrame(id),
    toDataURL: (type, quality) => el.toDataURL(type, quality),
  }
}

const nodes = new WeakMap<object, CanvasNode>()

/** The canvas component's node, kept on its exparser node (builtins.ts). */
export function attachCanvas(exparserNode: object, node: CanvasNode): void {
  nodes.set(exparserNode, node)
}

type ExparserNode = { $$: HTMLElement; dataset?: Record<string, unknown>; id?: string }
type Scope = { _exparserNode?: { shadowRoot?: { querySelectorAll(sel: string): ArrayLike<ExparserNode> } } }

interface Fields {
  id?: boolean
  dataset?: boolean
  rect?: boolean
  size?: boolean
  node?: boolean
}

/** `wx.createSelectorQuery()`: `.in(component)`, `select` / `selectAll`, `fields` / `boundingClientRect` / `node`. */
export function createSelectorQuery() {
  let scope: Scope | null = null
  const queue: { selector: string; single: boolean; fields: Fields; cb?: (r: unknown) => void }[] = []
  const describe = (n: ExparserNode, fields: Fields) => {
    const out: Record<string, unknown> = {}
    if (fields.id) out.id = n.id ?? ''
    if (fields.dataset) out.dataset = { ...(n.dataset ?? {}) }
    if (fields.rect || fields.size) {
      const r = n.$$.getBoundingClientRect()
      if (fields.rect) Object.assign(out, { left: r.left, right: r.right, top: r.top, bottom: r.bottom })
      if (fields.size) Object.assign(out, { width: r.width, height: r.height })
    }
    if (fields.node) out.node = nodes.get(n) ?? null
    return out
  }
  const ref = (selector: string, single: boolean) => {
    const push = (fields: Fields, cb?: (r: unknown) => void) => {
      queue.push({ selector, single, fields, ...(cb ? { cb } : {}) })
      return query
    }
    return {
      fields: push,
      boundingClientRect: (cb?: (r: unknown) => void) => push({ id: true, dataset: true, rect: true, size: true }, cb),
      node: (cb?: (r: unknown) => void) => push({ node: true }, cb),
    }
  }
  const query = {
    in(component: Scope) {
      scope = component
      return query
    },
    select: (selector: string) => ref(selector, true),
    selectAll: (selector: string) => ref(selector, false),
    exec(cb?: (res: unknown[]) => void) {
      const root = scope?._exparserNode?.shadowRoot
      if (!root)
        throw new Error(
          'wx.createSelectorQuery: call .in(this) from the page or component (the preview has no global scope)',
        )
      const res = queue.map((q) => {
        const found = Array.from(root.querySelectorAll(q.selector))
        const out = q.single
          ? found[0]
            ? describe(found[0], q.fields)
            : null
          : found.map((n) => describe(n, q.fields))
        q.cb?.(out)
        return out
      })
      setTimeout(() => cb?.(res), 0)
      return query
    },
  }
  return query
}

/** `wx.canvasToTempFilePath({ canvas, x, y, width, height, destWidth, destHeight, fileType, quality })`. */
export async function canvasToTempFilePath(o: Record<string, unknown>): Promise<{ tempFilePath: string }> {
  const node = o.canvas as CanvasNode | undefined
  if (!node?.el) throw new Error('canvas is required (a type="2d" canvas node; canvasId canvases are not implemented)')
  const src = node.el
  const x = Number(o.x ?? 0)
  const y = Number(o.y ?? 0)
  const w = Number(o.width ?? src.width - x)
  const h = Number(o.height ?? src.height - y)
  const out = document.createElement('canvas')
  out.width = Number(o.destWidth ?? w)
  out.height = Number(o.destHeight ?? h)
  out.getContext('2d')?.drawImage(src, x, y, w, h, 0, 0, out.width, out.height)
  const jpg = o.fileType === 'jpg'
  const blob = await new Promise<Blob | null>((r) =>
    out.toBlob(r, jpg ? 'image/jpeg' : 'image/png', Number(o.quality ?? 1)),
  )
  if (!blob) throw new Error('canvas export failed')
  return { tempFilePath: saveTemp(blob, jpg ? 'canvas.jpg' : 'canvas.png') }
}
