// The committee's retention page (packageCommittee/pages/retention): the needs' period, shown once the schedule has
// one, saved with the others and refused out of range; and the needs' row of the schedule.
import type { ClosingStatus, RetentionSchedule } from '../../typings/api'
import { community, fail, ok, sent } from '../support/pages/fixtures'
import { find, mount, settleAll, tap, text, type } from '../support/pages/harness'

const PAGE = 'packageCommittee/pages/retention'
const q = { communityId: 'c_sunny' }

const settings = {
  photoRetentionDays: 14,
  resultRetentionDays: 30,
  closingDeletionDays: 30,
  followUpEscalateMinutes: 30,
  orderRetentionDays: 30,
}

function schedule(needRetentionDays?: number): RetentionSchedule {
  return {
    communityId: 'c_sunny',
    settings: { ...settings, ...(needRetentionDays === undefined ? {} : { needRetentionDays }) },
    items: [
      {
        kind: 'needs',
        label: '需求登记的内容',
        rule: '需求办结或取消 30 天后删除需求说明、药品和照片、外出原因、办理说明和经办人姓名，只保留类型、状态、楼栋和时间',
        days: 30,
        unit: '条',
        due: [{ date: '2026-12-20', count: 12 }],
        overdue: 0,
        failed: 0,
      },
    ],
  }
}

const status = (): ClosingStatus => ({
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
})

describe('the needs’ period on the retention page', () => {
  it('shows the needs’ row and saves their period with the others, refusing one out of range', async () => {
    community({
      retentionSchedule: () => ok(schedule(30)),
      closingStatus: () => ok(status()),
      setRetention: (p) =>
        (p.needRetentionDays ?? 0) > 90
          ? fail('INVALID_INPUT', '需求内容保存天数最多 90 天', 'needRetentionDays')
          : ok({ ...settings, needRetentionDays: p.needRetentionDays ?? 30 }),
    })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#item-needs')).toContain('需求登记的内容')
    await type(comp, '120', '#need-input')
    await tap(comp, '#save-settings')
    expect(text(comp, '#settings-error')).toBe('需求内容保存天数最多 90 天')
    await type(comp, '7', '#need-input')
    await tap(comp, '#save-settings')
    expect(sent('setRetention').at(-1)).toMatchObject({ communityId: 'c_sunny', needRetentionDays: 7 })
  })

  it('shows no needs field, and sends none, when the schedule has no needs’ period', async () => {
    community({
      retentionSchedule: () => ok(schedule()),
      closingStatus: () => ok(status()),
      setRetention: () => ok(settings),
    })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(find(comp, '#need-input')).toBeUndefined()
    await tap(comp, '#save-settings')
    expect(sent('setRetention').at(-1)).not.toHaveProperty('needRetentionDays')
  })
})
