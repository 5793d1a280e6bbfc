// Loads a page or component from miniprogram/ with the official WXML compiler and attaches it to a parent.
import path from 'node:path'
import simulate from 'miniprogram-simulate'

export const MINIPROGRAM_ROOT = path.resolve(__dirname, '../../../miniprogram')

export type Mounted = ReturnType<typeof simulate.render>

/**
 * Mount a component, or a page with its query: like WeChat, a page is attached and then gets `onLoad(query)`
 * (the query is also offered as properties, which is how a Component page may receive it).
 */
export function mount(componentPath: string, properties?: Record<string, unknown>): Mounted {
  // simulate runs the page's module with require(); jest ignores its require.cache eviction, so load in an
  // isolated registry to run Component() afresh for every mount.
  let id = ''
  jest.isolateModules(() => {
    id = simulate.load(path.join(MINIPROGRAM_ROOT, componentPath), { rootPath: MINIPROGRAM_ROOT })
  })
  const comp = simulate.render(id, properties)
  const parent = document.createElement('parent-wrapper')
  comp.attach(parent)
  const page = comp.instance as { onLoad?: (query: Record<string, unknown>) => void }
  if (typeof page.onLoad === 'function') page.onLoad({ ...properties })
  return comp
}

/** Let pending promises and setData settle. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await simulate.sleep(0)
}

/** Let a chain of several calls (a loop of cloud calls, a reload after an action) run to the end. */
export async function settleAll(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await settle()
}

/** Find a node; each further selector looks inside the custom component found by the previous one. */
export function find(comp: Mounted, ...selectors: string[]): Mounted | undefined {
  let node: Mounted | undefined = comp
  for (const selector of selectors) node = node?.querySelector(selector) as Mounted | undefined
  return node
}

export function text(comp: Mounted, ...selectors: string[]): string | null {
  return (
    find(comp, ...selectors)
      ?.dom?.textContent?.replace(/\s+/g, ' ')
      .trim() ?? null
  )
}

export function texts(comp: Mounted, selector: string): string[] {
  return comp.querySelectorAll(selector).map((n) => n.dom?.textContent?.replace(/\s+/g, ' ').trim() ?? '')
}

/** A template attribute as rendered (e.g. a button's `disabled`), read from the node's JSON form. */
export function attr(comp: Mounted, selector: string, name: string): unknown {
  return find(comp, selector)
    ?.toJSON()
    .attrs.find((a) => a.name === name)?.value
}

/** Tap a node and let the handler's calls finish. */
export async function tap(comp: Mounted, ...selectors: string[]): Promise<void> {
  const node = find(comp, ...selectors)
  if (!node) throw new Error(`nothing to tap at ${selectors.join(' ')}`)
  node.dispatchEvent('tap')
  await settleAll()
}

/** Fire an input-like event (`input`, `change`) with a detail, as WeChat's input, switch and picker do. */
export async function fire(comp: Mounted, event: string, detail: Record<string, unknown>, ...selectors: string[]) {
  const node = find(comp, ...selectors)
  if (!node) throw new Error(`nothing to ${event} at ${selectors.join(' ')}`)
  node.dispatchEvent(event, { detail })
  await settleAll()
}

export const type = (comp: Mounted, value: string, ...selectors: string[]) =>
  fire(comp, 'input', { value }, ...selectors)

export { simulate }
export { fakeCloud, jsonBytes, SET_DATA_LIMIT_BYTES, setDataLog } from '../../setup/miniprogram'
