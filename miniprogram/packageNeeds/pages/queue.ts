// 需求接单: for a 云上 volunteer or a lead, what waits at their levels in their buildings (most urgent and oldest
// first) and what they have taken; 接单 (由我接手 for one taken below them), 办结 with a note, and 拨打 through the
// logged reveal. A notice opens it with the need's id: that need comes first.
import { call, CloudError } from '../../services/cloud'
import { currentMe } from '../../services/session'
import { prompt, toast } from '../../utils/dialog'
import { NEED_LEVEL_LABELS } from '../../shared/needs'
import { needRow, type NeedRow } from '../utils/view'

type LoadState = 'loading' | 'ready' | 'error'

const WORKERS = ['volunteer', 'buildingLead', 'groupLead', 'communityLead', 'committee']

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    communityId: '',
    focus: '',
    levels: '',
    offShift: false,
    waiting: [] as NeedRow[],
    mine: [] as NeedRow[],
    busy: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ communityId: query.communityId ?? '', focus: query.id ? decodeURIComponent(query.id) : '' })
      void this.load()
    },

    async load() {
      this.setData({ errorMessage: '' })
      try {
        let { communityId } = this.data
        if (!communityId) {
          const me = await currentMe()
          communityId = me.roles.find((r) => WORKERS.includes(r.role))?.scope.communityId ?? ''
          this.setData({ communityId })
        }
        if (!communityId) {
          this.setData({ state: 'error', errorMessage: '您还没有接单的角色，请从首页进入' })
          return
        }
        const q = await call('needs', 'needQueue', { communityId }, { silent: true })
        const focus = (rows: NeedRow[]) =>
          this.data.focus
            ? [...rows.filter((r) => r.id === this.data.focus), ...rows.filter((r) => r.id !== this.data.focus)]
            : rows
        this.setData({
          state: 'ready',
          levels: q.levels.map((l) => NEED_LEVEL_LABELS[l]).join('、'),
          offShift: q.offShift,
          waiting: focus(q.waiting.map(needRow)),
          mine: focus(q.mine.map(needRow)),
        })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    onRetry() {
      void this.load()
    },

    rowAt(e: WechatMiniprogram.TouchEvent): NeedRow | undefined {
      const { id } = e.currentTarget.dataset as { id: string }
      return [...this.data.waiting, ...this.data.mine].find((r) => r.id === id)
    },

    async onTake(e: WechatMiniprogram.TouchEvent) {
      const r = this.rowAt(e)
      if (!r || this.data.busy) return
      this.setData({ busy: r.id })
      try {
        await call('needs', 'takeNeed', { needId: r.id }, { retries: 1 })
        toast('已接单')
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ busy: '' })
        await this.load()
      }
    },

    async onDone(e: WechatMiniprogram.TouchEvent) {
      const r = this.rowAt(e)
      if (!r || this.data.busy) return
      const note = await prompt('办结', '写一句办理情况（可不写），如：药已送到门口')
      if (note === null) return
      this.setData({ busy: r.id })
      try {
        await call('needs', 'finishNeed', { needId: r.id, ...(note ? { note } : {}) }, { retries: 1 })
        toast('已办结')
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ busy: '' })
        await this.load()
      }
    },

    async onCall(e: WechatMiniprogram.TouchEvent) {
      const r = this.rowAt(e)
      if (!r || this.data.busy) return
      this.setData({ busy: r.id })
      try {
        const { phone } = await call('needs', 'callNeed', { needId: r.id })
        wx.makePhoneCall({ phoneNumber: phone })
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
