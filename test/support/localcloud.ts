// Starts an in-memory localcloud for one test file and points the real wx-server-sdk of this process at it.
import path from 'node:path'
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../../localcloud'
import { Data, type RawDatabase } from '../../server/kernel/db'
import { CLOCK_OFFSET_ENV } from '../../server/kernel/clock'

export const ROOT = path.resolve(__dirname, '../..')
export const FUNCTIONS_DIR = path.join(ROOT, 'cloudfunctions')

/**
 * Where every cloud test file's clock starts unless it says otherwise: 10:00 on 24 November 2026 in Shanghai.
 * Tests never read the machine's calendar; the clock ticks on from here.
 */
export const TEST_NOW = '2026-11-24T02:00:00.000Z'

export interface TestCloudOptions extends LocalCloudOptions {
  /** Start of the platform clock (default TEST_NOW); null leaves it on the machine's clock. */
  now?: string | null
}

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
  /** Now on the emulated platform (ms), the same instant the functions' kernel clock reads. */
  now(): number
  /** Set the platform clock through the admin API (it ticks on from there); returns the new now. */
  setClock(at: string | number | Date): Promise<number>
  /** Move the platform clock forward (or back, with a negative amount) through the admin API. */
  advanceClock(ms: number): Promise<number>
  stop(): Promise<void>
}

export async function startTestCloud(options: TestCloudOptions = {}): Promise<TestCloud> {
  const { now: start = TEST_NOW, ...rest } = options
  const cloud = await startLocalCloud({ port: 0, dataDir: null, functionsDir: FUNCTIONS_DIR, quiet: true, ...rest })
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

  const data = new Data(sdk.database({ throwOnNotFound: false } as never) as unknown as RawDatabase)
  const mergedRound = async (roundId: string) => {
    const until = Date.now() + 5000
    while (Date.now() < until) {
      try {
        if ((await data.count('intake', { roundId })) === 0) return
      } catch {
        // a fault injected by the test itself: look again
      }
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  }

  const admin = async <T>(route: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
    const res = await fetch(`${cloud.url}/__admin/${route}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      ...(init.body === undefined
        ? {}
        : { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }),
    })
    const body = (await res.json()) as T
    if (!res.ok) throw new Error(`admin ${route} failed (${res.status}): ${JSON.stringify(body)}`)
    return body
  }
  // Server modules a test calls in this process read the same kernel clock as the functions.
  const moveClock = async (body: object): Promise<number> => {
    const state = await admin<{ now: string; offsetMs: number }>('clock', { body })
    process.env[CLOCK_OFFSET_ENV] = String(state.offsetMs)
    return Date.parse(state.now)
  }
  if (start !== null) await moveClock({ at: start })

  return {
    cloud,
    sdk,
    data,
    gateway,
    async call<T>(name: string, event: unknown, openid?: string): Promise<T> {
      const { status, body } = await gateway(name, event, openid ? { 'x-wx-openid': openid } : {})
      if (status !== 200) throw new Error(`${name} failed (${status}): ${JSON.stringify(body)}`)
      // A submission is merged into its chain by the sequencer it kicked, a moment later: tests go on once it is, as
      // a user would see it on the next screen (give up after 5 s; a test about merging checks the state itself).
      const e = event as { action?: unknown; payload?: { roundId?: unknown } }
      if (name === 'antigen' && e.action === 'submit' && (body as { ok?: boolean }).ok)
        await mergedRound(String(e.payload?.roundId ?? ''))
      return body as T
    },
    admin,
    now: () => cloud.clock.now(),
    setClock: (at) => moveClock({ at: at instanceof Date ? at.getTime() : at }),
    advanceClock: (ms) => moveClock({ advanceMs: ms }),
    async stop() {
      delete process.env[CLOCK_OFFSET_ENV]
      await cloud.stop()
    },
  }
}
