// server/indexes.ts against the code: every index names a collection and well-formed fields, and every query the
// functions make (read from their source, test/support/queries.ts) is served by an index, or by `_id`.
import path from 'node:path'
import { COLLECTIONS } from '../../server/collections'
import { INDEXES, indexKeys, indexName, type IndexSpec } from '../../server/indexes'
import { scanQueries, type QueryUse } from '../support/queries'

const ROOT = path.resolve(__dirname, '../..')
const FIELD = /^-?[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/

/**
 * Filters the scan cannot follow (they come in as a parameter), read by hand: `file collection method` → the
 * fields of each filter the callers pass. A new unresolved query fails the test until it is added here.
 */
const READ_BY_HAND: Record<string, string[][]> = {
  // deleteOldExports(now, limit, where): dueWhere(now) (expiresAt, or createdAt when it has none), and with
  // closing's { communityId }.
  'server/platform/exports.ts exports find': [['expiresAt'], ['expiresAt', 'createdAt'], ['communityId', 'expiresAt']],
  // sequenceWaiting(budget, where): {} from the timer, { roundId } from the table and from closing a round.
  'server/antigen/sequencer.ts intake find': [[], ['roundId']],
  // The household's open chains of its building, not yet marked erased.
  'server/antigen/erase.ts chains updateWhere': [['communityId', 'buildingId', 'status']],
  // stripComplaints(where): a person's ({ communityId, by }), a household's ({ communityId, householdId }), a buy's
  // ({ communityId, buyId }), each not yet stripped.
  'server/groupbuy/erase.ts complaints find': [
    ['communityId', 'by', 'strippedAt'],
    ['communityId', 'householdId', 'strippedAt'],
    ['communityId', 'buyId', 'strippedAt'],
  ],
  // A capped volunteer type's holders (capOf's where): the community-wide kinds, and 楼栋 volunteers of a building.
  'cloudfunctions/community/src/roles.ts roles count': [
    ['communityId', 'role', 'volunteerType'],
    ['communityId', 'role', 'volunteerType', 'posts'],
  ],
  // A register's entries in a caller's subtree (entryWheres): the type and its buildings or a floor, a room, live.
  'server/registers/read.ts registerEntries count': [['typeId', 'buildingId', 'floor', 'room', 'deleted']],
  'server/registers/read.ts registerEntries find': [['typeId', 'buildingId', 'floor', 'room', 'deleted']],
  'server/registers/read.ts registerEntries findAll': [['typeId', 'buildingId', 'floor', 'room', 'deleted']],
  // needQueue: one query per level the caller holds (queueWheres): posts' or a lead's buildings, a 营长's 营, the
  // whole community for 团长 and committee.
  'cloudfunctions/needs/src/work.ts needs find': [
    ['communityId', 'level', 'status', 'buildingId'],
    ['communityId', 'level', 'status', 'groupId'],
    ['communityId', 'level', 'status'],
    ['communityId', 'status', 'taken.openid'],
  ],
}

/**
 * Queries on a per-document key (`entries.<householdId>`) that no index can serve: each reads every chain. Kept
 * visible here; a new one fails the test.
 */
const KNOWN_SCANS: Record<string, string> = {}

const key = (q: QueryUse) => `${q.file} ${q.collection} ${q.method}`

/** The filters of a query, the hand-read ones for what the scan could not follow. */
function filtersOf(q: QueryUse): string[][] {
  if (q.resolved) return q.filters
  const byHand = READ_BY_HAND[key(q)]
  if (!byHand) throw new Error(`${q.file}:${q.line}: ${q.collection} filter not readable; add it to READ_BY_HAND`)
  return byHand
}

/** Whether an index serves the filter: its first field is filtered on (or, with no filter, sorted on). */
function serves(index: IndexSpec, filter: string[], sort: string[]): boolean {
  const first = indexKeys(index)[0]?.field
  return first !== undefined && (filter.length ? filter.includes(first) : sort.includes(first))
}

const queries = scanQueries(ROOT, COLLECTIONS)

describe('the index list', () => {
  it('names existing collections and well-formed fields, each index once, at most 20 per collection', () => {
    for (const ix of INDEXES) {
      expect(COLLECTIONS).toContain(ix.collection)
      expect(ix.fields.length).toBeGreaterThan(0)
      for (const f of ix.fields) expect(f).toMatch(FIELD)
      expect(ix.fields).not.toContain('_id')
      expect(new Set(ix.fields.map((f) => f.replace(/^-/, ''))).size).toBe(ix.fields.length)
      expect(ix.why.length).toBeGreaterThan(0)
    }
    const names = INDEXES.map((ix) => `${ix.collection}.${indexName(ix)}`)
    expect(new Set(names).size).toBe(names.length)
    for (const c of COLLECTIONS) expect(INDEXES.filter((ix) => ix.collection === c).length).toBeLessThanOrEqual(20)
  })

  it('names indexes as MongoDB does, dots as underscores', () => {
    expect(indexName({ fields: ['communityId', '-openedAt'] })).toBe('communityId_1_openedAt_-1')
    expect(indexName({ fields: ['communityId', 'role', 'scope.buildingId'] })).toBe(
      'communityId_1_role_1_scope_buildingId_1',
    )
  })
})

describe('the queries the functions make', () => {
  it('are found in the source: the hot collections’ among them', () => {
    expect(queries.length).toBeGreaterThan(150)
    for (const c of ['intake', 'chains', 'roles', 'households', 'pushQueue', 'followUps'])
      expect(queries.filter((q) => q.collection === c).length).toBeGreaterThan(5)
    // The grants read on every call, and the sequencer's merge.
    expect(queries).toContainEqual(expect.objectContaining({ collection: 'roles', filters: [['openid']] }))
    expect(queries).toContainEqual(
      expect.objectContaining({ collection: 'intake', filters: [['chainId']], sort: ['at', '_id'] }),
    )
  })

  it('are each served by an index or by _id', () => {
    const uncovered: string[] = []
    for (const q of queries) {
      const indexes = INDEXES.filter((ix) => ix.collection === q.collection)
      for (const filter of filtersOf(q)) {
        if (filter.includes('_id')) continue
        if (filter.length === 0 && q.sort.length === 0) {
          // A whole-collection read: only communities, of which there are few.
          if (q.collection !== 'communities') uncovered.push(`${q.file}:${q.line} ${q.collection} reads everything`)
          continue
        }
        if (indexes.some((ix) => serves(ix, filter, q.sort))) continue
        if (KNOWN_SCANS[key(q)] && filter.every((f) => f.endsWith('*'))) continue
        uncovered.push(`${q.file}:${q.line} ${q.collection} [${filter.join(', ')}] sort [${q.sort.join(', ')}]`)
      }
    }
    expect(uncovered).toEqual([])
  })

  it('leave no index unused, and no hand-read or known-scan entry stale', () => {
    const unused = INDEXES.filter(
      (ix) =>
        !queries.some(
          (q) =>
            q.collection === ix.collection && filtersOf(q).some((f) => !f.includes('_id') && serves(ix, f, q.sort)),
        ),
    ).map((ix) => `${ix.collection}.${indexName(ix)}`)
    expect(unused).toEqual([])
    for (const k of Object.keys(READ_BY_HAND)) expect(queries.some((q) => !q.resolved && key(q) === k)).toBe(true)
    for (const k of Object.keys(KNOWN_SCANS))
      expect(queries.some((q) => key(q) === k && q.filters.some((f) => f.every((x) => x.endsWith('*'))))).toBe(true)
  })
})
