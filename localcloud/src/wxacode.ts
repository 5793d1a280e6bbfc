// `wxacode.getUnlimited` (获取不限制的小程序码): checks the parameters as WeChat does and answers a standard QR
// code PNG that carries the page and scene — not a real 小程序码 (only WeChat draws those), but scannable by any
// QR reader, so the preview and tests can read back what a phone would open.
import zlib from 'node:zlib'
import QRCode from 'qrcode'

/** What `scene` may hold: at most 32 visible characters of these (WeChat does not take `%`, so no URL encoding). */
export const SCENE_PATTERN = /^[0-9A-Za-z!#$&'()*+,/:;=?@._~-]*$/
export const SCENE_MAX = 32
export const ENV_VERSIONS = ['release', 'trial', 'develop'] as const
/** Width in pixels: WeChat's default, and its bounds (a width outside them is brought inside, not refused). */
export const WIDTH_DEFAULT = 430
export const WIDTH_MIN = 280
export const WIDTH_MAX = 1280

export type WxaCodeResult = { errcode: number; errmsg: string } | { png: Buffer; text: string; width: number }

/**
 * The text the QR code carries: the page and the scene as a phone reads a 小程序码 with `wx.scanCode`
 * (`res.path`, the scene URL-encoded as the page's `query.scene` is).
 */
export const wxaCodeText = (page: string, scene: string) => `${page}?scene=${encodeURIComponent(scene)}`

/** WeChat's answers for bad parameters, in the order it checks them. */
export function checkUnlimited(params: Record<string, unknown>): { errcode: number; errmsg: string } | null {
  const scene = params.scene
  if (typeof scene !== 'string' || scene.length === 0 || [...scene].length > SCENE_MAX)
    return { errcode: 40169, errmsg: 'invalid length for scene, or the data is not json string' }
  if (!SCENE_PATTERN.test(scene)) return { errcode: 40129, errmsg: 'invalid scene' }
  const page = params.page
  if (page !== undefined && page !== '') {
    if (typeof page !== 'string' || page.startsWith('/') || /[?#&=]/.test(page))
      return { errcode: 41030, errmsg: 'invalid page hint: no leading / and no query (put parameters in scene)' }
    // WeChat checks the page against the published version unless check_path is false; localcloud has none,
    // as a mini-program not yet released.
    if (params.check_path !== false)
      return {
        errcode: 41030,
        errmsg: 'invalid page hint: page is not in the published version (localcloud has none: pass check_path false)',
      }
  }
  const env = params.env_version
  if (env !== undefined && !(ENV_VERSIONS as readonly unknown[]).includes(env))
    return { errcode: 40097, errmsg: 'invalid args: env_version must be release, trial or develop' }
  if (params.width !== undefined && typeof params.width !== 'number')
    return { errcode: 40097, errmsg: 'invalid args: width must be a number' }
  return null
}

/** A black-on-white QR code PNG (8-bit grey), `width` pixels square, with a quiet zone of four modules at least. */
export function qrPng(text: string, width: number): Buffer {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' })
  const n = qr.modules.size
  const scale = Math.max(1, Math.floor(width / (n + 8)))
  const size = Math.max(width, scale * (n + 8))
  const offset = Math.floor((size - scale * n) / 2)
  // Each scanline: filter byte 0, then one byte per pixel. Rows of one module row are the same line repeated.
  const line = size + 1
  const raw = Buffer.alloc(line * size, 255)
  for (let y = 0; y < size; y++) raw[y * line] = 0
  for (let my = 0; my < n; my++) {
    const first = (offset + my * scale) * line
    for (let mx = 0; mx < n; mx++)
      if (qr.modules.get(my, mx)) raw.fill(0, first + 1 + offset + mx * scale, first + 1 + offset + (mx + 1) * scale)
    for (let dy = 1; dy < scale; dy++) raw.copy(raw, first + dy * line, first, first + line)
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8 // bit depth
  header[9] = 0 // colour type: greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(body.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), body])), 0)
  return Buffer.concat([head, body, crc])
}

export function getUnlimited(params: Record<string, unknown>): WxaCodeResult {
  const problem = checkUnlimited(params)
  if (problem) return problem
  const width = Math.min(WIDTH_MAX, Math.max(WIDTH_MIN, Math.round(Number(params.width ?? WIDTH_DEFAULT))))
  const text = wxaCodeText(typeof params.page === 'string' ? params.page : '', params.scene as string)
  return { png: qrPng(text, width), text, width }
}
