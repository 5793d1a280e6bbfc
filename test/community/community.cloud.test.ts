// The community function through localcloud: identity, rosters and what each role sees, consent and deletion,
// structure and roles. Onboarding and the permission matrix have their own files.
import type { Envelope, HouseholdView, MyData, RoleView, Roster, StructureView, WhoAmI } from '../../typings/api'
import type { HouseholdDoc, RoleDoc } from '../../server/community/model'
import { CONSENTS } from '../../server/community/consent'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { B, C1, H, loadFixture, ROLES, snapshot, WHO } from '../support/community'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())
beforeEach(() => loadFixture(t))

const call = <T>(openid: string | undefined, action: string, payload: object = {}) =>
  t.call<Envelope<T>>('community', { action, payload }, openid)
const ok = async <T>(openid: string, action: string, payload: object = {}): Promise<T> => {
  const r = await call<T>(openid, action, payload)
  if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message}`)
  return r.data
}

describe('whoami', () => {
  it('returns the caller, their roles with place labels and households', async () => {
    const me = await ok<WhoAmI>(WHO.floorLead, 'whoami')
    expect(me.openid).toBe(WHO.floorLead)
    expect(me.roles.map((r) => r.place).sort()).toEqual(['1号 2层 层长', '测试小区 1-201 居民'])
    expect(me.households).toEqual([
      {
        id: H.b1r201._id,
        communityId: C1,
        communityName: '测试小区',
        buildingId: B.b1._id,
        label: '1-201',
        proxy: false,
      },
    ])
  })

  it('labels every kind of role', async () => {
    const places = async (openid: string) => (await ok<WhoAmI>(openid, 'whoami')).roles.map((r: RoleView) => r.place)
    expect(await places(WHO.buildingLead)).toEqual(['1号 楼组长'])
    expect(await places(WHO.groupLead)).toEqual(['第1营 营长'])
    expect(await places(WHO.communityLead)).toEqual(['测试小区 团长'])
    expect(await places(WHO.committee)).toEqual(['测试小区 居委'])
    expect((await places(WHO.volunteer)).sort()).toEqual(['测试小区 3-301 居民', '运输 · 1号 志愿者'])
  })

  it('answers a new user with nothing', async () => {
    expect(await ok<WhoAmI>(WHO.stranger, 'whoami')).toEqual({
      openid: WHO.stranger,
      roles: [],
      households: [],
      consents: [],
      pendingRequests: [],
    })
  })

  it('refuses a call without a WeChat identity and an unknown action', async () => {
    expect(await call(undefined, 'whoami')).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
    expect(await call(WHO.committee, 'dropAll')).toMatchObject({ ok: false, code: 'UNKNOWN_ACTION', field: 'action' })
  })
})

describe('building roster and what each role sees', () => {
  it('gives the lead full names, masked phones, flags, pending requests and households without WeChat', async () => {
    const roster = await ok<Roster>(WHO.buildingLead, 'buildingRoster', { buildingId: B.b1._id })
    expect(roster.households.map((h) => h.label)).toEqual(['1-101', '1-102', '1-201'])
    const h101 = roster.households[0] as HouseholdView
    expect(h101.members[0]).toEqual({
      id: 'm-zhang',
      name: '张三',
      phone: '138****1111',
      birthYear: 1980,
      flags: [],
      linked: true,
      revealable: true,
    })
    expect(roster.households[1]?.members[0]).toMatchObject({ name: '王五', flags: ['elderly', 'alone'] })
    expect(roster.unlinked.map((h) => h.label)).toEqual(['1-102'])
    expect(roster.pending).toEqual([expect.objectContaining({ id: 'jr-b1', label: '1-102', name: '王五' })])
    expect(roster.counts).toEqual({ households: 3, residents: 5, linkedHouseholds: 2, special: 2 })
  })

  it('gives the committee full phone numbers', async () => {
    const roster = await ok<Roster>(WHO.committee, 'buildingRoster', { buildingId: B.b1._id })
    expect(roster.households[0]?.members[0]?.phone).toBe('13800001111')
  })

  it('shows a floor lead only their floor', async () => {
    const roster = await ok<Roster>(WHO.floorLead, 'buildingRoster', { buildingId: B.b1._id })
    expect(roster.households.map((h) => h.label)).toEqual(['1-201'])
    expect(roster.pending).toEqual([])
  })

  it('shows residents their own household in full', async () => {
    const h = await ok<HouseholdView>(WHO.resident, 'myHousehold', { householdId: H.b1r101._id })
    expect(h.members.map((m) => [m.name, m.phone])).toEqual([
      ['张三', '13800001111'],
      ['李四', '13800002222'],
    ])
  })

  it('lets the lead mark a household as 代管 and set flags, deriving 60+ from the birth year', async () => {
    expect(
      (await ok<HouseholdView>(WHO.buildingLead, 'setProxy', { householdId: H.b1r102._id, proxy: true })).proxy,
    ).toBe(true)
    const h = await ok<HouseholdView>(WHO.buildingLead, 'setFlags', {
      householdId: H.b1r102._id,
      memberId: 'm-wang',
      flags: ['chronic'],
    })
    expect(h.members[0]?.flags).toEqual(['elderly', 'chronic'])
    expect(
      await call(WHO.buildingLead, 'setFlags', { householdId: H.b1r102._id, memberId: 'm-nobody', flags: [] }),
    ).toMatchObject({ code: 'NOT_FOUND', field: 'memberId' })
    expect(
      await call(WHO.buildingLead, 'setFlags', { householdId: H.b1r102._id, memberId: 'm-wang', flags: ['vip'] }),
    ).toMatchObject({ code: 'INVALID_INPUT', field: 'flags.0' })
  })
})

describe('consent', () => {
  it('records, lists and withdraws the separate health consent', async () => {
    const text = await ok<{ version: string; text: string }>(WHO.resident, 'consentText', { kind: 'health' })
    expect(text.version).toBe(CONSENTS.health.version)
    expect(text.text).toContain('14 天')
    await ok(WHO.resident, 'giveConsent', { kind: 'health', version: text.version })
    expect((await ok<WhoAmI>(WHO.resident, 'whoami')).consents.map((c) => c.kind)).toEqual(['health'])
    expect(await ok(WHO.resident, 'withdrawConsent', { kind: 'health' })).toEqual({ withdrawn: true })
    expect((await ok<WhoAmI>(WHO.resident, 'whoami')).consents).toEqual([])
  })

  it('refuses an outdated version', async () => {
    expect(await call(WHO.resident, 'giveConsent', { kind: 'health', version: 'old' })).toMatchObject({
      code: 'CONSENT_OUTDATED',
    })
  })
})

describe('seeing and deleting one’s data', () => {
  it('shows everything stored about the household', async () => {
    const mine = await ok<MyData>(WHO.resident, 'myData')
    expect(mine.households).toEqual([
      expect.objectContaining({
        label: '1-101',
        communityName: '测试小区',
        members: expect.arrayContaining([expect.objectContaining({ name: '李四', phone: '13800002222' })]),
      }),
    ])
    expect(mine.roles.map((r) => r.role)).toEqual(['resident'])
  })

  it('deletes the caller’s member, link and grant, keeps the rest of the household, and nothing else', async () => {
    const otherBefore = await t.data.get<HouseholdDoc>('households', H.b1r102._id)
    const result = await ok(WHO.resident, 'deleteMyData', { householdId: H.b1r101._id, confirm: '删除' })
    expect(result).toEqual({ householdId: H.b1r101._id, members: 1, roles: 1, householdErased: false, pendingFiles: 0 })
    const after = (await t.data.get<HouseholdDoc>('households', H.b1r101._id)) as HouseholdDoc
    // 李四 is in the committee's ledger, not 张三's data: he stays (test/community/deletion.cloud.test.ts has more).
    expect(after).toMatchObject({ linkedOpenids: [], room: '101' })
    expect(after.members.map((m) => m.name)).toEqual(['李四'])
    expect(after.erasedAt).toBeUndefined()
    expect(await t.data.count('roles', { householdId: H.b1r101._id })).toBe(0)
    expect(await t.data.get<HouseholdDoc>('households', H.b1r102._id)).toEqual(otherBefore)
    expect((await ok<WhoAmI>(WHO.resident, 'whoami')).households).toEqual([])
  })

  it('requires the typed confirmation and writes nothing without it', async () => {
    const before = await snapshot(t)
    expect(await call(WHO.resident, 'deleteMyData', { householdId: H.b1r101._id, confirm: 'yes' })).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'confirm',
    })
    expect(await snapshot(t)).toBe(before)
  })
})

describe('structure', () => {
  it('summarises groups, buildings and people', async () => {
    const s = await ok<StructureView>(WHO.committee, 'structure', { communityId: C1 })
    expect(s.totals).toEqual({ buildings: 3, households: 5, residents: 7, elderly: 1 })
    expect(s.groups.map((g) => [g.name, g.buildings.map((b) => `${b.name}:${b.households}`)])).toEqual([
      ['第1营', ['1号:3', '2号:1']],
      ['第2营', ['3号:1']],
    ])
    expect(s.community.volunteerCaps).toEqual({
      online: null,
      testing: 5,
      building: 5,
      patrol: 5,
      transport: 5,
      emergency: 5,
    })
  })

  it('regroups buildings automatically and moves their households along', async () => {
    const s = await ok<StructureView>(WHO.committee, 'autoGroup', { communityId: C1, size: 1 })
    expect(s.groups.map((g) => [g.name, g.buildings.map((b) => b.name)])).toEqual([
      ['第1营', ['1号']],
      ['第2营', ['2号']],
      ['第3营', ['3号']],
    ])
    const g3 = s.groups[2]?.id as string
    expect((await t.data.get<HouseholdDoc>('households', H.b3r301._id))?.groupId).toBe(g3)
    expect(s.community.groupSize).toBe(1)
  })

  it('adds a building in natural order and refuses a duplicate name', async () => {
    await ok(WHO.committee, 'upsertBuilding', { communityId: C1, name: '１０号' })
    const s = await ok<StructureView>(WHO.committee, 'structure', { communityId: C1 })
    expect(s.groups.flatMap((g) => g.buildings.map((b) => b.name))).toEqual(['1号', '2号', '3号', '10号'])
    expect(await call(WHO.committee, 'upsertBuilding', { communityId: C1, name: '10号' })).toMatchObject({
      code: 'CONFLICT',
      field: 'name',
    })
  })

  it('moves one building to another group', async () => {
    await ok(WHO.committee, 'moveBuilding', { buildingId: B.b3._id, groupId: 'g1' })
    expect((await t.data.get<HouseholdDoc>('households', H.b3r301._id))?.groupId).toBe('g1')
    expect(await call(WHO.committee, 'moveBuilding', { buildingId: B.b3._id, groupId: 'gx' })).toMatchObject({
      code: 'NOT_FOUND',
      field: 'groupId',
    })
  })
})

describe('roles', () => {
  it('grants a role to a linked resident and lists it with the holder’s name', async () => {
    const view = await ok<RoleView>(WHO.committee, 'grantRole', {
      communityId: C1,
      householdId: H.b2r101._id,
      memberId: 'm-qian',
      role: 'buildingLead',
      buildingId: B.b2._id,
    })
    expect(view).toMatchObject({ role: 'buildingLead', place: '2号 楼组长', holder: '钱七' })
    const list = await ok<RoleView[]>(WHO.committee, 'listRoles', { communityId: C1, role: 'buildingLead' })
    expect(list.map((r) => r.holder).sort()).toEqual(['钱七'])
    expect(
      await call(WHO.committee, 'grantRole', {
        communityId: C1,
        householdId: H.b2r101._id,
        memberId: 'm-qian',
        role: 'buildingLead',
        buildingId: B.b2._id,
      }),
    ).toMatchObject({ code: 'ROLE_EXISTS' })
  })

  it('masks holders’ names for a 团长 reading the list', async () => {
    const list = await ok<RoleView[]>(WHO.communityLead, 'listRoles', { communityId: C1, role: 'volunteer' })
    expect(list.map((r) => r.holder)).toEqual(['孙*'])
  })

  it('names every holder: by the member record, by the name on the role, or says no name is registered', async () => {
    const list = await ok<RoleView[]>(WHO.committee, 'listRoles', { communityId: C1 })
    for (const r of list) expect(r.holder !== undefined || r.unnamed === true).toBe(true)
    // The fixture's committee member, 楼组长, 营长 and 团长 came without a household: named nowhere yet.
    const byId = new Map(list.map((r) => [r.id, r]))
    const committeeRole = ROLES.find((r) => r.openid === WHO.committee) as RoleDoc
    expect(byId.get(committeeRole._id)).toMatchObject({ unnamed: true })
    expect(byId.get(committeeRole._id)?.holder).toBeUndefined()
    expect(list.find((r) => r.role === 'volunteer')).toMatchObject({ holder: '孙八' })
    expect(list.find((r) => r.role === 'volunteer')?.unnamed).toBeUndefined()
  })

  it('lets the committee set the name of a holder no household names, as the join form stores names', async () => {
    const committeeRole = ROLES.find((r) => r.openid === WHO.committee) as RoleDoc
    const named = await ok<RoleView>(WHO.committee, 'setRoleHolderName', {
      roleId: committeeRole._id,
      name: ' 周 建华 ',
    })
    expect(named).toMatchObject({ id: committeeRole._id, role: 'committee', holder: '周建华' })
    expect(named.unnamed).toBeUndefined()
    expect((await t.data.get<RoleDoc>('roles', committeeRole._id))?.holderName).toBe('周建华')
    const list = await ok<RoleView[]>(WHO.committee, 'listRoles', { communityId: C1, role: 'committee' })
    expect(list.map((r) => r.holder)).toEqual(['周建华'])
    // A 团长 reads it masked, as every name on the list.
    const asLead = await ok<RoleView[]>(WHO.communityLead, 'listRoles', { communityId: C1, role: 'committee' })
    expect(asLead.map((r) => [r.holder, r.unnamed])).toEqual([['周*华', undefined]])
  })

  it('refuses a bad name, a holder the household names and an unknown role, with nothing written', async () => {
    const committeeRole = ROLES.find((r) => r.openid === WHO.committee) as RoleDoc
    const before = await snapshot(t)
    for (const name of ['', '   ', '！！', '周\n建华', '周'.repeat(21)])
      expect(await call(WHO.committee, 'setRoleHolderName', { roleId: committeeRole._id, name })).toMatchObject({
        ok: false,
        code: 'INVALID_INPUT',
        field: 'name',
      })
    const volunteer = ROLES.find((r) => r.role === 'volunteer' && r.communityId === C1) as RoleDoc
    expect(await call(WHO.committee, 'setRoleHolderName', { roleId: volunteer._id, name: '别的名字' })).toMatchObject({
      ok: false,
      code: 'CONFLICT',
    })
    // An id that does not exist is answered as one the caller may not touch.
    expect(await call(WHO.committee, 'setRoleHolderName', { roleId: 'role_nope', name: '周建华' })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
    expect(await snapshot(t)).toBe(before)
  })

  it('refuses a member without WeChat', async () => {
    expect(
      await call(WHO.committee, 'grantRole', {
        communityId: C1,
        householdId: H.b1r102._id,
        memberId: 'm-wang',
        role: 'volunteer',
        volunteerType: 'patrol',
      }),
    ).toMatchObject({ code: 'NOT_LINKED' })
  })

  it('keeps each capped volunteer type within its cap, also under concurrent grants', async () => {
    await ok(WHO.committee, 'setVolunteerCaps', { communityId: C1, caps: { patrol: 2 } })
    const people = [
      { householdId: H.b1r101._id, memberId: 'm-zhang' },
      { householdId: H.b1r201._id, memberId: 'm-zhao' },
      { householdId: H.b2r101._id, memberId: 'm-qian' },
      { householdId: H.b3r301._id, memberId: 'm-sun' },
    ]
    const replies = await Promise.all(
      people.map((p) =>
        call(WHO.committee, 'grantRole', {
          communityId: C1,
          ...p,
          role: 'volunteer',
          volunteerType: 'patrol',
          posts: [B.b1._id],
        }),
      ),
    )
    expect(replies.filter((r) => r.ok)).toHaveLength(2)
    expect(replies.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.code))).toEqual([
      'VOLUNTEER_CAP_REACHED',
      'VOLUNTEER_CAP_REACHED',
    ])
    expect(await t.data.count('roles', { communityId: C1, role: 'volunteer', volunteerType: 'patrol' })).toBe(2)
  })

  it('leaves 云上 volunteers unlimited', async () => {
    await ok(WHO.committee, 'setVolunteerCaps', { communityId: C1, caps: { patrol: 0 } })
    await ok(WHO.committee, 'grantRole', {
      communityId: C1,
      householdId: H.b1r101._id,
      memberId: 'm-zhang',
      role: 'volunteer',
      volunteerType: 'online',
      posts: [B.b1._id],
    })
    expect(
      await call(WHO.committee, 'grantRole', {
        communityId: C1,
        householdId: H.b1r101._id,
        memberId: 'm-zhang',
        role: 'volunteer',
        volunteerType: 'patrol',
      }),
    ).toMatchObject({ code: 'VOLUNTEER_CAP_REACHED' })
  })

  it('lets only the committee make committee members, and keeps at least one', async () => {
    expect(
      await call(WHO.communityLead, 'grantRole', {
        communityId: C1,
        householdId: H.b2r101._id,
        memberId: 'm-qian',
        role: 'committee',
      }),
    ).toMatchObject({ code: 'FORBIDDEN' })
    const committee = (await t.data.find<RoleDoc>('roles', { role: 'committee', communityId: C1 }))[0] as RoleDoc
    expect(await call(WHO.committee, 'revokeRole', { roleId: committee._id })).toMatchObject({
      code: 'CONFLICT',
      message: '社区至少要保留一名居委管理员',
    })
  })

  it('refuses posts in another community', async () => {
    expect(
      await call(WHO.committee, 'grantRole', {
        communityId: C1,
        householdId: H.b1r101._id,
        memberId: 'm-zhang',
        role: 'volunteer',
        volunteerType: 'online',
        posts: [B.x1._id],
      }),
    ).toMatchObject({ code: 'NOT_FOUND', field: 'posts' })
  })
})
