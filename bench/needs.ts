// Needs through the client gateway, against a localcloud running the built functions, over 钟楼新村 (the demo
// generator's community: 1,506 households in 135 buildings).
//
// 1. The burst: `residents` residents of different households register a need each within 10 minutes (the platform
//    clock moved a minute between waves; each wave's calls at once, a tenth of them sent twice as a lost reply
//    would), a mix of types and urgencies. Then the checks: one stored need per resident (none lost, none twice),
//    the level each started at and the 待接单 notices queued against what the rules say (the level's people, and the
//    committee for urgent medical needs).
// 2. The timer: `open` open needs all past their level's time (written straight into the database, spread over the
//    buildings and levels), one timer invocation: its time, round trips, how many it escalated and whether it left
//    any (it must finish within one invocation's 60 s).
import { freePort, spawnLocalCloud, useLocalCloudSdk } from '../localcloud/spawn'
import { bundleFunctions } from '../scripts/lib/functions'
import { FUNCTIONS_ROOT } from '../scripts/lib/paths'
import { DEMO_COMMUNITY, demoDataset } from '../scripts/demo/generate'
import { loadCollections } from '../scripts/demo/load'
import { householdLabel } from '../server/community/structure'
import { alertsCommittee, peopleAtLevels, responseDue, startLevel, type LevelRole } from '../server/needs/rules'
import { NEED_LEVELS, NEED_TYPES, NEED_URGENCIES } from '../miniprogram/shared/needs'
import { TEMPLATES } from '../server/templates'
import type { BuildingDoc, HouseholdDoc, RoleDoc } from '../server/community/model'
import type { NeedDoc } from '../server/needs/model'
import type { Envelope, NeedLevel, NeedView } from '../typings/api'
import { defineBench, percentile, type Figure } from './lib'

import type * as WxServerSdkModule from 'wx-server-sdk'

interface CallRecord {
  function: string
  source: string
  action?: string | null
  durationMs: number
  ok: boolean
  db: { calls: number }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const MIN = 60_000
/** A fixed morning in Shanghai. */
const DAY = '2026-12-05'
const shanghai = (hm: string) => new Date(`${DAY}T${hm}:00+08:00`)

export default defineBench({
  description:
    '1,000 residents registering needs within 10 minutes (none lost, notices as routed), then the escalation timer over 10,000 overdue needs in one invocation',
  defaults: { residents: 1000, waves: 10, open: 10000, maxInstances: 16, resend: 0.1 },
  async run(params, log) {
    const figures: Figure[] = []
    log('bundling cloud functions')
    await bundleFunctions()
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    useLocalCloudSdk(url)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cloud = require('wx-server-sdk') as typeof WxServerSdkModule
    cloud.init({ env: 'local' })
    const db = cloud.database()
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
    const setClock = (at: Date) => admin('clock', 'POST', { at: at.toISOString() })
    const call = async <T>(openid: string, action: string, payload: object): Promise<Envelope<T>> => {
      const res = await fetch(`${url}/functions/needs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
        body: JSON.stringify({ action, payload }),
      })
      const text = await res.text()
      try {
        return JSON.parse(text) as Envelope<T>
      } catch {
        return { ok: false, code: 'INTERNAL', message: `HTTP ${res.status}: ${text.slice(0, 200)}` }
      }
    }
    const count = async (coll: string, where: object) =>
      ((await db.collection(coll).where(where).count()) as { total: number }).total
    const pushesSettled = async () => {
      const _ = db.command
      for (let i = 0; i < 4800; i++) {
        const busy = await count('pushQueue', _.or([{ status: 'sending' }, { status: 'queued' }]))
        if (busy === 0) return
        await sleep(50)
      }
      throw new Error('pushes not settled after 240 s')
    }

    try {
      const start = shanghai('10:00')
      await setClock(start)
      const { collections } = demoDataset({ now: start.getTime() })
      const communityId = DEMO_COMMUNITY.communityId
      const buildings = (collections.buildings as BuildingDoc[])
        .filter((b) => b.communityId === communityId)
        .sort((a, b) => a.order - b.order)
      const households = (collections.households as HouseholdDoc[]).filter((h) => h.communityId === communityId)
      const roles = (collections.roles as RoleDoc[]).filter((r) => r.communityId === communityId)
      const byId = new Map(households.map((h) => [h._id, h]))
      const buildingOf = new Map(buildings.map((b) => [b._id, b]))
      const loaded = await loadCollections(url, collections)
      log(`imported ${loaded.documents} documents in ${loaded.ms} ms: ${households.length} households`)

      // ---------- 1. the burst ----------
      const residents = [
        ...new Map(
          roles
            .filter((r) => r.role === 'resident' && r.householdId && !r.proxy)
            .map((r) => [r.householdId as string, r]),
        ).values(),
      ].slice(0, Number(params.residents))
      if (residents.length < Number(params.residents))
        log(`  only ${residents.length} households with a resident of their own: using them all`)
      const answering = roles.filter(
        (r) => r.role !== 'resident' && (r.role !== 'volunteer' || r.volunteerType === 'online'),
      ) as LevelRole[]
      const waves = Number(params.waves)
      const perWave = Math.ceil(residents.length / waves)
      const latencies: number[] = []
      const expected = { needs: 0, notices: 0, byLevel: Object.fromEntries(NEED_LEVELS.map((l) => [l, 0])) }
      let refused = 0
      let resent = 0
      // The demo's own needs are there already.
      const before = await count('needs', { communityId })
      const t0 = performance.now()
      for (let w = 0; w < waves; w++) {
        const at = new Date(start.getTime() + w * MIN)
        await setClock(at)
        const wave = residents.slice(w * perWave, (w + 1) * perWave)
        await Promise.all(
          wave.map(async (r, i) => {
            const k = w * perWave + i
            const type = NEED_TYPES[k % NEED_TYPES.length] as NeedDoc['type']
            const urgency = NEED_URGENCIES[Math.floor(k / NEED_TYPES.length) % 3] as NeedDoc['urgency']
            const h = byId.get(r.householdId as string) as HouseholdDoc
            const b = buildingOf.get(h.buildingId) as BuildingDoc
            const payload = {
              householdId: h._id,
              type,
              urgency,
              detail: type === 'medicine' || type === 'outing' ? '' : '请帮忙',
              ...(type === 'medicine' ? { medicine: { names: ['布洛芬'] } } : {}),
              ...(type === 'outing'
                ? { outing: { reason: '去医院', at: new Date(at.getTime() + 3_600_000).toISOString() } }
                : {}),
              requestId: `bench-need-${k.toString().padStart(6, '0')}`,
            }
            const people = peopleAtLevels(answering, { communityId, groupId: b.groupId, buildingId: b._id }, at)
            const level = startLevel(people)
            expected.needs++
            expected.byLevel[level] = (expected.byLevel[level] ?? 0) + 1
            expected.notices += people[level].length
            if (alertsCommittee({ type, urgency }) && level !== 'committee') expected.notices += people.committee.length
            const sends = Math.random() < Number(params.resend) ? 2 : 1
            if (sends === 2) resent++
            for (let s = 0; s < sends; s++) {
              const c0 = performance.now()
              const reply = await call<NeedView>(r.openid, 'raiseNeed', payload)
              latencies.push(performance.now() - c0)
              if (!reply.ok) {
                refused++
                log(`  refused: ${reply.code} ${reply.message}`)
              } else if (reply.data.level !== level) throw new Error(`routed to ${reply.data.level}, expected ${level}`)
            }
          }),
        )
      }
      const burstMs = performance.now() - t0
      await pushesSettled()
      const stored = (await count('needs', { communityId })) - before
      const notices = await count('pushQueue', { templateId: TEMPLATES.needNew })
      log(
        `  ${residents.length} residents (${resent} sent twice) in ${waves} waves: ${stored} needs stored for ${expected.needs} expected, ${notices} 待接单 notices for ${expected.notices} expected; started at ${JSON.stringify(expected.byLevel)}; ${refused} refused`,
      )
      if (stored !== expected.needs) throw new Error('needs lost or doubled')
      if (notices !== expected.notices) throw new Error('notices lost or doubled')
      figures.push(
        { name: 'burst.needs', value: stored, unit: 'needs', params: { expected: expected.needs, resent } },
        { name: 'burst.notices', value: notices, unit: 'notices', params: { expected: expected.notices } },
        { name: 'burst.ms', value: burstMs, unit: 'ms' },
        { name: 'burst.p50', value: percentile(latencies, 50), unit: 'ms' },
        { name: 'burst.p95', value: percentile(latencies, 95), unit: 'ms' },
        { name: 'burst.refused', value: refused, unit: 'calls' },
      )

      // ---------- 2. the timer over many overdue needs ----------
      await db.collection('needs').where({ communityId }).remove()
      await db
        .collection('pushQueue')
        .where({ templateId: db.command.neq('') })
        .remove()
      const open = Number(params.open)
      const due = new Date(start.getTime() + 9 * MIN)
      const docs: NeedDoc[] = []
      for (let k = 0; k < open; k++) {
        const h = households[k % households.length] as HouseholdDoc
        const b = buildingOf.get(h.buildingId) as BuildingDoc
        const type = NEED_TYPES[k % NEED_TYPES.length] as NeedDoc['type']
        const urgency = NEED_URGENCIES[k % 3] as NeedDoc['urgency']
        const level = (['online', 'building', 'group', 'community'] as NeedLevel[])[k % 4] as NeedLevel
        const raised = { at: start, openid: `bench-r-${k}`, role: 'resident' as const, name: '住户' }
        docs.push({
          _id: `nd_bench_${k.toString().padStart(6, '0')}`,
          communityId,
          groupId: b.groupId,
          buildingId: b._id,
          householdId: h._id,
          label: householdLabel(b.name, h.room),
          type,
          urgency,
          status: level === 'online' ? 'new' : 'escalated',
          level,
          detail: '请帮忙',
          raised,
          dueAt: due,
          escalations: [],
          createdAt: start,
          updatedAt: start,
          requestId: `bench-open-${k}`,
          history: [{ kind: 'raised', at: start, level }],
        })
      }
      for (let i = 0; i < docs.length; i += 1000)
        await db.collection('needs').add({ data: docs.slice(i, i + 1000) } as never)
      const runAt = shanghai('11:00')
      await setClock(runAt)
      await admin('calls', 'DELETE')
      const t1 = performance.now()
      const fired = await admin<{
        result: { ok: boolean; data: { escalated: { escalated: number; pushed: number; more: boolean } } }
      }>('functions/needs/trigger', 'POST', {})
      const timerMs = performance.now() - t1
      const calls = (await admin<{ calls: CallRecord[] }>('calls?function=needs')).calls
      const timerCall = calls.find((c) => c.source !== 'wx_client' && !c.action) ?? calls[0]
      const run = fired.result.data.escalated
      const left = await count('needs', {
        communityId,
        dueAt: db.command.lte(runAt),
        status: db.command.in(['new', 'escalated']),
      })
      const moved = await count('needs', { communityId, 'escalations.0': db.command.exists(true) })
      // Every moved need's new limit counts from the run.
      const sample = (await db.collection('needs').where({ communityId }).limit(1).get()) as unknown as {
        data: NeedDoc[]
      }
      const first = sample.data[0] as NeedDoc
      const expectDue = responseDue(first, runAt).getTime()
      log(
        `  timer: ${open} overdue needs, ${run.escalated} escalated (${moved} with an escalation stored), ${run.pushed} notices queued, more: ${run.more}, ${left} still due; ${Math.round(timerMs)} ms, ${timerCall?.db.calls ?? '?'} round trips, in function ${Math.round(timerCall?.durationMs ?? 0)} ms; the new limit counted from the run: ${Math.abs(new Date(first.dueAt).getTime() - expectDue) < MIN ? 'yes' : 'no'}`,
      )
      figures.push(
        { name: 'timer.open', value: open, unit: 'needs' },
        { name: 'timer.escalated', value: run.escalated, unit: 'needs', params: { more: run.more, left } },
        {
          name: 'timer.ms',
          value: timerMs,
          unit: 'ms',
          params: { inFunction: Math.round(timerCall?.durationMs ?? 0) },
        },
        { name: 'timer.dbTrips', value: timerCall?.db.calls ?? -1, unit: 'round trips' },
        { name: 'timer.notices', value: run.pushed, unit: 'notices' },
      )
      return figures
    } finally {
      await server.stop()
    }
  },
})
