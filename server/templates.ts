// Subscription-message templates. Template ids come from the mini-program admin console (订阅消息) and are set as
// function environment variables in production; the placeholders work on localcloud. The mini-program asks the
// user for the same ids (miniprogram/config.ts).
export const TEMPLATES = {
  /** To building leads: a new join request waits for approval. thing1 申请住户, time2 申请时间, thing3 提示 */
  joinRequest: process.env.TPL_JOIN_REQUEST ?? 'TPL_JOIN_REQUEST',
  /** To the applicant: the request was decided. phrase1 审核结果, thing2 住户, time3 审核时间 */
  joinResult: process.env.TPL_JOIN_RESULT ?? 'TPL_JOIN_RESULT',
  /** To leads and subscribed residents: a round opened. thing1 检测, time2 截止时间, thing3 说明 */
  roundOpened: process.env.TPL_ROUND_OPENED ?? 'TPL_ROUND_OPENED',
  /** To non-submitters: please submit. thing1 检测, time2 截止时间 */
  antigenReminder: process.env.TPL_ANTIGEN_REMINDER ?? 'TPL_ANTIGEN_REMINDER',
  /** To the building's leads and the committee: an abnormal result. thing1 住户, time2 提交时间, thing3 提示 */
  abnormal: process.env.TPL_ABNORMAL ?? 'TPL_ABNORMAL',
  /** To the building's leads: a confirmed building changed and is open again. thing1 楼栋, thing2 住户, time3 时间 */
  reopened: process.env.TPL_REOPENED ?? 'TPL_REOPENED',
} as const

/** Field limits of subscription messages: thing ≤ 20 characters, phrase ≤ 5 Chinese characters. */
export const thing = (s: string) => ([...s].length <= 20 ? s : `${[...s].slice(0, 19).join('')}…`)
