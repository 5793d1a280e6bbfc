// What the needs' pages show and the needs function pushes: one copy of each label (plain data, no wx APIs).
import type { NeedLevel, NeedStatus, NeedType, NeedUrgency } from '../../typings/api'

export const NEED_TYPES: readonly NeedType[] = ['medicine', 'medical', 'groceries', 'gas', 'outing', 'psych', 'other']
export const NEED_URGENCIES: readonly NeedUrgency[] = ['urgent', 'soon', 'normal']
export const NEED_STATUSES: readonly NeedStatus[] = ['new', 'taken', 'done', 'escalated', 'cancelled']
/** From the building's 云上 volunteer up to the committee. */
export const NEED_LEVELS: readonly NeedLevel[] = ['online', 'building', 'group', 'community', 'committee']

export const NEED_TYPE_LABELS: Readonly<Record<NeedType, string>> = {
  medicine: '买药',
  medical: '就医',
  groceries: '买菜',
  gas: '燃气充值',
  outing: '外出',
  psych: '心理疏导',
  other: '其他',
}

export const NEED_URGENCY_LABELS: Readonly<Record<NeedUrgency, string>> = {
  urgent: '紧急',
  soon: '较急',
  normal: '一般',
}

export const NEED_STATUS_LABELS: Readonly<Record<NeedStatus, string>> = {
  new: '待接单',
  taken: '已接单',
  done: '已办结',
  escalated: '已上报',
  cancelled: '已取消',
}

/** Who must answer at each level. */
export const NEED_LEVEL_LABELS: Readonly<Record<NeedLevel, string>> = {
  online: '云上志愿者',
  building: '楼组长',
  group: '营长',
  community: '团长',
  committee: '居委',
}

/** Drug names per medicine need, and characters per name. */
export const MAX_MEDICINES = 10
export const MAX_MEDICINE_CHARS = 30
export const MAX_NEED_DETAIL = 200
