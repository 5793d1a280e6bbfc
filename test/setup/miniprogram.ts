// Shared set-up for page tests: a wx.cloud and storage that behave, App/getApp. (The users' time zone is set by
// the test environment, jsdom-shanghai.js: setting TZ here would only change this file's copy of process.env.)
import path from 'node:path'
import { FakeCloud } from './fake-cloud'

// Loading miniprogram-simulate installs its global `wx`, Component and Behavior.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('miniprogram-simulate')

const g = globalThis as unknown as Record<string, unknown> & { wx: Record<string, unknown> }

export const fakeCloud = new FakeCloud()
g.wx.cloud = fakeCloud

const storage = new Map<string, unknown>()
const copy = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T))
Object.assign(g.wx, {
  setStorageSync: (key: string, value: unknown) => void storage.set(key, copy(value)),
  getStorageSync: (key: string) => (storage.has(key) ? copy(storage.get(key)) : ''),
  removeStorageSync: (key: string) => void storage.delete(key),
  clearStorageSync: () => storage.clear(),
  getStorageInfoSync: () => ({ keys: [...storage.keys()], currentSize: 0, limitSize: 10240 }),
})

/**
 * WeChat's privacy authorisation, as the base library behaves: a privacy API (here requirePrivacyAuthorize) goes
 * through at once when the user agreed before; otherwise WeChat calls the listener the app registered and waits
 * for it to resolve. `privacy.agreed` is the user's standing agreement (reset to true before each test).
 */
type PrivacyResolve = (r: { event: 'agree' | 'disagree'; buttonId?: string }) => void
export const privacy: { agreed: boolean; listener?: (resolve: PrivacyResolve) => void; asked: number } = {
  agreed: true,
  asked: 0,
}
Object.assign(g.wx, {
  onNeedPrivacyAuthorization: (listener: (resolve: PrivacyResolve) => void) => {
    privacy.listener = listener
  },
  requirePrivacyAuthorize: (o: { success?: (r: object) => void; fail?: (r: object) => void }) => {
    if (privacy.agreed) return o.success?.({ errMsg: 'requirePrivacyAuthorize:ok' })
    privacy.asked++
    privacy.listener?.((r) => {
      if (r.event === 'agree' && r.buttonId) {
        privacy.agreed = true
        o.success?.({ errMsg: 'requirePrivacyAuthorize:ok' })
      } else o.fail?.({ errMsg: 'requirePrivacyAuthorize:fail privacy permission is not authorized' })
    })
  },
  openPrivacyContract: (o: { success?: (r: object) => void }) => o.success?.({ errMsg: 'openPrivacyContract:ok' }),
})

let app: IAppOption | undefined
g.App = (definition: IAppOption) => {
  app = definition
}
g.getApp = () => app

// Launch the real app once per test file, as WeChat does before any page.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(path.resolve(__dirname, '../../miniprogram/app'))
;(app as unknown as { onLaunch?: () => void } | undefined)?.onLaunch?.()

beforeEach(() => {
  privacy.agreed = true
  privacy.asked = 0
  fakeCloud.reset()
  storage.clear()
  if (app) app.globalData = {}
})
