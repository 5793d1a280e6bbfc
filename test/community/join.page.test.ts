import type { CommunityApi } from '../../typings/api'
import { community, consentText, fail, HEALTH, joinRequest, ok, PERSONAL, sent } from '../support/pages/fixtures'
import { fakeCloud, find, mount, settleAll, tap, text, type } from '../support/pages/harness'
import { privacy } from '../setup/miniprogram'

type JoinInput = CommunityApi['requestJoin']['input']

const preview = () => ok({ communityName: '阳光小区', buildingName: '12号', expiresAt: '2026-11-23T10:00:00.000Z' })

function answers(
  requestJoin: (p: JoinInput) => ReturnType<typeof ok> | ReturnType<typeof fail> = (p) =>
    ok(joinRequest({ label: `12-${p.room}`, name: p.name, asProxy: p.asProxy ?? false })),
) {
  community({ consentText, previewInvite: preview, requestJoin: requestJoin as never })
}

async function fillForm(comp: ReturnType<typeof mount>, room = '302', name = '李秀英') {
  await type(comp, room, '#room-input')
  await type(comp, name, '#name-input')
}

describe('join page', () => {
  let subscribe: jest.SpyInstance
  let modal: jest.SpyInstance

  beforeEach(() => {
    subscribe = jest.spyOn(wx, 'requestSubscribeMessage')
    modal = jest.spyOn(wx, 'showModal')
  })
  afterEach(() => {
    subscribe.mockRestore()
    modal.mockRestore()
  })

  it('opens from a QR code with the code, previews the invite and loads both consent texts', async () => {
    answers()
    const comp = mount('pages/join/index', { code: 'k7mp q2xa' })
    await settleAll()
    expect(sent('previewInvite')).toEqual([{ code: 'K7MPQ2XA' }])
    expect(sent('consentText')).toEqual([{ kind: 'personal' }, { kind: 'health' }])
    expect(comp.data.step).toBe('form')
    expect(text(comp, '#invite-place')).toBe('阳光小区 · 12号')
    expect(text(comp, '#invite')).toContain('邀请码 K7MP Q2XA · 有效期至 11月23日 18:00')
    expect(text(comp, '#personal-consent')).toContain('为了让楼组长确认您是本楼住户')
    expect(text(comp, '#health-consent')).toContain('可以不同意')
    expect(comp.data.personalChecked).toBe(false)
    expect(comp.data.healthChecked).toBe(false)
  })

  it('reads the code from a mini-program code scene', async () => {
    answers()
    mount('pages/join/index', { scene: encodeURIComponent('code=K7MPQ2XA') })
    await settleAll()
    expect(sent('previewInvite')).toEqual([{ code: 'K7MPQ2XA' }])
  })

  it('takes a typed code, or one scanned with the camera', async () => {
    answers()
    const comp = mount('pages/join/index')
    await settleAll()
    expect(comp.data.step).toBe('code')

    await tap(comp, '#preview')
    expect(text(comp, '#code-error')).toContain('请输入 8 位邀请码')
    expect(sent('previewInvite')).toEqual([])

    const scan = jest.spyOn(wx, 'scanCode').mockImplementation(((opts: WechatMiniprogram.ScanCodeOption) => {
      opts.success?.({
        result: '',
        path: 'pages/join/index?code=K7MPQ2XA',
      } as WechatMiniprogram.ScanCodeSuccessCallbackResult)
    }) as never)
    await tap(comp, '#scan')
    scan.mockRestore()
    expect(sent('previewInvite')).toEqual([{ code: 'K7MPQ2XA' }])
    expect(comp.data.step).toBe('form')
  })

  it('asks for the privacy authorisation before scanning, and leaves typing the code when declined', async () => {
    answers()
    privacy.agreed = false
    const scan = jest.spyOn(wx, 'scanCode')
    const comp = mount('pages/join/index')
    await settleAll()
    await tap(comp, '#scan')
    expect(text(comp, '#privacy', '.privacy-title')).toBe('隐私保护提示')
    await tap(comp, '#privacy', '.btn-secondary')
    expect(scan).not.toHaveBeenCalled()
    expect(text(comp, '#code-error')).toContain('您也可以直接输入邀请码')
    scan.mockRestore()
  })

  it('shows why an invite cannot be used next to the code', async () => {
    community({ consentText, previewInvite: () => fail('INVITE_EXPIRED', '邀请码已过期，请向楼组长索取新的邀请码') })
    const comp = mount('pages/join/index')
    await settleAll()
    await type(comp, 'K7MPQ2XA', '#code-input')
    await tap(comp, '#preview')
    expect(comp.data.step).toBe('code')
    expect(text(comp, '#code-error')).toBe('邀请码已过期，请向楼组长索取新的邀请码')
    expect(modal).not.toHaveBeenCalled()
  })

  it('submits room, name, asProxy and the consent versions after asking for the result notification', async () => {
    answers()
    const comp = mount('pages/join/index', { code: 'K7MPQ2XA' })
    await settleAll()
    await fillForm(comp)
    await tap(comp, '#proxy')
    await tap(comp, '#personal-consent', '.consent-tick')
    await tap(comp, '#health-consent', '.consent-tick')
    await tap(comp, '#submit')

    expect(subscribe).toHaveBeenCalledWith(expect.objectContaining({ tmplIds: ['TPL_JOIN_RESULT'] }))
    expect(sent('requestJoin')).toEqual([
      {
        code: 'K7MPQ2XA',
        room: '302',
        name: '李秀英',
        asProxy: true,
        personalConsent: PERSONAL.version,
        healthConsent: HEALTH.version,
      },
    ])
    expect(comp.data.step).toBe('pending')
    expect(text(comp, '#pending')).toContain('等待楼组长审核')
    expect(text(comp, '#pending')).toContain('12-302 李秀英（代管）')
    expect(text(comp, '#pending')).toContain('11月20日 10:05 提交')
  })

  it('leaves the health consent out when it is not ticked, and joins even if notifications are refused', async () => {
    answers()
    subscribe.mockImplementation(((opts: WechatMiniprogram.RequestSubscribeMessageOption) => {
      opts.fail?.({ errMsg: 'requestSubscribeMessage:fail cancel', errCode: 20004 })
    }) as never)
    const comp = mount('pages/join/index', { code: 'K7MPQ2XA', communityId: 'c_sunny' })
    await settleAll()
    await fillForm(comp, '201', '王小明')
    await tap(comp, '#personal-consent', '.consent-tick')
    await tap(comp, '#submit')
    expect(sent('requestJoin')).toEqual([
      {
        code: 'K7MPQ2XA',
        room: '201',
        name: '王小明',
        asProxy: false,
        personalConsent: PERSONAL.version,
        communityId: 'c_sunny',
      },
    ])
    expect(comp.data.step).toBe('pending')
  })

  it('does not submit (nor ask for notifications) without the personal-information consent', async () => {
    answers()
    const comp = mount('pages/join/index', { code: 'K7MPQ2XA' })
    await settleAll()
    await fillForm(comp)
    await tap(comp, '#health-consent', '.consent-tick')
    await tap(comp, '#submit')
    expect(sent('requestJoin')).toEqual([])
    expect(subscribe).not.toHaveBeenCalled()
    expect(text(comp, '#personal-consent', '.consent-message')).toContain('请阅读并勾选「同意个人信息授权」')

    await tap(comp, '#personal-consent', '.consent-tick')
    expect(find(comp, '#personal-consent', '.consent-message')).toBeUndefined()
  })

  it('asks for a missing room and name before sending anything', async () => {
    answers()
    const comp = mount('pages/join/index', { code: 'K7MPQ2XA' })
    await settleAll()
    await tap(comp, '#personal-consent', '.consent-tick')
    await tap(comp, '#submit')
    expect(text(comp, '#room-error')).toBe('请填写房号，例如 201')
    expect(text(comp, '#name-error')).toBe('请填写您的姓名')
    expect(sent('requestJoin')).toEqual([])
  })

  it('shows the one room-or-name mismatch next to the name and ROOM_NOT_FOUND next to the room, without a dialog', async () => {
    const mismatch = '房号或姓名与登记不一致，请核对后重试，或联系楼组长'
    let answer = fail('NAME_MISMATCH', mismatch, 'name')
    answers(() => answer)
    const comp = mount('pages/join/index', { code: 'K7MPQ2XA' })
    await settleAll()
    await fillForm(comp)
    await tap(comp, '#personal-consent', '.consent-tick')
    await tap(comp, '#submit')
    expect(text(comp, '#name-error')).toBe(mismatch)
    expect(comp.querySelector('#room-error')).toBeUndefined()
    expect(comp.data.step).toBe('form')
    expect(modal).not.toHaveBeenCalled()

    // Only an invite for one room names a room: the one its holder was shown.
    answer = fail('ROOM_NOT_FOUND', '这个邀请码只能用于 302 室', 'room')
    await type(comp, '3020', '#room-input')
    await tap(comp, '#submit')
    expect(text(comp, '#room-error')).toBe('这个邀请码只能用于 302 室')

    answer = fail('INVALID_INPUT', '「房号」格式不正确，例如 201 或 1502', 'room')
    await tap(comp, '#submit')
    expect(text(comp, '#room-error')).toBe('「房号」格式不正确，例如 201 或 1502')
  })

  it('shows an expired invite at submit time on the invite card, and other errors in a dialog', async () => {
    let answer = fail('INVITE_EXPIRED', '邀请码已过期，请向楼组长索取新的邀请码')
    answers(() => answer)
    const comp = mount('pages/join/index', { code: 'K7MPQ2XA' })
    await settleAll()
    await fillForm(comp)
    await tap(comp, '#personal-consent', '.consent-tick')
    await tap(comp, '#submit')
    expect(text(comp, '#invite #code-error')).toBe('邀请码已过期，请向楼组长索取新的邀请码')

    answer = fail('ALREADY_JOINED', '您已经是这一户的成员了')
    await tap(comp, '#submit')
    expect(modal).toHaveBeenCalledWith(expect.objectContaining({ content: '您已经是这一户的成员了' }))
  })

  it('shows too many wrong codes next to the code, with when to try again, and no dialog', async () => {
    const limited = '邀请码输错的次数太多，请在 11月24日 11:00 以后再试，或请楼组长帮您核对邀请码'
    community({ consentText, previewInvite: () => fail('RATE_LIMITED', limited, 'code') })
    const comp = mount('pages/join/index')
    await settleAll()
    await type(comp, 'K7MPQ2XA', '#code-input')
    await tap(comp, '#preview')
    expect(comp.data.step).toBe('code')
    expect(text(comp, '#code-error')).toBe(limited)
    expect(modal).not.toHaveBeenCalled()
  })

  it('shows too many mismatches at submit time next to the field the function names', async () => {
    const codes = '邀请码输错的次数太多，请在 11月24日 11:00 以后再试，或请楼组长帮您核对邀请码'
    const names = '房号或姓名核对不一致的次数太多，请在 11月25日 00:00 以后再试，或联系楼组长'
    let answer = fail('RATE_LIMITED', names, 'name')
    answers(() => answer)
    const comp = mount('pages/join/index', { code: 'K7MPQ2XA' })
    await settleAll()
    await fillForm(comp)
    await tap(comp, '#personal-consent', '.consent-tick')
    await tap(comp, '#submit')
    expect(text(comp, '#name-error')).toBe(names)
    expect(comp.data.step).toBe('form')

    answer = fail('RATE_LIMITED', codes, 'code')
    await tap(comp, '#submit')
    expect(text(comp, '#invite #code-error')).toBe(codes)
    expect(modal).not.toHaveBeenCalled()
  })

  it('shows an error with a retry when the consent texts cannot be loaded, and blocks submitting', async () => {
    let failing = true
    community({
      previewInvite: preview,
      consentText: (p) => (failing ? fail('INTERNAL', '系统繁忙，请稍后再试') : consentText(p)),
    })
    const comp = mount('pages/join/index', { code: 'K7MPQ2XA' })
    await settleAll()
    expect(text(comp, '#consent-status')).toContain('系统繁忙，请稍后再试')
    await fillForm(comp)
    await tap(comp, '#submit')
    expect(sent('requestJoin')).toEqual([])

    failing = false
    await tap(comp, '#consent-status', '.status-action')
    expect(comp.data.consentState).toBe('ready')
    expect(comp.querySelector('#personal-consent')).toBeDefined()
    expect(fakeCloud.calls.length).toBeGreaterThan(3)
  })
})
