// Care answers shaped exactly like typings/api/care.d.ts, and a router that answers `care` calls.
import type {
  CareApi,
  CareCheckView,
  CareHistoryView,
  CareListView,
  CareOverviewView,
  CarePersonView,
  Envelope,
  VolunteerHoursPage,
  VolunteerHoursView,
} from '../../../typings/api'
import { COMMUNITY, fail } from './fixtures'
import { fakeCloud } from './harness'

type Action = keyof CareApi
type Input<A extends Action> = CareApi[A]['input']
type Output<A extends Action> = CareApi[A]['output']
export type CareHandlers = {
  [A in Action]?: (payload: Input<A>) => Envelope<Output<A>> | Promise<Envelope<Output<A>>>
}

/** Answer `care` calls per action; an action without a handler fails the way the function would. */
export function careCloud(handlers: CareHandlers): void {
  fakeCloud.on('care', (data) => {
    const action = data.action as Action
    const handler = handlers[action] as ((payload: unknown) => unknown) | undefined
    if (!handler) return fail('UNKNOWN_ACTION', '不支持的操作，请更新小程序后再试')
    return handler(data.payload)
  })
}

/** Payloads sent for one care action, in order. */
export function sentCare<A extends Action>(action: A): Input<A>[] {
  return fakeCloud.calls
    .filter((c) => c.name === 'care' && c.data.action === action)
    .map((c) => c.data.payload as Input<A>)
}

export function checkView(partial: Partial<CareCheckView> = {}): CareCheckView {
  return {
    id: 'chk_1',
    at: '2026-11-24T01:30:00.000Z', // 09:30 in Shanghai
    how: 'phone',
    result: 'safe',
    byName: '张*敏',
    ...partial,
  }
}

export function carePerson(partial: Partial<CarePersonView> = {}): CarePersonView {
  return {
    householdId: 'hh_102',
    memberId: 'm_wang',
    buildingId: 'b_12',
    buildingName: '12号',
    room: '102',
    label: '12-102',
    name: '王*英',
    flags: ['elderly', 'alone'],
    state: 'overdue',
    contactedToday: false,
    intervalHours: 24,
    dueAt: '2026-11-24T00:00:00.000Z',
    unreachableStreak: 0,
    openNeeds: [],
    revealable: true,
    ...partial,
  }
}

export function careList(partial: Partial<CareListView> = {}): CareListView {
  const people = partial.people ?? [
    carePerson(),
    carePerson({
      householdId: 'hh_301',
      memberId: 'm_li',
      room: '301',
      label: '12-301',
      name: '李*',
      flags: ['elderly'],
      state: 'done',
      contactedToday: true,
      intervalHours: 48,
      last: checkView({ how: 'visit', note: '精神很好' }),
      openNeeds: [{ id: 'n_1', type: 'medicine', status: 'taken' }],
    }),
  ]
  return {
    communityId: COMMUNITY.id,
    day: '2026-11-24',
    people,
    counts: {
      people: people.length,
      checkedToday: people.filter((p) => p.contactedToday).length,
      overdue: people.filter((p) => p.state === 'overdue').length,
      unreachable: 0,
    },
    ...partial,
  }
}

export function historyView(partial: Partial<CareHistoryView> = {}): CareHistoryView {
  const { openNeeds: _n, ...person } = carePerson()
  void _n
  return {
    person,
    checks: [
      checkView({ id: 'chk_2', at: '2026-11-23T02:00:00.000Z', result: 'unreachable' }),
      checkView({ id: 'chk_1', at: '2026-11-22T02:00:00.000Z', how: 'visit', note: '送了米' }),
    ],
    ...partial,
  }
}

export function overviewView(partial: Partial<CareOverviewView> = {}): CareOverviewView {
  return {
    communityId: COMMUNITY.id,
    day: '2026-11-24',
    buildings: [
      { buildingId: 'b_1', name: '1号', people: 6, checkedToday: 6, overdue: 0, unreachable: 0 },
      { buildingId: 'b_12', name: '12号', people: 5, checkedToday: 2, overdue: 2, unreachable: 1 },
    ],
    totals: { people: 11, checkedToday: 8, overdue: 2, unreachable: 1 },
    ...partial,
  }
}

export function hoursRow(partial: Partial<VolunteerHoursView> = {}): VolunteerHoursView {
  return {
    roleId: 'role_v1',
    name: '陈*',
    volunteerType: 'building',
    posts: '3号、4号、5号',
    shifts: '每天 08:00–10:00',
    weekdayHours: [2, 2, 2, 2, 2, 2, 2],
    todayHours: 2,
    today: { deliveries: 0, careChecks: 0, needs: 0 },
    over: false,
    ...partial,
  }
}

export function hoursPage(partial: Partial<VolunteerHoursPage> = {}): VolunteerHoursPage {
  return {
    communityId: COMMUNITY.id,
    day: '2026-11-24',
    thresholdHours: 8,
    volunteers: [
      hoursRow({
        roleId: 'role_v2',
        name: '赵**',
        volunteerType: 'transport',
        posts: '',
        shifts: '每天 07:00–19:00',
        weekdayHours: [12, 12, 12, 12, 12, 12, 12],
        todayHours: 12,
        today: {
          deliveries: 40,
          careChecks: 0,
          needs: 1,
          firstAt: '2026-11-24T00:00:00.000Z',
          lastAt: '2026-11-24T10:00:00.000Z',
        },
        over: true,
      }),
      hoursRow(),
      hoursRow({
        roleId: 'role_v3',
        name: '孙*',
        volunteerType: 'online',
        shifts: '',
        weekdayHours: null,
        todayHours: null,
      }),
    ],
    ...partial,
  }
}
