// Commit: one chunk of staged households per call, resumable and idempotent, so a cloud function never runs
// into its time limit and a retried call writes nothing twice.
import type { ImportProgress } from '../../typings/api'
import { DEFAULT_GROUP_SIZE } from '../community/settings'
import { buildingKey, chunkIntoGroups, groupName, naturalCompare } from '../community/structure'
import type { Data } from '../kernel/db'
import { AppError, isAppError } from '../kernel/errors'
import type { BuildingDoc, GroupDoc, HouseholdDoc } from '../community/model'
import { importedBuildingId, importedGroupId, mergeMembers, sameMembers, sameVersion } from './merge'
import { loadCommunity } from './load'
import type { LedgerImportDoc, LedgerImportRowDoc } from './types'
import { nowDate } from '../kernel'

/**
 * Households per commit call. A chunk is 5 round trips plus one `set` per household that already existed
 * (new ones go in one insert), run 16 at a time: well inside the function's 10 s even at 20 ms a write.
 */
export const COMMIT_CHUNK = 300
export const WRITE_CONCURRENCY = 16

export interface CommitOptions {
  chunkSize?: number
  /** An import doc already loaded by the caller (the action's scope check). */
  doc?: LedgerImportDoc | null
}

export function toProgress(doc: LedgerImportDoc): ImportProgress {
  const p: ImportProgress = { importId: doc._id, status: doc.status, done: doc.done, total: doc.total }
  if (doc.message) p.message = doc.message
  return p
}

export async function loadImport(data: Data, importId: string): Promise<LedgerImportDoc> {
  const doc = await data.get<LedgerImportDoc>('imports', importId)
  if (!doc) throw new AppError('NOT_FOUND', '找不到这次导入，请重新上传表格')
  return doc
}

export async function importProgress(data: Data, importId: string): Promise<ImportProgress> {
  return toProgress(await loadImport(data, importId))
}

/** Run `fn` over `items`, at most `limit` at a time. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

/**
 * Creates the buildings the file named that the community lacks, in natural order in new 营 of
 * `settings.groupSize` after the existing ones (existing 营 are not topped up: that would widen a 营长's
 * access without the committee deciding), and keeps every building's `order` natural. Idempotent: ids are
 * derived from the community, the name and the import.
 */
async function ensureStructure(data: Data, doc: LedgerImportDoc): Promise<void> {
  const { communityId } = doc
  const names = [...doc.newBuildings].sort(naturalCompare)
  const createdBuildingIds = names.map((n) => importedBuildingId(communityId, n))
  const buildings = await data.findAll<BuildingDoc>('buildings', { communityId })
  // Another spelling of a new building counts as the same building (「9号」 created since for 「9号楼」 rows).
  const keys = new Set(names.map(buildingKey))
  const createdIds = new Set(createdBuildingIds)
  for (const b of buildings) {
    if (keys.has(buildingKey(b.name)) && !createdIds.has(b._id))
      throw new AppError('IMPORT_STATE', `预览后又有人新建了楼栋「${b.name}」，请重新上传表格预览`)
  }
  const community = await loadCommunity(data, communityId)
  const size = community.settings?.groupSize > 0 ? community.settings.groupSize : DEFAULT_GROUP_SIZE
  const chunks = chunkIntoGroups(names, size)
  const createdGroupIds = chunks.map((_, i) => importedGroupId(communityId, doc._id, i))
  const ours = new Set(createdGroupIds)
  const groups = (await data.findAll<GroupDoc>('groups', { communityId })).filter((g) => !ours.has(g._id))
  const takenNames = new Set(groups.map((g) => g.name))
  let order = groups.reduce((max, g) => Math.max(max, g.order), -1)
  let index = groups.length
  const groupOf = new Map<string, string>()
  for (const [i, chunk] of chunks.entries()) {
    while (takenNames.has(groupName(index))) index++
    const group: GroupDoc = {
      _id: createdGroupIds[i] as string,
      communityId,
      name: groupName(index),
      order: ++order,
    }
    takenNames.add(group.name)
    index++
    await data.set('groups', group)
    for (const name of chunk) groupOf.set(name, group._id)
  }

  const existing = buildings.filter((b) => !createdBuildingIds.includes(b._id))
  const all = [
    ...existing.map((b) => ({ id: b._id, name: b.name, doc: b as BuildingDoc | null })),
    ...names.map((n) => ({ id: importedBuildingId(communityId, n), name: n, doc: null })),
  ]
  all.sort((a, b) => naturalCompare(a.name, b.name))
  await mapLimit([...all.entries()], WRITE_CONCURRENCY, async ([order, b]) => {
    if (b.doc) {
      if (b.doc.order !== order) await data.update('buildings', b.id, { order })
      return
    }
    const building: BuildingDoc = {
      _id: b.id,
      communityId,
      groupId: groupOf.get(b.name) as string,
      name: b.name,
      order,
    }
    await data.set('buildings', building)
  })
  await data.update('imports', doc._id, { structureDone: true, createdBuildingIds, createdGroupIds })
  Object.assign(doc, { structureDone: true, createdBuildingIds, createdGroupIds })
}

/** The household to write: the staged one, merged again over the current one if the ledger moved on. */
function householdToWrite(
  row: LedgerImportRowDoc,
  current: HouseholdDoc | null,
  groupId: string,
  at: Date,
): { household: HouseholdDoc; remerged: boolean } {
  const staged = row.household
  const moved = !sameVersion(current, row.before ?? null)
  const members = moved ? mergeMembers(row.planned, current?.members ?? []).members : staged.members
  const base: Partial<HouseholdDoc> = current ? { ...current } : {}
  delete base.erasedAt
  const household: HouseholdDoc = {
    ...base,
    _id: staged._id,
    communityId: row.communityId,
    groupId,
    buildingId: row.buildingId,
    room: staged.room,
    floor: staged.floor,
    members,
    proxy: current?.proxy ?? false,
    linkedOpenids: current?.linkedOpenids ?? [],
    importId: row.importId,
    updatedAt: at,
  }
  return { household, remerged: moved }
}

/**
 * One step of the commit: `previewed` → `committing` (+ buildings and groups) → a chunk of households per
 * call → `committed`. A failure is recorded in `message` and leaves the import `committing`, to be resumed by
 * calling again.
 */
export async function commitImport(data: Data, importId: string, opts: CommitOptions = {}): Promise<ImportProgress> {
  let doc = opts.doc ?? (await loadImport(data, importId))
  if (doc.errors.length > 0 || !doc.ready) throw new AppError('IMPORT_HAS_ERRORS')
  if (doc.dryRun || doc.rollback || (doc.status !== 'previewed' && doc.status !== 'committing'))
    throw new AppError('IMPORT_STATE', stateMessage(doc))
  if (doc.status === 'previewed') {
    await data.updateWhere('imports', { _id: importId, status: 'previewed' }, { status: 'committing' })
    doc = await loadImport(data, importId)
    if (doc.status !== 'committing') throw new AppError('IMPORT_STATE', stateMessage(doc))
  }

  const size = opts.chunkSize ?? COMMIT_CHUNK
  const from = doc.done
  try {
    if (!doc.structureDone) await ensureStructure(data, doc)
    if (from < doc.total) await writeChunk(data, doc, from, Math.min(from + size, doc.total))
  } catch (err) {
    // A changed structure cannot be resumed: the committee rolls back what was written and previews again.
    if (isAppError(err) && err.code === 'IMPORT_STATE') {
      await data.update('imports', importId, { status: 'failed', message: err.message })
      return { ...toProgress(doc), status: 'failed', message: err.message }
    }
    console.error(`[ledger] commit ${importId} chunk from ${from} failed`, err)
    const message = `写入第 ${from + 1}–${Math.min(from + size, doc.total)} 户时中断（网络或数据库繁忙），已写入的不受影响，请再次提交继续导入`
    await data.update('imports', importId, { message })
    return { ...toProgress(doc), message }
  }

  const done = Math.min(from + size, doc.total)
  const patch: Record<string, unknown> = { done, message: data._.remove() }
  if (done >= doc.total) Object.assign(patch, { status: 'committed', committedAt: nowDate() })
  // Compare-and-set on `done`: of two overlapping calls only one advances the import.
  await data.updateWhere('imports', { _id: importId, done: from, status: 'committing' }, patch)
  return toProgress(await loadImport(data, importId))
}

async function writeChunk(data: Data, doc: LedgerImportDoc, from: number, to: number): Promise<void> {
  const _ = data._
  const rows = await data.find<LedgerImportRowDoc>(
    'importRows',
    { importId: doc._id, seq: _.gte(from).and(_.lt(to)) },
    { orderBy: [['seq', 'asc']], limit: to - from },
  )
  if (rows.length !== to - from) throw new Error(`staged rows ${from}–${to} incomplete (${rows.length})`)
  const buildings = await data.findAll<BuildingDoc>('buildings', { communityId: doc.communityId })
  const groupOf = new Map(buildings.map((b) => [b._id, b.groupId] as const))
  const ids = rows.map((r) => r.household._id)
  const current = new Map(
    (await data.find<HouseholdDoc>('households', { _id: _.in(ids) }, { limit: ids.length })).map((h) => [h._id, h]),
  )

  const at = nowDate()
  const inserts: HouseholdDoc[] = []
  const sets: HouseholdDoc[] = []
  const newBefore: { row: LedgerImportRowDoc; before: HouseholdDoc | null }[] = []
  for (const row of rows) {
    const cur = current.get(row.household._id) ?? null
    // Written by this import already (a retried chunk, or a call that died before marking its rows).
    if (cur && cur.importId === doc._id && sameMembers(cur.members, row.household.members)) continue
    const groupId = groupOf.get(row.buildingId)
    if (!groupId) throw new AppError('IMPORT_STATE', `楼栋「${row.building}」在预览后被删除，请重新上传表格预览`)
    const { household, remerged } = householdToWrite(row, cur, groupId, at)
    if (remerged && !(cur && cur.importId === doc._id)) newBefore.push({ row, before: cur })
    if (cur) sets.push(household)
    else inserts.push(household)
  }

  // The image to restore must be stored before the household is overwritten; `_.set` replaces it whole (a plain
  // object would be merged field by field).
  await mapLimit(newBefore, WRITE_CONCURRENCY, ({ row, before }) =>
    data.update('importRows', row._id, { before: before === null ? null : data._.set(before) }),
  )
  if (inserts.length > 0) {
    try {
      await data.insertMany('households', inserts)
    } catch {
      // Some already exist (an overlapping call got there first): `set` is idempotent.
      sets.push(...inserts)
    }
  }
  await mapLimit(sets, WRITE_CONCURRENCY, (h) => data.set('households', h))
  await data.updateWhere('importRows', { importId: doc._id, seq: _.gte(from).and(_.lt(to)) }, { written: true })
}

export function stateMessage(doc: LedgerImportDoc): string {
  if (doc.dryRun) return '这次导入只做了预览，不能提交，请重新上传表格'
  if (doc.rollback) return '这次导入正在撤销，不能再提交'
  switch (doc.status) {
    case 'committed':
      return '这次导入已经完成'
    case 'rolledBack':
      return '这次导入已经撤销，请重新上传表格'
    case 'failed':
      return '这次导入已失败，请重新上传表格'
    default:
      return '这次导入的状态不允许此操作，请刷新后再试'
  }
}
