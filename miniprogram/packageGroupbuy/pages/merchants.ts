// The committee's 商家审核: applications and shops by status, with their licence, food permit and health certificate
// photos (tap to enlarge), history and complaints; approve, reject, suspend or reinstate with a reason; each shop's
// complaints, marked handled with a note. A share card invites a shop to apply in this community.
import type { ComplaintView, MerchantDecision, MerchantStatus, MerchantView } from '../../../typings/api'
import { call, CloudError, showError } from '../../services/cloud'
import { confirm, prompt, toast } from '../../utils/dialog'
import { formatDateTime } from '../../utils/format'
import { SHARE_IMAGE } from '../../utils/share'
import { pageStore } from '../../utils/store'
import {
  COMPLAINT_KIND_LABELS,
  MERCHANT_STATUS_CLASS,
  MERCHANT_STATUS_LABELS,
  MERCHANT_STATUSES,
} from '../utils/labels'

type LoadState = 'loading' | 'ready' | 'error'

interface Photo {
  url: string
  label: string
}

interface MerchantCard {
  id: string
  shopName: string
  status: string
  statusClass: string
  detail: string
  applied: string
  note: string
  reason: string
  photos: Photo[]
  history: string[]
  complaints: string
  hasComplaints: boolean
  decisions: { decision: MerchantDecision; label: string; danger: boolean }[]
  /** Complaints shown (after 「查看投诉」). */
  open: boolean
}

interface ComplaintRow {
  id: string
  head: string
  note: string
  photos: string[]
  status: string
  handled: boolean
  handledNote: string
}

const PAGE_SIZE = 20

export const DECISION_LABELS: Record<MerchantDecision, string> = {
  approve: '通过',
  reject: '不通过',
  suspend: '暂停',
  reinstate: '恢复',
}

/** What the committee may decide on a shop of each status. */
const DECISIONS: Record<MerchantStatus, MerchantDecision[]> = {
  pending: ['approve', 'reject'],
  approved: ['suspend'],
  rejected: [],
  suspended: ['reinstate'],
}

const DEFAULT_APPROVAL = '证照齐全，准予入驻'

const store = pageStore(() => ({
  merchants: [] as MerchantView[],
  complaints: {} as Record<string, ComplaintView[]>,
}))

function photos(m: MerchantView): Photo[] {
  return [
    ...m.licence.map((url) => ({ url, label: '营业执照' })),
    ...m.foodPermit.map((url) => ({ url, label: '食品经营许可证' })),
    ...m.healthCerts.map((url) => ({ url, label: '健康证' })),
  ]
}

function card(m: MerchantView): MerchantCard {
  return {
    id: m.id,
    shopName: m.shopName,
    status: MERCHANT_STATUS_LABELS[m.status],
    statusClass: MERCHANT_STATUS_CLASS[m.status],
    detail: `${m.contactName} · ${m.phone} · ${m.goods}`,
    applied: `${formatDateTime(m.appliedAt)} 申请${m.approvedAt ? ` · ${formatDateTime(m.approvedAt)} 通过` : ''}`,
    note: m.note ?? '',
    reason: m.reason ?? '',
    photos: photos(m),
    history: [...m.history]
      .reverse()
      .map(
        (h) =>
          `${formatDateTime(h.at)} ${MERCHANT_STATUS_LABELS[h.status]} · ${h.byName}${h.reason ? `：${h.reason}` : ''}`,
      ),
    complaints: m.complaints.total
      ? `投诉 ${m.complaints.total} 条${m.complaints.open ? `，${m.complaints.open} 条未处理` : '，都已处理'}`
      : '没有投诉',
    hasComplaints: m.complaints.total > 0,
    decisions: DECISIONS[m.status].map((decision) => ({
      decision,
      label: DECISION_LABELS[decision],
      danger: decision === 'reject' || decision === 'suspend',
    })),
    open: false,
  }
}

function complaintRow(c: ComplaintView): ComplaintRow {
  return {
    id: c.id,
    head: `${c.label} · ${COMPLAINT_KIND_LABELS[c.kind]} · ${c.buyTitle}`,
    note: c.note,
    photos: c.photos,
    status: `${formatDateTime(c.at)} · ${c.status === 'handled' ? '已处理' : '未处理'}`,
    handled: c.status === 'handled',
    handledNote: c.handledNote
      ? `处理：${c.handledNote}${c.handledAt ? `（${formatDateTime(c.handledAt)}）` : ''}`
      : '',
  }
}

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    communityId: '',
    status: 'pending' as MerchantStatus,
    tabs: MERCHANT_STATUSES.map((value) => ({ value, label: MERCHANT_STATUS_LABELS[value] })),
    cards: [] as MerchantCard[],
    more: 0,
    /** Complaints per shop, for the cards opened. */
    complaints: {} as Record<string, ComplaintRow[]>,
    busy: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ communityId: query.communityId ?? '' })
      void this.load()
    },

    async load() {
      const { communityId, status } = this.data
      if (!communityId) {
        this.setData({ state: 'error', errorMessage: '没有指定社区，请从首页的「商家审核」进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const merchants = await call('groupbuy', 'listMerchants', { communityId, status }, { silent: true })
        const s = store(this)
        s.merchants = merchants
        s.complaints = {}
        this.setData({
          state: 'ready',
          cards: merchants.slice(0, PAGE_SIZE).map(card),
          more: Math.max(0, merchants.length - PAGE_SIZE),
          complaints: {},
        })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    onRetry() {
      void this.load()
    },

    onTab(e: WechatMiniprogram.TouchEvent) {
      const { status } = e.currentTarget.dataset as { status: MerchantStatus }
      if (status === this.data.status) return
      this.setData({ status, cards: [] })
      void this.load()
    },

    onMore() {
      const from = this.data.cards.length
      const all = store(this).merchants
      const next = all.slice(from, from + PAGE_SIZE)
      const patch: Record<string, unknown> = { more: Math.max(0, all.length - from - next.length) }
      next.forEach((m, k) => (patch[`cards[${from + k}]`] = card(m)))
      this.setData(patch)
    },

    onReachBottom() {
      if (this.data.more) this.onMore()
    },

    onPreview(e: WechatMiniprogram.TouchEvent) {
      const { index, url } = e.currentTarget.dataset as { index: number; url: string }
      const c = this.data.cards[index]
      if (c && url) wx.previewImage({ urls: c.photos.map((p) => p.url), current: url })
    },

    onPreviewComplaint(e: WechatMiniprogram.TouchEvent) {
      const { urls, url } = e.currentTarget.dataset as { urls: string[]; url: string }
      if (url) wx.previewImage({ urls: urls?.length ? urls : [url], current: url })
    },

    async onDecide(e: WechatMiniprogram.TouchEvent) {
      const { index, decision } = e.currentTarget.dataset as { index: number; decision: MerchantDecision }
      const c = this.data.cards[index]
      if (!c || this.data.busy) return
      const approving = decision === 'approve' || decision === 'reinstate'
      const typed = await prompt(
        `${DECISION_LABELS[decision]}「${c.shopName}」`,
        approving ? `可写审核意见，不写即「${DEFAULT_APPROVAL}」` : '请写原因，商家会看到',
      )
      if (typed === null) return
      if (!typed && !approving) {
        showError(new CloudError('INVALID_INPUT', `${DECISION_LABELS[decision]}需要写一句原因，商家会收到`))
        return
      }
      const reason = (typed || (decision === 'approve' ? DEFAULT_APPROVAL : '恢复入驻')).slice(0, 100)
      if (decision === 'suspend') {
        const yes = await confirm(
          '暂停商家',
          `暂停后「${c.shopName}」不能再开团，进行中团购的住户也不能再下单。`,
          '暂停',
        )
        if (!yes) return
      }
      this.setData({ busy: c.id })
      try {
        const m = await call('groupbuy', 'decideMerchant', { merchantId: c.id, decision, reason })
        const s = store(this)
        // The shop leaves this tab: its status changed.
        s.merchants = s.merchants.filter((x) => x.id !== m.id)
        this.setData({ cards: this.data.cards.filter((x) => x.id !== m.id) })
        toast(`已${DECISION_LABELS[decision]}`)
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ busy: '' })
      }
    },

    async onComplaints(e: WechatMiniprogram.TouchEvent) {
      const { index } = e.currentTarget.dataset as { index: number }
      const c = this.data.cards[index]
      if (!c) return
      if (c.open) {
        this.setData({ [`cards[${index}].open`]: false })
        return
      }
      try {
        const list = await call(
          'groupbuy',
          'listComplaints',
          { communityId: this.data.communityId, merchantId: c.id, status: 'all' },
          { silent: true },
        )
        store(this).complaints[c.id] = list
        this.setData({ [`complaints.${c.id}`]: list.map(complaintRow), [`cards[${index}].open`]: true })
      } catch (err) {
        showError(err instanceof CloudError ? err : new CloudError('NETWORK', '投诉没有加载成功，请稍后再试'))
      }
    },

    async onHandle(e: WechatMiniprogram.TouchEvent) {
      const { merchant, id } = e.currentTarget.dataset as { merchant: string; id: string }
      const note = await prompt('处理投诉', '写一句怎么处理的，如「商家已补发」')
      if (note === null) return
      if (!note) {
        showError(new CloudError('INVALID_INPUT', '请写一句怎么处理的'))
        return
      }
      try {
        const handled = await call('groupbuy', 'handleComplaint', { id, note: note.slice(0, 100) })
        const rows = this.data.complaints[merchant] ?? []
        const i = rows.findIndex((r) => r.id === id)
        if (i >= 0) this.setData({ [`complaints.${merchant}[${i}]`]: complaintRow(handled) })
        toast('已处理')
      } catch {
        // shown in a dialog
      }
    },

    /** A card for a shop: it opens this community's application page. */
    onShareAppMessage() {
      return {
        title: '邀请商家申请入驻：居委审核证照后可以在本小区开团',
        path: `/packageGroupbuy/pages/merchant?communityId=${this.data.communityId}`,
        imageUrl: SHARE_IMAGE,
      }
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
