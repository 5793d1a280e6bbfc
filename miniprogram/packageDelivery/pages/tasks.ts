// A volunteer's work in one delivery, for one thumb: the tricycle trips (per building 已送到楼门口) and the doors of
// the buildings whose team they are in (per bag 已送到门口). A door mark shows at once and waits in the outbox, in
// the phone's storage, until the server answered it: sent now, and again whenever the page shows, the network comes
// back or 同步 is pressed, so a lost connection or a closed app loses no mark.
import type { MyTasksView, StopMarkInput, StopMarkResult, StopView, TripView } from '../../../typings/api'
import { call, CloudError, showError } from '../../services/cloud'
import { toast } from '../../utils/dialog'
import { formatTime } from '../../utils/format'
import { pageStore } from '../../utils/store'
import { BUILDING_STAGE_CLASS, BUILDING_STAGE_LABELS, progressText, STAGE_CLASS, STAGE_LABELS } from '../utils/labels'
import { Outbox, type QueuedMark } from '../utils/outbox'
import { reportProblem } from '../utils/problem'
import { newRequestId } from '../utils/request'
import { wxStorage } from '../utils/storage'

type LoadState = 'loading' | 'ready' | 'empty' | 'error'

/** Errors after which the same batch may go through later: keep the marks. */
const KEEP_ON: readonly string[] = ['NETWORK', 'INTERNAL']

interface TripStopRow {
  buildingId: string
  name: string
  bags: string
  done: boolean
  doneText: string
}

interface TripRow {
  id: string
  no: number
  head: string
  stops: TripStopRow[]
}

interface StopRow {
  id: string
  /** The household: the row's element id (a stop id has a colon, which selectors cannot take). */
  hh: string
  room: string
  label: string
  items: string
  done: boolean
  doneText: string
  problem: string
}

interface DoorRow {
  buildingId: string
  name: string
  stage: string
  stageClass: string
  progress: string
  stops: StopRow[]
}

const store = pageStore(() => ({
  outbox: null as Outbox | null,
  view: null as MyTasksView | null,
  /** stopId → [building index, stop index] in `doors`. */
  where: new Map<string, [number, number]>(),
  /** One markId per entrance mark until the server took it, so a retry counts once. */
  entranceIds: new Map<string, string>(),
  onNetwork: null as ((res: { isConnected: boolean }) => void) | null,
}))

function tripRow(t: TripView): TripRow {
  return {
    id: t.id,
    no: t.no,
    head: `第 ${t.no} 趟 · 共 ${t.bags} 袋`,
    stops: t.stops.map((s) => ({
      buildingId: s.buildingId,
      name: s.buildingName,
      bags: `${s.bags} 袋`,
      done: Boolean(s.droppedAt),
      doneText: s.droppedAt ? `已送到楼门口 ${formatTime(s.droppedAt)}` : '',
    })),
  }
}

const QUEUED_TEXT = '已送到门口 · 待同步'

function stopRow(s: StopView, queued: QueuedMark | undefined): StopRow {
  const row: StopRow = {
    id: s.id,
    hh: s.householdId,
    room: s.room,
    label: s.label,
    items: s.items,
    done: s.status !== 'pending',
    doneText: '',
    problem: s.problem ? '已报告问题' : '',
  }
  if (s.status === 'received') row.doneText = `已签收${s.received ? ` ${formatTime(s.received.at)}` : ''}`
  else if (s.delivered) row.doneText = `已送到门口 ${formatTime(s.delivered.at)}`
  else if (s.status === 'problem') row.doneText = '有问题'
  else if (queued) {
    row.done = true
    row.doneText = QUEUED_TEXT
  }
  return row
}

/** Whether bags may go to the buildings now: the rest is over and the delivery not finished. */
function started(v: MyTasksView): boolean {
  const stage = v.delivery.stage
  if (stage === 'relaying') return true
  return stage === 'resting' && Boolean(v.restUntil) && new Date(v.restUntil as string).getTime() <= Date.now()
}

function waitText(v: MyTasksView): string {
  const stage = v.delivery.stage
  if (stage === 'awaiting') return '货物还没有到小区大门，到了会通知您'
  if (stage === 'resting' && !started(v)) return `消毒静置至 ${formatTime(v.restUntil)}，之后再送`
  if (stage === 'done') return '这次配送已经完成，谢谢您！'
  return ''
}

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    deliveryId: '',
    title: '',
    stage: '',
    stageClass: '',
    wait: '',
    canMark: false,
    trips: [] as TripRow[],
    doors: [] as DoorRow[],
    pending: 0,
    syncing: false,
    busy: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const deliveryId = query.id ?? ''
      this.setData({ deliveryId })
      if (!deliveryId) {
        this.setData({ state: 'error', errorMessage: '没有指定配送，请从通知或首页「我的配送任务」进入' })
        return
      }
      const s = store(this)
      s.outbox = new Outbox(deliveryId, wxStorage)
      this.setData({ pending: s.outbox.size })
      s.onNetwork = (res) => {
        if (res.isConnected) void this.sync()
      }
      wx.onNetworkStatusChange(s.onNetwork)
      void this.load().then(() => this.sync())
    },

    onShow() {
      if (store(this).outbox && this.data.state === 'ready') void this.sync()
    },

    onUnload() {
      const s = store(this)
      if (s.onNetwork && typeof wx.offNetworkStatusChange === 'function')
        // The typings give the listener another argument type; WeChat removes the very function it was given.
        wx.offNetworkStatusChange(s.onNetwork as unknown as WechatMiniprogram.OffNetworkStatusChangeCallback)
      s.onNetwork = null
    },

    async load() {
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const view = await call('delivery', 'myTasks', { deliveryId: this.data.deliveryId }, { silent: true })
        this.show(view)
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    show(view: MyTasksView | null) {
      const s = store(this)
      s.view = view
      if (!view) {
        this.setData({ state: 'empty', trips: [], doors: [] })
        return
      }
      const queued = new Map((s.outbox?.list() ?? []).map((m): [string, QueuedMark] => [m.stopId, m]))
      s.where = new Map()
      const doors = view.doors.map((b, i) => {
        b.stops.forEach((st, j) => s.where.set(st.id, [i, j]))
        const delivered = b.stops.filter((st) => st.status !== 'pending' || queued.has(st.id)).length
        return {
          buildingId: b.buildingId,
          name: b.buildingName,
          stage: BUILDING_STAGE_LABELS[b.stage],
          stageClass: BUILDING_STAGE_CLASS[b.stage],
          progress: progressText(delivered, b.stops.length),
          stops: b.stops.map((st) => stopRow(st, queued.get(st.id))),
        }
      })
      this.setData({
        state: 'ready',
        title: view.delivery.title,
        stage: STAGE_LABELS[view.delivery.stage],
        stageClass: STAGE_CLASS[view.delivery.stage],
        wait: waitText(view),
        canMark: started(view),
        trips: view.trips.map(tripRow),
        doors,
        pending: queued.size,
      })
    },

    onRetry() {
      void this.load()
    },

    /** 已送到楼门口: one building of a trip, sent now (a retry keeps its markId). */
    async onEntrance(e: WechatMiniprogram.TouchEvent) {
      const { trip, building } = e.currentTarget.dataset as { trip: number; building: number }
      const row = this.data.trips[trip]
      const stop = row?.stops[building]
      if (!row || !stop || stop.done || this.data.busy) return
      const s = store(this)
      const key = `${row.id}|${stop.buildingId}`
      const markId = s.entranceIds.get(key) ?? newRequestId('e')
      s.entranceIds.set(key, markId)
      this.setData({ busy: key })
      try {
        const updated = await call(
          'delivery',
          'markEntrance',
          { deliveryId: this.data.deliveryId, tripId: row.id, buildingId: stop.buildingId, markId },
          { retries: 2 },
        )
        s.entranceIds.delete(key)
        this.setData({ [`trips[${trip}]`]: tripRow(updated) })
        toast('已送到楼门口')
      } catch {
        // shown in a dialog; the same markId goes with the next tap
      } finally {
        this.setData({ busy: '' })
      }
    },

    /** 已送到门口: shown at once, queued in storage, sent with the next sync. */
    onDoor(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      const s = store(this)
      const at = s.where.get(id)
      if (!at || !s.outbox || !this.data.canMark) return
      const [i, j] = at
      const row = this.data.doors[i]?.stops[j]
      if (!row || row.done) return
      s.outbox.add({ stopId: id, markId: newRequestId('m'), at: new Date().toISOString() })
      const building = this.data.doors[i] as DoorRow
      const delivered = building.stops.filter((r) => r.done).length + 1
      this.setData({
        [`doors[${i}].stops[${j}].done`]: true,
        [`doors[${i}].stops[${j}].doneText`]: QUEUED_TEXT,
        [`doors[${i}].progress`]: progressText(delivered, building.stops.length),
        pending: s.outbox.size,
      })
      void this.sync()
    },

    onSync() {
      void this.sync(true)
    },

    /** Send the waiting marks; refused ones are said and taken off, and the list is read again. */
    async sync(manual = false) {
      const s = store(this)
      if (!s.outbox) return
      if (!s.outbox.size) {
        if (manual) toast('都已同步')
        return
      }
      this.setData({ syncing: true })
      const deliveryId = this.data.deliveryId
      const send = async (marks: StopMarkInput[]): Promise<StopMarkResult[]> => {
        try {
          return await call('delivery', 'markStops', { deliveryId, marks }, { silent: true })
        } catch (err) {
          if (!(err instanceof CloudError) || KEEP_ON.includes(err.code)) throw err
          // Refused as a whole (the delivery finished, not your task): said once, and the marks go.
          return marks.map((m) => ({ ...m, result: 'refused' as const, code: err.code, message: err.message }))
        }
      }
      const out = await s.outbox.sync(send)
      this.setData({ syncing: false, pending: out.left })
      for (const r of out.done) {
        const at = s.where.get(r.stopId)
        if (!at) continue
        const [i, j] = at
        if (this.data.doors[i]?.stops[j]?.doneText === QUEUED_TEXT)
          this.setData({ [`doors[${i}].stops[${j}].doneText`]: '已送到门口' })
      }
      if (out.refused.length) {
        const labels = out.refused.map((r) => {
          const at = s.where.get(r.stopId)
          const label = at ? (this.data.doors[at[0]]?.stops[at[1]]?.label ?? '') : ''
          return `${label ? `${label}：` : ''}${r.message ?? '没有记上'}`
        })
        showError(new CloudError('INVALID_INPUT', [...new Set(labels)].join('\n')))
        await this.reload()
      } else if (manual && out.failed) {
        showError(new CloudError('NETWORK', `网络不太好，还有 ${out.left} 条没有同步，有网后会自动再试`))
      } else if (manual && !out.left) toast('已同步')
    },

    /** The list read again without the loading state (after a refusal, a problem). */
    async reload() {
      try {
        this.show(await call('delivery', 'myTasks', { deliveryId: this.data.deliveryId }, { silent: true }))
      } catch {
        // the rows stay as they were
      }
    },

    async onProblem(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      const s = store(this)
      const at = s.where.get(id)
      const view = s.view
      if (!at || !view) return
      const row = this.data.doors[at[0]]?.stops[at[1]]
      const problem = await reportProblem({
        deliveryId: this.data.deliveryId,
        stopId: id,
        communityId: view.delivery.communityId,
        label: row?.label ?? '',
      })
      if (!problem) return
      this.setData({ [`doors[${at[0]}].stops[${at[1]}].problem`]: '已报告问题' })
      toast('已报告')
    },

    async onPullDownRefresh() {
      await this.load()
      void this.sync()
      wx.stopPullDownRefresh()
    },
  },
})
