// The pages that list a building or a community, at realistic sizes, stay under the setData limit (the guard in
// test/setup/miniprogram.ts fails any test that goes over it): a chain of 1,000 households, the structure and the
// round form's building list of 1,000 buildings. (The table and the roster page theirs: see their page tests.)
import { antigen, committeeRole, community, leadRole, me, ok } from '../support/pages/fixtures'
import { mount, SET_DATA_LIMIT_BYTES, setDataLog, settleAll, tap, text } from '../support/pages/harness'
import { buildingIdOf, largeChain, largeStructure } from '../support/pages/large'

const largest = (page: string) => setDataLog.largest(page)?.bytes ?? 0

describe('page sizes', () => {
  it('shows a chain of 1,000 households in one setData under the limit', async () => {
    community({ whoami: () => ok(me({ roles: [leadRole] })) })
    antigen({ chain: () => ok(largeChain(1000)) })
    const comp = mount('packageAntigen/pages/chain', { roundId: 'r_1120', buildingId: 'b_12' })
    await settleAll()
    expect(text(comp, '#tab-entries')).toBe('已接龙 960')
    expect(text(comp, '#tab-missing')).toBe('未报 40')
    // About 200 KB: the entries without their members' photos, which load when one opens.
    console.log(`chain page, 1,000 households: largest setData ${largest('packageAntigen/pages/chain')} bytes`)
    expect(largest('packageAntigen/pages/chain')).toBeLessThan(SET_DATA_LIMIT_BYTES)
    await tap(comp, '.entry-head')
    expect(comp.data.entries[0]!.members.length).toBeGreaterThan(0)
    expect(setDataLog.calls.at(-1)!.bytes).toBeLessThan(4 * 1024)
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
