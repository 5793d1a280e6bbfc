// The round's roll-up (汇总表): one card per building with its figures, abnormal buildings first and in red,
// a subtotal per 营 and the total; computed live by the function on every load. The committee and 团长 end the
// round; only the committee exports it (the spreadsheet names households, numbers and results).
import type { RoundTable, RoundView, TableRow, Totals } from '../../../typings/api'
import { TEMPLATES } from '../../config'
import { call, CloudError, showError } from '../../services/cloud'
import { askSubscribe, currentMe, holds } from '../../services/session'
import { confirm, toast } from '../../utils/dialog'
import { formatDateTime, formatDay, formatTime } from '../../utils/format'
import { openPage } from '../../utils/nav'
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
  f: Figures
}

interface GroupBlock {
  groupId: string
  name: string
  confirmed: string
  f: Figures
  rows: Row[]
}

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

function tableData(t: RoundTable) {
  const rows: Row[] = t.rows.map((r) => ({
    buildingId: r.buildingId,
    name: r.name,
    abnormal: r.positive > 0,
    confirmed: r.confirmed,
    f: figures(r),
  }))
  // Rows come abnormal first; a 营 keeps that order, and 营 with an abnormal building come first too.
  const groups: GroupBlock[] = t.groups.map((g) => ({
    groupId: g.groupId,
    name: g.groupName || '未分营',
    confirmed: confirmedText(g),
    f: figures(g),
    rows: rows.filter((_, i) => t.rows[i]?.groupId === g.groupId),
  }))
  const alarming = (g: GroupBlock) => (g.rows.some((r) => r.abnormal) ? 0 : 1)
  const sorted = groups.map((g, i) => ({ g, i })).sort((a, b) => alarming(a.g) - alarming(b.g) || a.i - b.i)
  const abnormal = t.rows.filter((r) => r.positive > 0)
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
    alerts: abnormal.map((r) => ({ buildingId: r.buildingId, name: r.name, positive: r.positive })),
    groups: sorted.map((x) => x.g),
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
    alerts: [] as { buildingId: string; name: string; positive: number }[],
    groups: [] as GroupBlock[],
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
          ...tableData(table),
        })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    /** Pull-down: compute the table again; keep what is shown and say why when it fails. */
    async refresh() {
      if (this.data.state !== 'ready') return this.load()
      try {
        this.setData(tableData(await call('antigen', 'table', { roundId: this.data.roundId }, { silent: true })))
      } catch (err) {
        showError(err instanceof CloudError ? err : new CloudError('NETWORK', '刷新没有成功，请稍后再试'))
      }
    },

    onRetry() {
      void this.load()
    },

    onOpen(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      if (id) openPage(`/packageAntigen/pages/chain?roundId=${this.data.roundId}&buildingId=${id}`)
    },

    async onExport() {
      if (this.data.busy) return
      this.setData({ busy: 'export' })
      try {
        const res = await call('antigen', 'exportTable', { roundId: this.data.roundId })
        await openXlsx(res.tempFileURL)
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
        const round = await call('antigen', 'closeRound', { roundId: this.data.roundId })
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
