// A photo for a register's photo field (a prescription, a medicine box): taken or chosen after the privacy
// authorisation, compressed and uploaded to registers/<communityId>/<typeId>/, the folder the function takes it from.
import { MAX_PHOTO_BYTES } from '../../shared/constants'
import { ensurePrivacy, PRIVACY_DECLINED } from '../../services/privacy'

export class PhotoError extends Error {}

const isCancel = (err: unknown) => /cancel/i.test((err as { errMsg?: string } | undefined)?.errMsg ?? '')

/** Choose, compress and upload one photo; its fileID, or '' when the person backs out. */
export async function takePhoto(communityId: string, typeId: string): Promise<string> {
  if (!(await ensurePrivacy())) throw new PhotoError(PRIVACY_DECLINED)
  const path = await new Promise<string>((resolve, reject) =>
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
    }),
  )
  if (!path) return ''
  const size = await new Promise<number>((resolve) =>
    wx.getFileSystemManager().getFileInfo({ filePath: path, success: (r) => resolve(r.size), fail: () => resolve(0) }),
  )
  if (size > MAX_PHOTO_BYTES) throw new PhotoError(`照片超过 ${MAX_PHOTO_BYTES / 1024 / 1024} MB，请重新拍一张`)
  try {
    const res = await wx.cloud.uploadFile({
      cloudPath: `registers/${communityId}/${typeId}/${Date.now()}-${Math.random().toString(36).slice(2, 8)}.jpg`,
      filePath: path,
    })
    return res.fileID
  } catch {
    throw new PhotoError('照片没有上传成功，请检查网络后再试')
  }
}
