// Answers of realistic size for the setData measurements: a community of many buildings (ids as the functions make
// them, 营 of 20, 片区), a chain of a high-rise building, a building's roster. Shaped exactly like typings/api.
import type {
  ChainEntryView,
  ChainView,
  GroupSummary,
  HouseholdView,
  RoundTable,
  Roster,
  StructureView,
  TableRow,
} from '../../../typings/api'
import { BUILDING, COMMUNITY, joinRequest, round, totalsOf } from './fixtures'

/** A 16-hex id like randomId('bld'): stable for a number. */
const hex = (n: number, width = 16) => (n * 2654435761).toString(16).padStart(width, '0').slice(-width)
export const buildingIdOf = (n: number) => `bld_${hex(n)}`
export const groupIdOf = (n: number) => `grp_${hex(n + 7)}`
export const zoneIdOf = (n: number) => `zone_${hex(n + 13)}`
const householdIdOf = (n: number) => `hh_${hex(n, 24)}`

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗'
const GIVEN = ['建国', '秀英', '桂兰', '志强', '小明', '丽华', '德明', '玉珍', '海燕', '文杰']
const fullName = (n: number) => `${SURNAMES[n % SURNAMES.length]}${GIVEN[(n * 7) % GIVEN.length]}`
const masked = (name: string) => `${name[0]}*${name.slice(2)}`

export interface LargeTableOptions {
  /** Buildings per 营 (the community's groupSize). */
  groupSize?: number
  /** 营 per 片区; 0: no 片区. */
  groupsPerZone?: number
  /** Every n-th building has an abnormal result; 0: none. */
  abnormalEvery?: number
}

/**
 * The committee's table of a community of `buildings` buildings (1号 … n号), about 11 households each, 96% of
 * them reported: rows abnormal first then in natural order, subtotals per 营 and 片区, as the function answers.
 */
export function largeTable(buildings: number, opts: LargeTableOptions = {}): RoundTable {
  const { groupSize = 20, groupsPerZone = 10, abnormalEvery = 97 } = opts
  const all: (TableRow & { zone: number })[] = []
  for (let i = 1; i <= buildings; i++) {
    const g = Math.ceil(i / groupSize)
    const expected = 8 + (i % 7)
    const missing = i % 4 === 0 ? 1 : 0
    const submitted = expected - missing
    const people = submitted * 2 + (i % 3)
    const positive = abnormalEvery && i % abnormalEvery === 0 ? 1 + (i % 2) : 0
    const invalid = i % 11 === 0 ? 1 : 0
    const untested = i % 13 === 0 ? 1 : 0
    all.push({
      buildingId: buildingIdOf(i),
      name: `${i}号`,
      groupId: groupIdOf(g),
      groupName: `第${g}营`,
      expected,
      submitted,
      people,
      negative: people - positive - invalid - untested,
      positive,
      invalid,
      untested,
      missing,
      confirmed: i % 5 !== 0,
      zone: groupsPerZone ? Math.ceil(g / groupsPerZone) : 0,
    })
  }
  const strip = ({ zone: _z, ...row }: TableRow & { zone: number }): TableRow => row
  const rows = [...all.filter((r) => r.positive > 0), ...all.filter((r) => r.positive === 0)].map(strip)
  const groupCount = Math.ceil(buildings / groupSize)
  const zoneCount = groupsPerZone ? Math.ceil(groupCount / groupsPerZone) : 0
  return {
    round: round({ buildingCount: buildings }),
    rows,
    groups: Array.from({ length: groupCount }, (_, k) => {
      const inGroup = all.filter((r) => r.groupId === groupIdOf(k + 1)).map(strip)
      return { groupId: groupIdOf(k + 1), groupName: `第${k + 1}营`, ...totalsOf(inGroup) }
    }),
    zones: Array.from({ length: zoneCount }, (_, k) => ({
      zoneId: zoneIdOf(k + 1),
      zoneName: `第${k + 1}片区`,
      ...totalsOf(all.filter((r) => r.zone === k + 1).map(strip)),
    })),
    total: totalsOf(all.map(strip)),
    scope: 'community',
  }
}

/** The structure of the same community: 营 of `groupSize`, or every building 未分营 when groupSize is 0. */
export function largeStructure(buildings: number, groupSize = 20): StructureView {
  const groups: GroupSummary[] = []
  for (let i = 1; i <= buildings; i++) {
    const g = groupSize ? Math.ceil(i / groupSize) : 0
    const id = g ? groupIdOf(g) : ''
    let group = groups[groups.length - 1]
    if (!group || group.id !== id) {
      group = { id, name: g ? `第${g}营` : '', buildings: [], ...(g ? { lead: '1 位营长' } : {}) }
      groups.push(group)
    }
    group.buildings.push({
      id: buildingIdOf(i),
      name: `${i}号`,
      groupId: id,
      households: 8 + (i % 7),
      residents: 20 + (i % 9),
      linkedHouseholds: 6 + (i % 5),
      ...(i % 3 ? { lead: '1 位楼组长' } : {}),
    })
  }
  const sum = (k: 'households' | 'residents') => groups.flatMap((g) => g.buildings).reduce((n, b) => n + b[k], 0)
  return {
    community: {
      id: COMMUNITY.id,
      name: COMMUNITY.name,
      groupSize: groupSize || 20,
      volunteerCaps: { online: null, testing: 5, building: 5, patrol: 5, transport: 5, emergency: 5 },
    },
    zones: [],
    groups,
    totals: {
      buildings,
      households: sum('households'),
      residents: sum('residents'),
      elderly: Math.round(buildings * 4.5),
    },
  }
}

const roomOf = (n: number) => {
  const floor = Math.floor(n / 6) + 1
  return { floor, room: `${floor}${String((n % 6) + 1).padStart(2, '0')}` }
}

/** A high-rise's room: about 33 households a floor (30 floors for 1,000), numbered 101, 102 … on each floor. */
const highRiseRoomOf = (n: number, households: number) => {
  const floors = Math.max(1, Math.round(households / 33))
  const floor = Math.floor((n * floors) / households) + 1
  const first = Math.ceil(((floor - 1) * households) / floors)
  return { floor, room: `${floor}${String(n - first + 1).padStart(2, '0')}` }
}

/**
 * A lead's chain of a high-rise building with `households` households (about 33 a floor): 96% reported, 2–3
 * members each with results and photo URLs (as the function signs them), one abnormal entry in fifty, abnormal
 * entries first as the function orders them for a lead; two floors in three have a 层长, a quarter of them
 * confirmed.
 */
export function largeChain(households: number): ChainView {
  const entries: ChainEntryView[] = []
  const missing: ChainView['missing'] = []
  const floors = new Map<number, ChainView['floors'][number]>()
  for (let n = 0; n < households; n++) {
    const { floor, room } = highRiseRoomOf(n, households)
    const householdId = householdIdOf(n)
    const label = `${BUILDING.name.replace('号', '')}-${room}`
    let f = floors.get(floor)
    if (!f) {
      const toConfirm = floor % 3 !== 0
      const confirmed = toConfirm && floor % 4 === 1
      f = { floor, expected: 0, submitted: 0, toConfirm, confirmed }
      if (confirmed) f.confirmedAt = '2026-11-20T08:30:00.000Z'
      floors.set(floor, f)
    }
    f.expected++
    if (n % 25 === 24) {
      missing.push({ householdId, label: `${label} ${masked(fullName(n))}`, floor, linked: n % 2 === 0 })
      continue
    }
    f.submitted++
    const abnormal = n % 50 === 7
    const people = 2 + (n % 2)
    entries.push({
      no: entries.length + 1,
      householdId,
      floor,
      label: `${label} ${masked(fullName(n))}`,
      submittedAt: new Date(Date.parse('2026-11-20T00:40:00.000Z') + n * 20_000).toISOString(),
      proxy: n % 9 === 0,
      abnormal,
      members: Array.from({ length: people }, (_, k) => ({
        memberId: `m_${hex(n * 4 + k, 8)}`,
        name: fullName(n + k),
        result: abnormal && k === 0 ? ('positive' as const) : ('negative' as const),
        photoUrl: `https://test-env-1a2b3c.tcb.qcloud.la/antigen/r_1120/${householdId}/m_${hex(n * 4 + k, 8)}.jpg?sign=${hex(n + k, 32)}&t=1763600000`,
        startedAt: '2026-11-20T00:30:00.000Z',
        photoAt: '2026-11-20T00:46:00.000Z',
        early: false,
      })),
    })
  }
  return {
    round: round(),
    building: { id: BUILDING.id, name: BUILDING.name },
    entries: [...entries.filter((e) => e.abnormal), ...entries.filter((e) => !e.abnormal)],
    missing,
    floors: [...floors.values()],
    confirmed: false,
    detailed: true,
  }
}

/** A building lead's roster of `households` households, 2–4 members each (phones masked), a few requests. */
export function largeRoster(households: number): Roster {
  const list: HouseholdView[] = []
  for (let n = 0; n < households; n++) {
    const { floor, room } = roomOf(n)
    const people = 2 + (n % 3)
    const linked = n % 4 === 0 ? 0 : 1
    list.push({
      id: householdIdOf(n),
      buildingId: BUILDING.id,
      room,
      floor,
      label: `12-${room}`,
      members: Array.from({ length: people }, (_, k) => ({
        id: `m_${hex(n * 4 + k, 8)}`,
        name: fullName(n + k),
        phone: `13${String(n % 10)}****${String(1000 + ((n * 7 + k) % 9000)).slice(-4)}`,
        birthYear: 1940 + ((n + k * 17) % 70),
        flags: n % 6 === 0 && k === 0 ? ['elderly' as const, 'alone' as const] : [],
        linked: k < linked,
        revealable: true,
      })),
      linkedCount: linked,
      proxy: n % 15 === 0,
      special: n % 6 === 0,
    })
  }
  const unlinked = list.filter((h) => h.linkedCount === 0)
  return {
    building: BUILDING,
    households: list,
    pending: Array.from({ length: 5 }, (_, k) => joinRequest({ id: `jr_${k}`, label: `12-${roomOf(k).room}` })),
    unlinked,
    counts: {
      households: list.length,
      residents: list.reduce((n, h) => n + h.members.length, 0),
      linkedHouseholds: list.length - unlinked.length,
      special: list.filter((h) => h.special).length,
    },
  }
}
