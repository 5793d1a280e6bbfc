// 线上叫号: a community's testing sessions (open ones first, tap: the queue) and, for the committee and 团长, a new
// session: its name, its sampling points (one line or separated by 、), and its buildings: every building in the
// community's order, or a run of them picked by name (第3栋 to 第27栋).
import type { CallupSessionView } from '../../../typings/api'
import { call, CloudError } from '../../services/cloud'
import { currentMe } from '../../services/session'
import { formatDateTime } from '../../utils/format'
import { openPage } from '../../utils/nav'
import { pageStore } from '../../utils/store'
import { newRequestId } from '../utils/labels'

type LoadState = 'loading' | 'ready' | 'error'

const store = pageStore(() => ({ requestId: '', buildingIds: [] as string[] }))

const row = (s: CallupSessionView) => ({
  id: s.id,
  name: s.name,
  open: s.status === 'open',
  status: s.status === 'open' ? '进行中' : '已结束',
  points: s.points.map((p) => p.name).join('、'),
  when: s.endedAt
    ? `${formatDateTime(s.startedAt)} 开始 · ${formatDateTime(s.endedAt)} 结束`
    : `${formatDateTime(s.startedAt)} 开始`,
  buildings: `${s.buildings} 栋楼`,
})

/** 「12月3日全员核酸」 for today on the phone. */
function defaultName(): string {
  const d = new Date()
  return `${d.getMonth() + 1}月${d.getDate()}日全员核酸`
}

/** Point names as typed: one a line, or separated by 、，, and ;. */
export const pointNames = (raw: string) =>
  raw
    .split(/[\n、，,；;]+/)
    .map((s) => s.trim())
    .filter(Boolean)

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    communityId: '',
    runs: false,
    rows: [] as ReturnType<typeof row>[],
    name: '',
    points: '采样点',
    starting: false,
    formError: '',
    /** Every building, or a run of them by the community's order. */
    allBuildings: true,
    order: [] as string[],
    fromIndex: 0,
    toIndex: 0,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ communityId: query.communityId ?? '', name: defaultName() })
      void this.load()
    },

    onShow() {
      if (this.data.state === 'ready') void this.load()
    },

    async load() {
      const { communityId } = this.data
      if (!communityId) {
        this.setData({ state: 'error', errorMessage: '没有指定社区，请从首页「线上叫号」进入' })
        return
      }
      if (this.data.state !== 'ready') this.setData({ state: 'loading', errorMessage: '' })
      try {
        const [me, sessions] = await Promise.all([
          currentMe(),
          call('callup', 'listSessions', { communityId }, { silent: true }),
        ])
        const runs = me.roles.some(
          (r) => (r.role === 'committee' || r.role === 'communityLead') && r.scope.communityId === communityId,
        )
        this.setData({ state: 'ready', runs, rows: sessions.map(row) })
        if (runs && this.data.order.length === 0) void this.loadBuildings()
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    onRetry() {
      void this.load()
    },

    /** The community's buildings in its order, for the range pickers; without them the page offers every building. */
    async loadBuildings() {
      try {
        const structure = await call('community', 'structure', { communityId: this.data.communityId }, { silent: true })
        const buildings = structure.groups.flatMap((g) => g.buildings)
        store(this).buildingIds = buildings.map((b) => b.id)
        const order = buildings.map((b, i) => `第${i + 1}栋 ${b.name}`)
        this.setData({ order, fromIndex: 0, toIndex: Math.max(0, order.length - 1) })
      } catch {
        // every building it is
      }
    },

    onAll() {
      store(this).requestId = ''
      this.setData({ allBuildings: true, formError: '' })
    },

    onSome() {
      store(this).requestId = ''
      this.setData({ allBuildings: false, formError: '' })
    },

    onFrom(e: WechatMiniprogram.PickerChange) {
      store(this).requestId = ''
      const fromIndex = Number(e.detail.value)
      this.setData({ fromIndex, toIndex: Math.max(fromIndex, this.data.toIndex) })
    },

    onTo(e: WechatMiniprogram.PickerChange) {
      store(this).requestId = ''
      const toIndex = Number(e.detail.value)
      this.setData({ toIndex, fromIndex: Math.min(this.data.fromIndex, toIndex) })
    },

    onOpen(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      if (id) openPage(`/packageCallup/pages/queue?sessionId=${id}`)
    },

    onName(e: WechatMiniprogram.Input) {
      store(this).requestId = ''
      this.setData({ name: e.detail.value, formError: '' })
    },

    onPoints(e: WechatMiniprogram.Input) {
      store(this).requestId = ''
      this.setData({ points: e.detail.value, formError: '' })
    },

    async onStart() {
      if (this.data.starting) return
      const name = this.data.name.trim()
      const points = pointNames(this.data.points)
      if (!name) return this.setData({ formError: '请填写这场叫号的名称，如「12月3日全员核酸」' })
      if (points.length === 0) return this.setData({ formError: '请至少填一个采样点' })
      const s = store(this)
      // The same attempt keeps its id: a retry after a lost reply answers the session it made.
      if (!s.requestId) s.requestId = newRequestId('st')
      this.setData({ starting: true, formError: '' })
      try {
        const q = await call(
          'callup',
          'startSession',
          {
            communityId: this.data.communityId,
            requestId: s.requestId,
            name,
            points: points.map((p) => ({ name: p })),
            ...(this.data.allBuildings || s.buildingIds.length === 0
              ? {}
              : { buildingIds: s.buildingIds.slice(this.data.fromIndex, this.data.toIndex + 1) }),
          },
          { retries: 2, silent: true },
        )
        s.requestId = ''
        openPage(`/packageCallup/pages/queue?sessionId=${q.session.id}`)
      } catch (err) {
        this.setData({ formError: err instanceof CloudError ? err.message : '没有开始，请稍后再试' })
      } finally {
        this.setData({ starting: false })
      }
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
