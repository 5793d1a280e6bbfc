// Rows of a ledger file checked and grouped into households. Pure: the caller supplies the community's
// buildings and the current Shanghai year.
import type {
  ImportBuildingSpelling,
  ImportBuildingSpellings,
  ImportBuildingWarning,
  ImportRowError,
  ResidentFlag,
} from '../../typings/api'
import { FLAG_LABELS, parseFlags, withDerivedFlags } from '../community/flags'
import { isValidPhone, normalisePhone } from '../community/mask'
import {
  floorOf,
  isValidRoom,
  naturalCompare,
  normaliseBuildingName,
  normaliseRoom,
  parseBuildingName,
  similarBuildingNames,
  type BuildingName,
} from '../community/structure'
import type { LedgerRow } from './parse'

export const MAX_ROWS = 20_000
export const MIN_BIRTH_YEAR = 1900
const MAX_NAME_LENGTH = 30
/** Row numbers kept per spelling and per warning; the count says how many there are. */
export const MAX_SPELLING_ROWS = 20
export const MAX_BUILDING_WARNINGS = 200
/** Existing look-alikes named in the error of an unknown building. */
const MAX_SIMILAR_NAMED = 3

export interface PlannedMember {
  name: string
  phone?: string
  birthYear?: number
  flags: ResidentFlag[]
  /** Sheet row it came from. */
  row: number
}

export interface PlannedHousehold {
  /** The existing building's name, or the name a building the import creates gets (its most used spelling). */
  buildingName: string
  /** Set when the building exists. */
  buildingId?: string
  room: string
  floor: number
  members: PlannedMember[]
}

export interface BuildingRef {
  id: string
  name: string
}

export interface ValidateOptions {
  buildings: readonly BuildingRef[]
  createBuildings: boolean
  /** Current year in Shanghai: upper bound of birth years and the reference for 60岁以上. */
  year: number
  maxRows?: number
}

export interface ValidatedLedger {
  rows: number
  households: PlannedHousehold[]
  residents: number
  /** Buildings the file names that the community does not have, in natural order. */
  newBuildings: string[]
  /** The same buildings with the file's spellings folded into each. */
  newBuildingSpellings: ImportBuildingSpellings[]
  /** Existing buildings the file writes another way, with those spellings; in natural order. */
  matchedSpellings: ImportBuildingSpellings[]
  /** New buildings close to another building's name, not folded into it. */
  buildingWarnings: ImportBuildingWarning[]
  /** Sorted by row. */
  errors: ImportRowError[]
}

/** Rooms by floor, then naturally: 201, 202, 1101, 12-01. */
export const roomCompare = (a: string, b: string) => floorOf(a) - floorOf(b) || naturalCompare(a, b)

/** Person's name: no spaces of any width (Chinese names have none; spreadsheets add them for alignment). */
export const normaliseName = (raw: string) => raw.replace(/[\s\u3000]+/g, '')

/**
 * 1950, 1950年, 1950-03-02, 1950/3/2, 1950.3.2, 1950年3月2日, 1950-03-02 00:00:00 → 1950.
 * undefined when empty, null when unreadable.
 */
export function parseBirthYear(raw: string): number | undefined | null {
  const s = raw.trim()
  if (s === '') return undefined
  const m = /^(\d{4})(?:年|[-/.年](\d{1,2})(?:月|[-/.月](\d{1,2})日?)?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)?$/.exec(s)
  if (!m) return null
  const month = m[2] === undefined ? 1 : Number(m[2])
  const day = m[3] === undefined ? 1 : Number(m[3])
  if (month < 1 || month > 12 || day < 1 || day > 31) return null
  return Number(m[1])
}

/** A file's building name against the community's buildings. */
export type BuildingMatch =
  | { building: BuildingRef }
  /** Several existing buildings are spellings of it (「5号楼」 with both 「5栋」 and 「5号」): not guessed. */
  | { ambiguous: BuildingRef[] }
  /** None: a building to create (or an error when buildings are not created); the name as parsed. */
  | { none: BuildingName }

export interface BuildingResolver {
  match(name: string): BuildingMatch
  /** Existing buildings whose names are close to `name` without being a spelling of it. */
  similar(name: BuildingName): BuildingRef[]
}

/**
 * Existing buildings by normalised name, then by `parseBuildingName` key (「3号」「3栋」「三号楼」 for 「3号楼」) when
 * exactly one building has that key. The same key groups the rows of buildings the import creates.
 */
export function buildingResolver(buildings: readonly BuildingRef[]): BuildingResolver {
  const exact = new Map<string, BuildingRef>()
  const byKey = new Map<string, BuildingRef[]>()
  const parsed = buildings.map((b) => ({ ref: b, name: parseBuildingName(b.name) }))
  for (const { ref, name } of parsed) {
    exact.set(name.text, ref)
    byKey.set(name.key, [...(byKey.get(name.key) ?? []), ref])
  }
  const similar = new Map<string, BuildingRef[]>()
  // A file writes each name on many rows: each is read once.
  const matched = new Map<string, BuildingMatch>()
  const match = (text: string): BuildingMatch => {
    const hit = exact.get(text)
    if (hit) return { building: hit }
    const name = parseBuildingName(text)
    const candidates = byKey.get(name.key) ?? []
    if (candidates.length === 1) return { building: candidates[0] as BuildingRef }
    return candidates.length > 1 ? { ambiguous: candidates } : { none: name }
  }
  return {
    match(name) {
      const text = normaliseBuildingName(name)
      let m = matched.get(text)
      if (!m) matched.set(text, (m = match(text)))
      return m
    },
    similar(name) {
      let found = similar.get(name.key)
      if (!found) {
        found = parsed.filter((b) => similarBuildingNames(name, b.name)).map((b) => b.ref)
        found.sort((a, b) => naturalCompare(a.name, b.name))
        similar.set(name.key, found)
      }
      return found
    },
  }
}

/** `buildingResolver(buildings).match`, answering only a building matched without doubt. */
export function buildingMatcher(buildings: readonly BuildingRef[]): (name: string) => BuildingRef | undefined {
  const resolver = buildingResolver(buildings)
  return (name) => {
    const m = resolver.match(name)
    return 'building' in m ? m.building : undefined
  }
}

/** 「第 3、5、9 行」, or 「第 3、5、9、12、15 行等 30 行」 for many. */
export function rowList(rows: readonly number[], count = rows.length): string {
  const shown = rows.slice(0, 5).join('、')
  return count > 5 ? `第 ${shown} 行等 ${count} 行` : `第 ${shown} 行`
}

/** Spellings of one building as the rows write them, in file order. */
class Spellings {
  private readonly byText = new Map<string, ImportBuildingSpelling>()
  count = 0
  readonly rows: number[] = []

  add(text: string, row: number): void {
    let s = this.byText.get(text)
    if (!s) this.byText.set(text, (s = { text, count: 0, rows: [] }))
    s.count++
    if (s.rows.length < MAX_SPELLING_ROWS) s.rows.push(row)
    this.count++
    if (this.rows.length < MAX_SPELLING_ROWS) this.rows.push(row)
  }

  /** Most rows first; of two used as often, the one the file uses first (Map order is file order). */
  sorted(): ImportBuildingSpelling[] {
    return [...this.byText.values()].sort((a, b) => b.count - a.count)
  }
}

/** Why two look-alike names were kept apart, for the warning's sentence. */
function apartReason(a: BuildingName, b: BuildingName): string {
  if (a.parsed && b.parsed) {
    if (a.prefix !== b.prefix) {
      const [withPrefix, without] = a.prefix ? [a, b] : [b, a]
      return without.prefix
        ? `「${a.prefix}」和「${b.prefix}」写法不同`
        : `「${withPrefix.text}」前面有「${withPrefix.prefix}」，「${without.text}」没有`
    }
    if (a.number.join('-') === b.number.join('-') && (a.unit === undefined) !== (b.unit === undefined)) {
      const [withUnit, without] = a.unit === undefined ? [b, a] : [a, b]
      return withUnit.number.length === 0
        ? `「${withUnit.text}」是单元，「${without.text}」是楼号`
        : `「${withUnit.text}」写了单元号，「${without.text}」没有`
    }
    const dashed = [a, b].find((n) => n.number.length > 1)
    if (dashed) return `「${dashed.text}」中的「-」后面可能是单元号，也可能是楼号的一部分`
  }
  return '写法不同'
}

interface Named {
  name: string
  /** Rows of the file, for a building it creates. */
  spellings?: Spellings
}

/** `a` (to be created) looks like `b` (to be created too, or existing when it has no rows). */
function warning(a: Required<Named>, b: Named, reason: string): ImportBuildingWarning {
  const other = b.spellings
    ? `表格中的「${b.name}」（${rowList(b.spellings.rows, b.spellings.count)}）`
    : `已有楼栋「${b.name}」`
  return {
    name: a.name,
    rows: a.spellings.rows,
    similar: b.name,
    similarExists: !b.spellings,
    message:
      `将新建的「${a.name}」（${rowList(a.spellings.rows, a.spellings.count)}）与${other}相近，但不能确定是同一栋，` +
      `没有合并：${reason}。如是同一栋，请在表格中改成同一种写法后重新预览`,
  }
}

const FLAG_WORDS = Object.values(FLAG_LABELS).join('、')

export function validateLedger(rows: readonly LedgerRow[], opts: ValidateOptions): ValidatedLedger {
  const maxRows = opts.maxRows ?? MAX_ROWS
  if (rows.length > maxRows) {
    const first = rows[maxRows] as LedgerRow
    return {
      rows: rows.length,
      households: [],
      residents: 0,
      newBuildings: [],
      newBuildingSpellings: [],
      matchedSpellings: [],
      buildingWarnings: [],
      errors: [
        {
          row: first.row,
          reason: `表格共 ${rows.length} 行，超过一次导入 ${maxRows} 行的上限（从第 ${first.row} 行起超出），请按楼栋分成几个文件分批导入`,
        },
      ],
    }
  }

  const resolver = buildingResolver(opts.buildings)
  const errors: ImportRowError[] = []
  const households = new Map<string, PlannedHousehold>()
  /** Buildings to create by key, and the households waiting for the name their building gets. */
  const created = new Map<string, { spellings: Spellings; households: PlannedHousehold[] }>()
  const matched = new Map<string, { building: BuildingRef; spellings: Spellings }>()
  const people = new Map<string, number>()
  let residents = 0

  for (const r of rows) {
    const problems: string[] = []
    const spelling = normaliseBuildingName(r.building)
    const room = normaliseRoom(r.room)
    const name = normaliseName(r.name)

    let building: BuildingRef | undefined
    let newKey: string | undefined
    if (!spelling) problems.push('楼栋为空')
    else {
      const m = resolver.match(spelling)
      if ('building' in m) {
        building = m.building
        if (spelling !== normaliseBuildingName(building.name)) {
          let entry = matched.get(building.id)
          if (!entry) matched.set(building.id, (entry = { building, spellings: new Spellings() }))
          entry.spellings.add(spelling, r.row)
        }
      } else if ('ambiguous' in m) {
        const names = m.ambiguous.map((b) => `「${b.name}」`).join('或')
        problems.push(`楼栋「${spelling}」可以是已有的${names}，无法确定是哪一栋；请在表格中改成其中一栋的名称`)
      } else if (opts.createBuildings) {
        newKey = m.none.key
        let entry = created.get(newKey)
        if (!entry) created.set(newKey, (entry = { spellings: new Spellings(), households: [] }))
        entry.spellings.add(spelling, r.row)
      } else {
        const near = resolver.similar(m.none).slice(0, MAX_SIMILAR_NAMED)
        const hint =
          near.length === 0
            ? ''
            : `（已有相近的${near.map((b) => `「${b.name}」`).join('')}，如是其中一栋，请改成它的名称）`
        problems.push(
          `楼栋「${spelling}」不在本小区的楼栋名单中${hint}；如需新建楼栋，请勾选「自动创建楼栋」后重新预览`,
        )
      }
    }
    if (!room) problems.push('房号为空')
    else if (!isValidRoom(room)) problems.push(`房号「${r.room}」格式不正确，应为 201、1502、12-01 这样的房号`)
    if (!name) problems.push('姓名为空')
    else if ([...name].length > MAX_NAME_LENGTH) problems.push(`姓名「${name}」超过 ${MAX_NAME_LENGTH} 个字`)

    let phone: string | undefined
    if (r.phone) {
      phone = normalisePhone(r.phone)
      if (!isValidPhone(phone)) problems.push(`电话「${r.phone}」格式不正确，应为 11 位手机号或座机号码`)
    }

    const birthYear = parseBirthYear(r.birth)
    if (birthYear === null) problems.push(`出生年份「${r.birth}」无法识别，请填写如 1950 或 1950-03-02`)
    else if (birthYear !== undefined && (birthYear < MIN_BIRTH_YEAR || birthYear > opts.year))
      problems.push(`出生年份 ${birthYear} 不在 ${MIN_BIRTH_YEAR}–${opts.year} 年之间`)

    const { flags, unknown } = parseFlags(r.flags)
    for (const word of unknown) problems.push(`标记「${word}」无法识别，可填：${FLAG_WORDS}`)

    const buildingName = building?.name ?? spelling
    const place = building?.id ?? `new:${newKey ?? spelling}`
    if (buildingName && room && name) {
      const person = `${place}\u0000${room}\u0000${name}`
      const first = people.get(person)
      if (first !== undefined)
        problems.push(`与第 ${first} 行重复：第 ${first} 行和第 ${r.row} 行都是 ${buildingName} ${room} 的「${name}」`)
      else people.set(person, r.row)
    }

    for (const reason of problems) errors.push({ row: r.row, reason })
    if (problems.length > 0 || !buildingName) continue

    const key = `${place}\u0000${room}`
    let household = households.get(key)
    if (!household) {
      household = { buildingName, room, floor: floorOf(room), members: [] }
      if (building) household.buildingId = building.id
      else if (newKey !== undefined) created.get(newKey)?.households.push(household)
      households.set(key, household)
    }
    const by = birthYear ?? undefined
    const member: PlannedMember = { name, flags: withDerivedFlags(flags, by, opts.year), row: r.row }
    if (phone) member.phone = phone
    if (by !== undefined) member.birthYear = by
    household.members.push(member)
    residents++
  }

  // A created building is named by the spelling most of its rows use; its households take that name.
  const toCreate = [...created.values()].map((c) => {
    const list = c.spellings.sorted()
    const name = (list[0] as ImportBuildingSpelling).text
    for (const h of c.households) h.buildingName = name
    return { name, parsed: parseBuildingName(name), spellings: c.spellings, list }
  })
  toCreate.sort((a, b) => naturalCompare(a.name, b.name))

  const buildingWarnings: ImportBuildingWarning[] = []
  for (const [i, a] of toCreate.entries()) {
    for (const b of toCreate.slice(i + 1))
      if (similarBuildingNames(a.parsed, b.parsed))
        buildingWarnings.push(warning(a, b, apartReason(a.parsed, b.parsed)))
    for (const existing of resolver.similar(a.parsed))
      buildingWarnings.push(warning(a, existing, apartReason(a.parsed, parseBuildingName(existing.name))))
  }

  const sorted = [...households.values()].sort(
    (a, b) => naturalCompare(a.buildingName, b.buildingName) || roomCompare(a.room, b.room),
  )
  return {
    rows: rows.length,
    households: sorted,
    residents,
    newBuildings: toCreate.map((c) => c.name),
    newBuildingSpellings: toCreate.map((c) => ({ name: c.name, spellings: c.list })),
    matchedSpellings: [...matched.values()]
      .sort((a, b) => naturalCompare(a.building.name, b.building.name))
      .map((m) => ({ name: m.building.name, spellings: m.spellings.sorted() })),
    buildingWarnings: buildingWarnings.slice(0, MAX_BUILDING_WARNINGS),
    errors: errors.sort((a, b) => a.row - b.row),
  }
}
