// A building's chain (接龙): the view, the lead's flag and confirmation, and reminders to non-submitters. What each
// entry carries is the visibility policy's decision for its household (server/platform/visibility.ts): a lead sees
// results and photos of the households in their scope (a floor lead: their floor), everyone else labels only.
import type { CallContact, ChainEntryView, ChainFloorView, ChainView, RemindResult } from '../../../typings/api'
import type { ChainDoc, ReminderDoc } from '../../../server/antigen/model'
import type { HouseholdDoc } from '../../../server/community/model'
import {
  action,
  type ActionContext,
  AppError,
  defineActions,
  formatShanghai,
  hasRole,
  nowDate,
  nowMs,
  z,
} from '../../../server/kernel'
import { floorOf, householdLabel, naturalCompare } from '../../../server/community/structure'
import { chainLabel } from '../../../server/community/mask'
import { randomId } from '../../../server/community/ids'
import { TEMPLATES } from '../../../server/templates'
import { data } from '../../../server/platform/cloud'
import type { Grant } from '../../../server/platform/grants'
import { notify, type PushMessage } from '../../../server/platform/notify'
import { withCredit } from '../../../server/platform/credits'
import { templateUsable } from '../../../server/platform/health'
import { loadHousehold } from '../../../server/platform/places'
import { fieldsFor, householdTarget, leadsPartOf, showName, showPhone } from '../../../server/platform/visibility'
import { isAbnormal } from '../../../server/antigen/rules'
import { deletedNumbers } from '../../../server/antigen/erase'
import {
  entryTarget,
  isClosed,
  iso,
  loadChain,
  loadRound,
  memberViews,
  photosOf,
  photoUrls,
  roundView,
  SUBMIT_PAGE,
} from './common'

const ids = z
  .object({
    roundId: z.string().min(1).max(80).describe('检测轮次'),
    buildingId: z.string().min(1).max(64).describe('楼栋'),
  })
  .strict()

/** The building as the caller's grants see it: a resident's own household or a floor lead's floor narrows it. */
async function chainScope(i: { roundId: string; buildingId: string }, ctx: ActionContext) {
  const chain = await loadChain(ctx, i.roundId, i.buildingId)
  const scope: { communityId: string; groupId: string; buildingId: string; floor?: number; householdId?: string } = {
    communityId: chain.communityId,
    groupId: chain.groupId,
    buildingId: chain.buildingId,
  }
  const grants = ctx.grants as Grant[]
  if (hasRole(grants, ['buildingLead', 'groupLead', 'communityLead', 'committee'], scope)) return scope
  const floorLead = grants.find((g) => g.role === 'floorLead' && g.scope.buildingId === chain.buildingId)
  if (floorLead) return { ...scope, floor: floorLead.scope.floor as number }
  const home = grants.find((g) => g.role === 'resident' && g.scope.buildingId === chain.buildingId)
  return home ? { ...scope, householdId: home.scope.householdId as string } : scope
}

const LEADS = ['buildingLead', 'floorLead', 'groupLead', 'communityLead', 'committee', 'resident'] as const

async function chainView(ctx: ActionContext, chain: ChainDoc): Promise<ChainView> {
  const [round, households] = await Promise.all([
    loadRound(ctx, chain.roundId),
    data.findAll<HouseholdDoc>('households', { buildingId: chain.buildingId }),
  ])
  const grants = ctx.grants as Grant[]
  const byId = new Map(households.map((h) => [h._id, h]))
  const seen = Object.values(chain.entries).map((entry) => ({
    entry,
    fields: fieldsFor(grants, entryTarget(chain, entry.householdId, entry.room, byId.get(entry.householdId))),
  }))
  // Abnormal entries first, but only those the caller may know are abnormal: the order must not tell the others.
  const abnormal = (x: (typeof seen)[number]) => x.fields.results && isAbnormal(x.entry.counts)
  seen.sort((a, b) => Number(abnormal(b)) - Number(abnormal(a)) || a.entry.no - b.entry.no)
  const urls = await photoUrls(photosOf(seen))
  return {
    round: roundView(round),
    building: { id: chain.buildingId, name: chain.buildingName },
    entries: seen.map(({ entry: e, fields }) => {
      const firstName = byId.get(e.householdId)?.members[0]?.name ?? e.members[0]?.name ?? ''
      const view: ChainEntryView = {
        no: e.no,
        householdId: e.householdId,
        floor: byId.get(e.householdId)?.floor ?? e.floor ?? floorOf(e.room),
        label: chainLabel(householdLabel(chain.buildingName, e.room), firstName),
        submittedAt: iso(e.submittedAt),
        proxy: e.proxy,
      }
      if (fields.results) {
        view.members = memberViews(e, urls, fields)
        if (isAbnormal(e.counts)) view.abnormal = true
      }
      if (fields.entryFlag && e.flagged) view.flagged = { reason: e.flagged.reason, at: iso(e.flagged.at) }
      return view
    }),
    // A round reduced to counts names no one, not even who had not submitted.
    missing: households
      .filter((h) => !chain.resultsReducedAt && !chain.entries[h._id] && h.members.length > 0)
      .sort((a, b) => a.floor - b.floor || naturalCompare(a.room, b.room))
      .map((h) => ({
        householdId: h._id,
        label: chainLabel(householdLabel(chain.buildingName, h.room), h.members[0]?.name ?? ''),
        floor: h.floor,
        linked: h.linkedOpenids.length > 0,
      })),
    confirmed: chain.confirmed,
    ...(chain.confirmedAt ? { confirmedAt: iso(chain.confirmedAt) } : {}),
    ...(chain.confirmed && chain.confirmReason ? { confirmReason: chain.confirmReason } : {}),
    floors: floorViews(chain, households),
    ...(deletedNumbers(chain).length ? { deleted: deletedNumbers(chain) } : {}),
    ...(chain.resultsReducedAt ? { reduced: true } : {}),
    detailed: leadsPartOf(grants, chain),
  }
}

/** The building's floors with households: counts, whether a 层长 confirms each, and which are confirmed. */
function floorViews(chain: ChainDoc, households: readonly HouseholdDoc[]): ChainFloorView[] {
  const byFloor = new Map<number, ChainFloorView>()
  const toConfirm = new Set(chain.floorsToConfirm ?? [])
  const at = (floor: number) => {
    let v = byFloor.get(floor)
    if (!v) {
      const done = chain.floors?.[String(floor)]
      v = { floor, expected: 0, submitted: 0, toConfirm: toConfirm.has(floor), confirmed: Boolean(done) }
      if (done) v.confirmedAt = iso(done.confirmedAt)
      byFloor.set(floor, v)
    }
    return v
  }
  for (const h of households) {
    if (h.members.length === 0) continue
    const v = at(h.floor)
    v.expected++
    if (chain.entries[h._id]) v.submitted++
  }
  for (const f of toConfirm) at(f)
  return [...byFloor.values()].sort((a, b) => a.floor - b.floor)
}

/** Floors with a 层长 not confirmed yet. */
const unconfirmedFloors = (chain: ChainDoc) => (chain.floorsToConfirm ?? []).filter((f) => !chain.floors?.[String(f)])

/** Reminders of the same household within this window are one notice: a double tap or a retry tells no one twice. */
const REMIND_WINDOW_MS = 10 * 60_000

const REMINDER_NOT_CONFIGURED =
  '微信提醒还没有开通（订阅消息模板没有配置），这次没有发出微信提醒，请打电话提醒。请告诉居委：首页有配置说明。'

/** The households of the building the caller reminds: a building lead's or the committee's all, a floor lead's floor. */
const REMINDERS = ['buildingLead', 'floorLead', 'committee'] as const

export const chainActions = defineActions('antigen', {
  chain: action({
    input: ids,
    access: { roles: LEADS, scope: chainScope },
    handler: async (input, ctx) => chainView(ctx, await loadChain(ctx, input.roundId, input.buildingId)),
  }),

  flag: action({
    input: z
      .object({
        roundId: z.string().min(1).max(80).describe('检测轮次'),
        householdId: z.string().min(1).max(64).describe('住户'),
        reason: z.string().trim().min(1).max(60).describe('原因'),
      })
      .strict(),
    access: {
      roles: ['buildingLead', 'floorLead', 'groupLead', 'communityLead', 'committee'],
      scope: async (i, ctx) => {
        const h = await loadHousehold(ctx, i.householdId)
        return {
          communityId: h.communityId,
          groupId: h.groupId,
          buildingId: h.buildingId,
          floor: h.floor,
          householdId: h._id,
        }
      },
    },
    handler: async (input, ctx): Promise<ChainEntryView> => {
      const h = await loadHousehold(ctx, input.householdId)
      const chain = await loadChain(ctx, input.roundId, h.buildingId)
      const entry = chain.entries[h._id]
      if (!entry) throw new AppError('NOT_FOUND', '这一户还没有提交', 'householdId')
      const flagged = { by: ctx.caller.openid, reason: input.reason, at: nowDate() }
      // The version moves, so a merge computed before the flag reads the chain again instead of writing over it.
      await data.update('chains', chain._id, { [`entries.${h._id}.flagged`]: flagged, version: data._.inc(1) })
      const fields = fieldsFor(ctx.grants, householdTarget(h))
      const urls = await photoUrls(photosOf([{ entry, fields }]))
      const view: ChainEntryView = {
        no: entry.no,
        householdId: h._id,
        floor: h.floor,
        label: chainLabel(householdLabel(chain.buildingName, h.room), h.members[0]?.name ?? ''),
        submittedAt: iso(entry.submittedAt),
        proxy: entry.proxy,
      }
      if (fields.results) {
        view.members = memberViews(entry, urls, fields)
        if (isAbnormal(entry.counts)) view.abnormal = true
      }
      if (fields.entryFlag) view.flagged = { reason: flagged.reason, at: iso(flagged.at) }
      return view
    },
  }),

  confirm: action({
    input: ids.extend({ reason: z.string().trim().min(2).max(100).optional().describe('未确认楼层的原因') }).strict(),
    access: { roles: ['buildingLead', 'committee'], scope: chainScope },
    handler: async (input, ctx): Promise<ChainView> => {
      const chain = await loadChain(ctx, input.roundId, input.buildingId)
      if (chain.confirmed) throw new AppError('ALREADY_CONFIRMED')
      const open = unconfirmedFloors(chain)
      if (open.length && !input.reason)
        throw new AppError(
          'FLOORS_UNCONFIRMED',
          `${open.join('、')} 层的层长还没有确认。请等层长确认，或写明原因后确认整栋`,
          'reason',
        )
      const confirmedAt = nowDate()
      // Compare-and-set: a submission arriving meanwhile makes the lead look again.
      const won = await data.updateWhere(
        'chains',
        { _id: chain._id, version: chain.version, confirmed: false },
        {
          confirmed: true,
          confirmedAt,
          confirmedBy: ctx.caller.openid,
          confirmReason: open.length && input.reason ? input.reason : data._.remove(),
          version: chain.version + 1,
        },
      )
      if (won === 0) {
        const again = await data.get<ChainDoc>('chains', chain._id)
        throw new AppError(
          again?.confirmed ? 'ALREADY_CONFIRMED' : 'CONFLICT',
          again?.confirmed ? undefined : '刚有住户提交了，请刷新后再确认',
        )
      }
      const reason = open.length && input.reason ? { confirmReason: input.reason } : {}
      return chainView(ctx, { ...chain, ...reason, confirmed: true, confirmedAt, version: chain.version + 1 })
    },
  }),

  confirmFloor: action({
    input: ids.extend({ floor: z.number().int().min(-10).max(200).describe('楼层') }).strict(),
    access: {
      roles: ['floorLead', 'buildingLead', 'committee'],
      // A 层长's scope is their floor: the floor asked for must be it.
      scope: async (i, ctx) => ({ ...(await chainScope(i, ctx)), floor: i.floor }),
    },
    handler: async (input, ctx): Promise<ChainView> => {
      const chain = await loadChain(ctx, input.roundId, input.buildingId)
      const key = String(input.floor)
      if (chain.floors?.[key]) throw new AppError('ALREADY_CONFIRMED', `${input.floor} 层已经确认过了`)
      const done = { confirmedAt: nowDate(), confirmedBy: ctx.caller.openid }
      const won = await data.updateWhere(
        'chains',
        { _id: chain._id, version: chain.version },
        { [`floors.${key}`]: done, version: chain.version + 1 },
      )
      if (won === 0) throw new AppError('CONFLICT', '刚有住户提交了，请刷新后再确认')
      return chainView(ctx, {
        ...chain,
        floors: { ...(chain.floors ?? {}), [key]: done },
        version: chain.version + 1,
      })
    },
  }),

  remind: action({
    input: ids,
    access: { roles: REMINDERS, scope: chainScope },
    handler: async (input, ctx): Promise<RemindResult> => {
      const [chain, round] = await Promise.all([
        loadChain(ctx, input.roundId, input.buildingId),
        loadRound(ctx, input.roundId),
      ])
      if (isClosed(chain)) throw new AppError('ROUND_CLOSED')
      const households = await data.findAll<HouseholdDoc>('households', { buildingId: chain.buildingId })
      const missing = households
        .filter(
          (h) => !chain.entries[h._id] && h.members.length > 0 && hasRole(ctx.grants, REMINDERS, householdTarget(h)),
        )
        .sort((a, b) => a.floor - b.floor || naturalCompare(a.room, b.room))
      const fields = { thing1: `${round.date} 抗原检测还没报`, time2: formatShanghai(chain.deadline) }
      // Who can be pushed is the ledger's answer (a credit for the reminder template), not a send's: the call list is
      // ready now, while the messages leave through the queue. A repeat within the same ten minutes (a double tap, a
      // retry) tells nobody twice; a later reminder is a new notice.
      // A reminder template that is not configured reaches nobody: everyone is to be called, and the lead is told
      // why (not that they refused).
      const configured = templateUsable(TEMPLATES.antigenReminder)
      const credited = configured
        ? await withCredit(
            missing.flatMap((h) => h.linkedOpenids),
            TEMPLATES.antigenReminder,
          )
        : new Set<string>()
      const window = Math.floor(nowMs() / REMIND_WINDOW_MS)
      const messages: PushMessage[] = []
      let pushed = 0
      const callList: RemindResult['callList'] = []
      for (const h of missing) {
        const page = `${SUBMIT_PAGE}?roundId=${chain.roundId}&householdId=${h._id}`
        const reachable = h.linkedOpenids.filter((openid) => credited.has(openid))
        if (reachable.length) {
          pushed++
          for (const openid of reachable)
            messages.push({
              purpose: `antigen.remind:${chain.roundId}:${h._id}:${window}`,
              touser: openid,
              templateId: TEMPLATES.antigenReminder,
              page,
              fields,
            })
        } else {
          // Numbers as the policy shows them (masked but for the committee); the lead reveals one to dial it.
          const fields = fieldsFor(ctx.grants, householdTarget(h))
          const contacts = h.members.flatMap((m): CallContact[] => {
            const phone = showPhone(fields.phone, m.phone)
            if (phone === undefined) return []
            const contact: CallContact = { memberId: m.id, name: showName(fields.name, m.name), phone }
            if (fields.phone === 'masked' && fields.reveal) contact.revealable = true
            return [contact]
          })
          callList.push({
            householdId: h._id,
            label: chainLabel(householdLabel(chain.buildingName, h.room), h.members[0]?.name ?? ''),
            floor: h.floor,
            contacts,
          })
        }
      }
      await notify('antigen', messages)
      const log: ReminderDoc = {
        _id: randomId('rmd'),
        roundId: chain.roundId,
        buildingId: chain.buildingId,
        by: ctx.caller.openid,
        at: nowDate(),
        pushed,
        called: callList.length,
      }
      await data.insert('reminders', log)
      return configured ? { pushed, callList } : { pushed, callList, notConfigured: REMINDER_NOT_CONFIGURED }
    },
  }),
})
