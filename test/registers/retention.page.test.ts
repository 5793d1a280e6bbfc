// The committee's 数据保存 page lists the registers: kept while the community uses the service.
import type { ClosingStatus, RetentionSchedule } from '../../typings/api'
import { community, ok } from '../support/pages/fixtures'
import { mount, settleAll, text, texts } from '../support/pages/harness'

const schedule: RetentionSchedule = {
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
      kind: 'registers',
      label: '民生底账登记',
      rule: '保存到社区停止使用（停止 30 天后删除）；本人在「我的数据」中删除时，登记了本人的条目一并删除',
      days: 30,
      unit: '条',
      due: [],
      overdue: 0,
      waiting: 177,
      failed: 0,
    },
  ],
}

const open: ClosingStatus = {
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
}

describe('the registers in the retention schedule', () => {
  it('says the entries are kept until the community stops using the service', async () => {
    community({
      retentionSchedule: () => ok(schedule),
      closingStatus: () => ok(open),
    })
    const comp = mount('packageCommittee/pages/retention', { communityId: 'c_sunny' })
    await settleAll()
    expect(text(comp, '#item-registers')).toContain('民生底账登记')
    expect(text(comp, '#item-registers')).toContain('保存到社区停止使用（停止 30 天后删除）')
    expect(texts(comp, '#item-registers .due')).toEqual(['进行中的 177 条：保存到社区停止使用'])
  })
})
