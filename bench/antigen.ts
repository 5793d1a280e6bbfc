// Antigen figures through the client gateway, against a durable localcloud running the built functions:
// 1. one 钟楼新村 round (1,506 households) submitted by concurrent clients, ~10% of households twice (a retry), then
//    waited for until the sequencer merged every intake document, and checked for lost / duplicated households,
//    gaps in every building's chain numbers and counters; optionally with database faults (`faultRate`), which
//    the client answers by retrying as a user's second tap does;
// 2. the committee's roll-up table at 1,506 households and at 150,000 (chains with entries, loaded by the bench);
// 3. a building lead's chain view;
// 4. a high-rise: one building of 1,000 households submitting at once, through the same submit / settle / checks.
// Database round trips come from the emulator's call log (`GET /__admin/calls`): a submission's own (source
// wx_client), and the sequencers' and push drains' it set off (source …,scf). The emulator runs as its own
// process; wx-server-sdk in this one uploads photos and reads the intake and the chains back for the checks.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { freePort, spawnLocalCloud, useLocalCloudSdk } from '../localcloud/spawn'
import { bundleFunctions } from '../scripts/lib/functions'
import { FUNCTIONS_ROOT } from '../scripts/lib/paths'
import { CONSENTS } from '../server/community/consent'
import { householdId as householdIdOf, roleId, sha256 } from '../server/community/ids'
import { groupName } from '../server/community/structure'
import { DEMO_COMMUNITY, demoDataset, GROUP_SIZE, VOLUNTEER_CAPS } from '../scripts/demo/generate'
import { loadCollections } from '../scripts/demo/load'
import { createRng, type Rng } from '../scripts/demo/random'
import { shanghaiDay } from '../server/kernel/time'
import type { ChainDoc, ChainEntryDoc, MemberResultDoc, RoundDoc } from '../server/antigen/model'
import type { BuildingDoc, CommunityDoc, GroupDoc, HouseholdDoc, MemberDoc, RoleDoc } from '../server/community/model'
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
  logs?: string[]
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

/** A failed submission is sent again up to this many times, 200 ms × attempt apart: what a user's second tap is. */
const CLIENT_RETRIES = 5
const CLIENT_BACKOFF_MS = 200
/** How often, and how long at most, the bench polls for a round's intake documents to be merged. */
const SETTLE_POLL_MS = 50
const SETTLE_TIMEOUT_MS = 60_000
/** Housekeeping runs asked for when a fault run's intake does not drain by itself (the timers are off). */
const MAX_TIMER_RUNS = 3

interface Photo {
  cloudPath: string
  content: Buffer
  set: (fileID: string) => void
}

/** Each member's result as the page sends it; the photos to upload first are added to `photos`. */
function memberInputs(household: HouseholdDoc, roundId: string, now: number, rng: Rng, photos: Photo[]) {
  return household.members.map((m) => {
    const result = pickResult(rng)
    const input: MemberResultInput = { memberId: m.id, result }
    if (result === 'untested') input.reason = rng.pick(UNTESTED_REASONS)
    else {
      const content = fakeJpeg(rng)
      input.photoSize = content.length
      Object.assign(input, timing(rng, now))
      photos.push({
        cloudPath: `antigen/${roundId}/${household._id}/${m.id}-x.jpg`,
        content,
        set: (fileID) => (input.photo = fileID),
      })
    }
    return input
  })
}

/** Marks `share` of the plans as sent twice, alternately after the reply and as a double tap; returns how many. */
function markRetries(plans: Plan[], share: number, rng: Rng): number {
  const count = Math.round(plans.length * share)
  rng
    .shuffle(plans.map((_, i) => i))
    .slice(0, count)
    .forEach((i, k) => ((plans[i] as Plan).retry = k % 2 === 0 ? 'after' : 'concurrent'))
  return count
}

/** Rooms of the high-rise: 4 units (单元) of 10 rooms a floor, `1-101` … `4-2510` for 1,000 households. */
const HIGHRISE_UNITS = 4
const HIGHRISE_ROOMS_PER_UNIT = 10

/**
 * A community of ONE building with `households` households of 1–4 members, each with one linked resident (a resident
 * grant with the health consent) who submits for it, and a committee member who opens the round.
 */
function highriseData(households: number, rng: Rng) {
  const communityId = 'c-bench-highrise'
  const committee = 'highrise-committee-1'
  const at = new Date()
  const community: CommunityDoc = {
    _id: communityId,
    name: '高层小区（基准）',
    settings: { groupSize: GROUP_SIZE, volunteerCaps: { ...VOLUNTEER_CAPS } },
    createdAt: at,
  }
  const group: GroupDoc = { _id: `${communityId}-g1`, communityId, name: groupName(0), order: 0 }
  const building: BuildingDoc = { _id: `${communityId}-b1`, communityId, groupId: group._id, name: '1号楼', order: 0 }
  const roles: RoleDoc[] = [
    {
      _id: roleId(committee, 'committee', communityId),
      openid: committee,
      communityId,
      role: 'committee',
      scope: { communityId },
      holderName: '高层居委',
      grantedBy: committee,
      grantedAt: at,
    },
  ]
  const perFloor = HIGHRISE_UNITS * HIGHRISE_ROOMS_PER_UNIT
  const docs: HouseholdDoc[] = Array.from({ length: households }, (_, i) => {
    const floor = 1 + Math.floor(i / perFloor)
    const unit = 1 + Math.floor((i % perFloor) / HIGHRISE_ROOMS_PER_UNIT)
    const room = `${unit}-${floor}${String(1 + (i % HIGHRISE_ROOMS_PER_UNIT)).padStart(2, '0')}`
    const _id = householdIdOf(communityId, building._id, room)
    const openid = `highrise-r-${room}`
    const family = rng.pick(SURNAMES)
    const members: MemberDoc[] = Array.from({ length: rng.int(1, 4) }, (_, m) => ({
      id: `m_${sha256(`${_id}/${m}`).slice(0, 8)}`,
      name: `${m === 0 || rng.chance(0.6) ? family : rng.pick(SURNAMES)}${rng.pick(GIVEN)}${rng.pick(GIVEN)}`,
      birthYear: rng.int(1940, 2022),
      flags: [],
      ...(m === 0 ? { openid } : {}),
    }))
    roles.push({
      _id: roleId(openid, 'resident', _id),
      openid,
      communityId,
      role: 'resident',
      scope: { communityId, buildingId: building._id, householdId: _id },
      householdId: _id,
      memberId: (members[0] as MemberDoc).id,
      healthConsent: CONSENTS.health.version,
      grantedBy: committee,
      grantedAt: at,
    })
    return {
      _id,
      communityId,
      groupId: group._id,
      buildingId: building._id,
      room,
      floor,
      members,
      proxy: false,
      linkedOpenids: [openid],
      updatedAt: at,
    }
  })
  return { communityId, committee, community, group, building, households: docs, roles }
}

/** What the submissions of one phase came back with. */
interface SubmitOutcome {
  seconds: number
  /** performance.now() of the last reply. */
  endedAt: number
  /** Per invocation (every attempt), as the client waited for it. */
  latencies: number[]
  /** Non-ok replies (every attempt) by code. */
  errors: Map<string, number>
  /** Per household, the chain number of each ok reply (undefined: the reply came before the merge). */
  replies: Map<string, (number | undefined)[]>
  invocations: number
  /** Attempts made again after a failed one. */
  clientRetries: number
  retriedHouseholds: number
  /** Households whose every attempt failed. */
  gaveUp: number
}

const COUNT_KEYS = ['people', 'negative', 'positive', 'invalid', 'untested'] as const

/**
 * Every household exactly once and in its building's chain, with what it sent; every chain numbered exactly 1..n
 * with seq and submitted equal to n, its counters equal to its entries; and every reply that carried a chain
 * number carried the stored one.
 */
function checkChains(chains: ChainDoc[], plans: Plan[], replies: SubmitOutcome['replies']) {
  const seen = new Map<string, { chain: ChainDoc; entry: ChainEntryDoc }[]>()
  let chainGaps = 0
  let counterMismatch = 0
  const gapDetails: string[] = []
  for (const chain of chains) {
    const entries = Object.values(chain.entries)
    for (const entry of entries) seen.set(entry.householdId, [...(seen.get(entry.householdId) ?? []), { chain, entry }])
    const nos = entries.map((e) => e.no).sort((a, b) => a - b)
    const exact = nos.every((n, i) => n === i + 1) && chain.seq === nos.length && chain.submitted === nos.length
    if (!exact) {
      chainGaps++
      const shown = nos.length > 40 ? `${nos.slice(0, 40).join(',')},…` : nos.join(',')
      gapDetails.push(`${chain.buildingName}: seq ${chain.seq}, submitted ${chain.submitted}, nos ${shown}`)
    }
    const sum = countsOf(entries.flatMap((e) => e.members))
    if (COUNT_KEYS.some((k) => sum[k] !== chain[k])) counterMismatch++
  }
  let lost = 0
  let duplicated = 0
  let misplaced = 0
  let wrongContent = 0
  let renumbered = 0
  let repliesWithNumber = 0
  let okReplies = 0
  let retriesSameNumber = 0
  let retriedBothNumbered = 0
  /** Numbered replies of households sent once: a number only the sequencer's answer within the wait can give. */
  let onceNumbered = 0
  const expected = { people: 0, negative: 0, positive: 0, invalid: 0, untested: 0 }
  for (const plan of plans) {
    const where = seen.get(plan.household._id) ?? []
    if (where.length === 0) lost++
    duplicated += Math.max(0, where.length - 1)
    const found = where[0]
    const sent = countsOf(plan.members)
    for (const k of COUNT_KEYS) expected[k] += sent[k]
    const got = replies.get(plan.household._id) ?? []
    const numbered = got.filter((n): n is number => n !== undefined)
    okReplies += got.length
    repliesWithNumber += numbered.length
    if (!plan.retry) onceNumbered += numbered.length
    if (!found) continue
    if (found.chain.buildingId !== plan.household.buildingId) misplaced++
    const stored = found.entry.members.map((m) => `${m.memberId}:${m.result}:${m.photo ?? m.reason ?? ''}`)
    const wanted = plan.members.map((m) => `${m.memberId}:${m.result}:${m.photo ?? m.reason ?? ''}`)
    if (stored.join('|') !== wanted.join('|') || found.entry.proxy !== plan.proxy) wrongContent++
    // A reply without a number (the merge came after the wait for the sequencer) is no mismatch.
    const same = numbered.every((n) => n === found.entry.no)
    if (!same) renumbered++
    if (plan.retry && got.length > 0 && same) retriesSameNumber++
    if (plan.retry && numbered.length >= 2) retriedBothNumbered++
  }
  const problems = [
    lost && `${lost} households lost`,
    duplicated && `${duplicated} households duplicated`,
    chainGaps && `${chainGaps} chains not numbered 1..n (${gapDetails.slice(0, 5).join('; ')})`,
    misplaced && `${misplaced} households in another building's chain`,
    wrongContent && `${wrongContent} households stored with other results than sent`,
    counterMismatch && `${counterMismatch} chains whose counters differ from their entries`,
    renumbered && `${renumbered} households answered with a chain number other than the stored one`,
  ].filter((p): p is string => typeof p === 'string')
  return {
    lost,
    duplicated,
    chainGaps,
    misplaced,
    wrongContent,
    counterMismatch,
    renumbered,
    repliesWithNumber,
    okReplies,
    retriesSameNumber,
    retriedBothNumbered,
    onceNumbered,
    expected,
    problems,
  }
}

export default defineBench({
  description:
    'antigen round through the client gateway: concurrent submissions merged by the sequencer (checked for lost/duplicated/gaps, optionally under database faults), table and chain views, a 1,000-household high-rise, table at 150k households',
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
     * Share of ALL database actions (the submissions', the sequencers', the push drains') the emulator fails with
     * SYS_ERR during the 钟楼新村 submissions (default none). The client retries a failed submit as a second tap
     * does; every check must still hold.
     */
    faultRate: 0,
    /** The high-rise: one building of this many households, submitted by this many concurrent clients. */
    highriseHouseholds: 1000,
    highriseClients: 300,
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
    /**
     * Every invocation of the antigen and sequencer functions: the clients' submits, the kicked sequencers and push
     * drains (…,scf), timers'.
     */
    const allCalls = async () => [
      ...(await admin<{ calls: CallRecord[] }>('calls?function=antigen')).calls,
      ...(await admin<{ calls: CallRecord[] }>('calls?function=sequencer')).calls,
    ]
    // The client's invocations only: sequencers and push drains are the function calling itself (source …,scf).
    const calls = async () => (await allCalls()).filter((c) => c.source === 'wx_client')
    const clearCalls = () => admin('calls', 'DELETE')
    /** One call through the client gateway, as the mini-program makes it. */
    const call = async <T>(openid: string, action: string, payload: object) => {
      let res: Response
      let text: string
      try {
        res = await fetch(`${url}/functions/antigen`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
          body: JSON.stringify({ action, payload }),
        })
        text = await res.text()
      } catch (err) {
        return { ok: false as const, code: 'HTTP_FETCH', message: err instanceof Error ? err.message : String(err) }
      }
      let body: Envelope<T> | { errCode: number; errMsg: string } | undefined
      try {
        body = JSON.parse(text) as Envelope<T> | { errCode: number; errMsg: string }
      } catch {
        body = undefined
      }
      if (res.status !== 200 || !body || !('ok' in body))
        return { ok: false as const, code: `HTTP_${res.status}`, message: text.slice(0, 300) }
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

    /** Photos up through cloud.uploadFile, 32 at a time; each plan's member gets its fileID. */
    const uploadPhotos = async (photos: Photo[]) => {
      log(`uploading ${photos.length} photos with cloud.uploadFile`)
      const up0 = performance.now()
      await pool(photos, 32, async (p) => {
        const { fileID } = (await cloud.uploadFile({ cloudPath: p.cloudPath, fileContent: p.content })) as {
          fileID: string
        }
        p.set(fileID)
      })
      log(`  ${(photos.length / ((performance.now() - up0) / 1000)).toFixed(0)} photos/s`)
    }

    /**
     * Every plan submitted from `width` concurrent clients (a retried plan twice: after its reply, or as a double
     * tap). A failed submit (non-ok, or an HTTP error) is sent again up to CLIENT_RETRIES times, 200 ms × attempt
     * apart: the mini-program's call wrapper (miniprogram/services/cloud.ts) does not retry, the user taps again.
     */
    const submitAll = async (roundId: string, plans: Plan[], width: number): Promise<SubmitOutcome> => {
      const out: SubmitOutcome = {
        seconds: 0,
        endedAt: 0,
        latencies: [],
        errors: new Map(),
        replies: new Map(),
        invocations: 0,
        clientRetries: 0,
        retriedHouseholds: 0,
        gaveUp: 0,
      }
      const retried = new Set<string>()
      const attempt = async (plan: Plan): Promise<boolean> => {
        out.invocations++
        const t0 = performance.now()
        const r = await call<MySubmissionView>(plan.openid, 'submit', {
          roundId,
          householdId: plan.household._id,
          members: plan.members,
        })
        out.latencies.push(performance.now() - t0)
        out.endedAt = performance.now()
        if (!r.ok) {
          const key = `${r.code}${r.code.startsWith('HTTP') ? ` ${r.message.slice(0, 120)}` : ''}`
          out.errors.set(key, (out.errors.get(key) ?? 0) + 1)
          return false
        }
        const list = out.replies.get(plan.household._id) ?? []
        list.push(r.data.no)
        out.replies.set(plan.household._id, list)
        return true
      }
      const submitOnce = async (plan: Plan) => {
        for (let a = 1; !(await attempt(plan)); a++) {
          if (a > CLIENT_RETRIES) {
            out.gaveUp++
            return
          }
          out.clientRetries++
          retried.add(plan.household._id)
          await sleep(CLIENT_BACKOFF_MS * a)
        }
      }
      const t0 = performance.now()
      await pool(plans, width, async (plan) => {
        if (plan.retry === 'concurrent') await Promise.all([submitOnce(plan), submitOnce(plan)])
        else {
          await submitOnce(plan)
          if (plan.retry === 'after') await submitOnce(plan)
        }
      })
      out.seconds = (performance.now() - t0) / 1000
      out.retriedHouseholds = retried.size
      return out
    }

    const intakeLeft = async (roundId: string) =>
      ((await db.collection('intake').where({ roundId }).count()) as { total: number }).total
    /** Polls the round's intake every 50 ms until none is left (ms since `from`) or 60 s passed (ms NaN). */
    const drained = async (roundId: string, from: number) => {
      const giveUp = performance.now() + SETTLE_TIMEOUT_MS
      for (;;) {
        const left = await intakeLeft(roundId)
        if (left === 0) return { ms: performance.now() - from, left }
        if (performance.now() > giveUp) return { ms: NaN, left }
        await sleep(SETTLE_POLL_MS)
      }
    }
    /**
     * Waits until the sequencers merged every intake document of the round. With faults a sequencer may have died
     * holding its chain's lease, or its kick failed, leaving documents that only the timer merges: the timers are
     * off, so the bench runs the function's timer (POST /__admin/functions/antigen/trigger) once settling timed out.
     * Throws when documents remain.
     */
    const settle = async (roundId: string, from: number, faultsWereOn: boolean) => {
      let s = await drained(roundId, from)
      const leftForTimer = s.left
      let timerRuns = 0
      while (s.left > 0 && faultsWereOn && timerRuns < MAX_TIMER_RUNS) {
        log(`  ${s.left} intake documents still waiting after ${SETTLE_TIMEOUT_MS / 1000} s: running the timer`)
        const { result } = await admin<{ result: unknown }>('functions/antigen/trigger', 'POST', {})
        timerRuns++
        log(`  housekeeping: ${JSON.stringify(result).slice(0, 300)}`)
        s = await drained(roundId, from)
      }
      if (s.left > 0)
        throw new Error(
          `${s.left} intake documents of round ${roundId} not merged ${SETTLE_TIMEOUT_MS / 1000} s after the last reply` +
            (timerRuns ? ` and ${timerRuns} timer runs` : ''),
        )
      return { settleMs: s.ms, leftForTimer: timerRuns ? leftForTimer : 0, timerRuns }
    }
    /**
     * The antigen function's call log once nothing new finished for 500 ms (at most 15 s): a sequencer lets go of
     * its lease and a push drain sends after the last intake document went.
     */
    const quietCalls = async () => {
      const t0 = performance.now()
      let list = await allCalls()
      let since = performance.now()
      for (;;) {
        await sleep(100)
        const next = await allCalls()
        if (next.length !== list.length) since = performance.now()
        list = next
        if (performance.now() - since >= 500 || performance.now() - t0 > 15_000) return list
      }
    }
    const readChains = async (roundId: string) =>
      (
        (await db.collection('chains').where({ roundId }).limit(1000).get()) as unknown as {
          data: ChainDoc[]
        }
      ).data
    const entryBytes = (cs: ChainDoc[]) => {
      const entries = cs.flatMap((c) => Object.values(c.entries))
      return Math.round(Buffer.byteLength(JSON.stringify(entries)) / Math.max(1, entries.length))
    }

    /**
     * One phase's submissions, start to checks: submit every plan, settle the intake, read the round trips and the
     * chains, and push the figures (names prefixed). Throws when a check fails.
     */
    const submitPhase = async (phase: {
      prefix: string
      roundId: string
      buildingCount: number
      plans: Plan[]
      clients: number
      faultRate?: number
    }) => {
      const { prefix, roundId, plans } = phase
      const faultRate = phase.faultRate ?? 0
      await clearCalls()
      if (faultRate > 0) await admin('faults', 'POST', { errorRate: faultRate, actions: ['database.'], seed: 1 })
      let sub: SubmitOutcome
      let injected = 0
      try {
        sub = await submitAll(roundId, plans, phase.clients)
      } finally {
        if (faultRate > 0) {
          injected = (await admin<{ injected: number }>('faults')).injected
          await admin('faults', 'DELETE')
        }
      }
      const submitErrors = [...sub.errors.values()].reduce((a, b) => a + b, 0)
      if (submitErrors) log(`  non-ok replies: ${JSON.stringify(Object.fromEntries(sub.errors))}`)
      if (sub.clientRetries)
        log(`  ${sub.clientRetries} client retries for ${sub.retriedHouseholds} households, ${sub.gaveUp} gave up`)

      const settled = await settle(roundId, sub.endedAt, faultRate > 0)
      log(`  intake merged ${settled.settleMs.toFixed(0)} ms after the last reply`)

      // Round trips per invocation, from the emulator's call log.
      const log0 = await quietCalls()
      if (log0.length >= 5000) log(`  warning: the call log holds ${log0.length} records, older ones may be gone`)
      const submitCalls = log0.filter((c) => c.source === 'wx_client')
      const background = log0.filter((c) => c.source !== 'wx_client')
      if (submitCalls.length !== sub.invocations)
        log(`  warning: ${submitCalls.length} call records for ${sub.invocations} submit invocations`)
      const good = submitCalls.filter((c) => c.ok)
      const trips = good.map((c) => c.db.calls)
      const over4 = good.filter((c) => c.db.calls > 4)
      if (over4.length) {
        log(`  ${over4.length} submit invocations above 4 round trips:`)
        for (const c of over4.slice(0, 3))
          log(
            `    ${c.db.calls} (${JSON.stringify(c.db.byAction)}), ${c.durationMs} ms${c.error ? `, error ${c.error}` : ''}; ${JSON.stringify(c.logs ?? []).slice(0, 300)}`,
          )
      }
      const backgroundTrips = background.reduce((a, c) => a + c.db.calls, 0)
      const bySource = new Map<string, number>()
      for (const c of background) bySource.set(c.source, (bySource.get(c.source) ?? 0) + 1)
      const durations = good.map((c) => c.durationMs)
      figures.push(
        {
          name: `${prefix}submit.throughput`,
          value: plans.length / sub.seconds,
          unit: 'households/s',
          params: {
            clients: phase.clients,
            households: plans.length,
            invocations: sub.invocations,
            seconds: Number(sub.seconds.toFixed(2)),
          },
        },
        {
          name: `${prefix}submit.p50`,
          value: percentile(sub.latencies, 50),
          unit: 'ms',
          params: { invocations: sub.invocations },
        },
        {
          name: `${prefix}submit.p95`,
          value: percentile(sub.latencies, 95),
          unit: 'ms',
          params: { invocations: sub.invocations },
        },
        {
          name: `${prefix}submit.invocation.p50`,
          value: percentile(durations, 50),
          unit: 'ms',
          params: {
            p95: percentile(durations, 95),
            note: 'inside the function (call log), the wait for the sequencer (SEQ_WAIT_MS) included; the rest of submit.p50 is waiting for one of maxInstances',
          },
        },
        {
          name: `${prefix}submit.dbRoundTrips.max`,
          value: Math.max(...trips),
          unit: 'round trips',
          params: { invocations: good.length, over4: over4.length, note: 'per wx_client invocation' },
        },
        { name: `${prefix}submit.dbRoundTrips.p50`, value: percentile(trips, 50), unit: 'round trips' },
        {
          name: `${prefix}sequencer.dbRoundTripsPerHousehold`,
          value: backgroundTrips / plans.length,
          unit: 'round trips',
          params: {
            invocations: background.length,
            roundTrips: backgroundTrips,
            bySource: JSON.stringify(Object.fromEntries(bySource)),
            note: 'db calls of every antigen invocation not from wx_client (sequencers, and the push drains and timer runs they include) per household submitted',
          },
        },
        {
          name: `${prefix}sequencer.settleMs`,
          value: settled.settleMs,
          unit: 'ms',
          params: {
            note: 'last reply to no intake document of the round left',
            ...(settled.timerRuns ? { timerRuns: settled.timerRuns, leftForTimer: settled.leftForTimer } : {}),
          },
        },
        {
          name: `${prefix}submit.errors`,
          value: submitErrors,
          unit: 'replies',
          params: {
            ...(submitErrors ? { codes: JSON.stringify(Object.fromEntries(sub.errors)) } : {}),
            gaveUp: sub.gaveUp,
          },
        },
      )
      if (faultRate > 0)
        figures.push(
          {
            name: `${prefix}faults.injected`,
            value: injected,
            unit: 'db calls',
            params: { faultRate, actions: 'database.', note: 'GET /__admin/faults during the submissions' },
          },
          {
            name: `${prefix}submit.clientRetries`,
            value: sub.clientRetries,
            unit: 'invocations',
            params: {
              households: sub.retriedHouseholds,
              gaveUp: sub.gaveUp,
              backoffMs: `${CLIENT_BACKOFF_MS} × attempt`,
            },
          },
        )

      // ---------- checks: every household exactly once, chain numbers 1..n, counters, replies' numbers ----------
      const chains = await readChains(roundId)
      log(`  submitted entries: ${entryBytes(chains)} bytes each on average (JSON)`)
      if (chains.length !== phase.buildingCount)
        throw new Error(`read ${chains.length} chains, expected ${phase.buildingCount}`)
      const check = checkChains(chains, plans, sub.replies)
      const sentTwice = plans.filter((p) => p.retry).length
      figures.push(
        { name: `${prefix}lost`, value: check.lost, unit: 'households', params: { households: plans.length } },
        { name: `${prefix}duplicated`, value: check.duplicated, unit: 'households' },
        { name: `${prefix}chainGaps`, value: check.chainGaps, unit: 'buildings', params: { buildings: chains.length } },
        {
          name: `${prefix}submit.retriesSameNumber`,
          value: check.retriesSameNumber,
          unit: 'households',
          params: {
            sentTwice,
            bothRepliesNumbered: check.retriedBothNumbered,
            note: 'households sent twice whose replies carrying a number all carry the stored one',
          },
        },
        {
          name: `${prefix}submit.repliesWithNumber`,
          value: check.repliesWithNumber,
          unit: 'replies',
          params: {
            okReplies: check.okReplies,
            ofHouseholdsSentOnce: check.onceNumbered,
            note: 'the sequencer answered within SEQ_WAIT_MS, or a resubmission found its entry merged',
          },
        },
      )
      if (check.problems.length) {
        for (const f of figures) log(`  ${f.name} = ${f.value}`)
        throw new Error(
          `antigen submissions${prefix ? ` (${prefix.slice(0, -1)})` : ''} are wrong: ${check.problems.join('; ')}`,
        )
      }
      return { expected: check.expected }
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
      // The high-rise: one building of highriseHouseholds households, imported with the rest.
      const highrise = highriseData(Number(params.highriseHouseholds), createRng(`${String(params.seed)}|highrise`))
      collections.communities.push(highrise.community)
      collections.groups.push(highrise.group)
      collections.buildings.push(highrise.building)
      collections.households.push(...highrise.households)
      collections.roles.push(...highrise.roles)
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
      const photos: Photo[] = []
      const plans: Plan[] = households.map((household) => {
        const linked = household.linkedOpenids.find((o) => residentGrant.has(`${o}|${household._id}`))
        const lead = leadOf.get(household.buildingId)
        const openid = linked ?? lead ?? committee
        const members = memberInputs(household, round.id, now, rng, photos)
        const proxy = !linked || residentGrant.get(`${linked}|${household._id}`) === true
        return { household, openid, byLead: !linked, proxy, members }
      })
      const retryCount = markRetries(plans, Number(params.retryShare), rng)
      const queue = rng.shuffle(plans)
      await uploadPhotos(photos)
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

      // ---------- 1. submissions, merged by the sequencer, and the checks ----------
      const faultRate = Number(params.faultRate)
      log(
        `submitting ${plans.length} households from ${clients} clients (${plans.filter((p) => p.byLead).length} by the building lead, ${retryCount} sent twice${faultRate > 0 ? `, ${faultRate} of database actions failing` : ''})`,
      )
      const { expected } = await submitPhase({
        prefix: '',
        roundId: round.id,
        buildingCount: round.buildingCount,
        plans: queue,
        clients,
        faultRate,
      })

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

      // ---------- 4. the high-rise: one building of 1,000 households submitting at once ----------
      const hrRound = await ok<RoundView>(highrise.committee, 'openRound', {
        communityId: highrise.communityId,
        date: shanghaiDay(Date.now()),
        deadline: new Date(Date.now() + 3 * 3600_000).toISOString(),
        notice: '请各户在 12 点前完成抗原自测，拍照上传',
      })
      if (hrRound.buildingCount !== 1) throw new Error(`high-rise round opened ${hrRound.buildingCount} buildings`)
      const hrRng = createRng(`${String(params.seed)}|highrise-plans`)
      const hrPhotos: Photo[] = []
      const hrPlans: Plan[] = highrise.households.map((household) => ({
        household,
        openid: household.linkedOpenids[0] as string,
        byLead: false,
        proxy: false,
        members: memberInputs(household, hrRound.id, Date.now(), hrRng, hrPhotos),
      }))
      const hrRetries = markRetries(hrPlans, Number(params.retryShare), hrRng)
      await uploadPhotos(hrPhotos)
      const hrClients = Number(params.highriseClients)
      log(
        `high-rise round ${hrRound.id}: ${hrPlans.length} households of one building from ${hrClients} clients (${hrRetries} sent twice)`,
      )
      await submitPhase({
        prefix: 'highrise.',
        roundId: hrRound.id,
        buildingCount: 1,
        plans: hrRng.shuffle(hrPlans),
        clients: hrClients,
      })

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
