// One photo a page hands a function: chosen from the camera or the album after the privacy authorisation,
// compressed, checked against MAX_PHOTO_BYTES and uploaded into the folder that function takes it from. Each
// feature names its folder (packageDelivery/utils/photos.ts, packageNeeds/utils/photo.ts).
import { MAX_PHOTO_BYTES } from '../shared/constants'
import { ensurePrivacy, PRIVACY_DECLINED } from '../services/privacy'

export class PhotoError extends Error {}

const isCancel = (err: unknown) => /cancel/i.test((err as { errMsg?: string } | undefined)?.errMsg ?? '')

/** One photo from the camera or the album; '' when the user backs out. */
export async function choosePhoto(): Promise<string> {
  if (!(await ensurePrivacy())) throw new PhotoError(PRIVACY_DECLINED)
  return new Promise((resolve, reject) => {
    wx.chooseMedia({
      count: 1,
      mediaType: ['image'],
      sourceType: ['camera', 'album'],
      sizeType: ['compressed'],
      success: (res) => resolve(res.tempFiles[0]?.tempFilePath ?? ''),
      fail: (err) =>
        isCancel(err)
          ? resolve('')
          : reject(new PhotoError('没有打开相机或相册。请在微信「设置 → 授权管理」中允许后再试')),
    })
  })
}

function compress(path: string): Promise<string> {
  return new Promise((resolve) => {
    wx.compressImage({ src: path, quality: 70, success: (res) => resolve(res.tempFilePath), fail: () => resolve(path) })
  })
}

function fileSize(path: string): Promise<number> {
  return new Promise((resolve) => {
    wx.getFileSystemManager().getFileInfo({
      filePath: path,
      success: (res) => resolve(res.size),
      // Unknown size: let the function measure it.
      fail: () => resolve(0),
    })
  })
}

/** Compress, check the size and upload one photo into `folder` (its name starting with `tag` when given); its fileID. */
export async function uploadPhoto(folder: string, path: string, tag?: string): Promise<string> {
  const small = await compress(path)
  const size = await fileSize(small)
  if (size > MAX_PHOTO_BYTES) {
    throw new PhotoError(`照片超过 ${MAX_PHOTO_BYTES / 1024 / 1024} MB，不能上传。请重新拍一张`)
  }
  try {
    const ext = /\.(png|webp|heic)$/i.exec(small)?.[1]?.toLowerCase() ?? 'jpg'
    const res = await wx.cloud.uploadFile({
      cloudPath: `${folder}/${tag ? `${tag}-` : ''}${Date.now()}-${Math.random().toString(36).slice(2, 8)}.${ext}`,
      filePath: small,
    })
    return res.fileID
  } catch {
    throw new PhotoError('照片没有上传成功，请检查网络后再试')
  }
}
