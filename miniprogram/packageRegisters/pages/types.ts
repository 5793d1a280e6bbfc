// The type editor (committee): a register's name, description, the need type it lists, and its fields in order
// (label, kind, required, options). A field removed here is kept hidden with its values (exported under its old name).
import type { NeedType, RegisterFieldInput, RegisterFieldKind, RegisterTypeView } from '../../../typings/api'
import { CloudError } from '../../services/cloud'
import { confirm, prompt, toast } from '../../utils/dialog'
import { pageStore } from '../../utils/store'
import { KIND_LABELS, NEED_TYPE_LABELS, newRequestId, registers } from '../utils/api'

type LoadState = 'loading' | 'ready' | 'error'

const KINDS = Object.keys(KIND_LABELS) as RegisterFieldKind[]
const NEED_TYPES = ['', ...Object.keys(NEED_TYPE_LABELS)] as ('' | NeedType)[]

interface FieldRow {
  key: string
  id: string
  label: string
  kindIndex: number
  kindFixed: boolean
  required: boolean
  options: string
}

let seq = 0
const fieldRow = (f?: RegisterTypeView['fields'][number]): FieldRow => ({
  key: f?.id ?? `new${++seq}`,
  id: f?.id ?? '',
  label: f?.label ?? '',
  kindIndex: KINDS.indexOf(f?.kind ?? 'text'),
  kindFixed: f !== undefined,
  required: f?.required ?? false,
  options: (f?.options ?? []).join('、'),
})

const store = pageStore(() => ({ requestId: '' }))

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    communityId: '',
    typeId: '',
    name: '',
    description: '',
    needIndex: 0,
    needLabels: ['不对应需求登记', ...Object.values(NEED_TYPE_LABELS)],
    kindLabels: KINDS.map((k) => KIND_LABELS[k]),
    fields: [] as FieldRow[],
    error: '',
    saving: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ communityId: query.communityId ?? '', typeId: query.typeId ?? '' })
      store(this).requestId = newRequestId('rt')
      void this.load()
    },

    async load() {
      const { communityId, typeId } = this.data
      if (!communityId) {
        this.setData({ state: 'error', errorMessage: '没有指定社区，请从首页进入' })
        return
      }
      if (!typeId) {
        this.setData({
          state: 'ready',
          fields: [
            { ...fieldRow(), label: '房号', kindIndex: KINDS.indexOf('household'), required: true },
            { ...fieldRow(), label: '人员', kindIndex: KINDS.indexOf('member'), required: true },
          ],
        })
        return
      }
      try {
        const list = await registers('listRegisters', { communityId }, { silent: true })
        const type = list.registers.find((r) => r.type.id === typeId)?.type
        if (!type) throw new CloudError('NOT_FOUND', '找不到这个底账，请返回刷新')
        this.setData({
          state: 'ready',
          name: type.name,
          description: type.description,
          needIndex: Math.max(0, NEED_TYPES.indexOf(type.needType ?? '')),
          fields: type.fields.filter((f) => !f.removed).map((f) => fieldRow(f)),
        })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    onName(e: WechatMiniprogram.Input) {
      this.setData({ name: e.detail.value, error: '' })
    },
    onDescription(e: WechatMiniprogram.Input) {
      this.setData({ description: e.detail.value })
    },
    onNeed(e: WechatMiniprogram.PickerChange) {
      this.setData({ needIndex: Number(e.detail.value) })
    },
    onLabel(e: WechatMiniprogram.Input) {
      const i = Number((e.currentTarget.dataset as { i: number }).i)
      this.setData({ [`fields[${i}].label`]: e.detail.value, error: '' })
    },
    onKind(e: WechatMiniprogram.PickerChange) {
      const i = Number((e.currentTarget.dataset as { i: number }).i)
      this.setData({ [`fields[${i}].kindIndex`]: Number(e.detail.value), error: '' })
    },
    onRequired(e: WechatMiniprogram.SwitchChange) {
      const i = Number((e.currentTarget.dataset as { i: number }).i)
      this.setData({ [`fields[${i}].required`]: e.detail.value })
    },
    onOptions(e: WechatMiniprogram.Input) {
      const i = Number((e.currentTarget.dataset as { i: number }).i)
      this.setData({ [`fields[${i}].options`]: e.detail.value, error: '' })
    },
    onAddField() {
      this.setData({ fields: [...this.data.fields, fieldRow()] })
    },
    onUp(e: WechatMiniprogram.TouchEvent) {
      const i = Number((e.currentTarget.dataset as { i: number }).i)
      if (i <= 0) return
      const fields = [...this.data.fields]
      ;[fields[i - 1], fields[i]] = [fields[i] as FieldRow, fields[i - 1] as FieldRow]
      this.setData({ fields })
    },
    async onRemove(e: WechatMiniprogram.TouchEvent) {
      const i = Number((e.currentTarget.dataset as { i: number }).i)
      const f = this.data.fields[i]
      if (!f) return
      if (f.id && !(await confirm('删除这个字段？', '已登记的内容会保留，在导出的表格中以「已停用」列出。', '删除')))
        return
      this.setData({ fields: this.data.fields.filter((_, k) => k !== i) })
    },

    input(): RegisterFieldInput[] {
      return this.data.fields.map((f) => {
        const kind = KINDS[f.kindIndex] as RegisterFieldKind
        const field: RegisterFieldInput = { label: f.label.trim(), kind, required: kind === 'household' || f.required }
        if (f.id) field.id = f.id
        if (kind === 'choice')
          field.options = f.options
            .split(/[、，,;；\s]+/)
            .map((o) => o.trim())
            .filter(Boolean)
        return field
      })
    },

    async onSave() {
      if (this.data.saving) return
      if (!this.data.name.trim()) {
        this.setData({ error: '请填写底账名称' })
        return
      }
      this.setData({ saving: true, error: '' })
      const need = NEED_TYPES[this.data.needIndex]
      try {
        await registers(
          'saveRegisterType',
          {
            communityId: this.data.communityId,
            ...(this.data.typeId ? { typeId: this.data.typeId } : {}),
            requestId: store(this).requestId,
            name: this.data.name.trim(),
            description: this.data.description.trim(),
            ...(need ? { needType: need } : {}),
            fields: this.input(),
          },
          { silent: true },
        )
        toast('已保存')
        wx.navigateBack({ fail: () => undefined })
      } catch (err) {
        this.setData({ error: err instanceof CloudError ? err.message : '保存失败，请稍后再试' })
      } finally {
        this.setData({ saving: false })
      }
    },

    async onDeleteType() {
      const typed = await prompt('删除整个底账', `请输入底账名称「${this.data.name}」确认；全部登记会一起删除`)
      if (typed === null) return
      try {
        await registers('deleteRegisterType', { typeId: this.data.typeId, confirm: typed })
        toast('已删除')
        wx.navigateBack({ delta: 2, fail: () => undefined })
      } catch {
        // shown by the call
      }
    },

    onRetry() {
      void this.load()
    },
  },
})
