// Tiny photos for the demo's group buys: a shop's business licence, food permit and staff health certificate (what
// the committee checks on the merchants page) and a complaint's photo of a short bag of apples on a scale. Real PNG
// files made byte for byte the same on every machine, like the kit photos (./photos.ts), so the application's and
// the complaint's photo checks (an image by its first bytes, within the size limit) pass on them as on a phone's.
import { deflateSync } from 'node:zlib'
import { chunk } from './photos'

export type DocPhotoKind = 'licence' | 'foodPermit' | 'healthCert' | 'complaint'

/** Drawn on an 80 × 56 grid, each cell SCALE pixels wide. */
const SCALE = 3
const W = 80
const H = 56
type Rgb = readonly [number, number, number]

const PAPER: Rgb = [250, 246, 232]
const WHITE: Rgb = [252, 252, 250]
const INK: Rgb = [120, 120, 118]
const RED: Rgb = [200, 42, 40]
const GREEN: Rgb = [40, 140, 90]
const BLUE: Rgb = [60, 110, 190]
const SKIN: Rgb = [226, 190, 160]
const DESK: Rgb = [170, 140, 110]
const STEEL: Rgb = [190, 196, 200]
const DIGITS: Rgb = [40, 200, 120]
const BAG: Rgb = [236, 236, 236]
const APPLE: Rgb = [196, 48, 48]

const inBox = (x: number, y: number, x0: number, y0: number, x1: number, y1: number) =>
  x >= x0 && x <= x1 && y >= y0 && y <= y1
const inCircle = (x: number, y: number, cx: number, cy: number, r: number) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r
/** Lines of «text»: grey bars on every third row from y0, of uneven lengths. */
const textLine = (x: number, y: number, x0: number, y0: number, y1: number, widths: readonly number[]) => {
  if (y < y0 || y > y1 || (y - y0) % 4 !== 0) return false
  const w = widths[((y - y0) / 4) % widths.length] as number
  return x >= x0 && x < x0 + w
}

/** A certificate: a coloured frame, a title bar, lines of text, and a seal (or a portrait for a health certificate). */
function certificate(x: number, y: number, frame: Rgb, paper: Rgb, portrait: boolean): Rgb {
  if (!inBox(x, y, 2, 2, W - 3, H - 3)) return DESK
  if (!inBox(x, y, 4, 4, W - 5, H - 5)) return frame
  if (inBox(x, y, 26, 8, 53, 11)) return frame
  if (portrait) {
    if (inBox(x, y, 8, 16, 24, 38)) {
      if (inCircle(x, y, 16, 23, 4)) return SKIN
      if (y >= 29 && inCircle(x, y, 16, 38, 8)) return INK
      return [214, 228, 240]
    }
    if (textLine(x, y, 29, 17, 40, [34, 26, 30])) return INK
  } else if (textLine(x, y, 9, 16, 44, [48, 40, 52, 30, 44, 36, 50, 24, 40])) return INK
  if (inCircle(x, y, 64, 42, 7) && !inCircle(x, y, 64, 42, 5.6)) return RED
  if (inCircle(x, y, 64, 42, 1.6)) return RED
  return paper
}

/** A bag of apples on a kitchen scale showing a weight short of 5 斤. */
function complaint(x: number, y: number): Rgb {
  if (inBox(x, y, 18, 42, 62, 50)) return inBox(x, y, 33, 44, 47, 48) ? (x % 3 === 0 ? INK : DIGITS) : STEEL
  if (inBox(x, y, 14, 38, 66, 41)) return STEEL
  if (y < 38 && inCircle(x, y, 40, 24, 13)) {
    for (const [cx, cy] of [
      [35, 22],
      [44, 21],
      [39, 30],
      [46, 29],
      [33, 30],
    ] as const)
      if (inCircle(x, y, cx, cy, 3.6)) return APPLE
    return BAG
  }
  return DESK
}

function pixel(kind: DocPhotoKind, x: number, y: number): Rgb {
  switch (kind) {
    case 'licence':
      return certificate(x, y, RED, PAPER, false)
    case 'foodPermit':
      return certificate(x, y, GREEN, WHITE, false)
    case 'healthCert':
      return certificate(x, y, BLUE, WHITE, true)
    case 'complaint':
      return complaint(x, y)
  }
}

/** A PNG (8-bit RGB) of this kind of photo. */
export function docPhoto(kind: DocPhotoKind): Buffer {
  const width = W * SCALE
  const height = H * SCALE
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.writeUInt8(8, 8) // bit depth
  header.writeUInt8(2, 9) // colour type: RGB
  const raw = Buffer.alloc(height * (1 + width * 3))
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 3)
    raw[row] = 0 // filter: none
    for (let x = 0; x < width; x++) {
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

const cache = new Map<DocPhotoKind, { bytes: Buffer; base64: string }>()

/** The photo of a kind, made once per process. */
export function docPhotoFile(kind: DocPhotoKind): { bytes: Buffer; base64: string } {
  let file = cache.get(kind)
  if (!file) {
    const bytes = docPhoto(kind)
    file = { bytes, base64: bytes.toString('base64') }
    cache.set(kind, file)
  }
  return file
}
