// The committee's log of revealed phone numbers: every time a lead or volunteer tapped 拨打 on a masked number,
// who rang whom, when and why (the last 7 days, newest first), and the daily cap per person.
import type { PhoneRevealView } from '../../../typings/api'
import { call, CloudError } from '../../services/cloud'
import { REVEAL_REASON_LABELS, ROLE_LABELS } from '../../shared/constants'
import { formatDateTime } from '../../utils/format'

type LoadState = 'loading' | 'ready' | 'error'

interface RevealRow {
  id: string
  time: string
  who: string
  whom: string
  why: string
}

const revealRow = (r: PhoneRevealView): RevealRow => ({
  id: r.id,
  time: formatDateTime(r.at),
  who: `${r.by}（${ROLE_LABELS[r.role]}）`,
  whom: `${r.label} ${r.member}`,
  why: `${REVEAL_REASON_LABELS[r.reason]}${r.note ? `：${r.note}` : ''}`,
})

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    communityId: '',
    perDay: 0,
    rows: [] as RevealRow[],
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ communityId: query.communityId ?? '' })
      void this.load()
    },

    async load() {
      if (!this.data.communityId) {
        this.setData({ state: 'error', errorMessage: '没有指定小区，请从「角色管理」进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const out = await call(
          'community',
          'listPhoneReveals',
          { communityId: this.data.communityId },
          { silent: true },
        )
        this.setData({ state: 'ready', perDay: out.perDay, rows: out.reveals.map(revealRow) })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    onRetry() {
      void this.load()
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
