// Pure rules of antigen rounds: counting results, placing an entry in a building's chain, rolling chains up.
import type { AntigenResult, TableRow, Totals } from '../../typings/api'
import type { ChainDoc, ChainEntryDoc, MemberResultDoc, ResultCounts, RoundDoc } from './model'
import type { BuildingDoc } from '../community/model'
import { READ_TIME_MS } from '../../miniprogram/shared/constants'

export const chainId = (roundId: string, buildingId: string) => `${roundId}:${buildingId}`

/**
 * What an update sets to remove a field. Rules stay free of the SDK: the caller's update turns this marker into the
 * database command (`toUpdate`).
 */
export const REMOVE = Symbol('remove')

/** A patch from the rules as the database API takes it: REMOVE becomes `remove()` of the given command. */
export function toUpdate(set: Record<string, unknown>, remove: () => unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(set).map(([k, v]) => [k, v === REMOVE ? remove() : v]))
}

type RoundFacts = Pick<
  RoundDoc,
  '_id' | 'communityId' | 'date' | 'deadline' | 'notice' | 'allBuildings' | 'openedAt'
> & { buildingCount: number }

/** A building's empty chain for a round, carrying the round's facts so a submission need not read the round. */
export function newChain(
  round: RoundFacts,
  building: Pick<BuildingDoc, '_id' | 'groupId' | 'name' | 'order' | 'zoneId'>,
  groupName: string,
  expected: number,
  notify?: ChainDoc['notify'],
  zoneName?: string,
): ChainDoc {
  const chain: ChainDoc = {
    _id: chainId(round._id, building._id),
    roundId: round._id,
    communityId: round.communityId,
    groupId: building.groupId,
    groupName,
    buildingId: building._id,
    buildingName: building.name,
    order: building.order,
    status: 'open',
    date: round.date,
    deadline: round.deadline,
    notice: round.notice,
    allBuildings: round.allBuildings,
    buildingCount: round.buildingCount,
    openedAt: round.openedAt,
    expected,
    seq: 0,
    submitted: 0,
    ...zeroCounts(),
    confirmed: false,
    version: 0,
    entries: {},
  }
  if (notify) chain.notify = notify
  if (building.zoneId) {
    chain.zoneId = building.zoneId
    chain.zoneName = zoneName ?? ''
  }
  return chain
}

export const zeroCounts = (): ResultCounts => ({ people: 0, negative: 0, positive: 0, invalid: 0, untested: 0 })

/** 实际人数 counts the people tested; 未测 members are counted apart. */
export function countResults(members: { result: AntigenResult }[]): ResultCounts {
  const c = zeroCounts()
  for (const m of members) {
    c[m.result]++
    if (m.result !== 'untested') c.people++
  }
  return c
}

export const isAbnormal = (c: ResultCounts) => c.positive > 0

export function isEarly(m: Pick<MemberResultDoc, 'startedAt' | 'photoAt'>): boolean {
  if (!m.startedAt || !m.photoAt) return false
  return Date.parse(m.photoAt) - Date.parse(m.startedAt) < READ_TIME_MS
}

const COUNT_KEYS = ['people', 'negative', 'positive', 'invalid', 'untested'] as const

export interface ChainPatch {
  entry: ChainEntryDoc
  /** Fields to set on the chain document (entry, counters, seq, confirmation) in one compare-and-set update. */
  set: Record<string, unknown>
  isNew: boolean
  reopened: boolean
  becameAbnormal: boolean
}

/**
 * Place a household's submission in its building's chain. A first submission takes the next number (numbers are
 * unique and gap-free per building because the update is a compare-and-set on `version`); a resubmission
 * replaces the entry and keeps its number. Counters move by the difference, so an erased entry's counts stay.
 */
export function placeEntry(
  chain: ChainDoc,
  next: Omit<ChainEntryDoc, 'no' | 'submittedAt' | 'counts'>,
  now: Date,
): ChainPatch {
  const previous = chain.entries[next.householdId]
  const counts = countResults(next.members)
  const entry: ChainEntryDoc = {
    ...next,
    no: previous?.no ?? chain.seq + 1,
    submittedAt: previous?.submittedAt ?? now,
    counts,
  }
  if (previous?.flagged) entry.flagged = previous.flagged
  const set: Record<string, unknown> = { [`entries.${next.householdId}`]: entry, version: chain.version + 1 }
  for (const k of COUNT_KEYS) set[k] = chain[k] + counts[k] - (previous?.counts[k] ?? 0)
  if (!previous) {
    set.seq = chain.seq + 1
    set.submitted = chain.submitted + 1
  }
  // A change after confirmation reopens the building and, when its floor was confirmed, that floor only.
  const floor = next.floor ?? previous?.floor
  const floorConfirmed = floor !== undefined && Boolean(chain.floors?.[String(floor)])
  if (floorConfirmed) set[`floors.${floor}`] = REMOVE
  const reopened = chain.confirmed || floorConfirmed
  if (chain.confirmed) set.confirmed = false
  return {
    entry,
    set,
    isNew: !previous,
    reopened,
    becameAbnormal: isAbnormal(counts) && !(previous && isAbnormal(previous.counts)),
  }
}

export interface Placed {
  entry: ChainEntryDoc
  isNew: boolean
  becameAbnormal: boolean
}

export interface MergePatch {
  /** Fields to set on the chain in one compare-and-set update (every entry, the counters, seq, confirmation). */
  set: Record<string, unknown>
  placed: Placed[]
  /** The building was confirmed and a merged entry changed it: it is open again. */
  reopened: boolean
}

/**
 * Merge submissions into a chain in the order given (the order they were made): each is placed as placeEntry
 * places one, on the chain as the ones before it left it, so numbers follow the order and counters move by each
 * entry's difference. One update for the lot; `version` moves by one.
 */
export function mergeEntries(
  chain: ChainDoc,
  nexts: readonly (Omit<ChainEntryDoc, 'no' | 'submittedAt' | 'counts'> & { at: Date })[],
): MergePatch {
  let work: ChainDoc = { ...chain, entries: { ...chain.entries } }
  const set: Record<string, unknown> = {}
  const placed: Placed[] = []
  let reopened = false
  for (const { at, ...next } of nexts) {
    const p = placeEntry(work, next, at)
    Object.assign(set, p.set)
    reopened ||= p.reopened
    placed.push({ entry: p.entry, isNew: p.isNew, becameAbnormal: p.becameAbnormal })
    const moved: Partial<ChainDoc> = {}
    for (const k of COUNT_KEYS) moved[k] = p.set[k] as number
    if (p.isNew) {
      moved.seq = p.set.seq as number
      moved.submitted = p.set.submitted as number
    }
    if (p.reopened) moved.confirmed = false
    const floor = next.floor ?? chain.entries[next.householdId]?.floor
    if (floor !== undefined && work.floors?.[String(floor)]) {
      const { [String(floor)]: _reopened, ...rest } = work.floors
      moved.floors = rest
    }
    work = { ...work, ...moved, entries: { ...work.entries, [next.householdId]: p.entry } }
  }
  set.version = chain.version + 1
  return { set, placed, reopened }
}

type Countable = Pick<ChainDoc, 'expected' | 'submitted' | (typeof COUNT_KEYS)[number] | 'confirmed'>

export function tableRow(c: ChainDoc): TableRow {
  return {
    buildingId: c.buildingId,
    name: c.buildingName,
    groupId: c.groupId,
    groupName: c.groupName,
    expected: c.expected,
    submitted: c.submitted,
    people: c.people,
    negative: c.negative,
    positive: c.positive,
    invalid: c.invalid,
    untested: c.untested,
    missing: Math.max(0, c.expected - c.submitted),
    confirmed: c.confirmed,
    ...(c.floorsToConfirm?.length
      ? {
          floors: {
            toConfirm: c.floorsToConfirm.length,
            confirmed: c.floorsToConfirm.filter((f) => c.floors?.[String(f)]).length,
          },
        }
      : {}),
  }
}

export function totals(rows: Countable[]): Totals {
  const t: Totals = {
    expected: 0,
    submitted: 0,
    people: 0,
    negative: 0,
    positive: 0,
    invalid: 0,
    untested: 0,
    missing: 0,
    confirmed: 0,
    buildings: 0,
  }
  for (const r of rows) {
    t.expected += r.expected
    t.submitted += r.submitted
    for (const k of COUNT_KEYS) t[k] += r[k]
    t.missing += Math.max(0, r.expected - r.submitted)
    if (r.confirmed) t.confirmed++
    t.buildings++
  }
  return t
}

/** Buildings with an abnormal result first ("never miss a positive"), then in building order. */
export function tableOrder(a: TableRow & { order?: number }, b: TableRow & { order?: number }): number {
  return Number(b.positive > 0) - Number(a.positive > 0) || (a.order ?? 0) - (b.order ?? 0)
}
