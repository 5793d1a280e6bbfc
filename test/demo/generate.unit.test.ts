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
  type DemoRoundSummary,
} from '../../scripts/demo/generate'
import { kitPhotoFile } from '../../scripts/demo/photos'
import { importBody } from '../../scripts/demo/load'
import { createRng } from '../../scripts/demo/random'
import { isElderly, withDerivedFlags } from '../../server/community/flags'
import { householdId, roleId } from '../../server/community/ids'
import { isValidPhone } from '../../server/community/mask'
import { floorOf, groupName, isValidRoom } from '../../server/community/structure'
import type { HouseholdDoc, MemberDoc, RoleDoc } from '../../server/community/model'
import type { ChainDoc, ChainEntryDoc, RoundDoc } from '../../server/antigen/model'
import { countResults, isAbnormal, mergeEntries, newChain } from '../../server/antigen/rules'
import { followUpId, newFollowUp } from '../../server/antigen/followups'
import { intakeId } from '../../server/antigen/sequencer'
import { fileInFolder, imageKind } from '../../server/platform/files'
import { addDays } from '../../server/kernel/dates'
import { shanghaiDay, startOfShanghaiDay } from '../../server/kernel/time'
import { MAX_PHOTO_BYTES, READ_TIME_MS } from '../../miniprogram/shared/constants'
import { localFileId, roundIdOf } from '../../scripts/demo/antigen'

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

  it('dates everything before the instant it is dated from, its invite a month after and the live round’s deadline later that day', () => {
    const dates: number[] = []
    const walk = (v: unknown, key = ''): void => {
      if (v instanceof Date) {
        // A care check's deletion date is 30 days after it was made (test/demo/care.unit.test.ts).
        if (key !== 'deadline' && key !== 'deleteAfter') dates.push(v.getTime())
      } else if (Array.isArray(v)) v.forEach((x) => walk(x))
      else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, k)
    }
    // Group buys run into the next days (deadlines, deliveries, tomorrow's drop): test/demo/groupbuy.unit.test.ts.
    // Needs' time limits and an outing lie ahead: test/needs/demo.unit.test.ts.
    const {
      invites,
      rounds,
      chains,
      buys: _buys,
      buyLedgers: _ledgers,
      deliveries: _deliveries,
      needs: _needs,
      ...rest
    } = main.collections
    walk(rest)
    walk(rounds)
    walk(chains)
    expect(dates.length).toBeGreaterThan(1000)
    expect(Math.max(...dates)).toBeLessThanOrEqual(NOW)
    expect(Math.min(...dates)).toBeGreaterThan(NOW - 15 * 86_400_000)
    expect(invites[0]?.createdAt.getTime()).toBeLessThan(NOW)
    expect(invites[0]?.expiresAt.getTime()).toBe(NOW + 30 * 86_400_000)
    const deadlines = [...rounds, ...chains].map((d) => [d.status, d.deadline.getTime()] as const)
    for (const [status, deadline] of deadlines)
      if (status === 'open') expect([deadline > NOW, shanghaiDay(deadline)]).toEqual([true, '2026-11-24'])
      else expect(deadline).toBeLessThan(NOW)
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
    // Committee staff and the merchant live elsewhere: the name is on the role, so the roles page shows it.
    const away = d.collections.roles.filter((r) => !r.householdId)
    expect(away.map((r) => r.role).sort()).toEqual([...Array(6).fill('committee'), 'merchant'])
    // The merchant's grant carries its shop's name, as the approval of its application writes it.
    for (const r of away)
      expect(r.holderName).toMatch(r.role === 'merchant' ? /^[\u4e00-\u9fff]{4,30}$/ : /^[\u4e00-\u9fff]{2,3}$/)
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
      'demo-r-5-401-1',
      'demo-r-17-103-1',
      'demo-r-5-301-1',
      'demo-r-21-303-2',
      'demo-r-7-602-1',
      'demo-p-7-201',
      'demo-merchant-1',
      'demo-merchant-2',
      'demo-applicant-1',
    ])
    expect(second.identities.every((i) => i.openid.startsWith('demo2-'))).toBe(true)
  })

  it('has someone for every role and every kind of volunteer, each holding what it is listed as', () => {
    for (const { identities, collections } of [main, second]) {
      const kinds = new Set(identities.map((i) => (i.volunteerType ? `volunteer:${i.volunteerType}` : i.role)))
      for (const k of ['committee', 'communityLead', 'groupLead', 'buildingLead', 'floorLead', 'resident', 'merchant'])
        expect([k, kinds.has(k)]).toEqual([k, true])
      for (const t of ['online', 'testing', 'building', 'patrol', 'transport', 'emergency'])
        expect([t, kinds.has(`volunteer:${t}`)]).toEqual([t, true])
      for (const i of identities.filter((x) => x.role !== 'applicant')) {
        const held = collections.roles
          .filter((r) => r.openid === i.openid)
          .map((r) => r.role + (r.volunteerType ? `:${r.volunteerType}` : ''))
        expect([i.openid, held.includes(i.volunteerType ? `volunteer:${i.volunteerType}` : i.role)]).toEqual([
          i.openid,
          true,
        ])
      }
    }
    // The family member manages an elderly household with nobody on WeChat.
    const family = main.identities.find((i) => i.label.startsWith('老人的家属'))
    const home = main.collections.households.find((h) => h._id === family?.householdId)
    expect(rolesOf(family?.openid ?? '').some((r) => r.proxy && r.scope.householdId === home?._id)).toBe(true)
    expect(home?.members.some((m) => m.flags?.includes('elderly'))).toBe(true)
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

describe('antigen rounds in 钟楼新村', () => {
  const MINUTE = 60_000
  const DAY = 86_400_000
  const roundsOf = (d: DemoData) => {
    const [live, closed] = d.collections.rounds as [RoundDoc, RoundDoc]
    const chainsOf = (r: RoundDoc) => d.collections.chains.filter((c) => c.roundId === r._id)
    return { live, closed, liveChains: chainsOf(live), closedChains: chainsOf(closed) }
  }
  const entries = (chains: ChainDoc[]) => chains.flatMap((c) => Object.values(c.entries))
  const homeOf = (openid: string) => main.collections.households.find((h) => h.members.some((m) => m.openid === openid))
  const b = (n: number) => `c-zhonglou-b${n}`

  it('are a live round of the whole community and a closed one of 第1营 the day before; none in 示范二村', () => {
    const { live, closed } = roundsOf(main)
    expect(main.collections.rounds).toHaveLength(2)
    expect(second.collections.rounds).toEqual([])
    expect(second.collections.chains).toEqual([])
    expect(second.files.filter((f) => f.path.startsWith('antigen/'))).toEqual([])
    expect(live).toMatchObject({
      communityId: 'c-zhonglou',
      date: '2026-11-24',
      status: 'open',
      allBuildings: true,
      buildingCount: 135,
      openedBy: 'demo-committee-1',
    })
    expect(live.buildingIds).toEqual(main.collections.buildings.map((x) => x._id).sort())
    expect(NOW - live.openedAt.getTime()).toBeGreaterThanOrEqual(75 * MINUTE)
    expect(NOW - live.openedAt.getTime()).toBeLessThanOrEqual(106 * MINUTE)
    // Deadlines as the page sets them: on the half hour, a few hours ahead, at most the end of the day after.
    expect(live.deadline.getTime() % (30 * MINUTE)).toBe(0)
    expect(live.deadline.getTime() - NOW).toBeGreaterThanOrEqual(3 * 60 * MINUTE)
    expect(live.deadline.getTime() - NOW).toBeLessThanOrEqual(3.5 * 60 * MINUTE)
    expect(closed).toMatchObject({ date: '2026-11-23', status: 'closed', allBuildings: false, buildingCount: 20 })
    expect(closed.buildingIds).toEqual(
      main.collections.buildings
        .filter((x) => x.groupId === 'c-zhonglou-g1')
        .map((x) => x._id)
        .sort(),
    )
    expect(closed.closedAt).toEqual(closed.deadline)
    expect(shanghaiDay(closed.openedAt)).toBe('2026-11-23')
    // Within every retention period (photos 14 days, results 30 days after closing): nothing reduced yet.
    expect([closed.photosDeletedAt, closed.resultsReducedAt]).toEqual([undefined, undefined])
  })

  it('have the ids openRound derives from the request', () => {
    for (const r of main.summary.rounds) {
      const round = main.collections.rounds.find((x) => x._id === r.roundId) as RoundDoc
      const ask = {
        communityId: 'c-zhonglou',
        requestId: r.requestId,
        date: round.date,
        deadline: round.deadline.toISOString(),
        notice: round.notice,
        ...(round.allBuildings
          ? {}
          : {
              buildingIds: [...main.collections.buildings]
                .sort((x, y) => x.order - y.order)
                .filter((x) => round.buildingIds.includes(x._id))
                .map((x) => x._id),
            }),
      }
      expect(roundIdOf(ask)).toBe(round._id)
      expect(r.requestId).toMatch(/^[A-Za-z0-9_-]{8,40}$/)
    }
  })

  it('have one chain per building in scope, as openRound writes it, counted exactly from its entries', () => {
    const { live, closed, liveChains, closedChains } = roundsOf(main)
    for (const [round, chains] of [
      [live, liveChains],
      [closed, closedChains],
    ] as const) {
      expect(chains.map((c) => c.buildingId).sort()).toEqual([...round.buildingIds].sort())
      for (const c of chains) {
        const building = main.collections.buildings.find((x) => x._id === c.buildingId)
        const households = main.collections.households.filter((h) => h.buildingId === c.buildingId)
        const fresh = newChain(
          { ...round, buildingCount: round.buildingCount ?? 0 },
          building as never,
          main.collections.groups.find((g) => g._id === c.groupId)?.name ?? '',
          households.length,
          c.notify,
        )
        const { entries: _e, ...facts } = fresh
        for (const k of [
          'roundId',
          'communityId',
          'groupId',
          'groupName',
          'buildingName',
          'order',
          'date',
          'notice',
          'allBuildings',
          'buildingCount',
          'expected',
        ] as const)
          expect([c._id, k, c[k]]).toEqual([c._id, k, facts[k]])
        expect(c._id).toBe(fresh._id)
        expect(c.deadline).toEqual(round.deadline)
        expect(c.openedAt).toEqual(round.openedAt)
        expect(c.status).toBe(round.status)
        const leads = main.collections.roles
          .filter((r) => ['buildingLead', 'floorLead'].includes(r.role) && r.scope.buildingId === c.buildingId)
          .map((r) => r.openid)
        expect([...(c.notify?.leads ?? [])].sort()).toEqual([...new Set(leads)].sort())
        expect(c.notify?.committee).toHaveLength(6)
        const floors = main.collections.roles
          .filter((r) => r.role === 'floorLead' && r.scope.buildingId === c.buildingId)
          .map((r) => r.scope.floor as number)
        expect(c.floorsToConfirm).toEqual([...new Set(floors)].sort((x, y) => x - y))
        // Counters, seq and 已报 from the entries: numbers 1..seq, gap-free.
        const es = Object.values(c.entries)
        const sum = countResults(es.flatMap((e) => e.members))
        expect([c.people, c.negative, c.positive, c.invalid, c.untested]).toEqual([
          sum.people,
          sum.negative,
          sum.positive,
          sum.invalid,
          sum.untested,
        ])
        expect(c.submitted).toBe(es.length)
        expect(c.seq).toBe(es.length)
        expect(es.map((e) => e.no).sort((x, y) => x - y)).toEqual(es.map((_, i) => i + 1))
        for (const e of es) {
          expect(e.counts).toEqual(countResults(e.members))
          expect(households.some((h) => h._id === e.householdId && h.room === e.room && h.floor === e.floor)).toBe(true)
          expect(e.submittedAt.getTime()).toBeGreaterThan(round.openedAt.getTime())
          expect(e.submittedAt.getTime()).toBeLessThanOrEqual(Math.min(NOW, round.deadline.getTime()))
          expect(e.nonce).toMatch(/^[0-9a-f]{24}$/)
        }
        if (round.status === 'closed') expect(c.closedAt).toEqual(round.closedAt)
        else expect(c.closedAt).toBeUndefined()
      }
    }
  })

  it('numbers each chain in the order submissions were made, exactly as merging them one by one does', () => {
    const { live, liveChains } = roundsOf(main)
    for (const c of liveChains) {
      const es = Object.values(c.entries).sort(
        (x, y) =>
          x.submittedAt.getTime() - y.submittedAt.getTime() ||
          (intakeId(live._id, x.householdId) < intakeId(live._id, y.householdId) ? -1 : 1),
      )
      expect(es.map((e) => e.no)).toEqual(es.map((_, i) => i + 1))
      // The same submissions merged in one batch by the product's rule give the same numbers and counters.
      const empty: ChainDoc = {
        ...c,
        entries: {},
        seq: 0,
        submitted: 0,
        people: 0,
        negative: 0,
        positive: 0,
        invalid: 0,
        untested: 0,
        confirmed: false,
        floors: {},
        version: 1,
      }
      const patch = mergeEntries(
        empty,
        es.map(({ no: _no, submittedAt, counts: _c, ...e }) => ({ ...e, at: submittedAt })),
      )
      expect(patch.placed.map((p) => [p.entry.householdId, p.entry.no])).toEqual(es.map((e) => [e.householdId, e.no]))
      expect([patch.set.seq ?? 0, patch.set.positive ?? 0]).toEqual([c.seq, c.positive])
    }
  })

  it('is partly submitted today (55–70%) and nearly complete yesterday', () => {
    const [live, closed] = main.summary.rounds as [DemoRoundSummary, DemoRoundSummary]
    expect(live.expected).toBe(1506)
    expect(live.submitted / live.expected).toBeGreaterThanOrEqual(0.55)
    expect(live.submitted / live.expected).toBeLessThanOrEqual(0.7)
    expect(closed.submitted / closed.expected).toBeGreaterThanOrEqual(0.95)
    expect(closed.submitted).toBeLessThanOrEqual(closed.expected)
    const { liveChains } = roundsOf(main)
    expect(live.submitted).toBe(liveChains.reduce((n, c) => n + c.submitted, 0))
    expect(live.confirmed).toBe(liveChains.filter((c) => c.confirmed).length)
  })

  it('has exactly one abnormal household, in 2号, reported minutes ago, with its follow-up opened and unacknowledged', () => {
    const { liveChains, closedChains } = roundsOf(main)
    const abnormal = entries([...liveChains, ...closedChains]).filter((e) => isAbnormal(e.counts))
    expect(abnormal).toHaveLength(1)
    const [entry] = abnormal as [ChainEntryDoc]
    const chain = liveChains.find((c) => c.entries[entry.householdId]) as ChainDoc
    expect(chain.buildingId).toBe(b(2))
    expect(chain.confirmed).toBe(false)
    expect(entry.members.filter((m) => m.result === 'positive')).toHaveLength(1)
    expect(NOW - entry.submittedAt.getTime()).toBeLessThan(20 * MINUTE)
    expect(main.collections.followUps).toEqual([newFollowUp(chain, entry)])
    expect(main.collections.followUps[0]?._id).toBe(followUpId(chain.roundId, entry.householdId))
    expect(main.summary.rounds[0]?.abnormal).toEqual([
      expect.objectContaining({ buildingId: b(2), householdId: entry.householdId, room: entry.room }),
    ])
  })

  it('leaves 1号 open and partly submitted for demo-lead-1, and demo-resident-1’s household to report', () => {
    const { liveChains } = roundsOf(main)
    const b1 = liveChains.find((c) => c.buildingId === b(1)) as ChainDoc
    expect(b1.confirmed).toBe(false)
    expect(b1.floors ?? {}).toEqual({})
    expect(b1.submitted).toBeGreaterThan(0)
    expect(b1.submitted).toBeLessThan(b1.expected)
    expect(b1.positive).toBe(0)
    const home = homeOf('demo-resident-1') as HouseholdDoc
    expect(b1.entries[home._id]).toBeUndefined()
  })

  it('confirms about a quarter of the buildings that reported (nearly) in full, each by its lead after its last entry, honouring floors', () => {
    const { liveChains, closedChains } = roundsOf(main)
    const leadOf = (buildingId: string) =>
      main.collections.roles.find((r) => r.role === 'buildingLead' && r.scope.buildingId === buildingId)?.openid
    const confirmed = liveChains.filter((c) => c.confirmed)
    const full = liveChains.filter((c) => c.submitted >= 0.85 * c.expected && ![b(1), b(2)].includes(c.buildingId))
    expect(confirmed.length).toBe(Math.round(full.length / 4))
    expect(confirmed.every((c) => full.includes(c))).toBe(true)
    expect(confirmed.some((c) => c.floorsToConfirm?.length)).toBe(true)
    expect(closedChains.filter((c) => c.confirmed).length).toBeGreaterThanOrEqual(15)
    for (const c of [...liveChains, ...closedChains]) {
      const last = Math.max(...Object.values(c.entries).map((e) => e.submittedAt.getTime()))
      for (const [floor, done] of Object.entries(c.floors ?? {})) {
        expect(c.floorsToConfirm).toContain(Number(floor))
        expect(
          main.collections.roles.some(
            (r) => r.role === 'floorLead' && r.openid === done.confirmedBy && r.scope.floor === Number(floor),
          ),
        ).toBe(true)
        const onFloor = main.collections.households.filter(
          (h) => h.buildingId === c.buildingId && h.floor === Number(floor),
        )
        expect(onFloor.every((h) => c.entries[h._id])).toBe(true)
      }
      if (!c.confirmed) {
        expect([c.confirmedAt, c.confirmedBy, c.confirmReason]).toEqual([undefined, undefined, undefined])
        continue
      }
      expect(c.confirmedBy).toBe(leadOf(c.buildingId))
      expect(c.confirmedAt?.getTime()).toBeGreaterThan(last)
      expect(c.confirmedAt?.getTime()).toBeLessThanOrEqual(Math.min(NOW, c.deadline.getTime()))
      const open = (c.floorsToConfirm ?? []).filter((f) => !c.floors?.[String(f)])
      // A reason is required, and kept, exactly when a floor with a 层长 is not confirmed.
      if (open.length) expect(c.confirmReason?.length).toBeGreaterThanOrEqual(2)
      else expect(c.confirmReason).toBeUndefined()
    }
  })

  it('has every entry submitted by someone who may, with the health consent for their own household', () => {
    const { liveChains, closedChains } = roundsOf(main)
    for (const c of [...liveChains, ...closedChains])
      for (const e of Object.values(c.entries)) {
        const grants = main.collections.roles.filter((r) => r.openid === e.by)
        const own = grants.find((g) => g.role === 'resident' && g.scope.householdId === e.householdId)
        const lead = grants.some((g) => g.role === 'buildingLead' && g.scope.buildingId === c.buildingId)
        expect([e.householdId, Boolean(own || lead)]).toEqual([e.householdId, true])
        expect(e.proxy).toBe(!own || own.proxy === true)
        if (own && !own.proxy && !lead) expect(own.healthConsent).toBe(CONSENTS.health.version)
      }
    expect(entries(liveChains).filter((e) => e.proxy).length).toBeGreaterThan(0)
  })

  it('keeps the health consent on the resident grants of those who accepted it, as recording it does', () => {
    for (const d of [main, second]) {
      const health = new Set(d.collections.consents.filter((c) => c.kind === 'health').map((c) => c.openid))
      for (const r of d.collections.roles.filter((r) => r.role === 'resident'))
        expect([r.openid, r.healthConsent]).toEqual([
          r.openid,
          health.has(r.openid) ? CONSENTS.health.version : undefined,
        ])
    }
    expect(main.collections.roles.find((r) => r.openid === 'demo-resident-1')?.healthConsent).toBe(
      CONSENTS.health.version,
    )
  })

  it('stores one real photo per tested member, where and as a phone’s upload would be, with plausible timer times', () => {
    const { liveChains, closedChains } = roundsOf(main)
    const files = new Map(main.files.map((f) => [f.path, f]))
    let photos = 0
    for (const c of [...liveChains, ...closedChains])
      for (const e of Object.values(c.entries))
        for (const m of e.members) {
          if (m.result === 'untested') {
            expect([(m.reason?.length ?? 0) > 0, m.photo, m.startedAt]).toEqual([true, undefined, undefined])
            continue
          }
          photos++
          const name = fileInFolder(m.photo as string, ['antigen', c.roundId, e.householdId], 'local')
          expect(name).toMatch(new RegExp(`^${m.memberId}-\\d{13}\\.png$`))
          const path = `antigen/${c.roundId}/${e.householdId}/${name}`
          expect(localFileId('local', path)).toBe(m.photo)
          const file = files.get(path)
          expect(file?.openid).toBe(e.by)
          const bytes = Buffer.from(file?.base64 ?? '', 'base64')
          expect(imageKind(bytes.subarray(0, 32))).toBe('png')
          expect(m.photoSize).toBe(bytes.length)
          expect(bytes.length).toBeLessThan(MAX_PHOTO_BYTES)
          const started = Date.parse(m.startedAt as string)
          const taken = Date.parse(m.photoAt as string)
          expect(taken).toBeGreaterThanOrEqual(started)
          expect(taken).toBeLessThan(e.submittedAt.getTime())
          expect(started).toBeGreaterThan(e.submittedAt.getTime() - 2 * DAY)
          // The photo's kind shows the result: two lines for a positive one.
          const kind = m.result === 'positive' ? 'positive' : m.result === 'invalid' ? 'invalid' : 'negative'
          expect(file?.base64).toBe(kitPhotoFile(kind).base64)
        }
    // Besides the kits, the group buys' photos (licences, certificates, a complaint's): test/demo/groupbuy.unit.test.ts.
    const kits = main.files.filter((f) => f.path.startsWith('antigen/'))
    expect(kits).toHaveLength(photos)
    expect(new Set(kits.map((f) => f.path)).size).toBe(photos)
    const early = entries(liveChains)
      .flatMap((e) => e.members)
      .filter((m) => m.photoAt && Date.parse(m.photoAt) - Date.parse(m.startedAt as string) < READ_TIME_MS)
    expect(early.length).toBeGreaterThan(0)
    expect(main.summary.files).toBe(photos + main.summary.groupBuys.photos)
  })

  it('names its photos in the storage environment it is given', () => {
    const d = generateDemo({ now: NOW, storageEnv: 'demo-env' })
    const photo = entries(d.collections.chains)
      .flatMap((e) => e.members)
      .find((m) => m.photo)?.photo
    expect(photo).toMatch(/^cloud:\/\/demo-env\.demo-env-localcloud\/antigen\//)
    expect(d.files.map((f) => f.path)).toEqual(main.files.map((f) => f.path))
  })

  it('dates its rounds from any instant: the same counts, the live round open after it, yesterday’s closed before it', () => {
    const at = (iso: string) => generateDemo({ now: Date.parse(iso) })
    // 00:20, 09:00 and 23:50 in Shanghai, and a year later.
    for (const iso of [
      '2026-11-23T16:20:00Z',
      '2026-11-24T01:00:00Z',
      '2026-11-24T15:50:00Z',
      '2027-11-24T02:00:00Z',
    ]) {
      const d = at(iso)
      const now = Date.parse(iso)
      const [live, closed] = d.collections.rounds as [RoundDoc, RoundDoc]
      expect([iso, d.summary.rounds.map((r) => [r.submitted, r.confirmed])]).toEqual([
        iso,
        main.summary.rounds.map((r) => [r.submitted, r.confirmed]),
      ])
      expect(live.openedAt.getTime()).toBeLessThan(now)
      expect(live.date).toBe(shanghaiDay(live.openedAt))
      expect(live.deadline.getTime()).toBeGreaterThanOrEqual(now + 60 * MINUTE)
      expect(live.deadline.getTime()).toBeLessThanOrEqual(startOfShanghaiDay(addDays(live.date, 2)).getTime())
      expect(closed.date).toBe(addDays(shanghaiDay(now), -1))
      expect(closed.closedAt?.getTime()).toBeLessThan(live.openedAt.getTime())
      for (const c of d.collections.chains)
        for (const e of Object.values(c.entries)) expect(e.submittedAt.getTime()).toBeLessThanOrEqual(now)
    }
  })
})
