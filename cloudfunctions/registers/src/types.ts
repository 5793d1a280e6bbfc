// Register types: the list with counts in the caller's subtree, the starter set installed once, the type editor
// (removed fields kept hidden with their values) and deleting a type with its entries.
import type { RegisterListView, RegisterSummary, RegisterTypeView } from '../../../typings/api'
import type { RegisterTypeDoc } from '../../../server/registers/model'
import { action, AppError, defineActions, nameText, z } from '../../../server/kernel'
import { data } from '../../../server/platform/cloud'
import { sha256 } from '../../../server/community/ids'
import { deleteFiles } from '../../../server/platform/deletions'
import { communityBuildings, countEntries, entryWheres, findNeeds, typeView } from '../../../server/registers/read'
import {
  covers,
  editFields,
  MAX_DESCRIPTION,
  MAX_FIELDS,
  MAX_HINT,
  MAX_LABEL,
  MAX_OPTION,
  MAX_OPTIONS,
  MAX_TYPES,
  REGISTER_ROLES,
  RuleError,
} from '../../../server/registers/rules'
import { STARTER_SET, starterTypeId } from '../../../server/registers/starter'
import { callerStamp, communityId, id, isCommittee, subtree, type } from './common'

const NEED_TYPES = ['medicine', 'medical', 'groceries', 'gas', 'outing', 'psych', 'other'] as const

const fieldInput = z
  .object({
    id: z.string().min(1).max(8).optional().describe('字段'),
    label: nameText('字段名称', MAX_LABEL),
    kind: z.enum(['text', 'number', 'date', 'choice', 'photo', 'household', 'member']).describe('字段类型'),
    required: z.boolean().describe('必填'),
    options: z.array(nameText('选项', MAX_OPTION)).max(MAX_OPTIONS).optional().describe('选项'),
    multiple: z.boolean().optional().describe('可多选'),
    hint: z.string().max(MAX_HINT).optional().describe('填写提示'),
  })
  .strict()

const ruled = <T>(f: () => T): T => {
  try {
    return f()
  } catch (err) {
    if (err instanceof RuleError) throw new AppError('INVALID_INPUT', err.message, err.field)
    throw err
  }
}

async function communityTypes(communityId: string): Promise<RegisterTypeDoc[]> {
  return (await data.findAll<RegisterTypeDoc>('registerTypes', { communityId }, { orderBy: [['order', 'asc']] })).sort(
    (a, b) => a.order - b.order,
  )
}

/** Photos on a type's entries, to delete with it. */
async function entryPhotos(t: RegisterTypeDoc): Promise<string[]> {
  const photoFields = t.fields.filter((f) => f.kind === 'photo').map((f) => f.id)
  if (photoFields.length === 0) return []
  const entries = await data.findAll<{ values: Record<string, unknown> }>(
    'registerEntries',
    { typeId: t._id },
    { fields: { values: true } },
  )
  return entries.flatMap((e) => photoFields.flatMap((f) => (typeof e.values[f] === 'string' ? [e.values[f]] : [])))
}

export const typeActions = defineActions('registers', {
  // The committee and every lead of the community: each sees its subtree's counts.
  listRegisters: action({
    input: z.object({ communityId }).strict(),
    access: { roles: REGISTER_ROLES },
    handler: async (i, ctx): Promise<RegisterListView> => {
      const sub = subtree(ctx, i.communityId)
      const [types, buildings] = await Promise.all([communityTypes(i.communityId), communityBuildings(i.communityId)])
      const registers: RegisterSummary[] = await Promise.all(
        types.map(async (t) => ({
          type: typeView(t),
          entries: await countEntries(entryWheres(t._id, sub, buildings, {})),
          needs: (await findNeeds(i.communityId, t, sub, buildings, {})).length,
        })),
      )
      const have = new Set(types.map((t) => t._id))
      const visible = sub.whole
        ? buildings
        : buildings.filter(
            (b) =>
              covers(sub, { groupId: b.groupId, buildingId: b._id, floor: NaN }) ||
              sub.floors.some((f) => f.buildingId === b._id),
          )
      return {
        registers,
        canManage: isCommittee(ctx.grants, i.communityId),
        starterMissing: STARTER_SET.filter((s) => !have.has(starterTypeId(i.communityId, s.key))).length,
        buildings: visible.map((b) => ({ id: b._id, name: b.name })),
      }
    },
  }),

  installStarterSet: action({
    input: z.object({ communityId }).strict(),
    access: { roles: ['committee'], scope: (i) => ({ communityId: i.communityId }) },
    handler: async (i, ctx) => {
      const existing = await communityTypes(i.communityId)
      const have = new Set(existing.map((t) => t._id))
      const missing = STARTER_SET.filter((s) => !have.has(starterTypeId(i.communityId, s.key)))
      if (existing.length + missing.length > MAX_TYPES)
        throw new AppError('REGISTER_LIMIT', `每个小区最多 ${MAX_TYPES} 个底账，请先删除不用的底账`)
      const by = await callerStamp(ctx, i.communityId)
      const start = existing.reduce((m, t) => Math.max(m, t.order + 1), 0)
      const docs: RegisterTypeDoc[] = missing.map((s, n) => {
        const { fields, nextField } = editFields([], s.fields, 1)
        const doc: RegisterTypeDoc = {
          _id: starterTypeId(i.communityId, s.key),
          communityId: i.communityId,
          name: s.name,
          description: s.description,
          order: start + n,
          starter: s.key,
          fields,
          nextField,
          created: by,
          updated: by,
        }
        if (s.needType) doc.needType = s.needType
        return doc
      })
      // Fixed ids: a second tap, or two at once, finds them taken and writes nothing more.
      const installed = await data.insertNew('registerTypes', docs)
      return { installed, existing: STARTER_SET.length - installed }
    },
  }),

  saveRegisterType: action({
    input: z
      .object({
        communityId,
        typeId: id('底账').optional(),
        requestId: z.string().min(8).max(64).describe('请求'),
        name: nameText('底账名称', 20),
        description: z.string().max(MAX_DESCRIPTION).describe('说明'),
        needType: z.enum(NEED_TYPES).optional().describe('对应的需求类型'),
        fields: z.array(fieldInput).max(MAX_FIELDS).describe('字段'),
      })
      .strict(),
    access: { roles: ['committee'], scope: (i) => ({ communityId: i.communityId }) },
    handler: async (i, ctx): Promise<RegisterTypeView> => {
      const types = await communityTypes(i.communityId)
      const _id = i.typeId ?? `rt_${sha256(`${i.communityId}\u0000${i.requestId}`).slice(0, 24)}`
      const old = types.find((t) => t._id === _id)
      if (i.typeId !== undefined && !old) throw new AppError('NOT_FOUND', '找不到这个底账', 'typeId')
      // A retried create finds the type it made.
      if (i.typeId === undefined && old) return typeView(old)
      const name = i.name.trim()
      if (types.some((t) => t._id !== _id && t.name === name))
        throw new AppError('INVALID_INPUT', `已经有叫「${name}」的底账了，请换一个名称`, 'name')
      const { fields, nextField } = ruled(() => editFields(old?.fields ?? [], i.fields, old?.nextField ?? 1))
      const by = await callerStamp(ctx, i.communityId)
      const patch = {
        name,
        description: i.description.trim(),
        fields,
        nextField,
        updated: by,
      }
      if (old) {
        await data.update('registerTypes', _id, {
          ...patch,
          fields: data._.set(fields),
          ...(i.needType ? { needType: i.needType } : { needType: data._.remove() }),
        })
        const t: RegisterTypeDoc = { ...old, ...patch }
        if (i.needType) t.needType = i.needType
        else delete t.needType
        return typeView(t)
      }
      if (types.length >= MAX_TYPES)
        throw new AppError('REGISTER_LIMIT', `每个小区最多 ${MAX_TYPES} 个底账，请先删除不用的底账`)
      const doc: RegisterTypeDoc = {
        _id,
        communityId: i.communityId,
        order: types.reduce((m, t) => Math.max(m, t.order + 1), 0),
        ...patch,
        created: by,
      }
      if (i.needType) doc.needType = i.needType
      await data.insertNew('registerTypes', [doc])
      return typeView(doc)
    },
  }),

  deleteRegisterType: action({
    input: z.object({ typeId: id('底账'), confirm: z.string().max(40).describe('确认') }).strict(),
    access: {
      roles: ['committee'],
      scope: async (i, ctx) => ({ communityId: (await type(ctx, i.typeId)).communityId }),
    },
    handler: async (i, ctx) => {
      const t = await type(ctx, i.typeId)
      if (i.confirm.trim() !== t.name)
        throw new AppError('INVALID_INPUT', `请输入底账名称「${t.name}」确认删除`, 'confirm')
      const photos = await entryPhotos(t)
      await deleteFiles(
        photos.map((fileID) => ({ fileID, communityId: t.communityId, kind: 'registerPhoto' as const })),
      )
      const entries = await data.removeWhere('registerEntries', { typeId: t._id })
      const imports = await data.findAll<{ _id: string }>(
        'registerImports',
        { typeId: t._id },
        { fields: { _id: true } },
      )
      for (const imp of imports) await data.removeWhere('registerImportRows', { importId: imp._id })
      await data.removeWhere('registerImports', { typeId: t._id })
      await data.remove('registerTypes', t._id)
      return { entries }
    },
  }),
})
