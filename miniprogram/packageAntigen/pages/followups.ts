// Follow-ups of abnormal households (异常随访): every household that reported an abnormal result, until a lead closes
// it with an outcome. Tabs 未处理 (not closed) and 全部. A lead of the household's building (a 层长: their floor) or
// the committee acknowledges it (已知晓), records each contact (记录联系), picks the outcome (结果) and closes it
// (结案); 营长 and 团长 read only.
import type { FollowUpOutcome, FollowUpView, WhoAmI } from '../../../typings/api'
import { call, CloudError } from '../../services/cloud'
import { currentMe } from '../../services/session'
import { confirm, prompt, toast } from '../../utils/dialog'
import { formatDateTime, formatDay } from '../../utils/format'
import { pageStore } from '../../utils/store'
import { FOLLOW_UP_OUTCOME_LABELS, FOLLOW_UP_OUTCOMES, FOLLOW_UP_STATUS_LABELS, RESULT_LABELS } from '../utils/labels'

type LoadState = 'loading' | 'ready' | 'error'
type Tab = 'open' | 'all'

interface Card {
  id: string
  label: string
  /** 「11月24日检测 · 11月24日 10:05 报告异常」 */
  when: string
  status: string
  statusClass: string
  closed: boolean
  acknowledged: boolean
  escalated: boolean
  /** 「张三 异常（阳性） · 李四 阴性」, when the caller may see results. */
  results: string
  ackLine: string
  contacts: { key: string; line: string; note: string }[]
  outcome: string
  /** The caller may acknowledge and record (a lead of its building or floor, or the committee). */
  canAct: boolean
}

/** Who the caller is (their roles decide which cards they may act on); not rendered. */
const store = pageStore(() => ({ me: undefined as WhoAmI | undefined }))

const PAGE_SIZE = 20
const NOTE_MAX = 200
const STATUS_CLASS = { open: 'tag-red', acknowledged: 'tag-orange', closed: 'tag-green' } as const

/** Whether the caller may act on the follow-up: building lead, 层长 of its floor, or the committee. */
function mayAct(me: WhoAmI | undefined, f: FollowUpView, communityId: string): boolean {
  return (me?.roles ?? []).some(
    (r) =>
      (r.role === 'committee' || r.role === 'buildingLead' || r.role === 'floorLead') &&
      r.scope.communityId === communityId &&
      (r.scope.buildingId === undefined || r.scope.buildingId === f.buildingId) &&
      (r.scope.floor === undefined || r.scope.floor === f.floor) &&
      r.scope.householdId === undefined,
  )
}

function outcomeText(f: FollowUpView): string {
  if (!f.outcome) return ''
  const label = FOLLOW_UP_OUTCOME_LABELS[f.outcome]
  return f.outcomeNote ? `${label}（${f.outcomeNote}）` : label
}

function card(f: FollowUpView, canAct: boolean): Card {
  const who = (by: string | undefined) => by || '已删除的人员'
  return {
    id: f.id,
    label: f.label,
    when: `${formatDay(f.roundDate)}检测 · ${formatDateTime(f.openedAt)} 报告异常`,
    status: FOLLOW_UP_STATUS_LABELS[f.status],
    statusClass: STATUS_CLASS[f.status],
    closed: f.status === 'closed',
    acknowledged: f.status !== 'open',
    escalated: f.escalated,
    results: (f.members ?? []).map((m) => `${m.name} ${m.result ? RESULT_LABELS[m.result] : ''}`.trim()).join(' · '),
    ackLine: f.acknowledgedAt ? `${who(f.acknowledgedBy)} ${formatDateTime(f.acknowledgedAt)} 已知晓` : '',
    contacts: f.contacts.map((c, i) => ({ key: `${i}`, line: `${formatDateTime(c.at)} ${who(c.by)}`, note: c.note })),
    outcome: outcomeText(f),
    canAct: canAct && f.status !== 'closed',
  }
}

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    communityId: '',
    roundId: '',
    tab: 'open' as Tab,
    cards: [] as Card[],
    next: '',
    loadingMore: false,
    /** The card whose 记录联系 box is open, and what is typed in it. */
    editing: '',
    note: '',
    noteError: '',
    /** The card an action is running on. */
    busy: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ communityId: query.communityId ?? '', roundId: query.roundId ?? '' })
      void this.load()
    },

    async fetch(cursor?: string) {
      const { communityId, roundId, tab } = this.data
      return call(
        'antigen',
        'followUps',
        {
          communityId,
          status: tab,
          limit: PAGE_SIZE,
          ...(roundId ? { roundId } : {}),
          ...(cursor ? { cursor } : {}),
        },
        { silent: true },
      )
    },

    toCard(f: FollowUpView): Card {
      return card(f, mayAct(store(this).me, f, this.data.communityId))
    },

    async load() {
      if (!this.data.communityId) {
        this.setData({ state: 'error', errorMessage: '没有指定社区，请从首页进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '', editing: '', note: '', noteError: '' })
      try {
        const [list, me] = await Promise.all([this.fetch(), currentMe()])
        store(this).me = me
        this.setData({ state: 'ready', cards: list.items.map((f) => this.toCard(f)), next: list.next ?? '' })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    onRetry() {
      void this.load()
    },

    onTab(e: WechatMiniprogram.TouchEvent) {
      const { tab } = e.currentTarget.dataset as { tab: Tab }
      if (tab === this.data.tab) return
      this.setData({ tab })
      void this.load()
    },

    async onMore() {
      const { next, loadingMore } = this.data
      if (!next || loadingMore) return
      this.setData({ loadingMore: true })
      try {
        const list = await this.fetch(next)
        const have = new Set(this.data.cards.map((c) => c.id))
        const more = list.items.filter((f) => !have.has(f.id)).map((f) => this.toCard(f))
        // Appended at their index, so the page sends only the new cards.
        const patch: Record<string, unknown> = { next: list.next ?? '' }
        more.forEach((c, i) => (patch[`cards[${this.data.cards.length + i}]`] = c))
        this.setData(patch)
      } catch (err) {
        if (err instanceof CloudError) wx.showModal({ title: '提示', content: err.message, showCancel: false })
      } finally {
        this.setData({ loadingMore: false })
      }
    },

    /** The follow-up as the function answered it, in place; a closed one leaves the 未处理 tab. */
    put(f: FollowUpView) {
      const i = this.data.cards.findIndex((c) => c.id === f.id)
      if (i < 0) return
      if (f.status === 'closed' && this.data.tab === 'open')
        this.setData({ cards: this.data.cards.filter((c) => c.id !== f.id) })
      else this.setData({ [`cards[${i}]`]: this.toCard(f) })
    },

    async run(id: string, payload: () => Promise<FollowUpView>, done: string) {
      if (this.data.busy) return
      this.setData({ busy: id })
      try {
        this.put(await payload())
        toast(done)
        return true
      } catch {
        // shown in a dialog
        return false
      } finally {
        this.setData({ busy: '' })
      }
    },

    onAcknowledge(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      // Safe to retry: acknowledging again keeps the first time.
      void this.run(id, () => call('antigen', 'acknowledgeFollowUp', { id }, { retries: 2 }), '已知晓')
    },

    onContact(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      this.setData({ editing: this.data.editing === id ? '' : id, note: '', noteError: '' })
    },

    onNote(e: WechatMiniprogram.Input) {
      this.setData({ note: e.detail.value, noteError: '' })
    },

    onCancelNote() {
      this.setData({ editing: '', note: '', noteError: '' })
    },

    async onSaveNote() {
      const { editing: id, note } = this.data
      const text = note.trim()
      if (!id) return
      // Digits, Latin or Chinese: the function checks it fully; this only catches an empty box or one of punctuation.
      if (!/[0-9A-Za-z\u00c0-\u024f\u3400-\u9fff]/.test(text)) {
        this.setData({ noteError: '请写下联系的情况，如：已电话联系，在家，无症状' })
        return
      }
      if ([...text].length > NOTE_MAX) {
        this.setData({ noteError: `最多 ${NOTE_MAX} 个字` })
        return
      }
      const saved = await this.run(
        id,
        () => call('antigen', 'recordFollowUp', { id, contact: { note: text } }),
        '已记录',
      )
      if (saved) this.setData({ editing: '', note: '' })
    },

    onOutcome(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      if (this.data.busy) return
      wx.showActionSheet({
        itemList: FOLLOW_UP_OUTCOMES.map((o) => FOLLOW_UP_OUTCOME_LABELS[o]),
        success: (res) => void this.pickOutcome(id, FOLLOW_UP_OUTCOMES[res.tapIndex]),
      })
    },

    async pickOutcome(id: string, outcome: FollowUpOutcome | undefined) {
      if (!outcome) return
      let outcomeNote: string | undefined
      if (outcome === 'other') {
        const text = await prompt('其他结果', '请写明情况，如：已去外地亲属家')
        if (!text) return
        outcomeNote = text.slice(0, 100)
      }
      await this.run(
        id,
        () => call('antigen', 'recordFollowUp', { id, outcome, ...(outcomeNote ? { outcomeNote } : {}) }),
        '已记录结果',
      )
    },

    async onClose(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      const c = this.data.cards.find((x) => x.id === id)
      if (!c || this.data.busy) return
      if (!c.outcome) {
        wx.showModal({ title: '还不能结案', content: '请先点「结果」选择处理结果，再结案。', showCancel: false })
        return
      }
      const yes = await confirm('结案', `${c.label}：${c.outcome}。结案后不能再修改。`, '结案')
      if (!yes) return
      // Safe to retry: a close repeated as it was is answered as it stands.
      await this.run(id, () => call('antigen', 'recordFollowUp', { id, close: true }, { retries: 2 }), '已结案')
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
