import type { ErrorCode, Fail } from '../../typings/api'

/** Default user-facing message per code; an action may give a more precise one. */
export const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  INVALID_INPUT: '填写的内容有误，请检查后再提交',
  UNKNOWN_ACTION: '不支持的操作，请更新小程序后再试',
  UNAUTHENTICATED: '无法确认您的微信身份，请重新打开小程序',
  FORBIDDEN: '您没有权限进行此操作',
  NOT_FOUND: '要找的内容不存在或已删除',
  CONFLICT: '内容已被他人修改，请刷新后再试',
  INTERNAL: '系统繁忙，请稍后再试',
  NETWORK: '网络不太好，请检查网络后再试',
}

/** An expected failure: its code and message go to the client unchanged. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly field?: string

  constructor(code: ErrorCode, message?: string, field?: string) {
    super(message ?? DEFAULT_MESSAGES[code])
    this.name = 'AppError'
    this.code = code
    if (field !== undefined) this.field = field
  }

  toEnvelope(): Fail {
    const fail: Fail = { ok: false, code: this.code, message: this.message }
    if (this.field !== undefined) fail.field = this.field
    return fail
  }
}

export const isAppError = (err: unknown): err is AppError => err instanceof AppError
