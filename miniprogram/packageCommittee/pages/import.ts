// The household ledger (住户台账): upload a sheet, check it (row errors block the import), import it in chunks
// with a progress bar, undo it (in chunks too), and export the current ledger.
import type { ImportBuildingSpelling, ImportPreview, ImportProgress, ImportStatus } from '../../../typings/api'
import { call, CloudError, showError } from '../../services/cloud'
import { confirm, toast } from '../../utils/dialog'
import { openXlsx } from '../../utils/document'
import { ensurePrivacy, PRIVACY_DECLINED } from '../../services/privacy'

type Step = 'choose' | 'preview' | 'commit'
type Busy = '' | 'uploading' | 'previewing' | 'committing' | 'rollingBack' | 'exporting'

const EXTENSIONS = ['xlsx', 'csv']
/** Row errors shown at once; the rest are counted (a bad column can fail every row). */
const MAX_ERRORS_SHOWN = 100
/** importCommit calls without progress before the page stops and lets the user continue by hand. */
const MAX_STALLED_CALLS = 20

const STATUS_TEXT: Record<ImportStatus, string> = {
  previewed: '已检查，尚未导入',
  committing: '正在导入…',
  committed: '导入完成',
  failed: '导入失败，请撤销已写入的部分后重新上传',
  rolledBack: '已撤销这次导入',
}

/** 「第 3、5 行」, or 「第 3、5、9、12、15 行等 30 行」. */
function rowList(rows: readonly number[], count: number): string {
  const shown = rows.slice(0, 5).join('、')
  return count > 5 ? `第 ${shown} 行等 ${count} 行` : `第 ${shown} 行`
}

const spelled = (spellings: readonly ImportBuildingSpelling[]) =>
  spellings.map((s) => `「${s.text}」（${rowList(s.rows, s.count)}）`).join('、')

/** Buildings to create, existing ones written another way, look-alikes kept apart: one line each. */
function buildingData(p: ImportPreview) {
  return {
    newBuildingItems: (p.newBuildingSpellings ?? []).slice(0, MAX_ERRORS_SHOWN).map((b) => ({
      key: b.name,
      name: b.name,
      // One spelling needs no explaining; several say which rows were read as this building and why the name.
      detail: b.spellings.length > 1 ? `表格中写作${spelled(b.spellings)}，按同一栋新建，名称取用得最多的写法` : '',
    })),
    matchedItems: (p.matchedSpellings ?? []).slice(0, MAX_ERRORS_SHOWN).map((b) => ({
      key: b.name,
      text: `「${b.name}」在表格中写作${spelled(b.spellings)}，按这栋导入，楼栋名称不变`,
    })),
    buildingWarnings: (p.buildingWarnings ?? [])
      .slice(0, MAX_ERRORS_SHOWN)
      .map((w) => ({ key: `${w.name}-${w.similar}`, message: w.message })),
  }
}

function previewData(p: ImportPreview) {
  return {
    ...buildingData(p),
    importId: p.importId,
    summary: {
      rows: p.rows,
      households: p.households,
      residents: p.residents,
      newHouseholds: p.newHouseholds,
      updatedHouseholds: p.updatedHouseholds,
      unchangedHouseholds: p.unchangedHouseholds,
      newBuildings: p.newBuildings.join('、'),
      newBuildingCount: p.newBuildings.length,
      keptMembers: p.keptMembers
        .slice(0, MAX_ERRORS_SHOWN)
        .map((m) => `${m.building}-${m.room} ${m.name}`)
        .join('、'),
      keptCount: p.keptMembers.length,
    },
    errors: p.errors
      .slice(0, MAX_ERRORS_SHOWN)
      .map((e) => ({ key: `${e.row}-${e.reason}`, row: e.row, reason: e.reason })),
    errorCount: p.errors.length,
    // A row with two problems is one row to fix.
    errorRows: new Set(p.errors.map((e) => e.row)).size,
    ready: p.ready && p.errors.length === 0,
  }
}

function progressData(p: ImportProgress) {
  return {
    status: p.status,
    statusText: STATUS_TEXT[p.status],
    done: p.done,
    total: p.total,
    percent: p.total > 0 ? Math.min(100, Math.round((p.done * 100) / p.total)) : p.status === 'committed' ? 100 : 0,
    message: p.message ?? '',
  }
}

/** Where the community function takes a ledger from: ledger/<communityId>/<one file name>, nothing else. */
const cloudPath = (communityId: string, name: string, now = Date.now()) =>
  `ledger/${communityId}/${now}-${name.replace(/[\\/\s%]+/g, '_')}`

Component({
  data: {
    communityId: '',
    step: 'choose' as Step,
    busy: '' as Busy,
    createBuildings: false,
    fileName: '',
    fileID: '',
    errorMessage: '',
    importId: '',
    summary: {
      rows: 0,
      households: 0,
      residents: 0,
      newHouseholds: 0,
      updatedHouseholds: 0,
      unchangedHouseholds: 0,
      newBuildings: '',
      newBuildingCount: 0,
      keptMembers: '',
      keptCount: 0,
    },
    newBuildingItems: [] as { key: string; name: string; detail: string }[],
    matchedItems: [] as { key: string; text: string }[],
    buildingWarnings: [] as { key: string; message: string }[],
    errors: [] as { key: string; row: number; reason: string }[],
    errorCount: 0,
    errorRows: 0,
    ready: false,
    progress: progressData({ importId: '', status: 'previewed', done: 0, total: 0 }),
    rollbackStarted: false,
  },
  lifetimes: {
    detached() {
      // Stops an import loop when the user leaves the page. The import stays resumable on the server, but this
      // page has no way to find it again: the API lists no imports.
      this.setData({ busy: '' })
    },
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ communityId: query.communityId ?? '' })
    },

    onCreateBuildings(e: WechatMiniprogram.SwitchChange) {
      this.setData({ createBuildings: e.detail.value })
      // The answer changes what the sheet means (unknown buildings are errors or new buildings): check again.
      if (this.data.fileID && this.data.step === 'preview') void this.preview()
    },

    async onChoose() {
      if (this.data.busy) return
      if (!(await ensurePrivacy())) {
        wx.showModal({ title: '提示', content: PRIVACY_DECLINED, showCancel: false })
        return
      }
      wx.chooseMessageFile({
        count: 1,
        type: 'file',
        extension: EXTENSIONS,
        success: (res) => {
          const file = res.tempFiles[0]
          if (file) void this.upload(file)
        },
        // Cancelling the chooser leaves the page as it was.
        fail: () => undefined,
      })
    },

    async upload(file: WechatMiniprogram.ChooseFile) {
      const ext = file.name.split('.').pop()?.toLowerCase() ?? ''
      if (!EXTENSIONS.includes(ext)) {
        this.setData({ errorMessage: '请选择 .xlsx 或 .csv 格式的住户台账表格' })
        return
      }
      this.setData({ busy: 'uploading', errorMessage: '', fileName: file.name, step: 'choose' })
      try {
        const res = await wx.cloud.uploadFile({
          cloudPath: cloudPath(this.data.communityId, file.name),
          filePath: file.path,
        })
        this.setData({ fileID: res.fileID })
      } catch {
        this.setData({ busy: '', errorMessage: '文件上传没有成功，请检查网络后重新选择文件' })
        return
      }
      await this.preview()
    },

    async preview() {
      this.setData({ busy: 'previewing', errorMessage: '' })
      try {
        const p = await call(
          'sheets',
          'importPreview',
          { communityId: this.data.communityId, fileID: this.data.fileID, createBuildings: this.data.createBuildings },
          { silent: true },
        )
        this.setData({ step: 'preview', rollbackStarted: false, ...previewData(p) })
      } catch (err) {
        this.setData({ step: 'choose', errorMessage: err instanceof CloudError ? err.message : '表格没有检查成功' })
      } finally {
        this.setData({ busy: '' })
      }
    },

    onRetryPreview() {
      if (this.data.fileID) void this.preview()
    },

    async onCommit() {
      const d = this.data
      if (d.busy || !d.ready || d.errorCount > 0) return
      const s = d.summary
      const yes = await confirm(
        '导入住户台账',
        `将导入 ${s.households} 户、${s.residents} 人：新增 ${s.newHouseholds} 户，更新 ${s.updatedHouseholds} 户。` +
          (s.newBuildingCount ? `将新建 ${s.newBuildingCount} 个楼栋。` : '') +
          '导入后可以撤销。',
        '导入',
      )
      if (yes) await this.commit()
    },

    /**
     * The function imports a chunk per call: call again while it says `committing` and moves on. A chunk that
     * failed comes back with a message and no progress: stop there and let the user continue.
     */
    async commit() {
      this.setData({ step: 'commit', busy: 'committing', errorMessage: '' })
      try {
        let p = await call('community', 'importCommit', { importId: this.data.importId })
        this.setData({ progress: progressData(p) })
        let stalled = 0
        while (p.status === 'committing' && this.data.busy === 'committing') {
          const before = p.done
          p = await call('community', 'importCommit', { importId: this.data.importId })
          this.setData({ progress: progressData(p) })
          stalled = p.done === before ? stalled + 1 : 0
          if (stalled > 0 && p.message) break
          if (stalled >= MAX_STALLED_CALLS) {
            this.setData({ errorMessage: '导入暂时没有进展，请稍后点「继续导入」' })
            break
          }
        }
        if (p.status === 'committed') toast('导入完成')
      } catch (err) {
        this.setData({ errorMessage: err instanceof CloudError ? err.message : '导入中断，请点「继续导入」' })
      } finally {
        this.setData({ busy: '' })
      }
    },

    onContinue() {
      if (!this.data.busy) void this.commit()
    },

    async onRollback() {
      if (this.data.busy) return
      const yes = await confirm('撤销这次导入', '这次导入新增和修改的住户信息将恢复到导入之前。', '撤销')
      if (yes) await this.rollback()
    },

    /** Rollback also goes a chunk per call, keeping the import's status until it is `rolledBack`. */
    async rollback() {
      this.setData({ busy: 'rollingBack', rollbackStarted: true, errorMessage: '' })
      try {
        let p = await call('community', 'importRollback', { importId: this.data.importId })
        this.setData({ progress: progressData(p) })
        let stalled = 0
        while (p.status !== 'rolledBack' && this.data.busy === 'rollingBack') {
          const before = p.done
          p = await call('community', 'importRollback', { importId: this.data.importId })
          this.setData({ progress: progressData(p) })
          stalled = p.done === before ? stalled + 1 : 0
          if (stalled >= MAX_STALLED_CALLS) {
            this.setData({ errorMessage: '撤销暂时没有进展，请稍后点「继续撤销」' })
            break
          }
        }
        if (p.status === 'rolledBack') toast('已撤销')
      } catch (err) {
        this.setData({ errorMessage: err instanceof CloudError ? err.message : '撤销中断，请点「继续撤销」' })
      } finally {
        this.setData({ busy: '' })
      }
    },

    onReset() {
      this.setData({
        step: 'choose',
        fileID: '',
        fileName: '',
        importId: '',
        errors: [],
        errorCount: 0,
        errorRows: 0,
        errorMessage: '',
      })
    },

    async onExport() {
      if (this.data.busy) return
      this.setData({ busy: 'exporting' })
      try {
        const res = await call('sheets', 'exportLedger', { communityId: this.data.communityId })
        await openXlsx(res.fileID, res.fileName, res.tempFileURL)
      } catch (err) {
        if (!(err instanceof CloudError)) showError(new CloudError('NETWORK', '台账文件没有打开，请检查网络后再试'))
      } finally {
        this.setData({ busy: '' })
      }
    },
  },
})
