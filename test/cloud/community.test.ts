// The community function, built and run by localcloud, called through the client gateway as the mini-program does.
import { startTestCloud, type TestCloud } from '../support/localcloud'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())

describe('community function', () => {
  it('whoami returns the caller OPENID and no roles yet', async () => {
    await expect(t.call('community', { action: 'whoami', payload: {} }, 'o-abc')).resolves.toEqual({
      ok: true,
      data: { openid: 'o-abc', roles: [] },
    })
  })

  it('answers an unknown action with a stable code and a Chinese message', async () => {
    await expect(t.call('community', { action: 'deleteEverything', payload: {} }, 'o-abc')).resolves.toEqual({
      ok: false,
      code: 'UNKNOWN_ACTION',
      message: '不支持的操作「deleteEverything」，请更新小程序后再试',
      field: 'action',
    })
  })

  it('rejects unexpected input fields before doing anything', async () => {
    await expect(
      t.call('community', { action: 'whoami', payload: { openid: 'someone-else' } }, 'o-abc'),
    ).resolves.toEqual({
      ok: false,
      code: 'INVALID_INPUT',
      message: '不认识的字段：openid',
      field: 'openid',
    })
  })

  it('refuses a call that carries no WeChat identity', async () => {
    await expect(t.call('community', { action: 'whoami' })).resolves.toMatchObject({
      ok: false,
      code: 'UNAUTHENTICATED',
    })
  })

  it('rejects an event without an action', async () => {
    await expect(t.call('community', { payload: {} }, 'o-abc')).resolves.toEqual({
      ok: false,
      code: 'INVALID_INPUT',
      message: '请求缺少操作名称',
      field: 'action',
    })
  })
})
