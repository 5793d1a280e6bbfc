// What every action of the delivery function shares: loading a delivery and its buildings, who manages which part
// (committee and 团长 all of it; 营长, building and floor leads their buildings), the people a plan can use (their
// grants and names), names as the one visibility policy lets the caller see them, and transactions retried when two
// marks of one building collide.
import type { RoleGrant } from '../../../typings/api'
import type { BuildingDoc, HouseholdDoc, RoleDoc } from '../../../server/community/model'
import type { DeliveryBuildingDoc, DeliveryStopDoc, RelayDeliveryDoc } from '../../../server/delivery/model'
import type { Grant } from '../../../server/platform/grants'
import { AppError, hasRole, isAppError, z, type ActionContext } from '../../../server/kernel'
import type { RawTransaction } from '../../../server/kernel/db'
import type { CollectionName } from '../../../server/collections'
import { data } from '../../../server/platform/cloud'
import { personOf, stepName } from '../../../server/delivery/rules'
import { fieldsForCommunityPerson, leadsPartOf, showName } from '../../../server/platform/visibility'

export const id = (label: string) => z.string().min(1).max(120).describe(label)

/** The page a volunteer's notices open, and a household's. */
export const TASKS_PAGE = 'packageDelivery/pages/tasks'
export const MINE_PAGE = 'packageDelivery/pages/mine'
export const BOARD_PAGE = 'packageDelivery/pages/board'
export const PROBLEMS_PAGE = 'packageDelivery/pages/problems'

export const stopId = (deliveryId: string, householdId: string) => `${deliveryId}:${householdId}`
export const buildingPartId = (deliveryId: string, buildingId: string) => `${deliveryId}:${buildingId}`

export async function loadDelivery(ctx: ActionContext, deliveryId: string): Promise<RelayDeliveryDoc> {
  return ctx.memo(`delivery:${deliveryId}`, async () => {
    const doc = await data.get<RelayDeliveryDoc>('deliveries', deliveryId)
    if (!doc) throw new AppError('NOT_FOUND', '找不到这次配送', 'deliveryId')
    return doc
  })
}

/** Committee or 团长 of the community: the whole delivery is theirs to plan and run. */
export const runsCommunity = (grants: readonly RoleGrant[], communityId: string): boolean =>
  hasRole(grants, ['committee', 'communityLead'], { communityId })

export const isCommittee = (grants: readonly RoleGrant[], communityId: string): boolean =>
  hasRole(grants, ['committee'], { communityId })

/** Whether the caller manages this building's part (committee, 团长, its 营长, its building or floor leads). */
export const managesBuilding = (
  grants: readonly RoleGrant[],
  b: { communityId: string; groupId: string; buildingId: string },
): boolean => leadsPartOf(grants, b)

/** A person's name as this caller may see it: full to the committee, masked to everyone else. */
export const nameFor = (grants: readonly RoleGrant[], communityId: string, name: string): string =>
  showName(fieldsForCommunityPerson(grants, communityId).name, name)

export const txGet = async <T>(tx: RawTransaction, coll: CollectionName, docId: string): Promise<T | null> =>
  ((await tx.collection(coll).doc(docId).get()) as { data: T | null }).data

/**
 * Run a transaction, again (up to 4 times, with a short random wait) when it failed for another reason than an
 * AppError: two marks of the same building at the same moment conflict on its counters, and one of them retries.
 */
export async function inTransaction<T>(fn: (tx: RawTransaction) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await data.raw.runTransaction(fn)
    } catch (err) {
      if (isAppError(err) || attempt >= 4) throw err
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 60 * attempt))
    }
  }
}

/** A role holder: openid, the grant and the name the ledger (or the grant) knows them by. */
export interface Person {
  openid: string
  name: string
  grant: RoleDoc
}

/** Names of role holders: the household member behind the grant, else the grant's holder name. */
export async function namedPeople(roles: readonly RoleDoc[]): Promise<Person[]> {
  const households = await data.byIds<HouseholdDoc>(
    'households',
    roles.flatMap((r) => (r.householdId ? [r.householdId] : [])),
  )
  return roles.map((r) => personOf(r, households))
}

/** The community's buildings in its order. */
export async function communityBuildings(communityId: string): Promise<BuildingDoc[]> {
  return (await data.findAll<BuildingDoc>('buildings', { communityId }, { orderBy: [['order', 'asc']] })).sort(
    (a, b) => a.order - b.order,
  )
}

/** A delivery's building parts, in the community's building order. */
export async function deliveryBuildings(deliveryId: string): Promise<DeliveryBuildingDoc[]> {
  return (await data.findAll<DeliveryBuildingDoc>('deliveryBuildings', { deliveryId })).sort(
    (a, b) => a.order - b.order,
  )
}

/** Openids of the role holders who hear of the whole community's problems: the committee and 团长. */
export async function communityManagers(communityId: string, groupId?: string): Promise<string[]> {
  const roles = await data.findAll<RoleDoc>('roles', {
    communityId,
    role: data._.in(groupId ? ['committee', 'communityLead', 'groupLead'] : ['committee', 'communityLead']),
  })
  return [...new Set(roles.filter((r) => r.role !== 'groupLead' || r.scope.groupId === groupId).map((r) => r.openid))]
}

/** Openids of a building's leads (building leads; floor leads of it too). */
export async function buildingLeads(communityId: string, buildingId: string): Promise<string[]> {
  const roles = await data.findAll<RoleDoc>('roles', {
    communityId,
    role: data._.in(['buildingLead', 'floorLead']),
    'scope.buildingId': buildingId,
  })
  return [...new Set(roles.map((r) => r.openid))]
}

/** Refuse changes to a delivery that is finished. */
export function notDone(d: RelayDeliveryDoc): void {
  // A reduced delivery (past its period, server/delivery/retention.ts) takes no more marks either.
  if (d.status === 'done' || d.reducedAt) throw new AppError('DELIVERY_DONE')
}

/** The caller's name in the community (a household member behind one of their grants, else a grant's name). */
export async function callerName(ctx: ActionContext, communityId: string): Promise<string> {
  const grants = (ctx.grants as unknown as readonly Grant[]).filter((g) => g.scope.communityId === communityId)
  const people = await namedPeople(grants.map((g) => ({ ...g, openid: ctx.caller.openid }) as unknown as RoleDoc))
  return stepName(ctx.caller.openid, people)
}

/** What a bag's status counts for in its building's counters (received bags count as delivered too). */
export function counts(status: DeliveryStopDoc['status']): { delivered: number; received: number; problems: number } {
  return {
    delivered: status === 'delivered' || status === 'received' ? 1 : 0,
    received: status === 'received' ? 1 : 0,
    problems: status === 'problem' ? 1 : 0,
  }
}

/** The counter moves of a set of status changes. */
export function deltas(changes: readonly (readonly [DeliveryStopDoc['status'], DeliveryStopDoc['status']])[]) {
  const d = { delivered: 0, received: 0, problems: 0 }
  for (const [from, to] of changes) {
    const a = counts(from)
    const b = counts(to)
    d.delivered += b.delivered - a.delivered
    d.received += b.received - a.received
    d.problems += b.problems - a.problems
  }
  return d
}

/** Where the relay of a delivery is: `resting` past its rest's end counts as relaying. */
export function relaying(d: RelayDeliveryDoc, now: Date): boolean {
  return d.status === 'relaying' || (d.status === 'resting' && !!d.restUntil && new Date(d.restUntil) <= now)
}

/** Move a delivery whose rest is over to relaying (a compare-and-set; idempotent). */
export async function advanceRest(d: RelayDeliveryDoc, now: Date): Promise<RelayDeliveryDoc> {
  if (d.status !== 'resting' || !d.restUntil || new Date(d.restUntil) > now) return d
  await data.updateWhere(
    'deliveries',
    { _id: d._id, status: 'resting' },
    { status: 'relaying', restEndedAt: new Date(d.restUntil), updatedAt: now },
  )
  return { ...d, status: 'relaying', restEndedAt: new Date(d.restUntil) }
}

/**
 * The delivery is done once every building part is; then its status says so (once), done when its last building
 * was (a mark synced late carries its own time).
 */
export async function finishIfDone(deliveryId: string, now: Date): Promise<boolean> {
  const left = await data.count('deliveryBuildings', { deliveryId, stage: data._.neq('done') })
  if (left > 0) return false
  const parts = await data.findAll<Pick<DeliveryBuildingDoc, 'doneAt'>>(
    'deliveryBuildings',
    { deliveryId },
    { fields: { doneAt: true } },
  )
  const last = Math.max(...parts.map((p) => (p.doneAt ? new Date(p.doneAt).getTime() : 0)))
  const doneAt = last > 0 ? new Date(Math.min(last, now.getTime())) : now
  return (
    (await data.updateWhere(
      'deliveries',
      { _id: deliveryId, status: data._.in(['resting', 'relaying']) },
      { status: 'done', doneAt, updatedAt: now },
    )) > 0
  )
}
