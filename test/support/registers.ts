// The registers over the hand-made community (./community.ts): calls to the registers and sheets functions, needs
// seeded in the shape server/needs/model.ts stores (the needs function is another feature's), and a sheet to import.
import type { Envelope, NeedStatus, NeedType, RegisterTypeView } from '../../typings/api'
import type { NeedDoc } from '../../server/needs/model'
import type { HouseholdDoc } from '../../server/community/model'
import { starterTypeId } from '../../server/registers/starter'
import type { TestCloud } from './localcloud'
import { C1, WHO } from './community'

let seq = 0
export const freshId = (prefix = 'req') => `${prefix}-${Date.now().toString(36)}-${++seq}-abcdef`

export function registers(t: TestCloud) {
  const call = <T>(who: string, action: string, payload: object, fn = 'registers') =>
    t.call<Envelope<T>>(fn, { action, payload }, who)
  const ok = async <T>(who: string, action: string, payload: object, fn = 'registers'): Promise<T> => {
    const r = await call<T>(who, action, payload, fn)
    if (!r.ok) throw new Error(`${action} as ${who}: ${r.code} ${r.message}`)
    return r.data
  }
  return { call, ok }
}

/** The starter set installed in c1 by its committee; the type of `key`. */
export async function installStarter(t: TestCloud): Promise<void> {
  await registers(t).ok(WHO.committee, 'installStarterSet', { communityId: C1 })
}
export const STARTER = (key: string) => starterTypeId(C1, key)

export async function typeOf(t: TestCloud, key: string): Promise<RegisterTypeView> {
  const list = await registers(t).ok<{ registers: { type: RegisterTypeView }[] }>(WHO.committee, 'listRegisters', {
    communityId: C1,
  })
  const found = list.registers.find((r) => r.type.id === STARTER(key))
  if (!found) throw new Error(`no starter type ${key}`)
  return found.type
}

/** The field id of a type's field by label. */
export const fieldId = (type: RegisterTypeView, label: string) => {
  const f = type.fields.find((x) => x.label === label && !x.removed)
  if (!f) throw new Error(`no field ${label} in ${type.name}`)
  return f.id
}

const at = new Date('2026-11-23T02:00:00Z')

/** A need as the needs function stores it. */
export function needDoc(
  id: string,
  h: Pick<HouseholdDoc, '_id' | 'communityId' | 'groupId' | 'buildingId'>,
  type: NeedType,
  extra: Partial<NeedDoc> = {},
): NeedDoc {
  const status: NeedStatus = extra.status ?? 'new'
  return {
    _id: id,
    communityId: h.communityId,
    groupId: h.groupId,
    buildingId: h.buildingId,
    householdId: h._id,
    type,
    urgency: 'normal',
    status,
    level: 'online',
    detail: '降压药两盒',
    raised: { at, openid: 'o-zhang', role: 'resident', name: '张三' },
    dueAt: new Date('2026-11-23T04:00:00Z'),
    escalations: [],
    createdAt: at,
    updatedAt: at,
    label: `${h.buildingId}-${h._id}`,
    requestId: `req-${id}`,
    history: [{ kind: 'raised', at, level: 'online', openid: 'o-zhang', name: '张三' }],
    ...extra,
  }
}

export async function putNeeds(t: TestCloud, needs: NeedDoc[]): Promise<void> {
  for (const n of needs) {
    const { _id, ...rest } = n
    await t.sdk.database().collection('needs').doc(_id).set({ data: rest })
  }
}
