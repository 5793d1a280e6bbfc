// Registers answers shaped exactly like typings/api/registers.d.ts, and a router that answers `registers` calls.
import type {
  Envelope,
  RegisterEntriesView,
  RegisterEntryView,
  RegisterHouseholdOption,
  RegisterListView,
  RegistersApi,
  RegisterTypeView,
} from '../../../typings/api'
import { COMMUNITY, fail, ok } from './fixtures'
import { fakeCloud } from './harness'

type Action = keyof RegistersApi
type Input<A extends Action> = RegistersApi[A]['input']
type Output<A extends Action> = RegistersApi[A]['output']
export type RegistersHandlers = {
  [A in Action]?: (payload: Input<A>) => Envelope<Output<A>> | Promise<Envelope<Output<A>>>
}

/** Answer `registers` calls per action; an action without a handler fails the way the function would. */
export function registersCloud(handlers: RegistersHandlers): void {
  fakeCloud.on('registers', (data) => {
    const handler = handlers[data.action as Action] as ((payload: unknown) => unknown) | undefined
    if (!handler) return fail('UNKNOWN_ACTION', '不支持的操作，请更新小程序后再试')
    return handler(data.payload)
  })
}

export function sentRegisters<A extends Action>(action: A): Input<A>[] {
  return fakeCloud.calls
    .filter((c) => c.name === 'registers' && c.data.action === action)
    .map((c) => c.data.payload as Input<A>)
}

export const TYPE_ID = 'rt_c_sunny_medicine'

export function medicineType(partial: Partial<RegisterTypeView> = {}): RegisterTypeView {
  return {
    id: TYPE_ID,
    communityId: COMMUNITY.id,
    name: '配药需求',
    description: '需要代配的常用药',
    order: 0,
    needType: 'medicine',
    starter: 'medicine',
    fields: [
      { id: 'f1', label: '房号', kind: 'household', required: true },
      { id: 'f2', label: '人员', kind: 'member', required: true },
      { id: 'f3', label: '药品名称', kind: 'text', required: true },
      { id: 'f4', label: '数量', kind: 'number', required: false },
      { id: 'f5', label: '下次配药', kind: 'date', required: false },
      { id: 'f6', label: '状态', kind: 'choice', required: true, options: ['待配', '已配', '已送达'] },
      { id: 'f7', label: '旧字段', kind: 'text', required: false, removed: true },
    ],
    updatedAt: '2026-11-24T02:00:00.000Z',
    ...partial,
  }
}

export function listView(partial: Partial<RegisterListView> = {}): RegisterListView {
  return {
    registers: [
      { type: medicineType(), entries: 12, needs: 3 },
      {
        type: medicineType({ id: 'rt_alone', name: '独居老人', needType: undefined, description: '每日联系一次' }),
        entries: 5,
        needs: 0,
      },
    ],
    canManage: true,
    starterMissing: 0,
    buildings: [
      { id: 'b_12', name: '12号' },
      { id: 'b_13', name: '13号' },
    ],
    ...partial,
  }
}

export function entryView(partial: Partial<RegisterEntryView> = {}): RegisterEntryView {
  return {
    id: 're_1',
    householdId: 'hh_201',
    buildingId: 'b_12',
    label: '12-201',
    room: '201',
    cells: [
      { fieldId: 'f2', text: '张*明' },
      { fieldId: 'f3', text: '硝苯地平' },
      { fieldId: 'f4', text: '' },
      { fieldId: 'f5', text: '' },
      { fieldId: 'f6', text: '待配' },
    ],
    values: { f2: 'm_1', f3: '硝苯地平', f6: '待配' },
    created: { at: '2026-11-24T02:00:00.000Z', name: '李*' },
    editable: true,
    ...partial,
  }
}

export function entriesView(partial: Partial<RegisterEntriesView> = {}): RegisterEntriesView {
  return {
    type: medicineType(),
    entries: [entryView(), entryView({ id: 're_2', label: '12-301', room: '301', editable: false })],
    total: 2,
    needRows: [
      {
        needId: 'need_1',
        householdId: 'hh_401',
        buildingId: 'b_12',
        label: '12-401',
        person: '王*',
        detail: '降压药两盒',
        status: 'taken',
        statusLabel: '已接单',
        raisedAt: '2026-11-23T02:00:00.000Z',
      },
    ],
    canWrite: true,
    canManage: true,
    ...partial,
  }
}

export const households: RegisterHouseholdOption[] = [
  {
    id: 'hh_201',
    label: '12-201',
    buildingId: 'b_12',
    members: [
      { id: 'm_1', name: '张三明' },
      { id: 'm_2', name: '李四' },
    ],
  },
  { id: 'hh_301', label: '12-301', buildingId: 'b_12', members: [{ id: 'm_3', name: '王五' }] },
]

export const answer = ok
