// One register's entries in the caller's subtree: filter by building, search by room, page on; the needs of a linked
// type below as read-only rows (来自需求登记). Add an entry, open one to edit it, export the register; the committee
// also imports rows and edits the fields.
import type { RegisterEntriesView, RegisterEntryView, RegisterNeedRow } from '../../../typings/api'
import { CloudError, showError } from '../../services/cloud'
import { openPage } from '../../utils/nav'
import { openXlsx } from '../../utils/document'
import { formatDateTime } from '../../utils/format'
import { registers, sheets } from '../utils/api'

type LoadState = 'loading' | 'ready' | 'error'

/** Cells shown per entry card (the rest are in the form and the export). */
const CELLS_SHOWN = 4

function entryRow(e: RegisterEntryView, labels: Record<string, string>) {
  return {
    id: e.id,
    label: e.label,
    buildingId: e.buildingId,
    room: e.room,
    lines: e.cells
      .filter((c) => c.text)
      .slice(0, CELLS_SHOWN)
      .map((c) => ({ key: c.fieldId, text: `${labels[c.fieldId] ?? ''}：${c.text}` })),
    by: `${e.updated ? '修改' : '登记'}：${(e.updated ?? e.created).name} ${formatDateTime((e.updated ?? e.created).at)}`,
    editable: e.editable,
  }
}

const needRow = (n: RegisterNeedRow) => ({
  id: n.needId,
  label: `${n.label}${n.person ? ` ${n.person}` : ''}`,
  detail: n.detail,
  status: n.statusLabel,
  at: formatDateTime(n.raisedAt),
})

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    typeId: '',
    communityId: '',
    name: '',
    total: 0,
    next: -1,
    rows: [] as ReturnType<typeof entryRow>[],
    needs: [] as ReturnType<typeof needRow>[],
    linked: false,
    canManage: false,
    buildingNames: ['全部楼栋'] as string[],
    buildingIds: [''] as string[],
    buildingIndex: 0,
    room: '',
    busy: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ typeId: query.typeId ?? '', communityId: query.communityId ?? '' })
      void this.start()
    },

    async start() {
      if (!this.data.typeId || !this.data.communityId) {
        this.setData({ state: 'error', errorMessage: '没有指定底账，请从底账列表进入' })
        return
      }
      try {
        const list = await registers('listRegisters', { communityId: this.data.communityId }, { silent: true })
        this.setData({
          buildingNames: ['全部楼栋', ...list.buildings.map((b) => b.name)],
          buildingIds: ['', ...list.buildings.map((b) => b.id)],
        })
      } catch {
        // The filter is a convenience: the entries still load.
      }
      await this.load()
    },

    filter() {
      const buildingId = this.data.buildingIds[this.data.buildingIndex]
      const room = this.data.room.trim()
      return { typeId: this.data.typeId, ...(buildingId ? { buildingId } : {}), ...(room ? { room } : {}) }
    },

    show(view: RegisterEntriesView, append: boolean) {
      const labels = Object.fromEntries(view.type.fields.map((f) => [f.id, f.label]))
      const rows = view.entries.map((e) => entryRow(e, labels))
      this.setData({
        state: 'ready',
        name: view.type.name,
        total: view.total,
        next: view.next ?? -1,
        rows: append ? [...this.data.rows, ...rows] : rows,
        needs: view.needRows.map(needRow),
        linked: view.type.needType !== undefined,
        canManage: view.canManage,
      })
      wx.setNavigationBarTitle({ title: view.type.name })
    },

    async load() {
      this.setData({ state: this.data.state === 'ready' ? 'ready' : 'loading', errorMessage: '' })
      try {
        this.show(await registers('registerEntries', this.filter(), { silent: true }), false)
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    async onMore() {
      if (this.data.next < 0 || this.data.busy) return
      this.setData({ busy: 'more' })
      try {
        this.show(await registers('registerEntries', { ...this.filter(), from: this.data.next }), true)
      } catch {
        // shown by the call
      } finally {
        this.setData({ busy: '' })
      }
    },

    onRetry() {
      void this.load()
    },

    onBuilding(e: WechatMiniprogram.PickerChange) {
      this.setData({ buildingIndex: Number(e.detail.value) })
      void this.load()
    },

    onRoom(e: WechatMiniprogram.Input) {
      this.setData({ room: e.detail.value })
    },

    onSearch() {
      void this.load()
    },

    onAdd() {
      openPage(`/packageRegisters/pages/entry?typeId=${this.data.typeId}&communityId=${this.data.communityId}`)
    },

    onEntry(e: WechatMiniprogram.TouchEvent) {
      const { id, editable } = e.currentTarget.dataset as { id: string; editable: boolean }
      const row = this.data.rows.find((r) => r.id === id)
      if (row && editable)
        openPage(
          `/packageRegisters/pages/entry?typeId=${this.data.typeId}&communityId=${this.data.communityId}` +
            `&entryId=${id}&buildingId=${row.buildingId}&room=${encodeURIComponent(row.room)}`,
        )
    },

    async onExport() {
      if (this.data.busy) return
      this.setData({ busy: 'export' })
      try {
        const buildingId = this.data.buildingIds[this.data.buildingIndex]
        const file = await sheets('exportRegister', { typeId: this.data.typeId, ...(buildingId ? { buildingId } : {}) })
        await openXlsx(file.fileID, file.fileName, file.tempFileURL)
      } catch (err) {
        if (!(err instanceof CloudError)) showError(new CloudError('INTERNAL', '表格没有打开，请稍后再试'))
      } finally {
        this.setData({ busy: '' })
      }
    },

    onImport() {
      openPage(`/packageRegisters/pages/import?typeId=${this.data.typeId}&communityId=${this.data.communityId}`)
    },

    onEditType() {
      openPage(`/packageRegisters/pages/types?typeId=${this.data.typeId}&communityId=${this.data.communityId}`)
    },

    onShow() {
      if (this.data.state === 'ready') void this.load()
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
