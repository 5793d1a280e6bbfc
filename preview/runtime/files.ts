// Temporary files as WeChat hands them to pages (wxfile://tmp_…): a chosen photo, a compressed copy, a downloaded
// export. They live in memory for the session; <image> and uploads read them back.
import { cloudPost } from './net'

interface TempFile {
  blob: Blob
  name: string
  url?: string
}

const files = new Map<string, TempFile>()
let seq = 0

export function saveTemp(blob: Blob, name: string): string {
  const ext = (name.match(/\.([A-Za-z0-9]{1,8})$/)?.[1] ?? 'bin').toLowerCase()
  const path = `wxfile://tmp_${Date.now().toString(36)}_${++seq}.${ext}`
  files.set(path, { blob, name })
  return path
}

export function tempFile(path: string): TempFile | undefined {
  return files.get(path)
}

export function tempUrl(path: string): string | undefined {
  const f = files.get(path)
  if (!f) return undefined
  f.url ??= URL.createObjectURL(f.blob)
  return f.url
}

export async function base64Of(blob: Blob): Promise<string> {
  const buf = new Uint8Array(await blob.arrayBuffer())
  let bin = ''
  for (let i = 0; i < buf.length; i += 0x8000) bin += String.fromCharCode(...buf.subarray(i, i + 0x8000))
  return btoa(bin)
}

export function fromBase64(b64: string, type = 'application/octet-stream'): Blob {
  const bin = atob(b64)
  const bytes = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
  return new Blob([bytes], { type })
}

/** Same-origin path for a URL of the local cloud (temporary file URLs name the emulator's own origin). */
export function viaPreview(url: string): string {
  try {
    const u = new URL(url, location.href)
    if (u.pathname.startsWith('/__storage/')) return `${u.pathname}${u.search}`
  } catch {
    /* not a URL */
  }
  return url
}

const cloudUrls = new Map<string, { url: string; until: number }>()

/** What an <image src> may be: a temp file, a cloud file ID (resolved to a temporary URL as WeChat does) or a URL. */
export async function resolveImageSrc(src: string): Promise<string> {
  if (src.startsWith('wxfile://')) {
    const url = tempUrl(src)
    if (!url) throw new Error(`no temp file ${src}`)
    return url
  }
  if (src.startsWith('cloud://')) {
    const hit = cloudUrls.get(src)
    if (hit && hit.until > Date.now()) return hit.url
    const res = (await cloudPost('storage/tempUrl', { fileList: [src] })) as {
      fileList: { tempFileURL: string; status: number; maxAge?: number }[]
    }
    const item = res.fileList[0]
    if (!item || item.status !== 0 || !item.tempFileURL) throw new Error(`no URL for ${src}`)
    const url = viaPreview(item.tempFileURL)
    cloudUrls.set(src, { url, until: Date.now() + Math.max(60, (item.maxAge ?? 600) - 60) * 1000 })
    return url
  }
  return viaPreview(src)
}

// ---------- user files (wx.env.USER_DATA_PATH) ----------
// WeChat's local user files: a folder per WeChat user and mini-program that the app names itself, kept across
// launches, 200 MB for all of them. Here they are kept in memory per person of the preview (switching person shows
// that person's folder), for the session.

/** wx.env.USER_DATA_PATH on a phone. */
export const USER_DATA_PATH = 'wxfile://usr'
export const USER_DATA_LIMIT_BYTES = 200 * 1024 * 1024

interface UserFolder {
  files: Map<string, TempFile>
  dirs: Set<string>
}

const folders = new Map<string, UserFolder>()

function folderOf(owner: string): UserFolder {
  let f = folders.get(owner)
  if (!f) {
    f = { files: new Map(), dirs: new Set([USER_DATA_PATH]) }
    folders.set(owner, f)
  }
  return f
}

const normal = (p: string) => p.replace(/\/+$/, '')
const parentOf = (p: string) => p.slice(0, p.lastIndexOf('/'))
export const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1)
export const isUserPath = (p: string) => normal(p) === USER_DATA_PATH || p.startsWith(`${USER_DATA_PATH}/`)

/** A file a page may read: a temporary one, or one of this person's user files. */
export function localFile(owner: string, path: string): TempFile | undefined {
  return tempFile(path) ?? (isUserPath(path) ? folderOf(owner).files.get(normal(path)) : undefined)
}

/** WeChat's FileSystemManager calls on user files, throwing its errMsg texts (without the `name:fail` prefix). */
export const userFiles = {
  exists(owner: string, path: string): boolean {
    const f = folderOf(owner)
    const p = normal(path)
    return !!tempFile(path) || f.files.has(p) || f.dirs.has(p)
  },
  mkdir(owner: string, dirPath: string, recursive: boolean): void {
    const f = folderOf(owner)
    const p = normal(dirPath)
    if (!isUserPath(p)) throw new Error(`permission denied, open ${dirPath}`)
    if (f.dirs.has(p) || f.files.has(p)) throw new Error(`file already exists ${dirPath}`)
    if (!f.dirs.has(parentOf(p))) {
      if (!recursive) throw new Error(`no such file or directory ${dirPath}`)
      if (f.files.has(parentOf(p))) throw new Error(`not a directory ${dirPath}`)
      userFiles.mkdir(owner, parentOf(p), true)
    }
    f.dirs.add(p)
  },
  readdir(owner: string, dirPath: string): string[] {
    const f = folderOf(owner)
    const p = normal(dirPath)
    if (!f.dirs.has(p)) throw new Error(`no such file or directory ${dirPath}`)
    const inside = [...f.files.keys(), ...f.dirs].filter((k) => k !== p && parentOf(k) === p)
    return inside.map(baseName)
  },
  unlink(owner: string, filePath: string): void {
    const f = folderOf(owner)
    const p = normal(filePath)
    if (f.dirs.has(p)) throw new Error(`operation not permitted, unlink ${filePath}`)
    if (!f.files.delete(p)) throw new Error(`no such file or directory ${filePath}`)
  },
  copyFile(owner: string, srcPath: string, destPath: string): void {
    const f = folderOf(owner)
    const src = localFile(owner, srcPath)
    const dest = normal(destPath)
    const what = `copyFile ${srcPath} -> ${destPath}`
    if (!src) throw new Error(`no such file or directory, ${what}`)
    if (!isUserPath(dest) || dest === USER_DATA_PATH) throw new Error(`permission denied, ${what}`)
    if (!f.dirs.has(parentOf(dest)) || f.dirs.has(dest)) throw new Error(`no such file or directory, ${what}`)
    const used = [...f.files.entries()].reduce((n, [k, v]) => n + (k === dest ? 0 : v.blob.size), 0)
    if (used + src.blob.size > USER_DATA_LIMIT_BYTES)
      throw new Error('the maximum size of the file storage limit is exceeded')
    f.files.set(dest, { blob: src.blob, name: baseName(dest) })
  },
}
