import type { RoleGrant } from '../../typings/api'
import { action, AppError, defineFunction, hasRole, parseInput, scopeCovers, z } from '../../server/kernel'

const identity = (openid?: string) => ({ getWXContext: () => (openid ? { OPENID: openid } : {}) })

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
  const fn = (openid?: string) =>
    defineFunction({
      name: 'test',
      identity: identity(openid),
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
})
