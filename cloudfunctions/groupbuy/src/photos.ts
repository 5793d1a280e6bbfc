// Photos a client hands the groupbuy function by fileID (a merchant's licences and certificates, a complaint's
// evidence), checked as antigen's submission checks kit photos: exactly in the caller's own folder of this
// environment's bucket, each used once, and an image within MAX_PHOTO_BYTES by what storage holds (its first bytes
// and stored size), never by what the phone says. Also the text fields both forms share.
import { AppError, z } from '../../../server/kernel'
import { currentEnv, fileInFolder, imageKind, probeFile } from '../../../server/platform/files'
import { merchantPhotoUrls } from '../../../server/groupbuy/merchants'
import { MAX_PHOTO_BYTES } from '../../../miniprogram/shared/constants'

/** A fileID as the page uploaded it (checked against its folder by checkPhotos). */
export const fileIdSchema = (label: string) => z.string().min(1).max(300).describe(label)

/** One line of text: trimmed, `min`–`max` characters, with a letter or digit, no tabs or line breaks. */
export const textField = (label: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((s) => !/[\t\r\n]/.test(s) && /[\p{L}\p{N}]/u.test(s), {
      message: `「${label}」请填写文字，不能只有空格或符号`,
    })
    .describe(label)

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
  const urls = await merchantPhotoUrls(fresh.map((f) => f.fileID))
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
