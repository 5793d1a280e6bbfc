// What the preview build hands the browser runtime (manifest.json): app.json, every page and component.
export interface AppJson {
  pages: string[]
  subpackages?: { root: string; name?: string; pages: string[] }[]
  subPackages?: { root: string; name?: string; pages: string[] }[]
  window?: Record<string, unknown>
  tabBar?: { list: { pagePath: string; text: string }[] } & Record<string, unknown>
  [key: string]: unknown
}

export interface ComponentEntry {
  /** j-component / exparser id. */
  id: string
  /** The element the framework writes for it, and its class prefix (components only). */
  tag: string
  page: boolean
  /** The page's or component's JSON, usingComponents resolved to paths under miniprogram/. */
  json: { usingComponents: Record<string, string> } & Record<string, unknown>
  css: string
}

export interface PreviewManifest {
  app: AppJson
  /** Every page route in app.json order, subpackage pages with their root. */
  routes: string[]
  components: Record<string, ComponentEntry>
  appCss: string
}
