import path from 'node:path'

export const ROOT = path.resolve(__dirname, '..', '..')
export const MINIPROGRAM_ROOT = path.join(ROOT, 'miniprogram')
export const FUNCTIONS_ROOT = path.join(ROOT, 'cloudfunctions')
