/**
 * CloudBase environment id. Empty means the first (default) environment of the app, which is what a new
 * project has; set it to your env id (云开发控制台 → 设置) when the app has several.
 */
export const CLOUD_ENV = ''

/** Subscription-message templates: the one list both sides use is miniprogram/shared/constants.ts. */
export { TEMPLATE_IDS as TEMPLATES } from './shared/constants'
