// Needs answers shaped exactly like typings/api/needs.d.ts, and a router that answers `needs` calls.
import type { Envelope, NeedRollupRow, NeedsApi, NeedView } from '../../../typings/api'
import { COMMUNITY, fail } from './fixtures'
import { fakeCloud } from './harness'

type Action = keyof NeedsApi
type Input<A extends Action> = NeedsApi[A]['input']
type Output<A extends Action> = NeedsApi[A]['output']
export type NeedsHandlers = { [A in Action]?: (payload: Input<A>) => Envelope<Output<A>> }

/** Answer `needs` calls per action; an action without a handler fails the way the function would. */
export function needsCloud(handlers: NeedsHandlers): void {
  fakeCloud.on('needs', (data) => {
    const handler = handlers[data.action as Action] as ((payload: unknown) => unknown) | undefined
    if (!handler) return fail('UNKNOWN_ACTION', '不支持的操作，请更新小程序后再试')
    return handler(data.payload)
  })
}

/** Payloads sent for one needs action, in order. */
export function sentNeeds<A extends Action>(action: A): Input<A>[] {
  return fakeCloud.calls
    .filter((c) => c.name === 'needs' && c.data.action === action)
    .map((c) => c.data.payload as Input<A>)
}

export function needView(partial: Partial<NeedView> = {}): NeedView {
  return {
    id: 'nd_1',
    communityId: COMMUNITY.id,
    buildingId: 'b_12',
    householdId: 'hh_201',
    label: '12-201',
    type: 'medicine',
    urgency: 'urgent',
    status: 'new',
    level: 'online',
    detail: '',
    medicine: { names: ['布洛芬', '氨氯地平'], hasPhoto: false },
    createdAt: '2026-11-24T02:00:00.000Z', // 10:00 in Shanghai
    dueAt: '2026-11-24T02:10:00.000Z',
    overdue: false,
    mine: false,
    canTake: false,
    canCancel: true,
    canCall: false,
    history: [{ kind: 'raised', at: '2026-11-24T02:00:00.000Z', level: 'online', by: '王*明' }],
    ...partial,
  }
}

export function rollupRow(partial: Partial<NeedRollupRow> = {}): NeedRollupRow {
  const zero = { medicine: 0, medical: 0, groceries: 0, gas: 0, outing: 0, psych: 0, other: 0 }
  return {
    buildingId: 'b_12',
    name: '12号',
    groupName: '第1营',
    byType: { ...zero },
    byStatus: { new: 0, taken: 0, done: 0, escalated: 0, cancelled: 0 },
    overdue: 0,
    total: 0,
    ...partial,
  }
}
