// An invite's 小程序码 (inviteQr): made through wxacode.getUnlimited on a lead's first ask with the invite code as its
// scene, stored once per invite and build and reused, and deleted with the invite (revoked: in the same call;
// expired: the community timer; a closed community's: with its invites). localcloud answers with a standard QR code
// of the same page and scene, so the tests read back what a phone would open.
import type { WxaCodeRequest } from '../../localcloud'
import type { Envelope, InviteQr } from '../../typings/api'
import type { InviteDoc } from '../../server/community/model'
import type { FileDeletionDoc } from '../../server/platform/deletions'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { B, C1, loadFixture, snapshot, WHO } from '../support/community'
import { readQr } from '../support/qr'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())
beforeEach(() => loadFixture(t))

const CODE = 'INVB1AAA' // 1号's building invite in the fixture
const qr = (payload: Record<string, unknown>, who: string = WHO.buildingLead) =>
  t.call<Envelope<InviteQr>>('community', { action: 'inviteQr', payload }, who)
const codes = () => t.admin<WxaCodeRequest[]>('wxacodes')
const invite = async (code = CODE) => (await t.data.get<InviteDoc>('invites', code)) as InviteDoc
const exists = async (fileID: string) => {
  const urls = (await t.sdk.getTempFileURL({ fileList: [fileID] })) as { fileList: { tempFileURL: string }[] }
  return Boolean(urls.fileList[0]?.tempFileURL)
}
const ok = <T>(reply: Envelope<T>): T => {
  if (!reply.ok) throw new Error(`${reply.code} ${reply.message}`)
  return reply.data
}

describe('inviteQr', () => {
  it('makes the code with the invite code as scene, for the join page, and the image reads back as that page', async () => {
    const made = ok(await qr({ code: CODE }))
    expect(made).toMatchObject({ code: CODE, scene: CODE, page: 'pages/join/index', envVersion: 'release' })
    expect(made.fileID).toMatch(new RegExp(`invite-codes/${C1}/${CODE}-release\\.png$`))
    expect(made.url).toMatch(/^http/)
    expect(made.image).toBeUndefined()
    expect(await codes()).toEqual([
      expect.objectContaining({
        scene: CODE,
        page: 'pages/join/index',
        checkPath: false,
        envVersion: 'release',
        width: 600,
        errcode: 0,
        function: 'community',
      }),
    ])
    expect((await invite()).qrFiles).toEqual({ release: made.fileID })

    // The image itself, for the poster: the QR code carries the join page with the scene.
    const withImage = ok(await qr({ code: CODE, image: true }))
    expect(readQr(Buffer.from(String(withImage.image), 'base64'))).toBe(`pages/join/index?scene=${CODE}`)
    const page = await fetch(made.url)
    expect(page.headers.get('content-type')).toMatch(/image\/png/)
  })

  it('reuses the stored code: one call to WeChat per invite and build', async () => {
    const first = ok(await qr({ code: CODE }))
    const again = ok(await qr({ code: CODE, image: true }))
    expect(again.fileID).toBe(first.fileID)
    expect(await codes()).toHaveLength(1)

    // A trial build's lead gets the trial build's code, kept beside the other.
    const trial = ok(await qr({ code: CODE, envVersion: 'trial' }))
    expect(trial.fileID).toMatch(/-trial\.png$/)
    expect((await codes()).map((c) => c.envVersion)).toEqual(['release', 'trial'])
    expect((await invite()).qrFiles).toEqual({ release: first.fileID, trial: trial.fileID })
    ok(await qr({ code: CODE, envVersion: 'trial' }))
    expect(await codes()).toHaveLength(2)
  })

  it('makes it again when storage lost the file', async () => {
    const first = ok(await qr({ code: CODE }))
    await t.sdk.deleteFile({ fileList: [first.fileID] })
    const again = ok(await qr({ code: CODE }))
    expect(await exists(again.fileID)).toBe(true)
    expect(await codes()).toHaveLength(2)
  })

  it('is for the building lead and the committee; the code as typed works too', async () => {
    expect(ok(await qr({ code: 'invb 1aaa' }, WHO.committee)).code).toBe(CODE)
  })

  it.each([
    ['a lead of another building', WHO.buildingLead, 'INVB3AAA'],
    ['a resident of the building', WHO.resident, CODE],
    ['the other community’s committee', WHO.otherCommittee, CODE],
    ['anyone, for a code that does not exist', WHO.buildingLead, 'NOSUCH01'],
  ])('refuses %s with FORBIDDEN and writes nothing', async (_label, who, code) => {
    const before = await snapshot(t)
    expect(await qr({ code }, who)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await snapshot(t)).toBe(before)
    expect(await codes()).toEqual([])
  })

  it.each([
    ['an unknown build', { code: CODE, envVersion: 'beta' }],
    ['a code of the wrong form', { code: 'AB' }],
    ['an extra field', { code: CODE, width: 1280 }],
  ])('refuses %s as INVALID_INPUT', async (_label, payload) => {
    expect(await qr(payload)).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await codes()).toEqual([])
  })

  it('makes none for a revoked or expired invite', async () => {
    await t.data.update('invites', CODE, { revoked: true })
    expect(await qr({ code: CODE })).toMatchObject({ ok: false, code: 'INVITE_INVALID', field: 'code' })
    await t.data.update('invites', CODE, { revoked: false, expiresAt: new Date(t.now() - 1000) })
    expect(await qr({ code: CODE })).toMatchObject({ ok: false, code: 'INVITE_EXPIRED', field: 'code' })
    expect(await codes()).toEqual([])
    expect((await invite()).qrFiles).toBeUndefined()
  })

  it('answers QR_UNAVAILABLE when the open API fails, and stores nothing', async () => {
    await t.admin('faults', { body: { errorRate: 1, actions: ['wx.openApi'] } })
    const reply = await qr({ code: CODE })
    await t.admin('faults', { method: 'DELETE' })
    expect(reply).toMatchObject({ ok: false, code: 'QR_UNAVAILABLE', message: expect.stringContaining('输入邀请码') })
    expect((await invite()).qrFiles).toBeUndefined()
  })
})

describe('an invite’s code goes with it', () => {
  const DAY = 86_400_000
  const trigger = () =>
    t.admin<{ result: Envelope<Record<string, number>> }>('functions/community/trigger', { body: {} })

  it('revoking the invite deletes its codes in the same call', async () => {
    const release = ok(await qr({ code: CODE })).fileID
    const develop = ok(await qr({ code: CODE, envVersion: 'develop' })).fileID
    expect(
      await t.call<Envelope<{ revoked: boolean }>>(
        'community',
        { action: 'revokeInvite', payload: { code: CODE } },
        WHO.buildingLead,
      ),
    ).toEqual({ ok: true, data: { revoked: true } })
    expect(await exists(release)).toBe(false)
    expect(await exists(develop)).toBe(false)
    expect((await invite()).qrFiles).toBeUndefined()
  })

  it('the timer deletes the codes of expired invites, not of live ones', async () => {
    const old = ok(await qr({ code: CODE })).fileID
    const live = ok(await qr({ code: 'INVB3AAA' }, WHO.committee)).fileID
    await t.data.update('invites', CODE, { expiresAt: new Date(t.now() + DAY) })
    expect((await trigger()).result).toMatchObject({ ok: true, data: { inviteCodes: 0 } })
    await t.advanceClock(DAY + 60_000)
    expect((await trigger()).result).toMatchObject({ ok: true, data: { inviteCodes: 1 } })
    expect(await exists(old)).toBe(false)
    expect(await exists(live)).toBe(true)
    expect((await invite()).qrFiles).toBeUndefined()
    expect((await invite('INVB3AAA')).qrFiles).toEqual({ release: live })
    expect((await trigger()).result).toMatchObject({ ok: true, data: { inviteCodes: 0 } })
  })

  it('a file storage does not delete waits in fileDeletions and the next run deletes it', async () => {
    const fileID = ok(await qr({ code: CODE })).fileID
    await t.data.update('invites', CODE, { expiresAt: new Date(t.now() - 1000) })
    await t.admin('faults', { body: { errorRate: 1, actions: ['storage.batchDeleteFile'] } })
    await trigger()
    await t.admin('faults', { method: 'DELETE' })
    expect(await t.data.find<FileDeletionDoc>('fileDeletions')).toEqual([
      expect.objectContaining({ fileID, kind: 'inviteCode', communityId: C1 }),
    ])
    expect((await invite()).qrFiles).toBeUndefined()
    await trigger()
    expect(await t.data.count('fileDeletions')).toBe(0)
    expect(await exists(fileID)).toBe(false)
  })

  it('a closed community’s invite codes are deleted with its invites', async () => {
    const fileID = ok(await qr({ code: CODE })).fileID
    await t.data.update('communities', C1, {
      closing: {
        closedAt: new Date(t.now() - 31 * DAY),
        closedBy: WHO.committee,
        deleteAfter: new Date(t.now() - DAY),
      },
    })
    await trigger()
    expect(await exists(fileID)).toBe(false)
    expect(await t.data.count('invites', { buildingId: B.b1._id })).toBe(0)
  })
})
