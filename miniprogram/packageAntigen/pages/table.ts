// The round's roll-up (汇总表): one card per building with its figures, abnormal buildings first and in red,
// a subtotal per 营 and the total; computed live by the function on every load. The committee and 团长 end the
// round; only the committee exports it (the spreadsheet names households, numbers and results).
// A community may have a thousand buildings and more: the summaries (total, 片区, abnormal buildings, each 营's
// subtotal) come first, and the building cards are sent to the view a page at a time — a small table shows all of
// them at once; a large one folds each 营 (tap to see its buildings), and 营, buildings and abnormal buildings
// arrive 50 at a time with 「加载更多」 (or on reaching the bottom), so that no setData carries the whole table.
import type { RoundTable, RoundView, TableRow, Totals } from '../../../typings/api'
import { TEMPLATES } from '../../config'
import { call, CloudError, showError } from '../../services/cloud'
import { askSubscribe, currentMe, holds } from '../../services/session'
import { confirm, toast } from '../../utils/dialog'
import { formatDateTime, formatDay, formatTime } from '../../utils/format'
import { openPage } from '../../utils/nav'
import { pageStore } from '../../utils/store'
import { roundStatusText, roundTitle } from '../utils/labels'
import { openXlsx } from '../../utils/document'

type LoadState = 'loading' | 'ready' | 'error'
type Busy = '' | 'export' | 'close'

type Figures = Pick<
  TableRow,
  'expected' | 'submitted' | 'missing' | 'people' | 'negative' | 'positive' | 'invalid' | 'untested'
>

interface Row {
  buildingId: string
  name: string
  abnormal: boolean
  confirmed: boolean
  /** 「楼层 3/5 已确认」 for a building whose floors have 层长; empty otherwise. */
  floors: string
  f: Figures
}

interface GroupBlock {
  groupId: string
  name: string
  confirmed: string
  f: Figures
  /** Buildings in the 营. */
  count: number
  /** Its building cards are shown (those in `rows`; `more` are still to load). */
  expanded: boolean
  rows: Row[]
  more: number
}

interface Alert {
  buildingId: string
  name: string
  positive: number
}

/** Building cards sent to the view at a time (the first page, each 「加载更多」). */
const ROW_PAGE = 50
/** 营 sent at a time in a large table. */
const GROUP_PAGE = 50
/** Abnormal buildings listed at a time at the top. */
const ALERT_PAGE = 50

/** The whole table as computed, for paging; only what is on screen goes through setData. */
const store = pageStore(() => ({ groups: [] as { block: GroupBlock; rows: Row[] }[], alerts: [] as Alert[] }))

const SCOPE_LABELS: Record<RoundTable['scope'], string> = { building: '本楼', group: '本营', community: '全社区' }

const figures = (t: Figures): Figures => ({
  expected: t.expected,
  submitted: t.submitted,
  missing: t.missing,
  people: t.people,
  negative: t.negative,
  positive: t.positive,
  invalid: t.invalid,
  untested: t.untested,
})

const confirmedText = (t: Totals) => `已确认 ${t.confirmed}/${t.buildings} 栋`

function headData(round: RoundView, scope: RoundTable['scope']) {
  return {
    title: `${formatDay(round.date)} 检测汇总`,
    round: roundTitle(round),
    status: roundStatusText(round),
    scope: SCOPE_LABELS[scope],
    closedText: round.closedAt ? `已于 ${formatDateTime(round.closedAt)} 结束` : '',
  }
}

/** Every 营 with all its building cards: 营 with an abnormal building first, each keeping the rows' order. */
function groupsOf(t: RoundTable): { block: GroupBlock; rows: Row[] }[] {
  const byGroup = new Map<string, Row[]>()
  for (const r of t.rows) {
    const list = byGroup.get(r.groupId) ?? []
    list.push({
      buildingId: r.buildingId,
      name: r.name,
      abnormal: r.positive > 0,
      confirmed: r.confirmed,
      floors: r.floors && !r.confirmed ? `楼层 ${r.floors.confirmed}/${r.floors.toConfirm} 已确认` : '',
      f: figures(r),
    })
    byGroup.set(r.groupId, list)
  }
  // Rows come abnormal first; a 营 keeps that order, and 营 with an abnormal building come first too.
  const groups = t.groups.map((g) => {
    const rows = byGroup.get(g.groupId) ?? []
    const block: GroupBlock = {
      groupId: g.groupId,
      name: g.groupName || '未分营',
      confirmed: confirmedText(g),
      f: figures(g),
      count: rows.length,
      expanded: false,
      rows: [],
      more: rows.length,
    }
    return { block, rows }
  })
  const alarming = (rows: Row[]) => (rows.some((r) => r.abnormal) ? 0 : 1)
  return groups
    .map((g, i) => ({ g, i }))
    .sort((a, b) => alarming(a.g.rows) - alarming(b.g.rows) || a.i - b.i)
    .map((x) => x.g)
}

/** A 营's block as shown: folded, or open with its first `shown` building cards. */
function blockOf(g: { block: GroupBlock; rows: Row[] }, expanded: boolean, shown = ROW_PAGE): GroupBlock {
  const rows = expanded ? g.rows.slice(0, shown) : []
  return { ...g.block, expanded, rows, more: expanded ? g.rows.length - rows.length : g.rows.length }
}

/**
 * What the first setData carries: the summaries, the first page of abnormal buildings and of 营. A small table
 * (one page of buildings) and a community without 营 (one block) open their buildings at once; `open` keeps the
 * 营 the user had opened (on pull-down).
 */
function tableData(
  t: RoundTable,
  groups: { block: GroupBlock; rows: Row[] }[],
  alerts: Alert[],
  open = new Set<string>(),
) {
  const foldable = t.rows.length > ROW_PAGE && groups.length > 1
  const shown = groups.slice(0, foldable ? GROUP_PAGE : groups.length)
  return {
    closed: t.round.status === 'closed',
    scope: t.scope,
    head: headData(t.round, t.scope),
    total: { f: figures(t.total), confirmed: confirmedText(t.total) },
    zones: t.zones.map((z) => ({
      zoneId: z.zoneId,
      name: z.zoneName || '片区',
      confirmed: confirmedText(z),
      f: figures(z),
    })),
    alertCount: alerts.length,
    alerts: alerts.slice(0, ALERT_PAGE),
    alertsMore: Math.max(0, alerts.length - ALERT_PAGE),
    foldable,
    groups: shown.map((g) => blockOf(g, !foldable || open.has(g.block.groupId))),
    groupsMore: groups.length - shown.length,
    empty: t.rows.length === 0,
    updated: `更新于 ${formatTime(new Date(Date.now()).toISOString())}，下拉可刷新`,
  }
}

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    roundId: '',
    communityId: '',
    head: { title: '', round: '', status: '', scope: '', closedText: '' },
    scope: 'community' as RoundTable['scope'],
    closed: false,
    total: { f: {} as Figures, confirmed: '' },
    alertCount: 0,
    alerts: [] as Alert[],
    alertsMore: 0,
    /** A large table: each 营 opens on a tap. */
    foldable: false,
    groups: [] as GroupBlock[],
    /** 营 not sent to the view yet. */
    groupsMore: 0,
    zones: [] as { zoneId: string; name: string; confirmed: string; f: ReturnType<typeof figures> }[],
    empty: false,
    updated: '',
    canManage: false,
    canExport: false,
    busy: '' as Busy,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ roundId: query.roundId ?? '' })
      void this.load()
    },

    async load() {
      if (!this.data.roundId) {
        this.setData({ state: 'error', errorMessage: '没有指定检测轮次，请从首页的「检测汇总」进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const [table, me] = await Promise.all([
          call('antigen', 'table', { roundId: this.data.roundId }, { silent: true }),
          currentMe(),
        ])
        const communityId = table.round.communityId
        this.setData({
          state: 'ready',
          communityId,
          canManage: holds(me, ['committee', 'communityLead'], { communityId }),
          canExport: holds(me, ['committee'], { communityId }),
          ...this.remember(table),
        })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    /** Keep the whole table for paging; answer the first page's data. */
    remember(table: RoundTable, open?: Set<string>) {
      const s = store(this)
      s.groups = groupsOf(table)
      s.alerts = table.rows
        .filter((r) => r.positive > 0)
        .map((r) => ({ buildingId: r.buildingId, name: r.name, positive: r.positive }))
      return tableData(table, s.groups, s.alerts, open)
    },

    /** Pull-down: compute the table again, from its first page, keeping open the 营 that were; keep what is shown and say why when it fails. */
    async refresh() {
      if (this.data.state !== 'ready') return this.load()
      try {
        const table = await call('antigen', 'table', { roundId: this.data.roundId }, { silent: true })
        const open = new Set(this.data.groups.filter((g) => g.expanded).map((g) => g.groupId))
        this.setData(this.remember(table, open))
      } catch (err) {
        showError(err instanceof CloudError ? err : new CloudError('NETWORK', '刷新没有成功，请稍后再试'))
      }
    },

    /** Open a 营 with its first page of buildings, or fold it again. */
    onToggleGroup(e: WechatMiniprogram.TouchEvent) {
      const index = Number((e.currentTarget.dataset as { index: number }).index)
      const row = this.data.groups[index]
      const group = store(this).groups[index]
      if (!row || !group) return
      const block = blockOf(group, !row.expanded)
      this.setData({
        [`groups[${index}].expanded`]: block.expanded,
        [`groups[${index}].rows`]: block.rows,
        [`groups[${index}].more`]: block.more,
      })
    },

    /** 「加载更多」 in a 营: append its next page of buildings (only those go through setData). */
    onMoreRows(e: WechatMiniprogram.TouchEvent) {
      this.moreRows(Number((e.currentTarget.dataset as { index: number }).index))
    },

    moreRows(index: number) {
      const row = this.data.groups[index]
      const group = store(this).groups[index]
      if (!row?.expanded || !group || !row.more) return
      const from = row.rows.length
      const next = group.rows.slice(from, from + ROW_PAGE)
      const patch: Record<string, unknown> = { [`groups[${index}].more`]: group.rows.length - from - next.length }
      next.forEach((r, k) => (patch[`groups[${index}].rows[${from + k}]`] = r))
      this.setData(patch)
    },

    /** Append the next page of 营 (folded). */
    onMoreGroups() {
      const from = this.data.groups.length
      const next = store(this).groups.slice(from, from + GROUP_PAGE)
      if (next.length === 0) return
      const patch: Record<string, unknown> = { groupsMore: store(this).groups.length - from - next.length }
      next.forEach((g, k) => (patch[`groups[${from + k}]`] = blockOf(g, false)))
      this.setData(patch)
    },

    onMoreAlerts() {
      const from = this.data.alerts.length
      const all = store(this).alerts
      const next = all.slice(from, from + ALERT_PAGE)
      if (next.length === 0) return
      const patch: Record<string, unknown> = { alertsMore: all.length - from - next.length }
      next.forEach((a, k) => (patch[`alerts[${from + k}]`] = a))
      this.setData(patch)
    },

    /** Reaching the bottom loads what the bottom button would: more 营, or more of the last 营's buildings. */
    onReachBottom() {
      if (this.data.state !== 'ready') return
      if (this.data.groupsMore) return this.onMoreGroups()
      const last = this.data.groups.length - 1
      if (last >= 0) this.moreRows(last)
    },

    onRetry() {
      void this.load()
    },

    onOpen(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      if (id) openPage(`/packageAntigen/pages/chain?roundId=${this.data.roundId}&buildingId=${id}`)
    },

    onFollowUps() {
      wx.navigateTo({
        url: `/packageAntigen/pages/followups?communityId=${this.data.communityId}&roundId=${this.data.roundId}`,
      })
    },

    async onExport() {
      if (this.data.busy) return
      this.setData({ busy: 'export' })
      try {
        const res = await call('sheets', 'exportTable', { roundId: this.data.roundId })
        await openXlsx(res.fileID, res.fileName, res.tempFileURL)
      } catch (err) {
        if (!(err instanceof CloudError)) showError(new CloudError('NETWORK', '表格没有打开，请检查网络后再试'))
      } finally {
        this.setData({ busy: '' })
      }
    },

    async onClose() {
      if (this.data.busy || this.data.closed) return
      const yes = await confirm(
        '结束本轮检测',
        '结束后住户不能再提交，楼组长不能再确认，汇总表就此定下。未确认的楼栋按现在的数字计入。',
        '结束',
      )
      if (!yes) return
      this.setData({ busy: 'close' })
      try {
        const round = await call('antigen', 'closeRound', { roundId: this.data.roundId }, { retries: 2 })
        this.setData({ closed: round.status === 'closed', head: headData(round, this.data.scope) })
        toast('已结束')
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ busy: '' })
      }
    },

    onSubscribeAbnormal() {
      void askSubscribe([TEMPLATES.abnormal]).then((accepted) => {
        if (accepted.length) toast('已开启提醒')
      })
    },

    async onPullDownRefresh() {
      await this.refresh()
      wx.stopPullDownRefresh()
    },
  },
})
