// npm run rules: what it applies (one closed rule per collection, the creator-only storage rule), how it compares
// with an environment, and the management SDK calls it makes. No network: the manager is a fake, or the SDK's own
// services with their request method stubbed.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { COLLECTIONS } from '../../server/collections'
import {
  applyRules,
  checkRules,
  loadRepoRules,
  managerFor,
  run,
  type RemoteRule,
  type RulesManager,
} from '../../scripts/rules'

const CLOSED = { read: false, write: false }
const CREATOR = { read: 'resource.openid == auth.openid', write: 'resource.openid == auth.openid' }

function fakeManager(remote: Record<string, RemoteRule | Error> = {}) {
  const calls: string[] = []
  const m: RulesManager = {
    async describeCollection(name) {
      const r = remote[name] ?? { acl: 'CUSTOM', rule: CLOSED }
      if (r instanceof Error) throw r
      return r
    },
    async modifyCollection(name, rule) {
      if (remote[name] instanceof Error) throw remote[name]
      calls.push(`collection ${name} ${JSON.stringify(rule)}`)
    },
    async describeStorage() {
      const r = remote.storage ?? { acl: 'CUSTOM', rule: CREATOR }
      if (r instanceof Error) throw r
      return r
    },
    async modifyStorage(rule) {
      calls.push(`storage ${JSON.stringify(rule)}`)
    },
  }
  return { m, calls }
}

const quiet = () => {
  const lines: string[] = []
  return { lines, out: { log: (l: string) => lines.push(l), error: (l: string) => lines.push(l) } }
}

describe('the rules in the repository', () => {
  it('close every collection of server/collections.ts, and give the bucket the creator-only rule', () => {
    const rules = loadRepoRules()
    expect(Object.keys(rules.database).sort()).toEqual([...COLLECTIONS].sort())
    for (const rule of Object.values(rules.database)) expect(rule).toEqual(CLOSED)
    expect(rules.storage).toEqual(CREATOR)
  })

  it('are refused when a collection is missing, one is extra, or an expression is bad', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rules-'))
    const write = (db: object, storage: object = CREATOR) => {
      fs.writeFileSync(path.join(dir, 'database.json'), JSON.stringify(db))
      fs.writeFileSync(path.join(dir, 'storage.json'), JSON.stringify(storage))
    }
    write({ a: CLOSED })
    expect(() => loadRepoRules(dir, ['a', 'b'])).toThrow('缺少集合：b')
    write({ a: CLOSED, b: CLOSED, c: CLOSED })
    expect(() => loadRepoRules(dir, ['a', 'b'])).toThrow('没有的集合：c')
    write({ a: { read: 'doc.x.startsWith(1)', write: false } })
    expect(() => loadRepoRules(dir, ['a'])).toThrow(/function calls/)
    fs.rmSync(dir, { recursive: true })
  })
})

describe('applying and checking', () => {
  it('sets every collection and the bucket', async () => {
    const { m, calls } = fakeManager()
    expect(await applyRules(m, loadRepoRules(), quiet().out)).toEqual([])
    expect(calls).toEqual([
      ...COLLECTIONS.map((c) => `collection ${c} ${JSON.stringify(CLOSED)}`),
      `storage ${JSON.stringify(CREATOR)}`,
    ])
  })

  it('lists what failed and goes on with the rest', async () => {
    const { m, calls } = fakeManager({ roles: new Error('collection not exists') })
    const failed = await applyRules(m, loadRepoRules(), quiet().out)
    expect(failed).toEqual(['集合 roles 的安全规则：collection not exists'])
    expect(calls).toHaveLength(COLLECTIONS.length)
  })

  it('finds an environment equal when it has the same rules, custom or as the equivalent simple permission', async () => {
    expect(await checkRules(fakeManager().m, loadRepoRules())).toEqual([])
    const simple = fakeManager({ roles: { acl: 'ADMINONLY' }, storage: { acl: 'PRIVATE' } })
    expect(await checkRules(simple.m, loadRepoRules())).toEqual([])
  })

  it('reports every difference, and an unreadable rule as one', async () => {
    const { m } = fakeManager({
      roles: { acl: 'PRIVATE' },
      households: { acl: 'CUSTOM', rule: { read: true, write: false } },
      rounds: new Error('no permission'),
      storage: { acl: 'READONLY' },
    })
    const diffs = await checkRules(m, loadRepoRules())
    expect(diffs.map((d) => d.target).sort()).toEqual(['云存储', '集合 households', '集合 roles', '集合 rounds'].sort())
    expect(diffs.find((d) => d.target === '集合 rounds')?.remote).toEqual({ error: 'no permission' })
  })
})

describe('npm run rules', () => {
  const env = { ...process.env }
  afterEach(() => {
    process.env = { ...env }
  })

  it('without --env only prints the JSON and the console steps', async () => {
    const { lines, out } = quiet()
    const noManager = (): RulesManager => {
      throw new Error('no manager without --env')
    }
    expect(await run([], out, noManager)).toBe(0)
    const text = lines.join('\n')
    expect(text).toContain('"read": "resource.openid == auth.openid"')
    expect(text).toContain('「数据库」→ 逐个集合 →「数据权限」→「自定义安全规则」')
    expect(text).toContain(`适用的集合（${COLLECTIONS.length} 个）`)
    expect(text).toContain('未改动任何环境')
  })

  it('needs the credentials for an environment', async () => {
    delete process.env.TENCENTCLOUD_SECRETID
    delete process.env.TENCENTCLOUD_SECRETKEY
    const { lines, out } = quiet()
    expect(await run(['--env', 'prod-1a2b'], out)).toBe(2)
    expect(lines.join('\n')).toContain('TENCENTCLOUD_SECRETID')
  })

  it('applies, checks, and exits 1 with the console steps when something differs or fails', async () => {
    process.env.TENCENTCLOUD_SECRETID = 'id'
    process.env.TENCENTCLOUD_SECRETKEY = 'key'
    const good = fakeManager()
    expect(await run(['--env', 'prod-1a2b'], quiet().out, () => good.m)).toBe(0)
    expect(await run(['--env', 'prod-1a2b', '--check'], quiet().out, () => good.m)).toBe(0)
    const drift = fakeManager({ roles: { acl: 'READONLY' } })
    const checked = quiet()
    expect(await run(['--env', 'prod-1a2b', '--check'], checked.out, () => drift.m)).toBe(1)
    expect(checked.lines.join('\n')).toContain('集合 roles 与 rules/ 不一致')
    const broken = fakeManager({ roles: new Error('boom') })
    const applied = quiet()
    expect(await run(['--env', 'prod-1a2b'], applied.out, () => broken.m)).toBe(1)
    expect(applied.lines.join('\n')).toContain('在云开发控制台手工设置')
  })

  it('refuses --check without an environment, and unknown flags', async () => {
    expect(await run(['--check'], quiet().out)).toBe(2)
    expect(await run(['--everything'], quiet().out)).toBe(2)
  })
})

describe('the management SDK calls', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CommonService } = require('@cloudbase/manager-node/lib/common') as {
    CommonService: { prototype: { call(o: unknown): Promise<unknown> } }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { StorageService } = require('@cloudbase/manager-node/lib/storage') as {
    StorageService: { prototype: Record<string, (...a: unknown[]) => Promise<unknown>> }
  }

  afterEach(() => jest.restoreAllMocks())

  it('sets and reads a collection rule with the tcb API’s ModifySafeRule / DescribeSafeRule', async () => {
    const call = jest
      .spyOn(CommonService.prototype, 'call')
      .mockResolvedValueOnce({})
      .mockResolvedValueOnce({ AclTag: 'CUSTOM', Rule: JSON.stringify(CLOSED) })
    const m = managerFor('prod-1a2b', 'id', 'key', 'wx1234567890abcdef')
    await m.modifyCollection('roles', CLOSED)
    expect(await m.describeCollection('roles')).toEqual({ acl: 'CUSTOM', rule: CLOSED })
    expect(call.mock.calls).toEqual([
      [
        {
          Action: 'ModifySafeRule',
          Param: { EnvId: 'prod-1a2b', CollectionName: 'roles', AclTag: 'CUSTOM', Rule: JSON.stringify(CLOSED) },
        },
      ],
      [
        {
          Action: 'DescribeSafeRule',
          Param: { EnvId: 'prod-1a2b', CollectionName: 'roles', WxAppId: 'wx1234567890abcdef' },
        },
      ],
    ])
  })

  it('sets and reads the bucket rule with storage.setStorageAcl / getStorageAcl', async () => {
    const set = jest.spyOn(StorageService.prototype, 'setStorageAcl').mockResolvedValue({})
    const get = jest
      .spyOn(StorageService.prototype, 'getStorageAcl')
      .mockResolvedValue({ acl: 'CUSTOM', rule: CREATOR })
    const m = managerFor('prod-1a2b', 'id', 'key')
    await m.modifyStorage(CREATOR)
    expect(await m.describeStorage()).toEqual({ acl: 'CUSTOM', rule: CREATOR })
    expect(set).toHaveBeenCalledWith('CUSTOM', CREATOR)
    expect(get).toHaveBeenCalledWith({ withRule: true })
  })
})
