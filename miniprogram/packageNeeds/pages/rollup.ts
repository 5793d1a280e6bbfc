// 需求汇总: a day's needs per building, like the antigen table: columns by type and by status, the total row, and
// for 团长 and the committee the .xlsx export. A 营长 sees their 营's buildings.
import type { NeedRollupRow } from '../../../typings/api'
import { call, CloudError } from '../../services/cloud'
import { openXlsx } from '../../utils/document'
import { NEED_STATUS_LABELS, NEED_STATUSES, NEED_TYPE_LABELS, NEED_TYPES } from '../../shared/needs'

type LoadState = 'loading' | 'ready' | 'error'

const pad = (n: number) => String(n).padStart(2, '0')
const dayOf = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`

/** A table row as cells: the building, then the counts by type, by status, overdue and the total. */
const cells = (r: NeedRollupRow) => ({
  id: r.buildingId || 'total',
  name: r.name,
  counts: [...NEED_TYPES.map((t) => r.byType[t]), ...NEED_STATUSES.map((s) => r.byStatus[s]), r.overdue, r.total].map(
    (v, k) => ({ k, v }),
  ),
})

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    communityId: '',
    day: '',
    today: '',
    headers: [
      ...NEED_TYPES.map((t) => NEED_TYPE_LABELS[t]),
      ...NEED_STATUSES.map((s) => NEED_STATUS_LABELS[s]),
      '超时',
      '合计',
    ],
    rows: [] as ReturnType<typeof cells>[],
    total: null as ReturnType<typeof cells> | null,
    canExport: false,
    exporting: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const today = dayOf(new Date())
      this.setData({ communityId: query.communityId ?? '', day: query.day ?? today, today })
      void this.load()
    },

    async load() {
      const { communityId, day } = this.data
      if (!communityId) {
        this.setData({ state: 'error', errorMessage: '没有指定小区，请从首页「需求汇总」进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const v = await call('needs', 'needRollup', { communityId, day }, { silent: true })
        this.setData({ state: 'ready', rows: v.rows.map(cells), total: cells(v.total), canExport: v.canExport })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    onRetry() {
      void this.load()
    },

    onDay(e: WechatMiniprogram.PickerChange) {
      this.setData({ day: String(e.detail.value) })
      void this.load()
    },

    async onExport() {
      if (this.data.exporting) return
      this.setData({ exporting: true })
      try {
        const file = await call('sheets', 'exportNeeds', { communityId: this.data.communityId, day: this.data.day })
        await openXlsx(file.fileID, file.fileName, file.tempFileURL)
      } catch (err) {
        if (!(err instanceof CloudError))
          wx.showModal({ title: '提示', content: '表格没有打开，请稍后再试', showCancel: false, confirmText: '知道了' })
      } finally {
        this.setData({ exporting: false })
      }
    },
  },
})
