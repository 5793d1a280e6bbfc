// A building lead's roster: households with their members (masked as the API returns them), join requests to
// approve, households without WeChat, and the building's invite codes. Phones are masked but for the committee:
// 拨打 reveals one number (the lead says why; the reveal is logged for the committee) and rings it.
import type { HouseholdView, InviteView, JoinRequestView, Roster } from '../../../typings/api'
import { TEMPLATES } from '../../config'
import { call, CloudError, showError } from '../../services/cloud'
import { askSubscribe, currentMe, holds } from '../../services/session'
import { canDial, dial } from '../../utils/dial'
import { confirm, prompt, toast } from '../../utils/dialog'
import { formatDateTime, spacedCode } from '../../utils/format'
import { drawPoster, type PosterCanvas } from '../utils/poster'
import { buildVersion, inviteCard } from '../utils/invites'
import { memberRows, type MemberRow } from '../../utils/rows'
import { pageStore } from '../../utils/store'
import { ensurePrivacy, PRIVACY_DECLINED } from '../../services/privacy'

type LoadState = 'loading' | 'ready' | 'error'
type Tab = 'households' | 'pending' | 'unlinked'

interface HouseholdRow {
  id: string
  label: string
  /** Each member, and whether 拨打 can ring them (a full number, or a masked one the caller may reveal). */
  members: (MemberRow & { callable: boolean })[]
  linked: string
  proxy: boolean
  special: boolean
  unlinked: boolean
}

interface PendingRow {
  id: string
  label: string
  name: string
  proxy: boolean
  time: string
}

interface InviteRow {
  code: string
  spaced: string
  scope: string
  expires: string
  uses: string
  buildingName: string
  room: string
  /** The 小程序码's temporary URL once made; its state and, when it failed, why. */
  qr: string
  qrState: LoadState
  qrError: string
}

/** Household cards sent to the view at a time: a high-rise has hundreds; the rest come with 「加载更多」. */
const HOUSEHOLD_PAGE = 50

/**
 * The roster as answered, for 拨打 (the masked number and whether it may be revealed), and every household's
 * card, of which the view holds the pages shown so far of the open tab's list.
 */
const store = pageStore(() => ({ households: [] as HouseholdView[], rows: [] as HouseholdRow[] }))

/** The open tab's households: all of them, or those without WeChat. */
const listOf = (rows: HouseholdRow[], tab: Tab) => (tab === 'unlinked' ? rows.filter((r) => r.unlinked) : rows)

const firstPage = (list: HouseholdRow[]) => ({
  households: list.slice(0, HOUSEHOLD_PAGE),
  householdsMore: Math.max(0, list.length - HOUSEHOLD_PAGE),
})

function householdRow(h: HouseholdView, unlinked: boolean): HouseholdRow {
  return {
    id: h.id,
    label: h.label,
    members: memberRows(h.members).map((m, i) => ({
      ...m,
      callable: canDial({ phone: m.phone, revealable: h.members[i]?.revealable === true }),
    })),
    linked:
      h.members.length === 0 ? '台账中没有成员' : h.linkedCount ? `${h.linkedCount} 人已绑定微信` : '没有人绑定微信',
    proxy: h.proxy,
    special: h.special === true,
    unlinked,
  }
}

const pendingRow = (r: JoinRequestView): PendingRow => ({
  id: r.id,
  label: r.label,
  name: r.name,
  proxy: r.asProxy,
  time: formatDateTime(r.createdAt),
})

const inviteRow = (i: InviteView): InviteRow => ({
  code: i.code,
  spaced: spacedCode(i.code),
  scope: i.room ? `仅限 ${i.room} 室` : `${i.buildingName}全楼`,
  expires: formatDateTime(i.expiresAt),
  uses: `已用 ${i.uses} / ${i.maxUses} 次`,
  buildingName: i.buildingName,
  room: i.room ?? '',
  qr: '',
  qrState: 'loading',
  qrError: '',
})

/** The page's hidden canvas, where the poster is drawn before it is exported as a picture. */
function posterCanvas(page: WechatMiniprogram.Component.TrivialInstance): Promise<PosterCanvas> {
  return new Promise((resolve, reject) => {
    wx.createSelectorQuery()
      .in(page)
      .select('#poster-canvas')
      .fields({ node: true, size: true })
      .exec((res: ({ node?: PosterCanvas } | null)[]) => {
        const node = res[0]?.node
        if (node) resolve(node)
        else reject(new Error('poster canvas not found'))
      })
  })
}

function canvasToFile(canvas: PosterCanvas): Promise<string> {
  return new Promise((resolve, reject) => {
    wx.canvasToTempFilePath({
      canvas,
      fileType: 'png',
      success: (res) => resolve(res.tempFilePath),
      fail: (err) => reject(new Error(err.errMsg)),
    })
  })
}

function rosterData(r: Roster, rows: HouseholdRow[], tab: Tab) {
  const unlinked = new Set(r.unlinked.map((h) => h.id))
  return {
    title: r.building.name,
    summary: `${r.counts.households} 户 · ${r.counts.residents} 人 · ${r.counts.linkedHouseholds} 户已绑定微信 · ${r.counts.special} 户有特殊人群`,
    ...firstPage(listOf(rows, tab)),
    pending: r.pending.map(pendingRow),
    unlinkedCount: unlinked.size,
    maskedPhones: r.households.some((h) => h.members.some((m) => m.phone?.includes('*'))),
  }
}

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    buildingId: '',
    title: '',
    summary: '',
    tab: 'households' as Tab,
    households: [] as HouseholdRow[],
    /** Households of the open tab not sent to the view yet. */
    householdsMore: 0,
    pending: [] as PendingRow[],
    unlinkedCount: 0,
    maskedPhones: false,
    canManage: false,
    deciding: '',
    /** The member whose number is being revealed (拨打). */
    dialing: '',
    inviteRoom: '',
    inviteError: '',
    creating: false,
    invite: null as InviteRow | null,
    invites: [] as InviteRow[],
    invitesState: 'loading' as LoadState,
    invitesError: '',
    /** The invite whose poster is being made. */
    posterFor: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ buildingId: query.buildingId ?? '', tab: query.tab === 'pending' ? 'pending' : 'households' })
      void this.load()
    },

    async load() {
      if (!this.data.buildingId) {
        this.setData({ state: 'error', errorMessage: '没有指定楼栋，请从首页的「楼栋名册」进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const [roster, me] = await Promise.all([
          call('community', 'buildingRoster', { buildingId: this.data.buildingId }, { silent: true }),
          currentMe(),
        ])
        const b = roster.building
        const canManage =
          holds(me, ['buildingLead'], { communityId: b.communityId, groupId: b.groupId, buildingId: b.id }) ||
          holds(me, ['committee'], { communityId: b.communityId })
        this.setData({ state: 'ready', canManage, ...this.remember(roster) })
        wx.setNavigationBarTitle({ title: `${b.name} 名册` })
        if (canManage) void this.loadInvites()
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    /** After a change: fetch the roster again without the loading screen; keep what is shown if it fails. */
    async reload() {
      try {
        const roster = await call('community', 'buildingRoster', { buildingId: this.data.buildingId }, { silent: true })
        this.setData(this.remember(roster))
      } catch {
        // the change itself succeeded; pull down to refresh
      }
    },

    async loadInvites() {
      this.setData({ invitesState: 'loading', invitesError: '' })
      try {
        const invites = await call('community', 'listInvites', { buildingId: this.data.buildingId }, { silent: true })
        this.setData({ invitesState: 'ready', invites: invites.map(inviteRow) })
        await Promise.all(invites.map((i) => this.loadQr(i.code)))
      } catch (err) {
        this.setData({
          invitesState: 'error',
          invitesError: err instanceof CloudError ? err.message : '邀请码没有加载成功',
        })
      }
    },

    /** An invite's 小程序码 (made on the first ask, the same one after), shown on its row and the new invite's box. */
    async loadQr(code: string) {
      const patch = (qr: Partial<InviteRow>) => {
        const index = this.data.invites.findIndex((i) => i.code === code)
        const out: Record<string, unknown> = {}
        for (const [k, v] of Object.entries(qr)) {
          if (index >= 0) out[`invites[${index}].${k}`] = v
          if (this.data.invite?.code === code) out[`invite.${k}`] = v
        }
        if (Object.keys(out).length) this.setData(out)
      }
      patch({ qrState: 'loading', qrError: '' })
      try {
        const qr = await call('community', 'inviteQr', { code, envVersion: buildVersion() }, { silent: true })
        patch({ qr: qr.url, qrState: 'ready' })
      } catch (err) {
        patch({
          qrState: 'error',
          qrError: err instanceof CloudError ? err.message : '小程序码没有加载成功',
        })
      }
    },

    onRetryQr(e: WechatMiniprogram.TouchEvent) {
      void this.loadQr((e.currentTarget.dataset as { code: string }).code)
    },

    /** Tap the code: full screen, large enough to scan from the lead's phone, with WeChat's save and forward menu. */
    onPreviewQr(e: WechatMiniprogram.TouchEvent) {
      const url = (e.currentTarget.dataset as { url: string }).url
      if (url) wx.previewImage({ urls: [url], current: url, showmenu: true })
    },

    /** 生成海报: the poster for the entrance, drawn on the phone and opened as a picture to save, send or print. */
    async onPoster(e: WechatMiniprogram.TouchEvent) {
      const code = (e.currentTarget.dataset as { code: string }).code
      const row = this.data.invites.find((i) => i.code === code) ?? this.data.invite
      if (!row || row.code !== code || this.data.posterFor) return
      this.setData({ posterFor: code })
      wx.showLoading({ title: '正在生成海报', mask: true })
      let file = ''
      try {
        const qr = await call(
          'community',
          'inviteQr',
          { code, envVersion: buildVersion(), image: true },
          { silent: true },
        )
        const canvas = await posterCanvas(this)
        await drawPoster(
          canvas,
          { buildingName: row.buildingName, code, ...(row.room ? { room: row.room } : {}), expires: row.expires },
          `data:image/png;base64,${qr.image ?? ''}`,
        )
        file = await canvasToFile(canvas)
      } catch (err) {
        wx.hideLoading()
        wx.showModal({
          title: '海报没有生成',
          content: err instanceof CloudError ? err.message : '请稍后再试；也可以把邀请码念给住户听，或截图发到楼栋群',
          showCancel: false,
        })
        return
      } finally {
        this.setData({ posterFor: '' })
      }
      wx.hideLoading()
      wx.previewImage({ urls: [file], current: file, showmenu: true })
    },

    /**
     * 发到楼栋群 (a share button on an invite) and the menu's 转发: the invite's card, opening the join page with
     * the code; from the menu, the newest invite for the whole building, or the mini-program when there is none.
     */
    onShareAppMessage(opts: WechatMiniprogram.Page.IShareAppMessageOption) {
      const code =
        opts.from === 'button' ? (opts.target as { dataset?: { code?: string } } | undefined)?.dataset?.code : ''
      const invite =
        this.data.invites.find((i) => i.code === code) ??
        (this.data.invite?.code === code ? this.data.invite : undefined) ??
        this.data.invites.find((i) => !i.room)
      return inviteCard(
        invite && { code: invite.code, buildingName: invite.buildingName, room: invite.room, qr: invite.qr },
        this.data.title,
      )
    },

    onRetry() {
      void this.load()
    },

    onRetryInvites() {
      void this.loadInvites()
    },

    /** Keep the answer and every card; answer the data of the open tab's first page. */
    remember(roster: Roster) {
      const s = store(this)
      const unlinked = new Set(roster.unlinked.map((h) => h.id))
      s.households = roster.households
      s.rows = roster.households.map((h) => householdRow(h, unlinked.has(h.id)))
      return rosterData(roster, s.rows, this.data.tab)
    },

    /** Another tab: the households tab and the without-WeChat tab start at their first page. */
    onTab(e: WechatMiniprogram.TouchEvent) {
      const tab = (e.currentTarget.dataset as { tab: Tab }).tab
      if (tab === this.data.tab) return
      this.setData({ tab, ...(tab === 'pending' ? {} : firstPage(listOf(store(this).rows, tab))) })
    },

    /** 「加载更多」 or reaching the bottom: append the next page of the open tab's households. */
    onMoreHouseholds() {
      if (this.data.tab === 'pending' || !this.data.householdsMore) return
      const list = listOf(store(this).rows, this.data.tab)
      const from = this.data.households.length
      const next = list.slice(from, from + HOUSEHOLD_PAGE)
      const patch: Record<string, unknown> = { householdsMore: Math.max(0, list.length - from - next.length) }
      next.forEach((row, k) => (patch[`households[${from + k}]`] = row))
      this.setData(patch)
    },

    onReachBottom() {
      if (this.data.state === 'ready') this.onMoreHouseholds()
    },

    async onProxyToggle(e: WechatMiniprogram.TouchEvent) {
      const { index } = e.currentTarget.dataset as { index: number }
      const row = this.data.households[index]
      if (!row || !this.data.canManage) return
      try {
        const h = await call('community', 'setProxy', { householdId: row.id, proxy: !row.proxy })
        const updated = householdRow(h, row.unlinked)
        const s = store(this)
        s.rows = s.rows.map((r) => (r.id === updated.id ? updated : r))
        s.households = s.households.map((x) => (x.id === h.id ? h : x))
        this.setData({ [`households[${index}]`]: updated })
        toast(h.proxy ? '已设为代管' : '已取消代管')
      } catch {
        // shown in a dialog; the row keeps its state
      }
    },

    /** 拨打: ask why, reveal the masked number (logged, capped per day), and ring it. */
    async onDial(e: WechatMiniprogram.TouchEvent) {
      const { household, member } = e.currentTarget.dataset as { household: string; member: string }
      const m = store(this)
        .households.find((h) => h.id === household)
        ?.members.find((x) => x.id === member)
      if (!m?.phone || this.data.dialing) return
      this.setData({ dialing: member })
      try {
        await dial({ householdId: household, memberId: member, phone: m.phone, revealable: m.revealable === true })
      } finally {
        this.setData({ dialing: '' })
      }
    },

    onApprove(e: WechatMiniprogram.TouchEvent) {
      void this.decide((e.currentTarget.dataset as { id: string }).id, true)
    },

    async onReject(e: WechatMiniprogram.TouchEvent) {
      const id = (e.currentTarget.dataset as { id: string }).id
      const reason = await prompt('不通过的原因', '如：房号不符（可不填，会告诉申请人）')
      if (reason === null) return
      await this.decide(id, false, reason.slice(0, 40))
    },

    async decide(requestId: string, approve: boolean, reason?: string) {
      if (this.data.deciding) return
      this.setData({ deciding: requestId })
      try {
        await call('community', 'decideJoin', { requestId, approve, ...(reason ? { reason } : {}) })
        this.setData({ pending: this.data.pending.filter((p) => p.id !== requestId) })
        toast(approve ? '已通过' : '已拒绝')
        await this.reload()
      } catch (err) {
        // Decided by another lead first, or its member linked meanwhile (now rejected): show the list as it is.
        if (err instanceof CloudError && (err.code === 'REQUEST_DECIDED' || err.code === 'MEMBER_LINKED'))
          await this.reload()
      } finally {
        this.setData({ deciding: '' })
      }
    },

    onInviteRoomInput(e: WechatMiniprogram.Input) {
      this.setData({ inviteRoom: e.detail.value, inviteError: '' })
    },

    onCreateInvite() {
      if (this.data.creating) return
      // Inside the tap, before any await: WeChat shows the subscription dialog only then. Leads want to hear
      // about the requests this invite will bring.
      const asked = askSubscribe([TEMPLATES.joinRequest])
      this.setData({ creating: true, inviteError: '' })
      void asked.then(() => this.createInvite())
    },

    async createInvite() {
      const room = this.data.inviteRoom.trim()
      try {
        const created = await call(
          'community',
          'createInvite',
          { buildingId: this.data.buildingId, ...(room ? { room } : {}) },
          { silent: true },
        )
        const row = inviteRow(created)
        this.setData({ invite: row, invites: [row, ...this.data.invites], inviteRoom: '' })
        void this.loadQr(row.code)
      } catch (err) {
        if (err instanceof CloudError && (err.field === 'room' || err.code === 'ROOM_NOT_FOUND')) {
          this.setData({ inviteError: err.message })
        } else if (err instanceof CloudError) {
          showError(err)
        }
      } finally {
        this.setData({ creating: false })
      }
    },

    async onCopy(e: WechatMiniprogram.TouchEvent) {
      const code = (e.currentTarget.dataset as { code: string }).code
      if (!(await ensurePrivacy())) {
        wx.showModal({ title: '提示', content: PRIVACY_DECLINED, showCancel: false })
        return
      }
      wx.setClipboardData({ data: code })
    },

    async onRevoke(e: WechatMiniprogram.TouchEvent) {
      const code = (e.currentTarget.dataset as { code: string }).code
      const yes = await confirm(
        '撤销邀请码',
        `撤销后 ${spacedCode(code)} 不能再用来申请加入，已加入的住户不受影响。`,
        '撤销',
      )
      if (!yes) return
      try {
        await call('community', 'revokeInvite', { code })
        this.setData({
          invites: this.data.invites.filter((i) => i.code !== code),
          invite: this.data.invite?.code === code ? null : this.data.invite,
        })
        toast('已撤销')
      } catch {
        // shown in a dialog
      }
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
