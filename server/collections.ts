/**
 * Every database collection the product uses. CloudBase needs a collection created before first use (the
 * console or `db.createCollection`); localcloud creates these at start and after every reset, and the README's
 * deployment steps list them for production.
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
  'roundSubscribers',
  'reminders',
  'exports',
] as const

export type CollectionName = (typeof COLLECTIONS)[number]
