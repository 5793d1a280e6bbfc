/**
 * CloudBase environment id. Empty means the first (default) environment of the app, which is what a new
 * project has; set it to your env id (云开发控制台 → 设置) when the app has several.
 */
export const CLOUD_ENV = ''

/**
 * Subscription-message templates the pages ask the user to accept. These are placeholders that work on
 * localcloud; production ids come from the mini-program admin console (订阅消息 → 我的模板) and must be the same
 * ids the cloud function sends with (its TPL_* environment variables, server/templates.ts).
 */
export const TEMPLATES = {
  /** To building leads: a new join request waits for approval. */
  joinRequest: 'TPL_JOIN_REQUEST',
  /** To the applicant: the lead approved or rejected the request. */
  joinResult: 'TPL_JOIN_RESULT',
  /** To residents who asked (开轮提醒): a new antigen round is open. */
  roundOpened: 'TPL_ROUND_OPENED',
  /** To residents who have not submitted: their lead's 提醒未报. */
  antigenReminder: 'TPL_ANTIGEN_REMINDER',
  /** To leads and the committee: an abnormal (positive) result was submitted. */
  abnormal: 'TPL_ABNORMAL',
  /** To a household: the lead sent its entry back (flagged) to be done again. */
  reopened: 'TPL_REOPENED',
} as const
