import { call, CloudError } from '../../miniprogram/services/cloud'
import { fakeCloud } from '../support/pages/harness'

describe('services/cloud call()', () => {
  let modal: jest.SpyInstance

  beforeEach(() => {
    modal = jest.spyOn(wx, 'showModal')
  })
  afterEach(() => modal.mockRestore())

  it('sends {action, payload} and resolves with data', async () => {
    fakeCloud.on('community', (data) => ({ ok: true, data: { openid: 'o1', roles: [], echo: data } }))
    const me = await call('community', 'whoami', {})
    expect(me.openid).toBe('o1')
    expect(fakeCloud.calls[0]).toEqual({ name: 'community', data: { action: 'whoami', payload: {} } })
    expect(modal).not.toHaveBeenCalled()
  })

  it('turns {ok:false} into a typed CloudError and shows the message', async () => {
    fakeCloud.on('community', () => ({ ok: false, code: 'INVALID_INPUT', message: '请填写「房号」', field: 'room' }))
    const err = await call('community', 'whoami', {}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CloudError)
    expect(err).toMatchObject({ code: 'INVALID_INPUT', message: '请填写「房号」', field: 'room' })
    expect(modal).toHaveBeenCalledWith(expect.objectContaining({ content: '请填写「房号」', showCancel: false }))
  })

  it('does not show anything when silent', async () => {
    fakeCloud.on('community', () => ({ ok: false, code: 'FORBIDDEN', message: '您没有权限进行此操作' }))
    await expect(call('community', 'whoami', {}, { silent: true })).rejects.toMatchObject({ code: 'FORBIDDEN' })
    expect(modal).not.toHaveBeenCalled()
  })

  it('treats a reply that is not an envelope as a service failure', async () => {
    fakeCloud.on('community', () => 'Error: something leaked')
    await expect(call('community', 'whoami', {}, { silent: true })).rejects.toMatchObject({
      code: 'NETWORK',
      message: '服务暂时不可用，请稍后再试',
    })
  })

  it('initialised wx.cloud at app launch', () => {
    expect(fakeCloud.initialised).toMatchObject({ traceUser: true })
  })
})
