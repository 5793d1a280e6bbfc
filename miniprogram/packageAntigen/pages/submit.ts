// A household's antigen results for one round: per member a result, a kit photo (or why not tested) and an optional
// 15-minute timer; then the chain number, and edits until the lead confirms the building. A lead reaches it with
// `buildingId` to submit for a household (代报). Every submission carries every tested member's photo, and the API
// never hands a photo's fileID back: this phone keeps its uploads and timers per household (the draft) to re-send.
import type {
  AntigenResult,
  ChainView,
  MemberResultInput,
  MemberResultView,
  MySubmissionView,
  Roster,
} from '../../../typings/api'
import { TEMPLATES } from '../../config'
import { call, CloudError } from '../../services/cloud'
import { askSubscribe, currentMe, rememberConsent } from '../../services/session'
import { READ_TIME_MINUTES } from '../../shared/constants'
import { confirm, toast } from '../../utils/dialog'
import { pageStore } from '../../utils/store'
import { OTHER_REASON, RESULT_LABELS, RESULT_OPTIONS, resultClass, roundTitle, UNTESTED_REASONS } from '../utils/labels'
import { photoCloudPath, PhotoError, photoSizeText, preparePhoto, takePhoto, uploadPhoto } from '../utils/photo'
import { isEarly, minutesLeft } from '../utils/time'

type LoadState = 'loading' | 'ready' | 'error' | 'empty'

interface MemberCard {
  memberId: string
  name: string
  result: AntigenResult | ''
  reasonChoice: string
  reasonText: string
  /** What the <image> shows: the local photo just taken, or the stored one's temporary URL. */
  photoPath: string
  photoNote: string
  uploading: boolean
  startedAt: string
  photoAt: string
  /** Minutes left on the timer; 0 when it has run 15 minutes or was never started. */
  left: number
  timer: string
  early: boolean
  error: string
}

interface DoneRow {
  memberId: string
  name: string
  result: string
  resultClass: string
  note: string
}

interface ConsentState {
  state: 'loading' | 'ready' | 'error'
  title: string
  text: string
  version: string
  checked: boolean
  error: string
  message: string
}

const TICK_MS = 30 * 1000

interface Upload {
  fileID: string
  size: number
  path: string
  photoAt: string
}

interface DraftMember {
  startedAt?: string
  photo?: Upload
}

/** Not rendered: uploads per member (new or remembered), members that had a result, the ticking timer. */
const store = pageStore(() => ({
  uploads: {} as Record<string, Upload>,
  answered: {} as Record<string, boolean>,
  ticker: 0 as number | ReturnType<typeof setInterval>,
}))

/** One draft per household, for the round it was made in: a new round starts it afresh. */
const draftKey = (householdId: string) => `antigen-draft:${householdId}`

function readDraft(roundId: string, householdId: string): Record<string, DraftMember> {
  const saved = wx.getStorageSync(draftKey(householdId)) as { roundId?: string; members?: Record<string, DraftMember> }
  return saved && saved.roundId === roundId && saved.members ? saved.members : {}
}

function saveDraft(roundId: string, householdId: string, memberId: string, patch: DraftMember) {
  const members = readDraft(roundId, householdId)
  members[memberId] = { ...members[memberId], ...patch }
  wx.setStorageSync(draftKey(householdId), { roundId, members })
}

function timerText(left: number, startedAt: string): string {
  if (!startedAt) return ''
  return left > 0 ? `已计时，还剩 ${left} 分钟才能看结果` : `已满 ${READ_TIME_MINUTES} 分钟，可以看结果、拍照了`
}

function memberCard(m: MemberResultView, draft: DraftMember | undefined, now: number): MemberCard {
  const untested = m.result === 'untested'
  const known = (UNTESTED_REASONS as readonly string[]).includes(m.reason ?? '') && m.reason !== OTHER_REASON
  const photo = draft?.photo
  const photoAt = m.photoAt ?? photo?.photoAt ?? ''
  const startedAt = m.startedAt ?? draft?.startedAt ?? ''
  // A timer only matters until the photo is taken.
  const left = startedAt && !photoAt ? minutesLeft(startedAt, now) : 0
  return {
    memberId: m.memberId,
    name: m.name,
    result: m.result ?? '',
    reasonChoice: untested && m.reason ? (known ? m.reason : OTHER_REASON) : '',
    reasonText: untested && m.reason && !known ? m.reason : '',
    photoPath: photo?.path ?? m.photoUrl ?? '',
    photoNote: photo ? `已上传 · ${photoSizeText(photo.size)}` : '',
    uploading: false,
    startedAt,
    photoAt,
    left,
    timer: photoAt ? '' : timerText(left, startedAt),
    early: m.early ?? isEarly(startedAt, photoAt),
    error: '',
  }
}

const reasonOf = (c: MemberCard) => (c.reasonChoice === OTHER_REASON ? c.reasonText.trim() : c.reasonChoice)

function doneRows(members: MemberResultView[]): DoneRow[] {
  return members.map((m) => ({
    memberId: m.memberId,
    name: m.name,
    result: m.result ? RESULT_LABELS[m.result] : '未填写',
    resultClass: resultClass(m.result),
    note: m.result === 'untested' ? (m.reason ?? '') : m.early ? `拍照时还没到 ${READ_TIME_MINUTES} 分钟` : '',
  }))
}

/**
 * What a household's submission looks like to a lead submitting for it: its roster entry and its chain entry. A lead
 * may still change a confirmed building (the building then waits for confirmation again), so nothing is locked.
 */
function proxyView(chain: ChainView, roster: Roster, householdId: string): MySubmissionView | null {
  const h = roster.households.find((x) => x.id === householdId)
  if (!h) return null
  const entry = chain.entries.find((e) => e.householdId === householdId)
  return {
    round: chain.round,
    householdId,
    label: h.label,
    members: h.members.map((m) => ({
      ...entry?.members?.find((r) => r.memberId === m.id),
      memberId: m.id,
      name: m.name,
    })),
    submitted: Boolean(entry),
    ...(entry ? { no: entry.no } : {}),
    locked: false,
  }
}

const FIELD_MEMBER = /^members\.(\d+)/

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    readMinutes: READ_TIME_MINUTES,
    roundId: '',
    householdId: '',
    buildingId: '',
    head: { title: '', round: '', notice: '', proxy: false, reopens: false },
    closed: false,
    locked: false,
    submitted: false,
    no: 0,
    editing: false,
    members: [] as MemberCard[],
    done: [] as DoneRow[],
    hasPositive: false,
    hasInvalid: false,
    options: RESULT_OPTIONS,
    reasons: UNTESTED_REASONS as readonly string[],
    otherReason: OTHER_REASON,
    needConsent: false,
    consent: {
      state: 'loading',
      title: '',
      text: '',
      version: '',
      checked: false,
      error: '',
      message: '',
    } as ConsentState,
    submitting: false,
    formError: '',
  },
  lifetimes: {
    detached() {
      this.stopTicking()
    },
  },
  methods: {
    /** Back from the camera or another app: the minutes moved on. */
    onShow() {
      if (this.data.state === 'ready') this.tick()
    },

    onLoad(query: Record<string, string | undefined>) {
      this.setData({
        roundId: query.roundId ?? '',
        householdId: query.householdId ?? '',
        buildingId: query.buildingId ?? '',
      })
      void this.load()
    },

    async load() {
      const { roundId, householdId, buildingId } = this.data
      if (!roundId || !householdId) {
        this.setData({ state: 'error', errorMessage: '没有指定检测轮次或住户，请从首页的「报抗原」进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const me = await currentMe()
        let view: MySubmissionView | null
        let reopens = false
        if (buildingId) {
          const [chain, roster] = await Promise.all([
            call('antigen', 'chain', { roundId, buildingId }, { silent: true }),
            call('community', 'buildingRoster', { buildingId }, { silent: true }),
          ])
          view = proxyView(chain, roster, householdId)
          reopens = chain.confirmed
        } else {
          const mine = await call('antigen', 'myRounds', {}, { silent: true })
          view = mine.find((s) => s.round.id === roundId && s.householdId === householdId) ?? null
        }
        if (!view) {
          this.setData({
            state: 'error',
            errorMessage: '没有找到这一户本轮的接龙。本轮可能已经结束，请回首页查看。',
          })
          return
        }
        const proxy = Boolean(buildingId) || me.households.some((h) => h.id === householdId && h.proxy)
        // The health consent covers submitting one's own household; 代报 and 代管 are the lead's or family's act.
        const needConsent = !proxy && !me.consents.some((c) => c.kind === 'health' && !c.withdrawnAt)
        this.show(view, proxy, reopens)
        this.setData({ needConsent })
        if (needConsent) void this.loadConsent()
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    show(view: MySubmissionView, proxy: boolean, reopens = false) {
      const s = store(this)
      const draft = readDraft(view.round.id, view.householdId)
      const now = Date.now()
      s.uploads = {}
      for (const [memberId, d] of Object.entries(draft)) if (d.photo) s.uploads[memberId] = d.photo
      s.answered = Object.fromEntries(view.members.map((m) => [m.memberId, Boolean(m.result)]))
      const members = view.members.map((m) => memberCard(m, draft[m.memberId], now))
      this.setData({
        state: members.length ? 'ready' : 'empty',
        head: { title: view.label, round: roundTitle(view.round), notice: view.round.notice, proxy, reopens },
        closed: view.round.status === 'closed',
        // A confirmed building still takes a household that has not submitted yet.
        locked: view.locked && view.submitted,
        submitted: view.submitted,
        no: view.no ?? 0,
        editing: false,
        members,
        done: doneRows(view.members),
        hasPositive: view.members.some((m) => m.result === 'positive'),
        hasInvalid: view.members.some((m) => m.result === 'invalid'),
        formError: '',
      })
      this.startTicking()
    },

    async loadConsent() {
      this.setData({ 'consent.state': 'loading', 'consent.message': '' })
      try {
        const c = await call('community', 'consentText', { kind: 'health' }, { silent: true })
        this.setData({
          consent: {
            state: 'ready',
            title: c.title,
            text: c.text,
            version: c.version,
            checked: false,
            error: '',
            message: '',
          },
        })
      } catch (err) {
        this.setData({
          'consent.state': 'error',
          'consent.message': err instanceof CloudError ? err.message : '授权说明没有加载成功',
        })
      }
    },

    onRetry() {
      void this.load()
    },

    onRetryConsent() {
      void this.loadConsent()
    },

    onConsentChange(e: WechatMiniprogram.CustomEvent<{ checked: boolean }>) {
      this.setData({ 'consent.checked': e.detail.checked, 'consent.error': '' })
    },

    editable(): boolean {
      const d = this.data
      return !d.closed && !d.locked && (!d.submitted || d.editing) && !d.submitting
    },

    onEdit() {
      if (this.data.closed || this.data.locked) return
      this.setData({ editing: true, formError: '' })
    },

    onCancelEdit() {
      this.setData({ editing: false, formError: '' })
    },

    onResult(e: WechatMiniprogram.TouchEvent) {
      const { index, value } = e.currentTarget.dataset as { index: number; value: AntigenResult }
      if (!this.editable() || !this.data.members[index]) return
      this.setData({ [`members[${index}].result`]: value, [`members[${index}].error`]: '', formError: '' })
    },

    onReason(e: WechatMiniprogram.TouchEvent) {
      const { index, value } = e.currentTarget.dataset as { index: number; value: string }
      if (!this.editable() || !this.data.members[index]) return
      this.setData({ [`members[${index}].reasonChoice`]: value, [`members[${index}].error`]: '' })
    },

    onReasonInput(e: WechatMiniprogram.Input) {
      const { index } = e.currentTarget.dataset as { index: number }
      this.setData({ [`members[${index}].reasonText`]: e.detail.value, [`members[${index}].error`]: '' })
    },

    onStartTimer(e: WechatMiniprogram.TouchEvent) {
      const { index } = e.currentTarget.dataset as { index: number }
      const card = this.data.members[index]
      if (!card || !this.editable()) return
      const startedAt = new Date(Date.now()).toISOString()
      saveDraft(this.data.roundId, this.data.householdId, card.memberId, { startedAt })
      const left = minutesLeft(startedAt, Date.now())
      this.setData({
        [`members[${index}].startedAt`]: startedAt,
        [`members[${index}].photoAt`]: '',
        [`members[${index}].left`]: left,
        [`members[${index}].timer`]: timerText(left, startedAt),
        [`members[${index}].early`]: false,
      })
      this.startTicking()
    },

    /** Refresh the minutes left on running timers; only changed cards are sent to the view. */
    tick() {
      const now = Date.now()
      const changes: Record<string, unknown> = {}
      this.data.members.forEach((c, i) => {
        if (!c.startedAt || c.photoAt) return
        const left = minutesLeft(c.startedAt, now)
        if (left !== c.left || !c.timer) {
          changes[`members[${i}].left`] = left
          changes[`members[${i}].timer`] = timerText(left, c.startedAt)
        }
      })
      if (Object.keys(changes).length) this.setData(changes)
      if (!this.data.members.some((c) => c.left > 0)) this.stopTicking()
    },

    startTicking() {
      const s = store(this)
      if (s.ticker || !this.data.members.some((c) => c.left > 0)) return
      s.ticker = setInterval(() => this.tick(), TICK_MS)
    },

    stopTicking() {
      const s = store(this)
      if (s.ticker) clearInterval(s.ticker)
      s.ticker = 0
    },

    async onPhoto(e: WechatMiniprogram.TouchEvent) {
      const { index } = e.currentTarget.dataset as { index: number }
      const card = this.data.members[index]
      if (!card || card.uploading || !this.editable()) return
      const left = card.startedAt ? minutesLeft(card.startedAt, Date.now()) : 0
      if (left > 0) {
        const go = await confirm(
          `还没到${READ_TIME_MINUTES}分钟`,
          `试剂要等满 ${READ_TIME_MINUTES} 分钟才能看准，现在还剩 ${left} 分钟。太早拍照，可能把阳性看成阴性。`,
          '现在拍',
          '再等等',
        )
        if (!go) return
      }
      const at = `members[${index}]`
      let taken: { path: string; takenAt: number } | null
      try {
        taken = await takePhoto()
      } catch (err) {
        this.setData({ [`${at}.error`]: err instanceof PhotoError ? err.message : '没有打开相机，请再试一次' })
        return
      }
      if (!taken) return
      this.setData({ [`${at}.uploading`]: true, [`${at}.error`]: '' })
      try {
        const photo = await preparePhoto(taken)
        const path = photoCloudPath(this.data.roundId, this.data.householdId, card.memberId)
        const fileID = await uploadPhoto(path, photo.path)
        const photoAt = new Date(photo.takenAt).toISOString()
        const upload: Upload = { fileID, size: photo.size, path: photo.path, photoAt }
        store(this).uploads[card.memberId] = upload
        // Kept on the phone: leaving the page, or editing later, does not mean taking the photo again.
        saveDraft(this.data.roundId, this.data.householdId, card.memberId, { photo: upload })
        this.setData({
          [`${at}.photoPath`]: photo.path,
          [`${at}.photoNote`]: `已上传 · ${photoSizeText(photo.size)}`,
          [`${at}.photoAt`]: photoAt,
          [`${at}.early`]: isEarly(card.startedAt, photoAt),
          [`${at}.left`]: 0,
          [`${at}.timer`]: '',
        })
      } catch (err) {
        this.setData({
          [`${at}.error`]: err instanceof PhotoError ? err.message : '照片没有上传成功，请重新拍摄',
        })
      } finally {
        this.setData({ [`${at}.uploading`]: false })
        this.tick()
      }
    },

    onPreview(e: WechatMiniprogram.TouchEvent) {
      const { url } = e.currentTarget.dataset as { url: string }
      if (url) wx.previewImage({ urls: [url], current: url })
    },

    /** Per card: what is still missing. Empty when every member is ready to send. */
    problems(): Record<number, string> {
      const s = store(this)
      const found: Record<number, string> = {}
      this.data.members.forEach((c, i) => {
        if (!c.result) found[i] = '请选择这一位的检测结果'
        else if (c.result === 'untested') {
          if (!reasonOf(c)) found[i] = '请选择或填写没有检测的原因'
        } else if (c.uploading) found[i] = '照片还在上传，请稍候'
        else if (!s.uploads[c.memberId])
          // Submitted from another phone (or by the lead): the stored photo cannot be sent again from here.
          found[i] = s.answered[c.memberId] ? '修改结果需要重新拍一张试剂照片' : '请拍一张试剂照片'
      })
      return found
    },

    payload(): MemberResultInput[] {
      const s = store(this)
      return this.data.members.map((c): MemberResultInput => {
        const result = c.result as AntigenResult
        if (result === 'untested') return { memberId: c.memberId, result, reason: reasonOf(c) }
        const upload = s.uploads[c.memberId]
        return {
          memberId: c.memberId,
          result,
          ...(upload ? { photo: upload.fileID, photoSize: upload.size } : {}),
          ...(c.startedAt ? { startedAt: c.startedAt } : {}),
          ...(c.photoAt ? { photoAt: c.photoAt } : {}),
        }
      })
    },

    onSubmit() {
      if (!this.editable()) return
      const found = this.problems()
      const count = Object.keys(found).length
      const errors = Object.fromEntries(this.data.members.map((_, i) => [`members[${i}].error`, found[i] ?? '']))
      if (count) {
        this.setData({ ...errors, formError: `还有 ${count} 位没有填好，请看红色提示` })
        return
      }
      const d = this.data
      if (d.needConsent && !(d.consent.state === 'ready' && d.consent.checked)) {
        this.setData({
          ...errors,
          formError: '',
          'consent.error': d.consent.state === 'ready' ? '请阅读并勾选同意健康信息授权后再提交' : '',
        })
        return
      }
      // Inside the tap, before any await: WeChat shows the subscription dialog only then (one request per tap).
      // Accepting lets the lead's 「提醒未报」 reach this household next time instead of a phone call, and tells them
      // when the next round opens.
      const asked = d.head.proxy
        ? Promise.resolve<string[]>([])
        : askSubscribe([TEMPLATES.antigenReminder, TEMPLATES.roundOpened])
      this.setData({ ...errors, submitting: true, formError: '' })
      void asked.then((accepted) => this.submit(accepted.includes(TEMPLATES.roundOpened)))
    },

    async submit(roundNotices = false) {
      const d = this.data
      try {
        if (d.needConsent) {
          rememberConsent(
            await call(
              'community',
              'giveConsent',
              { kind: 'health', version: d.consent.version },
              { silent: true, retries: 2 },
            ),
          )
          this.setData({ needConsent: false })
        }
        const view = await call(
          'antigen',
          'submit',
          { roundId: d.roundId, householdId: d.householdId, members: this.payload() },
          // A submission is idempotent (the household's one waiting document), so a failed network is tried again.
          { silent: true, retries: 2 },
        )
        this.show(view, d.head.proxy)
        toast(view.no ? `第 ${view.no} 位` : '已提交')
        // 开轮提醒 for this community, as the home page's entry does; a failure here does not undo the submission.
        if (roundNotices)
          call('antigen', 'subscribeRounds', { communityId: view.round.communityId }, { silent: true }).catch(() => {})
      } catch (err) {
        this.failed(err)
      } finally {
        this.setData({ submitting: false })
      }
    },

    failed(err: unknown) {
      if (!(err instanceof CloudError)) {
        this.setData({ formError: '提交没有成功，请稍后再试' })
        return
      }
      const changes: Record<string, unknown> = { formError: err.message }
      switch (err.code) {
        case 'HEALTH_CONSENT_REQUIRED':
        case 'CONSENT_OUTDATED':
        case 'CONSENT_REQUIRED':
          changes.needConsent = true
          void this.loadConsent()
          break
        case 'ROUND_CLOSED':
          changes.closed = true
          break
        case 'BUILDING_CONFIRMED':
          changes.locked = true
          break
        default: {
          const index = FIELD_MEMBER.exec(err.field ?? '')?.[1]
          if (index !== undefined && this.data.members[Number(index)]) {
            changes[`members[${index}].error`] = err.message
          }
        }
      }
      this.setData(changes)
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
