// Who the user is (whoami, cached in globalData for this launch) and what the pages may offer them.
import type { ConsentView, EnvVersion, Role, RoleView, WhoAmI } from '../../typings/api'
import { call } from './cloud'

/** Ask the cloud again and cache the answer; throws CloudError without showing it (callers render errors). */
export async function refreshMe(): Promise<WhoAmI> {
  const me = await call('community', 'whoami', {}, { silent: true })
  getApp<IAppOption>().globalData.me = me
  return me
}

/** The cached whoami, or a fresh one when this launch has none yet (a page opened from a link or a message). */
export function currentMe(): Promise<WhoAmI> {
  const cached = getApp<IAppOption>().globalData.me
  return cached ? Promise.resolve(cached) : refreshMe()
}

/** Keep the cached whoami in step after the user gives a consent, without asking the cloud again. */
export function rememberConsent(consent: ConsentView): void {
  const app = getApp<IAppOption>()
  const me = app.globalData.me
  if (me) app.globalData.me = { ...me, consents: [...me.consents.filter((c) => c.kind !== consent.kind), consent] }
}

/**
 * Whether one of the user's roles covers a place, as the cloud function decides it: every level the grant names
 * must equal the target's. Only used to decide what to show; the function checks again.
 */
export function holds(
  me: WhoAmI,
  roles: Role[],
  target: { communityId: string; groupId?: string; buildingId?: string },
): boolean {
  return me.roles.some(
    (r: RoleView) =>
      roles.includes(r.role) &&
      r.scope.communityId === target.communityId &&
      (r.scope.groupId === undefined || r.scope.groupId === target.groupId) &&
      (r.scope.buildingId === undefined || r.scope.buildingId === target.buildingId) &&
      r.scope.floor === undefined &&
      r.scope.householdId === undefined,
  )
}

/** The build the person uses (开发版 / 体验版 / 正式版), as the base library says; undefined when it cannot. */
export function envVersion(): EnvVersion | undefined {
  try {
    const v = wx.getAccountInfoSync().miniProgram.envVersion
    return v === 'develop' || v === 'trial' || v === 'release' ? v : undefined
  } catch {
    return undefined
  }
}

/**
 * Ask to send subscription messages. WeChat only shows the dialog when this runs inside a tap handler, so call it
 * synchronously there, before any await. Resolves with the templates the user accepted, whatever the user or
 * WeChat answers: a refusal never blocks. What was accepted is reported to the credits ledger (one credit per
 * template: WeChat allows one message per acceptance and keeps no counter the functions can read), with the build
 * this is, so that the messages open the same build (a trial build's tester gets the trial version).
 */
export function askSubscribe(tmplIds: string[]): Promise<string[]> {
  return new Promise<string[]>((resolve) => {
    try {
      wx.requestSubscribeMessage({
        tmplIds,
        success: (res) => resolve(tmplIds.filter((id) => (res as Record<string, unknown>)[id] === 'accept')),
        fail: () => resolve([]),
      })
    } catch {
      resolve([])
    }
  }).then((accepted) => {
    const build = envVersion()
    if (accepted.length)
      call(
        'community',
        'recordSubscription',
        { templateIds: tmplIds, accepted, ...(build ? { envVersion: build } : {}) },
        { silent: true },
      ).catch(() => {
        // Not recorded: the person still gets the message; only the ledger's count (the call list) is short.
      })
    return accepted
  })
}
