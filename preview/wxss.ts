// WXSS to CSS for the preview, as WeChat's webview applies it: @import inlined, rpx at a 375 px wide screen,
// built-in tag selectors renamed to the elements the framework writes (view → wx-view), and a component's classes
// given the prefix the framework writes on its nodes (.title → .status-view--title).
import fs from 'node:fs'
import path from 'node:path'
import postcss, { type Root } from 'postcss'

/** The screen the preview draws: 375 px wide, so 750 rpx = 375 px. */
export const SCREEN_WIDTH = 375

/** Built-in component tags a selector may name; `page` is the page root and keeps its name. */
export const BUILTIN_TAGS = [
  'view',
  'text',
  'button',
  'input',
  'textarea',
  'image',
  'picker',
  'switch',
  'progress',
  'navigator',
  'icon',
  'scroll-view',
  'checkbox',
  'checkbox-group',
  'radio',
  'radio-group',
  'label',
  'form',
  'slider',
  'swiper',
  'swiper-item',
  'rich-text',
] as const

/** rpx to px as the base library does: floor at the screen width, and a non-zero length never below 1 px. */
export function rpxToPx(value: string, width = SCREEN_WIDTH): string {
  return value.replace(/(-?)(\d*\.?\d+)rpx\b/g, (_all, sign: string, num: string) => {
    const n = Number(num)
    let px = Math.floor((n * width) / 750 + 1e-4)
    if (px === 0 && n !== 0) px = 1
    return `${sign && px !== 0 ? '-' : ''}${px}px`
  })
}

const TAG_RE = new RegExp(
  `(^|[\\s>+~(,])(${[...BUILTIN_TAGS].sort((a, b) => b.length - a.length).join('|')})(?=$|[\\s.#:\\[>+~,)])`,
  'g',
)

/** `button.primary > text` → `wx-button.primary > wx-text`; classes, ids and attributes are left alone. */
export function renameTags(selector: string): string {
  // Twice: adjacent matches share the separator the first pass consumed.
  return selector.replace(TAG_RE, '$1wx-$2').replace(TAG_RE, '$1wx-$2')
}

/** `.title .row` → `.p--title .p--row`; `:host` → the component's element. Attribute values are left alone. */
export function prefixClasses(selector: string, prefix: string, hostTag: string): string {
  let out = ''
  let i = 0
  const s = selector.replace(/:host\b/g, hostTag)
  while (i < s.length) {
    const c = s[i] as string
    if (c === '[') {
      // [data-x="a.b"]: copied as is, quotes included.
      const end = s.indexOf(']', i)
      const stop = end < 0 ? s.length : end + 1
      out += s.slice(i, stop)
      i = stop
    } else if (c === '.' && /[-_a-zA-Z]/.test(s[i + 1] ?? '')) {
      const m = /^-?[_a-zA-Z][-_a-zA-Z0-9]*/.exec(s.slice(i + 1)) as RegExpExecArray
      out += `.${prefix}--${m[0]}`
      i += 1 + m[0].length
    } else {
      out += c
      i++
    }
  }
  return out
}

function inlineImports(file: string, root: string, seen: Set<string>): string {
  const source = fs.readFileSync(file, 'utf8')
  return source.replace(/@import\s+(?:"([^"]+)"|'([^']+)')\s*;/g, (_all, a?: string, b?: string) => {
    const target = (a ?? b) as string
    const resolved = target.startsWith('/') ? path.join(root, target) : path.resolve(path.dirname(file), target)
    const withExt = resolved.endsWith('.wxss') ? resolved : `${resolved}.wxss`
    if (seen.has(withExt)) return ''
    if (!fs.existsSync(withExt)) throw new Error(`${path.relative(root, file)}: @import ${target} not found`)
    seen.add(withExt)
    return inlineImports(withExt, root, seen)
  })
}

export interface WxssOptions {
  /** Component stylesheets: the class prefix and the host element's tag. Pages and app.wxss have none. */
  component?: { prefix: string; hostTag: string }
}

/** One .wxss file (its imports inlined) as the CSS the preview injects. */
export function compileWxss(file: string, root: string, options: WxssOptions = {}): string {
  const source = inlineImports(file, root, new Set([file]))
  const ast: Root = postcss.parse(source, { from: file })
  ast.walkRules((rule) => {
    // Keyframe steps (from, to, 50%) are not selectors.
    if (rule.parent?.type === 'atrule' && /keyframes$/.test((rule.parent as { name: string }).name)) return
    rule.selectors = rule.selectors.map((s) => {
      const renamed = renameTags(s)
      return options.component ? prefixClasses(renamed, options.component.prefix, options.component.hostTag) : renamed
    })
  })
  ast.walkDecls((decl) => {
    if (decl.value.includes('rpx')) decl.value = rpxToPx(decl.value)
  })
  return ast.toString()
}
