// Drives the preview in Debian's Chromium with playwright-core (no browser download): a phone per person, taps on
// the page on top, waiting until the page's cloud calls are done, screenshots. Used by the end-to-end tests
// (test/e2e) and by `npm run screenshots`.
import fs from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core'

/** Debian's chromium package; CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

// As root in a container Chromium needs --no-sandbox; the rest keep it off this machine's closed network.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
]

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH))
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium and fonts-noto-cjk (apt-get install chromium fonts-noto-cjk), or set CHROMIUM_PATH`,
    )
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, headless: true })
}

export interface PhoneOptions {
  /** Route and query to open, e.g. `packageAntigen/pages/chain?roundId=r1`; the first page when absent. */
  at?: string
  /** Touch instead of a mouse (Playwright's tap). */
  touch?: boolean
}

/** One person's phone: a browser context of its own (its own storage), showing the preview. */
export class Phone {
  readonly errors: string[] = []

  private constructor(
    readonly openid: string,
    readonly page: Page,
    readonly context: BrowserContext,
    private readonly baseUrl: string,
  ) {}

  static async open(browser: Browser, baseUrl: string, openid: string, options: PhoneOptions = {}): Promise<Phone> {
    const context = await browser.newContext({
      viewport: { width: 1100, height: 900 },
      deviceScaleFactor: 1,
      timezoneId: 'Asia/Shanghai',
      locale: 'zh-CN',
      hasTouch: !!options.touch,
    })
    // A selector that matches nothing fails in seconds, not at the test's timeout.
    context.setDefaultTimeout(10000)
    const page = await context.newPage()
    const phone = new Phone(openid, page, context, baseUrl)
    page.on('pageerror', (e) => phone.errors.push(`pageerror: ${e.message}`))
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) phone.errors.push(`console: ${m.text()}`)
    })
    await phone.goto(options.at)
    return phone
  }

  /** Open a page by link, as a fresh launch of the mini-program. */
  async goto(at?: string): Promise<void> {
    const url = `${this.baseUrl}/?openid=${encodeURIComponent(this.openid)}${at ? `#/${at}` : ''}`
    const sameDocument = this.page.url().split('#')[0] === url.split('#')[0]
    await this.page.goto(url)
    // A link that differs only after # does not load the document again: launch it anew as the first goto did.
    if (sameDocument) await this.page.reload()
    await this.page.waitForFunction(() => window.__preview?.idle())
    await this.idle()
  }

  /** The page on top of the stack (hidden pages stay in the DOM, as in WeChat's webviews). */
  top(): Locator {
    return this.page.locator('.pv-page:not([hidden])')
  }

  $(selector: string): Locator {
    return this.top().locator(selector).first()
  }

  /** Wait until no cloud call or upload has run for a moment and the page on top is rendered. */
  async idle(quietMs = 150, timeoutMs = 15000): Promise<void> {
    const until = Date.now() + timeoutMs
    let quietSince = 0
    while (Date.now() < until) {
      const idle = await this.page.evaluate(() => window.__preview?.idle() ?? false)
      if (idle) {
        quietSince ||= Date.now()
        if (Date.now() - quietSince >= quietMs) return
      } else quietSince = 0
      await this.page.waitForTimeout(25)
    }
    throw new Error(`${this.openid}: still busy after ${timeoutMs} ms on ${await this.route()}`)
  }

  async tap(selector: string): Promise<void> {
    const target = this.$(selector)
    await target.scrollIntoViewIfNeeded()
    await target.click()
    await this.idle()
  }

  /** Type into a WeChat <input> or <textarea> (the native field inside it). */
  async type(selector: string, value: string): Promise<void> {
    await this.$(`${selector} input, ${selector} textarea`).fill(value)
    await this.idle()
  }

  async text(selector: string): Promise<string> {
    return ((await this.$(selector).textContent()) ?? '').replace(/\s+/g, ' ').trim()
  }

  async texts(selector: string): Promise<string[]> {
    return (await this.top().locator(selector).allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim())
  }

  async route(): Promise<string> {
    return this.page.evaluate(() => window.__preview.route())
  }

  // ---- WeChat's system UI, drawn by the preview ----

  /** The modal on screen: its text, then 确定 (or 取消). */
  async modal(answer: 'confirm' | 'cancel' = 'confirm', input?: string): Promise<string> {
    const box = this.page.locator('.pv-modal').last()
    await box.waitFor()
    const text = ((await box.textContent()) ?? '').replace(/\s+/g, ' ').trim()
    if (input !== undefined) await box.locator('.pv-modal-input').fill(input)
    await box.locator(answer === 'confirm' ? '.pv-modal-confirm' : '.pv-modal-cancel').click()
    await this.idle()
    return text
  }

  /** Pick an entry of the action sheet or picker on screen by its text. */
  async sheet(item: string | RegExp): Promise<void> {
    const sheet = this.page.locator('.pv-sheet').last()
    await sheet.waitFor()
    await sheet.locator('.pv-sheet-item', { hasText: item }).first().click()
    await this.idle()
  }

  /** Answer the date or time picker on screen. */
  async pickValue(value: string): Promise<void> {
    const input = this.page.locator('.pv-picker-input').last()
    await input.waitFor()
    await input.fill(value)
    await this.page.locator('.pv-picker-confirm').last().click()
    await this.idle()
  }

  /** The camera or chat-file chooser on screen: hand it this file. */
  async chooseFile(file: string): Promise<void> {
    const input = this.page.locator('.pv-file-input').last()
    await input.waitFor({ state: 'attached' })
    await input.setInputFiles(file)
    await this.idle()
  }

  /** The subscription prompt on screen: allow (every template ticked) or cancel. */
  async subscription(answer: 'allow' | 'cancel' = 'allow'): Promise<void> {
    await this.page
      .locator(answer === 'allow' ? '.pv-subscribe-allow' : '.pv-subscribe-cancel')
      .last()
      .click()
    await this.idle()
  }

  /** Close whatever system notice is open (a phone call, an opened document). */
  async dismiss(): Promise<void> {
    await this.page.locator('.pv-system-notice .pv-modal-confirm').last().click()
  }

  async log(kind?: string): Promise<{ kind: string; text: string; data?: unknown }[]> {
    const all = await this.page.evaluate(() => window.__preview.log.map((e) => ({ ...e })))
    return kind ? all.filter((e) => e.kind === kind) : all
  }

  /** Documents the pages opened, each with the name the viewer shows and the path it was opened from. */
  async documents(): Promise<{ name: string; path: string; fileType: string; size: number; bytes: Buffer }[]> {
    const docs = await this.page.evaluate(() => window.__preview.documents.map((d) => ({ ...d })))
    return docs.map((d) => ({
      name: d.name,
      path: d.path,
      fileType: d.fileType,
      size: d.size,
      bytes: Buffer.from(d.base64, 'base64'),
    }))
  }

  /** Errors the page or the preview reported (an unimplemented wx API, an exception in a handler). */
  async problems(): Promise<string[]> {
    const preview = await this.page.evaluate(() => [...window.__preview.errors])
    return [...this.errors, ...preview]
  }

  /** The phone frame as a PNG, 375 px wide (the page on top as far as it shows, and the system UI over it). */
  async screenshot(file: string): Promise<void> {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    // The shell centres the frame, which can put it at half a pixel: clip to whole pixels rather than take 376.
    const box = await this.page.locator('#pv-phone').boundingBox()
    if (!box) throw new Error('the phone frame is not on the page')
    const [x, y] = [Math.round(box.x), Math.round(box.y)]
    const clip = { x, y, width: Math.round(box.x + box.width) - x, height: Math.round(box.y + box.height) - y }
    await this.page.screenshot({ path: file, animations: 'disabled', clip, fullPage: true })
  }

  async close(): Promise<void> {
    await this.context.close()
  }
}
