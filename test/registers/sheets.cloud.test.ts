// A register's spreadsheets on localcloud: the printable export read back with exceljs (the same visibility as the
// view, removed fields under their old names, the needs of a linked type marked 来自需求登记, recorded for deletion),
// and an import of rows with their errors, committed (the good rows or none) and rolled back.
import type {
  ExportFile,
  RegisterEntriesView,
  RegisterImportPreview,
  RegisterImportResult,
  RegisterTypeView,
} from '../../typings/api'
import type { RegisterEntryDoc, RegisterImportDoc } from '../../server/registers/model'
import type { ExportDoc } from '../../server/platform/exports'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C1, H, loadFixture, snapshot, WHO } from '../support/community'
import { openExport, rowsOf } from '../support/printfiles'
import { fieldId, freshId, installStarter, needDoc, putNeeds, registers, STARTER, typeOf } from '../support/registers'

const DAY = 86_400_000

let t: TestCloud
let r: ReturnType<typeof registers>
beforeAll(async () => {
  t = await startTestCloud()
  r = registers(t)
})
afterAll(() => t.stop())
beforeEach(async () => {
  await loadFixture(t)
  await installStarter(t)
})

async function addMedicine(householdId: string, memberId: string, drug: string) {
  const type = await typeOf(t, 'medicine')
  await r.ok(WHO.committee, 'addRegisterEntry', {
    typeId: type.id,
    householdId,
    requestId: freshId(),
    values: { [fieldId(type, '人员')]: memberId, [fieldId(type, '药品名称')]: drug, [fieldId(type, '状态')]: '待配' },
  })
}

const exportOf = (who: string, payload: object) =>
  openExport(t, r.call<ExportFile>(who, 'exportRegister', payload, 'sheets'))

describe('exportRegister', () => {
  beforeEach(async () => {
    await addMedicine(H.b1r101._id, 'm-zhang', '硝苯地平')
    await addMedicine(H.b1r201._id, 'm-zhao', '二甲双胍')
    await addMedicine(H.b3r301._id, 'm-sun', '阿司匹林')
    await putNeeds(t, [
      needDoc('need-1', H.b1r102, 'medicine', { memberId: 'm-wang', detail: '速效救心丸' }),
      needDoc('need-2', H.b1r101, 'medicine', { status: 'cancelled' }),
    ])
  })

  it('prints the committee’s whole register on A4 with headers repeated, full names, no phones, needs marked', async () => {
    const { out, wb } = await exportOf(WHO.committee, { typeId: STARTER('medicine') })
    expect(out).toMatchObject({ rows: 3, needRows: 1 })
    expect(out.fileName).toMatch(/^配药需求-.*\.xlsx$/)
    const ws = wb.worksheets[0]
    expect(ws?.pageSetup).toMatchObject({ paperSize: 9, orientation: 'portrait', fitToWidth: 1, printTitlesRow: '1:3' })
    const rows = rowsOf(ws)
    expect(rows[2]?.slice(0, 6)).toEqual(['序号', '楼栋', '房号', '人员', '药品名称', '数量'])
    expect(rows.slice(3, 6).map((x) => x.slice(0, 5))).toEqual([
      ['1', '1号', '101', '张三', '硝苯地平'],
      ['2', '1号', '201', '赵六', '二甲双胍'],
      ['3', '3号', '301', '孙八', '阿司匹林'],
    ])
    expect(rows[6]?.[0]).toMatch(/来自需求登记/)
    expect(rows[7]?.slice(1, 5)).toEqual(['1号', '102', '王五', '速效救心丸'])
    expect(rows[7]?.[rows[7].length - 1]).toBe('来自需求登记·待接单')
    expect(JSON.stringify(rows)).not.toMatch(/1380000/)
    // Recorded, so the community timer deletes it a day later.
    const recorded = await t.data.find<ExportDoc>('exports', { communityId: C1, kind: 'registers' })
    expect(recorded.map((e) => e.fileID)).toEqual([out.fileID])
  })

  it('gives a building lead their building, names masked, and nobody else’s', async () => {
    const { out, wb } = await exportOf(WHO.buildingLead, { typeId: STARTER('medicine') })
    expect(out).toMatchObject({ rows: 2, needRows: 1 })
    const text = JSON.stringify(rowsOf(wb.worksheets[0]))
    expect(text).toMatch(/张\*/)
    expect(text).not.toMatch(/张三|赵六|孙八|王五|阿司匹林|1380000/)
    const floor = await exportOf(WHO.floorLead, { typeId: STARTER('medicine') })
    expect(floor.out).toMatchObject({ rows: 1, needRows: 0 })
  })

  it('keeps a removed field’s values under its old name', async () => {
    const type = await typeOf(t, 'medicine')
    await r.ok<RegisterTypeView>(WHO.committee, 'saveRegisterType', {
      communityId: C1,
      typeId: type.id,
      requestId: freshId(),
      name: type.name,
      description: type.description,
      needType: 'medicine',
      fields: type.fields.filter((f) => f.label !== '药品名称').map(({ removed: _r, ...f }) => f),
    })
    const { wb } = await exportOf(WHO.committee, { typeId: STARTER('medicine') })
    const rows = rowsOf(wb.worksheets[0])
    const col = rows[2]?.indexOf('药品名称（已停用）') ?? -1
    expect(col).toBeGreaterThan(0)
    expect(rows[3]?.[col]).toBe('硝苯地平')
  })

  it('refuses residents, volunteers, another committee and a building outside the subtree, writing nothing', async () => {
    for (const [who, payload] of [
      [WHO.resident, { typeId: STARTER('medicine') }],
      [WHO.volunteer, { typeId: STARTER('medicine') }],
      [WHO.otherCommittee, { typeId: STARTER('medicine') }],
      [WHO.buildingLead, { typeId: STARTER('medicine'), buildingId: 'b3' }],
      [WHO.committee, { typeId: 'rt_nope' }],
    ] as const) {
      const before = await snapshot(t)
      expect(await r.call(who, 'exportRegister', payload, 'sheets')).toMatchObject({ ok: false, code: 'FORBIDDEN' })
      expect(await snapshot(t)).toBe(before)
    }
  })
})

describe('importing rows', () => {
  let n = 0
  async function upload(csv: string, folder = `registers/${C1}/imports`): Promise<string> {
    const res = (await t.sdk.uploadFile({
      cloudPath: `${folder}/rows-${++n}.csv`,
      fileContent: Buffer.from(`\ufeff${csv}`),
    })) as { fileID: string }
    return res.fileID
  }

  const CSV = [
    '楼栋,房号,人员,药品名称,数量,配药医院,状态,不认识的列',
    '1号,101,张三,硝苯地平,2盒,瑞金医院,待配,x',
    ',3-301,孙八,阿司匹林,,,已配,',
    '1号,909,张三,药,,,待配,',
    '1号,101,钱七,药,,,待配,',
    '1号,102,王五,药,,,退回,',
    '2号,101,钱七,,,,待配,',
    '9号,101,钱七,药,,,待配,',
  ].join('\n')

  it('previews each row with its error, then commits only the good rows on request and rolls them back', async () => {
    const fileID = await upload(CSV)
    const preview = await r.ok<RegisterImportPreview>(
      WHO.committee,
      'registerImportPreview',
      { typeId: STARTER('medicine'), fileID },
      'sheets',
    )
    expect(preview).toMatchObject({ rows: 7, good: 2, ignoredColumns: ['不认识的列'] })
    expect(preview.errors).toEqual([
      { row: 4, reason: '房号不存在：1号 909' },
      { row: 5, reason: '成员不在该户：钱七' },
      { row: 6, reason: '「状态」选项不在列表：退回' },
      { row: 7, reason: '「药品名称」没有填写' },
      { row: 8, reason: '楼栋不存在：9号' },
    ])
    expect(await t.data.count('registerEntries', {})).toBe(0)
    // Not while it has errors, unless the committee says to write only the good rows.
    expect(
      await r.call(WHO.committee, 'commitRegisterImport', { importId: preview.importId, onlyGood: false }),
    ).toMatchObject({ ok: false, code: 'IMPORT_HAS_ERRORS' })
    expect(await t.data.count('registerEntries', {})).toBe(0)
    const done = await r.ok<RegisterImportResult>(WHO.committee, 'commitRegisterImport', {
      importId: preview.importId,
      onlyGood: true,
    })
    expect(done).toMatchObject({ status: 'committed', written: 2 })
    const again = await r.ok<RegisterImportResult>(WHO.committee, 'commitRegisterImport', {
      importId: preview.importId,
      onlyGood: true,
    })
    expect(again).toMatchObject({ status: 'committed', written: 2 })
    const entries = await t.data.findAll<RegisterEntryDoc>('registerEntries', { importId: preview.importId })
    expect(entries.map((e) => [e.room, e.buildingId, e.memberIds, e.values.f3]).sort()).toEqual([
      ['101', 'b1', ['m-zhang'], '硝苯地平'],
      ['301', 'b3', ['m-sun'], '阿司匹林'],
    ])
    const list = await r.ok<RegisterEntriesView>(WHO.committee, 'registerEntries', { typeId: STARTER('medicine') })
    expect(list.total).toBe(2)
    const back = await r.ok<RegisterImportResult>(WHO.committee, 'rollbackRegisterImport', {
      importId: preview.importId,
    })
    expect(back).toMatchObject({ status: 'rolledBack', removed: 2 })
    expect(await t.data.count('registerEntries', {})).toBe(0)
    expect((await t.data.get<RegisterImportDoc>('registerImports', preview.importId))?.status).toBe('rolledBack')
    expect(await t.data.count('registerImportRows', {})).toBe(0)
  })

  it('drops the staged rows of an import left a week unconfirmed, and the import then says so', async () => {
    const fileID = await upload(CSV)
    const preview = await r.ok<RegisterImportPreview>(
      WHO.committee,
      'registerImportPreview',
      { typeId: STARTER('medicine'), fileID },
      'sheets',
    )
    expect(await t.data.count('registerImportRows', { importId: preview.importId })).toBe(1)
    await t.advanceClock(6 * DAY)
    await t.admin('functions/registers/trigger', { body: {} })
    expect(await t.data.count('registerImportRows', { importId: preview.importId })).toBe(1)
    await t.advanceClock(DAY + 60_000)
    await t.admin('functions/registers/trigger', { body: {} })
    expect(await t.data.count('registerImportRows', { importId: preview.importId })).toBe(0)
    const reply = await r.call(WHO.committee, 'commitRegisterImport', { importId: preview.importId, onlyGood: true })
    expect(reply).toMatchObject({ ok: false, code: 'IMPORT_STATE' })
    expect(await t.data.count('registerEntries', {})).toBe(0)
  })

  it('reads dates in the usual spellings and refuses a day that does not exist', async () => {
    const type = await typeOf(t, 'outing')
    const fileID = await upload(
      [
        '房号,人员,事由,外出日期,预计返回',
        '1号-101,张三,就医,2026/11/25,2026年11月27日',
        '1号-101,李四,返岗,20261125,',
        '1号-201,赵六,就医,2026-02-30,',
      ].join('\n'),
    )
    const preview = await r.ok<RegisterImportPreview>(
      WHO.committee,
      'registerImportPreview',
      { typeId: type.id, fileID },
      'sheets',
    )
    expect(preview.good).toBe(2)
    expect(preview.errors).toEqual([{ row: 4, reason: '「外出日期」日期无法识别' }])
    await r.ok(WHO.committee, 'commitRegisterImport', { importId: preview.importId, onlyGood: true })
    const entries = await t.data.findAll<RegisterEntryDoc>('registerEntries', { typeId: type.id })
    const out = fieldId(type, '外出日期')
    const back = fieldId(type, '预计返回')
    expect(entries.map((e) => [e.values[out], e.values[back] ?? '']).sort()).toEqual([
      ['2026-11-25', ''],
      ['2026-11-25', '2026-11-27'],
    ])
  })

  it('takes files only from the community’s register folder, and only for the committee', async () => {
    const elsewhere = await upload(CSV, `ledger/${C1}`)
    expect(
      await r.call(
        WHO.committee,
        'registerImportPreview',
        { typeId: STARTER('medicine'), fileID: elsewhere },
        'sheets',
      ),
    ).toMatchObject({ ok: false, code: 'FILE_NOT_ALLOWED' })
    const fileID = await upload(CSV)
    for (const who of [WHO.buildingLead, WHO.communityLead, WHO.otherCommittee]) {
      const before = await snapshot(t)
      expect(
        await r.call(who, 'registerImportPreview', { typeId: STARTER('medicine'), fileID }, 'sheets'),
      ).toMatchObject({ ok: false, code: 'FORBIDDEN' })
      expect(await snapshot(t)).toBe(before)
    }
    const noHeader = await upload('张三,硝苯地平\n')
    expect(
      await r.call(WHO.committee, 'registerImportPreview', { typeId: STARTER('medicine'), fileID: noHeader }, 'sheets'),
    ).toMatchObject({ ok: false, code: 'FILE_UNREADABLE' })
  })
})
