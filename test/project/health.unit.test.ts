// The configuration checks without a database: template ids as built into the bundle (placeholders fine on
// localcloud only, empty never, one id for two templates never), the function's environment, and the build a
// message opens.
import type { TemplateKey } from '../../miniprogram/shared/constants'
import { configChecks, PLACEHOLDER_TEMPLATE, templateUsable } from '../../server/platform/health'
import { miniprogramState } from '../../server/platform/pushqueue'

const REAL: Record<TemplateKey, string> = {
  joinRequest: 'Ky8sYT0f1cW3YyHmDHV7_b-2VsNl0UeLmT1Ojh1IqCc',
  joinResult: 'aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5zA7bC9d',
  roundOpened: 'Zz9yX8wV7uT6sR5qP4oN3mL2kJ1iH0gF9eD8cB7aA6z',
  antigenReminder: 'Qw1Er2Ty3Ui4Op5As6Df7Gh8Jk9Lz0Xc1Vb2Nm3Qw4E',
  abnormal: 'Mn0Bv9Cx8Zl7Kj6Hg5Fd4Sa3Po2Iu1Yt0Re9Wq8Mn7B',
  reopened: 'Lk2Jh3Gf4Ds5Aq6Wz7Sx8Ed9Cr0Fv1Tg2By3Hn4Uj5M',
  buyOpening: 'Pq3Rs4Tu5Vw6Xy7Za8Bc9De0Fg1Hi2Jk3Lm4No5Pq6R',
  buyUpdate: 'Gh7Ij8Kl9Mn0Op1Qr2St3Uv4Wx5Yz6Ab7Cd8Ef9Gh0I',
  orderForYou: 'Tu1Vw2Xy3Za4Bc5De6Fg7Hi8Jk9Lm0No1Pq2Rs3Tu4V',
  merchantResult: 'Yz5Ab6Cd7Ef8Gh9Ij0Kl1Mn2Op3Qr4St5Uv6Wx7Yz8A',
  relayTasks: 'Rl1Ta2Sk3Sx4Yz5Ab6Cd7Ef8Gh9Ij0Kl1Mn2Op3Qr4S',
  relayArrived: 'Ra1Rr2Iv3Ed4Xy5Za6Bc7De8Fg9Hi0Jk1Lm2No3Pq4R',
  delivered: 'De1Li2Ve3Re4Dx5Yz6Ab7Cd8Ef9Gh0Ij1Kl2Mn3Op4Q',
  relayAlert: 'Al1Er2Tx3Yz4Ab5Cd6Ef7Gh8Ij9Kl0Mn1Op2Qr3St4U',
  relayProblem: 'Pr1Ob2Le3Mx4Yz5Ab6Cd7Ef8Gh9Ij0Kl1Mn2Op3Qr4S',
  callup: 'Ca1Ll2Up3Xy4Yz5Ab6Cd7Ef8Gh9Ij0Kl1Mn2Op3Qr4S',
  careDue: 'Ca1Re2Du3Ex4Yz5Ab6Cd7Ef8Gh9Ij0Kl1Mn2Op3Qr4S',
  careAlert: 'Ca1Re2Al3Er4Tz5Ab6Cd7Ef8Gh9Ij0Kl1Mn2Op3Qr4S',
  needNew: 'Ne1Ed2Nw3Yz4Ab5Cd6Ef7Gh8Ij9Kl0Mn1Op2Qr3St4U',
  needUpdate: 'Ne1Ed2Up3Dt4Ab5Cd6Ef7Gh8Ij9Kl0Mn1Op2Qr3St4U',
}

// As constants.ts ships them (a deployment replaces them, so they are written out here).
const PLACEHOLDERS: Record<TemplateKey, string> = {
  joinRequest: 'TPL_JOIN_REQUEST',
  joinResult: 'TPL_JOIN_RESULT',
  roundOpened: 'TPL_ROUND_OPENED',
  antigenReminder: 'TPL_ANTIGEN_REMINDER',
  abnormal: 'TPL_ABNORMAL',
  reopened: 'TPL_REOPENED',
  buyOpening: 'TPL_BUY_OPENING',
  buyUpdate: 'TPL_BUY_UPDATE',
  orderForYou: 'TPL_ORDER_FOR_YOU',
  merchantResult: 'TPL_MERCHANT_RESULT',
  relayTasks: 'TPL_RELAY_TASKS',
  relayArrived: 'TPL_RELAY_ARRIVED',
  delivered: 'TPL_DELIVERED',
  relayAlert: 'TPL_RELAY_ALERT',
  relayProblem: 'TPL_RELAY_PROBLEM',
  callup: 'TPL_CALLUP',
  careDue: 'TPL_CARE_DUE',
  careAlert: 'TPL_CARE_ALERT',
  needNew: 'TPL_NEED_NEW',
  needUpdate: 'TPL_NEED_UPDATE',
}

const check = (id: string, input: Parameters<typeof configChecks>[0]) => configChecks(input).find((c) => c.id === id)

describe('template ids', () => {
  it('placeholders are told from real ids', () => {
    for (const id of Object.values(PLACEHOLDERS)) expect(id).toMatch(PLACEHOLDER_TEMPLATE)
    for (const id of Object.values(REAL)) expect(id).not.toMatch(PLACEHOLDER_TEMPLATE)
  })

  it('placeholders are 本地开发用的占位模板 on localcloud: fine there', () => {
    const c = check('templates', { templates: PLACEHOLDERS, env: 'local', local: true })
    expect(c).toMatchObject({ ok: true, title: '订阅消息模板' })
    expect(c?.message).toContain('本地开发用的占位模板')
  })

  it('placeholders deployed are a problem that names every template and says what to set where', () => {
    const c = check('templates', { templates: PLACEHOLDERS, env: 'prod-1a2b', local: false })
    expect(c?.ok).toBe(false)
    expect(c?.message).toMatch(/^订阅消息模板 ID 未配置：/)
    for (const label of ['加入申请待审核', '加入审核结果', '检测开始通知', '提醒未报', '异常结果通知', '楼栋重新打开'])
      expect(c?.message).toContain(`「${label}」`)
    expect(c?.message).toContain('miniprogram/shared/constants.ts 的 TEMPLATE_IDS')
    expect(c?.message).toContain('订阅消息')
  })

  it('real ids are fine anywhere; an empty one is a problem even locally; one id for two templates too', () => {
    expect(check('templates', { templates: REAL, env: 'prod-1a2b', local: false })).toMatchObject({
      ok: true,
      message: '20 个模板 ID 都已填写。',
    })
    const empty = check('templates', { templates: { ...REAL, antigenReminder: '' }, env: 'local', local: true })
    expect(empty?.ok).toBe(false)
    expect(empty?.message).toContain('「提醒未报」的提醒和通知发不出去')
    expect(empty?.message).not.toContain('「异常结果通知」')
    const shared = check('templates', { templates: { ...REAL, reopened: REAL.abnormal }, env: 'p', local: false })
    expect(shared?.ok).toBe(false)
    expect(shared?.message).toContain('「异常结果通知」「楼栋重新打开」填了同一个模板 ID')
  })

  it('a message can be sent with a real id anywhere, a placeholder on localcloud only, an empty id never', () => {
    expect(templateUsable(REAL.abnormal, false)).toBe(true)
    expect(templateUsable(REAL.abnormal, true)).toBe(true)
    expect(templateUsable('TPL_ABNORMAL', true)).toBe(true)
    expect(templateUsable('TPL_ABNORMAL', false)).toBe(false)
    expect(templateUsable('', true)).toBe(false)
    expect(templateUsable('  ', false)).toBe(false)
  })
})

describe('environment', () => {
  it('is named when the function knows it, and a problem with what to do when it does not', () => {
    expect(check('env', { templates: REAL, env: 'prod-1a2b', local: false })).toMatchObject({
      ok: true,
      message: '云函数运行在环境 prod-1a2b。',
    })
    const missing = check('env', { templates: REAL, env: '', local: false })
    expect(missing?.ok).toBe(false)
    expect(missing?.message).toContain('CLOUD_ENV')
  })
})

describe('the build a message opens', () => {
  it('follows the build the person subscribed from; formal when unknown', () => {
    expect(miniprogramState('release')).toBe('formal')
    expect(miniprogramState('trial')).toBe('trial')
    expect(miniprogramState('develop')).toBe('developer')
    for (const unknown of [undefined, null, '', 'formal', 'beta', 'toString', 3])
      expect(miniprogramState(unknown)).toBe('formal')
  })
})
