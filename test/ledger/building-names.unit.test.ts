// Building names as committees write them: one key for matching rows to existing buildings and for grouping rows
// into the buildings an import creates; what folds, what never does, and what the preview says instead of guessing.
import { buildingKey, chineseNumber, parseBuildingName, similarBuildingNames } from '../../server/community/structure'
import type { LedgerRow } from '../../server/ledger/parse'
import { buildingResolver, validateLedger, type BuildingRef } from '../../server/ledger/validate'

const YEAR = 2026
const similar = (a: string, b: string) => similarBuildingNames(parseBuildingName(a), parseBuildingName(b))

describe('buildingKey folds spellings of one building', () => {
  it.each<[string, string[]]>([
    ['9号楼', ['9号', '9栋', '9幢', '9座', '9', '9楼', '9号栋', '9号幢', '9#', '9#楼', '第9栋', '09号楼', '9号楼道']],
    ['9号楼', ['九号楼', '九号', '九栋', '第九幢']],
    ['9号楼', ['９号楼', '9 号楼', ' 9号楼 ', '９ 号 楼', '\u30009号楼']],
    ['10号楼', ['10栋', '十号楼', '十栋', '10#']],
    ['23号', ['二十三号楼', '23栋']],
    ['105号', ['一百零五号', '一百〇五栋']],
    [
      '9号楼1单元',
      ['9号1单元', '9栋1单元', '9号楼一单元', '9号楼01单元', '9号1楼道', '9号楼 1 单元', '9-1单元', '九号楼一单元'],
    ],
    ['A座', ['A栋', 'a座', 'Ａ座', 'A', 'A号楼']],
    ['9-1', ['9-1号楼', '9－1', '9—1栋', '09-01']],
    ['3单元', ['3楼道', '第3单元', '三单元']],
    ['东区9号楼', ['东区9栋', '东区 九号楼', '东区-9号']],
    ['100弄9号', ['100弄9号楼', '100弄九号']],
    ['综合楼', ['综合', '综合栋', ' 综合楼 ']],
  ])('%s', (name, spellings) => {
    for (const s of spellings) expect([s, buildingKey(s)]).toEqual([s, buildingKey(name)])
  })
})

describe('buildingKey never folds two different buildings', () => {
  it.each<[string, string]>([
    ['9号楼1单元', '9号楼2单元'],
    ['9号楼', '9号楼1单元'],
    ['9-1', '9号楼1单元'],
    ['9-1', '9号楼'],
    ['9-1', '9-2'],
    ['9号楼', '90号楼'],
    ['1号', '10号'],
    ['1号', '11号'],
    ['东区9号楼', '西区9号楼'],
    ['东区9号楼', '9号楼'],
    ['二期9号', '2期9号'],
    ['3单元', '3号楼'],
    ['3楼道', '3号楼道'],
    ['A座', 'B座'],
    ['9A号楼', '9号楼'],
    ['9号楼(东)', '9号楼'],
    ['91单元', '9号楼1单元'],
    ['一二号楼', '12号楼'],
    ['9号院', '9号'],
  ])('%s ≠ %s', (a, b) => {
    expect(buildingKey(a)).not.toBe(buildingKey(b))
  })
})

describe('parseBuildingName', () => {
  it('tells prefix, number and unit apart', () => {
    expect(parseBuildingName('东区 ９号楼2单元')).toEqual({
      text: '东区9号楼2单元',
      key: expect.any(String),
      parsed: true,
      prefix: '东区',
      number: ['9'],
      unit: '2',
    })
    expect(parseBuildingName('9-1')).toMatchObject({ parsed: true, prefix: '', number: ['9', '1'] })
    expect(parseBuildingName('3单元')).toMatchObject({ parsed: true, number: [], unit: '3' })
    expect(parseBuildingName('万一楼')).toMatchObject({ parsed: true, prefix: '万', number: ['1'] })
    expect(parseBuildingName('9号楼(东)')).toMatchObject({ parsed: false, text: '9号楼(东)' })
    expect(parseBuildingName('十十号楼')).toMatchObject({ parsed: false })
  })

  it.each<[string, number | undefined]>([
    ['九', 9],
    ['十', 10],
    ['十二', 12],
    ['二十', 20],
    ['二十三', 23],
    ['一百', 100],
    ['一百零五', 105],
    ['一百〇五', 105],
    ['一百一十五', 115],
    ['两百', 200],
    ['〇', 0],
    ['一二', undefined],
    ['十十', undefined],
    ['一十', undefined],
    ['二十零', undefined],
    ['百', undefined],
    ['', undefined],
  ])('Chinese numeral %s → %s', (s, n) => {
    expect(chineseNumber(s)).toBe(n)
  })
})

describe('similarBuildingNames: look-alikes kept apart, to be reported', () => {
  it.each<[string, string]>([
    ['9号楼', '9号楼1单元'],
    ['9号', '9号楼2单元'],
    ['9-1', '9号楼1单元'],
    ['9-1', '9号楼'],
    ['9号楼', '东区9号楼'],
    ['二期9号', '2期9号'],
    ['3单元', '3号楼'],
    ['9号楼(东)', '9号楼'],
  ])('%s ~ %s', (a, b) => {
    expect(similar(a, b)).toBe(true)
    expect(similar(b, a)).toBe(true)
  })

  it.each<[string, string]>([
    ['9号楼1单元', '9号楼2单元'],
    ['东区9号', '西区9号'],
    ['1号', '10号'],
    ['12号', '1号楼2单元'],
    ['9号', '9号楼'],
    ['综合楼', '活动室'],
    ['A座', 'B座'],
  ])('%s and %s are not', (a, b) => {
    expect(similar(a, b)).toBe(false)
  })
})

describe('buildingResolver: rows against existing buildings', () => {
  const buildings: BuildingRef[] = [
    { id: 'b1', name: '1号楼' },
    { id: 'b5a', name: '5栋' },
    { id: 'b5b', name: '5号' },
    { id: 'b91', name: '9号楼1单元' },
    { id: 'b92', name: '9号楼2单元' },
  ]
  const r = buildingResolver(buildings)

  it('matches every spelling of a building to it', () => {
    for (const s of ['1号楼', '1号', '１号', '1栋', '一号楼', '1#'])
      expect(r.match(s)).toEqual({ building: buildings[0] })
    expect(r.match('9号1单元')).toEqual({ building: buildings[3] })
    expect(r.match('9栋二单元')).toEqual({ building: buildings[4] })
  })

  it('prefers the exact name, and names the candidates when several buildings share the key', () => {
    expect(r.match('5栋')).toEqual({ building: buildings[1] })
    expect(r.match('５号')).toEqual({ building: buildings[2] })
    expect(r.match('5号楼')).toEqual({ ambiguous: [buildings[1], buildings[2]] })
  })

  it('does not match a look-alike, and lists it', () => {
    expect(r.match('9号楼')).toEqual({ none: parseBuildingName('9号楼') })
    expect(r.similar(parseBuildingName('9号楼')).map((b) => b.name)).toEqual(['9号楼1单元', '9号楼2单元'])
    expect(r.similar(parseBuildingName('7号'))).toEqual([])
  })
})

describe('validateLedger: building names in one file', () => {
  let next = 2
  const row = (building: string, room: string, name: string): LedgerRow => ({
    row: next++,
    building,
    room,
    name,
    phone: '',
    birth: '',
    flags: '',
  })
  beforeEach(() => {
    next = 2
  })

  it('creates one building per key, named by its most used spelling, and reports the folding', () => {
    const v = validateLedger(
      [
        row('9号楼', '101', '甲'), // 2
        row('9号', '102', '乙'), // 3
        row('9号楼', '201', '丙'), // 4
        row('10号楼', '101', '丁'), // 5
        row('10栋', '101', '戊'), // 6
        row('10号楼', '102', '己'), // 7
        row('9号', '101', '庚'), // 8
        row('9号楼', '202', '辛'), // 9
      ],
      { buildings: [], createBuildings: true, year: YEAR },
    )
    expect(v.errors).toEqual([])
    expect(v.newBuildings).toEqual(['9号楼', '10号楼'])
    expect(v.newBuildingSpellings).toEqual([
      {
        name: '9号楼',
        spellings: [
          { text: '9号楼', count: 3, rows: [2, 4, 9] },
          { text: '9号', count: 2, rows: [3, 8] },
        ],
      },
      {
        name: '10号楼',
        spellings: [
          { text: '10号楼', count: 2, rows: [5, 7] },
          { text: '10栋', count: 1, rows: [6] },
        ],
      },
    ])
    expect(v.households.map((h) => [h.buildingName, h.room, h.members.map((m) => m.name)])).toEqual([
      ['9号楼', '101', ['甲', '庚']],
      ['9号楼', '102', ['乙']],
      ['9号楼', '201', ['丙']],
      ['9号楼', '202', ['辛']],
      ['10号楼', '101', ['丁', '戊']],
      ['10号楼', '102', ['己']],
    ])
    expect(v.matchedSpellings).toEqual([])
    expect(v.buildingWarnings).toEqual([])
  })

  it('names a building by the spelling the file uses first when two are used as often', () => {
    const v = validateLedger([row('九号楼', '101', '甲'), row('9栋', '102', '乙')], {
      buildings: [],
      createBuildings: true,
      year: YEAR,
    })
    expect(v.newBuildings).toEqual(['九号楼'])
    expect(v.households.map((h) => h.buildingName)).toEqual(['九号楼', '九号楼'])
  })

  it('finds the same person twice under two spellings of one building', () => {
    const v = validateLedger([row('9号楼', '101', '甲'), row('９栋', '101', '甲')], {
      buildings: [],
      createBuildings: true,
      year: YEAR,
    })
    expect(v.errors).toEqual([{ row: 3, reason: '与第 2 行重复：第 2 行和第 3 行都是 9栋 101 的「甲」' }])
  })

  it('keeps units apart and warns about look-alikes it did not fold', () => {
    const v = validateLedger(
      [
        row('9号楼1单元', '101', '甲'), // 2
        row('9号楼2单元', '101', '乙'), // 3
        row('9号楼', '101', '丙'), // 4
        row('9-1', '101', '丁'), // 5
      ],
      { buildings: [], createBuildings: true, year: YEAR },
    )
    expect(v.newBuildings).toEqual(['9-1', '9号楼', '9号楼1单元', '9号楼2单元'])
    expect(v.buildingWarnings.map((w) => [w.name, w.similar, w.similarExists])).toEqual([
      ['9-1', '9号楼', false],
      ['9-1', '9号楼1单元', false],
      ['9号楼', '9号楼1单元', false],
      ['9号楼', '9号楼2单元', false],
    ])
    expect(v.buildingWarnings[2]).toEqual({
      name: '9号楼',
      rows: [4],
      similar: '9号楼1单元',
      similarExists: false,
      message:
        '将新建的「9号楼」（第 4 行）与表格中的「9号楼1单元」（第 2 行）相近，但不能确定是同一栋，没有合并：' +
        '「9号楼1单元」写了单元号，「9号楼」没有。如是同一栋，请在表格中改成同一种写法后重新预览',
    })
    expect(v.buildingWarnings[0]?.message).toContain('「9-1」中的「-」后面可能是单元号，也可能是楼号的一部分')
  })

  describe('against existing buildings', () => {
    const buildings: BuildingRef[] = [
      { id: 'b1', name: '1号楼' },
      { id: 'b2', name: '2号' },
      { id: 'b5a', name: '5栋' },
      { id: 'b5b', name: '5号' },
      { id: 'be9', name: '东区9号楼' },
    ]

    it('imports other spellings into the existing building, keeps its name and lists the spellings', () => {
      const v = validateLedger(
        [row('1号', '101', '甲'), row('1号楼', '102', '乙'), row('一号楼', '103', '丙'), row('2号楼', '201', '丁')],
        { buildings, createBuildings: true, year: YEAR },
      )
      expect(v.errors).toEqual([])
      expect(v.newBuildings).toEqual([])
      expect(v.newBuildingSpellings).toEqual([])
      expect(v.households.map((h) => [h.buildingId, h.buildingName, h.room])).toEqual([
        ['b1', '1号楼', '101'],
        ['b1', '1号楼', '102'],
        ['b1', '1号楼', '103'],
        ['b2', '2号', '201'],
      ])
      expect(v.matchedSpellings).toEqual([
        {
          name: '1号楼',
          spellings: [
            { text: '1号', count: 1, rows: [2] },
            { text: '一号楼', count: 1, rows: [4] },
          ],
        },
        { name: '2号', spellings: [{ text: '2号楼', count: 1, rows: [5] }] },
      ])
    })

    it('refuses a name several existing buildings could be, even when buildings may be created', () => {
      for (const createBuildings of [false, true]) {
        next = 2
        const v = validateLedger([row('5号楼', '101', '甲')], { buildings, createBuildings, year: YEAR })
        expect(v.errors).toEqual([
          {
            row: 2,
            reason: '楼栋「5号楼」可以是已有的「5栋」或「5号」，无法确定是哪一栋；请在表格中改成其中一栋的名称',
          },
        ])
        expect(v.newBuildings).toEqual([])
      }
    })

    it('warns when a building to create looks like an existing one, and names it in the error otherwise', () => {
      const created = validateLedger([row('9号楼', '101', '甲')], { buildings, createBuildings: true, year: YEAR })
      expect(created.newBuildings).toEqual(['9号楼'])
      expect(created.buildingWarnings).toEqual([
        {
          name: '9号楼',
          rows: [2],
          similar: '东区9号楼',
          similarExists: true,
          message:
            '将新建的「9号楼」（第 2 行）与已有楼栋「东区9号楼」相近，但不能确定是同一栋，没有合并：' +
            '「东区9号楼」前面有「东区」，「9号楼」没有。如是同一栋，请在表格中改成同一种写法后重新预览',
        },
      ])
      next = 2
      const refused = validateLedger([row('9号楼', '101', '甲')], { buildings, createBuildings: false, year: YEAR })
      expect(refused.errors).toEqual([
        {
          row: 2,
          reason:
            '楼栋「9号楼」不在本小区的楼栋名单中（已有相近的「东区9号楼」，如是其中一栋，请改成它的名称）；' +
            '如需新建楼栋，请勾选「自动创建楼栋」后重新预览',
        },
      ])
    })
  })
})
