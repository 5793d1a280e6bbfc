// Abnormal follow-ups (never miss a positive): the list leads and the committee work from, acknowledging one, and
// recording contacts and the outcome until it is closed. The sequencer opens them and the timer escalates them
// (server/antigen/followups.ts). What an item shows of the household's people is the visibility policy's decision,
// as on the chain: the label always masked, the members' results only to whom the policy shows them.
import type { FollowUpContactView, FollowUpList, FollowUpView, Role } from '../../../typings/api'
import type { ChainEntryDoc, RoundDoc } from '../../../server/antigen/model'
import type { FollowUpDoc } from '../../../server/antigen/followups'
import type { HouseholdDoc, RoleDoc } from '../../../server/community/model'
import { action, type ActionContext, AppError, defineActions, nowDate, z } from '../../../server/kernel'
import { chainLabel, maskName } from '../../../server/community/mask'
import { householdLabel } from '../../../server/community/structure'
import { ROLE_LABELS } from '../../../miniprogram/shared/constants'
import { data } from '../../../server/platform/cloud'
import { trusted, type Grant } from '../../../server/platform/grants'
import { fieldsFor, memberResultView } from '../../../server/platform/visibility'
import { entryTarget, iso, leadScope } from './common'

/** Contacts one follow-up keeps at most. */
export const MAX_CONTACTS = 50
const PAGE_DEFAULT = 20
const PAGE_MAX = 50
/** Attempts of a record's compare-and-set before the caller is asked to try again. */
const CAS_ATTEMPTS = 8

const OUTCOMES = ['retestNegative', 'homeIsolation', 'transferred', 'hospital', 'other'] as const
const NOT_CLOSED = ['open', 'acknowledged']

/** Free text a lead writes: trimmed, bounded, and saying something (not only spaces or punctuation). */
const noteText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => /[\p{L}\p{N}]/u.test(s), { message: `「${label}」请填写文字，不能只有空格或符号` })
    .describe(label)

const followUpIdInput = z
  .string()
  .max(40)
  .regex(/^fu_[0-9a-f]{24}$/, '随访编号不正确')
  .describe('随访')

/** A page's position: phase (o: not closed, c: closed), then the last item's abnormal time and id. */
const CURSOR = /^([oc])\.(\d{1,15})\.(fu_[0-9a-f]{24})$/

type Phase = 'o' | 'c'
interface Cursor {
  phase: Phase
  at: number
  id: string
}

function parseCursor(raw: string | undefined): Cursor | undefined {
  if (raw === undefined) return undefined
  const m = CURSOR.exec(raw)
  if (!m) throw new AppError('INVALID_INPUT', '翻页位置不正确，请刷新后再试', 'cursor')
  return { phase: m[1] as Phase, at: Number(m[2]), id: m[3] as string }
}

const phaseOf = (f: Pick<FollowUpDoc, 'status'>): Phase => (f.status === 'closed' ? 'c' : 'o')
const cursorOf = (f: FollowUpDoc) => `${phaseOf(f)}.${new Date(f.openedAt).getTime()}.${f._id}`

function loadFollowUp(ctx: ActionContext, id: string): Promise<FollowUpDoc> {
  return ctx.memo(`followUp:${id}`, async () => {
    const doc = await data.get<FollowUpDoc>('followUps', id)
    // Answered FORBIDDEN by the permission check: the id is derived from a round and a household, and whether it
    // exists tells whether that household was abnormal.
    if (!doc) throw new AppError('NOT_FOUND', '找不到这条随访')
    return doc
  })
}

/** The household a follow-up is about, as stored with it (a floor lead's grant covers it on their floor only). */
async function followUpScope(i: { id: string }, ctx: ActionContext) {
  const f = await loadFollowUp(ctx, i.id)
  return {
    communityId: f.communityId,
    groupId: f.groupId,
    buildingId: f.buildingId,
    floor: f.floor,
    householdId: f.householdId,
  }
}

/** Those who act on a follow-up: a lead of the household's building (floor lead: their floor), or the committee. */
const HANDLERS = ['buildingLead', 'floorLead', 'committee'] as const
const READERS = ['buildingLead', 'floorLead', 'groupLead', 'communityLead', 'committee'] as const

/** Which of a person's roles names them on a follow-up, first found first. */
const WHO_ORDER: Role[] = ['buildingLead', 'floorLead', 'committee', 'groupLead', 'communityLead']

/**
 * How the people who acted on follow-ups are shown: their role and their name masked (「楼组长 张*明」), from their
 * grants as they are now; someone who no longer holds one in the community (their data deleted) shows as empty.
 */
async function actorNames(docs: readonly FollowUpDoc[]): Promise<(communityId: string, openid?: string) => string> {
  const openids = [
    ...new Set(docs.flatMap((d) => [d.acknowledgedBy, d.closedBy, ...d.contacts.map((c) => c.by)].filter((o) => !!o))),
  ] as string[]
  if (openids.length === 0) return () => ''
  const communities = [...new Set(docs.map((d) => d.communityId))]
  const roles = trusted(
    await data.find<RoleDoc>(
      'roles',
      { communityId: data._.in(communities), openid: data._.in(openids) },
      { limit: 1000 },
    ),
  )
  const homes = await data.byIds<HouseholdDoc>(
    'households',
    roles.flatMap((r) => (r.householdId ? [r.householdId] : [])),
  )
  const cache = new Map<string, string>()
  return (communityId, openid) => {
    if (!openid) return ''
    const key = `${communityId}\u0000${openid}`
    let shown = cache.get(key)
    if (shown === undefined) {
      const mine = roles.filter((r) => r.communityId === communityId && r.openid === openid)
      const role = WHO_ORDER.find((r) => mine.some((d) => d.role === r))
      const name =
        mine
          .map((d) => {
            const home = d.householdId ? homes.get(d.householdId) : undefined
            return home?.members.find((m) => m.id === d.memberId || m.openid === openid)?.name ?? d.holderName
          })
          .find((n) => !!n) ?? ''
      shown = [role ? ROLE_LABELS[role] : '', name ? maskName(name) : ''].filter(Boolean).join(' ')
      cache.set(key, shown)
    }
    return shown
  }
}

/** Follow-ups as the caller may see them: one read each for households, rounds, people and (results) chains. */
async function followUpViews(ctx: ActionContext, docs: readonly FollowUpDoc[]): Promise<FollowUpView[]> {
  if (docs.length === 0) return []
  const households = await data.byIds<HouseholdDoc>(
    'households',
    docs.map((d) => d.householdId),
  )
  const seen = docs.map((doc) => ({
    doc,
    fields: fieldsFor(ctx.grants, entryTarget(doc, doc.householdId, doc.room, households.get(doc.householdId))),
  }))
  const withResults = seen.filter((s) => s.fields.results)
  const [rounds, chains, who] = await Promise.all([
    data.find<Pick<RoundDoc, '_id' | 'date'>>(
      'rounds',
      { _id: data._.in([...new Set(docs.map((d) => d.roundId))]) },
      { limit: 100, fields: { date: true } },
    ),
    withResults.length
      ? data.find<{ _id: string; entries?: Record<string, ChainEntryDoc> }>(
          'chains',
          { _id: data._.in([...new Set(withResults.map((s) => s.doc.chainId))]) },
          {
            limit: 100,
            fields: Object.fromEntries(withResults.map((s) => [`entries.${s.doc.householdId}`, true])),
          },
        )
      : Promise.resolve([]),
    actorNames(docs),
  ])
  const dateOf = new Map(rounds.map((r) => [r._id, r.date]))
  const entryOf = (d: FollowUpDoc) => chains.find((c) => c._id === d.chainId)?.entries?.[d.householdId]
  return seen.map(({ doc: d, fields }) => {
    const entry = fields.results ? entryOf(d) : undefined
    const firstName = households.get(d.householdId)?.members[0]?.name ?? entry?.members[0]?.name ?? ''
    const view: FollowUpView = {
      id: d._id,
      roundId: d.roundId,
      roundDate: dateOf.get(d.roundId) ?? '',
      buildingId: d.buildingId,
      householdId: d.householdId,
      floor: d.floor,
      label: chainLabel(householdLabel(d.buildingName, d.room), firstName),
      status: d.status,
      openedAt: iso(d.openedAt),
      contacts: d.contacts.map((c): FollowUpContactView => ({
        by: who(d.communityId, c.by),
        at: iso(c.at),
        note: c.note,
      })),
      escalated: Boolean(d.escalatedAt),
    }
    if (d.acknowledgedAt) {
      view.acknowledgedAt = iso(d.acknowledgedAt)
      view.acknowledgedBy = who(d.communityId, d.acknowledgedBy)
    }
    if (d.outcome) view.outcome = d.outcome
    if (d.outcomeNote) view.outcomeNote = d.outcomeNote
    if (d.closedAt) {
      view.closedAt = iso(d.closedAt)
      view.closedBy = who(d.communityId, d.closedBy)
    }
    if (d.escalatedAt) view.escalatedAt = iso(d.escalatedAt)
    if (entry) view.members = entry.members.map((m) => memberResultView(m, fields))
    return view
  })
}

const oneView = async (ctx: ActionContext, doc: FollowUpDoc): Promise<FollowUpView> =>
  (await followUpViews(ctx, [doc]))[0] as FollowUpView

async function reload(id: string): Promise<FollowUpDoc> {
  const doc = await data.get<FollowUpDoc>('followUps', id)
  // Deleted meanwhile (the round's results reduced, the household's data deleted).
  if (!doc) throw new AppError('NOT_FOUND', '这条随访已删除')
  return doc
}

export const followUpActions = defineActions('antigen', {
  followUps: action({
    input: z
      .object({
        communityId: z.string().min(1).max(80).describe('小区'),
        status: z.enum(['open', 'all']).optional().describe('范围'),
        roundId: z.string().min(1).max(80).optional().describe('检测轮次'),
        limit: z.number().int().min(1).max(PAGE_MAX).optional().describe('条数'),
        cursor: z.string().max(60).optional().describe('翻页位置'),
      })
      .strict(),
    access: { roles: READERS, scope: (i, ctx) => leadScope(ctx.grants as Grant[], i.communityId) },
    handler: async (input, ctx): Promise<FollowUpList> => {
      const scope = leadScope(ctx.grants as Grant[], input.communityId)
      const cursor = parseCursor(input.cursor)
      const limit = input.limit ?? PAGE_DEFAULT
      const place: Record<string, unknown> = { communityId: input.communityId }
      if (scope.groupId) place.groupId = scope.groupId
      if (scope.buildingId) place.buildingId = scope.buildingId
      if (scope.floor !== undefined) place.floor = scope.floor
      if (input.roundId) place.roundId = input.roundId
      const phases: Phase[] = input.status === 'all' ? ['o', 'c'] : ['o']
      const _ = data._
      const found: FollowUpDoc[] = []
      // Not closed first, then (for 'all') closed; oldest abnormal result first in each, the id breaking ties.
      if (cursor && !phases.includes(cursor.phase)) return { items: [] }
      for (const phase of phases.slice(cursor ? phases.indexOf(cursor.phase) : 0)) {
        const where = { ...place, status: phase === 'o' ? _.in(NOT_CLOSED) : 'closed' }
        const after = cursor?.phase === phase ? cursor : undefined
        const page = await data.find<FollowUpDoc>(
          'followUps',
          after
            ? _.and([
                where,
                _.or([{ openedAt: _.gt(new Date(after.at)) }, { openedAt: new Date(after.at), _id: _.gt(after.id) }]),
              ])
            : where,
          {
            limit: limit + 1 - found.length,
            orderBy: [
              ['openedAt', 'asc'],
              ['_id', 'asc'],
            ],
          },
        )
        found.push(...page)
        if (found.length > limit) break
      }
      const items = found.slice(0, limit)
      const last = items[items.length - 1]
      const out: FollowUpList = { items: await followUpViews(ctx, items) }
      if (found.length > limit && last) out.next = cursorOf(last)
      return out
    },
  }),

  acknowledgeFollowUp: action({
    input: z.object({ id: followUpIdInput }).strict(),
    access: { roles: HANDLERS, scope: followUpScope },
    handler: async (input, ctx): Promise<FollowUpView> => {
      const f = await loadFollowUp(ctx, input.id)
      if (f.status !== 'open') return oneView(ctx, f)
      // Only an unacknowledged one changes: a second tap, a retry or another lead keeps the first time.
      await data.updateWhere(
        'followUps',
        { _id: f._id, status: 'open' },
        {
          status: 'acknowledged',
          acknowledgedBy: ctx.caller.openid,
          acknowledgedAt: nowDate(),
          version: data._.inc(1),
        },
      )
      return oneView(ctx, await reload(f._id))
    },
  }),

  recordFollowUp: action({
    input: z
      .object({
        id: followUpIdInput,
        contact: z
          .object({ note: noteText('联系情况', 200) })
          .strict()
          .optional()
          .describe('联系记录'),
        outcome: z.enum(OUTCOMES).optional().describe('结果'),
        outcomeNote: noteText('结果说明', 100).optional(),
        close: z.boolean().optional().describe('结案'),
      })
      .strict(),
    access: { roles: HANDLERS, scope: followUpScope },
    handler: async (input, ctx): Promise<FollowUpView> => {
      if (!input.contact && !input.outcome && input.outcomeNote === undefined && !input.close)
        throw new AppError('INVALID_INPUT', '请填写联系情况或选择结果', 'contact')
      let f = await loadFollowUp(ctx, input.id)
      for (let attempt = 1; attempt <= CAS_ATTEMPTS; attempt++) {
        if (attempt > 1) f = await reload(input.id)
        if (f.status === 'closed') {
          // A close repeated as it was (a retry whose first reply was lost) is answered as it stands; anything else
          // would change a closed follow-up.
          const same =
            input.close &&
            !input.contact &&
            (input.outcome === undefined || input.outcome === f.outcome) &&
            (input.outcomeNote === undefined || input.outcomeNote === f.outcomeNote)
          if (same) return oneView(ctx, f)
          throw new AppError('CONFLICT', '这条随访已经结案，不能再修改')
        }
        if (input.contact && f.contacts.length >= MAX_CONTACTS)
          throw new AppError('INVALID_INPUT', `联系记录最多 ${MAX_CONTACTS} 条`, 'contact')
        const outcome = input.outcome ?? f.outcome
        if (input.close && !outcome) throw new AppError('INVALID_INPUT', '结案前请先选择结果', 'outcome')
        if (input.close && outcome === 'other' && !(input.outcomeNote ?? f.outcomeNote))
          throw new AppError('INVALID_INPUT', '结果选「其他」时，请写明结果说明再结案', 'outcomeNote')
        const at = nowDate()
        const by = ctx.caller.openid
        const patch: Partial<FollowUpDoc> = { version: f.version + 1 }
        // Recording is acknowledging: who first did either is the one who acknowledged.
        if (f.status === 'open')
          Object.assign(patch, { status: 'acknowledged', acknowledgedBy: by, acknowledgedAt: at })
        if (input.contact) patch.contacts = [...f.contacts, { by, at, note: input.contact.note }]
        if (input.outcome) patch.outcome = input.outcome
        if (input.outcomeNote !== undefined) patch.outcomeNote = input.outcomeNote
        if (input.close) Object.assign(patch, { status: 'closed', closedBy: by, closedAt: at })
        // Compare-and-set on the version: two leads recording at once both land (the later one reads again).
        if ((await data.updateWhere('followUps', { _id: f._id, version: f.version }, patch)) > 0)
          return oneView(ctx, { ...f, ...patch })
      }
      throw new AppError('CONFLICT', '刚有人同时在记录，请再试一次')
    },
  }),
})
