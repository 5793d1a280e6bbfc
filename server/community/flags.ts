import type { ResidentFlag } from '../../typings/api'
import { FLAG_LABELS } from '../../miniprogram/shared/constants'

export { FLAG_LABELS }

/** Words people write in ledgers for each flag. */
const ALIASES: Record<string, ResidentFlag> = {
  '60岁以上': 'elderly',
  '60+': 'elderly',
  老人: 'elderly',
  老年人: 'elderly',
  独居: 'alone',
  独居老人: 'alone',
  行动不便: 'mobility',
  残疾: 'mobility',
  卧床: 'mobility',
  慢性病: 'chronic',
  慢病: 'chronic',
  孕妇: 'pregnant',
  孕产妇: 'pregnant',
  婴幼儿: 'infant',
  婴儿: 'infant',
  幼儿: 'infant',
}

/** Parse 「独居，慢病」-style text; unknown words are returned separately so the import can report them. */
export function parseFlags(text: string): { flags: ResidentFlag[]; unknown: string[] } {
  const flags = new Set<ResidentFlag>()
  const unknown: string[] = []
  for (const word of text.split(/[,，、;；/\s]+/).filter(Boolean)) {
    const flag = ALIASES[word] ?? (Object.keys(FLAG_LABELS).includes(word) ? (word as ResidentFlag) : undefined)
    if (flag) flags.add(flag)
    else unknown.push(word)
  }
  return { flags: [...flags], unknown }
}

/** 60 or older in the given Shanghai calendar year. */
export const isElderly = (birthYear: number | undefined, year: number) =>
  birthYear !== undefined && year - birthYear >= 60

/** Flags as stored, with 60岁以上 derived from the birth year so the two never disagree. */
export function withDerivedFlags(flags: ResidentFlag[], birthYear: number | undefined, year: number): ResidentFlag[] {
  const set = new Set<ResidentFlag>(flags.filter((f) => f !== 'elderly'))
  if (isElderly(birthYear, year) || (birthYear === undefined && flags.includes('elderly'))) set.add('elderly')
  return (Object.keys(FLAG_LABELS) as ResidentFlag[]).filter((f) => set.has(f))
}
