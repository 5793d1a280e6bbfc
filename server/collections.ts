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
  // Group buys and supply drops (server/groupbuy/model.ts, docs/groupbuy.md)
  /** Shops' applications and standing (核查准入), one per WeChat user and community. */
  'merchants',
  /** Complaints against a merchant (missing, spoiled, short weight …), shown to the committee. */
  'complaints',
  /** Sales and supply drops: items, scope, window, status, and the totals made at close. */
  'buys',
  /** One per buy: stock, 接龙号 and every order in compact form, written only by the buy's order sequencer. */
  'buyLedgers',
  /** Orders waiting for the buy's sequencer to number them and take their stock. */
  'orderIntake',
  /** One per household and buy: lines, 接龙号, status, payment and refunds. */
  'orders',
  /** Residents who asked to be told when a sale opens (团购开团提醒). */
  'buySubscribers',
  /** Staged imports of 快团团 / 群接龙 exports, with the rows a person must resolve. */
  'orderImports',
  /** What a closed buy hands to the delivery relay: per building, households and pieces. */
  'deliveries',
  // The delivery relay (server/delivery/model.ts, docs/delivery.md)
  /** One per household and delivery: its bag, who delivered it and when, its receipt. */
  'deliveryStops',
  /** One per building and delivery: stage, counters, door team, transport. */
  'deliveryBuildings',
  /** Transport trips: a volunteer's tricycle load of neighbouring buildings. */
  'deliveryTrips',
  /** Who carries a building's bags to its doors, when the committee or its leads chose (default: every eligible). */
  'doorTeams',
  /** Problems with bags (wrong, missing, damaged, nobody home), waiting until handled. */
  'deliveryProblems',
  // Testing call-up (server/callup/model.ts, docs/callup.md)
  /** One per session: its name, sampling points, who started and ended it. */
  'callupSessions',
  /** One per building and session: its turn (待叫号 → 已叫号 → 检测中 → 已完成, or 已跳过), who called and marked it. */
  'callupBuildings',
  /** One per call or recall: the buildings it got and who it told (a retried call answers from it). */
  'callupCalls',
  /** One per sampling point with an open session: the one session that point runs. */
  'callupPoints',
  // Needs (server/needs/model.ts, docs/needs.md)
  /** One per registered need: type, urgency, level, who has it, its history; read by the registers and the care list. */
  'needs',
  // Care (关怀, server/care/model.ts, docs/care.md)
  /** One per check of a flagged resident: how, result, note, who and when; deleted 30 days after it was made. */
  'careChecks',
  /** One per flagged resident checked: the last check, the last successful contact, the 联系不上 streak. */
  'careStatus',
  // The livelihood registers (server/registers/model.ts, docs/registers.md)
  /** Register types: a ledger's name, fields in order (removed ones kept), its linked need type. */
  'registerTypes',
  /** One per entry: a household of the community (and members of it) with the type's values. */
  'registerEntries',
  /** Uploaded sheets of a register's rows, checked: row errors, what the commit wrote. */
  'registerImports',
  /** The good rows of an import, staged in chunks until committed or rolled back. */
  'registerImportRows',
] as const

export type CollectionName = (typeof COLLECTIONS)[number]
