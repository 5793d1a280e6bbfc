// A need as the needs' pages show it: labels, times, who has it, and what the caller may do with it.
import type { NeedView } from '../../../typings/api'
import { formatDateTime } from '../../utils/format'
import { NEED_LEVEL_LABELS, NEED_STATUS_LABELS, NEED_TYPE_LABELS, NEED_URGENCY_LABELS } from '../../shared/needs'

const STEP_LABELS: Record<NeedView['history'][number]['kind'], string> = {
  raised: '登记',
  taken: '接单',
  takenOver: '上级接手',
  escalated: '超时上报',
  overdue: '办理超时',
  done: '办结',
  cancelled: '取消',
}

const STATUS_TAGS: Record<NeedView['status'], string> = {
  new: 'tag-orange',
  escalated: 'tag-red',
  taken: 'tag-green',
  done: '',
  cancelled: '',
}

export function needRow(n: NeedView) {
  const who = n.takenBy ? `${NEED_LEVEL_LABELS[n.level]} ${n.takenBy}` : NEED_LEVEL_LABELS[n.level]
  return {
    id: n.id,
    title: `${NEED_TYPE_LABELS[n.type]}`,
    urgency: NEED_URGENCY_LABELS[n.urgency],
    urgent: n.urgency === 'urgent',
    status: NEED_STATUS_LABELS[n.status],
    statusTag: STATUS_TAGS[n.status],
    label: n.label,
    member: n.member ?? '全户',
    detail: n.detail,
    medicine: n.medicine ? n.medicine.names.join('、') : '',
    photoUrl: n.medicine?.photoUrl ?? '',
    outing: n.outing ? `${n.outing.reason}，${formatDateTime(n.outing.at)}` : '',
    created: formatDateTime(n.createdAt),
    /** 「由 楼组长 王*明 接单」 / 「等待 云上志愿者 接单」 */
    who:
      n.status === 'taken' || n.status === 'done'
        ? `由 ${who} 办理`
        : n.status === 'cancelled'
          ? ''
          : `等待 ${who} 接单`,
    due:
      n.status === 'taken'
        ? `请在 ${formatDateTime(n.dueAt)} 前办结`
        : n.status === 'new' || n.status === 'escalated'
          ? `${formatDateTime(n.dueAt)} 前无人接单将上报`
          : '',
    overdue: n.overdue,
    canTake: n.canTake,
    takeText: n.status === 'taken' ? '由我接手' : '接单',
    canCancel: n.canCancel,
    canCall: n.canCall,
    mine: n.mine,
    history: n.history.map((h) => ({
      at: formatDateTime(h.at),
      text: `${STEP_LABELS[h.kind]}${h.level ? ` · ${NEED_LEVEL_LABELS[h.level]}` : ''}${h.by ? ` ${h.by}` : ''}${h.note ? `：${h.note}` : ''}`,
    })),
  }
}

export type NeedRow = ReturnType<typeof needRow>
