// The testing call-up across roles in 示范二村 (c-demo-2), through the real pages in Chromium and the data in
// localcloud after each step: the committee starts a session on the sessions page and calls the 1st–3rd buildings
// with the range pickers; a resident of the 2nd building is told and sees 已叫到 on their turn page; a 核酸
// volunteer marks the 2nd building done from the queue; the committee's queue shows the progress.
import type { BuildingDoc, HouseholdDoc, RoleDoc } from '../../server/community/model'
import type { CallupBuildingDoc, CallupCallDoc, CallupSessionDoc } from '../../server/callup/model'
import type { PushDoc } from '../../server/platform/pushqueue'
import { roleId, rolePlace } from '../../server/community/ids'
import { TEMPLATE_IDS } from '../../miniprogram/shared/constants'
import { startE2E, type E2E } from '../support/e2e'

const COMMUNITY = 'c-demo-2'
const COMMITTEE = 'demo2-committee-1'
const TESTER = 'e2e-tester-1'

let e: E2E
let buildings: BuildingDoc[]
/** A resident of the community's 2nd building (its order). */
let resident = ''
let sessionId = ''

async function until<T>(what: string, check: () => Promise<T | undefined | false>, ms = 10000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await check()
    if (v !== undefined && v !== false) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const part = (b: BuildingDoc) => e.t.data.get<CallupBuildingDoc>('callupBuildings', `${sessionId}:${b._id}`)
const second = () => buildings[1] as BuildingDoc

beforeAll(async () => {
  e = await startE2E()
  buildings = (await e.t.data.findAll<BuildingDoc>('buildings', { communityId: COMMUNITY })).sort(
    (a, b) => a.order - b.order,
  )
  const households = await e.t.data.findAll<HouseholdDoc>('households', { buildingId: second()._id })
  resident = households.find((h) => h.linkedOpenids.length)?.linkedOpenids[0] as string
  expect(resident).toBeTruthy()
  // A 核酸 volunteer of the community, on call at any hour (no shifts) for every building (no posts).
  const scope = { communityId: COMMUNITY }
  const tester: RoleDoc = {
    _id: roleId(TESTER, 'volunteer', rolePlace({ role: 'volunteer', scope, volunteerType: 'testing' })),
    openid: TESTER,
    communityId: COMMUNITY,
    role: 'volunteer',
    scope,
    volunteerType: 'testing',
    posts: [],
    holderName: '郑核酸',
    grantedBy: COMMITTEE,
    grantedAt: new Date(e.t.now() - 86_400_000),
  }
  await e.t.data.insertMany('roles', [tester])
}, 90000)
afterAll(async () => {
  await e?.stop()
})

describe('a testing call-up in 示范二村', () => {
  it('the committee starts a session and calls the 1st–3rd buildings by order', async () => {
    const committee = await e.phone(COMMITTEE, { at: `packageCallup/pages/sessions?communityId=${COMMUNITY}` })
    await committee.$('#start-button').waitFor()
    await committee.type('#points', '东门采样点')
    await committee.tap('#start-button')
    const session = await until(
      'the session',
      async () => (await e.t.data.find<CallupSessionDoc>('callupSessions', { communityId: COMMUNITY }))[0],
    )
    sessionId = session._id
    expect(session).toMatchObject({ status: 'open', buildings: buildings.length, started: { by: COMMITTEE } })
    expect(session.points.map((p) => p.name)).toEqual(['东门采样点'])
    await until('the queue page', async () => (await committee.route()) === 'packageCallup/pages/queue')
    await committee.$('#call-range').waitFor()
    // From 第1栋 (the first waiting one, where the pickers start) to 第3栋, picked by name.
    await committee.tap('#to')
    await committee.sheet(`第3栋 ${buildings[2]?.name}`)
    expect(await committee.text('#call-range')).toBe(`叫 ${buildings[0]?.name}–${buildings[2]?.name}（3 栋）`)
    await committee.tap('#call-range')
    const said = await committee.modal('confirm')
    expect(said).toContain('楼居民下楼检测')
    const called = await until('three buildings called', async () => {
      const parts = await Promise.all(buildings.map(part))
      return parts.filter((p) => p?.state === 'called').length === 3 && parts
    })
    expect(called.map((p) => p?.state)).toEqual([
      'called',
      'called',
      'called',
      ...buildings.slice(3).map(() => 'waiting'),
    ])
    const call = await e.t.data.get<CallupCallDoc>('callupCalls', called[0]?.callId ?? '')
    expect(call).toMatchObject({ kind: 'call', by: COMMITTEE, buildingIds: buildings.slice(0, 3).map((b) => b._id) })
    expect(await committee.problems()).toEqual([])
  })

  it('a resident of the 2nd building is told, and sees 已叫到 on their turn page', async () => {
    const told = await until('the call-up notice', async () => {
      const pushes = await e.t.data.find<PushDoc>('pushQueue', { touser: resident, templateId: TEMPLATE_IDS.callup })
      return pushes.length > 0 && pushes
    })
    expect(told).toHaveLength(1)
    expect(told[0]?.page).toBe(`packageCallup/pages/turn?sessionId=${encodeURIComponent(sessionId)}`)
    expect(told[0]?.fields.thing4).toContain('楼居民下楼检测')
    const phone = await e.phone(resident, { at: `packageCallup/pages/turn?sessionId=${sessionId}` })
    const card = `#turn-${second()._id}`
    await phone.$(`${card} .message`).waitFor()
    expect(await phone.text(`${card} .message`)).toBe('已叫到，请下楼')
    expect(await phone.problems()).toEqual([])
  })

  it('the 核酸 volunteer marks the 2nd building done from the queue', async () => {
    const phone = await e.phone(TESTER, { at: `packageCallup/pages/queue?sessionId=${sessionId}` })
    const row = `#building-${second()._id}`
    await phone.$(row).waitFor()
    await phone.tap(row)
    await phone.sheet('本楼检测完成')
    await phone.modal('confirm', '23')
    const done = await until('the mark', async () => {
      const p = await part(second())
      return p?.state === 'done' && p
    })
    expect(done.done).toMatchObject({ by: TESTER, byName: '郑核酸', tested: 23 })
    expect(await phone.problems()).toEqual([])
  })

  it('the committee sees the progress', async () => {
    const committee = await e.phone(COMMITTEE, { at: `packageCallup/pages/queue?sessionId=${sessionId}` })
    await committee.$('#counts').waitFor()
    expect(await committee.text('#counts')).toBe(`已完成 1 · 已叫号 2 · 待叫号 ${buildings.length - 3}`)
    expect(await committee.text(`#building-${second()._id} .state`)).toBe('已完成')
    expect(await committee.text(`#building-${second()._id} .meta`)).toContain('完成 23 人 · 郑核酸')
    expect(await committee.problems()).toEqual([])
  })
})
