// Pure rules of the livelihood registers: limits, who sees which part of the community, a type's fields when it is
// edited, an entry's values checked against its fields and the household's members, and the same values read from a
// spreadsheet's text (import). No database, storage or SDK here.
import type {
  NeedStatus,
  RegisterField,
  RegisterFieldInput,
  RegisterFieldKind,
  RegisterValue,
  Role,
  RoleGrant,
} from '../../typings/api'
import type { HouseholdDoc, MemberDoc } from '../community/model'

/** Types one community may define: the 18 ledgers of the brief with room for more. */
export const MAX_TYPES = 40
/** Fields shown in one type's form (a form longer than this is not filled in on a phone). */
export const MAX_FIELDS = 30
/** Fields a type keeps, removed ones included (their values stay readable). */
export const MAX_STORED_FIELDS = 60
export const MAX_OPTIONS = 20
export const MAX_LABEL = 20
export const MAX_OPTION = 20
export const MAX_TEXT = 200
export const MAX_HINT = 40
export const MAX_DESCRIPTION = 200
/** Entries a list page carries. */
export const PAGE_SIZE = 50
/** Need rows a list shows (the export has them all). */
export const MAX_NEED_ROWS = 200
/** Rows one import may hold. */
export const MAX_IMPORT_ROWS = 5000
/** Row errors an import keeps (the count says how many there are). */
export const MAX_IMPORT_ERRORS = 200

export const KIND_LABELS: Readonly<Record<RegisterFieldKind, string>> = {
  text: '文字',
  number: '数字',
  date: '日期',
  choice: '选项',
  photo: '照片',
  household: '房号',
  member: '成员',
}

export const NEED_STATUS_LABELS: Readonly<Record<NeedStatus, string>> = {
  new: '待接单',
  taken: '已接单',
  done: '已办结',
  escalated: '已上报',
  cancelled: '已取消',
}

/** Roles that write and read registers, each over its own subtree. */
export const REGISTER_ROLES: readonly Role[] = ['committee', 'communityLead', 'groupLead', 'buildingLead', 'floorLead']

/**
 * The part of a community a caller's grants cover for the registers: all of it (committee, 团长), whole 营,
 * whole buildings, single floors of buildings. Empty when the caller leads nothing there.
 */
export interface Subtree {
  whole: boolean
  groups: string[]
  buildings: string[]
  floors: { buildingId: string; floor: number }[]
}

export function subtreeOf(grants: readonly RoleGrant[], communityId: string): Subtree {
  const s: Subtree = { whole: false, groups: [], buildings: [], floors: [] }
  for (const g of grants) {
    if (g.scope.communityId !== communityId || !REGISTER_ROLES.includes(g.role) || g.scope.householdId) continue
    if (g.role === 'committee' || g.role === 'communityLead') s.whole = true
    else if (g.role === 'groupLead' && g.scope.groupId) s.groups.push(g.scope.groupId)
    else if (g.role === 'buildingLead' && g.scope.buildingId) s.buildings.push(g.scope.buildingId)
    else if (g.role === 'floorLead' && g.scope.buildingId && g.scope.floor !== undefined)
      s.floors.push({ buildingId: g.scope.buildingId, floor: g.scope.floor })
  }
  return s
}

export const isEmptySubtree = (s: Subtree) =>
  !s.whole && s.groups.length === 0 && s.buildings.length === 0 && s.floors.length === 0

/** Whether the subtree holds a household (its 营, building and floor). */
export function covers(s: Subtree, h: { groupId: string; buildingId: string; floor: number }): boolean {
  return (
    s.whole ||
    s.groups.includes(h.groupId) ||
    s.buildings.includes(h.buildingId) ||
    s.floors.some((f) => f.buildingId === h.buildingId && f.floor === h.floor)
  )
}

/**
 * The subtree as query conditions, none overlapping another (so counts add up): `[{}]` for the whole community,
 * else whole buildings (those of the caller's 营 and their own buildings) in one condition and each floor not
 * inside them in its own. `groupOf` maps the community's buildings to their 营.
 */
export function subtreeWheres(
  s: Subtree,
  buildings: readonly { _id: string; groupId: string }[],
): { buildingIds?: string[]; buildingId?: string; floor?: number }[] {
  if (s.whole) return [{}]
  const whole = new Set(s.buildings)
  for (const b of buildings) if (s.groups.includes(b.groupId)) whole.add(b._id)
  const out: { buildingIds?: string[]; buildingId?: string; floor?: number }[] = []
  if (whole.size > 0) out.push({ buildingIds: [...whole] })
  const seen = new Set<string>()
  for (const f of s.floors) {
    const key = `${f.buildingId}/${f.floor}`
    if (whole.has(f.buildingId) || seen.has(key)) continue
    seen.add(key)
    out.push({ buildingId: f.buildingId, floor: f.floor })
  }
  return out
}

// ---------- a type's fields ----------

export class RuleError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message)
  }
}

const fieldId = (n: number) => `f${n}`

/**
 * The fields a type stores after an edit: the input in its order (a field with an `id` keeps it and its values; a
 * new one gets the next id), then the fields the edit left out, marked removed. Exactly one household field; choice
 * fields with 2 or more distinct options; labels unique; a kept field keeps its kind.
 */
export function editFields(
  previous: readonly RegisterField[],
  input: readonly RegisterFieldInput[],
  nextField: number,
): { fields: RegisterField[]; nextField: number } {
  if (input.length === 0) throw new RuleError('请至少添加一个「房号」字段', 'fields')
  if (input.length > MAX_FIELDS) throw new RuleError(`一个底账最多 ${MAX_FIELDS} 个字段`, 'fields')
  const byId = new Map(previous.map((f) => [f.id, f]))
  const labels = new Set<string>()
  const used = new Set<string>()
  let next = nextField
  const fields: RegisterField[] = input.map((f, i) => {
    const where = `fields.${i}`
    const label = f.label.trim()
    if (labels.has(label)) throw new RuleError(`字段「${label}」重复了，请改一个名称`, `${where}.label`)
    labels.add(label)
    let id: string
    if (f.id !== undefined) {
      const old = byId.get(f.id)
      if (!old || used.has(f.id)) throw new RuleError('这个字段已不存在，请刷新后再改', `${where}.id`)
      if (old.kind !== f.kind)
        throw new RuleError(`字段「${label}」的类型不能修改；请删除它并新增一个字段`, `${where}.kind`)
      id = f.id
    } else id = fieldId(next++)
    used.add(id)
    const field: RegisterField = { id, label, kind: f.kind, required: f.kind === 'household' ? true : f.required }
    if (f.hint?.trim()) field.hint = f.hint.trim()
    if (f.kind === 'choice') {
      const options = [...new Set((f.options ?? []).map((o) => o.trim()).filter(Boolean))]
      if (options.length < 2) throw new RuleError(`选项字段「${label}」至少需要两个不同的选项`, `${where}.options`)
      field.options = options
      if (f.multiple) field.multiple = true
    } else if (f.options !== undefined || f.multiple !== undefined)
      throw new RuleError(`只有选项字段可以填写选项`, `${where}.options`)
    return field
  })
  const households = fields.filter((f) => f.kind === 'household')
  if (households.length !== 1) throw new RuleError('每个底账需要且只能有一个「房号」字段', 'fields')
  const removed = previous.filter((f) => !used.has(f.id)).map((f) => ({ ...f, removed: true as const }))
  const all = [...fields, ...removed]
  if (all.length > MAX_STORED_FIELDS)
    throw new RuleError(`这个底账停用的字段太多（最多保存 ${MAX_STORED_FIELDS} 个），请新建一个底账`, 'fields')
  return { fields: all, nextField: next }
}

export const activeFields = (fields: readonly RegisterField[]) => fields.filter((f) => !f.removed)

// ---------- an entry's values ----------

/** YYYY-MM-DD between 1900 and 2100 that is a real day (birthdays of the elderly are before 2000). */
export function isDay(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (y < 1900 || y > 2100) return false
  const t = new Date(Date.UTC(y, mo - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d
}

/**
 * A day as people write it in a sheet: 2026-11-24, 2026/11/24, 2026.11.24, 2026年11月24日, 20261124, with a time
 * after it or not. null when it is none.
 */
export function readDay(raw: string): string | null {
  const s = raw.trim().replace(/\s+\d{1,2}:\d{2}(:\d{2})?$/, '')
  const m =
    /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s.replace(/\s/g, ''))
  if (!m) return null
  const day = `${m[1]}-${String(m[2]).padStart(2, '0')}-${String(m[3]).padStart(2, '0')}`
  return isDay(day) ? day : null
}

export interface CheckedValues {
  values: Record<string, RegisterValue>
  memberIds: string[]
}

const isBlank = (v: RegisterValue | undefined) =>
  v === undefined || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0)

/**
 * An entry's values against the type's active fields and the household's members: each value of its field's kind,
 * required ones present, options from the list, members of this household, dates real, numbers finite; values of
 * fields the type does not have (or has removed) refused. The household field's value is the entry's household and
 * is not among them. `photoOk` says whether a photo's file id may be used (its folder).
 */
export function checkValues(
  fields: readonly RegisterField[],
  values: Readonly<Record<string, RegisterValue>>,
  members: readonly Pick<MemberDoc, 'id' | 'name'>[],
  photoOk: (fileID: string) => boolean,
): CheckedValues {
  const active = activeFields(fields)
  const byId = new Map(active.map((f) => [f.id, f]))
  for (const key of Object.keys(values)) {
    const f = byId.get(key)
    if (!f || f.kind === 'household') throw new RuleError('这个字段已停用或不存在，请刷新后再填', `values.${key}`)
  }
  const out: Record<string, RegisterValue> = {}
  const memberIds = new Set<string>()
  for (const f of active) {
    if (f.kind === 'household') continue
    const at = `values.${f.id}`
    const v = values[f.id]
    if (isBlank(v)) {
      if (f.required) throw new RuleError(`请填写「${f.label}」`, at)
      continue
    }
    switch (f.kind) {
      case 'text':
        if (typeof v !== 'string') throw new RuleError(`「${f.label}」应为文字`, at)
        if ([...v.trim()].length > MAX_TEXT) throw new RuleError(`「${f.label}」最多 ${MAX_TEXT} 个字`, at)
        out[f.id] = v.trim()
        break
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > 1e9)
          throw new RuleError(`「${f.label}」应为数字`, at)
        out[f.id] = v
        break
      case 'date':
        if (typeof v !== 'string' || !isDay(v)) throw new RuleError(`「${f.label}」应为真实的日期，如 2026-11-24`, at)
        out[f.id] = v
        break
      case 'choice': {
        const picked = Array.isArray(v) ? v : typeof v === 'string' ? [v] : null
        if (!picked || (!f.multiple && picked.length > 1)) throw new RuleError(`「${f.label}」只能选一项`, at)
        const bad = picked.find((p) => !(f.options ?? []).includes(p))
        if (bad !== undefined) throw new RuleError(`「${f.label}」的选项「${bad.slice(0, 20)}」不在列表中`, at)
        out[f.id] = f.multiple ? [...new Set(picked)] : (picked[0] as string)
        break
      }
      case 'member': {
        if (typeof v !== 'string' || !members.some((m) => m.id === v))
          throw new RuleError(`「${f.label}」不是这一户的成员`, at)
        out[f.id] = v
        memberIds.add(v)
        break
      }
      case 'photo':
        if (typeof v !== 'string' || !photoOk(v))
          throw new RuleError(`「${f.label}」的照片没有上传成功，请重新选择`, at)
        out[f.id] = v
        break
    }
  }
  return { values: out, memberIds: [...memberIds] }
}

/**
 * A sheet's cell as a field's value (import): text as written, numbers, days in the usual spellings, options from
 * the list (several split by 、，,;；/), members by name within the household. `{ error }` names the problem in the
 * words the preview shows; photos are not imported.
 */
export function readCell(
  f: RegisterField,
  raw: string,
  members: readonly Pick<MemberDoc, 'id' | 'name'>[],
): { value?: RegisterValue; error?: string } {
  const s = raw.trim()
  if (s === '') return f.required ? { error: `「${f.label}」没有填写` } : {}
  switch (f.kind) {
    case 'text':
      return [...s].length > MAX_TEXT ? { error: `「${f.label}」超过 ${MAX_TEXT} 个字` } : { value: s }
    case 'number': {
      const n = Number(s.replace(/[,，]/g, ''))
      return Number.isFinite(n) && Math.abs(n) <= 1e9 ? { value: n } : { error: `「${f.label}」不是数字` }
    }
    case 'date': {
      const day = readDay(s)
      return day ? { value: day } : { error: `「${f.label}」日期无法识别` }
    }
    case 'choice': {
      const picked = f.multiple
        ? s
            .split(/[、，,;；/]+/)
            .map((p) => p.trim())
            .filter(Boolean)
        : [s]
      const bad = picked.find((p) => !(f.options ?? []).includes(p))
      if (bad !== undefined) return { error: `「${f.label}」选项不在列表：${bad.slice(0, 20)}` }
      return { value: f.multiple ? [...new Set(picked)] : (picked[0] as string) }
    }
    case 'member': {
      const name = s.replace(/[\s\u3000]+/g, '')
      const found = members.filter((m) => m.name.replace(/[\s\u3000]+/g, '') === name)
      if (found.length !== 1) return { error: `成员不在该户：${name.slice(0, 10)}` }
      return { value: (found[0] as MemberDoc).id }
    }
    default:
      return {}
  }
}

/** How a stored value reads in a list or a sheet; `name` renders a member (masked as the caller may see them). */
export function valueText(
  f: RegisterField,
  v: RegisterValue | undefined,
  member: (memberId: string) => string,
): string {
  if (v === undefined) return ''
  switch (f.kind) {
    case 'member':
      return typeof v === 'string' ? member(v) : ''
    case 'photo':
      return v ? '有照片' : ''
    case 'choice':
      return Array.isArray(v) ? v.join('、') : String(v)
    default:
      return Array.isArray(v) ? v.join('、') : String(v)
  }
}

/** The members of a household an entry may name (an erased household has none). */
export const householdMembers = (h: Pick<HouseholdDoc, 'members'>) => h.members.map((m) => ({ id: m.id, name: m.name }))
