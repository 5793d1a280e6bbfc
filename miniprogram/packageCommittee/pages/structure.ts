// The community tree for the committee: totals, 营 with their buildings, automatic grouping, moving a building,
// renaming a 营 and adding a building. 团长 and 营长 see the same tree without the controls.
import type { GroupSummary, StructureView } from '../../../typings/api'
import { call, CloudError, showError } from '../../services/cloud'
import { currentMe, holds } from '../../services/session'
import { confirm, prompt, toast } from '../../utils/dialog'
import { openPage } from '../../utils/nav'
import { pageStore } from '../../utils/store'

type LoadState = 'loading' | 'ready' | 'error'

interface BuildingRow {
  id: string
  name: string
  counts: string
  lead: string
  groupIndex: number
}

interface GroupRow {
  id: string
  name: string
  lead: string
  summary: string
  expanded: boolean
  buildings: BuildingRow[]
}

/** The groups a building can be moved to: real 营 only (「未分营」 has no id). */
const store = pageStore(() => ({ view: null as StructureView | null, targets: [] as { id: string; name: string }[] }))

function sum(g: GroupSummary, key: 'households' | 'residents' | 'linkedHouseholds') {
  return g.buildings.reduce((n, b) => n + b[key], 0)
}

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    communityId: '',
    canEdit: false,
    name: '',
    totals: '',
    empty: false,
    groups: [] as GroupRow[],
    groupNames: [] as string[],
    newGroupNames: ['自动分配'] as string[],
    sizeText: '',
    sizeError: '',
    newName: '',
    newGroupIndex: 0,
    newNameError: '',
    busy: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ communityId: query.communityId ?? '' })
      void this.load()
    },

    async load() {
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const communityId = this.data.communityId
        const [view, me] = await Promise.all([
          call('community', 'structure', { communityId }, { silent: true }),
          currentMe(),
        ])
        this.setData({ canEdit: holds(me, ['committee'], { communityId }), sizeText: String(view.community.groupSize) })
        this.show(view)
        this.setData({ state: 'ready' })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    /** After a change: read the tree again, keeping open 营 open. */
    async reload() {
      try {
        this.show(await call('community', 'structure', { communityId: this.data.communityId }, { silent: true }))
      } catch {
        // the change is made; pull down to refresh
      }
    },

    show(view: StructureView) {
      const s = store(this)
      s.view = view
      s.targets = view.groups.filter((g) => g.id).map((g) => ({ id: g.id, name: g.name }))
      const open = new Set(this.data.groups.filter((g) => g.expanded).map((g) => g.id))
      const t = view.totals
      this.setData({
        name: view.community.name,
        totals: `${t.buildings} 栋 · ${t.households} 户 · ${t.residents} 人 · 60岁以上 ${t.elderly} 人`,
        empty: t.buildings === 0,
        groups: view.groups.map((g) => ({
          id: g.id,
          name: g.name,
          lead: g.lead ?? (g.id ? '还没有营长' : ''),
          summary: `${g.buildings.length} 栋 · ${sum(g, 'households')} 户 · ${sum(g, 'residents')} 人 · ${sum(g, 'linkedHouseholds')} 户已绑定微信`,
          expanded: open.has(g.id),
          buildings: open.has(g.id) ? this.buildingRows(g) : [],
        })),
        groupNames: s.targets.map((g) => g.name),
        newGroupNames: ['自动分配', ...s.targets.map((g) => g.name)],
      })
    },

    buildingRows(g: GroupSummary): BuildingRow[] {
      const targets = store(this).targets
      return g.buildings.map((b) => ({
        id: b.id,
        name: b.name,
        counts: `${b.households} 户 · ${b.residents} 人 · ${b.linkedHouseholds} 户已绑定微信`,
        lead: b.lead ?? '还没有楼组长',
        groupIndex: targets.findIndex((t) => t.id === b.groupId),
      }))
    },

    onRetry() {
      void this.load()
    },

    onToggleGroup(e: WechatMiniprogram.TouchEvent) {
      const index = (e.currentTarget.dataset as { index: number }).index
      const row = this.data.groups[index]
      const group = store(this).view?.groups[index]
      if (!row || !group) return
      this.setData({
        [`groups[${index}].expanded`]: !row.expanded,
        [`groups[${index}].buildings`]: row.expanded ? [] : this.buildingRows(group),
      })
    },

    async onMove(e: WechatMiniprogram.PickerChange) {
      const { id, name } = e.currentTarget.dataset as { id: string; name: string }
      const target = store(this).targets[Number(e.detail.value)]
      const view = store(this).view
      const current = view?.groups.flatMap((g) => g.buildings).find((b) => b.id === id)?.groupId
      if (!target || target.id === current) return
      try {
        await call('community', 'moveBuilding', { buildingId: id, groupId: target.id })
        toast(`${name}已移到${target.name}`)
        await this.reload()
      } catch {
        // shown in a dialog
      }
    },

    async onRename(e: WechatMiniprogram.TouchEvent) {
      const index = (e.currentTarget.dataset as { index: number }).index
      const row = this.data.groups[index]
      if (!row?.id) return
      const name = await prompt('修改营的名称', '例如 第1营（东区）', row.name)
      if (!name || name === row.name) return
      try {
        const res = await call('community', 'renameGroup', { groupId: row.id, name: name.slice(0, 20) })
        this.setData({ [`groups[${index}].name`]: res.name })
        await this.reload()
      } catch {
        // shown in a dialog
      }
    },

    onSizeInput(e: WechatMiniprogram.Input) {
      this.setData({ sizeText: e.detail.value, sizeError: '' })
    },

    async onAutoGroup() {
      if (this.data.busy) return
      const size = Number(this.data.sizeText)
      if (!Number.isInteger(size) || size < 1 || size > 100) {
        this.setData({ sizeError: '请填写 1 到 100 之间的整数，通常每营 20 栋' })
        return
      }
      const yes = await confirm(
        '自动分营',
        `按楼号顺序每 ${size} 栋分为一营。现有的营按顺序保留营长，楼栋可能换到别的营。`,
        '分营',
      )
      if (!yes) return
      this.setData({ busy: true })
      try {
        this.show(await call('community', 'autoGroup', { communityId: this.data.communityId, size }))
        toast('已重新分营')
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ busy: false })
      }
    },

    onNewNameInput(e: WechatMiniprogram.Input) {
      this.setData({ newName: e.detail.value, newNameError: '' })
    },

    onNewGroup(e: WechatMiniprogram.PickerChange) {
      this.setData({ newGroupIndex: Number(e.detail.value) })
    },

    async onAddBuilding() {
      if (this.data.busy) return
      const name = this.data.newName.trim()
      if (!name) {
        this.setData({ newNameError: '请填写楼栋名称，例如 12号' })
        return
      }
      const target = store(this).targets[this.data.newGroupIndex - 1]
      this.setData({ busy: true })
      try {
        const b = await call(
          'community',
          'upsertBuilding',
          { communityId: this.data.communityId, name, ...(target ? { groupId: target.id } : {}) },
          { silent: true },
        )
        this.setData({ newName: '', newGroupIndex: 0 })
        toast(`已添加${b.name}`)
        await this.reload()
      } catch (err) {
        if (err instanceof CloudError && err.field === 'name') this.setData({ newNameError: err.message })
        else if (err instanceof CloudError) showError(err)
      } finally {
        this.setData({ busy: false })
      }
    },

    onImport() {
      openPage(`/packageCommittee/pages/import?communityId=${this.data.communityId}`)
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
