// Care over the hand-made community (./community.ts): flags on four residents, 楼栋 and 云上 volunteers with posts and
// shifts, needs seeded in the shape of server/needs/model.ts, and calls to the care function.
//
// | person          | household   | flags             | interval | seen by                                          |
// | --------------- | ----------- | ----------------- | -------- | ------------------------------------------------ |
// | 王五 m-wang     | 1号-102 (1F) | elderly, alone    | 24 h     | 1号 lead, o-bv1 (on shift), committee             |
// | 赵小六 m-zhao2  | 1号-201 (2F) | infant            | 48 h     | 1号 lead, 2F floor lead, committee (no volunteer) |
// | 钱七 m-qian     | 2号-101      | elderly, chronic  | 48 h     | o-on2 (云上 of 2号, elderly only), committee       |
// | 孙八 m-sun      | 3号-301      | mobility          | 24 h     | committee, 团长; o-bv3 (off shift at 10:00)        |
import type { Envelope, NeedStatus, ResidentFlag } from '../../typings/api'
import type { HouseholdDoc, RoleDoc } from '../../server/community/model'
import type { NeedDoc } from '../../server/needs/model'
import type { TestCloud } from './localcloud'
import { C1, H, loadFixture } from './community'
import { volunteer } from './relay'

export const CARE = {
  /** 楼栋 volunteer of 1号, 08:00–12:00 every day: on shift at TEST_NOW (10:00). */
  bv1: 'o-bv1',
  /** 云上 volunteer of 2号, no shifts: on call at any hour. */
  on2: 'o-on2',
  /** 楼栋 volunteer of 3号, 18:00–22:00: off shift at 10:00. */
  bv3: 'o-bv3',
  /** 楼栋 volunteer of 1号 with an overnight shift, Mondays 22:00–06:00, and Tuesdays 09:00–18:00. */
  night: 'o-night',
} as const

export const CARE_ROLES: RoleDoc[] = [
  volunteer(CARE.bv1, 'building', ['b1'], { shifts: [{ from: '08:00', to: '12:00' }] }),
  volunteer(CARE.on2, 'online', ['b2']),
  volunteer(CARE.bv3, 'building', ['b3'], { shifts: [{ from: '18:00', to: '22:00' }] }),
  volunteer(CARE.night, 'building', ['b1'], {
    shifts: [
      { from: '22:00', to: '06:00', days: [1] },
      { from: '09:00', to: '18:00', days: [2] },
    ],
  }),
]

export const PERSON = {
  wang: { householdId: H.b1r102._id, memberId: 'm-wang' },
  zhao2: { householdId: H.b1r201._id, memberId: 'm-zhao2' },
  qian: { householdId: H.b2r101._id, memberId: 'm-qian' },
  sun: { householdId: H.b3r301._id, memberId: 'm-sun' },
} as const

const FLAGS: [HouseholdDoc, string, ResidentFlag[]][] = [
  [H.b2r101, 'm-qian', ['elderly', 'chronic']],
  [H.b3r301, 'm-sun', ['mobility']],
]

/** The fixture with the care volunteers and flags. */
export async function loadCare(t: TestCloud): Promise<void> {
  await loadFixture(t)
  for (const r of CARE_ROLES) await t.data.set('roles', r)
  for (const [h, memberId, flags] of FLAGS) {
    const doc = (await t.data.get<HouseholdDoc>('households', h._id)) as HouseholdDoc
    await t.data.update('households', h._id, {
      members: t.data._.set(doc.members.map((m) => (m.id === memberId ? { ...m, flags } : m))),
    })
  }
}

/** A need of a household, as the needs function stores it. */
export function needDoc(id: string, h: HouseholdDoc, status: NeedStatus, memberId?: string): NeedDoc {
  const at = new Date('2026-11-24T01:00:00Z')
  const raised = { at, openid: 'o-lead1', role: 'buildingLead' as const, name: '楼组长' }
  return {
    _id: id,
    communityId: h.communityId,
    groupId: h.groupId,
    buildingId: h.buildingId,
    householdId: h._id,
    ...(memberId ? { memberId } : {}),
    type: 'medicine',
    urgency: 'soon',
    status,
    level: 'online',
    detail: '降压药',
    raised,
    dueAt: new Date(at.getTime() + 3_600_000),
    escalations: [],
    createdAt: at,
    updatedAt: at,
    label: `${h.buildingId}-${h.room}`,
    requestId: `req-${id}`,
    history: [{ kind: 'raised', at, level: 'online', openid: raised.openid, name: raised.name }],
  }
}

let seq = 0
export const freshRequest = () => `req-${Date.now().toString(36)}-${++seq}`

export function care(t: TestCloud) {
  const call = <T>(openid: string, action: string, payload: object) =>
    t.call<Envelope<T>>('care', { action, payload }, openid)
  return {
    call,
    async ok<T>(openid: string, action: string, payload: object): Promise<T> {
      const res = await call<T>(openid, action, payload)
      if (!res.ok) throw new Error(`${action} as ${openid}: ${res.code} ${res.message}`)
      return res.data
    },
  }
}

export { C1 }
