// 登记到货 at the gate: a photo if wanted, then one of two huge buttons, 数量齐全 or 数量不足 (with what is short);
// recordArrival starts the disinfection and rest.
import type { ArrivalCheck } from '../../../typings/api'
import { call, CloudError } from '../../services/cloud'
import { currentMe } from '../../services/session'
import { toast } from '../../utils/dialog'
import { formatTime } from '../../utils/format'
import { pageStore } from '../../utils/store'
import { choosePhoto, PhotoError, photoFolder, uploadPhoto } from '../utils/photos'

type LoadState = 'loading' | 'ready' | 'error'

const store = pageStore(() => ({ communityId: '', openid: '', uploaded: {} as Record<string, string> }))

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    deliveryId: '',
    title: '',
    arrived: '',
    photo: '',
    short: false,
    note: '',
    formError: '',
    busy: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ deliveryId: query.id ?? '' })
      void this.load()
    },

    async load() {
      const { deliveryId } = this.data
      if (!deliveryId) {
        this.setData({ state: 'error', errorMessage: '没有指定配送，请从「配送看板」进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const [board, me] = await Promise.all([
          call('delivery', 'board', { deliveryId }, { silent: true }),
          currentMe(),
        ])
        const s = store(this)
        s.communityId = board.delivery.communityId
        s.openid = me.openid
        const a = board.arrival
        this.setData({
          state: 'ready',
          title: board.delivery.title,
          arrived: a ? `${formatTime(a.at)} ${a.byName} 已登记到货` : '',
        })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    onRetry() {
      void this.load()
    },

    async onPhoto() {
      try {
        const path = await choosePhoto()
        if (path) this.setData({ photo: path, formError: '' })
      } catch (err) {
        this.setData({ formError: err instanceof PhotoError ? err.message : '没有拍到照片，请再试一次' })
      }
    },

    onRemovePhoto() {
      this.setData({ photo: '' })
    },

    onFull() {
      void this.submit('full')
    },

    onShort() {
      this.setData({ short: true, formError: '' })
    },

    onNote(e: WechatMiniprogram.Input) {
      this.setData({ note: e.detail.value, formError: '' })
    },

    onSubmitShort() {
      if (!this.data.note.trim()) {
        this.setData({ formError: '请写明少了什么，如「少了 20 袋米」' })
        return
      }
      void this.submit('short')
    },

    async submit(check: ArrivalCheck) {
      if (this.data.busy) return
      this.setData({ busy: true, formError: '' })
      const s = store(this)
      try {
        let photo: string | undefined
        const path = this.data.photo
        if (path) {
          s.uploaded[path] ||= await uploadPhoto(photoFolder(s.communityId, s.openid), path, 'arrival')
          photo = s.uploaded[path]
        }
        const note = this.data.note.trim()
        await call(
          'delivery',
          'recordArrival',
          {
            deliveryId: this.data.deliveryId,
            check,
            ...(check === 'short' && note ? { note: note.slice(0, 200) } : {}),
            ...(photo ? { photo } : {}),
          },
          { retries: 2 },
        )
        toast('已登记到货')
        wx.navigateBack({
          fail: () => wx.redirectTo({ url: `/packageDelivery/pages/board?id=${this.data.deliveryId}` }),
        })
      } catch (err) {
        if (err instanceof PhotoError) this.setData({ formError: err.message })
        // a refusal is shown in a dialog
      } finally {
        this.setData({ busy: false })
      }
    },
  },
})
