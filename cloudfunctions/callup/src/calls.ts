// Calling buildings down, skipping and marking them: every change of a building is a compare-and-set on its own
// document (its state in the condition), so two callers at once never call one building twice, and the push to its
// residents and leads leaves once per call through the queue (its purpose is the call's id: a retried call finds
// the messages there and adds none; a recall is a new call and pushes again).
import type { CallupBuildingView, CallupCallResult } from '../../../typings/api'
import type { HouseholdDoc, RoleDoc } from '../../../server/community/model'
import type { CallupBuildingDoc, CallupCallDoc, CallupSessionDoc } from '../../../server/callup/model'
import {
  action,
  AppError,
  defineActions,
  hasRole,
  isDuplicateKey,
  nameText,
  nowDate,
  z,
  type ActionContext,
} from '../../../server/kernel'
import { data } from '../../../server/platform/cloud'
import { trusted } from '../../../server/platform/grants'
import { notify, type PushMessage } from '../../../server/platform/notify'
import { TEMPLATES } from '../../../server/templates'
import { callNotice, MAX_PER_CALL, rangeLabel } from '../../../server/callup/rules'
import {
  buildingView,
  id,
  loadSession,
  mustBeOpen,
  partId,
  pointsOf,
  queueView,
  requestId,
  runsCommunity,
  sessionBuildings,
  sessionScope,
  step,
  TURN_PAGE,
} from './common'

const position = z.number().int().min(1).max(1000)

/** The buildings a call asks for, before the compare-and-set decides which it gets. */
type Chooser = (
  all: readonly CallupBuildingDoc[],
  allowed: readonly string[],
  won: ReadonlySet<string>,
  tried: ReadonlySet<string>,
) => string[]

export const callActions = defineActions('callup', {
  call: action({
    input: z
      .object({
        sessionId: id('叫号'),
        requestId,
        pointId: id('采样点').optional(),
        count: z.number().int().min(1).max(MAX_PER_CALL).optional().describe('叫号栋数'),
        from: position.optional().describe('起始楼栋'),
        to: position.optional().describe('结束楼栋'),
        buildingId: id('楼栋').optional(),
      })
      .strict()
      .superRefine((i, c) => {
        const modes = [i.count !== undefined, i.from !== undefined || i.to !== undefined, i.buildingId !== undefined]
        if (modes.filter(Boolean).length !== 1)
          c.addIssue({ code: 'custom', message: '请选择叫下一栋（几栋）、按顺序叫一段，或叫某一栋', path: ['count'] })
        else if (modes[1] && (i.from === undefined || i.to === undefined))
          c.addIssue({
            code: 'custom',
            message: '请填写从第几栋叫到第几栋',
            path: [i.from === undefined ? 'from' : 'to'],
          })
        else if (modes[1] && (i.from as number) > (i.to as number))
          c.addIssue({ code: 'custom', message: '起始楼栋不能在结束楼栋之后', path: ['from'] })
        else if (modes[1] && (i.to as number) - (i.from as number) + 1 > MAX_PER_CALL)
          c.addIssue({ code: 'custom', message: `一次最多叫 ${MAX_PER_CALL} 栋，请分两次叫`, path: ['to'] })
      }),
    access: { roles: ['committee', 'communityLead', 'volunteer'], scope: sessionScope },
    handler: async (input, ctx): Promise<CallupCallResult> => {
      const s = await loadSession(ctx, input.sessionId)
      let pick: Chooser
      if (input.count !== undefined) {
        const count = input.count
        pick = (all, allowed, won, tried) => {
          const point = input.pointId ?? (s.points.length === 1 ? s.points[0]?.id : undefined)
          if (!point) throw new AppError('INVALID_INPUT', '请先选择采样点', 'pointId')
          if (!s.points.some((p) => p.id === point)) throw new AppError('INVALID_INPUT', '没有这个采样点', 'pointId')
          if (!allowed.includes(point)) throw new AppError('FORBIDDEN', '您不在这个采样点的班次上，不能叫号')
          return all
            .filter((b) => b.pointId === point && b.state === 'waiting' && !tried.has(b._id))
            .slice(0, count - won.size)
            .map((b) => b._id)
        }
      } else if (input.buildingId !== undefined) {
        const target = partId(s._id, input.buildingId)
        pick = (all) => {
          if (!all.some((b) => b._id === target))
            throw new AppError('INVALID_INPUT', '这栋楼不在这场叫号里', 'buildingId')
          return [target]
        }
      } else {
        const from = input.from as number
        const to = input.to as number
        pick = (all) => {
          if (from > all.length) throw new AppError('INVALID_INPUT', `这场叫号只有 ${all.length} 栋楼`, 'from')
          return all.filter((b) => b.pos >= from && b.pos <= to).map((b) => b._id)
        }
      }
      return callBuildings(ctx, s, input.requestId, 'call', pick, input.count !== undefined)
    },
  }),

  recall: action({
    input: z.object({ sessionId: id('叫号'), requestId, buildingId: id('楼栋') }).strict(),
    access: { roles: ['committee', 'communityLead', 'volunteer'], scope: sessionScope },
    handler: async (input, ctx): Promise<CallupCallResult> => {
      const s = await loadSession(ctx, input.sessionId)
      const target = partId(s._id, input.buildingId)
      return callBuildings(ctx, s, input.requestId, 'recall', (all) => {
        const b = all.find((x) => x._id === target)
        if (!b) throw new AppError('INVALID_INPUT', '这栋楼不在这场叫号里', 'buildingId')
        if (b.state === 'waiting') throw new AppError('NOTHING_TO_CALL', `${b.name} 还没有叫过号，请直接叫号`)
        if (b.state === 'done') throw new AppError('NOTHING_TO_CALL', `${b.name} 已经检测完成`)
        if (b.state === 'testing') throw new AppError('NOTHING_TO_CALL', `${b.name} 正在检测`)
        return [target]
      })
    },
  }),

  skip: action({
    input: z.object({ sessionId: id('叫号'), buildingId: id('楼栋'), reason: nameText('跳过原因', 40) }).strict(),
    access: { roles: ['committee', 'communityLead', 'volunteer'], scope: sessionScope },
    handler: async (input, ctx): Promise<CallupBuildingView> => {
      const now = nowDate()
      const s = await loadSession(ctx, input.sessionId)
      const all = await sessionBuildings(s._id)
      const b = all.find((x) => x.buildingId === input.buildingId)
      if (!b) throw new AppError('INVALID_INPUT', '这栋楼不在这场叫号里', 'buildingId')
      if (!pointsOf(ctx, s, all, now).includes(b.pointId))
        throw new AppError('FORBIDDEN', '您不在这栋楼的采样点班次上，不能跳过')
      mustBeOpen(s)
      if (b.state === 'skipped') return buildingView(ctx.grants, b, now)
      if (b.state === 'done') throw new AppError('ALREADY_MARKED', `${b.name} 已经检测完成，不能跳过`)
      const skipped = { ...(await step(ctx, s.communityId, now)), reason: input.reason }
      const won = await data.updateWhere(
        'callupBuildings',
        { _id: b._id, state: data._.in(['waiting', 'called', 'testing']) },
        { state: 'skipped', skipped, updatedAt: now },
      )
      return settled(ctx, b._id, now, won, '这栋楼刚被别人标记了，请刷新后再看')
    },
  }),

  mark: action({
    input: z
      .object({
        sessionId: id('叫号'),
        buildingId: id('楼栋'),
        state: z.enum(['testing', 'done']).describe('进度'),
        tested: z.number().int().min(0).max(10_000).optional().describe('检测人数'),
      })
      .strict(),
    // The committee, 团长, the building's lead, or a 核酸 volunteer of its point on shift (checked in the handler).
    access: {
      roles: ['committee', 'communityLead', 'buildingLead', 'volunteer'],
      scope: async (i, ctx) => {
        const s = await loadSession(ctx, i.sessionId)
        const b = await ctx.memo(`part:${i.buildingId}`, () =>
          data.get<CallupBuildingDoc>('callupBuildings', partId(s._id, i.buildingId)),
        )
        if (!b) throw new AppError('INVALID_INPUT', '这栋楼不在这场叫号里', 'buildingId')
        return { communityId: s.communityId, groupId: b.groupId, buildingId: b.buildingId }
      },
    },
    handler: async (input, ctx): Promise<CallupBuildingView> => {
      const now = nowDate()
      const s = await loadSession(ctx, input.sessionId)
      const b = (await ctx.memo(`part:${input.buildingId}`, () =>
        data.get<CallupBuildingDoc>('callupBuildings', partId(s._id, input.buildingId)),
      )) as CallupBuildingDoc
      const lead = hasRole(ctx.grants, ['buildingLead'], {
        communityId: s.communityId,
        groupId: b.groupId,
        buildingId: b.buildingId,
      })
      if (!lead && !runsCommunity(ctx.grants, s.communityId)) {
        const all = await sessionBuildings(s._id)
        if (!pointsOf(ctx, s, all, now).includes(b.pointId))
          throw new AppError('FORBIDDEN', '您不在这栋楼的采样点班次上，不能标记')
      }
      mustBeOpen(s)
      const by = await step(ctx, s.communityId, now)
      if (input.state === 'testing') {
        if (b.state === 'testing' || b.state === 'done') return buildingView(ctx.grants, b, now)
        if (b.state !== 'called') throw new AppError('CONFLICT', `${b.name} 还没有叫号，不能标记检测中`)
        const won = await data.updateWhere(
          'callupBuildings',
          { _id: b._id, state: 'called' },
          { state: 'testing', started: by, updatedAt: now },
        )
        return settled(ctx, b._id, now, won, '这栋楼刚被别人标记了，请刷新后再看')
      }
      if (b.state === 'done') {
        // Done already (by this caller or another): only the number of people tested may be added or corrected.
        if (input.tested !== undefined && input.tested !== b.done?.tested)
          await data.updateWhere('callupBuildings', { _id: b._id, state: 'done' }, { 'done.tested': input.tested })
        return settled(ctx, b._id, now, 1, '')
      }
      if (b.state !== 'called' && b.state !== 'testing')
        throw new AppError(
          'CONFLICT',
          `${b.name} ${b.state === 'skipped' ? '已跳过，请先重新叫号' : '还没有叫号'}，不能标记完成`,
        )
      const done = input.tested === undefined ? by : { ...by, tested: input.tested }
      const won = await data.updateWhere(
        'callupBuildings',
        { _id: b._id, state: data._.in(['called', 'testing']) },
        { state: 'done', done, updatedAt: now },
      )
      return settled(ctx, b._id, now, won, '这栋楼刚被别人标记了，请刷新后再看')
    },
  }),
})

/** The building after a compare-and-set: as stored; when the update lost, what the other person made of it. */
async function settled(
  ctx: ActionContext,
  docId: string,
  now: Date,
  won: number,
  lostMessage: string,
): Promise<CallupBuildingView> {
  const b = await data.get<CallupBuildingDoc>('callupBuildings', docId)
  if (!b) throw new AppError('NOT_FOUND', '找不到这栋楼')
  if (won === 0 && lostMessage) throw new AppError('CONFLICT', lostMessage)
  return buildingView(ctx.grants, b, now)
}

/**
 * A call or recall: the buildings `pick` names go from waiting (a recall: from called or skipped) to called in one
 * conditional update, the ones this call got are read back by its id, and their residents and leads are told.
 * `fill`: a 「next N」 call that lost some buildings to another caller takes the next ones (up to 3 rounds).
 */
async function callBuildings(
  ctx: ActionContext,
  s: CallupSessionDoc,
  reqId: string,
  kind: CallupCallDoc['kind'],
  pick: Chooser,
  fill = false,
): Promise<CallupCallResult> {
  const now = nowDate()
  const callId = partId(s._id, reqId)
  const all = await sessionBuildings(s._id)
  const allowed = pointsOf(ctx, s, all, now)
  if (allowed.length === 0) throw new AppError('FORBIDDEN', '您不在这场叫号的采样点班次上，不能叫号')

  const prior = await data.get<CallupCallDoc>('callupCalls', callId)
  if (prior) return answer(ctx, s, all, prior, now)
  mustBeOpen(s)

  // A retry of a call cut short after its update: the buildings it got carry its id.
  let won = all.filter((b) => b.callId === callId)
  let asked: string[] = won.map((b) => b._id)
  if (won.length === 0) {
    const wonIds = new Set<string>()
    for (let round = 0; round < (fill ? 3 : 1); round++) {
      const ids = pick(all, allowed, wonIds, new Set(asked))
      if (round === 0 && ids.length === 0) throw new AppError('NOTHING_TO_CALL', '这个采样点的楼栋都已叫过号了')
      if (ids.length === 0) break
      const notAllowed = ids.map((i) => all.find((b) => b._id === i)).filter((b) => b && !allowed.includes(b.pointId))
      if (notAllowed.length)
        throw new AppError('FORBIDDEN', `${notAllowed.map((b) => b?.name).join('、')} 不在您负责的采样点`)
      asked = [...new Set([...asked, ...ids])]
      const by = await step(ctx, s.communityId, now)
      const patch: Record<string, unknown> = {
        state: 'called',
        callId,
        called: by,
        calls: data._.inc(1),
        updatedAt: now,
      }
      if (kind === 'call') patch.firstCalledAt = now
      else Object.assign(patch, { skipped: data._.remove(), started: data._.remove() })
      // A recall (one building) also names the call it replaces: two recalls at once push once.
      const prev = kind === 'recall' ? all.find((b) => b._id === ids[0])?.callId : undefined
      await data.updateWhere(
        'callupBuildings',
        {
          sessionId: s._id,
          _id: data._.in(ids),
          ...(kind === 'call'
            ? { state: 'waiting' }
            : { state: data._.in(['called', 'skipped']), callId: prev ?? data._.exists(false) }),
        },
        patch,
      )
      won = await data.find<CallupBuildingDoc>('callupBuildings', { sessionId: s._id, callId }, { limit: 1000 })
      for (const b of won) wonIds.add(b._id)
      // Everything asked for was got, or a fixed selection (a range, one building) lost some to someone else.
      if (!fill || ids.every((i) => wonIds.has(i))) break
    }
    if (won.length === 0) {
      const names = asked.map((i) => all.find((b) => b._id === i)?.name ?? '').filter(Boolean)
      throw new AppError(
        'NOTHING_TO_CALL',
        kind === 'recall'
          ? `${names[0] ?? '这栋楼'} 刚刚已被别人重新叫号`
          : names.length === 1
            ? `${names[0]} 已经叫过号了，要再叫请用「重新叫号」`
            : `所选的 ${names.length} 栋楼都已叫过号、已完成或已跳过`,
      )
    }
  }
  won.sort((a, b) => a.pos - b.pos)
  const wonIds = new Set(won.map((b) => b._id))
  const doc: CallupCallDoc = {
    _id: callId,
    sessionId: s._id,
    communityId: s.communityId,
    kind,
    buildingIds: won.map((b) => b.buildingId),
    label: rangeLabel(won.map((b) => b.name)),
    skippedNames: asked.filter((i) => !wonIds.has(i)).map((i) => all.find((b) => b._id === i)?.name ?? ''),
    queued: 0,
    at: now,
    by: ctx.caller.openid,
    byName: await step(ctx, s.communityId, now).then((x) => x.byName),
  }
  doc.queued = await tell(s, doc)
  try {
    await data.insert('callupCalls', doc)
  } catch (err) {
    if (!isDuplicateKey(err)) throw err
  }
  const fresh = new Map(won.map((b) => [b._id, b]))
  return answer(
    ctx,
    s,
    all.map((b) => fresh.get(b._id) ?? b),
    doc,
    now,
  )
}

async function answer(
  ctx: ActionContext,
  s: CallupSessionDoc,
  all: readonly CallupBuildingDoc[],
  call: CallupCallDoc,
  now: Date,
): Promise<CallupCallResult> {
  return {
    callId: call._id,
    label: call.label,
    buildingIds: call.buildingIds,
    skippedNames: call.skippedNames,
    queued: call.queued,
    queue: queueView(ctx, s, all, now),
  }
}

/**
 * 「请 3号–27号 楼居民下楼检测」 to everyone linked to a household of the called buildings and to their building and
 * floor leads: one message per person per call (purpose: the call's id), in one bulk enqueue. Returns how many were
 * queued (0 on a retry: the messages are there already).
 */
async function tell(s: CallupSessionDoc, call: CallupCallDoc): Promise<number> {
  const ids = call.buildingIds
  const households = await data.findAll<Pick<HouseholdDoc, 'buildingId' | 'linkedOpenids'>>(
    'households',
    { buildingId: data._.in(ids), communityId: s.communityId },
    { fields: { buildingId: true, linkedOpenids: true } },
  )
  const leads = trusted(
    await data.findAll<RoleDoc>('roles', {
      communityId: s.communityId,
      role: data._.in(['buildingLead', 'floorLead']),
      'scope.buildingId': data._.in(ids),
    }),
  )
  const to = new Set<string>([...households.flatMap((h) => h.linkedOpenids ?? []), ...leads.map((r) => r.openid)])
  const fields = callNotice(s.name, call.label, call.at)
  const messages: PushMessage[] = [...to].map((touser) => ({
    purpose: `callup.call:${call._id}`,
    touser,
    templateId: TEMPLATES.callup,
    page: `${TURN_PAGE}?sessionId=${encodeURIComponent(s._id)}`,
    fields,
  }))
  return notify('callup', messages)
}
