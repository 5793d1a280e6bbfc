// A shop's 入驻: apply to sell in the community (shop, contact, phone, goods, and photos of the business licence,
// food permit and staff health certificates, uploaded under merchants/<communityId>/<openid>/), with why each is
// asked for and who sees it; then the application's standing with the committee's reason and history; once
// approved, the shop's buys and 发起团购.
import type { BuyView, MerchantView } from '../../../typings/api'
import { call, CloudError } from '../../services/cloud'
import { currentMe } from '../../services/session'
import { toast } from '../../utils/dialog'
import { formatDateTime } from '../../utils/format'
import { openPage } from '../../utils/nav'
import { pageStore } from '../../utils/store'
import { buyStatusText, BUY_STATUS_CLASS, MERCHANT_STATUS_CLASS, MERCHANT_STATUS_LABELS } from '../utils/labels'
import { yuanText } from '../utils/money'
import { choosePhotos, PhotoError, photoFolder, uploadPhoto } from '../utils/photos'

type LoadState = 'loading' | 'ready' | 'error'
type PhotoKind = 'licence' | 'foodPermit' | 'healthCerts'

const PHOTO_KINDS: { kind: PhotoKind; title: string; why: string; max: number }[] = [
  { kind: 'licence', title: '营业执照', why: '核实是正规登记的商户，出了问题找得到人', max: 3 },
  {
    kind: 'foodPermit',
    title: '食品经营许可证',
    why: '卖食品必须有；不卖食品的，请在备注中写明，由居委决定',
    max: 3,
  },
  { kind: 'healthCerts', title: '从业人员健康证', why: '每位分拣、配送接触商品的人一张', max: 9 },
]

export const WHY_TEXT =
  '为什么要这些：居委核实您是正规商家、食品来源可靠、接触商品的人员健康，才准许您在本小区开团，居民会看到「已通过居委审核」。\n' +
  '谁能看到：证照照片和您的电话只有本小区居委和您自己能看到；居民只看到店名、经营范围和审核结果。\n' +
  '用在哪里：只用于入驻审核和处理居民投诉，不作其他用途。'

interface Form {
  shopName: string
  contactName: string
  phone: string
  goods: string
  note: string
}

interface PhotoBlock {
  kind: PhotoKind
  title: string
  why: string
  max: number
  paths: string[]
}

const emptyForm = (): Form => ({ shopName: '', contactName: '', phone: '', goods: '', note: '' })
const emptyErrors = () => ({
  shopName: '',
  contactName: '',
  phone: '',
  goods: '',
  licence: '',
  foodPermit: '',
  healthCerts: '',
  agree: '',
})

const store = pageStore(() => ({ openid: '', uploaded: {} as Record<string, string> }))

function merchantData(m: MerchantView) {
  return {
    id: m.id,
    shopName: m.shopName,
    status: MERCHANT_STATUS_LABELS[m.status],
    statusClass: MERCHANT_STATUS_CLASS[m.status],
    approved: m.status === 'approved',
    /** An application the shop may make again (rejected, or still pending and to be corrected). */
    reapply: m.status === 'rejected' || m.status === 'pending',
    reason: m.reason ?? '',
    detail: `${m.contactName} · ${m.phone} · ${m.goods}`,
    appliedAt: `${formatDateTime(m.appliedAt)} 提交申请`,
    history: [...m.history]
      .reverse()
      .map(
        (h) =>
          `${formatDateTime(h.at)} ${MERCHANT_STATUS_LABELS[h.status]} · ${h.byName}${h.reason ? `：${h.reason}` : ''}`,
      ),
    complaints: m.complaints.open ? `有 ${m.complaints.open} 条投诉待居委处理` : '',
    next:
      m.status === 'pending'
        ? '居委审核后会微信通知您（请允许通知）。'
        : m.status === 'rejected'
          ? '可以按居委写的原因补好资料，重新申请。'
          : m.status === 'suspended'
            ? '暂停期间不能开团，居民也不能下单。请联系居委。'
            : '',
  }
}

const buyRow = (b: BuyView) => ({
  id: b.id,
  title: b.title,
  status: buyStatusText(b),
  statusClass: BUY_STATUS_CLASS[b.status],
  orders: `${b.orders} 户接龙 · ${yuanText(b.total)}`,
})

const PHONE = /^1\d{10}$/

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    communityId: '',
    /** Shown: the application form (no application yet, or applying again). */
    applying: false,
    merchant: null as ReturnType<typeof merchantData> | null,
    buys: [] as ReturnType<typeof buyRow>[],
    form: emptyForm(),
    photos: PHOTO_KINDS.map((p) => ({ ...p, paths: [] as string[] })) as PhotoBlock[],
    agreed: false,
    why: WHY_TEXT,
    errors: emptyErrors(),
    formError: '',
    busy: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ communityId: query.communityId ?? '' })
      void this.load()
    },

    async load() {
      const { communityId } = this.data
      if (!communityId) {
        this.setData({ state: 'error', errorMessage: '没有指定社区，请从居委发来的入驻链接或首页进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const [mine, me] = await Promise.all([
          call('groupbuy', 'myMerchant', { communityId }, { silent: true }),
          currentMe(),
        ])
        store(this).openid = me.openid
        this.show(mine)
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    show(mine: MerchantView | null) {
      this.setData({ state: 'ready', merchant: mine ? merchantData(mine) : null, applying: !mine, buys: [] })
      if (mine?.status === 'approved') void this.loadBuys()
    },

    async loadBuys() {
      try {
        const list = await call(
          'groupbuy',
          'listBuys',
          { communityId: this.data.communityId, status: 'all', limit: 20 },
          { silent: true },
        )
        this.setData({ buys: list.buys.map(buyRow) })
      } catch {
        // the shop's standing is shown; its buys are on the list page too
      }
    },

    onRetry() {
      void this.load()
    },

    onReapply() {
      this.setData({ applying: true, formError: '' })
    },

    onField(e: WechatMiniprogram.Input) {
      const { field } = e.currentTarget.dataset as { field: keyof Form }
      this.setData({ [`form.${field}`]: e.detail.value, [`errors.${field}`]: '', formError: '' })
    },

    onAgree() {
      this.setData({ agreed: !this.data.agreed, 'errors.agree': '' })
    },

    async onAddPhoto(e: WechatMiniprogram.TouchEvent) {
      const { index } = e.currentTarget.dataset as { index: number }
      const block = this.data.photos[index]
      if (!block || this.data.busy) return
      try {
        const paths = await choosePhotos(block.max - block.paths.length)
        if (paths.length)
          this.setData({ [`photos[${index}].paths`]: [...block.paths, ...paths], [`errors.${block.kind}`]: '' })
      } catch (err) {
        this.setData({ [`errors.${block.kind}`]: err instanceof PhotoError ? err.message : '没有选到照片，请再试一次' })
      }
    },

    onRemovePhoto(e: WechatMiniprogram.TouchEvent) {
      const { index, p } = e.currentTarget.dataset as { index: number; p: number }
      const block = this.data.photos[index]
      if (block) this.setData({ [`photos[${index}].paths`]: block.paths.filter((_, i) => i !== Number(p)) })
    },

    onPreview(e: WechatMiniprogram.TouchEvent) {
      const { url, urls } = e.currentTarget.dataset as { url: string; urls: string[] }
      if (url) wx.previewImage({ urls: urls?.length ? urls : [url], current: url })
    },

    check(): ReturnType<typeof emptyErrors> {
      const f = this.data.form
      const count = (kind: PhotoKind) => this.data.photos.find((p) => p.kind === kind)?.paths.length ?? 0
      const shop = f.shopName.trim()
      return {
        shopName: shop.length < 2 || shop.length > 30 ? '请填写店名或公司名（2–30 个字）' : '',
        contactName: !f.contactName.trim() ? '请填写联系人姓名' : '',
        phone: !PHONE.test(f.phone.trim()) ? '请填写 11 位手机号' : '',
        goods: !f.goods.trim() ? '请写卖什么，如「蔬菜、水果、鸡蛋」' : '',
        licence: count('licence') ? '' : '请上传营业执照照片',
        foodPermit: count('foodPermit') || f.note.trim() ? '' : '请上传食品经营许可证；不卖食品的请在备注中说明',
        healthCerts: count('healthCerts') ? '' : '请上传至少一张从业人员健康证',
        agree: this.data.agreed ? '' : '请确认信息真实并同意居委查看',
      }
    },

    async onSubmit() {
      if (this.data.busy) return
      const errors = this.check()
      const problems = Object.values(errors).filter(Boolean).length
      this.setData({ errors, formError: problems ? `还有 ${problems} 处没有填好，请看红色提示` : '' })
      if (problems) return
      this.setData({ busy: true })
      const s = store(this)
      const f = this.data.form
      try {
        const folder = photoFolder('merchants', this.data.communityId, s.openid)
        const ids: Record<PhotoKind, string[]> = { licence: [], foodPermit: [], healthCerts: [] }
        for (const block of this.data.photos)
          for (const path of block.paths) {
            s.uploaded[path] ||= await uploadPhoto(folder, path, block.kind)
            ids[block.kind].push(s.uploaded[path] as string)
          }
        const note = f.note.trim()
        const merchant = await call('groupbuy', 'applyMerchant', {
          communityId: this.data.communityId,
          shopName: f.shopName.trim(),
          contactName: f.contactName.trim(),
          phone: f.phone.trim(),
          goods: f.goods.trim(),
          licence: ids.licence,
          foodPermit: ids.foodPermit,
          healthCerts: ids.healthCerts,
          ...(note ? { note } : {}),
        })
        this.show(merchant)
        toast('已提交')
      } catch (err) {
        if (err instanceof PhotoError) this.setData({ formError: err.message })
        else if (err instanceof CloudError && err.field) {
          const key = err.field.split('.')[0] as keyof ReturnType<typeof emptyErrors>
          if (key in this.data.errors) this.setData({ [`errors.${key}`]: err.message })
        }
        // any other refusal is shown in a dialog
      } finally {
        this.setData({ busy: false })
      }
    },

    onCreate() {
      const id = this.data.merchant?.id
      openPage(
        `/packageGroupbuy/pages/edit?communityId=${this.data.communityId}&kind=sale${id ? `&merchantId=${id}` : ''}`,
      )
    },

    onOpenBuy(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      if (id) openPage(`/packageGroupbuy/pages/manage?id=${id}`)
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
