// Subscription-message templates. Template ids come from the mini-program admin console (订阅消息) and are set as
// function environment variables in production; the placeholders work on localcloud. The mini-program asks the
// user for the same ids (miniprogram/config.ts).
export const TEMPLATES = {
  /** To building leads: a new join request waits for approval. thing1 申请住户, time2 申请时间, thing3 提示 */
  joinRequest: process.env.TPL_JOIN_REQUEST ?? 'TPL_JOIN_REQUEST',
  /** To the applicant: the request was decided. phrase1 审核结果, thing2 住户, time3 审核时间 */
  joinResult: process.env.TPL_JOIN_RESULT ?? 'TPL_JOIN_RESULT',
} as const

/** Field limits of subscription messages: thing ≤ 20 characters, phrase ≤ 5 Chinese characters. */
export const thing = (s: string) => ([...s].length <= 20 ? s : `${[...s].slice(0, 19).join('')}…`)
