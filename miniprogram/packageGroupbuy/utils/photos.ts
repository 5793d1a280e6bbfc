// Photos a merchant or a resident hands the committee (licences and certificates, a complaint's evidence): chosen
// from the album or taken, compressed, uploaded under the folder the function takes them from
// (merchants/<communityId>/<openid>/, complaints/<communityId>/<openid>/), after the privacy authorisation.
import { MAX_PHOTO_BYTES } from '../../shared/constants'
import { ensurePrivacy, PRIVACY_DECLINED } from '../../services/privacy'

export class PhotoError extends Error {}

const isCancel = (err: unknown) => /cancel/i.test((err as { errMsg?: string } | undefined)?.errMsg ?? '')

/** Up to `count` photos from the album or the camera; [] when the user backs out. */
export async function choosePhotos(count: number): Promise<string[]> {
  if (count <= 0) return []
  if (!(await ensurePrivacy())) throw new PhotoError(PRIVACY_DECLINED)
  return new Promise((resolve, reject) => {
    wx.chooseMedia({
      count,
      mediaType: ['image'],
      sourceType: ['album', 'camera'],
      sizeType: ['compressed'],
      success: (res) => resolve(res.tempFiles.map((f) => f.tempFilePath).slice(0, count)),
      fail: (err) =>
        isCancel(err)
          ? resolve([])
          : reject(new PhotoError('没有打开相册或相机。请在微信「设置 → 授权管理」中允许后再试')),
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

/** The folder a photo goes to: `<kind>/<communityId>/<openid>/`. */
export const photoFolder = (kind: 'merchants' | 'complaints', communityId: string, openid: string) =>
  `${kind}/${communityId}/${openid}`

/** Compress, check the size and upload one photo; its fileID. */
export async function uploadPhoto(folder: string, path: string, tag: string): Promise<string> {
  const small = await compress(path)
  const size = await fileSize(small)
  if (size > MAX_PHOTO_BYTES) {
    throw new PhotoError(`照片超过 ${MAX_PHOTO_BYTES / 1024 / 1024} MB，不能上传。请拍近一点、只拍证件重新选一张`)
  }
  try {
    const ext = /\.(png|webp|heic)$/i.exec(small)?.[1]?.toLowerCase() ?? 'jpg'
    const res = await wx.cloud.uploadFile({
      cloudPath: `${folder}/${tag}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.${ext}`,
      filePath: small,
    })
    return res.fileID
  } catch {
    throw new PhotoError('照片没有上传成功，请检查网络后重新选择')
  }
}
