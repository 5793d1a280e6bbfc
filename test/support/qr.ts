// Reading QR codes back from PNG images, as a phone's camera would: what localcloud's wxacode.getUnlimited drew,
// or a poster the page made with it.
import jsQR from 'jsqr'
import { PNG } from 'pngjs'

export interface PngSize {
  width: number
  height: number
}

export function pngSize(png: Buffer): PngSize {
  const { width, height } = PNG.sync.read(png)
  return { width, height }
}

/** The text of the QR code in a PNG, or null when none can be read. */
export function readQr(png: Buffer): string | null {
  const image = PNG.sync.read(png)
  const found = jsQR(
    new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length),
    image.width,
    image.height,
  )
  return found?.data ?? null
}
