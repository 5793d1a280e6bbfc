// What every action of the call-up shares: loading a session and its buildings, who runs it (committee and 团长) and
// who works a sampling point (its 核酸 volunteers on shift), the caller's name as recorded on a step, and the views.
import type { CallupBuildingView, CallupQueueView, CallupSessionView, RoleGrant } from '../../../typings/api'
import type { HouseholdDoc } from '../../../server/community/model'
import type { CallupBuildingDoc, CallupSessionDoc, CallupStepDoc } from '../../../server/callup/model'
import type { Grant } from '../../../server/platform/grants'
import { AppError, hasRole, z, type ActionContext } from '../../../server/kernel'
import { data } from '../../../server/platform/cloud'
import { iso } from '../../../server/platform/places'
import { fieldsForCommunityPerson, showName } from '../../../server/platform/visibility'
import { countStates, waitedMinutes, worksPoint } from '../../../server/callup/rules'
import { ROLE_LABELS } from '../../../miniprogram/shared/constants'

export const id = (label: string) => z.string().min(1).max(120).describe(label)
export const requestId = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, '请求编号应为 8–64 位字母、数字')
  .describe('请求编号')

/** The pages a notice opens: a resident's or lead's turn, the committee's and volunteers' queue. */
export const TURN_PAGE = 'packageCallup/pages/turn'
export const QUEUE_PAGE = 'packageCallup/pages/queue'

export const partId = (sessionId: string, buildingId: string) => `${sessionId}:${buildingId}`

export async function loadSession(ctx: ActionContext, sessionId: string): Promise<CallupSessionDoc> {
  return ctx.memo(`session:${sessionId}`, async () => {
    const doc = await data.get<CallupSessionDoc>('callupSessions', sessionId)
    if (!doc) throw new AppError('NOT_FOUND', '找不到这场叫号', 'sessionId')
    return doc
  })
}

export const sessionScope = async (i: { sessionId: string }, ctx: ActionContext) => ({
  communityId: (await loadSession(ctx, i.sessionId)).communityId,
})

/** Committee or 团长 of the community: they start, end and run every point of a session. */
export const runsCommunity = (grants: readonly RoleGrant[], communityId: string): boolean =>
  hasRole(grants, ['committee', 'communityLead'], { communityId })

/** The session's buildings, in its order. */
export async function sessionBuildings(sessionId: string): Promise<CallupBuildingDoc[]> {
  return (await data.findAll<CallupBuildingDoc>('callupBuildings', { sessionId }, { orderBy: [['pos', 'asc']] })).sort(
    (a, b) => a.pos - b.pos,
  )
}

/** The points the caller may call at: every point for the committee and 团长, else those they work now. */
export function pointsOf(
  ctx: ActionContext,
  s: CallupSessionDoc,
  buildings: readonly CallupBuildingDoc[],
  now: Date,
): string[] {
  if (runsCommunity(ctx.grants, s.communityId)) return s.points.map((p) => p.id)
  return s.points
    .filter((p) =>
      worksPoint(
        ctx.grants,
        s.communityId,
        buildings.filter((b) => b.pointId === p.id).map((b) => b.buildingId),
        now,
      ),
    )
    .map((p) => p.id)
}

/** A 核酸 volunteer of the community, whatever their shift (who may read a session's queue). */
export const isTestingVolunteer = (grants: readonly RoleGrant[], communityId: string) =>
  grants.some((g) => g.role === 'volunteer' && g.volunteerType === 'testing' && g.scope.communityId === communityId)

/** 营 whose buildings the caller leads as 营长 (their queue is those buildings). */
export const groupsLed = (grants: readonly RoleGrant[], communityId: string): string[] =>
  grants.flatMap((g) =>
    g.role === 'groupLead' && g.scope.communityId === communityId && g.scope.groupId ? [g.scope.groupId] : [],
  )

/** The session must be open. */
export function mustBeOpen(s: CallupSessionDoc): void {
  if (s.status !== 'open') throw new AppError('SESSION_ENDED')
}

/** The caller's name in the community: the household member behind one of their grants, else a grant's name. */
export async function callerName(ctx: ActionContext, communityId: string): Promise<string> {
  return ctx.memo(`name:${communityId}`, async () => {
    const grants = (ctx.grants as unknown as readonly Grant[]).filter((g) => g.scope.communityId === communityId)
    const withHousehold = grants.find((g) => g.householdId && g.memberId)
    if (withHousehold?.householdId) {
      const h = await data.get<Pick<HouseholdDoc, 'members'>>('households', withHousehold.householdId)
      const m = h?.members.find((x) => x.id === withHousehold.memberId)
      if (m) return m.name
    }
    const named = grants.find((g) => g.holderName)?.holderName
    return named ?? ROLE_LABELS[(grants.find((g) => g.role !== 'resident') ?? grants[0])?.role ?? 'volunteer']
  })
}

export async function step(ctx: ActionContext, communityId: string, at: Date): Promise<CallupStepDoc> {
  return { at, by: ctx.caller.openid, byName: await callerName(ctx, communityId) }
}

/** A person's name as this caller may see it: full to the committee, masked to everyone else. */
const nameFor = (grants: readonly RoleGrant[], communityId: string, name: string): string =>
  showName(fieldsForCommunityPerson(grants, communityId).name, name)

const markView = (grants: readonly RoleGrant[], communityId: string, m: CallupStepDoc) => ({
  at: iso(m.at),
  byName: nameFor(grants, communityId, m.byName),
})

export function sessionView(grants: readonly RoleGrant[], s: CallupSessionDoc): CallupSessionView {
  const v: CallupSessionView = {
    id: s._id,
    communityId: s.communityId,
    name: s.name,
    status: s.status,
    points: s.points.map((p) => ({ id: p.id, name: p.name, buildings: p.buildings })),
    buildings: s.buildings,
    startedAt: iso(s.started.at),
    startedBy: nameFor(grants, s.communityId, s.started.byName),
  }
  if (s.ended) {
    v.endedAt = iso(s.ended.at)
    v.endedBy = nameFor(grants, s.communityId, s.ended.byName)
  }
  return v
}

export function buildingView(grants: readonly RoleGrant[], b: CallupBuildingDoc, now: Date): CallupBuildingView {
  const v: CallupBuildingView = {
    buildingId: b.buildingId,
    name: b.name,
    pos: b.pos,
    pointId: b.pointId,
    state: b.state,
    calls: b.calls,
  }
  if (b.called) v.called = markView(grants, b.communityId, b.called)
  if (b.started) v.started = markView(grants, b.communityId, b.started)
  if (b.done) {
    v.done = markView(grants, b.communityId, b.done)
    if (b.done.tested !== undefined) v.done.tested = b.done.tested
  }
  if (b.skipped) v.skipped = { ...markView(grants, b.communityId, b.skipped), reason: b.skipped.reason }
  if (b.called && (b.state === 'called' || b.state === 'testing' || b.state === 'done')) {
    const w = waitedMinutes(b.called.at, b.state === 'done' && b.done ? new Date(b.done.at) : now)
    if (w !== undefined) v.waitedMinutes = w
  }
  return v
}

/** The queue as this caller may see it: every building, or a 营长's buildings only. */
export function queueView(
  ctx: ActionContext,
  s: CallupSessionDoc,
  all: readonly CallupBuildingDoc[],
  now: Date,
): CallupQueueView {
  const runs = runsCommunity(ctx.grants, s.communityId)
  const points = s.status === 'open' ? pointsOf(ctx, s, all, now) : []
  const groups = groupsLed(ctx.grants, s.communityId)
  const wholeQueue = runs || isTestingVolunteer(ctx.grants, s.communityId)
  const shown = wholeQueue ? all : all.filter((b) => groups.includes(b.groupId))
  const next: CallupQueueView['next'] = []
  for (const p of s.points) {
    const b = all.find((x) => x.pointId === p.id && x.state === 'waiting')
    if (b && shown.includes(b)) next.push({ pointId: p.id, buildingId: b.buildingId, name: b.name, pos: b.pos })
  }
  const open = s.status === 'open'
  return {
    session: sessionView(ctx.grants, s),
    buildings: shown.map((b) => buildingView(ctx.grants, b, now)),
    counts: countStates(shown.map((b) => b.state)),
    next,
    can: {
      end: open && runs,
      call: open && points.length > 0,
      pointIds: points,
      mark: open && (runs || points.length > 0),
    },
    at: now.toISOString(),
  }
}
