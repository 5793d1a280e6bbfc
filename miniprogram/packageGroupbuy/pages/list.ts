// Group buys for me: the current ones (未开始 with when it opens, 接龙中 with the deadline) and past ones, each with
// who sells (and that the committee approved the shop) and what my households ordered; 开团提醒 so a sale's opening
// reaches me; for the committee, 团长 and approved shops, 发起团购 (and the committee's 物资发放).
import type { BuyView, OrderView, WhoAmI } from '../../../typings/api'
import { TEMPLATES } from '../../config'
import { call, CloudError, showError } from '../../services/cloud'
import { askSubscribe, currentMe, holds } from '../../services/session'
import { toast } from '../../utils/dialog'
import { openPage } from '../../utils/nav'
import { pageStore } from '../../utils/store'
import { BUY_STATUS_CLASS, buyStatusText, orderStateText, sellerData } from '../utils/labels'

type LoadState = 'loading' | 'ready' | 'error'
type Tab = 'current' | 'past'

interface BuyRow {
  id: string
  title: string
  drop: boolean
  seller: string
  approved: boolean
  warning: string
  status: string
  statusClass: string
  /** 「12-201 已接龙 · 第 12 号」 per household of mine with an order. */
  mine: string[]
}

const PAGE_SIZE = 20
/** Orders read to show my state on the rows (newest first: the current buys' are among them). */
const ORDERS_READ = 50

const store = pageStore(() => ({ cursor: '' as string | undefined, orders: new Map<string, string[]>() }))

function ordersByBuy(orders: OrderView[]): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const o of orders) map.set(o.buyId, [...(map.get(o.buyId) ?? []), `${o.label} ${orderStateText(o)}`])
  return map
}

function buyRow(b: BuyView, orders: Map<string, string[]>): BuyRow {
  const seller = sellerData(b)
  return {
    id: b.id,
    title: b.title,
    drop: b.kind === 'drop',
    seller: seller.name,
    approved: seller.approved,
    warning: seller.warning,
    status: buyStatusText(b),
    statusClass: BUY_STATUS_CLASS[b.status],
    mine: orders.get(b.id) ?? [],
  }
}

const inCommunity = (me: WhoAmI, communityId: string) => me.households.some((h) => h.communityId === communityId)

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    communityId: '',
    buildingId: '',
    tab: 'current' as Tab,
    rows: [] as BuyRow[],
    more: false,
    loadingMore: false,
    canCreate: false,
    canDrop: false,
    resident: false,
    subscribed: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ communityId: query.communityId ?? '', buildingId: query.buildingId ?? '' })
      void this.load()
    },

    async load() {
      const { communityId } = this.data
      if (!communityId) {
        this.setData({ state: 'error', errorMessage: '没有指定社区，请从首页的「团购」进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const me = await currentMe()
        const resident = inCommunity(me, communityId)
        const [list, orders] = await Promise.all([
          call('groupbuy', 'listBuys', { communityId, status: this.data.tab, limit: PAGE_SIZE }, { silent: true }),
          resident
            ? call('groupbuy', 'myOrders', { communityId, limit: ORDERS_READ }, { silent: true }).catch(() => null)
            : null,
        ])
        const s = store(this)
        s.orders = ordersByBuy(orders?.orders ?? [])
        s.cursor = list.cursor
        this.setData({
          state: 'ready',
          resident,
          canCreate: holds(me, ['committee', 'communityLead', 'merchant'], { communityId }),
          canDrop: holds(me, ['committee'], { communityId }),
          rows: list.buys.map((b) => buyRow(b, s.orders)),
          more: Boolean(list.cursor),
        })
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
      this.setData({ tab, rows: [], more: false })
      void this.load()
    },

    /** The next page of buys, appended (only the new rows go through setData). */
    async onMore() {
      const s = store(this)
      if (!s.cursor || this.data.loadingMore) return
      this.setData({ loadingMore: true })
      try {
        const list = await call(
          'groupbuy',
          'listBuys',
          { communityId: this.data.communityId, status: this.data.tab, limit: PAGE_SIZE, cursor: s.cursor },
          { silent: true },
        )
        s.cursor = list.cursor
        const from = this.data.rows.length
        const patch: Record<string, unknown> = { more: Boolean(list.cursor) }
        list.buys.forEach((b, k) => (patch[`rows[${from + k}]`] = buyRow(b, s.orders)))
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

    onOpen(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      if (id) openPage(`/packageGroupbuy/pages/buy?id=${id}`)
    },

    onCreate(e: WechatMiniprogram.TouchEvent) {
      const { kind } = e.currentTarget.dataset as { kind: 'sale' | 'drop' }
      openPage(`/packageGroupbuy/pages/edit?communityId=${this.data.communityId}&kind=${kind}`)
    },

    onOrders() {
      openPage(`/packageGroupbuy/pages/orders?communityId=${this.data.communityId}`)
    },

    /** Runs inside the tap: WeChat shows the subscription dialog only then. */
    onSubscribe() {
      const { communityId } = this.data
      void askSubscribe([TEMPLATES.buyOpening]).then(async (accepted) => {
        if (!accepted.includes(TEMPLATES.buyOpening)) {
          wx.showModal({
            title: '没有开启提醒',
            content: '您没有允许这条通知。需要时可以再点「开团提醒」，在弹出的窗口中选「允许」。',
            showCancel: false,
            confirmText: '知道了',
          })
          return
        }
        try {
          const res = await call('groupbuy', 'subscribeBuys', { communityId })
          if (!res.subscribed) return
          this.setData({ subscribed: true })
          toast('已开启提醒')
        } catch {
          // shown in a dialog
        }
      })
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
