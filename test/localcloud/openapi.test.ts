// Open API: subscribeMessage.send with one-time subscription credits, recorded in the outbox.
import path from 'node:path'
import type { OutboxMessage } from '../../localcloud'
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
