// Reading a register as a caller may see it, shared by the registers function (the list) and the sheets function
// (the export): the entries of the caller's subtree, the linked needs read from `needs` at view time, and each row
// rendered by the one visibility policy (names full to the committee, masked to everyone else; photos to leads and
// above; phones never).
import type {
  RegisterCell,
  RegisterEntryView,
  RegisterField,
  RegisterNeedRow,
  RegisterTypeView,
  RoleGrant,
} from '../../typings/api'
import type { BuildingDoc, HouseholdDoc } from '../community/model'
import type { NeedDoc } from '../needs/model'
import type { RegisterEntryDoc, RegisterStampDoc, RegisterTypeDoc } from './model'
import { data } from '../platform/cloud'
import { AppError } from '../kernel/errors'
import { fieldsFor, fieldsForCommunityPerson, householdTarget, showName } from '../platform/visibility'
import { householdLabel, normaliseRoom } from '../community/structure'
import { activeFields, covers, NEED_STATUS_LABELS, subtreeWheres, valueText, type Subtree } from './rules'

export async function loadType(typeId: string): Promise<RegisterTypeDoc> {
  const doc = await data.get<RegisterTypeDoc>('registerTypes', typeId)
  if (!doc) throw new AppError('NOT_FOUND', '找不到这个底账', 'typeId')
  return doc
}

export async function communityBuildings(communityId: string): Promise<BuildingDoc[]> {
  return (await data.findAll<BuildingDoc>('buildings', { communityId }, { orderBy: [['order', 'asc']] })).sort(
    (a, b) => a.order - b.order,
  )
}

export function typeView(t: RegisterTypeDoc): RegisterTypeView {
  const v: RegisterTypeView = {
    id: t._id,
    communityId: t.communityId,
    name: t.name,
    description: t.description,
    order: t.order,
    fields: t.fields,
    updatedAt: new Date(t.updated.at).toISOString(),
  }
  if (t.needType) v.needType = t.needType
  if (t.starter) v.starter = t.starter
  return v
}

export interface Filter {
  buildingId?: string
  room?: string
}

type W = ReturnType<typeof subtreeWheres>[number]

/** The subtree's conditions narrowed to a filter's building (none left: the building is not the caller's). */
function narrowed(wheres: readonly W[], buildingId: string | undefined): W[] {
  if (buildingId === undefined) return [...wheres]
  return wheres.flatMap((w): W[] => {
    if (w.buildingIds) return w.buildingIds.includes(buildingId) ? [{ buildingId }] : []
    if (w.buildingId !== undefined) return w.buildingId === buildingId ? [w] : []
    return [{ buildingId }]
  })
}

function place(w: W): Record<string, unknown> {
  const _ = data._
  const out: Record<string, unknown> = {}
  if (w.buildingIds) out.buildingId = _.in(w.buildingIds)
  if (w.buildingId !== undefined) out.buildingId = w.buildingId
  if (w.floor !== undefined) out.floor = w.floor
  return out
}

/** The query conditions of a type's live entries in a subtree, narrowed by a filter; [] when nothing is in reach. */
export function entryWheres(
  typeId: string,
  sub: Subtree,
  buildings: readonly BuildingDoc[],
  f: Filter,
): Record<string, unknown>[] {
  const room = f.room ? normaliseRoom(f.room) : undefined
  return narrowed(subtreeWheres(sub, buildings), f.buildingId).map((w) => ({
    typeId,
    ...place(w),
    ...(room ? { room } : {}),
    deleted: data._.exists(false),
  }))
}

/** Entries in reach, counted (one count per condition). */
export async function countEntries(wheres: readonly Record<string, unknown>[]): Promise<number> {
  const counts = await Promise.all(wheres.map((w) => data.count('registerEntries', w)))
  return counts.reduce((a, b) => a + b, 0)
}

const ORDER: [string, 'asc' | 'desc'][] = [
  ['buildingOrder', 'asc'],
  ['floor', 'asc'],
  ['room', 'asc'],
  ['_id', 'asc'],
]

const byPlace = (a: RegisterEntryDoc, b: RegisterEntryDoc) =>
  a.buildingOrder - b.buildingOrder ||
  a.floor - b.floor ||
  a.room.localeCompare(b.room, 'zh-Hans-CN', { numeric: true }) ||
  (a._id < b._id ? -1 : 1)

/** A page of entries in reach (`limit` undefined: every one), in building, floor and room order. */
export async function findEntries(
  wheres: readonly Record<string, unknown>[],
  from = 0,
  limit?: number,
): Promise<RegisterEntryDoc[]> {
  if (wheres.length === 1 && limit !== undefined)
    return data.find<RegisterEntryDoc>('registerEntries', wheres[0], { orderBy: ORDER, skip: from, limit })
  const all = (
    await Promise.all(wheres.map((w) => data.findAll<RegisterEntryDoc>('registerEntries', w, { orderBy: ORDER })))
  )
    .flat()
    .sort(byPlace)
  return limit === undefined ? all.slice(from) : all.slice(from, from + limit)
}

/** The needs of a type in a subtree (cancelled ones are not a register's rows), newest first. */
export async function findNeeds(
  communityId: string,
  type: RegisterTypeDoc,
  sub: Subtree,
  buildings: readonly BuildingDoc[],
  f: Filter,
): Promise<NeedDoc[]> {
  if (!type.needType) return []
  const _ = data._
  const base = { communityId, type: type.needType, status: _.neq('cancelled') }
  const wheres = narrowed(subtreeWheres(sub, buildings), f.buildingId)
  const found: NeedDoc[] = []
  for (const w of wheres) {
    if (w.floor !== undefined) {
      // Needs carry no floor: the floor's households are read first.
      const hs = await data.findAll<Pick<HouseholdDoc, '_id'>>(
        'households',
        { communityId, buildingId: w.buildingId, floor: w.floor },
        { fields: { _id: true } },
      )
      if (hs.length === 0) continue
      found.push(
        ...(await data.findAll<NeedDoc>('needs', {
          ...base,
          buildingId: w.buildingId,
          householdId: _.in(hs.map((h) => h._id)),
        })),
      )
    } else found.push(...(await data.findAll<NeedDoc>('needs', { ...base, ...place(w) })))
  }
  const seen = new Set<string>()
  const unique = found.filter((n) => (seen.has(n._id) ? false : (seen.add(n._id), true)))
  const rooms = f.room ? normaliseRoom(f.room) : undefined
  const households = await data.byIds<HouseholdDoc>(
    'households',
    unique.map((n) => n.householdId),
  )
  return unique
    .filter((n) => {
      const h = households.get(n.householdId)
      return h !== undefined && covers(sub, h) && (!rooms || h.room === rooms)
    })
    .sort((a, b) => new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime())
}

/** A person's name in a register, as this caller may see it: full to the committee, masked to everyone else. */
export const registerName = (grants: readonly RoleGrant[], communityId: string, name: string) =>
  showName(fieldsForCommunityPerson(grants, communityId).name, name)

const stamp = (grants: readonly RoleGrant[], communityId: string, s: RegisterStampDoc) => ({
  at: new Date(s.at).toISOString(),
  name: registerName(grants, communityId, s.name),
})

export interface Renderer {
  entry(e: RegisterEntryDoc, photoUrls?: ReadonlyMap<string, string>): RegisterEntryView
  need(n: NeedDoc): RegisterNeedRow
  /** The building's name by id. */
  building(id: string): string
  /** A member's name in a household, as the caller may see it ('' when gone). */
  member(householdId: string, memberId: string): string
  /** Whether the caller may see the photos of this household's entries. */
  photos(householdId: string): boolean
}

/** Renders rows for one caller, with the households they name loaded. */
export function renderer(
  grants: readonly RoleGrant[],
  type: RegisterTypeDoc,
  sub: Subtree,
  buildings: readonly BuildingDoc[],
  households: ReadonlyMap<string, HouseholdDoc>,
): Renderer {
  const communityId = type.communityId
  const names = new Map(buildings.map((b) => [b._id, b.name]))
  const building = (id: string) => names.get(id) ?? ''
  const member = (householdId: string, memberId: string) => {
    const m = households.get(householdId)?.members.find((x) => x.id === memberId)
    return m ? registerName(grants, communityId, m.name) : ''
  }
  const photos = (householdId: string) => {
    const h = households.get(householdId)
    return h ? fieldsFor(grants, householdTarget(h)).photos : false
  }
  const fields: RegisterField[] = activeFields(type.fields)
  return {
    building,
    member,
    photos,
    entry(e, urls) {
      const cells: RegisterCell[] = []
      const showPhotos = photos(e.householdId)
      for (const f of fields) {
        if (f.kind === 'household') continue
        const v = e.values[f.id]
        const cell: RegisterCell = { fieldId: f.id, text: valueText(f, v, (m) => member(e.householdId, m)) }
        if (f.kind === 'photo' && typeof v === 'string' && showPhotos) {
          const url = urls?.get(v)
          if (url) cell.photoUrl = url
        }
        if (f.kind === 'photo' && !showPhotos) cell.text = ''
        cells.push(cell)
      }
      const values = { ...e.values }
      if (!showPhotos) for (const f of fields) if (f.kind === 'photo') delete values[f.id]
      const view: RegisterEntryView = {
        id: e._id,
        householdId: e.householdId,
        buildingId: e.buildingId,
        label: householdLabel(building(e.buildingId), e.room),
        room: e.room,
        cells,
        values,
        created: stamp(grants, communityId, e.created),
        editable: covers(sub, e),
      }
      if (e.updated) view.updated = stamp(grants, communityId, e.updated)
      return view
    },
    need(n) {
      const h = households.get(n.householdId)
      return {
        needId: n._id,
        householdId: n.householdId,
        buildingId: n.buildingId,
        label: householdLabel(building(n.buildingId), h?.room ?? ''),
        person: n.memberId ? member(n.householdId, n.memberId) : '',
        detail: n.detail,
        status: n.status,
        statusLabel: NEED_STATUS_LABELS[n.status],
        raisedAt: new Date(n.createdAt).toISOString(),
      }
    },
  }
}
