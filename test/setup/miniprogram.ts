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
  fakeCloud.reset()
  storage.clear()
  if (app) app.globalData = {}
})
