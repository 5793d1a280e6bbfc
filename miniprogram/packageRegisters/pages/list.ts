// The registers of a community (民生底账) with how many entries and needs the caller's subtree holds; the committee
// installs the starter set with one tap and defines new registers. A tap opens a register.
import type { RegisterListView } from '../../../typings/api'
import { CloudError, showError } from '../../services/cloud'
import { openPage } from '../../utils/nav'
import { toast } from '../../utils/dialog'
import { registers } from '../utils/api'

type LoadState = 'loading' | 'ready' | 'error'

const row = (r: RegisterListView['registers'][number]) => ({
  id: r.type.id,
  name: r.type.name,
  description: r.type.description,
  count: `${r.entries} 条登记${r.type.needType ? ` · ${r.needs} 条需求` : ''}`,
})

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    communityId: '',
    rows: [] as ReturnType<typeof row>[],
    canManage: false,
    starterMissing: 0,
    installing: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ communityId: query.communityId ?? '' })
      void this.load()
    },

    async load() {
      const { communityId } = this.data
      if (!communityId) {
        this.setData({ state: 'error', errorMessage: '没有指定社区，请从首页进入' })
        return
      }
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const view = await registers('listRegisters', { communityId }, { silent: true })
        this.setData({
          state: 'ready',
          rows: view.registers.map(row),
          canManage: view.canManage,
          starterMissing: view.starterMissing,
        })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    onRetry() {
      void this.load()
    },

    async onInstall() {
      if (this.data.installing) return
      this.setData({ installing: true })
      try {
        const res = await registers('installStarterSet', { communityId: this.data.communityId }, { retries: 2 })
        toast(res.installed ? `已添加 ${res.installed} 个底账` : '常用底账都已添加')
        await this.load()
      } catch (err) {
        if (!(err instanceof CloudError)) showError(new CloudError('INTERNAL', '添加失败，请稍后再试'))
      } finally {
        this.setData({ installing: false })
      }
    },

    onOpen(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      if (id) openPage(`/packageRegisters/pages/entries?typeId=${id}&communityId=${this.data.communityId}`)
    },

    onNewType() {
      openPage(`/packageRegisters/pages/types?communityId=${this.data.communityId}`)
    },

    onShow() {
      if (this.data.state === 'ready') void this.load()
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
