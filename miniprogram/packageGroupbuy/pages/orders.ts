// My orders over all my households, newest first: each with its 接龙号, what was ordered, the payment as the shop
// or organiser recorded it, refunds made and due; on a closed buy of a shop, 投诉 (missing, spoiled, short weight …)
// with a note and up to 3 photos, which the committee sees against the shop.
import type { ComplaintKind, OrderView } from '../../../typings/api'
import { call, CloudError, showError } from '../../services/cloud'
import { currentMe } from '../../services/session'
import { toast } from '../../utils/dialog'
import { formatDateTime } from '../../utils/format'
import { openPage } from '../../utils/nav'
import { pageStore } from '../../utils/store'
import {
  COMPLAINT_KIND_LABELS,
  COMPLAINT_KINDS,
  linesSummary,
  ORDER_STATUS_CLASS,
  orderStateText,
  PAYMENT_STATUS_CLASS,
  paymentText,
} from '../utils/labels'
import { yuanText } from '../utils/money'
import { choosePhotos, PhotoError, photoFolder, uploadPhoto } from '../utils/photos'

type LoadState = 'loading' | 'ready' | 'error'

interface OrderRow {
  key: string
  buyId: string
  householdId: string
  title: string
  label: string
  state: string
  stateClass: string
  lines: string
  total: string
  payment: string
  paymentClass: string
  refunds: string[]
  refundDue: string
  proxy: string
  placedAt: string
  canComplain: boolean
  complained: boolean
}

interface ComplaintForm {
  key: string
  kind: ComplaintKind | ''
  note: string
  /** Local paths of the chosen photos (shown); their fileIDs once uploaded are in the store. */
  photos: string[]
  error: string
  busy: boolean
}

const PAGE_SIZE = 20
export const MAX_COMPLAINT_PHOTOS = 3

const emptyForm = (key = ''): ComplaintForm => ({ key, kind: '', note: '', photos: [], error: '', busy: false })

const store = pageStore(() => ({
  cursor: undefined as string | undefined,
  openid: '',
  /** fileIDs per local path already uploaded: a retried complaint uploads nothing again. */
  uploaded: {} as Record<string, string>,
}))

function orderRow(o: OrderView): OrderRow {
  const live = o.status === 'active' || o.status === 'queued'
  return {
    key: `${o.buyId}-${o.householdId}`,
    buyId: o.buyId,
    householdId: o.householdId,
    title: o.buyTitle,
    label: o.label,
    state: orderStateText(o),
    stateClass: ORDER_STATUS_CLASS[o.status],
    lines: linesSummary(o.lines),
    total: live ? `合计 ${yuanText(o.total)}` : '',
    payment: paymentText(o.payment),
    paymentClass: PAYMENT_STATUS_CLASS[o.payment.status],
    refunds: o.payment.refunds.map((r) => `退款 ${yuanText(r.amount)} · ${r.reason} · ${formatDateTime(r.at)}`),
    refundDue: o.payment.refundDue > 0 ? `应退 ${yuanText(o.payment.refundDue)}，请等商家或组织者退回` : '',
    proxy: o.proxy ? `由 ${o.placedBy} 代下单` : '',
    placedAt: `${formatDateTime(o.placedAt)} 下单`,
    canComplain: o.status === 'active' && o.buyStatus === 'closed' && Boolean(o.shopName),
    complained: false,
  }
}

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    communityId: '',
    rows: [] as OrderRow[],
    more: false,
    loadingMore: false,
    kinds: COMPLAINT_KINDS.map((value) => ({ value, label: COMPLAINT_KIND_LABELS[value] })),
    maxPhotos: MAX_COMPLAINT_PHOTOS,
    complaint: emptyForm(),
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ communityId: query.communityId ?? '' })
      void this.load()
    },

    async load() {
      const { communityId } = this.data
      if (!communityId) {
        this.setData({ state: 'error', errorMessage: '没有指定社区，请从「团购」进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const [list, me] = await Promise.all([
          call('groupbuy', 'myOrders', { communityId, limit: PAGE_SIZE }, { silent: true }),
          currentMe(),
        ])
        const s = store(this)
        s.cursor = list.cursor
        s.openid = me.openid
        this.setData({ state: 'ready', rows: list.orders.map(orderRow), more: Boolean(list.cursor) })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    onRetry() {
      void this.load()
    },

    async onMore() {
      const s = store(this)
      if (!s.cursor || this.data.loadingMore) return
      this.setData({ loadingMore: true })
      try {
        const list = await call(
          'groupbuy',
          'myOrders',
          { communityId: this.data.communityId, limit: PAGE_SIZE, cursor: s.cursor },
          { silent: true },
        )
        s.cursor = list.cursor
        const from = this.data.rows.length
        const patch: Record<string, unknown> = { more: Boolean(list.cursor) }
        list.orders.forEach((o, k) => (patch[`rows[${from + k}]`] = orderRow(o)))
        this.setData(patch)
      } catch (err) {
        showError(err instanceof CloudError ? err : new CloudError('NETWORK', '没有加载成功，请稍后再试'))
      } finally {
        this.setData({ loadingMore: false })
      }
    },

    onReachBottom() {
      if (this.data.more) void this.onMore()
    },

    onOpenBuy(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      if (id) openPage(`/packageGroupbuy/pages/buy?id=${id}`)
    },

    onComplain(e: WechatMiniprogram.TouchEvent) {
      const { key } = e.currentTarget.dataset as { key: string }
      this.setData({ complaint: emptyForm(key) })
    },

    onCloseComplaint() {
      this.setData({ complaint: emptyForm() })
    },

    onKind(e: WechatMiniprogram.TouchEvent) {
      const { kind } = e.currentTarget.dataset as { kind: ComplaintKind }
      this.setData({ 'complaint.kind': kind, 'complaint.error': '' })
    },

    onNote(e: WechatMiniprogram.Input) {
      this.setData({ 'complaint.note': e.detail.value, 'complaint.error': '' })
    },

    async onAddPhoto() {
      const { complaint } = this.data
      if (complaint.busy) return
      try {
        const paths = await choosePhotos(MAX_COMPLAINT_PHOTOS - complaint.photos.length)
        if (paths.length) this.setData({ 'complaint.photos': [...complaint.photos, ...paths], 'complaint.error': '' })
      } catch (err) {
        this.setData({ 'complaint.error': err instanceof PhotoError ? err.message : '没有选到照片，请再试一次' })
      }
    },

    onRemovePhoto(e: WechatMiniprogram.TouchEvent) {
      const { index } = e.currentTarget.dataset as { index: number }
      this.setData({ 'complaint.photos': this.data.complaint.photos.filter((_, i) => i !== Number(index)) })
    },

    onPreview(e: WechatMiniprogram.TouchEvent) {
      const { url } = e.currentTarget.dataset as { url: string }
      if (url) wx.previewImage({ urls: this.data.complaint.photos, current: url })
    },

    async onSendComplaint() {
      const { complaint, communityId } = this.data
      if (complaint.busy) return
      const row = this.data.rows.find((r) => r.key === complaint.key)
      if (!row) return
      const note = complaint.note.trim()
      const error = !complaint.kind
        ? '请选择是什么问题'
        : note.length < 2
          ? '请写一句发生了什么，如「少了一袋土豆」'
          : ''
      if (error) {
        this.setData({ 'complaint.error': error })
        return
      }
      this.setData({ 'complaint.busy': true, 'complaint.error': '' })
      const s = store(this)
      try {
        const folder = photoFolder('complaints', communityId, s.openid)
        const photos: string[] = []
        for (const path of complaint.photos) {
          s.uploaded[path] ||= await uploadPhoto(folder, path, row.householdId)
          photos.push(s.uploaded[path] as string)
        }
        await call('groupbuy', 'fileComplaint', {
          buyId: row.buyId,
          householdId: row.householdId,
          kind: complaint.kind as ComplaintKind,
          note: note.slice(0, 200),
          ...(photos.length ? { photos } : {}),
        })
        const index = this.data.rows.findIndex((r) => r.key === row.key)
        this.setData({ complaint: emptyForm(), [`rows[${index}].complained`]: true })
        toast('已提交')
      } catch (err) {
        if (err instanceof PhotoError) this.setData({ 'complaint.error': err.message })
        // a refusal by the function is shown in a dialog
      } finally {
        this.setData({ 'complaint.busy': false })
      }
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
