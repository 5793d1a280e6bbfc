import type { ClosingStatus, RetentionSchedule } from '../../typings/api'
import { community, fail, ok, sent } from '../support/pages/fixtures'
import { fakeCloud, fire, mount, settleAll, tap, text, texts, type } from '../support/pages/harness'
import { phoneFiles, USER_DATA_PATH } from '../support/pages/documents'

const PAGE = 'packageCommittee/pages/retention'
const q = { communityId: 'c_sunny' }

function schedule(partial: Partial<RetentionSchedule> = {}): RetentionSchedule {
  return {
    communityId: 'c_sunny',
    settings: {
      photoRetentionDays: 14,
      resultRetentionDays: 30,
      closingDeletionDays: 30,
      followUpEscalateMinutes: 30,
      orderRetentionDays: 30,
    },
    items: [
      {
        kind: 'kitPhotos',
        label: '试剂照片',
        rule: '每轮检测结束 14 天后删除，检测结果仍保留',
        days: 14,
        unit: '户次',
        due: [{ date: '2026-12-08', count: 106 }],
        overdue: 3,
        waiting: 40,
        failed: 2,
      },
      {
        kind: 'exports',
        label: '导出的表格',
        rule: '导出 1 天后删除',
        days: 1,
        unit: '个文件',
        due: [],
        overdue: 0,
        failed: 0,
      },
      {
        kind: 'buyOrders',
        label: '团购订单上的下单人和备注',
        rule: '团购结束 30 天后删除订单上的下单人和备注、导入的姓名电话，只保留房号、商品、金额和付款记录',
        days: 30,
        unit: '单',
        due: [{ date: '2026-12-24', count: 3 }],
        overdue: 0,
        waiting: 12,
        failed: 0,
      },
    ],
    ...partial,
  }
}

function status(partial: Partial<ClosingStatus> = {}): ClosingStatus {
  return {
    communityId: 'c_sunny',
    communityName: '阳光小区',
    state: 'open',
    closingDeletionDays: 30,
    handover: [],
    remaining: {
      households: 106,
      people: 246,
      roles: 120,
      joinRequests: 3,
      invites: 2,
      consents: 200,
      roundsWithResults: 4,
      exports: 1,
      uploads: 0,
      failedFiles: 0,
    },
    ...partial,
  }
}

const CLOSED = status({
  state: 'closing',
  closedAt: '2026-11-24T02:00:00.000Z',
  deleteAfter: '2026-12-24T02:00:00.000Z',
  handover: [
    {
      kind: 'ledger',
      fileName: '阳光小区住户台账-移交-20261124.xlsx',
      fileID: 'cloud://env/exports/ledger.xlsx',
      tempFileURL: 'https://tmp/ledger.xlsx',
      createdAt: '2026-11-24T02:00:00.000Z',
      expiresAt: '2026-12-24T02:00:00.000Z',
    },
  ],
})

function answerModal(confirm: boolean) {
  return jest.spyOn(wx, 'showModal').mockImplementation(((opts: WechatMiniprogram.ShowModalOption) => {
    opts.success?.({ confirm, cancel: !confirm, content: '', errMsg: 'showModal:ok' })
  }) as never)
}

describe('data kept and ending the service', () => {
  let modal: jest.SpyInstance | undefined
  afterEach(() => modal?.mockRestore())

  it('shows each kind of data, its period, the next deletions and the failed ones', async () => {
    community({ retentionSchedule: () => ok(schedule()), closingStatus: () => ok(status()) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sent('retentionSchedule')).toEqual([q])
    expect(text(comp, '#head')).toContain('阳光小区 数据保存')
    expect(texts(comp, '#item-kitPhotos .due')).toEqual([
      '已到期 3 户次，下次定时清理时删除',
      '12月8日 删除 106 户次',
      '进行中的 40 户次：检测结束后开始计算',
    ])
    expect(text(comp, '#item-kitPhotos .failed')).toBe('2 个文件删除失败，系统会自动重试，直到删除为止')
    expect(texts(comp, '#item-exports .due')).toEqual(['目前没有要删除的'])
    expect(comp.querySelector('#item-exports .failed')).toBeUndefined()
    // A group buy's orders wait for the buy to end, not for a round.
    expect(text(comp, '#item-buyOrders')).toContain('团购结束 30 天后删除订单上的下单人和备注')
    expect(texts(comp, '#item-buyOrders .due')).toEqual(['12月24日 删除 3 单', '进行中的 12 单：团购结束后开始计算'])
    expect(comp.data.photoText).toBe('14')
    expect(comp.data.orderText).toBe('30')
  })

  it('saves the periods, and shows the function’s refusal next to them', async () => {
    let saved = 0
    community({
      retentionSchedule: () => ok(schedule()),
      closingStatus: () => ok(status()),
      setRetention: (p) =>
        (p.photoRetentionDays ?? 0) > (p.resultRetentionDays ?? 0)
          ? fail('INVALID_INPUT', '试剂照片不能比检测名单保存得更久（检测名单保存 10 天）', 'photoRetentionDays')
          : (saved++,
            ok({
              photoRetentionDays: 7,
              resultRetentionDays: 20,
              closingDeletionDays: 30,
              followUpEscalateMinutes: 30,
              orderRetentionDays: 30,
            })),
    })
    const comp = mount(PAGE, q)
    await settleAll()
    await type(comp, '0', '#photo-input')
    await tap(comp, '#save-settings')
    expect(text(comp, '#settings-error')).toBe('请填写天数（整数，至少 1 天）')
    expect(sent('setRetention')).toEqual([])

    await type(comp, '20', '#photo-input')
    await type(comp, '10', '#result-input')
    await tap(comp, '#save-settings')
    expect(text(comp, '#settings-error')).toContain('试剂照片不能比检测名单保存得更久')

    await type(comp, '7', '#photo-input')
    await type(comp, '20', '#result-input')
    await type(comp, '3', '#escalate-input')
    await tap(comp, '#save-settings')
    expect(text(comp, '#settings-error')).toBe('异常上报时间请填写 5 到 240 之间的整数分钟')
    await type(comp, '15', '#escalate-input')
    await tap(comp, '#save-settings')
    expect(saved).toBe(1)
    expect(sent('setRetention').at(-1)).toEqual({
      communityId: 'c_sunny',
      photoRetentionDays: 7,
      resultRetentionDays: 20,
      closingDeletionDays: 30,
      orderRetentionDays: 30,
      followUpEscalateMinutes: 15,
    })
  })

  it('saves the group-buy order period with the others, and shows the function’s refusal of one out of range', async () => {
    community({
      retentionSchedule: () => ok(schedule()),
      closingStatus: () => ok(status()),
      setRetention: (p) =>
        (p.orderRetentionDays ?? 0) > 90
          ? fail('INVALID_INPUT', '团购订单保存天数最多 90 天', 'orderRetentionDays')
          : ok({ ...schedule().settings, orderRetentionDays: p.orderRetentionDays ?? 30 }),
    })
    const comp = mount(PAGE, q)
    await settleAll()
    for (const bad of ['0', '1.5', '']) {
      await type(comp, bad, '#order-input')
      await tap(comp, '#save-settings')
      expect(text(comp, '#settings-error')).toBe('请填写天数（整数，至少 1 天）')
    }
    expect(sent('setRetention')).toEqual([])

    await type(comp, '91', '#order-input')
    await tap(comp, '#save-settings')
    expect(text(comp, '#settings-error')).toBe('团购订单保存天数最多 90 天')

    await type(comp, '7', '#order-input')
    expect(comp.querySelector('#settings-error')).toBeUndefined()
    await tap(comp, '#save-settings')
    expect(sent('setRetention').at(-1)).toEqual({
      communityId: 'c_sunny',
      photoRetentionDays: 14,
      resultRetentionDays: 30,
      closingDeletionDays: 30,
      orderRetentionDays: 7,
      followUpEscalateMinutes: 30,
    })
    expect(sent('retentionSchedule')).toHaveLength(2)
  })

  it('closes only with the name typed and the dialog confirmed, then shows the hand-over and what is left', async () => {
    let closed = false
    community({
      retentionSchedule: () => ok(schedule()),
      closingStatus: () => ok(closed ? CLOSED : status()),
      closeCommunity: () => {
        closed = true
        return ok(CLOSED)
      },
    })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(comp.data.closeReady).toBe(false)
    await type(comp, '阳光', '#confirm-input')
    await tap(comp, '#close-button')
    expect(sent('closeCommunity')).toEqual([])

    await type(comp, '阳光小区', '#confirm-input')
    expect(comp.data.closeReady).toBe(true)
    modal = answerModal(false)
    await tap(comp, '#close-button')
    expect(sent('closeCommunity')).toEqual([])
    modal.mockRestore()

    modal = answerModal(true)
    await tap(comp, '#close-button')
    expect(sent('closeCommunity')).toEqual([{ communityId: 'c_sunny', confirm: '阳光小区' }])
    expect(text(comp, '#state')).toBe('已停止使用，个人信息保留到移交完成')
    expect(text(comp, '#delete-at')).toBe('12月24日 10:00 起删除全部个人信息')
    expect(text(comp, '#files')).toContain('阳光小区住户台账-移交-20261124.xlsx')
    expect(text(comp, '#files')).toContain('保留到 12月24日 10:00')
    expect(texts(comp, '#remaining .due')[0]).toBe('106 户 246 人的住户信息')
    expect(comp.querySelector('#settings')).toBeUndefined()
    expect(comp.querySelector('#close-button')).toBeUndefined()
  })

  it('opens a hand-over file by its fileID under its own name', async () => {
    community({ retentionSchedule: () => ok(schedule()), closingStatus: () => ok(CLOSED) })
    const phone = phoneFiles()
    const download = jest.spyOn(wx, 'downloadFile')
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#open-0')
    await settleAll()
    expect(fakeCloud.downloads).toEqual([CLOSED.handover[0]?.fileID])
    expect(download).not.toHaveBeenCalled()
    expect(phone.opened).toEqual([
      { filePath: `${USER_DATA_PATH}/exports/${CLOSED.handover[0]?.fileName}`, fileType: 'xlsx', showMenu: true },
    ])
    download.mockRestore()
    phone.restore()
  })

  it('shows the error and retries', async () => {
    let broken = true
    community({
      retentionSchedule: () => (broken ? fail('FORBIDDEN', '您没有权限进行此操作') : ok(schedule())),
      closingStatus: () => ok(status()),
    })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#error')).toContain('您没有权限进行此操作')
    broken = false
    await fire(comp, 'action', {}, '#error')
    expect(comp.data.state).toBe('ready')
  })
})
