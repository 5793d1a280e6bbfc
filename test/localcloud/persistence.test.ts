// Durability: the real command line, a data directory, a clean restart and a kill -9 mid-burst.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { ROOT } from '../support/localcloud'

import type * as WxServerSdkModule from 'wx-server-sdk'

type WxServerSdk = typeof WxServerSdkModule

let dataDir: string
let port: number
let sdk: WxServerSdk

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port
      srv.close(() => resolve(p))
    })
  })
}

async function start(): Promise<ChildProcess> {
  // Nothing may still be listening from a previous run (a survivor would make every check below vacuous).
  await expect(fetch(`http://127.0.0.1:${port}/__admin/health`)).rejects.toThrow()
  // One process (no tsx wrapper), so SIGKILL really kills the server.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'localcloud/cli.ts', '--port', String(port), '--data', dataDir, '--quiet', '--no-timers'],
    { cwd: ROOT, stdio: 'ignore' },
  )
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/__admin/health`)
      if (res.ok && ((await res.json()) as { pid: number }).pid === child.pid) return child
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  child.kill('SIGKILL')
  throw new Error('localcloud did not start')
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  )
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'localcloud-persist-'))
  port = await freePort()
  Object.assign(process.env, {
    TENCENTCLOUD_SECRETID: 'localcloud',
    TENCENTCLOUD_SECRETKEY: 'localcloud',
    TENCENTCLOUD: 'true',
    SILENCE: 'true',
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: `http://127.0.0.1:${port}/admin` }),
  })
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  sdk = require('wx-server-sdk') as WxServerSdk
  sdk.init({ env: 'local' })
})
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }))

describe('persistence', () => {
  it('keeps documents, collections and files across a clean restart', async () => {
    let child = await start()
    const db = sdk.database()
    await db.createCollection('notes')
    await db.collection('notes').add({ data: { _id: 'n1', text: '你好', at: new Date('2026-11-24T01:00:00Z') } })
    await db
      .collection('notes')
      .doc('n1')
      .update({ data: { text: '你好，世界' } })
    const { fileID } = await sdk.uploadFile({ cloudPath: 'keep/me.txt', fileContent: Buffer.from('persist') })
    child.kill('SIGTERM')
    await exited(child)

    child = await start()
    try {
      expect(((await db.collection('notes').doc('n1').get()) as { data: unknown }).data).toEqual({
        _id: 'n1',
        text: '你好，世界',
        at: new Date('2026-11-24T01:00:00Z'),
      })
      expect((await sdk.downloadFile({ fileID })).fileContent.toString()).toBe('persist')
    } finally {
      child.kill('SIGTERM')
      await exited(child)
    }
  })

  it('loses no acknowledged write when killed with SIGKILL in the middle of a burst', async () => {
    let child = await start()
    const db = sdk.database()
    await db.createCollection('burst').catch(() => undefined)
    const acknowledged: string[] = []
    let stop = false
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const id = `w${w}-${i}`
        try {
          await db.collection('burst').add({ data: { _id: id, w, i } })
          acknowledged.push(id)
        } catch {
          return // the server is gone
        }
      }
    })
    await new Promise((r) => setTimeout(r, 700))
    child.kill('SIGKILL')
    stop = true
    await Promise.all(writers)
    await exited(child)
    expect(acknowledged.length).toBeGreaterThan(50)

    child = await start()
    try {
      const found = new Set<string>()
      const { total } = (await db.collection('burst').count()) as { total: number }
      for (let skip = 0; skip < total; skip += 1000) {
        const { data } = (await db.collection('burst').skip(skip).limit(1000).field({ _id: true }).get()) as {
          data: unknown[]
        }
        for (const d of data as { _id: string }[]) found.add(d._id)
      }
      expect(acknowledged.filter((id) => !found.has(id))).toEqual([])
    } finally {
      child.kill('SIGTERM')
      await exited(child)
    }
  })
})
