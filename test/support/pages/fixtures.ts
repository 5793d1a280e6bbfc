// Realistic community answers shaped exactly like typings/api, and a router that answers `community` calls.
import type {
  AntigenApi,
  ChainEntryView,
  ChainView,
  CommunityApi,
  ConsentText,
  Envelope,
  ErrorCode,
  Fail,
  HouseholdView,
  InviteView,
  JoinRequestView,
  MySubmissionView,
  RoleView,
  Roster,
  RoundTable,
  RoundView,
  SheetsApi,
  StructureView,
  TableRow,
  Totals,
  WhoAmI,
} from '../../../typings/api'
import { fakeCloud } from './harness'

type Action = keyof CommunityApi
type Input<A extends Action> = CommunityApi[A]['input']
type Output<A extends Action> = CommunityApi[A]['output']
export type Handlers = { [A in Action]?: (payload: Input<A>) => Envelope<Output<A>> }

export const ok = <T>(data: T): Envelope<T> => ({ ok: true, data })
export const fail = (code: ErrorCode, message: string, field?: string): Fail => ({
  ok: false,
  code,
  message,
  ...(field ? { field } : {}),
})

/** Answer `community` calls per action; an action without a handler fails the way the function would. */
export function community(handlers: Handlers): void {
  fakeCloud.on('community', (data) => {
    const action = data.action as Action
    const handler = handlers[action] as ((payload: unknown) => unknown) | undefined
    if (!handler) return fail('UNKNOWN_ACTION', '不支持的操作，请更新小程序后再试')
    return handler(data.payload)
  })
}

/** Payloads sent for one action, in order. */
export function sent<A extends Action>(action: A): Input<A>[] {
  return fakeCloud.calls
    .filter((c) => c.name === 'community' && c.data.action === action)
    .map((c) => c.data.payload as Input<A>)
}

export const COMMUNITY = { id: 'c_sunny', name: '阳光小区' }
export const BUILDING = { id: 'b_12', name: '12号', communityId: COMMUNITY.id, groupId: 'g_1' }

export function role(partial: Partial<RoleView> & Pick<RoleView, 'role'>): RoleView {
  return { id: `role_${partial.role}`, place: '', scope: { communityId: COMMUNITY.id }, ...partial }
}

export const residentRole = role({
  id: 'role_res',
  role: 'resident',
  place: '阳光小区 12-201 居民',
  scope: { communityId: COMMUNITY.id, buildingId: BUILDING.id, householdId: 'hh_201' },
})
export const leadRole = role({
  id: 'role_lead',
  role: 'buildingLead',
  place: '12号 楼组长',
  scope: { communityId: COMMUNITY.id, groupId: BUILDING.groupId, buildingId: BUILDING.id },
})
export const committeeRole = role({ id: 'role_cmt', role: 'committee', place: '阳光小区 居委' })
export const communityLeadRole = role({ id: 'role_cl', role: 'communityLead', place: '阳光小区 团长' })

/** Who the caller is. Someone in a household accepted the current personal-data consent to join, unless told. */
export function me(partial: Partial<WhoAmI> = {}): WhoAmI {
  const joined = (partial.households ?? []).length > 0
  const personal = { kind: 'personal' as const, version: PERSONAL.version, acceptedAt: '2026-11-19T01:00:00.000Z' }
  return {
    openid: 'o_me',
    roles: [],
    households: [],
    consents: joined ? [personal] : [],
    pendingRequests: [],
    ...partial,
  }
}

export const household201 = {
  id: 'hh_201',
  communityId: COMMUNITY.id,
  communityName: COMMUNITY.name,
  buildingId: BUILDING.id,
  label: '12-201',
  proxy: false,
}

export function joinRequest(partial: Partial<JoinRequestView> = {}): JoinRequestView {
  return {
    id: 'jr_1',
    householdId: 'hh_302',
    label: '12-302',
    name: '李秀英',
    asProxy: false,
    status: 'pending',
    createdAt: '2026-11-20T02:05:00.000Z', // 10:05 in Shanghai
    ...partial,
  }
}

export function householdView(partial: Partial<HouseholdView> = {}): HouseholdView {
  return {
    id: 'hh_201',
    buildingId: BUILDING.id,
    room: '201',
    floor: 2,
    label: '12-201',
    members: [
      {
        id: 'm_1',
        name: '王建国',
        phone: '13812345678',
        birthYear: 1948,
        flags: ['elderly', 'chronic'],
        linked: false,
      },
      { id: 'm_2', name: '王小明', phone: '13987654321', birthYear: 1980, flags: [], linked: true },
    ],
    linkedCount: 1,
    proxy: false,
    special: true,
    ...partial,
  }
}

export const PERSONAL: ConsentText = {
  kind: 'personal',
  version: '2026-11-v1',
  title: '个人信息授权',
  text: '为了让楼组长确认您是本楼住户，加入时我们会记录：您填写的房号和姓名。\n谁能看到：邻居只看到打码姓名。',
}
export const HEALTH: ConsentText = {
  kind: 'health',
  version: '2026-11-v1',
  title: '健康信息单独授权',
  text: '抗原检测结果和试剂照片属于敏感个人信息，需要您单独同意。\n不同意也可以加入本户。',
}
export const consentText = (p: Input<'consentText'>) => ok(p.kind === 'personal' ? PERSONAL : HEALTH)

export function roster(partial: Partial<Roster> = {}): Roster {
  const households = partial.households ?? [
    householdView({
      id: 'hh_201',
      members: [
        {
          id: 'm_1',
          name: '王建国',
          phone: '138****5678',
          birthYear: 1948,
          flags: ['elderly', 'alone'],
          linked: false,
        },
      ],
      linkedCount: 0,
      special: true,
    }),
    householdView({
      id: 'hh_302',
      room: '302',
      floor: 3,
      label: '12-302',
      members: [{ id: 'm_3', name: '李秀英', phone: '139****4321', birthYear: 1975, flags: [], linked: true }],
      linkedCount: 1,
      special: false,
    }),
  ]
  return {
    building: BUILDING,
    households,
    pending: [joinRequest({ id: 'jr_1', householdId: 'hh_201', label: '12-201', name: '王小明', asProxy: true })],
    unlinked: households.filter((h) => h.linkedCount === 0 && h.members.length > 0),
    counts: {
      households: households.length,
      residents: households.reduce((n, h) => n + h.members.length, 0),
      linkedHouseholds: households.filter((h) => h.linkedCount > 0).length,
      special: households.filter((h) => h.special).length,
    },
    ...partial,
  }
}

export function invite(partial: Partial<InviteView> = {}): InviteView {
  return {
    code: 'K7MPQ2XA',
    buildingId: BUILDING.id,
    buildingName: BUILDING.name,
    expiresAt: '2026-11-23T10:00:00.000Z', // 18:00 in Shanghai
    maxUses: 200,
    uses: 3,
    path: 'pages/join/index?code=K7MPQ2XA',
    ...partial,
  }
}

export function structureView(partial: Partial<StructureView> = {}): StructureView {
  return {
    community: {
      id: COMMUNITY.id,
      name: COMMUNITY.name,
      groupSize: 20,
      volunteerCaps: { online: null, testing: 5, building: 5, patrol: 5, transport: 5, emergency: 5 },
    },
    zones: [],
    groups: [
      {
        id: 'g_1',
        name: '第1营',
        lead: '1 位营长',
        buildings: [
          {
            id: 'b_1',
            name: '1号',
            groupId: 'g_1',
            households: 40,
            residents: 96,
            linkedHouseholds: 31,
            lead: '1 位楼组长',
          },
          { id: 'b_12', name: '12号', groupId: 'g_1', households: 36, residents: 80, linkedHouseholds: 20 },
        ],
      },
      {
        id: 'g_2',
        name: '第2营',
        buildings: [{ id: 'b_21', name: '21号', groupId: 'g_2', households: 30, residents: 70, linkedHouseholds: 0 }],
      },
    ],
    totals: { buildings: 3, households: 106, residents: 246, elderly: 58 },
    ...partial,
  }
}

// ---------- antigen ----------

type AntigenAction = keyof AntigenApi
type AntigenInput<A extends AntigenAction> = AntigenApi[A]['input']
type AntigenOutput<A extends AntigenAction> = AntigenApi[A]['output']
export type AntigenHandlers = { [A in AntigenAction]?: (payload: AntigenInput<A>) => Envelope<AntigenOutput<A>> }

/** Answer `antigen` calls per action, like `community`. */
export function antigen(handlers: AntigenHandlers): void {
  fakeCloud.on('antigen', (data) => {
    const action = data.action as AntigenAction
    const handler = handlers[action] as ((payload: unknown) => unknown) | undefined
    if (!handler) return fail('UNKNOWN_ACTION', '不支持的操作，请更新小程序后再试')
    return handler(data.payload)
  })
}

/** Payloads sent for one antigen action, in order. */
export function sentAntigen<A extends AntigenAction>(action: A): AntigenInput<A>[] {
  return fakeCloud.calls
    .filter((c) => c.name === 'antigen' && c.data.action === action)
    .map((c) => c.data.payload as AntigenInput<A>)
}

// ---------- sheets ----------

type SheetsAction = keyof SheetsApi
type SheetsInput<A extends SheetsAction> = SheetsApi[A]['input']
type SheetsOutput<A extends SheetsAction> = SheetsApi[A]['output']
export type SheetsHandlers = { [A in SheetsAction]?: (payload: SheetsInput<A>) => Envelope<SheetsOutput<A>> }

/** Answer `sheets` calls (exports, reading an uploaded ledger) per action, like `community`. */
export function sheets(handlers: SheetsHandlers): void {
  fakeCloud.on('sheets', (data) => {
    const action = data.action as SheetsAction
    const handler = handlers[action] as ((payload: unknown) => unknown) | undefined
    if (!handler) return fail('UNKNOWN_ACTION', '不支持的操作，请更新小程序后再试')
    return handler(data.payload)
  })
}

/** Payloads sent for one sheets action, in order. */
export function sentSheets<A extends SheetsAction>(action: A): SheetsInput<A>[] {
  return fakeCloud.calls
    .filter((c) => c.name === 'sheets' && c.data.action === action)
    .map((c) => c.data.payload as SheetsInput<A>)
}

/** Every call as 'function.action', in order. */
export const callOrder = () => fakeCloud.calls.map((c) => `${c.name}.${String(c.data.action)}`)

export function round(partial: Partial<RoundView> = {}): RoundView {
  return {
    id: 'r_1120',
    communityId: COMMUNITY.id,
    date: '2026-11-20',
    deadline: '2026-11-20T10:00:00.000Z', // 18:00 in Shanghai
    notice: '请今天 18:00 前完成抗原自测并接龙，滴样后等满 15 分钟再拍照。',
    status: 'open',
    allBuildings: true,
    buildingCount: 3,
    openedAt: '2026-11-20T00:30:00.000Z', // 08:30 in Shanghai
    ...partial,
  }
}

export function mySubmission(partial: Partial<MySubmissionView> = {}): MySubmissionView {
  return {
    round: round(),
    householdId: 'hh_201',
    label: '12-201',
    members: [
      { memberId: 'm_1', name: '王建国' },
      { memberId: 'm_2', name: '王小明' },
    ],
    submitted: false,
    locked: false,
    ...partial,
  }
}

export const PHOTO_URL = 'https://test-env.tcb.qcloud.la/antigen/r_1120/hh_201/m_1.jpg?sign=x'

export function chainEntry(partial: Partial<ChainEntryView> = {}): ChainEntryView {
  return {
    no: 1,
    householdId: 'hh_201',
    floor: 2,
    label: '12-201 王*国',
    submittedAt: '2026-11-20T01:05:00.000Z', // 09:05 in Shanghai
    proxy: false,
    ...partial,
  }
}

/** A lead's view: members, photos, one abnormal entry submitted after a negative one. */
export function chainView(partial: Partial<ChainView> = {}): ChainView {
  return {
    round: round(),
    building: { id: BUILDING.id, name: BUILDING.name },
    entries: [
      chainEntry({
        no: 1,
        householdId: 'hh_201',
        label: '12-201 王*国',
        proxy: true,
        members: [
          {
            memberId: 'm_1',
            name: '王建国',
            result: 'negative',
            photoUrl: PHOTO_URL,
            startedAt: '2026-11-20T00:40:00.000Z',
            photoAt: '2026-11-20T00:56:00.000Z',
            early: false,
          },
        ],
        abnormal: false,
      }),
      chainEntry({
        no: 2,
        householdId: 'hh_302',
        label: '12-302 李*英',
        submittedAt: '2026-11-20T01:20:00.000Z', // 09:20
        members: [
          {
            memberId: 'm_3',
            name: '李秀英',
            result: 'positive',
            photoUrl: 'https://test-env.tcb.qcloud.la/antigen/r_1120/hh_302/m_3.jpg?sign=y',
            startedAt: '2026-11-20T01:10:00.000Z',
            photoAt: '2026-11-20T01:14:00.000Z',
            early: true,
          },
          { memberId: 'm_4', name: '李强', result: 'untested', reason: '已在外检测' },
        ],
        abnormal: true,
      }),
    ],
    missing: [
      { householdId: 'hh_401', label: '12-401 赵*', floor: 4, linked: false },
      { householdId: 'hh_502', label: '12-502 钱*华', floor: 5, linked: true },
    ],
    confirmed: false,
    detailed: true,
    floors: [],
    ...partial,
  }
}

/** What a resident sees of the same chain: labels, times and 代报 only. */
export function maskedChain(partial: Partial<ChainView> = {}): ChainView {
  const full = chainView()
  return {
    ...full,
    entries: full.entries.map(({ members: _m, abnormal: _a, flagged: _f, ...rest }) => rest),
    detailed: false,
    ...partial,
  }
}

export function tableRow(partial: Partial<TableRow> & Pick<TableRow, 'buildingId' | 'name'>): TableRow {
  return {
    groupId: 'g_1',
    groupName: '第1营',
    expected: 10,
    submitted: 10,
    people: 24,
    negative: 24,
    positive: 0,
    invalid: 0,
    untested: 0,
    missing: 0,
    confirmed: true,
    ...partial,
  }
}

export function totalsOf(rows: TableRow[]): Totals {
  const sum = (k: keyof Omit<Totals, 'confirmed' | 'buildings'>) => rows.reduce((n, r) => n + (r[k] as number), 0)
  return {
    expected: sum('expected'),
    submitted: sum('submitted'),
    people: sum('people'),
    negative: sum('negative'),
    positive: sum('positive'),
    invalid: sum('invalid'),
    untested: sum('untested'),
    missing: sum('missing'),
    confirmed: rows.filter((r) => r.confirmed).length,
    buildings: rows.length,
  }
}

/** A community table: 12号 (第1营) has an abnormal result and is listed first, as the function sorts. */
export function roundTable(partial: Partial<RoundTable> = {}): RoundTable {
  const rows = partial.rows ?? [
    tableRow({
      buildingId: 'b_12',
      name: '12号',
      expected: 36,
      submitted: 30,
      people: 70,
      negative: 66,
      positive: 2,
      invalid: 1,
      untested: 1,
      missing: 6,
      confirmed: false,
    }),
    tableRow({ buildingId: 'b_1', name: '1号', expected: 40, submitted: 40, people: 96, negative: 96 }),
    tableRow({
      buildingId: 'b_21',
      name: '21号',
      groupId: 'g_2',
      groupName: '第2营',
      expected: 30,
      submitted: 28,
      people: 66,
      negative: 65,
      invalid: 1,
      missing: 2,
      confirmed: false,
    }),
  ]
  const groupIds = [...new Set(rows.map((r) => r.groupId))]
  return {
    round: round(),
    rows,
    groups: groupIds.map((id) => {
      const inGroup = rows.filter((r) => r.groupId === id)
      return { groupId: id, groupName: inGroup[0]?.groupName ?? '', ...totalsOf(inGroup) }
    }),
    zones: [],
    total: totalsOf(rows),
    scope: 'community',
    ...partial,
  }
}
