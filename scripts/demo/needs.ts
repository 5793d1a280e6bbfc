// A morning's needs in a demo community, as the needs function would have left them: in its first three buildings, a
// medicine need just raised and waiting for the building's 云上 volunteer, a grocery need that volunteer took, a
// gas top-up done yesterday, a medical need nobody took in time that went up to the 班长, a psychological one that
// went up to the 营长, and an outing the household cancelled. Ids, levels, limits and steps come from the product's
// rules (server/needs/rules.ts: `needId`, `responseDue`, `doneDue`, `startLevel`), written field for field as
// cloudfunctions/needs/src/{raise,work,housekeeping}.ts write them.
import type { BuildingDoc, HouseholdDoc, RoleDoc } from '../../server/community/model'
import type { NeedDoc, NeedHistoryDoc, NeedStepDoc } from '../../server/needs/model'
import type { NeedLevel, NeedStatus, NeedType, NeedUrgency, Role } from '../../typings/api'
import { householdLabel } from '../../server/community/structure'
import { doneDue, needId, responseDue } from '../../server/needs/rules'

const MIN = 60_000

interface Plan {
  building: number
  type: NeedType
  urgency: NeedUrgency
  detail: string
  /** Minutes before now it was raised. */
  ago: number
  status: NeedStatus
  /** Levels it went up to, unanswered, each at its limit. */
  climbs?: NeedLevel[]
  medicine?: string[]
  outing?: { reason: string; inMinutes: number }
  cancelReason?: string
  doneNote?: string
}

const PLANS: Plan[] = [
  {
    building: 0,
    type: 'medicine',
    urgency: 'urgent',
    detail: '',
    ago: 3,
    status: 'new',
    medicine: ['硝苯地平', '阿司匹林'],
  },
  { building: 0, type: 'groceries', urgency: 'normal', detail: '两斤青菜、一盒鸡蛋', ago: 40, status: 'taken' },
  {
    building: 0,
    type: 'gas',
    urgency: 'soon',
    detail: '燃气卡充值 100 元',
    ago: 20 * 60,
    status: 'done',
    doneNote: '已充好，卡放门口',
  },
  {
    building: 1,
    type: 'medical',
    urgency: 'soon',
    detail: '老人腿疼，想去社区医院',
    ago: 25,
    status: 'escalated',
    climbs: ['building'],
  },
  {
    building: 1,
    type: 'psych',
    urgency: 'normal',
    detail: '一个人在家心里发慌，想找人说说话',
    ago: 130,
    status: 'escalated',
    climbs: ['building', 'group'],
  },
  {
    building: 2,
    type: 'outing',
    urgency: 'normal',
    detail: '',
    ago: 90,
    status: 'cancelled',
    outing: { reason: '去医院透析', inMinutes: 24 * 60 },
    cancelReason: '医院改了时间',
  },
]

export function demoNeeds(input: {
  now: number
  buildings: readonly BuildingDoc[]
  households: readonly HouseholdDoc[]
  roles: readonly RoleDoc[]
}): NeedDoc[] {
  const buildings = [...input.buildings].sort((a, b) => a.order - b.order)
  const memberName = (r: RoleDoc | undefined) =>
    input.households.find((h) => h._id === r?.householdId)?.members.find((m) => m.id === r?.memberId)?.name ??
    r?.holderName ??
    ''
  const step = (r: RoleDoc | undefined, role: Role, at: Date): NeedStepDoc => ({
    at,
    openid: r?.openid ?? '',
    role,
    name: memberName(r),
  })
  const out: NeedDoc[] = []
  const used = new Set<string>()
  for (const [i, p] of PLANS.entries()) {
    const b = buildings[p.building]
    if (!b) continue
    const home = input.households.find(
      (h) => h.buildingId === b._id && h.linkedOpenids.length > 0 && h.members.length > 0 && !used.has(h._id),
    )
    if (!home) continue
    used.add(home._id)
    const resident = input.roles.find((r) => r.role === 'resident' && r.householdId === home._id && !r.proxy)
    const online = input.roles.find(
      (r) => r.role === 'volunteer' && r.volunteerType === 'online' && r.posts?.includes(b._id),
    )
    const lead = input.roles.find((r) => r.role === 'buildingLead' && r.scope.buildingId === b._id)
    const createdAt = new Date(input.now - p.ago * MIN)
    const requestId = `demo-need-${i + 1}`
    const raised = step(resident, 'resident', createdAt)
    const first: NeedLevel = online ? 'online' : lead ? 'building' : 'group'
    const history: NeedHistoryDoc[] = [
      { kind: 'raised', at: createdAt, openid: raised.openid, name: raised.name, level: first },
    ]
    const doc: NeedDoc = {
      _id: needId(home._id, requestId),
      communityId: home.communityId,
      groupId: b.groupId,
      buildingId: b._id,
      householdId: home._id,
      label: householdLabel(b.name, home.room),
      memberId: (home.members.find((m) => m.id === resident?.memberId) ?? home.members[0])?.id as string,
      type: p.type,
      urgency: p.urgency,
      status: p.status,
      level: first,
      detail: p.detail,
      raised,
      dueAt: responseDue(p, createdAt),
      escalations: [],
      createdAt,
      updatedAt: createdAt,
      requestId,
      history,
    }
    if (p.medicine) doc.medicine = { names: p.medicine }
    if (p.outing) doc.outing = { reason: p.outing.reason, at: new Date(createdAt.getTime() + p.outing.inMinutes * MIN) }
    // Unanswered: each level's limit ran out, the timer moved it up.
    let at = createdAt
    for (const level of p.climbs ?? []) {
      at = responseDue(p, at)
      doc.level = level
      doc.escalations.push({ level, at })
      history.push({ kind: 'escalated', at, level })
      doc.dueAt = responseDue(p, at)
      doc.updatedAt = at
    }
    if ((p.status === 'taken' || p.status === 'done') && online) {
      const takenAt = new Date(createdAt.getTime() + 5 * MIN)
      doc.taken = step(online, 'volunteer', takenAt)
      history.push({ kind: 'taken', at: takenAt, openid: online.openid, name: doc.taken.name, level: 'online' })
      doc.dueAt = doneDue(p, takenAt)
      doc.updatedAt = takenAt
      if (p.status === 'done') {
        const doneAt = new Date(takenAt.getTime() + 50 * MIN)
        doc.done = { ...step(online, 'volunteer', doneAt), ...(p.doneNote ? { note: p.doneNote } : {}) }
        history.push({
          kind: 'done',
          at: doneAt,
          openid: online.openid,
          name: doc.done.name,
          ...(p.doneNote ? { note: p.doneNote } : {}),
        })
        doc.closedAt = doneAt
        doc.updatedAt = doneAt
      }
    }
    if (p.status === 'cancelled') {
      const cancelledAt = new Date(createdAt.getTime() + 10 * MIN)
      doc.cancelled = {
        ...step(resident, 'resident', cancelledAt),
        ...(p.cancelReason ? { reason: p.cancelReason } : {}),
      }
      history.push({
        kind: 'cancelled',
        at: cancelledAt,
        openid: raised.openid,
        name: raised.name,
        ...(p.cancelReason ? { note: p.cancelReason } : {}),
      })
      doc.closedAt = cancelledAt
      doc.updatedAt = cancelledAt
    }
    out.push(doc)
  }
  return out
}
