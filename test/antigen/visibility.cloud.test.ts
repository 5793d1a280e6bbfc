// The visibility matrix of the antigen function: every action that answers with people × every caller × every
// field of every household (names, phones, results, photos, a lead's flag), the exported table's cells included.
// Each reply is read in full and may show no more than the hand-written table in test/support/visibility.ts
// allows; the chain, the reminder's call list and the export must also show exactly what it says for the
// households they are about. Then the floor lead's scope and what the chain's order may give away.
import type { ChainView, Envelope, RemindResult } from '../../typings/api'
import type { HouseholdDoc } from '../../server/community/model'
import { householdId } from '../../server/community/ids'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C1, C2, H, snapshot, WHO } from '../support/community'
import { followUpId } from '../../server/antigen/followups'
import {
  B1R202,
  beyond,
  CALLER_KEYS,
  CALLERS,
  EXPECT,
  HOUSEHOLDS,
  photoOf,
  prepare,
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
const call = <T>(openid: string, action: string, payload: object, name: 'antigen' | 'sheets' = 'antigen') =>
  t.call<Envelope<T>>(name, { action, payload }, openid)

/** Where each caller's calls go: their round, the building whose chain they read, a household they would act on. */
interface Place {
  roundId: string
  buildingId: string
  target: HouseholdKey
  members: object[]
}
const untested = (ids: string[]) => ids.map((memberId) => ({ memberId, result: 'untested', reason: '外出' }))
const c1 = (buildingId = 'b1'): Place => ({
  roundId: 'r-c1',
  buildingId,
  target: 'b1r202',
  members: untested(['m-wu']),
})
const PLACES: Record<CallerKey, Place> = {
  stranger: c1(),
  resident: c1(),
  residentB2: c1('b2'),
  floorLead: c1(),
  buildingLead: c1(),
  groupLead: c1(),
  communityLead: c1(),
  committee: c1(),
  volunteer: c1('b3'),
  otherCommittee: { roundId: 'r-c2', buildingId: 'x1', target: 'x1r101', members: untested(['m-other']) },
  proxy: c1(),
}

interface Case {
  /** The function whose action it is: spreadsheets are the `sheets` function's, under the same policy. */
  fn?: 'sheets'
  payload: (p: Place) => object
  allowed: CallerKey[]
  file?: boolean
  /**
   * Households whose listed fields the reply must show exactly as the table says; `only` names, per field, the
   * households that have such data at all in the prepared state (1-101 alone carries a lead's flag).
   */
  exact?: {
    fields: Field[]
    households: (c: CallerKey, p: Place) => HouseholdKey[]
    only?: Partial<Record<Field, HouseholdKey[]>>
  }
}

const ALL = CALLER_KEYS
const COMMITTEES: CallerKey[] = ['committee', 'otherCommittee']
const ROLL_UPS: CallerKey[] = ['groupLead', 'communityLead', ...COMMITTEES]
/** Who lists 1-101's follow-up: its building's lead and the roll-ups of its community. */
const FOLLOW_UP_READERS: CallerKey[] = ['buildingLead', 'groupLead', 'communityLead', 'committee']
/** The households of a chain with an entry in the prepared state (1-102 has not submitted). */
const ENTRIES: Record<string, HouseholdKey[]> = {
  b1: ['b1r101', 'b1r201', 'b1r202'],
  b2: ['b2r101'],
  b3: ['b3r301'],
  x1: ['x1r101'],
}

const MATRIX: Record<string, Case> = {
  chain: {
    payload: (p) => ({ roundId: p.roundId, buildingId: p.buildingId }),
    allowed: ALL.filter((c) => c !== 'stranger'),
    // Results where the caller may see them, and nowhere else; photos likewise (1-201's 未测 has none).
    exact: {
      fields: ['results', 'entryFlag'],
      households: (_c, p) => ENTRIES[p.buildingId] ?? [],
      only: { entryFlag: ['b1r101'] },
    },
  },
  flag: {
    payload: (p) => ({ roundId: p.roundId, householdId: HOUSEHOLDS[p.target]._id, reason: '请重拍' }),
    allowed: ['floorLead', 'buildingLead', ...ROLL_UPS],
    exact: { fields: ['results', 'photos', 'entryFlag'], households: (_c, p) => [p.target] },
  },
  confirm: {
    payload: (p) => ({ roundId: p.roundId, buildingId: p.buildingId }),
    allowed: ['buildingLead', ...COMMITTEES],
    exact: {
      fields: ['results', 'entryFlag'],
      households: (_c, p) => ENTRIES[p.buildingId] ?? [],
      only: { entryFlag: ['b1r101'] },
    },
  },
  table: { payload: (p) => ({ roundId: p.roundId }), allowed: ['floorLead', 'buildingLead', ...ROLL_UPS] },
  exportTable: {
    fn: 'sheets',
    payload: (p) => ({ roundId: p.roundId }),
    allowed: COMMITTEES,
    file: true,
    // 异常户: 1-101 with names, results and numbers; 未报户: 1-102.
    exact: {
      fields: ['name', 'phone'],
      households: (c) => (c === 'committee' ? ['b1r101', 'b1r102'] : []),
    },
  },
  remind: {
    payload: (p) => ({ roundId: p.roundId, buildingId: p.buildingId }),
    allowed: ['floorLead', 'buildingLead', ...COMMITTEES],
    exact: { fields: ['phone'], households: (c) => (c === 'buildingLead' || c === 'committee' ? ['b1r102'] : []) },
  },
  myRounds: {
    payload: () => ({}),
    allowed: ALL,
    exact: {
      fields: ['name', 'results'],
      households: (c) =>
        (({ resident: ['b1r101'], residentB2: ['b2r101'], floorLead: ['b1r201'], volunteer: ['b3r301'] })[
          c as string
        ] as HouseholdKey[] | undefined) ?? [],
    },
  },
  submit: {
    payload: (p) => ({ roundId: p.roundId, householdId: HOUSEHOLDS[p.target]._id, members: p.members }),
    allowed: ['floorLead', 'buildingLead', ...COMMITTEES],
    exact: { fields: ['name', 'results'], households: (_c, p) => [p.target] },
  },
  // 1-101's abnormal result is the prepared state's one follow-up (floor 1: not the floor lead's).
  followUps: {
    payload: (p) => ({ communityId: p.roundId === 'r-c2' ? C2 : C1, status: 'all' }),
    allowed: ['floorLead', 'buildingLead', ...ROLL_UPS],
    exact: { fields: ['name', 'results'], households: (c) => (FOLLOW_UP_READERS.includes(c) ? ['b1r101'] : []) },
  },
  acknowledgeFollowUp: {
    payload: () => ({ id: followUpId('r-c1', H.b1r101._id) }),
    allowed: ['buildingLead', 'committee'],
    exact: { fields: ['name', 'results'], households: () => ['b1r101'] },
  },
  recordFollowUp: {
    payload: () => ({ id: followUpId('r-c1', H.b1r101._id), contact: { note: '已电话联系，明早复测' } }),
    allowed: ['buildingLead', 'committee'],
    exact: { fields: ['name', 'results'], households: () => ['b1r101'] },
  },
}

const cases = Object.entries(MATRIX).flatMap(([action, rule]) =>
  CALLER_KEYS.map((caller) => ({ action, caller, allowed: rule.allowed.includes(caller) })),
)

describe('antigen visibility matrix: no reply shows more than the policy allows', () => {
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
    expect(beyond(scan, EXPECT[caller])).toEqual([])
    for (const k of rule.exact?.households(caller, place) ?? []) {
      const shown = Object.fromEntries(rule.exact?.fields.map((f) => [f, scan.seen[k]?.[f] ?? false]) ?? [])
      const has = (f: Field) => rule.exact?.only?.[f]?.includes(k) ?? true
      const expected = Object.fromEntries(
        rule.exact?.fields.map((f) => [f, has(f) ? EXPECT[caller][k][f] : false]) ?? [],
      )
      expect({ [k]: shown }).toEqual({ [k]: expected })
    }
  })
})

describe('a floor lead’s scope is their floor', () => {
  beforeEach(restore)
  /** 1-203: floor 2, not submitted, no WeChat. */
  const b1r203: HouseholdDoc = {
    ...B1R202,
    _id: householdId(C1, 'b1', '203'),
    room: '203',
    members: [{ id: 'm-zheng', name: '郑一', phone: '13800009999', flags: [] }],
  }

  it('shows their floor’s entries in detail and the others as labels, the missing rooms with their floor', async () => {
    const r = await call<ChainView>(WHO.floorLead, 'chain', { roundId: 'r-c1', buildingId: 'b1' })
    if (!r.ok) throw new Error(r.message)
    expect(r.data.detailed).toBe(true)
    const detail = Object.fromEntries(r.data.entries.map((e) => [e.label, Boolean(e.members)]))
    expect(detail).toEqual({ '1-101 张*': false, '1-201 赵*': true, '1-202 吴*': true })
    expect(r.data.entries.find((e) => e.householdId === H.b1r101._id)).not.toHaveProperty('flagged')
    expect(r.data.missing).toEqual([{ householdId: H.b1r102._id, label: '1-102 王*', floor: 1, linked: false }])
  })

  it('refuses 代报 and flags on another floor, writing nothing', async () => {
    const before = await snapshot(t)
    expect(
      await call(WHO.floorLead, 'submit', {
        roundId: 'r-c1',
        householdId: H.b1r102._id,
        members: untested(['m-wang']),
      }),
    ).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(
      await call(WHO.floorLead, 'flag', { roundId: 'r-c1', householdId: H.b1r101._id, reason: '请重拍' }),
    ).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await snapshot(t)).toBe(before)
    // Their floor is theirs: 1-202 (not their home) can be submitted for.
    expect(
      await call(WHO.floorLead, 'submit', { roundId: 'r-c1', householdId: B1R202._id, members: untested(['m-wu']) }),
    ).toMatchObject({ ok: true, data: { members: [{ name: '吴十', result: 'untested' }] } })
  })

  it('reminds their floor only, with masked numbers', async () => {
    await t.data.insert('households', b1r203)
    const floor = await call<RemindResult>(WHO.floorLead, 'remind', { roundId: 'r-c1', buildingId: 'b1' })
    expect(floor).toEqual({
      ok: true,
      data: {
        pushed: 0,
        callList: [
          {
            householdId: b1r203._id,
            label: '1-203 郑*',
            floor: 2,
            contacts: [{ memberId: 'm-zheng', name: '郑一', phone: '138****9999', revealable: true }],
          },
        ],
      },
    })
    const building = await call<RemindResult>(WHO.buildingLead, 'remind', { roundId: 'r-c1', buildingId: 'b1' })
    if (!building.ok) throw new Error(building.message)
    expect(building.data.callList.map((c) => [c.label, c.contacts.map((x) => x.phone)])).toEqual([
      ['1-102 王*', ['138****3333']],
      ['1-203 郑*', ['138****9999']],
    ])
    const committee = await call<RemindResult>(WHO.committee, 'remind', { roundId: 'r-c1', buildingId: 'b1' })
    if (!committee.ok) throw new Error(committee.message)
    expect(committee.data.callList.map((c) => c.contacts.map((x) => [x.phone, x.revealable ?? false]))).toEqual([
      [['13800003333', false]],
      [['13800009999', false]],
    ])
  })
})

describe('what the chain gives away', () => {
  beforeEach(restore)

  it('keeps number order for those who may not see results: an abnormal entry is not moved up for them', async () => {
    // 1-202 (no. 3) turns abnormal after 1-201 (no. 2, 未测); 1-101 (no. 1) is abnormal and the resident's own.
    const turned = await call(WHO.committee, 'submit', {
      roundId: 'r-c1',
      householdId: B1R202._id,
      members: [
        { memberId: 'm-wu', result: 'positive', photo: await photoOf(t, 'r-c1', B1R202._id, 'm-wu'), photoSize: 100 },
      ],
    })
    expect(turned).toMatchObject({ ok: true })
    const order = async (openid: string) => {
      const r = await call<ChainView>(openid, 'chain', { roundId: 'r-c1', buildingId: 'b1' })
      if (!r.ok) throw new Error(r.message)
      return r.data.entries.map((e) => [e.no, e.abnormal ?? null])
    }
    expect(await order(WHO.buildingLead)).toEqual([
      [1, true],
      [3, true],
      [2, null],
    ])
    expect(await order(WHO.resident)).toEqual([
      [1, true],
      [2, null],
      [3, null],
    ])
    expect(await order(CALLERS.proxy)).toEqual([
      [1, null],
      [2, null],
      [3, null],
    ])
  })
})

describe('the scanner itself', () => {
  it('reads no phone number inside a signature or an id, and still finds one beside text', () => {
    const scan = new Scan()
    scan.text('http://x/__storage/download/a.xlsx?sign=e3a16750352016b9c0ffee00aa11bb22&t=1796000000')
    scan.text('hh_16750352016abcdef0123456')
    expect(scan.unknown).toEqual([])
    scan.text('电话16750352016；')
    expect(scan.unknown).toEqual(['full number 16750352016'])
  })
})
