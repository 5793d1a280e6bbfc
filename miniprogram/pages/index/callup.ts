// The home page's call-up entries: a resident's or lead's building while a session is running (first: it is the
// moment to go down), and 线上叫号 for the committee, 团长, 核酸 volunteers and 营长.
import type { CallupTurnView, WhoAmI } from '../../../typings/api'
import type { Entry } from './entry'

/** Whether the home page asks for the user's turns: they live in, or lead, a building. */
export const needsTurns = (me: WhoAmI) =>
  me.households.length > 0 || me.roles.some((r) => r.role === 'buildingLead' || r.role === 'floorLead')

function turnEntry(t: CallupTurnView): Entry {
  return {
    key: `callup-turn-${t.sessionId}-${t.buildingId}`,
    title: `核酸叫号：${t.buildingName}`,
    desc: t.message,
    url: `/packageCallup/pages/turn?sessionId=${t.sessionId}`,
    primary: t.state === 'called' || t.state === 'testing',
  }
}

/** The entries with the call-up's: turns first, the session lists before 我的数据 (the last entry). */
export function withCallup(entries: Entry[], me: WhoAmI, turns: readonly CallupTurnView[] = []): Entry[] {
  const communities = [
    ...new Set(
      me.roles
        .filter(
          (r) =>
            r.role === 'committee' ||
            r.role === 'communityLead' ||
            r.role === 'groupLead' ||
            (r.role === 'volunteer' && r.volunteerType === 'testing'),
        )
        .map((r) => r.scope.communityId),
    ),
  ]
  const lists: Entry[] = communities.map((communityId) => ({
    key: `callup-${communityId}`,
    title: '线上叫号',
    desc: '按楼栋顺序叫号下楼检测：叫号、跳过、各楼进度',
    url: `/packageCallup/pages/sessions?communityId=${communityId}`,
    primary: false,
  }))
  const last = entries[entries.length - 1]
  const tail = last?.key === 'data' ? [last] : []
  const body = tail.length ? entries.slice(0, -1) : entries
  return [...turns.filter((t) => t.state !== 'done').map(turnEntry), ...body, ...lists, ...tail]
}
