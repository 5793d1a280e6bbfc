// Data kept and ending the service, for the committee: how long each kind of personal data is kept with the next
// deletions and any that failed, the community's periods, and closing the community (hand-over files, progress).
import type { ClosingStatus, RetentionItem, RetentionKind, RetentionSchedule } from '../../../typings/api'
import { call, CloudError, showError } from '../../services/cloud'
import { confirm, toast } from '../../utils/dialog'
import { openXlsx } from '../../utils/document'
import { formatDateTime, formatDay } from '../../utils/format'

type LoadState = 'loading' | 'ready' | 'error'

interface ItemRow {
  kind: string
  label: string
  rule: string
  lines: string[]
  failed: string
}

interface FileRow {
  fileID: string
  fileName: string
  url: string
  note: string
}

const STATE_TEXT: Record<ClosingStatus['state'], string> = {
  open: '',
  closing: '已停止使用，个人信息保留到移交完成',
  erasing: '正在删除全部个人信息',
  erased: '全部个人信息已删除',
}

/** When the period of what is still in progress starts (antigen rounds unless named here). */
const WAITING_STARTS: Partial<Record<RetentionKind, string>> = {
  buyOrders: '团购结束后开始计算',
  buyComplaints: '团购结束后开始计算',
  registers: '保存到社区停止使用',
}

function itemRow(i: RetentionItem): ItemRow {
  const lines = i.due.map((d) => `${formatDay(d.date)} 删除 ${d.count} ${i.unit}`)
  if (i.overdue) lines.unshift(`已到期 ${i.overdue} ${i.unit}，下次定时清理时删除`)
  if (i.waiting) lines.push(`进行中的 ${i.waiting} ${i.unit}：${WAITING_STARTS[i.kind] ?? '检测结束后开始计算'}`)
  if (lines.length === 0) lines.push('目前没有要删除的')
  return {
    kind: i.kind,
    label: i.label,
    rule: i.rule,
    lines,
    failed: i.failed ? `${i.failed} 个文件删除失败，系统会自动重试，直到删除为止` : '',
  }
}

function closingData(s: ClosingStatus) {
  const r = s.remaining
  const left = [
    `${r.households} 户 ${r.people} 人的住户信息`,
    `${r.roles} 个身份、${r.joinRequests} 条加入申请、${r.invites} 个邀请码、${r.consents} 条授权记录`,
    `${r.roundsWithResults} 轮检测的名单和结果`,
    `${r.exports} 个导出表格、${r.uploads} 个上传的台账文件`,
  ]
  return {
    closed: s.state !== 'open',
    stateText: STATE_TEXT[s.state],
    closingDays: s.closingDeletionDays,
    closedText: s.closedAt ? `${formatDateTime(s.closedAt)} 停止使用` : '',
    deleteText: s.deleteAfter ? `${formatDateTime(s.deleteAfter)} 起删除全部个人信息` : '',
    files: s.handover.map((f): FileRow => ({
      fileID: f.fileID,
      fileName: f.fileName,
      url: f.tempFileURL,
      note: f.tempFileURL ? `保留到 ${formatDateTime(f.expiresAt)}` : '已删除',
    })),
    remaining: s.state === 'open' ? [] : left,
    failedText: r.failedFiles ? `${r.failedFiles} 个文件删除失败，系统会自动重试` : '',
  }
}

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    communityId: '',
    communityName: '',
    items: [] as ItemRow[],
    photoText: '',
    resultText: '',
    closingText: '',
    orderText: '',
    needText: '',
    hasNeeds: false,
    escalateText: '',
    settingsError: '',
    closed: false,
    stateText: '',
    closingDays: 30,
    closedText: '',
    deleteText: '',
    files: [] as FileRow[],
    remaining: [] as string[],
    failedText: '',
    confirmName: '',
    closeReady: false,
    busy: '' as '' | 'settings' | 'close' | 'open',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ communityId: query.communityId ?? '' })
      void this.load()
    },

    async load() {
      if (!this.data.communityId) {
        this.setData({ state: 'error', errorMessage: '没有指定小区，请从首页进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const communityId = this.data.communityId
        const [schedule, closing] = await Promise.all([
          call('community', 'retentionSchedule', { communityId }, { silent: true }),
          call('community', 'closingStatus', { communityId }, { silent: true }),
        ])
        this.show(schedule, closing)
        this.setData({ state: 'ready' })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    show(schedule: RetentionSchedule, closing: ClosingStatus) {
      this.setData({
        communityName: closing.communityName,
        items: schedule.items.map(itemRow),
        photoText: String(schedule.settings.photoRetentionDays),
        resultText: String(schedule.settings.resultRetentionDays),
        closingText: String(schedule.settings.closingDeletionDays),
        orderText: String(schedule.settings.orderRetentionDays),
        hasNeeds: schedule.settings.needRetentionDays !== undefined,
        needText: String(schedule.settings.needRetentionDays ?? ''),
        escalateText: String(schedule.settings.followUpEscalateMinutes),
        ...closingData(closing),
      })
    },

    onRetry() {
      void this.load()
    },

    onPhotoInput(e: WechatMiniprogram.Input) {
      this.setData({ photoText: e.detail.value, settingsError: '' })
    },
    onResultInput(e: WechatMiniprogram.Input) {
      this.setData({ resultText: e.detail.value, settingsError: '' })
    },
    onClosingInput(e: WechatMiniprogram.Input) {
      this.setData({ closingText: e.detail.value, settingsError: '' })
    },
    onOrderInput(e: WechatMiniprogram.Input) {
      this.setData({ orderText: e.detail.value, settingsError: '' })
    },
    onNeedInput(e: WechatMiniprogram.Input) {
      this.setData({ needText: e.detail.value, settingsError: '' })
    },
    onEscalateInput(e: WechatMiniprogram.Input) {
      this.setData({ escalateText: e.detail.value, settingsError: '' })
    },

    async onSaveSettings() {
      if (this.data.busy) return
      const photo = Number(this.data.photoText)
      const result = Number(this.data.resultText)
      const closing = Number(this.data.closingText)
      const order = Number(this.data.orderText)
      const escalate = Number(this.data.escalateText)
      // Needs' period is sent once the schedule shows one (a function that has the needs feature).
      const need = this.data.hasNeeds ? Number(this.data.needText) : undefined
      if (![photo, result, closing, order, need ?? 1].every((n) => Number.isInteger(n) && n >= 1)) {
        this.setData({ settingsError: '请填写天数（整数，至少 1 天）' })
        return
      }
      if (!Number.isInteger(escalate) || escalate < 5 || escalate > 240) {
        this.setData({ settingsError: '异常上报时间请填写 5 到 240 之间的整数分钟' })
        return
      }
      this.setData({ busy: 'settings' })
      try {
        await call(
          'community',
          'setRetention',
          {
            communityId: this.data.communityId,
            photoRetentionDays: photo,
            resultRetentionDays: result,
            closingDeletionDays: closing,
            orderRetentionDays: order,
            ...(need === undefined ? {} : { needRetentionDays: need }),
            followUpEscalateMinutes: escalate,
          },
          { silent: true },
        )
        toast('已保存')
        await this.load()
      } catch (err) {
        if (err instanceof CloudError && err.field) this.setData({ settingsError: err.message })
        else if (err instanceof CloudError) showError(err)
      } finally {
        this.setData({ busy: '' })
      }
    },

    onConfirmInput(e: WechatMiniprogram.Input) {
      const confirmName = e.detail.value
      this.setData({ confirmName, closeReady: confirmName.trim() === this.data.communityName })
    },

    async onClose() {
      if (this.data.busy || !this.data.closeReady) return
      const yes = await confirm(
        '停止使用本小区',
        `停止后不能再开始检测、加入住户或提交结果。系统会生成移交表格，${this.data.closingDays} 天后删除全部个人信息，不能恢复。`,
        '停止使用',
      )
      if (!yes) return
      this.setData({ busy: 'close' })
      try {
        const status = await call('community', 'closeCommunity', {
          communityId: this.data.communityId,
          confirm: this.data.confirmName.trim(),
        })
        this.setData({ confirmName: '', closeReady: false, ...closingData(status) })
        toast('已停止使用')
        await this.load()
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ busy: '' })
      }
    },

    async onOpenFile(e: WechatMiniprogram.TouchEvent) {
      const file = this.data.files[Number((e.currentTarget.dataset as { index: number }).index)]
      if (!file?.url || this.data.busy) return
      this.setData({ busy: 'open' })
      try {
        await openXlsx(file.fileID, file.fileName, file.url)
      } catch {
        wx.showModal({ title: '提示', content: '文件打不开，请稍后再试', showCancel: false, confirmText: '知道了' })
      } finally {
        this.setData({ busy: '' })
      }
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
