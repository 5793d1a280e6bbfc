// WeChat's privacy authorisation flow (base library ≥ 2.32.3). Before the camera, the album, the clipboard or a
// chat file is used, WeChat checks that the user agreed to the mini-program's 用户隐私保护指引 (docs/privacy.md);
// when they have not, it calls the listener registered here and holds the call until we resolve it. The page on
// top shows <privacy-popup>, whose 同意 button is WeChat's own `open-type="agreePrivacyAuthorization"`.
type Resolve = (result: { event: 'agree' | 'disagree'; buttonId?: string }) => void
type Listener = (shown: boolean) => void

// Kept on the app, not in this module: one flow per launch, whichever page or component asks.
function flow(): { waiting: Resolve[]; popups: Listener[] } {
  const globalData = getApp<IAppOption>().globalData
  globalData.privacy ??= { waiting: [], popups: [] }
  return globalData.privacy
}

/** The id of the popup's 同意 button, which WeChat checks against the tap. */
export const AGREE_BUTTON_ID = 'agree-privacy'

function settle(event: 'agree' | 'disagree'): void {
  const { waiting, popups } = flow()
  for (const resolve of waiting.splice(0)) resolve(event === 'agree' ? { event, buttonId: AGREE_BUTTON_ID } : { event })
  for (const show of popups) show(false)
}

/** Called once at launch. Without a popup on screen the pending call is refused rather than left hanging. */
export function installPrivacyHandler(): void {
  if (typeof wx.onNeedPrivacyAuthorization !== 'function') return
  // The typings call the listener's argument a result; WeChat passes the resolve function (see its docs).
  wx.onNeedPrivacyAuthorization((resolve) => {
    const { waiting, popups } = flow()
    waiting.push(resolve as unknown as Resolve)
    const top = popups[popups.length - 1]
    if (top) top(true)
    else settle('disagree')
  })
}

/** A popup on a page registers here while it is attached; the newest is the page on top. */
export function watchPrivacy(listener: Listener): () => void {
  const { waiting, popups } = flow()
  popups.push(listener)
  if (waiting.length) listener(true)
  return () => {
    const i = popups.indexOf(listener)
    if (i >= 0) popups.splice(i, 1)
  }
}

export const agreePrivacy = () => settle('agree')
export const disagreePrivacy = () => settle('disagree')

/**
 * Ask for the privacy authorisation before a privacy API (camera, album, clipboard, files): true when the user
 * agreed now or before, false when they declined. Older base libraries have no flow and need none.
 */
export function ensurePrivacy(): Promise<boolean> {
  if (typeof wx.requirePrivacyAuthorize !== 'function') return Promise.resolve(true)
  return new Promise((resolve) => {
    wx.requirePrivacyAuthorize({ success: () => resolve(true), fail: () => resolve(false) })
  })
}

/** What a page says when the user declined: the feature needs the agreement, nothing else happens. */
export const PRIVACY_DECLINED = '需要先同意《隐私保护指引》才能使用这个功能。您可以随时再点一次，重新选择同意。'
