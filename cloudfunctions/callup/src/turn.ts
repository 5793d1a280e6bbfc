// A resident's and a lead's view of their building's turn: 「还没叫到您楼，前面还有 5 栋」 / 「已叫到，请下楼」.
import type { CallupTurnView } from '../../../typings/api'
import type { CallupBuildingDoc, CallupSessionDoc } from '../../../server/callup/model'
import { action, defineActions, z } from '../../../server/kernel'
import { data } from '../../../server/platform/cloud'
import { iso } from '../../../server/platform/places'
import { turnMessage } from '../../../server/callup/rules'
import { partId } from './common'

export const turnActions = defineActions('callup', {
  myTurn: action({
    input: z.object({}).strict(),
    access: { signedIn: true },
    handler: async (_input, ctx): Promise<CallupTurnView[]> => {
      // The buildings of the caller's households (resident grants) and the buildings they lead.
      const mine = new Map<string, { communityId: string; buildingId: string; lead: boolean }>()
      for (const g of ctx.grants) {
        const b = g.scope.buildingId
        if (!b || (g.role !== 'resident' && g.role !== 'buildingLead' && g.role !== 'floorLead')) continue
        const key = `${g.scope.communityId}:${b}`
        const lead = g.role === 'buildingLead' || mine.get(key)?.lead === true
        mine.set(key, { communityId: g.scope.communityId, buildingId: b, lead })
      }
      if (mine.size === 0) return []
      const communities = [...new Set([...mine.values()].map((m) => m.communityId))]
      const sessions = await data.find<CallupSessionDoc>(
        'callupSessions',
        { communityId: data._.in(communities), status: 'open' },
        { limit: 100, orderBy: [['started.at', 'desc']] },
      )
      if (sessions.length === 0) return []
      const wanted = sessions.flatMap((s) =>
        [...mine.values()].filter((m) => m.communityId === s.communityId).map((m) => partId(s._id, m.buildingId)),
      )
      const parts = await data.byIds<CallupBuildingDoc>('callupBuildings', wanted)
      const out: CallupTurnView[] = []
      for (const s of sessions)
        for (const m of mine.values()) {
          const b = parts.get(partId(s._id, m.buildingId))
          if (!b) continue
          const ahead =
            b.state === 'waiting'
              ? await data.count('callupBuildings', {
                  sessionId: s._id,
                  state: 'waiting',
                  pointId: b.pointId,
                  pos: data._.lt(b.pos),
                })
              : 0
          const v: CallupTurnView = {
            sessionId: s._id,
            sessionName: s.name,
            pointName: s.points.find((p) => p.id === b.pointId)?.name ?? '',
            buildingId: b.buildingId,
            buildingName: b.name,
            state: b.state,
            ahead,
            message: turnMessage(b.state, ahead, b.skipped?.reason),
            lead: m.lead,
          }
          if (b.called) v.calledAt = iso(b.called.at)
          if (b.state === 'skipped' && b.skipped) v.reason = b.skipped.reason
          out.push(v)
        }
      return out
    },
  }),
})
