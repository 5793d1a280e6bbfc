// Deleting needs' personal content: a need past its period (retention.ts), a person's own deletion (「我的数据」,
// registered in the community function) and a closed community's (server/community/closing.ts). What goes: the
// detail, the drugs and their photo, the outing's reason, notes and reasons, and the names and openids in its steps.
// What stays: type, urgency, status, level, building, household, member id and dates, which the day's counts, the
// 民生底账 and the care list read.
import type { NeedDoc, NeedHistoryDoc, NeedStepDoc } from './model'
import type { Budget } from '../platform/budget'
import { data } from '../platform/cloud'
import { deleteFiles } from '../platform/deletions'
import { nowDate } from '../kernel'

const BATCH = 100

const anonymousStep = (s: NeedStepDoc | undefined): NeedStepDoc | undefined =>
  s ? { at: s.at, openid: '', role: s.role, name: '' } : undefined

/** The need without its personal content (idempotent). */
export function reducedNeed(n: NeedDoc, at: Date): Partial<NeedDoc> {
  const patch: Partial<NeedDoc> = {
    detail: '',
    raised: anonymousStep(n.raised) as NeedStepDoc,
    history: n.history.map((h): NeedHistoryDoc => {
      const out: NeedHistoryDoc = { kind: h.kind, at: h.at }
      if (h.level) out.level = h.level
      return out
    }),
    reducedAt: at,
    updatedAt: at,
  }
  if (n.medicine) patch.medicine = { names: [] }
  if (n.outing) patch.outing = { reason: '', at: n.outing.at }
  if (n.taken) patch.taken = anonymousStep(n.taken) as NeedStepDoc
  if (n.done) patch.done = anonymousStep(n.done) as NeedStepDoc
  if (n.cancelled) patch.cancelled = anonymousStep(n.cancelled) as NeedStepDoc
  return patch
}

/** Reduce these needs: their photos first (storage statuses checked), then the documents. Returns files that failed. */
export async function reduceNeeds(needs: readonly NeedDoc[]): Promise<number> {
  if (needs.length === 0) return 0
  const photos = needs.flatMap((n) =>
    n.medicine?.photo ? [{ fileID: n.medicine.photo, communityId: n.communityId, kind: 'needPhoto' as const }] : [],
  )
  const { failed } = photos.length ? await deleteFiles(photos) : { failed: 0 }
  const at = nowDate()
  const _ = data._
  for (const n of needs) {
    const patch = reducedNeed(n, at) as Record<string, unknown>
    // `set` replaces the sub-documents whole (an update would merge them and keep the old fields).
    for (const key of ['raised', 'taken', 'done', 'cancelled', 'medicine', 'outing', 'history'])
      if (patch[key] !== undefined) patch[key] = _.set(patch[key])
    await data.update('needs', n._id, patch)
  }
  return failed
}

export interface NeedsPerson {
  communityId: string
  householdId: string
  openid: string
  memberId?: string
  /** The household's last member: every need of the household goes. */
  last: boolean
}

/**
 * A person's deletion: the needs of their household raised for them or by them (all of the household's when they
 * were its last member) lose their content, and their name and openid leave the steps of needs they took, finished
 * or cancelled elsewhere in the community.
 */
export async function eraseNeedsPerson(p: NeedsPerson): Promise<{ failedFiles: number }> {
  const _ = data._
  const own = await data.findAll<NeedDoc>('needs', { householdId: p.householdId })
  const theirs = own.filter(
    (n) => !n.reducedAt && (p.last || (p.memberId && n.memberId === p.memberId) || n.raised.openid === p.openid),
  )
  const failedFiles = await reduceNeeds(theirs)
  // Steps they made on other households' needs (a volunteer or lead who took or finished them).
  const worked = await data.findAll<NeedDoc>(
    'needs',
    _.and([
      { communityId: p.communityId },
      _.or([{ 'taken.openid': p.openid }, { 'done.openid': p.openid }, { 'raised.openid': p.openid }]),
    ]),
  )
  const at = nowDate()
  for (const n of worked) {
    if (theirs.some((x) => x._id === n._id)) continue
    const strip = (s: NeedStepDoc | undefined) => (s && s.openid === p.openid ? { ...s, openid: '', name: '' } : s)
    const patch: Record<string, unknown> = {
      history: _.set(
        n.history.map((h) =>
          h.openid === p.openid ? { kind: h.kind, at: h.at, ...(h.level ? { level: h.level } : {}) } : h,
        ),
      ),
      updatedAt: at,
    }
    for (const key of ['raised', 'taken', 'done', 'cancelled'] as const) {
      const s = n[key]
      if (s && s.openid === p.openid) patch[key] = _.set(strip(s))
    }
    await data.update('needs', n._id, patch)
  }
  return { failedFiles }
}

/** A closed community's needs: photos, then the documents, in batches. Returns true once done. */
export async function eraseCommunityNeeds(communityId: string, budget: Budget): Promise<boolean> {
  const _ = data._
  for (;;) {
    const docs = await data.find<Pick<NeedDoc, '_id' | 'communityId' | 'medicine'>>(
      'needs',
      { communityId },
      { limit: BATCH, fields: { communityId: true, medicine: true } },
    )
    if (docs.length === 0) return true
    const photos = docs.flatMap((n) =>
      n.medicine?.photo ? [{ fileID: n.medicine.photo, communityId, kind: 'needPhoto' as const }] : [],
    )
    if (photos.length) await deleteFiles(photos)
    await data.removeWhere('needs', { _id: _.in(docs.map((d) => d._id)) })
    if (budget.spent) return false
  }
}
