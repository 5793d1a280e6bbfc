// The kit photo: taken with the camera only (no album: an old photo cannot be passed off), compressed, measured,
// refused on the phone when too big, uploaded under antigen/<roundId>/<householdId>/.
import { MAX_PHOTO_BYTES } from '../../shared/constants'
import { ensurePrivacy, PRIVACY_DECLINED } from '../../services/privacy'

export interface Photo {
  path: string
  size: number
  /** When the photo was taken (ms). */
  takenAt: number
}

export class PhotoError extends Error {}

const isCancel = (err: unknown) => /cancel/i.test((err as { errMsg?: string } | undefined)?.errMsg ?? '')

/** Opens the camera (after the privacy authorisation, asked once); null when the user backs out. */
export async function takePhoto(): Promise<{ path: string; takenAt: number } | null> {
  if (!(await ensurePrivacy())) throw new PhotoError(PRIVACY_DECLINED)
  return new Promise((resolve, reject) => {
    wx.chooseMedia({
      count: 1,
      mediaType: ['image'],
      sourceType: ['camera'],
      camera: 'back',
      success: (res) => {
        const file = res.tempFiles[0]
        resolve(file ? { path: file.tempFilePath, takenAt: Date.now() } : null)
      },
      fail: (err) =>
        isCancel(err)
          ? resolve(null)
          : reject(new PhotoError('没有打开相机。请在微信「设置 → 授权管理」中允许使用相机后再试')),
    })
  })
}

/** Quality 60 keeps a kit's lines readable at a fraction of the size; the original is kept if compression fails. */
function compress(path: string): Promise<string> {
  return new Promise((resolve) => {
    wx.compressImage({
      src: path,
      quality: 60,
      success: (res) => resolve(res.tempFilePath),
      fail: () => resolve(path),
    })
  })
}

/** wx.getFileInfo is no longer maintained (base library 2.19); the file system manager's is its replacement. */
function fileSize(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    wx.getFileSystemManager().getFileInfo({
      filePath: path,
      success: (res) => resolve(res.size),
      fail: () => reject(new PhotoError('照片没有保存成功，请重新拍摄')),
    })
  })
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`

export function photoSizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? mb(bytes) : `${Math.max(1, Math.round(bytes / 1024))} KB`
}

/** Compress and measure a taken photo; throws PhotoError when it is still over MAX_PHOTO_BYTES. */
export async function preparePhoto(taken: { path: string; takenAt: number }): Promise<Photo> {
  const path = await compress(taken.path)
  const size = await fileSize(path)
  if (size > MAX_PHOTO_BYTES) {
    throw new PhotoError(
      `照片有 ${mb(size)}，超过 ${MAX_PHOTO_BYTES / 1024 / 1024} MB，不能上传。请靠近试剂、只拍试剂重新拍一张`,
    )
  }
  return { path, size, takenAt: taken.takenAt }
}

export const photoCloudPath = (roundId: string, householdId: string, memberId: string, now = Date.now()) =>
  `antigen/${roundId}/${householdId}/${memberId}-${now}.jpg`

export async function uploadPhoto(cloudPath: string, path: string): Promise<string> {
  try {
    const res = await wx.cloud.uploadFile({ cloudPath, filePath: path })
    return res.fileID
  } catch {
    throw new PhotoError('照片没有上传成功，请检查网络后重新拍摄')
  }
}
