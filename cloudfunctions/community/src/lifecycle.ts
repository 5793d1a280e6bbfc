// How long personal data is kept and ending the service (committee only): the retention schedule, the community's
// periods, closing the community with its hand-over exports, and the closing's progress.
import type {
  ClosingStatus,
  Envelope,
  HandoverFile,
  RetentionItem,
  RetentionSchedule,
  RetentionSettings,
} from '../../../typings/api'
import type { CommunityDoc, PhoneRevealDoc, RoleDoc } from '../../../server/community/model'
import { action, AppError, defineActions, nowDate, nowMs, z } from '../../../server/kernel'
import { antigenSchedule, closeCommunityRounds } from '../../../server/antigen/retention'
import { groupBuySchedule } from '../../../server/groupbuy/retention'
import { deliverySchedule } from '../../../server/delivery/retention'
import { careSchedule } from '../../../server/care/retention'
import { CHECK_RETENTION_DAYS } from '../../../server/care/rules'
import { needSchedule } from '../../../server/needs/retention'
import { NEED_RETENTION_BOUNDS, needRetentionDaysOf } from '../../../server/needs/rules'
import { closingState } from '../../../server/community/closing'
import { communityDue, retentionItem, type DueAt } from '../../../server/community/retention'
import { registersSchedule } from '../../../server/registers/erase'
import {
  DAY_MS,
  DECIDED_REQUEST_TTL_DAYS,
  EXPORT_TTL_DAYS,
  FOLLOW_UP_ESCALATE_BOUNDS,
  followUpEscalateMinutesOf,
  orderRetentionDaysOf,
  IMPORT_ROWS_TTL_DAYS,
  LEDGER_UPLOAD_TTL_DAYS,
  REJECTED_MERCHANT_PHOTOS_TTL_DAYS,
  RETENTION_BOUNDS,
  retentionOf,
} from '../../../server/community/settings'
import { cloud, data } from '../../../server/platform/cloud'
import { failedDeletions } from '../../../server/platform/deletions'
import { tempUrl, type HandoverExportDoc } from '../../../server/platform/exports'
import { PHONE_REVEAL_TTL_DAYS } from './phones'

/** The function that writes spreadsheets (cloudfunctions/sheets). */
const SHEETS_FUNCTION = 'sheets'

const communityId = z.string().min(1).max(64).describe('小区')
const committee = {
  roles: ['committee'] as const,
  scope: (i: { communityId: string }) => ({ communityId: i.communityId }),
}

async function community(id: string): Promise<CommunityDoc> {
  const c = await data.get<CommunityDoc>('communities', id)
  if (!c) throw new AppError('NOT_FOUND', '找不到这个小区')
  return c
}

function settingsView(c: CommunityDoc): RetentionSettings {
  const r = retentionOf(c.settings)
  return {
    photoRetentionDays: r.photoDays,
    resultRetentionDays: r.resultDays,
    closingDeletionDays: r.closingDays,
    followUpEscalateMinutes: followUpEscalateMinutesOf(c.settings),
    orderRetentionDays: orderRetentionDaysOf(c.settings),
    needRetentionDays: needRetentionDaysOf(c.settings),
  }
}

const iso = (d: Date | string) => new Date(d).toISOString()

async function schedule(c: CommunityDoc): Promise<RetentionSchedule> {
  const { photoDays, resultDays } = retentionOf(c.settings)
  const orderDays = orderRetentionDaysOf(c.settings)
  const needDays = needRetentionDaysOf(c.settings)
  const [antigen, due, groupBuy, deliveries, needs, failed, reveals, careChecks, registers] = await Promise.all([
    antigenSchedule(c),
    communityDue(c),
    groupBuySchedule(c),
    deliverySchedule(c),
    needSchedule(c),
    failedDeletions(c._id),
    data.findAll<Pick<PhoneRevealDoc, 'at'>>('phoneReveals', { communityId: c._id }, { fields: { at: true } }),
    careSchedule(c),
    registersSchedule(c),
  ])
  const cap = c.closing ? new Date(c.closing.deleteAfter).getTime() : Infinity
  const revealDue: DueAt[] = reveals.map((r) => ({
    at: new Date(Math.min(new Date(r.at).getTime() + PHONE_REVEAL_TTL_DAYS * DAY_MS, cap)),
    count: 1,
  }))
  const now = nowMs()
  const items: RetentionItem[] = [
    retentionItem(
      {
        kind: 'kitPhotos',
        label: '试剂照片',
        rule: `每轮检测结束 ${photoDays} 天后删除，检测结果仍保留`,
        days: photoDays,
        unit: '户次',
        items: antigen.photos.due,
        waiting: antigen.photos.waiting,
        failed: failed.photo.count,
      },
      now,
    ),
    retentionItem(
      {
        kind: 'results',
        label: '检测名单和每人结果',
        rule: `每轮检测结束 ${resultDays} 天后删除姓名、每人结果、计时时间和标记原因，只保留各楼的统计数字`,
        days: resultDays,
        unit: '户次',
        items: antigen.results.due,
        waiting: antigen.results.waiting,
      },
      now,
    ),
    retentionItem(
      {
        kind: 'reminders',
        label: '提醒未报户的记录',
        rule: `随检测名单一起，每轮检测结束 ${resultDays} 天后删除`,
        days: resultDays,
        unit: '条',
        items: antigen.reminders.due,
        waiting: antigen.reminders.waiting,
      },
      now,
    ),
    retentionItem(
      {
        kind: 'phoneReveals',
        label: '查看电话的记录',
        rule: `每条记录保留 ${PHONE_REVEAL_TTL_DAYS} 天后删除`,
        days: PHONE_REVEAL_TTL_DAYS,
        unit: '条',
        items: revealDue,
      },
      now,
    ),
    retentionItem(
      {
        kind: 'exports',
        label: '导出的表格',
        rule: `导出 ${EXPORT_TTL_DAYS} 天后删除；停止使用时的移交表格与全部数据一起删除`,
        days: EXPORT_TTL_DAYS,
        unit: '个文件',
        items: due.exports,
        failed: failed.export.count,
      },
      now,
    ),
    retentionItem(
      {
        kind: 'ledgerUploads',
        label: '上传的台账文件',
        rule: `导入时读取后 ${LEDGER_UPLOAD_TTL_DAYS} 天删除`,
        days: LEDGER_UPLOAD_TTL_DAYS,
        unit: '个文件',
        items: due.uploads,
        failed: failed.upload.count,
      },
      now,
    ),
    retentionItem(
      {
        kind: 'importRows',
        label: '导入暂存的名单和错误行',
        rule: `导入 ${IMPORT_ROWS_TTL_DAYS} 天后（不能再撤销时）删除`,
        days: IMPORT_ROWS_TTL_DAYS,
        unit: '户',
        items: due.importRows,
      },
      now,
    ),
    retentionItem(
      {
        kind: 'joinRequests',
        label: '已审核的加入申请',
        rule: `审核后 ${DECIDED_REQUEST_TTL_DAYS} 天删除；待审核的保留到审核`,
        days: DECIDED_REQUEST_TTL_DAYS,
        unit: '条',
        items: due.joinRequests,
      },
      now,
    ),
    // Group buys (server/groupbuy/retention.ts), in the consent text's words.
    retentionItem(
      {
        kind: 'buyOrders',
        label: '团购订单上的下单人和备注',
        rule: `团购结束 ${orderDays} 天后删除订单上的下单人和备注、导入的姓名电话，只保留房号、商品、金额和付款记录`,
        days: orderDays,
        unit: '单',
        items: groupBuy.orders.due,
        waiting: groupBuy.orders.waiting,
      },
      now,
    ),
    retentionItem(
      {
        kind: 'buyComplaints',
        label: '团购投诉的说明和照片',
        rule: `随团购订单一起，团购结束 ${orderDays} 天后删除说明和照片，投诉的问题和处理状态仍保留`,
        days: orderDays,
        unit: '条',
        items: groupBuy.complaints.due,
        waiting: groupBuy.complaints.waiting,
        failed: failed.complaintPhoto.count,
      },
      now,
    ),
    retentionItem(
      {
        kind: 'merchantPhotos',
        label: '未通过审核的商家申请的资质照片',
        rule: `未通过审核 ${REJECTED_MERCHANT_PHOTOS_TTL_DAYS} 天后删除；待审核和已准入商家的照片保留`,
        days: REJECTED_MERCHANT_PHOTOS_TTL_DAYS,
        unit: '张照片',
        items: groupBuy.merchantPhotos,
        failed: failed.merchantPhoto.count,
      },
      now,
    ),
    // The delivery relay (server/delivery/retention.ts), with the group buys' period.
    retentionItem(
      {
        kind: 'deliveries',
        label: '物资配送记录',
        rule: `配送结束 ${orderDays} 天后删除送达和签收的人、照片、问题的说明和照片、通知名单和送货安排上的姓名，只保留房号、物资和各楼的数量与时间`,
        days: orderDays,
        unit: '户',
        items: deliveries,
        failed: failed.deliveryPhoto.count,
      },
      now,
    ),
    // Care (server/care/retention.ts).
    retentionItem(
      {
        kind: 'careChecks',
        label: '关怀联系记录',
        rule: `每次联系（方式、结果、备注、联系人）记录 ${CHECK_RETENTION_DAYS} 天后删除`,
        days: CHECK_RETENTION_DAYS,
        unit: '条',
        items: careChecks,
      },
      now,
    ),
    // The livelihood registers (server/registers/erase.ts): kept while the community uses the service.
    retentionItem(
      {
        kind: 'registers',
        label: '民生底账登记',
        rule: `保存到社区停止使用（停止 ${retentionOf(c.settings).closingDays} 天后删除）；本人在「我的数据」中删除时，登记了本人的条目一并删除`,
        days: retentionOf(c.settings).closingDays,
        unit: '条',
        items: registers.due,
        waiting: registers.waiting,
        failed: failed.registerPhoto.count,
      },
      now,
    ),
    // Needs (server/needs/retention.ts): their content, settings.needRetentionDays after done or cancelled.
    retentionItem(
      {
        kind: 'needs',
        label: '需求登记的内容',
        rule: `需求办结或取消 ${needDays} 天后删除需求说明、药品和照片、外出原因、办理说明和经办人姓名，只保留类型、状态、楼栋和时间`,
        days: needDays,
        unit: '条',
        items: needs,
        failed: failed.needPhoto.count,
      },
      now,
    ),
  ]
  const out: RetentionSchedule = { communityId: c._id, settings: settingsView(c), items }
  if (c.closing) out.closing = { closedAt: iso(c.closing.closedAt), deleteAfter: iso(c.closing.deleteAfter) }
  return out
}

/** The hand-over exports, made by the `sheets` function (spreadsheets stay out of this function's bundle). */
async function handOver(communityId: string): Promise<void> {
  const res = (await cloud.callFunction({
    name: SHEETS_FUNCTION,
    data: { action: 'handover', payload: { communityId } },
  })) as { result?: Envelope<unknown> }
  const reply = res.result
  if (!reply || typeof reply !== 'object' || !('ok' in reply)) throw new Error('sheets.handover: no envelope')
  if (!reply.ok) throw new AppError(reply.code, reply.message)
}

async function sumPeople(id: string): Promise<number> {
  const $ = data._.aggregate
  const [row] = await data.runAggregate<{ n: number }>(
    data
      .aggregate('households')
      .match({ communityId: id })
      .group({ _id: null, n: $.sum($.size('$members')) })
      .limit(1),
  )
  return row?.n ?? 0
}

async function consentsOf(id: string): Promise<number> {
  const roles = await data.findAll<Pick<RoleDoc, 'openid'>>('roles', { communityId: id }, { fields: { openid: true } })
  const openids = [...new Set(roles.map((r) => r.openid))]
  let n = 0
  for (let i = 0; i < openids.length; i += 100)
    n += await data.count('consents', { openid: data._.in(openids.slice(i, i + 100)) })
  return n
}

async function status(c: CommunityDoc): Promise<ClosingStatus> {
  const id = c._id
  const [handover, households, people, roles, joinRequests, invites, consents, rounds, exports, uploads, failed] =
    await Promise.all([
      data.find<HandoverExportDoc>('exports', { communityId: id, handover: true }, { limit: 10 }),
      data.count('households', { communityId: id, 'members.0': data._.exists(true) }),
      sumPeople(id),
      data.count('roles', { communityId: id }),
      data.count('joinRequests', { communityId: id }),
      data.count('invites', { communityId: id }),
      consentsOf(id),
      data.count('rounds', { communityId: id, resultsReducedAt: data._.exists(false) }),
      data.count('exports', { communityId: id }),
      data.count('uploads', { communityId: id }),
      data.count('fileDeletions', { communityId: id }),
    ])
  const files: HandoverFile[] = []
  for (const e of handover.sort((a, b) => a.kind.localeCompare(b.kind))) {
    files.push({
      kind: e.kind,
      fileName: e.fileName ?? '',
      fileID: e.fileID,
      tempFileURL: await tempUrl(e.fileID),
      createdAt: iso(e.createdAt),
      expiresAt: iso(e.expiresAt ?? e.createdAt),
    })
  }
  const out: ClosingStatus = {
    communityId: id,
    communityName: c.name,
    state: closingState(c),
    closingDeletionDays: retentionOf(c.settings).closingDays,
    handover: files,
    remaining: {
      households,
      people,
      roles,
      joinRequests,
      invites,
      consents,
      roundsWithResults: rounds,
      exports,
      uploads,
      failedFiles: failed,
    },
  }
  if (c.closing) {
    out.closedAt = iso(c.closing.closedAt)
    out.deleteAfter = iso(c.closing.deleteAfter)
  }
  return out
}

const days = (label: string, bounds: { min: number; max: number }) =>
  z
    .number()
    .int(`${label}请填写整数天数`)
    .min(bounds.min, `${label}最少 ${bounds.min} 天`)
    .max(bounds.max, `${label}最多 ${bounds.max} 天`)
    .optional()
    .describe(label)

/** Why pending requests of a closed community were not approved. */
export const CLOSED_REASON = '小区已停止使用'

export const lifecycleActions = defineActions('community', {
  retentionSchedule: action({
    input: z.object({ communityId }).strict(),
    access: committee,
    handler: async (input): Promise<RetentionSchedule> => schedule(await community(input.communityId)),
  }),

  setRetention: action({
    input: z
      .object({
        communityId,
        photoRetentionDays: days('试剂照片保存天数', RETENTION_BOUNDS.photoRetentionDays),
        resultRetentionDays: days('检测名单保存天数', RETENTION_BOUNDS.resultRetentionDays),
        closingDeletionDays: days('停止使用后保存天数', RETENTION_BOUNDS.closingDeletionDays),
        orderRetentionDays: days('团购订单保存天数', RETENTION_BOUNDS.orderRetentionDays),
        needRetentionDays: days('需求内容保存天数', NEED_RETENTION_BOUNDS),
        followUpEscalateMinutes: z
          .number()
          .int('异常上报时间请填写整数分钟')
          .min(FOLLOW_UP_ESCALATE_BOUNDS.min, `异常上报时间最少 ${FOLLOW_UP_ESCALATE_BOUNDS.min} 分钟`)
          .max(FOLLOW_UP_ESCALATE_BOUNDS.max, `异常上报时间最多 ${FOLLOW_UP_ESCALATE_BOUNDS.max} 分钟`)
          .optional()
          .describe('异常无人跟进时上报居委的分钟数'),
      })
      .strict(),
    access: committee,
    handler: async (input): Promise<RetentionSettings> => {
      const c = await community(input.communityId)
      if (c.closing) throw new AppError('COMMUNITY_CLOSED', '本小区已停止使用，保存期限不能再改')
      const next = { ...c.settings }
      if (input.photoRetentionDays !== undefined) next.photoRetentionDays = input.photoRetentionDays
      if (input.resultRetentionDays !== undefined) next.resultRetentionDays = input.resultRetentionDays
      if (input.closingDeletionDays !== undefined) next.closingDeletionDays = input.closingDeletionDays
      if (input.followUpEscalateMinutes !== undefined) next.followUpEscalateMinutes = input.followUpEscalateMinutes
      if (input.orderRetentionDays !== undefined) next.orderRetentionDays = input.orderRetentionDays
      if (input.needRetentionDays !== undefined) next.needRetentionDays = input.needRetentionDays
      const r = retentionOf(next)
      if ((next.photoRetentionDays ?? r.photoDays) > r.resultDays)
        throw new AppError(
          'INVALID_INPUT',
          `试剂照片不能比检测名单保存得更久（检测名单保存 ${r.resultDays} 天）`,
          'photoRetentionDays',
        )
      const patch: Record<string, number> = {}
      for (const k of [
        'photoRetentionDays',
        'resultRetentionDays',
        'closingDeletionDays',
        'followUpEscalateMinutes',
        'orderRetentionDays',
        'needRetentionDays',
      ] as const)
        if (input[k] !== undefined) patch[`settings.${k}`] = input[k] as number
      if (Object.keys(patch).length) await data.update('communities', c._id, patch)
      return settingsView({ ...c, settings: next })
    },
  }),

  closeCommunity: action({
    input: z
      .object({ communityId, confirm: z.string().trim().min(1, '请输入小区的名称以确认').max(64).describe('确认') })
      .strict(),
    access: committee,
    handler: async (input, ctx): Promise<ClosingStatus> => {
      let c = await community(input.communityId)
      if (input.confirm.replace(/\s+/g, '') !== c.name.replace(/\s+/g, ''))
        throw new AppError('INVALID_INPUT', `请输入小区的名称「${c.name}」以确认`, 'confirm')
      // 1. Closed once: a second call keeps the first date (compare-and-set on the field being absent).
      if (!c.closing) {
        const closedAt = nowDate()
        const deleteAfter = new Date(closedAt.getTime() + retentionOf(c.settings).closingDays * DAY_MS)
        await data.updateWhere(
          'communities',
          { _id: c._id, closing: data._.exists(false) },
          { closing: { closedAt, closedBy: ctx.caller.openid, deleteAfter } },
        )
        c = await community(c._id)
      }
      const closing = c.closing as NonNullable<CommunityDoc['closing']>
      // 2. Nothing new: rounds end and pending requests are answered; joins, invites and rounds are refused
      // (COMMUNITY_CLOSED) from now on, so an invite still shown somewhere gets a clear answer.
      await closeCommunityRounds(c._id, new Date(closing.closedAt))
      await data.updateWhere(
        'joinRequests',
        { communityId: c._id, status: 'pending' },
        { status: 'rejected', decidedAt: nowDate(), decidedBy: ctx.caller.openid, reason: CLOSED_REASON },
      )
      // 3. The hand-over: the ledger and every round's table, kept until everyone's data goes.
      if (!closing.handoverAt) {
        await handOver(c._id)
        await data.update('communities', c._id, { 'closing.handoverAt': nowDate() })
        c = await community(c._id)
      }
      return status(c)
    },
  }),

  closingStatus: action({
    input: z.object({ communityId }).strict(),
    access: committee,
    handler: async (input): Promise<ClosingStatus> => status(await community(input.communityId)),
  }),
})
