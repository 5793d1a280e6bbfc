// Sessions: the committee or 团长 starts one (its name, sampling points and buildings in the community's order),
// ends it (its record stays for the retention period), and the people who work it read its queue.
import type { CallupQueueView, CallupSessionView } from '../../../typings/api'
import type { BuildingDoc } from '../../../server/community/model'
import type {
  CallupBuildingDoc,
  CallupPointDoc,
  CallupPointLockDoc,
  CallupSessionDoc,
} from '../../../server/callup/model'
import { action, AppError, defineActions, isDuplicateKey, nameText, nowDate, z } from '../../../server/kernel'
import { data } from '../../../server/platform/cloud'
import { assertCommunityOpen } from '../../../server/community/closing'
import { KEEP_MS, MAX_POINTS, pointKey, pointLockId, sessionIdOf, splitToPoints } from '../../../server/callup/rules'
import {
  groupsLed,
  id,
  isTestingVolunteer,
  loadSession,
  partId,
  queueView,
  requestId,
  runsCommunity,
  sessionBuildings,
  sessionScope,
  sessionView,
  step,
} from './common'

/** Most buildings a session (or a point) takes: the largest communities have about 300. */
const MAX_BUILDINGS = 500

const buildingIds = z.array(id('楼栋')).min(1).max(MAX_BUILDINGS)

/** Ended sessions a list shows after the open ones. */
const ENDED_SHOWN = 10

export const sessionActions = defineActions('callup', {
  startSession: action({
    input: z
      .object({
        communityId: id('小区'),
        requestId,
        name: nameText('叫号名称', 30),
        points: z
          .array(
            z
              .object({
                name: nameText('采样点名称', 20),
                buildingIds: buildingIds.optional().describe('采样点的楼栋'),
              })
              .strict(),
          )
          .min(1, '请至少填一个采样点')
          .max(MAX_POINTS, `采样点最多 ${MAX_POINTS} 个`)
          .describe('采样点'),
        buildingIds: buildingIds.optional().describe('参加的楼栋'),
      })
      .strict(),
    access: { roles: ['committee', 'communityLead'], scope: (i) => ({ communityId: i.communityId }) },
    handler: async (input, ctx): Promise<CallupQueueView> => {
      const now = nowDate()
      const sessionId = sessionIdOf(input.communityId, input.requestId)
      const existing = await data.get<CallupSessionDoc>('callupSessions', sessionId)
      if (existing) return queueView(ctx, existing, await sessionBuildings(sessionId), now)
      await assertCommunityOpen(input.communityId)

      const community = (
        await data.findAll<BuildingDoc>(
          'buildings',
          { communityId: input.communityId },
          { orderBy: [['order', 'asc']] },
        )
      ).sort((a, b) => a.order - b.order)
      const known = new Map(community.map((b) => [b._id, b]))
      const keys = input.points.map((p) => pointKey(p.name))
      if (new Set(keys).size !== keys.length) throw new AppError('INVALID_INPUT', '采样点名称不能重复', 'points')
      const listed = input.points.filter((p) => p.buildingIds).length
      if (listed !== 0 && listed !== input.points.length)
        throw new AppError('INVALID_INPUT', '请为每个采样点都选好楼栋，或都不选（按楼栋顺序平均分）', 'points')
      for (const ids of [input.buildingIds ?? [], ...input.points.map((p) => p.buildingIds ?? [])])
        for (const b of ids)
          if (!known.has(b)) throw new AppError('INVALID_INPUT', '有楼栋不在本小区，请刷新后重选', 'buildingIds')

      // The session's buildings in the community's order; each point's share.
      let chosen: Set<string>
      let shares: string[][]
      if (listed) {
        const seen = new Set<string>()
        for (const p of input.points)
          for (const b of p.buildingIds ?? []) {
            if (seen.has(b))
              throw new AppError('INVALID_INPUT', `${known.get(b)?.name ?? '有楼栋'} 分到了两个采样点`, 'points')
            seen.add(b)
          }
        if (
          input.buildingIds &&
          (input.buildingIds.length !== seen.size || input.buildingIds.some((b) => !seen.has(b)))
        )
          throw new AppError('INVALID_INPUT', '参加的楼栋和各采样点的楼栋不一致', 'buildingIds')
        chosen = seen
        const order = (ids: readonly string[]) =>
          [...new Set(ids)].sort((a, b) => (known.get(a)?.order ?? 0) - (known.get(b)?.order ?? 0))
        shares = input.points.map((p) => order(p.buildingIds ?? []))
      } else {
        chosen = new Set(input.buildingIds ?? community.map((b) => b._id))
        shares = splitToPoints(
          community.filter((b) => chosen.has(b._id)).map((b) => b._id),
          input.points.length,
        )
      }
      if (chosen.size === 0) throw new AppError('INVALID_INPUT', '小区还没有楼栋，请先建好社区结构', 'buildingIds')
      if (shares.some((s) => s.length === 0))
        throw new AppError('INVALID_INPUT', '采样点比楼栋还多，请减少采样点', 'points')

      const points: CallupPointDoc[] = input.points.map((p, i) => ({
        id: `p${i + 1}`,
        name: p.name,
        buildings: (shares[i] as string[]).length,
      }))
      const pointOf = new Map<string, string>()
      shares.forEach((ids, i) => ids.forEach((b) => pointOf.set(b, `p${i + 1}`)))

      await lockPoints(
        input.communityId,
        sessionId,
        input.points.map((p) => p.name),
        now,
      )

      const by = await step(ctx, input.communityId, now)
      const parts: CallupBuildingDoc[] = community
        .filter((b) => chosen.has(b._id))
        .map((b, i) => ({
          _id: partId(sessionId, b._id),
          sessionId,
          communityId: input.communityId,
          groupId: b.groupId,
          buildingId: b._id,
          name: b.name,
          pos: i + 1,
          pointId: pointOf.get(b._id) as string,
          state: 'waiting',
          calls: 0,
          updatedAt: now,
        }))
      for (let i = 0; i < parts.length; i += 500) await data.insertNew('callupBuildings', parts.slice(i, i + 500))
      const session: CallupSessionDoc = {
        _id: sessionId,
        communityId: input.communityId,
        name: input.name,
        status: 'open',
        points,
        buildings: parts.length,
        requestId: input.requestId,
        started: by,
        updatedAt: now,
      }
      await data.insertNew('callupSessions', [session])
      const stored = (await data.get<CallupSessionDoc>('callupSessions', sessionId)) ?? session
      return queueView(ctx, stored, parts, now)
    },
  }),

  endSession: action({
    input: z.object({ sessionId: id('叫号') }).strict(),
    access: { roles: ['committee', 'communityLead'], scope: sessionScope },
    handler: async (input, ctx): Promise<CallupSessionView> => {
      const s = await loadSession(ctx, input.sessionId)
      if (s.status === 'ended') return sessionView(ctx.grants, s)
      const now = nowDate()
      const ended = await step(ctx, s.communityId, now)
      const patch = { status: 'ended', ended, deleteAfter: new Date(now.getTime() + KEEP_MS), updatedAt: now }
      const won = await data.updateWhere('callupSessions', { _id: s._id, status: 'open' }, patch)
      await data.removeWhere('callupPoints', { communityId: s.communityId, sessionId: s._id })
      if (won === 0) return sessionView(ctx.grants, (await data.get<CallupSessionDoc>('callupSessions', s._id)) ?? s)
      return sessionView(ctx.grants, { ...s, ...patch, status: 'ended' })
    },
  }),

  listSessions: action({
    input: z.object({ communityId: id('小区') }).strict(),
    // The committee and 团长, the community's 核酸 volunteers and its 营长.
    access: { signedIn: true },
    handler: async (input, ctx): Promise<CallupSessionView[]> => {
      mayReadQueues(ctx.grants, input.communityId)
      const open = await data.find<CallupSessionDoc>(
        'callupSessions',
        { communityId: input.communityId, status: 'open' },
        { limit: 50, orderBy: [['started.at', 'desc']] },
      )
      const ended = await data.find<CallupSessionDoc>(
        'callupSessions',
        { communityId: input.communityId, status: 'ended' },
        { limit: ENDED_SHOWN, orderBy: [['started.at', 'desc']] },
      )
      return [...open, ...ended].map((s) => sessionView(ctx.grants, s))
    },
  }),

  queue: action({
    input: z.object({ sessionId: id('叫号') }).strict(),
    access: { signedIn: true },
    handler: async (input, ctx): Promise<CallupQueueView> => {
      const s = await loadSession(ctx, input.sessionId).catch(() => {
        throw new AppError('FORBIDDEN')
      })
      mayReadQueues(ctx.grants, s.communityId)
      return queueView(ctx, s, await sessionBuildings(s._id), nowDate())
    },
  }),
})

/** The committee and 团长, a 核酸 volunteer or a 营长 of the community; anyone else is refused. */
function mayReadQueues(grants: Parameters<typeof runsCommunity>[0], communityId: string): void {
  if (runsCommunity(grants, communityId) || isTestingVolunteer(grants, communityId)) return
  if (groupsLed(grants, communityId).length > 0) return
  throw new AppError('FORBIDDEN')
}

/**
 * Take each point's lock for the session, or refuse with POINT_BUSY naming the open session that holds one (the locks
 * this call took are let go). A lock left by a session that has ended since (a cut-short end) is taken over.
 */
async function lockPoints(communityId: string, sessionId: string, names: readonly string[], now: Date): Promise<void> {
  const taken: string[] = []
  const release = () =>
    taken.length
      ? data.removeWhere('callupPoints', { communityId, sessionId, _id: data._.in(taken) })
      : Promise.resolve(0)
  for (const name of names) {
    const lockId = pointLockId(communityId, name)
    const lock: CallupPointLockDoc = { _id: lockId, communityId, name, sessionId, at: now }
    try {
      await data.insert('callupPoints', lock)
      taken.push(lockId)
      continue
    } catch (err) {
      if (!isDuplicateKey(err)) throw err
    }
    const held = await data.get<CallupPointLockDoc>('callupPoints', lockId)
    if (held?.sessionId === sessionId) continue
    const other = held ? await data.get<CallupSessionDoc>('callupSessions', held.sessionId) : null
    // Ended since, or a start cut short before its session was written (its lock older than a few minutes).
    const stale =
      held && (other?.status === 'ended' || (!other && now.getTime() - new Date(held.at).getTime() > 300_000))
    if (held && stale) {
      const won = await data.updateWhere(
        'callupPoints',
        { _id: lockId, sessionId: held.sessionId },
        { sessionId, name, at: now },
      )
      if (won > 0) {
        taken.push(lockId)
        continue
      }
    }
    await release()
    throw new AppError(
      'POINT_BUSY',
      other
        ? `采样点「${name}」正在进行「${other.name}」，请先结束那一场`
        : `采样点「${name}」正在开始另一场叫号，请稍后刷新`,
      'points',
    )
  }
}
