// Deleting a household's data reaches its antigen results and photos (the community function calls this).
import type { ChainDoc } from './model'
import { cloud, data } from '../platform/cloud'

/** Erase a household's antigen entries (its data deletion): results and photos go, the building's counts stay. */
export async function eraseHouseholdResults(householdId: string): Promise<number> {
  const key = `entries.${householdId}`
  const chains = await data.findAll<ChainDoc>('chains', { [key]: data._.exists(true) })
  const photos = chains.flatMap((c) =>
    (c.entries[householdId]?.members ?? []).flatMap((m) => (m.photo ? [m.photo] : [])),
  )
  for (let i = 0; i < photos.length; i += 50) await cloud.deleteFile({ fileList: photos.slice(i, i + 50) })
  if (chains.length) await data.updateWhere('chains', { [key]: data._.exists(true) }, { [key]: data._.remove() })
  return chains.length
}
