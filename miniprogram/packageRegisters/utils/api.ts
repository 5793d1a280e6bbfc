// The registers pages' calls: one wrapper per action over services/cloud.ts, typed by the contract.
import type { ActionInput, ActionName, ActionOutput } from '../../../typings/api'
import { call, type CallOptions } from '../../services/cloud'

export const registers = <A extends ActionName<'registers'>>(
  action: A,
  payload: ActionInput<'registers', A>,
  options: CallOptions = {},
): Promise<ActionOutput<'registers', A>> => call('registers', action, payload, options)

export const sheets = <A extends 'exportRegister' | 'registerImportPreview'>(
  action: A,
  payload: ActionInput<'sheets', A>,
  options: CallOptions = {},
): Promise<ActionOutput<'sheets', A>> => call('sheets', action, payload, options)

/** An id for an idempotent create, one per attempt (kept across its retries). */
export const newRequestId = (prefix = 'r') =>
  `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`

export const KIND_LABELS = {
  text: '文字',
  number: '数字',
  date: '日期',
  choice: '选项',
  photo: '照片',
  household: '房号',
  member: '成员',
} as const

export const NEED_TYPE_LABELS = {
  medicine: '买药',
  medical: '就医',
  groceries: '买菜',
  gas: '燃气充值',
  outing: '外出',
  psych: '心理疏导',
  other: '其他',
} as const
