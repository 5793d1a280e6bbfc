// Every care action against every caller: allowed calls succeed (or give the one code their rule names), refused
// ones are FORBIDDEN (OFF_SHIFT for a care volunteer outside their hours) with the exported database unchanged.
import type { Envelope } from '../../typings/api'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { snapshot, WHO } from '../support/community'
import { C1, care, CARE, loadCare, PERSON } from '../support/care'

let t: TestCloud
let c: ReturnType<typeof care>
beforeAll(async () => {
  t = await startTestCloud()
  c = care(t)
  await loadCare(t)
})
afterAll(() => t.stop())

type Outcome = 'ok' | 'FORBIDDEN' | 'OFF_SHIFT' | 'NOT_ON_CARE_LIST'

const CALLERS = {
  committee: WHO.committee,
  communityLead: WHO.communityLead,
  groupLead: WHO.groupLead,
  buildingLead: WHO.buildingLead,
  floorLead: WHO.floorLead,
  careVolunteer: CARE.bv1,
  offShiftVolunteer: CARE.bv3,
  transportVolunteer: WHO.volunteer,
  resident: WHO.resident,
  stranger: WHO.stranger,
  otherCommittee: WHO.otherCommittee,
} as const
type Caller = keyof typeof CALLERS

let n = 0
const ACTIONS: Record<string, { payload: () => object; writes: boolean; allowed: Partial<Record<Caller, Outcome>> }> = {
  careList: {
    payload: () => ({ communityId: C1 }),
    writes: false,
    allowed: {
      committee: 'ok',
      communityLead: 'ok',
      groupLead: 'ok',
      buildingLead: 'ok',
      floorLead: 'ok',
      careVolunteer: 'ok',
      offShiftVolunteer: 'ok',
      transportVolunteer: 'ok',
    },
  },
  careListBuilding: {
    payload: () => ({ communityId: C1, buildingId: 'b1' }),
    writes: false,
    allowed: {
      committee: 'ok',
      communityLead: 'ok',
      groupLead: 'ok',
      buildingLead: 'ok',
      // A floor lead's grant names a floor: it does not cover the whole building.
      careVolunteer: 'ok',
      offShiftVolunteer: 'ok',
      transportVolunteer: 'ok',
    },
  },
  recordCheck: {
    payload: () => ({ ...PERSON.wang, how: 'phone', result: 'safe', requestId: `perm-request-${++n}` }),
    writes: true,
    allowed: {
      committee: 'ok',
      communityLead: 'ok',
      groupLead: 'ok',
      buildingLead: 'ok',
      careVolunteer: 'ok',
    },
  },
  careHistory: {
    payload: () => PERSON.sun,
    writes: false,
    allowed: { committee: 'ok', communityLead: 'ok', offShiftVolunteer: 'OFF_SHIFT' },
  },
  careOverview: {
    payload: () => ({ communityId: C1 }),
    writes: false,
    allowed: { committee: 'ok', communityLead: 'ok', groupLead: 'ok' },
  },
  volunteerHours: {
    payload: () => ({ communityId: C1 }),
    writes: false,
    allowed: { committee: 'ok', communityLead: 'ok' },
  },
}

const cases = Object.entries(ACTIONS).flatMap(([name, a]) =>
  (Object.keys(CALLERS) as Caller[]).map((who) => [name, who, a.allowed[who] ?? 'FORBIDDEN'] as const),
)

it.each(cases)('%s as %s: %s', async (name, who, outcome) => {
  const a = ACTIONS[name] as (typeof ACTIONS)[string]
  const action = name === 'careListBuilding' ? 'careList' : name
  const before = await snapshot(t)
  const res = (await c.call(CALLERS[who], action, a.payload())) as Envelope<unknown>
  if (outcome === 'ok') {
    expect(res).toMatchObject({ ok: true })
    if (!a.writes) expect(await snapshot(t)).toBe(before)
  } else {
    expect(res).toMatchObject({ ok: false, code: outcome })
    expect(await snapshot(t)).toBe(before)
  }
})
