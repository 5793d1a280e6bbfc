// Loads a page or component from miniprogram/ with the official WXML compiler and attaches it to a parent.
import path from 'node:path'
import simulate from 'miniprogram-simulate'

export const MINIPROGRAM_ROOT = path.resolve(__dirname, '../../miniprogram')

export function mount(componentPath: string, properties?: Record<string, unknown>) {
  // simulate runs the page's module with require(); jest ignores its require.cache eviction, so load in an
  // isolated registry to run Component() afresh for every mount.
  let id = ''
  jest.isolateModules(() => {
    id = simulate.load(path.join(MINIPROGRAM_ROOT, componentPath), { rootPath: MINIPROGRAM_ROOT })
  })
  const comp = simulate.render(id, properties)
  const parent = document.createElement('parent-wrapper')
  comp.attach(parent)
  return comp
}

/** Let pending promises and setData settle. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await simulate.sleep(0)
}

export { simulate }
export { fakeCloud } from '../setup/miniprogram'
