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
