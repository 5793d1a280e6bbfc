// Importing a register's rows (committee): choose a sheet from a chat, upload it to the register's import folder,
// check it (each bad row with its reason: 房号不存在, 成员不在该户, 日期无法识别, 选项不在列表 …), then write the good
// rows, or none; a written import can be undone.
import type { RegisterImportPreview, RegisterImportResult } from '../../../typings/api'
import { CloudError } from '../../services/cloud'
import { ensurePrivacy, PRIVACY_DECLINED } from '../../services/privacy'
import { confirm, toast } from '../../utils/dialog'
import { registers, sheets } from '../utils/api'

type Busy = '' | 'uploading' | 'checking' | 'committing' | 'rollingBack'

/** Row errors shown; the rest are counted. */
const MAX_ERRORS_SHOWN = 100

Component({
  data: {
    typeId: '',
    communityId: '',
    busy: '' as Busy,
    errorMessage: '',
    preview: null as null | {
      importId: string
      fileName: string
      rows: number
      good: number
      bad: number
      errors: { row: number; reason: string }[]
      ignored: string
    },
    result: null as null | { status: RegisterImportResult['status']; text: string },
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ typeId: query.typeId ?? '', communityId: query.communityId ?? '' })
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
        extension: ['xlsx', 'csv'],
        success: (res) => {
          const file = res.tempFiles[0]
          if (file) void this.upload(file.path, file.name)
        },
      })
    },

    async upload(path: string, name: string) {
      this.setData({ busy: 'uploading', errorMessage: '', preview: null, result: null })
      let fileID: string
      try {
        const safe = name.replace(/[\\/:*?"<>|\s]+/g, '_').slice(-60)
        const res = await wx.cloud.uploadFile({
          cloudPath: `registers/${this.data.communityId}/imports/${Date.now().toString(36)}-${safe}`,
          filePath: path,
        })
        fileID = res.fileID
      } catch {
        this.setData({ busy: '', errorMessage: '文件上传没有成功，请检查网络后重新选择文件' })
        return
      }
      this.setData({ busy: 'checking' })
      try {
        this.show(await sheets('registerImportPreview', { typeId: this.data.typeId, fileID }, { silent: true }))
      } catch (err) {
        this.setData({ errorMessage: err instanceof CloudError ? err.message : '表格没有读出来，请稍后再试' })
      } finally {
        this.setData({ busy: '' })
      }
    },

    show(p: RegisterImportPreview) {
      this.setData({
        preview: {
          importId: p.importId,
          fileName: p.fileName,
          rows: p.rows,
          good: p.good,
          bad: p.rows - p.good,
          errors: p.errors.slice(0, MAX_ERRORS_SHOWN),
          ignored: p.ignoredColumns.join('、'),
        },
      })
    },

    async onCommit() {
      const p = this.data.preview
      if (!p || this.data.busy) return
      const onlyGood = p.bad > 0
      if (
        onlyGood &&
        !(await confirm('只导入正确的行？', `有 ${p.bad} 行有错误，不会导入；导入其余 ${p.good} 行。`, '导入'))
      )
        return
      this.setData({ busy: 'committing' })
      try {
        const r = await registers('commitRegisterImport', { importId: p.importId, onlyGood }, { retries: 2 })
        this.setData({ result: { status: r.status, text: `已导入 ${r.written} 条登记` } })
        toast('导入完成')
      } catch {
        // shown by the call
      } finally {
        this.setData({ busy: '' })
      }
    },

    async onRollback() {
      const p = this.data.preview
      if (!p || this.data.busy) return
      if (!(await confirm('撤销这次导入？', '这次导入写入的登记会全部删除。', '撤销'))) return
      this.setData({ busy: 'rollingBack' })
      try {
        const r = await registers('rollbackRegisterImport', { importId: p.importId })
        this.setData({ result: { status: r.status, text: `已撤销，删除了 ${r.removed} 条登记` } })
      } catch {
        // shown by the call
      } finally {
        this.setData({ busy: '' })
      }
    },
  },
})
