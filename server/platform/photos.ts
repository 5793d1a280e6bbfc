// Photos a client hands a function by fileID (a merchant's licences, a complaint's evidence, a delivery's arrival
// or a bag on a door handle), checked as antigen's submission checks kit photos: exactly in the caller's own folder
// of this environment's bucket, each used once, and an image within MAX_PHOTO_BYTES by what storage holds (its
// first bytes and stored size), never by what the phone says.
import { AppError, z } from '../kernel'
import { cloud } from './cloud'
import { currentEnv, fileInFolder, imageKind, probeFile } from './files'
import { MAX_PHOTO_BYTES } from '../../miniprogram/shared/constants'

/** How long a photo's temporary URL in a view lasts (seconds). */
export const PHOTO_URL_MAX_AGE_S = 600

/** A fileID as the page uploaded it (checked against its folder by checkPhotos). */
export const fileIdSchema = (label: string) => z.string().min(1).max(300).describe(label)

/** Temporary URLs of stored files (50 per call), for those storage has. */
export async function photoUrls(
  fileIds: readonly string[],
  maxAge = PHOTO_URL_MAX_AGE_S,
): Promise<Map<string, string>> {
  const map = new Map<string, string>()
  const unique = [...new Set(fileIds)]
  for (let i = 0; i < unique.length; i += 50) {
    const fileList = unique.slice(i, i + 50).map((fileID) => ({ fileID, maxAge }))
    const res = (await cloud.getTempFileURL({ fileList })) as {
      fileList: { fileID: string; tempFileURL: string; status: number }[]
    }
    for (const f of res.fileList) if (f.tempFileURL && f.status === 0) map.set(f.fileID, f.tempFileURL)
  }
  return map
}

/**
 * Check every photo of the lists (input field, fileIDs) against `folder`: PHOTO_INVALID for one from anywhere else,
 * not stored or not an image, PHOTO_TOO_LARGE past the limit, INVALID_INPUT for one used twice. Photos in `known`
 * were checked when they first came. Reads storage only for the new ones (one temporary-URL call per 50, one
 * ranged GET each).
 */
export async function checkPhotos(
  lists: readonly (readonly [string, readonly string[]])[],
  folder: readonly string[],
  known: ReadonlySet<string> = new Set(),
): Promise<void> {
  const env = currentEnv()
  const seen = new Set<string>()
  const fresh: { fileID: string; field: string }[] = []
  for (const [name, ids] of lists)
    ids.forEach((fileID, i) => {
      const field = `${name}.${i}`
      if (fileInFolder(fileID, folder, env) === null) throw new AppError('PHOTO_INVALID', undefined, field)
      if (seen.has(fileID)) throw new AppError('INVALID_INPUT', '同一张照片上传了两次，请删除重复的一张', field)
      seen.add(fileID)
      if (!known.has(fileID)) fresh.push({ fileID, field })
    })
  if (fresh.length === 0) return
  const urls = await photoUrls(fresh.map((f) => f.fileID))
  const probes = await Promise.all(
    fresh.map(async (f) => {
      const url = urls.get(f.fileID)
      return { ...f, probe: url ? await probeFile(url, MAX_PHOTO_BYTES) : null }
    }),
  )
  for (const { field, probe } of probes) {
    if (!probe) throw new AppError('PHOTO_INVALID', undefined, field)
    if (!imageKind(probe.head)) throw new AppError('PHOTO_INVALID', '这张照片不是图片，请重新拍摄或选择', field)
    if (probe.size > MAX_PHOTO_BYTES) throw new AppError('PHOTO_TOO_LARGE', undefined, field)
  }
}
