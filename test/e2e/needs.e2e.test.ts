// Needs in 示范二村 (c-demo-2) through the real pages in Chromium, and the documents in localcloud after each step: a
// resident of 1号 registers a grocery need on the register page, 1号's 云上 volunteer takes it on the queue page and
// finishes it with a note, and the resident sees 已办结 on their household's page; then an urgent medical need nobody
// takes goes up to 1号's 班长 once the platform clock passes its five minutes and the timer runs.
import type { HouseholdDoc, RoleDoc } from '../../server/community/model'
import type { NeedDoc } from '../../server/needs/model'
import type { PushDoc } from '../../server/platform/pushqueue'
import { TEMPLATE_IDS } from '../../miniprogram/shared/constants'
import { startE2E, type E2E } from '../support/e2e'

const COMMUNITY = 'c-demo-2'
/** Lives in 1号-301. */
const RESIDENT = 'demo2-resident-1'
const B1 = `${COMMUNITY}-b1`

let e: E2E
let home: HouseholdDoc
let online = ''
let lead = ''

async function until<T>(what: string, check: () => Promise<T | undefined | false>, ms = 10000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await check()
    if (v !== undefined && v !== false) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** The household's needs raised since the test began (the demo's own are older). */
const newNeeds = async (since: number) =>
  (await e.t.data.findAll<NeedDoc>('needs', { householdId: home._id })).filter(
    (n) => new Date(n.createdAt).getTime() >= since,
  )

beforeAll(async () => {
  e = await startE2E()
  const households = await e.t.data.findAll<HouseholdDoc>('households', { communityId: COMMUNITY })
  home = households.find((h) => h.buildingId === B1 && h.room === '301') as HouseholdDoc
  expect(home.linkedOpenids).toContain(RESIDENT)
  const roles = await e.t.data.findAll<RoleDoc>('roles', { communityId: COMMUNITY })
  online = roles.find((r) => r.volunteerType === 'online' && r.posts?.includes(B1))?.openid as string
  lead = roles.find((r) => r.role === 'buildingLead' && r.scope.buildingId === B1)?.openid as string
  expect(online).toBeTruthy()
  expect(lead).toBeTruthy()
}, 120_000)

afterAll(async () => {
  await e?.stop()
})

async function raise(type: string, urgency: string, detail: string): Promise<NeedDoc> {
  const since = e.t.now() - 1000
  const phone = await e.phone(RESIDENT, { at: `packageNeeds/pages/raise?household=${home._id}` })
  await phone.$(`#type-${type}`).waitFor()
  await phone.tap(`#type-${type}`)
  await phone.tap(`#urgency-${urgency}`)
  await phone.type('#detail', detail)
  await phone.tap('#submit')
  // WeChat's subscription dialog, asked inside the tap: 需求进度通知.
  if (await phone.page.locator('.pv-subscribe-sheet').count()) await phone.subscription('allow')
  const [need] = await until('the need', async () => {
    const mine = await newNeeds(since)
    return mine.length > 0 && mine
  })
  await until('the household’s page', async () => (await phone.route()) === 'packageNeeds/pages/mine')
  expect(await phone.problems()).toEqual([])
  return need as NeedDoc
}

describe('needs in 示范二村', () => {
  it('a resident registers a need, 1号’s 云上 volunteer takes and finishes it, the resident sees 已办结', async () => {
    const need = await raise('groceries', 'normal', '两斤青菜、一盒鸡蛋')
    expect(need).toMatchObject({
      communityId: COMMUNITY,
      buildingId: B1,
      type: 'groceries',
      status: 'new',
      level: 'online',
      detail: '两斤青菜、一盒鸡蛋',
      raised: { openid: RESIDENT, role: 'resident' },
    })
    // The volunteer was told, with a link to the queue.
    const told = await until(
      'the 待接单 notice',
      async () => (await e.t.data.find<PushDoc>('pushQueue', { touser: online, templateId: TEMPLATE_IDS.needNew }))[0],
    )
    expect(told.page).toBe(`packageNeeds/pages/queue?id=${encodeURIComponent(need._id)}`)

    const volunteer = await e.phone(online, { at: `packageNeeds/pages/queue?communityId=${COMMUNITY}&id=${need._id}` })
    const card = `#need-${need._id}`
    await volunteer.$(`${card} .take`).waitFor()
    await volunteer.tap(`${card} .take`)
    const taken = await until('the take', async () => {
      const n = await e.t.data.get<NeedDoc>('needs', need._id)
      return n?.status === 'taken' && n
    })
    expect(taken.taken).toMatchObject({ openid: online, role: 'volunteer' })
    await volunteer.$(`${card} .done`).waitFor()
    await volunteer.tap(`${card} .done`)
    await volunteer.modal('confirm', '已送到门口')
    const done = await until('the finish', async () => {
      const n = await e.t.data.get<NeedDoc>('needs', need._id)
      return n?.status === 'done' && n
    })
    expect(done.done).toMatchObject({ openid: online, note: '已送到门口' })
    expect(await volunteer.problems()).toEqual([])

    const resident = await e.phone(RESIDENT, { at: `packageNeeds/pages/mine?household=${home._id}` })
    await resident.$(`${card} .status`).waitFor()
    expect(await resident.text(`${card} .status`)).toBe('已办结')
    expect(await resident.text(`${card} .who`)).toMatch(/^由 云上志愿者 .+ 办理$/)
    expect(await resident.problems()).toEqual([])
  })

  it('an urgent medical need nobody takes goes up to 1号’s 班长 once its five minutes pass', async () => {
    const need = await raise('medical', 'urgent', '老人胸口疼，需要去医院')
    expect(need).toMatchObject({ status: 'new', level: 'online' })
    // The committee hears of an urgent medical need at once.
    await until('the committee’s alert', async () => {
      const alerts = await e.t.data.find<PushDoc>('pushQueue', { templateId: TEMPLATE_IDS.needNew })
      return alerts.some((p) => p.purpose === `needs.alert:${need._id}`)
    })
    await e.t.advanceClock(6 * 60_000)
    await e.t.admin('functions/needs/trigger', { body: {} })
    const up = await until('the escalation', async () => {
      const n = await e.t.data.get<NeedDoc>('needs', need._id)
      return n?.level === 'building' && n
    })
    expect(up).toMatchObject({ status: 'escalated', escalations: [expect.objectContaining({ level: 'building' })] })
    const told = await until(
      'the 班长’s notice',
      async () => (await e.t.data.find<PushDoc>('pushQueue', { purpose: `needs.escalated:${need._id}:building` }))[0],
    )
    expect(told.touser).toBe(lead)

    const resident = await e.phone(RESIDENT, { at: `packageNeeds/pages/mine?household=${home._id}` })
    const card = `#need-${need._id}`
    await resident.$(`${card} .status`).waitFor()
    expect(await resident.text(`${card} .status`)).toBe('已上报')
    expect(await resident.text(`${card} .who`)).toBe('等待 楼组长 接单')
    const leadPhone = await e.phone(lead, { at: `packageNeeds/pages/queue?communityId=${COMMUNITY}` })
    await leadPhone.$(`${card} .take`).waitFor()
    expect(await leadPhone.problems()).toEqual([])
  })
})
