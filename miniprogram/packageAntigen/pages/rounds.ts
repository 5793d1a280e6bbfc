// A community's antigen rounds: the list (tap → table) and, for the committee and 团长, a new round: day, deadline
// (both in Shanghai time), the notice residents receive, and all buildings or some.
import type { RoundView, StructureView } from '../../../typings/api'
import { call, CloudError } from '../../services/cloud'
import { currentMe, holds } from '../../services/session'
import { READ_TIME_MINUTES } from '../../shared/constants'
import { confirm, toast } from '../../utils/dialog'
import { formatDay, formatTime } from '../../utils/format'
import { openPage } from '../../utils/nav'
import { roundStatusText } from '../utils/labels'
import { defaultDeadline, shanghaiInstant, shanghaiParts } from '../utils/time'

type LoadState = 'loading' | 'ready' | 'error'

interface RoundRow {
  id: string
  title: string
  detail: string
  status: string
  open: boolean
}

interface PickGroup {
  id: string
  name: string
  buildings: { id: string; name: string; on: boolean }[]
}

const LIST_LIMIT = 30

function roundRow(r: RoundView): RoundRow {
  return {
    id: r.id,
    title: `${formatDay(r.date)} ${formatTime(r.openedAt)} 开始`,
    detail: `截止 ${formatTime(r.deadline)} · ${r.allBuildings ? '全部楼栋' : `${r.buildingCount} 栋楼`}`,
    status: roundStatusText(r),
    open: r.status === 'open',
  }
}

const defaultNotice = (date: string, time: string) =>
  `请于 ${formatDay(date)} ${time} 前完成抗原自测，并在「邻里接力」小程序接龙：每人拍一张试剂照片，滴样后等满 ${READ_TIME_MINUTES} 分钟再拍。家中老人请家人或楼组长代报。`

function pickGroups(s: StructureView): PickGroup[] {
  return s.groups.map((g) => ({
    id: g.id,
    name: g.name || '未分营',
    buildings: g.buildings.map((b) => ({ id: b.id, name: b.name, on: false })),
  }))
}

Component({
  data: {
    state: 'loading' as LoadState,
    /** The open-round form's request id while an attempt is unfinished (kept across retries). */
    requestId: '',
    errorMessage: '',
    communityId: '',
    canOpen: false,
    rounds: [] as RoundRow[],
    formShown: false,
    today: '',
    form: { date: '', time: '', notice: '', noticeEdited: false, all: true },
    errors: { deadline: '', notice: '', pick: '' },
    pick: { state: 'idle' as 'idle' | LoadState, message: '', groups: [] as PickGroup[], chosen: 0 },
    opening: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ communityId: query.communityId ?? '' })
      void this.load()
    },

    async load() {
      const { communityId } = this.data
      if (!communityId) {
        this.setData({ state: 'error', errorMessage: '没有指定社区，请从首页的「检测轮次」进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const [rounds, me] = await Promise.all([
          call('antigen', 'listRounds', { communityId, limit: LIST_LIMIT }, { silent: true }),
          currentMe(),
        ])
        const canOpen = holds(me, ['committee', 'communityLead'], { communityId })
        const sorted = [...rounds].sort((a, b) => b.openedAt.localeCompare(a.openedAt))
        this.setData({ state: 'ready', canOpen, rounds: sorted.map(roundRow) })
        if (canOpen) this.resetForm(sorted.length === 0)
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    resetForm(shown: boolean) {
      const now = Date.now()
      const { date, time } = defaultDeadline(now)
      this.setData({
        formShown: shown,
        today: shanghaiParts(now).date,
        form: { date, time, notice: defaultNotice(date, time), noticeEdited: false, all: true },
        errors: { deadline: '', notice: '', pick: '' },
      })
    },

    onRetry() {
      void this.load()
    },

    onShowForm() {
      this.resetForm(true)
    },

    onHideForm() {
      this.setData({ formShown: false })
    },

    onOpenRound(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      if (id) openPage(`/packageAntigen/pages/table?roundId=${id}`)
    },

    /** Date or time changed: the notice follows unless the user wrote their own. */
    setWhen(date: string, time: string) {
      const { form } = this.data
      this.setData({
        'form.date': date,
        'form.time': time,
        'errors.deadline': '',
        ...(form.noticeEdited ? {} : { 'form.notice': defaultNotice(date, time) }),
      })
    },

    onDate(e: WechatMiniprogram.PickerChange) {
      this.setWhen(String(e.detail.value), this.data.form.time)
    },

    onTime(e: WechatMiniprogram.PickerChange) {
      this.setWhen(this.data.form.date, String(e.detail.value))
    },

    onNotice(e: WechatMiniprogram.Input) {
      this.setData({ 'form.notice': e.detail.value, 'form.noticeEdited': true, 'errors.notice': '' })
    },

    onScope(e: WechatMiniprogram.TouchEvent) {
      const all = (e.currentTarget.dataset as { all: boolean }).all
      this.setData({ 'form.all': all, 'errors.pick': '' })
      if (!all && this.data.pick.state !== 'ready') void this.loadBuildings()
    },

    async loadBuildings() {
      this.setData({ 'pick.state': 'loading', 'pick.message': '' })
      try {
        const s = await call('community', 'structure', { communityId: this.data.communityId }, { silent: true })
        this.setData({ pick: { state: 'ready', message: '', groups: pickGroups(s), chosen: 0 } })
      } catch (err) {
        this.setData({
          'pick.state': 'error',
          'pick.message': err instanceof CloudError ? err.message : '楼栋没有加载成功',
        })
      }
    },

    onPickBuilding(e: WechatMiniprogram.TouchEvent) {
      const { g, b } = e.currentTarget.dataset as { g: number; b: number }
      const building = this.data.pick.groups[g]?.buildings[b]
      if (!building) return
      this.setData({
        [`pick.groups[${g}].buildings[${b}].on`]: !building.on,
        'pick.chosen': this.data.pick.chosen + (building.on ? -1 : 1),
        'errors.pick': '',
      })
    },

    /** 整营: tick every building of the 营, or untick them all when all are ticked. */
    onPickGroup(e: WechatMiniprogram.TouchEvent) {
      const { g } = e.currentTarget.dataset as { g: number }
      const group = this.data.pick.groups[g]
      if (!group) return
      const on = !group.buildings.every((b) => b.on)
      const changed = group.buildings.filter((b) => b.on !== on).length
      this.setData({
        [`pick.groups[${g}].buildings`]: group.buildings.map((b) => ({ ...b, on })),
        'pick.chosen': this.data.pick.chosen + (on ? changed : -changed),
        'errors.pick': '',
      })
    },

    chosenIds(): string[] {
      return this.data.pick.groups.flatMap((g) => g.buildings.filter((b) => b.on).map((b) => b.id))
    },

    async onOpenNew() {
      const { form, opening, communityId } = this.data
      if (opening) return
      const deadline = shanghaiInstant(form.date, form.time)
      const notice = form.notice.trim()
      const ids = form.all ? [] : this.chosenIds()
      const errors = {
        deadline: Date.parse(deadline) <= Date.now() ? '截止时间已经过了，请选晚一点的时间' : '',
        notice: notice ? '' : '请填写发给住户的通知',
        pick: !form.all && ids.length === 0 ? '请至少选择一栋楼，或选「全部楼栋」' : '',
      }
      this.setData({ errors })
      if (errors.deadline || errors.notice || errors.pick) return

      const scope = form.all ? '全部楼栋' : `${ids.length} 栋楼`
      const yes = await confirm(
        '开始新一轮检测',
        `${formatDay(form.date)}，${form.time} 截止，${scope}。开始后，订阅了提醒的住户会收到微信通知。`,
        '开始',
      )
      if (!yes) return
      this.setData({ opening: true })
      try {
        // One id per attempt at this form: a retry or a second tap opens the same round, never a second one.
        const requestId = this.data.requestId || `r${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`
        if (!this.data.requestId) this.setData({ requestId })
        const round = await call(
          'antigen',
          'openRound',
          {
            communityId,
            date: form.date,
            deadline,
            notice,
            requestId,
            ...(form.all ? {} : { buildingIds: ids }),
          },
          { retries: 2 },
        )
        const rounds = [roundRow(round), ...this.data.rounds.filter((r) => r.id !== round.id)]
        this.setData({ rounds, formShown: false, requestId: '' })
        toast('已开始')
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ opening: false })
      }
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
