// An invite's 小程序码: the code a newcomer scans to open the join page with the invite already filled in. Its scene is
// the invite code itself (6–12 of 0-9 A-Z: within WeChat's 32 characters and its character set, and what the join
// page types in anyway); the page is the join page, without a query. One PNG per invite and build (正式版 / 体验版 /
// 开发版: a code opens one of them), made on a lead's first ask and reused after. It goes with the invite: when the
// invite is revoked (in the same call), when it expires (the community timer's next run), and with the invites of a
// closed community; files storage did not delete wait in `fileDeletions`.
import type { InviteDoc } from './model'
import { AppError, nowMs } from '../kernel'
import { cloud, data } from '../platform/cloud'
import { deleteFiles, type FileRef } from '../platform/deletions'
import { tempUrl } from '../platform/exports'
import { unlimitedCode, type EnvVersion } from '../platform/wxacode'

/** The page a code opens: the join page (pages/join/index reads `query.scene`). */
export const QR_PAGE = 'pages/join/index'
/** Pixels: sharp on the roster and large enough for a printed poster. */
export const QR_WIDTH = 600
/** Invites whose codes the timer deletes per run. */
export const QR_BATCH = 200

/** The scene of an invite's code: the code itself. */
export const inviteScene = (code: string) => code

export const qrCloudPath = (invite: Pick<InviteDoc, '_id' | 'communityId'>, env: EnvVersion) =>
  `invite-codes/${invite.communityId}/${invite._id}-${env}.png`

export interface QrFile {
  fileID: string
  url: string
}

/** The invite's code for that build: the stored one while storage still has it, else made and stored now. */
export async function inviteQrFile(invite: InviteDoc, env: EnvVersion): Promise<QrFile> {
  const stored = invite.qrFiles?.[env]
  if (stored) {
    const url = await tempUrl(stored)
    if (url) return { fileID: stored, url }
  }
  const png = await unlimitedCode({ scene: inviteScene(invite._id), page: QR_PAGE, envVersion: env, width: QR_WIDTH })
  const { fileID } = (await cloud.uploadFile({ cloudPath: qrCloudPath(invite, env), fileContent: png })) as {
    fileID: string
  }
  await data.update('invites', invite._id, { [`qrFiles.${env}`]: fileID })
  const url = await tempUrl(fileID)
  if (!url) throw new AppError('QR_UNAVAILABLE')
  return { fileID, url }
}

/** The PNG of a stored code, for the page to draw the poster with. */
export async function qrBytes(fileID: string): Promise<Buffer> {
  const { fileContent } = (await cloud.downloadFile({ fileID })) as { fileContent: Buffer }
  return Buffer.from(fileContent)
}

const refsOf = (invites: readonly Pick<InviteDoc, 'communityId' | 'qrFiles'>[]): FileRef[] =>
  invites.flatMap((i) =>
    Object.values(i.qrFiles ?? {})
      .filter((fileID): fileID is string => Boolean(fileID))
      .map((fileID) => ({ fileID, communityId: i.communityId, kind: 'inviteCode' as const })),
  )

/**
 * Delete these invites' codes: the files first (storage's status checked, failures queued for the timers), then the
 * references. Returns the files handled.
 */
export async function dropInviteCodes(invites: readonly Pick<InviteDoc, '_id' | 'communityId' | 'qrFiles'>[]) {
  const files = refsOf(invites)
  if (files.length) await deleteFiles(files)
  const ids = invites.filter((i) => i.qrFiles).map((i) => i._id)
  if (ids.length) await data.updateWhere('invites', { _id: data._.in(ids) }, { qrFiles: data._.remove() })
  return files.length
}

/** The codes of invites expired by now, the longest expired first: the community timer's step. */
export async function deleteExpiredInviteCodes(now = nowMs(), limit = QR_BATCH): Promise<number> {
  const due = await data.find<Pick<InviteDoc, '_id' | 'communityId' | 'qrFiles'>>(
    'invites',
    { expiresAt: data._.lte(new Date(now)), qrFiles: data._.exists(true) },
    { limit, orderBy: [['expiresAt', 'asc']], fields: { communityId: true, qrFiles: true } },
  )
  return dropInviteCodes(due)
}

/** Every code of a closed community's invites, before the invites go (a batch per call; 0 when none is left). */
export async function deleteCommunityInviteCodes(communityId: string, limit = QR_BATCH): Promise<number> {
  const left = await data.find<Pick<InviteDoc, '_id' | 'communityId' | 'qrFiles'>>(
    'invites',
    { communityId, qrFiles: data._.exists(true) },
    { limit, fields: { communityId: true, qrFiles: true } },
  )
  await dropInviteCodes(left)
  return left.length
}
