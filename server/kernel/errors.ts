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
  INVITE_INVALID: '邀请码不正确，请向楼组长核对',
  INVITE_EXPIRED: '邀请码已过期，请向楼组长索取新的邀请码',
  INVITE_USED_UP: '邀请码已用完，请向楼组长索取新的邀请码',
  ROOM_NOT_FOUND: '本楼没有这个房号，请核对后再填',
  NAME_MISMATCH: '房号或姓名与登记不一致，请核对后重试，或联系楼组长',
  ALREADY_JOINED: '您已经是这一户的成员了',
  REQUEST_DECIDED: '这条申请已经处理过了',
  CONSENT_REQUIRED: '请先阅读并同意个人信息授权',
  CONSENT_OUTDATED: '授权说明已更新，请重新阅读后再同意',
  NOT_LINKED: '这位居民还没有绑定微信，请先让其加入本户',
  VOLUNTEER_CAP_REACHED: '这类志愿者人数已满',
  ROLE_EXISTS: '此人已经担任这个角色',
  REVEAL_LIMIT: '今天查看电话的次数已用完，明天再试；紧急情况请联系居委',
  COMMUNITY_CLOSED: '本小区已停止使用本小程序，不能再进行此操作',
  FILE_UNREADABLE: '文件无法读取，请上传 .xlsx 或 .csv 表格',
  FILE_NOT_ALLOWED: '这个文件不能在这里使用，请重新选择文件上传',
  IMPORT_HAS_ERRORS: '表格中有错误行，请修改后重新上传',
  IMPORT_STATE: '这次导入的状态不允许此操作，请刷新后再试',
  ROUND_CLOSED: '本轮检测已结束，不能再提交',
  BUILDING_CONFIRMED: '本楼已经确认，如需修改请联系楼组长',
  ALREADY_CONFIRMED: '本楼已经确认过了',
  FLOORS_UNCONFIRMED: '还有楼层的层长没有确认，请等层长确认，或写明原因后确认整栋',
  NOT_A_MEMBER: '这位不是本户成员',
  PHOTO_REQUIRED: '请为每个试剂拍一张照片',
  PHOTO_TOO_LARGE: '照片太大，请重新拍摄',
  PHOTO_INVALID: '照片没有上传成功，请重新拍摄',
  HEALTH_CONSENT_REQUIRED: '提交检测结果前，请先同意健康信息授权',
  MEMBER_LINKED: '这位住户已经绑定了其他微信，这条申请不能通过',
  RATE_LIMITED: '尝试次数太多，请稍后再试',
  QR_UNAVAILABLE: '小程序码暂时没有生成，请稍后再试；住户仍可输入邀请码加入',
  MERCHANT_NOT_APPROVED: '商家还没有通过居委审核，暂时不能开团',
  MERCHANT_SUSPENDED: '这家商家已被居委暂停，暂时不能开团或下单',
  BUY_NOT_OPEN: '这个团购还没有开始，请到开团时间再来',
  BUY_CLOSED: '这个团购已经截单，不能再修改',
  NOT_IN_SCOPE: '这一户所在的楼不在这次团购的范围内',
  ITEM_NOT_FOUND: '这件商品不在这次团购里，请刷新后再选',
  PACK_SIZE: '这件商品只能整份购买，请按整份的数量填写',
  OVER_LIMIT: '超过了每户限购的数量',
  SOLD_OUT: '这件商品已售罄',
  PAYMENT_INVALID: '金额不对，请核对后再记录',
  IMPORT_UNRESOLVED: '还有地址没有对应到住户，请逐条处理后再导入',
  NOT_PLANNED: '这次配送还没有安排，请等居委安排好再来',
  DELIVERY_NOT_STARTED: '物资还没有到，或还在消毒静置，请等通知再送',
  DELIVERY_DONE: '这次配送已经全部完成，不能再修改',
  NOT_YOUR_TASK: '这不在您的配送任务里',
  ALREADY_MARKED: '已经有人标记过了',
  SESSION_ENDED: '这场叫号已经结束，不能再叫号或标记',
  POINT_BUSY: '这个采样点已有进行中的叫号，请先结束那一场',
  NOTHING_TO_CALL: '所选楼栋都已叫过号、已完成或已跳过',
  OFF_SHIFT: '现在不在您的班次时间内，请在班次时间内再联系',
  NOT_ON_CARE_LIST: '此人不在您的关怀名单上',
  REGISTER_LIMIT: '底账数量或字段数量已达上限',
  NEED_CLOSED: '这条需求已经办结或取消，不能再修改',
  NEED_TAKEN: '这条需求已经有人接单了',
  NOT_YOUR_NEED: '这条需求不是由您接单的',
}

/** At most `max` characters of something a client sent, for an error message: never echo input of any size. */
export function clip(value: string, max = 40): string {
  const chars = [...value]
  return chars.length <= max ? value : `${chars.slice(0, max).join('')}…`
}

/** Longest message and field path an error carries back (messages may quote input). */
const MAX_MESSAGE = 300
const MAX_FIELD = 120

/** An expected failure: its code and message go to the client unchanged (bounded in size). */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly field?: string

  constructor(code: ErrorCode, message?: string, field?: string) {
    super(clip(message ?? DEFAULT_MESSAGES[code], MAX_MESSAGE))
    this.name = 'AppError'
    this.code = code
    if (field !== undefined) this.field = clip(field, MAX_FIELD)
  }

  toEnvelope(): Fail {
    const fail: Fail = { ok: false, code: this.code, message: this.message }
    if (this.field !== undefined) fail.field = this.field
    return fail
  }
}

export const isAppError = (err: unknown): err is AppError => err instanceof AppError
