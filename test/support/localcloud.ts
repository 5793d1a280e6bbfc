// Starts an in-memory localcloud for one test file and points the real wx-server-sdk of this process at it.
import path from 'node:path'
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../../localcloud'
import { Data, type RawDatabase } from '../../server/kernel/db'

export const ROOT = path.resolve(__dirname, '../..')
export const FUNCTIONS_DIR = path.join(ROOT, 'cloudfunctions')

import type * as WxServerSdkModule from 'wx-server-sdk'

type WxServerSdk = typeof WxServerSdkModule

export interface TestCloud {
  cloud: LocalCloud
  /** wx-server-sdk initialised against this emulator, as a cloud function or script would use it. */
  sdk: WxServerSdk
  /** Typed data access through that SDK, as the functions have it. */
  data: Data
  /** Call a function through the client gateway as the mini-program would, as `openid`. */
  call<T = unknown>(name: string, event: unknown, openid?: string): Promise<T>
  /** Raw gateway call: status and parsed body. */
  gateway(name: string, event: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown }>
  admin<T = unknown>(route: string, init?: { method?: string; body?: unknown }): Promise<T>
  stop(): Promise<void>
}

export async function startTestCloud(options: LocalCloudOptions = {}): Promise<TestCloud> {
  const cloud = await startLocalCloud({ port: 0, dataDir: null, functionsDir: FUNCTIONS_DIR, quiet: true, ...options })
  Object.assign(process.env, {
    TENCENTCLOUD_SECRETID: 'localcloud',
    TENCENTCLOUD_SECRETKEY: 'localcloud',
    TENCENTCLOUD: 'true',
    SILENCE: 'true',
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: cloud.serviceUrl }),
  })
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('wx-server-sdk') as WxServerSdk
  sdk.init({ env: cloud.env })

  const gateway = async (name: string, event: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${cloud.url}/functions/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(event),
    })
    return { status: res.status, body: (await res.json()) as unknown }
  }

  return {
    cloud,
    sdk,
    data: new Data(sdk.database({ throwOnNotFound: false } as never) as unknown as RawDatabase),
    gateway,
    async call<T>(name: string, event: unknown, openid?: string): Promise<T> {
      const { status, body } = await gateway(name, event, openid ? { 'x-wx-openid': openid } : {})
      if (status !== 200) throw new Error(`${name} failed (${status}): ${JSON.stringify(body)}`)
      return body as T
    },
    async admin<T>(route: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
      const res = await fetch(`${cloud.url}/__admin/${route}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        ...(init.body === undefined
          ? {}
          : { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }),
      })
      const body = (await res.json()) as T
      if (!res.ok) throw new Error(`admin ${route} failed (${res.status}): ${JSON.stringify(body)}`)
      return body
    },
    stop: () => cloud.stop(),
  }
}
