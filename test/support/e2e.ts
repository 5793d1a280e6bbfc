// An end-to-end run: an in-memory localcloud with the product's functions, collections and security rules, the
// demo communities loaded, the preview of the real pages served against it, and Chromium. Tests act through the
// pages as demo people and check the data in localcloud afterwards (t.data, t.call).
import path from 'node:path'
import { loadRulesDir } from '../../localcloud'
import type { Phone, PhoneOptions } from '../../preview/driver'
import type { PreviewServer } from '../../preview/server'
import { startPreviewSession } from '../../preview/session'
import { demoDataset } from '../../scripts/demo/generate'
import { loadDataset } from '../../scripts/demo/load'
import { COLLECTIONS } from '../../server/collections'
import type { InviteDoc } from '../../server/community/model'
import { ROOT, startTestCloud, type TestCloud, type TestCloudOptions } from './localcloud'
import type { Browser } from 'playwright-core'

export const FIXTURES = path.join(ROOT, 'test', 'e2e', 'fixtures')
export const KIT_NEGATIVE = path.join(FIXTURES, 'kit-negative.jpg')
export const KIT_POSITIVE = path.join(FIXTURES, 'kit-positive.jpg')

export interface E2E {
  t: TestCloud
  preview: PreviewServer
  browser: Browser
  /** A phone for this person, showing the preview (a fresh launch of the mini-program). */
  phone(openid: string, options?: PhoneOptions): Promise<Phone>
  stop(): Promise<void>
}

export interface E2EOptions extends TestCloudOptions {
  /** Load the demo communities (default true), dated from the platform clock. */
  demo?: boolean
}

export async function startE2E(options: E2EOptions = {}): Promise<E2E> {
  const { demo = true, ...cloudOptions } = options
  const t = await startTestCloud({
    collections: [...COLLECTIONS],
    rules: loadRulesDir(path.join(ROOT, 'rules')),
    ...cloudOptions,
  })
  // Collections and the kit photos, so chain pages show real images.
  if (demo) await loadDataset(t.cloud.url, demoDataset({ now: t.now(), storageEnv: t.cloud.env }))
  // The preview server, Chromium and the phones, as `npm run screenshots` has them (preview/session.ts).
  const session = await startPreviewSession(t.cloud.url)
  return {
    t,
    preview: session.preview,
    browser: session.browser,
    phone: (openid, phoneOptions) => session.phone(openid, phoneOptions),
    async stop() {
      await session.stop()
      await t.stop()
    },
  }
}

/** A usable building-wide invite of the building (the demo's, if it has uses and time left), or one its lead makes. */
export async function buildingInvite(e: E2E, buildingId: string, lead: string): Promise<InviteDoc> {
  const invites = await e.t.data.findAll<InviteDoc>('invites', { buildingId, revoked: false })
  const invite = invites.find((i) => !i.room && i.uses < i.maxUses && +new Date(i.expiresAt) > e.t.now())
  if (invite) return invite
  const made = await e.t.call<{ ok: boolean; data: { code: string } }>(
    'community',
    { action: 'createInvite', payload: { buildingId } },
    lead,
  )
  return (await e.t.data.get<InviteDoc>('invites', made.data.code)) as InviteDoc
}
