/**
 * Every database collection the product uses. CloudBase needs a collection created before first use (the
 * console or `db.createCollection`); localcloud creates these at start and after every reset, and `npm run deploy`
 * creates them in production with their indexes (server/indexes.ts). Each one needs its client rule in
 * `rules/database.json` (closed: every access goes through the functions), which `npm run deploy` (or
 * `npm run rules`) applies.
 */
export const COLLECTIONS = [
  'communities',
  'zones',
  'groups',
  'buildings',
  'households',
  'roles',
  'invites',
  'joinRequests',
  'consents',
  'imports',
  'importRows',
  'rounds',
  'chains',
  /** Submissions waiting for the sequencer to merge them into their chain (server/antigen/sequencer.ts). */
  'intake',
  /** One per abnormal household and round: acknowledged, contacted, closed with an outcome (followups.ts). */
  'followUps',
  'roundSubscribers',
  'reminders',
  'exports',
  /** Masked numbers revealed to dial (revealPhone): who, whose, when, why; and the per-day counts of the cap. */
  'phoneReveals',
  'phoneRevealCounts',
  /** Attempt counters per subject and time window (join codes, name matching); ended windows are removed. */
  'rateLimits',
  /** Spreadsheets the import page uploaded and the import read: each deleted a day after it was first read. */
  'uploads',
  /** Stored files whose deletion failed (storage answered another status than deleted): retried by the timers. */
  'fileDeletions',
  /** The push queue every feature's subscription messages go through, with their send results (pushqueue.ts). */
  'pushQueue',
  /** One-time subscription credits per person and template (credits.ts). */
  'subscriptionCredits',
] as const

export type CollectionName = (typeof COLLECTIONS)[number]
