// Home: who I am in the community, what is waiting, and one big entry per thing my roles let me do. Antigen
// entries load after the rest and only for the roles that need them: their failure never blocks the page. The
// committee also sees what is wrong with the deployment's configuration (the community function's health check),
// in red, so that reminders that cannot go are noticed; residents see nothing of it.
import type { CallupTurnView, HealthCheckView, WhoAmI } from '../../../typings/api'
import { TEMPLATES } from '../../config'
import { call, CloudError } from '../../services/cloud'
import { askSubscribe, refreshMe } from '../../services/session'
import { toast } from '../../utils/dialog'
import { openPage } from '../../utils/nav'
import { pageStore } from '../../utils/store'
import {
  homeEntries,
  needsMyRounds,
  pendingRows,
  roleRows,
  roundCommunities,
  type AntigenHome,
  type Entry,
  type PendingRow,
  type RoleRow,
} from './entries'
import { needsTurns, withCallup } from './callup'

type LoadState = 'loading' | 'ready' | 'error'

const RECENT_ROUNDS = 5
const ANTIGEN_ERROR = '检测信息暂时没有加载成功，下拉刷新可以重试'

const store = pageStore(() => ({
  me: null as WhoAmI | null,
  antigen: {} as AntigenHome,
  turns: [] as CallupTurnView[],
}))

/** Every entry: the roles', the antigen state's and the call-up's. */
const entriesOf = (me: WhoAmI, s: ReturnType<typeof store>) => withCallup(homeEntries(me, s.antigen), me, s.turns)

/** A community the caller is on the committee of: the one whose health check they see. */
const committeeCommunity = (me: WhoAmI) => me.roles.find((r) => r.role === 'committee')?.scope.communityId

Component({
  data: {
    state: 'loading' as LoadState,
    roles: [] as RoleRow[],
    pending: [] as PendingRow[],
    entries: [] as Entry[],
    errorMessage: '',
    antigenError: '',
    /** The health check's problems, for the committee only. */
    problems: [] as Pick<HealthCheckView, 'id' | 'title' | 'message'>[],
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
        const me = await refreshMe()
        this.showMe(me, { state: 'ready' })
      } catch (err) {
        const message = err instanceof CloudError ? err.message : '加载失败，请稍后再试'
        this.setData({ state: 'error', errorMessage: message })
        return
      }
      await Promise.all([this.loadAntigen(), this.loadHealth(), this.loadTurns()])
    },

    /** The committee's configuration check; a failure to ask shows nothing (the page works without it). */
    async loadHealth() {
      const me = store(this).me
      const communityId = me ? committeeCommunity(me) : undefined
      if (!communityId) {
        if (this.data.problems.length) this.setData({ problems: [] })
        return
      }
      try {
        const health = await call('community', 'health', { communityId }, { silent: true })
        const problems = health.checks.filter((c) => !c.ok).map(({ id, title, message }) => ({ id, title, message }))
        this.setData({ problems })
      } catch {
        // an older function without the check, or the network: nothing to say
      }
    },

    showMe(me: WhoAmI, extra: Record<string, unknown> = {}) {
      const s = store(this)
      s.me = me
      this.setData({
        ...extra,
        roles: roleRows(me.roles),
        pending: pendingRows(me),
        entries: entriesOf(me, s),
      })
    },

    /** Open rounds of my households and recent rounds where my roles show a chain or a table. */
    async loadAntigen() {
      const s = store(this)
      const me = s.me
      if (!me) return
      const communities = roundCommunities(me)
      let failed = false
      const [mine, lists] = await Promise.all([
        needsMyRounds(me)
          ? call('antigen', 'myRounds', {}, { silent: true }).catch(() => {
              failed = true
              return s.antigen.mine
            })
          : undefined,
        Promise.all(
          communities.map((communityId) =>
            call('antigen', 'listRounds', { communityId, limit: RECENT_ROUNDS }, { silent: true })
              .then((rounds) => [communityId, rounds] as const)
              .catch(() => {
                failed = true
                return [communityId, s.antigen.rounds?.[communityId] ?? []] as const
              }),
          ),
        ),
      ])
      s.antigen = { ...s.antigen, mine, rounds: Object.fromEntries(lists) }
      this.setData({ entries: entriesOf(me, s), antigenError: failed ? ANTIGEN_ERROR : '' })
    },

    /** The user's buildings in a running call-up; a failure shows none (the page works without it). */
    async loadTurns() {
      const s = store(this)
      const me = s.me
      if (!me || !needsTurns(me)) return
      try {
        s.turns = await call('callup', 'myTurn', {}, { silent: true })
        this.setData({ entries: entriesOf(me, s) })
      } catch {
        // nothing to show
      }
    },

    /** Coming back from joining, a decision, a submission or a deletion: show what changed, without the flash. */
    async onShow() {
      if (this.data.state !== 'ready') return
      try {
        this.showMe(await refreshMe())
        await Promise.all([this.loadAntigen(), this.loadTurns()])
      } catch {
        // keep what is on screen; pull down to retry
      }
    },

    onRetry() {
      void this.load()
    },

    onOpen(e: WechatMiniprogram.TouchEvent) {
      const { url, action, community } = e.currentTarget.dataset as {
        url?: string
        action?: string
        community?: string
      }
      if (action === 'subscribeRounds' && community) this.subscribeRounds(community)
      else if (url) openPage(url)
    },

    /** Runs inside the tap: WeChat shows the subscription dialog only then. */
    subscribeRounds(communityId: string) {
      void askSubscribe([TEMPLATES.roundOpened]).then(async (accepted) => {
        if (!accepted.includes(TEMPLATES.roundOpened)) {
          wx.showModal({
            title: '没有开启提醒',
            content: '您没有允许这条通知。需要时可以再点「开轮提醒」，在弹出的窗口中选「允许」。',
            showCancel: false,
            confirmText: '知道了',
          })
          return
        }
        try {
          const res = await call('antigen', 'subscribeRounds', { communityId })
          if (!res.subscribed) return
          const s = store(this)
          s.antigen = { ...s.antigen, subscribed: [...(s.antigen.subscribed ?? []), communityId] }
          if (s.me) this.setData({ entries: entriesOf(s.me, s) })
          toast('已开启提醒')
        } catch {
          // shown in a dialog
        }
      })
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
