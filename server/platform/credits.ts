// The one ledger of one-time subscription credits, per person and template. WeChat keeps no counter a function can
// read: each accepted wx.requestSubscribeMessage allows exactly one send. Pages report what the user accepted
// (recordSubscription), the push queue spends one credit per message sent and clears the count when WeChat answers
// 43101 (no credit). Who has none left is read from here (a reminder's call list), never from send results.
import type { EnvVersion } from '../../typings/api'
import { nowDate } from '../kernel'
import { data } from './cloud'

export interface CreditDoc {
  /** `${templateId}:${openid}` */
  _id: string
  openid: string
  templateId: string
  credits: number
  /**
   * The build the person last subscribed from (develop / trial / release): the push queue sends to it
   * (miniprogramState). Absent for a subscription recorded before it was kept, or from a client that did not say.
   */
  envVersion?: EnvVersion
  updatedAt: Date
}

/** WeChat lets one-time authorisations pile up; a client reporting more than this is not believed. */
export const MAX_CREDITS = 50

export const creditId = (openid: string, templateId: string) => `${templateId}:${openid}`

/**
 * One more credit for each accepted template, and the build it was accepted from (later sends open it); returns
 * the counts after.
 */
export async function addCredits(
  openid: string,
  templateIds: readonly string[],
  envVersion?: EnvVersion,
): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  const build = envVersion ? { envVersion } : {}
  for (const templateId of new Set(templateIds)) {
    const _id = creditId(openid, templateId)
    const patch = { credits: data._.inc(1), ...build, updatedAt: nowDate() }
    let n = await data.updateWhere('subscriptionCredits', { _id, credits: data._.lt(MAX_CREDITS) }, patch)
    if (n === 0) {
      const doc = await data.get<CreditDoc>('subscriptionCredits', _id)
      if (!doc) {
        try {
          await data.insert<CreditDoc>('subscriptionCredits', {
            _id,
            openid,
            templateId,
            credits: 1,
            ...build,
            updatedAt: nowDate(),
          })
          n = 1
        } catch {
          // Two first reports at once: the other one created it.
          n = await data.updateWhere('subscriptionCredits', { _id, credits: data._.lt(MAX_CREDITS) }, patch)
        }
      } else if (envVersion && doc.envVersion !== envVersion) {
        // At the cap no credit is added, but the build they use now is still the one to send to.
        await data.update('subscriptionCredits', _id, { envVersion, updatedAt: nowDate() })
      }
    }
    out[templateId] = (await data.get<CreditDoc>('subscriptionCredits', _id))?.credits ?? 0
  }
  return out
}

/** A message was sent: one credit fewer, never below zero (a credit the page did not report is not owed). */
export async function spendCredit(openid: string, templateId: string): Promise<void> {
  await data.updateWhere(
    'subscriptionCredits',
    { _id: creditId(openid, templateId), credits: data._.gt(0) },
    { credits: data._.inc(-1), updatedAt: nowDate() },
  )
}

/** WeChat answered 43101: whatever the ledger believed, the person has none. */
export async function clearCredits(openid: string, templateId: string): Promise<void> {
  await data.updateWhere(
    'subscriptionCredits',
    { _id: creditId(openid, templateId), credits: data._.gt(0) },
    { credits: 0, updatedAt: nowDate() },
  )
}

/** The openids of `openids` holding a credit for the template. */
export async function withCredit(openids: readonly string[], templateId: string): Promise<Set<string>> {
  const unique = [...new Set(openids)]
  const out = new Set<string>()
  for (let i = 0; i < unique.length; i += 500) {
    const ids = unique.slice(i, i + 500).map((o) => creditId(o, templateId))
    const docs = await data.findAll<CreditDoc>('subscriptionCredits', { _id: data._.in(ids), credits: data._.gt(0) })
    for (const d of docs) out.add(d.openid)
  }
  return out
}
