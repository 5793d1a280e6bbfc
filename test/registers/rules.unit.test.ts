// The registers' pure rules: a type's fields when edited, entry values against fields and members, a sheet's cells,
// the days people write, and each role's subtree as non-overlapping query conditions.
import type { RegisterField, RoleGrant } from '../../typings/api'
import {
  checkValues,
  covers,
  editFields,
  readCell,
  readDay,
  RuleError,
  subtreeOf,
  subtreeWheres,
  valueText,
} from '../../server/registers/rules'
import { STARTER_SET } from '../../server/registers/starter'

const members = [
  { id: 'm1', name: '张三' },
  { id: 'm2', name: '李 四' },
]
const choice: RegisterField = { id: 'f3', label: '状态', kind: 'choice', required: true, options: ['待配', '已配'] }
const many: RegisterField = {
  id: 'f4',
  label: '需要',
  kind: 'choice',
  required: false,
  options: ['奶粉', '尿布'],
  multiple: true,
}

describe('editFields', () => {
  it('numbers new fields on, keeps ids and marks left-out fields removed', () => {
    const first = editFields(
      [],
      [
        { label: '房号', kind: 'household', required: false },
        { label: '人员', kind: 'member', required: true },
      ],
      1,
    )
    expect(first.fields).toEqual([
      { id: 'f1', label: '房号', kind: 'household', required: true },
      { id: 'f2', label: '人员', kind: 'member', required: true },
    ])
    const next = editFields(
      first.fields,
      [
        { id: 'f1', label: '房号', kind: 'household', required: true },
        { label: '备注', kind: 'text', required: false },
      ],
      first.nextField,
    )
    expect(next.fields.map((f) => [f.id, f.label, f.removed ?? false])).toEqual([
      ['f1', '房号', false],
      ['f3', '备注', false],
      ['f2', '人员', true],
    ])
    expect(next.nextField).toBe(4)
  })

  it('refuses a kind change, a field id twice and options on a non-choice field', () => {
    const { fields } = editFields(
      [],
      [
        { label: '房号', kind: 'household', required: true },
        { label: '数', kind: 'number', required: false },
      ],
      1,
    )
    expect(() =>
      editFields(
        fields,
        [
          { id: 'f1', label: '房号', kind: 'household', required: true },
          { id: 'f2', label: '数', kind: 'text', required: false },
        ],
        3,
      ),
    ).toThrow(RuleError)
    expect(() =>
      editFields(
        fields,
        [
          { id: 'f1', label: '房号', kind: 'household', required: true },
          { id: 'f1', label: '房', kind: 'household', required: true },
        ],
        3,
      ),
    ).toThrow(/不存在/)
    expect(() =>
      editFields(
        [],
        [
          { label: '房号', kind: 'household', required: true },
          { label: 'x', kind: 'text', required: false, options: ['a', 'b'] },
        ],
        1,
      ),
    ).toThrow(/只有选项字段/)
  })

  it('accepts every starter type', () => {
    for (const s of STARTER_SET) expect(() => editFields([], s.fields, 1)).not.toThrow()
    expect(new Set(STARTER_SET.map((s) => s.key)).size).toBe(STARTER_SET.length)
  })
})

describe('values', () => {
  const fields: RegisterField[] = [
    { id: 'f1', label: '房号', kind: 'household', required: true },
    { id: 'f2', label: '人员', kind: 'member', required: true },
    choice,
    many,
    { id: 'f5', label: '日期', kind: 'date', required: false },
    { id: 'f6', label: '旧', kind: 'text', required: false, removed: true },
  ]
  const ok = () => true

  it('keeps members of the household, options from the list and real days', () => {
    expect(checkValues(fields, { f2: 'm1', f3: '待配', f4: ['尿布', '尿布'], f5: '2024-02-29' }, members, ok)).toEqual({
      values: { f2: 'm1', f3: '待配', f4: ['尿布'], f5: '2024-02-29' },
      memberIds: ['m1'],
    })
  })

  it.each([
    [{ f2: 'm9', f3: '待配' }, 'values.f2'],
    [{ f2: 'm1', f3: ['待配', '已配'] }, 'values.f3'],
    [{ f2: 'm1', f3: '待配', f5: '2023-02-29' }, 'values.f5'],
    [{ f2: 'm1', f3: '待配', f6: 'x' }, 'values.f6'],
    [{ f2: 'm1' }, 'values.f3'],
  ])('refuses %j at %s', (values, field) => {
    expect(() => checkValues(fields, values, members, ok)).toThrow(expect.objectContaining({ field }))
  })

  it('reads a sheet’s cells: members by name without spaces, several options, days as written', () => {
    expect(readCell(fields[1] as RegisterField, '李四', members)).toEqual({ value: 'm2' })
    expect(readCell(fields[1] as RegisterField, '王五', members).error).toBe('成员不在该户：王五')
    expect(readCell(many, '奶粉、尿布', members)).toEqual({ value: ['奶粉', '尿布'] })
    expect(readCell(choice, '退回', members).error).toBe('「状态」选项不在列表：退回')
    expect(readCell(choice, '', members).error).toBe('「状态」没有填写')
    expect(['2026/1/5', '2026.01.05', '2026年1月5日', '20260105', '2026-01-05 00:00:00'].map(readDay)).toEqual(
      Array(5).fill('2026-01-05'),
    )
    expect(['2026-13-01', '2026-02-30', '1899-01-01', '明天'].map(readDay)).toEqual([null, null, null, null])
    expect(valueText(many, ['奶粉', '尿布'], () => '')).toBe('奶粉、尿布')
    expect(valueText(fields[1] as RegisterField, 'm1', (id) => (id === 'm1' ? '张*' : ''))).toBe('张*')
  })
})

describe('subtrees', () => {
  const g = (role: RoleGrant['role'], scope: Partial<RoleGrant['scope']>): RoleGrant => ({
    role,
    scope: { communityId: 'c1', ...scope },
  })
  const buildings = [
    { _id: 'b1', groupId: 'g1' },
    { _id: 'b2', groupId: 'g1' },
    { _id: 'b3', groupId: 'g2' },
  ]

  it('gives the committee and 团长 everything, and leads their part without overlap', () => {
    expect(subtreeWheres(subtreeOf([g('committee', {})], 'c1'), buildings)).toEqual([{}])
    expect(subtreeWheres(subtreeOf([g('communityLead', {})], 'c1'), buildings)).toEqual([{}])
    expect(subtreeWheres(subtreeOf([g('groupLead', { groupId: 'g1' })], 'c1'), buildings)).toEqual([
      { buildingIds: ['b1', 'b2'] },
    ])
    // A building lead who is also a floor lead of the same building: the floor adds nothing.
    const lead = subtreeOf(
      [
        g('buildingLead', { buildingId: 'b1' }),
        g('floorLead', { buildingId: 'b1', floor: 2 }),
        g('floorLead', { buildingId: 'b3', floor: 5 }),
      ],
      'c1',
    )
    expect(subtreeWheres(lead, buildings)).toEqual([{ buildingIds: ['b1'] }, { buildingId: 'b3', floor: 5 }])
    expect(covers(lead, { groupId: 'g2', buildingId: 'b3', floor: 5 })).toBe(true)
    expect(covers(lead, { groupId: 'g2', buildingId: 'b3', floor: 4 })).toBe(false)
  })

  it('gives residents, volunteers and other communities’ roles nothing', () => {
    const none = subtreeOf(
      [
        g('resident', { buildingId: 'b1', householdId: 'h1' }),
        g('volunteer', {}),
        { role: 'committee', scope: { communityId: 'c2' } },
      ],
      'c1',
    )
    expect(subtreeWheres(none, buildings)).toEqual([])
  })
})
