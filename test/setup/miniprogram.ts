// Shared set-up for page tests: a wx.cloud and storage that behave, App/getApp. (The users' time zone is set by
// the test environment, jsdom-shanghai.js: setting TZ here would only change this file's copy of process.env.)
import { Buffer } from 'node:buffer'
import path from 'node:path'
import { FakeCloud } from './fake-cloud'

// Loading miniprogram-simulate installs its global `wx`, Component and Behavior.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('miniprogram-simulate')

const g = globalThis as unknown as Record<string, unknown> & { wx: Record<string, unknown> }

/**
 * The most one setData may carry (JSON, UTF-8 bytes). WeChat sends each setData from the logic thread to the view
 * across a bridge; a big payload freezes old phones, so no page may send more than this in one call.
 */
export const SET_DATA_LIMIT_BYTES = 256 * 1024

export interface SetDataCall {
  /** The page or component, as its path under miniprogram/ (packageAntigen/pages/table). */
  page: string
  bytes: number
  keys: string[]
}

/**
 * Every setData of every mounted page and component, measured as JSON.stringify of its payload. A test fails
 * (in afterEach) when one call went over SET_DATA_LIMIT_BYTES; page tests read `calls` to assert sizes.
 */
export const setDataLog: {
  calls: SetDataCall[]
  /** Calls over the limit since the test began; `takeViolations` hands them over and forgets them. */
  violations: SetDataCall[]
  largest: (page?: string) => SetDataCall | undefined
  takeViolations: () => SetDataCall[]
  clear: () => void
} = {
  calls: [],
  violations: [],
  largest(page) {
    const mine = page ? this.calls.filter((c) => c.page === page) : this.calls
    return mine.reduce<SetDataCall | undefined>((a, c) => (!a || c.bytes > a.bytes ? c : a), undefined)
  },
  takeViolations() {
    return this.violations.splice(0)
  },
  clear() {
    this.calls = []
    this.violations = []
  },
}

export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8')

// miniprogram-simulate hands every Component() definition (pages, their components) to j-component.register.
// Give each one a behaviour whose `created` wraps the instance's setData with the measurement.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jComponent = require('j-component') as {
  register: (definition: Record<string, unknown>) => string
  behavior: (definition: Record<string, unknown>) => string
}
const MINIPROGRAM_ROOT = path.resolve(__dirname, '../../miniprogram')
const register = jComponent.register.bind(jComponent)
jComponent.register = (definition) => {
  const file = typeof definition.path === 'string' ? definition.path : ''
  const page = file ? path.relative(MINIPROGRAM_ROOT, file) : String(definition.id ?? 'component')
  const guard = jComponent.behavior({
    lifetimes: {
      created(this: { setData: (data: Record<string, unknown>, callback?: () => void) => void }) {
        const setData = this.setData
        this.setData = (data, callback) => {
          const call = { page, bytes: jsonBytes(data), keys: Object.keys(data ?? {}) }
          setDataLog.calls.push(call)
          if (call.bytes > SET_DATA_LIMIT_BYTES) setDataLog.violations.push(call)
          return setData.call(this, data, callback)
        }
      },
    },
  })
  const behaviors = Array.isArray(definition.behaviors) ? definition.behaviors : []
  return register({ ...definition, behaviors: [guard, ...behaviors] })
}

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
  setDataLog.clear()
  privacy.agreed = true
  privacy.asked = 0
  fakeCloud.reset()
  storage.clear()
  if (app) app.globalData = {}
})

afterEach(() => {
  const over = setDataLog.takeViolations()
  if (over.length === 0) return
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`
  const list = over
    .map((c) => `${c.page}: ${c.bytes} bytes = ${kb(c.bytes)} (${c.keys.slice(0, 5).join(', ')})`)
    .join('; ')
  throw new Error(`setData over ${kb(SET_DATA_LIMIT_BYTES)} in one call: ${list}`)
})
