// Ledger rows checked and grouped: every error kind with its row number, households, derived flags.
import type { LedgerRow } from '../../server/ledger/parse'
import {
  buildingMatcher,
  MAX_ROWS,
  parseBirthYear,
  validateLedger,
  type ValidateOptions,
} from '../../server/ledger/validate'
import { mergeMembers, sameMembers } from '../../server/ledger/merge'
import { capErrors } from '../../server/ledger/preview'
import { restoreImage } from '../../server/ledger/rollback'
import { ledgerRows } from '../../server/ledger/export'
import type { BuildingDoc, HouseholdDoc, MemberDoc } from '../../server/community/model'

const YEAR = 2026
const buildings = [
  { id: 'b3', name: '3号楼' },
  { id: 'b12', name: '12号' },
]
const opts: ValidateOptions = { buildings, createBuildings: false, year: YEAR }

let next = 2
const row = (over: Partial<LedgerRow> = {}): LedgerRow => ({
  row: next++,
  building: '3号楼',
  room: '201',
  name: '张三',
  phone: '',
  birth: '',
  flags: '',
  ...over,
})
beforeEach(() => {
  next = 2
})

const errorsOf = (rows: LedgerRow[], o: ValidateOptions = opts) => validateLedger(rows, o).errors

describe('validateLedger errors', () => {
  it.each<[string, Partial<LedgerRow>, string]>([
    ['empty building', { building: ' ' }, '楼栋为空'],
    ['empty room', { room: '' }, '房号为空'],
    ['bad room', { room: '二零一' }, '房号「二零一」格式不正确，应为 201、1502、12-01 这样的房号'],
    ['empty name', { name: '' }, '姓名为空'],
    ['long name', { name: '张'.repeat(31) }, `姓名「${'张'.repeat(31)}」超过 30 个字`],
    ['bad phone', { phone: '12345' }, '电话「12345」格式不正确，应为 11 位手机号或座机号码'],
    ['unreadable birth year', { birth: '五零年' }, '出生年份「五零年」无法识别，请填写如 1950 或 1950-03-02'],
    ['birth year too early', { birth: '1899' }, '出生年份 1899 不在 1900–2026 年之间'],
    ['birth year in the future', { birth: '2027-01-01' }, '出生年份 2027 不在 1900–2026 年之间'],
    [
      'unknown flag word',
      { flags: '独居、低保' },
      '标记「低保」无法识别，可填：60岁以上、独居、行动不便、慢性病、孕妇、婴幼儿',
    ],
    [
      'unknown building',
      { building: '99号' },
      '楼栋「99号」不在本小区的楼栋名单中；如需新建楼栋，请勾选「自动创建楼栋」后重新预览',
    ],
  ])('%s', (_kind, over, reason) => {
    expect(errorsOf([row(), row({ room: '202', ...over })])).toEqual([{ row: 3, reason }])
  })

  it('names both rows of the same person (building + room + name) given twice', () => {
    const errors = errorsOf([row(), row({ name: '李四' }), row({ building: '3号楼 ', name: ' 张 三 ' })])
    expect(errors).toEqual([{ row: 4, reason: '与第 2 行重复：第 2 行和第 4 行都是 3号楼 201 的「张三」' }])
  })

  it('reports every problem of a row, rows in order', () => {
    const errors = errorsOf([row({ row: 9, room: 'x', phone: '1', flags: '外星人' }), row({ row: 5, name: '' })])
    expect(errors.map((e) => e.row)).toEqual([5, 9, 9, 9])
  })

  it('accepts an unknown building when buildings may be created, and lists it once', () => {
    const v = validateLedger(
      [row({ building: '１５号楼' }), row({ building: '15号楼', room: '202' }), row({ building: '2号楼', name: 'a' })],
      { ...opts, createBuildings: true },
    )
    expect(v.errors).toEqual([])
    expect(v.newBuildings).toEqual(['2号楼', '15号楼'])
    expect(v.households.map((h) => [h.buildingName, h.buildingId, h.room])).toEqual([
      ['2号楼', undefined, '201'],
      ['15号楼', undefined, '201'],
      ['15号楼', undefined, '202'],
    ])
  })

  it('refuses more than 20,000 rows, naming the first row over the limit', () => {
    const rows = Array.from({ length: MAX_ROWS + 1 }, (_, i) => row({ name: `居民${i}` }))
    const v = validateLedger(rows, opts)
    expect(v.households).toEqual([])
    expect(v.errors).toEqual([
      {
        row: MAX_ROWS + 2,
        reason: '表格共 20001 行，超过一次导入 20000 行的上限（从第 20002 行起超出），请按楼栋分成几个文件分批导入',
      },
    ])
    expect(validateLedger(rows.slice(0, MAX_ROWS), opts).errors).toEqual([])
  })
})

describe('validateLedger results', () => {
  it('groups rows of the same building and room into one household, natural order, floors from rooms', () => {
    const v = validateLedger(
      [
        row({ building: '12号', room: '1502室', name: '王五', phone: '+86 138-1234-5678', birth: '1950/3/2' }),
        row({ room: '201', name: '张三', birth: '1966', flags: '独居' }),
        row({ building: '３号', room: '２０１', name: '李四', flags: '60岁以上' }),
        row({ building: '3号楼', room: '12-01', name: '赵六', birth: '1990年5月', flags: '孕妇，慢病' }),
      ],
      opts,
    )
    expect(v.errors).toEqual([])
    expect(v.rows).toBe(4)
    expect(v.residents).toBe(4)
    expect(v.newBuildings).toEqual([])
    expect(v.households).toEqual([
      {
        buildingName: '3号楼',
        buildingId: 'b3',
        room: '201',
        floor: 2,
        members: [
          { name: '张三', birthYear: 1966, flags: ['elderly', 'alone'], row: 3 },
          // No birth year: the flag as written is kept.
          { name: '李四', flags: ['elderly'], row: 4 },
        ],
      },
      {
        buildingName: '3号楼',
        buildingId: 'b3',
        room: '12-01',
        floor: 12,
        members: [{ name: '赵六', birthYear: 1990, flags: ['chronic', 'pregnant'], row: 5 }],
      },
      {
        buildingName: '12号',
        buildingId: 'b12',
        room: '1502',
        floor: 15,
        members: [{ name: '王五', phone: '13812345678', birthYear: 1950, flags: ['elderly'], row: 2 }],
      },
    ])
  })

  it('drops 60岁以上 written for someone the birth year says is younger', () => {
    const v = validateLedger([row({ birth: '1980', flags: '老人' })], opts)
    expect(v.households[0]?.members[0]?.flags).toEqual([])
  })

  it('derives 60岁以上 from the Shanghai year it is given', () => {
    expect(validateLedger([row({ birth: '1966' })], { ...opts, year: 2025 }).households[0]?.members[0]?.flags).toEqual(
      [],
    )
    expect(validateLedger([row({ birth: '1966' })], opts).households[0]?.members[0]?.flags).toEqual(['elderly'])
  })
})

describe('parseBirthYear', () => {
  it.each([
    ['1950', 1950],
    ['1950年', 1950],
    ['1950-03-02', 1950],
    ['1950/3/2', 1950],
    ['1950.3.2', 1950],
    ['1950年3月2日', 1950],
    ['1950年3月', 1950],
    ['1950-03', 1950],
    ['1950-03-02 00:00:00', 1950],
    ['', undefined],
    ['50', null],
    ['1950-13-01', null],
    ['一九五〇', null],
    ['18324', null],
  ])('%s → %s', (raw, year) => {
    expect(parseBirthYear(raw)).toBe(year)
  })
})

describe('buildingMatcher', () => {
  it('matches by normalised name, then by an unambiguous short name', () => {
    const match = buildingMatcher([...buildings, { id: 'b5a', name: '5栋' }, { id: 'b5b', name: '5号' }])
    expect(match('3号楼')?.id).toBe('b3')
    expect(match('3号')?.id).toBe('b3')
    expect(match('12号楼')?.id).toBe('b12')
    expect(match('5栋')?.id).toBe('b5a')
    expect(match('5号楼')).toBeUndefined()
    expect(match('7号')).toBeUndefined()
  })
})

describe('mergeMembers', () => {
  const ids = () => {
    let n = 0
    return () => `new${++n}`
  }
  const existing: MemberDoc[] = [
    { id: 'm1', name: '张三', phone: '13800000000', flags: [], openid: 'o-zhang' },
    { id: 'm2', name: '李四', flags: ['alone'] },
    { id: 'm3', name: '王五', flags: [], openid: 'o-wang' },
  ]

  it('keeps ids and WeChat links of members matched by name; the file decides their details', () => {
    const { members, kept } = mergeMembers(
      [
        { name: '张三', phone: '13911111111', flags: ['chronic'], row: 2 },
        { name: '赵六', flags: [], row: 3 },
        { name: '王五', birthYear: 1950, flags: ['elderly'], row: 4 },
      ],
      existing,
      ids(),
    )
    expect(members).toEqual([
      { id: 'm1', name: '张三', phone: '13911111111', flags: ['chronic'], openid: 'o-zhang' },
      { id: 'new1', name: '赵六', flags: [] },
      { id: 'm3', name: '王五', birthYear: 1950, flags: ['elderly'], openid: 'o-wang' },
    ])
    expect(kept).toEqual([])
  })

  it('keeps a linked member the file lacks (and says so), drops an unlinked one', () => {
    const { members, kept } = mergeMembers([{ name: '李四', flags: [], row: 2 }], existing, ids())
    expect(members.map((m) => m.id)).toEqual(['m2', 'm1', 'm3'])
    expect(kept.map((m) => m.name)).toEqual(['张三', '王五'])
  })

  it('never reuses an id already in the household for a new member', () => {
    let calls = 0
    const { members } = mergeMembers([{ name: '新人', flags: [], row: 2 }], existing, () =>
      ++calls === 1 ? 'm3' : 'm9',
    )
    expect(members[0]?.id).toBe('m9')
  })

  it('compares members regardless of flag order', () => {
    expect(
      sameMembers(
        [{ id: 'a', name: 'x', flags: ['alone', 'chronic'] }],
        [{ id: 'a', name: 'x', flags: ['chronic', 'alone'] }],
      ),
    ).toBe(true)
    expect(sameMembers([{ id: 'a', name: 'x', flags: [] }], [{ id: 'a', name: 'x', flags: [], openid: 'o' }])).toBe(
      false,
    )
  })
})

describe('restoreImage', () => {
  const household = (members: MemberDoc[]): HouseholdDoc => ({
    _id: 'h',
    communityId: 'c',
    groupId: 'g',
    buildingId: 'b',
    room: '201',
    floor: 2,
    members,
    proxy: false,
    linkedOpenids: [],
    updatedAt: new Date(0),
  })

  it('restores the image as it was when nobody linked since', () => {
    const before = household([{ id: 'm1', name: '张三', flags: [] }])
    expect(restoreImage(before, household([{ id: 'm1', name: '张三', flags: ['alone'] }]))).toBe(before)
    expect(restoreImage(null, household([{ id: 'm1', name: '张三', flags: [] }]))).toBeNull()
  })

  it('keeps members who linked WeChat after the import', () => {
    const before = household([{ id: 'm1', name: '张三', flags: [] }])
    const current = { ...household([{ id: 'm1', name: '张三', flags: [], openid: 'o1' }]), linkedOpenids: ['o1'] }
    expect(restoreImage(before, current)).toMatchObject({
      members: [{ id: 'm1', name: '张三', openid: 'o1' }],
      linkedOpenids: ['o1'],
    })
    expect(restoreImage(null, current)).toBe('keep')
  })
})

describe('capErrors', () => {
  it('keeps the first errors and summarises the rest from the row where they start', () => {
    const errors = Array.from({ length: 7 }, (_, i) => ({ row: i + 2, reason: 'x' }))
    expect(capErrors(errors, 5)).toEqual([
      ...errors.slice(0, 5),
      { row: 7, reason: '从第 7 行起另有 2 处错误未列出，请先改正以上错误后重新上传' },
    ])
  })
})

describe('ledgerRows (export)', () => {
  it('lists residents by building and room in natural order, with the import columns', () => {
    const b = (id: string, name: string): BuildingDoc => ({ _id: id, communityId: 'c', groupId: 'g', name, order: 0 })
    const h = (buildingId: string, room: string, members: MemberDoc[]): HouseholdDoc => ({
      _id: `${buildingId}-${room}`,
      communityId: 'c',
      groupId: 'g',
      buildingId,
      room,
      floor: 0,
      members,
      proxy: false,
      linkedOpenids: [],
      updatedAt: new Date(0),
    })
    const sheet = ledgerRows(
      [b('b10', '10号'), b('b2', '2号')],
      [
        h('b10', '201', [{ id: 'm', name: '甲', flags: [] }]),
        h('b2', '1101', [{ id: 'm', name: '乙', phone: '13812345678', birthYear: 1950, flags: ['elderly', 'alone'] }]),
        h('b2', '201', [
          { id: 'm', name: '丙', flags: [] },
          { id: 'n', name: '丁', flags: ['infant'] },
        ]),
        h('b2', '301', []),
      ],
    )
    expect(sheet).toEqual({
      households: 3,
      residents: 4,
      rows: [
        ['2号', '201', '丙', null, null, null],
        ['2号', '201', '丁', null, null, '婴幼儿'],
        ['2号', '1101', '乙', '13812345678', 1950, '60岁以上、独居'],
        ['10号', '201', '甲', null, null, null],
      ],
    })
  })
})
