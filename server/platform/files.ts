// Files a client hands a function by fileID: where they may come from and what they are. A fileID is parsed, never
// searched (`includes` would take `…/antigen/r1/h1/…` anywhere in another folder or bucket); the content is read from
// storage, never taken from what the client says about it.
import { cloud } from './cloud'

export interface FileRef {
  /** The CloudBase environment the file lives in: `cloud://<env>.<bucket>/<path>`. */
  env: string
  bucket: string
  /** The path inside the bucket, by folder. */
  segments: string[]
}

const FILE_ID = /^cloud:\/\/([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\/(.{1,900})$/s
const BAD_SEGMENT = /[\u0000-\u001f\u007f\\%]/

/** The parts of a well-formed fileID; null for anything else (`..`, `.`, empty folders, escapes, control characters). */
export function parseFileId(fileID: string): FileRef | null {
  const m = FILE_ID.exec(fileID)
  if (!m) return null
  const segments = (m[3] as string).split('/')
  if (segments.some((s) => s === '' || s === '.' || s === '..' || s.length > 255 || BAD_SEGMENT.test(s))) return null
  return { env: m[1] as string, bucket: m[2] as string, segments }
}

/** This function's environment (the one whose bucket its files are in). */
export function currentEnv(): string {
  const ctx = cloud.getWXContext() as { ENV?: string }
  return ctx.ENV || process.env.TCB_ENV || process.env.SCF_NAMESPACE || ''
}

/**
 * The file's name when `fileID` is exactly `<folder>/<name>` in environment `env`'s bucket (nothing after another
 * `/`), else null.
 */
export function fileInFolder(fileID: string, folder: readonly string[], env: string): string | null {
  const ref = parseFileId(fileID)
  if (!ref || !env || ref.env !== env || ref.segments.length !== folder.length + 1) return null
  if (folder.some((f, i) => ref.segments[i] !== f)) return null
  return ref.segments[folder.length] as string
}

export type ImageKind = 'jpeg' | 'png' | 'webp' | 'heic'

/** Bytes to read from the start of a file to know what it is. */
export const HEAD_BYTES = 32

const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1'])
const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to))

/** What the first bytes of a file say it is, by magic number: JPEG, PNG, WebP or HEIC (a phone camera's), or null. */
export function imageKind(head: Uint8Array): ImageKind | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg'
  if (head.length >= 8 && ascii(head, 0, 8) === '\x89PNG\r\n\x1a\n') return 'png'
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'webp'
  if (head.length >= 12 && ascii(head, 4, 8) === 'ftyp' && HEIC_BRANDS.has(ascii(head, 8, 12))) return 'heic'
  return null
}

export interface Probe {
  /** The first HEAD_BYTES bytes (fewer for a smaller file). */
  head: Buffer
  /** The stored size in bytes; `limit + 1` stands for "more than limit" when storage did not say. */
  size: number
}

const PROBE_TIMEOUT_MS = 8000

/**
 * A stored file's first bytes and real size, through a temporary URL: one GET of the first bytes (storage answers
 * the range with the total size), never the whole file. Null if it cannot be read.
 */
export async function probeFile(url: string, limit: number): Promise<Probe | null> {
  let res: Response
  try {
    res = await fetch(url, {
      headers: { range: `bytes=0-${HEAD_BYTES - 1}` },
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    })
  } catch {
    return null
  }
  if (res.status !== 200 && res.status !== 206) {
    await res.body?.cancel()
    return null
  }
  const total = res.status === 206 ? /\/(\d+)\s*$/.exec(res.headers.get('content-range') ?? '')?.[1] : undefined
  const length = res.status === 200 ? res.headers.get('content-length') : null
  const known = total ?? (length !== null && /^\d+$/.test(length) ? length : undefined)
  // Read what came, but no more than is needed: the head, or (size unknown) just past the limit.
  const wanted = known === undefined ? limit + 1 : HEAD_BYTES
  const chunks: Buffer[] = []
  let got = 0
  try {
    const reader = res.body?.getReader()
    while (reader && got < wanted) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(Buffer.from(value))
      got += value.length
    }
    await reader?.cancel()
  } catch {
    return null
  }
  const body = Buffer.concat(chunks)
  return {
    head: body.subarray(0, HEAD_BYTES),
    size: known === undefined ? Math.min(body.length, limit + 1) : Number(known),
  }
}
