// The demo-community generator: exact counts of 钟楼新村, determinism, and a data set whose references all hold.
import type { Role } from '../../typings/api'
import { COLLECTIONS } from '../../server/collections'
import { CONSENTS } from '../../server/community/consent'
import {
  DEMO_COMMUNITY,
  SECOND_DEMO_COMMUNITY,
  VOLUNTEER_CAPS,
  demoDataset,
  generateDemo,
  placeKeyOf,
  type DemoData,
} from '../../scripts/demo/generate'
import { importBody } from '../../scripts/demo/load'
import { createRng } from '../../scripts/demo/random'
import { isElderly, withDerivedFlags } from '../../server/community/flags'
import { householdId, roleId } from '../../server/community/ids'
import { isValidPhone } from '../../server/community/mask'
import { floorOf, groupName, isValidRoom } from '../../server/community/structure'
import type { HouseholdDoc, MemberDoc, RoleDoc } from '../../server/community/model'

/** 10:00 on 24 November 2026 in Shanghai: the data is dated from here, and ages are counted in 2026. */
const NOW = Date.parse('2026-11-24T02:00:00Z')
const YEAR = 2026
const A_YEAR_LATER = Date.parse('2027-11-24T02:00:00Z')
let main: DemoData
let second: DemoData

beforeAll(() => {
  main = generateDemo({ now: NOW })
  second = generateDemo({ ...SECOND_DEMO_COMMUNITY, now: NOW })
})

const members = (d: DemoData) => d.collections.households.flatMap((h) => h.members)
const count = <T>(items: T[], key: (t: T) => string) => {
  const out = new Map<string, number>()
  for (const t of items) out.set(key(t), (out.get(key(t)) ?? 0) + 1)
  return out
}

describe('seeded random numbers', () => {
  it('repeat for a seed and differ between seeds', () => {
    const draw = (seed: string) => Array.from({ length: 5 }, createRng(seed).next)
    expect(draw('a')).toEqual(draw('a'))
    expect(draw('a')).not.toEqual(draw('b'))
    expect(draw('a').every((x) => x >= 0 && x < 1)).toBe(true)
  })
})

describe('钟楼新村 by default', () => {
  it('has exactly 135 buildings in 7 营, 1,506 households, 3,400 residents, 670 aged 60+', () => {
    const { collections, summary } = main
    expect(collections.communities).toHaveLength(1)
    expect(collections.communities[0]).toMatchObject({
      _id: 'c-zhonglou',
      name: '钟楼新村',
      settings: { groupSize: 20, volunteerCaps: VOLUNTEER_CAPS },
    })
    expect(collections.buildings).toHaveLength(135)
    expect(collections.groups.map((g) => g.name)).toEqual(Array.from({ length: 7 }, (_, i) => groupName(i)))
    expect(collections.households).toHaveLength(1506)
    expect(members(main)).toHaveLength(3400)
    expect(members(main).filter((m) => isElderly(m.birthYear, YEAR))).toHaveLength(670)
    expect(summary).toMatchObject({
      buildings: 135,
      groups: 7,
      households: 1506,
      residents: 3400,
      elderly: 670,
      year: YEAR,
    })
    expect(summary.linkedHouseholds + summary.unlinkedHouseholds).toBe(1506)
  })

  it('counts ages in the Shanghai year of the instant it is dated from', () => {
    const small = { buildings: 3, households: 30, residents: 60, elderly: 12 }
    // 23:30 UTC on 31 December is already New Year's Day in Shanghai.
    expect(generateDemo({ ...small, now: Date.parse('2026-12-31T15:59:00Z') }).summary.year).toBe(2026)
    expect(generateDemo({ ...small, now: Date.parse('2026-12-31T16:00:00Z') }).summary.year).toBe(2027)
  })

  it('dates everything before the instant it is dated from, and its invite a month after', () => {
    const dates: number[] = []
    const walk = (v: unknown): void => {
      if (v instanceof Date) dates.push(v.getTime())
      else if (Array.isArray(v)) v.forEach(walk)
      else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk)
    }
    const { invites, ...rest } = main.collections
    walk(rest)
    expect(dates.length).toBeGreaterThan(1000)
    expect(Math.max(...dates)).toBeLessThanOrEqual(NOW)
    expect(Math.min(...dates)).toBeGreaterThan(NOW - 15 * 86_400_000)
    expect(invites[0]?.createdAt.getTime()).toBeLessThan(NOW)
    expect(invites[0]?.expiresAt.getTime()).toBe(NOW + 30 * 86_400_000)
    expect(main.summary.datedFrom).toBe('2026-11-24T02:00:00.000Z')
  })

  it('has realistic rooms: 1–5 people each, buildings of a few storeys with 2–4 rooms a floor', () => {
    for (const h of main.collections.households) {
      expect(h.members.length).toBeGreaterThanOrEqual(1)
      expect(h.members.length).toBeLessThanOrEqual(5)
      expect(isValidRoom(h.room)).toBe(true)
      expect(Number(h.room.slice(-2))).toBeLessThanOrEqual(4)
    }
    const sizes = count(main.collections.households, (h) => String(h.members.length))
    expect(sizes.get('2')).toBeGreaterThan(sizes.get('5') ?? 0)
    const floors = main.collections.households.map((h) => h.floor)
    expect(Math.max(...floors)).toBeLessThanOrEqual(9)
  })
})

describe('determinism', () => {
  it('gives identical JSON for the same seed and instant, and different data for another seed', () => {
    const random = jest.spyOn(Math, 'random')
    const clock = jest.spyOn(Date, 'now')
    const again = generateDemo({ now: NOW })
    expect(random).not.toHaveBeenCalled()
    expect(clock).not.toHaveBeenCalled()
    random.mockRestore()
    clock.mockRestore()
    expect(JSON.stringify(again)).toBe(JSON.stringify(main))
    const other = generateDemo({ now: NOW, seed: 'another seed' })
    expect(JSON.stringify(other.collections.households)).not.toBe(JSON.stringify(main.collections.households))
    expect(other.summary).toMatchObject({ households: 1506, residents: 3400, elderly: 670 })
  })

  it('keeps ids, rooms, names and openids from one year to the next; only birth years move', () => {
    const next = generateDemo({ now: A_YEAR_LATER })
    const strip = (m: MemberDoc) => ({ ...m, birthYear: undefined })
    expect(next.collections.households.map((h) => h.members.map(strip))).toEqual(
      main.collections.households.map((h) => h.members.map(strip)),
    )
    expect(members(next).map((m) => m.birthYear)).toEqual(members(main).map((m) => (m.birthYear as number) + 1))
    expect(next.summary.elderly).toBe(670)
    expect(next.identities).toEqual(main.identities)
  })
})

describe.each([
  ['钟楼新村', () => main],
  ['示范二村', () => second],
])('referential integrity of %s', (_label, data) => {
  let d: DemoData
  let communityId: string
  let households: Map<string, HouseholdDoc>
  beforeAll(() => {
    d = data()
    communityId = d.summary.communityId
    households = new Map(d.collections.households.map((h) => [h._id, h]))
  })
  const buildings = () => new Map(d.collections.buildings.map((b) => [b._id, b]))
  const groups = () => new Map(d.collections.groups.map((g) => [g._id, g]))

  it('puts every building in an existing 营 of at most 20 and every household in an existing building', () => {
    const bs = buildings()
    const gs = groups()
    for (const b of bs.values()) {
      expect(b.communityId).toBe(communityId)
      expect(gs.has(b.groupId)).toBe(true)
      expect(b.name).toBe(`${b.order + 1}号`)
    }
    for (const n of count([...bs.values()], (b) => b.groupId).values()) expect(n).toBeLessThanOrEqual(20)
    for (const h of d.collections.households) {
      const b = bs.get(h.buildingId)
      expect(b).toBeDefined()
      expect(h.communityId).toBe(communityId)
      expect(h.groupId).toBe(b?.groupId)
      expect(h.floor).toBe(floorOf(h.room))
      expect(h._id).toBe(householdId(communityId, h.buildingId, h.room))
    }
    expect(new Set(d.collections.households.map((h) => h._id)).size).toBe(d.collections.households.length)
    for (const b of bs.values()) expect(d.collections.households.some((h) => h.buildingId === b._id)).toBe(true)
  })

  it('gives every role a scope naming exactly the levels it needs, at places that exist', () => {
    const bs = buildings()
    const gs = groups()
    const levels: Record<Role, string[]> = {
      resident: ['buildingId', 'communityId', 'householdId'],
      floorLead: ['buildingId', 'communityId', 'floor'],
      buildingLead: ['buildingId', 'communityId'],
      groupLead: ['communityId', 'groupId'],
      communityLead: ['communityId'],
      committee: ['communityId'],
      merchant: ['communityId'],
      volunteer: ['communityId'],
    }
    for (const r of d.collections.roles) {
      expect(Object.keys(r.scope).sort()).toEqual(levels[r.role])
      expect(r.communityId).toBe(communityId)
      expect(r.scope.communityId).toBe(communityId)
      if (r.scope.groupId) expect(gs.has(r.scope.groupId)).toBe(true)
      if (r.scope.buildingId) expect(bs.has(r.scope.buildingId)).toBe(true)
      if (r.scope.householdId) expect(households.get(r.scope.householdId)?.buildingId).toBe(r.scope.buildingId)
      if (r.role === 'floorLead')
        expect(
          d.collections.households.some((h) => h.buildingId === r.scope.buildingId && h.floor === r.scope.floor),
        ).toBe(true)
      expect(r.volunteerType !== undefined).toBe(r.role === 'volunteer')
      for (const post of r.posts ?? []) expect(bs.has(post)).toBe(true)
      expect(r._id).toBe(roleId(r.openid, r.role, placeKeyOf(r)))
    }
    expect(new Set(d.collections.roles.map((r) => r._id)).size).toBe(d.collections.roles.length)
  })

  it('matches resident grants with linkedOpenids and member openids', () => {
    const grants = new Map<string, RoleDoc[]>()
    for (const r of d.collections.roles.filter((r) => r.role === 'resident'))
      grants.set(r.scope.householdId as string, [...(grants.get(r.scope.householdId as string) ?? []), r])
    for (const h of d.collections.households) {
      const mine = grants.get(h._id) ?? []
      expect(mine.map((g) => g.openid).sort()).toEqual([...h.linkedOpenids].sort())
      for (const m of h.members.filter((m) => m.openid)) {
        const g = mine.find((g) => g.openid === m.openid)
        expect(g).toMatchObject({ householdId: h._id, memberId: m.id })
        expect(g?.proxy).toBeUndefined()
      }
      const proxies = mine.filter((g) => g.proxy)
      expect(proxies.length > 0).toBe(h.proxy)
      if (h.proxy) expect(h.members.some((m) => m.openid)).toBe(false)
      for (const p of proxies) expect(p.memberId).toBeUndefined()
    }
    const openids = members(d).flatMap((m) => (m.openid ? [m.openid] : []))
    expect(new Set(openids).size).toBe(openids.length)
  })

  it('gives posts to linked residents who live where they serve', () => {
    const bs = buildings()
    const personal = d.collections.roles.filter((r) => r.memberId && r.role !== 'resident')
    for (const r of personal) {
      const h = households.get(r.householdId as string) as HouseholdDoc
      expect(h.members.find((m) => m.id === r.memberId)?.openid).toBe(r.openid)
      if (r.role === 'buildingLead') expect(h.buildingId).toBe(r.scope.buildingId)
      if (r.role === 'floorLead') expect([h.buildingId, h.floor]).toEqual([r.scope.buildingId, r.scope.floor])
      if (r.role === 'groupLead') expect(h.groupId).toBe(r.scope.groupId)
      if (r.role === 'volunteer') expect(r.posts).toContain(h.buildingId)
    }
    const byRole = count(d.collections.roles, (r) => r.role)
    expect(byRole.get('committee')).toBe(6)
    expect(byRole.get('merchant')).toBe(1)
    expect(byRole.get('groupLead')).toBe(d.collections.groups.length)
    expect(byRole.get('communityLead')).toBeGreaterThanOrEqual(1)
    expect(byRole.get('communityLead')).toBeLessThanOrEqual(2)
    expect(byRole.get('floorLead')).toBeGreaterThanOrEqual(1)
    const leads = count(
      d.collections.roles.filter((r) => r.role === 'buildingLead'),
      (r) => r.scope.buildingId as string,
    )
    expect([...leads.keys()].sort()).toEqual([...bs.keys()].sort())
    expect([...leads.values()].every((n) => n === 1)).toBe(true)
  })

  it('staffs every volunteer type within its cap, 云上 one per building', () => {
    const volunteers = d.collections.roles.filter((r) => r.role === 'volunteer')
    const online = volunteers.filter((v) => v.volunteerType === 'online')
    expect(online.map((v) => v.posts?.[0]).sort()).toEqual(d.collections.buildings.map((b) => b._id).sort())
    expect(online.every((v) => v.posts?.length === 1)).toBe(true)
    for (const type of ['testing', 'building', 'patrol', 'transport', 'emergency'] as const) {
      const n = volunteers.filter((v) => v.volunteerType === type).length
      expect(n).toBeGreaterThanOrEqual(3)
      expect(n).toBeLessThanOrEqual(VOLUNTEER_CAPS[type] as number)
    }
  })

  it('has valid unique phones, Chinese names and unique member ids', () => {
    const all = members(d)
    const phones = all.flatMap((m) => (m.phone ? [m.phone] : []))
    expect(phones.length).toBeGreaterThan(all.length / 2)
    expect(phones.every(isValidPhone)).toBe(true)
    expect(new Set(phones).size).toBe(phones.length)
    expect(all.every((m) => /^[\u4e00-\u9fa5]{2,4}$/.test(m.name))).toBe(true)
    expect(all.every((m) => /^m_[0-9a-f]{8}$/.test(m.id))).toBe(true)
    expect(new Set(all.map((m) => m.id)).size).toBe(all.length)
    expect(all.filter((m) => m.openid).every((m) => m.phone)).toBe(true)
  })

  it('keeps special-population flags consistent with birth years and households', () => {
    const year = d.summary.year
    for (const h of d.collections.households)
      for (const m of h.members) {
        const age = year - (m.birthYear as number)
        expect(m.flags).toEqual(withDerivedFlags(m.flags, m.birthYear, year))
        expect(m.flags.includes('infant')).toBe(age <= 2)
        if (m.flags.includes('alone')) expect([h.members.length, age >= 60]).toEqual([1, true])
        if (m.flags.includes('pregnant')) expect(age >= 18 && age <= 45).toBe(true)
        expect(age).toBeGreaterThanOrEqual(0)
        expect(age).toBeLessThan(100)
      }
    const { flags } = d.summary
    expect(flags.alone).toBeGreaterThan(0)
    expect(flags.mobility).toBeGreaterThan(0)
    expect(flags.chronic).toBeGreaterThan(0)
    expect(flags.pregnant).toBeGreaterThan(0)
    expect(flags.infant).toBeGreaterThan(0)
  })

  it('leaves about 10% of households without a WeChat member, some of them managed by a proxy', () => {
    const { households: n, unlinkedHouseholds, proxyHouseholds } = d.summary
    expect(unlinkedHouseholds / n).toBeGreaterThanOrEqual(0.08)
    expect(unlinkedHouseholds / n).toBeLessThanOrEqual(0.12)
    expect(proxyHouseholds).toBeGreaterThan(0)
    expect(proxyHouseholds).toBeLessThan(unlinkedHouseholds)
  })

  it('has an invite for 1号 and a pending 代管 request for a household with no WeChat', () => {
    const [invite] = d.collections.invites
    const b1 = d.collections.buildings[0]
    expect(d.collections.invites).toHaveLength(1)
    expect(invite).toMatchObject({ buildingId: b1?._id, communityId, revoked: false, uses: 1 })
    expect(invite?._id).toMatch(/^[2-9A-HJKMNP-Z]{8}$/)
    expect(invite?.expiresAt.getTime()).toBeGreaterThan(Date.parse(d.summary.datedFrom))
    expect(d.collections.joinRequests).toHaveLength(1)
    const request = d.collections.joinRequests[0]
    const h = households.get(request?.householdId as string)
    expect(request).toMatchObject({
      buildingId: h?.buildingId,
      groupId: h?.groupId,
      room: h?.room,
      inviteCode: invite?._id,
      asProxy: true,
      status: 'pending',
    })
    expect(h?.buildingId).toBe(b1?._id)
    expect([h?.linkedOpenids, h?.proxy]).toEqual([[], false])
    expect(h?.members.some((m) => m.name === request?.name)).toBe(false)
  })

  it('records the current personal consent of everyone who joined or asked to, and nobody else', () => {
    const joined = new Set([
      ...d.collections.roles.filter((r) => r.role === 'resident').map((r) => r.openid),
      ...d.collections.joinRequests.map((r) => r.openid),
    ])
    const personal = d.collections.consents.filter((c) => c.kind === 'personal')
    expect(new Set(personal.map((c) => c.openid))).toEqual(joined)
    expect(d.collections.consents.every((c) => c.version === CONSENTS[c.kind].version && joined.has(c.openid))).toBe(
      true,
    )
  })
})

describe('demo identities', () => {
  const rolesOf = (openid: string) => main.collections.roles.filter((r) => r.openid === openid)
  const homeOf = (openid: string) => main.collections.households.find((h) => h.members.some((m) => m.openid === openid))
  const b1 = () => main.collections.buildings[0]?._id

  it('lists the memorable openids', () => {
    expect(main.identities.map((i) => i.openid)).toEqual([
      'demo-committee-1',
      'demo-community-lead-1',
      'demo-group-lead-1',
      'demo-lead-1',
      'demo-resident-1',
      'demo-elderly-1',
      'demo-volunteer-transport-1',
      'demo-volunteer-online-1',
      'demo-merchant-1',
      'demo-applicant-1',
    ])
    expect(second.identities.every((i) => i.openid.startsWith('demo2-'))).toBe(true)
  })

  it('gives each identity the role it is listed with', () => {
    const roles = (openid: string) =>
      rolesOf(openid).map((r) => r.role + (r.volunteerType ? `:${r.volunteerType}` : ''))
    expect(roles('demo-committee-1')).toEqual(['committee'])
    expect(roles('demo-merchant-1')).toEqual(['merchant'])
    expect(roles('demo-community-lead-1').sort()).toEqual(['communityLead', 'resident'])
    expect(roles('demo-group-lead-1').sort()).toEqual(['groupLead', 'resident'])
    expect(roles('demo-resident-1')).toEqual(['resident'])
    expect(roles('demo-elderly-1')).toEqual(['resident'])
    expect(roles('demo-volunteer-transport-1').sort()).toEqual(['resident', 'volunteer:transport'])
    expect(roles('demo-volunteer-online-1').sort()).toEqual(['resident', 'volunteer:online'])
    expect(
      rolesOf('demo-lead-1')
        .filter((r) => !r.proxy)
        .map((r) => r.role)
        .sort(),
    ).toEqual(['buildingLead', 'resident'])

    expect(rolesOf('demo-lead-1').find((r) => r.role === 'buildingLead')?.scope.buildingId).toBe(b1())
    expect(homeOf('demo-lead-1')?.buildingId).toBe(b1())
    expect(rolesOf('demo-group-lead-1').find((r) => r.role === 'groupLead')?.scope.groupId).toBe(
      main.collections.groups[0]?._id,
    )
    expect(homeOf('demo-resident-1')).toMatchObject({ buildingId: b1() })
    expect(homeOf('demo-resident-1')?.members.length).toBeGreaterThanOrEqual(2)
    const elderly = homeOf('demo-elderly-1')
    expect(elderly?.members).toHaveLength(1)
    expect(elderly?.members[0]?.flags).toEqual(expect.arrayContaining(['elderly', 'alone']))
    expect(rolesOf('demo-volunteer-online-1').find((r) => r.role === 'volunteer')?.posts).toEqual([b1()])
  })

  it('shows demo-lead-1 a 代管 household in 1号', () => {
    const managed = main.collections.roles.filter((r) => r.openid === 'demo-lead-1' && r.proxy)
    expect(managed.length).toBeGreaterThan(0)
    expect(managed.every((r) => r.scope.buildingId === b1())).toBe(true)
  })
})

describe('two communities', () => {
  it('share no ids, openids or phone numbers', () => {
    const ids = (d: DemoData) =>
      new Set([
        ...COLLECTIONS.flatMap((name) => d.collections[name].map((doc) => doc._id)),
        ...members(d).map((m) => m.id),
        ...d.collections.roles.map((r) => r.openid),
        ...members(d).flatMap((m) => (m.phone ? [m.phone] : [])),
      ])
    const a = ids(main)
    const shared = [...ids(second)].filter((id) => a.has(id))
    expect(shared).toEqual([])
    expect(second.collections.roles.every((r) => r.communityId === 'c-demo-2')).toBe(true)
    expect(second.summary).toMatchObject({ buildings: 8, households: 80, residents: 180, elderly: 30 })
  })

  it('are merged into the default demo data set, every collection present for the import', () => {
    const dataset = demoDataset({ now: NOW })
    expect(dataset.summaries.map((s) => s.communityId)).toEqual([DEMO_COMMUNITY.communityId, 'c-demo-2'])
    for (const name of COLLECTIONS)
      expect(dataset.collections[name]).toHaveLength(main.collections[name].length + second.collections[name].length)
    const body = importBody(dataset.collections)
    expect(Object.keys(body.collections).sort()).toEqual([...COLLECTIONS].sort())
    expect((body.collections.communities?.[0] as { createdAt: unknown }).createdAt).toEqual({
      $date: main.collections.communities[0]?.createdAt.toISOString(),
    })
  })

  it('refuses impossible sizes', () => {
    expect(() => generateDemo({ buildings: 10, households: 5 })).toThrow()
    expect(() => generateDemo({ buildings: 1, households: 10, residents: 60 })).toThrow()
    expect(() => generateDemo({ buildings: 1, households: 10, residents: 20, elderly: 21 })).toThrow()
  })
})
