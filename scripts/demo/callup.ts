// The demo's testing call-up: this morning's session at 东门采样点 in 钟楼新村, under way. Started 90 minutes before the
// demo's `now` by the committee; the point's 核酸 volunteer has called the buildings ten at a time every eight
// minutes: the first 40 are done (marked by their leads, with the number tested), the next ten called (three of them
// testing), the 2nd building skipped (有阳性封控: its antigen chain has the abnormal result), the rest waiting. The
// documents are shaped as the callup function writes them (server/callup/model.ts).
import type { BuildingDoc, HouseholdDoc, RoleDoc } from '../../server/community/model'
import type {
  CallupBuildingDoc,
  CallupCallDoc,
  CallupPointLockDoc,
  CallupSessionDoc,
  CallupStepDoc,
} from '../../server/callup/model'
import { pointLockId, rangeLabel, sessionIdOf } from '../../server/callup/rules'
import { formatShanghai } from '../../server/kernel/time'

export interface CallupDemoInput {
  now: number
  communityId: string
  /** In the community's order. */
  buildings: readonly BuildingDoc[]
  households: readonly HouseholdDoc[]
  roles: readonly RoleDoc[]
  committeeOpenid: string
  /** The building skipped (the one with the abnormal antigen result). */
  skippedBuildingId?: string
}

export interface CallupDemo {
  callupSessions: CallupSessionDoc[]
  callupBuildings: CallupBuildingDoc[]
  callupCalls: CallupCallDoc[]
  callupPoints: CallupPointLockDoc[]
}

export const DEMO_SESSION_REQUEST = 'demo-callup-session'
const MIN = 60_000
const PER_CALL = 10
const DONE = 40
const CALLED = 10

export function demoCallup(input: CallupDemoInput): CallupDemo {
  const { communityId, buildings, households } = input
  // Ids as startSession makes them.
  const sessionId = sessionIdOf(communityId, DEMO_SESSION_REQUEST)
  const startedAt = new Date(input.now - 90 * MIN)
  const nameOf = (r: RoleDoc | undefined): string => {
    if (!r) return '居委'
    const h = r.householdId ? households.find((x) => x._id === r.householdId) : undefined
    return h?.members.find((m) => m.id === r.memberId)?.name ?? r.holderName ?? '志愿者'
  }
  const committee = input.roles.find((r) => r.openid === input.committeeOpenid && r.role === 'committee')
  const tester = input.roles.find(
    (r) => r.communityId === communityId && r.role === 'volunteer' && r.volunteerType === 'testing',
  )
  const caller: Omit<CallupStepDoc, 'at'> = tester
    ? { by: tester.openid, byName: nameOf(tester) }
    : { by: input.committeeOpenid, byName: nameOf(committee) }
  const leadOf = new Map(
    input.roles
      .filter((r) => r.communityId === communityId && r.role === 'buildingLead' && r.scope.buildingId)
      .map((r) => [r.scope.buildingId as string, r]),
  )
  const people = new Map<string, number>()
  for (const h of households) people.set(h.buildingId, (people.get(h.buildingId) ?? 0) + h.members.length)

  const point = '东门采样点'
  const parts: CallupBuildingDoc[] = buildings.map((b, i) => ({
    _id: `${sessionId}:${b._id}`,
    sessionId,
    communityId,
    groupId: b.groupId,
    buildingId: b._id,
    name: b.name,
    pos: i + 1,
    pointId: 'p1',
    state: 'waiting',
    calls: 0,
    updatedAt: startedAt,
  }))
  const calls: CallupCallDoc[] = []
  const reached = DONE + CALLED
  for (let from = 0, n = 0; from < Math.min(reached, parts.length); from += PER_CALL, n++) {
    const at = new Date(startedAt.getTime() + (5 + n * 8) * MIN)
    const callId = `${sessionId}:demo-call-${n + 1}`
    const batch = parts
      .slice(from, Math.min(from + PER_CALL, reached))
      .filter((p) => p.buildingId !== input.skippedBuildingId)
    for (const p of batch) {
      const i = p.pos - 1
      Object.assign(p, {
        state: 'called',
        callId,
        calls: 1,
        firstCalledAt: at,
        called: { ...caller, at },
        updatedAt: at,
      })
      if (i < DONE) {
        const doneAt = new Date(at.getTime() + (12 + (i % 7)) * MIN)
        const lead = leadOf.get(p.buildingId)
        const by = lead ? { by: lead.openid, byName: nameOf(lead) } : caller
        Object.assign(p, { state: 'done', done: { ...by, at: doneAt, tested: people.get(p.buildingId) ?? 0 } })
        p.updatedAt = doneAt
      } else if (i < DONE + 3) {
        const startAt = new Date(at.getTime() + 4 * MIN)
        Object.assign(p, { state: 'testing', started: { ...caller, at: startAt }, updatedAt: startAt })
      }
    }
    const told = new Set(
      households.filter((h) => batch.some((p) => p.buildingId === h.buildingId)).flatMap((h) => h.linkedOpenids),
    )
    calls.push({
      _id: callId,
      sessionId,
      communityId,
      kind: 'call',
      buildingIds: batch.map((p) => p.buildingId),
      label: rangeLabel(batch.map((p) => p.name)),
      skippedNames: [],
      queued: told.size,
      at,
      ...caller,
    })
  }
  const skipped = parts.find((p) => p.buildingId === input.skippedBuildingId)
  if (skipped) {
    const at = new Date(startedAt.getTime() + 4 * MIN)
    Object.assign(skipped, {
      state: 'skipped',
      skipped: { by: input.committeeOpenid, byName: nameOf(committee), at, reason: '有阳性封控' },
      updatedAt: at,
    })
  }
  const session: CallupSessionDoc = {
    _id: sessionId,
    communityId,
    name: `${formatShanghai(startedAt, 'M月D日')}全员核酸`,
    status: 'open',
    points: [{ id: 'p1', name: point, buildings: parts.length }],
    buildings: parts.length,
    requestId: DEMO_SESSION_REQUEST,
    started: { by: input.committeeOpenid, byName: nameOf(committee), at: startedAt },
    updatedAt: startedAt,
  }
  const lock: CallupPointLockDoc = {
    _id: pointLockId(communityId, point),
    communityId,
    name: point,
    sessionId,
    at: startedAt,
  }
  return { callupSessions: [session], callupBuildings: parts, callupCalls: calls, callupPoints: [lock] }
}
