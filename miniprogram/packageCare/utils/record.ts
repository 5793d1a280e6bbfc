// Recording a check from a page: the form's state (how, result, note) and the call, with one requestId per attempt
// kept across its retries, so a tap again after a lost answer counts once.
import type { CareHow, CareRecordResult, CareResult } from '../../../typings/api'
import { call } from '../../services/cloud'
import { dial } from '../../utils/dial'

export interface CheckForm {
  /** The person the form is open for: `${householdId}:${memberId}`; '' when closed. */
  key: string
  how: CareHow | ''
  result: CareResult | ''
  note: string
  requestId: string
}

export const closedForm = (): CheckForm => ({ key: '', how: '', result: '', note: '', requestId: '' })

const newRequestId = () => `care${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`

export const openForm = (key: string): CheckForm => ({ ...closedForm(), key, requestId: newRequestId() })

/** What the form still needs, in words for the person filling it; '' when it can be saved. */
export function formProblem(f: CheckForm): string {
  if (!f.how) return '请选择怎么联系的：电话、上门或微信'
  if (!f.result) return '请选择联系结果：平安、有需要或联系不上'
  return ''
}

export function saveCheck(f: CheckForm): Promise<CareRecordResult> {
  const [householdId = '', memberId = ''] = f.key.split(':')
  const note = f.note.trim()
  return call('care', 'recordCheck', {
    householdId,
    memberId,
    how: f.how as CareHow,
    result: f.result as CareResult,
    requestId: f.requestId,
    ...(note ? { note: note.slice(0, 200) } : {}),
  })
}

/** 拨打: the number is revealed through the community's logged revealPhone (关怀老人), then dialled. */
export const ring = (householdId: string, memberId: string) =>
  dial({ householdId, memberId, phone: '*', revealable: true }, 'care')
