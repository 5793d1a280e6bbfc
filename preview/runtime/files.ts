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
