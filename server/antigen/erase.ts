// Deleting antigen data: a person's or a household's results and photos (their data deletion, which the community
// function runs through this file), a round's photos after their period, a chain reduced to counts after the
// results' period or when its community's data goes. The building's counters and numbers always stay, and every
// step can run again after a failure: it finds what is left and finishes it.
import type { ChainDoc, ChainEntryDoc, IntakeDoc, MemberResultDoc } from './model'
import { data } from '../platform/cloud'
import { deleteFiles, type FileRef } from '../platform/deletions'
import { nowDate } from '../kernel'
import type { FollowUpDoc } from './followups'

export const photoRefs = (communityId: string, members: readonly MemberResultDoc[]): FileRef[] =>
  members.flatMap((m) => (m.photo ? [{ fileID: m.photo, communityId, kind: 'photo' as const }] : []))

const withoutPhoto = ({ photo: _photo, photoSize: _size, ...rest }: MemberResultDoc): MemberResultDoc => rest

/** Chain numbers given whose entries are gone (numbers run 1..seq without gaps, so the missing ones were deleted). */
export function deletedNumbers(chain: Pick<ChainDoc, 'seq' | 'entries'>): number[] {
  const present = new Set(Object.values(chain.entries ?? {}).map((e) => e.no))
  const out: number[] = []
  for (let n = 1; n <= chain.seq; n++) if (!present.has(n)) out.push(n)
  return out
}

export interface Erased {
  /** Chains changed. */
  chains: number
  /** Photos storage did not delete: queued, the timers retry them. */
  failedFiles: number
}

type Projected = Pick<ChainDoc, '_id' | 'communityId' | 'version'> & { entries?: Record<string, ChainEntryDoc> }

/**
 * Where a household's entries can be: its building's chains (a household id is derived from its building, and a
 * submission goes to the chain of the household's building), read by the chains index on community and building
 * instead of every chain ever stored.
 */
const inBuilding = (place: Building, key: string) => ({
  communityId: place.communityId,
  buildingId: place.buildingId,
  [key]: data._.exists(true),
})

/** The chains holding a household's entry, with only that entry. */
function chainsWith(householdId: string, place: Building): Promise<Projected[]> {
  const key = `entries.${householdId}`
  return data.findAll<Projected>('chains', inBuilding(place, key), {
    fields: { communityId: true, version: true, [key]: true },
  })
}

/**
 * Erase a household's entries (its last member deleted their data, or its community's data goes): results, names,
 * timer times, flags and photos. The chains' counters and `seq` keep counting it, so its number shows as deleted.
 */
export async function eraseHouseholdResults(householdId: string, place: Building): Promise<Erased> {
  const key = `entries.${householdId}`
  // First the mark on the building's open chains: a submission made before now and merged later is dropped
  // (sequencer.ts). Marked once: a retried deletion changes nothing more.
  await markErased(
    place,
    householdId,
    { [`erased.${householdId}`]: { at: nowDate() } },
    {
      [`erased.${householdId}.members`]: data._.exists(true),
    },
  )
  const waiting = await data.findAll<IntakeDoc>('intake', { householdId })
  const chains = await chainsWith(householdId, place)
  const files = await deleteFiles([
    ...waiting.flatMap((w) => photoRefs(w.communityId, w.members)),
    ...chains.flatMap((c) => photoRefs(c.communityId, c.entries?.[householdId]?.members ?? [])),
  ])
  if (waiting.length) await data.removeWhere('intake', { householdId })
  // Its follow-ups (health data about the household: status, contacts and their notes, outcome) in every round.
  await data.removeWhere('followUps', { householdId })
  // Only once every photo is gone or queued: a failure before this leaves the entries to find again.
  if (chains.length)
    await data.updateWhere('chains', inBuilding(place, key), { [key]: data._.remove(), version: data._.inc(1) })
  return { chains: chains.length, failedFiles: files.failed }
}

const CAS_ATTEMPTS = 5

/**
 * Erase one member's results from their household's entries (a member deleted their data and others of the
 * household stay): their name, result, reason, photo and timer times go, and a flag whose reason names them. The
 * entry keeps the others' results, and the chain its counts (they counted the member when submitted).
 */
export async function eraseMemberResults(
  householdId: string,
  memberId: string,
  openid: string,
  place: Building,
): Promise<Erased> {
  const key = `entries.${householdId}`
  await markErased(
    place,
    householdId,
    { [`erased.${householdId}.at`]: nowDate(), [`erased.${householdId}.members`]: data._.addToSet(memberId) },
    { [`erased.${householdId}.members`]: data._.neq(memberId) },
  )
  // Submissions waiting to be merged lose the member now; one overwritten meanwhile the sequencer strips.
  for (const w of await data.findAll<IntakeDoc>('intake', { householdId })) {
    const theirs = w.members.filter((m) => m.memberId === memberId)
    if (theirs.length === 0) continue
    await deleteFiles(photoRefs(w.communityId, theirs))
    await data.updateWhere(
      'intake',
      { _id: w._id, nonce: w.nonce },
      { members: w.members.filter((m) => m.memberId !== memberId) },
    )
  }
  const found = await chainsWith(householdId, place)
  const theirs = (c: Projected) => c.entries?.[householdId]?.members.filter((m) => m.memberId === memberId) ?? []
  // Their photos in every round at once (one storage call per 50); a retry below deletes one added meanwhile.
  const gone = new Set<string>()
  const first = await deleteFiles(found.flatMap((c) => photoRefs(c.communityId, theirs(c))))
  for (const c of found) for (const m of theirs(c)) if (m.photo) gone.add(m.photo)
  let chains = 0
  let failedFiles = first.failed
  for (const start of found) {
    let chain: Projected | null = start
    for (let attempt = 1; chain && attempt <= CAS_ATTEMPTS; attempt++) {
      const entry = chain.entries?.[householdId]
      const mine = entry?.members.find((m) => m.memberId === memberId)
      const namesThem = Boolean(mine && entry?.flagged?.reason.includes(mine.name))
      if (!entry || (!mine && entry.by !== openid && !namesThem)) break
      if (mine?.photo && !gone.has(mine.photo)) {
        failedFiles += (await deleteFiles(photoRefs(chain.communityId, [mine]))).failed
        gone.add(mine.photo)
      }
      const patch: Record<string, unknown> = {
        [`${key}.members`]: entry.members.filter((m) => m.memberId !== memberId),
        version: data._.inc(1),
      }
      if (entry.by === openid) patch[`${key}.by`] = ''
      if (namesThem) patch[`${key}.flagged`] = data._.remove()
      // Compare-and-set: a submission meanwhile (the chain's version moved) is read again and erased again.
      const won = await data.updateWhere('chains', { _id: chain._id, version: chain.version }, patch)
      if (won > 0) {
        chains++
        break
      }
      const [again]: Projected[] = await data.find<Projected>(
        'chains',
        { _id: chain._id },
        { limit: 1, fields: { communityId: true, version: true, [key]: true } },
      )
      chain = again ?? null
    }
  }
  // A follow-up is about an abnormal result: one no member's result in its round is any more goes with it.
  await dropFollowUpsWithoutAbnormal(householdId)
  return { chains, failedFiles }
}

/**
 * Remove the household's follow-ups whose round no longer holds an abnormal result of it (a member's erasure took
 * the last one). Read from the chains as they are now, so a retried erasure finishes what a failed one left.
 */
async function dropFollowUpsWithoutAbnormal(householdId: string): Promise<number> {
  const key = `entries.${householdId}`
  const followUps = await data.findAll<Pick<FollowUpDoc, '_id' | 'chainId'>>(
    'followUps',
    { householdId },
    { fields: { chainId: true } },
  )
  let removed = 0
  for (const f of followUps) {
    const [chain] = await data.find<Projected>('chains', { _id: f.chainId }, { limit: 1, fields: { [key]: true } })
    if (chain?.entries?.[householdId]?.members.some((m) => m.result === 'positive')) continue
    removed += await data.remove('followUps', f._id)
  }
  return removed
}

/** Where a household is: the chains its erasure marks. */
export interface Building {
  communityId: string
  buildingId: string
}

/**
 * Mark a household's (or a member's) erasure on its building's chains not yet closed (those `unless` does not already
 * describe), moving their versions so a merge in flight reads them again. A submission made before the mark is
 * dropped, or loses the member, when merged.
 */
async function markErased(
  place: Building,
  householdId: string,
  mark: Record<string, unknown>,
  unless: Record<string, unknown>,
): Promise<void> {
  if (!/^[\w-]{1,80}$/.test(householdId)) throw new Error('bad household id')
  const { communityId, buildingId } = place
  const open = { communityId, buildingId, status: data._.neq('closed') }
  await data.updateWhere(
    'chains',
    data._.and([open, data._.or([{ [`erased.${householdId}`]: data._.exists(false) }, unless])]),
    { ...mark, version: data._.inc(1) },
  )
}

/**
 * What the rounds of a community keep about someone who no longer leads there (a lead who deleted their data):
 * their openid on the lists of people to tell (an open round would go on pushing to them), as the lead who
 * confirmed a building, and on the reminder logs of the buildings they reminded.
 */
export async function eraseLeadTraces(openid: string, communityId: string): Promise<void> {
  await data.updateWhere('chains', { communityId, 'notify.leads': openid }, { 'notify.leads': data._.pull(openid) })
  await data.updateWhere('chains', { communityId, confirmedBy: openid }, { confirmedBy: '' })
  const rounds = await data.findAll<{ _id: string }>('rounds', { communityId }, { fields: { _id: true } })
  for (let i = 0; i < rounds.length; i += 100) {
    const ids = rounds.slice(i, i + 100).map((r) => r._id)
    await data.updateWhere('reminders', { by: openid, roundId: data._.in(ids) }, { by: '' })
  }
  // Follow-ups they acknowledged, closed or recorded a contact on keep the record without naming them.
  const inc = () => data._.inc(1)
  await data.updateWhere('followUps', { communityId, acknowledgedBy: openid }, { acknowledgedBy: '', version: inc() })
  await data.updateWhere('followUps', { communityId, closedBy: openid }, { closedBy: '', version: inc() })
  for (const f of await data.findAll<FollowUpDoc>('followUps', { communityId, 'contacts.by': openid })) {
    let doc: FollowUpDoc | null = f
    for (let attempt = 1; doc && attempt <= CAS_ATTEMPTS; attempt++) {
      const contacts = doc.contacts.map((c) => (c.by === openid ? { ...c, by: '' } : c))
      // Compare-and-set: a contact recorded meanwhile is read again rather than lost.
      const won = await data.updateWhere(
        'followUps',
        { _id: doc._id, version: doc.version },
        { contacts, version: inc() },
      )
      if (won > 0) break
      doc = await data.get<FollowUpDoc>('followUps', doc._id)
    }
  }
}

/** A person's 开轮提醒 subscription in a community. */
export async function eraseSubscription(openid: string, communityId: string): Promise<number> {
  return data.removeWhere('roundSubscribers', { openid, communityId })
}

type WithEntries = Pick<ChainDoc, '_id' | 'communityId' | 'version' | 'entries' | 'photosDeletedAt'>

async function loadEntries(chainId: string): Promise<WithEntries | null> {
  const [chain] = await data.find<WithEntries>(
    'chains',
    { _id: chainId },
    { limit: 1, fields: { communityId: true, version: true, entries: true, photosDeletedAt: true } },
  )
  return chain ?? null
}

/** Delete a chain's kit photos (statuses checked, failures queued) and strip them from its entries; results stay. */
export async function deleteChainPhotos(chainId: string): Promise<{ photos: number; failedFiles: number }> {
  for (let attempt = 1; attempt <= CAS_ATTEMPTS; attempt++) {
    const chain = await loadEntries(chainId)
    if (!chain) return { photos: 0, failedFiles: 0 }
    const entries = Object.values(chain.entries ?? {}).filter((e) => e.members.some((m) => m.photo))
    const files = await deleteFiles(entries.flatMap((e) => photoRefs(chain.communityId, e.members)))
    const patch: Record<string, unknown> = { photosDeletedAt: nowDate(), version: data._.inc(1) }
    for (const e of entries) patch[`entries.${e.householdId}.members`] = e.members.map(withoutPhoto)
    // Compare-and-set: an entry erased meanwhile must not come back as a fragment.
    if ((await data.updateWhere('chains', { _id: chain._id, version: chain.version }, patch)) > 0)
      return { photos: files.deleted + files.failed, failedFiles: files.failed }
  }
  throw new Error(`chain ${chainId}: kept changing while its photos were deleted`)
}

/**
 * Reduce a chain to counts: its photos are deleted (statuses checked, failures queued), then every entry goes,
 * with the lists of people to tell and who confirmed. The counters, `seq` and `submitted` stay: numbers 1..seq
 * were given, and the table still adds up.
 */
export async function reduceChain(chainId: string): Promise<{ photos: number; failedFiles: number }> {
  const chain = await loadEntries(chainId)
  if (!chain) return { photos: 0, failedFiles: 0 }
  const files = await deleteFiles(
    Object.values(chain.entries ?? {}).flatMap((e) => photoRefs(chain.communityId, e.members)),
  )
  const at = nowDate()
  // Submissions still waiting (none, normally, this long after the close) go with their photos.
  const waiting = await data.findAll<IntakeDoc>('intake', { chainId })
  const pending = await deleteFiles(waiting.flatMap((w) => photoRefs(w.communityId, w.members)))
  if (waiting.length) await data.removeWhere('intake', { chainId })
  // The round's follow-ups name households and their outcomes: they go with the entries (before the marker, so a
  // failure leaves the chain to be reduced again).
  await data.removeWhere('followUps', { chainId })
  await data.update('chains', chain._id, {
    entries: data._.set({}),
    erased: data._.remove(),
    notify: data._.remove(),
    confirmedBy: data._.remove(),
    resultsReducedAt: at,
    ...(chain.photosDeletedAt ? {} : { photosDeletedAt: at }),
    version: data._.inc(1),
  })
  return {
    photos: files.deleted + files.failed + pending.deleted + pending.failed,
    failedFiles: files.failed + pending.failed,
  }
}
