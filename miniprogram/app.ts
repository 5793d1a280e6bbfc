import { CLOUD_ENV } from './config'
import { installPrivacyHandler } from './services/privacy'

App<IAppOption>({
  globalData: {},
  onLaunch() {
    installPrivacyHandler()
    if (!wx.cloud) {
      wx.showModal({ title: '提示', content: '请将微信更新到最新版本后再使用', showCancel: false })
      return
    }
    wx.cloud.init({ ...(CLOUD_ENV ? { env: CLOUD_ENV } : {}), traceUser: true })
  },
})
