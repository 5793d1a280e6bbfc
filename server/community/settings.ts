// A community's settings as the product reads them when nothing was changed: what a new community starts with.
import type { VolunteerType } from '../../typings/api'
import type { CommunityDoc } from './model'

/** Buildings per 营 when 营 are formed automatically (autoGroup, a ledger import's new buildings). */
export const DEFAULT_GROUP_SIZE = 20

/**
 * People per volunteer type; null = unlimited (云上 volunteers work from home and are never capped). The 楼栋 cap is
 * per building (each building may have that many), the others count across the community.
 */
export const DEFAULT_VOLUNTEER_CAPS: Record<VolunteerType, number | null> = {
  online: null,
  testing: 5,
  building: 5,
  patrol: 5,
  transport: 5,
  emergency: 5,
}

/** The settings of a new community (retention periods are left to their defaults below). */
export function defaultSettings(): CommunityDoc['settings'] {
  return { groupSize: DEFAULT_GROUP_SIZE, volunteerCaps: { ...DEFAULT_VOLUNTEER_CAPS } }
}

// ---------- retention: how long personal data is kept (docs/community.md, 「Retention」) ----------

/** Kit photos: days after their round closed (a community may set 1–30). */
export const DEFAULT_PHOTO_RETENTION_DAYS = 14
/** Per-member results (names, results, timer times, flags' reasons): days after the round closed (1–90). */
export const DEFAULT_RESULT_RETENTION_DAYS = 30
/** Everyone's data after the committee closed the community: days (1–90). */
export const DEFAULT_CLOSING_DELETION_DAYS = 30
/**
 * Group-buy orders' personal fields (who placed an order and their note, names and phones of imported rows):
 * days after the buy closed, failed or was cancelled (1–90); the rooms, items, amounts and payments stay.
 */
export const DEFAULT_ORDER_RETENTION_DAYS = 30

/** The range a committee may set each period in (setRetention); the consent text states the defaults and maxima. */
export const RETENTION_BOUNDS = {
  photoRetentionDays: { min: 1, max: 30 },
  resultRetentionDays: { min: 1, max: 90 },
  closingDeletionDays: { min: 1, max: 90 },
  orderRetentionDays: { min: 1, max: 90 },
} as const

/**
 * An abnormal result nobody acknowledged is escalated to the committee this many minutes after it was submitted
 * (settings.followUpEscalateMinutes; a community may set 5–240).
 */
export const DEFAULT_FOLLOW_UP_ESCALATE_MINUTES = 30
export const FOLLOW_UP_ESCALATE_BOUNDS = { min: 5, max: 240 } as const

/** A community's escalation time in minutes: its setting within the bounds, or the default. */
export function followUpEscalateMinutesOf(settings: Partial<CommunityDoc['settings']> | undefined): number {
  const set = settings?.followUpEscalateMinutes
  if (typeof set !== 'number' || !Number.isFinite(set)) return DEFAULT_FOLLOW_UP_ESCALATE_MINUTES
  return Math.min(FOLLOW_UP_ESCALATE_BOUNDS.max, Math.max(FOLLOW_UP_ESCALATE_BOUNDS.min, Math.round(set)))
}

/** Fixed periods, the same for every community. */
export const EXPORT_TTL_DAYS = 1
export const LEDGER_UPLOAD_TTL_DAYS = 1
/** A committed import can be rolled back for this long; then its staged copies of households go. */
export const IMPORT_ROWS_TTL_DAYS = 7
/** A decided join request (approved or rejected) is kept this long after the decision. */
export const DECIDED_REQUEST_TTL_DAYS = 30
/** A rejected merchant application's photos (licence, permit, health certificates) this long after the rejection. */
export const REJECTED_MERCHANT_PHOTOS_TTL_DAYS = 30

/** A community's group-buy order period in days: its setting within the bounds, or the default. */
export function orderRetentionDaysOf(settings: Partial<CommunityDoc['settings']> | undefined): number {
  const set = settings?.orderRetentionDays
  if (typeof set !== 'number' || !Number.isFinite(set)) return DEFAULT_ORDER_RETENTION_DAYS
  const { min, max } = RETENTION_BOUNDS.orderRetentionDays
  return Math.min(max, Math.max(min, Math.round(set)))
}

export const DAY_MS = 86_400_000

export interface Retention {
  photoDays: number
  resultDays: number
  closingDays: number
}

/**
 * A community's periods, defaults filled in. Photos never outlive the results they belong to: reducing a round to
 * counts deletes its photos too, so the photo period is at most the result period.
 */
export function retentionOf(settings: Partial<CommunityDoc['settings']> | undefined): Retention {
  const resultDays = settings?.resultRetentionDays ?? DEFAULT_RESULT_RETENTION_DAYS
  return {
    photoDays: Math.min(settings?.photoRetentionDays ?? DEFAULT_PHOTO_RETENTION_DAYS, resultDays),
    resultDays,
    closingDays: settings?.closingDeletionDays ?? DEFAULT_CLOSING_DELETION_DAYS,
  }
}
