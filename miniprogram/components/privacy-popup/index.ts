// The privacy prompt WeChat asks for before the camera, album, clipboard or files: the guideline's summary, a link to
// the full text, 不同意 and WeChat's own 同意 button. Shown only while WeChat holds a call for the user's answer.
import { AGREE_BUTTON_ID, agreePrivacy, disagreePrivacy, watchPrivacy } from '../../services/privacy'

Component({
  options: { styleIsolation: 'apply-shared' },
  data: { shown: false, agreeId: AGREE_BUTTON_ID },
  lifetimes: {
    attached() {
      const self = this as unknown as { unwatch?: () => void }
      self.unwatch = watchPrivacy((shown) => this.setData({ shown }))
    },
    detached() {
      ;(this as unknown as { unwatch?: () => void }).unwatch?.()
    },
  },
  methods: {
    onOpenContract() {
      wx.openPrivacyContract({ fail: () => undefined })
    },
    onAgree() {
      agreePrivacy()
    },
    onDisagree() {
      disagreePrivacy()
    },
  },
})
