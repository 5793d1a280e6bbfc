// For Node-side code that runs functions inside the preview's page (Playwright's page.evaluate): its handle.
// (Node's typings have no DOM; the runtime itself is checked with tsconfig.preview.json.)
import type { PreviewHandle } from './runtime/state'

declare global {
  const window: { __preview: PreviewHandle }
}
