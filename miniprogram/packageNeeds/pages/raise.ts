// 登记需求: big buttons for what is needed and how urgent, for whom in the household, the drugs and a photo of the
// box or prescription for 买药, the reason and time for 外出, then one 提交. The request id is kept across retries,
// so a second tap or a lost reply registers the need once.
import type { NeedType, NeedUrgency, RaiseNeedInput } from '../../../typings/api'
import { call, CloudError } from '../../services/cloud'
import { askSubscribe, currentMe } from '../../services/session'
import { PRIVACY_DECLINED } from '../../services/privacy'
import { TEMPLATE_IDS } from '../../shared/constants'
import { MAX_MEDICINES, NEED_TYPE_LABELS, NEED_TYPES, NEED_URGENCIES, NEED_URGENCY_LABELS } from '../../shared/needs'
import { pageStore } from '../../utils/store'
import { newRequestId } from '../utils/request'
import { choosePhoto, PhotoError, uploadNeedPhoto } from '../utils/photo'

type LoadState = 'loading' | 'ready' | 'error'

const store = pageStore(() => ({ requestId: '', communityId: '', photoPath: '' }))

const pad = (n: number) => String(n).padStart(2, '0')
const dayOf = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`

/** 「布洛芬、阿莫西林」 or 「布洛芬，阿莫西林」 or one a line → the names. */
export const medicineNames = (text: string) =>
  text
    .split(/[、，,；;\n]+/)
    .map((s) => s.trim())
    .filter(Boolean)

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    householdId: '',
    label: '',
    types: NEED_TYPES.map((t) => ({ value: t, label: NEED_TYPE_LABELS[t] })),
    urgencies: NEED_URGENCIES.map((u) => ({ value: u, label: NEED_URGENCY_LABELS[u] })),
    members: [] as { id: string; name: string }[],
    type: '' as NeedType | '',
    urgency: 'normal' as NeedUrgency,
    memberId: '',
    detail: '',
    medicines: '',
    photo: '',
    outingReason: '',
    outingDay: '',
    outingTime: '',
    today: '',
    fieldError: '',
    submitting: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const now = new Date()
      this.setData({
        householdId: query.household ?? '',
        today: dayOf(now),
        outingDay: dayOf(now),
        outingTime: `${pad(now.getHours() + 1 > 23 ? 23 : now.getHours() + 1)}:00`,
      })
      void this.load()
    },

    async load() {
      const { householdId } = this.data
      if (!householdId) {
        this.setData({ state: 'error', errorMessage: '没有指定住户，请从首页「需求登记」进入' })
        return
      }
      this.setData({ state: 'loading' })
      try {
        const [me, household] = await Promise.all([
          currentMe(),
          call('community', 'myHousehold', { householdId }, { silent: true }).catch(() => null),
        ])
        store(this).communityId =
          me.households.find((h) => h.id === householdId)?.communityId ?? me.roles[0]?.scope.communityId ?? ''
        this.setData({
          state: 'ready',
          label: household?.label ?? me.households.find((h) => h.id === householdId)?.label ?? '',
          members: (household?.members ?? []).map((m) => ({ id: m.id, name: m.name })),
        })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    onRetry() {
      void this.load()
    },

    // A changed choice is a new registration: a new request id.
    changed(patch: Record<string, unknown>) {
      store(this).requestId = ''
      this.setData({ ...patch, fieldError: '' })
    },

    onType(e: WechatMiniprogram.TouchEvent) {
      this.changed({ type: (e.currentTarget.dataset as { value: NeedType }).value })
    },
    onUrgency(e: WechatMiniprogram.TouchEvent) {
      this.changed({ urgency: (e.currentTarget.dataset as { value: NeedUrgency }).value })
    },
    onMember(e: WechatMiniprogram.TouchEvent) {
      this.changed({ memberId: (e.currentTarget.dataset as { id: string }).id })
    },
    onDetail(e: WechatMiniprogram.Input) {
      this.changed({ detail: e.detail.value })
    },
    onMedicines(e: WechatMiniprogram.Input) {
      this.changed({ medicines: e.detail.value })
    },
    onOutingReason(e: WechatMiniprogram.Input) {
      this.changed({ outingReason: e.detail.value })
    },
    onOutingDay(e: WechatMiniprogram.PickerChange) {
      this.changed({ outingDay: String(e.detail.value) })
    },
    onOutingTime(e: WechatMiniprogram.PickerChange) {
      this.changed({ outingTime: String(e.detail.value) })
    },

    async onPhoto() {
      try {
        const path = await choosePhoto()
        if (!path) return
        store(this).photoPath = path
        this.changed({ photo: path })
      } catch (err) {
        this.setData({ fieldError: err instanceof PhotoError ? err.message : PRIVACY_DECLINED })
      }
    },

    onRemovePhoto() {
      store(this).photoPath = ''
      this.changed({ photo: '' })
    },

    /** What the form says, or the first thing missing from it. */
    input(): RaiseNeedInput | string {
      const d = this.data
      if (!d.type) return '请先选择需要什么帮助'
      const out: RaiseNeedInput = {
        householdId: d.householdId,
        type: d.type,
        urgency: d.urgency,
        detail: d.detail.trim(),
        requestId: '',
      }
      if (d.memberId) out.memberId = d.memberId
      if (d.type === 'medicine') {
        const names = medicineNames(d.medicines)
        if (names.length === 0) return '请写要买的药品名称，多种药用顿号隔开'
        if (names.length > MAX_MEDICINES) return `一次最多登记 ${MAX_MEDICINES} 种药`
        out.medicine = { names }
      }
      if (d.type === 'outing') {
        if (!d.outingReason.trim()) return '请写外出的原因'
        out.outing = { reason: d.outingReason.trim(), at: `${d.outingDay}T${d.outingTime}:00+08:00` }
      }
      if (!out.detail && d.type !== 'medicine' && d.type !== 'outing') return '请写一句需要什么帮助'
      return out
    },

    onSubmit() {
      const input = this.input()
      if (typeof input === 'string') {
        this.setData({ fieldError: input })
        return
      }
      // Inside the tap: the dialog asking to be told when it is taken and done.
      const asked = askSubscribe([TEMPLATE_IDS.needUpdate])
      void this.submit(input, asked)
    },

    async submit(input: RaiseNeedInput, asked: Promise<string[]>) {
      if (this.data.submitting) return
      const s = store(this)
      if (!s.requestId) s.requestId = newRequestId('need')
      this.setData({ submitting: true, fieldError: '' })
      try {
        await asked
        if (input.type === 'medicine' && s.photoPath && input.medicine) {
          input.medicine.photo = await uploadNeedPhoto(s.communityId, input.householdId, s.photoPath)
        }
        await call('needs', 'raiseNeed', { ...input, requestId: s.requestId }, { retries: 2 })
        wx.showToast({ title: '已登记', icon: 'success' })
        wx.redirectTo({ url: `/packageNeeds/pages/mine?household=${input.householdId}` })
      } catch (err) {
        if (err instanceof PhotoError) this.setData({ fieldError: err.message })
        else if (err instanceof CloudError && err.field) this.setData({ fieldError: err.message })
      } finally {
        this.setData({ submitting: false })
      }
    },
  },
})
