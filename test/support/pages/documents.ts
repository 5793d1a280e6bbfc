// A phone's files and document viewer for page tests: wx.getFileSystemManager over an in-memory user folder
// (wx.env.USER_DATA_PATH, as on a phone), temporary files for whatever wx.cloud.downloadFile handed out, and
// wx.openDocument recording what it opened. The error texts are WeChat's.

export const USER_DATA_PATH = 'wxfile://usr'

type Cb = { success?: (res: Record<string, unknown>) => void; fail?: (err: { errMsg: string }) => void }

export interface PhoneFiles {
  /** Every openDocument call, in order. */
  opened: { filePath: string; fileType?: string; showMenu?: boolean }[]
  /** Paths of the user files now (folders left out), sorted. */
  userFiles(): string[]
  /** Make copies fail like a full storage. */
  failCopies: boolean
  /** Put a user file there before the page runs (an earlier export). */
  put(path: string): void
  restore(): void
}

export function phoneFiles(): PhoneFiles {
  const files = new Set<string>()
  const dirs = new Set<string>([USER_DATA_PATH])
  const parent = (p: string) => p.slice(0, p.lastIndexOf('/'))
  const isTemp = (p: string) => p.startsWith('wxfile://tmp_')
  const answer = (name: string, o: Cb, run: () => Record<string, unknown> | void) => {
    try {
      const res = run() ?? {}
      o.success?.({ errMsg: `${name}:ok`, ...res })
    } catch (err) {
      o.fail?.({ errMsg: `${name}:fail ${(err as Error).message}` })
    }
  }
  const phone: PhoneFiles = {
    opened: [],
    failCopies: false,
    userFiles: () => [...files].sort(),
    put(path) {
      for (let d = parent(path); d.startsWith(USER_DATA_PATH) && !dirs.has(d); d = parent(d)) dirs.add(d)
      files.add(path)
    },
    restore: () => spies.forEach((s) => s.mockRestore()),
  }
  const fs = {
    access: (o: Cb & { path: string }) =>
      answer('access', o, () => {
        if (!isTemp(o.path) && !files.has(o.path) && !dirs.has(o.path))
          throw new Error(`no such file or directory ${o.path}`)
      }),
    mkdir: (o: Cb & { dirPath: string; recursive?: boolean }) =>
      answer('mkdir', o, () => {
        if (dirs.has(o.dirPath)) throw new Error(`file already exists ${o.dirPath}`)
        if (!dirs.has(parent(o.dirPath)) && !o.recursive) throw new Error(`no such file or directory ${o.dirPath}`)
        for (let d = o.dirPath; !dirs.has(d); d = parent(d)) dirs.add(d)
      }),
    readdir: (o: Cb & { dirPath: string }) =>
      answer('readdir', o, () => {
        if (!dirs.has(o.dirPath)) throw new Error(`no such file or directory ${o.dirPath}`)
        return {
          files: [...files, ...dirs].filter((f) => parent(f) === o.dirPath).map((f) => f.slice(o.dirPath.length + 1)),
        }
      }),
    unlink: (o: Cb & { filePath: string }) =>
      answer('unlink', o, () => {
        if (!files.delete(o.filePath)) throw new Error(`no such file or directory ${o.filePath}`)
      }),
    copyFile: (o: Cb & { srcPath: string; destPath: string }) =>
      answer('copyFile', o, () => {
        const what = `copyFile ${o.srcPath} -> ${o.destPath}`
        if (phone.failCopies) throw new Error('the maximum size of the file storage limit is exceeded')
        if (!isTemp(o.srcPath) && !files.has(o.srcPath)) throw new Error(`no such file or directory, ${what}`)
        if (!o.destPath.startsWith(`${USER_DATA_PATH}/`)) throw new Error(`permission denied, ${what}`)
        if (!dirs.has(parent(o.destPath))) throw new Error(`no such file or directory, ${what}`)
        files.add(o.destPath)
      }),
  }
  const w = wx as unknown as Record<string, unknown>
  const env = w.env
  w.env = { USER_DATA_PATH }
  const spies: { mockRestore(): void }[] = [
    jest
      .spyOn(wx, 'getFileSystemManager')
      .mockImplementation(() => fs as unknown as WechatMiniprogram.FileSystemManager),
    jest.spyOn(wx, 'openDocument').mockImplementation(((o: WechatMiniprogram.OpenDocumentOption) => {
      phone.opened.push({ filePath: o.filePath, fileType: o.fileType, showMenu: o.showMenu })
      const ok = isTemp(o.filePath) || files.has(o.filePath)
      if (ok) o.success?.({ errMsg: 'openDocument:ok' })
      else o.fail?.({ errMsg: `openDocument:fail file not exist ${o.filePath}` } as never)
    }) as never),
    { mockRestore: () => void (w.env = env) },
  ]
  return phone
}
