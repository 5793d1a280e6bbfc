// The pages that list a building or a community, at realistic sizes, stay under the setData limit (the guard in
// test/setup/miniprogram.ts fails any test that goes over it): a chain of 1,000 households (paged: its first
// render under 32 KB and every setData under 64 KB), the structure and the round form's building list of 1,000
// buildings. (The table and the roster page theirs: see their page tests.)
import { antigen, committeeRole, community, leadRole, me, ok, role } from '../support/pages/fixtures'
import { find, mount, SET_DATA_LIMIT_BYTES, setDataLog, settleAll, tap, text } from '../support/pages/harness'
import { buildingIdOf, largeChain, largeStructure } from '../support/pages/large'

const largest = (page: string) => setDataLog.largest(page)?.bytes ?? 0

describe('page sizes', () => {
  describe('a chain of 1,000 households on 30 floors', () => {
    const PAGE = 'packageAntigen/pages/chain'
    const q = { roundId: 'r_1120', buildingId: 'b_12' }
    const chainCalls = () => setDataLog.calls.filter((c) => c.page === PAGE)
    /** The setData that shows the chain (the latest, after a reload). */
    const firstRender = () =>
      chainCalls()
        .filter((c) => c.keys.includes('state') && c.keys.includes('blocks'))
        .at(-1)!
    const floorLead = (floor: number) =>
      role({ role: 'floorLead', place: `12号 ${floor}层 层长`, scope: { ...leadRole.scope, floor } })

    it('shows its lead the floors first, then each floor and page in small setData calls', async () => {
      community({ whoami: () => ok(me({ roles: [leadRole] })) })
      antigen({ chain: () => ok(largeChain(1000)) })
      const comp = mount(PAGE, q)
      await settleAll()
      expect(comp.data.grouped).toBe(true)
      expect(comp.data.blocks).toHaveLength(30)
      expect(text(comp, '#floor-1 .floor-summary')).toBe('1 层 已报 33/34 · 层长已确认')
      expect(text(comp, '#floor-3 .floor-summary')).toBe('3 层 已报 31/33')
      expect(text(comp, '#floors-status')).toContain('层长确认：6/20 层')
      expect(comp.querySelectorAll('.entry')).toHaveLength(0)
      const first = firstRender()
      console.log(`chain page, 1,000 households: first render ${first.bytes} bytes (the lead's: floors only)`)
      expect(first.bytes).toBeLessThan(32 * 1024)

      // Ten floors opened in turn, an entry opened, then a pull-down that brings the ten back.
      for (let i = 1; i <= 10; i++) await tap(comp, `#floor-${i} .floor-head`)
      const shown = comp.querySelectorAll('.entry').length
      expect(shown).toBeGreaterThan(300)
      await tap(comp, '.entry-head')
      expect(comp.data.blocks[0]!.entries[0]!.members.length).toBeGreaterThan(0)
      expect(setDataLog.calls.at(-1)!.bytes).toBeLessThan(4 * 1024)
      ;(comp.instance as unknown as { onPullDownRefresh: () => Promise<void> }).onPullDownRefresh()
      await settleAll()
      expect(comp.querySelectorAll('.entry')).toHaveLength(shown)
      expect(firstRender().bytes).toBeLessThan(32 * 1024)
      const largest = setDataLog.largest(PAGE)!
      console.log(`chain page, 1,000 households: largest setData ${largest.bytes} bytes (${largest.keys.length} keys)`)
      expect(largest.bytes).toBeLessThan(64 * 1024)
    })

    it('opens a 层长’s floor at once, first, with the first render still small', async () => {
      community({ whoami: () => ok(me({ roles: [floorLead(14)] })) })
      antigen({ chain: () => ok(largeChain(1000)) })
      const comp = mount(PAGE, q)
      await settleAll()
      expect(comp.data.blocks[0]).toEqual(expect.objectContaining({ floor: 14, open: true, own: true }))
      expect(comp.querySelectorAll('#floor-entries-14 .entry').length).toBeGreaterThan(30)
      expect(find(comp, '#confirm-floor-14')).toBeDefined()
      const first = firstRender()
      console.log(`chain page, 1,000 households: first render ${first.bytes} bytes (a 层长's, their floor open)`)
      expect(first.bytes).toBeLessThan(32 * 1024)
      expect(setDataLog.largest(PAGE)!.bytes).toBeLessThan(64 * 1024)
    })
  })

  it('shows the structure of 1,000 buildings folded, and 未分营 with all of them open, under the limit', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })), structure: () => ok(largeStructure(1000)) })
    let comp = mount('packageCommittee/pages/structure', { communityId: 'c_sunny' })
    await settleAll()
    expect(comp.data.groups).toHaveLength(50)
    expect(largest('packageCommittee/pages/structure')).toBeLessThan(16 * 1024)

    setDataLog.clear()
    community({ whoami: () => ok(me({ roles: [committeeRole] })), structure: () => ok(largeStructure(1000, 0)) })
    comp = mount('packageCommittee/pages/structure', { communityId: 'c_sunny' })
    await settleAll()
    await tap(comp, '.group-head')
    expect(comp.querySelector(`#building-${buildingIdOf(1000)}`)).toBeDefined()
    expect(largest('packageCommittee/pages/structure')).toBeLessThan(SET_DATA_LIMIT_BYTES)
  })

  it('lists 1,000 buildings to pick for a new round under the limit', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })), structure: () => ok(largeStructure(1000)) })
    antigen({ listRounds: () => ok([]) })
    const comp = mount('packageAntigen/pages/rounds', { communityId: 'c_sunny' })
    await settleAll()
    await tap(comp, '#scope-pick')
    expect(comp.data.pick.groups).toHaveLength(50)
    expect(largest('packageAntigen/pages/rounds')).toBeLessThan(SET_DATA_LIMIT_BYTES)
  })
})
