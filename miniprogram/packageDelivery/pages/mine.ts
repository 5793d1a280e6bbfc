// 我家的物资: a household's deliveries, newest first: where the bag is now, when it reached the door, a big 我已收到
// and 有问题.
import type { HouseholdDeliveryView } from '../../../typings/api'
import { call, CloudError } from '../../services/cloud'
import { currentMe } from '../../services/session'
import { toast } from '../../utils/dialog'
import { formatDateTime, formatTime } from '../../utils/format'
import { pageStore } from '../../utils/store'
import { STOP_STATUS_LABELS } from '../utils/labels'
import { reportProblem } from '../utils/problem'

type LoadState = 'loading' | 'ready' | 'error'

const store = pageStore(() => ({ communityId: '' }))

const row = (d: HouseholdDeliveryView) => ({
  id: d.deliveryId,
  title: d.title,
  label: d.label,
  items: d.items,
  where: d.where,
  status: STOP_STATUS_LABELS[d.status],
  delivered: d.delivered ? `已送到门口 ${formatTime(d.delivered.at)}` : '',
  received: d.received
    ? `${d.received.auto ? '已自动签收' : '已签收'} ${formatDateTime(d.received.at)}${d.received.auto ? '' : ` · ${d.received.byName}`}`
    : '',
  canConfirm: d.status === 'delivered',
  when: `${formatDateTime(d.deliveryAt)} 到小区`,
})

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    householdId: '',
    rows: [] as ReturnType<typeof row>[],
    busy: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ householdId: query.household ?? '' })
      void this.load()
    },

    async load() {
      const { householdId } = this.data
      if (!householdId) {
        this.setData({ state: 'error', errorMessage: '没有指定住户，请从首页「我家的物资」进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const [list, me] = await Promise.all([
          call('delivery', 'householdDeliveries', { householdId }, { silent: true }),
          currentMe(),
        ])
        store(this).communityId = me.households.find((h) => h.id === householdId)?.communityId ?? ''
        this.setData({ state: 'ready', rows: list.map(row) })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    onRetry() {
      void this.load()
    },

    async onReceived(e: WechatMiniprogram.TouchEvent) {
      const { index } = e.currentTarget.dataset as { index: number }
      const r = this.data.rows[index]
      if (!r || this.data.busy) return
      this.setData({ busy: r.id })
      try {
        const view = await call(
          'delivery',
          'confirmReceived',
          { deliveryId: r.id, householdId: this.data.householdId },
          { retries: 2 },
        )
        this.setData({ [`rows[${index}]`]: row(view) })
        toast('已确认收到')
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ busy: '' })
      }
    },

    async onProblem(e: WechatMiniprogram.TouchEvent) {
      const { index } = e.currentTarget.dataset as { index: number }
      const r = this.data.rows[index]
      if (!r) return
      const problem = await reportProblem({
        deliveryId: r.id,
        // A household's bag is the stop `${deliveryId}:${householdId}` (the function's stop ids).
        stopId: `${r.id}:${this.data.householdId}`,
        communityId: store(this).communityId,
        label: r.label,
      })
      if (problem) {
        toast('已报告')
        void this.load()
      }
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
