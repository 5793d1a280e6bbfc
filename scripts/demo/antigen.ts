// The demo's antigen rounds, as the product would have left them: a live round of the whole community opened a
// little before the demo was loaded and partly submitted, and a closed round of the day before (第1营). Every
// document comes from the product's own code where it has a builder: the chains from `newChain`, every submission
// merged by `mergeEntries` one at a time in the order they were made (as the sequencer numbers them), the
// follow-up from `newFollowUp`, ids from the server's helpers. What the product writes inline (the round, a
// confirmation, a close) is written here field for field as cloudfunctions/antigen/src/{rounds,chain}.ts and
// server/antigen/sequencer.ts write it; test/demo/load.cloud.test.ts opens the live round again through the real
// function and checks that it is the same round.
//
// The push queue is left empty. The notices of the past (round opened, abnormal) would have been sent, or refused
// for want of a credit, seconds after they were queued; their send results would have to agree with the emulator's
// outbox, which records the sends themselves (test/antigen/pushes.cloud.test.ts counts every queued message against
// it). What is still to come (the follow-up's escalation, reminders, a late change) goes through the product's queue.
import { createHash } from 'node:crypto'
import type { AntigenResult } from '../../typings/api'
import type { ChainDoc, MemberResultDoc, RoundDoc } from '../../server/antigen/model'
import type { BuildingDoc, CommunityDoc, GroupDoc, HouseholdDoc, RoleDoc, ZoneDoc } from '../../server/community/model'
import { mergeEntries, newChain, REMOVE } from '../../server/antigen/rules'
import { newFollowUp, type FollowUpDoc } from '../../server/antigen/followups'
import { intakeId } from '../../server/antigen/sequencer'
import { trusted } from '../../server/platform/grants'
import { addDays } from '../../server/kernel/dates'
import { inShanghai, shanghaiDay, startOfShanghaiDay } from '../../server/kernel/time'
import { READ_TIME_MINUTES, READ_TIME_MS } from '../../miniprogram/shared/constants'
import { Storage } from '../../localcloud/src/storage'
import { kitPhotoFile } from './photos'
import type { Rng } from './random'

const SECOND = 1000
const MINUTE = 60 * SECOND

/** A stored file for the import (`POST /__admin/import`): path in the bucket, content, and who uploaded it. */
export interface DemoFile {
  path: string
  base64: string
  /** The uploader: a client's openid, as `wx.cloud.uploadFile` from the submitter's phone records it. */
  openid: string
}

export interface DemoRoundSummary {
  roundId: string
  /** The rounds page's request id it was opened with (openRound with the same request is the same round). */
  requestId: string
  date: string
  /** ISO instants. */
  openedAt: string
  deadline: string
  closedAt?: string
  status: 'open' | 'closed'
  allBuildings: boolean
  buildings: number
  /** 应报 / 已报 households, buildings confirmed, floors confirmed by their 层长. */
  expected: number
  submitted: number
  confirmed: number
  floorsConfirmed: number
  /** Members' results over all entries. */
  results: Record<AntigenResult, number>
  /** Entries submitted by a lead or a managing relative (代报). */
  proxy: number
  photos: number
  /** The abnormal households: building, room and the follow-up opened for each. */
  abnormal: { buildingId: string; buildingName: string; room: string; householdId: string; followUpId: string }[]
}

export interface AntigenDemo {
  rounds: RoundDoc[]
  chains: ChainDoc[]
  followUps: FollowUpDoc[]
  files: DemoFile[]
  /** The live round first, then the closed one. */
  summaries: DemoRoundSummary[]
}

export interface AntigenDemoInput {
  rng: Rng
  /** The instant the demo is dated from: the live round is open at it. */
  now: number
  /** The storage environment photos are stored in (their fileIDs name it). */
  env: string
  community: CommunityDoc
  buildings: BuildingDoc[]
  groups: GroupDoc[]
  zones: ZoneDoc[]
  households: HouseholdDoc[]
  roles: RoleDoc[]
  /** Who opens the rounds (a committee member). */
  openedBy: string
  /** Openids that accepted the health-data consent: they may submit for their own household. */
  healthConsent: ReadonlySet<string>
  /** A building left open and partly submitted in the live round (1号), and households of it left unsubmitted. */
  tryBuildingId: string
  unsubmitted: readonly string[]
  /** The building of the live round's one abnormal household (2号). */
  abnormalBuildingId: string
}

/**
 * The fileID of a file at `cloudPath` in localcloud's bucket for `env`, as the emulator names it (its own code, so
 * the two cannot drift).
 */
export function localFileId(env: string, cloudPath: string): string {
  let storage = buckets.get(env)
  if (!storage) buckets.set(env, (storage = new Storage(null, env)))
  return storage.fileId(cloudPath)
}
const buckets = new Map<string, Storage>()

/** The rounds page's notice (miniprogram/packageAntigen/pages/rounds.ts `defaultNotice`) for a deadline. */
export function demoNotice(deadline: number): string {
  const d = inShanghai(deadline)
  return `请于 ${d.month() + 1}月${d.date()}日 ${d.format('HH:mm')} 前完成抗原自测，并在「邻里接力」小程序接龙：每人拍一张试剂照片，滴样后等满 ${READ_TIME_MINUTES} 分钟再拍。家中老人请家人或楼组长代报。`
}

/** openRound's id: from the community, the page's request id and what was asked (cloudfunctions/antigen/src/rounds.ts). */
export function roundIdOf(ask: RoundAsk): string {
  return `rnd_${createHash('sha256')
    .update(
      JSON.stringify([ask.communityId, ask.requestId, [ask.date, ask.deadline, ask.notice, ask.buildingIds ?? null]]),
    )
    .digest('hex')
    .slice(0, 24)}`
}

/** What the rounds page sends to openRound. */
export interface RoundAsk {
  communityId: string
  date: string
  /** ISO, as the page sends it. */
  deadline: string
  notice: string
  buildingIds?: string[]
  requestId: string
}

const hex = (rng: Rng, n: number) => Array.from({ length: n }, () => '0123456789abcdef'[rng.int(0, 15)]).join('')
const byId = <T extends { _id: string }>(a: T, b: T) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0)
const iso = (ms: number) => new Date(ms).toISOString()

/** Apply a patch of the rules (dotted `entries.<id>` / `floors.<n>` keys, REMOVE) to a chain, as the update does. */
function applySet(chain: ChainDoc, set: Record<string, unknown>): ChainDoc {
  const next: ChainDoc = {
    ...chain,
    entries: { ...chain.entries },
    ...(chain.floors ? { floors: { ...chain.floors } } : {}),
  }
  const target = next as unknown as Record<string, unknown>
  for (const [key, value] of Object.entries(set)) {
    const dot = key.indexOf('.')
    if (dot < 0) {
      if (value === REMOVE) delete target[key]
      else target[key] = value
      continue
    }
    const [field, sub] = [key.slice(0, dot), key.slice(dot + 1)]
    const inner = { ...((target[field] as Record<string, unknown> | undefined) ?? {}) }
    if (value === REMOVE) delete inner[sub]
    else inner[sub] = value
    target[field] = inner
  }
  return next
}

interface Planned {
  household: HouseholdDoc
  at: number
  by: string
  proxy: boolean
  /** The member whose result is positive (the one abnormal household). */
  positive?: string
}

/** Per building: floors confirmed by their 层长, and the building by its lead (with a reason for open floors). */
interface ConfirmPlan {
  floors: { floor: number; at: number; by: string }[]
  building?: { at: number; by: string; reason?: string }
}
type Confirms = Map<string, ConfirmPlan>

type Event =
  | { at: number; kind: 'submit'; plan: Planned }
  | { at: number; kind: 'floor'; floor: number; by: string }
  | { at: number; kind: 'confirm'; by: string; reason?: string }

/** Everything needed to build a community's rounds, read once. */
class Community {
  readonly staff: RoleDoc[]
  readonly committee: string[]
  readonly households = new Map<string, HouseholdDoc[]>()
  readonly groupName: Map<string, string>
  readonly groupZone: Map<string, string>
  readonly zoneName: Map<string, string>
  /** Buildings as openRound reads them: by id. */
  readonly buildings: BuildingDoc[]
  readonly year: number

  constructor(readonly input: AntigenDemoInput) {
    // As openRound reads them: findAll orders by _id.
    this.buildings = [...input.buildings].sort(byId)
    this.staff = trusted(
      input.roles.filter((r) => ['buildingLead', 'floorLead', 'committee'].includes(r.role)).sort(byId),
    )
    this.committee = [...new Set(this.staff.filter((l) => l.role === 'committee').map((l) => l.openid))]
    for (const h of input.households) {
      if (h.members.length === 0) continue
      this.households.set(h.buildingId, [...(this.households.get(h.buildingId) ?? []), h])
    }
    this.groupName = new Map(input.groups.map((g) => [g._id, g.name]))
    this.groupZone = new Map(input.groups.flatMap((g) => (g.zoneId ? [[g._id, g.zoneId] as const] : [])))
    this.zoneName = new Map(input.zones.map((z) => [z._id, z.name]))
    this.year = inShanghai(input.now).year()
  }

  lead(buildingId: string): string | undefined {
    return this.staff.find((r) => r.role === 'buildingLead' && r.scope.buildingId === buildingId)?.openid
  }

  floorLead(buildingId: string, floor: number): string | undefined {
    return this.staff.find(
      (r) => r.role === 'floorLead' && r.scope.buildingId === buildingId && r.scope.floor === floor,
    )?.openid
  }

  floorsOf(buildingId: string): number[] {
    return [
      ...new Set(
        this.staff.flatMap((l) =>
          l.role === 'floorLead' && l.scope.buildingId === buildingId && typeof l.scope.floor === 'number'
            ? [l.scope.floor]
            : [],
        ),
      ),
    ].sort((a, b) => a - b)
  }

  /** Who submits for a household and whether it is 代报, as submit decides it from the submitter's grants. */
  submitter(rng: Rng, h: HouseholdDoc): { by: string; proxy: boolean } | undefined {
    const consenting = h.members.flatMap((m) => (m.openid && this.input.healthConsent.has(m.openid) ? [m.openid] : []))
    if (consenting.length) return { by: rng.pick(consenting), proxy: false }
    const memberOpenids = new Set(h.members.flatMap((m) => (m.openid ? [m.openid] : [])))
    const relative = h.linkedOpenids.find((o) => !memberOpenids.has(o))
    if (relative) return { by: relative, proxy: true }
    const lead = this.lead(h.buildingId)
    if (!lead) return undefined
    // A lead submitting their own household without the health consent: allowed as a lead, not 代报.
    return { by: lead, proxy: !memberOpenids.has(lead) }
  }
}

interface Built {
  round: RoundDoc
  chains: ChainDoc[]
  followUps: FollowUpDoc[]
  files: DemoFile[]
  summary: DemoRoundSummary
}

const UNTESTED_REASONS = ['在外地出差，明天回来测', '住院中', '行动不便，等上门检测', '今天已在单位做过核酸'] as const

/** Build one round: open it, merge its submissions in order, confirm floors and buildings, close it if asked. */
function buildRound(
  c: Community,
  rng: Rng,
  ask: RoundAsk,
  openedAt: number,
  plans: Map<string, Planned[]>,
  confirms: Confirms,
  closeAt?: number,
): Built {
  const { community, env } = c.input
  const deadline = new Date(ask.deadline)
  const wanted = ask.buildingIds ? new Set(ask.buildingIds) : undefined
  const inScope = wanted ? c.buildings.filter((b) => wanted.has(b._id)) : c.buildings
  const roundId = roundIdOf(ask)
  const round: RoundDoc = {
    buildingCount: inScope.length,
    _id: roundId,
    communityId: community._id,
    date: ask.date,
    deadline,
    notice: ask.notice,
    status: 'open',
    allBuildings: !ask.buildingIds,
    buildingIds: inScope.map((b) => b._id),
    openedBy: c.input.openedBy,
    openedAt: new Date(openedAt),
  }
  const scopeIds = new Set(round.buildingIds)
  const leads = c.staff.filter((l) => l.role !== 'committee' && scopeIds.has(l.scope.buildingId ?? ''))
  const facts = { ...round, buildingCount: inScope.length }
  const files: DemoFile[] = []
  const followUps: FollowUpDoc[] = []
  const summary: DemoRoundSummary = {
    roundId,
    requestId: ask.requestId,
    date: round.date,
    openedAt: iso(openedAt),
    deadline: deadline.toISOString(),
    status: 'open',
    allBuildings: round.allBuildings,
    buildings: inScope.length,
    expected: 0,
    submitted: 0,
    confirmed: 0,
    floorsConfirmed: 0,
    results: { negative: 0, positive: 0, invalid: 0, untested: 0 },
    proxy: 0,
    photos: 0,
    abnormal: [],
  }

  const chains = inScope.map((b) => {
    const zoneId = b.zoneId ?? c.groupZone.get(b.groupId)
    const households = c.households.get(b._id) ?? []
    let chain: ChainDoc = {
      ...newChain(
        facts,
        { ...b, ...(zoneId ? { zoneId } : {}) },
        c.groupName.get(b.groupId) ?? '',
        households.length,
        {
          leads: [...new Set(leads.filter((l) => l.scope.buildingId === b._id).map((l) => l.openid))],
          committee: c.committee,
        },
        c.zoneName.get(zoneId ?? ''),
      ),
      floorsToConfirm: c.floorsOf(b._id),
    }
    // Written `opening`, then opened with the round: the version moves once.
    chain = { ...chain, status: 'open', version: chain.version + 1 }
    summary.expected += chain.expected

    const plan = confirms.get(b._id)
    const events: Event[] = [
      ...(plans.get(b._id) ?? []).map((p): Event => ({ at: p.at, kind: 'submit', plan: p })),
      ...(plan?.floors ?? []).map((f): Event => ({ at: f.at, kind: 'floor', floor: f.floor, by: f.by })),
      ...(plan?.building
        ? [
            {
              at: plan.building.at,
              kind: 'confirm' as const,
              by: plan.building.by,
              ...(plan.building.reason ? { reason: plan.building.reason } : {}),
            },
          ]
        : []),
    ]
    // The order things happened in; submissions of the same instant as the sequencer reads them (`at`, then id).
    events.sort(
      (x, y) =>
        x.at - y.at ||
        (x.kind === 'submit' && y.kind === 'submit'
          ? intakeId(roundId, x.plan.household._id) < intakeId(roundId, y.plan.household._id)
            ? -1
            : 1
          : 0),
    )
    for (const e of events) {
      if (e.kind === 'submit') {
        const { household: h, at, by, proxy } = e.plan
        const members = h.members.map((m, i): MemberResultDoc => {
          const age = c.year - (m.birthYear ?? c.year - 30)
          const roll = rng.next()
          const result: AntigenResult =
            e.plan.positive === m.id
              ? 'positive'
              : e.plan.positive
                ? age <= 2
                  ? 'untested'
                  : 'negative'
                : age <= 2 || (m.flags.includes('mobility') && roll < 0.3) || roll < 0.035
                  ? 'untested'
                  : roll < 0.05
                    ? 'invalid'
                    : 'negative'
          const doc: MemberResultDoc = { memberId: m.id, name: m.name, result }
          if (result === 'untested') {
            doc.reason =
              age <= 2
                ? '婴幼儿，未测'
                : m.flags.includes('mobility')
                  ? '行动不便，等上门检测'
                  : rng.pick(UNTESTED_REASONS)
            return doc
          }
          // The in-app timer: started, read after 15 minutes (a few photos a little early), uploaded, submitted.
          const startedAt = at - rng.int(18 * 60, 35 * 60) * SECOND - i * rng.int(20, 90) * SECOND
          const wait = rng.chance(0.02) ? rng.int(9 * 60, 14 * 60) * SECOND : READ_TIME_MS + rng.int(0, 6 * 60) * SECOND
          const photoAt = Math.min(startedAt + wait + rng.int(0, 999), at - 40 * SECOND)
          const uploadedAt = photoAt + rng.int(3, 30) * SECOND
          // photoCloudPath in miniprogram/packageAntigen/utils/photo.ts, as a PNG.
          const path = `antigen/${roundId}/${h._id}/${m.id}-${uploadedAt}.png`
          const photo = kitPhotoFile(result === 'positive' ? 'positive' : result === 'invalid' ? 'invalid' : 'negative')
          files.push({ path, base64: photo.base64, openid: by })
          doc.photo = localFileId(env, path)
          // The stored size, as submit's probe reads it.
          doc.photoSize = photo.bytes.length
          doc.startedAt = iso(startedAt)
          doc.photoAt = iso(photoAt)
          return doc
        })
        const nonce = hex(rng, 24)
        const patch = mergeEntries(chain, [
          {
            householdId: h._id,
            room: h.room,
            floor: h.floor,
            updatedAt: new Date(at),
            at: new Date(at),
            by,
            proxy,
            members,
            nonce,
          },
        ])
        const placed = patch.placed[0] as (typeof patch.placed)[number]
        if (placed.becameAbnormal) {
          // The follow-up the sequencer opens with the merge: nobody has acknowledged it yet.
          const followUp = newFollowUp(chain, placed.entry)
          followUps.push(followUp)
          summary.abnormal.push({
            buildingId: chain.buildingId,
            buildingName: chain.buildingName,
            room: h.room,
            householdId: h._id,
            followUpId: followUp._id,
          })
        }
        chain = applySet(chain, patch.set)
      } else if (e.kind === 'floor') {
        // confirmFloor (cloudfunctions/antigen/src/chain.ts)
        chain = {
          ...chain,
          floors: { ...(chain.floors ?? {}), [String(e.floor)]: { confirmedAt: new Date(e.at), confirmedBy: e.by } },
          version: chain.version + 1,
        }
      } else {
        // confirm: a reason is kept only while floors with a 层长 are unconfirmed.
        const open = (chain.floorsToConfirm ?? []).filter((f) => !chain.floors?.[String(f)])
        if (open.length && !e.reason) throw new Error(`${chain.buildingName}: floors ${open.join(', ')} unconfirmed`)
        const { confirmReason: _old, ...rest } = chain
        chain = {
          ...rest,
          confirmed: true,
          confirmedAt: new Date(e.at),
          confirmedBy: e.by,
          ...(open.length && e.reason ? { confirmReason: e.reason } : {}),
          version: chain.version + 1,
        }
      }
    }
    if (closeAt !== undefined)
      chain = { ...chain, status: 'closed', closedAt: new Date(closeAt), version: chain.version + 1 }

    summary.submitted += chain.submitted
    if (chain.confirmed) summary.confirmed++
    summary.floorsConfirmed += Object.keys(chain.floors ?? {}).length
    for (const entry of Object.values(chain.entries)) {
      if (entry.proxy) summary.proxy++
      for (const m of entry.members) {
        summary.results[m.result]++
        if (m.photo) summary.photos++
      }
    }
    return chain
  })
  if (closeAt !== undefined) {
    round.status = 'closed'
    round.closedAt = new Date(closeAt)
    summary.status = 'closed'
    summary.closedAt = iso(closeAt)
  }
  return { round, chains, followUps, files, summary }
}

/** Households to submit, most likely first: those with a consenting member, then 代管, then what the lead reports. */
function submitOrder(c: Community, rng: Rng, households: readonly HouseholdDoc[]): HouseholdDoc[] {
  const weight = (h: HouseholdDoc) =>
    h.members.some((m) => m.openid && c.input.healthConsent.has(m.openid)) ? 1 : h.linkedOpenids.length ? 0.7 : 0.45
  return households
    .map((h) => ({ h, key: Math.pow(rng.next(), 1 / weight(h)) }))
    .sort((a, b) => b.key - a.key)
    .map((x) => x.h)
}

/** A time in [from, to], early ones likelier (people report soon after the notice). */
const early = (rng: Rng, from: number, to: number) => Math.round(from + (to - from) * Math.pow(rng.next(), 1.6))

/** Floors confirmed by their 层长 once every household of the floor reported, and the building by its lead. */
function planConfirmations(
  c: Community,
  rng: Rng,
  buildingId: string,
  plans: readonly Planned[],
  until: number,
  confirmBuilding: boolean,
  floorChance: number,
): ConfirmPlan {
  const last = Math.max(0, ...plans.map((p) => p.at))
  const buildingAt = last + Math.round((until - last) * (0.3 + 0.6 * rng.next()))
  const submitted = new Set(plans.map((p) => p.household._id))
  const households = c.households.get(buildingId) ?? []
  const floors: { floor: number; at: number; by: string }[] = []
  for (const floor of c.floorsOf(buildingId)) {
    const on = households.filter((h) => h.floor === floor)
    const by = c.floorLead(buildingId, floor)
    const roll = rng.next()
    if (!by || !on.every((h) => submitted.has(h._id)) || roll >= floorChance) continue
    const floorLast = Math.max(0, ...plans.filter((p) => p.household.floor === floor).map((p) => p.at))
    const end = confirmBuilding ? buildingAt : until
    floors.push({ floor, by, at: floorLast + Math.round((end - floorLast) * (0.2 + 0.6 * rng.next())) })
  }
  const lead = c.lead(buildingId)
  if (!confirmBuilding || !lead) return { floors }
  const open = c.floorsOf(buildingId).filter((f) => !floors.some((x) => x.floor === f))
  const reason = open.length ? `${open.join('、')} 层层长今天在外值班，楼组长已逐户电话核对` : undefined
  return { floors, building: { at: buildingAt, by: lead, ...(reason ? { reason } : {}) } }
}

export function demoAntigen(input: AntigenDemoInput): AntigenDemo {
  const c = new Community(input)
  const { now, community } = input
  const inOrder = [...input.buildings].sort((a, b) => a.order - b.order)

  // ---------- yesterday: 第1营, nearly everyone reported, most buildings confirmed, closed at its deadline ----------
  const closedRng = input.rng.fork('closed')
  const yesterday = addDays(shanghaiDay(now), -1)
  const closedOpenedAt =
    startOfShanghaiDay(yesterday).getTime() +
    (7 * 60 + 30 + closedRng.int(0, 20)) * MINUTE +
    closedRng.int(0, 59) * SECOND
  const closedDeadline = startOfShanghaiDay(yesterday).getTime() + 12 * 60 * MINUTE
  const firstGroup = inOrder[0]?.groupId
  const closedScope = inOrder.filter((b) => b.groupId === firstGroup).map((b) => b._id)
  const closedAsk: RoundAsk = {
    communityId: community._id,
    date: yesterday,
    deadline: iso(closedDeadline),
    notice: demoNotice(closedDeadline),
    buildingIds: closedScope,
    requestId: `demo${yesterday.replace(/-/g, '')}a`,
  }
  const closedPlans = new Map<string, Planned[]>()
  const closedConfirms: Confirms = new Map()
  for (const b of closedScope) {
    const households = submitOrder(c, closedRng, c.households.get(b) ?? [])
    const missing = closedRng.chance(0.35) ? 1 : 0
    const plans: Planned[] = []
    for (const h of households.slice(0, Math.max(0, households.length - missing))) {
      const who = c.submitter(closedRng, h)
      const at = early(closedRng, closedOpenedAt + 12 * MINUTE, closedDeadline - 40 * MINUTE)
      if (who) plans.push({ household: h, at, ...who })
    }
    closedPlans.set(b, plans)
    closedConfirms.set(
      b,
      planConfirmations(c, closedRng, b, plans, closedDeadline - MINUTE, closedRng.chance(0.9), 0.9),
    )
  }
  const closed = buildRound(c, closedRng, closedAsk, closedOpenedAt, closedPlans, closedConfirms, closedDeadline)

  // ---------- today: the whole community, opened a little before `now`, open for a few hours after it ----------
  const liveRng = input.rng.fork('live')
  const openedAt = Math.floor(now / SECOND) * SECOND - liveRng.int(75, 105) * MINUTE - liveRng.int(0, 59) * SECOND
  const date = shanghaiDay(openedAt)
  // The page's deadline: a date and a half-hour time, here about three hours after now, on the round's day when
  // that leaves an hour at least (late at night it runs into the next day, as the API allows).
  const halfHour = 30 * MINUTE
  const later = Math.ceil((now + 3 * 60 * MINUTE) / halfHour) * halfHour
  const lastOfDay = startOfShanghaiDay(date).getTime() + (23 * 60 + 30) * MINUTE
  const deadline = Math.min(later, lastOfDay) >= now + 60 * MINUTE ? Math.min(later, lastOfDay) : later
  const liveAsk: RoundAsk = {
    communityId: community._id,
    date,
    deadline: iso(deadline),
    notice: demoNotice(deadline),
    requestId: `demo${date.replace(/-/g, '')}b`,
  }
  const from = openedAt + 12 * MINUTE
  const to = now - 2 * MINUTE
  const livePlans = new Map<string, Planned[]>()
  const liveConfirms: Confirms = new Map()
  const unsubmitted = new Set(input.unsubmitted)
  const candidates: string[] = []
  for (const b of inOrder) {
    const all = c.households.get(b._id) ?? []
    const order = submitOrder(c, liveRng, all).filter((h) => !unsubmitted.has(h._id))
    const share =
      b._id === input.tryBuildingId
        ? 0.4 + 0.25 * liveRng.next()
        : liveRng.weighted([
            [1, 12],
            [0.85 + 0.1 * liveRng.next(), 18],
            [0.5 + 0.3 * liveRng.next(), 40],
            [0.2 + 0.3 * liveRng.next(), 30],
          ] as const)
    const take = Math.min(
      order.length,
      Math.max(b._id === input.abnormalBuildingId ? 1 : 0, Math.round(share * all.length)),
    )
    const plans: Planned[] = []
    for (const h of order.slice(0, take)) {
      const who = c.submitter(liveRng, h)
      const at = early(liveRng, from, to)
      if (who) plans.push({ household: h, at, ...who })
    }
    livePlans.set(b._id, plans)
    if (plans.length >= 0.85 * all.length && b._id !== input.tryBuildingId && b._id !== input.abnormalBuildingId)
      candidates.push(b._id)
  }
  // The one abnormal household: a family that reported a few minutes ago, one adult positive.
  const abnormalPlans = livePlans.get(input.abnormalBuildingId) ?? []
  const lead2 = c.lead(input.abnormalBuildingId)
  const adult = (p: Planned) => p.household.members.some((m) => c.year - (m.birthYear ?? c.year) >= 18)
  // Best a family that reported itself (not the lead's own), else any household with an adult.
  const family = abnormalPlans.filter(
    (p) =>
      !p.proxy && p.household.members.length >= 2 && !p.household.members.some((m) => m.openid === lead2) && adult(p),
  )
  const withAdult = abnormalPlans.filter(adult)
  const abnormal = abnormalPlans.length
    ? liveRng.pick(family.length ? family : withAdult.length ? withAdult : abnormalPlans)
    : undefined
  if (abnormal) {
    const adults = abnormal.household.members.filter((m) => c.year - (m.birthYear ?? c.year) >= 18)
    abnormal.positive = liveRng.pick(adults.length ? adults : abnormal.household.members).id
    abnormal.at = now - liveRng.int(8 * 60, 18 * 60) * SECOND
  }
  // About a quarter of the buildings that (nearly) all reported are confirmed by their lead; elsewhere a 层长 whose
  // floor has all reported has confirmed it.
  const shuffled = liveRng.shuffle(candidates)
  const confirmed = new Set(shuffled.slice(0, Math.round(candidates.length / 4)))
  // One of them, where there is such a building, one with floors a 层长 confirms: its floors first, or a reason.
  const withFloors = shuffled.find((b) => c.floorsOf(b).length > 0)
  if (withFloors && confirmed.size && ![...confirmed].some((b) => c.floorsOf(b).length > 0)) {
    confirmed.delete(shuffled[0] as string)
    confirmed.add(withFloors)
  }
  for (const b of inOrder) {
    if (b._id === input.tryBuildingId) continue
    liveConfirms.set(
      b._id,
      planConfirmations(c, liveRng, b._id, livePlans.get(b._id) ?? [], now - 30 * SECOND, confirmed.has(b._id), 0.6),
    )
  }
  const live = buildRound(c, liveRng, liveAsk, openedAt, livePlans, liveConfirms)

  return {
    rounds: [live.round, closed.round],
    chains: [...live.chains, ...closed.chains],
    followUps: [...live.followUps, ...closed.followUps],
    files: [...live.files, ...closed.files],
    summaries: [live.summary, closed.summary],
  }
}
