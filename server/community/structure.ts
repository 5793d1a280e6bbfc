// Pure rules of the community tree: building order, rooms and floors, forming 营 of about 20 buildings.

/** Sort key that puts 2号 before 10号 and 3单元 before 12单元: numbers compared by value. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'zh-Hans-CN', { numeric: true })
}

/** Building names as people write them: full-width digits and spaces normalised, 「12 号楼」→「12号楼」. */
export function normaliseBuildingName(raw: string): string {
  return toHalfWidth(raw).replace(/\s+/g, '').trim()
}

/**
 * A building name with its spelling set aside. Names with the same `key` are one building: the ledger import
 * matches rows to existing buildings and groups rows into new buildings by it. Rules in docs/ledger.md
 * (「楼栋名称的写法」).
 */
export interface BuildingName {
  /** As shown: half-width, no spaces (`normaliseBuildingName`). */
  text: string
  /** The same for every spelling of one building: 「9号」「9号楼」「9栋」「9#」「九号楼」「９ 号楼」. */
  key: string
  /** Read as [prefix] number [楼/号/栋…] [unit]; false: compared as written (width, spaces, case aside). */
  parsed: boolean
  /** Text before the number, as written (「东区」「100弄」「二期」); '' when none. */
  prefix: string
  /** Number of the building: 「9号楼」→ ['9'], 「9-1」→ ['9', '1'], 「A座」→ ['A'], 「3单元」→ []. */
  number: string[]
  /** Number of the unit (单元 or 楼道): 「9号楼2单元」→ '2'. */
  unit?: string
}

const CN_NUMBER = '[〇零一二两三四五六七八九十百]+'
const PART = '[A-Z]?\\d+[A-Z]?|[A-Z]'
const NUMBER = `(?:${PART})(?:-(?:${PART}))*|${CN_NUMBER}`
/** What follows a building's number. 「号楼道」 is a 楼道 numbered as a 号 (Shanghai 新村); 「#」 as in 9#楼. */
const BUILDING_SUFFIX = '号楼道|号楼|号栋|号幢|号座|#楼|#|号|栋|幢|座|楼'
const UNIT = `第?(\\d+|${CN_NUMBER})(?:单元|楼道)`
/** [prefix] [第] number [suffix [-] unit | suffix | - unit]: a unit needs a suffix or a dash before it. */
const NUMBERED = new RegExp(`^(.*?)第?(${NUMBER})(?:(?:${BUILDING_SUFFIX})(?:-?${UNIT})?|-${UNIT})?$`)
/** A 楼道 numbered as a unit on its own: 「3单元」「东区3楼道」. */
const UNIT_ONLY = new RegExp(`^(.*?)${UNIT}$`)
const DASHES = /[\u2010-\u2015\u2212_]/g

const CN_DIGITS = '零一二三四五六七八九'

/** 0–999 as written in Chinese: 九, 十二, 二十, 一百零五, 一百一十五. */
function writeChinese(n: number): string {
  const digit = (d: number) => CN_DIGITS[d] as string
  if (n < 10) return digit(n)
  if (n < 100) return `${n < 20 ? '' : digit(Math.floor(n / 10))}十${n % 10 ? digit(n % 10) : ''}`
  const rest = n % 100
  const tail =
    rest === 0 ? '' : rest < 10 ? `零${digit(rest)}` : rest < 20 ? `一${writeChinese(rest)}` : writeChinese(rest)
  return `${digit(Math.floor(n / 100))}百${tail}`
}

/** Every way 0–999 is written (〇 for 零, 两百 for 二百), to its value. */
const CHINESE_NUMBERS = new Map<string, number>()
for (let n = 0; n < 1000; n++) {
  const w = writeChinese(n)
  for (const v of [w, w.replace(/零/g, '〇'), w.replace(/^二百/, '两百')]) CHINESE_NUMBERS.set(v, n)
}

/**
 * Chinese numerals as written for a number 0–999 (九, 十二, 二十三, 一百零五). undefined for anything else (digit
 * by digit 一二, 十十…), so a name that is not a number is never read as one.
 */
export const chineseNumber = (s: string): number | undefined => CHINESE_NUMBERS.get(s)

const stripZeros = (part: string) => part.replace(/\d+/, (n) => n.replace(/^0+(?=\d)/, ''))

/** A number as the key compares it: digits without leading zeros, letters upper case, Chinese as digits. */
function numberPart(raw: string): string | undefined {
  if (/^[A-Z\d]+$/.test(raw)) return stripZeros(raw)
  const n = chineseNumber(raw)
  return n === undefined ? undefined : String(n)
}

/** Unparsed names still drop a trailing 楼/栋/幢/座 (「综合楼」 is 「综合」), as the short name always did. */
const unparsedKey = (upper: string) => `T\u0001${upper.replace(/(号楼|号|栋|幢|座|楼)$/, '') || upper}`

/** Parses a building name as committees write it; see `BuildingName`. */
export function parseBuildingName(raw: string): BuildingName {
  const text = normaliseBuildingName(raw)
  const upper = text.toUpperCase().replace(DASHES, '-')
  const unparsed: BuildingName = { text, key: unparsedKey(upper), parsed: false, prefix: '', number: [] }
  const numbered = NUMBERED.exec(upper)
  const only = numbered ? null : UNIT_ONLY.exec(upper)
  const m = numbered ?? only
  if (!m) return unparsed
  const prefix = (m[1] as string).replace(/-+$/, '')
  const number: string[] = []
  if (numbered) {
    for (const p of (numbered[2] as string).split('-')) {
      const n = numberPart(p)
      if (n === undefined) return unparsed
      number.push(n)
    }
  }
  const unitRaw = numbered ? (numbered[3] ?? numbered[4]) : (only?.[2] as string)
  const unit = unitRaw === undefined ? undefined : numberPart(unitRaw)
  if (unitRaw !== undefined && unit === undefined) return unparsed
  const name: BuildingName = {
    text,
    key: `B\u0001${prefix}\u0001${number.join('-')}\u0001${unit ?? ''}`,
    parsed: true,
    prefix,
    number,
  }
  if (unit !== undefined) name.unit = unit
  return name
}

/** The key of `parseBuildingName`: equal for two spellings of one building, different otherwise. */
export const buildingKey = (raw: string) => parseBuildingName(raw).key

/** Numbers and letters a name is made of, for telling look-alikes: 「9号楼1单元」→ 9, 1. */
function signature(n: BuildingName): string[] {
  if (n.parsed) return n.unit === undefined ? n.number : [...n.number, n.unit]
  return (n.text.toUpperCase().match(/\d+|[A-Z]+/g) ?? []).map(stripZeros)
}

/** Chinese numerals inside free text read as digits, to tell 「二期」 and 「2期」 alike (never to fold them). */
const looseText = (s: string) =>
  s.replace(new RegExp(CN_NUMBER, 'g'), (c) => {
    const n = chineseNumber(c)
    return n === undefined ? c : String(n)
  })

/**
 * Two names that are not one building by the rules but could be meant as one, so a preview says so instead of
 * guessing: 「9号楼」 and 「9号楼1单元」 (a unit or not), 「9-1」 and 「9号楼1单元」 (a dash may be a unit or part of
 * the number), 「9号楼」 and 「东区9号楼」 (a prefix left out), 「2期9号」 and 「二期9号」, 「3单元」 and 「3号楼」,
 * 「9号楼(东)」 and 「9号楼」. 「9号楼1单元」 and 「9号楼2单元」, 「东区9号」 and 「西区9号」, 「1号」 and 「10号」 are not.
 */
export function similarBuildingNames(a: BuildingName, b: BuildingName): boolean {
  if (a.key === b.key) return false
  if (a.parsed && b.parsed && a.prefix && b.prefix && looseText(a.prefix) !== looseText(b.prefix)) return false
  const sa = signature(a)
  const sb = signature(b)
  if (sa.length === 0 || sb.length === 0) return false
  const [short, long] = sa.length <= sb.length ? [sa, sb] : [sb, sa]
  return short.every((x, i) => x === long[i])
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
