// Draws miniprogram/images/share.png, the picture of a share card that has none of its own (a round's card, a card
// without an invite): 500 × 400 (WeChat shows cards at 5:4), rendered by Chromium with the CJK fonts the preview
// uses. Run again after changing the text: npx tsx scripts/share-image.ts
import fs from 'node:fs'
import path from 'node:path'
import { launchChromium } from '../preview/driver'

const OUT = path.resolve(__dirname, '..', 'miniprogram', 'images', 'share.png')

const HTML = `<!doctype html><html><head><meta charset="utf-8"><style>
  html, body { margin: 0; width: 500px; height: 400px; }
  body { background: #07c160; color: #fff; font-family: 'Noto Sans CJK SC', sans-serif; display: flex;
    flex-direction: column; align-items: center; justify-content: center; }
  .name { font-size: 88px; font-weight: 700; letter-spacing: 8px; }
  .line { font-size: 34px; margin-top: 18px; opacity: 0.95; }
  .hint { margin-top: 36px; font-size: 28px; background: #fff; color: #07c160; padding: 10px 28px;
    border-radius: 40px; font-weight: 700; }
</style></head><body>
  <div class="name">邻里接力</div>
  <div class="line">一楼一组 · 接龙报平安</div>
  <div class="hint">点开小程序</div>
</body></html>`

async function main(): Promise<void> {
  const browser = await launchChromium()
  try {
    const page = await browser.newPage({ viewport: { width: 500, height: 400 }, deviceScaleFactor: 1 })
    await page.setContent(HTML)
    fs.mkdirSync(path.dirname(OUT), { recursive: true })
    await page.screenshot({ path: OUT, clip: { x: 0, y: 0, width: 500, height: 400 } })
    console.log(`${path.relative(process.cwd(), OUT)}: ${fs.statSync(OUT).size} bytes`)
  } finally {
    await browser.close()
  }
}

void main()
