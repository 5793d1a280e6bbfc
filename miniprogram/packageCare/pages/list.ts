// 关怀联系: the caller's daily check list of flagged residents (a floor lead's floor, a building lead's building, a
// 楼栋 / 云上 volunteer's posts while on shift; with ?buildingId= one building for 营长, 团长 and the committee). Overdue
// first; each row has 拨打 (the logged reveal) and 记一次 (how, result, a note), and opens the person's history.
import type { CareListView, Role } from '../../../typings/api'
import { call, CloudError } from '../../services/cloud'
import { currentMe } from '../../services/session'
import { toast } from '../../utils/dialog'
import { openPage } from '../../utils/nav'
import { HOW_LABELS, HOWS, personRow, RESULT_LABELS, RESULTS, type PersonRow } from '../utils/labels'
import { closedForm, formProblem, openForm, ring, saveCheck } from '../utils/record'

type LoadState = 'loading' | 'ready' | 'error'

/** Roles that see the community's overview. */
export const OVERVIEW_ROLES: Role[] = ['committee', 'communityLead', 'groupLead']

const countsText = (v: CareListView) =>
  `共 ${v.counts.people} 人 · 今日已联系 ${v.counts.checkedToday} · 逾期 ${v.counts.overdue}`

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    communityId: '',
    buildingId: '',
    rows: [] as PersonRow[],
    counts: '',
    offShift: '',
    truncated: false,
    overview: false,
    form: closedForm(),
    formError: '',
    saving: false,
    hows: HOWS.map((k) => ({ key: k, label: HOW_LABELS[k] })),
    results: RESULTS.map((k) => ({ key: k, label: RESULT_LABELS[k] })),
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ communityId: query.communityId ?? '', buildingId: query.buildingId ?? '' })
      void this.load()
    },

    async load() {
      const { communityId, buildingId } = this.data
      if (!communityId) {
        this.setData({ state: 'error', errorMessage: '没有指定社区，请从首页进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const [me, view] = await Promise.all([
          currentMe(),
          call('care', 'careList', { communityId, ...(buildingId ? { buildingId } : {}) }, { silent: true }),
        ])
        const overview = me.roles.some((r) => r.scope.communityId === communityId && OVERVIEW_ROLES.includes(r.role))
        this.setData({
          state: 'ready',
          rows: view.people.map(personRow),
          counts: countsText(view),
          offShift: view.offShift
            ? `现在不在您的班次时间内${view.offShift.shifts ? `（${view.offShift.shifts}）` : ''}`
            : '',
          truncated: !!view.truncated,
          overview,
          form: closedForm(),
        })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    onRetry() {
      void this.load()
    },

    onOpen(e: WechatMiniprogram.TouchEvent) {
      const { index } = e.currentTarget.dataset as { index: number }
      const r = this.data.rows[index]
      if (r) openPage(`/packageCare/pages/person?householdId=${r.householdId}&memberId=${r.memberId}`)
    },

    onOverview() {
      openPage(`/packageCare/pages/overview?communityId=${this.data.communityId}`)
    },

    async onDial(e: WechatMiniprogram.TouchEvent) {
      const { index } = e.currentTarget.dataset as { index: number }
      const r = this.data.rows[index]
      if (r) await ring(r.householdId, r.memberId)
    },

    onRecord(e: WechatMiniprogram.TouchEvent) {
      const { index } = e.currentTarget.dataset as { index: number }
      const r = this.data.rows[index]
      if (!r) return
      this.setData({ form: this.data.form.key === r.key ? closedForm() : openForm(r.key), formError: '' })
    },

    onHow(e: WechatMiniprogram.TouchEvent) {
      this.setData({ 'form.how': (e.currentTarget.dataset as { key: string }).key, formError: '' })
    },

    onResult(e: WechatMiniprogram.TouchEvent) {
      this.setData({ 'form.result': (e.currentTarget.dataset as { key: string }).key, formError: '' })
    },

    onNote(e: WechatMiniprogram.Input) {
      this.setData({ 'form.note': e.detail.value })
    },

    async onSave() {
      const { form } = this.data
      if (this.data.saving) return
      const problem = formProblem(form)
      if (problem) {
        this.setData({ formError: problem })
        return
      }
      this.setData({ saving: true })
      try {
        const res = await saveCheck(form)
        const index = this.data.rows.findIndex((r) => r.key === form.key)
        this.setData({ [`rows[${index}]`]: personRow(res.person), form: closedForm() })
        toast(res.alerted ? '已记录，已通知楼组长和居委' : '已记录')
      } catch {
        // shown in a dialog; the form stays with its requestId for a retry
      } finally {
        this.setData({ saving: false })
      }
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
