// The last three days of care contacts in a demo community, as leads and volunteers would have left them: most flagged
// residents were reached by their building lead or a 楼栋 / 云上 volunteer of their building (phone, visit or WeChat),
// some today, some yesterday; a few living alone were last reached more than a day ago (overdue), a few were not
// reached at the last try, and one could not be reached twice in a row (the alert went to the lead and the
// committee). Every check and status is written as cloudfunctions/care/src/checks.ts writes them (ids, streaks,
// `deleteAfter`), from the product's rules (server/care/rules.ts); the push queue stays empty.
import type { CareHow, CareResult } from '../../typings/api'
import type { BuildingDoc, HouseholdDoc, RoleDoc } from '../../server/community/model'
import type { CareCheckDoc, CareStatusDoc } from '../../server/care/model'
import { alertsOn, deleteAfterOf, isSuccess, nextStreak } from '../../server/care/rules'
import { createHash } from 'node:crypto'
import { shanghaiDay } from '../../server/kernel/time'
import type { Rng } from './random'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

export interface CareDemoInput {
  rng: Rng
  now: number
  buildings: BuildingDoc[]
  households: HouseholdDoc[]
  roles: RoleDoc[]
  /** The name of a role holder, as the ledger or the grant knows them. */
  nameOf: (r: RoleDoc) => string
}

export interface CareDemo {
  careChecks: CareCheckDoc[]
  careStatus: CareStatusDoc[]
  summary: { people: number; checked: number; checks: number; overdue: number; unreachable: number; alerted: number }
}

const checkId = (openid: string, requestId: string) =>
  `chk_${createHash('sha256').update(`${openid}\u0000${requestId}`).digest('hex').slice(0, 32)}`

export function demoCare(input: CareDemoInput): CareDemo {
  const { rng, now } = input
  const byBuilding = new Map(input.buildings.map((b) => [b._id, b]))
  const carers = new Map<string, RoleDoc[]>()
  for (const r of input.roles) {
    const buildings =
      r.role === 'buildingLead'
        ? [r.scope.buildingId as string]
        : r.role === 'volunteer' && (r.volunteerType === 'building' || r.volunteerType === 'online')
          ? (r.posts ?? [])
          : []
    for (const b of buildings) carers.set(b, [...(carers.get(b) ?? []), r])
  }
  const careChecks: CareCheckDoc[] = []
  const careStatus: CareStatusDoc[] = []
  const summary = { people: 0, checked: 0, checks: 0, overdue: 0, unreachable: 0, alerted: 0 }
  let seq = 0
  let alertLeft = 1
  for (const h of input.households) {
    const building = byBuilding.get(h.buildingId)
    const who = carers.get(h.buildingId)
    for (const m of h.members) {
      if (m.flags.length === 0) continue
      summary.people++
      // A few on the list nobody has reached yet (new on the list, or the lead had no time).
      if (!building || !who?.length || rng.chance(0.03)) {
        summary.overdue++
        continue
      }
      const urgent = m.flags.includes('alone') || m.flags.includes('mobility')
      // Results oldest first: one or two contacts over the last two days.
      const plan: { ago: number; result: CareResult }[] = []
      if (alertLeft > 0 && urgent) {
        alertLeft--
        plan.push({ ago: 26 * HOUR, result: 'safe' }, { ago: 5 * HOUR, result: 'unreachable' })
        plan.push({ ago: 2 * HOUR, result: 'unreachable' })
      } else {
        const lastAgo = urgent && rng.chance(0.08) ? rng.int(25, 40) * HOUR : rng.int(1, 30) * HOUR
        if (rng.chance(0.5)) plan.push({ ago: lastAgo + rng.int(20, 26) * HOUR, result: 'safe' })
        plan.push({
          ago: lastAgo,
          result: rng.weighted([
            ['safe', 80],
            ['needs', 12],
            ['unreachable', 8],
          ] as const),
        })
      }
      summary.checked++
      let prev: CareStatusDoc | undefined
      for (const step of plan) {
        const at = new Date(now - step.ago - rng.int(0, 50) * MINUTE)
        const by = rng.pick(who)
        const how: CareHow = rng.weighted([
          ['phone', 60],
          ['visit', 30],
          ['wechat', 10],
        ] as const)
        const streak = nextStreak(prev?.unreachableStreak ?? 0, step.result)
        const c: CareCheckDoc = {
          _id: checkId(by.openid, `demo-care-${++seq}`),
          communityId: h.communityId,
          groupId: building.groupId,
          buildingId: h.buildingId,
          householdId: h._id,
          memberId: m.id,
          how,
          result: step.result,
          by: by.openid,
          byName: input.nameOf(by),
          role: by.role,
          at,
          day: shanghaiDay(at),
          deleteAfter: deleteAfterOf(at),
        }
        if (step.result === 'needs') c.note = rng.pick(['缺降压药，已告诉云上志愿者', '米快吃完了', '想托人买菜'])
        if (step.result === 'unreachable') c.note = rng.pick(['电话没人接', '敲门没人应'])
        if (alertsOn(streak)) {
          c.alerted = true
          summary.alerted++
        }
        careChecks.push(c)
        summary.checks++
        const status: CareStatusDoc = {
          _id: `${h._id}:${m.id}`,
          communityId: h.communityId,
          groupId: building.groupId,
          buildingId: h.buildingId,
          householdId: h._id,
          memberId: m.id,
          lastCheckId: c._id,
          lastAt: at,
          lastResult: c.result,
          lastHow: how,
          lastBy: by.openid,
          lastByName: c.byName,
          unreachableStreak: streak,
          updatedAt: at,
        }
        if (c.note) status.lastNote = c.note
        const success = isSuccess(c.result) ? at : prev?.lastSuccessAt
        if (success) status.lastSuccessAt = success
        prev = status
      }
      if (prev) {
        careStatus.push(prev)
        if (prev.lastResult === 'unreachable') summary.unreachable++
        const hours = urgent ? 24 : 48
        if (!prev.lastSuccessAt || now - new Date(prev.lastSuccessAt).getTime() >= hours * HOUR) summary.overdue++
      }
    }
  }
  return { careChecks, careStatus, summary }
}
