/**
 * The livelihood registers (民生底账): the committee's ledgers of who needs what (燃气充值服务, 行动不便人员名单,
 * 外出人员信息表, 配药需求, 就医需求 …) and of the special populations (独居老人, 慢性病人员, 孕产妇 …) that volunteers
 * check on and deliver to.
 *
 * A register type is defined by the committee: its fields (text, number, date, choice, photo, household, member),
 * each required or not, in order. Every type has exactly one household field: an entry is always about one room of
 * the community, and carries the building and 营 of that room. Member fields name people of that household.
 *
 * Entries are written by the committee and by leads for their own scope (层长: floor, 楼组长: building, 营长: 营,
 * 团长: community); each role sees its subtree only. Names are masked outside the committee; phones never appear.
 * A type linked to a NeedType also lists that type's needs (需求登记) in scope, read from the needs at view time.
 */
import type { NeedStatus, NeedType } from './needs'
import type { ExportFile } from './sheets'

/** 文字 / 数字 / 日期 / 选项 / 照片 / 房号 / 成员 */
export type RegisterFieldKind = 'text' | 'number' | 'date' | 'choice' | 'photo' | 'household' | 'member'

export interface RegisterField {
  /** Stable within the type (f1, f2 …): an entry's values are keyed by it, so a renamed field keeps its values. */
  id: string
  label: string
  kind: RegisterFieldKind
  required: boolean
  /** choice: the options offered (at least 2). */
  options?: string[]
  /** choice: more than one option may be picked. */
  multiple?: boolean
  /** A short hint under the input (「例如：每月 10 号前」). */
  hint?: string
  /**
   * Removed by an edit of the type: hidden from the form and the list, its values kept and exported under its old
   * label with 「（已停用）」.
   */
  removed?: boolean
}

/** A field as the type editor sends it: `id` for a field kept from before, none for a new one. */
export interface RegisterFieldInput {
  id?: string
  label: string
  kind: RegisterFieldKind
  required: boolean
  options?: string[]
  multiple?: boolean
  hint?: string
}

/** The stored value of one field: text, number, date (YYYY-MM-DD), option(s), member id(s) or a photo's file id. */
export type RegisterValue = string | number | string[]

export interface RegisterTypeView {
  id: string
  communityId: string
  name: string
  description: string
  order: number
  /** The needs (需求登记) of this type are listed with the register's entries. */
  needType?: NeedType
  /** From the documented starter set (docs/registers.md): its key. */
  starter?: string
  fields: RegisterField[]
  updatedAt: string
}

export interface RegisterSummary {
  type: RegisterTypeView
  /** Entries the caller may see (their subtree). */
  entries: number
  /** Open and finished needs of the linked type in the caller's subtree (cancelled ones are not listed). */
  needs: number
}

export interface RegisterListView {
  registers: RegisterSummary[]
  /** The caller may define types and install the starter set (committee). */
  canManage: boolean
  /** Starter types not installed yet (empty once all are). */
  starterMissing: number
  /** Buildings of the caller's subtree, for the filter: id and name, in the community's order. */
  buildings: { id: string; name: string }[]
}

/** Who did something and when, as the caller may see the name. */
export interface RegisterStamp {
  at: string
  name: string
}

/** One shown value: `text` is what a person reads (member names masked as the caller's fields allow). */
export interface RegisterCell {
  fieldId: string
  text: string
  /** photo: a temporary URL (10 minutes), to leads and above. */
  photoUrl?: string
}

export interface RegisterEntryView {
  id: string
  householdId: string
  buildingId: string
  /** 「3-201」 */
  label: string
  room: string
  cells: RegisterCell[]
  /** The raw values, for the edit form (member ids, option labels, dates, photo file ids). */
  values: Record<string, RegisterValue>
  created: RegisterStamp
  updated?: RegisterStamp
  /** The caller may edit and delete it (their scope covers its household). */
  editable: boolean
}

/** A need of the linked type shown as a read-only row, marked 来自需求登记. */
export interface RegisterNeedRow {
  needId: string
  householdId: string
  buildingId: string
  label: string
  /** The member it is for, masked outside the committee ('' for the household as a whole). */
  person: string
  detail: string
  status: NeedStatus
  /** 待接单 / 已接单 / 已办结 / 已上报 */
  statusLabel: string
  raisedAt: string
}

export interface RegisterEntriesView {
  type: RegisterTypeView
  entries: RegisterEntryView[]
  /** Entries matching the filter in the caller's subtree (the page shows `entries`, a page of them). */
  total: number
  /** Where the next page starts; absent when this was the last. */
  next?: number
  needRows: RegisterNeedRow[]
  /** The caller may add entries (a lead or the committee of some part of the community). */
  canWrite: boolean
  canManage: boolean
}

/** A household of the caller's subtree, for the entry form's room picker: its members by name as allowed. */
export interface RegisterHouseholdOption {
  id: string
  label: string
  buildingId: string
  members: { id: string; name: string }[]
}

export interface RegisterImportRowError {
  row: number
  /** 房号不存在 / 成员不在该户 / 日期无法识别 / 选项不在列表 … */
  reason: string
}

export interface RegisterImportPreview {
  importId: string
  typeId: string
  fileName: string
  rows: number
  /** Rows that can be written. */
  good: number
  errors: RegisterImportRowError[]
  /** Columns of the file not matched to a field (ignored). */
  ignoredColumns: string[]
}

export type RegisterImportStatus = 'previewed' | 'committed' | 'rolledBack'

export interface RegisterImportResult {
  importId: string
  status: RegisterImportStatus
  written: number
  removed: number
}

export interface RegistersApi {
  /** The registers the caller may see, with counts in their subtree (committee and leads). */
  listRegisters: { input: { communityId: string }; output: RegisterListView }
  /** Install the documented starter set: each type once, a second tap adds nothing (committee). */
  installStarterSet: { input: { communityId: string }; output: { installed: number; existing: number } }
  /** Create a type, or edit one (`typeId`): removed fields are kept hidden, their values stay (committee). */
  saveRegisterType: {
    input: {
      communityId: string
      typeId?: string
      requestId: string
      name: string
      description: string
      needType?: NeedType
      fields: RegisterFieldInput[]
    }
    output: RegisterTypeView
  }
  /** Delete a type and its entries (committee): typing its name confirms. */
  deleteRegisterType: { input: { typeId: string; confirm: string }; output: { entries: number } }
  /** A register's entries in the caller's subtree, optionally one building or a room; with the linked needs. */
  registerEntries: {
    input: { typeId: string; buildingId?: string; room?: string; from?: number }
    output: RegisterEntriesView
  }
  /** Households of one building (of the caller's subtree) for the entry form. */
  registerHouseholds: { input: { typeId: string; buildingId: string }; output: RegisterHouseholdOption[] }
  /** Add an entry (the committee, or a lead whose scope covers the household); a retried requestId adds nothing. */
  addRegisterEntry: {
    input: { typeId: string; householdId: string; requestId: string; values: Record<string, RegisterValue> }
    output: RegisterEntryView
  }
  /** Change an entry's values (who and when are recorded). */
  editRegisterEntry: {
    input: { entryId: string; values: Record<string, RegisterValue> }
    output: RegisterEntryView
  }
  /** Delete an entry: its values go, who deleted it and when stay (the list no longer shows it). */
  deleteRegisterEntry: { input: { entryId: string }; output: { deleted: true } }
  /** Write the good rows of a previewed import (`onlyGood` when it has errors), or none (committee). */
  commitRegisterImport: { input: { importId: string; onlyGood: boolean }; output: RegisterImportResult }
  /** Remove the entries a committed import wrote (committee). */
  rollbackRegisterImport: { input: { importId: string }; output: RegisterImportResult }
}

/** The registers' spreadsheets, in the `sheets` function. */
export interface RegisterSheetsApi {
  /** A register as a printable .xlsx (A4, headers repeated), with the same visibility as the view. */
  exportRegister: {
    input: { typeId: string; buildingId?: string }
    output: ExportFile & { rows: number; needRows: number }
  }
  /** Read an uploaded sheet of a register's rows and stage the import with its row errors (committee). */
  registerImportPreview: { input: { typeId: string; fileID: string }; output: RegisterImportPreview }
}
