// The testing call-up through the client gateway, against a localcloud running the built functions, over 钟楼新村
// (the demo generator's community: 1,506 households in 135 buildings, 3,400 residents): the committee starts a
// session at one sampling point and calls all 135 buildings in ranges by position (1–30, 31–60, … by default), as
// the volunteers at the point call them down. Per call: the time (in the function and at the caller) and the
// database round trips, the messages queued; then the queue's read, a resident's turn, and the checks: every
// building called once, each person told once per call that called their building, nobody else told.
import { freePort, spawnLocalCloud, useLocalCloudSdk } from '../localcloud/spawn'
import { bundleFunctions } from '../scripts/lib/functions'
import { FUNCTIONS_ROOT } from '../scripts/lib/paths'
import { DEMO_COMMUNITY, demoDataset } from '../scripts/demo/generate'
import { loadCollections } from '../scripts/demo/load'
import { TEMPLATES } from '../server/templates'
import type { BuildingDoc, HouseholdDoc, RoleDoc } from '../server/community/model'
import type { CallupCallResult, CallupQueueView, CallupTurnView, Envelope } from '../typings/api'
import { defineBench, percentile, type Figure } from './lib'

interface CallRecord {
  function: string
  source: string
  action?: string | null
  durationMs: number
  ok: boolean
  db: { calls: number }
}

interface OutboxMessage {
  touser: string
  templateId: string
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** A fixed morning in Shanghai. */
const START = new Date('2026-12-03T08:30:00+08:00')

export default defineBench({
  description:
    'calling the 135 buildings of a 1,506-household community in ranges: time and round trips per call, pushes queued once per person and call',
  defaults: { range: 30, maxInstances: 16 },
  async run(params, log) {
    const figures: Figure[] = []
    const range = Number(params.range)
    log('bundling cloud functions')
    await bundleFunctions()
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    useLocalCloudSdk(url)
    const server = await spawnLocalCloud(port, [
      '--memory',
      '--functions',
      FUNCTIONS_ROOT,
      '--no-timers',
      '--max-instances',
      String(params.maxInstances),
    ])
    const admin = async <T>(route: string, method = 'GET', body?: unknown): Promise<T> => {
      const res = await fetch(`${url}/__admin/${route}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      })
      const text = await res.text()
      if (!res.ok) throw new Error(`admin ${route} failed (${res.status}): ${text.slice(0, 300)}`)
      return JSON.parse(text) as T
    }
    const call = async <T>(openid: string, action: string, payload: object): Promise<Envelope<T>> => {
      const res = await fetch(`${url}/functions/callup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
        body: JSON.stringify({ action, payload }),
      })
      return JSON.parse(await res.text()) as Envelope<T>
    }
    const ok = async <T>(openid: string, action: string, payload: object): Promise<T> => {
      const r = await call<T>(openid, action, payload)
      if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message}`)
      return r.data
    }
    const lastCall = async () => {
      const calls = (await admin<{ calls: CallRecord[] }>('calls?function=callup')).calls
      return calls.filter((c) => c.source === 'wx_client').at(-1) as CallRecord
    }
    const outbox = () => admin<OutboxMessage[]>('outbox')
    const settled = async () => {
      for (let i = 0; i < 2400; i++) {
        const state = await admin<{ collections: Record<string, { status: string }[]> }>('export')
        const busy = (state.collections.pushQueue ?? []).filter((m) => m.status === 'queued' || m.status === 'sending')
        if (busy.length === 0) return
        await sleep(50)
      }
      throw new Error('pushes not settled after 120 s')
    }

    try {
      await admin('clock', 'POST', { at: START.toISOString() })
      const { collections } = demoDataset({ now: START.getTime() })
      const communityId = DEMO_COMMUNITY.communityId
      // The bench's own session: the demo's call-up documents are left out.
      for (const c of ['callupSessions', 'callupBuildings', 'callupCalls', 'callupPoints'])
        (collections as unknown as Record<string, unknown[]>)[c] = []
      const buildings = (collections.buildings as BuildingDoc[])
        .filter((b) => b.communityId === communityId)
        .sort((a, b) => a.order - b.order)
      const households = (collections.households as HouseholdDoc[]).filter((h) => h.communityId === communityId)
      const roles = collections.roles as RoleDoc[]
      const committee = roles.find((r) => r.communityId === communityId && r.role === 'committee')?.openid as string
      const loaded = await loadCollections(url, collections as never)
      log(
        `imported ${loaded.documents} documents in ${loaded.ms} ms: ${households.length} households, ${buildings.length} buildings`,
      )

      // Who each building's call must reach: its linked people and its building and floor leads.
      const expected = new Map<string, Set<string>>()
      for (const b of buildings) expected.set(b._id, new Set())
      for (const h of households) for (const o of h.linkedOpenids) expected.get(h.buildingId)?.add(o)
      for (const r of roles)
        if (
          r.communityId === communityId &&
          (r.role === 'buildingLead' || r.role === 'floorLead') &&
          r.scope.buildingId
        )
          expected.get(r.scope.buildingId)?.add(r.openid)

      // A first call warms the instance (its cold start is not a call).
      await call(committee, 'listSessions', { communityId })
      await admin('calls', 'DELETE')
      await admin('outbox', 'DELETE')
      const started = performance.now()
      const q = await ok<CallupQueueView>(committee, 'startSession', {
        communityId,
        requestId: 'bench-start-0001',
        name: '12月3日全员核酸',
        points: [{ name: '东门采样点' }],
      })
      const startMs = performance.now() - started
      const startCall = await lastCall()
      log(`started: ${q.buildings.length} buildings, ${startMs.toFixed(0)} ms, ${startCall.db.calls} round trips`)
      figures.push(
        { name: 'start.ms', value: startMs, unit: 'ms', params: { inFunction: startCall.durationMs } },
        { name: 'start.dbTrips', value: startCall.db.calls, unit: 'round trips' },
      )

      const callMs: number[] = []
      const inFunction: number[] = []
      const trips: number[] = []
      const perPerson = new Map<string, number>()
      let queuedTotal = 0
      for (let from = 1, i = 0; from <= buildings.length; from += range, i++) {
        const to = Math.min(buildings.length, from + range - 1)
        const t0 = performance.now()
        const r = await ok<CallupCallResult>(committee, 'call', {
          sessionId: q.session.id,
          requestId: `bench-call-${String(i).padStart(4, '0')}`,
          from,
          to,
        })
        const ms = performance.now() - t0
        const rec = await lastCall()
        callMs.push(ms)
        inFunction.push(rec.durationMs)
        trips.push(rec.db.calls)
        queuedTotal += r.queued
        const people = new Set(r.buildingIds.flatMap((b) => [...(expected.get(b) ?? [])]))
        for (const p of people) perPerson.set(p, (perPerson.get(p) ?? 0) + 1)
        if (r.queued !== people.size) throw new Error(`call ${r.label}: queued ${r.queued}, expected ${people.size}`)
        log(
          `  ${r.label}: ${r.buildingIds.length} buildings, ${r.queued} messages queued, ${ms.toFixed(0)} ms (${rec.durationMs} ms in the function), ${rec.db.calls} round trips`,
        )
      }
      figures.push(
        { name: 'call.count', value: callMs.length, unit: 'calls', params: { range } },
        { name: 'call.ms.median', value: percentile(callMs, 50), unit: 'ms' },
        { name: 'call.ms.max', value: Math.max(...callMs), unit: 'ms' },
        { name: 'call.inFunction.ms.median', value: percentile(inFunction, 50), unit: 'ms' },
        { name: 'call.inFunction.ms.max', value: Math.max(...inFunction), unit: 'ms' },
        { name: 'call.dbTrips.max', value: Math.max(...trips), unit: 'round trips' },
        { name: 'call.queued.total', value: queuedTotal, unit: 'messages' },
      )

      // A retried call (the same requestId) answers what the call did.
      const again = await ok<CallupCallResult>(committee, 'call', {
        sessionId: q.session.id,
        requestId: 'bench-call-0000',
        from: 1,
        to: range,
      })
      if (again.buildingIds.length !== Math.min(range, buildings.length))
        throw new Error('a retry answered differently')

      const t1 = performance.now()
      const queue = await ok<CallupQueueView>(committee, 'queue', { sessionId: q.session.id })
      const queueMs = performance.now() - t1
      const queueCall = await lastCall()
      const queueBytes = JSON.stringify(queue).length
      if (queue.counts.called !== buildings.length)
        throw new Error(`called ${queue.counts.called} of ${buildings.length}`)
      figures.push(
        { name: 'queue.ms', value: queueMs, unit: 'ms', params: { inFunction: queueCall.durationMs } },
        { name: 'queue.dbTrips', value: queueCall.db.calls, unit: 'round trips' },
        { name: 'queue.bytes', value: queueBytes, unit: 'bytes' },
      )
      const someone = households.find((h) => h.linkedOpenids.length)?.linkedOpenids[0] as string
      const t2 = performance.now()
      const turn = await ok<CallupTurnView[]>(someone, 'myTurn', {})
      const turnMs = performance.now() - t2
      const turnCall = await lastCall()
      if (turn[0]?.state !== 'called') throw new Error('the resident’s building is not called')
      figures.push(
        { name: 'myTurn.ms', value: turnMs, unit: 'ms', params: { inFunction: turnCall.durationMs } },
        { name: 'myTurn.dbTrips', value: turnCall.db.calls, unit: 'round trips' },
      )

      // Every message leaves through the queue; each person got one per call that called their building.
      const d0 = performance.now()
      await settled()
      const drainMs = performance.now() - d0
      const sent = (await outbox()).filter((m) => m.templateId === TEMPLATES.callup)
      const got = new Map<string, number>()
      for (const m of sent) got.set(m.touser, (got.get(m.touser) ?? 0) + 1)
      const wrong = [...new Set([...got.keys(), ...perPerson.keys()])].filter((p) => got.get(p) !== perPerson.get(p))
      if (wrong.length) throw new Error(`${wrong.length} people told a wrong number of times, e.g. ${wrong[0]}`)
      log(`outbox: ${sent.length} call-up messages to ${got.size} people, ${drainMs.toFixed(0)} ms after the last call`)
      figures.push(
        { name: 'pushes.sent', value: sent.length, unit: 'messages' },
        { name: 'pushes.people', value: got.size, unit: 'people' },
        { name: 'pushes.settledAfterLastCall.ms', value: drainMs, unit: 'ms' },
      )
      return figures
    } finally {
      await server.stop()
    }
  },
})
