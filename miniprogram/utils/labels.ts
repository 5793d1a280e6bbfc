import type { ConsentKind, JoinStatus } from '../../typings/api'

// Labels the cloud functions write too (role places, ledger flags, cap messages) live in the shared module.
export { FLAG_LABELS, ROLE_LABELS, VOLUNTEER_LABELS, VOLUNTEER_TYPES } from '../shared/constants'

export const CONSENT_LABELS: Record<ConsentKind, string> = {
  personal: '个人信息授权',
  health: '健康信息授权',
}

export const JOIN_STATUS_LABELS: Record<JoinStatus, string> = {
  pending: '等待楼组长审核',
  approved: '已通过',
  rejected: '未通过',
}
