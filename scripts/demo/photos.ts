// Tiny kit photos for the demo's antigen entries: real PNG files (a test cassette with its C and T lines), made
// here byte for byte the same on every machine, so the submission checks (image by its first bytes, size within the
// limit) and the chain page's photos work on them as on a phone's upload.
import { deflateSync } from 'node:zlib'
import type { AntigenResult } from '../../typings/api'

/** What a photo shows: the control line (C) and the test line (T). */
export type KitPhotoKind = Exclude<AntigenResult, 'untested'>

/** Drawn on a 72 × 24 grid, each cell SCALE pixels wide. */
const SCALE = 3
const WIDTH = 72 * SCALE
const HEIGHT = 24 * SCALE
type Rgb = readonly [number, number, number]
const CASSETTE: Rgb = [232, 232, 226]
const WINDOW: Rgb = [252, 252, 250]
const WELL: Rgb = [205, 200, 190]
const LINE: Rgb = [196, 40, 60]

/** Pixel colour: a cassette with a sample well and a reading window; C at x 30–31, T at x 44–45. */
function pixel(kind: KitPhotoKind, x: number, y: number): Rgb {
  const inWindow = x >= 22 && x <= 58 && y >= 7 && y <= 16
  if (inWindow) {
    const c = kind !== 'invalid' && (x === 30 || x === 31)
    const t = kind !== 'negative' && (x === 44 || x === 45)
    return c || t ? LINE : WINDOW
  }
  const dx = x - 10
  const dy = y - 12
  if (dx * dx + dy * dy <= 16) return WELL
  return CASSETTE
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(bytes: Buffer): number {
  let c = 0xffffffff
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/** One PNG chunk: length, type, body and its CRC (the demo's other generated pictures use it too). */
export function chunk(type: string, body: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(body.length)
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), body])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(typed))
  return Buffer.concat([length, typed, crc])
}

/** A PNG (8-bit RGB) of a kit showing this result. */
export function kitPhoto(kind: KitPhotoKind): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(WIDTH, 0)
  header.writeUInt32BE(HEIGHT, 4)
  header.writeUInt8(8, 8) // bit depth
  header.writeUInt8(2, 9) // colour type: RGB
  const raw = Buffer.alloc(HEIGHT * (1 + WIDTH * 3))
  for (let y = 0; y < HEIGHT; y++) {
    const row = y * (1 + WIDTH * 3)
    raw[row] = 0 // filter: none
    for (let x = 0; x < WIDTH; x++) {
      const [r, g, b] = pixel(kind, Math.floor(x / SCALE), Math.floor(y / SCALE))
      raw[row + 1 + x * 3] = r
      raw[row + 2 + x * 3] = g
      raw[row + 3 + x * 3] = b
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

const cache = new Map<KitPhotoKind, { bytes: Buffer; base64: string }>()

/** The photo of a kind, made once per process. */
export function kitPhotoFile(kind: KitPhotoKind): { bytes: Buffer; base64: string } {
  let file = cache.get(kind)
  if (!file) {
    const bytes = kitPhoto(kind)
    file = { bytes, base64: bytes.toString('base64') }
    cache.set(kind, file)
  }
  return file
}
