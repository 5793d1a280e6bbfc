// My household: everyone in it (in full: it is the user's own), who has linked WeChat, and the consents given,
// with the separate health-data consent to give or withdraw, and the personal-data consent to accept again when its
// text changed.
import type { ConsentKind, WhoAmI } from '../../../typings/api'
import { call, CloudError } from '../../services/cloud'
import { refreshMe } from '../../services/session'
import { confirm, toast } from '../../utils/dialog'
import { openPage } from '../../utils/nav'
import { consentRows, memberRows, type ConsentRow, type MemberRow } from '../../utils/rows'

type LoadState = 'loading' | 'ready' | 'error' | 'empty'

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    householdId: '',
    household: { title: '', note: '', linked: '' },
    members: [] as MemberRow[],
    consents: [] as ConsentRow[],
    healthGiven: false,
    personalGiven: false,
    /** A consent text while the user reads it before agreeing. */
    reading: { kind: '' as '' | ConsentKind, title: '', text: '', version: '' },
    busy: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ householdId: query.householdId ?? '' })
      void this.load()
    },

    async load() {
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const wanted = this.data.householdId
        const [me, known] = await Promise.all([
          refreshMe(),
          wanted ? call('community', 'myHousehold', { householdId: wanted }, { silent: true }) : null,
        ])
        const id = wanted || me.households[0]?.id
        if (!id) {
          this.setData({ state: 'empty' })
          return
        }
        const h = known ?? (await call('community', 'myHousehold', { householdId: id }, { silent: true }))
        const ref = me.households.find((x) => x.id === id)
        this.setData({
          state: 'ready',
          householdId: id,
          household: {
            title: `${ref?.communityName ?? ''} ${h.label}`.trim(),
            note: ref?.proxy ? '您代管这一户' : h.proxy ? '这一户由家人或楼组长代管' : '',
            linked: `${h.members.length} 人，其中 ${h.members.filter((m) => m.linked).length} 人已绑定微信`,
          },
          members: memberRows(h.members),
        })
        this.showConsents(me)
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    showConsents(me: WhoAmI) {
      const consents = consentRows(me.consents)
      this.setData({
        consents,
        healthGiven: consents.some((c) => c.kind === 'health' && c.given),
        personalGiven: consents.some((c) => c.kind === 'personal' && c.given),
      })
    },

    onRetry() {
      void this.load()
    },

    onJoin() {
      openPage('/pages/join/index')
    },

    onMyData() {
      openPage('/pages/household/data')
    },

    onReadHealth() {
      return this.read('health')
    },

    onReadPersonal() {
      return this.read('personal')
    },

    async read(kind: ConsentKind) {
      if (this.data.busy) return
      this.setData({ busy: true })
      try {
        const c = await call('community', 'consentText', { kind })
        this.setData({ reading: { kind, title: c.title, text: c.text, version: c.version } })
      } catch {
        // the dialog has told the user
      } finally {
        this.setData({ busy: false })
      }
    },

    onCloseHealth() {
      this.setData({ reading: { kind: '', title: '', text: '', version: '' } })
    },

    async onGiveHealth() {
      const { kind, version } = this.data.reading
      if (this.data.busy || !version || !kind) return
      this.setData({ busy: true })
      try {
        await call('community', 'giveConsent', { kind, version })
        this.setData({ reading: { kind: '', title: '', text: '', version: '' } })
        await this.afterConsentChange('已同意')
      } catch {
        // CONSENT_OUTDATED and the like were shown in a dialog; reading again fetches the new text
        this.setData({ reading: { kind: '', title: '', text: '', version: '' } })
      } finally {
        this.setData({ busy: false })
      }
    },

    async onWithdrawHealth() {
      if (this.data.busy) return
      const yes = await confirm(
        '撤回健康信息授权',
        '撤回后，您家将不能在小程序里报抗原结果，楼组长会按未报处理。以后可以随时再同意。',
        '撤回',
      )
      if (!yes) return
      this.setData({ busy: true })
      try {
        await call('community', 'withdrawConsent', { kind: 'health' })
        await this.afterConsentChange('已撤回')
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ busy: false })
      }
    },

    async afterConsentChange(done: string) {
      toast(done)
      try {
        this.showConsents(await refreshMe())
      } catch {
        // the change is made; the status refreshes on the next visit
      }
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
