// My data: everything the mini-program keeps about me, in full, and erasing my household's part of it.
import type { MyData } from '../../../typings/api'
import { call, CloudError } from '../../services/cloud'
import { refreshMe } from '../../services/session'
import { toast } from '../../utils/dialog'
import { formatDateTime, formatDay } from '../../utils/format'
import { memberRows, type MemberRow } from '../../utils/rows'
import { CONSENT_LABELS, JOIN_STATUS_LABELS } from '../../utils/labels'

type LoadState = 'loading' | 'ready' | 'error'

const CONFIRM_WORD = '删除'

const RESULT_TEXT = { negative: '阴性', positive: '异常', invalid: '无效', untested: '未测' } as const

interface AntigenRow {
  key: string
  title: string
  members: string[]
  note: string
}

function antigenRow(r: MyData['antigen'][number]): AntigenRow {
  const until = [
    r.photosDeleteAt ? `照片 ${formatDateTime(r.photosDeleteAt)} 删除` : '',
    r.resultsDeleteAt
      ? `名单和结果 ${formatDateTime(r.resultsDeleteAt)} 删除，只保留各楼的统计数字`
      : '检测结束后按期删除，只保留各楼的统计数字',
  ].filter(Boolean)
  return {
    key: `${r.roundId}-${r.householdId}`,
    title: `${formatDay(r.date)} 抗原检测 · ${r.label} 第 ${r.no} 位${r.proxy ? ' · 代报' : ''}`,
    members: r.members.map(
      (m) => `${m.name}：${RESULT_TEXT[m.result]}${m.reason ? `（${m.reason}）` : ''}${m.photo ? ' · 有试剂照片' : ''}`,
    ),
    note: `${until.join('；')}${r.flagged ? `。楼组长标记：${r.flagged.reason}` : ''}`,
  }
}

interface HouseholdRow {
  id: string
  title: string
  note: string
  members: MemberRow[]
}

function view(d: MyData) {
  return {
    households: d.households.map((h): HouseholdRow => ({
      id: h.id,
      title: `${h.communityName} ${h.label}`,
      note: `房号 ${h.room} · ${h.floor} 层${h.proxy ? ' · 代管' : ''} · ${h.linkedCount} 人已绑定微信`,
      members: memberRows(h.members),
    })),
    roles: d.roles.map((r) => ({ id: r.id, label: r.place })),
    consents: d.consents.map((c, i) => ({
      key: `${c.kind}-${i}`,
      title: CONSENT_LABELS[c.kind],
      detail: `版本 ${c.version} · ${formatDateTime(c.acceptedAt)} 同意`,
    })),
    requests: d.joinRequests.map((r) => ({
      id: r.id,
      label: `${r.label} ${r.name}${r.asProxy ? '（代管）' : ''}`,
      detail: `${formatDateTime(r.createdAt)} 申请 · ${JOIN_STATUS_LABELS[r.status]}${r.reason ? `（${r.reason}）` : ''}`,
    })),
    antigen: (d.antigen ?? []).map(antigenRow),
    empty:
      !d.households.length &&
      !d.roles.length &&
      !d.consents.length &&
      !d.joinRequests.length &&
      !(d.antigen ?? []).length,
  }
}

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    empty: false,
    households: [] as HouseholdRow[],
    roles: [] as { id: string; label: string }[],
    consents: [] as { key: string; title: string; detail: string }[],
    requests: [] as { id: string; label: string; detail: string }[],
    antigen: [] as AntigenRow[],
    deleteId: '',
    deleteText: '',
    deleteReady: false,
    deleting: false,
    deleted: '',
  },
  lifetimes: {
    attached() {
      void this.load()
    },
  },
  methods: {
    async load() {
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const d = view(await call('community', 'myData', {}, { silent: true }))
        const keep = d.households.some((h) => h.id === this.data.deleteId)
        this.setData({ state: 'ready', ...d, deleteId: keep ? this.data.deleteId : (d.households[0]?.id ?? '') })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    onRetry() {
      void this.load()
    },

    onPick(e: WechatMiniprogram.TouchEvent) {
      this.setData({ deleteId: (e.currentTarget.dataset as { id: string }).id })
    },

    onDeleteInput(e: WechatMiniprogram.Input) {
      const deleteText = e.detail.value
      this.setData({ deleteText, deleteReady: deleteText.trim() === CONFIRM_WORD })
    },

    async onDelete() {
      const { deleteId, deleteText, deleting } = this.data
      if (deleting || !deleteId || deleteText.trim() !== CONFIRM_WORD) return
      this.setData({ deleting: true })
      try {
        const res = await call('community', 'deleteMyData', { householdId: deleteId, confirm: CONFIRM_WORD })
        const title = this.data.households.find((h) => h.id === res.householdId)?.title ?? ''
        this.setData({
          deleteText: '',
          deleteReady: false,
          deleted:
            `已删除您在 ${title} 的信息和身份` +
            (res.householdErased ? '；您是这一户最后一位成员，这一户的记录也已删除' : '') +
            (res.pendingFiles ? `；还有 ${res.pendingFiles} 张照片稍后自动删除` : ''),
        })
        toast('已删除')
        // The home page and every other page read whoami from globalData: it must not show the household any more.
        await refreshMe().catch(() => {
          getApp<IAppOption>().globalData.me = undefined
        })
        await this.load()
      } catch {
        // shown in a dialog by the service
      } finally {
        this.setData({ deleting: false })
      }
    },
  },
})
