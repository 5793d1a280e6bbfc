// Care through the client gateway, against a localcloud running the built functions, over 钟楼新村 (the demo
// generator's community: 1,506 households in 135 buildings, 3,400 residents, 670 aged 60+, with the demo's last two
// days of contacts): the check lists, the committee's overview and the volunteers' hours, each `runs` times after a
// warm-up call (medians and p95 of the time seen by the caller, the DB round trips of the call from the emulator's
// log); recording checks one after another; and the timer's morning run at 08:30 (every lead's and volunteer's count).
import { freePort, spawnLocalCloud } from '../localcloud/spawn'
import { bundleFunctions } from '../scripts/lib/functions'
import { FUNCTIONS_ROOT } from '../scripts/lib/paths'
import { DEMO_COMMUNITY, demoDataset } from '../scripts/demo/generate'
import { loadDataset } from '../scripts/demo/load'
import type { HouseholdDoc, RoleDoc } from '../server/community/model'
import type { CareListView, CareOverviewView, Envelope, VolunteerHoursPage } from '../typings/api'
import { defineBench, percentile, type Figure } from './lib'

interface CallRecord {
  function: string
  source: string
  action?: string | null
  durationMs: number
  db: { calls: number }
}

/** A fixed morning in Shanghai. */
const DAY = '2026-12-05'
const shanghai = (hm: string) => new Date(`${DAY}T${hm}:00+08:00`)
const median = (xs: number[]) => percentile(xs, 50)

export default defineBench({
  description:
    '钟楼新村 (1,506 households, 670 aged 60+): check lists (building lead, committee by building, 楼栋 volunteer), the overview, volunteers’ hours, recording checks, the morning timer',
  defaults: { runs: 20, checks: 20 },
  async run(params, log) {
    const figures: Figure[] = []
    const runs = Number(params.runs)
    log('bundling cloud functions')
    await bundleFunctions()
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const server = await spawnLocalCloud(port, ['--memory', '--functions', FUNCTIONS_ROOT, '--no-timers'])
    const admin = async <T>(route: string, method = 'GET', body?: unknown): Promise<T> => {
      const res = await fetch(`${url}/__admin/${route}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      })
      const text = await res.text()
      if (!res.ok) throw new Error(`admin ${route} failed (${res.status}): ${text.slice(0, 300)}`)
      return JSON.parse(text) as T
    }
    const call = async <T>(openid: string, action: string, payload: object): Promise<T> => {
      const res = await fetch(`${url}/functions/care`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
        body: JSON.stringify({ action, payload }),
      })
      const env = (await res.json()) as Envelope<T>
      if (!env.ok) throw new Error(`${action} failed: ${env.code} ${env.message}`)
      return env.data
    }
    const lastCall = async () =>
      (await admin<{ calls: CallRecord[] }>('calls?function=care')).calls.filter((c) => c.source === 'wx_client').at(-1)

    /** `runs` calls after a warm-up: median and p95 ms, and the last call's round trips. */
    const measure = async <T>(name: string, openid: string, action: string, payload: object) => {
      let out = await call<T>(openid, action, payload)
      const ms: number[] = []
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now()
        out = await call<T>(openid, action, payload)
        ms.push(performance.now() - t0)
      }
      const last = await lastCall()
      const trips = last?.db.calls ?? NaN
      figures.push(
        {
          name: `${name}.ms.p50`,
          value: median(ms),
          unit: 'ms',
          params: { lastInFunctionMs: last?.durationMs ?? NaN },
        },
        { name: `${name}.ms.p95`, value: percentile(ms, 95), unit: 'ms' },
        { name: `${name}.dbTrips`, value: trips, unit: 'round trips' },
      )
      log(`  ${name}: p50 ${median(ms).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms, ${trips} round trips`)
      return out
    }

    try {
      await admin('clock', 'POST', { at: shanghai('10:00').toISOString() })
      const dataset = demoDataset({ now: shanghai('10:00').getTime() })
      const loaded = await loadDataset(url, dataset)
      log(`imported ${loaded.documents} documents in ${loaded.ms} ms`)
      const communityId = DEMO_COMMUNITY.communityId
      const roles = (dataset.collections.roles as RoleDoc[]).filter((r) => r.communityId === communityId)
      const households = (dataset.collections.households as HouseholdDoc[]).filter((h) => h.communityId === communityId)
      const flaggedIn = (buildingIds: readonly string[]) =>
        households
          .filter((h) => buildingIds.includes(h.buildingId))
          .reduce((n, h) => n + h.members.filter((m) => m.flags.length > 0).length, 0)
      const committee = roles.find((r) => r.role === 'committee')?.openid as string
      const leads = roles.filter((r) => r.role === 'buildingLead')
      const lead = leads.sort(
        (a, b) => flaggedIn([b.scope.buildingId as string]) - flaggedIn([a.scope.buildingId as string]),
      )[0] as RoleDoc
      const busiest = lead.scope.buildingId as string
      const volunteer = roles
        .filter((r) => r.role === 'volunteer' && r.volunteerType === 'building')
        .sort((a, b) => flaggedIn(b.posts ?? []) - flaggedIn(a.posts ?? []))[0] as RoleDoc
      const flagged = households.reduce((n, h) => n + h.members.filter((m) => m.flags.length > 0).length, 0)
      log(`${households.length} households, ${flagged} flagged residents`)
      figures.push({ name: 'flaggedResidents', value: flagged, unit: 'people' })

      const leadList = await measure<CareListView>('list.buildingLead', lead.openid, 'careList', { communityId })
      figures.push({ name: 'list.buildingLead.people', value: leadList.people.length, unit: 'people' })
      const byBuilding = await measure<CareListView>('list.committeeBuilding', committee, 'careList', {
        communityId,
        buildingId: busiest,
      })
      figures.push({ name: 'list.committeeBuilding.people', value: byBuilding.people.length, unit: 'people' })
      const vList = await measure<CareListView>('list.volunteer', volunteer.openid, 'careList', { communityId })
      figures.push(
        { name: 'list.volunteer.people', value: vList.people.length, unit: 'people' },
        { name: 'list.volunteer.posts', value: (volunteer.posts ?? []).length, unit: 'buildings' },
      )
      const overview = await measure<CareOverviewView>('overview', committee, 'careOverview', { communityId })
      figures.push(
        { name: 'overview.buildings', value: overview.buildings.length, unit: 'buildings' },
        { name: 'overview.people', value: overview.totals.people, unit: 'people' },
        { name: 'overview.overdue', value: overview.totals.overdue, unit: 'people' },
      )
      const hours = await measure<VolunteerHoursPage>('hours', committee, 'volunteerHours', { communityId })
      figures.push({ name: 'hours.volunteers', value: hours.volunteers.length, unit: 'volunteers' })

      // Checks one after another by the building lead (each a new requestId), down their list.
      const ms: number[] = []
      const people = leadList.people.slice(0, Number(params.checks))
      for (const [i, p] of people.entries()) {
        const t0 = performance.now()
        await call(lead.openid, 'recordCheck', {
          householdId: p.householdId,
          memberId: p.memberId,
          how: 'phone',
          result: 'safe',
          requestId: `bench-check-${i.toString().padStart(4, '0')}`,
        })
        ms.push(performance.now() - t0)
      }
      const recordTrips = (await lastCall())?.db.calls ?? NaN
      figures.push(
        { name: 'record.ms.p50', value: median(ms), unit: 'ms', params: { checks: people.length } },
        { name: 'record.ms.p95', value: percentile(ms, 95), unit: 'ms' },
        { name: 'record.dbTrips', value: recordTrips, unit: 'round trips' },
      )
      log(`  record: p50 ${median(ms).toFixed(1)} ms, ${recordTrips} round trips`)

      // The morning run at 08:30 the next day: every community, every lead's and volunteer's count.
      await admin('clock', 'POST', { at: new Date(shanghai('08:30').getTime() + 86_400_000).toISOString() })
      await admin('calls', 'DELETE')
      const t0 = performance.now()
      const run = await admin<{ result: Envelope<{ morning: { communities: number; queued: number } }> }>(
        'functions/care/trigger',
        'POST',
        {},
      )
      const timerMs = performance.now() - t0
      const timer = (await admin<{ calls: CallRecord[] }>('calls?function=care')).calls.at(-1)
      if (!run.result.ok) throw new Error(`timer failed: ${run.result.message}`)
      figures.push(
        {
          name: 'morning.ms',
          value: timerMs,
          unit: 'ms',
          params: { communities: run.result.data.morning.communities },
        },
        { name: 'morning.dbTrips', value: timer?.db.calls ?? NaN, unit: 'round trips' },
        { name: 'morning.notices', value: run.result.data.morning.queued, unit: 'notices' },
      )
      log(
        `  morning: ${timerMs.toFixed(0)} ms, ${timer?.db.calls} round trips, ${run.result.data.morning.queued} notices`,
      )
      return figures
    } finally {
      await server.stop()
    }
  },
})
