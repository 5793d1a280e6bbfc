// Deliveries of a community: for the committee, 团长, 营长 and leads every delivery with its stage, progress and
// alerts (tap: the board); for volunteers and leads with tasks, 我的配送任务 (tap: the tasks).
import type { DeliverySummaryView, Role } from '../../../typings/api'
import { call, CloudError } from '../../services/cloud'
import { currentMe } from '../../services/session'
import { formatDateTime } from '../../utils/format'
import { openPage } from '../../utils/nav'
import { progressText, STAGE_CLASS, STAGE_LABELS } from '../utils/labels'

type LoadState = 'loading' | 'ready' | 'error'

/** Roles that see the community's deliveries (their buildings'). */
export const BOARD_ROLES: Role[] = ['committee', 'communityLead', 'groupLead', 'buildingLead', 'floorLead']
/** Roles that may have tasks in a delivery. */
export const TASK_ROLES: Role[] = ['volunteer', 'buildingLead', 'floorLead']

const row = (d: DeliverySummaryView) => ({
  id: d.id,
  title: d.title,
  stage: STAGE_LABELS[d.stage],
  stageClass: STAGE_CLASS[d.stage],
  progress: d.planned ? progressText(d.delivered, d.households) : `${d.households} 户 · 还没有安排配送`,
  when: `${formatDateTime(d.deliveryAt)} 到货`,
  alerts: d.alerts ? `${d.alerts} 条提醒` : '',
})

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    communityId: '',
    board: false,
    tasks: false,
    rows: [] as ReturnType<typeof row>[],
    mine: [] as ReturnType<typeof row>[],
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ communityId: query.communityId ?? '' })
      void this.load()
    },

    async load() {
      const { communityId } = this.data
      if (!communityId) {
        this.setData({ state: 'error', errorMessage: '没有指定社区，请从首页进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const me = await currentMe()
        const mine = me.roles.filter((r) => r.scope.communityId === communityId)
        const board = mine.some((r) => BOARD_ROLES.includes(r.role))
        const tasks = mine.some((r) => TASK_ROLES.includes(r.role))
        const [all, my] = await Promise.all([
          board ? call('delivery', 'listDeliveries', { communityId }, { silent: true }) : [],
          tasks ? call('delivery', 'myDeliveries', { communityId }, { silent: true }) : [],
        ])
        this.setData({ state: 'ready', board, tasks, rows: all.map(row), mine: my.map(row) })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    onRetry() {
      void this.load()
    },

    onBoard(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      if (id) openPage(`/packageDelivery/pages/board?id=${id}`)
    },

    onTasks(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      if (id) openPage(`/packageDelivery/pages/tasks?id=${id}`)
    },

    onShow() {
      if (this.data.state === 'ready') void this.load()
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
