// Joining a household: the QR-code landing page. Invite code → which building → room and name → consents → wait
// for the building lead to approve.
import type { ConsentText, ErrorCode } from '../../../typings/api'
import { TEMPLATES } from '../../config'
import { call, CloudError, showError } from '../../services/cloud'
import { askSubscribe, refreshMe } from '../../services/session'
import { codeFromScan, formatDateTime, isInviteCode, normaliseCode, spacedCode } from '../../utils/format'
import { JOIN_STATUS_LABELS } from '../../utils/labels'
import { ensurePrivacy } from '../../services/privacy'

type Step = 'code' | 'form' | 'pending'
type Field = 'code' | 'room' | 'name' | 'personalConsent' | 'healthConsent'
type Errors = Record<Field, string>

const FIELDS: Field[] = ['code', 'room', 'name', 'personalConsent', 'healthConsent']

/** Where an error belongs when the function names no field. */
const FIELD_BY_CODE: Partial<Record<ErrorCode, Field>> = {
  INVITE_INVALID: 'code',
  INVITE_EXPIRED: 'code',
  INVITE_USED_UP: 'code',
  ROOM_NOT_FOUND: 'room',
  // One answer for a room that does not exist, a name not in it, or a member linked to someone else.
  NAME_MISMATCH: 'name',
  // Too many failed tries: the function names the field (code or name); the message says until when.
  RATE_LIMITED: 'code',
  CONSENT_REQUIRED: 'personalConsent',
  CONSENT_OUTDATED: 'personalConsent',
}

/** A scanned code or a link that holds no invite code. */
const NOT_AN_INVITE = '这不是邀请码的二维码。请扫楼组长给的小程序码，或直接输入 8 位邀请码'

const noErrors = (): Errors => ({ code: '', room: '', name: '', personalConsent: '', healthConsent: '' })

interface ConsentRow {
  title: string
  text: string
  version: string
}

const consentRow = (c: ConsentText): ConsentRow => ({ title: c.title, text: c.text, version: c.version })

function fieldOf(err: CloudError): Field | undefined {
  if (err.field && (FIELDS as string[]).includes(err.field)) return err.field as Field
  return FIELD_BY_CODE[err.code]
}

Component({
  data: {
    step: 'code' as Step,
    code: '',
    codeSpaced: '',
    checking: false,
    invite: { place: '', expires: '', room: '' },
    room: '',
    roomLocked: false,
    name: '',
    asProxy: false,
    personal: { title: '', text: '', version: '' } as ConsentRow,
    health: { title: '', text: '', version: '' } as ConsentRow,
    personalChecked: false,
    healthChecked: false,
    consentState: 'loading' as 'loading' | 'ready' | 'error',
    consentError: '',
    submitting: false,
    errors: noErrors(),
    request: { label: '', name: '', status: '', time: '' },
    /** Set when the link named the community: the code must belong to it. */
    communityId: '',
  },
  methods: {
    /**
     * Opened by a 小程序码 (`query.scene`: the invite code, URL-encoded), a share card or a link (`query.code`), or from
     * the home page with nothing: the code, when there is one, is checked at once as a typed one would be.
     */
    onLoad(query: Record<string, string | undefined>) {
      const raw = query.code ?? query.scene
      const code = codeFromScan(raw)
      this.setData({ communityId: query.communityId ?? '', code })
      void this.loadConsents()
      if (code) void this.preview()
      else if (raw) this.setData({ 'errors.code': NOT_AN_INVITE })
    },

    async loadConsents() {
      this.setData({ consentState: 'loading', consentError: '' })
      try {
        const [personal, health] = await Promise.all([
          call('community', 'consentText', { kind: 'personal' }, { silent: true }),
          call('community', 'consentText', { kind: 'health' }, { silent: true }),
        ])
        this.setData({ consentState: 'ready', personal: consentRow(personal), health: consentRow(health) })
      } catch (err) {
        this.setData({
          consentState: 'error',
          consentError: err instanceof CloudError ? err.message : '授权说明没有加载成功',
        })
      }
    },

    onCodeInput(e: WechatMiniprogram.Input) {
      const code = normaliseCode(e.detail.value)
      this.setData({ code, 'errors.code': '' })
      return code
    },

    async onScan() {
      // Scanning opens the camera: the privacy authorisation comes first; declining leaves typing the code.
      if (!(await ensurePrivacy())) {
        this.setData({ 'errors.code': '没有同意隐私保护指引，不能扫码；您也可以直接输入邀请码' })
        return
      }
      wx.scanCode({
        scanType: ['qrCode', 'barCode'],
        success: (res) => {
          // A 小程序码 gives its page and scene in `path`; another QR code only its text in `result`.
          const code = codeFromScan(res.path || res.result)
          if (!code) {
            this.setData({ 'errors.code': NOT_AN_INVITE })
            return
          }
          this.setData({ code, 'errors.code': '' })
          void this.preview()
        },
        // Cancelling the camera is not an error; typing the code still works.
        fail: () => undefined,
      })
    },

    async preview() {
      const code = this.data.code
      if (!isInviteCode(code)) {
        this.setData({ 'errors.code': '请输入 8 位邀请码（字母和数字），可以向楼组长索取' })
        return
      }
      if (this.data.checking) return
      this.setData({ checking: true, 'errors.code': '' })
      try {
        const invite = await call('community', 'previewInvite', { code }, { silent: true })
        this.setData({
          step: 'form',
          codeSpaced: spacedCode(code),
          invite: {
            place: `${invite.communityName} · ${invite.buildingName}`,
            expires: formatDateTime(invite.expiresAt),
            room: invite.room ?? '',
          },
          room: invite.room ?? this.data.room,
          roomLocked: Boolean(invite.room),
          errors: noErrors(),
        })
      } catch (err) {
        this.setData({ 'errors.code': err instanceof CloudError ? err.message : '邀请码没有核对成功，请再试一次' })
      } finally {
        this.setData({ checking: false })
      }
    },

    onPreview() {
      void this.preview()
    },

    onChangeCode() {
      this.setData({ step: 'code', code: '', roomLocked: false, errors: noErrors() })
    },

    onRoomInput(e: WechatMiniprogram.Input) {
      this.setData({ room: e.detail.value, 'errors.room': '' })
    },

    onNameInput(e: WechatMiniprogram.Input) {
      this.setData({ name: e.detail.value, 'errors.name': '' })
    },

    onProxyToggle() {
      this.setData({ asProxy: !this.data.asProxy, 'errors.name': '' })
    },

    onPersonalChange(e: WechatMiniprogram.CustomEvent<{ checked: boolean }>) {
      this.setData({ personalChecked: e.detail.checked, 'errors.personalConsent': '' })
    },

    onHealthChange(e: WechatMiniprogram.CustomEvent<{ checked: boolean }>) {
      this.setData({ healthChecked: e.detail.checked, 'errors.healthConsent': '' })
    },

    /** Problems the user can fix before anything is sent. */
    check(): Errors {
      const errors = noErrors()
      if (!this.data.room.trim()) errors.room = '请填写房号，例如 201'
      if (!this.data.name.trim()) errors.name = this.data.asProxy ? '请填写您自己的姓名' : '请填写您的姓名'
      if (this.data.consentState !== 'ready') errors.personalConsent = '授权说明还没有加载，请稍候或点「重试」'
      else if (!this.data.personalChecked) errors.personalConsent = '请阅读并勾选「同意个人信息授权」后再提交'
      return errors
    },

    onSubmit() {
      if (this.data.submitting) return
      const errors = this.check()
      if (FIELDS.some((f) => errors[f])) {
        this.setData({ errors })
        return
      }
      // Inside the tap, before any await: WeChat shows the subscription dialog only then.
      const subscribed = askSubscribe([TEMPLATES.joinResult])
      this.setData({ submitting: true, errors })
      void subscribed.then(() => this.submit())
    },

    async submit() {
      const d = this.data
      try {
        const request = await call(
          'community',
          'requestJoin',
          {
            code: d.code,
            room: d.room.trim(),
            name: d.name.trim(),
            asProxy: d.asProxy,
            personalConsent: d.personal.version,
            ...(d.healthChecked ? { healthConsent: d.health.version } : {}),
            ...(d.communityId ? { communityId: d.communityId } : {}),
          },
          { silent: true },
        )
        this.setData({
          step: 'pending',
          request: {
            label: request.label,
            name: `${request.name}${request.asProxy ? '（代管）' : ''}`,
            status: JOIN_STATUS_LABELS[request.status],
            time: formatDateTime(request.createdAt),
          },
        })
        refreshMe().catch(() => undefined)
      } catch (err) {
        this.showSubmitError(err)
      } finally {
        this.setData({ submitting: false })
      }
    },

    showSubmitError(err: unknown) {
      if (!(err instanceof CloudError)) {
        showError(new CloudError('INTERNAL', '提交没有成功，请再试一次'))
        return
      }
      const field = fieldOf(err)
      if (err.code === 'CONSENT_OUTDATED') {
        // The text changed since the page loaded: show the new one and ask again.
        this.setData({ personalChecked: false, healthChecked: false })
        void this.loadConsents()
      }
      if (field) this.setData({ [`errors.${field}`]: err.message })
      else showError(err)
    },

    onDone() {
      wx.reLaunch({ url: '/pages/index/index' })
    },
  },
})
