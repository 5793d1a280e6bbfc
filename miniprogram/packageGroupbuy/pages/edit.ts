// Create a buy, or change one. A sale (an approved shop for its own; the committee or 团长 with a shop or none) or the
// committee's supply drop (物资发放, an allotment per household or per person). Items: name, spec, unit (picked, or
// typed), pack size, price typed in 元 and sent in 分, stock and a per-household limit (whole packs), or the drop's
// allotment; the minimum for a sale to go ahead; all buildings or some; when it opens, closes and is delivered (in
// Shanghai time). One request id per page load: a double tap or a retry creates one buy. Changing a buy: before it
// opens, all of it but its kind and seller; once open, the note, a later deadline and delivery, and more stock.
import type { BuyInput, BuyItemInput, BuyView, MerchantView, StructureView, WhoAmI } from '../../../typings/api'
import { call, CloudError } from '../../services/cloud'
import { currentMe, holds } from '../../services/session'
import { confirm, toast } from '../../utils/dialog'
import { formatDateTime } from '../../utils/format'
import { pageStore } from '../../utils/store'
import { CUSTOM_UNIT, UNITS } from '../utils/labels'
import { parseYuan, yuan } from '../utils/money'
import { newRequestId } from '../utils/request'
import { nextHalfHour, shanghaiInstant, shanghaiParts } from '../utils/time'

type LoadState = 'loading' | 'ready' | 'error'
type Mode = 'create' | 'scheduled' | 'open'
type Kind = 'sale' | 'drop'
type When = 'opens' | 'closes' | 'delivery'

interface ItemErrors {
  name: string
  unit: string
  pack: string
  price: string
  stock: string
  limit: string
  allot: string
}

interface ItemForm {
  key: string
  /** The item's id when changing a buy (its stock can be added to). */
  id: string
  name: string
  spec: string
  unitIndex: number
  customUnit: string
  packSize: string
  price: string
  stock: string
  limit: string
  allotPer: 'household' | 'person'
  allotQty: string
  /** Once open: what the item is (read-only) and units to add to its stock. */
  summary: string
  addStock: string
  errors: ItemErrors
}

interface PickGroup {
  id: string
  name: string
  buildings: { id: string; name: string; on: boolean }[]
}

export const MAX_ITEMS = 30
const UNIT_OPTIONS = [...UNITS, CUSTOM_UNIT]
const DAY = 24 * 60 * 60 * 1000

const noErrors = (): ItemErrors => ({ name: '', unit: '', pack: '', price: '', stock: '', limit: '', allot: '' })

let keys = 0
function newItem(): ItemForm {
  keys++
  return {
    key: `k${keys}`,
    id: '',
    name: '',
    spec: '',
    unitIndex: 0,
    customUnit: '',
    packSize: '1',
    price: '',
    stock: '',
    limit: '',
    allotPer: 'household',
    allotQty: '',
    summary: '',
    addStock: '',
    errors: noErrors(),
  }
}

function itemForm(i: BuyView['items'][number], kind: Kind): ItemForm {
  const known = (UNITS as readonly string[]).indexOf(i.unit)
  return {
    ...newItem(),
    id: i.id,
    name: i.name,
    spec: i.spec,
    unitIndex: known >= 0 ? known : UNITS.length,
    customUnit: known >= 0 ? '' : i.unit,
    packSize: String(i.packSize),
    price: kind === 'sale' ? yuan(i.price) : '',
    stock: i.stock !== undefined ? String(i.stock) : '',
    limit: i.limit !== undefined ? String(i.limit) : '',
    allotPer: i.allot?.per ?? 'household',
    allotQty: i.allot ? String(i.allot.qty) : '',
    summary: `${i.name}${i.spec ? ` ${i.spec}` : ''} · ${i.stock !== undefined ? `库存 ${i.stock} ${i.unit}，` : ''}已订 ${i.sold} ${i.unit}`,
  }
}

/** A whole number typed (digits only); null when empty or not one. */
function whole(text: string): number | null {
  const t = text.trim()
  return /^\d{1,7}$/.test(t) ? Number(t) : null
}

const unitOf = (f: ItemForm) => (f.unitIndex >= UNITS.length ? f.customUnit.trim() : (UNITS[f.unitIndex] ?? ''))

/** An item as the contract takes it, and what is wrong with it on the page (the function checks again). */
function readItem(f: ItemForm, kind: Kind): { item: BuyItemInput; errors: ItemErrors } {
  const errors = noErrors()
  const name = f.name.trim()
  const unit = unitOf(f)
  const pack = whole(f.packSize)
  if (!name || name.length > 20) errors.name = '请填写品名（1–20 个字）'
  if (!unit || unit.length > 4) errors.unit = '请选择单位，或写一个 1–4 个字的单位'
  if (!pack || pack > 999) errors.pack = '每箱几个：请写 1–999 的整数（单个卖写 1）'
  const packSize = pack || 1
  const multiple = (n: number) => n % packSize === 0
  const packWord = packSize > 1 ? `${packSize} 的整数倍（整箱）` : '整数'
  const item: BuyItemInput = { name, spec: f.spec.trim(), unit, packSize, price: 0 }
  if (kind === 'sale') {
    const price = parseYuan(f.price)
    if (price === null || price <= 0) errors.price = '请写单价，单位是元，如 8.5'
    else item.price = price
    const stock = whole(f.stock)
    if (stock === null || stock <= 0) errors.stock = `请写库存（${unit || '个'}数）`
    else if (!multiple(stock)) errors.stock = `库存要是 ${packWord}`
    else item.stock = stock
    if (f.limit.trim()) {
      const limit = whole(f.limit)
      if (limit === null || limit <= 0) errors.limit = '每户限购：请写整数，不限购就空着'
      else if (!multiple(limit)) errors.limit = `每户限购要是 ${packWord}`
      else item.limit = limit
    }
  } else {
    const qty = whole(f.allotQty)
    if (qty === null || qty <= 0) errors.allot = `请写${f.allotPer === 'person' ? '每人' : '每户'}发多少`
    else if (!multiple(qty)) errors.allot = `发放数量要是 ${packWord}`
    else item.allot = { per: f.allotPer, qty }
  }
  return { item, errors }
}

function pickGroups(s: StructureView, chosen: string[] = []): PickGroup[] {
  return s.groups.map((g) => ({
    id: g.id,
    name: g.name || '未分营',
    buildings: g.buildings.map((b) => ({ id: b.id, name: b.name, on: chosen.includes(b.id) })),
  }))
}

/** Opens at the next half hour, closes at 20:00 (the next day's when today's is within 2 hours), delivered 10:00 after. */
function defaultTimes(now: number) {
  const opens = shanghaiParts(nextHalfHour(now))
  let closesDay = opens.date
  if (Date.parse(shanghaiInstant(closesDay, '20:00')) - now < 2 * 60 * 60 * 1000)
    closesDay = shanghaiParts(Date.parse(shanghaiInstant(closesDay, '12:00')) + DAY).date
  const deliveryDay = shanghaiParts(Date.parse(shanghaiInstant(closesDay, '12:00')) + DAY).date
  return {
    opens,
    closes: { date: closesDay, time: '20:00' },
    delivery: { date: deliveryDay, time: '10:00' },
  }
}

const store = pageStore(() => ({
  buy: null as BuyView | null,
  me: null as WhoAmI | null,
  merchants: [] as MerchantView[],
}))

/** Which field of the form an INVALID_INPUT from the function names (`items.1.price` → item 1, price). */
const FIELD_ITEM = /^items\.(\d+)\.(\w+)/
const ITEM_FIELD_ERRORS: Record<string, keyof ItemErrors> = {
  name: 'name',
  spec: 'name',
  unit: 'unit',
  packSize: 'pack',
  price: 'price',
  stock: 'stock',
  limit: 'limit',
  allot: 'allot',
}

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    mode: 'create' as Mode,
    kind: 'sale' as Kind,
    communityId: '',
    buyId: '',
    /** This page's request id: every attempt at this form sends it. */
    requestId: '',
    heading: '',
    /** The seller: fixed (a shop's own buy, or a buy being changed) or picked by the committee / 团长. */
    sellerFixed: '',
    sellerOptions: [] as string[],
    sellerIndex: 0,
    form: { title: '', note: '', minTotal: '', all: true },
    items: [] as ItemForm[],
    units: UNIT_OPTIONS,
    customIndex: UNITS.length,
    when: {
      opens: { date: '', time: '' },
      closes: { date: '', time: '' },
      delivery: { date: '', time: '' },
    },
    today: '',
    errors: { title: '', note: '', minTotal: '', items: '', pick: '', opens: '', closes: '', delivery: '' },
    pick: { state: 'idle' as 'idle' | LoadState, message: '', groups: [] as PickGroup[], chosen: 0 },
    formError: '',
    saving: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({
        communityId: query.communityId ?? '',
        buyId: query.id ?? '',
        kind: query.kind === 'drop' ? 'drop' : 'sale',
        requestId: newRequestId(),
        today: shanghaiParts(Date.now()).date,
      })
      void this.load(query.merchantId ?? '')
    },

    async load(merchantId = '') {
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const me = await currentMe()
        store(this).me = me
        if (this.data.buyId) await this.loadBuy()
        else await this.prepareNew(me, merchantId)
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    fail(message: string) {
      this.setData({ state: 'error', errorMessage: message })
    },

    async prepareNew(me: WhoAmI, merchantId: string) {
      const { communityId, kind } = this.data
      if (!communityId) return this.fail('没有指定社区，请从「团购」进入')
      const organiser = holds(me, ['committee', 'communityLead'], { communityId })
      const shop = holds(me, ['merchant'], { communityId })
      if (kind === 'drop' && !holds(me, ['committee'], { communityId })) return this.fail('只有居委可以发起物资发放')
      if (!organiser && !shop) return this.fail('只有已通过居委审核的商家、居委和团长可以发起团购')
      const s = store(this)
      let sellerFixed = ''
      let sellerOptions: string[] = []
      if (kind === 'sale' && shop && (!organiser || merchantId)) {
        const mine = await call('groupbuy', 'myMerchant', { communityId }, { silent: true })
        if (!mine || mine.status !== 'approved') return this.fail('您的店铺还没有通过居委审核，通过后才能开团')
        s.merchants = [mine]
        sellerFixed = mine.shopName
      } else if (kind === 'sale') {
        s.merchants = await call(
          'groupbuy',
          'listMerchants',
          { communityId, status: 'approved' },
          { silent: true },
        ).catch(() => [] as MerchantView[])
        const self = holds(me, ['committee'], { communityId }) ? '居委' : '团长'
        sellerOptions = [`不指定商家（${self}组织）`, ...s.merchants.map((m) => m.shopName)]
      }
      const picked = s.merchants.findIndex((m) => m.id === merchantId)
      const t = defaultTimes(Date.now())
      this.setData({
        state: 'ready',
        mode: 'create',
        heading: kind === 'drop' ? '物资发放' : '发起团购',
        sellerFixed,
        sellerOptions,
        sellerIndex: sellerOptions.length && picked >= 0 ? picked + 1 : 0,
        form: { title: '', note: '', minTotal: '', all: true },
        items: [newItem()],
        when: t,
      })
      wx.setNavigationBarTitle({ title: kind === 'drop' ? '物资发放' : '发起团购' })
    },

    async loadBuy() {
      const { buy } = await call('groupbuy', 'buy', { buyId: this.data.buyId }, { silent: true })
      if (!buy.manage) return this.fail('只有组织者、商家和居委可以修改这个团购')
      if (buy.status !== 'scheduled' && buy.status !== 'open') return this.fail('已截单、未成团或取消的团购不能再修改')
      store(this).buy = buy
      const at = (iso: string) => shanghaiParts(Date.parse(iso))
      this.setData({
        state: 'ready',
        mode: buy.status,
        kind: buy.kind,
        communityId: buy.communityId,
        heading: buy.status === 'open' ? `修改「${buy.title}」（已开团）` : `修改「${buy.title}」`,
        sellerFixed: buy.seller?.shopName ?? buy.organiser,
        form: {
          title: buy.title,
          note: buy.note,
          minTotal: buy.minTotal !== undefined ? yuan(buy.minTotal) : '',
          all: buy.allBuildings,
        },
        items: buy.items.map((i) => itemForm(i, buy.kind)),
        when: { opens: at(buy.opensAt), closes: at(buy.closesAt), delivery: at(buy.deliveryAt) },
      })
      if (!buy.allBuildings && buy.status === 'scheduled') void this.loadBuildings(buy.buildings.map((b) => b.id))
      wx.setNavigationBarTitle({ title: '修改团购' })
    },

    onRetry() {
      void this.load()
    },

    onField(e: WechatMiniprogram.Input) {
      const { field } = e.currentTarget.dataset as { field: 'title' | 'note' | 'minTotal' }
      this.setData({ [`form.${field}`]: e.detail.value, [`errors.${field}`]: '', formError: '' })
    },

    onSeller(e: WechatMiniprogram.PickerChange) {
      this.setData({ sellerIndex: Number(e.detail.value) })
    },

    onItemField(e: WechatMiniprogram.Input) {
      const { i, field } = e.currentTarget.dataset as { i: number; field: keyof ItemForm }
      const errorKey: Partial<Record<keyof ItemForm, keyof ItemErrors>> = {
        name: 'name',
        spec: 'name',
        customUnit: 'unit',
        packSize: 'pack',
        price: 'price',
        stock: 'stock',
        limit: 'limit',
        allotQty: 'allot',
        addStock: 'stock',
      }
      const patch: Record<string, unknown> = { [`items[${i}].${field}`]: e.detail.value, formError: '' }
      const k = errorKey[field]
      if (k) patch[`items[${i}].errors.${k}`] = ''
      this.setData(patch)
    },

    onUnit(e: WechatMiniprogram.PickerChange) {
      const { i } = e.currentTarget.dataset as { i: number }
      this.setData({ [`items[${i}].unitIndex`]: Number(e.detail.value), [`items[${i}].errors.unit`]: '' })
    },

    onAllotPer(e: WechatMiniprogram.TouchEvent) {
      const { i, per } = e.currentTarget.dataset as { i: number; per: 'household' | 'person' }
      this.setData({ [`items[${i}].allotPer`]: per, [`items[${i}].errors.allot`]: '' })
    },

    onAddItem() {
      if (this.data.items.length >= MAX_ITEMS) return
      this.setData({ [`items[${this.data.items.length}]`]: newItem(), 'errors.items': '' })
    },

    onRemoveItem(e: WechatMiniprogram.TouchEvent) {
      const { i } = e.currentTarget.dataset as { i: number }
      this.setData({ items: this.data.items.filter((_, k) => k !== Number(i)) })
    },

    onDate(e: WechatMiniprogram.PickerChange) {
      const { w } = e.currentTarget.dataset as { w: When }
      this.setData({ [`when.${w}.date`]: String(e.detail.value), [`errors.${w}`]: '' })
    },

    onTime(e: WechatMiniprogram.PickerChange) {
      const { w } = e.currentTarget.dataset as { w: When }
      this.setData({ [`when.${w}.time`]: String(e.detail.value), [`errors.${w}`]: '' })
    },

    onScope(e: WechatMiniprogram.TouchEvent) {
      const all = (e.currentTarget.dataset as { all: boolean }).all
      this.setData({ 'form.all': all, 'errors.pick': '' })
      if (!all && this.data.pick.state !== 'ready') void this.loadBuildings()
    },

    async loadBuildings(chosen: string[] = []) {
      this.setData({ 'pick.state': 'loading', 'pick.message': '' })
      try {
        const s = await call('community', 'structure', { communityId: this.data.communityId }, { silent: true })
        const groups = pickGroups(s, chosen)
        const count = groups.reduce((n, g) => n + g.buildings.filter((b) => b.on).length, 0)
        this.setData({ pick: { state: 'ready', message: '', groups, chosen: count } })
      } catch (err) {
        this.setData({
          'pick.state': 'error',
          'pick.message': err instanceof CloudError ? err.message : '楼栋没有加载成功',
        })
      }
    },

    onRetryBuildings() {
      void this.loadBuildings()
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

    instant(w: When): string {
      const t = this.data.when[w]
      return shanghaiInstant(t.date, t.time)
    },

    /** The times checked against each other and now; errors per field. */
    checkTimes(now: number, opensFixed: boolean) {
      const opens = Date.parse(this.instant('opens'))
      const closes = Date.parse(this.instant('closes'))
      const delivery = Date.parse(this.instant('delivery'))
      const buy = store(this).buy
      return {
        opens: '',
        closes:
          closes <= now
            ? '截单时间已经过了，请选晚一点的时间'
            : !opensFixed && closes <= opens
              ? '截单要在开团之后'
              : buy && this.data.mode === 'open' && closes < Date.parse(buy.closesAt)
                ? '已开团的团购只能推迟截单，不能提前'
                : '',
        delivery: delivery < closes ? '送达时间要在截单之后' : '',
      }
    },

    chosenIds(): string[] {
      return this.data.pick.groups.flatMap((g) => g.buildings.filter((b) => b.on).map((b) => b.id))
    },

    /** The whole form read and checked: the input for createBuy (or the scheduled buy's update), or null. */
    readForm(): Omit<BuyInput, 'communityId' | 'kind' | 'requestId'> | null {
      const { form, kind, items } = this.data
      const title = form.title.trim()
      const note = form.note.trim()
      const read = items.map((f) => readItem(f, kind))
      const minTotal = form.minTotal.trim() ? parseYuan(form.minTotal) : undefined
      const ids = form.all ? [] : this.chosenIds()
      const times = this.checkTimes(Date.now(), false)
      const errors = {
        title: title.length < 2 || title.length > 30 ? '请写标题（2–30 个字），如「周末蔬菜鸡蛋团」' : '',
        note: note.length > 300 ? '说明最多 300 个字' : '',
        minTotal: minTotal === null ? '成团金额请写元数，如 300；不设就空着' : '',
        items: items.length === 0 ? '请至少添加一样商品' : '',
        pick: !form.all && ids.length === 0 ? '请至少选择一栋楼，或选「全部楼栋」' : '',
        ...times,
      }
      const patch: Record<string, unknown> = { errors }
      read.forEach((r, i) => (patch[`items[${i}].errors`] = r.errors))
      const bad =
        Object.values(errors).filter(Boolean).length +
        read.reduce((n, r) => n + Object.values(r.errors).filter(Boolean).length, 0)
      patch.formError = bad ? `还有 ${bad} 处没有填好，请看红色提示` : ''
      this.setData(patch)
      if (bad) return null
      return {
        title,
        note,
        items: read.map((r) => r.item),
        ...(kind === 'sale' && minTotal ? { minTotal } : {}),
        ...(form.all ? {} : { buildingIds: ids }),
        opensAt: this.instant('opens'),
        closesAt: this.instant('closes'),
        deliveryAt: this.instant('delivery'),
      }
    },

    async onSave() {
      if (this.data.saving) return
      if (this.data.mode === 'open') return this.saveOpen()
      const input = this.readForm()
      if (!input) return
      const what = this.data.kind === 'drop' ? '发放' : '团购'
      const scope = input.buildingIds ? `${input.buildingIds.length} 栋楼` : '全部楼栋'
      const creating = this.data.mode === 'create'
      const yes = await confirm(
        creating ? `发起${what}` : `保存修改`,
        `「${input.title}」${input.items.length} 样，${formatDateTime(input.opensAt)} 开始，${formatDateTime(input.closesAt)} 截单，${scope}。` +
          (creating ? '开团前会微信通知范围内订阅了提醒的住户和楼组长。' : ''),
        creating ? '发起' : '保存',
      )
      if (!yes) return
      this.setData({ saving: true, formError: '' })
      try {
        const buy = creating ? await this.create(input) : await this.update(input)
        toast(creating ? '已发起' : '已保存')
        wx.redirectTo({ url: `/packageGroupbuy/pages/manage?id=${buy.id}` })
      } catch (err) {
        this.refused(err)
      } finally {
        this.setData({ saving: false })
      }
    },

    create(input: Omit<BuyInput, 'communityId' | 'kind' | 'requestId'>) {
      const { communityId, kind, requestId, sellerIndex, sellerFixed } = this.data
      const merchants = store(this).merchants
      const merchant = sellerFixed ? merchants[0] : sellerIndex > 0 ? merchants[sellerIndex - 1] : undefined
      return call(
        'groupbuy',
        'createBuy',
        { ...input, communityId, kind, requestId, ...(kind === 'sale' && merchant ? { merchantId: merchant.id } : {}) },
        // Idempotent by requestId: a dropped network is sent again as the same request.
        { silent: true, retries: 2 },
      )
    },

    update(input: Omit<BuyInput, 'communityId' | 'kind' | 'requestId'>) {
      return call(
        'groupbuy',
        'updateBuy',
        { buyId: this.data.buyId, requestId: this.data.requestId, ...input },
        { silent: true, retries: 2 },
      )
    },

    /** An open buy: the note, a later deadline and delivery, and stock added to items. */
    async saveOpen() {
      const buy = store(this).buy
      if (!buy) return
      const note = this.data.form.note.trim()
      const times = this.checkTimes(Date.now(), true)
      const adds: { itemId: string; add: number }[] = []
      const patch: Record<string, unknown> = {
        errors: { ...this.data.errors, ...times, note: note.length > 300 ? '说明最多 300 个字' : '' },
      }
      let bad = Object.values(times).filter(Boolean).length + (note.length > 300 ? 1 : 0)
      this.data.items.forEach((f, i) => {
        const item = buy.items.find((x) => x.id === f.id)
        if (!item || !f.addStock.trim()) return
        const add = whole(f.addStock)
        const error =
          add === null || add <= 0
            ? '加库存：请写整数'
            : add % item.packSize
              ? `加库存要是 ${item.packSize} 的整数倍（整箱）`
              : ''
        patch[`items[${i}].errors.stock`] = error
        if (error) bad++
        else adds.push({ itemId: item.id, add: add as number })
      })
      patch.formError = bad ? `还有 ${bad} 处没有填好，请看红色提示` : ''
      this.setData(patch)
      if (bad) return
      const closesAt = this.instant('closes')
      const deliveryAt = this.instant('delivery')
      const changes = {
        ...(note !== buy.note ? { note } : {}),
        ...(Date.parse(closesAt) !== Date.parse(buy.closesAt) ? { closesAt } : {}),
        ...(Date.parse(deliveryAt) !== Date.parse(buy.deliveryAt) ? { deliveryAt } : {}),
        ...(adds.length ? { addStock: adds } : {}),
      }
      if (Object.keys(changes).length === 0) {
        this.setData({ formError: '没有改动' })
        return
      }
      this.setData({ saving: true, formError: '' })
      try {
        const next = await call(
          'groupbuy',
          'updateBuy',
          { buyId: buy.id, requestId: this.data.requestId, ...changes },
          { silent: true, retries: 2 },
        )
        toast('已保存')
        wx.redirectTo({ url: `/packageGroupbuy/pages/manage?id=${next.id}` })
      } catch (err) {
        this.refused(err)
      } finally {
        this.setData({ saving: false })
      }
    },

    /** The function's refusal, on its field when it names one. */
    refused(err: unknown) {
      const e = err instanceof CloudError ? err : new CloudError('NETWORK', '没有保存成功，请稍后再试')
      const patch: Record<string, unknown> = { formError: e.message }
      const m = FIELD_ITEM.exec(e.field ?? '')
      const field = m ? ITEM_FIELD_ERRORS[m[2] as string] : undefined
      if (m && field && this.data.items[Number(m[1])]) patch[`items[${m[1]}].errors.${field}`] = e.message
      const top = (e.field ?? '').split('.')[0] ?? ''
      const TOP: Record<string, string> = {
        title: 'title',
        note: 'note',
        minTotal: 'minTotal',
        buildingIds: 'pick',
        opensAt: 'opens',
        closesAt: 'closes',
        deliveryAt: 'delivery',
      }
      if (TOP[top]) patch[`errors.${TOP[top]}`] = e.message
      this.setData(patch)
    },
  },
})
