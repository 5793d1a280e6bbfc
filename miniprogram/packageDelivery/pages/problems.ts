// The problem queue (committee, 团长, 营长 and leads: their buildings; the merchant): open problems first, each
// with the bag, what is wrong and who said so; 已处理 with a note of what was done.
import type { ProblemView } from '../../../typings/api'
import { call, CloudError } from '../../services/cloud'
import { prompt, toast } from '../../utils/dialog'
import { formatDateTime } from '../../utils/format'
import { PROBLEM_LABELS } from '../utils/labels'

type LoadState = 'loading' | 'ready' | 'error'

const row = (p: ProblemView) => ({
  id: p.id,
  head: `${p.label} · ${PROBLEM_LABELS[p.kind]}`,
  title: p.title,
  note: p.note,
  photo: p.photo ?? '',
  by: `${formatDateTime(p.at)} ${p.byName} 报告`,
  open: p.status === 'open',
  handled: p.handled ? `${formatDateTime(p.handled.at)} ${p.handled.byName} 已处理：${p.handled.note}` : '',
})

/** Open first, then newest first. */
const ordered = (list: ProblemView[]) =>
  [...list].sort((a, b) => (a.status === b.status ? b.at.localeCompare(a.at) : a.status === 'open' ? -1 : 1))

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    deliveryId: '',
    communityId: '',
    rows: [] as ReturnType<typeof row>[],
    open: 0,
    busy: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ deliveryId: query.id ?? '', communityId: query.community ?? '' })
      void this.load()
    },

    async load() {
      const { deliveryId } = this.data
      let { communityId } = this.data
      if (!deliveryId && !communityId) {
        this.setData({ state: 'error', errorMessage: '没有指定配送，请从「配送看板」进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        if (!communityId) {
          communityId = (await call('delivery', 'board', { deliveryId }, { silent: true })).delivery.communityId
          this.setData({ communityId })
        }
        const list = await call(
          'delivery',
          'listProblems',
          { communityId, ...(deliveryId ? { deliveryId } : {}) },
          { silent: true },
        )
        this.setData({
          state: 'ready',
          rows: ordered(list).map(row),
          open: list.filter((p) => p.status === 'open').length,
        })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    onRetry() {
      void this.load()
    },

    async onHandle(e: WechatMiniprogram.TouchEvent) {
      const { index } = e.currentTarget.dataset as { index: number }
      const r = this.data.rows[index]
      if (!r || !r.open || this.data.busy) return
      const note = await prompt('已处理', '写一句怎么处理的，如「已补送一袋」')
      if (note === null) return
      if (!note) {
        wx.showModal({ title: '提示', content: '请写一句怎么处理的', showCancel: false, confirmText: '知道了' })
        return
      }
      this.setData({ busy: r.id })
      try {
        const handled = await call('delivery', 'handleProblem', { problemId: r.id, note: note.slice(0, 200) })
        this.setData({ [`rows[${index}]`]: row(handled), open: Math.max(0, this.data.open - 1) })
        toast('已处理')
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ busy: '' })
      }
    },

    onPreview(e: WechatMiniprogram.TouchEvent) {
      const { url } = e.currentTarget.dataset as { url: string }
      if (url) wx.previewImage({ urls: [url], current: url })
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
