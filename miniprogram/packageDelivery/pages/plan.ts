// 安排配送 (committee, 团长): the settings of one delivery (bags per tricycle trip, minutes of rest, when every door
// should have its bag, automatic receipt, alerts), then planDelivery; the plan shown with its gaps first in red, each
// transport volunteer's trips and bags, and each building's door team with 调整 (setDoorTeam) and 退出 for a
// volunteer who cannot come (dropVolunteer: their tasks go to the others).
import type { DeliverySettings, DoorTeamView, PlanView } from '../../../typings/api'
import { call, CloudError } from '../../services/cloud'
import { confirm, prompt, toast } from '../../utils/dialog'
import { formatDateTime } from '../../utils/format'
import { pageStore } from '../../utils/store'
import { newRequestId } from '../utils/request'
import { shanghaiInstant, shanghaiParts } from '../utils/time'

type LoadState = 'loading' | 'ready' | 'error'
type NumberField = Exclude<keyof DeliverySettings, 'doorsBy'>

/** The number fields in form order, with their labels and the function's bounds. */
const FIELDS: { key: NumberField; label: string; unit: string; min: number; max: number; value: number }[] = [
  { key: 'capacity', label: '三轮车每趟袋数', unit: '袋', min: 1, max: 500, value: 40 },
  { key: 'restMinutes', label: '消毒静置分钟', unit: '分钟', min: 0, max: 600, value: 60 },
  { key: 'autoReceiveHours', label: '送到后多久自动签收', unit: '小时', min: 1, max: 168, value: 24 },
  { key: 'gateAlertHours', label: '在大门或楼门口放多久提醒', unit: '小时', min: 1, max: 48, value: 2 },
  { key: 'receiptAlertHours', label: '送到后多久没签收提醒', unit: '小时', min: 1, max: 168, value: 6 },
]

const DOORS_AFTER_HOURS = 3

interface FieldRow {
  key: NumberField
  label: string
  unit: string
  value: string
  error: string
}

interface Person {
  openid: string
  name: string
}

const store = pageStore(() => ({
  requestId: '',
  plan: null as PlanView | null,
  communityId: '',
  /** Door teams of the community (getDoorTeams), read when a team is first adjusted. */
  teams: null as DoorTeamView[] | null,
}))

function planData(p: PlanView) {
  return {
    version: `第 ${p.version} 版 · ${formatDateTime(p.plannedAt)} 安排`,
    gaps: p.gaps.map((g) => ({
      key: `${g.buildingId}-${g.missing}`,
      message: g.missing === 'door' ? `${g.buildingName} 没有人送到门口` : `${g.buildingName} 没有人从大门运过去`,
    })),
    transport: p.transport.map((t) => ({
      openid: t.openid,
      name: t.name,
      figures: `${t.trips} 趟 · ${t.bags} 袋`,
      trips: p.trips
        .filter((x) => x.openid === t.openid)
        .map((x) => `第 ${x.no} 趟：${x.stops.map((s) => `${s.buildingName} ${s.bags}袋`).join('、')}`),
    })),
    teams: p.doorTeams.map((d) => teamRow(d)),
  }
}

function teamRow(d: DoorTeamView) {
  return {
    buildingId: d.buildingId,
    name: d.buildingName,
    members: d.members.map((m) => ({ openid: m.openid, name: m.name })),
    empty: d.members.length === 0,
    note: d.isDefault ? '默认：本楼楼组长和结对志愿者' : '',
  }
}

function fieldRows(settings: DeliverySettings | null): FieldRow[] {
  return FIELDS.map((f) => ({
    key: f.key,
    label: f.label,
    unit: f.unit,
    value: String(settings?.[f.key] ?? f.value),
    error: '',
  }))
}

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    deliveryId: '',
    title: '',
    fields: [] as FieldRow[],
    doorsDate: '',
    doorsTime: '',
    formError: '',
    busy: '',
    plan: null as ReturnType<typeof planData> | null,
    /** The team being adjusted: its building and the people to tick. */
    editing: null as { buildingId: string; name: string; people: (Person & { on: boolean })[] } | null,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ deliveryId: query.id ?? '' })
      void this.load()
    },

    async load() {
      const { deliveryId } = this.data
      if (!deliveryId) {
        this.setData({ state: 'error', errorMessage: '没有指定配送，请从「配送看板」进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const board = await call('delivery', 'board', { deliveryId }, { silent: true })
        const s = store(this)
        s.communityId = board.delivery.communityId
        const plan = board.delivery.planned ? await call('delivery', 'getPlan', { deliveryId }, { silent: true }) : null
        const settings = plan?.settings ?? board.settings
        const doorsBy = settings
          ? new Date(settings.doorsBy).getTime()
          : new Date(board.delivery.deliveryAt).getTime() + DOORS_AFTER_HOURS * 3_600_000
        const parts = shanghaiParts(doorsBy)
        s.plan = plan
        this.setData({
          state: 'ready',
          title: board.delivery.title,
          fields: fieldRows(settings),
          doorsDate: parts.date,
          doorsTime: parts.time,
          plan: plan ? planData(plan) : null,
        })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    onRetry() {
      void this.load()
    },

    onField(e: WechatMiniprogram.Input) {
      const { index } = e.currentTarget.dataset as { index: number }
      store(this).requestId = ''
      this.setData({ [`fields[${index}].value`]: e.detail.value, [`fields[${index}].error`]: '', formError: '' })
    },

    onDoorsDate(e: WechatMiniprogram.PickerChange) {
      store(this).requestId = ''
      this.setData({ doorsDate: String(e.detail.value), formError: '' })
    },

    onDoorsTime(e: WechatMiniprogram.PickerChange) {
      store(this).requestId = ''
      this.setData({ doorsTime: String(e.detail.value), formError: '' })
    },

    /** The settings as typed, or null with each wrong field said. */
    readSettings(): DeliverySettings | null {
      const patch: Record<string, string> = {}
      const out: Partial<DeliverySettings> = {}
      this.data.fields.forEach((f, i) => {
        const spec = FIELDS[i] as (typeof FIELDS)[number]
        const n = Number(f.value.trim())
        if (!/^\d+$/.test(f.value.trim()) || n < spec.min || n > spec.max)
          patch[`fields[${i}].error`] = `请填 ${spec.min}–${spec.max} 的整数`
        else out[spec.key] = n
      })
      const wrong = Object.keys(patch).length
      if (wrong) {
        this.setData({ ...patch, formError: `还有 ${wrong} 处没有填好，请看红色提示` })
        return null
      }
      return {
        ...(out as Omit<DeliverySettings, 'doorsBy'>),
        doorsBy: shanghaiInstant(this.data.doorsDate, this.data.doorsTime),
      }
    },

    async onPlan() {
      if (this.data.busy) return
      const settings = this.readSettings()
      if (!settings) return
      const s = store(this)
      s.requestId ||= newRequestId()
      this.setData({ busy: 'plan', formError: '' })
      try {
        const plan = await call(
          'delivery',
          'planDelivery',
          { deliveryId: this.data.deliveryId, requestId: s.requestId, settings },
          // Idempotent by requestId: a dropped network is sent again as the same request.
          { retries: 2 },
        )
        s.requestId = ''
        this.showPlan(plan)
        toast('已安排')
      } catch (err) {
        if (err instanceof CloudError && err.field) {
          const key = err.field.split('.').pop()
          const i = this.data.fields.findIndex((f) => f.key === key)
          if (i >= 0) this.setData({ [`fields[${i}].error`]: err.message })
        }
        // shown in a dialog
      } finally {
        this.setData({ busy: '' })
      }
    },

    showPlan(plan: PlanView) {
      store(this).plan = plan
      this.setData({ plan: planData(plan), editing: null })
    },

    async onAdjust(e: WechatMiniprogram.TouchEvent) {
      const { index } = e.currentTarget.dataset as { index: number }
      const s = store(this)
      const team = s.plan?.doorTeams[index]
      if (!team || this.data.busy) return
      if (!s.teams) {
        try {
          s.teams = await call('delivery', 'getDoorTeams', { communityId: s.communityId })
        } catch {
          return // shown in a dialog
        }
      }
      const chosen = new Set(team.isDefault ? [] : team.members.map((m) => m.openid))
      const people = new Map<string, Person>()
      const configured = s.teams.find((t) => t.buildingId === team.buildingId)
      for (const m of [...team.members, ...(configured?.members ?? [])])
        if (!people.has(m.openid)) people.set(m.openid, { openid: m.openid, name: m.name })
      this.setData({
        editing: {
          buildingId: team.buildingId,
          name: team.buildingName,
          people: [...people.values()].map((p) => ({ ...p, on: chosen.has(p.openid) })),
        },
      })
    },

    onTick(e: WechatMiniprogram.TouchEvent) {
      const { index } = e.currentTarget.dataset as { index: number }
      const p = this.data.editing?.people[index]
      if (p) this.setData({ [`editing.people[${index}].on`]: !p.on })
    },

    onCancelEdit() {
      this.setData({ editing: null })
    },

    async onSaveTeam() {
      const editing = this.data.editing
      if (!editing || this.data.busy) return
      this.setData({ busy: 'team' })
      try {
        const team = await call('delivery', 'setDoorTeam', {
          buildingId: editing.buildingId,
          openids: editing.people.filter((p) => p.on).map((p) => p.openid),
        })
        const s = store(this)
        if (s.plan) {
          s.plan = {
            ...s.plan,
            doorTeams: s.plan.doorTeams.map((d) => (d.buildingId === team.buildingId ? team : d)),
          }
          const i = s.plan.doorTeams.findIndex((d) => d.buildingId === team.buildingId)
          this.setData({ [`plan.teams[${i}]`]: teamRow(team), editing: null })
        }
        s.teams = null
        toast('已保存')
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ busy: '' })
      }
    },

    async onDrop(e: WechatMiniprogram.TouchEvent) {
      const { openid, name } = e.currentTarget.dataset as { openid: string; name: string }
      if (!openid || this.data.busy) return
      const reason = await prompt(`${name} 退出`, '写一句原因，如「临时有事」')
      if (reason === null) return
      if (!reason) {
        wx.showModal({ title: '提示', content: '请写一句退出的原因', showCancel: false, confirmText: '知道了' })
        return
      }
      const sure = await confirm('确定退出？', `${name} 的任务会交给其他人，没人接的楼会标红提醒。`, '退出')
      if (!sure) return
      this.setData({ busy: `drop-${openid}` })
      try {
        const plan = await call('delivery', 'dropVolunteer', {
          deliveryId: this.data.deliveryId,
          openid,
          reason: reason.slice(0, 100),
        })
        this.showPlan(plan)
        toast('已重新安排')
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ busy: '' })
      }
    },
  },
})
