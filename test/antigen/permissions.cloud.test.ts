// The permission matrix of the antigen function: every action × every caller × a target inside and outside the
// caller's place. A refusal is FORBIDDEN and writes nothing; an allowed call succeeds.
import type { ActionName, Envelope } from '../../typings/api'
import { CONSENTS } from '../../server/community/consent'
import { shanghaiDay } from '../../server/kernel/time'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { B, C1, C2, H, loadFixture, snapshot, WHO } from '../support/community'
import { followUpId, type FollowUpDoc } from '../../server/antigen/followups'
import { chainId } from '../../server/antigen/rules'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())

interface Place {
  communityId: string
  roundId: string
  buildingId: string
  householdId: string
  members: object[]
}
const untested = (ids: string[]) => ids.map((memberId) => ({ memberId, result: 'untested', reason: '外出' }))
const place = {
  b1: {
    communityId: C1,
    roundId: 'r-c1',
    buildingId: B.b1._id,
    householdId: H.b1r101._id,
    members: untested(['m-zhang', 'm-li']),
  },
  b1f2: {
    communityId: C1,
    roundId: 'r-c1',
    buildingId: B.b1._id,
    householdId: H.b1r201._id,
    members: untested(['m-zhao', 'm-zhao2']),
  },
  b2: {
    communityId: C1,
    roundId: 'r-c1',
    buildingId: B.b2._id,
    householdId: H.b2r101._id,
    members: untested(['m-qian']),
  },
  b3: {
    communityId: C1,
    roundId: 'r-c1',
    buildingId: B.b3._id,
    householdId: H.b3r301._id,
    members: untested(['m-sun']),
  },
  c2: {
    communityId: C2,
    roundId: 'r-c2',
    buildingId: B.x1._id,
    householdId: H.x1r101._id,
    members: untested(['m-other']),
  },
} satisfies Record<string, Place>

type Caller = keyof typeof WHO
const TARGETS: Record<Caller, { inside: Place; outside: Place }> = {
  stranger: { inside: place.b1, outside: place.c2 },
  resident: { inside: place.b1, outside: place.b3 },
  residentB2: { inside: place.b2, outside: place.b1 },
  floorLead: { inside: place.b1f2, outside: place.b3 },
  buildingLead: { inside: place.b1, outside: place.b3 },
  groupLead: { inside: place.b1, outside: place.b3 },
  communityLead: { inside: place.b1, outside: place.c2 },
  committee: { inside: place.b1, outside: place.c2 },
  volunteer: { inside: place.b1, outside: place.c2 },
  otherCommittee: { inside: place.c2, outside: place.b1 },
}

const EVERYONE = Object.keys(WHO) as Caller[]

/** An open follow-up for the household of every place (each inside or outside target of a follow-up action). */
async function withFollowUps(): Promise<void> {
  const docs: FollowUpDoc[] = Object.values(place).map((p) => {
    const h = Object.values(H).find((x) => x._id === p.householdId) as (typeof H)[keyof typeof H]
    const building = Object.values(B).find((b) => b._id === p.buildingId) as (typeof B)[keyof typeof B]
    return {
      _id: followUpId(p.roundId, h._id),
      roundId: p.roundId,
      chainId: chainId(p.roundId, h.buildingId),
      communityId: h.communityId,
      groupId: h.groupId,
      buildingId: h.buildingId,
      buildingName: building.name,
      householdId: h._id,
      room: h.room,
      floor: h.floor,
      openedAt: new Date(t.now() - 60_000),
      status: 'open',
      contacts: [],
      version: 0,
    }
  })
  await t.data.insertMany('followUps', docs)
}
const COMMUNITY_LEADS: Caller[] = ['communityLead', 'committee', 'otherCommittee']
/** Who may call each action on its inside target. The volunteer (o-sun) lives in 3号, so 1号 is not theirs. */
/** `community`: the action's target is a whole community (its result is cut to the caller's place), so outside means
 * the other community. */
/** `prepare`: what the caller has done before (a resident gave their health consent). Typed against the contract:
 * leaving out an action of the antigen function fails the type check. `fn`: the round's spreadsheet is the `sheets`
 * function's action, with the same rule. */
const MATRIX: Record<
  ActionName<'antigen'> | 'exportTable',
  {
    fn?: 'sheets'
    payload: (p: Place) => object
    allowed: Caller[]
    outsideToo?: boolean
    community?: boolean
    prepare?: (caller: Caller) => Promise<void>
  }
> = {
  myRounds: { payload: () => ({}), allowed: EVERYONE, outsideToo: true },
  openRound: {
    payload: (p) => ({
      communityId: p.communityId,
      date: shanghaiDay(t.now()),
      deadline: new Date(t.now() + 3 * 3600_000).toISOString(),
      notice: '检测',
    }),
    allowed: COMMUNITY_LEADS,
  },
  closeRound: { payload: (p) => ({ roundId: p.roundId }), allowed: COMMUNITY_LEADS },
  listRounds: {
    payload: (p) => ({ communityId: p.communityId }),
    allowed: ['floorLead', 'buildingLead', 'groupLead', ...COMMUNITY_LEADS],
    community: true,
  },
  subscribeRounds: {
    payload: (p) => ({ communityId: p.communityId }),
    allowed: ['resident', 'residentB2', 'floorLead', 'volunteer'],
    community: true,
  },
  submit: {
    payload: (p) => ({ roundId: p.roundId, householdId: p.householdId, members: p.members }),
    allowed: ['resident', 'residentB2', 'floorLead', 'buildingLead', 'committee', 'otherCommittee'],
    prepare: async (caller) => {
      const reply = await t.call<Envelope<unknown>>(
        'community',
        { action: 'giveConsent', payload: { kind: 'health', version: CONSENTS.health.version } },
        WHO[caller],
      )
      if (!reply.ok && reply.code !== 'FORBIDDEN') throw new Error(`giveConsent: ${reply.code}`)
    },
  },
  chain: {
    payload: (p) => ({ roundId: p.roundId, buildingId: p.buildingId }),
    allowed: ['resident', 'residentB2', 'floorLead', 'buildingLead', 'groupLead', ...COMMUNITY_LEADS],
  },
  flag: {
    payload: (p) => ({ roundId: p.roundId, householdId: p.householdId, reason: '照片不清楚' }),
    allowed: ['floorLead', 'buildingLead', 'groupLead', ...COMMUNITY_LEADS],
  },
  confirm: {
    payload: (p) => ({ roundId: p.roundId, buildingId: p.buildingId }),
    allowed: ['buildingLead', 'committee', 'otherCommittee'],
  },
  // A floor lead confirms their floor (the floor of the household the place is about).
  confirmFloor: {
    payload: (p) => ({
      roundId: p.roundId,
      buildingId: p.buildingId,
      floor: Object.values(H).find((h) => h._id === p.householdId)?.floor ?? 1,
    }),
    allowed: ['floorLead', 'buildingLead', 'committee', 'otherCommittee'],
  },
  // A floor lead reminds their floor's households.
  remind: {
    payload: (p) => ({ roundId: p.roundId, buildingId: p.buildingId }),
    allowed: ['floorLead', 'buildingLead', 'committee', 'otherCommittee'],
  },
  table: {
    payload: (p) => ({ roundId: p.roundId }),
    allowed: ['floorLead', 'buildingLead', 'groupLead', ...COMMUNITY_LEADS],
    community: true,
  },
  // Names, numbers and results of households: the committee's alone.
  exportTable: { fn: 'sheets', payload: (p) => ({ roundId: p.roundId }), allowed: ['committee', 'otherCommittee'] },
  // Every place's household has an open follow-up. The list is cut to the caller's place; a lead of the household's
  // building (a floor lead: its floor) or the committee acts on one, and an id outside the caller's place is
  // FORBIDDEN like one that does not exist.
  followUps: {
    payload: (p) => ({ communityId: p.communityId, status: 'all' }),
    allowed: ['floorLead', 'buildingLead', 'groupLead', ...COMMUNITY_LEADS],
    community: true,
    prepare: withFollowUps,
  },
  acknowledgeFollowUp: {
    payload: (p) => ({ id: followUpId(p.roundId, p.householdId) }),
    allowed: ['floorLead', 'buildingLead', 'committee', 'otherCommittee'],
    prepare: withFollowUps,
  },
  recordFollowUp: {
    payload: (p) => ({ id: followUpId(p.roundId, p.householdId), contact: { note: '已电话联系，明早复测' } }),
    allowed: ['floorLead', 'buildingLead', 'committee', 'otherCommittee'],
    prepare: withFollowUps,
  },
}

const cases = Object.entries(MATRIX).flatMap(([action, rule]) =>
  EVERYONE.flatMap((caller) =>
    (['inside', 'outside'] as const).map((where) => ({
      action,
      caller,
      where,
      allowed: rule.allowed.includes(caller) && (where === 'inside' || rule.outsideToo === true),
      target:
        where === 'outside' && rule.community
          ? caller === 'otherCommittee'
            ? place.b1
            : place.c2
          : TARGETS[caller][where],
    })),
  ),
)

describe('antigen permission matrix', () => {
  it.each(cases)(
    '$action as $caller on a target $where → allowed: $allowed',
    async ({ action, caller, allowed, target }) => {
      await loadFixture(t)
      const rule = MATRIX[action as keyof typeof MATRIX]
      await rule.prepare?.(caller)
      const payload = rule.payload(target)
      const before = allowed ? '' : await snapshot(t)
      const reply = await t.call<Envelope<unknown>>(rule.fn ?? 'antigen', { action, payload }, WHO[caller])
      const outcome = reply.ok ? 'ok' : `${reply.code} ${reply.message}`
      if (allowed) {
        expect(outcome).toBe('ok')
      } else {
        expect(reply).toEqual({ ok: false, code: 'FORBIDDEN', message: '您没有权限进行此操作' })
        expect(await snapshot(t)).toBe(before)
      }
    },
  )
})
