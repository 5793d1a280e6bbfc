// Inviting by scanning, through the real pages in Chromium against localcloud: the lead's roster shows each invite's
// 小程序码 (localcloud's wxacode.getUnlimited answers a standard QR code of the same page and scene, so the test reads
// it as a phone's camera would), enlarges it, makes the entrance poster and shares the invite as a card from a
// button and from the 「···」 menu; a newcomer opens the join page from the code's scene and joins; the lead shares
// the round from the chain page. 示范二村 (c-demo-2), and 钟楼新村's live round for the chain; what each test needs is
// read from localcloud.
import type { HouseholdDoc, InviteDoc, JoinRequestDoc, MemberDoc } from '../../server/community/model'
import type { WxaCodeRequest } from '../../localcloud'
import { readQr } from '../support/qr'
import { buildingInvite as sharedBuildingInvite, startE2E, type E2E } from '../support/e2e'
import type { Locator } from 'playwright-core'
import type { Phone } from '../../preview/driver'

const B1 = 'c-demo-2-b1'
const LEAD = 'demo2-lead-1'

let e: E2E
beforeAll(async () => {
  e = await startE2E()
}, 60000)
afterAll(() => e?.stop())

/** The demo's building-wide invite of 1号, or one the lead makes. */
const buildingInvite = () => sharedBuildingInvite(e, B1, LEAD)

/** Until an <img> has loaded its picture (its natural width once it has). */
async function loaded(img: Locator): Promise<number> {
  await img.waitFor()
  const width = () =>
    img.evaluate((el: unknown) => {
      const i = el as { complete: boolean; naturalWidth: number }
      return i.complete ? i.naturalWidth : 0
    })
  for (let i = 0; i < 200; i++) {
    const w = await width()
    if (w > 0) return w
    await img.page().waitForTimeout(25)
  }
  throw new Error('the picture did not load')
}

/** The bytes of an image the page shows (a temporary URL of storage, or a blob: of a picture made on the phone). */
async function imageBytes(phone: Phone, src: string): Promise<Buffer> {
  const b64 = await phone.page.evaluate(async (url) => {
    const buf = new Uint8Array(await (await fetch(url)).arrayBuffer())
    let bin = ''
    for (let i = 0; i < buf.length; i += 0x8000) bin += String.fromCharCode(...buf.subarray(i, i + 0x8000))
    return btoa(bin)
  }, src)
  return Buffer.from(b64, 'base64')
}

it('the roster shows each invite’s 小程序码, which scans to the join page with that invite; tapped, it fills the screen', async () => {
  const invite = await buildingInvite()
  const lead = await e.phone(LEAD, { at: `packageLead/pages/roster?buildingId=${B1}` })
  const row = `#invite-${invite._id}`
  const thumb = lead.$(`${row} .qr-thumb img`)
  await loaded(thumb)
  const src = String(await thumb.getAttribute('src'))
  expect(readQr(await imageBytes(lead, src))).toBe(`pages/join/index?scene=${invite._id}`)

  // Made once through WeChat's API for the preview's build (开发版), then reused.
  const requests = (await e.t.admin<WxaCodeRequest[]>('wxacodes')).filter((r) => r.scene === invite._id)
  expect(requests).toEqual([
    expect.objectContaining({ page: 'pages/join/index', checkPath: false, envVersion: 'develop', errcode: 0 }),
  ])
  expect((await e.t.data.get<InviteDoc>('invites', invite._id))?.qrFiles?.develop).toMatch(/invite-codes\//)

  await lead.tap(`${row} .qr-thumb`)
  const big = lead.page.locator('.pv-image-preview-img')
  await big.waitFor()
  expect(readQr(await imageBytes(lead, String(await big.getAttribute('src'))))).toBe(
    `pages/join/index?scene=${invite._id}`,
  )
  await lead.page.locator('.pv-image-preview').click()

  // Opening the roster again makes no new code.
  await lead.goto(`packageLead/pages/roster?buildingId=${B1}`)
  await lead.$(`${row} .qr-thumb img`).waitFor()
  expect((await e.t.admin<WxaCodeRequest[]>('wxacodes')).filter((r) => r.scene === invite._id)).toHaveLength(1)
  expect(await lead.problems()).toEqual([])
})

it('the lead makes the entrance poster: the building, the code large enough to scan, and the code to type', async () => {
  const invite = await buildingInvite()
  const lead = await e.phone(LEAD, { at: `packageLead/pages/roster?buildingId=${B1}` })
  await lead.tap(`#invite-${invite._id} .poster`)
  const picture = lead.page.locator('.pv-image-preview-img')
  await loaded(picture)
  const png = await imageBytes(lead, String(await picture.getAttribute('src')))
  // The poster as a phone would save it: 1200 × 1700, and its code scans to the invite.
  const { PNG } = await import('pngjs')
  const { width, height } = PNG.sync.read(png)
  expect([width, height]).toEqual([1200, 1700])
  expect(readQr(png)).toBe(`pages/join/index?scene=${invite._id}`)
  await lead.page.locator('.pv-image-preview').click()
  expect(await lead.problems()).toEqual([])
})

it('the lead shares the invite into the building’s group from its button and from the 「···」 menu', async () => {
  const invite = await buildingInvite()
  const lead = await e.phone(LEAD, { at: `packageLead/pages/roster?buildingId=${B1}` })
  await lead.$(`#invite-${invite._id} .qr-thumb img`).waitFor()
  await lead.tap(`#invite-${invite._id} .share`)
  const notice = lead.page.locator('.pv-system-notice').last()
  await notice.waitFor()
  expect(await notice.locator('.pv-share-title').textContent()).toBe('1号住户：点开加入「邻里接力」，填房号和姓名即可')
  expect(await notice.locator('.pv-share-path').textContent()).toBe(`/pages/join/index?code=${invite._id}`)
  expect(await notice.locator('.pv-share-image').getAttribute('src')).toMatch(/^\/__storage\//)
  await lead.dismiss()

  await lead.page.locator('.pv-nav-menu').click()
  await lead.sheet('转发')
  await lead.dismiss()
  const shared = (await lead.log('share')).map((s) => s.data as { from: string; path: string; title: string })
  expect(shared.map((s) => [s.from, s.path])).toEqual([
    ['button', `/pages/join/index?code=${invite._id}`],
    ['menu', expect.stringMatching(/^\/pages\/join\/index\?code=[0-9A-Z]{8}$/)],
  ])
  expect(await lead.problems()).toEqual([])
})

it('a newcomer opens the join page from the code’s scene and joins; the lead approves', async () => {
  const invite = await buildingInvite()
  const pending = await e.t.data.findAll<JoinRequestDoc>('joinRequests', { buildingId: B1, status: 'pending' })
  const busy = new Set(pending.map((r) => r.householdId))
  let target: { household: HouseholdDoc; member: MemberDoc } | undefined
  for (const household of await e.t.data.findAll<HouseholdDoc>('households', { buildingId: B1 })) {
    const member = household.members.find((m) => !m.openid)
    if (member && !busy.has(household._id) && !household.linkedOpenids.includes(LEAD)) {
      target = { household, member }
      break
    }
  }
  if (!target) throw new Error('示范二村 1号 has no unlinked member left')
  const { household, member } = target

  // As WeChat opens a 小程序码: the page with its scene, URL-encoded, as query.scene.
  const newcomer = await e.phone('e2e-scanner-1', {
    at: `pages/join/index?scene=${encodeURIComponent(invite._id)}`,
  })
  expect(await newcomer.text('#invite-place')).toBe('示范二村 · 1号')
  await newcomer.type('#room-input', household.room)
  await newcomer.type('#name-input', member.name)
  await newcomer.tap('#personal-consent .consent-box--consent-tick')
  await newcomer.tap('#submit')
  await newcomer.subscription('cancel')
  expect(await newcomer.text('#pending')).toContain(`1-${household.room} ${member.name}`)
  const [request] = await e.t.data.findAll<JoinRequestDoc>('joinRequests', { openid: 'e2e-scanner-1' })
  expect(request).toMatchObject({ householdId: household._id, inviteCode: invite._id, status: 'pending' })

  const lead = await e.phone(LEAD, { at: `packageLead/pages/roster?buildingId=${B1}&tab=pending` })
  await lead.tap(`#request-${request?._id} .approve`)
  expect((await e.t.data.get<JoinRequestDoc>('joinRequests', String(request?._id)))?.status).toBe('approved')
  expect(await newcomer.problems()).toEqual([])
  expect(await lead.problems()).toEqual([])
})

it('the lead shares the round from the chain page: the building, the day and the deadline, opening the home page', async () => {
  // 钟楼新村's live round (the demo's), in 1号 of demo-lead-1.
  const [lead1] = await e.t.data.findAll<{ scope: { buildingId: string } }>('roles', {
    openid: 'demo-lead-1',
    role: 'buildingLead',
  })
  const buildingId = String(lead1?.scope.buildingId)
  const [round] = await e.t.data.findAll<{ _id: string }>('rounds', { communityId: 'c-zhonglou', status: 'open' })
  if (!round) throw new Error('钟楼新村 has no open round')
  const lead = await e.phone('demo-lead-1', {
    at: `packageAntigen/pages/chain?roundId=${round._id}&buildingId=${buildingId}`,
  })
  await lead.page.locator('.pv-nav-menu').click()
  await lead.sheet('转发')
  const notice = lead.page.locator('.pv-system-notice').last()
  await notice.waitFor()
  expect(await notice.locator('.pv-share-title').textContent()).toMatch(/^1号 \d+月\d+日抗原接龙：请在 .+ 前报结果$/)
  expect(await notice.locator('.pv-share-path').textContent()).toBe(`/pages/index/index?roundId=${round._id}`)
  // The mini-program's own picture, never a screenshot of the chain's names.
  expect(await loaded(notice.locator('.pv-share-image'))).toBe(500)
  await lead.dismiss()
  expect(await lead.problems()).toEqual([])
})
