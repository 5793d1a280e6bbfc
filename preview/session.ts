// The preview of the real pages served against a running localcloud and driven in Chromium: the preview server,
// the browser and a phone per person. Shared by the end-to-end tests (test/support/e2e.ts) and by
// `npm run screenshots` (scripts/screenshots.ts); the localcloud and its data are the caller's.
import type { Browser } from 'playwright-core'
import { PREVIEW_OUT } from './build'
import { launchChromium, Phone, type PhoneOptions } from './driver'
import { demoIdentities } from './identities'
import { startPreview, type PreviewServer } from './server'

export interface PreviewSession {
  preview: PreviewServer
  browser: Browser
  /** A phone for this person, showing the preview (a fresh launch of the mini-program). */
  phone(openid: string, options?: PhoneOptions): Promise<Phone>
  /** Close every phone, the browser and the preview server (not the localcloud). */
  stop(): Promise<void>
}

/** Serve the built preview (preview/build.ts) against the localcloud at `cloudUrl` and launch Chromium. */
export async function startPreviewSession(cloudUrl: string, dir = PREVIEW_OUT): Promise<PreviewSession> {
  const preview = await startPreview({ cloudUrl, dir, identities: demoIdentities })
  let browser: Browser
  try {
    browser = await launchChromium()
  } catch (err) {
    await preview.stop()
    throw err
  }
  const phones: Phone[] = []
  return {
    preview,
    browser,
    async phone(openid, options) {
      const p = await Phone.open(browser, preview.url, openid, options)
      phones.push(p)
      return p
    },
    async stop() {
      for (const p of phones) await p.close().catch(() => undefined)
      await browser.close()
      await preview.stop()
    },
  }
}
