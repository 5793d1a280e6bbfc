// 拨打: ring a number the API returned. A full number (the committee's, a household's own) is dialled at once; a
// masked one (138****5678) is first revealed with revealPhone, which logs who rang whom, when and why and counts
// against the caller's daily cap, then dialled. The revealed number is handed to WeChat's dialler only: the page
// never shows or keeps it.
import type { RevealReason } from '../../typings/api'
import { call, CloudError, showError } from '../services/cloud'
import { REVEAL_REASON_LABELS } from '../shared/constants'
import { prompt } from './dialog'

export interface Dialable {
  householdId: string
  memberId: string
  /** As the API returned it: full, or masked. */
  phone: string
  /** The API says the caller may reveal the masked number (revealPhone). */
  revealable: boolean
}

// 需求回访 is the needs' own call (callNeed, for the one who has the need), not a reason to pick here.
const REASONS = (Object.keys(REVEAL_REASON_LABELS) as RevealReason[]).filter((r) => r !== 'need')

export const isMasked = (phone: string) => phone.includes('*')

/** A number the 拨打 button can ring: a full one, or a masked one the caller may reveal. */
export const canDial = (d: Pick<Dialable, 'phone' | 'revealable'>) =>
  Boolean(d.phone) && (!isMasked(d.phone) || d.revealable)

/** Why the caller rings (the fixed reasons, large, in an action sheet; 其他 asks for a few words); null when cancelled. */
export function askReason(): Promise<{ reason: RevealReason; note?: string } | null> {
  return new Promise((resolve) => {
    wx.showActionSheet({
      alertText: '为什么拨打这个电话？会记录下来，居委可以查看',
      itemList: REASONS.map((r) => REVEAL_REASON_LABELS[r]),
      success: (res) => {
        const reason = REASONS[res.tapIndex]
        if (!reason) return resolve(null)
        if (reason !== 'other') return resolve({ reason })
        void prompt('拨打原因', '请写一句为什么要打这个电话').then((note) => {
          if (note === null) return resolve(null)
          if (!note) {
            showError(new CloudError('INVALID_INPUT', '选「其他」时请写一句拨打的原因'))
            return resolve(null)
          }
          resolve({ reason, note: note.slice(0, 60) })
        })
      },
      fail: () => resolve(null),
    })
  })
}

function ring(phoneNumber: string): void {
  wx.makePhoneCall({ phoneNumber, fail: () => undefined })
}

/**
 * Ring `target`: at once when its number is full; otherwise reveal it (with `reason`, or the one the caller picks)
 * and ring the revealed number. Resolves true when the dialler was opened; a refusal (another's scope, the daily
 * cap) is shown in a dialog by the call.
 */
export async function dial(target: Dialable, reason?: RevealReason): Promise<boolean> {
  if (!target.phone) return false
  if (!isMasked(target.phone)) {
    ring(target.phone)
    return true
  }
  if (!target.revealable) return false
  const why = reason ? { reason } : await askReason()
  if (!why) return false
  try {
    const revealed = await call('community', 'revealPhone', {
      householdId: target.householdId,
      memberId: target.memberId,
      ...why,
    })
    ring(revealed.phone)
    return true
  } catch {
    // shown in a dialog (REVEAL_LIMIT, FORBIDDEN …)
    return false
  }
}
