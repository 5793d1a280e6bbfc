// A community's settings as the product reads them when nothing was changed: what a new community starts with.
import type { VolunteerType } from '../../typings/api'
import type { CommunityDoc } from './model'

/** Buildings per 营 when 营 are formed automatically (autoGroup, a ledger import's new buildings). */
export const DEFAULT_GROUP_SIZE = 20

/** People per volunteer type; null = unlimited (云上 volunteers work from home and are never capped). */
export const DEFAULT_VOLUNTEER_CAPS: Record<VolunteerType, number | null> = {
  online: null,
  testing: 5,
  building: 5,
  patrol: 5,
  transport: 5,
  emergency: 5,
}

/** The settings of a new community (photo retention is left to its default, 14 days). */
export function defaultSettings(): CommunityDoc['settings'] {
  return { groupSize: DEFAULT_GROUP_SIZE, volunteerCaps: { ...DEFAULT_VOLUNTEER_CAPS } }
}
