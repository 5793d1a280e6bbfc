// A building's chain (接龙) for one round: numbered entries and the households still missing. Residents see
// labels only; leads see each member's result beside the kit photo for the households in their scope (a floor
// lead: their floor), flag entries, submit for missing households (代报), remind them and ring the ones WeChat
// cannot reach (拨打: masked numbers are revealed one at a time, logged). A 层长 confirms their floor, and the
// building's lead confirms the building (with a reason when a floor's 层长 has not confirmed).
// A high-rise may put a thousand households behind one entrance: such a building is shown floor by floor (a summary
// row per floor, the caller's own floors first and open), and every list reaches the view a page at a time, so
// that no setData carries the whole chain.
import type {
  ChainEntryView,
  ChainFloorView,
  ChainView,
  MemberResultView,
  RemindResult,
  WhoAmI,
} from '../../../typings/api'
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
import { roundCard } from '../utils/share'

type LoadState = 'loading' | 'ready' | 'error'
type Tab = 'entries' | 'missing'
type List = 'entries' | 'missing'
type Busy = '' | 'confirm' | 'floor' | 'remind' | 'flag' | 'dial'
type Missing = ChainView['missing'][number]

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

/**
 * One block of the list: a floor of a high-rise, or the whole building of a small one (its two tabs). `entries`
 * and `missing` hold the rows sent so far; `entriesMore` / `missingMore` count those still to come.
 */
interface Block {
  key: string
  floor: number
  /** 「3 层 已报 8/10 · 层长已确认」 */
  summary: string
  toConfirm: boolean
  confirmed: boolean
  /** Abnormal entries the caller may see on the floor. */
  abnormal: number
  /** The caller's floor: their home's or the one they lead. */
  own: boolean
  /** The caller is this floor's 层长: they confirm it here. */
  lead: boolean
  open: boolean
  entryCount: number
  missingCount: number
  entries: EntryRow[]
  missing: MissingRow[]
  entriesMore: number
  missingMore: number
}

/** A 层长's floor to confirm, in a small building's list (a high-rise shows the button on the floor). */
interface FloorAction {
  floor: number
  summary: string
  confirmed: boolean
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

/** A block's full lists, in display order; pages are cut from them. */
interface Source {
  key: string
  floor: number
  entries: ChainEntryView[]
  missing: Missing[]
}

const NO_REACH: Reach = { whole: false, floors: [] }

/** Rows sent to the view at a time: a list's first page, each 「显示更多」 or reaching the bottom. */
const PAGE = 50
/** A building of more households than this, on more than one floor, is shown floor by floor. */
const GROUP_ABOVE = 30

/** The full answer and what is behind the rows on screen; only what is shown goes through setData. */
const store = pageStore(() => ({
  view: null as ChainView | null,
  reach: NO_REACH,
  /** The caller's own households in the building: their floors open first. */
  homes: new Set<string>(),
  remind: null as RemindResult | null,
  sources: [] as Source[],
  /** Where each entry's row is in the view's data (`blocks[2].entries[5]`), to update that row alone. */
  paths: new Map<string, string>(),
  /** Entries opened to show their members. */
  expanded: new Set<string>(),
  /** Floors open, kept across reloads; null until the first render opens the caller's own floors. */
  open: null as Set<number> | null,
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

const inReach = (reach: Reach, floor: number) => reach.whole || reach.floors.includes(floor)

function missingRow(m: Missing, reach: Reach): MissingRow {
  return { householdId: m.householdId, label: m.label, linked: m.linked, mine: inReach(reach, m.floor) }
}

/**
 * Leads read abnormal entries first; otherwise the chain keeps its numbers' order. Only entries the caller may see
 * carry `abnormal`, so the order tells nobody else anything.
 */
function ordered(entries: ChainEntryView[], detailed: boolean): ChainEntryView[] {
  const byNo = [...entries].sort((a, b) => a.no - b.no)
  return detailed ? [...byNo.filter((e) => e.abnormal), ...byNo.filter((e) => !e.abnormal)] : byNo
}

/** 「4、7」, or the first ten and 等. */
const floorList = (floors: number[]) => `${floors.slice(0, 10).join('、')}${floors.length > 10 ? ' 等' : ''}`

/** The floors as the function counted them, plus any floor an entry or a missing room names that the list lacks. */
function floorsOf(view: ChainView): ChainFloorView[] {
  const known = new Set(view.floors.map((f) => f.floor))
  const extra = new Map<number, ChainFloorView>()
  const at = (floor: number): ChainFloorView => {
    const f = extra.get(floor) ?? { floor, expected: 0, submitted: 0, toConfirm: false, confirmed: false }
    extra.set(floor, f)
    return f
  }
  for (const e of view.entries) {
    if (known.has(e.floor)) continue
    const f = at(e.floor)
    f.expected++
    f.submitted++
  }
  for (const m of view.missing) if (!known.has(m.floor)) at(m.floor).expected++
  return [...view.floors, ...extra.values()].sort((a, b) => a.floor - b.floor)
}

/** A high-rise is read floor by floor; a walk-up keeps one list (and so does a round reduced to counts). */
function isGrouped(view: ChainView, floors: ChainFloorView[]): boolean {
  const inhabited = floors.filter((f) => f.expected > 0)
  const households = inhabited.reduce((n, f) => n + f.expected, 0)
  return !view.reduced && inhabited.length > 1 && households > GROUP_ABOVE
}

function floorStatus(f: ChainFloorView): string {
  if (!f.toConfirm) return ''
  return f.confirmed ? '层长已确认' : '层长未确认'
}

const floorSummary = (f: ChainFloorView) =>
  [`${f.floor} 层 已报 ${f.submitted}/${f.expected}`, floorStatus(f)].filter(Boolean).join(' · ')

/** The caller's floors: those they lead as 层长, and those of their own households. */
function ownFloors(view: ChainView, reach: Reach, homes: Set<string>): Set<number> {
  const own = new Set(reach.floors)
  for (const x of [...view.entries, ...view.missing]) if (homes.has(x.householdId)) own.add(x.floor)
  return own
}

/** Items per floor, each list in the order given. */
function byFloor<T extends { floor: number }>(items: T[]): Map<number, T[]> {
  const map = new Map<number, T[]>()
  for (const x of items) {
    const list = map.get(x.floor)
    if (list) list.push(x)
    else map.set(x.floor, [x])
  }
  return map
}

/** The blocks in display order with their full lists: the caller's floors first, then the others from the lowest. */
function sourcesOf(view: ChainView, floors: ChainFloorView[], grouped: boolean, own: Set<number>): Source[] {
  if (!grouped) return [{ key: 'all', floor: 0, entries: ordered(view.entries, view.detailed), missing: view.missing }]
  const entries = byFloor(view.entries)
  const missing = byFloor(view.missing)
  const mine = (f: ChainFloorView) => (own.has(f.floor) ? 0 : 1)
  return [...floors]
    .sort((a, b) => mine(a) - mine(b) || a.floor - b.floor)
    .map((f) => ({
      key: String(f.floor),
      floor: f.floor,
      entries: ordered(entries.get(f.floor) ?? [], view.detailed),
      missing: missing.get(f.floor) ?? [],
    }))
}

/**
 * The first page of a block's lists (nothing of a closed floor), at most `rows` rows in all; records where each
 * entry's row goes.
 */
function firstPage(
  src: Source,
  index: number,
  open: boolean,
  reach: Reach,
  paths: Map<string, string>,
  rows = 2 * PAGE,
) {
  const entries = open ? src.entries.slice(0, Math.min(PAGE, rows)) : []
  const missing = open ? src.missing.slice(0, Math.min(PAGE, rows - entries.length)) : []
  entries.forEach((e, k) => paths.set(e.householdId, `blocks[${index}].entries[${k}]`))
  return {
    open,
    entries: entries.map((e) => entryRow(e)),
    missing: missing.map((m) => missingRow(m, reach)),
    entriesMore: src.entries.length - entries.length,
    missingMore: src.missing.length - missing.length,
  }
}

/** 「第 2、5 位：已删除」, or the whole round's names gone after the retention period. */
function deletedText(view: ChainView): string {
  if (view.reduced) return '本轮的名单和每户结果已按期删除，只保留各楼的统计数字。'
  const n = view.deleted ?? []
  if (n.length === 0) return ''
  return `第 ${n.slice(0, 10).join('、')}${n.length > 10 ? ' 等' : ''} 位：已删除（住户删除了自己的数据，统计数字仍保留）`
}

/** 「已报 2 户 3 人：阴性 1，…；未报 2 户。」 and the abnormal households to handle. */
function countsText(entries: ChainEntryView[], missing: number): string {
  const members = entries.flatMap((e) => e.members ?? [])
  const count = (r: string) => members.filter((m) => m.result === r).length
  const abnormal = entries.filter((e) => e.abnormal).length
  return (
    `已报 ${entries.length} 户 ${members.length} 人：阴性 ${count('negative')}，异常 ${count('positive')}，` +
    `无效 ${count('invalid')}，未测 ${count('untested')}；未报 ${missing} 户。` +
    (abnormal ? `其中 ${abnormal} 户有异常，请确认已处理。` : '')
  )
}

const unconfirmed = (floors: ChainFloorView[]) => floors.filter((f) => f.toConfirm && !f.confirmed).map((f) => f.floor)

/** What the lead is asked to confirm: the building's numbers as the chain stands. */
function confirmText(view: ChainView): string {
  const waiting = unconfirmed(floorsOf(view))
  return (
    countsText(view.entries, view.missing.length) +
    (waiting.length ? `${floorList(waiting)} 层的层长还没有确认。` : '') +
    '确认后住户不能再自行修改。'
  )
}

/** What a 层长 is asked to confirm: their floor's numbers. */
function floorConfirmText(view: ChainView, floor: number): string {
  const entries = view.entries.filter((e) => e.floor === floor)
  const missing = view.missing.filter((m) => m.floor === floor).length
  return `${floor} 层${countsText(entries, missing)}确认后楼组长就可以确认全楼。`
}

/** The building lead's view of the floors: 「层长确认：3/5 层，未确认：4、7 层」. */
function floorsText(floors: ChainFloorView[]): string {
  const withLead = floors.filter((f) => f.toConfirm)
  if (withLead.length === 0) return ''
  const waiting = unconfirmed(floors)
  const done = `层长确认：${withLead.length - waiting.length}/${withLead.length} 层`
  return waiting.length ? `${done}，未确认：${floorList(waiting)} 层` : `${done}，都已确认`
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

/** Everything the first setData carries, with the lists and row paths behind it. `opened`: floors kept open. */
function render(view: ChainView, reach: Reach, homes: Set<string>, opened: Set<number> | null) {
  const floors = floorsOf(view)
  const grouped = isGrouped(view, floors)
  const own = ownFloors(view, reach, homes)
  const open = opened ?? new Set(own)
  const sources = sourcesOf(view, floors, grouped, own)
  const floorViews = new Map(floors.map((f) => [f.floor, f]))
  const paths = new Map<string, string>()
  // Open floors share one page in the first setData; show() sends the rest of their first pages after it.
  let rows = PAGE
  const blocks: Block[] = sources.map((src, i) => {
    const f = grouped ? floorViews.get(src.floor) : undefined
    const isOpen = !grouped || open.has(src.floor)
    const page = firstPage(src, i, isOpen, reach, paths, grouped ? rows : 2 * PAGE)
    if (grouped) rows -= page.entries.length + page.missing.length
    return {
      key: src.key,
      floor: src.floor,
      summary: f ? floorSummary(f) : '',
      toConfirm: f?.toConfirm ?? false,
      confirmed: f?.confirmed ?? false,
      abnormal: src.entries.filter((e) => e.abnormal).length,
      own: grouped && own.has(src.floor),
      lead: grouped && reach.floors.includes(src.floor),
      entryCount: src.entries.length,
      missingCount: src.missing.length,
      ...page,
    }
  })
  const withLeads = floors.some((f) => f.toConfirm)
  const myFloors: FloorAction[] = grouped
    ? []
    : floors
        .filter((f) => f.toConfirm && reach.floors.includes(f.floor))
        .map((f) => ({ floor: f.floor, summary: floorSummary(f), confirmed: f.confirmed }))
  const data = {
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
    confirmReason: view.confirmed && view.confirmReason ? `未等全部层长确认，原因：${view.confirmReason}` : '',
    confirmButton: view.confirmed ? (withLeads ? '全楼已确认' : '本楼已确认') : withLeads ? '确认全楼' : '确认本楼',
    floorsText: reach.whole ? floorsText(floors) : '',
    myFloors,
    grouped,
    blocks,
    entryCount: view.entries.length,
    missingCount: view.missing.length,
    /** The missing households the caller reminds (a floor lead: their floor's). */
    remindCount: view.missing.filter((m) => inReach(reach, m.floor)).length,
  }
  return { data, sources, paths, open }
}

/** A CloudError to branch on, whatever was thrown. */
const cloudError = (err: unknown) =>
  err instanceof CloudError ? err : new CloudError('NETWORK', '网络不太好，请检查网络后再试')

const RELOADED = '刚有住户提交了，接龙已经刷新。请看过新的接龙后再确认。'

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
    /** The building was confirmed before every 层长 had: the lead's reason. */
    confirmReason: '',
    confirmButton: '确认本楼',
    /** The building's lead: how many floors' 层长 have confirmed. */
    floorsText: '',
    /** A 层长's floors to confirm, in a building shown as one list. */
    myFloors: [] as FloorAction[],
    deletedText: '',
    /** Confirm: the building's lead or the committee. (Every detailed viewer may flag the entries they see.) */
    canManage: false,
    /** 代报 and remind: also a floor lead of the building, for their floor. */
    canProxy: false,
    /** Floor by floor (a high-rise); otherwise one block with the two tabs. */
    grouped: false,
    tab: 'entries' as Tab,
    blocks: [] as Block[],
    entryCount: 0,
    missingCount: 0,
    remindCount: 0,
    busy: '' as Busy,
    remind: { shown: false, pushed: '', notConfigured: false, calls: [] as CallRow[] },
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ roundId: query.roundId ?? '', buildingId: query.buildingId ?? '' })
      void this.load()
    },

    /** 转发 into the building's group: the round, and what to do by when (a card even before the chain loaded). */
    onShareAppMessage() {
      return roundCard(store(this).view)
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
        const s = store(this)
        const reach = reachOf(me, view)
        s.reach = reach
        s.homes = new Set(me.households.filter((h) => h.buildingId === view.building.id).map((h) => h.id))
        this.show(view, { state: 'ready', canManage: reach.whole, canProxy: reach.whole || reach.floors.length > 0 })
        wx.setNavigationBarTitle({ title: `${view.building.name} 接龙` })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    /**
     * Render the chain: the summary and one page of rows in one setData; then the rest of the open lists' first
     * pages and, on a reload, the rows the user had loaded, a page at a time.
     */
    show(view: ChainView, extra: Record<string, unknown> = {}) {
      const s = store(this)
      const before = new Map(
        this.data.blocks.map((b) => [b.key, { entries: b.entries.length, missing: b.missing.length }]),
      )
      const r = render(view, s.reach, s.homes, s.open)
      s.view = view
      s.sources = r.sources
      s.paths = r.paths
      s.open = r.open
      s.expanded.clear()
      this.setData({ ...extra, ...r.data })
      r.data.blocks.forEach((b, i) => {
        if (!b.open) return
        for (const list of ['entries', 'missing'] as const) {
          const want = Math.max(before.get(b.key)?.[list] ?? 0, Math.min(PAGE, r.sources[i][list].length))
          while (this.data.blocks[i][list].length < want) if (!this.more(i, list)) break
        }
      })
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

    /** Append the next page of a block's entries or missing rooms; false when there is none. */
    more(index: number, list: List): boolean {
      const s = store(this)
      const block = this.data.blocks[index]
      const src = s.sources[index]
      if (!block?.open || !src) return false
      const from = block[list].length
      const patch: Record<string, unknown> = {}
      const all = src[list]
      const next = all.slice(from, from + PAGE)
      if (next.length === 0) return false
      next.forEach((x, k) => {
        const path = `blocks[${index}].${list}[${from + k}]`
        if (list === 'entries') s.paths.set(x.householdId, path)
        patch[path] = list === 'entries' ? entryRow(x as ChainEntryView) : missingRow(x as Missing, s.reach)
      })
      patch[`blocks[${index}].${list}More`] = all.length - from - next.length
      this.setData(patch)
      return true
    },

    /** 「显示更多」 under a list. */
    onMore(e: WechatMiniprogram.TouchEvent) {
      const { index, list } = e.currentTarget.dataset as { index: number; list: List }
      this.more(Number(index), list)
    },

    /** Reaching the bottom loads what the button at the bottom would: the tab's next page, or an open floor's. */
    onReachBottom() {
      if (this.data.state !== 'ready') return
      if (!this.data.grouped) {
        this.more(0, this.data.tab)
        return
      }
      for (let i = this.data.blocks.length - 1; i >= 0; i--) {
        const b = this.data.blocks[i]
        if (b.open && (b.entriesMore || b.missingMore)) {
          this.more(i, b.entriesMore ? 'entries' : 'missing')
          return
        }
      }
    },

    /** Open a floor with the first page of its entries and missing rooms, or close it again. */
    onToggleFloor(e: WechatMiniprogram.TouchEvent) {
      const index = Number((e.currentTarget.dataset as { index: number }).index)
      const s = store(this)
      const block = this.data.blocks[index]
      const src = s.sources[index]
      if (!this.data.grouped || !block || !src) return
      const open = !block.open
      if (!s.open) s.open = new Set()
      if (open) s.open.add(block.floor)
      else s.open.delete(block.floor)
      for (const x of src.entries) {
        s.paths.delete(x.householdId)
        s.expanded.delete(x.householdId)
      }
      const page = firstPage(src, index, open, s.reach, s.paths)
      this.setData({
        [`blocks[${index}].open`]: page.open,
        [`blocks[${index}].entries`]: page.entries,
        [`blocks[${index}].missing`]: page.missing,
        [`blocks[${index}].entriesMore`]: page.entriesMore,
        [`blocks[${index}].missingMore`]: page.missingMore,
      })
    },

    onToggle(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      const s = store(this)
      const entry = s.view?.entries.find((x) => x.householdId === id)
      const path = s.paths.get(id)
      if (!entry?.members || !path) return
      const expanded = !s.expanded.has(id)
      if (expanded) s.expanded.add(id)
      else s.expanded.delete(id)
      this.setData({
        [`${path}.expanded`]: expanded,
        [`${path}.members`]: expanded ? entry.members.map(memberRow) : [],
      })
    },

    onPreview(e: WechatMiniprogram.TouchEvent) {
      const { id, url } = e.currentTarget.dataset as { id: string; url: string }
      const entry = store(this).view?.entries.find((x) => x.householdId === id)
      const urls = (entry?.members ?? []).map((m) => m.photoUrl ?? '').filter(Boolean)
      wx.previewImage({ urls: urls.length ? urls : [url], current: url })
    },

    async onFlag(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      const s = store(this)
      const old = s.view?.entries.find((x) => x.householdId === id)
      if (!old || this.data.busy) return
      const reason = await prompt(`标记 ${old.label}`, '原因，如：照片看不清，请重新拍', '')
      if (reason === null) return
      if (!reason) {
        showError(new CloudError('INVALID_INPUT', '请写明标记的原因，住户会看到'))
        return
      }
      this.setData({ busy: 'flag' })
      try {
        const entry = await call('antigen', 'flag', {
          roundId: this.data.roundId,
          householdId: id,
          reason: reason.slice(0, 60),
        })
        const view = s.view
        if (view) {
          // The answer may leave out the members the chain already has.
          const merged = { ...old, ...entry, members: entry.members ?? old.members }
          const swap = (list: ChainEntryView[]) => list.map((x) => (x.householdId === id ? merged : x))
          view.entries = swap(view.entries)
          for (const src of s.sources) src.entries = swap(src.entries)
          const path = s.paths.get(id)
          if (path) this.setData({ [path]: entryRow(merged, s.expanded.has(id)) })
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
        await this.sendConfirm()
      } finally {
        this.setData({ busy: '' })
      }
    },

    /** Confirm the building; a floor whose 层长 has not confirmed needs the lead's reason, asked for then. */
    async sendConfirm(reason?: string): Promise<void> {
      const { roundId, buildingId } = this.data
      try {
        this.show(
          await call('antigen', 'confirm', reason ? { roundId, buildingId, reason } : { roundId, buildingId }, {
            silent: true,
          }),
        )
        toast('已确认')
      } catch (err) {
        const error = cloudError(err)
        if (error.code === 'FLOORS_UNCONFIRMED' && !reason) {
          const given = await this.askReason(error.message)
          if (given) await this.sendConfirm(given)
          return
        }
        await this.afterRefusal(error)
      }
    },

    /** Why the building is confirmed before every 层长 has: 2–100 characters, or null when the lead waits. */
    async askReason(message: string): Promise<string | null> {
      const write = await confirm('还有楼层没有确认', message, '写原因', '等层长')
      if (!write) return null
      const reason = await prompt('确认全楼的原因', '如：7 层层长外出，楼组长已逐户核对', '')
      if (reason === null) return null
      if (reason.length < 2 || reason.length > 100) {
        showError(new CloudError('INVALID_INPUT', '原因请写 2 到 100 个字，居委会看到'))
        return null
      }
      return reason
    },

    /** A 层长 confirms their floor after seeing its numbers. */
    async onConfirmFloor(e: WechatMiniprogram.TouchEvent) {
      const floor = Number((e.currentTarget.dataset as { floor: number }).floor)
      const view = store(this).view
      const f = view?.floors.find((x) => x.floor === floor)
      if (!view || !f || f.confirmed || this.data.busy) return
      const yes = await confirm(`确认 ${floor} 层结果`, floorConfirmText(view, floor), '确认')
      if (!yes) return
      this.setData({ busy: 'floor' })
      try {
        this.show(
          await call(
            'antigen',
            'confirmFloor',
            { roundId: this.data.roundId, buildingId: this.data.buildingId, floor },
            { silent: true },
          ),
        )
        toast('本层已确认')
      } catch (err) {
        await this.afterRefusal(cloudError(err))
      } finally {
        this.setData({ busy: '' })
      }
    },

    /**
     * A confirmation the function refused: a submission just arrived (the chain is reloaded to be looked at again),
     * or someone confirmed first (reloaded to show it); anything else is only said.
     */
    async afterRefusal(error: CloudError) {
      if (error.code === 'CONFLICT' || error.code === 'ALREADY_CONFIRMED') await this.reload()
      showError(error.code === 'CONFLICT' ? new CloudError('CONFLICT', RELOADED) : error)
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
            // Not configured: nobody refused, the deployment cannot send yet; the lead is told so.
            pushed: r.notConfigured ?? (r.pushed ? `已向 ${r.pushed} 户发送微信提醒` : '没有住户能收到微信提醒'),
            notConfigured: Boolean(r.notConfigured),
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
