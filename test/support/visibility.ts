// The field-level visibility matrix's shared parts: the fixture's people, a hand-written table of what every caller
// may see of every household, a state with results, photos, a lead's flag and a reveal in it, and a scanner that
// reads any reply (or the cells of an exported spreadsheet) for the person data it carries, household by household.
//
// The expectations are written here by hand, independently of server/platform/visibility.ts: a change to the policy
// that lets a reply carry more than this table allows fails the matrix.
import ExcelJS from 'exceljs'
import type { Envelope } from '../../typings/api'
import type { HouseholdDoc, RoleDoc } from '../../server/community/model'
import { householdId } from '../../server/community/ids'
import { maskName } from '../../server/community/mask'
import type { TestCloud } from './localcloud'
import { B, C1, H, loadFixture, WHO } from './community'

export type Level = 'none' | 'masked' | 'full'

/** What a reply shows of a household's people. */
export interface Seen {
  name: Level
  phone: Level
  birthYear: boolean
  flags: boolean
  results: boolean
  photos: boolean
  entryFlag: boolean
}
export type Field = keyof Seen

/** A second household on the floor lead's floor that is not their own (their scope is the floor, not their home). */
export const B1R202: HouseholdDoc = {
  _id: householdId(C1, B.b1._id, '202'),
  communityId: C1,
  groupId: 'g1',
  buildingId: B.b1._id,
  room: '202',
  floor: 2,
  members: [{ id: 'm-wu', name: '吴十', phone: '13800008888', birthYear: 1950, flags: ['elderly'] }],
  proxy: false,
  linkedOpenids: [],
  updatedAt: new Date('2026-11-01T00:00:00Z'),
}

export const HOUSEHOLDS = { ...H, b1r202: B1R202 }
export type HouseholdKey = keyof typeof HOUSEHOLDS
export const HOUSEHOLD_KEYS = Object.keys(HOUSEHOLDS) as HouseholdKey[]

/** A family member managing 1号-102 for 王五 (代管): a resident grant marked proxy, and no other role. */
export const PROXY = 'o-proxy'
const proxyGrant: RoleDoc = {
  _id: 'role-proxy-b1r102',
  openid: PROXY,
  communityId: C1,
  role: 'resident',
  scope: { communityId: C1, buildingId: B.b1._id, householdId: H.b1r102._id },
  proxy: true,
  householdId: H.b1r102._id,
  grantedBy: 'fixture',
  grantedAt: new Date('2026-11-01T00:00:00Z'),
}

/** Every caller of the fixture, and the 代管 family member. */
export const CALLERS = { ...WHO, proxy: PROXY } as const
export type CallerKey = keyof typeof CALLERS
export const CALLER_KEYS = Object.keys(CALLERS) as CallerKey[]

// ---------- the expectations: caller × household → what replies may carry ----------

const NONE: Seen = {
  name: 'none',
  phone: 'none',
  birthYear: false,
  flags: false,
  results: false,
  photos: false,
  entryFlag: false,
}
/** The household itself, the committee. */
const FULL: Seen = {
  name: 'full',
  phone: 'full',
  birthYear: true,
  flags: true,
  results: true,
  photos: true,
  entryFlag: true,
}
/** A building lead, a floor lead on their floor, a 代管 holder: everything but the phone, masked. */
const LEAD: Seen = { ...FULL, phone: 'masked' }
/** 营长, 团长: results and photos, names and phones masked. */
const ROLL_UP: Seen = { ...NONE, name: 'masked', phone: 'masked', results: true, photos: true, entryFlag: true }
/** A volunteer in the buildings of their posts: masked name and number (the number can be revealed). */
const VOLUNTEER: Seen = { ...NONE, name: 'masked', phone: 'masked' }
/** A neighbour in the same building: the chain's 「1-101 张*」 only. */
const NEIGHBOUR: Seen = { ...NONE, name: 'masked' }

type Row = Record<HouseholdKey, Seen>
const row = (all: Seen, some: Partial<Row> = {}): Row =>
  Object.fromEntries(HOUSEHOLD_KEYS.map((k) => [k, some[k] ?? all])) as Row
const b1 = (s: Seen): Partial<Row> => ({ b1r101: s, b1r102: s, b1r201: s, b1r202: s })

export const EXPECT: Record<CallerKey, Row> = {
  stranger: row(NONE),
  resident: row(NONE, { ...b1(NEIGHBOUR), b1r101: FULL }),
  residentB2: row(NONE, { b2r101: FULL }),
  // 赵六 leads floor 2 and lives in 1-201: their home in full, 1-202 as its lead, floor 1 as a neighbour.
  floorLead: row(NONE, { ...b1(NEIGHBOUR), b1r201: FULL, b1r202: LEAD }),
  buildingLead: row(NONE, b1(LEAD)),
  groupLead: row(NONE, { ...b1(ROLL_UP), b2r101: ROLL_UP }),
  communityLead: row(NONE, { ...b1(ROLL_UP), b2r101: ROLL_UP, b3r301: ROLL_UP }),
  committee: row(NONE, { ...b1(FULL), b2r101: FULL, b3r301: FULL }),
  // 孙八 lives in 3-301 and is a volunteer posted to 1号.
  volunteer: row(NONE, { ...b1(VOLUNTEER), b3r301: FULL }),
  otherCommittee: row(NONE, { x1r101: FULL }),
  proxy: row(NONE, { ...b1(NEIGHBOUR), b1r102: LEAD }),
}

// ---------- the people, and what a reply shows of them ----------

interface Person {
  household: HouseholdKey
  memberId: string
  name: string
  phone?: string
}
export const PEOPLE: Person[] = HOUSEHOLD_KEYS.flatMap((k) =>
  HOUSEHOLDS[k].members.map((m) => ({
    household: k,
    memberId: m.id,
    name: m.name,
    ...(m.phone ? { phone: m.phone } : {}),
  })),
)
const byMember = new Map(PEOPLE.map((p) => [p.memberId, p]))
const byHouseholdId = new Map(HOUSEHOLD_KEYS.map((k) => [HOUSEHOLDS[k]._id, k]))
const LEVELS: Level[] = ['none', 'masked', 'full']
const RESULT_KEYS = ['result', 'reason', 'startedAt', 'photoAt', 'early']

export type SeenMap = Partial<Record<HouseholdKey, Seen>>

export class Scan {
  readonly seen: SeenMap = {}
  /** Things that belong to no known household: a full number nobody has, a photo of an unknown household. */
  readonly unknown: string[] = []

  mark(k: HouseholdKey, field: Field, level: Level | true = true): void {
    const s = (this.seen[k] ??= { ...NONE })
    if (field === 'name' || field === 'phone') {
      const l = level as Level
      if (LEVELS.indexOf(l) > LEVELS.indexOf(s[field])) s[field] = l
    } else s[field] = true
  }

  /** Any text: full and masked numbers, full and masked names, photo paths, 「张三:异常」 result cells. */
  text(s: string): void {
    // Signatures and ids are long hex runs; eleven digits inside one are not a phone number.
    const digits = s.replace(/[0-9a-f]{16,}/gi, (run) => (/[a-f]/i.test(run) ? ' ' : run))
    for (const m of digits.matchAll(/(?<!\d)1\d{10}(?!\d)/g)) {
      const p = PEOPLE.find((x) => x.phone === m[0])
      if (p) this.mark(p.household, 'phone', 'full')
      else this.unknown.push(`full number ${m[0]}`)
    }
    for (const m of s.matchAll(/1\d{2}\*{4}(\d{4})/g)) {
      const p = PEOPLE.find((x) => x.phone?.endsWith(m[1] as string))
      if (p) this.mark(p.household, 'phone', 'masked')
      else this.unknown.push(`masked number ${m[0]}`)
    }
    for (const p of PEOPLE) if (s.includes(p.name)) this.mark(p.household, 'name', 'full')
    // Masked names: at each place the longest one that matches (赵*六 is not also 赵*).
    const masked = PEOPLE.map((p) => ({ p, m: maskName(p.name) })).sort((a, b) => b.m.length - a.m.length)
    for (let i = 0; i < s.length; i++) {
      const hit = masked.find(({ m }) => s.startsWith(m, i))
      if (hit && !PEOPLE.some((p) => s.startsWith(p.name, i))) {
        this.mark(hit.p.household, 'name', 'masked')
        i += hit.m.length - 1
      }
    }
    for (const m of s.matchAll(/antigen\/[^/\s]+\/([^/\s]+)\//g)) {
      const k = byHouseholdId.get(m[1] as string)
      if (k) this.mark(k, 'photos')
      else this.unknown.push(`photo of ${m[1]}`)
    }
    for (const m of s.matchAll(/([^\s：:；、,，]+):(阴性|异常|无效|未测)/g)) {
      const who = m[1] as string
      const p = PEOPLE.find((x) => x.name === who || maskName(x.name) === who)
      if (p) this.mark(p.household, 'results')
      else this.unknown.push(`result of ${who}`)
    }
  }

  /** Any reply: every string, and the fields of the objects that describe a member or a household. */
  value(v: unknown): void {
    if (typeof v === 'string') return this.text(v)
    if (Array.isArray(v)) return v.forEach((x) => this.value(x))
    if (typeof v !== 'object' || v === null) return
    const o = v as Record<string, unknown>
    for (const [key, x] of Object.entries(o)) {
      this.text(key)
      this.value(x)
    }
    const member = byMember.get(String(o.memberId ?? o.id ?? ''))
    if (member) {
      if (RESULT_KEYS.some((k) => k in o)) this.mark(member.household, 'results')
      if ('photoUrl' in o) this.mark(member.household, 'photos')
      if ('birthYear' in o) this.mark(member.household, 'birthYear')
      if ('flags' in o) this.mark(member.household, 'flags')
    }
    const household = byHouseholdId.get(String(o.householdId ?? o.id ?? ''))
    if (household) {
      if ('abnormal' in o) this.mark(household, 'results')
      if ('flagged' in o) this.mark(household, 'entryFlag')
      if ('special' in o) this.mark(household, 'flags')
    }
  }
}

/** Every fact a reply shows beyond what `allowed` lets its caller see, as readable lines (empty: nothing). */
export function beyond(scan: Scan, allowed: Row): string[] {
  const out = [...scan.unknown]
  for (const [k, s] of Object.entries(scan.seen) as [HouseholdKey, Seen][]) {
    const may = allowed[k]
    for (const f of Object.keys(s) as Field[]) {
      const got = s[f]
      const ok =
        typeof got === 'boolean' ? !got || may[f] === true : LEVELS.indexOf(got) <= LEVELS.indexOf(may[f] as Level)
      if (!ok) out.push(`${k}.${f}: shows ${String(got)}, may show ${String(may[f])}`)
    }
  }
  return out
}

/** The text of every cell of every sheet of an exported workbook. */
export async function workbookCells(t: TestCloud, fileID: string): Promise<string[]> {
  const file = (await t.sdk.downloadFile({ fileID })) as { fileContent: Buffer }
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(file.fileContent as unknown as ArrayBuffer)
  const cells: string[] = []
  wb.eachSheet((ws) => ws.eachRow((r) => r.eachCell((c) => void cells.push(c.text))))
  return cells
}

// ---------- the state every case starts from ----------

/** A tiny real JPEG (1×1), so any check of the photo's content accepts it. */
const JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
)

export async function photoOf(t: TestCloud, roundId: string, hid: string, memberId: string): Promise<string> {
  const { fileID } = (await t.sdk.uploadFile({
    cloudPath: `antigen/${roundId}/${hid}/${memberId}.jpg`,
    fileContent: JPEG,
  })) as { fileID: string }
  return fileID
}

async function must<T>(t: TestCloud, fn: string, action: string, payload: object, openid: string): Promise<T> {
  const r = await t.call<Envelope<T>>(fn, { action, payload }, openid)
  if (!r.ok) throw new Error(`${fn}.${action} as ${openid}: ${r.code} ${r.message} ${r.field ?? ''}`)
  return r.data
}

/**
 * The fixture plus: 1-202 on the floor lead's floor, the 代管 family member, results with photos for 1-101 (one
 * abnormal), 1-202, 2-101, 3-301 and the other community's 1-101 (1-201 keeps the fixture's 未测 entry, 1-102 has
 * not submitted), the building lead's flag on 1-101, and one logged reveal of 王五's number. Returns the exported
 * state, to load before each case.
 */
export async function prepare(t: TestCloud): Promise<unknown> {
  await loadFixture(t)
  await t.data.insert('households', B1R202)
  await t.data.insert('roles', proxyGrant)
  const negative = async (roundId: string, hid: string, memberId: string, result = 'negative') => ({
    memberId,
    result,
    photo: await photoOf(t, roundId, hid, memberId),
    photoSize: JPEG.length,
  })
  const submit = async (roundId: string, h: HouseholdDoc, members: object[], openid: string = WHO.committee) =>
    must(t, 'antigen', 'submit', { roundId, householdId: h._id, members }, openid)
  await submit('r-c1', H.b1r101, [
    await negative('r-c1', H.b1r101._id, 'm-zhang'),
    await negative('r-c1', H.b1r101._id, 'm-li', 'positive'),
  ])
  await submit('r-c1', B1R202, [await negative('r-c1', B1R202._id, 'm-wu')])
  await submit('r-c1', H.b2r101, [await negative('r-c1', H.b2r101._id, 'm-qian')])
  await submit('r-c1', H.b3r301, [await negative('r-c1', H.b3r301._id, 'm-sun')])
  await submit('r-c2', H.x1r101, [await negative('r-c2', H.x1r101._id, 'm-other')], WHO.otherCommittee)
  await must(
    t,
    'antigen',
    'flag',
    { roundId: 'r-c1', householdId: H.b1r101._id, reason: '照片不清楚' },
    WHO.buildingLead,
  )
  // Every submission merged (the sequencers run on their own): the chains and 1-101's follow-up are in the state.
  for (let i = 0; i < 200 && (await t.data.count('intake')) > 0; i++) await new Promise((r) => setTimeout(r, 50))
  await must(
    t,
    'community',
    'revealPhone',
    { householdId: H.b1r102._id, memberId: 'm-wang', reason: 'care' },
    WHO.buildingLead,
  )
  return t.admin('export')
}
