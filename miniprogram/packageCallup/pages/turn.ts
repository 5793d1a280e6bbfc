// 我楼叫号: a resident's and a lead's building in the testing call-up, in big letters: 「还没叫到您楼，前面还有 5 栋」
// or 「已叫到，请下楼」, refreshed every 20 seconds; 叫到本楼时通知我 (the subscription the push needs); a building lead
// marks their building 检测中 and 检测完成 (with the number of people, if known).
import type { CallupTurnView } from '../../../typings/api'
import { TEMPLATES } from '../../config'
import { call, CloudError } from '../../services/cloud'
import { askSubscribe } from '../../services/session'
import { prompt, toast } from '../../utils/dialog'
import { formatTime } from '../../utils/format'
import { pageStore } from '../../utils/store'
import { STATE_CLASS, STATE_LABELS } from '../utils/labels'

type LoadState = 'loading' | 'ready' | 'error'

export const REFRESH_MS = 20_000

const store = pageStore(() => ({ timer: 0 as number, shown: false }))

const card = (v: CallupTurnView) => ({
  key: `${v.sessionId}:${v.buildingId}`,
  sessionId: v.sessionId,
  buildingId: v.buildingId,
  title: v.sessionName,
  place: `${v.buildingName} · ${v.pointName}`,
  state: v.state,
  stateText: STATE_LABELS[v.state],
  stateClass: STATE_CLASS[v.state],
  message: v.message,
  calledAt: v.calledAt ? `${formatTime(v.calledAt)} 叫号` : '',
  canMark: v.lead && (v.state === 'called' || v.state === 'testing'),
  canStart: v.lead && v.state === 'called',
})

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    sessionId: '',
    cards: [] as ReturnType<typeof card>[],
    subscribed: false,
    busy: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ sessionId: query.sessionId ?? '' })
      void this.load()
    },

    onShow() {
      const s = store(this)
      if (s.shown && this.data.state === 'ready') void this.load()
      s.shown = true
      if (!s.timer) s.timer = setInterval(() => void this.load(), REFRESH_MS) as unknown as number
    },

    onHide() {
      this.stopTimer()
    },

    onUnload() {
      this.stopTimer()
    },

    stopTimer() {
      const s = store(this)
      if (s.timer) clearInterval(s.timer)
      s.timer = 0
    },

    async load() {
      if (this.data.busy) return
      if (this.data.state !== 'ready') this.setData({ state: 'loading', errorMessage: '' })
      try {
        const turns = await call('callup', 'myTurn', {}, { silent: true })
        const { sessionId } = this.data
        const shown =
          sessionId && turns.some((t) => t.sessionId === sessionId)
            ? turns.filter((t) => t.sessionId === sessionId)
            : turns
        this.setData({ state: 'ready', errorMessage: '', cards: shown.map(card) })
      } catch (err) {
        if (this.data.state === 'ready') return
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    onRetry() {
      void this.load()
    },

    /** Runs inside the tap: WeChat shows the subscription dialog only then. */
    onSubscribe() {
      void askSubscribe([TEMPLATES.callup]).then((accepted) => {
        if (accepted.includes(TEMPLATES.callup)) {
          this.setData({ subscribed: true })
          toast('叫到时会通知您')
        } else
          wx.showModal({
            title: '没有开启通知',
            content: '您没有允许这条通知。需要时可以再点「叫到本楼时通知我」，在弹出的窗口中选「允许」。',
            showCancel: false,
            confirmText: '知道了',
          })
      })
    },

    async onStarted(e: WechatMiniprogram.TouchEvent) {
      const { index } = e.currentTarget.dataset as { index: number }
      await this.mark(index, 'testing')
    },

    async onDone(e: WechatMiniprogram.TouchEvent) {
      const { index } = e.currentTarget.dataset as { index: number }
      const raw = await prompt('本楼检测完成', '检测人数（可不填）')
      if (raw === null) return
      const n = Number(raw.trim())
      await this.mark(index, 'done', raw.trim() && Number.isInteger(n) && n >= 0 ? n : undefined)
    },

    async mark(index: number, state: 'testing' | 'done', tested?: number) {
      const c = this.data.cards[index]
      if (!c || this.data.busy) return
      this.setData({ busy: c.key })
      try {
        await call(
          'callup',
          'mark',
          { sessionId: c.sessionId, buildingId: c.buildingId, state, ...(tested !== undefined ? { tested } : {}) },
          { retries: 2 },
        )
        toast(state === 'done' ? '已标记完成' : '已标记检测中')
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ busy: '' })
        await this.load()
      }
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
