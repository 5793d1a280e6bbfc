/**
 * Every database collection the product uses. CloudBase needs a collection created before first use (the
 * console or `db.createCollection`); localcloud creates these at start and after every reset, and the README's
 * deployment steps list them for production.
 */
export const COLLECTIONS: readonly string[] = []
