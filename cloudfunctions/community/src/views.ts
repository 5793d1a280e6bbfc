// Turning stored grants and requests into the views the mini-program shows.
import type { JoinRequestView, RoleView } from '../../../typings/api'
import type { BuildingDoc, CommunityDoc, GroupDoc, HouseholdDoc, JoinRequestDoc } from '../../../server/community/model'
import { householdLabel } from '../../../server/community/structure'
import { ROLE_LABELS, VOLUNTEER_LABELS } from '../../../miniprogram/shared/constants'
import { data } from '../../../server/platform/cloud'
import type { Grant } from '../../../server/platform/grants'
import { iso } from '../../../server/platform/places'
import { showName, type Level } from '../../../server/platform/visibility'
import { postsText, shiftText } from '../../../server/community/shifts'

/**
 * Place labels for grants: 「12号 楼组长」, 「第1营 营长」, 「运输志愿者 · 1号、2号」; a volunteer's shifts in words
 * beside (`shiftsText`).
 */
export async function roleViews(grants: Grant[], holders?: Map<string, string>): Promise<RoleView[]> {
  const [communities, buildings, groups, households] = await Promise.all([
    data.byIds<CommunityDoc>(
      'communities',
      grants.map((g) => g.scope.communityId),
    ),
    data.byIds<BuildingDoc>(
      'buildings',
      grants.flatMap((g) => [...(g.scope.buildingId ? [g.scope.buildingId] : []), ...(g.posts ?? [])]),
    ),
    data.byIds<GroupDoc>(
      'groups',
      grants.flatMap((g) => (g.scope.groupId ? [g.scope.groupId] : [])),
    ),
    data.byIds<HouseholdDoc>(
      'households',
      grants.flatMap((g) => (g.role === 'resident' && g.scope.householdId ? [g.scope.householdId] : [])),
    ),
  ])
  return grants.map((g) => {
    const community = communities.get(g.scope.communityId)?.name ?? ''
    const building = g.scope.buildingId ? (buildings.get(g.scope.buildingId)?.name ?? '') : ''
    let place: string
    switch (g.role) {
      case 'resident': {
        const h = g.scope.householdId ? households.get(g.scope.householdId) : undefined
        place = `${community} ${h ? householdLabel(building, h.room) : building}${g.proxy ? '（代管）' : ''}`
        break
      }
      case 'floorLead':
        place = `${building} ${g.scope.floor ?? ''}层`
        break
      case 'buildingLead':
        place = building
        break
      case 'groupLead':
        place = g.scope.groupId ? (groups.get(g.scope.groupId)?.name ?? '') : ''
        break
      case 'volunteer': {
        // Posts in building order, a run of neighbours as 「3号–6号」 (server/community/shifts.ts postsText).
        const posts = postsText((g.posts ?? []).flatMap((id) => buildings.get(id) ?? []))
        place = `${g.volunteerType ? VOLUNTEER_LABELS[g.volunteerType] : ''}${posts ? ` · ${posts}` : ''}`
        break
      }
      default:
        place = community
    }
    const view: RoleView = { id: g.id, role: g.role, scope: g.scope, place: `${place} ${ROLE_LABELS[g.role]}`.trim() }
    if (g.volunteerType) view.volunteerType = g.volunteerType
    if (g.posts) view.posts = g.posts
    if (g.shifts) {
      view.shifts = g.shifts
      view.shiftsText = shiftText(g.shifts)
    }
    if (g.proxy) view.proxy = true
    const holder = holders?.get(g.id)
    if (holder) view.holder = holder
    return view
  })
}

/**
 * A join request. The name is the one the applicant typed, shown at `name`: the level the visibility policy gives
 * the caller for the request's household (`fieldsFor(...).name`: full for its building's or floor's leads and the
 * committee), or `true` for the applicant's own requests and the leads deciding them (the actions that answer
 * them are open to no one else).
 */
export function joinRequestView(r: JoinRequestDoc, buildingName: string, name: Level | boolean): JoinRequestView {
  const view: JoinRequestView = {
    id: r._id,
    householdId: r.householdId,
    label: householdLabel(buildingName, r.room),
    name: showName(name === true ? 'full' : name === false ? 'masked' : name, r.name),
    asProxy: r.asProxy,
    status: r.status,
    createdAt: iso(r.createdAt),
  }
  if (r.decidedAt) view.decidedAt = iso(r.decidedAt)
  if (r.reason) view.reason = r.reason
  return view
}
