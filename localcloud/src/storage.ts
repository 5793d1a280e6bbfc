// Cloud storage: upload metadata + PUT, expiring signed download URLs, delete. Files on disk (or in memory), with
// the openid of the client that uploaded each (what storage rules call `resource.openid`; null for server writes).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { E } from './errors'

export const DEFAULT_URL_MAX_AGE_S = 7200
const UPLOAD_TTL_MS = 10 * 60_000

interface PendingUpload {
  path: string
  token: string
  expires: number
}

export class Storage {
  private readonly secret = randomBytes(32)
  private readonly memory = new Map<string, Buffer>()
  private readonly uploads = new Map<string, PendingUpload>()
  /** Uploader per cloud path, for files a client uploaded; kept beside the folder as JSON when on disk. */
  private readonly owners = new Map<string, string>()
  private readonly ownersFile: string | null

  constructor(
    private readonly dir: string | null,
    readonly env: string,
    private readonly clock: () => number = Date.now,
  ) {
    this.ownersFile = dir ? `${dir.replace(/[\\/]+$/, '')}-owners.json` : null
    if (dir) fs.mkdirSync(dir, { recursive: true })
    if (this.ownersFile && fs.existsSync(this.ownersFile)) {
      try {
        const saved = JSON.parse(fs.readFileSync(this.ownersFile, 'utf8')) as Record<string, unknown>
        for (const [p, o] of Object.entries(saved)) if (typeof o === 'string') this.owners.set(p, o)
      } catch {
        // An unreadable owners file leaves every file the server's: clients lose access, nobody gains it.
      }
    }
  }

  /** The openid of the client that uploaded the file, or null (server-written, or no such file). */
  ownerOf(cloudPath: string): string | null {
    return this.owners.get(cloudPath) ?? null
  }

  /** Record who wrote a file: a client's openid, or null when the server SDK wrote it. */
  setOwner(cloudPath: string, openid: string | null): void {
    if (openid) this.owners.set(cloudPath, openid)
    else if (!this.owners.delete(cloudPath)) return
    this.saveOwners()
  }

  /** Many owners at once (an import), written to disk once instead of once per file. */
  setOwners(entries: Iterable<[string, string | null]>): void {
    for (const [cloudPath, openid] of entries) {
      if (openid) this.owners.set(cloudPath, openid)
      else this.owners.delete(cloudPath)
    }
    this.saveOwners()
  }

  private saveOwners(): void {
    if (!this.ownersFile) return
    const tmp = `${this.ownersFile}.${randomBytes(6).toString('hex')}.tmp`
    fs.writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.owners)))
    fs.renameSync(tmp, this.ownersFile)
  }

  private get bucket(): string {
    return `${this.env}-localcloud`
  }

  fileId(cloudPath: string): string {
    return `cloud://${this.env}.${this.bucket}/${cloudPath}`
  }

  /** The cloud path inside this bucket for a fileID, or null if the fileID is not ours. */
  pathOf(fileId: string): string | null {
    const prefix = `cloud://${this.env}.${this.bucket}/`
    if (typeof fileId !== 'string' || !fileId.startsWith(prefix)) return null
    return cleanPath(fileId.slice(prefix.length))
  }

  uploadMetadata(cloudPath: unknown, baseUrl: string) {
    const p = cleanPath(cloudPath)
    if (!p) throw E.invalidParam('cloudPath is invalid')
    const uploadId = randomBytes(12).toString('hex')
    const token = randomBytes(16).toString('hex')
    this.uploads.set(uploadId, { path: p, token, expires: this.clock() + UPLOAD_TTL_MS })
    return {
      url: `${baseUrl}/__storage/upload/${uploadId}`,
      token,
      authorization: `localcloud ${uploadId}`,
      fileId: this.fileId(p),
      cosFileId: `cos-${uploadId}`,
    }
  }

  /** The PUT that follows upload metadata; the security token must match the one handed out. */
  completeUpload(uploadId: string, token: string | undefined, body: Buffer): void {
    const pending = this.uploads.get(uploadId)
    if (!pending || pending.expires < this.clock()) throw E.invalidParam('upload URL expired or unknown')
    if (token !== pending.token) throw E.invalidParam('upload token mismatch')
    this.uploads.delete(uploadId)
    this.write(pending.path, body)
    // The server SDK wrote it: the file is the server's, whoever had uploaded one at that path before.
    this.setOwner(pending.path, null)
  }

  write(cloudPath: string, body: Buffer): void {
    if (!this.dir) {
      this.memory.set(cloudPath, Buffer.from(body))
      return
    }
    const file = path.join(this.dir, cloudPath)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`
    const fd = fs.openSync(tmp, 'w')
    try {
      fs.writeSync(fd, body)
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
    fs.renameSync(tmp, file)
  }

  read(cloudPath: string): Buffer | null {
    if (!this.dir) return this.memory.get(cloudPath) ?? null
    try {
      return fs.readFileSync(path.join(this.dir, cloudPath))
    } catch {
      return null
    }
  }

  exists(cloudPath: string): boolean {
    if (!this.dir) return this.memory.has(cloudPath)
    return fs.existsSync(path.join(this.dir, cloudPath))
  }

  remove(cloudPath: string): boolean {
    this.setOwner(cloudPath, null)
    if (!this.dir) return this.memory.delete(cloudPath)
    try {
      fs.unlinkSync(path.join(this.dir, cloudPath))
      return true
    } catch {
      return false
    }
  }

  /** Size in bytes, or null if there is no such file. */
  size(cloudPath: string): number | null {
    if (!this.dir) return this.memory.get(cloudPath)?.length ?? null
    try {
      return fs.statSync(path.join(this.dir, cloudPath)).size
    } catch {
      return null
    }
  }

  list(): { path: string; size: number }[] {
    if (!this.dir) return [...this.memory].map(([p, b]) => ({ path: p, size: b.length }))
    const out: { path: string; size: number }[] = []
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const full = path.join(d, e.name)
        if (e.isDirectory()) walk(full)
        else if (!e.name.endsWith('.tmp'))
          out.push({
            path: path
              .relative(this.dir as string, full)
              .split(path.sep)
              .join('/'),
            size: fs.statSync(full).size,
          })
      }
    }
    if (fs.existsSync(this.dir)) walk(this.dir)
    return out
  }

  clear(): void {
    this.memory.clear()
    this.uploads.clear()
    this.owners.clear()
    if (this.ownersFile) fs.rmSync(this.ownersFile, { force: true })
    if (this.dir) {
      fs.rmSync(this.dir, { recursive: true, force: true })
      fs.mkdirSync(this.dir, { recursive: true })
    }
  }

  private sign(cloudPath: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${cloudPath}\n${expires}`).digest('hex').slice(0, 32)
  }

  /** Not percent-encoded: the SDK encodes the URL itself before downloading. */
  downloadUrl(cloudPath: string, baseUrl: string, maxAgeS: number): string {
    const expires = Math.floor(this.clock() / 1000) + maxAgeS
    return `${baseUrl}/__storage/download/${cloudPath}?sign=${this.sign(cloudPath, expires)}&t=${expires}`
  }

  verifyDownload(cloudPath: string, sign: string | null, t: string | null): 'ok' | 'expired' | 'forbidden' {
    const expires = Number(t)
    if (!sign || !Number.isInteger(expires)) return 'forbidden'
    const expected = Buffer.from(this.sign(cloudPath, expires))
    const given = Buffer.from(sign)
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'forbidden'
    return expires * 1000 < this.clock() ? 'expired' : 'ok'
  }
}

/** A safe relative path: no leading slash, no `..`, no empty segments. */
export function cleanPath(value: unknown): string | null {
  if (typeof value !== 'string') return null
  const parts = value.replace(/^\/+/, '').split('/')
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\0'))) return null
  return parts.join('/')
}
