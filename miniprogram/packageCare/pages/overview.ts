// 关怀总览 (committee and 团长: the community; 营长: their 营's buildings): per building in the community's order, the
// flagged people, how many were contacted today, how many are overdue and whose last check was 联系不上; a building
// opens its check list. The committee and 团长 also reach the volunteers' hours from here.
import type { CareOverviewBuilding, Role } from '../../../typings/api'
import { call, CloudError } from '../../services/cloud'
import { currentMe } from '../../services/session'
import { openPage } from '../../utils/nav'

type LoadState = 'loading' | 'ready' | 'error'

const HOURS_ROLES: Role[] = ['committee', 'communityLead']

const row = (b: CareOverviewBuilding) => ({
  id: b.buildingId,
  name: b.name,
  people: b.people,
  checked: b.checkedToday,
  overdue: b.overdue,
  unreachable: b.unreachable,
  alert: b.overdue > 0 || b.unreachable > 0,
})

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    communityId: '',
    rows: [] as ReturnType<typeof row>[],
    totals: { people: 0, checkedToday: 0, overdue: 0, unreachable: 0 },
    hours: false,
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
        const [me, o] = await Promise.all([
          currentMe(),
          call('care', 'careOverview', { communityId }, { silent: true }),
        ])
        this.setData({
          state: 'ready',
          rows: o.buildings.map(row),
          totals: o.totals,
          hours: me.roles.some((r) => r.scope.communityId === communityId && HOURS_ROLES.includes(r.role)),
        })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    onRetry() {
      void this.load()
    },

    onBuilding(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      openPage(`/packageCare/pages/list?communityId=${this.data.communityId}&buildingId=${id}`)
    },

    onHours() {
      openPage(`/packageCare/pages/hours?communityId=${this.data.communityId}`)
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
