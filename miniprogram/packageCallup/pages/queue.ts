// 叫号队列: a session's buildings in order with their state, who called them and how long they have waited,
// refreshed every 15 seconds; for the committee, 团长 and the point's 核酸 volunteers the controls: call the next
// one, the next N, a range by order (pickers naming each building) or one building (tap it: also 重新叫号, 跳过,
// 检测中, 已完成), and 结束叫号.
import type { CallupBuildingView, CallupCallResult, CallupQueueView, CallupState } from '../../../typings/api'
import { call, CloudError } from '../../services/cloud'
import { confirm, prompt, toast } from '../../utils/dialog'
import { formatTime } from '../../utils/format'
import { pageStore } from '../../utils/store'
import { newRequestId, ordinal, STATE_CLASS, STATE_LABELS } from '../utils/labels'

type LoadState = 'loading' | 'ready' | 'error'

export const REFRESH_MS = 15_000
const MAX_N = 50
/** How many buildings the range pickers take when the page opens. */
const RANGE_SHOWN = 10

const store = pageStore(() => ({
  view: null as CallupQueueView | null,
  timer: 0 as number,
  shown: false,
  /** An attempt's request id by what it asks for, kept until it succeeds (a retry must not call twice). */
  attempts: new Map<string, string>(),
}))

function meta(b: CallupBuildingView): string {
  const parts: string[] = []
  if (b.called)
    parts.push(`${formatTime(b.called.at)} ${b.calls > 1 ? `第${b.calls}次叫号` : '叫号'} · ${b.called.byName}`)
  if (b.waitedMinutes !== undefined)
    parts.push(b.state === 'done' ? `用时 ${b.waitedMinutes} 分钟` : `已等 ${b.waitedMinutes} 分钟`)
  if (b.done)
    parts.push(
      `${formatTime(b.done.at)} 完成${b.done.tested !== undefined ? ` ${b.done.tested} 人` : ''} · ${b.done.byName}`,
    )
  if (b.skipped) parts.push(`跳过：${b.skipped.reason} · ${b.skipped.byName}`)
  return parts.join('；')
}

const row = (b: CallupBuildingView) => ({
  id: b.buildingId,
  label: ordinal(b.pos, b.name),
  state: b.state,
  stateText: STATE_LABELS[b.state],
  stateClass: STATE_CLASS[b.state],
  meta: meta(b),
})

const countsText = (v: CallupQueueView) =>
  `已完成 ${v.counts.done} · 已叫号 ${v.counts.called + v.counts.testing} · 待叫号 ${v.counts.waiting}` +
  (v.counts.skipped ? ` · 已跳过 ${v.counts.skipped}` : '')

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    sessionId: '',
    title: '',
    open: false,
    points: '',
    counts: '',
    refreshError: '',
    rows: [] as ReturnType<typeof row>[],
    canCall: false,
    canEnd: false,
    canMark: false,
    /** The points the caller calls at, for the picker (names). */
    pointNames: [] as string[],
    pointIndex: 0,
    nextName: '',
    n: 5,
    /** The range pickers: every building by its place in the order. */
    order: [] as string[],
    fromIndex: 0,
    toIndex: 0,
    rangeText: '',
    busy: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ sessionId: query.sessionId ?? '' })
      void this.load()
    },

    onShow() {
      const s = store(this)
      if (s.shown && this.data.state === 'ready') void this.refresh()
      s.shown = true
      this.startTimer()
    },

    onHide() {
      this.stopTimer()
    },

    onUnload() {
      this.stopTimer()
    },

    startTimer() {
      const s = store(this)
      if (s.timer) return
      s.timer = setInterval(() => void this.refresh(), REFRESH_MS) as unknown as number
    },

    stopTimer() {
      const s = store(this)
      if (s.timer) clearInterval(s.timer)
      s.timer = 0
    },

    async load() {
      const { sessionId } = this.data
      if (!sessionId) {
        this.setData({ state: 'error', errorMessage: '没有指定叫号，请从「线上叫号」进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        this.show(await call('callup', 'queue', { sessionId }, { silent: true }))
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    /** The timer's refresh: a failure keeps what is on screen and says so. */
    async refresh() {
      if (this.data.state !== 'ready' || this.data.busy) return
      try {
        this.show(await call('callup', 'queue', { sessionId: this.data.sessionId }, { silent: true }))
      } catch {
        this.setData({ refreshError: '网络不太好，队列暂时没有更新' })
      }
    },

    show(v: CallupQueueView) {
      const s = store(this)
      s.view = v
      const callable = v.session.points.filter((p) => v.can.pointIds.includes(p.id))
      const pointIndex = Math.min(this.data.pointIndex, Math.max(0, callable.length - 1))
      const point = callable[pointIndex]
      const next = v.next.find((x) => x.pointId === point?.id)
      const last = Math.max(0, v.buildings.length - 1)
      // First shown: the range starts at the first waiting building and takes the next RANGE_SHOWN (a tap never
      // calls the whole community by default); later refreshes keep what the caller picked.
      const first = Math.max(
        0,
        v.buildings.findIndex((b) => b.state === 'waiting'),
      )
      const shown = this.data.state === 'ready'
      const toIndex = Math.min(shown ? this.data.toIndex : first + RANGE_SHOWN - 1, last)
      const fromIndex = Math.min(shown ? this.data.fromIndex : first, toIndex)
      this.setData({
        state: 'ready',
        refreshError: '',
        title: v.session.name,
        open: v.session.status === 'open',
        points: v.session.points.map((p) => `${p.name} ${p.buildings} 栋`).join('、'),
        counts: countsText(v),
        rows: v.buildings.map(row),
        canCall: v.can.call,
        canEnd: v.can.end,
        canMark: v.can.mark,
        pointNames: callable.map((p) => p.name),
        pointIndex,
        nextName: next ? ordinal(next.pos, next.name) : '',
        order: v.buildings.map((b) => ordinal(b.pos, b.name)),
        fromIndex,
        toIndex,
        rangeText: this.rangeText(v, fromIndex, toIndex),
      })
    },

    rangeText(v: CallupQueueView, from: number, to: number): string {
      const a = v.buildings[from]
      const b = v.buildings[to]
      if (!a || !b) return ''
      return from === to ? a.name : `${a.name}–${b.name}（${to - from + 1} 栋）`
    },

    onPoint(e: WechatMiniprogram.PickerChange) {
      this.setData({ pointIndex: Number(e.detail.value) })
      const v = store(this).view
      if (v) this.show(v)
    },

    onFrom(e: WechatMiniprogram.PickerChange) {
      const fromIndex = Number(e.detail.value)
      const toIndex = Math.max(fromIndex, this.data.toIndex)
      const v = store(this).view
      this.setData({ fromIndex, toIndex, rangeText: v ? this.rangeText(v, fromIndex, toIndex) : '' })
    },

    onTo(e: WechatMiniprogram.PickerChange) {
      const toIndex = Number(e.detail.value)
      const fromIndex = Math.min(this.data.fromIndex, toIndex)
      const v = store(this).view
      this.setData({ fromIndex, toIndex, rangeText: v ? this.rangeText(v, fromIndex, toIndex) : '' })
    },

    onLess() {
      this.setData({ n: Math.max(1, this.data.n - 1) })
    },

    onMore() {
      this.setData({ n: Math.min(MAX_N, this.data.n + 1) })
    },

    /** The chosen point's id (a volunteer's, or any for the committee and 团长). */
    pointId(): string | undefined {
      const v = store(this).view
      const callable = v?.session.points.filter((p) => v.can.pointIds.includes(p.id)) ?? []
      return callable[this.data.pointIndex]?.id
    },

    onNext() {
      void this.calling('call', { count: 1, pointId: this.pointId() })
    },

    onNextN() {
      void this.calling('call', { count: this.data.n, pointId: this.pointId() })
    },

    onRange() {
      const v = store(this).view
      const from = v?.buildings[this.data.fromIndex]?.pos
      const to = v?.buildings[this.data.toIndex]?.pos
      if (from === undefined || to === undefined) return
      void this.calling('call', { from, to })
    },

    /** A call or recall; its request id is kept for what it asks until it succeeds. */
    async calling(
      action: 'call' | 'recall',
      ask: { count?: number; pointId?: string | undefined; from?: number; to?: number; buildingId?: string },
    ) {
      if (this.data.busy) return
      const s = store(this)
      const payload = Object.fromEntries(Object.entries(ask).filter(([, v]) => v !== undefined)) as typeof ask
      const key = `${action}:${JSON.stringify(payload)}`
      const requestId = s.attempts.get(key) ?? newRequestId(action === 'call' ? 'ca' : 're')
      s.attempts.set(key, requestId)
      this.setData({ busy: action })
      try {
        const sessionId = this.data.sessionId
        const r: CallupCallResult =
          action === 'recall'
            ? await call('callup', 'recall', { sessionId, requestId, buildingId: ask.buildingId ?? '' }, { retries: 2 })
            : await call('callup', 'call', { sessionId, requestId, ...payload }, { retries: 2 })
        s.attempts.delete(key)
        this.setData({ busy: '' })
        this.show(r.queue)
        const skipped = r.skippedNames.length ? `（${r.skippedNames.join('、')} 已被叫过）` : ''
        wx.showModal({
          title: '已叫号',
          content: `请 ${r.label} 楼居民下楼检测，已通知 ${r.queued} 人${skipped}`,
          showCancel: false,
          confirmText: '知道了',
        })
      } catch (err) {
        // NOTHING_TO_CALL and the like are final: a new tap is a new attempt.
        if (err instanceof CloudError && err.code !== 'NETWORK' && err.code !== 'INTERNAL') s.attempts.delete(key)
        this.setData({ busy: '' })
        if (err instanceof CloudError && err.code === 'NOTHING_TO_CALL') void this.refresh()
      }
    },

    /** A building: what can be done with it now, in an action sheet. */
    onBuilding(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      const v = store(this).view
      const b = v?.buildings.find((x) => x.buildingId === id)
      if (!v || !b || !this.data.open) return
      const callsHere = v.can.pointIds.includes(b.pointId)
      const items: [string, () => void][] = []
      const st: CallupState = b.state
      if (callsHere && st === 'waiting') items.push(['叫这一栋', () => void this.calling('call', { buildingId: id })])
      if (callsHere && (st === 'called' || st === 'skipped'))
        items.push(['重新叫号（再通知一次）', () => void this.calling('recall', { buildingId: id })])
      if ((callsHere || v.can.mark) && st === 'called') items.push(['检测中', () => void this.mark(id, 'testing')])
      if ((callsHere || v.can.mark) && (st === 'called' || st === 'testing'))
        items.push(['本楼检测完成', () => void this.markDone(id)])
      if (callsHere && st !== 'done' && st !== 'skipped') items.push(['跳过（写明原因）', () => void this.skip(id)])
      if (items.length === 0) return
      wx.showActionSheet({
        itemList: items.map(([label]) => label),
        success: (res) => items[res.tapIndex]?.[1](),
      })
    },

    async mark(buildingId: string, state: 'testing' | 'done', tested?: number) {
      this.setData({ busy: 'mark' })
      try {
        const payload = {
          sessionId: this.data.sessionId,
          buildingId,
          state,
          ...(tested !== undefined ? { tested } : {}),
        }
        await call('callup', 'mark', payload, { retries: 2 })
        toast(state === 'done' ? '已标记完成' : '已标记检测中')
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ busy: '' })
        void this.refresh()
      }
    },

    async markDone(buildingId: string) {
      const raw = await prompt('本楼检测完成', '检测人数（可不填）')
      if (raw === null) return
      const n = Number(raw.trim())
      await this.mark(buildingId, 'done', raw.trim() && Number.isInteger(n) && n >= 0 ? n : undefined)
    },

    async skip(buildingId: string) {
      const reason = (await prompt('跳过这栋楼', '原因，如：有阳性封控'))?.trim()
      if (!reason) return
      this.setData({ busy: 'skip' })
      try {
        await call('callup', 'skip', { sessionId: this.data.sessionId, buildingId, reason }, { retries: 2 })
        toast('已跳过')
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ busy: '' })
        void this.refresh()
      }
    },

    async onEnd() {
      if (!(await confirm('结束叫号', '结束后不能再叫号和标记，记录会保留 30 天。确定结束吗？', '结束叫号'))) return
      this.setData({ busy: 'end' })
      try {
        await call('callup', 'endSession', { sessionId: this.data.sessionId }, { retries: 2 })
        toast('已结束')
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ busy: '' })
        await this.refresh()
      }
    },

    onRetry() {
      void this.load()
    },

    async onPullDownRefresh() {
      await this.refresh()
      wx.stopPullDownRefresh()
    },
  },
})
