// One buy: who sells (and that the committee approved the shop), the note, every item with its unit, pack, price,
// limit and what is left (已售罄 at once), the deadline and the expected delivery; then, for each of my households
// (own, 代管, family), an order form whose steppers move by the pack size. The answer is the 接龙号 (「第 12 号」); an
// order still queued for its number is asked for again a few times. Refusals (sold out, not whole packs, over the
// limit, closed) are shown on the form with the function's own words. A lead shares the buy to the building's group.
import type { BuyDetail, BuyItemView, BuyView, OrderLineInput, OrderView, WhoAmI } from '../../../typings/api'
import { TEMPLATES } from '../../config'
import { call, CloudError } from '../../services/cloud'
import { askSubscribe, currentMe } from '../../services/session'
import { confirm, toast } from '../../utils/dialog'
import { formatDateTime } from '../../utils/format'
import { openPage } from '../../utils/nav'
import { SHARE_IMAGE } from '../../utils/share'
import { pageStore } from '../../utils/store'
import {
  BUY_STATUS_CLASS,
  buyStatusText,
  linesSummary,
  ORDER_STATUS_CLASS,
  orderStateText,
  paymentText,
  REFUSAL_TITLES,
  sellerData,
} from '../utils/labels'
import { yuan, yuanText } from '../utils/money'
import { maxUnits, packNote, qtyText, stepUnit, stepUnits, unitsFromTyped } from '../utils/pack'
import { newRequestId } from '../utils/request'

type LoadState = 'loading' | 'ready' | 'error'

interface ItemRow {
  id: string
  name: string
  spec: string
  price: string
  pack: string
  limit: string
  stock: string
  soldOut: boolean
}

interface LineRow {
  itemId: string
  name: string
  qty: number
  /** Packs (or units of an item sold singly): what the box shows and what is typed. */
  steps: number
  stepUnit: string
  qtyText: string
  max: number
  canMinus: boolean
  canPlus: boolean
  soldOut: boolean
  error: boolean
}

interface FormRow {
  householdId: string
  label: string
  proxyNote: string
  /** The order as it stands: 「已接龙 · 第 12 号」 … (empty: none yet). */
  orderText: string
  orderClass: string
  summary: string
  orderTotal: string
  payment: string
  /** Has a live order (active or queued): 修改 and 取消订单 instead of 提交接龙. */
  placed: boolean
  queued: boolean
  /** The form's steppers are shown. */
  editing: boolean
  /** The household may change its order now (the sale is open). */
  editable: boolean
  lines: LineRow[]
  total: string
  errorTitle: string
  errorMessage: string
  busy: boolean
}

/** Delays between asking again for an order still queued for its number. */
export const QUEUE_POLL_MS = [600, 1200, 2000, 3000, 4000]

const store = pageStore(() => ({
  detail: null as BuyDetail | null,
  me: null as WhoAmI | null,
  /** One request id per household's unfinished attempt (kept across retries, dropped once answered). */
  requests: {} as Record<string, string>,
}))

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function itemRow(i: BuyItemView, drop: boolean): ItemRow {
  const allot = i.allot ? `${i.allot.per === 'person' ? '每人' : '每户'} ${i.allot.qty} ${i.unit}` : ''
  return {
    id: i.id,
    name: i.name,
    spec: i.spec,
    price: drop ? `免费发放${allot ? ` · ${allot}` : ''}` : `${yuan(i.price)} 元/${i.unit}`,
    pack: packNote(i),
    limit: i.limit !== undefined ? `每户限 ${qtyText(i.limit, i.packSize, i.unit)}` : '',
    stock: i.soldOut ? '已售罄' : i.remaining !== undefined ? `还剩 ${i.remaining} ${i.unit}` : '',
    soldOut: i.soldOut,
  }
}

const held = (order: OrderView | undefined, itemId: string) =>
  order && (order.status === 'active' || order.status === 'queued')
    ? (order.lines.find((l) => l.itemId === itemId)?.qty ?? 0)
    : 0

function lineRow(item: BuyItemView, qty: number, own: number): LineRow {
  const max = maxUnits(item, own)
  const pack = Math.max(1, item.packSize)
  return {
    itemId: item.id,
    name: item.name,
    qty,
    steps: qty / pack,
    stepUnit: stepUnit(item),
    qtyText: qty ? qtyText(qty, item.packSize, item.unit) : '',
    max,
    canMinus: qty > 0,
    canPlus: qty + pack <= max,
    soldOut: item.soldOut && own === 0,
    error: false,
  }
}

/** The form with the quantities that were sent (kept after a refusal, so the household changes only what failed). */
function withQuantities(form: FormRow, buy: BuyView, sent: OrderLineInput[]): FormRow {
  const lines = form.lines.map((l) => {
    const item = buy.items.find((i) => i.id === l.itemId)
    const qty = Math.min(sent.find((x) => x.itemId === l.itemId)?.qty ?? 0, l.max)
    return item ? { ...lineRow(item, qty, 0), max: l.max, canPlus: qty + Math.max(1, item.packSize) <= l.max } : l
  })
  return { ...form, lines, total: yuanText(totalOf(buy, lines)) }
}

const totalOf = (buy: BuyView, lines: { itemId: string; qty: number }[]) =>
  lines.reduce((sum, l) => sum + l.qty * (buy.items.find((i) => i.id === l.itemId)?.price ?? 0), 0)

function formRow(buy: BuyView, m: BuyDetail['mine'][number], editing?: boolean): FormRow {
  const order = m.order
  const placed = order?.status === 'active' || order?.status === 'queued'
  const open = buy.status === 'open' && buy.kind === 'sale'
  const editable = open && (!order || order.editable || !placed)
  const lines = buy.items.map((item) => {
    const own = held(order, item.id)
    return lineRow(item, placed ? own : 0, own)
  })
  return {
    householdId: m.householdId,
    label: m.label,
    proxyNote: m.proxy
      ? `您在为 ${m.label} 代下单（代管或家人）。下单、修改和取消都会微信通知这一户，送货通知也发给这一户。`
      : '',
    orderText: order ? orderStateText(order) : '',
    orderClass: order ? ORDER_STATUS_CLASS[order.status] : '',
    summary: order && order.lines.length ? linesSummary(order.lines) : '',
    orderTotal: order && placed ? yuanText(order.total) : '',
    payment: order && placed && buy.kind === 'sale' ? paymentText(order.payment) : '',
    placed,
    queued: order?.status === 'queued',
    editing: editing ?? (editable && !placed),
    editable,
    lines,
    total: yuanText(totalOf(buy, lines)),
    errorTitle: '',
    errorMessage: '',
    busy: false,
  }
}

function headData(buy: BuyView) {
  return {
    title: buy.title,
    drop: buy.kind === 'drop',
    status: buyStatusText(buy),
    statusClass: BUY_STATUS_CLASS[buy.status],
    note: buy.note,
    seller: sellerData(buy),
    organiser: buy.seller ? `组织：${buy.organiser}` : '',
    deadline: `${formatDateTime(buy.closesAt)} 截单`,
    opens: buy.status === 'scheduled' ? `${formatDateTime(buy.opensAt)} 开始接龙` : '',
    delivery: `预计 ${formatDateTime(buy.deliveryAt)} 送达`,
    minimum:
      buy.minTotal !== undefined && buy.kind === 'sale'
        ? `满 ${yuanText(buy.minTotal)}成团，已接龙 ${yuanText(buy.total)}${buy.minimumMet ? '（已成团）' : ''}`
        : '',
    scope: buy.allBuildings ? '全部楼栋' : buy.buildings.map((b) => b.name).join('、'),
    reason: buy.reason ?? '',
  }
}

/** The lead's building in the buy's scope, if the caller leads one: their 接龙 and share card. */
function ledBuilding(me: WhoAmI, buy: BuyView): string {
  const lead = me.roles.find(
    (r) =>
      (r.role === 'buildingLead' || r.role === 'floorLead') &&
      r.scope.communityId === buy.communityId &&
      r.scope.buildingId !== undefined &&
      buy.buildings.some((b) => b.id === r.scope.buildingId),
  )
  return lead?.scope.buildingId ?? ''
}

/** Which line of the payload an INVALID_INPUT field points at (`lines.1.qty`). */
const FIELD_LINE = /^lines\.(\d+)/

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    buyId: '',
    head: {} as ReturnType<typeof headData>,
    items: [] as ItemRow[],
    forms: [] as FormRow[],
    sale: true,
    open: false,
    /** None of my households is in the buy's scope. */
    outside: false,
    manage: false,
    leadBuilding: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ buyId: query.id ?? '' })
      void this.load()
    },

    async load() {
      if (!this.data.buyId) {
        this.setData({ state: 'error', errorMessage: '没有指定团购，请从「团购」列表进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const [detail, me] = await Promise.all([
          call('groupbuy', 'buy', { buyId: this.data.buyId }, { silent: true }),
          currentMe(),
        ])
        store(this).me = me
        this.show(detail)
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    show(detail: BuyDetail) {
      const s = store(this)
      s.detail = detail
      const { buy } = detail
      this.setData({
        state: 'ready',
        head: headData(buy),
        items: buy.items.map((i) => itemRow(i, buy.kind === 'drop')),
        forms: buy.kind === 'sale' ? detail.mine.map((m) => formRow(buy, m)) : [],
        sale: buy.kind === 'sale',
        open: buy.status === 'open',
        outside: detail.mine.length === 0,
        manage: buy.manage,
        leadBuilding: s.me ? ledBuilding(s.me, buy) : '',
      })
      wx.setNavigationBarTitle({ title: buy.kind === 'drop' ? '物资发放' : '团购' })
    },

    /** Read the buy again (stock left, the minimum) and keep each form's state and what is being typed. */
    async refreshItems() {
      try {
        const detail = await call('groupbuy', 'buy', { buyId: this.data.buyId }, { silent: true })
        const s = store(this)
        s.detail = { ...detail, mine: s.detail?.mine ?? detail.mine }
        const { buy } = detail
        const patch: Record<string, unknown> = {
          head: headData(buy),
          items: buy.items.map((i) => itemRow(i, buy.kind === 'drop')),
          open: buy.status === 'open',
        }
        this.data.forms.forEach((f, i) => {
          const m = s.detail?.mine.find((x) => x.householdId === f.householdId)
          f.lines.forEach((l, j) => {
            const item = buy.items.find((x) => x.id === l.itemId)
            if (!item) return
            const next = lineRow(
              item,
              Math.min(l.qty, maxUnits(item, held(m?.order, item.id))),
              held(m?.order, item.id),
            )
            patch[`forms[${i}].lines[${j}]`] = { ...next, error: l.error }
          })
          if (buy.status !== 'open') {
            patch[`forms[${i}].editable`] = false
            patch[`forms[${i}].editing`] = false
          }
        })
        this.setData(patch)
      } catch {
        // keep what is shown; the refusal already says what happened
      }
    },

    onRetry() {
      void this.load()
    },

    setLine(f: number, l: number, qty: number) {
      const form = this.data.forms[f]
      const line = form?.lines[l]
      const item = store(this).detail?.buy.items.find((i) => i.id === line?.itemId)
      const buy = store(this).detail?.buy
      if (!form || !line || !item || !buy) return
      const pack = Math.max(1, item.packSize)
      const lines = form.lines.map((x, k) => (k === l ? { itemId: x.itemId, qty } : { itemId: x.itemId, qty: x.qty }))
      this.setData({
        [`forms[${f}].lines[${l}].qty`]: qty,
        [`forms[${f}].lines[${l}].steps`]: qty / pack,
        [`forms[${f}].lines[${l}].qtyText`]: qty ? qtyText(qty, item.packSize, item.unit) : '',
        [`forms[${f}].lines[${l}].canMinus`]: qty > 0,
        [`forms[${f}].lines[${l}].canPlus`]: qty + pack <= line.max,
        [`forms[${f}].lines[${l}].error`]: false,
        [`forms[${f}].total`]: yuanText(totalOf(buy, lines)),
        [`forms[${f}].errorTitle`]: '',
        [`forms[${f}].errorMessage`]: '',
      })
    },

    onStep(e: WechatMiniprogram.TouchEvent) {
      const { f, l, dir } = e.currentTarget.dataset as { f: number; l: number; dir: number }
      const line = this.data.forms[f]?.lines[l]
      const item = store(this).detail?.buy.items.find((i) => i.id === line?.itemId)
      if (!line || !item || this.data.forms[f]?.busy) return
      this.setLine(f, l, stepUnits(line.qty, item.packSize, dir > 0 ? 1 : -1, line.max))
    },

    /** A typed count of packs: whatever is typed, the quantity stays a whole number of packs within the limit. */
    onTyped(e: WechatMiniprogram.Input) {
      const { f, l } = e.currentTarget.dataset as { f: number; l: number }
      const line = this.data.forms[f]?.lines[l]
      const item = store(this).detail?.buy.items.find((i) => i.id === line?.itemId)
      if (!line || !item) return
      const qty = unitsFromTyped(e.detail.value, item.packSize, line.max)
      this.setLine(f, l, qty)
      return String(qty / Math.max(1, item.packSize))
    },

    onEdit(e: WechatMiniprogram.TouchEvent) {
      const { f } = e.currentTarget.dataset as { f: number }
      if (this.data.forms[f]?.editable) this.setData({ [`forms[${f}].editing`]: true })
    },

    /** 不改了: the form goes back to the order as it stands. */
    onStopEdit(e: WechatMiniprogram.TouchEvent) {
      const { f } = e.currentTarget.dataset as { f: number }
      const s = store(this)
      const m = s.detail?.mine.find((x) => x.householdId === this.data.forms[f]?.householdId)
      if (s.detail && m) this.setData({ [`forms[${f}]`]: formRow(s.detail.buy, m, false) })
    },

    onSubmit(e: WechatMiniprogram.TouchEvent) {
      const { f } = e.currentTarget.dataset as { f: number }
      const form = this.data.forms[f]
      if (!form || form.busy || !form.editable) return
      const lines: OrderLineInput[] = form.lines.filter((l) => l.qty > 0).map((l) => ({ itemId: l.itemId, qty: l.qty }))
      if (lines.length === 0) {
        this.setData({
          [`forms[${f}].errorTitle`]: '还没有选商品',
          [`forms[${f}].errorMessage`]: form.placed
            ? '每样都是 0。不要了请点「取消订单」。'
            : '请用「+」选好要买的数量，再提交接龙。',
        })
        return
      }
      // Inside the tap, before any await: WeChat shows the subscription dialog only then. Accepting lets the
      // close, a buy that did not go ahead and the delivery reach this phone.
      const asked = askSubscribe([TEMPLATES.buyUpdate])
      this.setData({ [`forms[${f}].busy`]: true, [`forms[${f}].errorTitle`]: '', [`forms[${f}].errorMessage`]: '' })
      void asked.then(() => this.place(form.householdId, lines))
    },

    async place(householdId: string, lines: OrderLineInput[]) {
      const s = store(this)
      const requestId = (s.requests[householdId] ||= newRequestId())
      try {
        const order = await call(
          'groupbuy',
          'placeOrder',
          { buyId: this.data.buyId, householdId, lines, requestId },
          // Idempotent by requestId: a dropped network is sent again as the same request.
          { silent: true, retries: 2 },
        )
        delete s.requests[householdId]
        await this.answered(householdId, order, lines)
      } catch (err) {
        this.refused(householdId, err, lines)
      } finally {
        this.patchForm(householdId, { busy: false })
      }
    },

    /** An order as the function answered it: queued ones are asked for again until they have their number. */
    async answered(householdId: string, first: OrderView, sent: OrderLineInput[] = []) {
      let order = first
      if (order.status === 'queued') {
        this.showOrder(householdId, order)
        for (const ms of QUEUE_POLL_MS) {
          await wait(ms)
          const again = await call(
            'groupbuy',
            'order',
            { buyId: this.data.buyId, householdId },
            { silent: true },
          ).catch(() => null)
          if (again) order = again
          if (order.status !== 'queued') break
        }
      }
      this.showOrder(householdId, order, order.status === 'refused' ? sent : undefined)
      if (order.status === 'active') toast(order.no ? `第 ${order.no} 号` : '已接龙')
      else if (order.status === 'cancelled') toast('已取消')
      else if (order.status === 'refused') {
        this.patchForm(householdId, {
          errorTitle: '没有下单成功',
          errorMessage: order.refusal?.message ?? '请看各样商品还剩多少，改好后再提交',
        })
        this.markItem(householdId, order.refusal?.itemId)
      } else
        this.patchForm(householdId, {
          errorTitle: '',
          errorMessage: '正在排接龙号，稍后下拉刷新就能看到您的接龙号。',
        })
      void this.refreshItems()
    },

    /** The household's form after an answer: the order as it stands, or (refused) the form again with what was sent. */
    showOrder(householdId: string, order: OrderView, again?: OrderLineInput[]) {
      const s = store(this)
      if (!s.detail) return
      const buy = s.detail.buy
      const mine = s.detail.mine.map((m) => (m.householdId === householdId ? { ...m, order } : m))
      s.detail = { ...s.detail, mine }
      const index = this.data.forms.findIndex((x) => x.householdId === householdId)
      const m = mine.find((x) => x.householdId === householdId)
      if (index < 0 || !m) return
      const form = again ? withQuantities(formRow(buy, m, true), buy, again) : formRow(buy, m)
      this.setData({ [`forms[${index}]`]: { ...form, busy: true } })
    },

    patchForm(householdId: string, patch: Partial<FormRow>) {
      const index = this.data.forms.findIndex((x) => x.householdId === householdId)
      if (index < 0) return
      this.setData(Object.fromEntries(Object.entries(patch).map(([k, v]) => [`forms[${index}].${k}`, v])))
    },

    markItem(householdId: string, itemId: string | undefined) {
      const index = this.data.forms.findIndex((x) => x.householdId === householdId)
      const line = this.data.forms[index]?.lines.findIndex((l) => l.itemId === itemId) ?? -1
      if (index >= 0 && line >= 0) this.setData({ [`forms[${index}].lines[${line}].error`]: true })
    },

    refused(householdId: string, err: unknown, lines: OrderLineInput[]) {
      const e = err instanceof CloudError ? err : new CloudError('NETWORK', '网络不太好，请检查网络后再试')
      // An answer from the function is final for this attempt: the next tap is a new request. Only when the call
      // may not have arrived (network, a failure inside) is the same request id sent again.
      if (e.code !== 'NETWORK' && e.code !== 'INTERNAL') delete store(this).requests[householdId]
      this.patchForm(householdId, {
        errorTitle: REFUSAL_TITLES[e.code] ?? '没有提交成功',
        errorMessage: e.message,
      })
      const line = FIELD_LINE.exec(e.field ?? '')?.[1]
      this.markItem(householdId, line !== undefined ? lines[Number(line)]?.itemId : undefined)
      if (e.code === 'SOLD_OUT' || e.code === 'OVER_LIMIT' || e.code === 'BUY_CLOSED' || e.code === 'ITEM_NOT_FOUND')
        void this.refreshItems()
    },

    async onCancelOrder(e: WechatMiniprogram.TouchEvent) {
      const { f } = e.currentTarget.dataset as { f: number }
      const form = this.data.forms[f]
      if (!form || form.busy || !form.placed) return
      const yes = await confirm(
        '取消订单',
        `取消 ${form.label} 的订单？接龙号保留，标为「已取消」。截单前还可以重新下单。`,
        '取消订单',
        '不取消',
      )
      if (!yes) return
      const s = store(this)
      const key = `cancel:${form.householdId}`
      const requestId = (s.requests[key] ||= newRequestId())
      this.patchForm(form.householdId, { busy: true, errorTitle: '', errorMessage: '' })
      try {
        const order = await call(
          'groupbuy',
          'cancelOrder',
          { buyId: this.data.buyId, householdId: form.householdId, requestId },
          { silent: true, retries: 2 },
        )
        delete s.requests[key]
        await this.answered(form.householdId, order)
      } catch (err) {
        const c = err instanceof CloudError ? err : new CloudError('NETWORK', '网络不太好，请检查网络后再试')
        if (c.code !== 'NETWORK' && c.code !== 'INTERNAL') delete s.requests[key]
        this.patchForm(form.householdId, {
          errorTitle: REFUSAL_TITLES[c.code] ?? '没有取消成功',
          errorMessage: c.message,
        })
      } finally {
        this.patchForm(form.householdId, { busy: false })
      }
    },

    onManage() {
      const { buyId, leadBuilding, manage } = this.data
      openPage(
        `/packageGroupbuy/pages/manage?id=${buyId}${!manage && leadBuilding ? `&buildingId=${leadBuilding}` : ''}`,
      )
    },

    onOrders() {
      const communityId = store(this).detail?.buy.communityId
      if (communityId) openPage(`/packageGroupbuy/pages/orders?communityId=${communityId}`)
    },

    /** The card for the building's group: the buy's title and deadline, opening this page (never a screenshot). */
    onShareAppMessage() {
      const buy = store(this).detail?.buy
      if (!buy) return { title: '邻里接力：团购接龙', path: '/pages/index/index', imageUrl: SHARE_IMAGE }
      const when =
        buy.status === 'scheduled' ? `${formatDateTime(buy.opensAt)} 开团` : `${formatDateTime(buy.closesAt)} 截单`
      return {
        title: `${buy.title}（${when}）`,
        path: `/packageGroupbuy/pages/buy?id=${buy.id}`,
        imageUrl: SHARE_IMAGE,
      }
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
