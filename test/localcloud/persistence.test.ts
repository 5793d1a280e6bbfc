// Durability: the real command line, a data directory, a clean restart and a kill -9 mid-burst.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { freePort, spawnLocalCloud, useLocalCloudSdk, type LocalCloudProcess } from '../../localcloud/spawn'

import type * as WxServerSdkModule from 'wx-server-sdk'

type WxServerSdk = typeof WxServerSdkModule

const KILL_AFTER_WRITES = 300
let dataDir: string
let port: number
let sdk: WxServerSdk

async function start(): Promise<LocalCloudProcess> {
  // Nothing may still be listening from a previous run (a survivor would make every check below vacuous).
  await expect(fetch(`http://127.0.0.1:${port}/__admin/health`)).rejects.toThrow()
  return spawnLocalCloud(port, ['--data', dataDir, '--no-timers'])
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'localcloud-persist-'))
  port = await freePort()
  useLocalCloudSdk(`http://127.0.0.1:${port}`)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  sdk = require('wx-server-sdk') as WxServerSdk
  sdk.init({ env: 'local' })
})
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }))

describe('persistence', () => {
  it('keeps documents, collections and files across a clean restart', async () => {
    let server = await start()
    const db = sdk.database()
    await db.createCollection('notes')
    await db.collection('notes').add({ data: { _id: 'n1', text: '你好', at: new Date('2026-11-24T01:00:00Z') } })
    await db
      .collection('notes')
      .doc('n1')
      .update({ data: { text: '你好，世界' } })
    const { fileID } = await sdk.uploadFile({ cloudPath: 'keep/me.txt', fileContent: Buffer.from('persist') })
    await server.stop()

    server = await start()
    try {
      expect(((await db.collection('notes').doc('n1').get()) as { data: unknown }).data).toEqual({
        _id: 'n1',
        text: '你好，世界',
        at: new Date('2026-11-24T01:00:00Z'),
      })
      expect((await sdk.downloadFile({ fileID })).fileContent.toString()).toBe('persist')
    } finally {
      await server.stop()
    }
  })

  it('loses no acknowledged write when killed with SIGKILL in the middle of a burst', async () => {
    let server = await start()
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
    // Kill once a few hundred writes are acknowledged, however long that takes on this machine, with eight more in
    // flight. How fast writes go is the bench's business (npm run bench -- localcloud), not this test's.
    while (acknowledged.length < KILL_AFTER_WRITES) await new Promise((r) => setTimeout(r, 5))
    const killed = server.stop('SIGKILL')
    stop = true
    await Promise.all(writers)
    await killed
    expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER_WRITES)

    server = await start()
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
      await server.stop()
    }
  })
})

describe('data directory', () => {
  it('creates a data directory that does not exist yet', async () => {
    const fresh = path.join(dataDir, 'not', 'yet', 'there')
    const server = await spawnLocalCloud(port, ['--data', fresh, '--no-timers'])
    try {
      expect(fs.existsSync(path.join(fresh, 'localcloud.sqlite'))).toBe(true)
    } finally {
      await server.stop()
    }
  })
})
