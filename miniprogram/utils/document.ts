// Open an exported spreadsheet in WeChat's document viewer (exports from the committee's pages).
//
// The file comes from cloud storage by its fileID (wx.cloud.downloadFile): a phone needs no storage domain on the
// download allow-list, as wx.downloadFile on a temporary URL would (the way left when storage refuses the fileID). The download lands as a temporary file named by
// a hash, and the viewer shows the file's name, so it is copied to the user data folder under the name the function
// chose (「抗原检测-2026-11-24.xlsx」) before it opens. Older copies there are removed first: an export names people,
// and the folder (200 MB for all of a mini-program's saved files) is not a place to keep them.

/** Where the named copies go, under wx.env.USER_DATA_PATH. */
export const EXPORTS_DIR = 'exports'

/** A file name the file system takes: no folders, no characters a path or the viewer refuses. */
export function safeFileName(name: string): string {
  const clean = name
    .replace(/[\\/:*?"<>|\u0000-\u001f]/g, '-')
    .replace(/^\.+/, '')
    .trim()
  const named = clean || '导出表格.xlsx'
  return /\.xlsx$/i.test(named) ? named : `${named}.xlsx`
}

type Fs = WechatMiniprogram.FileSystemManager

function fsCall(run: (done: { success: () => void; fail: (err: { errMsg: string }) => void }) => void) {
  return new Promise<void>((resolve, reject) => run({ success: () => resolve(), fail: reject }))
}

/** The folder for named copies, emptied of earlier exports (made when missing). */
async function freshFolder(fs: Fs, dir: string): Promise<void> {
  const exists = await fsCall((cb) => fs.access({ path: dir, ...cb })).then(
    () => true,
    () => false,
  )
  if (!exists) {
    await fsCall((cb) => fs.mkdir({ dirPath: dir, recursive: true, ...cb }))
    return
  }
  const files = await new Promise<string[]>((resolve) =>
    fs.readdir({ dirPath: dir, success: (r) => resolve(r.files), fail: () => resolve([]) }),
  )
  for (const f of files) await fsCall((cb) => fs.unlink({ filePath: `${dir}/${f}`, ...cb })).catch(() => undefined)
}

/** The downloaded file copied under its name; the temporary file itself when the copy cannot be made. */
async function named(tempFilePath: string, fileName: string): Promise<string> {
  try {
    const fs = wx.getFileSystemManager()
    const dir = `${wx.env.USER_DATA_PATH}/${EXPORTS_DIR}`
    await freshFolder(fs, dir)
    const filePath = `${dir}/${safeFileName(fileName)}`
    await fsCall((cb) => fs.copyFile({ srcPath: tempFilePath, destPath: filePath, ...cb }))
    return filePath
  } catch {
    // Storage full or refused: the viewer still opens the file, under the temporary name.
    return tempFilePath
  }
}

/** The export as a temporary file: by its fileID from cloud storage, else by its temporary URL. */
function download(fileID: string, tempFileURL: string): Promise<string> {
  return new Promise<string>((resolve, reject) =>
    wx.cloud.downloadFile({
      fileID,
      success: (file) => resolve(file.tempFilePath),
      // Refused (the bucket's read rule lets a client read only what it uploaded itself, and the functions wrote
      // this) or failed: the temporary URL, which needs the storage domain among the download domains on a phone.
      fail: (err) => {
        if (!tempFileURL) return reject(err)
        wx.downloadFile({
          url: tempFileURL,
          success: (file) =>
            file.statusCode === 200 ? resolve(file.tempFilePath) : reject(new Error(`HTTP ${file.statusCode}`)),
          fail: reject,
        })
      },
    }),
  )
}

/** Download an export (by its fileID; its temporary URL if that is refused) and open it, named `fileName`. */
export async function openXlsx(fileID: string, fileName: string, tempFileURL = ''): Promise<void> {
  const filePath = await named(await download(fileID, tempFileURL), fileName)
  await new Promise<void>((resolve, reject) =>
    wx.openDocument({ filePath, fileType: 'xlsx', showMenu: true, success: () => resolve(), fail: reject }),
  )
}
