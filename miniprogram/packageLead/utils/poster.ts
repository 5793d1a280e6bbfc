// The poster for the building's entrance: 「1号 住户加入 邻里接力」, the invite's 小程序码 large, how to scan it, and the
// code to type when scanning does not work. Drawn on the phone with a Canvas 2D (its own fonts, so any building name
// prints) and exported as a PNG the lead saves, forwards or prints from the image viewer.
import { spacedCode } from '../../utils/format'

export const POSTER_WIDTH = 1200
export const POSTER_HEIGHT = 1700

export interface PosterInput {
  buildingName: string
  code: string
  room?: string
  /** 「11月27日 10:00」 */
  expires: string
}

export interface PosterText {
  title: string
  subtitle: string
  steps: string[]
  fallback: string
  code: string
  footer: string
}

export function posterText(p: PosterInput): PosterText {
  return {
    title: `${p.buildingName} 住户加入 邻里接力`,
    subtitle: `${p.room ? `仅限 ${p.room} 室使用` : '本楼住户都可以用'} · 有效期至 ${p.expires}`,
    steps: [
      '1. 打开微信，点右上角「＋」，选「扫一扫」',
      '2. 对准上面的二维码扫一下',
      '3. 填写房号和姓名，等楼组长审核通过',
    ],
    fallback: '扫不了？在微信里搜「邻里接力」小程序，点「加入我家」，输入邀请码：',
    code: spacedCode(p.code),
    footer: '请勿撕毁 · 有问题请找楼组长',
  }
}

/** What the poster needs of a Canvas 2D context (WeChat's follows the web's). */
export interface PosterContext {
  fillStyle: string
  strokeStyle: string
  lineWidth: number
  font: string
  textAlign: string
  textBaseline: string
  fillRect(x: number, y: number, w: number, h: number): void
  strokeRect(x: number, y: number, w: number, h: number): void
  fillText(text: string, x: number, y: number): void
  measureText(text: string): { width: number }
  drawImage(image: unknown, x: number, y: number, w: number, h: number): void
}

export interface PosterCanvas {
  width: number
  height: number
  getContext(type: '2d'): PosterContext
  createImage(): { onload: (() => void) | null; onerror: ((e: unknown) => void) | null; src: string }
}

/** Punctuation that closes a phrase: never the first character of a line. */
const CLOSING = '，。：；、！？」』）》'

/**
 * Lines of at most `max` pixels, broken between characters (Chinese has no spaces to break at); closing
 * punctuation stays on the line it ends.
 */
export function wrap(ctx: Pick<PosterContext, 'measureText'>, text: string, max: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const ch of text) {
    if (line && !CLOSING.includes(ch) && ctx.measureText(line + ch).width > max) {
      lines.push(line)
      line = ch
    } else line += ch
  }
  if (line) lines.push(line)
  return lines
}

function loadImage(canvas: PosterCanvas, src: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const img = canvas.createImage()
    img.onload = () => resolve(img)
    img.onerror = (e) => reject(new Error(`poster image: ${String((e as { errMsg?: string })?.errMsg ?? e)}`))
    img.src = src
  })
}

const GREEN = '#07c160'
const FONT = '"PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif'

/** Draw the poster on `canvas` (resized to the poster) with the code's PNG as a data URI or a local path. */
export async function drawPoster(canvas: PosterCanvas, p: PosterInput, qrSrc: string): Promise<PosterText> {
  const text = posterText(p)
  const image = await loadImage(canvas, qrSrc)
  canvas.width = POSTER_WIDTH
  canvas.height = POSTER_HEIGHT
  const ctx = canvas.getContext('2d')
  const W = POSTER_WIDTH
  const center = W / 2
  ctx.fillStyle = '#ffffff'
  ctx.fillRect(0, 0, W, POSTER_HEIGHT)

  // The title band.
  ctx.fillStyle = GREEN
  ctx.fillRect(0, 0, W, 280)
  ctx.fillStyle = '#ffffff'
  ctx.textAlign = 'center'
  ctx.textBaseline = 'middle'
  ctx.font = `bold 84px ${FONT}`
  const title = wrap(ctx, text.title, W - 120)
  title.forEach((line, i) => ctx.fillText(line, center, 110 - (title.length - 1) * 46 + i * 92))
  ctx.font = `40px ${FONT}`
  ctx.fillText(text.subtitle, center, 226)

  // The code, as large as the page allows, framed so it reads as the thing to scan.
  const size = 760
  const x = (W - size) / 2
  const y = 330
  ctx.drawImage(image, x, y, size, size)
  ctx.strokeStyle = GREEN
  ctx.lineWidth = 6
  ctx.strokeRect(x - 20, y - 20, size + 40, size + 40)

  // How to scan.
  ctx.fillStyle = '#1a1a1a'
  ctx.textAlign = 'left'
  ctx.font = `46px ${FONT}`
  text.steps.forEach((line, i) => ctx.fillText(line, 110, 1180 + i * 72))

  // The typed code as the fallback.
  ctx.fillStyle = '#e8f8ef'
  ctx.fillRect(60, 1380, W - 120, 260)
  ctx.fillStyle = '#1a1a1a'
  ctx.textAlign = 'center'
  ctx.font = `38px ${FONT}`
  const fallback = wrap(ctx, text.fallback, W - 180)
  fallback.forEach((line, i) => ctx.fillText(line, center, 1425 + i * 50))
  ctx.fillStyle = '#06ad56'
  ctx.font = `bold 96px ${FONT}`
  ctx.fillText(text.code, center, 1425 + (fallback.length - 1) * 50 + 95)

  ctx.fillStyle = '#666666'
  ctx.font = `32px ${FONT}`
  ctx.fillText(text.footer, center, 1675)
  return text
}
