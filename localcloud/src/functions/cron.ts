// CloudBase timer triggers: 7-field cron (second minute hour day month weekday year), evaluated in
// China Standard Time (UTC+8, no daylight saving) as CloudBase does.
const CST_OFFSET_MS = 8 * 3600_000

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']

interface FieldSpec {
  min: number
  max: number
  names?: string[]
  namesFrom?: number
}

const FIELDS: FieldSpec[] = [
  { min: 0, max: 59 },
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS, namesFrom: 1 },
  { min: 0, max: 6, names: DAYS, namesFrom: 0 },
  { min: 1970, max: 2199 },
]

export type Cron = Set<number>[]

export function parseCron(expr: string): Cron {
  const parts = expr.trim().split(/\s+/)
  if (parts.length !== 7)
    throw new Error(`cron "${expr}" must have 7 fields (second minute hour day month weekday year)`)
  return parts.map((part, i) => parseField(part, FIELDS[i] as FieldSpec, expr))
}

function parseField(part: string, spec: FieldSpec, expr: string): Set<number> {
  const out = new Set<number>()
  const value = (token: string): number => {
    const named = spec.names?.indexOf(token.toUpperCase()) ?? -1
    const n = named >= 0 ? named + (spec.namesFrom ?? 0) : Number(token)
    if (!Number.isInteger(n) || n < spec.min || n > spec.max) throw new Error(`cron "${expr}": bad value ${token}`)
    return n
  }
  for (const item of part.split(',')) {
    const [range, stepText] = item.split('/')
    const step = stepText === undefined ? 1 : Number(stepText)
    if (!Number.isInteger(step) || step < 1) throw new Error(`cron "${expr}": bad step in ${item}`)
    let lo: number
    let hi: number
    if (range === '*' || range === '?') {
      lo = spec.min
      hi = spec.max
    } else if (range?.includes('-')) {
      const [a, b] = range.split('-')
      lo = value(a ?? '')
      hi = value(b ?? '')
    } else {
      lo = value(range ?? '')
      hi = stepText === undefined ? lo : spec.max
    }
    for (let n = lo; n <= hi; n += step) out.add(n)
  }
  return out
}

export function cronMatches(cron: Cron, at: number): boolean {
  const d = new Date(at + CST_OFFSET_MS)
  const values = [
    d.getUTCSeconds(),
    d.getUTCMinutes(),
    d.getUTCHours(),
    d.getUTCDate(),
    d.getUTCMonth() + 1,
    d.getUTCDay(),
    d.getUTCFullYear(),
  ]
  return values.every((v, i) => (cron[i] as Set<number>).has(v))
}
