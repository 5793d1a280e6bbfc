// npm run deploy -- --env <envId> [--dry-run] [--yes] [--build]
// Deploys the whole back end to a CloudBase environment with the official management SDK, @cloudbase/manager-node
// (credentials from TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY):
// - every collection of server/collections.ts and the indexes of server/indexes.ts;
// - the database and storage rules of rules/ (scripts/rules.ts);
// - every function of cloudbaserc.json with its runtime, timeout, memory, environment variables and timers, its
//   built bundle uploaded with package.json and config.json (wx-server-sdk installed in the cloud). A function that
//   exists on another runtime is deleted and created again (a runtime is fixed at creation), after a yes.
// It reads the environment first and changes only what differs, so a second run changes nothing; --dry-run prints
// that plan and stops. Then it prints what is left to do by hand in the mini-program admin.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { COLLECTIONS } from '../server/collections'
import { INDEXES, indexKeys, indexName, type IndexSpec } from '../server/indexes'
import { CLOCK_OFFSET_ENV } from '../server/kernel/clock'
import { TEMPLATE_IDS } from '../miniprogram/shared/constants'
import { cloudCredentials, type Output, UsageError } from './lib/connect'
import { readCommandLine, readFlags } from './lib/args'
import { ROOT } from './lib/paths'
import {
  applyRules,
  checkRules,
  loadRepoRules,
  managerFor as rulesManagerFor,
  projectAppid,
  type RepoRules,
  type RulesManager,
} from './rules'

export const USAGE = `用法 usage: npm run deploy -- --env <环境ID> [--dry-run] [--yes] [--build] [--appid <小程序AppID>]
  把后端部署到云开发环境：server/collections.ts 的全部集合和 server/indexes.ts 的索引、rules/ 的安全规则、
  cloudbaserc.json 的全部云函数（运行时、超时、内存、环境变量、定时触发器，上传 npm run build 生成的代码，云端安装
  wx-server-sdk）。先读取环境、只改不同的部分，再运行一次不会改动任何东西；最后列出要在小程序后台手工完成的事项。
  --dry-run  只打印计划，不做任何改动
  --yes      不再询问，同意删除并重建运行时不对的云函数（运行时在创建后不能更改）
  --build    先运行 npm run build（否则云函数代码缺失或比源码旧时拒绝部署）
  需要环境变量 TENCENTCLOUD_SECRETID、TENCENTCLOUD_SECRETKEY。`

export interface DeployCliOptions {
  env: string
  dryRun: boolean
  yes: boolean
  build: boolean
  appid?: string
  help: boolean
}

export function parseArgs(argv: readonly string[]): DeployCliOptions {
  const f = readFlags(argv, { env: 'value', appid: 'value', 'dry-run': 'switch', yes: 'switch', build: 'switch' })
  const opts: DeployCliOptions = {
    env: f.values.env ?? '',
    dryRun: f.switches.has('dry-run'),
    yes: f.switches.has('yes'),
    build: f.switches.has('build'),
    help: f.help,
  }
  if (f.values.appid !== undefined) opts.appid = f.values.appid
  if (!opts.help && !opts.env) throw new UsageError('请用 --env 指定云开发环境 ID')
  return opts
}

// ---------------------------------------------------------------------------------------------------------------
// What the repository declares.

export interface TimerTrigger {
  name: string
  type: 'timer'
  /** Seven-field cron, UTC+8. */
  config: string
}

export interface FunctionSpec {
  name: string
  runtime: string
  handler: string
  timeout: number
  memorySize: number
  installDependency: boolean
  envVariables: Record<string, string>
  triggers: TimerTrigger[]
  /** Files uploaded (relative to the function's folder), and their digest. */
  files: string[]
  digest: string
  /** Where the files are. */
  dir: string
  /** The function's description in the environment: it carries the digest, so a later run knows the code is current. */
  description: string
}

/** Memory a function gets when cloudbaserc.json names none (CloudBase's default). */
export const DEFAULT_MEMORY_MB = 256

/** Variables no deployment may set: localcloud's clock offset would move every function's "now". */
const FORBIDDEN_VARIABLE = /^LOCALCLOUD_/

/** What is uploaded of a function's folder: the bundle, package.json and config.json; never src/ or node_modules. */
export function codeFiles(dir: string): string[] {
  const out: string[] = []
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name
      if (e.name.startsWith('.') || e.name === 'node_modules' || (!rel && e.name === 'src')) continue
      if (e.isDirectory()) walk(p)
      else if (!e.name.endsWith('.map')) out.push(p)
    }
  }
  walk('')
  return out.sort()
}

function digestOf(dir: string, files: readonly string[]): string {
  const h = createHash('sha256')
  for (const f of files)
    h.update(f)
      .update('\0')
      .update(fs.readFileSync(path.join(dir, f)))
      .update('\0')
  return h.digest('hex').slice(0, 16)
}

const DIGEST_MARK = /代码包 ([0-9a-f]{16})/

export function describeFunction(name: string, digest: string): string {
  return `邻里接力 ${name}（npm run deploy；代码包 ${digest}）`
}

interface RcFunction {
  name?: unknown
  runtime?: unknown
  handler?: unknown
  timeout?: unknown
  memorySize?: unknown
  installDependency?: unknown
  envVariables?: unknown
  triggers?: unknown
}

/** The functions of cloudbaserc.json, each checked, with its code as it would be uploaded. */
export function loadFunctionSpecs(root = ROOT): FunctionSpec[] {
  const rc = JSON.parse(fs.readFileSync(path.join(root, 'cloudbaserc.json'), 'utf8')) as {
    functionRoot?: string
    functions?: RcFunction[]
  }
  const fnRoot = path.join(root, rc.functionRoot ?? 'cloudfunctions')
  const list = rc.functions ?? []
  if (list.length === 0) throw new UsageError('cloudbaserc.json 中没有云函数')
  return list.map((f) => {
    const name = typeof f.name === 'string' ? f.name : ''
    if (!/^[A-Za-z][\w-]{0,59}$/.test(name)) throw new UsageError(`cloudbaserc.json：云函数名不合格：${String(f.name)}`)
    if (typeof f.runtime !== 'string' || !f.runtime)
      throw new UsageError(`cloudbaserc.json：${name} 没有写 runtime（运行时创建后不能更改，必须写明）`)
    const timeout = typeof f.timeout === 'number' ? f.timeout : 3
    const memorySize = typeof f.memorySize === 'number' ? f.memorySize : DEFAULT_MEMORY_MB
    const envVariables: Record<string, string> = {}
    for (const [k, v] of Object.entries((f.envVariables ?? {}) as Record<string, unknown>)) {
      if (FORBIDDEN_VARIABLE.test(k) || k === CLOCK_OFFSET_ENV)
        throw new UsageError(`cloudbaserc.json：${name} 的环境变量 ${k} 只用于本地模拟器，不能部署`)
      envVariables[k] = String(v)
    }
    const triggers = ((f.triggers ?? []) as { name?: unknown; type?: unknown; config?: unknown }[]).map((t) => {
      if (t.type !== 'timer' || typeof t.name !== 'string' || typeof t.config !== 'string')
        throw new UsageError(`cloudbaserc.json：${name} 的触发器只能是有名称和 cron 的定时触发器`)
      return { name: t.name, type: 'timer' as const, config: t.config }
    })
    const dir = path.join(fnRoot, name)
    if (!fs.existsSync(path.join(dir, 'package.json')))
      throw new UsageError(`cloudbaserc.json 中的 ${name} 没有 ${path.relative(root, dir)}/package.json`)
    const files = codeFiles(dir)
    const digest = digestOf(dir, files)
    return {
      name,
      runtime: f.runtime,
      handler: typeof f.handler === 'string' ? f.handler : 'index.main',
      timeout,
      memorySize,
      installDependency: f.installDependency !== false,
      envVariables,
      triggers,
      files,
      digest,
      dir,
      description: describeFunction(name, digest),
    }
  })
}

/** Where a bundle's source may come from: its own src/ and the shared code it imports. */
const SHARED_SOURCES = ['server', 'typings', 'miniprogram/shared']

function newestSource(root: string, dirs: readonly string[]): { file: string; mtimeMs: number } | undefined {
  let newest: { file: string; mtimeMs: number } | undefined
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (/\.(ts|js|json)$/.test(e.name)) {
        const m = fs.statSync(p).mtimeMs
        if (!newest || m > newest.mtimeMs) newest = { file: path.relative(root, p), mtimeMs: m }
      }
    }
  }
  for (const d of dirs) walk(path.join(root, d))
  return newest
}

/** Bundles that are missing or older than a source file they may include: each a line saying which. */
export function staleBundles(specs: readonly FunctionSpec[], root = ROOT): string[] {
  const problems: string[] = []
  for (const s of specs) {
    const bundle = path.join(s.dir, 'index.js')
    const rel = path.relative(root, bundle)
    if (!fs.existsSync(bundle)) {
      problems.push(`${s.name}：没有 ${rel}`)
      continue
    }
    const built = fs.statSync(bundle).mtimeMs
    const src = newestSource(root, [path.relative(root, path.join(s.dir, 'src')), ...SHARED_SOURCES])
    if (src && src.mtimeMs > built) problems.push(`${s.name}：${rel} 比 ${src.file} 旧`)
  }
  return problems
}

// ---------------------------------------------------------------------------------------------------------------
// What the environment has, and the calls that read and change it.

export interface RemoteFunction {
  name: string
  runtime: string
  handler: string
  timeout: number
  memorySize: number
  installDependency: boolean
  envVariables: Record<string, string>
  triggers: { name: string; type: string; config: string }[]
  description: string
}

export interface RemoteIndex {
  name: string
  keys: { field: string; direction: 1 | -1 }[]
  unique: boolean
}

/** The management calls the deploy makes; `managerFor` gives the real ones, tests a recording fake. */
export interface DeployManager {
  listFunctions(): Promise<{ name: string; runtime: string }[]>
  getFunction(name: string): Promise<RemoteFunction>
  /** Create with code, configuration and triggers, and wait until it is active. */
  createFunction(spec: FunctionSpec, codeDir: string): Promise<void>
  /** Delete, and wait until it is gone. */
  deleteFunction(name: string): Promise<void>
  updateFunctionCode(spec: FunctionSpec, codeDir: string): Promise<void>
  /** Timeout, memory, environment variables (replacing all; `clearVariables` when there are none left), description. */
  updateFunctionConfig(spec: FunctionSpec, clearVariables: boolean): Promise<void>
  createTrigger(fn: string, trigger: TimerTrigger): Promise<void>
  deleteTrigger(fn: string, trigger: string): Promise<void>
  listCollections(): Promise<string[]>
  createCollection(name: string): Promise<void>
  listIndexes(collection: string): Promise<RemoteIndex[]>
  createIndex(collection: string, index: IndexSpec): Promise<void>
  dropIndex(collection: string, name: string): Promise<void>
  rules: RulesManager
}

export interface RemoteState {
  functions: Map<string, RemoteFunction>
  collections: Set<string>
  indexes: Map<string, RemoteIndex[]>
  /** Collections (of the existing ones) whose rule differs, and whether the bucket's does. */
  rules: { collections: string[]; storage: boolean }
}

/** Everything the plan compares, read from the environment: only reads. */
export async function readRemote(m: DeployManager, specs: readonly FunctionSpec[], rules: RepoRules) {
  const functions = new Map<string, RemoteFunction>()
  const listed = new Set((await m.listFunctions()).map((f) => f.name))
  for (const s of specs) if (listed.has(s.name)) functions.set(s.name, await m.getFunction(s.name))
  const collections = new Set(await m.listCollections())
  const indexes = new Map<string, RemoteIndex[]>()
  for (const c of COLLECTIONS) if (collections.has(c)) indexes.set(c, await m.listIndexes(c))
  const existing = Object.fromEntries(Object.entries(rules.database).filter(([c]) => collections.has(c)))
  const diffs = await checkRules(m.rules, { database: existing, storage: rules.storage })
  const differing = new Set(diffs.map((d) => d.target))
  const state: RemoteState = {
    functions,
    collections,
    indexes,
    rules: {
      collections: Object.keys(existing).filter((c) => differing.has(`集合 ${c}`)),
      storage: differing.has('云存储'),
    },
  }
  return state
}

// ---------------------------------------------------------------------------------------------------------------
// The plan.

export type Step =
  | { kind: 'createCollection'; collection: string }
  | { kind: 'dropIndex'; collection: string; name: string; why: string }
  | { kind: 'createIndex'; collection: string; index: IndexSpec }
  | { kind: 'applyRules'; collections: string[]; storage: boolean }
  | { kind: 'createFunction'; fn: FunctionSpec }
  | { kind: 'recreateFunction'; fn: FunctionSpec; from: string }
  | { kind: 'updateCode'; fn: FunctionSpec; why: string }
  | { kind: 'updateConfig'; fn: FunctionSpec; changes: string[]; clearVariables: boolean }
  | { kind: 'deleteTrigger'; fn: FunctionSpec; trigger: string; why: string }
  | { kind: 'createTrigger'; fn: FunctionSpec; trigger: TimerTrigger }

export interface Plan {
  steps: Step[]
  /** What the environment has that the repository does not declare, left as it is. */
  notes: string[]
}

const sameKeys = (a: RemoteIndex['keys'], b: RemoteIndex['keys']) =>
  a.length === b.length && a.every((k, i) => k.field === b[i]?.field && k.direction === b[i]?.direction)

const sameVariables = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v)

const fmtVariables = (v: Record<string, string>) =>
  Object.keys(v).length ? Object.keys(v).sort().join('、') : '（无）'

function functionSteps(fn: FunctionSpec, remote: RemoteFunction | undefined, notes: string[]): Step[] {
  if (!remote) return [{ kind: 'createFunction', fn }]
  if (remote.runtime !== fn.runtime) return [{ kind: 'recreateFunction', fn, from: remote.runtime }]
  const steps: Step[] = []
  const had = DIGEST_MARK.exec(remote.description)?.[1]
  if (had !== fn.digest || remote.handler !== fn.handler)
    steps.push({
      kind: 'updateCode',
      fn,
      why:
        remote.handler !== fn.handler
          ? `入口 ${remote.handler} → ${fn.handler}`
          : had
            ? `代码包 ${had} → ${fn.digest}`
            : `环境中的代码不是由 npm run deploy 上传的，上传代码包 ${fn.digest}`,
    })
  const changes: string[] = []
  if (remote.timeout !== fn.timeout) changes.push(`超时 ${remote.timeout} → ${fn.timeout} 秒`)
  if (remote.memorySize !== fn.memorySize) changes.push(`内存 ${remote.memorySize} → ${fn.memorySize} MB`)
  if (remote.installDependency !== fn.installDependency)
    changes.push(fn.installDependency ? '改为云端安装依赖' : '改为不在云端安装依赖')
  if (!sameVariables(remote.envVariables, fn.envVariables))
    changes.push(`环境变量 ${fmtVariables(remote.envVariables)} → ${fmtVariables(fn.envVariables)}`)
  if (remote.description !== fn.description) changes.push('描述（记下代码包）')
  if (changes.length)
    steps.push({
      kind: 'updateConfig',
      fn,
      changes,
      clearVariables: Object.keys(fn.envVariables).length === 0 && Object.keys(remote.envVariables).length > 0,
    })
  for (const t of remote.triggers) {
    if (t.type !== 'timer') {
      notes.push(`${fn.name} 有 ${t.type} 触发器 ${t.name}，不在 cloudbaserc.json 中，保留不动`)
      continue
    }
    const want = fn.triggers.find((w) => w.name === t.name)
    if (!want) steps.push({ kind: 'deleteTrigger', fn, trigger: t.name, why: '不在 cloudbaserc.json 中' })
    else if (want.config !== t.config)
      steps.push({ kind: 'deleteTrigger', fn, trigger: t.name, why: `时间 ${t.config} → ${want.config}，删除后重建` })
  }
  for (const w of fn.triggers) {
    const have = remote.triggers.find((t) => t.type === 'timer' && t.name === w.name)
    if (!have || have.config !== w.config) steps.push({ kind: 'createTrigger', fn, trigger: w })
  }
  return steps
}

/** What to change, in order: collections, their indexes, the rules, then the functions (whose timers use them). */
export function planDeploy(
  specs: readonly FunctionSpec[],
  remote: RemoteState,
  rules: RepoRules,
  indexes: readonly IndexSpec[] = INDEXES,
): Plan {
  const steps: Step[] = []
  const notes: string[] = []
  for (const c of COLLECTIONS) if (!remote.collections.has(c)) steps.push({ kind: 'createCollection', collection: c })
  for (const c of COLLECTIONS) {
    const have = (remote.indexes.get(c) ?? []).filter((ix) => ix.name !== '_id_')
    const want = indexes.filter((ix) => ix.collection === c)
    for (const ix of want) {
      const keys = indexKeys(ix)
      const unique = ix.unique === true
      if (have.some((h) => sameKeys(h.keys, keys) && h.unique === unique)) continue
      const clash = have.find((h) => h.name === indexName(ix))
      if (clash)
        steps.push({
          kind: 'dropIndex',
          collection: c,
          name: clash.name,
          why: '字段或唯一性与 server/indexes.ts 不同，删除后重建',
        })
      steps.push({ kind: 'createIndex', collection: c, index: ix })
    }
    for (const h of have)
      if (!want.some((ix) => sameKeys(h.keys, indexKeys(ix)) && h.unique === (ix.unique === true)))
        if (!want.some((ix) => indexName(ix) === h.name))
          notes.push(`集合 ${c} 的索引 ${h.name} 不在 server/indexes.ts 中，保留不动`)
  }
  const ruleCollections = [
    ...COLLECTIONS.filter((c) => !remote.collections.has(c)),
    ...remote.rules.collections.filter((c) => (COLLECTIONS as readonly string[]).includes(c)),
  ].filter((c) => c in rules.database)
  if (ruleCollections.length || remote.rules.storage)
    steps.push({ kind: 'applyRules', collections: ruleCollections, storage: remote.rules.storage })
  for (const fn of specs) steps.push(...functionSteps(fn, remote.functions.get(fn.name), notes))
  for (const name of remote.functions.keys())
    if (!specs.some((s) => s.name === name)) notes.push(`环境中的云函数 ${name} 不在 cloudbaserc.json 中，保留不动`)
  return { steps, notes }
}

function fnSummary(fn: FunctionSpec): string {
  const timers = fn.triggers.map((t) => `定时触发器 ${t.name}「${t.config}」`)
  const vars = Object.keys(fn.envVariables).length ? [`环境变量 ${fmtVariables(fn.envVariables)}`] : []
  return [
    fn.runtime,
    `超时 ${fn.timeout} 秒`,
    `内存 ${fn.memorySize} MB`,
    ...vars,
    ...timers,
    fn.installDependency ? '云端安装依赖（wx-server-sdk）' : '不在云端安装依赖',
    `上传 ${fn.files.join('、')}`,
  ].join('，')
}

export function describeStep(s: Step): string {
  switch (s.kind) {
    case 'createCollection':
      return `+ 新建集合 ${s.collection}`
    case 'dropIndex':
      return `- 删除集合 ${s.collection} 的索引 ${s.name}（${s.why}）`
    case 'createIndex':
      return `+ 集合 ${s.collection} 新建${s.index.unique ? '唯一' : ''}索引 ${indexName(s.index)}（${s.index.why}）`
    case 'applyRules': {
      const what = [
        ...(s.collections.length ? [`${s.collections.length} 个集合（${s.collections.join('、')}）`] : []),
        ...(s.storage ? ['云存储'] : []),
      ]
      return `~ 设置 ${what.join('和')}的安全规则（rules/）`
    }
    case 'createFunction':
      return `+ 新建云函数 ${s.fn.name}：${fnSummary(s.fn)}`
    case 'recreateFunction':
      return `! 重建云函数 ${s.fn.name}：环境中是 ${s.from}，运行时在创建后不能更改，需删除后以 ${s.fn.runtime} 重新创建（需要确认；删除到建好的一两分钟内不可调用）：${fnSummary(s.fn)}`
    case 'updateCode':
      return `~ 上传云函数 ${s.fn.name} 的代码（${s.why}；云端安装依赖）`
    case 'updateConfig':
      return `~ 更新云函数 ${s.fn.name} 的配置：${s.changes.join('；')}`
    case 'deleteTrigger':
      return `- 删除云函数 ${s.fn.name} 的触发器 ${s.trigger}（${s.why}）`
    case 'createTrigger':
      return `+ 云函数 ${s.fn.name} 新建定时触发器 ${s.trigger.name}「${s.trigger.config}」`
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Carrying it out.

/** A temporary folder with exactly the files that are uploaded. */
function stage(fn: FunctionSpec): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `deploy-${fn.name}-`))
  for (const f of fn.files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true })
    fs.copyFileSync(path.join(fn.dir, f), path.join(dir, f))
  }
  return dir
}

async function withCode<T>(fn: FunctionSpec, act: (dir: string) => Promise<T>): Promise<T> {
  const dir = stage(fn)
  try {
    return await act(dir)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** Carry out the steps; the ones that failed, with why. A function's later steps are skipped once one failed. */
export async function executePlan(
  m: DeployManager,
  steps: readonly Step[],
  rules: RepoRules,
  out: Output,
): Promise<string[]> {
  const failed: string[] = []
  const brokenFunctions = new Set<string>()
  for (const s of steps) {
    const fnName = 'fn' in s ? s.fn.name : undefined
    if (fnName && brokenFunctions.has(fnName)) continue
    try {
      switch (s.kind) {
        case 'createCollection':
          await m.createCollection(s.collection)
          break
        case 'dropIndex':
          await m.dropIndex(s.collection, s.name)
          break
        case 'createIndex':
          await m.createIndex(s.collection, s.index)
          break
        case 'applyRules': {
          const database = Object.fromEntries(s.collections.map((c) => [c, rules.database[c] ?? {}]))
          const bad = await applyRules(m.rules, { database, ...(s.storage ? { storage: rules.storage } : {}) }, out)
          if (bad.length) throw new Error(bad.join('；'))
          break
        }
        case 'createFunction':
          await withCode(s.fn, (dir) => m.createFunction(s.fn, dir))
          break
        case 'recreateFunction':
          await m.deleteFunction(s.fn.name)
          await withCode(s.fn, (dir) => m.createFunction(s.fn, dir))
          break
        case 'updateCode':
          await withCode(s.fn, (dir) => m.updateFunctionCode(s.fn, dir))
          break
        case 'updateConfig':
          await m.updateFunctionConfig(s.fn, s.clearVariables)
          break
        case 'deleteTrigger':
          await m.deleteTrigger(s.fn.name, s.trigger)
          break
        case 'createTrigger':
          await m.createTrigger(s.fn.name, s.trigger)
          break
      }
      if (s.kind !== 'applyRules') out.log(`完成 ${describeStep(s)}`)
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err)
      failed.push(`${describeStep(s)}：${why}`)
      out.error(`失败 ${describeStep(s)}：${why}`)
      if (fnName) brokenFunctions.add(fnName)
    }
  }
  return failed
}

// ---------------------------------------------------------------------------------------------------------------
// What is left to do by hand.

/** Privacy APIs the pages may call, and the 用户隐私保护指引 items each needs declared. */
const PRIVACY_APIS: Record<string, string[]> = {
  chooseMedia: ['摄像头', '相册（选中的照片或视频）'],
  chooseImage: ['摄像头', '相册（选中的照片或视频）'],
  scanCode: ['摄像头'],
  saveImageToPhotosAlbum: ['相册（仅写入）'],
  setClipboardData: ['剪贴板'],
  getClipboardData: ['剪贴板'],
  chooseMessageFile: ['选中的文件'],
  getLocation: ['位置信息'],
  chooseLocation: ['位置信息'],
  chooseAddress: ['通讯地址'],
  getPhoneNumber: ['手机号'],
}

/** APIs that reach a server other than CloudBase's, each needing its domain allow-listed. */
const DOMAIN_APIS: Record<string, string> = {
  request: 'request 合法域名',
  uploadFile: 'uploadFile 合法域名',
  downloadFile: 'downloadFile 合法域名',
  connectSocket: 'socket 合法域名',
}

function miniprogramCalls(root: string, apis: readonly string[]): Map<string, string[]> {
  const found = new Map<string, string[]>()
  const pattern = new RegExp(`\\bwx\\.(${apis.join('|')})\\(`, 'g')
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'miniprogram_npm') walk(p)
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
        for (const m of fs.readFileSync(p, 'utf8').matchAll(pattern)) {
          const api = m[1] as string
          found.set(api, [...new Set([...(found.get(api) ?? []), path.relative(root, p)])])
        }
      }
    }
  }
  walk(path.join(root, 'miniprogram'))
  return found
}

/** The steps the management API cannot do: the mini-program admin's, and the files the committee fills in. */
export function manualSteps(env: string, root = ROOT, templates: Record<string, string> = TEMPLATE_IDS): string[] {
  const lines: string[] = []
  const appid = (() => {
    try {
      return String(
        (JSON.parse(fs.readFileSync(path.join(root, 'project.config.json'), 'utf8')) as { appid?: unknown }).appid,
      )
    } catch {
      return ''
    }
  })()
  lines.push(
    /^wx0+$/.test(appid) || !/^wx[0-9a-f]{16}$/.test(appid)
      ? `AppID：project.config.json 的 appid 还是占位值 ${appid}，换成你的小程序 AppID（小程序后台「开发管理 → 开发设置」），环境 ${env} 要属于这个小程序。`
      : `AppID：project.config.json 的 appid 为 ${appid}；确认环境 ${env} 属于这个小程序（开发者工具「云开发」中能看到它）。`,
  )
  const config = fs.existsSync(path.join(root, 'miniprogram/config.ts'))
    ? fs.readFileSync(path.join(root, 'miniprogram/config.ts'), 'utf8')
    : ''
  const cloudEnv = /CLOUD_ENV\s*=\s*'([^']*)'/.exec(config)?.[1]
  if (cloudEnv === '')
    lines.push(
      `云开发环境：miniprogram/config.ts 的 CLOUD_ENV 为空，小程序用默认环境；如果 ${env} 不是默认环境，把它设为 '${env}'。`,
    )
  else if (cloudEnv !== undefined && cloudEnv !== env)
    lines.push(`云开发环境：miniprogram/config.ts 的 CLOUD_ENV 是 '${cloudEnv}'，不是 ${env}：小程序会连到另一个环境。`)
  const placeholders = Object.entries(templates).filter(([, id]) => /^TPL_/.test(id))
  lines.push(
    placeholders.length
      ? `订阅消息模板：${placeholders.map(([k]) => k).join('、')} 还是占位值。在小程序后台「订阅消息」选用模板（字段见 server/templates.ts），把模板 ID 填进 miniprogram/shared/constants.ts 的 TEMPLATE_IDS，然后 npm run build、再运行一次 npm run deploy（云函数带着模板 ID 重新上传），并在开发者工具中上传小程序。`
      : `订阅消息模板：TEMPLATE_IDS 已填写（${Object.keys(templates).length} 个）；确认小程序后台「订阅消息」中选用的就是这些模板，字段与 server/templates.ts 一致。`,
  )
  const privacy = miniprogramCalls(root, Object.keys(PRIVACY_APIS))
  if (privacy.size) {
    const items = [...new Set([...privacy.keys()].flatMap((api) => PRIVACY_APIS[api] ?? []))]
    lines.push(
      `用户隐私保护指引：在小程序后台「设置 → 服务内容声明 → 用户隐私保护指引」按 docs/privacy.md 填写并提交，其中要声明：${items.join('、')}（页面调用 ${[...privacy.keys()].map((a) => `wx.${a}`).join('、')}）；指引中没有声明的隐私接口，小程序调用时会失败。`,
    )
  }
  const domains = miniprogramCalls(root, Object.keys(DOMAIN_APIS))
  if (domains.size === 0)
    lines.push('服务器域名：小程序只经 wx.cloud 访问云开发，不需要配置 request / uploadFile / downloadFile 合法域名。')
  else
    for (const [api, files] of domains)
      lines.push(
        `服务器域名：${files.join('、')} 调用 wx.${api}，要在小程序后台「开发管理 → 开发设置 → 服务器域名」的「${DOMAIN_APIS[api]}」中加上它访问的域名（云存储的临时链接：getTempFileURL 返回地址的域名）。`,
      )
  lines.push(
    '云调用权限：各云函数 config.json 的 permissions.openapi 随代码上传；如果日志中发送订阅消息等报 -604101（没有调用权限），在开发者工具中右键该云函数目录 →「上传并部署：云端安装依赖」一次。',
  )
  lines.push('小程序本身：在开发者工具中「上传」代码，在小程序后台提交审核并发布（本命令只部署云开发环境）。')
  return lines
}

// ---------------------------------------------------------------------------------------------------------------
// The real management calls, through @cloudbase/manager-node.

interface ManagerNode {
  functions: {
    listAllFunctions(o: { envId: string }): Promise<Record<string, string>[]>
    getFunctionDetail(name: string): Promise<Record<string, unknown>>
    createFunction(o: object): Promise<unknown>
    deleteFunction(name: string): Promise<unknown>
    updateFunctionCode(o: object): Promise<unknown>
    updateFunctionConfig(o: object): Promise<unknown>
    createFunctionTriggers(name: string, triggers: object[]): Promise<unknown>
    deleteFunctionTrigger(name: string, trigger: string): Promise<unknown>
    waitFunctionActive(name: string): Promise<void>
  }
  database: {
    listCollections(o: { MgoLimit: number; MgoOffset: number }): Promise<{
      Collections?: { CollectionName: string }[]
      Pager?: { Total?: number }
    }>
    createCollection(name: string): Promise<unknown>
    describeCollection(name: string): Promise<{
      Indexes?: { Name: string; Keys?: { Name?: string; Direction?: string }[]; Unique?: boolean }[]
    }>
    updateCollection(name: string, o: object): Promise<unknown>
  }
  commonService(service?: string, version?: string): { call(o: { Action: string; Param: object }): Promise<unknown> }
}

/** A timer's schedule as GetFunction gives it: the cron itself, or `{"cron": …}`. */
export function triggerCron(desc: unknown): string {
  if (typeof desc !== 'string') return ''
  try {
    const parsed = JSON.parse(desc) as { cron?: unknown }
    if (parsed && typeof parsed.cron === 'string') return parsed.cron
  } catch {
    // The cron itself.
  }
  return desc
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export function managerFor(
  env: string,
  secretId: string,
  secretKey: string,
  appid?: string,
  wait: { pollMs: number; maxMs: number } = { pollMs: 3000, maxMs: 180_000 },
): DeployManager {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const CloudBase = require('@cloudbase/manager-node') as new (config: object) => ManagerNode
  const manager = new CloudBase({ secretId, secretKey, envId: env })
  const fns = manager.functions
  const db = manager.database
  const code = (spec: FunctionSpec) => ({
    name: spec.name,
    runtime: spec.runtime,
    handler: spec.handler,
    installDependency: spec.installDependency,
  })
  const config = (spec: FunctionSpec) => ({
    name: spec.name,
    timeout: spec.timeout,
    memorySize: spec.memorySize,
    installDependency: spec.installDependency,
    envVariables: spec.envVariables,
    description: spec.description,
  })
  return {
    async listFunctions() {
      const list = await fns.listAllFunctions({ envId: env })
      return list.map((f) => ({ name: String(f.FunctionName), runtime: String(f.Runtime) }))
    },
    async getFunction(name) {
      const d = (await fns.getFunctionDetail(name)) as {
        Runtime?: string
        Handler?: string
        Timeout?: number
        MemorySize?: number
        InstallDependency?: string
        Description?: string
        Environment?: { Variables?: { Key: string; Value: string }[] }
        Triggers?: { TriggerName?: string; Name?: string; Type?: string; TriggerDesc?: string; Config?: string }[]
      }
      return {
        name,
        runtime: d.Runtime ?? '',
        handler: d.Handler ?? '',
        timeout: d.Timeout ?? 0,
        memorySize: d.MemorySize ?? 0,
        installDependency: d.InstallDependency === 'TRUE',
        envVariables: Object.fromEntries((d.Environment?.Variables ?? []).map((v) => [v.Key, String(v.Value)])),
        triggers: (d.Triggers ?? []).map((t) => ({
          name: t.TriggerName ?? t.Name ?? '',
          type: t.Type ?? '',
          config: triggerCron(t.TriggerDesc ?? t.Config),
        })),
        description: d.Description ?? '',
      }
    },
    async createFunction(spec, codeDir) {
      await fns.createFunction({
        func: { ...code(spec), ...config(spec), triggers: spec.triggers },
        functionPath: codeDir,
        force: false,
      })
    },
    async deleteFunction(name) {
      await fns.deleteFunction(name)
      // Deletion finishes in the background; a function of the same name can be created once it is gone.
      for (let waited = 0; waited < wait.maxMs; waited += wait.pollMs) {
        try {
          await fns.getFunctionDetail(name)
        } catch (err) {
          if (/ResourceNotFound/i.test(String((err as { code?: string }).code ?? err))) return
          throw err
        }
        await sleep(wait.pollMs)
      }
      throw new Error(`删除 ${name} 后 ${wait.maxMs / 1000} 秒仍未完成`)
    },
    async updateFunctionCode(spec, codeDir) {
      await fns.updateFunctionCode({ func: code(spec), functionPath: codeDir })
      await fns.waitFunctionActive(spec.name)
    },
    async updateFunctionConfig(spec, clearVariables) {
      await fns.updateFunctionConfig(config(spec))
      await fns.waitFunctionActive(spec.name)
      // The SDK sends no variables when there are none, which would leave the old ones: clear them explicitly.
      if (clearVariables) {
        await manager.commonService('scf', '2018-04-16').call({
          Action: 'UpdateFunctionConfiguration',
          Param: { FunctionName: spec.name, Namespace: env, Environment: { Variables: [] } },
        })
        await fns.waitFunctionActive(spec.name)
      }
    },
    async createTrigger(fn, trigger) {
      await fns.createFunctionTriggers(fn, [trigger])
    },
    async deleteTrigger(fn, trigger) {
      await fns.deleteFunctionTrigger(fn, trigger)
    },
    async listCollections() {
      const names: string[] = []
      for (let offset = 0; ; offset += 100) {
        const res = await db.listCollections({ MgoLimit: 100, MgoOffset: offset })
        const page = (res.Collections ?? []).map((c) => c.CollectionName)
        names.push(...page)
        if (page.length < 100 || names.length >= (res.Pager?.Total ?? 0)) return names
      }
    },
    async createCollection(name) {
      await db.createCollection(name)
    },
    async listIndexes(collection) {
      const res = await db.describeCollection(collection)
      return (res.Indexes ?? []).map((ix) => ({
        name: ix.Name,
        keys: (ix.Keys ?? []).map((k) => ({ field: k.Name ?? '', direction: k.Direction === '-1' ? -1 : 1 })),
        unique: ix.Unique === true,
      }))
    },
    async createIndex(collection, index) {
      await db.updateCollection(collection, {
        CreateIndexes: [
          {
            IndexName: indexName(index),
            MgoKeySchema: {
              MgoIndexKeys: indexKeys(index).map((k) => ({ Name: k.field, Direction: String(k.direction) })),
              MgoIsUnique: index.unique === true,
            },
          },
        ],
      })
    },
    async dropIndex(collection, name) {
      await db.updateCollection(collection, { DropIndexes: [{ IndexName: name }] })
    },
    rules: rulesManagerFor(env, secretId, secretKey, appid),
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The command.

/** Ask on the terminal; without one, the answer is no (use --yes). */
export async function askOnTerminal(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout })
  try {
    const answer = await new Promise<string>((resolve) => rl.question(`${question}（输入 yes 确认）`, resolve))
    return answer.trim().toLowerCase() === 'yes'
  } finally {
    rl.close()
  }
}

function runBuild(): boolean {
  const res = spawnSync(process.execPath, [require.resolve('tsx/cli'), path.join(ROOT, 'scripts/build.ts')], {
    cwd: ROOT,
    stdio: 'inherit',
  })
  return res.status === 0
}

export interface DeployDeps {
  manager?: (env: string, secretId: string, secretKey: string, appid?: string) => DeployManager
  confirm?: (question: string) => Promise<boolean>
  build?: () => boolean
  root?: string
}

export async function run(
  argv: readonly string[],
  out: Output = { log: console.log, error: console.error },
  deps: DeployDeps = {},
): Promise<number> {
  const opts = readCommandLine(argv, parseArgs, USAGE, out)
  if (typeof opts === 'number') return opts
  const root = deps.root ?? ROOT
  let specs: FunctionSpec[]
  let rules: RepoRules
  let credentials: { secretId: string; secretKey: string }
  try {
    if (opts.build) {
      out.log('运行 npm run build')
      if (!(deps.build ?? runBuild)()) {
        out.error('npm run build 失败，没有部署')
        return 1
      }
    }
    specs = loadFunctionSpecs(root)
    const stale = staleBundles(specs, root)
    if (stale.length) {
      for (const line of stale) out.error(line)
      out.error('云函数代码缺失或比源码旧：先运行 npm run build（或加 --build），没有连接环境，没有改动任何东西')
      return 2
    }
    rules = loadRepoRules()
    credentials = cloudCredentials()
  } catch (err) {
    out.error(err instanceof Error ? err.message : String(err))
    return 2
  }
  const m = (deps.manager ?? managerFor)(
    opts.env,
    credentials.secretId,
    credentials.secretKey,
    opts.appid ?? projectAppid(),
  )
  out.log(`读取云开发环境 ${opts.env}`)
  let remote: RemoteState
  try {
    remote = await readRemote(m, specs, rules)
  } catch (err) {
    out.error(`读取环境 ${opts.env} 失败，没有改动任何东西：${err instanceof Error ? err.message : String(err)}`)
    return 1
  }
  const plan = planDeploy(specs, remote, rules)
  for (const n of plan.notes) out.log(`注意：${n}`)
  if (plan.steps.length === 0) out.log(`环境 ${opts.env} 已与仓库一致：没有要改的`)
  else {
    out.log(`部署计划（环境 ${opts.env}，${plan.steps.length} 项）：`)
    for (const s of plan.steps) out.log(`  ${describeStep(s)}`)
  }
  let failed: string[] = []
  let declined: Step[] = []
  if (opts.dryRun) out.log('--dry-run：只打印计划，没有改动任何东西')
  else if (plan.steps.length) {
    let steps = plan.steps
    const recreate = steps.filter((s) => s.kind === 'recreateFunction')
    if (recreate.length && !opts.yes) {
      const names = recreate.map((s) => s.fn.name).join('、')
      const ok = await (deps.confirm ?? askOnTerminal)(
        `要删除并重建云函数 ${names}（运行时不对，删除到建好之间不可调用）吗？`,
      )
      if (!ok) {
        declined = recreate
        steps = steps.filter((s) => s.kind !== 'recreateFunction')
        out.error(`没有确认：不重建 ${names}（可加 --yes 同意），其余照做`)
      }
    }
    failed = await executePlan(m, steps, rules, out)
  }
  out.log('')
  out.log('还要在小程序后台和仓库里手工完成：')
  for (const [i, line] of manualSteps(opts.env, root).entries()) out.log(`${i + 1}. ${line}`)
  if (failed.length) {
    out.error(`${failed.length} 项没有完成（再运行一次只会重做没完成的）：`)
    for (const f of failed) out.error(`  ${f}`)
    return 1
  }
  if (declined.length) return 1
  if (!opts.dryRun && plan.steps.length) out.log(`部署完成：${plan.steps.length} 项改动；安全规则 1–3 分钟后生效`)
  return 0
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
