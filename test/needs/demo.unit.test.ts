// The demo's needs (scripts/demo/needs.ts): a handful in 钟楼新村's first buildings, one in each state, written as the
// needs function writes them, in their households, at the levels and with the limits the rules give.
import type { NeedDoc } from '../../server/needs/model'
import { demoDataset } from '../../scripts/demo/generate'
import { DEMO_COMMUNITY } from '../../scripts/demo/generate'
import { doneDue, needId, responseDue } from '../../server/needs/rules'

const NOW = Date.parse('2026-11-24T02:00:00Z')

describe('the demo’s needs', () => {
  const { collections } = demoDataset({ now: NOW })
  const needs = (collections.needs as NeedDoc[]).filter((n) => n.communityId === DEMO_COMMUNITY.communityId)

  it('has one need of each state, in households of the first three buildings', () => {
    expect(needs.map((n) => n.status).sort()).toEqual(['cancelled', 'done', 'escalated', 'escalated', 'new', 'taken'])
    const households = new Map(collections.households.map((h) => [h._id, h]))
    const firstThree = collections.buildings
      .filter((b) => b.communityId === DEMO_COMMUNITY.communityId)
      .sort((a, b) => a.order - b.order)
      .slice(0, 3)
      .map((b) => b._id)
    for (const n of needs) {
      const h = households.get(n.householdId)
      expect(h?.buildingId).toBe(n.buildingId)
      expect(firstThree).toContain(n.buildingId)
      expect(h?.members.some((m) => m.id === n.memberId)).toBe(true)
      expect(n._id).toBe(needId(n.householdId, n.requestId))
      expect(new Date(n.createdAt).getTime()).toBeLessThanOrEqual(NOW)
    }
  })

  it('keeps the levels, limits and steps the rules give', () => {
    for (const n of needs) {
      const last = n.escalations.at(-1)
      if (n.status === 'new') expect(n.dueAt).toEqual(responseDue(n, n.createdAt))
      if (n.status === 'escalated') {
        expect(n.level).toBe(last?.level)
        expect(n.dueAt).toEqual(responseDue(n, last?.at as Date))
        expect(new Date(last?.at as Date).getTime()).toBeLessThanOrEqual(NOW)
        // Still waiting at that level: its limit is ahead.
        expect(new Date(n.dueAt).getTime()).toBeGreaterThan(NOW)
      }
      if (n.status === 'taken') expect(n.dueAt).toEqual(doneDue(n, n.taken?.at as Date))
      if (n.status === 'done' || n.status === 'cancelled')
        expect(new Date(n.closedAt as Date).getTime()).toBeLessThanOrEqual(NOW)
      expect(n.history[0]).toMatchObject({ kind: 'raised', openid: n.raised.openid })
      expect(n.raised.name).not.toBe('')
    }
    const taken = needs.find((n) => n.status === 'taken')
    const online = collections.roles.find((r) => r.openid === taken?.taken?.openid)
    expect(online).toMatchObject({ role: 'volunteer', volunteerType: 'online', posts: [taken?.buildingId] })
  })
})
