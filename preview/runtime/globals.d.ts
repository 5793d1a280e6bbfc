// What the built files put on window before the runtime boots (preview/build.ts).
import type { PreviewHandle } from './state'

declare global {
  interface Window {
    __gwx: (path: string) => unknown
    __previewModules: Record<string, () => unknown>
    __webview_engine_version__: number
    __preview: PreviewHandle
  }
}
