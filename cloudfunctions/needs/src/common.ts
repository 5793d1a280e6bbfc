// What every action of the needs function shares: loading a need and its place, who stands at each level of a
// building (their roles, read once per call or per community per timer run), the caller's name for a step, the
// notices, and the view of a need as the one visibility policy lets the caller see it.
import type { NeedLevel, NeedStepView, NeedView, Role } from '../../../typings/api'
import type { BuildingDoc, HouseholdDoc, RoleDoc } from '../../../server/community/model'
import type { NeedDoc, NeedHistoryDoc, NeedStepDoc } from '../../../server/needs/model'
import { AppError, formatShanghai, hasRole, nowDate, type ActionContext } from '../../../server/kernel'
import { data } from '../../../server/platform/cloud'
import { trusted, type Grant } from '../../../server/platform/grants'
import { loadBuilding, loadHousehold } from '../../../server/platform/places'
import { notify, type PushMessage } from '../../../server/platform/notify'
import { photoUrls } from '../../../server/platform/photos'
import { fieldsFor, fieldsForCommunityPerson, householdTarget, showName } from '../../../server/platform/visibility'
import { householdLabel } from '../../../server/community/structure'
import { TEMPLATES } from '../../../server/templates'
import {
  isClosed,
  isOverdue,
  mayTake,
  peopleAtLevels,
  topLevel,
  type LevelRole,
  type NeedPlace,
} from '../../../server/needs/rules'
import { NEED_TYPE_LABELS, NEED_URGENCY_LABELS } from '../../../miniprogram/shared/needs'

/** The pages a notice opens. */
export const QUEUE_PAGE = 'packageNeeds/pages/queue'
export const MINE_PAGE = 'packageNeeds/pages/mine'

/** The folder a medicine need's photo comes from: `needs/<communityId>/<householdId>/`. */
export const needFolder = (communityId: string, householdId: string) => ['needs', communityId, householdId]

export async function loadNeed(ctx: ActionContext, needId: string): Promise<NeedDoc> {
  return ctx.memo(`need:${needId}`, async () => {
    const doc = await data.get<NeedDoc>('needs', needId)
    if (!doc) throw new AppError('NOT_FOUND', '找不到这条需求', 'needId')
    return doc
  })
}

export const placeOf = (n: Pick<NeedDoc, 'communityId' | 'groupId' | 'buildingId'>): NeedPlace => ({
  communityId: n.communityId,
  buildingId: n.buildingId,
  ...(n.groupId ? { groupId: n.groupId } : {}),
})

/** The community's people who may answer needs: 云上 volunteers, 班长, 营长, 团长, the committee. */
export async function levelRoles(communityId: string): Promise<LevelRole[]> {
  const docs = await data.findAll<RoleDoc>('roles', {
    communityId,
    role: data._.in(['volunteer', 'buildingLead', 'groupLead', 'communityLead', 'committee']),
  })
  return trusted(docs).filter((r) => r.role !== 'volunteer' || r.volunteerType === 'online')
}

/** Who stands at each level of one building now, from the few roles that can (four reads at once). */
export async function buildingPeople(place: NeedPlace, at: Date): Promise<Record<NeedLevel, string[]>> {
  const { communityId, buildingId, groupId } = place
  const _ = data._
  const [online, leads, group, top] = await Promise.all([
    data.find<RoleDoc>(
      'roles',
      { communityId, role: 'volunteer', volunteerType: 'online', posts: buildingId },
      { limit: 1000 },
    ),
    data.find<RoleDoc>('roles', { communityId, role: 'buildingLead', 'scope.buildingId': buildingId }, { limit: 1000 }),
    groupId
      ? data.find<RoleDoc>('roles', { communityId, role: 'groupLead', 'scope.groupId': groupId }, { limit: 1000 })
      : Promise.resolve([]),
    data.find<RoleDoc>('roles', { communityId, role: _.in(['communityLead', 'committee']) }, { limit: 1000 }),
  ])
  return peopleAtLevels(trusted([...online, ...leads, ...group, ...top]), place, at)
}

/** The caller's name for a step: the ledger member behind one of their grants in the community, or a grant's name. */
export async function callerName(ctx: ActionContext, communityId: string): Promise<string> {
  const grants = (ctx.grants as Grant[]).filter((g) => g.scope.communityId === communityId)
  const withMember = grants.find((g) => g.householdId && g.memberId)
  if (withMember) {
    const h = await loadHousehold(ctx, withMember.householdId as string).catch(() => null)
    const name = h?.members.find((m) => m.id === withMember.memberId)?.name
    if (name) return name
  }
  return grants.find((g) => g.holderName)?.holderName ?? ''
}

export async function step(ctx: ActionContext, communityId: string, role: Role): Promise<NeedStepDoc> {
  return { at: nowDate(), openid: ctx.caller.openid, role, name: await callerName(ctx, communityId) }
}

export const historyStep = (kind: NeedHistoryDoc['kind'], s: NeedStepDoc, extra: Partial<NeedHistoryDoc> = {}) =>
  ({ kind, at: s.at, openid: s.openid, name: s.name, ...extra }) as NeedHistoryDoc

/** The role a level answers as (for the steps' records). */
export const LEVEL_ROLE: Record<NeedLevel, Role> = {
  online: 'volunteer',
  building: 'buildingLead',
  group: 'groupLead',
  community: 'communityLead',
  committee: 'committee',
}

/** The caller's resident grant on the household (their own or 代管). */
export const residentOf = (ctx: ActionContext, householdId: string) =>
  ctx.grants.some((g) => g.role === 'resident' && g.scope.householdId === householdId)

/** Whether the caller may see this need: its household, its leads, whoever may take it or has it, the committee. */
export function maySee(ctx: ActionContext, n: NeedDoc, household: HouseholdDoc, at: Date): boolean {
  if (residentOf(ctx, n.householdId) || n.raised.openid === ctx.caller.openid) return true
  if (n.taken?.openid === ctx.caller.openid) return true
  if (hasRole(ctx.grants, ['committee'], { communityId: n.communityId })) return true
  const f = fieldsFor(ctx.grants, householdTarget(household))
  if (f.reveal && f.name === 'full') return true // building or floor lead of it
  return topLevel(ctx.grants, placeOf(n), at) !== undefined
}

const iso = (d: Date | string) => new Date(d).toISOString()

/** What a need looks like to this caller: names as the policy allows, photos only to leads and above. */
export async function needView(
  ctx: ActionContext,
  n: NeedDoc,
  at: Date,
  known?: { household?: HouseholdDoc | null; building?: BuildingDoc | null; photoUrl?: string },
): Promise<NeedView> {
  const household =
    known?.household !== undefined ? known.household : await loadHousehold(ctx, n.householdId).catch(() => null)
  const building =
    known?.building !== undefined ? known.building : await loadBuilding(ctx, n.buildingId).catch(() => null)
  const f = household ? fieldsFor(ctx.grants, householdTarget(household)) : fieldsForCommunityPerson(ctx.grants, '')
  const personName = (name: string) => showName(fieldsForCommunityPerson(ctx.grants, n.communityId).name, name)
  const mine = n.taken?.openid === ctx.caller.openid && n.status === 'taken'
  const level = topLevel(ctx.grants, placeOf(n), at)
  const view: NeedView = {
    id: n._id,
    communityId: n.communityId,
    buildingId: n.buildingId,
    householdId: n.householdId,
    label: building && household ? householdLabel(building.name, household.room) : n.label,
    type: n.type,
    urgency: n.urgency,
    status: n.status,
    level: n.level,
    detail: n.detail,
    createdAt: iso(n.createdAt),
    dueAt: iso(n.dueAt),
    overdue: isOverdue(n, at),
    mine,
    canTake: mayTake(n, level, ctx.caller.openid),
    canCancel: !isClosed(n.status) && (n.raised.openid === ctx.caller.openid || residentOf(ctx, n.householdId)),
    canCall: mine,
    history: n.history.map((h): NeedStepView => {
      const s: NeedStepView = { kind: h.kind, at: iso(h.at) }
      if (h.level) s.level = h.level
      if (h.name) s.by = personName(h.name)
      if (h.note) s.note = h.note
      return s
    }),
  }
  if (n.memberId) {
    view.memberId = n.memberId
    const m = household?.members.find((x) => x.id === n.memberId)
    if (m) view.member = showName(f.name, m.name)
  }
  if (n.medicine) {
    view.medicine = { names: n.medicine.names, hasPhoto: Boolean(n.medicine.photo) }
    const url =
      f.photos && n.medicine.photo
        ? (known?.photoUrl ?? (await photoUrls([n.medicine.photo])).get(n.medicine.photo))
        : undefined
    if (url) view.medicine.photoUrl = url
  }
  if (n.outing) view.outing = { reason: n.outing.reason, at: iso(n.outing.at) }
  if (n.status === 'taken' || n.status === 'done') {
    const by = n.taken?.name
    view.takenBy = by ? personName(by) : '（已删除）'
  }
  return view
}

/** Views of many needs: households, buildings and photo links read once. */
export async function needViews(ctx: ActionContext, needs: readonly NeedDoc[], at: Date): Promise<NeedView[]> {
  const [households, buildings] = await Promise.all([
    data.byIds<HouseholdDoc>(
      'households',
      needs.map((n) => n.householdId),
    ),
    data.byIds<BuildingDoc>(
      'buildings',
      needs.map((n) => n.buildingId),
    ),
  ])
  const photos = needs.flatMap((n) => {
    const h = households.get(n.householdId)
    return n.medicine?.photo && h && fieldsFor(ctx.grants, householdTarget(h)).photos ? [n.medicine.photo] : []
  })
  const urls = photos.length ? await photoUrls(photos) : new Map<string, string>()
  return Promise.all(
    needs.map((n) =>
      needView(ctx, n, at, {
        household: households.get(n.householdId) ?? null,
        building: buildings.get(n.buildingId) ?? null,
        ...(n.medicine?.photo && urls.has(n.medicine.photo) ? { photoUrl: urls.get(n.medicine.photo) as string } : {}),
      }),
    ),
  )
}

/** 「买药·紧急」 */
export const needTitle = (n: Pick<NeedDoc, 'type' | 'urgency'>) =>
  `${NEED_TYPE_LABELS[n.type]}·${NEED_URGENCY_LABELS[n.urgency]}`

/** The notice to the people who must answer now (purpose names what happened, the same on a retry). */
export function levelNotice(
  n: Pick<NeedDoc, '_id' | 'type' | 'urgency' | 'createdAt'>,
  label: string,
  to: readonly string[],
  purpose: string,
  why: string,
): PushMessage[] {
  return to.map((touser) => ({
    purpose,
    touser,
    templateId: TEMPLATES.needNew,
    page: `${QUEUE_PAGE}?id=${encodeURIComponent(n._id)}`,
    fields: {
      thing1: needTitle(n),
      thing2: label || '住户',
      time3: formatShanghai(n.createdAt),
      thing4: why,
    },
  }))
}

/** The notice to the household's linked people: taken or done. */
export async function householdNotice(n: NeedDoc, status: string, text: string, purpose: string): Promise<void> {
  const h = await data.get<HouseholdDoc>('households', n.householdId)
  const to = [...new Set([...(h?.linkedOpenids ?? []), n.raised.openid].filter(Boolean))]
  await notify(
    'needs',
    to.map((touser) => ({
      purpose,
      touser,
      templateId: TEMPLATES.needUpdate,
      page: `${MINE_PAGE}?householdId=${encodeURIComponent(n.householdId)}`,
      fields: { thing1: needTitle(n), phrase2: status, thing3: text },
    })),
  )
}
