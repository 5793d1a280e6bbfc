// The needs' pure rules: time limits, levels and who stands at them, where a need starts and goes, take-overs,
// the queue's order and the day's counts.
import type { NeedLevel } from '../../typings/api'
import {
  alertsCommittee,
  DONE_MINUTES,
  doneDue,
  levelOf,
  mayTake,
  needRetentionDaysOf,
  nextLevel,
  peopleAtLevels,
  queueOrder,
  RESPONSE_MINUTES,
  responseDue,
  rollup,
  startLevel,
  type LevelRole,
} from '../../server/needs/rules'
import { NEED_TYPES, NEED_URGENCIES } from '../../miniprogram/shared/needs'

const place = { communityId: 'c1', groupId: 'g1', buildingId: 'b1' }
const at = new Date('2026-11-24T02:00:00Z') // 10:00 in Shanghai
const none = (): Record<NeedLevel, string[]> => ({ online: [], building: [], group: [], community: [], committee: [] })

describe('time limits', () => {
  it('gives every type and urgency a limit, shorter the more urgent, and more time to finish than to answer', () => {
    for (const type of NEED_TYPES) {
      const r = RESPONSE_MINUTES[type]
      const d = DONE_MINUTES[type]
      expect(r.urgent).toBeLessThan(r.soon)
      expect(r.soon).toBeLessThan(r.normal)
      for (const u of NEED_URGENCIES) expect(d[u]).toBeGreaterThan(r[u])
    }
    expect(RESPONSE_MINUTES.medical.urgent).toBe(5)
    expect(responseDue({ type: 'groceries', urgency: 'normal' }, at).getTime() - at.getTime()).toBe(240 * 60_000)
    expect(doneDue({ type: 'medical', urgency: 'urgent' }, at).getTime() - at.getTime()).toBe(60 * 60_000)
  })

  it('alerts the committee for urgent medical needs only', () => {
    expect(alertsCommittee({ type: 'medical', urgency: 'urgent' })).toBe(true)
    expect(alertsCommittee({ type: 'medical', urgency: 'soon' })).toBe(false)
    expect(alertsCommittee({ type: 'medicine', urgency: 'urgent' })).toBe(false)
  })
})

describe('levels', () => {
  const online = (shifts?: LevelRole['shifts'], posts = ['b1']): LevelRole => ({
    openid: 'v',
    role: 'volunteer',
    scope: { communityId: 'c1' },
    volunteerType: 'online',
    posts,
    ...(shifts ? { shifts } : {}),
  })

  it('puts a 云上 volunteer at the online level only on their posts and shifts', () => {
    expect(levelOf(online(), place, at)).toBe('online')
    expect(levelOf(online(undefined, ['b2']), place, at)).toBeUndefined()
    expect(levelOf(online([{ from: '20:00', to: '23:00' }]), place, at)).toBeUndefined()
    expect(levelOf({ ...online(), volunteerType: 'transport' }, place, at)).toBeUndefined()
    expect(levelOf({ ...online(), scope: { communityId: 'c2' } }, place, at)).toBeUndefined()
  })

  it('puts leads at their own level of their own place', () => {
    expect(levelOf({ role: 'buildingLead', scope: { communityId: 'c1', buildingId: 'b1' } }, place, at)).toBe(
      'building',
    )
    expect(levelOf({ role: 'buildingLead', scope: { communityId: 'c1', buildingId: 'b2' } }, place, at)).toBeUndefined()
    expect(levelOf({ role: 'floorLead', scope: { communityId: 'c1', buildingId: 'b1', floor: 2 } }, place, at)).toBe(
      undefined,
    )
    expect(levelOf({ role: 'groupLead', scope: { communityId: 'c1', groupId: 'g1' } }, place, at)).toBe('group')
    expect(levelOf({ role: 'groupLead', scope: { communityId: 'c1', groupId: 'g2' } }, place, at)).toBeUndefined()
    expect(levelOf({ role: 'communityLead', scope: { communityId: 'c1' } }, place, at)).toBe('community')
    expect(levelOf({ role: 'committee', scope: { communityId: 'c1' } }, place, at)).toBe('committee')
    expect(levelOf({ role: 'resident', scope: { communityId: 'c1', householdId: 'h' } }, place, at)).toBeUndefined()
  })

  it('starts at the first level with anyone and climbs past empty ones to the committee', () => {
    const people = peopleAtLevels(
      [
        { openid: 'l', role: 'buildingLead', scope: { communityId: 'c1', buildingId: 'b1' } },
        { openid: 't', role: 'communityLead', scope: { communityId: 'c1' } },
      ],
      place,
      at,
    )
    expect(startLevel(people)).toBe('building')
    expect(nextLevel('building', people)).toBe('community')
    expect(nextLevel('community', people)).toBe('committee')
    expect(nextLevel('committee', people)).toBeUndefined()
    expect(startLevel(none())).toBe('committee')
    expect(nextLevel('online', none())).toBe('committee')
  })

  it('lets a caller take at or above an open need’s level, and take over only from above', () => {
    expect(mayTake({ status: 'new', level: 'online' }, 'online', 'a')).toBe(true)
    expect(mayTake({ status: 'escalated', level: 'group' }, 'building', 'a')).toBe(false)
    expect(mayTake({ status: 'escalated', level: 'group' }, 'committee', 'a')).toBe(true)
    const taken = { status: 'taken' as const, level: 'building' as const, taken: { openid: 'l' } }
    expect(mayTake(taken, 'building', 'l2')).toBe(false)
    expect(mayTake(taken, 'group', 'g')).toBe(true)
    expect(mayTake(taken, 'group', 'l')).toBe(false)
    expect(mayTake({ status: 'done', level: 'online' }, 'committee', 'c')).toBe(false)
    expect(mayTake({ status: 'new', level: 'online' }, undefined, 'x')).toBe(false)
  })
})

describe('queue and counts', () => {
  it('orders the most urgent first, then the oldest', () => {
    const d = (m: number) => new Date(at.getTime() + m * 60_000)
    const order = queueOrder([
      { id: 'a', urgency: 'normal', createdAt: d(0) },
      { id: 'b', urgency: 'urgent', createdAt: d(5) },
      { id: 'c', urgency: 'urgent', createdAt: d(1) },
      { id: 'd', urgency: 'soon', createdAt: d(2) },
    ] as never[]) as { id: string }[]
    expect(order.map((x) => x.id)).toEqual(['c', 'b', 'd', 'a'])
  })

  it('counts a day’s needs per building in order, with the total and overdue', () => {
    const past = new Date(at.getTime() - 1)
    const future = new Date(at.getTime() + 60_000)
    const { rows, total } = rollup(
      [
        { _id: 'b2', name: '2号', groupName: '第1营' },
        { _id: 'b1', name: '1号', groupName: '第1营' },
      ],
      [
        { buildingId: 'b1', type: 'medicine', status: 'new', dueAt: future },
        { buildingId: 'b1', type: 'medicine', status: 'taken', dueAt: past },
        { buildingId: 'b2', type: 'gas', status: 'done', dueAt: past },
        { buildingId: 'b9', type: 'gas', status: 'done', dueAt: past },
      ],
      at,
    )
    expect(rows.map((r) => r.buildingId)).toEqual(['b2', 'b1'])
    expect(rows[1]).toMatchObject({ total: 2, overdue: 1, byType: { medicine: 2 }, byStatus: { new: 1, taken: 1 } })
    expect(total).toMatchObject({ name: '合计', total: 3, overdue: 1, byType: { medicine: 2, gas: 1 } })
  })

  it('keeps the retention period within 1–90 days, 30 by default', () => {
    expect(needRetentionDaysOf(undefined)).toBe(30)
    expect(needRetentionDaysOf({ needRetentionDays: 0 })).toBe(1)
    expect(needRetentionDaysOf({ needRetentionDays: 400 })).toBe(90)
    expect(needRetentionDaysOf({ needRetentionDays: 7 })).toBe(7)
  })
})
