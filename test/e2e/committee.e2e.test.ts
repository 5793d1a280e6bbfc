// The committee's pages through the real pages in Chromium, against localcloud, as demo2-committee-1 of 示范二村
// (c-demo-2): granting and revoking a role, naming a holder nothing names, importing a household ledger (a file with a bad row, then a good one),
// the community's structure (renaming a 营, automatic grouping, moving a building with the picker, adding one) and
// the retention settings. Each test checks the documents in localcloud afterwards, and reads what it needs from
// there rather than assuming the demo's numbers.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type {
  BuildingDoc,
  CommunityDoc,
  GroupDoc,
  HouseholdDoc,
  MemberDoc,
  RoleDoc,
} from '../../server/community/model'
import { householdLabel } from '../../server/community/structure'
import { startE2E, type E2E } from '../support/e2e'
import { HEADER, toCsv, toXlsx } from '../support/ledger'

const COMMUNITY = 'c-demo-2'
const COMMITTEE = 'demo2-committee-1'

let e: E2E
let dir: string
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-committee-'))
  e = await startE2E()
}, 60000)
afterAll(async () => {
  await e?.stop()
  fs.rmSync(dir, { recursive: true, force: true })
})

const exact = (text: string) => new RegExp(`^${text.replace(/[()（）]/g, '\\$&')}$`)

it('grants a 核酸 volunteer role with a run of two neighbouring posts to a linked resident, then revokes it', async () => {
  // A linked resident of 3号 who holds nothing but their household.
  const roles = await e.t.data.findAll<RoleDoc>('roles', { communityId: COMMUNITY })
  const holders = new Set(roles.filter((r) => r.role !== 'resident').map((r) => r.openid))
  const building = (await e.t.data.get<BuildingDoc>('buildings', 'c-demo-2-b3')) as BuildingDoc
  const households = await e.t.data.findAll<HouseholdDoc>('households', { buildingId: building._id })
  let pick: { household: HouseholdDoc; member: MemberDoc } | undefined
  for (const household of households) {
    const member = household.members.find((m) => m.openid && !holders.has(m.openid))
    if (member && !pick) pick = { household, member }
  }
  if (!pick) throw new Error('3号 has no linked resident without a role')
  const { household, member } = pick
  const label = `${householdLabel(building.name, household.room)} ${member.name}`

  const phone = await e.phone(COMMITTEE, { at: `packageCommittee/pages/roles?communityId=${COMMUNITY}` })
  // Granting without choosing says what is missing first.
  await phone.tap('#grant-button')
  expect(await phone.text('#grant-error')).toBe('请先选择楼栋')

  await phone.tap('#pick-building')
  await phone.sheet(exact(building.name))
  await phone.tap('#pick-member')
  await phone.sheet(label)
  await phone.tap('#pick-role')
  await phone.sheet(exact('志愿者'))
  await phone.tap('#grant-button')
  expect(await phone.text('#grant-error')).toBe('请选择志愿者类型')
  await phone.tap('#pick-type')
  await phone.sheet(exact('核酸'))
  // The chosen building is ticked; the next one in the community's order makes a run of two (a 云上 volunteer, one
  // per building, would keep one: test/care/roles-posts.page.test.ts).
  expect(await phone.text('#post-c-demo-2-b3')).toBe(`✓ ${building.name}`)
  await phone.tap('#post-c-demo-2-b4')
  expect(await phone.text('#post-c-demo-2-b4')).toMatch(/^✓ /)
  expect(await phone.text('#posts-run')).toMatch(/（2 栋）$/)
  await phone.tap('#grant-button')

  const granted = await e.t.data.findAll<RoleDoc>('roles', { openid: String(member.openid), role: 'volunteer' })
  expect(granted).toHaveLength(1)
  const role = granted[0] as RoleDoc
  expect(role).toMatchObject({
    communityId: COMMUNITY,
    volunteerType: 'testing',
    householdId: household._id,
    memberId: member.id,
    grantedBy: COMMITTEE,
  })
  expect([...(role.posts ?? [])].sort()).toEqual(['c-demo-2-b3', 'c-demo-2-b4'])
  expect(await phone.text(`#role-${role._id}`)).toContain(member.name)
  expect(await phone.text('#section-volunteer')).toContain(member.name)

  // 撤销 asks first.
  await phone.tap(`#role-${role._id} .revoke`)
  expect(await phone.modal('confirm')).toContain(`撤销 ${member.name} 的`)
  expect(await phone.top().locator(`#role-${role._id}`).count()).toBe(0)
  expect(await e.t.data.get('roles', role._id)).toBeNull()
  // Their household grant is untouched.
  expect(await e.t.data.count('roles', { openid: String(member.openid), role: 'resident' })).toBe(1)

  expect(await phone.problems()).toEqual([])
})

it('names a committee member whom nothing names yet: 「未登记姓名」, then 填写这位的姓名', async () => {
  // A committee member made by bootstrap without --committee-name: no household, no name on the role.
  const [second] = await e.t.data.findAll<RoleDoc>('roles', { communityId: COMMUNITY, openid: 'demo2-committee-2' })
  if (!second) throw new Error('the demo has no demo2-committee-2')
  await e.t.data.update('roles', second._id, { holderName: e.t.data._.remove() })
  const phone = await e.phone(COMMITTEE, { at: `packageCommittee/pages/roles?communityId=${COMMUNITY}` })
  expect(await phone.text(`#role-${second._id} .holder`)).toBe('未登记姓名')
  expect(await phone.text('#section-committee')).not.toContain('未知')
  await phone.tap(`#name-${second._id}`)
  await phone.type('#name-input', '顾 文娟')
  await phone.tap('#name-save')
  expect(await phone.text(`#role-${second._id} .holder`)).toBe('顾文娟')
  expect(await phone.top().locator(`#name-${second._id}`).count()).toBe(0)
  expect((await e.t.data.get<RoleDoc>('roles', second._id))?.holderName).toBe('顾文娟')
  expect(await phone.problems()).toEqual([])
})

it('imports a ledger: a file with a bad row shows the row and cannot be imported; a good one is committed', async () => {
  const buildingsBefore = await e.t.data.count('buildings', { communityId: COMMUNITY })
  const b8 = (await e.t.data.get<BuildingDoc>('buildings', 'c-demo-2-b8')) as BuildingDoc
  const taken = new Set((await e.t.data.findAll<HouseholdDoc>('households', { buildingId: b8._id })).map((h) => h.room))
  const newRoom = ['901', '902', '1001'].find((r) => !taken.has(r)) as string
  const good = [
    HEADER,
    ['10号', '101', '王建国', '13900001111', 1950, '独居'],
    ['10号', '102', '李秀英', '13900002222', 1962, ''],
    ['10号', '102', '李明', '', 1990, ''],
    [b8.name, newRoom, '周静', '021-57310000', 1985, '慢性病'],
  ]
  const bad = good.map((r) => [...r])
  ;(bad[2] as (string | number)[])[3] = '12345'
  const badFile = path.join(dir, '台账-有错.csv')
  const goodFile = path.join(dir, '台账.xlsx')
  fs.writeFileSync(badFile, toCsv(bad))
  fs.writeFileSync(goodFile, await toXlsx(good))

  const phone = await e.phone(COMMITTEE, { at: `packageCommittee/pages/import?communityId=${COMMUNITY}` })
  await phone.tap('#create-buildings')
  await phone.tap('#choose-file')
  // Choosing a chat file is a privacy API: the authorisation comes first, on the page's popup.
  await phone.tap('privacy-popup #agree-privacy')
  await phone.chooseFile(badFile)
  expect(await phone.text('#file-name')).toBe('文件：台账-有错.csv')
  expect(await phone.text('#row-errors')).toContain('有 1 行需要修改')
  expect(await phone.texts('#row-errors .row-error')).toEqual([
    expect.stringMatching(/^第 3 行\s*电话「12345」格式不正确/),
  ])
  expect(await phone.$('#commit').getAttribute('disabled')).not.toBeNull()
  const [refused] = await e.t.data.findAll<{ _id: string; ready: boolean }>('imports', { communityId: COMMUNITY })
  expect(refused?.ready).toBe(false)

  await phone.tap('#choose-file')
  await phone.chooseFile(goodFile)
  expect(await phone.top().locator('#row-errors').count()).toBe(0)
  const summary = await phone.text('#summary')
  expect(summary).toContain('住户3 户')
  expect(summary).toContain('居民4 人')
  expect(summary).toContain('新增住户3 户')
  expect(await phone.text('#new-buildings')).toContain('将新建 1 个楼栋')
  expect(await phone.text('#new-buildings')).toContain('10号')
  await phone.tap('#commit')
  expect(await phone.modal('confirm')).toContain('将导入 3 户、4 人')
  expect(await phone.text('#progress')).toContain('导入完成')
  expect(await phone.text('#progress-text')).toBe('已完成 3 / 3')

  expect(await e.t.data.count('buildings', { communityId: COMMUNITY })).toBe(buildingsBefore + 1)
  const [b10] = await e.t.data.findAll<BuildingDoc>('buildings', { communityId: COMMUNITY, name: '10号' })
  const imported = await e.t.data.findAll<HouseholdDoc>('households', { buildingId: String(b10?._id) })
  expect(imported.map((h) => [h.room, h.members.map((m) => m.name)]).sort()).toEqual([
    ['101', ['王建国']],
    ['102', ['李秀英', '李明']],
  ])
  expect(imported.find((h) => h.room === '101')?.members[0]).toMatchObject({
    phone: '13900001111',
    birthYear: 1950,
    flags: expect.arrayContaining(['alone', 'elderly']),
  })
  const [added] = await e.t.data.findAll<HouseholdDoc>('households', { buildingId: b8._id, room: newRoom })
  expect(added?.members.map((m) => [m.name, m.phone])).toEqual([['周静', '02157310000']])
  // Both files were read from the community's folder and are to be deleted a day later.
  expect(await e.t.data.count('uploads', { communityId: COMMUNITY })).toBe(2)

  expect(await phone.problems()).toEqual([])
})

it('shows the structure and edits it: renames a 营, groups automatically, moves a building, adds one', async () => {
  const groupsOf = () =>
    e.t.data.findAll<GroupDoc>('groups', { communityId: COMMUNITY }, { orderBy: [['order', 'asc']] })
  const buildingsOf = () => e.t.data.findAll<BuildingDoc>('buildings', { communityId: COMMUNITY })
  const buildings = await buildingsOf()
  const households = await e.t.data.count('households', { communityId: COMMUNITY })

  const phone = await e.phone(COMMITTEE, { at: `packageCommittee/pages/structure?communityId=${COMMUNITY}` })
  expect(await phone.text('#totals')).toContain(`${buildings.length} 栋 · ${households} 户`)
  const first = (await groupsOf())[0] as GroupDoc

  // Open the first 营: its buildings with their counts and leads.
  await phone.tap(`#group-${first._id} .group-head`)
  const inFirst = buildings.filter((b) => b.groupId === first._id)
  expect(await phone.texts(`#group-${first._id} .building-name`)).toEqual(
    expect.arrayContaining(inFirst.map((b) => b.name)),
  )
  expect(await phone.text(`#building-c-demo-2-b1`)).toContain('户')

  // 改名: a dialog with a text box.
  await phone.tap(`#group-${first._id} .rename`)
  expect(await phone.modal('confirm', '第1营（东区）')).toContain('修改营的名称')
  expect(await phone.text(`#group-${first._id} .group-name`)).toBe('第1营（东区）')
  expect((await e.t.data.get<GroupDoc>('groups', first._id))?.name).toBe('第1营（东区）')

  // 自动分营 by 4: asks first, then every building is in a 营 of at most 4 in name order.
  await phone.type('#size-input', '4')
  await phone.tap('#auto-group-button')
  expect(await phone.modal('confirm')).toContain('每 4 栋分为一营')
  const groups = await groupsOf()
  expect(groups).toHaveLength(Math.ceil(buildings.length / 4))
  expect(groups[0]?._id).toBe(first._id)
  expect(groups[0]?.name).toBe('第1营（东区）')
  const after = await buildingsOf()
  for (const g of groups) expect(after.filter((b) => b.groupId === g._id).length).toBeLessThanOrEqual(4)
  expect((await e.t.data.get<CommunityDoc>('communities', COMMUNITY))?.settings.groupSize).toBe(4)
  expect(await phone.texts('.group .group-name')).toEqual(groups.map((g) => g.name))

  // 换营: 5号 (now in the second 营) to the first, with the picker.
  const second = groups[1] as GroupDoc
  expect(after.find((b) => b._id === 'c-demo-2-b5')?.groupId).toBe(second._id)
  await phone.tap(`#group-${second._id} .group-head`)
  await phone.tap('#building-c-demo-2-b5 .move-button')
  await phone.sheet(exact('第1营（东区）'))
  expect((await e.t.data.get<BuildingDoc>('buildings', 'c-demo-2-b5'))?.groupId).toBe(first._id)
  const moved = await e.t.data.findAll<HouseholdDoc>('households', { buildingId: 'c-demo-2-b5' })
  expect(moved.every((h) => h.groupId === first._id)).toBe(true)
  expect(await phone.texts(`#group-${first._id} .building-name`)).toContain('5号')

  // 添加楼栋 into the second 营.
  await phone.type('#new-name', '9号')
  await phone.tap('#new-group')
  await phone.sheet(exact(second.name))
  await phone.tap('#add-building-button')
  const [b9] = await e.t.data.findAll<BuildingDoc>('buildings', { communityId: COMMUNITY, name: '9号' })
  expect(b9?.groupId).toBe(second._id)
  expect(await phone.text(`#building-${b9?._id}`)).toContain('还没有楼组长')
  expect(await phone.text('#totals')).toContain(`${buildings.length + 1} 栋`)
  // The same name again is refused on the field.
  await phone.type('#new-name', '9号')
  await phone.tap('#add-building-button')
  expect(await phone.text('#new-name-error')).not.toBe('')
  expect(await e.t.data.count('buildings', { communityId: COMMUNITY, name: '9号' })).toBe(1)

  expect(await phone.problems()).toEqual([])
})

it('changes how long data is kept on the retention page', async () => {
  const phone = await e.phone(COMMITTEE, { at: `packageCommittee/pages/retention?communityId=${COMMUNITY}` })
  expect(await phone.text('#head')).toContain('示范二村 数据保存')
  expect(await phone.text('#item-kitPhotos')).toContain('每轮检测结束 14 天后删除')
  expect(await phone.$('#photo-input input').inputValue()).toBe('14')
  expect(await phone.$('#escalate-input input').inputValue()).toBe('30')

  // Out of range is said on the page, nothing is sent.
  await phone.type('#escalate-input', '2')
  await phone.tap('#save-settings')
  expect(await phone.text('#settings-error')).toContain('5 到 240')

  await phone.type('#photo-input', '7')
  await phone.type('#result-input', '20')
  await phone.type('#escalate-input', '45')
  await phone.tap('#save-settings')
  expect(await phone.top().locator('#settings-error').count()).toBe(0)
  expect((await e.t.data.get<CommunityDoc>('communities', COMMUNITY))?.settings).toMatchObject({
    photoRetentionDays: 7,
    resultRetentionDays: 20,
    followUpEscalateMinutes: 45,
  })
  // The page reads the schedule again: the rules say the new periods.
  expect(await phone.text('#item-kitPhotos')).toContain('每轮检测结束 7 天后删除')
  expect(await phone.text('#item-results')).toContain('每轮检测结束 20 天后删除')
  expect(await phone.$('#escalate-input input').inputValue()).toBe('45')

  expect(await phone.problems()).toEqual([])
})
