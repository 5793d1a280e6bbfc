// Spreadsheets exported for the committee hold personal data: each is recorded when made and deleted on schedule
// (a day later; the hand-over exports of a closed community when everyone's data goes).
import { randomId } from '../community/ids'
import { DAY_MS, EXPORT_TTL_DAYS } from '../community/settings'
import { cloud, data } from './cloud'
import { deleteFiles } from './deletions'
import { nowDate, nowMs } from '../kernel'

/** The kinds a closed community's hand-over makes (one export of each). */
export type HandoverKind = 'ledger' | 'antigen'

/** An exported spreadsheet (personal data): deleted by the housekeeping timer at `expiresAt`. */
export interface ExportDoc {
  _id: string
  communityId: string
  /**
   * groupbuy: a closed buy's purchase list, sorting lists or labels (sheets `exportBuy`); delivery: a delivery's
   * printable lists per building or per volunteer (sheets `exportDelivery`); registers: a livelihood register
   * (sheets `exportRegister`); needs: the day roll-up (`exportNeeds`).
   */
  kind: HandoverKind | 'groupbuy' | 'delivery' | 'registers' | 'needs'
  fileID: string
  by: string
  createdAt: Date
  /** When the timer deletes it (exports recorded before it existed: a day after `createdAt`). */
  expiresAt?: Date
  /** Made for the hand-over when the committee closed the community (then of a HandoverKind). */
  handover?: boolean
  /** The name to show for it. */
  fileName?: string
}

/** A hand-over export (`handover: true`). */
export type HandoverExportDoc = ExportDoc & { kind: HandoverKind }

export const EXPORT_TTL_MS = EXPORT_TTL_DAYS * DAY_MS

/** The ids of a closed community's hand-over exports (one of each kind, made once: a retry finds it). */
export const HANDOVER_EXPORT_ID = {
  ledger: (communityId: string) => `exp_handover_${communityId}_ledger`,
  antigen: (communityId: string) => `exp_handover_${communityId}_antigen`,
}

export interface ExportOptions {
  /** A deterministic id, so a retried hand-over finds the export it made. */
  id?: string
  expiresAt?: Date
  handover?: boolean
  fileName?: string
}

/** When an export is due for deletion. */
export const exportExpiry = (e: Pick<ExportDoc, 'createdAt' | 'expiresAt'>): Date =>
  e.expiresAt ? new Date(e.expiresAt) : new Date(new Date(e.createdAt).getTime() + EXPORT_TTL_MS)

/** A temporary URL to open a stored file ('' when it is gone). */
export async function tempUrl(fileID: string): Promise<string> {
  const urls = (await cloud.getTempFileURL({ fileList: [fileID] })) as { fileList: { tempFileURL: string }[] }
  return urls.fileList[0]?.tempFileURL ?? ''
}

/** Upload an export, record it for deletion, and hand back a temporary URL to open it. */
export async function uploadExport(
  communityId: string,
  kind: ExportDoc['kind'],
  cloudPath: string,
  content: Buffer,
  by: string,
  opts: ExportOptions = {},
): Promise<{ fileID: string; tempFileURL: string }> {
  const { fileID } = (await cloud.uploadFile({ cloudPath, fileContent: content })) as { fileID: string }
  const createdAt = nowDate()
  const doc: ExportDoc = {
    _id: opts.id ?? randomId('exp'),
    communityId,
    kind,
    fileID,
    by,
    createdAt,
    expiresAt: opts.expiresAt ?? new Date(createdAt.getTime() + EXPORT_TTL_MS),
    ...(opts.handover ? { handover: true } : {}),
    ...(opts.fileName ? { fileName: opts.fileName } : {}),
  }
  try {
    await data.set('exports', doc)
  } catch (err) {
    // Not recorded, it would never be deleted: take the file back (or queue it) before failing.
    await deleteFiles([{ fileID, communityId, kind: 'export' }]).catch(() => undefined)
    throw err
  }
  return { fileID, tempFileURL: await tempUrl(fileID) }
}

/** Exports deleted per timer run (files first, statuses checked, then the records). */
export const EXPORT_BATCH = 200

const dueWhere = (now: number) =>
  data._.or([
    { expiresAt: data._.lte(new Date(now)) },
    { expiresAt: data._.exists(false), createdAt: data._.lte(new Date(now - EXPORT_TTL_MS)) },
  ])

/**
 * Delete exports whose time is up: the file (a failed deletion is queued and retried), then the record. At most
 * `limit` per run; returns how many went.
 */
export async function deleteOldExports(now = nowMs(), limit = EXPORT_BATCH, where: object = {}): Promise<number> {
  const due = Object.keys(where).length ? data._.and([dueWhere(now), where]) : dueWhere(now)
  const old = await data.find<ExportDoc>('exports', due, {
    limit,
    orderBy: [['createdAt', 'asc']],
  })
  if (old.length === 0) return 0
  await deleteFiles(old.map((e) => ({ fileID: e.fileID, communityId: e.communityId, kind: 'export' as const })))
  await data.removeWhere('exports', { _id: data._.in(old.map((e) => e._id)) })
  return old.length
}

/** Every export of a community, whatever its time (the closing's deletion); at most `limit` per call. */
export async function deleteCommunityExports(communityId: string, limit = EXPORT_BATCH): Promise<number> {
  const docs = await data.find<ExportDoc>('exports', { communityId }, { limit })
  if (docs.length === 0) return 0
  await deleteFiles(docs.map((e) => ({ fileID: e.fileID, communityId, kind: 'export' as const })))
  await data.removeWhere('exports', { _id: data._.in(docs.map((e) => e._id)) })
  return docs.length
}
