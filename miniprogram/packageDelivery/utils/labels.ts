// What volunteers, leads and households read for a delivery's stages, buildings, bags and problems.
import type { BuildingStage, DeliveryStage, ProblemKind, StopStatus } from '../../../typings/api'
import { formatDateTime, formatTime } from '../../utils/format'

export const STAGE_LABELS: Record<DeliveryStage, string> = {
  awaiting: '待到货',
  resting: '消毒静置',
  relaying: '配送中',
  done: '已完成',
}

export const STAGE_CLASS: Record<DeliveryStage, string> = {
  awaiting: 'tag-orange',
  resting: 'tag-orange',
  relaying: 'tag-green',
  done: '',
}

export const BUILDING_STAGE_LABELS: Record<BuildingStage, string> = {
  gate: '在大门',
  onTrip: '运输中',
  atEntrance: '已到楼门口',
  done: '已送完',
}

export const BUILDING_STAGE_CLASS: Record<BuildingStage, string> = {
  gate: 'tag-orange',
  onTrip: 'tag-orange',
  atEntrance: 'tag-green',
  done: '',
}

export const STOP_STATUS_LABELS: Record<StopStatus, string> = {
  pending: '待送',
  delivered: '已送到门口',
  received: '已签收',
  problem: '有问题',
}

export const PROBLEM_KINDS: ProblemKind[] = ['wrong', 'missing', 'damaged', 'nobodyHome', 'other']

export const PROBLEM_LABELS: Record<ProblemKind, string> = {
  wrong: '发错',
  missing: '缺少',
  damaged: '破损',
  nobodyHome: '无人在家',
  other: '其他',
}

/** 「已送 812/1506 户」 */
export const progressText = (delivered: number, households: number) => `已送 ${delivered}/${households} 户`

/** A time of today as 「14:32」, of another day with its date. */
export function whenText(iso: string | undefined, todayIso?: string): string {
  if (!iso) return ''
  const day = (s: string) => formatDateTime(s).split(' ')[0]
  return todayIso && day(iso) === day(todayIso) ? formatTime(iso) : formatDateTime(iso)
}
