// A building's chain (接龙) for one round: numbered entries and the households still missing. Residents see
// labels only; leads see each member's result beside the kit photo for the households in their scope (a floor
// lead: their floor), flag entries, submit for missing households (代报), remind them and ring the ones WeChat
// cannot reach (拨打: masked numbers are revealed one at a time, logged), and the building's lead confirms it.
import type { ChainEntryView, ChainView, MemberResultView, RemindResult, WhoAmI } from '../../../typings/api'
import { TEMPLATES } from '../../config'
import { call, CloudError, showError } from '../../services/cloud'
import { askSubscribe, currentMe, holds } from '../../services/session'
import { READ_TIME_MINUTES } from '../../shared/constants'
import { canDial, dial } from '../../utils/dial'
import { confirm, prompt, toast } from '../../utils/dialog'
import { formatDateTime, formatTime } from '../../utils/format'
import { openPage } from '../../utils/nav'
import { pageStore } from '../../utils/store'
import { RESULT_LABELS, resultClass, roundStatusText, roundTitle } from '../utils/labels'

type LoadState = 'loading' | 'ready' | 'error'
type Tab = 'entries' | 'missing'
type Busy = '' | 'confirm' | 'remind' | 'flag' | 'dial'

interface MemberRow {
  memberId: string
  name: string
  result: string
  resultClass: string
  reason: string
  photoUrl: string
  early: boolean
  times: string
}

interface EntryRow {
  householdId: string
  no: number
  label: string
  time: string
  proxy: boolean
  abnormal: boolean
  flagged: string
  summary: string
  /** The caller may see this household's results (the entry opens). */
  detailed: boolean
  expanded: boolean
  members: MemberRow[]
}

interface MissingRow {
  householdId: string
  label: string
  linked: boolean
  /** In the caller's scope: they may submit for it (代报) and remind it. */
  mine: boolean
}

interface CallRow {
  householdId: string
  label: string
  contacts: { memberId: string; name: string; phone: string; callable: boolean }[]
}

/** Where in the building the caller leads: all of it (its lead, the committee), or a floor lead's floors. */
interface Reach {
  whole: boolean
  floors: number[]
}

const NO_REACH: Reach = { whole: false, floors: [] }

/** The full answer, for expanding entries and the confirmation counts without re-sending them to the view. */
const store = pageStore(() => ({
  view: null as ChainView | null,
  reach: NO_REACH,
  remind: null as RemindResult | null,
}))

function memberRow(m: MemberResultView): MemberRow {
  const times = [m.startedAt ? `开始 ${formatTime(m.startedAt)}` : '', m.photoAt ? `拍照 ${formatTime(m.photoAt)}` : '']
  return {
    memberId: m.memberId,
    name: m.name,
    result: m.result ? RESULT_LABELS[m.result] : '未填写',
    resultClass: resultClass(m.result),
    reason: m.reason ?? '',
    photoUrl: m.photoUrl ?? '',
    early: m.early === true,
    times: times.filter(Boolean).join(' · '),
  }
}

function summary(members: MemberResultView[] | undefined): string {
  if (!members) return ''
  const counts = new Map<string, number>()
  for (const m of members) if (m.result) counts.set(m.result, (counts.get(m.result) ?? 0) + 1)
  const order = ['positive', 'negative', 'invalid', 'untested'] as const
  return order
    .filter((r) => counts.get(r))
    .map((r) => `${RESULT_LABELS[r]} ${counts.get(r)}`)
    .join(' · ')
}

function entryRow(e: ChainEntryView, expanded = false): EntryRow {
  return {
    householdId: e.householdId,
    no: e.no,
    label: e.label,
    time: formatTime(e.submittedAt),
    proxy: e.proxy,
    abnormal: e.abnormal === true,
    flagged: e.flagged ? `已标记：${e.flagged.reason}` : '',
    summary: summary(e.members),
    detailed: Boolean(e.members),
    expanded,
    members: expanded ? (e.members ?? []).map(memberRow) : [],
  }
}

/** Leads read abnormal entries first; otherwise the chain keeps its numbers' order. */
function ordered(view: ChainView): ChainEntryView[] {
  const byNo = [...view.entries].sort((a, b) => a.no - b.no)
  return view.detailed ? [...byNo.filter((e) => e.abnormal), ...byNo.filter((e) => !e.abnormal)] : byNo
}

const inReach = (reach: Reach, floor: number) => reach.whole || reach.floors.includes(floor)

function chainData(view: ChainView, reach: Reach) {
  const missing: MissingRow[] = view.missing.map((m) => ({
    householdId: m.householdId,
    label: m.label,
    linked: m.linked,
    mine: inReach(reach, m.floor),
  }))
  return {
    head: {
      title: `${view.building.name} 接龙`,
      round: roundTitle(view.round),
      status: roundStatusText(view.round),
      counts: `已接龙 ${view.entries.length + (view.deleted?.length ?? 0)} 户 · 未报 ${view.missing.length} 户`,
    },
    /** Entries whose details were deleted: their numbers still count. */
    deletedText: deletedText(view),
    detailed: view.detailed,
    closed: view.round.status === 'closed',
    confirmed: view.confirmed,
    confirmedText: view.confirmed ? `已确认${view.confirmedAt ? ` · ${formatDateTime(view.confirmedAt)}` : ''}` : '',
    entries: ordered(view).map((e) => entryRow(e)),
    missing,
    /** The missing households the caller reminds (a floor lead: their floor's). */
    remindCount: missing.filter((m) => m.mine).length,
  }
}

/** 「第 2、5 位：已删除」, or the whole round's names gone after the retention period. */
function deletedText(view: ChainView): string {
  if (view.reduced) return '本轮的名单和每户结果已按期删除，只保留各楼的统计数字。'
  const n = view.deleted ?? []
  if (n.length === 0) return ''
  return `第 ${n.slice(0, 10).join('、')}${n.length > 10 ? ' 等' : ''} 位：已删除（住户删除了自己的数据，统计数字仍保留）`
}

/** What the lead is asked to confirm: the building's numbers as the chain stands. */
function confirmText(view: ChainView): string {
  const members = view.entries.flatMap((e) => e.members ?? [])
  const count = (r: string) => members.filter((m) => m.result === r).length
  const abnormal = view.entries.filter((e) => e.abnormal).length
  return (
    `已报 ${view.entries.length} 户 ${members.length} 人：阴性 ${count('negative')}，异常 ${count('positive')}，` +
    `无效 ${count('invalid')}，未测 ${count('untested')}；未报 ${view.missing.length} 户。` +
    (abnormal ? `其中 ${abnormal} 户有异常，请确认已处理。` : '') +
    '确认后住户不能再自行修改。'
  )
}

function callRows(r: RemindResult): CallRow[] {
  return r.callList.map((c) => ({
    householdId: c.householdId,
    label: c.label,
    // Masked numbers: 拨打 reveals one (logged) and rings it.
    contacts: c.contacts.map((p) => ({
      memberId: p.memberId,
      name: p.name,
      phone: p.phone,
      callable: canDial({ phone: p.phone, revealable: p.revealable === true }),
    })),
  }))
}

/** The whole building for its lead and the committee; a floor lead's floors. Only decides what to show. */
function reachOf(me: WhoAmI, view: ChainView): Reach {
  if (!view.detailed) return NO_REACH
  const whole =
    me.roles.some((r) => r.role === 'buildingLead' && r.scope.buildingId === view.building.id) ||
    holds(me, ['committee'], { communityId: view.round.communityId })
  const floors = me.roles
    .filter((r) => r.role === 'floorLead' && r.scope.buildingId === view.building.id && r.scope.floor !== undefined)
    .map((r) => r.scope.floor as number)
  return { whole, floors }
}

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    readMinutes: READ_TIME_MINUTES,
    roundId: '',
    buildingId: '',
    head: { title: '', round: '', status: '', counts: '' },
    detailed: false,
    closed: false,
    confirmed: false,
    confirmedText: '',
    deletedText: '',
    /** Confirm: the building's lead or the committee. (Every detailed viewer may flag the entries they see.) */
    canManage: false,
    /** 代报 and remind: also a floor lead of the building, for their floor. */
    canProxy: false,
    tab: 'entries' as Tab,
    entries: [] as EntryRow[],
    missing: [] as MissingRow[],
    remindCount: 0,
    busy: '' as Busy,
    remind: { shown: false, pushed: '', calls: [] as CallRow[] },
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ roundId: query.roundId ?? '', buildingId: query.buildingId ?? '' })
      void this.load()
    },

    /** Back from submitting for a household: show it in the chain. */
    onShow() {
      if (this.data.state === 'ready') void this.reload()
    },

    async load() {
      const { roundId, buildingId } = this.data
      if (!roundId || !buildingId) {
        this.setData({ state: 'error', errorMessage: '没有指定检测轮次或楼栋，请从首页的「本楼接龙」进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const [view, me] = await Promise.all([
          call('antigen', 'chain', { roundId, buildingId }, { silent: true }),
          currentMe(),
        ])
        const reach = reachOf(me, view)
        store(this).reach = reach
        this.show(view, { state: 'ready', canManage: reach.whole, canProxy: reach.whole || reach.floors.length > 0 })
        wx.setNavigationBarTitle({ title: `${view.building.name} 接龙` })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    show(view: ChainView, extra: Record<string, unknown> = {}) {
      const s = store(this)
      s.view = view
      this.setData({ ...extra, ...chainData(view, s.reach) })
    },

    /** Fetch again without the loading screen; keep what is shown when it fails (pull down to retry). */
    async reload() {
      try {
        this.show(
          await call(
            'antigen',
            'chain',
            { roundId: this.data.roundId, buildingId: this.data.buildingId },
            { silent: true },
          ),
        )
      } catch {
        // keep the chain on screen
      }
    },

    onRetry() {
      void this.load()
    },

    onTab(e: WechatMiniprogram.TouchEvent) {
      this.setData({ tab: (e.currentTarget.dataset as { tab: Tab }).tab })
    },

    onToggle(e: WechatMiniprogram.TouchEvent) {
      const { index } = e.currentTarget.dataset as { index: number }
      const row = this.data.entries[index]
      const entry = store(this).view?.entries.find((x) => x.householdId === row?.householdId)
      if (!row || !entry?.members) return
      this.setData({
        [`entries[${index}].expanded`]: !row.expanded,
        [`entries[${index}].members`]: row.expanded ? [] : entry.members.map(memberRow),
      })
    },

    onPreview(e: WechatMiniprogram.TouchEvent) {
      const { index, url } = e.currentTarget.dataset as { index: number; url: string }
      const urls = (this.data.entries[index]?.members ?? []).map((m) => m.photoUrl).filter(Boolean)
      wx.previewImage({ urls: urls.length ? urls : [url], current: url })
    },

    async onFlag(e: WechatMiniprogram.TouchEvent) {
      const { index } = e.currentTarget.dataset as { index: number }
      const row = this.data.entries[index]
      if (!row || this.data.busy) return
      const reason = await prompt(`标记 ${row.label}`, '原因，如：照片看不清，请重新拍', '')
      if (reason === null) return
      if (!reason) {
        showError(new CloudError('INVALID_INPUT', '请写明标记的原因，住户会看到'))
        return
      }
      this.setData({ busy: 'flag' })
      try {
        const entry = await call('antigen', 'flag', {
          roundId: this.data.roundId,
          householdId: row.householdId,
          reason: reason.slice(0, 60),
        })
        const view = store(this).view
        if (view) {
          const old = view.entries.find((x) => x.householdId === entry.householdId)
          // The answer may leave out the members the chain already has.
          const merged = { ...old, ...entry, members: entry.members ?? old?.members }
          view.entries = view.entries.map((x) => (x.householdId === entry.householdId ? merged : x))
          this.setData({ [`entries[${index}]`]: entryRow(merged, row.expanded) })
        }
        toast('已标记')
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ busy: '' })
      }
    },

    onProxySubmit(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      const { roundId, buildingId } = this.data
      openPage(`/packageAntigen/pages/submit?roundId=${roundId}&householdId=${id}&buildingId=${buildingId}`)
    },

    async onConfirm() {
      const view = store(this).view
      if (!view || this.data.busy || this.data.confirmed) return
      const yes = await confirm(`确认${view.building.name}结果`, confirmText(view), '确认')
      if (!yes) return
      this.setData({ busy: 'confirm' })
      try {
        this.show(await call('antigen', 'confirm', { roundId: this.data.roundId, buildingId: this.data.buildingId }))
        toast('已确认')
      } catch (err) {
        if (err instanceof CloudError && err.code === 'ALREADY_CONFIRMED') await this.reload()
      } finally {
        this.setData({ busy: '' })
      }
    },

    async onRemind() {
      if (this.data.busy) return
      this.setData({ busy: 'remind' })
      try {
        const r = await call('antigen', 'remind', { roundId: this.data.roundId, buildingId: this.data.buildingId })
        store(this).remind = r
        this.setData({
          remind: {
            shown: true,
            pushed: r.pushed ? `已向 ${r.pushed} 户发送微信提醒` : '没有住户能收到微信提醒',
            calls: callRows(r),
          },
        })
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ busy: '' })
      }
    },

    /** 拨打: a full number rings at once; a masked one is revealed for this reminder (logged), then rung. */
    async onCall(e: WechatMiniprogram.TouchEvent) {
      const { household, member } = e.currentTarget.dataset as { household: string; member: string }
      const contact = store(this)
        .remind?.callList.find((c) => c.householdId === household)
        ?.contacts.find((c) => c.memberId === member)
      if (!contact || this.data.busy) return
      this.setData({ busy: 'dial' })
      try {
        await dial(
          { householdId: household, memberId: member, phone: contact.phone, revealable: contact.revealable === true },
          'remind',
        )
      } finally {
        this.setData({ busy: '' })
      }
    },

    /** A lead hears of an abnormal result at once, and when a household changes a confirmed building. */
    onSubscribeAbnormal() {
      void askSubscribe([TEMPLATES.abnormal, TEMPLATES.reopened]).then((accepted) => {
        if (accepted.length) toast('已开启提醒')
      })
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
