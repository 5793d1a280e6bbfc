// The registers' part of a person's data deletion and of a closed community's. Entries are kept until one of
// those (docs/registers.md 「保存期限」): a person deleting their data removes every entry that names them (a member
// field), and, when they were the household's last member, every entry of the household; closing the community
// removes every type, entry and import. Photos on the entries go first, storage's answers checked.
import type { RegisterEntryDoc, RegisterTypeDoc } from './model'
import { data } from '../platform/cloud'
import { deleteFiles } from '../platform/deletions'
import type { Budget } from '../platform/budget'
import type { CommunityDoc } from '../community/model'

export interface RegistersPerson {
  communityId: string
  householdId: string
  memberId?: string
  last: boolean
}

const BATCH = 200

/** Photo file ids of entries, by their types' photo fields. */
async function photosOf(entries: readonly Pick<RegisterEntryDoc, 'typeId' | 'values'>[]): Promise<string[]> {
  if (entries.length === 0) return []
  const types = await data.byIds<RegisterTypeDoc>(
    'registerTypes',
    entries.map((e) => e.typeId),
  )
  return entries.flatMap((e) =>
    (types.get(e.typeId)?.fields ?? []).flatMap((f) =>
      f.kind === 'photo' && typeof e.values[f.id] === 'string' ? [e.values[f.id] as string] : [],
    ),
  )
}

async function removeEntries(
  communityId: string,
  entries: readonly Pick<RegisterEntryDoc, '_id' | 'typeId' | 'values'>[],
) {
  const photos = await photosOf(entries)
  const { failed } = await deleteFiles(
    photos.map((fileID) => ({ fileID, communityId, kind: 'registerPhoto' as const })),
  )
  for (let i = 0; i < entries.length; i += 100)
    await data.removeWhere('registerEntries', { _id: data._.in(entries.slice(i, i + 100).map((e) => e._id)) })
  return failed
}

/** A person's deletion: the entries naming them; all of the household's when they were its last member. */
export async function eraseRegistersPerson(p: RegistersPerson): Promise<{ failedFiles: number }> {
  const entries = await data.findAll<Pick<RegisterEntryDoc, '_id' | 'typeId' | 'values' | 'memberIds'>>(
    'registerEntries',
    { householdId: p.householdId },
    { fields: { typeId: true, values: true, memberIds: true } },
  )
  const mine = p.last ? entries : entries.filter((e) => p.memberId !== undefined && e.memberIds.includes(p.memberId))
  if (mine.length === 0) return { failedFiles: 0 }
  return { failedFiles: await removeEntries(p.communityId, mine) }
}

/** A closed community's registers, in bounded steps (each idempotent). Returns true once done. */
export async function eraseCommunityRegisters(communityId: string, budget: Budget): Promise<boolean> {
  for (;;) {
    const entries = await data.find<Pick<RegisterEntryDoc, '_id' | 'typeId' | 'values'>>(
      'registerEntries',
      { communityId },
      { limit: BATCH, fields: { typeId: true, values: true } },
    )
    if (entries.length === 0) break
    await removeEntries(communityId, entries)
    if (budget.spent) return false
  }
  await data.removeWhere('registerImportRows', { communityId })
  await data.removeWhere('registerImports', { communityId })
  await data.removeWhere('registerTypes', { communityId })
  return true
}

/**
 * For the committee's retention schedule: the community's entries, due when the closed community's data goes (its
 * deleteAfter), else waiting (kept until then, or until the person deletes their data).
 */
export async function registersSchedule(
  c: Pick<CommunityDoc, '_id' | 'closing'>,
): Promise<{ due: { at: Date; count: number }[]; waiting: number }> {
  const n = await data.count('registerEntries', { communityId: c._id })
  if (n === 0) return { due: [], waiting: 0 }
  return c.closing ? { due: [{ at: new Date(c.closing.deleteAfter), count: n }], waiting: 0 } : { due: [], waiting: n }
}
