// The visibility policy's pure parts: how grants become relations to a household (a floor lead's grant covers only
// their floor), how relations combine, and how a person is rendered by the fields.
import type { RoleGrant } from '../../typings/api'
import { scopeCovers } from '../../server/kernel'
import {
  fieldsFor,
  fieldsOf,
  memberView,
  POLICY,
  relationsTo,
  revealRole,
  type HouseholdTarget,
} from '../../server/platform/visibility'

const home: HouseholdTarget = { communityId: 'c1', groupId: 'g1', buildingId: 'b1', floor: 2, householdId: 'h201' }
const floor1: HouseholdTarget = { ...home, floor: 1, householdId: 'h101' }
const grant = (role: RoleGrant['role'], scope: Partial<RoleGrant['scope']>, extra: Partial<RoleGrant> = {}) =>
  ({ role, scope: { communityId: 'c1', ...scope }, ...extra }) as RoleGrant

describe('scopeCovers with floors', () => {
  it('lets a grant naming a floor cover only targets on that floor, never a whole building', () => {
    const floorLead = { communityId: 'c1', buildingId: 'b1', floor: 2 }
    expect(scopeCovers(floorLead, home)).toBe(true)
    expect(scopeCovers(floorLead, floor1)).toBe(false)
    expect(scopeCovers(floorLead, { communityId: 'c1', groupId: 'g1', buildingId: 'b1' })).toBe(false)
    expect(scopeCovers({ communityId: 'c1', buildingId: 'b1' }, floor1)).toBe(true)
  })
})

describe('relations and fields', () => {
  it('reads each grant as a relation to the household', () => {
    const grants = [
      grant('resident', { buildingId: 'b1', householdId: 'h201' }),
      grant('floorLead', { buildingId: 'b1', floor: 2 }),
    ]
    expect(relationsTo(grants, home).sort()).toEqual(['floorLead', 'self'])
    expect(relationsTo(grants, floor1)).toEqual(['neighbour'])
    expect(relationsTo([grant('resident', { buildingId: 'b1', householdId: 'h201' }, { proxy: true })], home)).toEqual([
      'proxy',
    ])
    expect(relationsTo([grant('volunteer', {}, { posts: ['b1'] })], home)).toEqual(['volunteer'])
    expect(relationsTo([grant('volunteer', {}, { posts: ['b2'] })], home)).toEqual([])
    expect(relationsTo([grant('committee', {}, {}), grant('committee', { communityId: 'c2' })], home)).toEqual([
      'committee',
    ])
    expect(relationsTo([{ role: 'committee', scope: { communityId: 'c2' } }], home)).toEqual([])
  })

  it('gives the widest of each field over the relations, and the least to nobody', () => {
    expect(fieldsOf(['proxy', 'volunteer'])).toEqual({ ...POLICY.proxy, reveal: true })
    expect(fieldsOf([])).toEqual(POLICY.none)
    expect(fieldsFor([grant('groupLead', { groupId: 'g1' })], home)).toMatchObject({
      name: 'masked',
      phone: 'masked',
      results: true,
      photos: true,
      flags: false,
    })
  })

  it('reveals as the first relation that may, and never for the household itself or a 团长', () => {
    expect(revealRole([grant('floorLead', { buildingId: 'b1', floor: 2 })], home)).toBe('floorLead')
    expect(revealRole([grant('floorLead', { buildingId: 'b1', floor: 2 })], floor1)).toBeUndefined()
    expect(revealRole([grant('resident', { buildingId: 'b1', householdId: 'h201' })], home)).toBeUndefined()
    expect(revealRole([grant('communityLead', {})], home)).toBeUndefined()
  })

  it('renders a member by the fields', () => {
    const m = { id: 'm1', name: '张小明', phone: '13812345678', birthYear: 1950, flags: ['elderly' as const] }
    expect(memberView(m, POLICY.neighbour)).toEqual({ id: 'm1', name: '张*明', linked: false })
    expect(memberView(m, POLICY.buildingLead)).toEqual({
      id: 'm1',
      name: '张小明',
      phone: '138****5678',
      revealable: true,
      birthYear: 1950,
      flags: ['elderly'],
      linked: false,
    })
    expect(memberView(m, POLICY.committee)).toMatchObject({ phone: '13812345678' })
    expect(memberView(m, POLICY.committee)).not.toHaveProperty('revealable')
  })
})
