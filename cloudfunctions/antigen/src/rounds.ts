// Opening and closing rounds, listing them, and a resident's open rounds.
import { createHash } from 'node:crypto'
import type { MySubmissionView, RoundView } from '../../../typings/api'
import type { ChainDoc, IntakeDoc, RoundDoc, RoundSubscriberDoc } from '../../../server/antigen/model'
import type {
  BuildingDoc,
  CommunityDoc,
  GroupDoc,
  HouseholdDoc,
  RoleDoc,
  ZoneDoc,
} from '../../../server/community/model'
import {
  action,
  addDays,
  AppError,
  calendarDay,
  defineActions,
  formatShanghai,
  instant,
  nowDate,
  nowMs,
  startOfShanghaiDay,
  today,
  z,
} from '../../../server/kernel'
import { householdLabel } from '../../../server/community/structure'
import { TEMPLATES } from '../../../server/templates'
import { data } from '../../../server/platform/cloud'
import type { Grant } from '../../../server/platform/grants'
import { notify } from '../../../server/platform/notify'
import { chainFields, closeRoundDocs, isClosed, iso, leadScope, loadRound, roundView } from './common'
import { intakeId } from '../../../server/antigen/sequencer'
import { newChain } from '../../../server/antigen/rules'
import { trusted } from '../../../server/platform/grants'

const id = (label: string) => z.string().min(1).max(80).describe(label)
const communityScope = (i: { communityId: string }) => ({ communityId: i.communityId })
/** A round's day: from yesterday (a late round for a test already done) to this many days ahead. */
export const MAX_DAYS_AHEAD = 7

export const roundActions = defineActions('antigen', {
  openRound: action({
    input: z
      .object({
        communityId: id('小区'),
        date: calendarDay('检测日期'),
        deadline: instant('截止时间'),
        notice: z.string().trim().min(1).max(200).describe('通知内容'),
        buildingIds: z.array(id('楼栋')).min(1).max(2000).optional().describe('参加的楼栋'),
        /** The page's id for this request: a retry or a second tap with it opens nothing new. */
        requestId: z
          .string()
          .min(8)
          .max(40)
          .regex(/^[A-Za-z0-9_-]+$/)
          .optional()
          .describe('请求编号'),
      })
      .strict(),
    access: { roles: ['committee', 'communityLead'], scope: communityScope },
    handler: async (input, ctx): Promise<RoundView> => {
      const deadline = new Date(input.deadline)
      const day = today()
      if (input.date < addDays(day, -1)) throw new AppError('INVALID_INPUT', '检测日期不能早于昨天', 'date')
      if (input.date > addDays(day, MAX_DAYS_AHEAD))
        throw new AppError('INVALID_INPUT', `检测日期最多可以选 ${MAX_DAYS_AHEAD} 天以后`, 'date')
      if (deadline.getTime() <= nowMs()) throw new AppError('INVALID_INPUT', '截止时间要晚于现在', 'deadline')
      if (deadline.getTime() > startOfShanghaiDay(addDays(input.date, 2)).getTime())
        throw new AppError('INVALID_INPUT', '截止时间最晚是检测日期的第二天', 'deadline')
      // The round's id comes from the request (the page's request id and what was asked), so a retry after a
      // timeout, or a second tap, lands on the same round and finishes whatever the first call left undone; the
      // same form sent again later (a new request id) opens a new round.
      const roundId = `rnd_${createHash('sha256')
        .update(
          JSON.stringify([
            input.communityId,
            input.requestId ?? null,
            [input.date, input.deadline, input.notice, input.buildingIds ?? null],
          ]),
        )
        .digest('hex')
        .slice(0, 24)}`
      const before = await data.get<RoundDoc>('rounds', roundId)
      if (before?.status === 'closed') return roundView({ ...before, buildingIds: before.buildingIds ?? [] })
      const community = await data.get<CommunityDoc>('communities', input.communityId)
      if (!community) throw new AppError('NOT_FOUND', '找不到这个小区')
      if (community.closing) throw new AppError('COMMUNITY_CLOSED', '本小区已停止使用，不能再开始新一轮检测')
      const [buildings, groups, zones] = await Promise.all([
        data.findAll<BuildingDoc>('buildings', { communityId: community._id }),
        data.findAll<GroupDoc>('groups', { communityId: community._id }),
        data.findAll<ZoneDoc>('zones', { communityId: community._id }),
      ])
      const zoneName = new Map(zones.map((z) => [z._id, z.name]))
      let inScope = buildings
      if (input.buildingIds) {
        const wanted = new Set(input.buildingIds)
        inScope = buildings.filter((b) => wanted.has(b._id))
        if (inScope.length !== wanted.size) throw new AppError('NOT_FOUND', '有楼栋不属于本小区', 'buildingIds')
      }
      if (inScope.length === 0) throw new AppError('INVALID_INPUT', '本小区还没有楼栋', 'communityId')
      const $ = data._.aggregate
      const counts = await data.runAggregate<{ _id: string; n: number }>(
        data
          .aggregate('households')
          .match({ communityId: community._id, 'members.0': data._.exists(true) })
          .group({ _id: '$buildingId', n: $.sum(1) })
          .limit(100000),
      )
      const expected = new Map(counts.map((c) => [c._id, c.n]))
      const round: RoundDoc = {
        buildingCount: inScope.length,
        _id: roundId,
        communityId: community._id,
        date: input.date,
        deadline,
        notice: input.notice,
        status: 'open',
        allBuildings: !input.buildingIds,
        buildingIds: inScope.map((b) => b._id),
        openedBy: ctx.caller.openid,
        openedAt: nowDate(),
      }
      const groupName = new Map(groups.map((g) => [g._id, g.name]))
      const groupZone = new Map(groups.flatMap((g) => (g.zoneId ? [[g._id, g.zoneId] as const] : [])))
      const scopeIds = new Set(round.buildingIds)
      const staff = trusted(
        await data.findAll<RoleDoc>('roles', {
          communityId: community._id,
          role: data._.in(['buildingLead', 'floorLead', 'committee']),
        }),
      )
      const leads = staff.filter((l) => l.role !== 'committee' && scopeIds.has(l.scope.buildingId ?? ''))
      const committee = [...new Set(staff.filter((l) => l.role === 'committee').map((l) => l.openid))]
      const facts = { ...round, buildingCount: inScope.length }
      // Floors with a 层长: each is confirmed by its 层长 before the building (docs/antigen.md, 「Floors」).
      const floorsOf = (buildingId: string) =>
        [
          ...new Set(
            staff.flatMap((l) =>
              l.role === 'floorLead' && l.scope.buildingId === buildingId && typeof l.scope.floor === 'number'
                ? [l.scope.floor]
                : [],
            ),
          ),
        ].sort((a, b) => a - b)
      const chains: ChainDoc[] = inScope.map((b) => ({
        ...newChain(
          facts,
          // A building without its own 片区 belongs to its 营's.
          { ...b, ...((b.zoneId ?? groupZone.get(b.groupId)) ? { zoneId: b.zoneId ?? groupZone.get(b.groupId) } : {}) },
          groupName.get(b.groupId) ?? '',
          expected.get(b._id) ?? 0,
          { leads: [...new Set(leads.filter((l) => l.scope.buildingId === b._id).map((l) => l.openid))], committee },
          zoneName.get(b.zoneId ?? groupZone.get(b.groupId) ?? ''),
        ),
        floorsToConfirm: floorsOf(b._id),
      }))
      // Chains first, as `opening` (no submissions, in nobody's list), then the round, then the chains are opened:
      // a call that stops half-way leaves nothing anyone sees, and its retry writes only what is missing.
      const have = new Set(
        (await data.findAll<{ _id: string }>('chains', { roundId }, { fields: { _id: true } })).map((c) => c._id),
      )
      const missing = chains.filter((c) => !have.has(c._id)).map((c) => ({ ...c, status: 'opening' as const }))
      for (let i = 0; i < missing.length; i += 100) await data.insertNew('chains', missing.slice(i, i + 100))
      if (before) Object.assign(round, { openedAt: before.openedAt, openedBy: before.openedBy })
      else await data.set('rounds', round)
      await data.updateWhere('chains', { roundId, status: 'opening' }, { status: 'open', version: data._.inc(1) })

      // Leads and the residents who asked (开轮提醒) through the queue: this call returns before anyone is told.
      // The purpose is the round as asked for, so the same request retried tells nobody twice.
      const fields = {
        thing1: `${community.name} ${input.date} 抗原检测`,
        time2: formatShanghai(deadline),
        thing3: input.notice,
      }
      const asked = createHash('sha256')
        .update(JSON.stringify([input.deadline, input.notice, round.buildingIds]))
        .digest('hex')
        .slice(0, 16)
      const purpose = `antigen.roundOpened:${community._id}:${input.date}:${asked}`
      const leadOf = new Map<string, string>()
      for (const l of leads) if (!leadOf.has(l.openid)) leadOf.set(l.openid, l.scope.buildingId ?? '')
      const subscribers = await data.findAll<RoundSubscriberDoc>(
        'roundSubscribers',
        { communityId: community._id },
        { fields: { openid: true } },
      )
      await notify('antigen', [
        ...[...leadOf].map(([openid, buildingId]) => ({
          purpose,
          touser: openid,
          templateId: TEMPLATES.roundOpened,
          page: `packageAntigen/pages/chain?roundId=${round._id}&buildingId=${buildingId}`,
          fields,
        })),
        ...subscribers
          .filter((s) => !leadOf.has(s.openid))
          .map((s) => ({
            purpose,
            touser: s.openid,
            templateId: TEMPLATES.roundOpened,
            page: 'pages/index/index',
            fields,
          })),
      ])
      return roundView(round)
    },
  }),

  closeRound: action({
    input: z.object({ roundId: id('检测轮次') }).strict(),
    access: {
      roles: ['committee', 'communityLead'],
      scope: async (i, ctx) => ({ communityId: (await loadRound(ctx, i.roundId)).communityId }),
    },
    handler: async (input, ctx): Promise<RoundView> => {
      const round = await loadRound(ctx, input.roundId)
      // A retry of a close that stopped half-way finishes it (its chains, what waited to be merged) at the same time.
      const [begun] = await data.find<{ closedAt?: Date }>(
        'chains',
        { roundId: round._id, status: 'closed', closedAt: data._.exists(true) },
        { limit: 1, fields: { closedAt: true } },
      )
      const at = round.closedAt ?? begun?.closedAt
      const closedAt = at ? new Date(at) : nowDate()
      await closeRoundDocs(round._id, closedAt)
      return roundView({ ...round, status: 'closed', closedAt })
    },
  }),

  listRounds: action({
    input: z
      .object({ communityId: id('小区'), limit: z.number().int().min(1).max(100).optional().describe('条数') })
      .strict(),
    access: {
      roles: ['committee', 'communityLead', 'groupLead', 'buildingLead', 'floorLead'],
      scope: (i, ctx) => leadScope(ctx.grants as Grant[], i.communityId),
    },
    handler: async (input) => {
      const rounds = await data.find<RoundDoc>(
        'rounds',
        { communityId: input.communityId },
        { orderBy: [['openedAt', 'desc']], limit: input.limit ?? 20, fields: { buildingIds: false } as never },
      )
      return rounds.map((r) => roundView({ ...r, buildingIds: r.buildingIds ?? [] }))
    },
  }),

  myRounds: action({
    input: z.object({}).strict(),
    access: { signedIn: true },
    handler: async (_input, ctx): Promise<MySubmissionView[]> => {
      const homes = (ctx.grants as Grant[]).filter(
        (g) => g.role === 'resident' && g.scope.householdId && g.scope.buildingId,
      )
      if (homes.length === 0) return []
      const communities = [...new Set(homes.map((g) => g.scope.communityId))]
      const chains = await data.find<ChainDoc>(
        'chains',
        {
          communityId: data._.in(communities),
          buildingId: data._.in(homes.map((g) => g.scope.buildingId)),
          status: 'open',
          deadline: data._.gt(nowDate()),
        },
        // The chain's facts and the caller's households' entries only: a high-rise chain holds hundreds.
        {
          limit: 100,
          orderBy: [['deadline', 'asc']],
          fields: chainFields(homes.map((g) => g.scope.householdId as string)),
        },
      )
      const households = await data.find<HouseholdDoc>(
        'households',
        { _id: data._.in(homes.map((g) => g.scope.householdId)) },
        { limit: 100 },
      )
      // Submissions the sequencer has not merged yet count as submitted (their number follows).
      const waiting = chains.length
        ? await data.find<IntakeDoc>(
            'intake',
            { _id: data._.in(chains.flatMap((c) => households.map((h) => intakeId(c.roundId, h._id)))) },
            { limit: 100 },
          )
        : []
      const out: MySubmissionView[] = []
      for (const chain of chains) {
        for (const h of households.filter((x) => x.buildingId === chain.buildingId)) {
          const pending = waiting.find((w) => w.roundId === chain.roundId && w.householdId === h._id)
          const merged = chain.entries?.[h._id]
          const entry = pending ? { no: merged?.no, members: pending.members } : merged
          const view: MySubmissionView = {
            round: roundViewOfChain(chain),
            householdId: h._id,
            label: householdLabel(chain.buildingName, h.room),
            members: h.members.map((m) => {
              const r = entry?.members.find((x) => x.memberId === m.id)
              return {
                memberId: m.id,
                name: m.name,
                ...(r ? { result: r.result, ...(r.reason ? { reason: r.reason } : {}) } : {}),
              }
            }),
            submitted: Boolean(entry),
            locked: chain.confirmed || Boolean(chain.floors?.[String(h.floor)]),
          }
          if (entry?.no) view.no = entry.no
          out.push(view)
        }
      }
      return out
    },
  }),

  subscribeRounds: action({
    input: z.object({ communityId: id('小区') }).strict(),
    access: {
      roles: ['resident'],
      // Any household of the caller in this community will do: residents are told about the whole community's rounds.
      scope: (i, ctx) =>
        ctx.grants.find((g) => g.role === 'resident' && g.scope.communityId === i.communityId)?.scope ??
        communityScope(i),
    },
    handler: async (input, ctx) => {
      const doc: RoundSubscriberDoc = {
        _id: `${ctx.caller.openid}:${input.communityId}`,
        openid: ctx.caller.openid,
        communityId: input.communityId,
        credits: 0,
      }
      const n = await data.update('roundSubscribers', doc._id, { credits: data._.inc(1) })
      if (n === 0) await data.set('roundSubscribers', { ...doc, credits: 1 })
      return { subscribed: true }
    },
  }),
})

/** The round fields a chain carries, so the submission path needs no round read. */
export function roundViewOfChain(
  c: Pick<
    ChainDoc,
    | 'roundId'
    | 'communityId'
    | 'date'
    | 'deadline'
    | 'notice'
    | 'status'
    | 'allBuildings'
    | 'buildingCount'
    | 'openedAt'
  >,
): RoundView {
  return {
    id: c.roundId,
    communityId: c.communityId,
    date: c.date,
    deadline: iso(c.deadline),
    notice: c.notice,
    status: isClosed(c) ? 'closed' : 'open',
    allBuildings: c.allBuildings,
    buildingCount: c.buildingCount,
    openedAt: iso(c.openedAt),
  }
}
