// npm run deploy against a recording fake of the management API (localcloud does not speak it): a fresh
// environment gets everything, an up-to-date one only reads, a function on an old runtime is recreated only after a
// yes, a missing or stale bundle is refused before any call, --dry-run writes nothing; and the real adapter's
// @cloudbase/manager-node calls, with the SDK's services stubbed.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { COLLECTIONS } from '../../server/collections'
import { INDEXES, indexName } from '../../server/indexes'
import type { RemoteRule, RulesManager } from '../../scripts/rules'
import {
  describeFunction,
  loadFunctionSpecs,
  manualSteps,
  managerFor,
  run,
  triggerCron,
  type DeployManager,
  type FunctionSpec,
  type RemoteFunction,
  type RemoteIndex,
} from '../../scripts/deploy'

const ROOT = path.resolve(__dirname, '../..')

// ---------------------------------------------------------------------------------------------------------------
// A project on disk: two functions, one with a timer; bundles built after their sources.

const FUNCTIONS = [
  {
    name: 'alpha',
    timeout: 20,
    runtime: 'Nodejs20.19',
    installDependency: true,
    handler: 'index.main',
    triggers: [{ name: 'housekeeping', type: 'timer', config: '0 0 * * * * *' }],
  },
  { name: 'beta', timeout: 60, runtime: 'Nodejs20.19', installDependency: true, handler: 'index.main' },
]

function makeProject(functions: object[] = FUNCTIONS): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-project-'))
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
    fs.writeFileSync(path.join(root, rel), text)
  }
  write('cloudbaserc.json', JSON.stringify({ version: '2.0', functionRoot: './cloudfunctions', functions }))
  write('project.config.json', JSON.stringify({ appid: 'wx0000000000000000' }))
  write('miniprogram/config.ts', "export const CLOUD_ENV = ''\n")
  write('miniprogram/pages/photo.ts', 'wx.chooseMedia({ count: 1 })\nwx.downloadFile({ url })\n')
  for (const f of functions as { name: string }[]) {
    write(`cloudfunctions/${f.name}/src/index.ts`, 'export const main = async () => ({ ok: true })\n')
    write(`cloudfunctions/${f.name}/package.json`, JSON.stringify({ dependencies: { 'wx-server-sdk': '4.0.2' } }))
    write(`cloudfunctions/${f.name}/config.json`, JSON.stringify({ permissions: { openapi: [] } }))
    write(`cloudfunctions/${f.name}/index.js`, `exports.main = async () => ({ ok: true, name: '${f.name}' })\n`)
    write(`cloudfunctions/${f.name}/index.js.map`, '{}')
    // Sources an hour older than the bundle, from the files' own times (the clock may be faked, file times are not).
    setAge(root, `cloudfunctions/${f.name}/src/index.ts`, `cloudfunctions/${f.name}/index.js`, -3600)
  }
  return root
}

/** Give `file` the modification time of `than` plus `seconds`. */
function setAge(root: string, file: string, than: string, seconds: number) {
  const t = new Date(fs.statSync(path.join(root, than)).mtimeMs + seconds * 1000)
  fs.utimesSync(path.join(root, file), t, t)
}

// ---------------------------------------------------------------------------------------------------------------
// The recording fake: an environment in memory, every call logged (reads as `read …`).

class FakeEnv implements DeployManager {
  calls: string[] = []
  functions = new Map<string, RemoteFunction>()
  collections = new Set<string>()
  indexes = new Map<string, RemoteIndex[]>()
  dbRules = new Map<string, RemoteRule>()
  // New environments' default: everyone reads, the creator writes.
  storage: RemoteRule = { acl: 'READONLY' }
  uploaded = new Map<string, string[]>()
  rules: RulesManager

  constructor() {
    this.rules = {
      describeCollection: async (name) => {
        this.calls.push(`read rule ${name}`)
        if (!this.collections.has(name)) throw new Error(`collection ${name} not exists`)
        return this.dbRules.get(name) ?? { acl: 'PRIVATE' }
      },
      modifyCollection: async (name, rule) => {
        this.calls.push(`rule ${name}`)
        this.dbRules.set(name, { acl: 'CUSTOM', rule })
      },
      describeStorage: async () => {
        this.calls.push('read storage rule')
        return this.storage
      },
      modifyStorage: async (rule) => {
        this.calls.push('storage rule')
        this.storage = { acl: 'CUSTOM', rule }
      },
    }
  }

  get writes(): string[] {
    return this.calls.filter((c) => !c.startsWith('read '))
  }

  private fn(name: string): RemoteFunction {
    const f = this.functions.get(name)
    if (!f) throw Object.assign(new Error(`function ${name} not found`), { code: 'ResourceNotFound.Function' })
    return f
  }

  private remote(spec: FunctionSpec): RemoteFunction {
    return {
      name: spec.name,
      runtime: spec.runtime,
      handler: spec.handler,
      timeout: spec.timeout,
      memorySize: spec.memorySize,
      installDependency: spec.installDependency,
      envVariables: { ...spec.envVariables },
      triggers: spec.triggers.map((t) => ({ ...t })),
      description: spec.description,
    }
  }

  /** A function as a deploy of this spec leaves it (for the up-to-date case). */
  put(spec: FunctionSpec, patch: Partial<RemoteFunction> = {}) {
    this.functions.set(spec.name, { ...this.remote(spec), ...patch })
  }

  async listFunctions() {
    this.calls.push('read functions')
    return [...this.functions.values()].map((f) => ({ name: f.name, runtime: f.runtime }))
  }
  async getFunction(name: string) {
    this.calls.push(`read function ${name}`)
    return structuredClone(this.fn(name))
  }
  async createFunction(spec: FunctionSpec, dir: string) {
    this.calls.push(`create function ${spec.name} ${spec.runtime}`)
    if (this.functions.has(spec.name)) throw new Error('ResourceInUse.Function')
    this.uploaded.set(spec.name, fs.readdirSync(dir).sort())
    this.functions.set(spec.name, this.remote(spec))
  }
  async deleteFunction(name: string) {
    this.calls.push(`delete function ${name}`)
    this.fn(name)
    this.functions.delete(name)
  }
  async updateFunctionCode(spec: FunctionSpec, dir: string) {
    this.calls.push(`code ${spec.name}`)
    this.uploaded.set(spec.name, fs.readdirSync(dir).sort())
    this.fn(spec.name).handler = spec.handler
  }
  async updateFunctionConfig(spec: FunctionSpec, clearVariables: boolean) {
    this.calls.push(`config ${spec.name}${clearVariables ? ' clearing variables' : ''}`)
    Object.assign(this.fn(spec.name), {
      timeout: spec.timeout,
      memorySize: spec.memorySize,
      installDependency: spec.installDependency,
      envVariables: { ...spec.envVariables },
      description: spec.description,
    })
  }
  async createTrigger(fn: string, t: { name: string; type: string; config: string }) {
    this.calls.push(`create trigger ${fn}.${t.name}`)
    this.fn(fn).triggers.push({ ...t })
  }
  async deleteTrigger(fn: string, name: string) {
    this.calls.push(`delete trigger ${fn}.${name}`)
    const f = this.fn(fn)
    f.triggers = f.triggers.filter((t) => t.name !== name)
  }
  async listCollections() {
    this.calls.push('read collections')
    return [...this.collections]
  }
  async createCollection(name: string) {
    this.calls.push(`create collection ${name}`)
    this.collections.add(name)
    this.indexes.set(name, [{ name: '_id_', keys: [{ field: '_id', direction: 1 }], unique: true }])
  }
  async listIndexes(c: string) {
    this.calls.push(`read indexes ${c}`)
    return structuredClone(this.indexes.get(c) ?? [])
  }
  async createIndex(c: string, ix: { fields: readonly string[]; unique?: boolean }) {
    this.calls.push(`create index ${c}.${indexName(ix)}`)
    const keys = ix.fields.map((f) =>
      f.startsWith('-') ? { field: f.slice(1), direction: -1 as const } : { field: f, direction: 1 as const },
    )
    this.indexes.get(c)?.push({ name: indexName(ix), keys, unique: ix.unique === true })
  }
  async dropIndex(c: string, name: string) {
    this.calls.push(`drop index ${c}.${name}`)
    this.indexes.set(
      c,
      (this.indexes.get(c) ?? []).filter((i) => i.name !== name),
    )
  }
}

const quiet = () => {
  const lines: string[] = []
  return {
    lines,
    text: () => lines.join('\n'),
    out: { log: (l: string) => lines.push(l), error: (l: string) => lines.push(l) },
  }
}

const credentials = { ...process.env }
beforeEach(() => {
  process.env.TENCENTCLOUD_SECRETID = 'id'
  process.env.TENCENTCLOUD_SECRETKEY = 'key'
})
afterEach(() => {
  process.env = { ...credentials }
})

const projects: string[] = []
afterAll(() => {
  for (const p of projects) fs.rmSync(p, { recursive: true, force: true })
})
function project(functions?: object[]) {
  const root = makeProject(functions)
  projects.push(root)
  return root
}

async function deploy(root: string, env: FakeEnv, args: string[] = [], confirm = async () => false) {
  const q = quiet()
  const asked: string[] = []
  const code = await run(['--env', 'prod-1a2b', ...args], q.out, {
    root,
    manager: () => env,
    confirm: async (question) => {
      asked.push(question)
      return confirm()
    },
  })
  return { code, text: q.text(), asked }
}

/** An environment as a completed deploy of `root` leaves it. */
async function deployed(root: string): Promise<FakeEnv> {
  const env = new FakeEnv()
  expect((await deploy(root, env)).code).toBe(0)
  env.calls = []
  return env
}

// ---------------------------------------------------------------------------------------------------------------

describe('the functions it deploys', () => {
  it('are read from cloudbaserc.json, with what is uploaded and its digest in the description', () => {
    const specs = loadFunctionSpecs(project())
    expect(specs.map((s) => s.name)).toEqual(['alpha', 'beta'])
    const alpha = specs[0] as FunctionSpec
    expect(alpha).toMatchObject({
      runtime: 'Nodejs20.19',
      handler: 'index.main',
      timeout: 20,
      memorySize: 256,
      installDependency: true,
      envVariables: {},
      triggers: [{ name: 'housekeeping', type: 'timer', config: '0 0 * * * * *' }],
      files: ['config.json', 'index.js', 'package.json'],
    })
    expect(alpha.description).toBe(describeFunction('alpha', alpha.digest))
    expect(alpha.digest).toMatch(/^[0-9a-f]{16}$/)
  })

  it('are every function of the repository’s cloudbaserc.json', () => {
    const rc = JSON.parse(fs.readFileSync(path.join(ROOT, 'cloudbaserc.json'), 'utf8')) as {
      functions: { name: string; runtime: string }[]
    }
    const specs = loadFunctionSpecs(ROOT)
    expect(specs.map((s) => s.name)).toEqual(rc.functions.map((f) => f.name))
    for (const s of specs) {
      expect(s.runtime).toBe('Nodejs20.19')
      expect(s.installDependency).toBe(true)
      expect(s.files).not.toContain('src/index.ts')
      expect(s.files).toContain('package.json')
    }
  })

  it('refuse a localcloud variable, a missing runtime and a trigger that is not a timer', async () => {
    const bad = (patch: object) => project([{ ...FUNCTIONS[1], ...patch }])
    for (const [patch, message] of [
      [{ envVariables: { LOCALCLOUD_CLOCK_OFFSET_MS: '1000' } }, '只用于本地模拟器'],
      [{ runtime: undefined }, '没有写 runtime'],
      [{ triggers: [{ name: 'x', type: 'cos', config: 'y' }] }, '定时触发器'],
    ] as const) {
      const env = new FakeEnv()
      const r = await deploy(bad(patch), env)
      expect(r.code).toBe(2)
      expect(r.text).toContain(message)
      expect(env.calls).toEqual([])
    }
  })
})

describe('npm run deploy', () => {
  it('creates everything in a fresh environment', async () => {
    const root = project()
    const env = new FakeEnv()
    const r = await deploy(root, env)
    expect(r.code).toBe(0)
    expect(r.asked).toEqual([])
    expect(env.writes).toEqual([
      ...COLLECTIONS.map((c) => `create collection ${c}`),
      ...COLLECTIONS.flatMap((c) =>
        INDEXES.filter((ix) => ix.collection === c).map((ix) => `create index ${c}.${indexName(ix)}`),
      ),
      ...COLLECTIONS.map((c) => `rule ${c}`),
      'storage rule',
      'create function alpha Nodejs20.19',
      'create function beta Nodejs20.19',
    ])
    // The bundle with its package.json (wx-server-sdk installed in the cloud) and config.json; no source, no map.
    expect(env.uploaded.get('alpha')).toEqual(['config.json', 'index.js', 'package.json'])
    expect(env.functions.get('alpha')).toMatchObject({
      runtime: 'Nodejs20.19',
      timeout: 20,
      memorySize: 256,
      installDependency: true,
      triggers: [{ name: 'housekeeping', type: 'timer', config: '0 0 * * * * *' }],
    })
    expect(env.dbRules.get('roles')).toEqual({ acl: 'CUSTOM', rule: { read: false, write: false } })
    expect(r.text).toContain('部署完成')
  })

  it('only reads an environment that is up to date: a second run changes nothing', async () => {
    const root = project()
    const env = await deployed(root)
    const r = await deploy(root, env)
    expect(r.code).toBe(0)
    expect(env.writes).toEqual([])
    expect(env.calls).toContain('read function alpha')
    expect(env.calls).toContain('read indexes roles')
    expect(r.text).toContain('没有要改的')
  })

  it('uploads changed code, and sets what drifted: timeout, variables, timers, an index', async () => {
    const root = project()
    const env = await deployed(root)
    fs.appendFileSync(path.join(root, 'cloudfunctions/beta/index.js'), '// changed\n')
    const alpha = env.functions.get('alpha') as RemoteFunction
    alpha.timeout = 3
    alpha.envVariables = { LOCALCLOUD_CLOCK_OFFSET_MS: '86400000' }
    alpha.triggers = [
      { name: 'housekeeping', type: 'timer', config: '0 */5 * * * * *' },
      { name: 'old', type: 'timer', config: '0 0 1 * * * *' },
    ]
    const roles = env.indexes.get('roles') as RemoteIndex[]
    const openid = roles.find((i) => i.name === 'openid_1') as RemoteIndex
    openid.keys = [{ field: 'openid', direction: -1 }]
    roles.push({ name: 'byHand', keys: [{ field: 'note', direction: 1 }], unique: false })
    const r = await deploy(root, env)
    expect(r.code).toBe(0)
    expect(env.writes).toEqual([
      'drop index roles.openid_1',
      'create index roles.openid_1',
      'config alpha clearing variables',
      'delete trigger alpha.housekeeping',
      'delete trigger alpha.old',
      'create trigger alpha.housekeeping',
      'code beta',
      'config beta',
    ])
    expect(r.text).toContain('超时 3 → 20 秒')
    expect(r.text).toContain('环境变量 LOCALCLOUD_CLOCK_OFFSET_MS → （无）')
    expect(r.text).toContain('集合 roles 的索引 byHand 不在 server/indexes.ts 中，保留不动')
    expect((await deploy(root, env)).code).toBe(0)
    expect(env.writes.slice(8)).toEqual([])
  })

  it('recreates a function on an old runtime only after a yes', async () => {
    const root = project()
    const env = await deployed(root)
    const [alpha] = loadFunctionSpecs(root) as [FunctionSpec]
    env.put(alpha, { runtime: 'Nodejs16.13', description: '' })

    const no = await deploy(root, env)
    expect(no.code).toBe(1)
    expect(no.asked).toHaveLength(1)
    expect(no.asked[0]).toContain('alpha')
    expect(no.text).toContain('环境中是 Nodejs16.13，运行时在创建后不能更改')
    expect(no.text).toContain('没有确认：不重建 alpha')
    expect(env.writes).toEqual([])
    expect(env.functions.get('alpha')?.runtime).toBe('Nodejs16.13')

    const yes = await deploy(root, env, [], async () => true)
    expect(yes.code).toBe(0)
    expect(env.writes).toEqual(['delete function alpha', 'create function alpha Nodejs20.19'])
    expect(env.functions.get('alpha')?.runtime).toBe('Nodejs20.19')

    env.put(alpha, { runtime: 'Nodejs16.13' })
    env.calls = []
    const flag = await deploy(root, env, ['--yes'])
    expect(flag.code).toBe(0)
    expect(flag.asked).toEqual([])
    expect(env.writes).toEqual(['delete function alpha', 'create function alpha Nodejs20.19'])
  })

  it('refuses a missing or stale bundle before any call', async () => {
    const missing = project()
    fs.rmSync(path.join(missing, 'cloudfunctions/beta/index.js'))
    const stale = project()
    fs.appendFileSync(path.join(stale, 'cloudfunctions/alpha/src/index.ts'), '// edited after the build\n')
    setAge(stale, 'cloudfunctions/alpha/src/index.ts', 'cloudfunctions/alpha/index.js', 60)
    for (const [root, message] of [
      [missing, 'beta：没有 cloudfunctions/beta/index.js'],
      [stale, 'alpha：cloudfunctions/alpha/index.js 比 cloudfunctions/alpha/src/index.ts 旧'],
    ] as const) {
      const q = quiet()
      const manager = jest.fn(() => new FakeEnv())
      expect(await run(['--env', 'prod-1a2b'], q.out, { root, manager })).toBe(2)
      expect(manager).not.toHaveBeenCalled()
      expect(q.text()).toContain(message)
      expect(q.text()).toContain('先运行 npm run build')
    }
  })

  it('with --build builds first, and stops when the build fails', async () => {
    const root = project()
    fs.rmSync(path.join(root, 'cloudfunctions/beta/index.js'))
    const build = jest.fn(() => {
      fs.writeFileSync(path.join(root, 'cloudfunctions/beta/index.js'), 'exports.main = async () => ({})\n')
      return true
    })
    const env = new FakeEnv()
    expect(await run(['--env', 'prod-1a2b', '--build'], quiet().out, { root, manager: () => env, build })).toBe(0)
    expect(build).toHaveBeenCalledTimes(1)
    expect(env.writes).toContain('create function beta Nodejs20.19')
    const manager = jest.fn(() => new FakeEnv())
    expect(await run(['--env', 'prod-1a2b', '--build'], quiet().out, { root, manager, build: () => false })).toBe(1)
    expect(manager).not.toHaveBeenCalled()
  })

  it('with --dry-run prints the plan and writes nothing', async () => {
    const root = project()
    const env = new FakeEnv()
    const r = await deploy(root, env, ['--dry-run'])
    expect(r.code).toBe(0)
    expect(env.writes).toEqual([])
    expect(env.calls).toContain('read functions')
    expect(r.text).toContain('+ 新建集合 communities')
    expect(r.text).toContain('+ 集合 roles 新建索引 openid_1')
    expect(r.text).toContain(`设置 ${COLLECTIONS.length} 个集合`)
    expect(r.text).toMatch(/\+ 新建云函数 alpha：Nodejs20\.19，超时 20 秒，内存 256 MB，定时触发器 housekeeping/)
    expect(r.text).toContain('--dry-run：只打印计划，没有改动任何东西')

    const old = await deployed(root)
    const [alpha] = loadFunctionSpecs(root) as [FunctionSpec]
    old.put(alpha, { runtime: 'Nodejs16.13' })
    const dry = await deploy(root, old, ['--dry-run'])
    expect(dry.asked).toEqual([])
    expect(dry.text).toContain('! 重建云函数 alpha')
    expect(old.writes).toEqual([])
  })

  it('goes on past a failed step, skips that function’s later steps, and exits 1', async () => {
    const root = project()
    const env = new FakeEnv()
    env.createFunction = async (spec) => {
      env.calls.push(`create function ${spec.name}`)
      if (spec.name === 'alpha') throw new Error('quota exceeded')
      env.functions.set(spec.name, { ...(loadFunctionSpecs(root)[1] as unknown as RemoteFunction), triggers: [] })
    }
    const r = await deploy(root, env)
    expect(r.code).toBe(1)
    expect(env.writes.slice(-2)).toEqual(['create function alpha', 'create function beta'])
    expect(r.text).toContain('失败 + 新建云函数 alpha')
    expect(r.text).toContain('quota exceeded')
  })

  it('needs an environment and the credentials', async () => {
    expect(await run([], quiet().out, { root: project() })).toBe(2)
    delete process.env.TENCENTCLOUD_SECRETKEY
    const q = quiet()
    const manager = jest.fn(() => new FakeEnv())
    expect(await run(['--env', 'prod-1a2b'], q.out, { root: project(), manager })).toBe(2)
    expect(q.text()).toContain('TENCENTCLOUD_SECRETKEY')
    expect(manager).not.toHaveBeenCalled()
  })
})

describe('what is left to do by hand', () => {
  it('names the AppID, the templates and where their ids go, the privacy guide and the domains', () => {
    const root = project()
    const lines = manualSteps('prod-1a2b', root, { joinRequest: 'TPL_JOIN_REQUEST', abnormal: 'real-id-1' })
    const text = lines.join('\n')
    expect(text).toContain('appid 还是占位值 wx0000000000000000')
    expect(text).toContain("CLOUD_ENV 为空，小程序用默认环境；如果 prod-1a2b 不是默认环境，把它设为 'prod-1a2b'")
    expect(text).toContain('订阅消息模板：joinRequest 还是占位值')
    expect(text).toContain('miniprogram/shared/constants.ts 的 TEMPLATE_IDS')
    expect(text).toContain('用户隐私保护指引')
    expect(text).toContain('要声明：摄像头、相册（选中的照片或视频）（页面调用 wx.chooseMedia）')
    expect(text).toContain('miniprogram/pages/photo.ts 调用 wx.downloadFile')
    expect(text).toContain('downloadFile 合法域名')
  })

  it('says so when no domain is needed and every template is set', () => {
    const root = project()
    fs.writeFileSync(path.join(root, 'miniprogram/pages/photo.ts'), 'wx.cloud.downloadFile({ fileID })\n')
    const text = manualSteps('prod-1a2b', root, { joinRequest: 'real-id-1' }).join('\n')
    expect(text).toContain('不需要配置 request / uploadFile / downloadFile 合法域名')
    expect(text).toContain('TEMPLATE_IDS 已填写（1 个）')
    expect(text).not.toContain('用户隐私保护指引')
  })

  it('are printed after a deploy, also after a dry run', async () => {
    const r = await deploy(project(), new FakeEnv(), ['--dry-run'])
    expect(r.text).toContain('还要在小程序后台和仓库里手工完成')
    expect(r.text).toContain('1. AppID')
  })
})

// ---------------------------------------------------------------------------------------------------------------

describe('the management SDK calls', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { FunctionService } = require('@cloudbase/manager-node/lib/function') as {
    FunctionService: { prototype: Record<string, (...a: unknown[]) => Promise<unknown>> }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DatabaseService } = require('@cloudbase/manager-node/lib/database') as {
    DatabaseService: { prototype: Record<string, (...a: unknown[]) => Promise<unknown>> }
  }
  afterEach(() => jest.restoreAllMocks())
  const spec = () => loadFunctionSpecs(project())[0] as FunctionSpec

  it('create a function with its runtime, configuration, timers and the staged code', async () => {
    const create = jest.spyOn(FunctionService.prototype, 'createFunction').mockResolvedValue({})
    const s = spec()
    await managerFor('prod-1a2b', 'id', 'key').createFunction(s, '/tmp/staged')
    expect(create).toHaveBeenCalledWith({
      func: {
        name: 'alpha',
        runtime: 'Nodejs20.19',
        handler: 'index.main',
        installDependency: true,
        timeout: 20,
        memorySize: 256,
        envVariables: {},
        description: s.description,
        triggers: [{ name: 'housekeeping', type: 'timer', config: '0 0 * * * * *' }],
      },
      functionPath: '/tmp/staged',
      force: false,
    })
  })

  it('read a function as GetFunction gives it', async () => {
    jest.spyOn(FunctionService.prototype, 'getFunctionDetail').mockResolvedValue({
      Runtime: 'Nodejs16.13',
      Handler: 'index.main',
      Timeout: 20,
      MemorySize: 256,
      InstallDependency: 'TRUE',
      Description: 'x',
      Environment: { Variables: [{ Key: 'A', Value: '1' }] },
      Triggers: [{ TriggerName: 'housekeeping', Type: 'timer', TriggerDesc: '{"cron":"0 0 * * * * *"}' }],
    })
    expect(await managerFor('prod-1a2b', 'id', 'key').getFunction('alpha')).toEqual({
      name: 'alpha',
      runtime: 'Nodejs16.13',
      handler: 'index.main',
      timeout: 20,
      memorySize: 256,
      installDependency: true,
      envVariables: { A: '1' },
      triggers: [{ name: 'housekeeping', type: 'timer', config: '0 0 * * * * *' }],
      description: 'x',
    })
    expect(triggerCron('0 0 * * * * *')).toBe('0 0 * * * * *')
  })

  it('update code and configuration, waiting until the function is active after each', async () => {
    const order: string[] = []
    jest.spyOn(FunctionService.prototype, 'updateFunctionCode').mockImplementation(async () => order.push('code'))
    jest.spyOn(FunctionService.prototype, 'updateFunctionConfig').mockImplementation(async (o) => {
      order.push(`config ${JSON.stringify(o)}`)
    })
    jest.spyOn(FunctionService.prototype, 'waitFunctionActive').mockImplementation(async () => order.push('wait'))
    const s = spec()
    const m = managerFor('prod-1a2b', 'id', 'key')
    await m.updateFunctionCode(s, '/tmp/staged')
    await m.updateFunctionConfig(s, false)
    expect(order).toEqual([
      'code',
      'wait',
      `config ${JSON.stringify({ name: 'alpha', timeout: 20, memorySize: 256, installDependency: true, envVariables: {}, description: s.description })}`,
      'wait',
    ])
  })

  it('delete a function and wait until it is gone', async () => {
    jest.spyOn(FunctionService.prototype, 'deleteFunction').mockResolvedValue({})
    const detail = jest
      .spyOn(FunctionService.prototype, 'getFunctionDetail')
      .mockResolvedValueOnce({ Status: 'Deleting' })
      .mockRejectedValueOnce(Object.assign(new Error('gone'), { code: 'ResourceNotFound.Function' }))
    await managerFor('prod-1a2b', 'id', 'key', undefined, { pollMs: 1, maxMs: 1000 }).deleteFunction('alpha')
    expect(detail).toHaveBeenCalledTimes(2)
  })

  it('create, read and drop indexes through UpdateTable / DescribeTable', async () => {
    const update = jest.spyOn(DatabaseService.prototype, 'updateCollection').mockResolvedValue({})
    jest.spyOn(DatabaseService.prototype, 'describeCollection').mockResolvedValue({
      Indexes: [
        { Name: '_id_', Keys: [{ Name: '_id', Direction: '1' }], Unique: true },
        {
          Name: 'communityId_1_openedAt_-1',
          Keys: [
            { Name: 'communityId', Direction: '1' },
            { Name: 'openedAt', Direction: '-1' },
          ],
          Unique: false,
        },
      ],
    })
    jest
      .spyOn(DatabaseService.prototype, 'listCollections')
      .mockResolvedValue({ Collections: [{ CollectionName: 'rounds' }], Pager: { Total: 1 } })
    const m = managerFor('prod-1a2b', 'id', 'key')
    await m.createIndex('rounds', { collection: 'rounds', fields: ['communityId', '-openedAt'], why: '' })
    await m.dropIndex('rounds', 'old_1')
    expect(update.mock.calls).toEqual([
      [
        'rounds',
        {
          CreateIndexes: [
            {
              IndexName: 'communityId_1_openedAt_-1',
              MgoKeySchema: {
                MgoIndexKeys: [
                  { Name: 'communityId', Direction: '1' },
                  { Name: 'openedAt', Direction: '-1' },
                ],
                MgoIsUnique: false,
              },
            },
          ],
        },
      ],
      ['rounds', { DropIndexes: [{ IndexName: 'old_1' }] }],
    ])
    expect((await m.listIndexes('rounds'))[1]).toEqual({
      name: 'communityId_1_openedAt_-1',
      keys: [
        { field: 'communityId', direction: 1 },
        { field: 'openedAt', direction: -1 },
      ],
      unique: false,
    })
    expect(await m.listCollections()).toEqual(['rounds'])
  })
})
