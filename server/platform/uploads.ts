// Files the mini-program uploaded for a function to read (the committee's ledger spreadsheets): recorded when the
// function first reads one, and deleted on schedule like an export. Nothing else keeps them.
import { sha256 } from '../community/ids'
import { DAY_MS, LEDGER_UPLOAD_TTL_DAYS } from '../community/settings'
import { data } from './cloud'
import { deleteFiles } from './deletions'
import { isAppError, nowDate, nowMs } from '../kernel'

export interface UploadDoc {
  /** One record per file, whoever reads it how often. */
  _id: string
  communityId: string
  /** orders: a 快团团 / 群接龙 export read by sheets `importOrders`; registers: a register's rows (registerImportPreview). */
  kind: 'ledger' | 'orders' | 'registers'
  fileID: string
  /** Who the function read it for. */
  by: string
  createdAt: Date
  /** When the housekeeping timer deletes it. */
  expiresAt: Date
}

export const LEDGER_UPLOAD_TTL_MS = LEDGER_UPLOAD_TTL_DAYS * DAY_MS
export const uploadId = (fileID: string) => `up_${sha256(fileID).slice(0, 24)}`

/**
 * Record an uploaded file read for a community, once: the first read starts its time to live (reading it again,
 * as 「重新检查」 does, keeps the first date).
 */
export async function recordUpload(communityId: string, kind: UploadDoc['kind'], fileID: string, by: string) {
  const _id = uploadId(fileID)
  if (await data.get<UploadDoc>('uploads', _id)) return
  const createdAt = nowDate()
  const doc: UploadDoc = {
    _id,
    communityId,
    kind,
    fileID,
    by,
    createdAt,
    expiresAt: new Date(createdAt.getTime() + LEDGER_UPLOAD_TTL_MS),
  }
  try {
    await data.insert('uploads', doc)
  } catch (err) {
    // Two reads at once: the other one recorded it.
    if (isAppError(err) || !(await data.get<UploadDoc>('uploads', _id))) throw err
  }
}

export const UPLOAD_BATCH = 200

/** Delete uploaded files whose time is up (or, with `communityId`, all of that community's); at most `limit`. */
export async function deleteExpiredUploads(now = nowMs(), limit = UPLOAD_BATCH, communityId?: string) {
  const where = communityId ? { communityId } : { expiresAt: data._.lte(new Date(now)) }
  const docs = await data.find<UploadDoc>('uploads', where, { limit, orderBy: [['expiresAt', 'asc']] })
  if (docs.length === 0) return 0
  await deleteFiles(docs.map((u) => ({ fileID: u.fileID, communityId: u.communityId, kind: 'upload' as const })))
  await data.removeWhere('uploads', { _id: data._.in(docs.map((u) => u._id)) })
  return docs.length
}
