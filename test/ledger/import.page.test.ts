import type { ImportPreview, ImportProgress } from '../../typings/api'
import {
  community,
  fail,
  ok,
  sent,
  sentSheets,
  sheets,
  type Handlers,
  type SheetsHandlers,
} from '../support/pages/fixtures'
import { phoneFiles, USER_DATA_PATH } from '../support/pages/documents'
import { attr, fakeCloud, fire, mount, settleAll, tap, text, texts } from '../support/pages/harness'

const PAGE = 'packageCommittee/pages/import'

/** The page's calls: reading the file and the export go to the `sheets` function, the rest to `community`. */
function ledger({ importPreview, exportLedger, ...rest }: Handlers & SheetsHandlers): void {
  sheets({ ...(importPreview ? { importPreview } : {}), ...(exportLedger ? { exportLedger } : {}) })
  community(rest)
}
const q = { communityId: 'c_sunny' }

function preview(partial: Partial<ImportPreview> = {}): ImportPreview {
  return {
    importId: 'imp_1',
    rows: 3401,
    households: 1506,
    residents: 3400,
    newHouseholds: 1490,
    updatedHouseholds: 16,
    newBuildings: [],
    errors: [],
    ready: true,
    unchangedHouseholds: 0,
    keptMembers: [],
    ...partial,
  }
}

function chooseFile(name = '阳光小区台账.xlsx') {
  return jest.spyOn(wx, 'chooseMessageFile').mockImplementation(((opts: WechatMiniprogram.ChooseMessageFileOption) => {
    opts.success?.({
      tempFiles: [{ name, path: 'wxfile://tmp_ledger', size: 20480, time: 0, type: 'file' }],
      errMsg: 'ok',
    })
  }) as never)
}

function answerModal(confirm: boolean) {
  return jest.spyOn(wx, 'showModal').mockImplementation(((opts: WechatMiniprogram.ShowModalOption) => {
    opts.success?.({ confirm, cancel: !confirm, content: '', errMsg: 'showModal:ok' })
  }) as never)
}

describe('ledger import', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('starts empty, then uploads the chosen sheet to ledger/<communityId>/ and previews it', async () => {
    ledger({ importPreview: () => ok(preview({ newBuildings: ['22号', '23号'] })) })
    spies.push(chooseFile(), jest.spyOn(Date, 'now').mockReturnValue(1763600000000))
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#choose-file')).toBe('选择表格文件')
    expect(comp.querySelector('#summary')).toBeUndefined()

    await fire(comp, 'change', { value: true }, '#create-buildings')
    await tap(comp, '#choose-file')
    expect(fakeCloud.uploads).toEqual([
      { cloudPath: 'ledger/c_sunny/1763600000000-阳光小区台账.xlsx', filePath: 'wxfile://tmp_ledger' },
    ])
    expect(sentSheets('importPreview')).toEqual([
      {
        communityId: 'c_sunny',
        fileID: 'cloud://test-env.test-env-bucket/ledger/c_sunny/1763600000000-阳光小区台账.xlsx',
        createBuildings: true,
      },
    ])
    expect(text(comp, '#summary')).toContain('1506 户')
    expect(text(comp, '#summary')).toContain('3400 人')
    expect(text(comp, '#new-buildings')).toContain('22号、23号')
    expect(comp.data.ready).toBe(true)
    expect(attr(comp, '#commit', 'disabled')).toBe(false)
  })

  it('says which WeChat-linked residents missing from the file will be kept', async () => {
    ledger({
      importPreview: () =>
        ok(preview({ unchangedHouseholds: 12, keptMembers: [{ building: '3号', room: '201', name: '张三' }] })),
    })
    spies.push(chooseFile())
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#choose-file')
    expect(text(comp, '#summary')).toContain('12 户')
    expect(text(comp, '#kept-members')).toContain('1 位居民会保留')
    expect(text(comp, '#kept-members')).toContain('3号-201 张三')
  })

  it('says which buildings it creates from which spellings, which existing ones keep their names, and look-alikes', async () => {
    ledger({
      importPreview: () =>
        ok(
          preview({
            newBuildings: ['9号楼', '10号楼', '22号'],
            newBuildingSpellings: [
              {
                name: '9号楼',
                spellings: [
                  { text: '9号楼', count: 7, rows: [3, 5, 6, 9, 11, 12, 14] },
                  { text: '9号', count: 2, rows: [4, 8] },
                ],
              },
              {
                name: '10号楼',
                spellings: [
                  { text: '10号楼', count: 2, rows: [16, 18] },
                  { text: '10栋', count: 1, rows: [17] },
                ],
              },
              { name: '22号', spellings: [{ text: '22号', count: 3, rows: [20, 21, 22] }] },
            ],
            matchedSpellings: [{ name: '1号楼', spellings: [{ text: '1号', count: 1, rows: [2] }] }],
            buildingWarnings: [
              {
                name: '9号楼',
                rows: [3, 5],
                similar: '9号楼1单元',
                similarExists: true,
                message: '将新建的「9号楼」（第 3、5 行）与已有楼栋「9号楼1单元」相近，但不能确定是同一栋，没有合并',
              },
            ],
          }),
        ),
      importCommit: () => ok({ importId: 'imp_1', status: 'committed', done: 1, total: 1 }),
    })
    const modal = answerModal(false)
    spies.push(chooseFile(), modal)
    const comp = mount(PAGE, q)
    await tap(comp, '#choose-file')
    expect(text(comp, '#new-buildings')).toContain('将新建 3 个楼栋')
    expect(text(comp, '#new-buildings')).toContain('9号楼、10号楼、22号')
    expect(texts(comp, '.new-building')).toEqual([
      '9号楼表格中写作「9号楼」（第 3、5、6、9、11 行等 7 行）、「9号」（第 4、8 行），按同一栋新建，名称取用得最多的写法',
      '10号楼表格中写作「10号楼」（第 16、18 行）、「10栋」（第 17 行），按同一栋新建，名称取用得最多的写法',
    ])
    expect(texts(comp, '.matched-building')).toEqual([
      '「1号楼」在表格中写作「1号」（第 2 行），按这栋导入，楼栋名称不变',
    ])
    expect(text(comp, '#building-warnings')).toContain('请核对 1 处相近的楼栋名称')
    expect(texts(comp, '.building-warning')).toEqual([
      '将新建的「9号楼」（第 3、5 行）与已有楼栋「9号楼1单元」相近，但不能确定是同一栋，没有合并',
    ])
    // A warning does not block the import; the confirmation counts the buildings to create.
    expect(attr(comp, '#commit', 'disabled')).toBe(false)
    await tap(comp, '#commit')
    expect(modal).toHaveBeenCalledWith(expect.objectContaining({ content: expect.stringContaining('将新建 3 个楼栋') }))
  })

  it('shows no building notes when nothing is created or written another way', async () => {
    ledger({ importPreview: () => ok(preview()) })
    spies.push(chooseFile())
    const comp = mount(PAGE, q)
    await tap(comp, '#choose-file')
    expect(comp.querySelector('#new-buildings')).toBeUndefined()
    expect(comp.querySelector('#matched-buildings')).toBeUndefined()
    expect(comp.querySelector('#building-warnings')).toBeUndefined()
  })

  it('lists the row errors and keeps the commit button disabled', async () => {
    ledger({
      importPreview: () =>
        ok(
          preview({
            ready: false,
            errors: [
              { row: 7, reason: '房号格式不正确：「2O1」' },
              { row: 12, reason: '没有「15号」这栋楼（可勾选自动建楼）' },
              { row: 12, reason: '手机号格式不正确' },
            ],
          }),
        ),
      importCommit: () => ok({ importId: 'imp_1', status: 'committed', done: 1, total: 1 }),
    })
    spies.push(chooseFile())
    const comp = mount(PAGE, q)
    await tap(comp, '#choose-file')
    // Two rows to fix, one of them with two problems.
    expect(text(comp, '#row-errors')).toContain('有 2 行需要修改（共 3 处）')
    expect(texts(comp, '.row-error')).toEqual([
      '第 7 行房号格式不正确：「2O1」',
      '第 12 行没有「15号」这栋楼（可勾选自动建楼）',
      '第 12 行手机号格式不正确',
    ])
    expect(attr(comp, '#commit', 'disabled')).toBe(true)

    spies.push(answerModal(true))
    await tap(comp, '#commit')
    expect(sent('importCommit')).toEqual([])
  })

  it('previews again when the create-buildings switch changes', async () => {
    ledger({ importPreview: (p) => ok(preview({ newBuildings: p.createBuildings ? ['22号'] : [] })) })
    spies.push(chooseFile())
    const comp = mount(PAGE, q)
    await tap(comp, '#choose-file')
    await fire(comp, 'change', { value: true }, '#create-buildings')
    expect(sentSheets('importPreview').map((p) => p.createBuildings)).toEqual([false, true])
    expect(text(comp, '#new-buildings')).toContain('22号')
  })

  it('commits chunk by chunk while the function says committing, updating the progress bar, then rolls back', async () => {
    const chunks: ImportProgress[] = [
      { importId: 'imp_1', status: 'committing', done: 500, total: 1506 },
      { importId: 'imp_1', status: 'committing', done: 1000, total: 1506 },
      { importId: 'imp_1', status: 'committed', done: 1506, total: 1506 },
    ]
    const undo: ImportProgress[] = [
      { importId: 'imp_1', status: 'committed', done: 300, total: 1506, message: '正在撤销导入：已处理 300 / 1506 户' },
      { importId: 'imp_1', status: 'rolledBack', done: 1506, total: 1506 },
    ]
    const seen: number[] = []
    const page: { comp?: ReturnType<typeof mount> } = {}
    ledger({
      importPreview: () => ok(preview()),
      importCommit: () => {
        seen.push(page.comp?.data.progress.percent as number)
        return ok(chunks.shift() as ImportProgress)
      },
      importRollback: () => ok(undo.shift() as ImportProgress),
    })
    spies.push(chooseFile(), answerModal(true))
    const comp = mount(PAGE, q)
    page.comp = comp
    await tap(comp, '#choose-file')
    await tap(comp, '#commit')

    expect(sent('importCommit')).toEqual([{ importId: 'imp_1' }, { importId: 'imp_1' }, { importId: 'imp_1' }])
    expect(seen).toEqual([0, 33, 66])
    expect(comp.data.progress.percent).toBe(100)
    expect(text(comp, '#progress-text')).toBe('已完成 1506 / 1506')
    expect(text(comp, '#progress')).toContain('导入完成')
    expect(comp.querySelector('#continue')).toBeUndefined()

    await tap(comp, '#rollback')
    expect(sent('importRollback')).toEqual([{ importId: 'imp_1' }, { importId: 'imp_1' }])
    expect(text(comp, '#progress')).toContain('已撤销这次导入')
    expect(comp.querySelector('#rollback')).toBeUndefined()
    expect(text(comp, '#another')).toBe('导入另一个表格')
  })

  it('stops when a chunk comes back with a message and no progress, and continues on tap', async () => {
    const chunks: ImportProgress[] = [
      { importId: 'imp_1', status: 'committing', done: 500, total: 1506 },
      {
        importId: 'imp_1',
        status: 'committing',
        done: 500,
        total: 1506,
        message: '写入第 501–1000 户时中断，请再次提交继续导入',
      },
      { importId: 'imp_1', status: 'committing', done: 1000, total: 1506 },
      { importId: 'imp_1', status: 'committed', done: 1506, total: 1506 },
    ]
    ledger({ importPreview: () => ok(preview()), importCommit: () => ok(chunks.shift() as ImportProgress) })
    spies.push(chooseFile(), answerModal(true))
    const comp = mount(PAGE, q)
    await tap(comp, '#choose-file')
    await tap(comp, '#commit')
    expect(sent('importCommit')).toHaveLength(2)
    expect(text(comp, '#progress-message')).toContain('写入第 501–1000 户时中断')
    await tap(comp, '#continue')
    expect(sent('importCommit')).toHaveLength(4)
    expect(text(comp, '#progress')).toContain('导入完成')
  })

  it('offers rollback, not continuing, when the import failed', async () => {
    ledger({
      importPreview: () => ok(preview()),
      importCommit: () =>
        ok({ importId: 'imp_1', status: 'failed', done: 500, total: 1506, message: '楼栋「15号」在预览后被删除' }),
    })
    spies.push(chooseFile(), answerModal(true))
    const comp = mount(PAGE, q)
    await tap(comp, '#choose-file')
    await tap(comp, '#commit')
    expect(text(comp, '#progress')).toContain('导入失败')
    expect(text(comp, '#progress-message')).toContain('楼栋「15号」在预览后被删除')
    expect(comp.querySelector('#continue')).toBeUndefined()
    expect(text(comp, '#rollback')).toBe('撤销这次导入')
  })

  it('stops on an error mid-import and continues on tap', async () => {
    let broken = true
    ledger({
      importPreview: () => ok(preview()),
      importCommit: () =>
        broken
          ? fail('INTERNAL', '系统繁忙，请稍后再试')
          : ok({ importId: 'imp_1', status: 'committed', done: 1506, total: 1506 }),
    })
    spies.push(chooseFile(), answerModal(true))
    const comp = mount(PAGE, q)
    await tap(comp, '#choose-file')
    await tap(comp, '#commit')
    expect(text(comp, '#commit-error')).toBe('系统繁忙，请稍后再试')

    broken = false
    await tap(comp, '#continue')
    expect(text(comp, '#progress')).toContain('导入完成')
  })

  it('shows an unreadable file and checks it again on retry', async () => {
    let broken = true
    ledger({
      importPreview: () =>
        broken ? fail('FILE_UNREADABLE', '文件无法读取，请上传 .xlsx 或 .csv 表格') : ok(preview()),
    })
    spies.push(chooseFile())
    const comp = mount(PAGE, q)
    await tap(comp, '#choose-file')
    expect(text(comp, '#choose-error')).toContain('文件无法读取')
    broken = false
    await tap(comp, '#retry-preview')
    expect(text(comp, '#summary')).toContain('1506 户')
  })

  it('refuses other file types and failed uploads before calling the function', async () => {
    ledger({ importPreview: () => ok(preview()) })
    spies.push(chooseFile('照片.jpg'))
    const comp = mount(PAGE, q)
    await tap(comp, '#choose-file')
    expect(text(comp, '#choose-error')).toContain('请选择 .xlsx 或 .csv')
    spies.pop()?.mockRestore()

    spies.push(chooseFile(), jest.spyOn(fakeCloud, 'uploadFile').mockRejectedValue({ errMsg: 'cloud.uploadFile:fail' }))
    await tap(comp, '#choose-file')
    expect(text(comp, '#choose-error')).toContain('文件上传没有成功')
    expect(sentSheets('importPreview')).toEqual([])
  })

  it('exports the ledger and opens it by its fileID under its own name', async () => {
    ledger({
      exportLedger: () =>
        ok({
          fileID: 'cloud://test-env.test-env-bucket/ledger-exports/c_sunny/20261124-ab12.xlsx',
          tempFileURL: 'https://tmp.example/ledger.xlsx',
          fileName: '阳光小区住户台账-20261124.xlsx',
          households: 1506,
          residents: 3400,
        }),
    })
    const phone = phoneFiles()
    const download = jest.spyOn(wx, 'downloadFile')
    spies.push(download, { mockRestore: () => phone.restore() } as jest.SpyInstance)
    const comp = mount(PAGE, q)
    await tap(comp, '#export-button')
    await settleAll()
    expect(sentSheets('exportLedger')).toEqual([q])
    expect(fakeCloud.downloads).toEqual(['cloud://test-env.test-env-bucket/ledger-exports/c_sunny/20261124-ab12.xlsx'])
    expect(download).not.toHaveBeenCalled()
    expect(phone.opened).toEqual([
      { filePath: `${USER_DATA_PATH}/exports/阳光小区住户台账-20261124.xlsx`, fileType: 'xlsx', showMenu: true },
    ])
  })
})
