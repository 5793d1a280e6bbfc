// Home: who I am in the community, what is waiting, and one big entry per thing my roles let me do.
import { CloudError } from '../../services/cloud'
import { refreshMe } from '../../services/session'
import { openPage } from '../../utils/nav'
import { homeEntries, pendingRows, roleRows, type Entry, type PendingRow, type RoleRow } from './entries'

type LoadState = 'loading' | 'ready' | 'error'

Component({
  data: {
    state: 'loading' as LoadState,
    roles: [] as RoleRow[],
    pending: [] as PendingRow[],
    entries: [] as Entry[],
    errorMessage: '',
  },
  lifetimes: {
    attached() {
      void this.load()
    },
  },
  methods: {
    async load() {
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const me = await refreshMe()
        this.setData({ state: 'ready', roles: roleRows(me.roles), pending: pendingRows(me), entries: homeEntries(me) })
      } catch (err) {
        const message = err instanceof CloudError ? err.message : '加载失败，请稍后再试'
        this.setData({ state: 'error', errorMessage: message })
      }
    },
    /** Coming back from joining, a decision or a deletion: show what changed, without the loading flash. */
    async onShow() {
      if (this.data.state !== 'ready') return
      try {
        const me = await refreshMe()
        this.setData({ roles: roleRows(me.roles), pending: pendingRows(me), entries: homeEntries(me) })
      } catch {
        // keep what is on screen; pull down to retry
      }
    },
    onRetry() {
      void this.load()
    },
    onOpen(e: WechatMiniprogram.TouchEvent) {
      const url = (e.currentTarget.dataset as { url?: string }).url
      if (url) openPage(url)
    },
    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
