// npm run rules -- --env <envId> [--check] [--appid <AppID>]   |   npm run rules -- --print
// Applies the security rules in rules/ (database.json per collection, storage.json for the bucket) to a CloudBase
// environment with the official management SDK, @cloudbase/manager-node (credentials from TENCENTCLOUD_SECRETID /
// TENCENTCLOUD_SECRETKEY), or with --check compares them with what the environment has. The calls: the tcb API's
// ModifySafeRule / DescribeSafeRule (EnvId, CollectionName, AclTag, Rule) through `commonService()`, and the SDK's
// `storage.setStorageAcl('CUSTOM', rule)` / `getStorageAcl({ withRule: true })`. --print (or no --env) prints the
// JSON and the console steps to do the same by hand.
import fs from 'node:fs'
import path from 'node:path'
import { RuleSet, type CollectionRule, type Rules, type StorageRule } from '../localcloud'
import { COLLECTIONS } from '../server/collections'
import { type Output, UsageError } from './lib/connect'
import { ROOT } from './lib/paths'
import { readFlags } from './lib/args'

export const RULES_DIR = path.join(ROOT, 'rules')

export const USAGE = `用法 usage: npm run rules -- --env <环境ID> [--check] [--appid <小程序AppID>]
       npm run rules -- --print
  把 rules/ 中的数据库安全规则（每个集合）和云存储安全规则应用到云开发环境；--check 只比较、不修改；
  --print 打印规则 JSON 和在云开发控制台手工设置的步骤。需要环境变量 TENCENTCLOUD_SECRETID、TENCENTCLOUD_SECRETKEY。`

export interface RulesCliOptions {
  env?: string
  appid?: string
  check: boolean
  print: boolean
  help: boolean
}

export function parseArgs(argv: readonly string[]): RulesCliOptions {
  const f = readFlags(argv, { env: 'value', appid: 'value', check: 'switch', print: 'switch' })
  const opts: RulesCliOptions = { check: f.switches.has('check'), print: f.switches.has('print'), help: f.help }
  if (f.values.env !== undefined) opts.env = f.values.env
  if (f.values.appid !== undefined) opts.appid = f.values.appid
  if (opts.check && !opts.env) throw new UsageError('--check 需要 --env <环境ID>')
  return opts
}

export interface RepoRules {
  database: Record<string, CollectionRule>
  storage: StorageRule
}

/** rules/ as kept in the repository: valid expressions, and exactly one rule per collection in server/collections.ts. */
export function loadRepoRules(dir = RULES_DIR, collections: readonly string[] = COLLECTIONS): RepoRules {
  const read = (name: string) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as unknown
  const rules = { database: read('database.json'), storage: read('storage.json') } as Rules
  new RuleSet(rules)
  const names = Object.keys(rules.database ?? {})
  const missing = collections.filter((c) => !names.includes(c))
  const extra = names.filter((n) => !collections.includes(n))
  if (missing.length) throw new UsageError(`rules/database.json 缺少集合：${missing.join('、')}`)
  if (extra.length)
    throw new UsageError(`rules/database.json 中有 server/collections.ts 没有的集合：${extra.join('、')}`)
  return { database: rules.database ?? {}, storage: rules.storage ?? {} }
}

/** What an environment says it has: a simple permission (AclTag) or CUSTOM with its rule. */
export interface RemoteRule {
  acl: string
  rule?: unknown
}

/** The management calls this script makes; `managerFor` gives the real ones, tests a fake. */
export interface RulesManager {
  describeCollection(name: string): Promise<RemoteRule>
  modifyCollection(name: string, rule: CollectionRule): Promise<void>
  describeStorage(): Promise<RemoteRule>
  modifyStorage(rule: StorageRule): Promise<void>
}

/** The simple permissions as the custom rules they stand for, so that a console-set equivalent compares equal. */
const SIMPLE_DATABASE: Record<string, CollectionRule> = {
  READONLY: { read: true, write: 'doc._openid == auth.openid' },
  PRIVATE: { read: 'doc._openid == auth.openid', write: 'doc._openid == auth.openid' },
  ADMINWRITE: { read: true, write: false },
  ADMINONLY: { read: false, write: false },
}
const SIMPLE_STORAGE: Record<string, StorageRule> = {
  READONLY: { read: true, write: 'resource.openid == auth.openid' },
  PRIVATE: { read: 'resource.openid == auth.openid', write: 'resource.openid == auth.openid' },
  ADMINWRITE: { read: true, write: false },
  ADMINONLY: { read: false, write: false },
}

function canonical(rule: unknown): string {
  if (typeof rule !== 'object' || rule === null) return JSON.stringify(rule)
  const entries = Object.entries(rule as Record<string, unknown>)
    .map(([k, v]) => [k, typeof v === 'string' ? v.replace(/\s+/g, ' ').trim() : v] as const)
    .sort(([a], [b]) => a.localeCompare(b))
  return JSON.stringify(Object.fromEntries(entries))
}

export function sameRule(remote: RemoteRule, local: object, simple: Record<string, object>): boolean {
  const effective = remote.acl === 'CUSTOM' ? remote.rule : simple[remote.acl]
  return effective !== undefined && canonical(effective) === canonical(local)
}

export interface Difference {
  target: string
  remote: RemoteRule | { error: string }
  local: object
}

/** Compare every rule with the environment's; the differences (an unreadable one counts as different). */
export async function checkRules(m: RulesManager, rules: RepoRules): Promise<Difference[]> {
  const out: Difference[] = []
  const one = async (target: string, local: object, simple: Record<string, object>, get: () => Promise<RemoteRule>) => {
    try {
      const remote = await get()
      if (!sameRule(remote, local, simple)) out.push({ target, remote, local })
    } catch (err) {
      out.push({ target, remote: { error: err instanceof Error ? err.message : String(err) }, local })
    }
  }
  for (const [name, rule] of Object.entries(rules.database))
    await one(`集合 ${name}`, rule, SIMPLE_DATABASE, () => m.describeCollection(name))
  await one('云存储', rules.storage, SIMPLE_STORAGE, () => m.describeStorage())
  return out
}

/** Apply every rule given (the bucket's when `storage` is there); the ones that failed, with why. */
export async function applyRules(
  m: RulesManager,
  rules: Pick<RepoRules, 'database'> & Partial<Pick<RepoRules, 'storage'>>,
  out: Output,
): Promise<string[]> {
  const failed: string[] = []
  const one = async (target: string, apply: () => Promise<void>) => {
    try {
      await apply()
      out.log(`已设置 ${target}`)
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err)
      failed.push(`${target}：${why}`)
      out.error(`设置 ${target} 失败：${why}`)
    }
  }
  for (const [name, rule] of Object.entries(rules.database))
    await one(`集合 ${name} 的安全规则`, () => m.modifyCollection(name, rule))
  const storage = rules.storage
  if (storage) await one('云存储的安全规则', () => m.modifyStorage(storage))
  return failed
}

/** The same by hand, in the CloudBase console. */
export function consoleSteps(rules: RepoRules): string {
  const closed = Object.entries(rules.database)
    .filter(([, r]) => canonical(r) === canonical({ read: false, write: false }))
    .map(([n]) => n)
  const other = Object.entries(rules.database).filter(([n]) => !closed.includes(n))
  return [
    '在云开发控制台手工设置（与 npm run rules 的效果相同）：',
    '1. 「数据库」→ 逐个集合 →「数据权限」→「自定义安全规则」，填入：',
    `   ${JSON.stringify({ read: false, write: false })}`,
    `   适用的集合（${closed.length} 个）：${closed.join('、')}`,
    ...other.map(([n, r]) => `   集合 ${n}：${JSON.stringify(r)}`),
    '2. 「云存储」→「权限设置」→「自定义安全规则」，填入：',
    `   ${JSON.stringify(rules.storage)}`,
    '3. 保存后 1–3 分钟生效；之后可运行 npm run rules -- --env <环境ID> --check 核对。',
  ].join('\n')
}

interface ManagerNode {
  commonService(service?: string, version?: string): { call(o: { Action: string; Param: object }): Promise<unknown> }
  storage: {
    getStorageAcl(o: { withRule: true }): Promise<{ acl: string; rule?: unknown }>
    setStorageAcl(acl: 'CUSTOM', rule: StorageRule): Promise<unknown>
  }
}

/** The real management calls, through @cloudbase/manager-node. */
export function managerFor(env: string, secretId: string, secretKey: string, appid?: string): RulesManager {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const CloudBase = require('@cloudbase/manager-node') as new (config: object) => ManagerNode
  const manager = new CloudBase({ secretId, secretKey, envId: env })
  const tcb = manager.commonService('tcb', '2018-06-08')
  return {
    async describeCollection(name) {
      const res = (await tcb.call({
        Action: 'DescribeSafeRule',
        Param: { EnvId: env, CollectionName: name, ...(appid ? { WxAppId: appid } : {}) },
      })) as { AclTag?: string; Rule?: string | null }
      return { acl: res.AclTag ?? '', ...(res.Rule ? { rule: JSON.parse(res.Rule) as unknown } : {}) }
    },
    async modifyCollection(name, rule) {
      await tcb.call({
        Action: 'ModifySafeRule',
        Param: { EnvId: env, CollectionName: name, AclTag: 'CUSTOM', Rule: JSON.stringify(rule) },
      })
    },
    async describeStorage() {
      return manager.storage.getStorageAcl({ withRule: true })
    },
    async modifyStorage(rule) {
      await manager.storage.setStorageAcl('CUSTOM', rule)
    },
  }
}

/** The appid in project.config.json, unless it is still the placeholder. */
export function projectAppid(): string | undefined {
  try {
    const cfg = JSON.parse(fs.readFileSync(path.join(ROOT, 'project.config.json'), 'utf8')) as { appid?: unknown }
    return typeof cfg.appid === 'string' && /^wx[0-9a-f]{16}$/.test(cfg.appid) && !/^wx0+$/.test(cfg.appid)
      ? cfg.appid
      : undefined
  } catch {
    return undefined
  }
}

export async function run(
  argv: readonly string[],
  out: Output = { log: console.log, error: console.error },
  manager: (env: string, secretId: string, secretKey: string, appid?: string) => RulesManager = managerFor,
): Promise<number> {
  let opts: RulesCliOptions
  let rules: RepoRules
  try {
    opts = parseArgs(argv)
    if (opts.help) {
      out.log(USAGE)
      return 0
    }
    rules = loadRepoRules()
  } catch (err) {
    out.error(err instanceof Error ? err.message : String(err))
    out.error(USAGE)
    return 2
  }
  if (opts.print || !opts.env) {
    out.log('rules/database.json：')
    out.log(JSON.stringify(rules.database, null, 2))
    out.log('rules/storage.json：')
    out.log(JSON.stringify(rules.storage, null, 2))
    out.log(consoleSteps(rules))
    if (!opts.env) out.log('没有 --env：只打印，未改动任何环境。')
    return 0
  }
  const secretId = process.env.TENCENTCLOUD_SECRETID
  const secretKey = process.env.TENCENTCLOUD_SECRETKEY
  if (!secretId || !secretKey) {
    out.error('连接云开发环境需要环境变量 TENCENTCLOUD_SECRETID 和 TENCENTCLOUD_SECRETKEY')
    return 2
  }
  const m = manager(opts.env, secretId, secretKey, opts.appid ?? projectAppid())
  if (opts.check) {
    const diffs = await checkRules(m, rules)
    if (diffs.length === 0) {
      out.log(`环境 ${opts.env} 的安全规则与 rules/ 一致（${Object.keys(rules.database).length} 个集合和云存储）`)
      return 0
    }
    for (const d of diffs)
      out.error(`${d.target} 与 rules/ 不一致：环境中为 ${JSON.stringify(d.remote)}，应为 ${JSON.stringify(d.local)}`)
    out.error(`共 ${diffs.length} 处不一致；运行 npm run rules -- --env ${opts.env} 应用 rules/`)
    return 1
  }
  out.log(`把 rules/ 的安全规则应用到环境 ${opts.env}`)
  const failed = await applyRules(m, rules, out)
  if (failed.length === 0) {
    out.log('全部设置完成，1–3 分钟后生效；可用 --check 核对')
    return 0
  }
  out.error(`${failed.length} 项没有设置成功（集合需先在控制台创建）。也可以按下面的步骤在控制台手工设置：`)
  out.error(consoleSteps(rules))
  return 1
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err)
      process.exit(2)
    },
  )
}
