import type { Envelope, WhoAmI } from '../../typings/api'
import { fakeCloud, mount, settle } from './harness'

const text = (comp: ReturnType<typeof mount>, selector: string) =>
  comp.querySelector(selector)?.dom?.textContent?.trim() ?? null

describe('home page', () => {
  it('calls community.whoami through the service layer and lists the roles it returns', async () => {
    fakeCloud.on('community', (): Envelope<WhoAmI> => ({
      ok: true,
      data: {
        openid: 'o-resident',
        roles: [
          { role: 'resident', scope: { communityId: 'c1', householdId: 'h1' } },
          { role: 'volunteer', volunteerType: 'transport', scope: { communityId: 'c1' } },
        ],
      },
    }))
    const comp = mount('pages/index/index')
    expect(comp.data.state).toBe('loading')
    expect(text(comp, '#loading')).toBe('正在加载…')

    await settle()

    expect(fakeCloud.calls).toEqual([{ name: 'community', data: { action: 'whoami', payload: {} } }])
    expect(comp.data.state).toBe('ready')
    const labels = comp.querySelectorAll('.role').map((r) => r.dom?.textContent?.trim())
    expect(labels).toEqual(['居民', '志愿者（运输）'])
    expect(comp.querySelector('#empty')).toBeUndefined()
    expect(getApp<IAppOption>().globalData.me?.openid).toBe('o-resident')
  })

  it('tells a user with no role how to join', async () => {
    fakeCloud.on('community', () => ({ ok: true, data: { openid: 'o-new', roles: [] } }))
    const comp = mount('pages/index/index')
    await settle()
    expect(text(comp, '#empty')).toContain('请向楼组长索取楼栋邀请码')
  })

  it('shows the function’s Chinese error message and retries on tap', async () => {
    let answer: Envelope<WhoAmI> = {
      ok: false,
      code: 'UNAUTHENTICATED',
      message: '无法确认您的微信身份，请重新打开小程序',
    }
    fakeCloud.on('community', () => answer)
    const comp = mount('pages/index/index')
    await settle()
    expect(comp.data.state).toBe('error')
    expect(text(comp, '#error .error')).toBe('无法确认您的微信身份，请重新打开小程序')

    answer = {
      ok: true,
      data: { openid: 'o1', roles: [{ role: 'buildingLead', scope: { communityId: 'c1', buildingId: 'b1' } }] },
    }
    comp.querySelector('#retry')?.dispatchEvent('tap')
    await settle()
    expect(fakeCloud.calls).toHaveLength(2)
    expect(comp.data.state).toBe('ready')
    expect(text(comp, '.role')).toBe('楼组长')
  })

  it('shows a network message when the call never reaches the function', async () => {
    const comp = mount('pages/index/index') // no handler registered: callFunction fails
    await settle()
    expect(comp.data.state).toBe('error')
    expect(comp.data.errorMessage).toBe('网络不太好，请检查网络后再试')
  })
})
