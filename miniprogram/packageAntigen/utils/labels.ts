// What residents read for results and rounds.
import type { AntigenResult, FollowUpOutcome, FollowUpStatus, RoundView } from '../../../typings/api'
import { formatDay, formatDeadline } from '../../utils/format'

export const RESULT_LABELS: Record<AntigenResult, string> = {
  negative: '阴性',
  positive: '异常（阳性）',
  invalid: '无效',
  untested: '未测',
}

/** The four big buttons, in the order a kit is read. */
export const RESULT_OPTIONS: { value: AntigenResult; label: string }[] = (
  ['negative', 'positive', 'invalid', 'untested'] as AntigenResult[]
).map((value) => ({ value, label: RESULT_LABELS[value] }))

/** Reasons offered for 未测; 其他 opens a text box. */
export const UNTESTED_REASONS = ['已在外检测', '不在家', '其他'] as const
export const OTHER_REASON = '其他'

/** A tag class per result: abnormal in red, invalid in orange. */
export function resultClass(result: AntigenResult | undefined): string {
  if (result === 'positive') return 'tag-red'
  if (result === 'invalid') return 'tag-orange'
  if (result === 'negative') return 'tag-green'
  return ''
}

/** 「11月20日 · 截止 18:00」 */
export function roundTitle(round: RoundView): string {
  return `${formatDay(round.date)} · 截止 ${formatDeadline(round.date, round.deadline)}`
}

export const roundStatusText = (round: RoundView) => (round.status === 'open' ? '进行中' : '已结束')

/** How a follow-up of an abnormal household ended, in the order a lead picks them. */
export const FOLLOW_UP_OUTCOME_LABELS: Record<FollowUpOutcome, string> = {
  retestNegative: '复核阴性',
  homeIsolation: '居家隔离',
  transferred: '已转运',
  hospital: '送医就诊',
  other: '其他',
}
export const FOLLOW_UP_OUTCOMES = Object.keys(FOLLOW_UP_OUTCOME_LABELS) as FollowUpOutcome[]

export const FOLLOW_UP_STATUS_LABELS: Record<FollowUpStatus, string> = {
  open: '未处理',
  acknowledged: '跟进中',
  closed: '已结案',
}
