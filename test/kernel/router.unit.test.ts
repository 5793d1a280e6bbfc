import type { RoleGrant } from '../../typings/api'
import { action, AppError, defineFunction, hasRole, parseInput, scopeCovers, z } from '../../server/kernel'

const identity = (openid?: string, source = openid ? 'wx_client' : 'wx_trigger') => ({
  getWXContext: () => (openid ? { OPENID: openid, SOURCE: source } : { SOURCE: source }),
})

describe('parseInput', () => {
  const schema = z
    .object({
      room: z.string().min(3).describe('房号'),
      people: z.number().int().min(1).max(20).describe('人数'),
      members: z.array(z.object({ name: z.string().min(1).describe('姓名') })).optional(),
      result: z.enum(['negative', 'positive']).optional().describe('结果'),
    })
    .strict()

  const fails = (value: unknown) => {
    try {
      parseInput(schema, value)
    } catch (err) {
      return err
    }
    throw new Error('expected a failure')
  }

  it('returns parsed data', () => {
    expect(parseInput(schema, { room: '201', people: 2 })).toEqual({ room: '201', people: 2 })
  })

  it.each([
    [{ people: 2 }, '请填写「房号」', 'room'],
    [{ room: 201, people: 2 }, '「房号」的格式不正确', 'room'],
    [{ room: '2', people: 2 }, '「房号」至少需要 3 个字', 'room'],
    [{ room: '201', people: 0 }, '「人数」不能小于 1', 'people'],
    [{ room: '201', people: 21 }, '「人数」不能大于 20', 'people'],
    [{ room: '201', people: 1, members: [{ name: '' }] }, '「姓名」至少需要 1 个字', 'members.0.name'],
    [{ room: '201', people: 1, result: 'maybe' }, '「结果」的取值不在允许范围内', 'result'],
    [{ room: '201', people: 1, extra: true }, '不认识的字段：extra', 'extra'],
  ])('names the field in Chinese for %j', (value, message, field) => {
    const err = fails(value)
    expect(err).toBeInstanceOf(AppError)
    expect(err).toMatchObject({ code: 'INVALID_INPUT', message, field })
  })
})

describe('scopes', () => {
  const building = { communityId: 'c1', groupId: 'g1', buildingId: 'b1', householdId: 'h1' }

  it('covers the subtree and nothing outside it', () => {
    expect(scopeCovers({ communityId: 'c1' }, building)).toBe(true)
    expect(scopeCovers({ communityId: 'c1', groupId: 'g1' }, building)).toBe(true)
    expect(scopeCovers({ communityId: 'c1', buildingId: 'b1' }, building)).toBe(true)
    expect(scopeCovers({ communityId: 'c1', buildingId: 'b2' }, building)).toBe(false)
    expect(scopeCovers({ communityId: 'c2' }, building)).toBe(false)
    expect(scopeCovers({ communityId: 'c1', buildingId: 'b1' }, { communityId: 'c1', groupId: 'g1' })).toBe(false)
  })

  it('checks the role and the scope together', () => {
    const grants: RoleGrant[] = [
      { role: 'buildingLead', scope: { communityId: 'c1', buildingId: 'b1' } },
      { role: 'resident', scope: { communityId: 'c1', buildingId: 'b2', householdId: 'h9' } },
    ]
    expect(hasRole(grants, ['buildingLead'], building)).toBe(true)
    expect(hasRole(grants, ['buildingLead'], { ...building, buildingId: 'b2' })).toBe(false)
    expect(hasRole(grants, ['committee'], building)).toBe(false)
    expect(hasRole(grants, ['resident'])).toBe(true)
  })
})

describe('defineFunction', () => {
  const written: string[] = []
  const logged: unknown[] = []
  const grantsByOpenid: Record<string, RoleGrant[]> = {
    lead: [{ role: 'buildingLead', scope: { communityId: 'c1', buildingId: 'b1' } }],
  }
  const main = defineFunction({
    name: 'test',
    identity: { getWXContext: () => ({}) },
    loadGrants: async () => [],
    actions: {},
  })
  const fn = (openid?: string, source?: string) =>
    defineFunction({
      name: 'test',
      identity: identity(openid, source),
      loadGrants: async (caller) => grantsByOpenid[caller.openid] ?? [],
      logError: (_m, err) => logged.push(err),
      timers: { cleanup: async () => ({ removed: 3 }) },
      actions: {
        confirm: action({
          input: z.object({ buildingId: z.string().describe('楼栋') }).strict(),
          access: {
            roles: ['buildingLead', 'committee'],
            scope: (i) => ({ communityId: 'c1', buildingId: i.buildingId }),
          },
          handler: async (input) => {
            written.push(input.buildingId)
            return { confirmed: input.buildingId }
          },
        }),
        boom: action({
          input: z.object({}),
          access: { signedIn: true },
          handler: async () => {
            throw new Error('secret detail at /srv/app.js:12')
          },
        }),
      },
    })

  beforeEach(() => {
    written.length = 0
    logged.length = 0
  })

  it('runs an allowed action', async () => {
    await expect(fn('lead')({ action: 'confirm', payload: { buildingId: 'b1' } })).resolves.toEqual({
      ok: true,
      data: { confirmed: 'b1' },
    })
    expect(written).toEqual(['b1'])
  })

  it('refuses outside the caller’s scope and writes nothing', async () => {
    await expect(fn('lead')({ action: 'confirm', payload: { buildingId: 'b2' } })).resolves.toEqual({
      ok: false,
      code: 'FORBIDDEN',
      message: '您没有权限进行此操作',
    })
    await expect(fn('stranger')({ action: 'confirm', payload: { buildingId: 'b1' } })).resolves.toMatchObject({
      code: 'FORBIDDEN',
    })
    expect(written).toEqual([])
  })

  it('validates before checking permission', async () => {
    await expect(fn('stranger')({ action: 'confirm', payload: {} })).resolves.toMatchObject({
      code: 'INVALID_INPUT',
      message: '请填写「楼栋」',
    })
  })

  it('hides unexpected errors behind INTERNAL and logs them server-side', async () => {
    const reply = await fn('lead')({ action: 'boom' })
    expect(reply).toEqual({ ok: false, code: 'INTERNAL', message: '系统繁忙，请稍后再试' })
    expect(JSON.stringify(reply)).not.toContain('secret')
    expect(logged).toHaveLength(1)
  })

  it('does not route to inherited object properties', async () => {
    await expect(fn('lead')({ action: 'constructor' })).resolves.toMatchObject({ code: 'UNKNOWN_ACTION' })
    await expect(fn('lead')({ action: '__proto__' })).resolves.toMatchObject({ code: 'UNKNOWN_ACTION' })
  })

  it('rejects malformed events', async () => {
    await expect(fn('lead')(null)).resolves.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(fn('lead')('whoami')).resolves.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(main({ action: 'x' })).resolves.toMatchObject({ code: 'UNKNOWN_ACTION' })
  })

  it('runs timer triggers without a caller identity', async () => {
    await expect(fn()({ Type: 'Timer', TriggerName: 'cleanup', Time: '2026-11-24T00:00:00Z' })).resolves.toEqual({
      ok: true,
      data: { removed: 3 },
    })
  })

  it('answers a timer event from anyone but the platform as an unknown action', async () => {
    const unknown = { ok: false, code: 'UNKNOWN_ACTION', message: '不支持的操作，请更新小程序后再试', field: 'action' }
    const timer = { Type: 'Timer', TriggerName: 'cleanup' }
    await expect(fn('lead')(timer)).resolves.toEqual(unknown)
    await expect(fn('anyone')(timer)).resolves.toEqual(unknown)
    await expect(fn(undefined, 'wx_client')(timer)).resolves.toEqual(unknown)
    await expect(fn(undefined, 'wx_http')(timer)).resolves.toEqual(unknown)
    await expect(fn(undefined, 'wx_client,scf')(timer)).resolves.toEqual(unknown)
    await expect(fn()({ ...timer, userInfo: { appId: 'wx1', openId: 'o1' } })).resolves.toEqual(unknown)
    await expect(fn()({ Type: 'Timer', TriggerName: 'nope' })).resolves.toEqual(unknown)
    await expect(fn()({ Type: 'Timer', TriggerName: 'constructor' })).resolves.toEqual(unknown)
  })

  it('answers an id it cannot find while checking access as it answers a forbidden one', async () => {
    const probe = defineFunction({
      name: 'test',
      identity: identity('lead'),
      loadGrants: async () => [],
      actions: {
        look: action({
          input: z.object({ id: z.string().max(20) }).strict(),
          access: {
            roles: ['committee'],
            scope: (i) => {
              if (i.id !== 'known') throw new AppError('NOT_FOUND', '找不到这一轮检测')
              return { communityId: 'c1' }
            },
          },
          handler: async () => ({}),
        }),
      },
    })
    const forbidden = { ok: false, code: 'FORBIDDEN', message: '您没有权限进行此操作' }
    await expect(probe({ action: 'look', payload: { id: 'known' } })).resolves.toEqual(forbidden)
    await expect(probe({ action: 'look', payload: { id: 'unknown' } })).resolves.toEqual(forbidden)
  })

  it('never echoes more than a short prefix of the input, and refuses events over 100 KB', async () => {
    const long = 'x'.repeat(1_000_000)
    for (const event of [{ action: long }, { action: 'confirm', payload: { [long]: 1 } }]) {
      const reply = await fn('lead')(event)
      expect(reply.ok).toBe(false)
      expect(JSON.stringify(reply).length).toBeLessThan(600)
    }
    const reply = await fn('lead')({
      action: 'confirm',
      payload: { buildingId: 'b'.repeat(90_000), pad: 'p'.repeat(20_000) },
    })
    expect(reply).toMatchObject({ ok: false, code: 'INVALID_INPUT', message: '提交的内容太多，请分几次提交' })
    expect(JSON.stringify(reply).length).toBeLessThan(200)
  })

  it.each([
    ['a lone zero-width space', '\u200b'],
    ['a zero-width joiner inside', '张\u200d三'],
    ['NUL', 'b1\u0000'],
    ['a lone high surrogate', 'b\ud800'],
    ['a lone low surrogate', '\udc00b'],
    ['a right-to-left override', '\u202eb1'],
    ['an isolate', 'b\u20661'],
    ['a BOM', '\ufeffb1'],
    ['a C1 control', 'b\u00851'],
  ])('refuses %s in any string, writing nothing', async (_what, value) => {
    written.length = 0
    const reply = await fn('lead')({ action: 'confirm', payload: { buildingId: value } })
    expect(reply).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'buildingId' })
    expect(reply.ok ? '' : reply.message).toContain('不能使用的字符')
    expect(written).toEqual([])
  })

  it('keeps emoji, CJK extension characters and line breaks', async () => {
    // Valid text, so the call goes on to the access check: another building than the lead's is refused there.
    for (const value of ['b1😀', '𠀀号', 'b\n1'])
      await expect(fn('lead')({ action: 'confirm', payload: { buildingId: value } })).resolves.toMatchObject({
        code: 'FORBIDDEN',
      })
  })
})
