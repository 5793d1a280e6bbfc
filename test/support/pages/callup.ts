// Call-up answers shaped exactly like typings/api/callup.d.ts, and a router that answers `callup` calls.
import type {
  CallupApi,
  CallupBuildingView,
  CallupQueueView,
  CallupSessionView,
  CallupTurnView,
  Envelope,
} from '../../../typings/api'
import { COMMUNITY, fail } from './fixtures'
import { fakeCloud } from './harness'

type Action = keyof CallupApi
type Input<A extends Action> = CallupApi[A]['input']
type Output<A extends Action> = CallupApi[A]['output']
export type CallupHandlers = {
  [A in Action]?: (payload: Input<A>) => Envelope<Output<A>> | Promise<Envelope<Output<A>>>
}

/** Answer `callup` calls per action; an action without a handler fails the way the function would. */
export function callupCloud(handlers: CallupHandlers): void {
  fakeCloud.on('callup', (data) => {
    const action = data.action as Action
    const handler = handlers[action] as ((payload: unknown) => unknown) | undefined
    if (!handler) return fail('UNKNOWN_ACTION', '不支持的操作，请更新小程序后再试')
    return handler(data.payload)
  })
}

/** Payloads sent for one call-up action, in order. */
export function sentCallup<A extends Action>(action: A): Input<A>[] {
  return fakeCloud.calls
    .filter((c) => c.name === 'callup' && c.data.action === action)
    .map((c) => c.data.payload as Input<A>)
}

export const SESSION_ID = 'cu_1'

export function sessionView(partial: Partial<CallupSessionView> = {}): CallupSessionView {
  return {
    id: SESSION_ID,
    communityId: COMMUNITY.id,
    name: '12月3日全员核酸',
    status: 'open',
    points: [{ id: 'p1', name: '东门采样点', buildings: 135 }],
    buildings: 135,
    startedAt: '2026-12-03T00:30:00.000Z', // 08:30 in Shanghai
    startedBy: '李*',
    ...partial,
  }
}

/** Building n (1-based) of a session of `total` buildings named 1号 … n号. */
export function buildingView(n: number, partial: Partial<CallupBuildingView> = {}): CallupBuildingView {
  return { buildingId: `b_${n}`, name: `${n}号`, pos: n, pointId: 'p1', state: 'waiting', calls: 0, ...partial }
}

/** A queue of `total` buildings, the first `called` of them called at 08:40, 3号 done. */
export function queueView(total = 135, partial: Partial<CallupQueueView> = {}): CallupQueueView {
  const at = '2026-12-03T00:40:00.000Z'
  const buildings = Array.from({ length: total }, (_, i) => {
    const n = i + 1
    if (n === 3)
      return buildingView(n, {
        state: 'done',
        calls: 1,
        called: { at, byName: '王*' },
        done: { at: '2026-12-03T00:52:00.000Z', byName: '王*', tested: 26 },
        waitedMinutes: 12,
      })
    if (n <= 5) return buildingView(n, { state: 'called', calls: 1, called: { at, byName: '王*' }, waitedMinutes: 20 })
    return buildingView(n)
  })
  const waiting = buildings.filter((b) => b.state === 'waiting')
  return {
    session: sessionView({ buildings: total }),
    buildings,
    counts: { waiting: waiting.length, called: 4, testing: 0, done: 1, skipped: 0 },
    next: waiting[0]
      ? [{ pointId: 'p1', buildingId: waiting[0].buildingId, name: waiting[0].name, pos: waiting[0].pos }]
      : [],
    can: { end: true, call: true, pointIds: ['p1'], mark: true },
    at: '2026-12-03T01:00:00.000Z',
    ...partial,
  }
}

export function turnView(partial: Partial<CallupTurnView> = {}): CallupTurnView {
  return {
    sessionId: SESSION_ID,
    sessionName: '12月3日全员核酸',
    pointName: '东门采样点',
    buildingId: 'b_12',
    buildingName: '12号',
    state: 'waiting',
    ahead: 5,
    message: '还没叫到您楼，前面还有 5 栋',
    lead: false,
    ...partial,
  }
}
