// What the call-up pages say of a building's state, and an id per attempt of a call that must not run twice.
import type { CallupState } from '../../../typings/api'

export const STATE_LABELS: Readonly<Record<CallupState, string>> = {
  waiting: '待叫号',
  called: '已叫号',
  testing: '检测中',
  done: '已完成',
  skipped: '已跳过',
}

/** The tag colour of each state (app.wxss: tag-green, tag-orange, tag-red). */
export const STATE_CLASS: Readonly<Record<CallupState, string>> = {
  waiting: '',
  called: 'tag-orange',
  testing: 'tag-orange',
  done: 'tag-green',
  skipped: 'tag-red',
}

/** A request id (8–64 of A–Z a–z 0–9 _ -): one per attempt, kept across its retries. */
export const newRequestId = (prefix = 'cu') =>
  `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`

/** 「第3栋 3号」: a building by its place in the session's order. */
export const ordinal = (pos: number, name: string) => `第${pos}栋 ${name}`
