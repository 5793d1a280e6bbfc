// Deleting stored files and knowing that it happened. `cloud.deleteFile` answers a status per file; a file storage
// did not delete is queued in `fileDeletions` and retried by both functions' housekeeping timers until it goes,
// so a failed deletion is never forgotten once the document that referred to the file has let go of it.
import { sha256 } from '../community/ids'
import { nowDate } from '../kernel'
import { cloud, data } from './cloud'

/**
 * What a stored file was: a kit photo, an exported spreadsheet, a ledger file the import page uploaded, an invite's
 * 小程序码, a merchant's licence, permit or health certificate, a complaint's photo, a delivery's photo (the goods at
 * the gate, a bag on a door handle, a problem with a bag), a photo on a register's entry, a medicine need's photo of
 * the box or prescription.
 */
export type FileKind =
  | 'photo'
  | 'export'
  | 'upload'
  | 'inviteCode'
  | 'merchantPhoto'
  | 'complaintPhoto'
  | 'deliveryPhoto'
  /** A photo on a register's entry (a prescription, a medicine box). */
  | 'registerPhoto'
  | 'needPhoto'

export interface FileRef {
  fileID: string
  communityId: string
  kind: FileKind
}

/** A file whose deletion failed, waiting for the next timer run. */
export interface FileDeletionDoc extends FileRef {
  _id: string
  queuedAt: Date
  attempts: number
  lastTriedAt: Date
  lastError: string
}

/** Storage's 「no such file」 (STORAGE_FILE_NONEXIST): a file already gone counts as deleted. */
export const STORAGE_FILE_NONEXIST = -503003
/** Files per `deleteFile` call. */
export const DELETE_BATCH = 50

/** A per-file status of `cloud.deleteFile` that means the file is gone. */
export const isDeleted = (status: number | undefined) => status === 0 || status === STORAGE_FILE_NONEXIST

export const fileDeletionId = (fileID: string) => `fd_${sha256(fileID).slice(0, 24)}`

interface Attempt {
  deleted: string[]
  failed: { fileID: string; error: string }[]
}

type DeleteReply = { fileList?: { fileID: string; status: number; errMsg?: string }[] }

/** One `deleteFile` call, every file's outcome read from its own status (a thrown call fails them all). */
export async function tryDelete(fileIDs: readonly string[]): Promise<Attempt> {
  const out: Attempt = { deleted: [], failed: [] }
  let reply: DeleteReply
  try {
    reply = (await cloud.deleteFile({ fileList: [...fileIDs] })) as DeleteReply
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err)
    return { deleted: [], failed: fileIDs.map((fileID) => ({ fileID, error })) }
  }
  const byId = new Map((reply.fileList ?? []).map((f) => [f.fileID, f]))
  for (const fileID of fileIDs) {
    const f = byId.get(fileID)
    if (f && isDeleted(f.status)) out.deleted.push(fileID)
    else out.failed.push({ fileID, error: f ? `${f.status} ${f.errMsg ?? ''}`.trim() : 'no status' })
  }
  return out
}

/** Queue failed deletions (or count another attempt on those already queued). */
async function queue(refs: Map<string, FileRef>, failed: Attempt['failed']): Promise<void> {
  if (failed.length === 0) return
  const at = nowDate()
  const existing = await data.byIds<FileDeletionDoc>(
    'fileDeletions',
    failed.map((f) => fileDeletionId(f.fileID)),
  )
  const again = failed.filter((f) => existing.has(fileDeletionId(f.fileID)))
  const fresh = failed
    .filter((f) => !existing.has(fileDeletionId(f.fileID)))
    .map((f): FileDeletionDoc => ({
      _id: fileDeletionId(f.fileID),
      ...(refs.get(f.fileID) as FileRef),
      queuedAt: at,
      attempts: 1,
      lastTriedAt: at,
      lastError: f.error.slice(0, 200),
    }))
  if (again.length)
    await data.updateWhere(
      'fileDeletions',
      { _id: data._.in(again.map((f) => fileDeletionId(f.fileID))) },
      { attempts: data._.inc(1), lastTriedAt: at, lastError: (again[0]?.error ?? '').slice(0, 200) },
    )
  // `set` one by one: another run may have queued the same file meanwhile, and set lands on it either way.
  for (const doc of fresh) await data.set('fileDeletions', doc)
}

/**
 * Delete files, checking storage's status for each; those not deleted are queued for the timers. Resolves once
 * every file is either gone or queued, so the caller may then drop its references; it throws only when the queue
 * could not be written (the caller keeps its references and the whole step runs again).
 */
export async function deleteFiles(files: readonly FileRef[]): Promise<{ deleted: number; failed: number }> {
  const refs = new Map(files.filter((f) => f.fileID).map((f) => [f.fileID, f]))
  const ids = [...refs.keys()]
  let deleted = 0
  let failed = 0
  for (let i = 0; i < ids.length; i += DELETE_BATCH) {
    const outcome = await tryDelete(ids.slice(i, i + DELETE_BATCH))
    await queue(refs, outcome.failed)
    deleted += outcome.deleted.length
    failed += outcome.failed.length
  }
  return { deleted, failed }
}

/** Files retried per timer run (the longest-waiting first). */
export const RETRY_BATCH = 200

/** Retry queued deletions: the ones that go leave the queue, the others wait for the next run. */
export async function retryFileDeletions(limit = RETRY_BATCH): Promise<{ deleted: number; failed: number }> {
  const queued = await data.find<FileDeletionDoc>('fileDeletions', {}, { orderBy: [['lastTriedAt', 'asc']], limit })
  let deleted = 0
  let failed = 0
  for (let i = 0; i < queued.length; i += DELETE_BATCH) {
    const batch = queued.slice(i, i + DELETE_BATCH)
    const outcome = await tryDelete(batch.map((d) => d.fileID))
    if (outcome.deleted.length)
      await data.removeWhere('fileDeletions', { _id: data._.in(outcome.deleted.map(fileDeletionId)) })
    if (outcome.failed.length)
      await data.updateWhere(
        'fileDeletions',
        { _id: data._.in(outcome.failed.map((f) => fileDeletionId(f.fileID))) },
        { attempts: data._.inc(1), lastTriedAt: nowDate(), lastError: (outcome.failed[0]?.error ?? '').slice(0, 200) },
      )
    deleted += outcome.deleted.length
    failed += outcome.failed.length
  }
  return { deleted, failed }
}

/** A community's files waiting because their deletion failed, per kind, with the oldest failure. */
export async function failedDeletions(communityId: string): Promise<Record<FileKind, { count: number; since?: Date }>> {
  const docs = await data.findAll<Pick<FileDeletionDoc, 'kind' | 'queuedAt'>>(
    'fileDeletions',
    { communityId },
    { fields: { kind: true, queuedAt: true } },
  )
  const out: Record<FileKind, { count: number; since?: Date }> = {
    photo: { count: 0 },
    export: { count: 0 },
    upload: { count: 0 },
    inviteCode: { count: 0 },
    merchantPhoto: { count: 0 },
    complaintPhoto: { count: 0 },
    deliveryPhoto: { count: 0 },
    registerPhoto: { count: 0 },
    needPhoto: { count: 0 },
  }
  for (const d of docs) {
    const slot = out[d.kind]
    if (!slot) continue
    slot.count++
    const at = new Date(d.queuedAt)
    if (!slot.since || at < slot.since) slot.since = at
  }
  return out
}
