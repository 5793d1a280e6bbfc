import { invokeBuiltFunction } from '../support/invoke'

describe('community function (built bundle, real wx-server-sdk)', () => {
  it('whoami returns the caller OPENID and no roles yet', async () => {
    const { result } = await invokeBuiltFunction('community', { action: 'whoami', payload: {} }, { openid: 'o-abc' })
    expect(result).toEqual({ ok: true, data: { openid: 'o-abc', roles: [] } })
  })

  it('answers an unknown action with a stable code and a Chinese message', async () => {
    const { result } = await invokeBuiltFunction(
      'community',
      { action: 'deleteEverything', payload: {} },
      { openid: 'o-abc' },
    )
    expect(result).toEqual({
      ok: false,
      code: 'UNKNOWN_ACTION',
      message: '不支持的操作「deleteEverything」，请更新小程序后再试',
      field: 'action',
    })
  })

  it('rejects unexpected input fields before doing anything', async () => {
    const { result } = await invokeBuiltFunction(
      'community',
      { action: 'whoami', payload: { openid: 'someone-else' } },
      { openid: 'o-abc' },
    )
    expect(result).toEqual({ ok: false, code: 'INVALID_INPUT', message: '不认识的字段：openid', field: 'openid' })
  })

  it('refuses a call that carries no WeChat identity', async () => {
    const { result } = await invokeBuiltFunction('community', { action: 'whoami' }, {})
    expect(result).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
  })

  it('rejects an event without an action', async () => {
    const { result } = await invokeBuiltFunction('community', { payload: {} }, { openid: 'o-abc' })
    expect(result).toEqual({ ok: false, code: 'INVALID_INPUT', message: '请求缺少操作名称', field: 'action' })
  })
})
