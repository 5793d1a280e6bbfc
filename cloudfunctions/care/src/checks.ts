// The check list, recording a check, a person's history and the committee's overview. Who sees whom is
// server/care/rules.ts's careRelation: committee, the building and floor leads of a household, its 营长 and 团长,
// and the 楼栋 / 云上 volunteers whose posts include its building, only within their shifts.
import { createHash } from 'node:crypto'
import type {
  CareHistoryView,
  CareListView,
  CareOverviewView,
  CarePersonView,
  CareRecordResult,
  CareResult,
} from '../../../typings/api'
import type { BuildingDoc, HouseholdDoc } from '../../../server/community/model'
import type { CareCheckDoc, CareStatusDoc } from '../../../server/care/model'
import {
  action,
  AppError,
  defineActions,
  hasRole,
  instant,
  isAppError,
  nowDate,
  shanghaiDay,
  z,
  type ActionContext,
} from '../../../server/kernel'
import type { RawTransaction } from '../../../server/kernel/db'
import { data } from '../../../server/platform/cloud'
import { buildingScope, householdScope, loadBuilding, loadHousehold } from '../../../server/platform/places'
import { notify } from '../../../server/platform/notify'
import { TEMPLATES } from '../../../server/templates'
import { formatShanghai } from '../../../server/kernel'
import { shiftText } from '../../../server/community/shifts'
import { householdLabel } from '../../../server/community/structure'
import {
  alertsOn,
  careOrder,
  countsOf,
  deleteAfterOf,
  flagsFor,
  isSuccess,
  nextStreak,
  ownScope,
  standing,
  VOLUNTEER_FLAGS,
  type CareRelation,
} from '../../../server/care/rules'
import {
  bare,
  callerName,
  checkView,
  communityBuildings,
  householdsOf,
  id,
  openNeedsOf,
  ownPlaceIn,
  PERSON_PAGE,
  personView,
  relationTo,
  statusesOf,
  statusId,
  type Subject,
} from './common'

/** People one list answers at most; a larger scope is asked for one building at a time. */
export const LIST_LIMIT = 300
/** Checks of a person's history per answer. */
export const HISTORY_PAGE = 30

const CARE_ROLES = ['committee', 'communityLead', 'groupLead', 'buildingLead', 'floorLead', 'volunteer'] as const

const HOW = z.enum(['phone', 'visit', 'wechat'], { message: '请选择联系方式：电话、上门或微信' }).describe('联系方式')
const RESULT = z
  .enum(['safe', 'needs', 'unreachable'], { message: '请选择联系结果：平安、有需要或联系不上' })
  .describe('联系结果')

const HOW_LABELS = { phone: '电话', visit: '上门', wechat: '微信' } as const

async function householdTargetScope(input: { householdId: string }, ctx: ActionContext) {
  const h = await loadHousehold(ctx, input.householdId)
  return householdScope(h, await loadBuilding(ctx, h.buildingId))
}

/** The subjects of some households, each flagged member once, with their status. */
function subjectsOf(
  households: readonly HouseholdDoc[],
  buildings: ReadonlyMap<string, BuildingDoc>,
  statuses: ReadonlyMap<string, CareStatusDoc>,
): Subject[] {
  return households.flatMap((h) => {
    const building = buildings.get(h.buildingId)
    if (!building) return []
    return h.members
      .filter((m) => m.flags.length > 0)
      .map((member) => {
        const s: Subject = { household: h, member, building }
        const status = statuses.get(statusId(h._id, member.id))
        if (status) s.status = status
        return s
      })
  })
}

/** Whose list: the buildings (and floors) asked for that the caller may see, each person with its relation. */
async function listFor(
  ctx: ActionContext,
  communityId: string,
  buildingId: string | undefined,
  now: Date,
): Promise<{ people: (CarePersonView & { buildingOrder: number })[]; offShift: boolean; truncated: boolean }> {
  const buildings = new Map((await communityBuildings(communityId)).map((b) => [b._id, b]))
  let ids: string[]
  let offShift = false
  if (buildingId) ids = buildings.has(buildingId) ? [buildingId] : []
  else {
    const own = ownScope(ctx.grants, communityId, now)
    offShift = own.offShiftPosts && own.buildings.size === 0 && own.floors.size === 0
    ids = [...new Set([...own.buildings, ...[...own.floors].map((f) => f.split(':')[0] as string)])]
  }
  const households = await householdsOf(communityId, ids)
  const statuses = await statusesOf(communityId, ids)
  const rows: { s: Subject; relation: CareRelation }[] = []
  for (const s of subjectsOf(households, buildings, statuses)) {
    const relation = relationTo(ctx, s.household, now)
    if (!relation) continue
    if (relation === 'offShift') {
      offShift = true
      continue
    }
    rows.push({ s, relation })
  }
  const truncated = rows.length > LIST_LIMIT
  const kept = rows.slice(0, LIST_LIMIT)
  const needs = await openNeedsOf(kept.map((r) => r.s.household._id))
  const people = kept.flatMap(({ s, relation }) => {
    const v = personView(ctx, s, relation, now, needs.get(s.household._id))
    return v ? [v] : []
  })
  return { people: people.sort(careOrder), offShift: offShift && people.length === 0, truncated }
}

const counts = (people: readonly CarePersonView[]) =>
  countsOf(people.map((p) => ({ state: p.state, contactedToday: p.contactedToday, lastResult: p.last?.result })))

/** The caller's shifts as text, for a volunteer told they are off shift. */
function shiftsOf(ctx: ActionContext, communityId: string): string {
  return ctx.grants
    .filter((g) => g.role === 'volunteer' && g.scope.communityId === communityId && g.shifts?.length)
    .map((g) => shiftText(g.shifts))
    .join('；')
}

/** Load the person and the caller's relation to them, refusing what is not theirs. */
async function subjectFor(
  ctx: ActionContext,
  householdId: string,
  memberId: string,
  now: Date,
): Promise<{ s: Subject; relation: CareRelation }> {
  const household = await loadHousehold(ctx, householdId)
  const building = await loadBuilding(ctx, household.buildingId)
  const relation = relationTo(ctx, household, now)
  if (relation === 'offShift') throw new AppError('OFF_SHIFT')
  if (!relation) throw new AppError('FORBIDDEN')
  const member = household.erasedAt ? undefined : household.members.find((m) => m.id === memberId)
  if (!member || flagsFor(relation, member.flags).length === 0) throw new AppError('NOT_ON_CARE_LIST')
  const s: Subject = { household, member, building }
  const status = await data.get<CareStatusDoc>('careStatus', statusId(householdId, memberId))
  if (status) s.status = status
  return { s, relation }
}

/** A check's id: the author's requestId, so a retried call finds its first write. */
export const checkId = (openid: string, requestId: string) =>
  `chk_${createHash('sha256').update(`${openid}\u0000${requestId}`).digest('hex').slice(0, 32)}`

const txGet = async <T>(tx: RawTransaction, coll: 'careChecks' | 'careStatus', docId: string): Promise<T | null> =>
  ((await tx.collection(coll).doc(docId).get()) as { data: T | null }).data

async function inTransaction<T>(fn: (tx: RawTransaction) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await data.raw.runTransaction(fn)
    } catch (err) {
      if (isAppError(err) || attempt >= 4) throw err
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 60 * attempt))
    }
  }
}

/** Openids told of a second 联系不上: the building's leads and the community's committee. */
async function alertRecipients(communityId: string, buildingId: string): Promise<string[]> {
  const [leads, committee] = await Promise.all([
    data.findAll<{ openid: string }>('roles', { communityId, role: 'buildingLead', 'scope.buildingId': buildingId }),
    data.findAll<{ openid: string }>('roles', { communityId, role: 'committee' }),
  ])
  return [...new Set([...leads, ...committee].map((r) => r.openid))]
}

function statusAfter(prev: CareStatusDoc | null, c: CareCheckDoc, now: Date): CareStatusDoc {
  const doc: CareStatusDoc = {
    _id: statusId(c.householdId, c.memberId),
    communityId: c.communityId,
    groupId: c.groupId,
    buildingId: c.buildingId,
    householdId: c.householdId,
    memberId: c.memberId,
    lastCheckId: c._id,
    lastAt: c.at,
    lastResult: c.result,
    lastHow: c.how,
    lastBy: c.by,
    lastByName: c.byName,
    unreachableStreak: nextStreak(prev?.unreachableStreak ?? 0, c.result),
    updatedAt: now,
  }
  if (c.note) doc.lastNote = c.note
  const success = isSuccess(c.result) ? c.at : prev?.lastSuccessAt
  if (success) doc.lastSuccessAt = success
  return doc
}

export const checkActions = defineActions('care', {
  careList: action({
    input: z.object({ communityId: id('小区'), buildingId: id('楼栋').optional() }).strict(),
    access: {
      roles: CARE_ROLES,
      scope: async (i, ctx) =>
        i.buildingId ? buildingScope(await loadBuilding(ctx, i.buildingId)) : ownPlaceIn(CARE_ROLES)(i, ctx),
    },
    handler: async (input, ctx): Promise<CareListView> => {
      const now = nowDate()
      if (input.buildingId) {
        const b = await loadBuilding(ctx, input.buildingId)
        if (b.communityId !== input.communityId) throw new AppError('FORBIDDEN')
      }
      const { people, offShift, truncated } = await listFor(ctx, input.communityId, input.buildingId, now)
      const view: CareListView = {
        communityId: input.communityId,
        day: shanghaiDay(now),
        people: people.map(bare),
        counts: counts(people),
      }
      if (offShift) view.offShift = { shifts: shiftsOf(ctx, input.communityId) }
      if (truncated) view.truncated = true
      return view
    },
  }),

  recordCheck: action({
    input: z
      .object({
        householdId: id('住户'),
        memberId: id('居民'),
        how: HOW,
        result: RESULT,
        note: z.string().trim().max(200, '备注最多 200 个字').describe('备注').optional(),
        requestId: z.string().min(8, '请求编号不正确').max(64).describe('请求编号'),
      })
      .strict(),
    access: { roles: CARE_ROLES, scope: householdTargetScope },
    handler: async (input, ctx): Promise<CareRecordResult> => {
      const now = nowDate()
      const { s, relation } = await subjectFor(ctx, input.householdId, input.memberId, now)
      const _id = checkId(ctx.caller.openid, input.requestId)
      const byName = await callerName(ctx, s.household.communityId)
      const role =
        relation === 'volunteer'
          ? 'volunteer'
          : (ctx.grants.find(
              (g) =>
                g.scope.communityId === s.household.communityId &&
                ['committee', 'buildingLead', 'floorLead', 'groupLead', 'communityLead'].includes(g.role),
            )?.role ?? 'volunteer')
      const fresh: CareCheckDoc = {
        _id,
        communityId: s.household.communityId,
        groupId: s.building.groupId,
        buildingId: s.building._id,
        householdId: s.household._id,
        memberId: s.member.id,
        how: input.how,
        result: input.result,
        by: ctx.caller.openid,
        byName,
        role,
        at: now,
        day: shanghaiDay(now),
        deleteAfter: deleteAfterOf(now),
      }
      if (input.note) fresh.note = input.note // an empty note after trimming is no note
      const { check, status, created } = await inTransaction(async (tx) => {
        const existing = await txGet<CareCheckDoc>(tx, 'careChecks', _id)
        const prev = await txGet<CareStatusDoc>(tx, 'careStatus', statusId(s.household._id, s.member.id))
        if (existing) return { check: existing, status: prev, created: false }
        const next = statusAfter(prev, fresh, now)
        const alerted = alertsOn(next.unreachableStreak)
        const check = alerted ? { ...fresh, alerted: true } : fresh
        const { _id: cid, ...checkRest } = check
        await tx.collection('careChecks').doc(cid).set({ data: checkRest })
        const { _id: sid, ...statusRest } = next
        await tx.collection('careStatus').doc(sid).set({ data: statusRest })
        return { check, status: next, created: true }
      })
      if (check.householdId !== s.household._id || check.memberId !== s.member.id)
        throw new AppError('CONFLICT', '这个请求编号已用于另一位居民，请重新提交', 'requestId')
      // Enqueued on the first call and on a retry alike: the queue's ids (purpose, recipient) keep it to one notice
      // each, and a retry after a failed enqueue still sends it.
      if (check.alerted) {
        const to = await alertRecipients(check.communityId, check.buildingId)
        await notify(
          'care',
          to.map((touser) => ({
            purpose: `care.unreachable:${check._id}`,
            touser,
            templateId: TEMPLATES.careAlert,
            page: `${PERSON_PAGE}?householdId=${check.householdId}&memberId=${check.memberId}`,
            fields: {
              thing1: householdLabel(s.building.name, s.household.room),
              thing2: '连续两次联系不上，请尽快上门查看',
              time3: formatShanghai(check.at),
            },
          })),
        )
      }
      const after: Subject = { ...s }
      if (status) after.status = status
      const needs = await openNeedsOf([s.household._id])
      const person = personView(ctx, after, relation, now, needs.get(s.household._id))
      if (!person) throw new AppError('NOT_ON_CARE_LIST')
      void created
      return { check: checkView(check, ctx, relation), person: bare(person), alerted: !!check.alerted }
    },
  }),

  careHistory: action({
    input: z.object({ householdId: id('住户'), memberId: id('居民'), before: instant('时间').optional() }).strict(),
    access: { roles: CARE_ROLES, scope: householdTargetScope },
    handler: async (input, ctx): Promise<CareHistoryView> => {
      const now = nowDate()
      const { s, relation } = await subjectFor(ctx, input.householdId, input.memberId, now)
      const where: Record<string, unknown> = { householdId: input.householdId, memberId: input.memberId }
      if (input.before) where.at = data._.lt(new Date(input.before))
      const rows = await data.find<CareCheckDoc>(
        'careChecks',
        { ...where },
        { orderBy: [['at', 'desc']], limit: HISTORY_PAGE + 1 },
      )
      const person = personView(ctx, s, relation, now)
      if (!person) throw new AppError('NOT_ON_CARE_LIST')
      const { openNeeds: _needs, ...rest } = bare(person)
      void _needs
      const view: CareHistoryView = {
        person: rest,
        checks: rows.slice(0, HISTORY_PAGE).map((c) => checkView(c, ctx, relation)),
      }
      const lastShown = rows[HISTORY_PAGE - 1]
      if (rows.length > HISTORY_PAGE && lastShown) view.more = new Date(lastShown.at).toISOString()
      return view
    },
  }),

  careOverview: action({
    input: z.object({ communityId: id('小区') }).strict(),
    access: {
      roles: ['committee', 'communityLead', 'groupLead'],
      scope: (i, ctx) => ownPlaceIn(['committee', 'communityLead', 'groupLead'])(i, ctx),
    },
    handler: async (input, ctx): Promise<CareOverviewView> => {
      const now = nowDate()
      const all = await communityBuildings(input.communityId)
      const whole = hasRole(ctx.grants, ['committee', 'communityLead'], { communityId: input.communityId })
      const groups = new Set(
        ctx.grants
          .filter((g) => g.role === 'groupLead' && g.scope.communityId === input.communityId && g.scope.groupId)
          .map((g) => g.scope.groupId as string),
      )
      const buildings = whole ? all : all.filter((b) => groups.has(b.groupId))
      const ids = buildings.map((b) => b._id)
      const [households, statuses] = await Promise.all([
        householdsOf(input.communityId, whole ? undefined : ids),
        statusesOf(input.communityId, whole ? undefined : ids),
      ])
      const per = new Map<
        string,
        { state: CarePersonView['state']; contactedToday: boolean; lastResult?: CareResult }[]
      >()
      for (const h of households)
        for (const m of h.members) {
          if (m.flags.length === 0) continue
          const status = statuses.get(statusId(h._id, m.id))
          const st = standing(m.flags, status, now)
          const row: { state: CarePersonView['state']; contactedToday: boolean; lastResult?: CareResult } = {
            state: st.state,
            contactedToday: st.contactedToday,
          }
          if (status) row.lastResult = status.lastResult
          per.set(h.buildingId, [...(per.get(h.buildingId) ?? []), row])
        }
      const rows = buildings.flatMap((b) => {
        const people = per.get(b._id)
        return people?.length ? [{ buildingId: b._id, name: b.name, ...countsOf(people) }] : []
      })
      return {
        communityId: input.communityId,
        day: shanghaiDay(now),
        buildings: rows,
        totals: countsOf([...per.entries()].filter(([b]) => ids.includes(b)).flatMap(([, p]) => p)),
      }
    },
  }),
})

export { HOW_LABELS, VOLUNTEER_FLAGS }
