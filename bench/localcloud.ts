// localcloud figures through wx-server-sdk: latency of doc().get() and add(), insert throughput with concurrent
// clients, start-up time, resident memory with 100,000 documents, and the cost of one function invocation.
// The emulator runs as its own process (the real command line, durable data dir), the SDK in this one.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { freePort, spawnLocalCloud, useLocalCloudSdk } from '../localcloud/spawn'
import { ROOT } from '../scripts/lib/paths'
import { defineBench, percentile, type Figure } from './lib'

import type * as WxServerSdkModule from 'wx-server-sdk'

type WxServerSdk = typeof WxServerSdkModule

const FIXTURES = path.join(ROOT, 'test', 'localcloud', 'fixtures', 'functions')

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN)
  return kb / 1024
}

async function timed<T>(samples: number[], fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now()
  const r = await fn()
  samples.push(performance.now() - t0)
  return r
}

function household(i: number) {
  return {
    _id: `h${String(i).padStart(6, '0')}`,
    communityId: 'c1',
    buildingId: `b${i % 300}`,
    room: `${1 + (i % 30)}0${1 + (i % 4)}`,
    members: [{ name: `居民${i}`, birthYear: 1940 + (i % 70) }],
    flags: i % 5 === 0 ? ['60+'] : [],
    createdAt: { $date: { $numberLong: String(Date.UTC(2026, 10, 1) + i) } },
  }
}

export default defineBench({
  description:
    'localcloud through wx-server-sdk: get/add latency, concurrent inserts, start-up, memory, invocation cost',
  defaults: { ops: 2000, clients: 20, inserts: 10000, docs: 100000, invocations: 300 },
  async run(params, log) {
    const figures: Figure[] = []
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'localcloud-bench-'))
    const port = await freePort()
    useLocalCloudSdk(`http://127.0.0.1:${port}`)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cloud = require('wx-server-sdk') as WxServerSdk
    cloud.init({ env: 'local' })
    const db = cloud.database()
    const args = ['--data', dataDir, '--functions', FIXTURES, '--no-timers']
    let server = await spawnLocalCloud(port, args)
    figures.push({
      name: 'startup.empty',
      value: server.startupMs,
      unit: 'ms',
      params: { note: 'process spawn to health 200, durable data dir' },
    })
    try {
      await db.createCollection('bench')
      const ops = Number(params.ops)
      log(`sequential add() x${ops}`)
      const addMs: number[] = []
      for (let i = 0; i < ops; i++)
        await timed(addMs, () => Promise.resolve(db.collection('bench').add({ data: household(i) })))
      log(`sequential doc().get() x${ops}`)
      const getMs: number[] = []
      for (let i = 0; i < ops; i++)
        await timed(getMs, () => Promise.resolve(db.collection('bench').doc(household(i)._id).get()))
      figures.push(
        { name: 'add.p50', value: percentile(addMs, 50), unit: 'ms', params: { ops } },
        { name: 'add.p95', value: percentile(addMs, 95), unit: 'ms', params: { ops } },
        { name: 'get.p50', value: percentile(getMs, 50), unit: 'ms', params: { ops, collectionSize: ops } },
        { name: 'get.p95', value: percentile(getMs, 95), unit: 'ms', params: { ops, collectionSize: ops } },
      )

      const clients = Number(params.clients)
      const inserts = Number(params.inserts)
      log(`${inserts} add() from ${clients} concurrent clients`)
      await db.createCollection('burst')
      let next = 0
      const t0 = performance.now()
      await Promise.all(
        Array.from({ length: clients }, async () => {
          for (let i = next++; i < inserts; i = next++) await db.collection('burst').add({ data: household(i) })
        }),
      )
      const seconds = (performance.now() - t0) / 1000
      const { total } = (await db.collection('burst').count()) as { total: number }
      if (total !== inserts) throw new Error(`expected ${inserts} documents, found ${total}`)
      figures.push({
        name: 'insert.throughput',
        value: inserts / seconds,
        unit: 'docs/s',
        params: { clients, inserts },
      })

      const invocations = Number(params.invocations)
      log(`function invocation cost x${invocations}`)
      const call = (body: unknown) =>
        fetch(`http://127.0.0.1:${port}/functions/echo`, {
          method: 'POST',
          headers: { 'x-wx-openid': 'o-bench', 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then((r) => r.json())
      const coldMs: number[] = []
      await timed(coldMs, () => call({ cold: true }))
      const warmMs: number[] = []
      const baselineMs: number[] = []
      for (let i = 0; i < invocations; i++) {
        await timed(warmMs, () => call({ i }))
        await timed(baselineMs, () => fetch(`http://127.0.0.1:${port}/__admin/faults`).then((r) => r.json()))
      }
      figures.push(
        {
          name: 'invoke.cold',
          value: coldMs[0] as number,
          unit: 'ms',
          params: { note: 'first call: worker start + loading wx-server-sdk' },
        },
        { name: 'invoke.warm.p50', value: percentile(warmMs, 50), unit: 'ms', params: { invocations } },
        { name: 'invoke.warm.p95', value: percentile(warmMs, 95), unit: 'ms', params: { invocations } },
        {
          name: 'invoke.overhead.p50',
          value: percentile(warmMs, 50) - percentile(baselineMs, 50),
          unit: 'ms',
          params: { note: 'warm invocation minus a plain admin HTTP round trip' },
        },
      )

      const docs = Number(params.docs)
      log(`loading ${docs} documents`)
      const collections: Record<string, unknown[]> = {
        households: Array.from({ length: docs }, (_, i) => household(i)),
      }
      const res = await fetch(`http://127.0.0.1:${port}/__admin/import`, {
        method: 'POST',
        body: JSON.stringify({ collections }),
      })
      if (!res.ok) throw new Error(`import failed: ${await res.text()}`)
      figures.push({ name: 'memory.rss', value: rssMiB(server.pid), unit: 'MiB', params: { documents: docs } })
      const eqMs: number[] = []
      for (let i = 0; i < 50; i++)
        await timed(eqMs, () =>
          Promise.resolve(
            db
              .collection('households')
              .where({ buildingId: `b${i}` })
              .limit(100)
              .get(),
          ),
        )
      figures.push({
        name: 'where.eq.p50',
        value: percentile(eqMs, 50),
        unit: 'ms',
        params: { documents: docs, note: 'equality on a field, 100 rows' },
      })
      await server.stop()
      server = await spawnLocalCloud(port, args)
      figures.push({ name: 'startup.loaded', value: server.startupMs, unit: 'ms', params: { documents: docs } })
      figures.push({
        name: 'memory.rss.afterRestart',
        value: rssMiB(server.pid),
        unit: 'MiB',
        params: { documents: docs },
      })
    } finally {
      await server.stop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
    return figures
  },
})
