// Home: who I am in the community, with loading and error states.
import type { RoleGrant } from '../../../typings/api'
import { call, CloudError } from '../../services/cloud'
import { ROLE_LABELS, VOLUNTEER_LABELS } from '../../utils/labels'

type LoadState = 'loading' | 'ready' | 'error'

interface RoleRow {
  key: string
  label: string
}

export function roleRows(grants: RoleGrant[]): RoleRow[] {
  return grants.map((g, i) => ({
    key: `${g.role}-${i}`,
    label: g.volunteerType ? `${ROLE_LABELS[g.role]}（${VOLUNTEER_LABELS[g.volunteerType]}）` : ROLE_LABELS[g.role],
  }))
}

Component({
  data: {
    state: 'loading' as LoadState,
    roles: [] as RoleRow[],
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
        const me = await call('community', 'whoami', {}, { silent: true })
        getApp<IAppOption>().globalData.me = me
        this.setData({ state: 'ready', roles: roleRows(me.roles) })
      } catch (err) {
        const message = err instanceof CloudError ? err.message : '加载失败，请稍后再试'
        this.setData({ state: 'error', errorMessage: message })
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
