// Preview: read the file, check it against the community, and stage what a commit would write.
import type { ImportRowError } from '../../typings/api'
import { householdId, randomId } from '../community/ids'
import type { Data } from '../kernel/db'
import { now } from '../kernel/time'
import type { BuildingDoc, HouseholdDoc } from '../community/model'
import { importedBuildingId, mergeMembers, unchanged } from './merge'
import { parseLedger } from './parse'
import type { KeptMember, LedgerImportDoc, LedgerImportRowDoc, LedgerPreview } from './types'
import { validateLedger } from './validate'
import { nowDate } from '../kernel'
import { loadCommunity } from './load'

/** Errors kept on the import doc and returned; the rest are summarised in one more line. */
export const MAX_REPORTED_ERRORS = 500
/** Staged rows per insert (each carries two copies of a household: the new one and the one it replaces). */
export const STAGE_BATCH = 200

export interface PreviewInput {
  communityId: string
  fileName: string
  bytes: Uint8Array
  createBuildings: boolean
  createdBy: string
  /** Check and count only: the imports doc is written (for the record) but nothing is staged to commit. */
  dryRun?: boolean
}

export interface PreviewOptions {
  /** Defaults to the current Shanghai year. */
  year?: number
  stageBatch?: number
}

export function capErrors(errors: readonly ImportRowError[], max = MAX_REPORTED_ERRORS): ImportRowError[] {
  if (errors.length <= max) return [...errors]
  const next = errors[max] as ImportRowError
  return [
    ...errors.slice(0, max),
    {
      row: next.row,
      reason: `从第 ${next.row} 行起另有 ${errors.length - max} 处错误未列出，请先改正以上错误后重新上传`,
    },
  ]
}

export const importRowId = (importId: string, seq: number) => `${importId}_${String(seq).padStart(6, '0')}`

export { loadCommunity }

export function toPreview(doc: LedgerImportDoc): LedgerPreview {
  return {
    importId: doc._id,
    rows: doc.rows,
    households: doc.households,
    residents: doc.residents,
    newHouseholds: doc.newHouseholds,
    updatedHouseholds: doc.updatedHouseholds,
    unchangedHouseholds: doc.unchangedHouseholds,
    newBuildings: doc.newBuildings,
    keptMembers: doc.keptMembers,
    errors: doc.errors,
    ready: doc.ready,
    // Present only when there is something to say, as the contract has it.
    ...(doc.newBuildingSpellings?.length ? { newBuildingSpellings: doc.newBuildingSpellings } : {}),
    ...(doc.matchedSpellings?.length ? { matchedSpellings: doc.matchedSpellings } : {}),
    ...(doc.buildingWarnings?.length ? { buildingWarnings: doc.buildingWarnings } : {}),
  }
}

/**
 * Writes one `imports` doc (status `previewed`) and, when the file has no errors, one `importRows` doc per
 * household the commit would change. With errors only the imports doc is written. The imports doc is written
 * last, so an interrupted preview leaves no import that could be committed.
 */
export async function previewImport(
  data: Data,
  input: PreviewInput,
  opts: PreviewOptions = {},
): Promise<LedgerPreview> {
  const { communityId } = input
  await loadCommunity(data, communityId)
  const parsed = await parseLedger(input.bytes, input.fileName)
  const buildings = await data.findAll<BuildingDoc>('buildings', { communityId })
  const year = opts.year ?? now().year()
  const v = validateLedger(parsed.rows, {
    buildings: buildings.map((b) => ({ id: b._id, name: b.name })),
    createBuildings: input.createBuildings,
    year,
  })

  const importId = randomId('imp')
  const doc: LedgerImportDoc = {
    _id: importId,
    communityId,
    createdBy: input.createdBy,
    createdAt: nowDate(),
    fileName: input.fileName,
    status: 'previewed',
    createBuildings: input.createBuildings,
    rows: v.rows,
    households: v.households.length,
    residents: v.residents,
    newBuildings: v.newBuildings,
    errors: capErrors(v.errors),
    ready: v.errors.length === 0,
    ...(v.newBuildingSpellings.length > 0 ? { newBuildingSpellings: v.newBuildingSpellings } : {}),
    ...(v.matchedSpellings.length > 0 ? { matchedSpellings: v.matchedSpellings } : {}),
    ...(v.buildingWarnings.length > 0 ? { buildingWarnings: v.buildingWarnings } : {}),
    newHouseholds: 0,
    updatedHouseholds: 0,
    unchangedHouseholds: 0,
    keptMembers: [],
    done: 0,
    total: 0,
  }
  if (!doc.ready) {
    await data.insert('imports', doc)
    return toPreview(doc)
  }

  const existing = new Map(
    (await data.findAll<HouseholdDoc>('households', { communityId })).map((h) => [h._id, h] as const),
  )
  const staged: LedgerImportRowDoc[] = []
  const kept: KeptMember[] = []
  for (const p of v.households) {
    const buildingId = p.buildingId ?? importedBuildingId(communityId, p.buildingName)
    const id = householdId(communityId, buildingId, p.room)
    const before = existing.get(id) ?? null
    const merged = mergeMembers(p.members, before?.members ?? [])
    for (const m of merged.kept) kept.push({ building: p.buildingName, room: p.room, name: m.name })
    if (before && unchanged(before, p.room, p.floor, merged.members)) {
      doc.unchangedHouseholds++
      continue
    }
    if (before) doc.updatedHouseholds++
    else doc.newHouseholds++
    const seq = staged.length
    staged.push({
      _id: importRowId(importId, seq),
      importId,
      communityId,
      seq,
      building: p.buildingName,
      buildingId,
      household: {
        _id: id,
        communityId,
        buildingName: p.buildingName,
        room: p.room,
        floor: p.floor,
        members: merged.members,
        importId,
      },
      planned: p.members,
      before,
      written: false,
    })
  }
  doc.keptMembers = kept
  doc.total = staged.length
  if (input.dryRun) {
    doc.dryRun = true
    await data.insert('imports', doc)
    return toPreview(doc)
  }

  const batch = opts.stageBatch ?? STAGE_BATCH
  for (let i = 0; i < staged.length; i += batch) await data.insertMany('importRows', staged.slice(i, i + batch))
  await data.insert('imports', doc)
  return toPreview(doc)
}
