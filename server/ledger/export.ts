// The community's ledger as .xlsx with the import's columns, so an exported file imports back unchanged. Each
// cell is what the visibility policy lets the caller see of that household (server/platform/visibility.ts): the
// export is the committee's, who see everything, so it round-trips; anyone else would get masked cells.
import type { ResidentFlag } from '../../typings/api'
import { FLAG_LABELS } from '../community/flags'
import { randomId } from '../community/ids'
import { naturalCompare } from '../community/structure'
import type { Data } from '../kernel/db'
import { formatShanghai } from '../kernel/time'
import type { BuildingDoc, HouseholdDoc } from '../community/model'
import { EXPORT_HEADERS } from './columns'
import { loadCommunity } from './load'
import { roomCompare } from './validate'
import { writeXlsx, type SheetColumn } from '../platform/xlsx'
import { fieldsFor, householdTarget, POLICY, showName, showPhone, type Fields } from '../platform/visibility'
import type { RoleGrant } from '../../typings/api'
import { nowDate } from '../kernel'

const WIDTHS = [12, 10, 12, 16, 10, 24]
const TEXT_COLUMNS = new Set(['楼栋', '房号', '姓名', '电话', '标记'])

export const EXPORT_COLUMNS: SheetColumn[] = EXPORT_HEADERS.map((header, i) => ({
  header,
  width: WIDTHS[i] ?? 12,
  text: TEXT_COLUMNS.has(header),
}))

export const flagText = (flags: readonly ResidentFlag[]) => flags.map((f) => FLAG_LABELS[f]).join('、')

export interface LedgerSheet {
  rows: (string | number | null)[][]
  households: number
  residents: number
}

/** Whose fields the cells carry: the caller's grants, or the committee's (the command line, run by an operator). */
export type LedgerViewer = readonly RoleGrant[] | 'committee'

const fieldsOfViewer = (viewer: LedgerViewer, h: HouseholdDoc): Fields =>
  viewer === 'committee' ? POLICY.committee : fieldsFor(viewer, householdTarget(h))

/**
 * One row per resident: buildings in natural order, rooms in natural order, members as stored, each cell as the
 * viewer's fields allow (a field the viewer may not see is an empty cell).
 */
export function ledgerRows(
  buildings: readonly BuildingDoc[],
  households: readonly HouseholdDoc[],
  viewer: LedgerViewer = 'committee',
): LedgerSheet {
  const byBuilding = new Map<string, HouseholdDoc[]>()
  for (const h of households) byBuilding.set(h.buildingId, [...(byBuilding.get(h.buildingId) ?? []), h])
  const rows: (string | number | null)[][] = []
  let count = 0
  let residents = 0
  for (const b of [...buildings].sort((x, y) => naturalCompare(x.name, y.name))) {
    const list = (byBuilding.get(b._id) ?? []).sort((x, y) => roomCompare(x.room, y.room))
    for (const h of list) {
      if (h.members.length === 0) continue
      count++
      const f = fieldsOfViewer(viewer, h)
      for (const m of h.members) {
        residents++
        rows.push([
          b.name,
          h.room,
          showName(f.name, m.name),
          showPhone(f.phone, m.phone) ?? null,
          f.birthYear ? (m.birthYear ?? null) : null,
          f.flags ? flagText(m.flags) || null : null,
        ])
      }
    }
  }
  return { rows, households: count, residents }
}

export interface LedgerExport {
  buffer: Buffer
  /** For people: 「阳光小区住户台账-20261124.xlsx」. */
  fileName: string
  households: number
  residents: number
}

export async function buildLedgerExport(
  data: Data,
  communityId: string,
  viewer: LedgerViewer = 'committee',
): Promise<LedgerExport> {
  const community = await loadCommunity(data, communityId)
  const [buildings, households] = await Promise.all([
    data.findAll<BuildingDoc>('buildings', { communityId }),
    data.findAll<HouseholdDoc>('households', { communityId }),
  ])
  const sheet = ledgerRows(buildings, households, viewer)
  const buffer = await writeXlsx('住户台账', EXPORT_COLUMNS, sheet.rows)
  const fileName = `${community.name}住户台账-${formatShanghai(nowDate(), 'YYYYMMDD')}.xlsx`
  return { buffer, fileName, households: sheet.households, residents: sheet.residents }
}

/** Uploads with `upload(cloudPath, content)` (the function passes `cloud.uploadFile`) and returns the fileID. */
export async function exportLedger(
  data: Data,
  communityId: string,
  upload: (cloudPath: string, content: Buffer) => Promise<string>,
  viewer: LedgerViewer = 'committee',
): Promise<{ fileID: string; fileName: string; households: number; residents: number }> {
  const out = await buildLedgerExport(data, communityId, viewer)
  // Unguessable: nobody can place a file where an export is about to be written, or find one by its name.
  const cloudPath = `ledger-exports/${communityId}/${formatShanghai(nowDate(), 'YYYYMMDD')}-${randomId('x', 16)}.xlsx`
  const fileID = await upload(cloudPath, out.buffer)
  return { fileID, fileName: out.fileName, households: out.households, residents: out.residents }
}
