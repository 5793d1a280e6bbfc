// Importing a register's rows: the chosen sheet uploaded to registers/<communityId>/imports/, checked with each bad
// row's reason, the good rows written only when confirmed, and the import undone.
import type { RegisterImportPreview } from '../../typings/api'
import { fail, ok, sheets, sentSheets } from '../support/pages/fixtures'
import { fakeCloud, find, mount, settleAll, tap, text, texts } from '../support/pages/harness'
import { registersCloud, sentRegisters, TYPE_ID } from '../support/pages/registers'

const PAGE = 'packageRegisters/pages/import'
const q = { typeId: TYPE_ID, communityId: 'c_sunny' }

const preview: RegisterImportPreview = {
  importId: 'rimp_1',
  typeId: TYPE_ID,
  fileName: '配药.xlsx',
  rows: 5,
  good: 3,
  errors: [
    { row: 4, reason: '房号不存在：12号 909' },
    { row: 6, reason: '成员不在该户：钱七' },
  ],
  ignoredColumns: ['备用'],
}

function chooseFile(name = '配药.xlsx') {
  return jest.spyOn(wx, 'chooseMessageFile').mockImplementation(((opts: WechatMiniprogram.ChooseMessageFileOption) => {
    opts.success?.({
      tempFiles: [{ name, path: 'wxfile://tmp_rows', size: 2048, time: 0, type: 'file' }],
      errMsg: 'ok',
    })
  }) as never)
}
function answerModal(confirm: boolean) {
  return jest.spyOn(wx, 'showModal').mockImplementation(((opts: WechatMiniprogram.ShowModalOption) => {
    opts.success?.({ confirm, cancel: !confirm, content: '', errMsg: 'showModal:ok' })
  }) as never)
}

describe('register import', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('uploads the sheet, shows the row errors, writes only the good rows when confirmed and undoes them', async () => {
    sheets({ registerImportPreview: () => ok(preview) })
    registersCloud({
      commitRegisterImport: () => ok({ importId: 'rimp_1', status: 'committed', written: 3, removed: 0 }),
      rollbackRegisterImport: () => ok({ importId: 'rimp_1', status: 'rolledBack', written: 0, removed: 3 }),
    })
    spies.push(chooseFile())
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#choose')
    expect(fakeCloud.uploads[0]?.cloudPath).toMatch(/^registers\/c_sunny\/imports\/[a-z0-9]+-配药\.xlsx$/)
    expect(sentSheets('registerImportPreview')[0]?.typeId).toBe(TYPE_ID)
    expect(text(comp, '#summary')).toBe('共 5 行：3 行正确，2 行有错误')
    expect(texts(comp, '.row-error')).toEqual(['第 4 行：房号不存在：12号 909', '第 6 行：成员不在该户：钱七'])
    expect(text(comp, '#commit')).toBe('只导入正确的 3 行')
    const modal = answerModal(false)
    spies.push(modal)
    await tap(comp, '#commit')
    expect(sentRegisters('commitRegisterImport')).toEqual([])
    modal.mockRestore()
    spies.push(answerModal(true))
    await tap(comp, '#commit')
    expect(sentRegisters('commitRegisterImport')).toEqual([{ importId: 'rimp_1', onlyGood: true }])
    expect(text(comp, '#result')).toBe('已导入 3 条登记')
    await tap(comp, '#rollback')
    expect(sentRegisters('rollbackRegisterImport')).toEqual([{ importId: 'rimp_1' }])
    expect(text(comp, '#result')).toBe('已撤销，删除了 3 条登记')
    expect(find(comp, '#rollback')).toBeUndefined()
  })

  it('says why a file was not read, and what to do when the upload fails', async () => {
    sheets({ registerImportPreview: () => fail('FILE_UNREADABLE', '表格缺少必填的列：药品名称') })
    spies.push(chooseFile())
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#choose')
    expect(text(comp, '#error')).toBe('表格缺少必填的列：药品名称')
    fakeCloud.failUploads = true
    await tap(comp, '#choose')
    expect(text(comp, '#error')).toMatch(/上传没有成功/)
  })
})
