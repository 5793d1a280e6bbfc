// What leads, volunteers and the committee read for care: how a check was made, its result, a person's state.
import type {
  CareCheckView,
  CareHow,
  CarePersonView,
  CareResult,
  CareState,
  NeedStatus,
  NeedType,
} from '../../../typings/api'
import { FLAG_LABELS } from '../../shared/constants'
import { formatDateTime } from '../../utils/format'

export const HOW_LABELS: Record<CareHow, string> = { phone: '电话', visit: '上门', wechat: '微信' }
export const RESULT_LABELS: Record<CareResult, string> = { safe: '平安', needs: '有需要', unreachable: '联系不上' }
export const STATE_LABELS: Record<CareState, string> = { done: '今日已联系', pending: '未联系', overdue: '逾期' }
export const STATE_CLASS: Record<CareState, string> = { done: 'tag-green', pending: 'tag-orange', overdue: 'tag-red' }
export const RESULT_CLASS: Record<CareResult, string> = {
  safe: 'tag-green',
  needs: 'tag-orange',
  unreachable: 'tag-red',
}

const NEED_LABELS: Record<NeedType, string> = {
  medicine: '买药',
  medical: '就医',
  groceries: '买菜',
  gas: '燃气充值',
  outing: '外出',
  psych: '心理疏导',
  other: '其他',
}
const NEED_STATUS: Partial<Record<NeedStatus, string>> = { new: '待接单', taken: '已接单', escalated: '已上报' }

export const HOWS = Object.keys(HOW_LABELS) as CareHow[]
export const RESULTS = Object.keys(RESULT_LABELS) as CareResult[]

/** 「11月24日 10:00 电话 平安 · 张*明」 */
export const checkLine = (c: CareCheckView) =>
  `${formatDateTime(c.at)} ${HOW_LABELS[c.how]} ${RESULT_LABELS[c.result]} · ${c.byName}`

/** A person as a row of the list: small, only what the row shows. */
export function personRow(p: CarePersonView) {
  return {
    key: `${p.householdId}:${p.memberId}`,
    householdId: p.householdId,
    memberId: p.memberId,
    label: p.label,
    name: p.name,
    flags: p.flags.map((f) => FLAG_LABELS[f]).join(' · '),
    state: STATE_LABELS[p.state],
    stateClass: STATE_CLASS[p.state],
    overdue: p.state === 'overdue',
    last: p.last ? checkLine(p.last) : '还没有联系记录',
    lastNote: p.last?.note ?? '',
    streak: p.unreachableStreak >= 2 ? `已连续 ${p.unreachableStreak} 次联系不上` : '',
    needs: p.openNeeds.map((n) => `${NEED_LABELS[n.type]}（${NEED_STATUS[n.status] ?? ''}）`).join('、'),
    revealable: p.revealable,
  }
}

export type PersonRow = ReturnType<typeof personRow>
