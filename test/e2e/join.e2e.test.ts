// Joining and the building's roster through the real pages in Chromium, against localcloud: a newcomer types a
// building invite, asks to join a household and the lead approves it; another scans a mini-program code, asks to
// manage a household (代管) and the lead refuses it; the lead makes, copies and revokes invite codes, and reveals a
// masked number to dial it, which the committee's log lists; a resident reads and erases their data. 示范二村
// (c-demo-2) only; what each test needs is read from localcloud, not assumed.
import type {
  BuildingDoc,
  HouseholdDoc,
  InviteDoc,
  JoinRequestDoc,
  MemberDoc,
  PhoneRevealDoc,
} from '../../server/community/model'
import { shortBuildingName } from '../../server/community/structure'
import { buildingInvite as sharedBuildingInvite, startE2E, type E2E } from '../support/e2e'

const COMMUNITY = 'c-demo-2'
const B1 = 'c-demo-2-b1'
const LEAD = 'demo2-lead-1'
const COMMITTEE = 'demo2-committee-1'

let e: E2E
beforeAll(async () => {
  e = await startE2E()
}, 60000)
afterAll(() => e?.stop())

const householdsOf = (buildingId: string) => e.t.data.findAll<HouseholdDoc>('households', { buildingId })

/** A member of 1号 nobody has linked, in a household with no pending request and not the lead's own. */
async function unlinkedMember(): Promise<{ household: HouseholdDoc; member: MemberDoc }> {
  const pending = await e.t.data.findAll<JoinRequestDoc>('joinRequests', { buildingId: B1, status: 'pending' })
  const busy = new Set(pending.map((r) => r.householdId))
  const candidates = (await householdsOf(B1)).filter(
    (h) => !busy.has(h._id) && !h.members.some((m) => m.openid === LEAD),
  )
  // Preferably one with a phone of their own, as a newcomer with WeChat would have.
  for (const withPhone of [true, false])
    for (const household of candidates) {
      const member = household.members.find((m) => !m.openid && (!withPhone || m.phone))
      if (member) return { household, member }
    }
  throw new Error('示范二村 1号 has no unlinked member left')
}

/** The demo's building-wide invite of 1号, or one the lead makes. */
const buildingInvite = () => sharedBuildingInvite(e, B1, LEAD)

it('a newcomer types the building invite, asks to join a household, the lead approves it and the home page shows it', async () => {
  const invite = await buildingInvite()
  const { household, member } = await unlinkedMember()
  const newcomer = await e.phone('e2e-newcomer-1')
  expect(await newcomer.text('#empty')).toContain('您还没有加入住户')
  await newcomer.tap('cell[id=entry-join]')
  expect(await newcomer.route()).toBe('pages/join/index')

  // A wrong code is answered on the page, not sent as a request.
  await newcomer.type('#code-input', 'ABC')
  await newcomer.tap('#preview')
  expect(await newcomer.text('#code-error')).toContain('8 位邀请码')

  // As the lead reads it out: spaces and lower case are fine.
  await newcomer.type('#code-input', `${invite._id.slice(0, 4).toLowerCase()} ${invite._id.slice(4)}`)
  await newcomer.tap('#preview')
  expect(await newcomer.text('#invite-place')).toBe('示范二村 · 1号')

  // Submitting with nothing filled in names every field still needed.
  await newcomer.tap('#submit')
  expect(await newcomer.text('#room-error')).toContain('房号')
  expect(await newcomer.text('#name-error')).toContain('姓名')
  expect(await newcomer.text('#personal-consent')).toContain('请阅读并勾选')

  await newcomer.type('#room-input', household.room)
  await newcomer.type('#name-input', member.name)
  await newcomer.tap('#personal-consent .consent-box--consent-tick')
  await newcomer.tap('#health-consent .consent-box--consent-tick')
  await newcomer.tap('#submit')
  // The page asks to send the result of the review (joinResult) inside the tap.
  await newcomer.subscription('allow')
  expect(await newcomer.text('#pending')).toContain('等待楼组长审核')
  expect(await newcomer.text('#pending')).toContain(`1-${household.room} ${member.name}`)

  const [request] = await e.t.data.findAll<JoinRequestDoc>('joinRequests', { openid: 'e2e-newcomer-1' })
  expect(request).toMatchObject({
    householdId: household._id,
    memberId: member.id,
    name: member.name,
    asProxy: false,
    inviteCode: invite._id,
    status: 'pending',
  })
  expect((await e.t.data.get<InviteDoc>('invites', invite._id))?.uses).toBe(invite.uses + 1)
  expect(await e.t.data.count('consents', { openid: 'e2e-newcomer-1' })).toBe(2)

  // The lead finds it under 待审核 and approves it.
  const lead = await e.phone(LEAD, { at: `packageLead/pages/roster?buildingId=${B1}` })
  expect(await lead.text('#pending-badge')).not.toBe('')
  await lead.tap('#tab-pending')
  expect(await lead.text(`#request-${request?._id}`)).toContain(`1-${household.room} ${member.name}`)
  await lead.tap(`#request-${request?._id} .approve`)
  expect(await lead.top().locator(`#request-${request?._id}`).count()).toBe(0)

  expect((await e.t.data.get<JoinRequestDoc>('joinRequests', String(request?._id)))?.status).toBe('approved')
  const joined = await e.t.data.get<HouseholdDoc>('households', household._id)
  expect(joined?.members.find((m) => m.id === member.id)?.openid).toBe('e2e-newcomer-1')
  expect(joined?.linkedOpenids).toContain('e2e-newcomer-1')
  expect(await e.t.data.count('roles', { openid: 'e2e-newcomer-1', role: 'resident' })).toBe(1)

  // Back on the newcomer's phone: 回到首页 shows the household.
  await newcomer.tap('#done')
  expect(await newcomer.route()).toBe('pages/index/index')
  expect(await newcomer.text(`cell[id=entry-household-${household._id}]`)).toContain(`示范二村 1-${household.room}`)
  expect(await newcomer.top().locator('cell[id=entry-join]').count()).toBe(0)
  await newcomer.tap(`cell[id=entry-household-${household._id}]`)
  expect(await newcomer.route()).toBe('pages/household/index')
  expect(await newcomer.texts('#members member-row')).toEqual(
    expect.arrayContaining([expect.stringContaining(member.name)]),
  )

  expect(await newcomer.problems()).toEqual([])
  expect(await lead.problems()).toEqual([])
})

it('a relative scans the invite (扫一扫), asks to manage a household and the lead refuses with a reason', async () => {
  const invite = await buildingInvite()
  const { household } = await unlinkedMember()
  const relative = await e.phone('e2e-newcomer-2', { at: 'pages/join/index' })
  // WeChat's camera is a prompt in the preview: the mini-program code's path, as a scan of it hands it over.
  const scanned: string[] = []
  relative.page.on('dialog', (d) => {
    scanned.push(d.message())
    void d.accept(`pages/join/index?scene=${invite._id}`)
  })
  await relative.tap('#scan')
  // Scanning opens the camera: WeChat's privacy authorisation comes first, on the page's own popup.
  await relative.tap('privacy-popup #agree-privacy')
  expect(scanned).toHaveLength(1)
  expect(await relative.text('#invite-place')).toBe('示范二村 · 1号')

  await relative.type('#room-input', household.room)
  await relative.tap('#proxy')
  expect(await relative.text('#who')).toContain('您的姓名（代管人）')
  await relative.type('#name-input', '钱代管')
  await relative.tap('#personal-consent .consent-box--consent-tick')
  await relative.tap('#submit')
  await relative.subscription('cancel')
  expect(await relative.text('#pending')).toContain('钱代管（代管）')

  const [request] = await e.t.data.findAll<JoinRequestDoc>('joinRequests', { openid: 'e2e-newcomer-2' })
  expect(request).toMatchObject({ householdId: household._id, name: '钱代管', asProxy: true, status: 'pending' })
  expect(request?.memberId).toBeUndefined()

  const lead = await e.phone(LEAD, { at: `packageLead/pages/roster?buildingId=${B1}&tab=pending` })
  expect(await lead.text(`#request-${request?._id}`)).toContain('代管家人')
  await lead.tap(`#request-${request?._id} .reject`)
  expect(await lead.modal('confirm', '不认识这位家属')).toContain('不通过的原因')
  expect(await lead.top().locator(`#request-${request?._id}`).count()).toBe(0)

  const decided = await e.t.data.get<JoinRequestDoc>('joinRequests', String(request?._id))
  expect(decided).toMatchObject({ status: 'rejected', reason: '不认识这位家属', decidedBy: LEAD })
  expect((await e.t.data.get<HouseholdDoc>('households', household._id))?.linkedOpenids).not.toContain('e2e-newcomer-2')

  // 我的数据 tells the relative what is kept: the refused request with its reason and the consent; no household.
  await relative.goto('pages/household/data')
  expect(await relative.text('#requests')).toContain('钱代管（代管）')
  expect(await relative.text('#requests')).toContain('未通过（不认识这位家属）')
  expect(await relative.text('#consents')).toContain('个人信息')
  expect(await relative.text('#households')).toContain('没有')
  expect(await relative.top().locator('#delete').count()).toBe(0)

  expect(await relative.problems()).toEqual([])
  expect(await lead.problems()).toEqual([])
})

it('the lead makes an invite for one room and one for the building, copies one and revokes the other', async () => {
  const before = await e.t.data.count('invites', { buildingId: B1, revoked: false })
  const lead = await e.phone(LEAD, { at: `packageLead/pages/roster?buildingId=${B1}` })
  const rows = async () => (await lead.texts('.invite-row')).length
  expect(await rows()).toBe(before)

  // A room that is not in the building is refused on the field.
  await lead.type('#invite-room', '9901')
  await lead.tap('#create-invite')
  await lead.subscription('allow')
  expect(await lead.text('#invite-error')).not.toBe('')

  const room = (await householdsOf(B1))[0]?.room ?? ''
  await lead.type('#invite-room', room)
  await lead.tap('#create-invite')
  await lead.subscription('allow')
  const roomCode = (await lead.text('#new-code')).replace(/\s/g, '')
  expect(await lead.text('#new-invite')).toContain(`仅限 ${room} 室`)

  await lead.tap('#create-invite')
  await lead.subscription('cancel')
  const buildingCode = (await lead.text('#new-code')).replace(/\s/g, '')
  expect(await lead.text('#new-invite')).toContain('1号全楼')
  expect(await rows()).toBe(before + 2)

  const made = await e.t.data.findAll<InviteDoc>('invites', { _id: e.t.data._.in([roomCode, buildingCode]) })
  expect(made.map((i) => [i._id, i.room ?? null, i.createdBy, i.revoked]).sort()).toEqual(
    [
      [roomCode, room, LEAD, false],
      [buildingCode, null, LEAD, false],
    ].sort(),
  )
  expect(made.find((i) => i._id === roomCode)?.maxUses).toBe(1)

  // 复制邀请码: the clipboard gets the code as typed (no spaces).
  await lead.tap('#new-invite .copy')
  // The clipboard is a privacy API: WeChat asks for the authorisation first, on the page's popup.
  await lead.tap('privacy-popup #agree-privacy')
  expect((await lead.log('clipboard')).map((c) => c.data)).toEqual([buildingCode])

  // 撤销 asks first; cancelling keeps the code.
  const row = lead.top().locator('.invite-row', { hasText: `${roomCode.slice(0, 4)} ${roomCode.slice(4)}` })
  await row.locator('.revoke').click()
  expect(await lead.modal('cancel')).toContain('撤销邀请码')
  expect((await e.t.data.get<InviteDoc>('invites', roomCode))?.revoked).toBe(false)
  await row.locator('.revoke').click()
  await lead.modal('confirm')
  expect(await row.count()).toBe(0)
  expect(await rows()).toBe(before + 1)
  expect((await e.t.data.get<InviteDoc>('invites', roomCode))?.revoked).toBe(true)
  expect((await e.t.data.get<InviteDoc>('invites', buildingCode))?.revoked).toBe(false)

  expect(await lead.problems()).toEqual([])
})

it('the lead rings a masked number: a reason first, the dialler gets the full number, the committee sees the reveal', async () => {
  // A household of 1号 not the lead's own (the lead sees its numbers masked), with a member who has a phone.
  const households = (await householdsOf(B1)).filter((h) => !h.linkedOpenids.includes(LEAD))
  const household = households.find((h) => h.members.some((m) => m.phone)) as HouseholdDoc
  const member = household.members.find((m) => m.phone) as MemberDoc
  const building = (await e.t.data.get<BuildingDoc>('buildings', B1)) as BuildingDoc

  const lead = await e.phone(LEAD, { at: `packageLead/pages/roster?buildingId=${B1}` })
  const row = `#household-${household._id} #member-${member.id}`
  const shown = await lead.text(row)
  expect(shown).toContain(member.name)
  expect(shown).not.toContain(String(member.phone))
  expect(shown).toContain('****')

  await lead.tap(`${row} .dial`)
  await lead.sheet('提醒报抗原')
  expect((await lead.log('call')).map((c) => c.data)).toEqual([member.phone])
  await lead.dismiss()
  // The page never shows the revealed number.
  expect(await lead.top().textContent()).not.toContain(String(member.phone))

  const reveals = await e.t.data.findAll<PhoneRevealDoc>('phoneReveals', { openid: LEAD })
  expect(reveals).toHaveLength(1)
  expect(reveals[0]).toMatchObject({
    communityId: COMMUNITY,
    role: 'buildingLead',
    householdId: household._id,
    memberId: member.id,
    reason: 'remind',
  })
  expect(JSON.stringify(reveals[0])).not.toContain(String(member.phone))

  // Cancelling the reason sheet rings nobody and logs nothing.
  await lead.tap(`${row} .dial`)
  await lead.page.locator('.pv-sheet-cancel').last().click()
  await lead.idle()
  expect(await lead.log('call')).toHaveLength(1)
  expect(await e.t.data.count('phoneReveals', { openid: LEAD })).toBe(1)

  // The committee's log, from the roles page.
  const committee = await e.phone(COMMITTEE, { at: `packageCommittee/pages/roles?communityId=${COMMUNITY}` })
  await committee.tap('#reveals-link')
  expect(await committee.route()).toBe('packageCommittee/pages/reveals')
  const entry = await committee.text(`#reveal-${reveals[0]?._id}`)
  expect(entry).toContain(`${shortBuildingName(building.name)}-${household.room} ${member.name}`)
  expect(entry).toContain(`${reveals[0]?.byName}（楼组长）`)
  expect(entry).toContain('提醒报抗原')
  expect(entry).not.toContain(String(member.phone))

  expect(await lead.problems()).toEqual([])
  expect(await committee.problems()).toEqual([])
})

it('a resident reads 我的数据 and erases their own part of the household', async () => {
  // A linked resident of 2号 sharing the household with another linked member, holding no role but resident.
  const roles = await e.t.data.findAll<{ openid: string; role: string }>('roles', { communityId: COMMUNITY })
  const others = new Set(roles.filter((r) => r.role !== 'resident').map((r) => r.openid))
  const household = (await householdsOf('c-demo-2-b2')).find(
    (h) => h.linkedOpenids.length >= 2 && h.linkedOpenids.every((o) => !others.has(o)),
  ) as HouseholdDoc
  const me = household.members.find((m) => m.openid) as MemberDoc
  const openid = String(me.openid)

  const resident = await e.phone(openid, { at: 'pages/household/data' })
  expect(await resident.text('#households')).toContain(`示范二村 2-${household.room}`)
  for (const m of household.members) expect(await resident.text('#households')).toContain(m.name)
  // A member of the household sees its numbers in full.
  if (me.phone) expect(await resident.text('#households')).toContain(me.phone)
  expect(await resident.text('#roles')).toContain(`2-${household.room}`)
  expect(await resident.text('#consents')).toContain('个人信息')

  // 删除 needs the word typed.
  expect(await resident.$('#delete-button').getAttribute('disabled')).not.toBeNull()
  await resident.type('#delete-input', '删除')
  await resident.tap('#delete-button')
  expect(await resident.text('#deleted')).toContain(`已删除您在 示范二村 2-${household.room} 的信息和身份`)

  const after = await e.t.data.get<HouseholdDoc>('households', household._id)
  expect(after?.members.map((m) => m.id)).not.toContain(me.id)
  expect(after?.members).toHaveLength(household.members.length - 1)
  expect(after?.linkedOpenids).not.toContain(openid)
  expect(await e.t.data.count('roles', { openid })).toBe(0)
  expect(await e.t.data.count('consents', { openid })).toBe(0)
  // Nothing is kept about them now.
  expect(await resident.text('#empty')).toContain('本小程序没有保存您的信息')

  expect(await resident.problems()).toEqual([])
})
