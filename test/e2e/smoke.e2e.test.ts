// The preview boots the real app as a demo person, opens pages from the home page and by link, and its system UI
// (pickers, modals) answers the page as WeChat would.
import type { RoundView } from '../../typings/api'
import { startE2E, type E2E } from '../support/e2e'

let e: E2E
beforeAll(async () => {
  e = await startE2E()
}, 60000)
afterAll(() => e?.stop())

it('opens the rounds page from the committee home and the date and time pickers answer it', async () => {
  const phone = await e.phone('demo2-committee-1')
  expect(await phone.route()).toBe('pages/index/index')
  await phone.tap('cell[id^=entry-rounds]')
  expect(await phone.route()).toBe('packageAntigen/pages/rounds')
  expect(await phone.page.evaluate('location.hash')).toBe('#/packageAntigen/pages/rounds?communityId=c-demo-2')
  await phone.tap('#time')
  await phone.pickValue('23:30')
  expect(await phone.text('#time')).toBe('23:30')
  expect(await phone.problems()).toEqual([])
})

it('keeps the stack: back returns to the home page, which is shown again', async () => {
  const phone = await e.phone('demo2-committee-1', { at: 'packageAntigen/pages/rounds?communityId=c-demo-2' })
  expect(await phone.page.evaluate(() => window.__preview.stack())).toEqual(['packageAntigen/pages/rounds'])
  await phone.page.locator('#pv-nav .pv-nav-home').click()
  await phone.idle()
  expect(await phone.route()).toBe('pages/index/index')
  await phone.tap('cell[id^=entry-rounds]')
  expect(await phone.page.evaluate(() => window.__preview.stack())).toEqual([
    'pages/index/index',
    'packageAntigen/pages/rounds',
  ])
  await phone.page.locator('#pv-nav .pv-nav-back').click()
  await phone.idle()
  expect(await phone.route()).toBe('pages/index/index')
  expect(await phone.problems()).toEqual([])
})

it('opens a round from the page and the round is in localcloud', async () => {
  const phone = await e.phone('demo2-committee-1', { at: 'packageAntigen/pages/rounds?communityId=c-demo-2' })
  await phone.tap('#time')
  await phone.pickValue('23:00')
  await phone.tap('#open-round')
  // The page asks before notifying every household.
  if (await phone.page.locator('.pv-modal').count()) await phone.modal('confirm')
  const rounds = await e.t.data.find<RoundView & { communityId: string; status: string }>('rounds', {
    communityId: 'c-demo-2',
  })
  expect(rounds).toHaveLength(1)
  expect(rounds[0]?.status).toBe('open')
  expect(await phone.problems()).toEqual([])
})

it('says it is a development preview, and lists a demo person for every role to act as', async () => {
  const phone = await e.phone('demo-committee-1')
  expect(await phone.page.locator('.pv-banner').textContent()).toMatch(/开发预览.*正式产品运行在微信中/s)
  expect(await phone.page.locator('#pv-status').textContent()).toContain('开发预览')
  const options = (await phone.page.locator('#pv-identity option').allTextContents()).join('\n')
  for (const label of [
    '居委',
    '团长',
    '营长',
    '楼组长',
    '层长',
    '居民',
    '独居老人',
    '老人的家属（代管）',
    '云上志愿者',
    '核酸志愿者',
    '楼栋志愿者',
    '巡逻志愿者',
    '运输志愿者',
    '应急志愿者',
    '商家',
    '新用户',
  ])
    expect([label, options.includes(label)]).toEqual([label, true])
  // Choosing another person relaunches the mini-program as them.
  await phone.page.locator('#pv-identity').selectOption('demo-lead-1')
  await phone.page.waitForURL(/openid=demo-lead-1/)
  await phone.page.waitForFunction(() => window.__preview.idle())
  expect(await phone.page.evaluate(() => window.__preview.openid)).toBe('demo-lead-1')
})

it('keeps storage per person and fails loudly on an API the preview does not have', async () => {
  const a = await e.phone('demo2-resident-1')
  await a.page.evaluate("wx.setStorageSync('draft', { n: 1 })")
  expect(await a.page.evaluate("wx.getStorageSync('draft')")).toEqual({ n: 1 })
  // The same browser profile as someone else: their own, empty storage.
  await a.page.goto(`${e.preview.url}/?openid=demo2-lead-1`)
  await a.page.waitForFunction(() => window.__preview.idle())
  expect(await a.page.evaluate("wx.getStorageSync('draft')")).toBe('')
  const thrown = await a.page.evaluate(
    "(() => { try { wx.getLocation({}); return '' } catch (e) { return e.message } })()",
  )
  expect(thrown).toMatch(/wx\.getLocation .*not available in the development preview/)
  // Reported on the page's console and in the preview's own list, nothing else.
  const problems = await a.problems()
  expect(problems.length).toBeGreaterThan(0)
  for (const p of problems) expect(p).toMatch(/wx\.getLocation/)
})
