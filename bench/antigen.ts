// Antigen figures through the client gateway, against a durable localcloud running the built functions:
// 1. one 钟楼新村 round (1,506 households) submitted by concurrent clients, ~10% of households twice (a retry),
//    checked afterwards for lost / duplicated households and gaps in every building's chain numbers;
// 2. the committee's roll-up table at 1,506 households and at 150,000 (chains with entries, loaded by the bench);
// 3. a building lead's chain view.
// Database round trips come from the emulator's call log (`GET /__admin/calls`). The emulator runs as its own
// process; wx-server-sdk in this one uploads photos and reads the chains back for the checks.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { freePort, spawnLocalCloud, useLocalCloudSdk } from '../localcloud/spawn'
import { bundleFunctions } from '../scripts/lib/functions'
import { FUNCTIONS_ROOT } from '../scripts/lib/paths'
import { CONSENTS } from '../server/community/consent'
import { DEMO_COMMUNITY, demoDataset, GROUP_SIZE, VOLUNTEER_CAPS } from '../scripts/demo/generate'
import { loadCollections } from '../scripts/demo/load'
import { createRng, type Rng } from '../scripts/demo/random'
import { shanghaiDay } from '../server/kernel/time'
import type { ChainDoc, ChainEntryDoc, MemberResultDoc, RoundDoc } from '../server/antigen/model'
import type { CommunityDoc, HouseholdDoc, RoleDoc } from '../server/community/model'
import type {
  AntigenResult,
  ChainView,
  Envelope,
  MemberResultInput,
  MySubmissionView,
  RoundTable,
  RoundView,
} from '../typings/api'
import { defineBench, percentile, type Figure } from './lib'

import type * as WxServerSdkModule from 'wx-server-sdk'
import { newChain } from '../server/antigen/rules'

type WxServerSdk = typeof WxServerSdkModule

interface CallRecord {
  function: string
  source: string
  openid: string | null
  durationMs: number
  ok: boolean
  error: string | null
  db: { calls: number; read: number; written: number; byAction: Record<string, number> }
}

/** What one household sends: who, and each member's result with its photo. */
interface Plan {
  household: HouseholdDoc
  openid: string
  /** The building lead submits for a household with no linked WeChat user (代报). */
  byLead: boolean
  /** The entry is marked 代报: sent by the lead or by a 代管 relative. */
  proxy: boolean
  members: MemberResultInput[]
  /** undefined: submitted once; 'after': sent again once the first reply arrived; 'concurrent': double tap. */
  retry?: 'after' | 'concurrent'
}

const UNTESTED_REASONS = ['外出未归', '卧床不便', '婴儿未测', '已在医院检测', '试剂用完']
const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁']
const GIVEN = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文晓东海波辉燕']

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Runs `work` over `items` with at most `width` at a time. */
async function pool<T>(items: readonly T[], width: number, work: (item: T, i: number) => Promise<void>) {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await work(items[i] as T, i)
    }),
  )
}

function pickResult(rng: Rng): AntigenResult {
  return rng.weighted<AntigenResult>([
    ['negative', 92],
    ['positive', 1.5],
    ['invalid', 2.5],
    ['untested', 4],
  ])
}

/** A few KB that start like a JPEG. */
function fakeJpeg(rng: Rng): Buffer {
  const bytes = Buffer.alloc(rng.int(2048, 6144))
  for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(0, 255)
  bytes.set([0xff, 0xd8, 0xff, 0xe0], 0)
  bytes.set([0xff, 0xd9], bytes.length - 2)
  return bytes
}

/** The 15-minute timer: started 20–40 minutes ago, photo after 15–20 minutes (a few early ones). */
function timing(rng: Rng, now: number): { startedAt: string; photoAt: string } {
  const started = now - rng.int(20, 40) * 60_000
  const wait = rng.chance(0.03) ? rng.int(8, 14) : rng.int(15, 20)
  return { startedAt: new Date(started).toISOString(), photoAt: new Date(started + wait * 60_000).toISOString() }
}

const countsOf = (members: { result: AntigenResult }[]) => {
  const c = { people: 0, negative: 0, positive: 0, invalid: 0, untested: 0 }
  for (const m of members) {
    c[m.result]++
    if (m.result !== 'untested') c.people++
  }
  return c
}

/**
 * One building of the large community: its chain with realistic entries for `households` households, of which
 * about 96% submitted.
 */
function bigChain(
  b: number,
  households: number,
  ids: {
    communityId: string
    roundId: string
    date: string
    deadline: Date
    openedAt: Date
    buildingCount: number
    photoPrefix: string
  },
  rng: Rng,
): ChainDoc {
  const group = Math.floor(b / GROUP_SIZE)
  const buildingId = `${ids.communityId}-b${b + 1}`
  const chain = newChain(
    {
      _id: ids.roundId,
      communityId: ids.communityId,
      date: ids.date,
      deadline: ids.deadline,
      notice: '请在 12 点前完成抗原自测并拍照上传',
      allBuildings: true,
      openedAt: ids.openedAt,
      buildingCount: ids.buildingCount,
    },
    { _id: buildingId, groupId: `${ids.communityId}-g${group + 1}`, name: `${b + 1}号`, order: b },
    `第${group + 1}营`,
    households,
  )
  const now = ids.deadline.getTime() - 3 * 3600_000
  for (let h = 0; h < households; h++) {
    if (!rng.chance(0.96)) continue
    const householdId = `hh_${(b * 64 + h).toString(16).padStart(24, '0')}`
    const floor = 1 + Math.floor(h / 2)
    const members: MemberResultDoc[] = Array.from({ length: rng.int(1, 4) }, (_, m) => {
      const result = pickResult(rng)
      const memberId = `m_${(b * 512 + h * 8 + m).toString(16).padStart(8, '0')}`
      const doc: MemberResultDoc = {
        memberId,
        name: `${rng.pick(SURNAMES)}${rng.pick(GIVEN)}${rng.pick(GIVEN)}`,
        result,
      }
      if (result === 'untested') doc.reason = rng.pick(UNTESTED_REASONS)
      else {
        doc.photo = `${ids.photoPrefix}/antigen/${ids.roundId}/${householdId}/${memberId}-x.jpg`
        doc.photoSize = rng.int(40_000, 300_000)
        Object.assign(doc, timing(rng, now))
      }
      return doc
    })
    const counts = countsOf(members)
    const at = new Date(now + rng.int(0, 7200) * 1000)
    const entry: ChainEntryDoc = {
      no: ++chain.seq,
      householdId,
      room: `${floor}0${1 + (h % 2)}`,
      submittedAt: at,
      updatedAt: at,
      by: `big-o-${b}-${h}`,
      proxy: rng.chance(0.05),
      members,
      counts,
    }
    chain.entries[householdId] = entry
    chain.submitted++
    for (const k of ['people', 'negative', 'positive', 'invalid', 'untested'] as const) chain[k] += counts[k]
    chain.version++
  }
  chain.confirmed = chain.submitted === households && rng.chance(0.3)
  return chain
}

export default defineBench({
  description:
    'antigen round through the client gateway: concurrent submissions (checked for lost/duplicated/gaps), table and chain views, table at 150k households',
  defaults: {
    clients: 200,
    /** Share of households whose submission is sent twice (half after the reply, half as a double tap). */
    retryShare: 0.1,
    households150k: 150000,
    perBuilding: 11,
    tableCalls: 20,
    chainCalls: 20,
    /** Chain documents per SDK add() when loading the large community. */
    batch: 500,
    maxInstances: 16,
    /** Run a few calls on every function instance before measuring, so cold starts stay out of the latencies. */
    warm: true,
    seed: 'antigen-bench',
    /**
     * Share of chain updates the emulator fails with SYS_ERR during the submissions (default none). Any value above
     * 0 loses households, and the bench must then fail: a check of its own checks.
     */
    faultRate: 0,
  },
  async run(params, log) {
    const figures: Figure[] = []
    const clients = Number(params.clients)
    const maxInstances = Number(params.maxInstances)
    const rng = createRng(String(params.seed))

    log('bundling cloud functions')
    for (const b of await bundleFunctions()) log(`  ${b.name}: ${(b.bytes / 1024).toFixed(1)} KB`)

    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'antigen-bench-'))
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    useLocalCloudSdk(url)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cloud = require('wx-server-sdk') as WxServerSdk
    cloud.init({ env: 'local' })
    const db = cloud.database()
    const args = [
      '--data',
      dataDir,
      '--functions',
      FUNCTIONS_ROOT,
      '--no-timers',
      '--max-instances',
      String(maxInstances),
    ]
    const server = await spawnLocalCloud(port, args)

    const admin = async <T>(route: string, method = 'GET', body?: unknown): Promise<T> => {
      const res = await fetch(`${url}/__admin/${route}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      })
      const text = await res.text()
      if (!res.ok) throw new Error(`admin ${route} failed (${res.status}): ${text.slice(0, 300)}`)
      return JSON.parse(text) as T
    }
    // The client's invocations only: the push queue's drains are the function calling itself (source …,scf).
    const calls = async () =>
      (await admin<{ calls: CallRecord[] }>('calls?function=antigen')).calls.filter((c) => c.source === 'wx_client')
    const clearCalls = () => admin('calls', 'DELETE')
    /** One call through the client gateway, as the mini-program makes it. */
    const call = async <T>(openid: string, action: string, payload: object) => {
      const res = await fetch(`${url}/functions/antigen`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
        body: JSON.stringify({ action, payload }),
      })
      const body = (await res.json()) as Envelope<T> | { errCode: number; errMsg: string }
      if (res.status !== 200 || !('ok' in body))
        return { ok: false as const, code: `HTTP_${res.status}`, message: JSON.stringify(body) }
      return body
    }
    const ok = async <T>(openid: string, action: string, payload: object): Promise<T> => {
      const r = await call<T>(openid, action, payload)
      if (!r.ok) throw new Error(`${action} as ${openid} failed: ${r.code} ${r.message}`)
      return r.data
    }
    const timedCalls = async <T>(n: number, fn: (i: number) => Promise<T>) => {
      const ms: number[] = []
      let last: T | undefined
      for (let i = 0; i < n; i++) {
        const t0 = performance.now()
        last = await fn(i)
        ms.push(performance.now() - t0)
      }
      return { ms, last: last as T }
    }

    try {
      // ---------- data: the demo communities, every resident grant with the health consent ----------
      const dataset = demoDataset()
      const { collections } = dataset
      for (const r of collections.roles) if (r.role === 'resident') r.healthConsent = CONSENTS.health.version
      const communityId = DEMO_COMMUNITY.communityId
      const households = collections.households.filter((h) => h.communityId === communityId && h.members.length > 0)
      const roles = collections.roles.filter((r) => r.communityId === communityId)
      const committee = roles.find((r) => r.role === 'committee')?.openid
      if (!committee) throw new Error('the demo has no committee member')
      const leadOf = new Map(roles.filter((r) => r.role === 'buildingLead').map((r) => [r.scope.buildingId, r.openid]))
      /** `openid|householdId` → whether that resident grant is a 代管 (proxy) one. */
      const residentGrant = new Map(
        roles.filter((r) => r.role === 'resident').map((r) => [`${r.openid}|${r.scope.householdId ?? ''}`, !!r.proxy]),
      )

      // The large community: its community document, committee member and open round now (import replaces all
      // data); its chains are added after the 1,506-household figures, so they do not slow those down.
      const big = {
        communityId: 'c-bench-150k',
        roundId: 'rnd_bench150k',
        committee: 'bench150k-committee-1',
        date: shanghaiDay(Date.now()),
        deadline: new Date(Date.now() + 6 * 3600_000),
      }
      const bigHouseholds = Number(params.households150k)
      const bigBuildings = Math.ceil(bigHouseholds / Number(params.perBuilding))
      const bigCommunity: CommunityDoc = {
        _id: big.communityId,
        name: '大型社区（基准）',
        settings: { groupSize: GROUP_SIZE, volunteerCaps: { ...VOLUNTEER_CAPS } },
        createdAt: new Date(),
      }
      const bigRole: RoleDoc = {
        _id: 'role_bench150k_committee_1',
        openid: big.committee,
        communityId: big.communityId,
        role: 'committee',
        scope: { communityId: big.communityId },
        grantedBy: big.committee,
        grantedAt: new Date(),
      }
      const bigRound: RoundDoc = {
        _id: big.roundId,
        communityId: big.communityId,
        date: big.date,
        deadline: big.deadline,
        notice: '请在 12 点前完成抗原自测并拍照上传',
        status: 'open',
        allBuildings: true,
        buildingIds: Array.from({ length: bigBuildings }, (_, b) => `${big.communityId}-b${b + 1}`),
        openedBy: big.committee,
        openedAt: new Date(),
      }
      collections.communities.push(bigCommunity)
      collections.roles.push(bigRole)
      const loaded = await loadCollections(url, { ...collections, rounds: [bigRound] })
      log(`imported ${loaded.documents} documents in ${loaded.ms} ms`)

      // ---------- the round and its photos ----------
      const round = await ok<RoundView>(committee, 'openRound', {
        communityId,
        date: shanghaiDay(Date.now()),
        deadline: new Date(Date.now() + 3 * 3600_000).toISOString(),
        notice: '请各户在 12 点前完成抗原自测，拍照上传',
      })
      if (round.buildingCount !== DEMO_COMMUNITY.buildings)
        throw new Error(`round opened ${round.buildingCount} buildings, expected ${DEMO_COMMUNITY.buildings}`)
      log(`round ${round.id}: ${round.buildingCount} buildings, ${households.length} households`)

      const now = Date.now()
      const photos: { cloudPath: string; content: Buffer; set: (fileID: string) => void }[] = []
      const plans: Plan[] = households.map((household) => {
        const linked = household.linkedOpenids.find((o) => residentGrant.has(`${o}|${household._id}`))
        const lead = leadOf.get(household.buildingId)
        const openid = linked ?? lead ?? committee
        const members = household.members.map((m) => {
          const result = pickResult(rng)
          const input: MemberResultInput = { memberId: m.id, result }
          if (result === 'untested') input.reason = rng.pick(UNTESTED_REASONS)
          else {
            const content = fakeJpeg(rng)
            input.photoSize = content.length
            Object.assign(input, timing(rng, now))
            photos.push({
              cloudPath: `antigen/${round.id}/${household._id}/${m.id}-x.jpg`,
              content,
              set: (fileID) => (input.photo = fileID),
            })
          }
          return input
        })
        const proxy = !linked || residentGrant.get(`${linked}|${household._id}`) === true
        return { household, openid, byLead: !linked, proxy, members }
      })
      const retryCount = Math.round(plans.length * Number(params.retryShare))
      rng
        .shuffle(plans.map((_, i) => i))
        .slice(0, retryCount)
        .forEach((i, k) => ((plans[i] as Plan).retry = k % 2 === 0 ? 'after' : 'concurrent'))
      const queue = rng.shuffle(plans)

      log(`uploading ${photos.length} photos with cloud.uploadFile`)
      const up0 = performance.now()
      await pool(photos, 32, async (p) => {
        const { fileID } = (await cloud.uploadFile({ cloudPath: p.cloudPath, fileContent: p.content })) as {
          fileID: string
        }
        p.set(fileID)
      })
      const uploadSeconds = (performance.now() - up0) / 1000
      log(`  ${(photos.length / uploadSeconds).toFixed(0)} photos/s`)
      // cloud://<env>.<bucket>: the big community's entries carry photo fileIDs of the same shape.
      const anyPhoto = plans.flatMap((p) => p.members).find((m) => m.photo)?.photo ?? ''
      const fileIdPrefix = anyPhoto.slice(0, anyPhoto.indexOf('/antigen/'))

      if (params.warm) {
        log(`warming ${maxInstances} function instances`)
        for (let k = 0; k < 3; k++)
          await Promise.all(
            Array.from({ length: maxInstances }, () => ok(committee, 'listRounds', { communityId, limit: 1 })),
          )
      }

      // ---------- 1. submissions ----------
      await clearCalls()
      log(
        `submitting ${plans.length} households from ${clients} clients (${plans.filter((p) => p.byLead).length} by the building lead, ${retryCount} sent twice)`,
      )
      const latencies: number[] = []
      const errors = new Map<string, number>()
      const replies = new Map<string, number[]>()
      let invocations = 0
      const submitOnce = async (plan: Plan) => {
        invocations++
        const t0 = performance.now()
        const r = await call<MySubmissionView>(plan.openid, 'submit', {
          roundId: round.id,
          householdId: plan.household._id,
          members: plan.members,
        })
        latencies.push(performance.now() - t0)
        if (!r.ok) {
          const key = `${r.code}${r.code.startsWith('HTTP') ? ` ${r.message.slice(0, 120)}` : ''}`
          errors.set(key, (errors.get(key) ?? 0) + 1)
          return
        }
        const list = replies.get(plan.household._id) ?? []
        list.push(r.data.no ?? -1)
        replies.set(plan.household._id, list)
      }
      const faultRate = Number(params.faultRate)
      if (faultRate > 0)
        await admin('faults', 'POST', { errorRate: faultRate, actions: ['database.modifyDocument'], seed: 1 })
      const t0 = performance.now()
      await pool(queue, clients, async (plan) => {
        if (plan.retry === 'concurrent') await Promise.all([submitOnce(plan), submitOnce(plan)])
        else {
          await submitOnce(plan)
          if (plan.retry === 'after') await submitOnce(plan)
        }
      })
      const seconds = (performance.now() - t0) / 1000
      if (faultRate > 0) await admin('faults', 'DELETE')
      const submitErrors = [...errors.values()].reduce((a, b) => a + b, 0)
      if (submitErrors) log(`  non-ok replies: ${JSON.stringify(Object.fromEntries(errors))}`)

      // Round trips per invocation, from the emulator's call log: a retried compare-and-set is one more update.
      await sleep(50)
      const submitCalls = await calls()
      if (submitCalls.length !== invocations)
        log(`  warning: ${submitCalls.length} call records for ${invocations} submit invocations`)
      const good = submitCalls.filter((c) => c.ok)
      const trips = good.map((c) => c.db.calls)
      const casRetries = good.map((c) => Math.max(0, (c.db.byAction['database.modifyDocument'] ?? 0) - 1))
      const firstTry = good.map((c, i) => c.db.calls - 2 * (casRetries[i] as number))
      const withRetry = casRetries.filter((n) => n > 0).length
      const over4 = firstTry.filter((n) => n > 4).length
      const abnormalHouseholds = plans.filter((p) => p.members.some((m) => m.result === 'positive')).length
      const heavy = good.find((_, i) => (firstTry[i] as number) > 4)
      if (heavy)
        log(
          `  ${over4} submit invocations above 4 round trips without a CAS retry, e.g. ${JSON.stringify(heavy.db.byAction)}`,
        )

      figures.push(
        {
          name: 'submit.throughput',
          value: plans.length / seconds,
          unit: 'households/s',
          params: { clients, households: plans.length, invocations, seconds: Number(seconds.toFixed(2)) },
        },
        { name: 'submit.p50', value: percentile(latencies, 50), unit: 'ms', params: { invocations } },
        { name: 'submit.p95', value: percentile(latencies, 95), unit: 'ms', params: { invocations } },
        {
          name: 'submit.invocation.p50',
          value: percentile(
            good.map((c) => c.durationMs),
            50,
          ),
          unit: 'ms',
          params: {
            p95: percentile(
              good.map((c) => c.durationMs),
              95,
            ),
            note: 'inside the function (call log); the rest of submit.p50 is waiting for one of maxInstances',
          },
        },
        {
          name: 'submit.dbRoundTrips.max',
          value: Math.max(...trips),
          unit: 'round trips',
          params: { invocations: good.length, note: 'per invocation, CAS retries included' },
        },
        { name: 'submit.dbRoundTrips.p50', value: percentile(trips, 50), unit: 'round trips' },
        {
          name: 'submit.dbRoundTrips.maxWithoutCasRetry',
          value: Math.max(...firstTry),
          unit: 'round trips',
          params: {
            over4: over4,
            abnormalHouseholds,
            note: 'round trips minus 2 per CAS retry; >4 = abnormal result (its notice is one queue write)',
          },
        },
        {
          name: 'submit.casRetries',
          value: withRetry,
          unit: 'invocations',
          params: {
            retriesTotal: casRetries.reduce((a, b) => a + b, 0),
            maxInOneInvocation: Math.max(0, ...casRetries),
          },
        },
        {
          name: 'submit.errors',
          value: submitErrors,
          unit: 'replies',
          params: submitErrors ? { codes: JSON.stringify(Object.fromEntries(errors)) } : {},
        },
      )

      // ---------- checks: every household exactly once, chain numbers 1..n, counters, idempotent retries ----------
      const chains = (
        (await db.collection('chains').where({ roundId: round.id }).limit(1000).get()) as unknown as {
          data: ChainDoc[]
        }
      ).data
      const entryBytes = (cs: ChainDoc[]) => {
        const entries = cs.flatMap((c) => Object.values(c.entries))
        return Math.round(Buffer.byteLength(JSON.stringify(entries)) / Math.max(1, entries.length))
      }
      log(`  submitted entries: ${entryBytes(chains)} bytes each on average (JSON)`)
      if (chains.length !== round.buildingCount)
        throw new Error(`read ${chains.length} chains, expected ${round.buildingCount}`)
      const seen = new Map<string, { chain: ChainDoc; entry: ChainEntryDoc }[]>()
      let chainGaps = 0
      let counterMismatch = 0
      const gapDetails: string[] = []
      for (const chain of chains) {
        const entries = Object.values(chain.entries)
        for (const entry of entries)
          seen.set(entry.householdId, [...(seen.get(entry.householdId) ?? []), { chain, entry }])
        const nos = entries.map((e) => e.no).sort((a, b) => a - b)
        const exact = nos.every((n, i) => n === i + 1) && chain.seq === nos.length && chain.submitted === nos.length
        if (!exact) {
          chainGaps++
          gapDetails.push(`${chain.buildingName}: seq ${chain.seq}, submitted ${chain.submitted}, nos ${nos.join(',')}`)
        }
        const sum = countsOf(entries.flatMap((e) => e.members))
        if ((['people', 'negative', 'positive', 'invalid', 'untested'] as const).some((k) => sum[k] !== chain[k]))
          counterMismatch++
      }
      let lost = 0
      let duplicated = 0
      let misplaced = 0
      let wrongContent = 0
      let renumbered = 0
      const expected = { people: 0, negative: 0, positive: 0, invalid: 0, untested: 0 }
      for (const plan of plans) {
        const where = seen.get(plan.household._id) ?? []
        if (where.length === 0) lost++
        duplicated += Math.max(0, where.length - 1)
        const found = where[0]
        const sent = countsOf(plan.members)
        for (const k of Object.keys(expected) as (keyof typeof expected)[]) expected[k] += sent[k]
        if (!found) continue
        if (found.chain.buildingId !== plan.household.buildingId) misplaced++
        const stored = found.entry.members.map((m) => `${m.memberId}:${m.result}:${m.photo ?? m.reason ?? ''}`)
        const wanted = plan.members.map((m) => `${m.memberId}:${m.result}:${m.photo ?? m.reason ?? ''}`)
        if (stored.join('|') !== wanted.join('|') || found.entry.proxy !== plan.proxy) wrongContent++
        const nos = replies.get(plan.household._id) ?? []
        if (nos.some((n) => n !== found.entry.no)) renumbered++
      }
      figures.push(
        { name: 'lost', value: lost, unit: 'households', params: { households: plans.length } },
        { name: 'duplicated', value: duplicated, unit: 'households' },
        { name: 'chainGaps', value: chainGaps, unit: 'buildings', params: { buildings: chains.length } },
        {
          name: 'submit.retriesSameNumber',
          value: plans.filter((p) => p.retry && (replies.get(p.household._id) ?? []).length === 2).length - renumbered,
          unit: 'households',
          params: { sentTwice: retryCount, note: 'both replies of a retried household carry its chain number' },
        },
      )
      const problems = [
        lost && `${lost} households lost`,
        duplicated && `${duplicated} households duplicated`,
        chainGaps && `${chainGaps} chains not numbered 1..n (${gapDetails.slice(0, 5).join('; ')})`,
        misplaced && `${misplaced} households in another building's chain`,
        wrongContent && `${wrongContent} households stored with other results than sent`,
        counterMismatch && `${counterMismatch} chains whose counters differ from their entries`,
        renumbered && `${renumbered} households answered with a chain number other than the stored one`,
      ].filter(Boolean)
      if (problems.length) {
        for (const f of figures) log(`  ${f.name} = ${f.value}`)
        throw new Error(`antigen submissions are wrong: ${problems.join('; ')}`)
      }

      // ---------- 2. the committee's table at 1,506 households ----------
      const checkTable = (t: RoundTable, what: string, want: { buildings: number; expected: number }) => {
        if (t.rows.length !== want.buildings || t.total.expected !== want.expected)
          throw new Error(`${what}: ${t.rows.length} rows / ${t.total.expected} expected, want ${JSON.stringify(want)}`)
      }
      await clearCalls()
      const table = await timedCalls(Number(params.tableCalls), () =>
        ok<RoundTable>(committee, 'table', { roundId: round.id }),
      )
      checkTable(table.last, 'table', { buildings: round.buildingCount, expected: plans.length })
      const t = table.last.total
      if (
        t.submitted !== plans.length ||
        (Object.keys(expected) as (keyof typeof expected)[]).some((k) => t[k] !== expected[k])
      )
        throw new Error(`table totals ${JSON.stringify(t)} differ from what was sent ${JSON.stringify(expected)}`)
      const tableCallLog = await calls()
      const tableTrips = tableCallLog.map((c) => c.db.calls)
      figures.push(
        {
          name: 'table.dbRoundTrips',
          value: Math.max(...tableTrips),
          unit: 'round trips',
          params: { households: plans.length, buildings: round.buildingCount, min: Math.min(...tableTrips) },
        },
        {
          name: 'table.ms',
          value: percentile(table.ms, 50),
          unit: 'ms',
          params: {
            households: plans.length,
            calls: table.ms.length,
            p95: Number(percentile(table.ms, 95).toFixed(1)),
            invocationP50: percentile(
              tableCallLog.map((c) => c.durationMs),
              50,
            ),
          },
        },
      )

      // ---------- 3. a building lead's chain view ----------
      await clearCalls()
      const buildings = collections.buildings
        .filter((b) => b.communityId === communityId)
        .sort((a, b) => a.order - b.order)
      const chainView = await timedCalls(Number(params.chainCalls), async (i) => {
        const b = buildings[i % buildings.length] as (typeof buildings)[number]
        const view = await ok<ChainView>(leadOf.get(b._id) as string, 'chain', { roundId: round.id, buildingId: b._id })
        const inBuilding = plans.filter((p) => p.household.buildingId === b._id).length
        if (!view.detailed || view.entries.length !== inBuilding || view.missing.length !== 0)
          throw new Error(`chain of ${b.name}: ${view.entries.length} entries, want ${inBuilding}`)
        return view
      })
      const chainTrips = (await calls()).map((c) => c.db.calls)
      figures.push(
        {
          name: 'chain.ms',
          value: percentile(chainView.ms, 50),
          unit: 'ms',
          params: {
            calls: chainView.ms.length,
            householdsPerBuilding: Number((plans.length / buildings.length).toFixed(1)),
            p95: Number(percentile(chainView.ms, 95).toFixed(1)),
          },
        },
        { name: 'chain.dbRoundTrips', value: Math.max(...chainTrips), unit: 'round trips' },
      )

      // ---------- 2b. the table at 150,000 households ----------
      log(`adding ${bigBuildings} chains with ${bigHouseholds} households (entries included) through the SDK`)
      const bigRng = createRng(`${String(params.seed)}|150k`)
      const base = Math.floor(bigHouseholds / bigBuildings)
      const extra = bigHouseholds % bigBuildings
      const load0 = performance.now()
      let bytes = 0
      let bigSubmitted = 0
      const batch = Number(params.batch)
      for (let from = 0; from < bigBuildings; from += batch) {
        const docs: ChainDoc[] = []
        for (let b = from; b < Math.min(bigBuildings, from + batch); b++) {
          const doc = bigChain(
            b,
            base + (b < extra ? 1 : 0),
            { ...big, openedAt: bigRound.openedAt, buildingCount: bigBuildings, photoPrefix: fileIdPrefix },
            bigRng,
          )
          bigSubmitted += doc.submitted
          docs.push(doc)
        }
        if (from === 0) log(`  generated entries: ${entryBytes(docs)} bytes each on average (JSON)`)
        bytes += Buffer.byteLength(JSON.stringify(docs))
        await db.collection('chains').add({ data: docs })
      }
      const loadMs = performance.now() - load0
      const { total: stored } = (await db.collection('chains').where({ roundId: big.roundId }).count()) as {
        total: number
      }
      if (stored !== bigBuildings) throw new Error(`stored ${stored} chains of ${bigBuildings}`)
      log(`  ${(bytes / 2 ** 20).toFixed(1)} MiB of chain documents in ${(loadMs / 1000).toFixed(1)} s`)

      await clearCalls()
      const bigTable = await timedCalls(Number(params.tableCalls), () =>
        ok<RoundTable>(big.committee, 'table', { roundId: big.roundId }),
      )
      checkTable(bigTable.last, 'table 150k', { buildings: bigBuildings, expected: bigHouseholds })
      if (bigTable.last.total.submitted !== bigSubmitted)
        throw new Error(`table 150k: ${bigTable.last.total.submitted} submitted, want ${bigSubmitted}`)
      const bigCalls = await calls()
      // The emulator's share: the same pages of counters, read through the SDK from here.
      const pages0 = performance.now()
      for (let skip = 0; ; skip += 1000) {
        const page = (await db
          .collection('chains')
          .where({ roundId: big.roundId })
          .orderBy('_id', 'asc')
          .skip(skip)
          .limit(1000)
          .field({ entries: false })
          .get()) as unknown as { data: unknown[] }
        if (page.data.length < 1000) break
      }
      log(`  the table's chain pages read directly through the SDK: ${(performance.now() - pages0).toFixed(0)} ms`)
      const bigTrips = bigCalls.map((c) => c.db.calls)
      const replyKiB = Buffer.byteLength(JSON.stringify(bigTable.last)) / 1024
      figures.push(
        {
          name: 'table.ms.150k',
          value: percentile(bigTable.ms, 50),
          unit: 'ms',
          params: {
            households: bigHouseholds,
            buildings: bigBuildings,
            submitted: bigSubmitted,
            calls: bigTable.ms.length,
            p95: Number(percentile(bigTable.ms, 95).toFixed(1)),
            replyKiB: Math.round(replyKiB),
            invocationP50: percentile(
              bigCalls.map((c) => c.durationMs),
              50,
            ),
          },
        },
        {
          name: 'table.dbRoundTrips.150k',
          value: Math.max(...bigTrips),
          unit: 'round trips',
          params: {
            households: bigHouseholds,
            buildings: bigBuildings,
            min: Math.min(...bigTrips),
            docsRead: Math.max(...bigCalls.map((c) => c.db.read)),
            note: '1 grants + 1 round + floor(buildings/1000)+1 chain pages',
          },
        },
        {
          name: 'load150k.ms',
          value: loadMs,
          unit: 'ms',
          params: { chainMiB: Number((bytes / 2 ** 20).toFixed(1)), batch },
        },
      )
    } finally {
      await server.stop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
    return figures
  },
})
