// Rows of a ledger file checked and grouped into households. Pure: the caller supplies the community's
// buildings and the current Shanghai year.
import type { ImportRowError, ResidentFlag } from '../../typings/api'
import { FLAG_LABELS, parseFlags, withDerivedFlags } from '../domain/flags'
import { isValidPhone, normalisePhone } from '../domain/mask'
import {
  floorOf,
  isValidRoom,
  naturalCompare,
  normaliseBuildingName,
  normaliseRoom,
  shortBuildingName,
} from '../domain/structure'
import type { LedgerRow } from './parse'

export const MAX_ROWS = 20_000
export const MIN_BIRTH_YEAR = 1900
const MAX_NAME_LENGTH = 30

export interface PlannedMember {
  name: string
  phone?: string
  birthYear?: number
  flags: ResidentFlag[]
  /** Sheet row it came from. */
  row: number
}

export interface PlannedHousehold {
  /** The existing building's name, or the normalised name of a building the import creates. */
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

/** Existing buildings by normalised name, then by short name (「3号」 for 「3号楼」) when that is unambiguous. */
export function buildingMatcher(buildings: readonly BuildingRef[]): (name: string) => BuildingRef | undefined {
  const exact = new Map<string, BuildingRef>()
  const short = new Map<string, BuildingRef[]>()
  for (const b of buildings) {
    const n = normaliseBuildingName(b.name)
    exact.set(n, b)
    const s = shortBuildingName(n)
    short.set(s, [...(short.get(s) ?? []), b])
  }
  return (name) => {
    const hit = exact.get(name)
    if (hit) return hit
    const candidates = short.get(shortBuildingName(name))
    return candidates?.length === 1 ? candidates[0] : undefined
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
      errors: [
        {
          row: first.row,
          reason: `表格共 ${rows.length} 行，超过一次导入 ${maxRows} 行的上限（从第 ${first.row} 行起超出），请按楼栋分成几个文件分批导入`,
        },
      ],
    }
  }

  const match = buildingMatcher(opts.buildings)
  const errors: ImportRowError[] = []
  const households = new Map<string, PlannedHousehold>()
  const newBuildings = new Set<string>()
  const people = new Map<string, number>()
  let residents = 0

  for (const r of rows) {
    const problems: string[] = []
    const buildingRaw = normaliseBuildingName(r.building)
    const room = normaliseRoom(r.room)
    const name = normaliseName(r.name)

    let building: BuildingRef | undefined
    if (!buildingRaw) problems.push('楼栋为空')
    else {
      building = match(buildingRaw)
      if (!building && !opts.createBuildings)
        problems.push(`楼栋「${buildingRaw}」不在本小区的楼栋名单中；如需新建楼栋，请勾选「自动创建楼栋」后重新预览`)
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

    const buildingName = building?.name ?? buildingRaw
    if (buildingName && room && name) {
      const person = `${building?.id ?? `new:${buildingRaw}`}\u0000${room}\u0000${name}`
      const first = people.get(person)
      if (first !== undefined)
        problems.push(`与第 ${first} 行重复：第 ${first} 行和第 ${r.row} 行都是 ${buildingName} ${room} 的「${name}」`)
      else people.set(person, r.row)
    }

    for (const reason of problems) errors.push({ row: r.row, reason })
    if (problems.length > 0 || !buildingName) continue

    if (!building) newBuildings.add(buildingRaw)
    const key = `${building?.id ?? `new:${buildingRaw}`}\u0000${room}`
    let household = households.get(key)
    if (!household) {
      household = { buildingName, room, floor: floorOf(room), members: [] }
      if (building) household.buildingId = building.id
      households.set(key, household)
    }
    const by = birthYear ?? undefined
    const member: PlannedMember = { name, flags: withDerivedFlags(flags, by, opts.year), row: r.row }
    if (phone) member.phone = phone
    if (by !== undefined) member.birthYear = by
    household.members.push(member)
    residents++
  }

  const sorted = [...households.values()].sort(
    (a, b) => naturalCompare(a.buildingName, b.buildingName) || roomCompare(a.room, b.room),
  )
  return {
    rows: rows.length,
    households: sorted,
    residents,
    newBuildings: [...newBuildings].sort(naturalCompare),
    errors: errors.sort((a, b) => a.row - b.row),
  }
}
