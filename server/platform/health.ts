// Whether this deployment can do its job: the subscription-message template ids filled in (not empty, not the
// placeholders of miniprogram/shared/constants.ts), the function's CloudBase environment known, and no recent send
// that WeChat refused for a configuration reason. Logged once per instance at cold start (reportAtColdStart) and
// shown to the committee (the community function's `health` action, a red card on their home page).
//
// The placeholders are what localcloud runs with: it accepts any template id, so there they are fine. localcloud
// sets LOCALCLOUD=true in every function's environment; anywhere else (a CloudBase environment) is deployed, where
// a placeholder is a problem. A mistake in that detection errs on the loud side.
import type { HealthCheckView, HealthView } from '../../typings/api'
import type { TemplateKey } from '../../miniprogram/shared/constants'
import { nowMs } from '../kernel'
import { TEMPLATES } from '../templates'
import { data } from './cloud'
import { currentEnv } from './files'

/** Set by localcloud in every function's environment (localcloud/src/functions/runtime.ts). */
export const LOCAL_MARKER = 'LOCALCLOUD'

/** Running on localcloud (development, the demo, tests); anywhere else is a deployment. */
export const onLocalcloud = (): boolean => process.env[LOCAL_MARKER] === 'true'

/** The placeholders shipped in constants.ts (`TPL_JOIN_REQUEST`, …): no real template id looks like this. */
export const PLACEHOLDER_TEMPLATE = /^TPL_[A-Z0-9_]*$/

/** What each template is for, as the committee knows them. */
export const TEMPLATE_LABELS: Readonly<Record<TemplateKey, string>> = {
  joinRequest: '加入申请待审核',
  joinResult: '加入审核结果',
  roundOpened: '检测开始通知',
  antigenReminder: '提醒未报',
  abnormal: '异常结果通知',
  reopened: '楼栋重新打开',
  buyOpening: '团购开团预告',
  buyUpdate: '团购截单与取消',
  orderForYou: '代下单通知',
  merchantResult: '商家审核结果',
  relayTasks: '配送任务通知',
  relayArrived: '物资到楼通知',
  delivered: '物资送达通知',
  relayAlert: '配送异常提醒',
  relayProblem: '配送问题通知',
  callup: '检测叫号通知',
  careDue: '关怀逾期提醒',
  careAlert: '关怀联系不上告警',
  needNew: '需求待接单通知',
  needUpdate: '需求进度通知',
}

/** Whether a message with this template can reach anyone here: an empty id never, a placeholder on localcloud only. */
export function templateUsable(templateId: string, local = onLocalcloud()): boolean {
  if (templateId.trim() === '') return false
  return local || !PLACEHOLDER_TEMPLATE.test(templateId)
}

const WHERE_TEMPLATES =
  '请在小程序后台「功能 → 订阅消息 → 我的模板」选用模板，把模板 ID 填进 miniprogram/shared/constants.ts 的 ' +
  'TEMPLATE_IDS（各模板的字段见 server/templates.ts），然后运行 npm run build，重新上传小程序和全部云函数。'

/** The checks that need no database: the template ids as built into this bundle and the function's environment. */
export function configChecks(input: {
  templates: Readonly<Record<TemplateKey, string>>
  env: string
  local: boolean
}): HealthCheckView[] {
  const entries = Object.entries(input.templates) as [TemplateKey, string][]
  const label = (keys: TemplateKey[]) => keys.map((k) => `「${TEMPLATE_LABELS[k]}」`).join('')
  const empty = entries.filter(([, id]) => id.trim() === '').map(([k]) => k)
  const placeholders = entries.filter(([, id]) => id.trim() !== '' && PLACEHOLDER_TEMPLATE.test(id)).map(([k]) => k)
  const byId = new Map<string, TemplateKey[]>()
  for (const [k, id] of entries) if (id.trim() !== '') byId.set(id, [...(byId.get(id) ?? []), k])
  const shared = [...byId.values()].filter((keys) => keys.length > 1)

  const problems: string[] = []
  const unset = [...empty, ...(input.local ? [] : placeholders)]
  if (unset.length) problems.push(`订阅消息模板 ID 未配置：${label(unset)}的提醒和通知发不出去。`)
  for (const keys of shared) problems.push(`${label(keys)}填了同一个模板 ID：各模板的字段不同，微信会拒收。`)
  let templates: HealthCheckView
  if (problems.length) {
    templates = { id: 'templates', ok: false, title: '订阅消息模板', message: `${problems.join('')}${WHERE_TEMPLATES}` }
  } else if (placeholders.length) {
    templates = {
      id: 'templates',
      ok: true,
      title: '订阅消息模板',
      message:
        '本地开发用的占位模板（TPL_…）：localcloud 接受它们。部署到云开发环境前要换成小程序后台的模板 ID，' +
        '否则提醒和通知发不出去。',
    }
  } else {
    templates = { id: 'templates', ok: true, title: '订阅消息模板', message: `${entries.length} 个模板 ID 都已填写。` }
  }

  const env: HealthCheckView = input.env
    ? { id: 'env', ok: true, title: '云开发环境', message: `云函数运行在环境 ${input.env}。` }
    : {
        id: 'env',
        ok: false,
        title: '云开发环境',
        message:
          '云函数读不到自己所在的云开发环境 ID：居民上传的试剂照片和台账文件都会被拒收。请在微信开发者工具中' +
          '把云函数上传到要用的环境（云开发控制台 → 设置 → 环境 ID），并把 miniprogram/config.ts 的 CLOUD_ENV ' +
          '设为同一个环境（只有一个环境时可以留空）。',
      }
  return [templates, env]
}

/** The checks of this bundle and instance, as configChecks gives them. */
export const currentConfigChecks = (): HealthCheckView[] =>
  configChecks({ templates: TEMPLATES, env: currentEnv(), local: onLocalcloud() })

/** What a send refused for configuration means and what to change, by the code the push queue recorded. */
export const CONFIG_ERRORS = {
  TEMPLATE_NOT_CONFIGURED: '模板 ID 未配置',
  TEMPLATE_INVALID: '微信说模板 ID 不对（40037）：不是本小程序「我的模板」里的 ID',
  API_UNAUTHORIZED:
    '微信说云函数没有发送订阅消息的权限（48001）：云函数目录的 config.json 要有 permissions.openapi ' +
    '["subscribeMessage.send"]，请重新上传并部署云函数',
} as const

export type ConfigError = keyof typeof CONFIG_ERRORS

/** Sends refused for configuration are looked at this far back (a fix shows within a day). */
export const RECENT_PUSH_MS = 86_400_000

/**
 * Recent sends WeChat refused for a configuration reason, with the template ids built into this bundle (a
 * placeholder is the templates check's, not repeated here).
 */
async function pushCheck(): Promise<HealthCheckView> {
  const since = new Date(nowMs() - RECENT_PUSH_MS)
  const docs = (
    await data.find<{ config?: ConfigError }>(
      'pushQueue',
      { status: 'misconfigured', sentAt: data._.gte(since) },
      { limit: 1000, fields: { config: true } },
    )
  ).filter((d) => d.config === 'TEMPLATE_INVALID' || d.config === 'API_UNAUTHORIZED')
  if (docs.length === 0)
    return { id: 'pushes', ok: true, title: '订阅消息发送', message: '最近 24 小时没有因配置问题发不出去的消息。' }
  const byCode = new Map<ConfigError, number>()
  for (const d of docs) if (d.config) byCode.set(d.config, (byCode.get(d.config) ?? 0) + 1)
  const why = [...byCode].map(([code, n]) => `${n} 条：${CONFIG_ERRORS[code]}。`).join('')
  return {
    id: 'pushes',
    ok: false,
    title: '订阅消息发送',
    message: `最近 24 小时有 ${docs.length} 条订阅消息因配置问题没有发出。${why}`,
  }
}

/** Every check, for the committee. */
export async function health(): Promise<HealthView> {
  const checks = [...currentConfigChecks(), await pushCheck()]
  return { ok: checks.every((c) => c.ok), local: onLocalcloud(), checks }
}

/**
 * At an instance's cold start: each problem once on the error log (CloudBase's 日志 shows it on every new
 * instance), never thrown, so a misconfigured deployment still serves what it can.
 */
export function reportAtColdStart(functionName: string): void {
  for (const c of currentConfigChecks())
    if (!c.ok) console.error(`[${functionName}] 配置问题（${c.title}）：${c.message}`)
}
