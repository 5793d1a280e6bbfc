// A household's submission: validate, read the building's chain without the other entries, write the household's
// intake document and kick the sequencer that merges it (server/antigen/sequencer.ts). Four database round trips.
import { randomBytes } from 'node:crypto'
import type { MySubmissionView } from '../../../typings/api'
import type { IntakeDoc, MemberResultDoc } from '../../../server/antigen/model'
import type { HouseholdDoc } from '../../../server/community/model'
import { action, AppError, defineActions, hasRole, instant, nowDate, nowMs, z } from '../../../server/kernel'
import { CONSENTS } from '../../../server/community/consent'
import { householdLabel } from '../../../server/community/structure'
import { data } from '../../../server/platform/cloud'
import type { Grant } from '../../../server/platform/grants'
import { loadHousehold } from '../../../server/platform/places'
import { currentEnv, fileInFolder, imageKind, probeFile } from '../../../server/platform/files'
import { intakeId, kickSequencer } from '../../../server/antigen/sequencer'
import { MAX_PHOTO_BYTES } from '../../../miniprogram/shared/constants'
import { chainFor, isClosed, photoUrls } from './common'
import { roundViewOfChain } from './rounds'

/** How far a phone's timer times may lie from the platform's now: a slow phone clock, a test started yesterday. */
const TIMER_PAST_MS = 2 * 86_400_000
const TIMER_FUTURE_MS = 10 * 60_000

/** The in-app timer's start and photo times, as the phone sent them: plausible, and in order. */
function checkTimerTimes(m: { startedAt?: string; photoAt?: string }, i: number, name: string): void {
  const at = nowMs()
  for (const key of ['startedAt', 'photoAt'] as const) {
    const v = m[key]
    if (v === undefined) continue
    const t = Date.parse(v)
    if (t < at - TIMER_PAST_MS || t > at + TIMER_FUTURE_MS)
      throw new AppError('INVALID_INPUT', `${name} 的计时时间不对，请检查手机的日期和时间`, `members.${i}.${key}`)
  }
  if (m.startedAt && m.photoAt && Date.parse(m.photoAt) < Date.parse(m.startedAt))
    throw new AppError('INVALID_INPUT', `${name} 的拍照时间早于开始计时的时间`, `members.${i}.photoAt`)
}

const memberInput = z
  .object({
    memberId: z.string().min(1).max(40).describe('成员'),
    result: z.enum(['negative', 'positive', 'invalid', 'untested']).describe('检测结果'),
    reason: z.string().trim().min(1).max(40).optional().describe('未测原因'),
    photo: z.string().min(1).max(300).optional().describe('试剂照片'),
    photoSize: z.number().int().min(1).optional().describe('照片大小'),
    startedAt: instant('开始时间').optional(),
    photoAt: instant('拍照时间').optional(),
  })
  .strict()

export const submitActions = defineActions('antigen', {
  submit: action({
    input: z
      .object({
        roundId: z.string().min(1).max(80).describe('检测轮次'),
        householdId: z.string().min(1).max(64).describe('住户'),
        members: z.array(memberInput).min(1).max(20).describe('成员结果'),
      })
      .strict(),
    access: {
      roles: ['resident', 'buildingLead', 'floorLead', 'committee'],
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
    handler: async (input, ctx): Promise<MySubmissionView> => {
      const submittedAt = nowDate()
      const household: HouseholdDoc = await loadHousehold(ctx, input.householdId)
      const grants = ctx.grants as Grant[]
      const own = grants.find((g) => g.role === 'resident' && g.scope.householdId === household._id)
      const asLead = hasRole(grants, ['buildingLead', 'floorLead', 'committee'], {
        communityId: household.communityId,
        groupId: household.groupId,
        buildingId: household.buildingId,
        floor: household.floor,
        householdId: household._id,
      })
      // A member submitting for their own household needs their health consent; a lead's 代报 is marked as proxy.
      const proxy = !own || own.proxy === true
      if (own && !own.proxy && own.healthConsent !== CONSENTS.health.version && !asLead)
        throw new AppError('HEALTH_CONSENT_REQUIRED')

      // The chain without the other households' entries: its round facts, confirmation and this household's entry.
      const chain = await chainFor(input.roundId, household.buildingId, household._id)
      if (!chain || chain.status === 'opening') throw new AppError('NOT_FOUND', '这一户不在本轮检测范围内')
      if (isClosed(chain)) throw new AppError('ROUND_CLOSED')
      const previous = chain.entries?.[household._id]
      // Confirmed (the building, or the household's floor by its 层长): changes go through a lead.
      const locked = chain.confirmed || Boolean(chain.floors?.[String(household.floor)])
      if (locked && !asLead && previous) throw new AppError('BUILDING_CONFIRMED')
      // A kit photo sits exactly in antigen/<roundId>/<householdId>/ of this environment's bucket.
      const env = currentEnv()
      const folder = ['antigen', input.roundId, household._id]
      const byId = new Map(household.members.map((m) => [m.id, m]))
      const seen = new Set<string>()
      const members: MemberResultDoc[] = input.members.map((m, i) => {
        const member = byId.get(m.memberId)
        if (!member) throw new AppError('NOT_A_MEMBER', undefined, `members.${i}.memberId`)
        if (seen.has(m.memberId))
          throw new AppError('INVALID_INPUT', `${member.name} 填了两次`, `members.${i}.memberId`)
        seen.add(m.memberId)
        checkTimerTimes(m, i, member.name)
        // An edit that keeps a member's result may leave the photo out: the stored one stays.
        const kept = previous?.members.find((x) => x.memberId === m.memberId && x.result === m.result && x.photo)
        if (!m.photo && kept)
          m = {
            ...m,
            photo: kept.photo as string,
            ...(kept.photoSize ? { photoSize: kept.photoSize } : {}),
            ...(kept.startedAt && !m.startedAt ? { startedAt: kept.startedAt } : {}),
            ...(kept.photoAt && !m.photoAt ? { photoAt: kept.photoAt } : {}),
          }
        if (m.result === 'untested') {
          if (!m.reason) throw new AppError('INVALID_INPUT', `请写明 ${member.name} 未测的原因`, `members.${i}.reason`)
        } else {
          if (!m.photo)
            throw new AppError('PHOTO_REQUIRED', `请为 ${member.name} 的试剂拍一张照片`, `members.${i}.photo`)
          if (fileInFolder(m.photo, folder, env) === null)
            throw new AppError('PHOTO_INVALID', undefined, `members.${i}.photo`)
          // What the phone says of the size is only a first check; the stored size is checked below.
          if (m.photoSize !== undefined && m.photoSize > MAX_PHOTO_BYTES)
            throw new AppError('PHOTO_TOO_LARGE', undefined, `members.${i}.photo`)
        }
        const doc: MemberResultDoc = { memberId: m.memberId, name: member.name, result: m.result }
        if (m.reason) doc.reason = m.reason
        if (m.result !== 'untested' && m.photo) {
          doc.photo = m.photo
          if (m.photoSize !== undefined) doc.photoSize = m.photoSize
        }
        if (m.startedAt) doc.startedAt = m.startedAt
        if (m.photoAt) doc.photoAt = m.photoAt
        return doc
      })
      const missing = household.members.filter((m) => !seen.has(m.id))
      if (missing.length)
        throw new AppError('INVALID_INPUT', `还没有填 ${missing.map((m) => m.name).join('、')} 的结果`, 'members')

      // Photos already in this household's entry were checked when they came; a new one is read from storage: it
      // must be there, be a JPEG, PNG, WebP or HEIC image by its first bytes, and be no larger than the limit.
      const knownSize = new Map(
        (previous?.members ?? []).flatMap((m) => (m.photo ? [[m.photo, m.photoSize] as const] : [])),
      )
      const fresh = members.flatMap((m) => (m.photo && !knownSize.has(m.photo) ? [m.photo] : []))
      const stored = await photoUrls(fresh)
      const probes = new Map(
        await Promise.all(
          [...stored].map(async ([fileID, url]) => [fileID, await probeFile(url, MAX_PHOTO_BYTES)] as const),
        ),
      )
      members.forEach((m, i) => {
        if (!m.photo) return
        if (knownSize.has(m.photo)) {
          const size = knownSize.get(m.photo)
          if (size !== undefined) m.photoSize = size
          else delete m.photoSize
          return
        }
        const probe = probes.get(m.photo)
        if (!probe) throw new AppError('PHOTO_INVALID', undefined, `members.${i}.photo`)
        if (!imageKind(probe.head))
          throw new AppError('PHOTO_INVALID', `${m.name} 的照片不是图片，请重新拍摄`, `members.${i}.photo`)
        if (probe.size > MAX_PHOTO_BYTES) throw new AppError('PHOTO_TOO_LARGE', undefined, `members.${i}.photo`)
        m.photoSize = probe.size
      })

      // One write: the household's intake document (a resubmission overwrites it). The sequencer merges it into the
      // chain in the order submissions were made, numbers it and moves the counters (server/antigen/sequencer.ts).
      const nonce = randomBytes(12).toString('hex')
      const doc: IntakeDoc = {
        _id: intakeId(input.roundId, household._id),
        roundId: input.roundId,
        chainId: chain._id,
        communityId: household.communityId,
        buildingId: household.buildingId,
        householdId: household._id,
        room: household.room,
        floor: household.floor,
        at: submittedAt,
        by: ctx.caller.openid,
        proxy,
        members,
        nonce,
      }
      await data.set('intake', doc)
      const no = (await kickSequencer(chain._id, household._id, nonce)) ?? previous?.no
      const view: MySubmissionView = {
        round: roundViewOfChain(chain),
        householdId: household._id,
        label: householdLabel(chain.buildingName, household.room),
        members: members.map((m) => ({
          memberId: m.memberId,
          name: m.name,
          result: m.result,
          ...(m.reason ? { reason: m.reason } : {}),
        })),
        submitted: true,
        locked: false,
      }
      if (no) view.no = no
      return view
    },
  }),
})
