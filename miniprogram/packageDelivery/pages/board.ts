// The live board of one delivery (committee, 团长, 营长 and leads): alerts first in red, the stage and the rest's
// end, who recorded the arrival, the stage times and a row per building (stage, 已送/户数, 签收, 问题, who carries it).
// It reads the board again every 15 s while it is on screen. The committee and 团长 plan, record the arrival, end
// the rest and print the lists from here.
import type { BoardView, DeliverySheet } from '../../../typings/api'
import { call, CloudError, showError } from '../../services/cloud'
import { currentMe, holds } from '../../services/session'
import { confirm, toast } from '../../utils/dialog'
import { openXlsx } from '../../utils/document'
import { formatTime } from '../../utils/format'
import { openPage } from '../../utils/nav'
import { pageStore } from '../../utils/store'
import { BUILDING_STAGE_CLASS, BUILDING_STAGE_LABELS, progressText, STAGE_CLASS, STAGE_LABELS } from '../utils/labels'

type LoadState = 'loading' | 'ready' | 'error'

export const REFRESH_MS = 15_000

const SHEET_NAMES: Record<DeliverySheet, string> = { buildings: '各楼清单', volunteers: '志愿者清单' }

const store = pageStore(() => ({ timer: 0 as number, shown: false }))

function restText(b: BoardView, nowMs: number): string {
  if (b.delivery.stage !== 'resting' || !b.restUntil) return ''
  const left = Math.ceil((new Date(b.restUntil).getTime() - nowMs) / 60_000)
  return `消毒静置至 ${formatTime(b.restUntil)}${left > 0 ? `（还有 ${left} 分钟）` : ''}`
}

function timeRows(t: BoardView['times']): string[] {
  const rows: [string, string | undefined][] = [
    ['到货', t.arrivedAt],
    ['静置结束', t.restEndedAt],
    ['第一栋到楼门口', t.firstEntranceAt],
    ['最后一栋到楼门口', t.lastEntranceAt],
    ['最后一户送到门口', t.lastDoorAt],
    ['全部完成', t.doneAt],
  ]
  return rows.filter(([, at]) => at).map(([label, at]) => `${label} ${formatTime(at)}`)
}

function boardData(b: BoardView) {
  const d = b.delivery
  const a = b.arrival
  return {
    title: d.title,
    stage: STAGE_LABELS[d.stage],
    stageClass: STAGE_CLASS[d.stage],
    progress: `${progressText(d.delivered, d.households)} · 已签收 ${d.received} 户${d.problems ? ` · 问题 ${d.problems}` : ''}`,
    planned: d.planned,
    awaiting: d.stage === 'awaiting',
    resting: d.stage === 'resting',
    rest: restText(b, Date.now()),
    doorsBy: b.settings ? `送到门口截止 ${formatTime(b.settings.doorsBy)}` : '还没有安排配送',
    alerts: b.alerts.map((x, i) => ({ key: `${x.kind}-${x.buildingId ?? ''}-${i}`, message: x.message })),
    arrival: a
      ? {
          text: `${formatTime(a.at)} ${a.byName} 登记到货 · ${a.check === 'full' ? '数量齐全' : '数量不足'}`,
          short: a.check === 'short',
          note: a.note ?? '',
          photo: a.photo ?? '',
        }
      : null,
    times: timeRows(b.times),
    buildings: b.buildings.map((x) => ({
      id: x.buildingId,
      name: x.buildingName,
      stage: BUILDING_STAGE_LABELS[x.stage],
      stageClass: BUILDING_STAGE_CLASS[x.stage],
      progress: `已送 ${x.delivered}/${x.households}`,
      received: `签收 ${x.received}`,
      problems: x.problems ? `问题 ${x.problems}` : '',
      doorTeam: x.doorTeam.length ? `送到门口：${x.doorTeam.join('、')}` : '没有人送到门口',
      noTeam: x.doorTeam.length === 0,
      transport: x.transport ? `运输：${x.transport}` : '',
      // Until the goods are at the doors: who has not opened their task list yet (the committee rings them).
      unseen:
        x.stage === 'done'
          ? ''
          : [
              x.doorTeam.length && !x.doorSeen ? '送门口的人' : '',
              x.transport && !x.transportSeen && x.stage === 'gate' ? '运输志愿者' : '',
            ]
              .filter(Boolean)
              .join('、'),
    })),
  }
}

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    deliveryId: '',
    communityId: '',
    manage: false,
    board: null as ReturnType<typeof boardData> | null,
    refreshError: '',
    busy: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ deliveryId: query.id ?? '' })
      void this.load()
    },

    onShow() {
      const s = store(this)
      if (s.shown && this.data.state === 'ready') void this.refresh()
      s.shown = true
      this.startTimer()
    },

    onHide() {
      this.stopTimer()
    },

    onUnload() {
      this.stopTimer()
    },

    startTimer() {
      const s = store(this)
      if (s.timer) return
      s.timer = setInterval(() => void this.refresh(), REFRESH_MS) as unknown as number
    },

    stopTimer() {
      const s = store(this)
      if (s.timer) clearInterval(s.timer)
      s.timer = 0
    },

    async load() {
      const { deliveryId } = this.data
      if (!deliveryId) {
        this.setData({ state: 'error', errorMessage: '没有指定配送，请从「配送看板」进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const [board, me] = await Promise.all([
          call('delivery', 'board', { deliveryId }, { silent: true }),
          currentMe(),
        ])
        const communityId = board.delivery.communityId
        this.setData({ communityId, manage: holds(me, ['committee', 'communityLead'], { communityId }) })
        this.show(board)
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    show(board: BoardView) {
      this.setData({ state: 'ready', board: boardData(board), refreshError: '' })
    },

    /** The board read again in place; a failure leaves it as it was, with a line saying so. */
    async refresh() {
      if (this.data.state !== 'ready') return
      try {
        this.show(await call('delivery', 'board', { deliveryId: this.data.deliveryId }, { silent: true }))
      } catch {
        this.setData({ refreshError: '没有刷新成功，显示的是刚才的情况' })
      }
    },

    onRetry() {
      void this.load()
    },

    onPlan() {
      openPage(`/packageDelivery/pages/plan?id=${this.data.deliveryId}`)
    },

    onArrival() {
      openPage(`/packageDelivery/pages/arrival?id=${this.data.deliveryId}`)
    },

    onProblems() {
      openPage(`/packageDelivery/pages/problems?id=${this.data.deliveryId}&community=${this.data.communityId}`)
    },

    async onEndRest() {
      if (this.data.busy) return
      const ok = await confirm('结束静置', '确定现在结束消毒静置？运输志愿者马上就可以把物资送到各楼。', '结束静置')
      if (!ok) return
      this.setData({ busy: 'endRest' })
      try {
        this.show(await call('delivery', 'endRest', { deliveryId: this.data.deliveryId }))
        toast('已结束静置')
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ busy: '' })
      }
    },

    async onExport(e: WechatMiniprogram.TouchEvent) {
      const { sheet } = e.currentTarget.dataset as { sheet: DeliverySheet }
      if (this.data.busy) return
      this.setData({ busy: sheet })
      try {
        const file = await call('sheets', 'exportDelivery', { deliveryId: this.data.deliveryId, sheet })
        await openXlsx(file.fileID, file.fileName, file.tempFileURL)
      } catch (err) {
        if (!(err instanceof CloudError))
          showError(new CloudError('NETWORK', `${SHEET_NAMES[sheet]}没有打开，请检查网络后再试`))
      } finally {
        this.setData({ busy: '' })
      }
    },

    onPreview(e: WechatMiniprogram.TouchEvent) {
      const { url } = e.currentTarget.dataset as { url: string }
      if (url) wx.previewImage({ urls: [url], current: url })
    },

    async onPullDownRefresh() {
      await this.refresh()
      wx.stopPullDownRefresh()
    },
  },
})
