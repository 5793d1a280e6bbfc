// 我家的需求: the household's needs, newest first: what, how urgent, its status and who has it (names masked), the
// history of each, 取消 with a reason, and a big 登记新需求.
import { call, CloudError } from '../../services/cloud'
import { prompt, toast } from '../../utils/dialog'
import { needRow, type NeedRow } from '../utils/view'

type LoadState = 'loading' | 'ready' | 'error'

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    householdId: '',
    rows: [] as NeedRow[],
    open: '',
    busy: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ householdId: query.household ?? query.householdId ?? '' })
      void this.load()
    },

    onShow() {
      if (this.data.state === 'ready') void this.load()
    },

    async load() {
      const { householdId } = this.data
      if (!householdId) {
        this.setData({ state: 'error', errorMessage: '没有指定住户，请从首页「需求登记」进入' })
        return
      }
      if (this.data.state !== 'ready') this.setData({ state: 'loading', errorMessage: '' })
      try {
        const { needs } = await call('needs', 'householdNeeds', { householdId }, { silent: true })
        this.setData({ state: 'ready', rows: needs.map(needRow) })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    onRetry() {
      void this.load()
    },

    onNew() {
      wx.navigateTo({ url: `/packageNeeds/pages/raise?household=${this.data.householdId}` })
    },

    onToggle(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      this.setData({ open: this.data.open === id ? '' : id })
    },

    async onCancel(e: WechatMiniprogram.TouchEvent) {
      const { index } = e.currentTarget.dataset as { index: number }
      const r = this.data.rows[index]
      if (!r || this.data.busy) return
      const reason = await prompt('取消这条需求', '请写一句为什么取消，如：家人已买到')
      if (reason === null) return
      if (!reason) {
        wx.showModal({ title: '提示', content: '请写一句取消的原因', showCancel: false, confirmText: '知道了' })
        return
      }
      this.setData({ busy: r.id })
      try {
        const view = await call('needs', 'cancelNeed', { needId: r.id, reason })
        this.setData({ [`rows[${index}]`]: needRow(view) })
        toast('已取消')
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ busy: '' })
      }
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
