// Who may run each needs action, both sides: every caller of the fixture (and the needs' own: 云上 volunteers on and
// off shift, a 代管 family member) against a need of 1号-101 waiting at the online level, one taken by 1号's 云上
// volunteer, and the community. An allowed call succeeds (or gives the one code its rule names); a refused one is
// FORBIDDEN with the exported database unchanged.
import type { ActionName, Envelope, ErrorCode, NeedView } from '../../typings/api'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C1, H, snapshot, WHO } from '../support/community'
import { freshId, loadNeeds, needs, NEEDS_PEOPLE as P } from '../support/needs'
import { pushesSettled } from '../support/pushes'

let t: TestCloud
let n: ReturnType<typeof needs>
beforeAll(async () => {
  t = await startTestCloud()
  n = needs(t)
})
afterAll(() => t.stop())

const CALLERS = {
  stranger: WHO.stranger,
  resident: WHO.resident,
  residentB2: WHO.residentB2,
  floorLead: WHO.floorLead,
  buildingLead: WHO.buildingLead,
  groupLead: WHO.groupLead,
  communityLead: WHO.communityLead,
  committee: WHO.committee,
  transportVolunteer: WHO.volunteer,
  online: P.online1,
  onlineOffShift: P.online2,
  proxyOther: P.proxy,
  otherCommittee: WHO.otherCommittee,
} as const
type Caller = keyof typeof CALLERS

interface State {
  open: string
  taken: string
}

interface Rule {
  fn?: 'sheets'
  payload: (s: State) => object
  allowed: Caller[]
  /** Callers allowed by role and place whose own situation gives this code instead. */
  outcome?: Partial<Record<Caller, ErrorCode>>
}

const LEADS: Caller[] = ['buildingLead', 'groupLead', 'communityLead', 'committee']
/** Everyone who answers needs but the one who has it: the kernel lets them in, the need says it is not theirs. */
const WORKERS: Caller[] = [...LEADS, 'transportVolunteer', 'onlineOffShift']
const NOT_THEIRS = Object.fromEntries(WORKERS.map((c) => [c, 'NOT_YOUR_NEED'])) as Partial<Record<Caller, ErrorCode>>

const MATRIX: Record<ActionName<'needs'> | 'exportNeeds', Rule> = {
  raiseNeed: {
    payload: () => ({
      householdId: H.b1r101._id,
      type: 'groceries',
      urgency: 'normal',
      detail: '买菜',
      requestId: freshId(),
    }),
    allowed: ['resident', 'buildingLead'],
  },
  householdNeeds: {
    payload: () => ({ householdId: H.b1r101._id }),
    allowed: ['resident', 'buildingLead', 'committee'],
  },
  getNeed: { payload: (s) => ({ needId: s.open }), allowed: ['resident', 'online', ...LEADS] },
  cancelNeed: { payload: (s) => ({ needId: s.open, reason: '不用了' }), allowed: ['resident'] },
  needQueue: {
    payload: () => ({ communityId: C1 }),
    allowed: ['transportVolunteer', 'online', 'onlineOffShift', ...LEADS],
  },
  takeNeed: { payload: (s) => ({ needId: s.open }), allowed: ['online', ...LEADS] },
  finishNeed: {
    payload: (s) => ({ needId: s.taken, note: '办好了' }),
    allowed: ['online', ...WORKERS],
    outcome: NOT_THEIRS,
  },
  callNeed: {
    payload: (s) => ({ needId: s.taken }),
    allowed: ['online', ...WORKERS],
    outcome: NOT_THEIRS,
  },
  needRollup: {
    payload: () => ({ communityId: C1, day: '2026-11-24' }),
    allowed: ['groupLead', 'communityLead', 'committee'],
  },
  exportNeeds: {
    fn: 'sheets',
    payload: () => ({ communityId: C1, day: '2026-11-24' }),
    allowed: ['communityLead', 'committee'],
  },
}

async function state(): Promise<State> {
  await loadNeeds(t)
  const open = await n.raise(WHO.resident)
  const taken = await n.raise(WHO.resident, { type: 'medicine', detail: '', medicine: { names: ['布洛芬'] } })
  await n.ok<NeedView>(P.online1, 'takeNeed', { needId: taken.id })
  // The notices leave after the calls return: the snapshot is taken once the queue is still.
  await pushesSettled(t)
  return { open: open.id, taken: taken.id }
}

const cases = Object.entries(MATRIX).flatMap(([action, rule]) =>
  (Object.keys(CALLERS) as Caller[]).map((caller) => [action, caller, rule] as const),
)

describe('needs permissions', () => {
  it.each(cases)('%s as %s', async (action, caller, rule) => {
    const s = await state()
    const before = await snapshot(t)
    const reply = await t.call<Envelope<unknown>>(
      rule.fn ?? 'needs',
      { action, payload: rule.payload(s) },
      CALLERS[caller],
    )
    const code = rule.outcome?.[caller]
    if (rule.allowed.includes(caller) && !code) {
      expect(reply).toMatchObject({ ok: true })
    } else {
      expect(reply).toMatchObject({ ok: false, code: code ?? 'FORBIDDEN' })
      expect(await snapshot(t)).toBe(before)
    }
  })
})
