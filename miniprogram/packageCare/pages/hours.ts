// 志愿者每日时长 (committee and 团长): per volunteer their posts and shifts, scheduled hours on each weekday and today
// (overnight shifts on the days their hours fall on), and today's work from the records (bags delivered, care checks,
// needs taken or done); those over the threshold first, highlighted.
import type { VolunteerHoursView } from '../../../typings/api'
import { call, CloudError } from '../../services/cloud'
import { VOLUNTEER_LABELS } from '../../shared/constants'
import { formatTime } from '../../utils/format'

type LoadState = 'loading' | 'ready' | 'error'

const DAYS = ['一', '二', '三', '四', '五', '六', '日']
const h = (n: number) => `${n} 小时`

const row = (v: VolunteerHoursView) => ({
  id: v.roleId,
  head: `${v.name} · ${VOLUNTEER_LABELS[v.volunteerType]}`,
  posts: v.posts ? `负责 ${v.posts}` : '未分配楼栋',
  shifts: v.shifts || '未设班次（随时可派）',
  today: v.todayHours === null ? '今天：未设班次' : `今天排班 ${h(v.todayHours)}`,
  week: v.weekdayHours ? v.weekdayHours.map((n, i) => `周${DAYS[i]} ${n}`).join(' · ') : '',
  work:
    v.today.deliveries + v.today.careChecks + v.today.needs === 0
      ? '今天还没有记录'
      : `今天：送到门口 ${v.today.deliveries} 户 · 关怀联系 ${v.today.careChecks} 次 · 需求 ${v.today.needs} 件` +
        (v.today.firstAt && v.today.lastAt ? `（${formatTime(v.today.firstAt)}–${formatTime(v.today.lastAt)}）` : ''),
  over: v.over,
})

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    communityId: '',
    threshold: '',
    rows: [] as ReturnType<typeof row>[],
    overCount: 0,
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
        const page = await call('care', 'volunteerHours', { communityId }, { silent: true })
        this.setData({
          state: 'ready',
          threshold: `每天超过 ${page.thresholdHours} 小时的标红，请减班或加人`,
          rows: page.volunteers.map(row),
          overCount: page.volunteers.filter((v) => v.over).length,
        })
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
