// The entry form, generated from the register's fields: the room (building, then household of the caller's
// subtree), member pickers from that household, large text and number inputs, date pickers, choice buttons, a photo.
// Saving adds the entry (idempotent on its requestId) or edits it; an entry opened to edit can be deleted.
import type { RegisterField, RegisterHouseholdOption, RegisterValue } from '../../../typings/api'
import { CloudError, showError } from '../../services/cloud'
import { confirm, toast } from '../../utils/dialog'
import { pageStore } from '../../utils/store'
import { newRequestId, registers } from '../utils/api'
import { PhotoError, takePhoto } from '../utils/photo'

type LoadState = 'loading' | 'ready' | 'error'

const pad = (n: number) => String(n).padStart(2, '0')
/** Today on the phone (where the people are), where a date picker opens. */
const localDay = () => {
  const d = new Date()
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

interface FormField {
  id: string
  label: string
  kind: RegisterField['kind']
  required: boolean
  hint: string
  multiple: boolean
  /** text, number, date: what is typed or picked. */
  text: string
  /** choice: the options with whether each is picked. */
  options: { label: string; on: boolean }[]
  /** member: the picker's index (-1: none). */
  memberIndex: number
  photo: string
  error: string
}

const store = pageStore(() => ({
  fields: [] as RegisterField[],
  households: [] as RegisterHouseholdOption[],
  buildingIds: [] as string[],
  requestId: '',
}))

function formField(f: RegisterField, v: RegisterValue | undefined): FormField {
  const picked = Array.isArray(v) ? v : typeof v === 'string' ? [v] : []
  return {
    id: f.id,
    label: f.label,
    kind: f.kind,
    required: f.required,
    hint: f.hint ?? '',
    multiple: f.multiple === true,
    text:
      f.kind === 'text' || f.kind === 'date'
        ? typeof v === 'string'
          ? v
          : ''
        : typeof v === 'number'
          ? String(v)
          : '',
    options: (f.options ?? []).map((o) => ({ label: o, on: picked.includes(o) })),
    memberIndex: -1,
    photo: f.kind === 'photo' && typeof v === 'string' ? v : '',
    error: '',
  }
}

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    typeId: '',
    communityId: '',
    entryId: '',
    entryBuilding: '',
    entryRoom: '',
    name: '',
    label: '',
    buildingNames: [] as string[],
    buildingIndex: -1,
    householdLabels: [] as string[],
    householdIndex: -1,
    memberNames: [] as string[],
    householdError: '',
    form: [] as FormField[],
    today: '',
    saving: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({
        typeId: query.typeId ?? '',
        communityId: query.communityId ?? '',
        entryId: query.entryId ?? '',
        entryBuilding: query.buildingId ?? '',
        entryRoom: query.room ? decodeURIComponent(query.room) : '',
        today: localDay(),
      })
      store(this).requestId = newRequestId('re')
      void this.load()
    },

    async load() {
      const { typeId, communityId, entryId } = this.data
      if (!typeId || !communityId) {
        this.setData({ state: 'error', errorMessage: '没有指定底账，请从底账列表进入' })
        return
      }
      this.setData({ state: 'loading' })
      try {
        const list = await registers('listRegisters', { communityId }, { silent: true })
        const summary = list.registers.find((r) => r.type.id === typeId)
        const type = summary?.type
        if (!type) throw new CloudError('NOT_FOUND', '找不到这个底账，请返回刷新')
        const fields = type.fields.filter((f) => !f.removed)
        // An entry to edit is read back from its room's entries (the page is opened with its building and room).
        const entry = entryId
          ? (
              await registers(
                'registerEntries',
                { typeId, buildingId: this.data.entryBuilding, room: this.data.entryRoom },
                { silent: true },
              )
            ).entries.find((e) => e.id === entryId)
          : undefined
        if (entryId && !entry) throw new CloudError('NOT_FOUND', '这条登记已被删除或修改了房号，请返回刷新')
        const s = store(this)
        s.fields = fields
        s.buildingIds = list.buildings.map((b) => b.id)
        const form = fields.filter((f) => f.kind !== 'household').map((f) => formField(f, entry?.values[f.id]))
        this.setData({
          state: 'ready',
          name: type.name,
          label: entry?.label ?? '',
          buildingNames: list.buildings.map((b) => b.name),
          form,
        })
        wx.setNavigationBarTitle({ title: entry ? `修改登记 · ${type.name}` : `添加登记 · ${type.name}` })
        if (entry) {
          const index = s.buildingIds.indexOf(entry.buildingId)
          this.setData({ buildingIndex: index })
          await this.loadHouseholds(entry.buildingId, entry.householdId, entry.values)
        } else if (s.buildingIds.length === 1) {
          this.setData({ buildingIndex: 0 })
          await this.loadHouseholds(s.buildingIds[0] as string)
        }
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    async loadHouseholds(buildingId: string, householdId?: string, values?: Record<string, RegisterValue>) {
      const households = await registers('registerHouseholds', { typeId: this.data.typeId, buildingId })
      store(this).households = households
      const index = householdId ? households.findIndex((h) => h.id === householdId) : -1
      this.setData({ householdLabels: households.map((h) => h.label), householdIndex: index })
      this.showMembers(values)
    },

    showMembers(values?: Record<string, RegisterValue>) {
      const h = store(this).households[this.data.householdIndex]
      const members = h?.members ?? []
      const form = this.data.form.map((f) =>
        f.kind === 'member'
          ? {
              ...f,
              memberIndex: values ? members.findIndex((m) => m.id === values[f.id]) : members.length === 1 ? 0 : -1,
            }
          : f,
      )
      this.setData({ memberNames: members.map((m) => m.name), form })
    },

    async onBuilding(e: WechatMiniprogram.PickerChange) {
      const index = Number(e.detail.value)
      this.setData({ buildingIndex: index, householdError: '' })
      const id = store(this).buildingIds[index]
      if (id) await this.loadHouseholds(id).catch(() => undefined)
    },

    onHousehold(e: WechatMiniprogram.PickerChange) {
      this.setData({ householdIndex: Number(e.detail.value), householdError: '' })
      this.showMembers()
    },

    onMember(e: WechatMiniprogram.PickerChange) {
      const i = Number((e.currentTarget.dataset as { i: number }).i)
      this.setData({ [`form[${i}].memberIndex`]: Number(e.detail.value), [`form[${i}].error`]: '' })
    },

    onText(e: WechatMiniprogram.Input) {
      const i = Number((e.currentTarget.dataset as { i: number }).i)
      this.setData({ [`form[${i}].text`]: e.detail.value, [`form[${i}].error`]: '' })
    },

    onDate(e: WechatMiniprogram.PickerChange) {
      const i = Number((e.currentTarget.dataset as { i: number }).i)
      this.setData({ [`form[${i}].text`]: String(e.detail.value), [`form[${i}].error`]: '' })
    },

    onOption(e: WechatMiniprogram.TouchEvent) {
      const { i, o } = e.currentTarget.dataset as { i: number; o: number }
      const f = this.data.form[Number(i)]
      if (!f) return
      const options = f.options.map((opt, k) =>
        k === Number(o) ? { ...opt, on: !opt.on } : f.multiple ? opt : { ...opt, on: false },
      )
      this.setData({ [`form[${i}].options`]: options, [`form[${i}].error`]: '' })
    },

    async onPhoto(e: WechatMiniprogram.TouchEvent) {
      const i = Number((e.currentTarget.dataset as { i: number }).i)
      try {
        const fileID = await takePhoto(this.data.communityId, this.data.typeId)
        if (fileID) this.setData({ [`form[${i}].photo`]: fileID, [`form[${i}].error`]: '' })
      } catch (err) {
        showError(new CloudError('INVALID_INPUT', err instanceof PhotoError ? err.message : '照片没有上传成功'))
      }
    },

    onRemovePhoto(e: WechatMiniprogram.TouchEvent) {
      const i = Number((e.currentTarget.dataset as { i: number }).i)
      this.setData({ [`form[${i}].photo`]: '' })
    },

    /** The form as the action's values; a field's error set where a required one is empty. */
    values(): Record<string, RegisterValue> | null {
      const h = store(this).households[this.data.householdIndex]
      const out: Record<string, RegisterValue> = {}
      const errors: Record<string, string> = {}
      this.data.form.forEach((f, i) => {
        let v: RegisterValue | undefined
        if (f.kind === 'text' || f.kind === 'date') v = f.text.trim() || undefined
        else if (f.kind === 'number') {
          const n = Number(f.text)
          if (f.text.trim() !== '' && !Number.isFinite(n)) errors[`form[${i}].error`] = '请填写数字'
          else if (f.text.trim() !== '') v = n
        } else if (f.kind === 'choice') {
          const on = f.options.filter((o) => o.on).map((o) => o.label)
          if (on.length) v = f.multiple ? on : on[0]
        } else if (f.kind === 'member') v = h?.members[f.memberIndex]?.id
        else if (f.kind === 'photo') v = f.photo || undefined
        if (v === undefined && f.required && !errors[`form[${i}].error`])
          errors[`form[${i}].error`] = `请填写「${f.label}」`
        if (v !== undefined) out[f.id] = v
      })
      if (!h) errors.householdError = '请选择房号'
      if (Object.keys(errors).length) {
        this.setData(errors)
        return null
      }
      return out
    },

    async onSave() {
      if (this.data.saving) return
      const values = this.values()
      const h = store(this).households[this.data.householdIndex]
      if (!values || !h) return
      this.setData({ saving: true })
      try {
        if (this.data.entryId) await registers('editRegisterEntry', { entryId: this.data.entryId, values })
        else
          await registers(
            'addRegisterEntry',
            { typeId: this.data.typeId, householdId: h.id, requestId: store(this).requestId, values },
            { retries: 2 },
          )
        toast('已保存')
        wx.navigateBack({ fail: () => undefined })
      } catch (err) {
        if (err instanceof CloudError && err.field?.startsWith('values.')) {
          const i = this.data.form.findIndex((f) => `values.${f.id}` === err.field)
          if (i >= 0) this.setData({ [`form[${i}].error`]: err.message })
        }
      } finally {
        this.setData({ saving: false })
      }
    },

    async onDelete() {
      if (!this.data.entryId) return
      if (!(await confirm('删除这条登记？', '删除后内容不能恢复，会记录是谁在什么时候删除的。', '删除'))) return
      try {
        await registers('deleteRegisterEntry', { entryId: this.data.entryId })
        toast('已删除')
        wx.navigateBack({ fail: () => undefined })
      } catch {
        // shown by the call
      }
    },

    onRetry() {
      void this.load()
    },
  },
})
