// The setData size guard every page test runs under (test/setup/miniprogram.ts): each call is measured, and one
// over SET_DATA_LIMIT_BYTES fails the test with the page and the size.
import { mount, SET_DATA_LIMIT_BYTES, setDataLog, settleAll } from '../support/pages/harness'
import { committeeRole, community, me, ok, structureView } from '../support/pages/fixtures'

describe('setData size guard', () => {
  it('measures every setData of a page, named by its path', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })), structure: () => ok(structureView()) })
    const comp = mount('packageCommittee/pages/structure', { communityId: 'c_sunny' })
    await settleAll()
    const calls = setDataLog.calls.filter((c) => c.page === 'packageCommittee/pages/structure')
    expect(calls.length).toBeGreaterThan(1)
    expect(calls.every((c) => c.bytes > 0)).toBe(true)
    expect(calls.some((c) => c.keys.includes('groups'))).toBe(true)
    expect(setDataLog.violations).toEqual([])
    expect(comp.data.state).toBe('ready')
  })

  it('records a call over the limit, which fails the test in afterEach', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })), structure: () => ok(structureView()) })
    const comp = mount('packageCommittee/pages/structure', { communityId: 'c_sunny' })
    await settleAll()
    const big = '楼'.repeat(Math.ceil(SET_DATA_LIMIT_BYTES / 3) + 1) // 3 bytes each in UTF-8
    comp.instance.setData({ name: big })
    const over = setDataLog.takeViolations()
    expect(over).toEqual([{ page: 'packageCommittee/pages/structure', bytes: expect.any(Number), keys: ['name'] }])
    expect(over[0]!.bytes).toBeGreaterThan(SET_DATA_LIMIT_BYTES)
    // Taken: this test passes. Left in place, afterEach throws 「setData over 256.0 KB in one call: …」.
    comp.instance.setData({ name: '阳光小区' })
    expect(setDataLog.violations).toEqual([])
  })
})
