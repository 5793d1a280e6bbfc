import { chainLabel, isValidPhone, maskName, maskPhone, normalisePhone } from '../../server/community/mask'
import {
  chunkIntoGroups,
  floorOf,
  groupName,
  householdLabel,
  isValidRoom,
  naturalCompare,
  normaliseBuildingName,
  normaliseRoom,
} from '../../server/community/structure'
import { parseFlags, withDerivedFlags } from '../../server/community/flags'
import { inviteCode, householdId } from '../../server/community/ids'

describe('masking', () => {
  it.each([
    ['张三', '张*'],
    ['张小明', '张*明'],
    ['欧阳小明', '欧**明'],
    ['王', '王'],
    [' 李四 ', '李*'],
  ])('masks %s as %s', (name, masked) => expect(maskName(name)).toBe(masked))

  it.each([
    ['13812345678', '138****5678'],
    ['138 1234 5678', '138****5678'],
    ['021-64001234', '021****1234'],
    ['64001234', '****1234'],
    ['110', '***'],
  ])('masks phone %s as %s', (phone, masked) => expect(maskPhone(phone)).toBe(masked))

  it('labels a chain entry as 3-201 张*明', () => {
    expect(chainLabel(householdLabel('3号', '201'), '张小明')).toBe('3-201 张*明')
  })

  it('accepts mainland mobiles and landlines only', () => {
    expect(
      ['13812345678', '021-64001234', '64001234', '+8613812345678'].map((p) => isValidPhone(normalisePhone(p))),
    ).toEqual([true, true, true, true])
    expect(['12345678901', '1381234567', 'abc', ''].map((p) => isValidPhone(normalisePhone(p)))).toEqual([
      false,
      false,
      false,
      false,
    ])
  })
})

describe('structure rules', () => {
  it('orders buildings naturally', () => {
    expect(['10号', '2号', '1号', '3单元', '12单元'].sort(naturalCompare)).toEqual([
      '1号',
      '2号',
      '3单元',
      '10号',
      '12单元',
    ])
  })

  it('normalises names and rooms as people type them', () => {
    expect(normaliseBuildingName('１２ 号')).toBe('12号')
    expect(normaliseRoom(' ２０１室 ')).toBe('201')
    expect(normaliseRoom('b101')).toBe('B101')
  })

  it.each([
    ['201', 2, true],
    ['1502', 15, true],
    ['12-01', 12, true],
    ['B101', 1, true],
    ['3', 0, true],
    ['一零一', 0, false],
    ['201-', 0, false],
  ])('room %s is on floor %i (valid %s)', (room, floor, valid) => {
    expect(isValidRoom(room)).toBe(valid)
    if (valid) expect(floorOf(room)).toBe(floor)
  })

  it('forms 营 of 20 buildings: 135 → 6 × 20 + 15', () => {
    const groups = chunkIntoGroups(
      Array.from({ length: 135 }, (_, i) => i),
      20,
    )
    expect(groups.map((g) => g.length)).toEqual([20, 20, 20, 20, 20, 20, 15])
    expect(groupName(6)).toBe('第7营')
  })

  it('shortens building names in labels', () => {
    expect(['3号', '12栋', '5号楼', '3单元'].map((b) => householdLabel(b, '201'))).toEqual([
      '3-201',
      '12-201',
      '5-201',
      '3单元-201',
    ])
  })
})

describe('special-population flags', () => {
  it('parses ledger words and reports unknown ones', () => {
    expect(parseFlags('独居，慢病、孕妇 神仙')).toEqual({ flags: ['alone', 'chronic', 'pregnant'], unknown: ['神仙'] })
  })

  it('derives 60+ from the birth year', () => {
    expect(withDerivedFlags(['alone'], 1960, 2026)).toEqual(['elderly', 'alone'])
    expect(withDerivedFlags(['elderly'], 1990, 2026)).toEqual([])
    expect(withDerivedFlags(['elderly'], undefined, 2026)).toEqual(['elderly'])
  })
})

describe('ids', () => {
  it('makes invite codes people can read out', () => {
    for (let i = 0; i < 50; i++) expect(inviteCode()).toMatch(/^[2-9A-HJKMNP-Z]{8}$/)
  })

  it('gives a room the same household id on every import', () => {
    expect(householdId('c1', 'b1', '201')).toBe(householdId('c1', 'b1', '201'))
    expect(householdId('c1', 'b1', '201')).not.toBe(householdId('c1', 'b2', '201'))
  })
})
