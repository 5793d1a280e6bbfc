// A register's entries: the list of the caller's subtree (with the linked needs as read-only rows), the households the
// form offers, and adding (idempotent on a requestId), editing and deleting an entry with who and when.
import type {
  RegisterEntriesView,
  RegisterEntryView,
  RegisterHouseholdOption,
  RegisterValue,
} from '../../../typings/api'
import type { HouseholdDoc } from '../../../server/community/model'
import type { RegisterEntryDoc, RegisterTypeDoc } from '../../../server/registers/model'
import { action, AppError, defineActions, type ActionContext, z } from '../../../server/kernel'
import { data } from '../../../server/platform/cloud'
import { sha256 } from '../../../server/community/ids'
import { householdLabel } from '../../../server/community/structure'
import { deleteFiles } from '../../../server/platform/deletions'
import { checkPhotos, photoUrls } from '../../../server/platform/photos'
import { fieldsFor, householdTarget, showName } from '../../../server/platform/visibility'
import { loadHousehold } from '../../../server/platform/places'
import {
  communityBuildings,
  countEntries,
  entryWheres,
  findEntries,
  findNeeds,
  renderer,
  typeView,
} from '../../../server/registers/read'
import {
  checkValues,
  covers,
  householdMembers,
  MAX_NEED_ROWS,
  MAX_TEXT,
  PAGE_SIZE,
  REGISTER_ROLES,
  RuleError,
} from '../../../server/registers/rules'
import { callerStamp, entry, id, isCommittee, photoFolder, photoInFolder, subtree, type, visibleType } from './common'

const value = z.union([
  z.string().max(MAX_TEXT * 2),
  z.number(),
  z.array(z.string().max(40)).max(20),
]) as z.ZodType<RegisterValue>
const values = z
  .record(z.string().max(8), value)
  .refine((v) => Object.keys(v).length <= 60, { message: '填写的字段太多' })
  .describe('登记内容')

/** The entry's values checked against its type and household (RuleError → INVALID_INPUT naming the field). */
async function checked(
  t: RegisterTypeDoc,
  h: HouseholdDoc,
  input: Record<string, RegisterValue>,
  known: readonly string[] = [],
) {
  let out
  try {
    out = checkValues(t.fields, input, householdMembers(h), photoInFolder(t.communityId, t._id))
  } catch (err) {
    if (err instanceof RuleError) throw new AppError('INVALID_INPUT', err.message, err.field)
    throw err
  }
  const photos = t.fields.filter((f) => f.kind === 'photo' && typeof out.values[f.id] === 'string')
  if (photos.length)
    await checkPhotos(
      photos.map((f) => [`values.${f.id}`, [out.values[f.id] as string]] as const),
      photoFolder(t.communityId, t._id),
      new Set(known),
    )
  return out
}

const photosOf = (t: RegisterTypeDoc, e: Pick<RegisterEntryDoc, 'values'>) =>
  t.fields.flatMap((f) => (f.kind === 'photo' && typeof e.values[f.id] === 'string' ? [e.values[f.id] as string] : []))

/** One entry as the caller sees it (its household loaded, photo links made when they may see them). */
async function view(ctx: ActionContext, t: RegisterTypeDoc, e: RegisterEntryDoc): Promise<RegisterEntryView> {
  const [buildings, h] = await Promise.all([communityBuildings(t.communityId), loadHousehold(ctx, e.householdId)])
  const r = renderer(ctx.grants, t, subtree(ctx, t.communityId), buildings, new Map([[h._id, h]]))
  const urls = r.photos(h._id) ? await photoUrls(photosOf(t, e)) : undefined
  return r.entry(e, urls)
}

/** A household of the type's community, as a scope (NOT_FOUND, answered FORBIDDEN, for another community's). */
async function householdScope(ctx: ActionContext, typeId: string, householdId: string) {
  const [t, h] = await Promise.all([type(ctx, typeId), loadHousehold(ctx, householdId)])
  if (h.communityId !== t.communityId) throw new AppError('NOT_FOUND')
  return householdTarget(h)
}

export const entryActions = defineActions('registers', {
  registerEntries: action({
    input: z
      .object({
        typeId: id('底账'),
        buildingId: id('楼栋').optional(),
        room: z.string().trim().max(12).optional().describe('房号'),
        from: z.number().int().min(0).max(100_000).optional().describe('从第几条'),
      })
      .strict(),
    access: { roles: REGISTER_ROLES },
    handler: async (i, ctx): Promise<RegisterEntriesView> => {
      const t = await visibleType(ctx, i.typeId)
      const sub = subtree(ctx, t.communityId)
      const buildings = await communityBuildings(t.communityId)
      const filter = { ...(i.buildingId ? { buildingId: i.buildingId } : {}), ...(i.room ? { room: i.room } : {}) }
      const wheres = entryWheres(t._id, sub, buildings, filter)
      // A building outside the caller's subtree is not theirs to look into.
      if (wheres.length === 0) throw new AppError('FORBIDDEN')
      const from = i.from ?? 0
      const [total, docs, needs] = await Promise.all([
        countEntries(wheres),
        findEntries(wheres, from, PAGE_SIZE),
        findNeeds(t.communityId, t, sub, buildings, filter),
      ])
      const shownNeeds = needs.slice(0, MAX_NEED_ROWS)
      const households = await data.byIds<HouseholdDoc>('households', [
        ...docs.map((e) => e.householdId),
        ...shownNeeds.map((n) => n.householdId),
      ])
      const r = renderer(ctx.grants, t, sub, buildings, households)
      const photos = docs.filter((e) => r.photos(e.householdId)).flatMap((e) => photosOf(t, e))
      const urls = photos.length ? await photoUrls(photos) : undefined
      const out: RegisterEntriesView = {
        type: typeView(t),
        entries: docs.map((e) => r.entry(e, urls)),
        total,
        needRows: shownNeeds.map((n) => r.need(n)),
        canWrite: true,
        canManage: isCommittee(ctx.grants, t.communityId),
      }
      if (from + docs.length < total) out.next = from + docs.length
      return out
    },
  }),

  registerHouseholds: action({
    input: z.object({ typeId: id('底账'), buildingId: id('楼栋') }).strict(),
    access: { roles: REGISTER_ROLES },
    handler: async (i, ctx): Promise<RegisterHouseholdOption[]> => {
      const t = await visibleType(ctx, i.typeId)
      const sub = subtree(ctx, t.communityId)
      const buildings = await communityBuildings(t.communityId)
      const b = buildings.find((x) => x._id === i.buildingId)
      if (!b) throw new AppError('FORBIDDEN')
      const reaches =
        covers(sub, { groupId: b.groupId, buildingId: b._id, floor: NaN }) ||
        sub.floors.some((f) => f.buildingId === b._id)
      if (!reaches) throw new AppError('FORBIDDEN')
      const households = (await data.findAll<HouseholdDoc>('households', { buildingId: b._id })).filter((h) =>
        covers(sub, h),
      )
      return households
        .sort((a, c) => a.floor - c.floor || a.room.localeCompare(c.room, 'zh-Hans-CN', { numeric: true }))
        .map((h) => {
          // The picker is the lead's roster: names as the policy shows them this caller (full to their own leads).
          const f = fieldsFor(ctx.grants, householdTarget(h))
          return {
            id: h._id,
            label: householdLabel(b.name, h.room),
            buildingId: b._id,
            members: h.members.map((m) => ({ id: m.id, name: showName(f.name, m.name) })),
          }
        })
    },
  }),

  // The committee, or a lead whose grant covers the household (floor, building, 营, community).
  addRegisterEntry: action({
    input: z
      .object({
        typeId: id('底账'),
        householdId: id('房号'),
        requestId: z.string().min(8).max(64).describe('请求'),
        values,
      })
      .strict(),
    access: { roles: REGISTER_ROLES, scope: (i, ctx) => householdScope(ctx, i.typeId, i.householdId) },
    handler: async (i, ctx): Promise<RegisterEntryView> => {
      const t = await type(ctx, i.typeId)
      const _id = `re_${sha256(`${t._id}\u0000${i.requestId}`).slice(0, 24)}`
      // A retried call finds the entry it made.
      const again = await data.get<RegisterEntryDoc>('registerEntries', _id)
      if (again) {
        if (again.householdId !== i.householdId || again.deleted) throw new AppError('CONFLICT')
        return view(ctx, t, again)
      }
      const h = await loadHousehold(ctx, i.householdId)
      const { values: v, memberIds } = await checked(t, h, i.values)
      const buildings = await communityBuildings(t.communityId)
      const doc: RegisterEntryDoc = {
        _id,
        communityId: t.communityId,
        typeId: t._id,
        groupId: h.groupId,
        buildingId: h.buildingId,
        floor: h.floor,
        householdId: h._id,
        room: h.room,
        buildingOrder: buildings.find((b) => b._id === h.buildingId)?.order ?? 0,
        memberIds,
        values: v,
        created: await callerStamp(ctx, t.communityId),
      }
      await data.insertNew('registerEntries', [doc])
      const stored = (await data.get<RegisterEntryDoc>('registerEntries', _id)) as RegisterEntryDoc
      return view(ctx, t, stored)
    },
  }),

  editRegisterEntry: action({
    input: z.object({ entryId: id('登记'), values }).strict(),
    access: {
      roles: REGISTER_ROLES,
      scope: async (i, ctx) => {
        const e = await entry(ctx, i.entryId)
        return householdTarget({ ...e, _id: e.householdId })
      },
    },
    handler: async (i, ctx): Promise<RegisterEntryView> => {
      const e = await entry(ctx, i.entryId)
      const t = await type(ctx, e.typeId)
      const h = await loadHousehold(ctx, e.householdId)
      // A photo already on the entry was checked when it came; one left out of the edit is deleted.
      const old = photosOf(t, e)
      const { values: v, memberIds } = await checked(t, h, i.values, old)
      // Values of removed fields stay (they are exported under their old names).
      const kept = Object.fromEntries(
        Object.entries(e.values).filter(([k]) => t.fields.find((f) => f.id === k)?.removed),
      )
      const next = { ...kept, ...v }
      await data.update('registerEntries', e._id, {
        values: data._.set(next),
        memberIds: data._.set(memberIds),
        updated: await callerStamp(ctx, t.communityId),
      })
      const gone = old.filter((p) => !Object.values(next).includes(p))
      if (gone.length)
        await deleteFiles(
          gone.map((fileID) => ({ fileID, communityId: t.communityId, kind: 'registerPhoto' as const })),
        )
      return view(ctx, t, (await data.get<RegisterEntryDoc>('registerEntries', e._id)) as RegisterEntryDoc)
    },
  }),

  deleteRegisterEntry: action({
    input: z.object({ entryId: id('登记') }).strict(),
    access: {
      roles: REGISTER_ROLES,
      scope: async (i, ctx) => {
        const e = await entry(ctx, i.entryId)
        return householdTarget({ ...e, _id: e.householdId })
      },
    },
    handler: async (i, ctx) => {
      const e = await entry(ctx, i.entryId)
      const t = await type(ctx, e.typeId)
      const photos = photosOf(t, e)
      await deleteFiles(
        photos.map((fileID) => ({ fileID, communityId: t.communityId, kind: 'registerPhoto' as const })),
      )
      await data.update('registerEntries', e._id, {
        values: data._.set({}),
        memberIds: data._.set([]),
        deleted: await callerStamp(ctx, t.communityId),
      })
      return { deleted: true as const }
    },
  }),
})
