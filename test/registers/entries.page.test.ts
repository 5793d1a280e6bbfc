// A register's entries: filtered by building and room, the needs of its type below as read-only rows, add, open an
// entry to edit, export, and the committee's import and field editor.
import type { ExportFile } from '../../typings/api'
import { ok, sheets, sentSheets } from '../support/pages/fixtures'
import { fakeCloud, find, fire, mount, settleAll, tap, text, texts, type } from '../support/pages/harness'
import { entriesView, listView, registersCloud, sentRegisters, TYPE_ID } from '../support/pages/registers'

const PAGE = 'packageRegisters/pages/entries'
const q = { typeId: TYPE_ID, communityId: 'c_sunny' }
const file: ExportFile = {
  fileID: 'cloud://test-env.bucket/exports/c_sunny/x.xlsx',
  tempFileURL: 'https://tmp/x.xlsx',
  fileName: '配药需求-2026-11-24.xlsx',
}

describe('register entries', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  beforeEach(() => {
    registersCloud({ listRegisters: () => ok(listView()), registerEntries: () => ok(entriesView()) })
  })

  it('shows each entry with its room, values and who wrote it, and the linked needs marked 来自需求登记', async () => {
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sentRegisters('registerEntries')).toEqual([{ typeId: TYPE_ID }])
    expect(text(comp, '#total')).toBe('共 2 条登记')
    expect(texts(comp, '#entry-re_1 .line')).toEqual(['人员：张*明', '药品名称：硝苯地平', '状态：待配'])
    expect(text(comp, '#entry-re_1 .by')).toMatch(/^登记：李\* /)
    expect(text(comp, '#needs-title')).toBe('来自需求登记（1 条，只读）')
    expect(text(comp, '#need-need_1 .need-status')).toBe('已接单')
    expect(text(comp, '#need-need_1 .entry-label')).toBe('12-401 王*')
  })

  it('filters by building and room', async () => {
    const comp = mount(PAGE, q)
    await settleAll()
    await fire(comp, 'change', { value: 1 }, '#building')
    await type(comp, '201', '#room')
    await tap(comp, '#search')
    expect(sentRegisters('registerEntries').slice(-2)).toEqual([
      { typeId: TYPE_ID, buildingId: 'b_12' },
      { typeId: TYPE_ID, buildingId: 'b_12', room: '201' },
    ])
  })

  it('opens an editable entry, not one outside the caller’s part, and adds new ones', async () => {
    const navigate = jest.spyOn(wx, 'navigateTo')
    spies.push(navigate)
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#entry-re_2')
    expect(navigate).not.toHaveBeenCalled()
    await tap(comp, '#entry-re_1')
    expect(navigate).toHaveBeenLastCalledWith(
      expect.objectContaining({
        url: `/packageRegisters/pages/entry?typeId=${TYPE_ID}&communityId=c_sunny&entryId=re_1&buildingId=b_12&room=201`,
      }),
    )
    await tap(comp, '#add')
    expect(navigate).toHaveBeenLastCalledWith(
      expect.objectContaining({ url: `/packageRegisters/pages/entry?typeId=${TYPE_ID}&communityId=c_sunny` }),
    )
  })

  it('exports the register and opens it in the document viewer', async () => {
    sheets({ exportRegister: () => ok({ ...file, rows: 2, needRows: 1 }) })
    const open = jest
      .spyOn(wx, 'openDocument')
      .mockImplementation(((o: WechatMiniprogram.OpenDocumentOption) => o.success?.({ errMsg: 'ok' })) as never)
    spies.push(open)
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#export')
    expect(sentSheets('exportRegister')).toEqual([{ typeId: TYPE_ID }])
    expect(fakeCloud.downloads).toEqual([file.fileID])
    expect(open).toHaveBeenCalled()
  })

  it('hides import and the field editor from leads', async () => {
    registersCloud({
      listRegisters: () => ok(listView({ canManage: false })),
      registerEntries: () => ok(entriesView({ canManage: false })),
    })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(find(comp, '#import')).toBeUndefined()
    expect(find(comp, '#edit-type')).toBeUndefined()
    expect(find(comp, '#add')).toBeDefined()
  })
})
