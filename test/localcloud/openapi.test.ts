// Open API: subscribeMessage.send with one-time subscription credits, recorded in the outbox; wxacode.getUnlimited
// answering a standard QR code of the page and scene, with WeChat's errcodes for bad parameters.
import path from 'node:path'
import type { OutboxMessage, WxaCodeRequest } from '../../localcloud'
import { pngSize, readQr } from '../support/qr'
import { startTestCloud, type TestCloud } from '../support/localcloud'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud({ functionsDir: path.join(__dirname, 'fixtures', 'functions') })
})
afterAll(() => t.stop())
beforeEach(() => t.cloud.reset())

interface SendResult {
  ok: boolean
  errCode?: number
  errMsg?: string
}

const send = (openid: string, extra: Record<string, unknown> = {}) => t.call<SendResult>('notify', extra, openid)
const grant = (openid: string, templateId: string, count?: number) =>
  t.admin<{ credits: Record<string, number> }>('subscribe', {
    body: { openid, templateId, ...(count ? { count } : {}) },
  })
const outbox = () => t.admin<OutboxMessage[]>('outbox')

describe('subscribeMessage.send', () => {
  it('fails with 43101 when the user has no subscription credit', async () => {
    await expect(send('o-ann')).resolves.toMatchObject({ ok: false, errCode: 43101 })
    expect(await outbox()).toEqual([expect.objectContaining({ touser: 'o-ann', status: 'rejected', errcode: 43101 })])
  })

  it('delivers with a credit and records the message in the outbox', async () => {
    await grant('o-ann', 'TPL_NOTICE')
    await expect(send('o-ann')).resolves.toEqual({ ok: true, errCode: 0 })
    const [m] = await outbox()
    expect(m).toMatchObject({
      api: 'subscribeMessage.send',
      touser: 'o-ann',
      templateId: 'TPL_NOTICE',
      page: 'pages/index/index',
      miniprogramState: 'developer',
      status: 'sent',
      errcode: 0,
      function: 'notify',
      data: { thing1: { value: '抗原检测开始了' }, time2: { value: '2026-11-24 09:00' } },
    })
  })

  it('spends one credit per message, as one-time subscriptions do', async () => {
    await grant('o-ann', 'TPL_NOTICE')
    await expect(send('o-ann')).resolves.toMatchObject({ ok: true })
    await expect(send('o-ann')).resolves.toMatchObject({ ok: false, errCode: 43101 })
  })

  it('accumulates credits granted several times', async () => {
    expect((await grant('o-ann', 'TPL_NOTICE', 2)).credits).toEqual({ TPL_NOTICE: 2 })
    expect((await grant('o-ann', 'TPL_NOTICE')).credits).toEqual({ TPL_NOTICE: 3 })
    for (let i = 0; i < 3; i++) await expect(send('o-ann')).resolves.toMatchObject({ ok: true })
    await expect(send('o-ann')).resolves.toMatchObject({ errCode: 43101 })
  })

  it('keeps credits per template and per user', async () => {
    await grant('o-ann', 'TPL_OTHER')
    await grant('o-bob', 'TPL_NOTICE')
    await expect(send('o-ann')).resolves.toMatchObject({ errCode: 43101 })
    await expect(send('o-bob')).resolves.toMatchObject({ ok: true })
  })

  it('can send to a user other than the caller', async () => {
    await grant('o-lead', 'TPL_NOTICE')
    await expect(send('o-ann', { touser: 'o-lead' })).resolves.toMatchObject({ ok: true })
    expect((await outbox())[0]).toMatchObject({ touser: 'o-lead' })
  })

  it.each([
    ['a thing longer than 20 characters', { thing1: { value: '这是一段超过二十个字的通知内容一定会被微信拒绝的' } }],
    ['a phrase that is not Chinese', { phrase1: { value: 'ok' } }],
    ['a phrase longer than 5 characters', { phrase1: { value: '阴性阴性阴性' } }],
    ['a number with letters', { number1: { value: '12a' } }],
    ['a character_string with Chinese', { character_string1: { value: '3号楼' } }],
    ['an empty value', { thing1: { value: '' } }],
  ])('rejects %s with 47003 and keeps the credit', async (_label, data) => {
    await grant('o-ann', 'TPL_NOTICE')
    await expect(send('o-ann', { data })).resolves.toMatchObject({ ok: false, errCode: 47003 })
    expect((await outbox())[0]).toMatchObject({ status: 'invalid', errcode: 47003 })
    await expect(send('o-ann')).resolves.toMatchObject({ ok: true })
  })

  it('accepts any template id, unless told the mini-program’s templates: then another id is 40037', async () => {
    await grant('o-ann', 'TPL_NOTICE', 2)
    await t.admin('templates', { body: { templateIds: ['TPL_OTHER'] } })
    await expect(send('o-ann')).resolves.toMatchObject({ ok: false, errCode: 40037 })
    expect((await outbox())[0]).toMatchObject({ status: 'invalid', errcode: 40037, templateId: 'TPL_NOTICE' })
    await t.admin('templates', { method: 'DELETE' })
    await expect(send('o-ann')).resolves.toMatchObject({ ok: true })
    // A reset forgets them too.
    await t.admin('templates', { body: { templateIds: ['TPL_OTHER'] } })
    t.cloud.reset()
    await grant('o-ann', 'TPL_NOTICE')
    await expect(send('o-ann')).resolves.toMatchObject({ ok: true })
  })

  it('reports open APIs it does not emulate', async () => {
    const api = (t.sdk.openapi as unknown as { security: { msgSecCheck(p: object): Promise<unknown> } }).security
    await expect(api.msgSecCheck({ content: 'hi' })).rejects.toMatchObject({ errCode: 48001 })
  })

  it('refuses a grant without openid or template', async () => {
    await expect(grant('', 'TPL_NOTICE')).rejects.toThrow(/400/)
  })

  it('survives an admin reset only as empty', async () => {
    await grant('o-ann', 'TPL_NOTICE')
    await send('o-ann')
    t.cloud.reset()
    expect(await outbox()).toEqual([])
    expect(await t.admin('subscriptions')).toEqual([])
  })
})

interface CodeResult {
  ok: boolean
  errCode?: number
  errMsg?: string
  contentType?: string
  base64?: string
}

describe('wxacode.getUnlimited', () => {
  const code = (params: Record<string, unknown>) => t.call<CodeResult>('wxacode', params, 'o-lead')
  const JOIN = { page: 'pages/join/index', checkPath: false }

  it('answers a PNG whose QR code carries the page and the scene, as wx.scanCode reads a 小程序码', async () => {
    const res = await code({ scene: 'K7MPQ2XA', ...JOIN, envVersion: 'develop' })
    expect(res).toMatchObject({ ok: true, errCode: 0, contentType: 'image/png' })
    const png = Buffer.from(String(res.base64), 'base64')
    expect(readQr(png)).toBe('pages/join/index?scene=K7MPQ2XA')
    expect(pngSize(png)).toEqual({ width: 430, height: 430 })
    expect(await t.admin<WxaCodeRequest[]>('wxacodes')).toEqual([
      expect.objectContaining({
        scene: 'K7MPQ2XA',
        page: 'pages/join/index',
        checkPath: false,
        envVersion: 'develop',
        errcode: 0,
        text: 'pages/join/index?scene=K7MPQ2XA',
        function: 'wxacode',
      }),
    ])
  })

  it('URL-encodes the scene in the code, as the page then reads query.scene', async () => {
    const res = await code({ scene: 'a=1&b=2', ...JOIN })
    expect(readQr(Buffer.from(String(res.base64), 'base64'))).toBe('pages/join/index?scene=a%3D1%26b%3D2')
  })

  it('takes a width within 280–1280 px and brings one outside inside', async () => {
    const size = async (width: number) =>
      pngSize(Buffer.from(String((await code({ scene: 'K7MPQ2XA', ...JOIN, width })).base64), 'base64')).width
    expect(await size(600)).toBe(600)
    expect(await size(100)).toBe(280)
    expect(await size(5000)).toBe(1280)
  })

  it('without a page, carries the scene for the home page', async () => {
    const res = await code({ scene: 'K7MPQ2XA' })
    expect(readQr(Buffer.from(String(res.base64), 'base64'))).toBe('?scene=K7MPQ2XA')
  })

  it.each([
    ['an empty scene', 40169, { scene: '' }],
    ['no scene', 40169, {}],
    ['a scene of 33 characters', 40169, { scene: 'A'.repeat(33) }],
    ['a scene with Chinese', 40129, { scene: '1号楼' }],
    ['a scene with %', 40129, { scene: 'code%3DK7' }],
    ['a scene with a space', 40129, { scene: 'K7MP Q2XA' }],
    ['a page with a leading /', 41030, { scene: 'K7MPQ2XA', page: '/pages/join/index', checkPath: false }],
    ['a page with a query', 41030, { scene: 'K7MPQ2XA', page: 'pages/join/index?code=K7', checkPath: false }],
    ['a page checked against the published version', 41030, { scene: 'K7MPQ2XA', page: 'pages/join/index' }],
    ['an unknown env_version', 40097, { scene: 'K7MPQ2XA', ...JOIN, envVersion: 'beta' }],
  ])('refuses %s with errcode %i, as WeChat does, and makes no image', async (_label, errcode, params) => {
    await expect(code(params)).resolves.toMatchObject({ ok: false, errCode: errcode })
    expect(await t.admin<WxaCodeRequest[]>('wxacodes')).toEqual([expect.objectContaining({ errcode, text: null })])
  })

  it('takes 32 characters from the whole allowed set', async () => {
    const scene = "09azAZ!#$&'()*+,/:;=?@-._~K7MPQ2"
    expect([...scene]).toHaveLength(32)
    const res = await code({ scene, ...JOIN })
    expect(res).toMatchObject({ ok: true })
    expect(readQr(Buffer.from(String(res.base64), 'base64'))).toBe(
      `pages/join/index?scene=${encodeURIComponent(scene)}`,
    )
  })

  it('forgets its requests on reset', async () => {
    await code({ scene: 'K7MPQ2XA', ...JOIN })
    t.cloud.reset()
    expect(await t.admin('wxacodes')).toEqual([])
  })
})
