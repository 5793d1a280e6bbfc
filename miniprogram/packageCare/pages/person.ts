// A person's care history: who they are (as the caller may see them), their state, 拨打 and 记一次, and every check
// newest first (notes to leads and above, and to their author), 30 at a time. Opened from the list and from the
// 联系不上 alert.
import type { CareHistoryView } from '../../../typings/api'
import { call, CloudError } from '../../services/cloud'
import { toast } from '../../utils/dialog'
import {
  checkLine,
  HOW_LABELS,
  HOWS,
  personRow,
  RESULT_CLASS,
  RESULT_LABELS,
  RESULTS,
  type PersonRow,
} from '../utils/labels'
import { closedForm, formProblem, openForm, ring, saveCheck } from '../utils/record'

type LoadState = 'loading' | 'ready' | 'error'

const checkRow = (c: CareHistoryView['checks'][number]) => ({
  id: c.id,
  line: checkLine(c),
  result: RESULT_LABELS[c.result],
  resultClass: RESULT_CLASS[c.result],
  note: c.note ?? '',
})

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    householdId: '',
    memberId: '',
    person: null as PersonRow | null,
    interval: '',
    checks: [] as ReturnType<typeof checkRow>[],
    more: '',
    loadingMore: false,
    form: closedForm(),
    formError: '',
    saving: false,
    hows: HOWS.map((k) => ({ key: k, label: HOW_LABELS[k] })),
    results: RESULTS.map((k) => ({ key: k, label: RESULT_LABELS[k] })),
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ householdId: query.householdId ?? '', memberId: query.memberId ?? '' })
      void this.load()
    },

    async load() {
      const { householdId, memberId } = this.data
      if (!householdId || !memberId) {
        this.setData({ state: 'error', errorMessage: '没有指定居民，请从关怀联系名单进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const h = await call('care', 'careHistory', { householdId, memberId }, { silent: true })
        this.setData({
          state: 'ready',
          person: personRow({ ...h.person, openNeeds: [] }),
          interval: `每 ${h.person.intervalHours} 小时至少联系一次`,
          checks: h.checks.map(checkRow),
          more: h.more ?? '',
        })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    onRetry() {
      void this.load()
    },

    async onMore() {
      const { householdId, memberId, more } = this.data
      if (!more || this.data.loadingMore) return
      this.setData({ loadingMore: true })
      try {
        const h = await call('care', 'careHistory', { householdId, memberId, before: more })
        this.setData({ checks: [...this.data.checks, ...h.checks.map(checkRow)], more: h.more ?? '' })
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ loadingMore: false })
      }
    },

    async onDial() {
      await ring(this.data.householdId, this.data.memberId)
    },

    onRecord() {
      const key = `${this.data.householdId}:${this.data.memberId}`
      this.setData({ form: this.data.form.key ? closedForm() : openForm(key), formError: '' })
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
        this.setData({
          person: personRow(res.person),
          checks: [checkRow(res.check), ...this.data.checks.filter((c) => c.id !== res.check.id)],
          form: closedForm(),
        })
        toast(res.alerted ? '已记录，已通知楼组长和居委' : '已记录')
      } catch {
        // shown in a dialog; the form keeps its requestId for a retry
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
