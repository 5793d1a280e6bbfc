// Spreadsheets exported for the committee hold personal data: each is recorded when made and deleted a day later.
import { randomId } from '../community/ids'
import { cloud, data } from './cloud'
import { nowDate, nowMs } from '../kernel'

/** An exported spreadsheet (personal data): deleted by the housekeeping timer a day after it was made. */
export interface ExportDoc {
  _id: string
  communityId: string
  kind: 'ledger' | 'antigen'
  fileID: string
  by: string
  createdAt: Date
}

export const EXPORT_TTL_MS = 24 * 3600_000

/** Upload an export, record it for deletion, and hand back a temporary URL to open it. */
export async function uploadExport(
  communityId: string,
  kind: ExportDoc['kind'],
  cloudPath: string,
  content: Buffer,
  by: string,
): Promise<{ fileID: string; tempFileURL: string }> {
  const { fileID } = (await cloud.uploadFile({ cloudPath, fileContent: content })) as { fileID: string }
  const doc: ExportDoc = { _id: randomId('exp'), communityId, kind, fileID, by, createdAt: nowDate() }
  await data.insert('exports', doc)
  const urls = (await cloud.getTempFileURL({ fileList: [fileID] })) as { fileList: { tempFileURL: string }[] }
  return { fileID, tempFileURL: urls.fileList[0]?.tempFileURL ?? '' }
}

/** Delete exports older than the time to live (files and records); returns how many went. */
export async function deleteOldExports(now = nowMs()): Promise<number> {
  const old = await data.findAll<ExportDoc>('exports', { createdAt: data._.lt(new Date(now - EXPORT_TTL_MS)) })
  for (let i = 0; i < old.length; i += 50) {
    const batch = old.slice(i, i + 50)
    await cloud.deleteFile({ fileList: batch.map((e) => e.fileID) })
    await data.removeWhere('exports', { _id: data._.in(batch.map((e) => e._id)) })
  }
  return old.length
}
