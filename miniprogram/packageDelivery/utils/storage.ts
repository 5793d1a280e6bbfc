// The phone's storage as the outbox keeps its marks (it survives the page closing and the app restarting).
import type { KeyValue } from './outbox'

export const wxStorage: KeyValue = {
  get: (key) => wx.getStorageSync(key),
  set: (key, value) => wx.setStorageSync(key, value),
  remove: (key) => wx.removeStorageSync(key),
}
