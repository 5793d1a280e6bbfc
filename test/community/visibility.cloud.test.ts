// The visibility matrix of the community function: every action that answers with people × every caller × every
// field of every household (names, phones, birth years, flags; results, photos and a lead's flag where they could
// appear), the ledger export's cells included. Each reply is read in full and may show no more than the hand-written
// table in test/support/visibility.ts allows; where an action shows a household at all, some views must also show
// exactly what the table says (the roster, the caller's own household). Then the phone reveals: scope, log, cap.
import type { Envelope, HouseholdView, MyData, PhoneReveal, PhoneRevealView, RoleView, Roster } from '../../typings/api'
import type { PhoneRevealDoc } from '../../server/community/model'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C1, C2, H, snapshot, WHO } from '../support/community'
import {
  B1R202,
  beyond,
  CALLER_KEYS,
  CALLERS,
  EXPECT,
  HOUSEHOLDS,
  prepare,
  PROXY,
  Scan,
  workbookCells,
  type CallerKey,
  type Field,
  type HouseholdKey,
} from '../support/visibility'

let t: TestCloud
let state: unknown
beforeAll(async () => {
  t = await startTestCloud()
  state = await prepare(t)
}, 60_000)
afterAll(() => t.stop())

const restore = () => t.admin('import', { body: state })
const call = <T>(openid: string, action: string, payload: object, name: 'community' | 'sheets' = 'community') =>
  t.call<Envelope<T>>(name, { action, payload }, openid)

/** Where each caller's calls go: their community, a building and a household they would act on, their home. */
interface Place {
  communityId: string
  buildingId: string
  /** A household the caller might act on (1-202: the floor lead's floor, the volunteer's post). */
  target: HouseholdKey
  memberId: string
  home?: HouseholdKey
}
const c1 = (home?: HouseholdKey): Place => ({
  communityId: C1,
  buildingId: 'b1',
  target: 'b1r202',
  memberId: 'm-wu',
  ...(home ? { home } : {}),
})
const PLACES: Record<CallerKey, Place> = {
  stranger: c1(),
  resident: c1('b1r101'),
  residentB2: c1('b2r101'),
  floorLead: c1('b1r201'),
  buildingLead: c1(),
  groupLead: c1(),
  communityLead: c1(),
  committee: c1(),
  volunteer: c1('b3r301'),
  otherCommittee: { communityId: C2, buildingId: 'x1', target: 'x1r101', memberId: 'm-other' },
  proxy: c1('b1r102'),
}

interface Case {
  /** The function whose action it is: spreadsheets are the `sheets` function's, under the same policy. */
  fn?: 'sheets'
  payload: (p: Place) => object
  /** Callers whose call succeeds; every other one is refused (FORBIDDEN). */
  allowed: CallerKey[]
  /** An exported file to read too (the reply's fileID). */
  file?: boolean
  /** Households whose listed fields the reply must show exactly as the table says (not less either). */
  exact?: { fields: Field[]; households: (c: CallerKey, p: Place) => HouseholdKey[] }
  /** The one number a reveal hands back in full, to dial it. */
  reveals?: boolean
}

const ALL = CALLER_KEYS
const RESIDENTS: CallerKey[] = ['resident', 'residentB2', 'floorLead', 'volunteer', 'proxy']
const COMMITTEES: CallerKey[] = ['committee', 'otherCommittee']
const PEOPLE_FIELDS: Field[] = ['name', 'phone', 'birthYear', 'flags']
/** The households of the caller's building they lead: all of 1号 for its lead and the committee, floor 2 for 赵六. */
const led = (c: CallerKey, p: Place): HouseholdKey[] =>
  c === 'floorLead'
    ? ['b1r201', 'b1r202']
    : p.communityId === C2
      ? ['x1r101']
      : ['b1r101', 'b1r102', 'b1r201', 'b1r202']

const MATRIX: Record<string, Case> = {
  whoami: { payload: () => ({}), allowed: ALL },
  myData: {
    payload: () => ({}),
    allowed: ALL,
    exact: { fields: PEOPLE_FIELDS, households: (_c, p) => (p.home ? [p.home] : []) },
  },
  myHousehold: {
    payload: (p) => ({ householdId: HOUSEHOLDS[p.home ?? 'b1r101']._id }),
    allowed: RESIDENTS,
    exact: { fields: PEOPLE_FIELDS, households: (_c, p) => (p.home ? [p.home] : []) },
  },
  buildingRoster: {
    payload: (p) => ({ buildingId: p.buildingId }),
    allowed: ['floorLead', 'buildingLead', ...COMMITTEES],
    exact: { fields: PEOPLE_FIELDS, households: led },
  },
  setFlags: {
    payload: (p) => ({ householdId: HOUSEHOLDS[p.target]._id, memberId: p.memberId, flags: ['chronic'] }),
    allowed: ['floorLead', 'buildingLead', ...COMMITTEES],
    exact: { fields: PEOPLE_FIELDS, households: (_c, p) => [p.target] },
  },
  setProxy: {
    payload: (p) => ({ householdId: HOUSEHOLDS[p.target]._id, proxy: true }),
    allowed: ['buildingLead', ...COMMITTEES],
    exact: { fields: PEOPLE_FIELDS, households: (_c, p) => [p.target] },
  },
  listRoles: { payload: (p) => ({ communityId: p.communityId }), allowed: ['communityLead', ...COMMITTEES] },
  grantRole: {
    payload: (p) =>
      p.communityId === C2
        ? {
            communityId: C2,
            householdId: H.x1r101._id,
            memberId: 'm-other',
            role: 'volunteer',
            volunteerType: 'patrol',
          }
        : {
            communityId: C1,
            householdId: H.b1r201._id,
            memberId: 'm-zhao',
            role: 'volunteer',
            volunteerType: 'patrol',
          },
    allowed: ['communityLead', ...COMMITTEES],
  },
  listJoinRequests: { payload: (p) => ({ buildingId: p.buildingId }), allowed: ['buildingLead', ...COMMITTEES] },
  decideJoin: {
    payload: (p) => ({ requestId: p.communityId === C2 ? 'jr-x1' : 'jr-b1', approve: false }),
    allowed: ['buildingLead', ...COMMITTEES],
  },
  revealPhone: {
    payload: (p) => ({ householdId: HOUSEHOLDS[p.target]._id, memberId: p.memberId, reason: 'remind' }),
    allowed: ['floorLead', 'buildingLead', 'volunteer', ...COMMITTEES],
    reveals: true,
  },
  listPhoneReveals: { payload: (p) => ({ communityId: p.communityId }), allowed: COMMITTEES },
  exportLedger: {
    fn: 'sheets',
    payload: (p) => ({ communityId: p.communityId }),
    allowed: COMMITTEES,
    file: true,
    exact: {
      fields: ['name', 'phone'],
      households: (_c, p) =>
        p.communityId === C2 ? ['x1r101'] : ['b1r101', 'b1r102', 'b1r201', 'b1r202', 'b2r101', 'b3r301'],
    },
  },
}

const cases = Object.entries(MATRIX).flatMap(([action, rule]) =>
  CALLER_KEYS.map((caller) => ({ action, caller, allowed: rule.allowed.includes(caller) })),
)

describe('community visibility matrix: no reply shows more than the policy allows', () => {
  it.each(cases)('$action as $caller (allowed: $allowed)', async ({ action, caller, allowed }) => {
    await restore()
    const rule = MATRIX[action] as Case
    const place = PLACES[caller]
    const reply = await call<Record<string, unknown>>(CALLERS[caller], action, rule.payload(place), rule.fn)
    if (!allowed) {
      expect(reply).toMatchObject({ ok: false, code: 'FORBIDDEN' })
      return
    }
    if (!reply.ok) throw new Error(`${action} as ${caller}: ${reply.code} ${reply.message}`)
    const scan = new Scan()
    scan.value(reply.data)
    if (rule.file) for (const cell of await workbookCells(t, String(reply.data.fileID))) scan.text(cell)
    const may = { ...EXPECT[caller] }
    // A reveal hands back the one number asked for, in full, to dial it (and logs it).
    if (rule.reveals) may[place.target] = { ...may[place.target], phone: 'full' }
    expect(beyond(scan, may)).toEqual([])
    for (const k of rule.exact?.households(caller, place) ?? []) {
      const shown = Object.fromEntries(rule.exact?.fields.map((f) => [f, scan.seen[k]?.[f] ?? false]) ?? [])
      const expected = Object.fromEntries(rule.exact?.fields.map((f) => [f, EXPECT[caller][k][f]]) ?? [])
      expect({ [k]: shown }).toEqual({ [k]: expected })
    }
  })
})

describe('the visibility policy in community views', () => {
  beforeEach(restore)

  it('masks the phones of a 代管 household for its holder, also when the holder is the building lead', async () => {
    const proxied = await call<HouseholdView>(PROXY, 'myHousehold', { householdId: H.b1r102._id })
    expect(proxied).toMatchObject({ ok: true, data: { members: [{ name: '王五', phone: '138****3333' }] } })
    const mine = await call<MyData>(PROXY, 'myData', {})
    expect(JSON.stringify(mine)).not.toMatch(/1\d{10}/)

    // The lead takes 代管 of 1-102: the roster still shows its number masked.
    await t.data.insert('roles', {
      _id: 'role-lead-proxy',
      openid: WHO.buildingLead,
      communityId: C1,
      role: 'resident',
      scope: { communityId: C1, buildingId: 'b1', householdId: H.b1r102._id },
      proxy: true,
      householdId: H.b1r102._id,
      grantedBy: 'fixture',
      grantedAt: new Date(),
    })
    const roster = await call<Roster>(WHO.buildingLead, 'buildingRoster', { buildingId: 'b1' })
    if (!roster.ok) throw new Error(roster.message)
    expect(roster.data.households.find((h) => h.id === H.b1r102._id)?.members[0]?.phone).toBe('138****3333')
    expect(JSON.stringify(roster.data)).not.toMatch(/1\d{10}/)
  })

  it('gives a floor lead the roster, flags and reveals of their floor only', async () => {
    const roster = await call<Roster>(WHO.floorLead, 'buildingRoster', { buildingId: 'b1' })
    if (!roster.ok) throw new Error(roster.message)
    expect(roster.data.households.map((h) => h.label)).toEqual(['1-201', '1-202'])
    const before = await snapshot(t)
    for (const [action, payload] of [
      ['setFlags', { householdId: H.b1r101._id, memberId: 'm-zhang', flags: ['chronic'] }],
      ['revealPhone', { householdId: H.b1r101._id, memberId: 'm-zhang', reason: 'remind' }],
    ] as const)
      expect(await call(WHO.floorLead, action, payload)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await snapshot(t)).toBe(before)
  })

  it('shows a 团长 the role holders’ names masked, the committee in full', async () => {
    const names = async (openid: string) => {
      const r = await call<RoleView[]>(openid, 'listRoles', { communityId: C1 })
      if (!r.ok) throw new Error(r.message)
      return r.data
        .filter((v) => v.role === 'floorLead' || v.role === 'volunteer')
        .map((v) => v.holder)
        .sort()
    }
    expect(await names(WHO.communityLead)).toEqual(['孙*', '赵*'])
    expect(await names(WHO.committee)).toEqual(['孙八', '赵六'])
    const granted = await call<RoleView>(WHO.communityLead, 'grantRole', {
      communityId: C1,
      householdId: H.b1r201._id,
      memberId: 'm-zhao',
      role: 'volunteer',
      volunteerType: 'patrol',
    })
    expect(granted).toMatchObject({ ok: true, data: { holder: '赵*' } })
  })
})

describe('revealing a number to dial it', () => {
  beforeEach(restore)
  const wu = { householdId: B1R202._id, memberId: 'm-wu', reason: 'delivery' as const }

  it('reveals one number in the caller’s scope and logs who, whom, when and why for the committee', async () => {
    const r = await call<PhoneReveal>(WHO.volunteer, 'revealPhone', { ...wu, note: '送菜到门口' })
    expect(r).toEqual({
      ok: true,
      data: { householdId: B1R202._id, memberId: 'm-wu', phone: '13800008888', remainingToday: 29 },
    })
    const [log] = await t.data.find<PhoneRevealDoc>('phoneReveals', { openid: WHO.volunteer })
    expect(log).toMatchObject({
      communityId: C1,
      byName: '孙八',
      role: 'volunteer',
      householdId: B1R202._id,
      memberId: 'm-wu',
      reason: 'delivery',
      note: '送菜到门口',
      day: '2026-11-24',
    })
    expect(JSON.stringify(log)).not.toContain('13800008888')
    const list = await call<{ reveals: PhoneRevealView[]; perDay: number }>(WHO.committee, 'listPhoneReveals', {
      communityId: C1,
    })
    if (!list.ok) throw new Error(list.message)
    expect(list.data.perDay).toBe(30)
    expect(list.data.reveals.map((v) => [v.by, v.role, v.label, v.member, v.reason, v.note ?? ''])).toEqual([
      ['孙八', 'volunteer', '1-202', '吴十', 'delivery', '送菜到门口'],
      ['（未登记姓名）', 'buildingLead', '1-102', '王五', 'care', ''],
    ])
    const later = await call<{ reveals: PhoneRevealView[] }>(WHO.committee, 'listPhoneReveals', {
      communityId: C1,
      since: new Date(t.now() + 60_000).toISOString(),
    })
    expect(later).toMatchObject({ ok: true, data: { reveals: [] } })
  })

  it('refuses, writing nothing, a volunteer outside their posts, a missing number and 其他 without a word', async () => {
    const before = await snapshot(t)
    expect(
      await call(WHO.volunteer, 'revealPhone', { householdId: H.b2r101._id, memberId: 'm-qian', reason: 'delivery' }),
    ).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(
      await call(WHO.buildingLead, 'revealPhone', { householdId: H.b1r201._id, memberId: 'm-zhao2', reason: 'care' }),
    ).toMatchObject({ ok: false, code: 'NOT_FOUND', field: 'memberId' })
    expect(await call(WHO.buildingLead, 'revealPhone', { ...wu, reason: 'other' })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
      field: 'note',
    })
    expect(await call(WHO.buildingLead, 'revealPhone', { ...wu, reason: 'curious' })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
      field: 'reason',
    })
    expect(await snapshot(t)).toBe(before)
  })

  it('refuses a volunteer outside their shifts, writing nothing, and reveals within them', async () => {
    const role = (await t.data.find<{ _id: string }>('roles', { openid: WHO.volunteer, role: 'volunteer' }))[0]
    if (!role) throw new Error('no volunteer role in the fixture')
    const hour = Number(
      new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: 'Asia/Shanghai' }).format(
        t.now(),
      ),
    )
    const hh = (h: number) => `${String((h + 24) % 24).padStart(2, '0')}:00`
    await t.data.update('roles', role._id, { shifts: t.data._.set([{ from: hh(hour + 2), to: hh(hour + 4) }]) })
    const before = await snapshot(t)
    expect(await call(WHO.volunteer, 'revealPhone', wu)).toMatchObject({ ok: false, code: 'OFF_SHIFT' })
    expect(await snapshot(t)).toBe(before)
    await t.data.update('roles', role._id, { shifts: t.data._.set([{ from: hh(hour), to: hh(hour + 1) }]) })
    expect(await call<PhoneReveal>(WHO.volunteer, 'revealPhone', wu)).toMatchObject({
      ok: true,
      data: { phone: '13800008888' },
    })
  })

  it('counts reveals against the community’s daily cap atomically, and starts again the next Shanghai day', async () => {
    await t.data.update('communities', C1, { 'settings.phoneRevealsPerDay': 3 })
    const replies = await Promise.all(
      Array.from({ length: 8 }, () => call<PhoneReveal>(WHO.buildingLead, 'revealPhone', wu)),
    )
    // The lead already revealed 王五's number today (the prepared state): two more fit under the cap of 3.
    const codes = replies.map((r) => (r.ok ? 'ok' : r.code))
    expect(codes.filter((c) => c === 'ok')).toHaveLength(2)
    expect(codes.filter((c) => c === 'REVEAL_LIMIT')).toHaveLength(6)
    expect(replies.find((r) => !r.ok)).toMatchObject({ message: expect.stringContaining('3 个电话') })
    expect(await t.data.count('phoneReveals', { openid: WHO.buildingLead, day: '2026-11-24' })).toBe(3)
    expect(await t.data.count('phoneRevealCounts', { openid: WHO.buildingLead })).toBe(1)
    // 00:00 in Shanghai is 16:00 UTC.
    await t.setClock('2026-11-24T16:00:01.000Z')
    expect(await call(WHO.buildingLead, 'revealPhone', wu)).toMatchObject({ ok: true, data: { remainingToday: 2 } })
    await t.setClock('2026-11-24T02:00:00.000Z')
  })

  it('deletes reveal records after 90 days with the housekeeping timer', async () => {
    await t.data.updateWhere('phoneReveals', { communityId: C1 }, { at: new Date(t.now() - 91 * 86_400_000) })
    const run = await t.admin<{ result: Envelope<{ phoneReveals: number }> }>('functions/community/trigger', {
      body: {},
    })
    expect(run.result).toMatchObject({ ok: true, data: { phoneReveals: 1 } })
    expect(await t.data.count('phoneReveals')).toBe(0)
  })
})
