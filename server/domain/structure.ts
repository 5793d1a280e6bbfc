// Pure rules of the community tree: building order, rooms and floors, forming 营 of about 20 buildings.

/** Sort key that puts 2号 before 10号 and 3单元 before 12单元: numbers compared by value. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'zh-Hans-CN', { numeric: true })
}

/** Building names as people write them: full-width digits and spaces normalised, 「12 号楼」→「12号楼」. */
export function normaliseBuildingName(raw: string): string {
  return toHalfWidth(raw).replace(/\s+/g, '').trim()
}

/** Rooms: half-width, upper case, no spaces or trailing 室/号 (「２０１室」→「201」). */
export function normaliseRoom(raw: string): string {
  return toHalfWidth(raw)
    .replace(/\s+/g, '')
    .replace(/[室号]$/, '')
    .toUpperCase()
}

export const ROOM_PATTERN = /^[A-Z]?\d{1,2}-?\d{2}[A-Z]?$|^[A-Z]?\d{1,4}$/

export function isValidRoom(room: string): boolean {
  return ROOM_PATTERN.test(room)
}

/** Floor from a room number: 201 → 2, 1502 → 15, 12-01 → 12, B101 → 1; 0 when it cannot be told. */
export function floorOf(room: string): number {
  const digits = room.replace(/^[A-Z]/, '').replace(/[A-Z]$/, '')
  const dashed = /^(\d{1,2})-(\d{2})$/.exec(digits)
  if (dashed) return Number(dashed[1])
  if (/^\d{3,4}$/.test(digits)) return Number(digits.slice(0, -2))
  return 0
}

/** 「3号」→「3」, 「12栋」→「12」: the short form used in labels like 3-201. */
export function shortBuildingName(name: string): string {
  return name.replace(/(号楼|号|栋|幢|楼)$/, '') || name
}

export function householdLabel(buildingName: string, room: string): string {
  return `${shortBuildingName(buildingName)}-${room}`
}

/** Split buildings (already in natural order) into consecutive groups of `size`: 135 → 7 groups (6×20 + 15). */
export function chunkIntoGroups<T>(buildings: T[], size: number): T[][] {
  const groups: T[][] = []
  for (let i = 0; i < buildings.length; i += size) groups.push(buildings.slice(i, i + size))
  return groups
}

export const groupName = (index: number) => `第${index + 1}营`

function toHalfWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ')
}
