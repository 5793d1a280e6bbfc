// A buy for whoever runs it (the shop, 团长, the committee) and for the leads of its buildings: the 接龙 in order (a
// lead: their building), the totals (the shop's purchase list, per building), 截单 and 取消, payments and refunds
// per order, the printable files of a closed buy (采购单, 分拣单, 标签; phone numbers only for the committee),
// and orders imported from a 快团团 / 群接龙 export, whose unmatched rows a person resolves.
import type {
  BuyChain,
  BuySheet,
  BuySummary,
  BuyView,
  ChainOrderView,
  ImportedRowView,
  OrderImportView,
  OrderView,
  PaymentMethod,
  WhoAmI,
} from '../../../typings/api'
import { call, CloudError, showError } from '../../services/cloud'
import { currentMe, holds } from '../../services/session'
import { ensurePrivacy, PRIVACY_DECLINED } from '../../services/privacy'
import { confirm, prompt, toast } from '../../utils/dialog'
import { openXlsx } from '../../utils/document'
import { formatDateTime } from '../../utils/format'
import { openPage } from '../../utils/nav'
import { SHARE_IMAGE } from '../../utils/share'
import { pageStore } from '../../utils/store'
import {
  BUY_STATUS_CLASS,
  buyStatusText,
  isCurrent,
  PAYMENT_METHOD_LABELS,
  PAYMENT_METHODS,
  PAYMENT_STATUS_CLASS,
  PAYMENT_STATUS_LABELS,
} from '../utils/labels'
import { parseYuan, yuan, yuanText } from '../utils/money'

type LoadState = 'loading' | 'ready' | 'error'
type Tab = 'chain' | 'summary' | 'files' | 'import'
type Busy = '' | 'close' | 'cancel' | BuySheet | 'upload' | 'commit' | 'summary'

interface ChainRow {
  no: number
  householdId: string
  head: string
  summary: string
  total: string
  cancelled: boolean
  paid: string
  paidClass: string
}

interface ImportRow {
  row: number
  text: string
  problem: string
  candidates: { householdId: string; label: string }[]
  resolved: string
}

/** Chain rows sent to the view at a time. */
const ROW_PAGE = 50
/** Unresolved import rows shown at a time. */
const IMPORT_PAGE = 30
const EXTENSIONS = ['xlsx', 'xls', 'csv']

const SHEET_NAMES: Record<BuySheet, string> = { purchase: '采购单', sorting: '分拣单', labels: '标签' }
const FORMAT_LABELS: Record<OrderImportView['format'], string> = {
  'ktt-community': '快团团小区团购',
  'ktt-plain': '快团团普通团购',
  jielong: '群接龙',
}

const store = pageStore(() => ({
  buy: null as BuyView | null,
  me: null as WhoAmI | null,
  orders: [] as ChainOrderView[],
  cursor: undefined as string | undefined,
  importView: null as OrderImportView | null,
}))

function chainRow(o: ChainOrderView): ChainRow {
  return {
    no: o.no,
    householdId: o.householdId,
    head: `第 ${o.no} 号 ${o.label}${o.name ? ` ${o.name}` : ''}`,
    summary: o.summary,
    total: yuanText(o.total),
    cancelled: o.status === 'cancelled',
    paid: PAYMENT_STATUS_LABELS[o.paid],
    paidClass: PAYMENT_STATUS_CLASS[o.paid],
  }
}

function headData(buy: BuyView) {
  return {
    title: buy.title,
    status: buyStatusText(buy),
    statusClass: BUY_STATUS_CLASS[buy.status],
    figures: `${buy.orders} 户接龙${buy.kind === 'sale' ? ` · ${yuanText(buy.total)}` : ''}`,
    minimum:
      buy.kind === 'sale' && buy.minTotal !== undefined
        ? `成团金额 ${yuanText(buy.minTotal)}：${buy.minimumMet ? '已达到' : '还没达到'}`
        : '',
    times: `${formatDateTime(buy.closesAt)} 截单 · 预计 ${formatDateTime(buy.deliveryAt)} 送达`,
    closedAt: buy.closedAt ? `${formatDateTime(buy.closedAt)} 截单` : '',
    reason: buy.reason ?? '',
  }
}

function summaryData(s: BuySummary) {
  return {
    purchase: s.purchase.map((p) => ({
      itemId: p.itemId,
      name: `${p.name}${p.spec ? ` ${p.spec}` : ''}`,
      qty: p.packs !== p.qty ? `${p.packs} 箱（${p.qty} ${p.unit}）` : `${p.qty} ${p.unit}`,
      detail: `${p.households} 户${p.amount ? ` · ${yuanText(p.amount)}` : ''}`,
    })),
    buildings: s.buildings.map((b) => ({
      buildingId: b.buildingId,
      name: b.name,
      detail: `${b.households} 户 · ${b.pieces} 件${b.amount ? ` · ${yuanText(b.amount)}` : ''}`,
    })),
    total: `合计 ${s.households} 户 · ${s.pieces} 件${s.amount ? ` · ${yuanText(s.amount)}` : ''}`,
  }
}

/** A row as resolved: left out (`leftOut`, or an empty resolvedTo), or to a household (its label). */
type Resolved = ImportedRowView & { leftOut?: boolean; resolvedLabel?: string }
const leftOut = (r: Resolved) => r.leftOut === true || r.resolvedTo === ''
const isResolved = (r: Resolved) => leftOut(r) || Boolean(r.resolvedTo)

function importRow(r: Resolved): ImportRow {
  const who = [r.address, r.name].filter(Boolean).join(' ')
  const label = r.resolvedLabel ?? r.candidates.find((c) => c.householdId === r.resolvedTo)?.label ?? '所选住户'
  return {
    row: r.row,
    text: `第 ${r.row} 行：${who}${r.items ? ` · ${r.items}` : ''}`,
    problem: r.problem,
    candidates: r.candidates,
    resolved: leftOut(r) ? '不导入这一行' : r.resolvedTo ? `导入到 ${label}` : '',
  }
}

function importData(v: OrderImportView, shown = IMPORT_PAGE) {
  const open = v.unresolved.filter((r) => !isResolved(r)).length
  return {
    id: v.id,
    format: FORMAT_LABELS[v.format],
    counts: `共 ${v.rows} 行，${v.matched} 行已对上住户${v.unresolved.length ? `，${v.unresolved.length} 行要您确认` : ''}`,
    items: v.items.map((i) => `${i.name}${i.spec ? ` ${i.spec}` : ''} ${i.qty}`).join('、'),
    rows: v.unresolved.slice(0, shown).map(importRow),
    more: Math.max(0, v.unresolved.length - shown),
    open,
    committed: v.status === 'committed',
  }
}

const uploadPath = (communityId: string, name: string, now = Date.now()) =>
  `buy-imports/${communityId}/${now}-${name.replace(/[\\/\s%]+/g, '_')}`

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    buyId: '',
    buildingId: '',
    tab: 'chain' as Tab,
    head: {} as ReturnType<typeof headData>,
    sale: true,
    current: false,
    closed: false,
    /** The caller runs the buy (edit, close, cancel, payments, import, the purchase list). */
    manage: false,
    /** Only the committee may put phone numbers in the files. */
    committee: false,
    phones: false,
    rows: [] as ChainRow[],
    rowsMore: false,
    loadingMore: false,
    summary: null as ReturnType<typeof summaryData> | null,
    summaryError: '',
    importView: null as ReturnType<typeof importData> | null,
    importError: '',
    busy: '' as Busy,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ buyId: query.id ?? '', buildingId: query.buildingId ?? '' })
      void this.load()
    },

    onShow() {
      // Back from changing the buy.
      if (this.data.state === 'ready') void this.load(true)
    },

    async load(quiet = false) {
      const { buyId, buildingId } = this.data
      if (!buyId) {
        this.setData({ state: 'error', errorMessage: '没有指定团购，请从「团购」列表进入' })
        return
      }
      if (!quiet) this.setData({ state: 'loading', errorMessage: '' })
      try {
        const [chain, me] = await Promise.all([
          call('groupbuy', 'buyChain', { buyId, ...(buildingId ? { buildingId } : {}) }, { silent: true }),
          currentMe(),
        ])
        store(this).me = me
        this.showChain(chain)
        if (this.data.tab === 'summary') void this.loadSummary()
      } catch (err) {
        if (quiet) return
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    showBuy(buy: BuyView) {
      const s = store(this)
      s.buy = buy
      this.setData({
        head: headData(buy),
        sale: buy.kind === 'sale',
        current: isCurrent(buy.status),
        closed: buy.status === 'closed',
        manage: buy.manage,
        committee: s.me ? holds(s.me, ['committee'], { communityId: buy.communityId }) : false,
      })
    },

    showChain(chain: BuyChain) {
      const s = store(this)
      s.orders = chain.orders
      s.cursor = chain.cursor
      this.showBuy(chain.buy)
      const rows = chain.orders.slice(0, ROW_PAGE).map(chainRow)
      this.setData({ state: 'ready', rows, rowsMore: chain.orders.length > rows.length || Boolean(chain.cursor) })
    },

    onRetry() {
      void this.load()
    },

    onTab(e: WechatMiniprogram.TouchEvent) {
      const { tab } = e.currentTarget.dataset as { tab: Tab }
      if (tab === this.data.tab) return
      this.setData({ tab })
      if (tab === 'summary') void this.loadSummary()
    },

    /** The next rows: from what is loaded, then the next page from the function. */
    async onMoreRows() {
      const s = store(this)
      if (this.data.loadingMore) return
      const from = this.data.rows.length
      if (from >= s.orders.length && s.cursor) {
        this.setData({ loadingMore: true })
        try {
          const next = await call(
            'groupbuy',
            'buyChain',
            {
              buyId: this.data.buyId,
              cursor: s.cursor,
              ...(this.data.buildingId ? { buildingId: this.data.buildingId } : {}),
            },
            { silent: true },
          )
          s.orders = [...s.orders, ...next.orders]
          s.cursor = next.cursor
        } catch (err) {
          showError(err instanceof CloudError ? err : new CloudError('NETWORK', '没有加载成功，请稍后再试'))
          return
        } finally {
          this.setData({ loadingMore: false })
        }
      }
      const next = s.orders.slice(from, from + ROW_PAGE)
      const patch: Record<string, unknown> = {
        rowsMore: s.orders.length > from + next.length || Boolean(s.cursor),
      }
      next.forEach((o, k) => (patch[`rows[${from + k}]`] = chainRow(o)))
      this.setData(patch)
    },

    onReachBottom() {
      if (this.data.tab === 'chain' && this.data.rowsMore) void this.onMoreRows()
    },

    async loadSummary() {
      this.setData({ busy: 'summary', summaryError: '' })
      try {
        const summary = await call('groupbuy', 'buySummary', { buyId: this.data.buyId }, { silent: true })
        this.setData({ summary: summaryData(summary) })
      } catch (err) {
        this.setData({ summaryError: err instanceof CloudError ? err.message : '汇总没有加载成功，下拉刷新可重试' })
      } finally {
        this.setData({ busy: '' })
      }
    },

    onEdit() {
      openPage(`/packageGroupbuy/pages/edit?id=${this.data.buyId}`)
    },

    async onClose() {
      if (this.data.busy || !this.data.current) return
      const yes = await confirm(
        '截单',
        '截单后不能再下单和修改，会生成采购单、分拣单和标签，交给配送。没达到成团金额的，标为未成团并通知已下单的住户。',
        '截单',
      )
      if (!yes) return
      this.setData({ busy: 'close' })
      try {
        // Closing twice closes once: a dropped network is sent again.
        const summary = await call('groupbuy', 'closeBuy', { buyId: this.data.buyId }, { retries: 2 })
        this.showBuy(summary.buy)
        this.setData({ summary: summaryData(summary), tab: summary.buy.status === 'closed' ? 'summary' : 'chain' })
        toast(summary.buy.status === 'closed' ? '已截单' : '未成团')
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ busy: '' })
      }
    },

    async onCancel() {
      if (this.data.busy || !this.data.current) return
      const reason = await prompt('取消这次团购', '请写取消的原因，会通知已下单的住户')
      if (reason === null) return
      if (!reason) {
        showError(new CloudError('INVALID_INPUT', '请写一句取消的原因，住户会收到'))
        return
      }
      this.setData({ busy: 'cancel' })
      try {
        const buy = await call('groupbuy', 'cancelBuy', { buyId: this.data.buyId, reason: reason.slice(0, 100) })
        this.showBuy(buy)
        toast('已取消')
        void this.load(true)
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ busy: '' })
      }
    },

    /** The order's row after a payment or refund was recorded. */
    updateRow(order: OrderView) {
      const index = this.data.rows.findIndex((r) => r.householdId === order.householdId)
      const s = store(this)
      s.orders = s.orders.map((o) => (o.householdId === order.householdId ? { ...o, paid: order.payment.status } : o))
      if (index >= 0)
        this.setData({
          [`rows[${index}].paid`]: PAYMENT_STATUS_LABELS[order.payment.status],
          [`rows[${index}].paidClass`]: PAYMENT_STATUS_CLASS[order.payment.status],
        })
    },

    async onPayment(e: WechatMiniprogram.TouchEvent) {
      const { index } = e.currentTarget.dataset as { index: number }
      const row = this.data.rows[index]
      const order = store(this).orders.find((o) => o.householdId === row?.householdId)
      if (!row || !order) return
      const method = await new Promise<PaymentMethod | null>((resolve) =>
        wx.showActionSheet({
          alertText: `${row.head}：怎么付的款`,
          itemList: PAYMENT_METHODS.map((m) => PAYMENT_METHOD_LABELS[m]),
          success: (res) => resolve(PAYMENT_METHODS[res.tapIndex] ?? null),
          fail: () => resolve(null),
        }),
      )
      if (!method) return
      const text = await prompt('收款金额（元）', `应付 ${yuan(order.total)} 元`, yuan(order.total))
      if (text === null) return
      const amount = parseYuan(text)
      if (amount === null || amount <= 0) {
        showError(new CloudError('INVALID_INPUT', '收款金额请写元数，如 29.5'))
        return
      }
      try {
        const next = await call('groupbuy', 'recordPayment', {
          buyId: this.data.buyId,
          householdId: row.householdId,
          method,
          amount,
        })
        this.updateRow(next)
        toast('已记收款')
      } catch {
        // shown in a dialog
      }
    },

    async onRefund(e: WechatMiniprogram.TouchEvent) {
      const { index } = e.currentTarget.dataset as { index: number }
      const row = this.data.rows[index]
      if (!row) return
      const text = await prompt('退款金额（元）', '如 8.5')
      if (text === null) return
      const amount = parseYuan(text)
      if (amount === null || amount <= 0) {
        showError(new CloudError('INVALID_INPUT', '退款金额请写元数，如 8.5'))
        return
      }
      const reason = await prompt('退款原因', '如：土豆缺货、订单已取消')
      if (reason === null) return
      if (!reason) {
        showError(new CloudError('INVALID_INPUT', '请写一句退款的原因'))
        return
      }
      try {
        const next = await call('groupbuy', 'recordRefund', {
          buyId: this.data.buyId,
          householdId: row.householdId,
          amount,
          reason: reason.slice(0, 60),
        })
        this.updateRow(next)
        toast('已记退款')
      } catch {
        // shown in a dialog (more than was paid …)
      }
    },

    onPhones(e: WechatMiniprogram.SwitchChange) {
      if (this.data.committee) this.setData({ phones: e.detail.value })
    },

    async onExport(e: WechatMiniprogram.TouchEvent) {
      const { sheet } = e.currentTarget.dataset as { sheet: BuySheet }
      if (this.data.busy) return
      this.setData({ busy: sheet })
      try {
        const { buyId, buildingId, committee, phones } = this.data
        const file = await call('sheets', 'exportBuy', {
          buyId,
          sheet,
          ...(buildingId ? { buildingId } : {}),
          ...(committee && phones ? { phones: true } : {}),
        })
        await openXlsx(file.fileID, file.fileName, file.tempFileURL)
      } catch (err) {
        if (!(err instanceof CloudError))
          showError(new CloudError('NETWORK', `${SHEET_NAMES[sheet]}没有打开，请检查网络后再试`))
      } finally {
        this.setData({ busy: '' })
      }
    },

    async onChooseImport() {
      if (this.data.busy) return
      if (!(await ensurePrivacy())) {
        wx.showModal({ title: '提示', content: PRIVACY_DECLINED, showCancel: false })
        return
      }
      wx.chooseMessageFile({
        count: 1,
        type: 'file',
        extension: EXTENSIONS,
        success: (res) => {
          const file = res.tempFiles[0]
          if (file) void this.upload(file)
        },
        fail: () => undefined,
      })
    },

    async upload(file: WechatMiniprogram.ChooseFile) {
      const ext = file.name.split('.').pop()?.toLowerCase() ?? ''
      if (!EXTENSIONS.includes(ext)) {
        this.setData({ importError: '请选择快团团或群接龙导出的 .xlsx 或 .csv 表格' })
        return
      }
      const communityId = store(this).buy?.communityId ?? ''
      this.setData({ busy: 'upload', importError: '' })
      try {
        let fileID: string
        try {
          fileID = (await wx.cloud.uploadFile({ cloudPath: uploadPath(communityId, file.name), filePath: file.path }))
            .fileID
        } catch {
          this.setData({ importError: '文件上传没有成功，请检查网络后重新选择' })
          return
        }
        const view = await call('sheets', 'importOrders', { buyId: this.data.buyId, fileID }, { silent: true })
        this.showImport(view)
      } catch (err) {
        this.setData({ importError: err instanceof CloudError ? err.message : '表格没有读成功，请稍后再试' })
      } finally {
        this.setData({ busy: '' })
      }
    },

    showImport(view: OrderImportView, shown = IMPORT_PAGE) {
      store(this).importView = view
      this.setData({ importView: importData(view, Math.max(shown, IMPORT_PAGE)) })
    },

    onMoreImport() {
      const view = store(this).importView
      if (view) this.showImport(view, (this.data.importView?.rows.length ?? 0) + IMPORT_PAGE)
    },

    async onResolve(e: WechatMiniprogram.TouchEvent) {
      const { row, household } = e.currentTarget.dataset as { row: number; household: string }
      const view = store(this).importView
      if (!view) return
      try {
        const next = await call('groupbuy', 'resolveImportRow', {
          id: view.id,
          row: Number(row),
          householdId: household ? household : null,
        })
        this.showImport(next, this.data.importView?.rows.length)
      } catch {
        // shown in a dialog
      }
    },

    async onCommitImport() {
      const view = store(this).importView
      if (!view || this.data.busy) return
      const yes = await confirm(
        '导入订单',
        `把 ${view.rows - view.unresolved.filter(leftOut).length} 行导入为这次团购的订单？导入后会排进接龙，出现在分拣单和标签里。`,
        '导入',
      )
      if (!yes) return
      this.setData({ busy: 'commit' })
      try {
        // Committing twice writes once: a dropped network is sent again.
        const res = await call('groupbuy', 'commitOrderImport', { id: view.id }, { retries: 2 })
        this.showBuy(res.buy)
        this.setData({ importView: null, tab: 'chain' })
        store(this).importView = null
        toast(`已导入 ${res.orders} 户`)
        void this.load(true)
      } catch {
        // shown in a dialog (rows still to resolve …)
      } finally {
        this.setData({ busy: '' })
      }
    },

    onShareAppMessage() {
      const buy = store(this).buy
      if (!buy) return { title: '邻里接力：团购接龙', path: '/pages/index/index', imageUrl: SHARE_IMAGE }
      return {
        title: `${buy.title}（${formatDateTime(buy.closesAt)} 截单）`,
        path: `/packageGroupbuy/pages/buy?id=${buy.id}`,
        imageUrl: SHARE_IMAGE,
      }
    },

    async onPullDownRefresh() {
      await this.load(this.data.state === 'ready')
      wx.stopPullDownRefresh()
    },
  },
})
