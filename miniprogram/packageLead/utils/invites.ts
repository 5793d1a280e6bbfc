// Invites as the lead hands them out: the build a 小程序码 must open, and the share card for the building's group.
import type { EnvVersion } from '../../../typings/api'
import { envVersion } from '../../services/session'
import { SHARE_IMAGE } from '../../utils/share'

export type Build = EnvVersion

/** The build this phone runs (正式版 / 体验版 / 开发版): a code made for another would open a version they lack. */
export function buildVersion(): Build {
  return envVersion() ?? 'release'
}

export interface ShareInvite {
  code: string
  buildingName: string
  room?: string
  /** The code's image (a temporary URL), shown on the card instead of a picture of the roster. */
  qr?: string
}

/**
 * The card for a WeChat group: who it is for and what to do, opening the join page with the code filled in. Its
 * picture is the invite's code, never the page (a screenshot of the roster would show residents' names).
 */
export function inviteCard(
  invite: ShareInvite | undefined,
  buildingName = '',
): WechatMiniprogram.Page.ICustomShareContent {
  if (!invite)
    return {
      title: `${buildingName ? `${buildingName}住户` : '邻里接力'}：点开小程序，加入我家`,
      path: '/pages/index/index',
      imageUrl: SHARE_IMAGE,
    }
  const who = invite.room ? `${invite.buildingName} ${invite.room} 室` : `${invite.buildingName}住户`
  return {
    title: `${who}：点开加入「邻里接力」，填房号和姓名即可`,
    path: `/pages/join/index?code=${invite.code}`,
    imageUrl: invite.qr || SHARE_IMAGE,
  }
}
