/**
 * The database indexes of every collection: one per kind of query the functions make (their `where` and `orderBy`),
 * created by `npm run deploy`. A field prefixed with `-` is descending. Every collection also has its `_id` index,
 * so a query by `_id` (most compare-and-set updates) needs nothing here.
 *
 * An index serves a query when its first field is one the query filters on (or, for a query with no filter, sorts
 * on); `test/project/indexes.unit.test.ts` reads every query in server/ and cloudfunctions/ and checks that one
 * does, and that every index here serves some query. CloudBase allows 20 indexes per collection.
 */
import type { CollectionName } from './collections'

export interface IndexSpec {
  collection: CollectionName
  /** Field paths in index order; `-field` for descending. */
  fields: readonly string[]
  /** Refuse a second document with the same values (a missing field counts as null). */
  unique?: boolean
  /** The queries it serves. */
  why: string
}

export const INDEXES: readonly IndexSpec[] = [
  // Structure: a community's zones, groups and buildings, in their order.
  { collection: 'zones', fields: ['communityId', 'order'], why: 'structure, round opening' },
  { collection: 'groups', fields: ['communityId', 'order'], why: 'structure, import, round opening' },
  { collection: 'buildings', fields: ['communityId', 'order'], why: 'structure, import, export, round opening' },
  { collection: 'buildings', fields: ['groupId'], why: 'import rollback: a group still in use' },

  // Households: a building's rooms (roster, chain, joining by room), a community's (table, export, counts).
  { collection: 'households', fields: ['buildingId', 'room'], why: 'roster, chain page, join by room' },
  { collection: 'households', fields: ['communityId'], why: 'table, export, import preview, counts, closing' },

  // Roles: the caller's grants on every call; a building's leads on every merged submission.
  { collection: 'roles', fields: ['openid'], why: 'every call: the caller’s grants (server/platform/grants.ts)' },
  {
    collection: 'roles',
    fields: ['communityId', 'role', 'scope.buildingId'],
    why: 'a building’s leads (sequencer, join notices), the committee, role lists and caps',
  },
  { collection: 'roles', fields: ['householdId', 'role'], why: 'a household’s residents and proxies (erasure)' },
  { collection: 'roles', fields: ['scope.buildingId'], why: 'import rollback: a building still in use' },
  { collection: 'roles', fields: ['scope.groupId'], why: 'import rollback: a group still in use' },

  // Joining.
  { collection: 'invites', fields: ['buildingId', '-createdAt'], why: 'a building’s live invites' },
  { collection: 'invites', fields: ['communityId'], why: 'closing counts, a closed community’s invite codes' },
  { collection: 'invites', fields: ['expiresAt'], why: 'timer: 小程序码 of expired invites, longest expired first' },
  {
    collection: 'joinRequests',
    fields: ['buildingId', 'status', '-createdAt'],
    why: 'a building’s pending requests',
  },
  { collection: 'joinRequests', fields: ['openid', '-createdAt'], why: 'my requests' },
  { collection: 'joinRequests', fields: ['communityId', 'status'], why: 'retention counts, closing' },
  { collection: 'joinRequests', fields: ['householdId'], why: 'erasure' },
  { collection: 'joinRequests', fields: ['status', 'decidedAt'], why: 'timer: decided requests past retention' },
  { collection: 'consents', fields: ['openid', '-acceptedAt'], why: 'my consents, every consent check' },

  // Ledger imports.
  { collection: 'imports', fields: ['communityId', 'createdAt'], why: 'retention counts, closing' },
  { collection: 'imports', fields: ['createdAt'], why: 'timer: staged rows past retention, oldest first' },
  { collection: 'importRows', fields: ['importId', 'seq'], why: 'commit and rollback in row order' },
  { collection: 'importRows', fields: ['communityId'], why: 'closing' },

  // Antigen rounds: a community's newest first; the timers' open-past-deadline and closed-by-date sweeps.
  { collection: 'rounds', fields: ['communityId', '-openedAt'], why: 'round list, handover, retention, closing' },
  { collection: 'rounds', fields: ['status', 'deadline'], why: 'timer: open rounds past their deadline' },
  { collection: 'rounds', fields: ['status', 'closedAt'], why: 'timer: closed rounds to date or reduce' },
  // Chains: one per round and building; the burst path reads them by round and by building.
  {
    collection: 'chains',
    fields: ['roundId', 'groupId', 'buildingId'],
    why: 'round table by scope, opening and closing a round, retention',
  },
  {
    collection: 'chains',
    fields: ['communityId', 'buildingId', 'deadline'],
    why: 'my open rounds (home page), handover, erasure of a lead',
  },
  // Intake: submissions waiting for the sequencer, merged oldest first.
  { collection: 'intake', fields: ['chainId', 'at'], why: 'the sequencer’s merge of a chain, waiting counts' },
  { collection: 'intake', fields: ['roundId', 'at'], why: 'table and close: merge a round’s waiting submissions' },
  { collection: 'intake', fields: ['at'], why: 'timer: every waiting submission, oldest first' },
  { collection: 'intake', fields: ['householdId'], why: 'erasure' },
  { collection: 'followUps', fields: ['communityId', 'status', 'openedAt'], why: 'follow-up list by scope' },
  { collection: 'followUps', fields: ['status', 'openedAt'], why: 'timer: open follow-ups due for escalation' },
  { collection: 'followUps', fields: ['escalatedAt'], why: 'timer: escalations whose notices were not queued' },
  { collection: 'followUps', fields: ['chainId'], why: 'erasure of a chain' },
  { collection: 'followUps', fields: ['householdId'], why: 'erasure of a household' },
  { collection: 'roundSubscribers', fields: ['communityId'], why: 'round-opened notices, retention' },
  { collection: 'reminders', fields: ['roundId'], why: 'retention, erasure' },

  // Files and exports.
  { collection: 'exports', fields: ['communityId'], why: 'handover, counts, closing' },
  { collection: 'exports', fields: ['expiresAt'], why: 'timer: expired exports' },
  { collection: 'exports', fields: ['createdAt'], why: 'timer: exports from before expiresAt, oldest first' },
  { collection: 'uploads', fields: ['communityId', 'expiresAt'], why: 'counts, closing' },
  { collection: 'uploads', fields: ['expiresAt'], why: 'timer: expired uploads' },
  { collection: 'fileDeletions', fields: ['lastTriedAt'], why: 'timer: retry the longest-waiting deletions' },
  { collection: 'fileDeletions', fields: ['communityId'], why: 'counts' },

  // Phones.
  { collection: 'phoneReveals', fields: ['communityId', '-at'], why: 'the reveals log' },
  { collection: 'phoneReveals', fields: ['at'], why: 'timer: log entries past retention' },
  { collection: 'phoneRevealCounts', fields: ['day'], why: 'timer: past days’ counts' },
  { collection: 'rateLimits', fields: ['expiresAt'], why: 'timer: ended windows' },

  // The push queue: the drain's due and expired-lease picks, its own claim, the kick's nonce check.
  { collection: 'pushQueue', fields: ['status', 'dueAt'], why: 'drain: queued and due, earliest first' },
  { collection: 'pushQueue', fields: ['status', 'leaseUntil'], why: 'drain: claims whose lease ran out' },
  { collection: 'pushQueue', fields: ['claim'], why: 'drain: the messages this drain claimed' },
  { collection: 'pushQueue', fields: ['kick'], why: 'drainPushes: the kick’s nonce' },
  { collection: 'pushQueue', fields: ['status', 'createdAt'], why: 'timer: results past 14 days' },
  { collection: 'pushQueue', fields: ['touser'], why: 'erasure, closing' },
  { collection: 'subscriptionCredits', fields: ['openid'], why: 'erasure, closing' },

  // Buys: a community's newest first (all of them, by building, by shop); the timer's opening and deadline sweeps.
  { collection: 'buys', fields: ['communityId', '-createdAt'], why: 'listBuys: the community’s buys, newest first' },
  {
    collection: 'buys',
    fields: ['communityId', 'buildingIds', '-createdAt'],
    why: 'listBuys: a resident’s or lead’s buildings’ buys',
  },
  { collection: 'buys', fields: ['merchantId', '-createdAt'], why: 'listBuys: a shop’s own buys' },
  {
    collection: 'buys',
    fields: ['status', 'closesAt'],
    why: 'timer: buys past their deadline, closes whose holder died',
  },
  { collection: 'buys', fields: ['status', 'opensAt'], why: 'timer: scheduled buys due to open' },
  { collection: 'buySubscribers', fields: ['communityId'], why: 'opening notices' },
  { collection: 'orders', fields: ['buyId', 'no'], why: 'a buy’s chain in 接龙 order, closing, totals' },
  {
    collection: 'orders',
    fields: ['householdId', '-placedAt'],
    why: 'myOrders: a caller’s households’ orders, newest first',
  },
  // Order intake: intents waiting for the buy's order sequencer, merged oldest first (server/groupbuy/sequencer.ts).
  { collection: 'orderIntake', fields: ['buyId', 'at'], why: 'the order sequencer’s merge of a buy, waiting counts' },
  { collection: 'orderIntake', fields: ['at'], why: 'timer: intents a lost kick left waiting, oldest first' },
  { collection: 'orderIntake', fields: ['householdId'], why: 'myOrders: the caller’s households’ waiting intents' },

  // Merchants and complaints (核查准入).
  { collection: 'merchants', fields: ['communityId', 'status'], why: 'listMerchants, approved sellers' },
  { collection: 'complaints', fields: ['communityId', '-at'], why: 'listComplaints: the committee’s, newest first' },
  // Deleting group-buy data (server/groupbuy/erase.ts): a person's or household's, a buy's after its period, a
  // closed community's.
  {
    collection: 'orders',
    fields: ['communityId', 'by'],
    why: 'erasure: orders a person placed or is told of; closing',
  },
  { collection: 'orderIntake', fields: ['communityId', 'by'], why: 'erasure, retention, closing: waiting orders' },
  { collection: 'orderImports', fields: ['communityId', 'buyId'], why: 'erasure, retention, closing: imported rows' },
  { collection: 'buyLedgers', fields: ['communityId'], why: 'closing: the ledgers lose their per-household orders' },

  // Communities are few: only the closing timer's query is worth one.
  { collection: 'communities', fields: ['closing.deleteAfter'], why: 'timer: closed communities due for erasure' },

  // Delivery relay: a delivery's building parts in order (plan, board, housekeeping).
  { collection: 'deliveryBuildings', fields: ['deliveryId', 'order'], why: 'plan, board, sheets, housekeeping' },
  { collection: 'deliveries', fields: ['communityId', '-deliveryAt'], why: 'listDeliveries, myDeliveries' },
  { collection: 'deliveries', fields: ['status', 'deliveryAt'], why: 'the timer: rests ended, auto-receive, alerts' },
  { collection: 'deliveryStops', fields: ['deliveryId', 'buildingId'], why: 'a door team’s stops, sheets' },
  {
    collection: 'deliveryStops',
    fields: ['deliveryId', 'status', 'delivered.at'],
    why: 'the timer: bags delivered long enough ago to count as received',
  },
  { collection: 'deliveryStops', fields: ['householdId', '-updatedAt'], why: 'householdDeliveries' },
  { collection: 'deliveryTrips', fields: ['deliveryId', 'openid'], why: 'plan, a volunteer’s trips, arrival' },
  { collection: 'deliveryProblems', fields: ['communityId', '-at'], why: 'listProblems' },
  { collection: 'deliveryProblems', fields: ['deliveryId', 'status'], why: 'the board’s open problems' },

  // Testing call-up: a community's sessions; the timer's open and ended ones; a session's buildings in order.
  {
    collection: 'callupSessions',
    fields: ['communityId', 'status', '-started.at'],
    why: 'listSessions, myTurn, closing',
  },
  {
    collection: 'callupSessions',
    fields: ['status', 'deleteAfter'],
    why: 'the timer: sessions left open, ended ones due',
  },
  {
    collection: 'callupBuildings',
    fields: ['sessionId', 'state', 'pos'],
    why: 'queue, calls (read back by callId), buildings ahead, erase',
  },
  { collection: 'callupCalls', fields: ['sessionId', 'at'], why: 'erase' },
  { collection: 'callupPoints', fields: ['communityId', 'sessionId'], why: 'end, erase' },
  {
    collection: 'deliveryStops',
    fields: ['communityId', 'delivered.at'],
    why: 'volunteerHours: bags delivered today, by whom (care function)',
  },

  // Needs, as the care function reads them: a household's open needs, a community's needs of today.
  { collection: 'needs', fields: ['householdId', 'status'], why: 'care list: open needs of the listed households' },
  { collection: 'needs', fields: ['communityId', 'updatedAt'], why: 'volunteerHours: needs taken or done today' },

  // Care: a person's history, a day's checks, statuses of some buildings, the retention timer.
  { collection: 'careChecks', fields: ['householdId', 'memberId', '-at'], why: 'careHistory, erasure' },
  { collection: 'careChecks', fields: ['communityId', 'day'], why: 'volunteerHours: checks made today; closing' },
  { collection: 'careChecks', fields: ['deleteAfter'], why: 'the care timer: checks past their period' },
  { collection: 'careStatus', fields: ['communityId', 'buildingId'], why: 'care list, overview, morning notice' },
  { collection: 'careStatus', fields: ['householdId', 'memberId'], why: 'erasure of a person or household' },
  { collection: 'careStatus', fields: ['lastAt'], why: 'the care timer: statuses whose last check is gone' },
  { collection: 'careChecks', fields: ['by', 'communityId'], why: 'erasure: the checks a person made' },
  { collection: 'careStatus', fields: ['lastBy', 'communityId'], why: 'erasure: the last checks a person made' },
  // Needs: a level's queue, the caller's own, the day's roll-up, retention; the timer's due ones; a household's list.
  {
    collection: 'needs',
    fields: ['communityId', 'level', 'status', 'createdAt'],
    why: 'needQueue (each level’s waiting needs, the caller’s taken ones), erasure, closing',
  },
  { collection: 'needs', fields: ['communityId', 'createdAt'], why: 'needRollup, exportNeeds: a Shanghai day' },
  { collection: 'needs', fields: ['communityId', 'closedAt'], why: 'retention: needs closed before the period' },
  {
    collection: 'needs',
    fields: ['status', 'dueAt'],
    why: 'the timer: unanswered needs to escalate, taken ones overdue',
  },
  { collection: 'needs', fields: ['householdId', '-createdAt'], why: 'householdNeeds, a person’s erasure' },
  { collection: 'doorTeams', fields: ['communityId'], why: 'a person’s and a closed community’s data deletion' },

  // Needs as the registers read them: a linked type's needs in a caller's subtree.
  { collection: 'needs', fields: ['communityId', 'type', 'buildingId'], why: 'registers: needs of a linked type' },

  // Livelihood registers: a community's types in order; a type's entries by building and floor (every list, count
  // and export); a household's (erasure); an import's (rollback); a closed community's (closing).
  { collection: 'registerTypes', fields: ['communityId', 'order'], why: 'listRegisters, install, closing' },
  {
    collection: 'registerEntries',
    fields: ['typeId', 'buildingId', 'floor'],
    why: 'registerEntries, counts, exportRegister, deleting a type',
  },
  { collection: 'registerEntries', fields: ['householdId'], why: 'a person’s data deletion' },
  { collection: 'registerEntries', fields: ['importId'], why: 'rollbackRegisterImport' },
  { collection: 'registerEntries', fields: ['communityId'], why: 'closing' },
  { collection: 'registerImports', fields: ['communityId', 'createdAt'], why: 'closing' },
  { collection: 'registerImports', fields: ['typeId'], why: 'deleting a type' },
  { collection: 'registerImports', fields: ['status', 'createdAt'], why: 'timer: staged rows past their week' },
  { collection: 'registerImportRows', fields: ['importId', 'seq'], why: 'commit in row order, clean-up' },
  { collection: 'registerImportRows', fields: ['communityId'], why: 'closing' },
]

/** Field and direction of an index key. */
export function indexKeys(spec: Pick<IndexSpec, 'fields'>): { field: string; direction: 1 | -1 }[] {
  return spec.fields.map((f) => (f.startsWith('-') ? { field: f.slice(1), direction: -1 } : { field: f, direction: 1 }))
}

/** The name an index is created with: MongoDB's own convention (`communityId_1_openedAt_-1`), dots as `_`. */
export function indexName(spec: Pick<IndexSpec, 'fields'>): string {
  return indexKeys(spec)
    .map((k) => `${k.field.replace(/\./g, '_')}_${k.direction}`)
    .join('_')
}
