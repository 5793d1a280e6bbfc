// 有问题: a bag wrong, short, damaged or nobody home, told in three short steps (what, a few words, a photo if
// wanted) and sent to the queue the leads and the merchant work (reportProblem).
import type { ProblemKind, ProblemView } from '../../../typings/api'
import { call, CloudError, showError } from '../../services/cloud'
import { currentMe } from '../../services/session'
import { confirm, prompt } from '../../utils/dialog'
import { PROBLEM_KINDS, PROBLEM_LABELS } from './labels'
import { choosePhoto, PhotoError, photoFolder, uploadPhoto } from './photos'
import { newRequestId } from './request'

export interface ProblemTarget {
  deliveryId: string
  stopId: string
  communityId: string
  /** 「12-201」, in the dialogs. */
  label: string
}

function pickKind(label: string): Promise<ProblemKind | null> {
  return new Promise((resolve) => {
    wx.showActionSheet({
      alertText: `${label} 的物资有什么问题？`,
      itemList: PROBLEM_KINDS.map((k) => PROBLEM_LABELS[k]),
      success: (res) => resolve(PROBLEM_KINDS[res.tapIndex] ?? null),
      fail: () => resolve(null),
    })
  })
}

/** Ask what is wrong and report it; the problem, or null when cancelled or refused (the reason is shown). */
export async function reportProblem(target: ProblemTarget): Promise<ProblemView | null> {
  const kind = await pickKind(target.label)
  if (!kind) return null
  const note = await prompt(PROBLEM_LABELS[kind], '写一句，如「少了一袋米」「敲门没人应」')
  if (note === null) return null
  try {
    let photo: string | undefined
    if (await confirm('拍照片', '要拍一张照片说明问题吗？', '拍照', '不用')) {
      const path = await choosePhoto()
      if (path) {
        const me = await currentMe()
        photo = await uploadPhoto(photoFolder(target.communityId, me.openid), path, 'problem')
      }
    }
    return await call(
      'delivery',
      'reportProblem',
      {
        deliveryId: target.deliveryId,
        stopId: target.stopId,
        kind,
        note: note.slice(0, 200),
        requestId: newRequestId(),
        ...(photo ? { photo } : {}),
      },
      { retries: 2 },
    )
  } catch (err) {
    if (err instanceof PhotoError) showError(new CloudError('INVALID_INPUT', err.message))
    // a refusal of the call is shown in a dialog
    return null
  }
}
